/* \summary: a bounds-checked XML scanner for SOAP envelopes */
/* specification: XML 1.0 (fifth edition), Namespaces in XML 1.0 */
#include "xmlscan.h"

#include <glib.h>
#include <string.h>

#define MAX_ATTRS 64       /* per element: SOAP uses a handful */
#define MAX_BINDINGS 1024  /* namespace declarations in scope at once */
#define NS_XML "http://www.w3.org/XML/1998/namespace"

typedef struct span {
	const uint8_t *p;
	size_t n;
} span;

typedef struct binding {
	span prefix;      /* n == 0: the default namespace */
	const char *uri;  /* NULL: undeclared ("xmlns=''") */
	size_t depth;     /* depth of the element that declared it */
} binding;

typedef struct scanner {
	const uint8_t *doc, *p, *end;
	size_t depth, max_depth;
	span *open;  /* qualified names of the open elements */
	size_t cap;
	binding *bind;
	size_t nbind, bcap;
	bool root_done;
	arena *a;
	const xml_handler *h;
} scanner;

/* byte classes: bit 1 ends a run of character data, bit 2 is a name byte,
 * bit 4 is XML white space, bit 8 ends a run of plain attribute value */
enum { C_TEXT_STOP = 1, C_NAME = 2, C_SPACE = 4, C_ATTR_STOP = 8 };
static uint8_t cls[256];

static void init_classes(void)
{
	if (cls['<'])
		return;
	for (int c = 0; c < 0x20; c++)
		cls[c] = C_TEXT_STOP | C_ATTR_STOP;
	cls['\t'] = cls['\n'] = C_SPACE | C_ATTR_STOP;  /* a space in attribute values */
	cls['\r'] = C_SPACE | C_TEXT_STOP | C_ATTR_STOP;  /* line ends are normalised */
	cls[' '] = C_SPACE;
	cls['<'] = cls['&'] = cls[']'] = C_TEXT_STOP;  /* ']': "]]>" may not stand in text */
	cls['<'] |= C_ATTR_STOP;
	cls['&'] |= C_ATTR_STOP;
	cls[0x7f] = 0;
	for (int c = 0x80; c < 0x100; c++)
		cls[c] = C_NAME | C_TEXT_STOP | C_ATTR_STOP;  /* text checks UTF-8 sequences */
	for (int c = 'a'; c <= 'z'; c++)
		cls[c] = cls[c - 'a' + 'A'] = C_NAME;
	for (int c = '0'; c <= '9'; c++)
		cls[c] = C_NAME;
	cls['_'] = cls[':'] = cls['-'] = cls['.'] = C_NAME;
}

static bool left(const scanner *s, size_t n)
{
	return (size_t)(s->end - s->p) >= n;
}

static bool at(const scanner *s, const char *lit)
{
	size_t n = strlen(lit);
	return left(s, n) && memcmp(s->p, lit, n) == 0;
}

/* The scanning loops work on locals: s->p is reached through a pointer and
 * the class table is bytes, which may alias anything, so a loop on s->p
 * would store and reload it at every byte. */
static bool skip_space(scanner *s)
{
	const uint8_t *p = s->p, *end = s->end;
	while (p < end && (cls[*p] & C_SPACE))
		p++;
	bool moved = p != s->p;
	s->p = p;
	return moved;
}

/* Moves past the first occurrence of lit; false when there is none. */
static bool skip_past(scanner *s, const char *lit)
{
	size_t n = strlen(lit);
	const uint8_t *hit = memmem(s->p, (size_t)(s->end - s->p), lit, n);
	if (!hit)
		return false;
	s->p = hit + n;
	return true;
}

