/* The same document seen by dissectors/xmlscan.c and by libxml2's SAX2
 * parser, written as one trace each, so tests and the differential fuzz
 * harness can compare the two:
 *   <{ns}local @attr=value ...>   start (attributes in document order, xmlns excluded)
 *   "text"                        one text run (blank runs dropped), decoded
 *   </>                           end
 * Only for test code: header-only, static functions. */
#ifndef AMT_TEST_XMLTRACE_H
#define AMT_TEST_XMLTRACE_H
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <string.h>

#include "dissectors/xmlscan.h"

typedef struct xtrace {
	GString *out;
	GString *run;
	bool stop_at_depth2;  /* ask the scanner to stop at the 2nd level */
	int depth;
} xtrace;

static void xt_flush(xtrace *t)
{
	bool blank = true;
	for (size_t i = 0; i < t->run->len && blank; i++)
		blank = strchr(" \t\r\n", t->run->str[i]) != NULL;
	if (t->run->len && !blank)
		g_string_append_printf(t->out, "\"%s\"", t->run->str);
	g_string_truncate(t->run, 0);
}

static void xt_start(xtrace *t, const char *local, const char *ns)
{
	xt_flush(t);
	g_string_append_printf(t->out, "<{%s}%s", ns ? ns : "", local);
	t->depth++;
}

static void xt_attr(xtrace *t, const char *prefix, const char *local, const char *value, size_t n)
{
	g_string_append_printf(t->out, " @%s%s%s=", prefix ? prefix : "", prefix ? ":" : "", local);
	g_string_append_len(t->out, value, (gssize)n);
}

static void xt_end(xtrace *t)
{
	xt_flush(t);
	g_string_append(t->out, "</>");
	t->depth--;
}

/* ---- xmlscan ---- */

static bool xs_start(void *u, const char *local, const char *ns, const xml_attr *a, size_t n)
{
	xtrace *t = u;
	xt_start(t, local, ns);
	for (size_t i = 0; i < n; i++)
		xt_attr(t, a[i].prefix, a[i].local, a[i].value, strlen(a[i].value));
	g_string_append_c(t->out, '>');
	return !(t->stop_at_depth2 && t->depth == 2);
}

static bool xs_end(void *u)
{
	xt_end(u);
	return true;
}

static void xs_text(void *u, const char *p, size_t n)
{
	g_string_append_len(((xtrace *)u)->run, p, (gssize)n);
}

static void xs_boundary(void *u)
{
	xt_flush(u);
}

static xml_status xt_scan(const uint8_t *p, size_t n, size_t max_depth, xtrace *t)
{
	arena a;
	arena_init(&a, 0);
	xml_handler h = {t, xs_start, xs_end, xs_text, xs_boundary};
	xml_status st = xml_scan(p, n, max_depth, &a, &h);
	xt_flush(t);
	arena_free(&a);
	return st;
}

/* ---- libxml2 ---- */

static xtrace *lx_of(void *ctx)
{
	return ((xmlParserCtxtPtr)ctx)->_private;
}

static void lx_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
		     const xmlChar **nss, int nattr, int ndef, const xmlChar **attrs)
{
	(void)prefix, (void)nns, (void)nss, (void)ndef;
	xtrace *t = lx_of(ctx);
	xt_start(t, (const char *)local, (const char *)uri);
	for (int i = 0; i < nattr; i++) {
		const xmlChar **at = attrs + 5 * i;
		xt_attr(t, (const char *)at[1], (const char *)at[0], (const char *)at[3], (size_t)(at[4] - at[3]));
	}
	g_string_append_c(t->out, '>');
}

static void lx_end(void *ctx, const xmlChar *l, const xmlChar *p, const xmlChar *u)
{
	(void)l, (void)p, (void)u;
	xt_end(lx_of(ctx));
}

static void lx_chars(void *ctx, const xmlChar *ch, int n)
{
	g_string_append_len(lx_of(ctx)->run, (const char *)ch, n);
}

static void lx_boundary(void *ctx, const xmlChar *a, const xmlChar *b)
{
	(void)a, (void)b;
	xt_flush(lx_of(ctx));
}

static void lx_comment(void *ctx, const xmlChar *v)
{
	lx_boundary(ctx, v, NULL);
}

static void lx_silent(void *arg, xmlErrorPtr err)
{
	(void)arg, (void)err;
}

static xmlEntityPtr lx_entity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	return xmlGetPredefinedEntity(name);
}

/* true when libxml2 finds the document well-formed (namespace errors aside) */
static bool lx_scan(const uint8_t *p, size_t n, xtrace *t)
{
	xmlSAXHandler sax;
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = lx_start;
	sax.endElementNs = lx_end;
	sax.characters = lx_chars;
	sax.cdataBlock = lx_chars;
	sax.ignorableWhitespace = lx_chars;
	sax.comment = lx_comment;
	sax.processingInstruction = lx_boundary;
	sax.getEntity = lx_entity;
	sax.serror = lx_silent;
	xmlParserCtxtPtr c = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
	if (!c)
		return false;
	xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOENT |
				     XML_PARSE_HUGE);
	c->_private = t;
	int rc = n <= INT32_MAX ? xmlParseChunk(c, (const char *)p, (int)n, 1) : -1;
	bool ok = rc == 0 && c->wellFormed;
	xt_flush(t);
	xmlFreeParserCtxt(c);
	return ok;
}

#endif
