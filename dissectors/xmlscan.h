/* A small, bounds-checked XML scanner for SOAP envelopes: elements with
 * namespaces resolved, attributes, text with the predefined entities and
 * character references decoded, CDATA, comments and processing instructions.
 * No DTD (a DOCTYPE is an error), no external anything, no tree: callbacks
 * in document order. Every read is checked against the buffer's end.
 *
 * Why not libxml2: it spent a third of the whole analysis on AMT replies
 * (name dictionaries, encoding layers, callbacks per node); this does one
 * pass over the bytes and allocates only namespace URIs. See docs/wsman.md
 * for what it accepts. */
#ifndef AMT_XMLSCAN_H
#define AMT_XMLSCAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decoder/arena.h"

typedef enum xml_status {
	XML_OK,
	XML_MALFORMED,  /* not well-formed: callbacks so far were for what came before */
	XML_TOO_DEEP,   /* nesting over max_depth */
	XML_STOPPED,    /* a callback asked to stop */
} xml_status;

typedef struct xml_attr {
	const char *local;   /* NUL-terminated, valid during the callback */
	const char *prefix;  /* NULL when unprefixed */
	const char *value;   /* decoded, NUL-terminated, valid during the callback */
} xml_attr;

typedef struct xml_handler {
	void *user;
	/* ns: the element's namespace URI or NULL; strings valid during the call
	 * (URIs: until xml_scan returns). Return false to stop the scan. */
	bool (*start)(void *user, const char *local, const char *ns, const xml_attr *attrs, size_t nattrs);
	bool (*end)(void *user);
	/* a piece of character data (decoded); one text run may come in pieces */
	void (*text)(void *user, const char *p, size_t n);
	/* a comment or processing instruction ended a text run */
	void (*boundary)(void *user);
} xml_handler;

/* Scans doc (UTF-8 or ASCII, optional XML declaration first). scratch holds
 * namespace URIs and must outlive the call. */
xml_status xml_scan(const uint8_t *doc, size_t len, size_t max_depth, arena *scratch, const xml_handler *h);

#endif
