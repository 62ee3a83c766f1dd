/* SOAP / WS-Management envelope extraction (xmlscan.c: no DTD, no entity
 * expansion, nothing fetched; depth and size bounded). Used
 * by the HTTP dissector on bodies that are SOAP; usable by anything that
 * carries WS-Man (CIRA channels, decrypted 16993). */
#ifndef AMT_WSMAN_H
#define AMT_WSMAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decoder/arena.h"
#include "../decoder/event.h"
#include "../decoder/events/wsman.h"

typedef enum wsman_status {
	WSMAN_OK,
	WSMAN_NOT_SOAP,    /* well-formed or not, it is no SOAP envelope */
	WSMAN_MALFORMED,   /* not well-formed XML (out holds what came before) */
	WSMAN_DTD,         /* has a DOCTYPE: SOAP forbids it; not parsed */
	WSMAN_TOO_DEEP,    /* LIM_XML_DEPTH */
	WSMAN_TOO_BIG,     /* LIM_XML_SIZE: not parsed */
} wsman_status;

typedef struct wsman_opts {
	uint64_t max_depth;
	uint64_t max_size;
	bool redact;
	const char *soap_action;  /* SOAPAction header of a legacy request, or NULL */
} wsman_opts;

/* Cheap test before parsing: the body starts (after blanks) with '<' and
 * the content type, when given, is XML-ish. */
bool wsman_looks_soap(const uint8_t *body, size_t len, const char *content_type);
/* Parses one envelope into *out; strings are allocated in a. On MALFORMED
 * and TOO_DEEP, out holds what was found before and out->incomplete is set. */
wsman_status wsman_parse(arena *a, const uint8_t *body, size_t len, const wsman_opts *o,
			 ev_wsman *out);
const char *wsman_status_text(wsman_status s);
/* The generic fields (wsman.*) and the info line of an envelope. */
void wsman_add_fields(event *e, const ev_wsman *w);

#endif
