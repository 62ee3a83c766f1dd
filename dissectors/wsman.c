/* \summary: SOAP 1.2 WS-Management and SOAP 1.1 legacy AMT envelopes
 *
 * xmlscan.c walks the document once, building no tree; we keep a stack of
 * element roles and pick out the addressing headers, the body's first
 * element, class instances (Get/Pull/Put), method parameters and results,
 * and faults. Documents with a DOCTYPE are refused before parsing (SOAP
 * forbids them, and that removes every entity-expansion risk: only the
 * predefined entities and character references remain), nothing is fetched,
 * depth and size are capped. */
#include "wsman.h"

#include <ctype.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "../decoder/secretname.h"
#include "amt_status.h"
#include "wsman_text.h"
#include "xmlscan.h"

#define NS_SOAP12 "http://www.w3.org/2003/05/soap-envelope"
#define NS_SOAP11 "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_WSA "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define NS_WSMAN "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define TEXT_CAP 4096   /* characters kept of one element's text */
#define DETAIL_CAP 1024

typedef enum role {
	R_OTHER, R_ENVELOPE, R_HEADER, R_BODY, R_HDR_ITEM, R_SELECTORSET, R_SELECTOR,
	R_OPTIONSET, R_OPTION, R_BODYEL, R_ITEMS, R_INSTANCE, R_PROP, R_FAULT,
	R_FCODE, R_FCODE_VALUE, R_SUBCODE, R_SUBCODE_VALUE, R_REASON, R_REASON_TEXT,
	R_DETAIL, R_FAULT11_ITEM,
} role;

typedef struct frame {
	role r;
	const char *local;   /* arena copy */
	const char *attr_name;  /* Selector/Option Name */
	const char *cls;     /* R_INSTANCE: class of the instance */
	uint16_t instance;
	bool had_child;
	bool secret;         /* inside a fault detail: the element or one around it names a secret */
} frame;

/* Text gathered from the scanner's pieces. A first piece that lies in the
 * document (the usual case: no reference, no CR) is only pointed at; later
 * pieces, or one from the scanner's own buffer, make a copy. Capped at
 * TEXT_CAP: more is never used. */
typedef struct textbuf {
	const char *p;  /* the document, or buf */
	size_t n;
	char *buf;      /* TEXT_CAP bytes in the arena, made on the first copy */
} textbuf;

/* A growable array in the arena; it is the event's array when done. */
typedef struct vec {
	void *data;
	size_t len, cap;
} vec;

typedef struct walker {
	arena *a;
	const wsman_opts *o;
	ev_wsman *w;
	const char *doc, *doc_end;  /* pieces in here stay valid during the walk */
	frame *stack;
	size_t depth, cap;
	textbuf text;          /* the current element's own text */
	textbuf run;           /* characters since the last tag, comment or PI */
	GString *detail;       /* made on the first fault Detail */
	bool run_nonblank;
	wsman_status stop;     /* why the walk stopped early; WSMAN_OK: it did not */
	vec sel, opt, props;   /* wsman_kv, wsman_kv, wsman_prop */
	uint16_t ninstances;
	const char *last_cls;  /* class of the latest instance */
	const char *seg_ns, *seg;  /* a namespace URI (the scanner's, stable) and its last segment */
	bool in_detail;
	bool seen_body_child, seen_subcode, seen_reason;
} walker;

const char *wsman_status_text(wsman_status s)
{
	switch (s) {
	case WSMAN_OK: return "ok";
	case WSMAN_NOT_SOAP: return "not a SOAP envelope";
	case WSMAN_MALFORMED: return "XML not well-formed";
	case WSMAN_DTD: return "document type declaration in a SOAP message (not parsed)";
	case WSMAN_TOO_DEEP: return "XML nesting too deep";
	case WSMAN_TOO_BIG: return "XML document too large";
	}
	return "?";
}

bool wsman_looks_soap(const uint8_t *body, size_t len, const char *content_type)
{
	size_t i = 0;
	if (len >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF)
		i = 3;
	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	if (i >= len || body[i] != '<')
		return false;
	if (!content_type)
		return true;
	return strstr(content_type, "xml") != NULL || strstr(content_type, "soap") != NULL;
}

/* The namespace's last segment names the element: ".../AMT_GeneralSettings"
 * and AMT_GeneralSettings. The segment of the latest namespace is kept:
 * instances of a pull share theirs. */
