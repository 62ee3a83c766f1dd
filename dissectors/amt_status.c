/* Status code tables: Intel's StatusCodeDefinitions.h (PT_STATUS/AMT_STATUS),
 * the AMT SDK's "Errors and Return Values" page and go-wsman-messages'
 * decoders (method return values). */
#include "amt_status.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct code_name {
	uint32_t code;
	const char *name;
	const char *meaning;
} code_name;

static const code_name pt_status[] = {
	{0x00, "SUCCESS", "the operation succeeded"},
	{0x01, "INTERNAL_ERROR", "the firmware hit an internal error"},
	{0x02, "NOT_READY", "the firmware is not ready for this request yet"},
	{0x03, "INVALID_PT_MODE", "the request is not valid in the current mode"},
	{0x04, "INVALID_MESSAGE_LENGTH", "the message length is invalid"},
	{0x05, "TABLE_FINGERPRINT_NOT_AVAILABLE", "the table fingerprint is not available"},
	{0x06, "INTEGRITY_CHECK_FAILED", "an integrity check failed"},
	{0x07, "UNSUPPORTED_ISVS_VERSION", "the ISV storage version is not supported"},
	{0x08, "APPLICATION_NOT_REGISTERED", "the application is not registered"},
	{0x09, "INVALID_REGISTRATION_DATA", "the registration data is invalid"},
	{0x0A, "APPLICATION_DOES_NOT_EXIST", "the application does not exist"},
	{0x0B, "NOT_ENOUGH_STORAGE", "not enough storage in the firmware"},
	{0x0C, "INVALID_NAME", "an invalid name was given"},
	{0x0D, "BLOCK_DOES_NOT_EXIST", "the storage block does not exist"},
	{0x0E, "INVALID_BYTE_OFFSET", "the byte offset is invalid"},
	{0x0F, "INVALID_BYTE_COUNT", "the byte count is invalid"},
	{0x10, "NOT_PERMITTED", "the operation is not permitted in the current state or for this user"},
	{0x11, "NOT_OWNER", "the caller does not own the object"},
	{0x12, "BLOCK_LOCKED_BY_OTHER", "the block is locked by another application"},
	{0x13, "BLOCK_NOT_LOCKED", "the block is not locked"},
	{0x14, "INVALID_GROUP_PERMISSIONS", "the group permissions are invalid"},
	{0x15, "GROUP_DOES_NOT_EXIST", "the group does not exist"},
	{0x16, "INVALID_MEMBER_COUNT", "the member count is invalid"},
	{0x17, "MAX_LIMIT_REACHED", "a maximum (entries, objects) was reached"},
	{0x18, "INVALID_AUTH_TYPE", "the key algorithm or authentication type is invalid"},
	{0x19, "AUTHENTICATION_FAILED", "authentication failed"},
	{0x1A, "INVALID_DHCP_MODE", "the DHCP mode is invalid for this setting"},
	{0x1B, "INVALID_IP_ADDRESS", "the IP address is invalid"},
	{0x1C, "INVALID_DOMAIN_NAME", "the domain name is invalid"},
	{0x1D, "UNSUPPORTED_VERSION", "the version is not supported"},
	{0x1E, "REQUEST_UNEXPECTED", "the request was not expected at this point"},
	{0x1F, "INVALID_TABLE_TYPE", "the table type is invalid"},
	{0x20, "INVALID_PROVISIONING_STATE", "the device is in the wrong provisioning state for this request"},
	{0x21, "UNSUPPORTED_OBJECT", "the object is not supported"},
	{0x22, "INVALID_TIME", "the time is invalid"},
	{0x23, "INVALID_INDEX", "the index is invalid"},
	{0x24, "INVALID_PARAMETER", "a parameter is invalid"},
	{0x25, "INVALID_NETMASK", "the netmask is invalid"},
	{0x26, "FLASH_WRITE_LIMIT_EXCEEDED", "the firmware flash write limit was exceeded; wait and retry later"},
	{0x27, "INVALID_IMAGE_LENGTH", "the image length is invalid"},
	{0x28, "INVALID_IMAGE_SIGNATURE", "the image signature is invalid"},
	{0x29, "PROPOSE_ANOTHER_VERSION", "another version should be proposed"},
	{0x2A, "INVALID_PID_FORMAT", "the PID has an invalid format"},
	{0x2B, "INVALID_PPS_FORMAT", "the PPS has an invalid format"},
	{0x2C, "BIST_COMMAND_BLOCKED", "the BIST command is blocked"},
	{0x2D, "CONNECTION_FAILED", "the connection failed"},
	{0x2E, "CONNECTION_TOO_MANY", "too many connections"},
	{0x2F, "RNG_GENERATION_IN_PROGRESS", "random number generation is in progress; retry"},
	{0x30, "RNG_NOT_READY", "the random number generator is not ready"},
	{0x31, "CERTIFICATE_NOT_READY", "the certificate is not ready"},
	{0x400, "DISABLED_BY_POLICY", "the operation is disabled by policy"},
	{0x800, "NETWORK_IF_ERROR_BASE", "network interface error"},
	{0x801, "UNSUPPORTED_OEM_NUMBER", "the OEM number is not supported"},
	{0x802, "UNSUPPORTED_BOOT_OPTION", "the boot option is not supported"},
	{0x803, "INVALID_COMMAND", "the command is invalid"},
	{0x804, "INVALID_SPECIAL_COMMAND", "the special command is invalid"},
	{0x805, "INVALID_HANDLE", "the handle is invalid"},
	{0x806, "INVALID_PASSWORD", "the password is invalid (wrong, or does not meet the strength rules)"},
	{0x807, "INVALID_REALM", "the realm is invalid"},
	{0x808, "STORAGE_ACL_ENTRY_IN_USE", "the storage ACL entry is in use"},
	{0x809, "DATA_MISSING", "essential data is missing (at CommitChanges: a required setting was never made)"},
	{0x80A, "DUPLICATE", "the entry already exists"},
	{0x80B, "EVENTLOG_FROZEN", "the event log is frozen"},
	{0x80C, "PKI_MISSING_KEYS", "the PKI keys are missing"},
	{0x80D, "PKI_GENERATING_KEYS", "the firmware is still generating keys; retry"},
	{0x80E, "INVALID_KEY", "the key is invalid"},
	{0x80F, "INVALID_CERT", "the certificate is invalid"},
	{0x810, "CERT_KEY_NOT_MATCH", "the certificate does not match the key"},
	{0x811, "MAX_KERB_DOMAIN_REACHED", "the maximum number of Kerberos domains was reached"},
	{0x812, "UNSUPPORTED", "the operation is not supported"},
	{0x813, "INVALID_PRIORITY", "the priority is invalid"},
	{0x814, "NOT_FOUND", "the object was not found"},
	{0x815, "INVALID_CREDENTIALS", "the credentials are invalid"},
	{0x816, "INVALID_PASSPHRASE", "the passphrase is invalid"},
	{0x818, "NO_ASSOCIATION", "no association: a certificate handle must be chosen first"},
	{0x81B, "AUDIT_FAIL", "a critical audit event could not be logged"},
	{0x81C, "BLOCKING_COMPONENT", "an ME component is not ready"},
	{0x821, "USER_CONSENT_REQUIRED", "user consent is required"},
	{0x822, "OPERATION_IN_PROGRESS", "another operation is in progress; retry"},
};

