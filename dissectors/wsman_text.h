/* String helpers of the WS-Man envelope walker (wsman.c), apart so that the
 * walker's file holds the walk. Internal to the dissector. */
#ifndef AMT_WSMAN_TEXT_H
#define AMT_WSMAN_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../decoder/arena.h"

/* strcmp() == 0, most often decided by the first byte without a call:
 * element names are compared with constants once per element */
static inline bool streq(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

/* Last path segment: ".../AMT_GeneralSettings" -> "AMT_GeneralSettings" (in a). */
const char *wsman_last_segment(arena *a, const char *uri, char sep);
bool wsman_ends_with(const char *s, const char *suffix);
/* "http://schemas.intel.com/platform/client/RemoteControl/2004/01" -> "RemoteControl" */
const char *wsman_legacy_service(arena *a, const char *ns);
/* Copy of s[0, n) without the white space around it. */
char *wsman_trimmed(arena *a, const char *s, size_t n);
/* "a:Sender" -> "Sender" */
const char *wsman_qname_local(const char *q);
/* "<!DOCTYPE" anywhere in the document. */
bool wsman_has_doctype(const uint8_t *p, size_t len);

#endif