static bool ns_names_class(walker *k, const char *ns, const char *local)
{
	if (!ns || !local)
		return false;
	if (ns != k->seg_ns) {
		const char *s = strrchr(ns, '/');
		k->seg_ns = ns;
		k->seg = s ? s + 1 : NULL;
	}
	return k->seg && streq(k->seg, local);
}

static void *vec_push(arena *a, vec *v, size_t elt)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 32;
		void *d = arena_alloc_uninit(a, cap * elt);  /* only [0, len) is ever read */
		if (v->len)
			memcpy(d, v->data, v->len * elt);
		v->data = d;
		v->cap = cap;
	}
	return (char *)v->data + v->len++ * elt;
}

static void add_prop(walker *k, const frame *inst, const char *name, const char *value)
{
	wsman_prop *p = vec_push(k->a, &k->props, sizeof(wsman_prop));
	*p = (wsman_prop){inst->cls, name, value, inst->instance, NULL};
	if (k->o->redact && secret_name(name))
		p->value = "<redacted>";
}

static void set_return(walker *k, const char *text)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	if (end == text || v > UINT32_MAX)
		return;
	k->w->has_return = true;
	k->w->return_value = (uint32_t)v;
}

/* The class of an instance: the previous instance's string when it is the
 * same class, so that the properties of a multi-instance pull share one
 * class pointer (readers compare pointers first). */
static const char *class_name(walker *k, const char *local)
{
	if (!k->last_cls || strcmp(k->last_cls, local) != 0)
		k->last_cls = local;
	return k->last_cls;
}

static void start_element(walker *k, const char *local, const char *ns, const char *name_attr, frame *f)
{
	ev_wsman *w = k->w;
	const frame *up = k->depth ? &k->stack[k->depth - 1] : NULL;
	role pr = up ? up->r : R_OTHER;
	f->local = local;  /* xml_scan's copy, in k->a */
	f->r = R_OTHER;
	if (!up) {
		if (streq(local, "Envelope") && ns && streq(ns, NS_SOAP12))
			w->soap_version = 12;
		else if (streq(local, "Envelope") && ns && streq(ns, NS_SOAP11))
			w->soap_version = 11;
		if (w->soap_version)
			f->r = R_ENVELOPE;
		return;
	}
	switch (pr) {
	case R_ENVELOPE:
		if (streq(local, "Header"))
			f->r = R_HEADER;
		else if (streq(local, "Body"))
			f->r = R_BODY;
		break;
	case R_HEADER:
		if (streq(local, "SelectorSet"))
			f->r = R_SELECTORSET;
		else if (streq(local, "OptionSet"))
			f->r = R_OPTIONSET;
		else if (ns && (streq(ns, NS_WSA) || streq(ns, NS_WSMAN)))
			f->r = R_HDR_ITEM;
		break;
	case R_SELECTORSET:
	case R_OPTIONSET:
		if (strcmp(local, pr == R_SELECTORSET ? "Selector" : "Option") == 0) {
			f->attr_name = arena_strdup(k->a, name_attr ? name_attr : "");
			f->r = pr == R_SELECTORSET ? R_SELECTOR : R_OPTION;
		}
		break;
	case R_BODY:
		if (k->seen_body_child)
			break;
		k->seen_body_child = true;
		w->body_element = f->local;
		w->body_ns = ns ? arena_strdup(k->a, ns) : NULL;
		if (streq(local, "Fault") && ns &&
		    (streq(ns, NS_SOAP12) || streq(ns, NS_SOAP11))) {
			f->r = R_FAULT;
			w->fault = true;
		} else if (wsman_ends_with(local, "_INPUT") || wsman_ends_with(local, "_OUTPUT")) {
			f->r = R_INSTANCE;
			w->method = arena_strndup(k->a, local, strlen(local) - (wsman_ends_with(local, "_INPUT") ? 6 : 7));
			f->cls = wsman_last_segment(k->a, ns, '/');
		} else if (w->soap_version == 11 && wsman_legacy_service(k->a, ns)) {
			f->r = R_INSTANCE;
			f->cls = wsman_legacy_service(k->a, ns);
			w->class_name = f->cls;
			w->legacy = true;
			w->method = wsman_ends_with(local, "Response")
				? arena_strndup(k->a, local, strlen(local) - 8) : f->local;
		} else if (ns_names_class(k, ns, local)) {
			f->r = R_INSTANCE;
			f->cls = class_name(k, f->local);
			f->instance = k->ninstances++;
		} else {
			f->r = R_BODYEL;
		}
		break;
	case R_BODYEL:
	case R_ITEMS:
		if (streq(local, "Items")) {
			f->r = R_ITEMS;
		} else if (ns_names_class(k, ns, local)) {
			f->r = R_INSTANCE;
			f->cls = class_name(k, f->local);
			f->instance = k->ninstances++;
		}
		break;
	case R_INSTANCE:
		f->r = R_PROP;
		break;
	case R_FAULT:
		if (streq(local, "Code"))
			f->r = R_FCODE;
		else if (streq(local, "Reason"))
			f->r = R_REASON;
		else if (streq(local, "Detail") || streq(local, "detail"))
			f->r = R_DETAIL;
		else if (streq(local, "faultcode") || streq(local, "faultstring"))
			f->r = R_FAULT11_ITEM;
		break;
	case R_FCODE:
		if (streq(local, "Value"))
			f->r = R_FCODE_VALUE;
		else if (streq(local, "Subcode"))
			f->r = R_SUBCODE;
		break;
	case R_SUBCODE:
		if (streq(local, "Value") && !k->seen_subcode)
			f->r = R_SUBCODE_VALUE;
		break;
	case R_REASON:
		if (streq(local, "Text") && !k->seen_reason)
			f->r = R_REASON_TEXT;
		break;
	default:
		break;
	}
	if (f->r == R_DETAIL)
		k->in_detail = true;
}