static const code_name *pt_find(uint32_t code)
{
	for (size_t i = 0; i < sizeof(pt_status) / sizeof(pt_status[0]); i++)
		if (pt_status[i].code == code)
			return &pt_status[i];
	return NULL;
}

const char *amt_status_name(uint32_t code)
{
	const code_name *c = pt_find(code);
	return c ? c->name : NULL;
}

const char *amt_status_meaning(uint32_t code)
{
	const code_name *c = pt_find(code);
	if (c)
		return c->meaning;
	if (code >= 32768 && (c = pt_find(code - 32768)))
		return c->meaning;
	return NULL;
}

/* IPS_HostBasedSetupService (spec §3.7) */
static const char *const hbs_setup[] = {
	"Success", "InternalError", "InvalidState", "InvalidParam",
	"MethodDisabled", "AuthFailed", "FlashWriteLimitExceeded",
};
static const char *const hbs_chain[] = {
	"Success", "InvalidParam", "InternalError", "InvalidState",
	"CertVerifyFailed", "CertChainLengthExceeded",
};

static bool eq(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

const char *amt_return_name(const char *cls, const char *method, uint32_t value)
{
	if (eq(cls, "IPS_HostBasedSetupService")) {
		if ((eq(method, "Setup") || eq(method, "AdminSetup") || eq(method, "UpgradeClientToAdmin")) &&
		    value < sizeof(hbs_setup) / sizeof(hbs_setup[0]) &&
		    !(value == 4 && eq(method, "AdminSetup")))
			return hbs_setup[value];
		if (eq(method, "AddNextCertInChain") && value < sizeof(hbs_chain) / sizeof(hbs_chain[0]))
			return hbs_chain[value];
	}
	if (cls && strncmp(cls, "CIM_", 4) == 0) {
		if (value == 0)
			return "Completed";
		if (value >= 32768)
			return amt_status_name(value - 32768);
	}
	return amt_status_name(value);
}

static const struct {
	const char *subcode, *meaning;
} fault_meanings[] = {
	{"ActionNotSupported", "the action is not supported by the service"},
	{"DestinationUnreachable", "no route to the destination named in the WS-Addressing To (wrong resource or path)"},
	{"InvalidMessageInformationHeader", "a message information header is invalid"},
	{"MessageInformationHeaderRequired", "a required message information header is missing"},
	{"EndpointUnavailable", "the endpoint cannot process the message now"},
	{"AccessDenied", "the user is not allowed to do this (ACL/realm)"},
	{"AlreadyExists", "the sender tried to create a resource that already exists"},
	{"CannotProcessFilter", "the filter cannot be processed"},
	{"Concurrency", "a concurrent change conflicted"},
	{"EncodingLimit", "an encoding limit (size, envelope) was exceeded"},
	{"InvalidOptions", "an option is invalid"},
	{"InvalidParameter", "a parameter is invalid"},
	{"InvalidSelectors", "the selectors do not name an existing instance"},
	{"QuotaLimit", "a quota was exceeded"},
	{"SchemaValidationError", "the body does not match the class schema"},
	{"UnsupportedFeature", "the feature is not supported"},
	{"InvalidRepresentation", "the representation (Put/Create body) is invalid"},
	{"FilterDialectRequestedUnavailable", "the filter dialect is not available"},
	{"FilteringNotSupported", "filtering is not supported"},
	{"MustUnderstand", "a header marked mustUnderstand was not understood"},
	{"InternalError", "the firmware failed internally (see AMT-STATUS)"},
	{"TimedOut", "the operation timed out"},
	{"FragmentDialectNotSupported", "the fragment dialect is not supported"},
	{"InvalidEnumerationContext", "the enumeration context is invalid or expired"},
	{"UnsupportedExpirationType", "the expiration type is not supported"},
};

const char *wsman_fault_meaning(const char *subcode_local)
{
	if (!subcode_local)
		return NULL;
	for (size_t i = 0; i < sizeof(fault_meanings) / sizeof(fault_meanings[0]); i++)
		if (strcmp(fault_meanings[i].subcode, subcode_local) == 0)
			return fault_meanings[i].meaning;
	return NULL;
}