static span read_name(scanner *s)
{
	const uint8_t *p = s->p, *end = s->end;
	span nm = {p, 0};
	if (p >= end || !(cls[*p] & C_NAME) || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.')
		return nm;
	while (p < end && (cls[*p] & C_NAME))
		p++;
	nm.n = (size_t)(p - nm.p);
	s->p = p;
	return nm;
}

static size_t put_utf8(uint32_t c, char out[4])
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 when there is none. */
static size_t utf8_len(const uint8_t *p, const uint8_t *end)
{
	size_t avail = (size_t)(end - p);
	uint8_t c = p[0];
	size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (!n || avail < n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) || (c == 0xf0 && p[1] < 0x90) ||
	    (c == 0xf4 && p[1] > 0x8f))
		return 0;
	if (c == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
		return 0;  /* U+FFFE, U+FFFF: no XML characters */
	return n;
}

/* One reference at p ('&' ... ';') within [p, end): its text in out, the
 * bytes it took in *used. 0 when it is not a valid reference (no DTD: only
 * the five predefined entities exist). */
static size_t reference(const uint8_t *p, const uint8_t *end, char out[4], size_t *used)
{
	const uint8_t *semi = memchr(p, ';', (size_t)(end - p) < 12 ? (size_t)(end - p) : 12);
	if (!semi)
		return 0;
	*used = (size_t)(semi - p) + 1;
	const char *nm = (const char *)p + 1;
	size_t n = (size_t)(semi - p) - 1;
	static const struct { const char *name; char c; } predefined[] = {
		{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(predefined); i++)
		if (n == strlen(predefined[i].name) && memcmp(nm, predefined[i].name, n) == 0) {
			out[0] = predefined[i].c;
			return 1;
		}
	if (n < 2 || nm[0] != '#')
		return 0;
	bool hex = nm[1] == 'x';
	size_t i = hex ? 2 : 1;
	if (i >= n)
		return 0;
	uint32_t c = 0;
	for (; i < n; i++) {
		int d = g_ascii_xdigit_value(nm[i]);
		if (d < 0 || (!hex && d > 9))
			return 0;
		c = c * (hex ? 16 : 10) + (uint32_t)d;
		if (c > 0x10FFFF)
			return 0;
	}
	bool legal = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
		     c >= 0x10000;
	return legal ? put_utf8(c, out) : 0;
}

/* Character data up to the next '<' (or the end), decoded, to the handler. */
static bool text(scanner *s)
{
	const uint8_t *run = s->p;
	bool outside = s->depth == 0;
	while (s->p < s->end && *s->p != '<') {
		if (!outside) {  /* the common case: plain bytes up to a stop */
			const uint8_t *p = s->p, *end = s->end;
			while (p < end && !(cls[*p] & C_TEXT_STOP))
				p++;
			s->p = p;
			if (p == end || *p == '<')
				break;
		} else if (!(cls[*s->p] & C_TEXT_STOP)) {
			if (!(cls[*s->p] & C_SPACE))
				return false;  /* character data outside the root element */
			s->p++;
			continue;
		}
		uint8_t c = *s->p;
		if (c >= 0x80) {
			size_t n = utf8_len(s->p, s->end);
			if (!n || outside)
				return false;
			s->p += n;
			continue;
		}
		if (c == ']') {
			if (s->end - s->p >= 3 && s->p[1] == ']' && s->p[2] == '>')
				return false;
			s->p++;
			continue;
		}
		if (c != '&' && c != '\r')
			return false;  /* a control character */
		if (outside && c == '&')
			return false;
		if (!outside && s->p > run)
			s->h->text(s->h->user, (const char *)run, (size_t)(s->p - run));
		char out[4];
		size_t n = 1, used = 1;
		if (c == '\r') {  /* CR LF and a lone CR are both one LF */
			out[0] = '\n';
			if (s->p + 1 < s->end && s->p[1] == '\n')
				used = 2;
		} else if (!(n = reference(s->p, s->end, out, &used))) {
			return false;
		}
		if (!outside)
			s->h->text(s->h->user, out, n);
		s->p += used;
		run = s->p;
	}
	if (!outside && s->p > run)
		s->h->text(s->h->user, (const char *)run, (size_t)(s->p - run));
	return true;
}

/* An attribute value, decoded and normalised (white space to spaces); NULL
 * when it is not well-formed. */
static char *attr_value(scanner *s, span raw)
{
	char *d = arena_alloc(s->a, raw.n + 1), *q = d;  /* decoding never lengthens */
	for (size_t i = 0; i < raw.n;) {
		size_t plain = i;
		while (plain < raw.n && !(cls[raw.p[plain]] & C_ATTR_STOP))
			plain++;
		if (plain > i) {
			memcpy(q, raw.p + i, plain - i);
			q += plain - i;
			i = plain;
			continue;
		}
		uint8_t c = raw.p[i];
		if (c == '<' || (c < 0x20 && !(cls[c] & C_SPACE)))
			return NULL;
		if (c >= 0x80) {
			size_t n = utf8_len(raw.p + i, raw.p + raw.n);
			if (!n)
				return NULL;
			memcpy(q, raw.p + i, n);
			q += n;
			i += n;
			continue;
		}
		if (c == '&') {
			char out[4];
			size_t used, n = reference(raw.p + i, raw.p + raw.n, out, &used);
			if (!n)
				return NULL;
			memcpy(q, out, n);
			q += n;
			i += used;
			continue;
		}
		if (c == '\r' && i + 1 < raw.n && raw.p[i + 1] == '\n')
			i++;
		*q++ = (cls[c] & C_SPACE) ? ' ' : (char)c;
		i++;
	}
	*q = 0;
	return d;
}

static const char *lookup_ns(const scanner *s, span prefix)
{
	if (prefix.n == 3 && memcmp(prefix.p, "xml", 3) == 0)
		return NS_XML;
	for (size_t i = s->nbind; i-- > 0;) {
		const binding *b = &s->bind[i];
		if (b->prefix.n == prefix.n && memcmp(b->prefix.p, prefix.p, prefix.n) == 0)
			return b->uri;
	}
	return NULL;
}

/* Whether the character at p may start a name: NameStartChar of XML 1.0
 * fifth edition (2.3), which libxml2 follows. Name bytes only reach here, so
 * the ASCII ones left to refuse are digits, '-', '.' and ':'. Combining marks
 * (U+0300-U+036F), U+00B7 and U+203F-U+2040 may follow a name's first
 * character but not be it. */
static bool name_start(const uint8_t *p, const uint8_t *end)
{
	if (*p < 0x80)
		return !(*p >= '0' && *p <= '9') && *p != '-' && *p != '.' && *p != ':';
	size_t n = utf8_len(p, end);
	if (!n)
		return false;
	uint32_t c = n == 2 ? (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f)
		   : n == 3 ? (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f)
			    : (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
				      (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
	return (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x2ff) ||
	       (c >= 0x370 && c <= 0x37d) || (c >= 0x37f && c <= 0x1fff) || (c >= 0x200c && c <= 0x200d) ||
	       (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef) || (c >= 0x3001 && c <= 0xd7ff) ||
	       (c >= 0xf900 && c <= 0xfdcf) || (c >= 0xfdf0 && c <= 0xfffd) || (c >= 0x10000 && c <= 0xeffff);
}

/* "p:local" -> prefix p. No colon, an empty side, or a local part that does
 * not start a name (p:0w, p:U+0348) -> the whole is the local name,
 * unprefixed, as libxml2 reads such names (a namespace error, not a
 * well-formedness one). */
static void split_qname(span q, span *prefix, span *local)
{
	const uint8_t *c = memchr(q.p, ':', q.n);
	bool named = c && c != q.p && c != q.p + q.n - 1 && name_start(c + 1, q.p + q.n);
	if (!named) {
		*prefix = (span){q.p, 0};
		*local = q;
		return;
	}
	*prefix = (span){q.p, (size_t)(c - q.p)};
	*local = (span){c + 1, (size_t)(q.p + q.n - c - 1)};
}

static xml_status close_element(scanner *s)
{
	while (s->nbind && s->bind[s->nbind - 1].depth == s->depth)
		s->nbind--;
	s->depth--;
	if (s->depth == 0)
		s->root_done = true;
	return s->h->end(s->h->user) ? XML_OK : XML_STOPPED;
}

static xml_status start_tag(scanner *s)
{
	s->p++;  /* '<' */
	span qname = read_name(s);
	if (!qname.n || s->root_done)
		return XML_MALFORMED;
	if (s->depth >= s->max_depth)
		return XML_TOO_DEEP;
	span names[MAX_ATTRS], values[MAX_ATTRS];
	size_t n = 0;
	bool empty;
	for (;;) {
		bool spaced = skip_space(s);
		if (s->p >= s->end)
			return XML_MALFORMED;
		if (*s->p == '>') {
			s->p++;
			empty = false;
			break;
		}
		if (*s->p == '/') {
			if (!at(s, "/>"))
				return XML_MALFORMED;
			s->p += 2;
			empty = true;
			break;
		}
		if (!spaced || n == MAX_ATTRS)
			return XML_MALFORMED;
		names[n] = read_name(s);
		if (!names[n].n)
			return XML_MALFORMED;
		skip_space(s);
		if (s->p >= s->end || *s->p != '=')
			return XML_MALFORMED;
		s->p++;
		skip_space(s);
		if (s->p >= s->end || (*s->p != '"' && *s->p != '\''))
			return XML_MALFORMED;
		const uint8_t *close = memchr(s->p + 1, *s->p, (size_t)(s->end - s->p - 1));
		if (!close)
			return XML_MALFORMED;
		values[n] = (span){s->p + 1, (size_t)(close - s->p - 1)};
		s->p = close + 1;
		for (size_t i = 0; i < n; i++)
			if (names[i].n == names[n].n && memcmp(names[i].p, names[n].p, names[n].n) == 0)
				return XML_MALFORMED;  /* an attribute twice */
		n++;
	}
	size_t depth = s->depth + 1;
	/* namespace declarations first: they apply to this element's own name */
	xml_attr attrs[MAX_ATTRS];
	size_t nattrs = 0;
	for (size_t i = 0; i < n; i++) {
		char *v = attr_value(s, values[i]);
		if (!v)
			return XML_MALFORMED;
		bool dflt = names[i].n == 5 && memcmp(names[i].p, "xmlns", 5) == 0;
		span ap, al;
		split_qname(names[i], &ap, &al);
		/* xmlns:0 is no declaration (0 is no name): an attribute like any other */
		bool pfx = ap.n == 5 && memcmp(ap.p, "xmlns", 5) == 0;
		if (dflt || pfx) {
			if (s->nbind == MAX_BINDINGS)
				return XML_MALFORMED;
			if (s->nbind == s->bcap) {
				s->bcap = s->bcap ? s->bcap * 2 : 8;
				s->bind = g_renew(binding, s->bind, s->bcap);
			}
			binding *b = &s->bind[s->nbind++];
			b->prefix = dflt ? (span){names[i].p, 0} : al;
			b->uri = *v ? v : NULL;
			b->depth = depth;
			continue;
		}
		attrs[nattrs].local = arena_strndup(s->a, (const char *)al.p, al.n);
		attrs[nattrs].prefix = ap.n ? arena_strndup(s->a, (const char *)ap.p, ap.n) : NULL;
		attrs[nattrs].value = v;
		nattrs++;
	}
	span prefix, local;
	split_qname(qname, &prefix, &local);
	const char *ns = lookup_ns(s, prefix);
	if (s->depth == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->open = g_renew(span, s->open, s->cap);
	}
	s->open[s->depth] = qname;
	s->depth = depth;
	char *lname = arena_strndup(s->a, (const char *)local.p, local.n);
	if (!s->h->start(s->h->user, lname, ns, attrs, nattrs))
		return XML_STOPPED;
	return empty ? close_element(s) : XML_OK;
}

static xml_status end_tag(scanner *s)
{
	s->p += 2;  /* "</" */
	if (s->depth == 0)
		return XML_MALFORMED;
	/* the open element's name, and no name byte after it */
	const span *o = &s->open[s->depth - 1];
	if (!left(s, o->n) || memcmp(s->p, o->p, o->n) != 0)
		return XML_MALFORMED;  /* does not close the open element */
	s->p += o->n;
	if (s->p < s->end && (cls[*s->p] & C_NAME))
		return XML_MALFORMED;
	skip_space(s);
	if (s->p >= s->end || *s->p != '>')
		return XML_MALFORMED;
	s->p++;
	return close_element(s);
}

static xml_status markup(scanner *s)
{
	if (!left(s, 2))
		return XML_MALFORMED;
	switch (s->p[1]) {
	case '?': {  /* XML declaration or processing instruction */
		const uint8_t *at_lt = s->p;
		s->p += 2;
		span target = read_name(s);
		if (!target.n)
			return XML_MALFORMED;
		/* "xml" in any case is reserved: the declaration, first of all */
		if (target.n == 3 && g_ascii_strncasecmp((const char *)target.p, "xml", 3) == 0 && at_lt != s->doc)
			return XML_MALFORMED;
		if (!skip_past(s, "?>"))
			return XML_MALFORMED;
		s->h->boundary(s->h->user);
		return XML_OK;
	}
	case '!':
		if (at(s, "<!--")) {
			s->p += 4;
			if (!skip_past(s, "--"))
				return XML_MALFORMED;
			if (s->p >= s->end || *s->p != '>')
				return XML_MALFORMED;  /* "--" may only close a comment */
			s->p++;
			s->h->boundary(s->h->user);
			return XML_OK;
		}
		if (at(s, "<![CDATA[") && s->depth > 0) {
			s->p += 9;
			const uint8_t *start = s->p;
			if (!skip_past(s, "]]>"))
				return XML_MALFORMED;
			if (s->p - 3 > start)
				s->h->text(s->h->user, (const char *)start, (size_t)(s->p - 3 - start));
			return XML_OK;
		}
		return XML_MALFORMED;  /* a DOCTYPE, or markup that does not belong in a document */
	case '/':
		return end_tag(s);
	default:
		return start_tag(s);
	}
}

xml_status xml_scan(const uint8_t *doc, size_t len, size_t max_depth, arena *scratch, const xml_handler *h)
{
	init_classes();
	scanner sc = {.doc = doc, .p = doc, .end = doc + len, .max_depth = max_depth, .a = scratch, .h = h};
	scanner *s = &sc;
	xml_status st = XML_OK;
	while (st == XML_OK && s->p < s->end) {
		if (*s->p == '<')
			st = markup(s);
		else if (!text(s))
			st = XML_MALFORMED;
	}
	if (st == XML_OK && (s->depth || !s->root_done))
		st = XML_MALFORMED;  /* ends inside an element, or has none */
	g_free(s->open);
	g_free(s->bind);
	return st;
}
