#include "wsman_meaning.h"

#include <stdio.h>
#include <string.h>

static const kb_entry *status_entry(const kb *k, uint32_t code)
{
	char key[16];
	snprintf(key, sizeof(key), "0x%x", code);  /* kb_norm_code's form */
	return kb_lookup(k, "pt-status", key);
}

const char *amt_status_meaning(const kb *k, uint32_t code)
{
	if (!k)
		return NULL;
	const kb_entry *e = status_entry(k, code);
	if (!e && code >= 32768)
		e = status_entry(k, code - 32768);
	return e ? e->meaning : NULL;
}

const char *wsman_failure_meaning(const kb *k, const ev_wsman *w)
{
	if (w->fault)
		return w->has_amt_status ? amt_status_meaning(k, w->amt_status)
					 : wsman_fault_meaning(w->fault_subcode_local);
	if (w->has_return && w->return_value)
		return amt_status_meaning(k, w->return_value);
	return NULL;
}

/* DSP0226 (WS-Management) and WS-Addressing 1.0 fault subcodes */
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
