/* Names for Intel AMT status codes (PT_STATUS / AMT_STATUS), method-specific
 * ReturnValues. The names are part of decoding, so they live with the
 * dissector; rules read them from events. What a code means is not decoding:
 * rules/kb/pt-status.kb holds it, and the rules explain codes from there. */
#ifndef AMT_STATUS_H
#define AMT_STATUS_H
#include <stdint.h>

/* "NOT_PERMITTED" for 16, or NULL when the code is not assigned. */
const char *amt_status_name(uint32_t code);
/* The name of a method's ReturnValue: the method's own table where it has
 * one (IPS_HostBasedSetupService.Setup/AdminSetup/AddNextCertInChain),
 * CIM classes' vendor range 32768+PT_STATUS, else PT_STATUS. NULL when
 * unknown. cls and method may be NULL. */
const char *amt_return_name(const char *cls, const char *method, uint32_t value);

#endif
