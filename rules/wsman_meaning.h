/* What a failed WS-Man exchange means, in words, for the wsman.fault finding.
 * An AMT status code (a fault's AMT-STATUS, a method's ReturnValue, also in
 * the CIM vendor range 32768 + code) is explained by the knowledge base
 * (rules/kb/pt-status.kb), the one text of every status code; a WS-Management
 * or WS-Addressing fault subcode by the table in wsman_meaning.c. */
#ifndef AMT_WSMAN_MEANING_H
#define AMT_WSMAN_MEANING_H
#include "../decoder/events/wsman.h"
#include "../inputs/kb.h"

/* NULL when nothing is known (or k is NULL). */
const char *wsman_failure_meaning(const kb *k, const ev_wsman *w);
/* The knowledge base's meaning of an AMT status code, or NULL. */
const char *amt_status_meaning(const kb *k, uint32_t code);
/* What a fault subcode (local name, "AlreadyExists") means, or NULL. */
const char *wsman_fault_meaning(const char *subcode_local);

#endif
