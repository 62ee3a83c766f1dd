/* Status code tables: Intel's StatusCodeDefinitions.h (PT_STATUS/AMT_STATUS),
 * the AMT SDK's "Errors and Return Values" page and go-wsman-messages'
 * decoders (method return values). */
#include "amt_status.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "../decoder/tok.h"

/* names only: what a code means is the knowledge base's (rules/kb/pt-status.kb) */
static const tok pt_status[] = {
	{0x00, "SUCCESS"},
	{0x01, "INTERNAL_ERROR"},
	{0x02, "NOT_READY"},
	{0x03, "INVALID_PT_MODE"},
	{0x04, "INVALID_MESSAGE_LENGTH"},
	{0x05, "TABLE_FINGERPRINT_NOT_AVAILABLE"},
	{0x06, "INTEGRITY_CHECK_FAILED"},
	{0x07, "UNSUPPORTED_ISVS_VERSION"},
	{0x08, "APPLICATION_NOT_REGISTERED"},
	{0x09, "INVALID_REGISTRATION_DATA"},
	{0x0A, "APPLICATION_DOES_NOT_EXIST"},
	{0x0B, "NOT_ENOUGH_STORAGE"},
	{0x0C, "INVALID_NAME"},
	{0x0D, "BLOCK_DOES_NOT_EXIST"},
	{0x0E, "INVALID_BYTE_OFFSET"},
	{0x0F, "INVALID_BYTE_COUNT"},
	{0x10, "NOT_PERMITTED"},
	{0x11, "NOT_OWNER"},
	{0x12, "BLOCK_LOCKED_BY_OTHER"},
	{0x13, "BLOCK_NOT_LOCKED"},
	{0x14, "INVALID_GROUP_PERMISSIONS"},
	{0x15, "GROUP_DOES_NOT_EXIST"},
	{0x16, "INVALID_MEMBER_COUNT"},
	{0x17, "MAX_LIMIT_REACHED"},
	{0x18, "INVALID_AUTH_TYPE"},
	{0x19, "AUTHENTICATION_FAILED"},
	{0x1A, "INVALID_DHCP_MODE"},
	{0x1B, "INVALID_IP_ADDRESS"},
	{0x1C, "INVALID_DOMAIN_NAME"},
	{0x1D, "UNSUPPORTED_VERSION"},
	{0x1E, "REQUEST_UNEXPECTED"},
	{0x1F, "INVALID_TABLE_TYPE"},
	{0x20, "INVALID_PROVISIONING_STATE"},
	{0x21, "UNSUPPORTED_OBJECT"},
	{0x22, "INVALID_TIME"},
	{0x23, "INVALID_INDEX"},
	{0x24, "INVALID_PARAMETER"},
	{0x25, "INVALID_NETMASK"},
	{0x26, "FLASH_WRITE_LIMIT_EXCEEDED"},
	{0x27, "INVALID_IMAGE_LENGTH"},
	{0x28, "INVALID_IMAGE_SIGNATURE"},
	{0x29, "PROPOSE_ANOTHER_VERSION"},
	{0x2A, "INVALID_PID_FORMAT"},
	{0x2B, "INVALID_PPS_FORMAT"},
	{0x2C, "BIST_COMMAND_BLOCKED"},
	{0x2D, "CONNECTION_FAILED"},
	{0x2E, "CONNECTION_TOO_MANY"},
	{0x2F, "RNG_GENERATION_IN_PROGRESS"},
	{0x30, "RNG_NOT_READY"},
	{0x31, "CERTIFICATE_NOT_READY"},
	{0x400, "DISABLED_BY_POLICY"},
	{0x800, "NETWORK_IF_ERROR_BASE"},
	{0x801, "UNSUPPORTED_OEM_NUMBER"},
	{0x802, "UNSUPPORTED_BOOT_OPTION"},
	{0x803, "INVALID_COMMAND"},
	{0x804, "INVALID_SPECIAL_COMMAND"},
	{0x805, "INVALID_HANDLE"},
	{0x806, "INVALID_PASSWORD"},
	{0x807, "INVALID_REALM"},
	{0x808, "STORAGE_ACL_ENTRY_IN_USE"},
	{0x809, "DATA_MISSING"},
	{0x80A, "DUPLICATE"},
	{0x80B, "EVENTLOG_FROZEN"},
	{0x80C, "PKI_MISSING_KEYS"},
	{0x80D, "PKI_GENERATING_KEYS"},
	{0x80E, "INVALID_KEY"},
	{0x80F, "INVALID_CERT"},
	{0x810, "CERT_KEY_NOT_MATCH"},
	{0x811, "MAX_KERB_DOMAIN_REACHED"},
	{0x812, "UNSUPPORTED"},
	{0x813, "INVALID_PRIORITY"},
	{0x814, "NOT_FOUND"},
	{0x815, "INVALID_CREDENTIALS"},
	{0x816, "INVALID_PASSPHRASE"},
	{0x818, "NO_ASSOCIATION"},
	{0x81B, "AUDIT_FAIL"},
	{0x81C, "BLOCKING_COMPONENT"},
	{0x821, "USER_CONSENT_REQUIRED"},
	{0x822, "OPERATION_IN_PROGRESS"},
	{0, NULL},
};

const char *amt_status_name(uint32_t code)
{
	return tok_name(pt_status, code, NULL);
}

/* IPS_HostBasedSetupService (spec §3.7) */
static const tok hbs_setup[] = {
	{0, "Success"}, {1, "InternalError"}, {2, "InvalidState"}, {3, "InvalidParam"},
	{4, "MethodDisabled"}, {5, "AuthFailed"}, {6, "FlashWriteLimitExceeded"}, {0, NULL},
};
static const tok hbs_chain[] = {
	{0, "Success"}, {1, "InvalidParam"}, {2, "InternalError"}, {3, "InvalidState"},
	{4, "CertVerifyFailed"}, {5, "CertChainLengthExceeded"}, {0, NULL},
};

static bool eq(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

const char *amt_return_name(const char *cls, const char *method, uint32_t value)
{
	if (eq(cls, "IPS_HostBasedSetupService")) {
		const char *setup = tok_name(hbs_setup, value, NULL);
		const char *chain = tok_name(hbs_chain, value, NULL);
		if ((eq(method, "Setup") || eq(method, "AdminSetup") || eq(method, "UpgradeClientToAdmin")) &&
		    setup && !(value == 4 && eq(method, "AdminSetup")))
			return setup;
		if (eq(method, "AddNextCertInChain") && chain)
			return chain;
	}
	if (cls && strncmp(cls, "CIM_", 4) == 0) {
		if (value == 0)
			return "Completed";
		if (value >= 32768)
			return amt_status_name(value - 32768);
	}
	return amt_status_name(value);
}