/* Roles whose own text is read when they end. */
static bool keeps_text(role r)
{
	switch (r) {
	case R_HDR_ITEM: case R_SELECTOR: case R_OPTION: case R_PROP: case R_FCODE_VALUE:
	case R_SUBCODE_VALUE: case R_REASON_TEXT: case R_FAULT11_ITEM:
		return true;
	default:
		return false;
	}
}

static void end_element(walker *k, frame *f)
{
	ev_wsman *w = k->w;
	if ((f->had_child || !keeps_text(f->r)) && f->r != R_DETAIL)
		return;
	const char *text = f->r == R_DETAIL ? NULL : wsman_trimmed(k->a, k->text.n ? k->text.p : "", k->text.n);
	switch (f->r) {
	case R_HDR_ITEM: {
		const char *l = f->local;
		if (streq(l, "Action"))
			w->action = text;
		else if (streq(l, "To"))
			w->to = text;
		else if (streq(l, "MessageID"))
			w->message_id = text;
		else if (streq(l, "RelatesTo"))
			w->relates_to = text;
		else if (streq(l, "ResourceURI"))
			w->resource_uri = text;
		break;
	}
	case R_SELECTOR:
	case R_OPTION: {
		wsman_kv *kv = vec_push(k->a, f->r == R_SELECTOR ? &k->sel : &k->opt, sizeof(wsman_kv));
		*kv = (wsman_kv){f->attr_name, k->o->redact && secret_name(f->attr_name) ? "<redacted>" : text};
		break;
	}
	case R_PROP: {
		const frame *inst = &k->stack[k->depth - 1];
		if (streq(f->local, "ReturnValue") || (w->legacy && streq(f->local, "StatusCode")))
			set_return(k, text);
		add_prop(k, inst, f->local, text);
		break;
	}
	case R_FCODE_VALUE:
		w->fault_code = text;
		break;
	case R_SUBCODE_VALUE:
		k->seen_subcode = true;
		w->fault_subcode = text;
		w->fault_subcode_local = wsman_qname_local(text);
		break;
	case R_REASON_TEXT:
		k->seen_reason = true;
		w->fault_reason = text;
		break;
	case R_FAULT11_ITEM:
		if (streq(f->local, "faultcode"))
			w->fault_code = text;
		else
			w->fault_reason = text;
		break;
	case R_DETAIL:
		k->in_detail = false;
		w->fault_detail = k->detail ? wsman_trimmed(k->a, k->detail->str, k->detail->len) : arena_strdup(k->a, "");
		break;
	default:
		break;
	}
}

