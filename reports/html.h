/* Pieces of the HTML report shared by html.c and html_timeline.c. */
#ifndef AMT_HTML_H
#define AMT_HTML_H
#include <stdio.h>

#include "escape.h"
#include "report.h"

/* <tag class="cls">escaped text</tag> */
void html_elem(FILE *f, const char *tag, const char *cls, const char *text);
/* Anchor id of a timeline row for (input, frame or line), used by evidence links. */
void html_event_anchor(FILE *f, unsigned input, uint32_t frame, uint32_t line);
/* "+1.234 s" relative to t0 */
void html_rel_time(FILE *f, int64_t ts, int64_t t0);

/* The "Timelines" section: per device, SVG lanes, certificate chains, and the
 * events as a table. Beyond HTML_MAX_TIMELINES devices, only those with the
 * worst findings (the order of the per-rule summary) are drawn. */
#define HTML_MAX_TIMELINES 20
void html_timelines(FILE *f, analysis *an, const GArray *by_rule);

#endif
