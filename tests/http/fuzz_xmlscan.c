/* libFuzzer harness: dissectors/xmlscan.c on any bytes, and differentially
 * against libxml2: a document libxml2 finds well-formed must give the same
 * trace (elements, namespaces, attributes, text runs) and no error. Inputs
 * that name an encoding or carry a byte-order mark are only scanned, not
 * compared (the scanner reads UTF-8 alone, libxml2 converts). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xmltrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xtrace s = {g_string_new(NULL), g_string_new(NULL), size > 0 && (data[0] & 1), 0};
	xml_status st = xt_scan(data, size, 64, &s);
	bool compare = !s.stop_at_depth2 && !memmem(data, size, "encoding", 8) && !memmem(data, size, "<!DOCTYPE", 9) &&
		       !(size >= 2 && (data[0] == 0xfe || data[0] == 0xff || data[0] == 0xef || data[0] == 0 || data[1] == 0)) &&
		       !memchr(data, 0, size);
	if (compare) {
		xtrace l = {g_string_new(NULL), g_string_new(NULL), false, 0};
		bool ok = lx_scan(data, size, &l);
		/* depth over 64 is ours to refuse; libxml2's own limit is higher */
		if (ok && st != XML_TOO_DEEP && (st != XML_OK || strcmp(s.out->str, l.out->str) != 0)) {
			fprintf(stderr, "xmlscan %d differs from libxml2:\n scan: %s\n lxml: %s\n", st, s.out->str,
				l.out->str);
			abort();
		}
		g_string_free(l.out, TRUE);
		g_string_free(l.run, TRUE);
	}
	g_string_free(s.out, TRUE);
	g_string_free(s.run, TRUE);
	return 0;
}