static void tb_append(walker *k, textbuf *t, const char *s, size_t n)
{
	if (t->n >= TEXT_CAP)
		return;
	n = MIN(n, TEXT_CAP - t->n);
	if (!t->n && s >= k->doc && s + n <= k->doc_end) {
		t->p = s;
		t->n = n;
		return;
	}
	if (!t->buf)
		t->buf = arena_alloc(k->a, TEXT_CAP);
	if (t->n && t->p != t->buf)
		memmove(t->buf, t->p, t->n);
	memcpy(t->buf + t->n, s, n);
	t->p = t->buf;
	t->n += n;
}

static void on_text(walker *k, const char *v, size_t n)
{
	tb_append(k, &k->text, v, n);
	if (k->in_detail && !k->detail)
		k->detail = g_string_new(NULL);
	if (k->in_detail && k->detail->len < DETAIL_CAP) {
		if (k->detail->len)
			g_string_append_c(k->detail, ' ');
		if (k->depth && k->stack[k->depth - 1].secret)
			v = "<redacted>", n = strlen(v);
		g_string_append_len(k->detail, v, (gssize)MIN(n, DETAIL_CAP - k->detail->len));
	}
}

/* ---- scanner callbacks ----
 * Text between two tags (or comments, PIs) is one run, as a tree would hold
 * it in one text node; a run of blanks alone is layout and is dropped. */

static void flush_run(walker *k)
{
	if (k->run.n && k->run_nonblank)  /* as a C string: CDATA may hold a NUL */
		on_text(k, k->run.p, strnlen(k->run.p, k->run.n));
	k->run.n = 0;
	k->run_nonblank = false;
}

static void scan_text(void *user, const char *ch, size_t len)
{
	walker *k = user;
	if (!k->in_detail && (k->depth == 0 || !keeps_text(k->stack[k->depth - 1].r)))
		return;  /* nobody reads it */
	for (size_t i = 0; i < len && !k->run_nonblank; i++)
		k->run_nonblank = !(ch[i] == ' ' || ch[i] == '\t' || ch[i] == '\n' || ch[i] == '\r');
	tb_append(k, &k->run, ch, len);
}

static void scan_boundary(void *user)
{
	flush_run(user);
}

static bool scan_start(void *user, const char *local, const char *ns, const xml_attr *attrs, size_t nattrs)
{
	walker *k = user;
	flush_run(k);
	if (k->depth == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 16;
		k->stack = g_renew(frame, k->stack, k->cap);
	}
	if (k->depth)
		k->stack[k->depth - 1].had_child = true;
	const char *name_attr = NULL;  /* the unprefixed Name of a Selector or Option */
	for (size_t i = 0; i < nattrs && !name_attr; i++)
		if (!attrs[i].prefix && streq(attrs[i].local, "Name"))
			name_attr = attrs[i].value;
	frame *f = &k->stack[k->depth];
	memset(f, 0, sizeof(*f));
	k->text.n = 0;
	start_element(k, local, ns, name_attr, f);
	/* a fault detail may echo the parameters that failed */
	if (k->in_detail && k->o->redact)
		f->secret = (k->depth && k->stack[k->depth - 1].secret) || secret_name(local);
	if (k->depth == 0 && f->r != R_ENVELOPE) {
		k->stop = WSMAN_NOT_SOAP;
		return false;
	}
	k->depth++;
	return true;
}

static bool scan_end(void *user)
{
	walker *k = user;
	flush_run(k);
	k->depth--;
	end_element(k, &k->stack[k->depth]);
	k->text.n = 0;
	return true;
}

static wsman_status walk(walker *k, const uint8_t *p, size_t len)
{
	xml_handler h = {k, scan_start, scan_end, scan_text, scan_boundary};
	size_t max_depth = k->o->max_depth > SIZE_MAX ? SIZE_MAX : (size_t)k->o->max_depth;
	xml_status st = xml_scan(p, len, max_depth, k->a, &h);
	flush_run(k);
	switch (st) {
	case XML_OK: return WSMAN_OK;
	case XML_TOO_DEEP: return WSMAN_TOO_DEEP;
	case XML_STOPPED: return k->stop;
	case XML_MALFORMED: break;
	}
	return WSMAN_MALFORMED;
}

/* WS-Addressing is shared with other SOAP services (WS-Discovery, ...):
 * an Action is WS-Management's when it is in one of these namespaces. */
static bool wsman_action(const char *a)
{
	static const char *const prefixes[] = {
		"http://schemas.xmlsoap.org/ws/2004/09/transfer/",
		"http://schemas.xmlsoap.org/ws/2004/09/enumeration/",
		"http://schemas.xmlsoap.org/ws/2004/08/eventing/",
		"http://schemas.dmtf.org/wbem/wsman/",
		"http://schemas.dmtf.org/wbem/wscim/",
		"http://intel.com/wbem/wscim/",
	};
	for (size_t i = 0; a && i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(a, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* Names, operation, class and method derived from what was read. */
static void derive(walker *k)
{
	ev_wsman *w = k->w;
	w->wsman = w->legacy || w->resource_uri || wsman_action(w->action);
	if (w->legacy && k->o->soap_action && !w->action) {
		const char *sa = k->o->soap_action;
		size_t n = strlen(sa);
		if (n >= 2 && sa[0] == '"' && sa[n - 1] == '"')  /* SOAPAction is a quoted URI */
			w->action = arena_strndup(k->a, sa + 1, n - 2);
		else
			w->action = arena_strdup(k->a, sa);
	}
	if (w->action)
		w->operation = wsman_last_segment(k->a, w->action, w->legacy ? '#' : '/');
	if (w->resource_uri && !w->legacy)
		w->class_name = wsman_last_segment(k->a, w->resource_uri, '/');
	wsman_prop *props = k->props.data;
	for (size_t i = 0; i < k->props.len && !w->class_name; i++)
		w->class_name = props[i].cls;
	if (!w->method && w->action && w->resource_uri) {
		size_t rl = strlen(w->resource_uri);
		if (strncmp(w->action, w->resource_uri, rl) == 0 && w->action[rl] == '/' && w->action[rl + 1]) {
			const char *m = w->action + rl + 1;
			w->method = wsman_ends_with(m, "Response") ? arena_strndup(k->a, m, strlen(m) - 8)
							     : arena_strdup(k->a, m);
		}
	}
	if (w->has_return)
		w->return_name = amt_return_name(w->class_name, w->method, w->return_value);
	const char *d = w->fault_detail;
	const char *s = d ? strstr(d, "AMT-STATUS") : NULL;
	if (s) {
		char *end;
		unsigned long v = strtoul(s + 10, &end, 0);
		if (end != s + 10 && v <= UINT32_MAX) {
			w->has_amt_status = true;
			w->amt_status = (uint32_t)v;
			w->amt_status_name = amt_status_name(w->amt_status);
		}
	}
	/* instance ids tell the instances of a multi-instance pull apart; the
	 * properties of one instance are contiguous, so one pass per run */
	for (size_t i = 0; i < k->props.len && k->ninstances > 1;) {
		wsman_prop *first = &props[i];
		size_t j = i;
		const char *id = NULL;
		for (; j < k->props.len; j++) {
			wsman_prop *q = &props[j];
			if (q->instance != first->instance || q->cls != first->cls)
				break;
			if (!id && streq(q->name, "InstanceID"))
				id = q->value;
		}
		for (; i < j; i++)
			props[i].instance_id = id;
	}
}

wsman_status wsman_parse(arena *a, const uint8_t *body, size_t len, const wsman_opts *o,
			 ev_wsman *out)
{
	memset(out, 0, sizeof(*out));
	if (len > o->max_size || len > INT32_MAX)
		return WSMAN_TOO_BIG;
	if (wsman_has_doctype(body, len))
		return WSMAN_DTD;
	/* an XML declaration must come first: tolerate blanks and a BOM before it */
	size_t skip = 0;
	if (len >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF)
		skip = 3;
	while (skip < len && isspace(body[skip]))
		skip++;
	walker k = {.a = a, .o = o, .w = out, .doc = (const char *)body, .doc_end = (const char *)body + len};
	wsman_status st = walk(&k, body + skip, len - skip);
	if (st == WSMAN_OK && !out->soap_version)
		st = WSMAN_NOT_SOAP;
	if (out->soap_version) {
		derive(&k);
		out->selectors = k.sel.data;
		out->nselectors = k.sel.len;
		out->options = k.opt.data;
		out->noptions = k.opt.len;
		out->props = k.props.data;
		out->nprops = k.props.len;
		out->incomplete = st != WSMAN_OK;
	}
	if (k.detail)
		g_string_free(k.detail, TRUE);
	g_free(k.stack);
	return st;
}
