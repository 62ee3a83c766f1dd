/* \summary: HTTP events: EV_HTTP_REQUEST/RESPONSE and the WS-Man envelopes in their bodies */
#include <string.h>

#include "../decoder/events/http.h"
#include "../decoder/events/wsman.h"
#include "http_priv.h"

void http_queue_request(dis_ctx *c, http_state *s, msg *m)
{
	pending *q = g_new0(pending, 1);
	q->refs = 2;  /* the queue and the message */
	q->method = g_strdup(m->method);
	q->uri = g_strdup(m->uri);
	q->authorization = g_strdup(m->authorization);
	q->frame = m->first_frame;
	m->req = q;
	g_queue_push_tail(&s->pending, q);
	if (s->pending.length > PENDING_MAX) {
		http_pending_unref(g_queue_pop_head(&s->pending));
		dis_note(c, "http", NOTE_INFO, 0, "more than %d requests without a response: oldest dropped",
			 PENDING_MAX);
	}
}

static ev_http *payload(dis_ctx *c, const msg *m)
{
	arena *a = c->scratch;
	ev_http *h = arena_alloc(a, sizeof(*h));
	h->is_request = m->is_request;
	h->method = arena_strdup(a, m->method);
	h->uri = arena_strdup(a, m->uri);
	h->version = arena_strdup(a, m->version);
	h->status = m->status;
	h->reason = arena_strdup(a, m->reason);
	h->host = arena_strdup(a, m->host);
	h->user_agent = arena_strdup(a, m->user_agent);
	h->server = arena_strdup(a, m->server);
	h->content_type = arena_strdup(a, m->content_type);
	h->connection = arena_strdup(a, m->connection);
	h->transfer_encoding = arena_strdup(a, m->transfer_encoding);
	h->soap_action = arena_strdup(a, m->soap_action);
	h->expect = arena_strdup(a, m->expect);
	h->has_content_length = m->has_cl;
	h->content_length = m->cl;
	h->chunked = m->chunked;
	h->trailers = m->trailers;
	h->body_len = m->body_len;
	h->body_truncated = m->body_truncated;
	if (m->body && m->body->len) {  /* not copied: m outlives the events (http_finish) */
		h->body = m->body->data;
		h->body_kept = m->body->len;
	}
	http_auth_parse(a, m->is_request ? m->authorization : m->www_authenticate, &h->auth);
	h->amt_version = http_amt_version(a, m->server);
	return h;
}

/* Fields and info are built when a reader asks (ev_describe): from the
 * event's payload alone, whose strings live as long as the event. */
static void common_fields(event *e, const ev_http *h)
{
	ev_str_ref(e, "http.host", h->host);
	ev_str_ref(e, "http.user_agent", h->user_agent);
	ev_str_ref(e, "http.server", h->server);
	ev_str_ref(e, "http.amt_version", h->amt_version);
	ev_str_ref(e, "http.content_type", h->content_type);
	if (h->has_content_length)
		ev_uint(e, "http.content_length", h->content_length);
	ev_str_ref(e, "http.transfer_encoding", h->transfer_encoding);
	ev_str_ref(e, "http.connection", h->connection);
	ev_str_ref(e, "http.soap_action", h->soap_action);
	ev_str_ref(e, "http.expect", h->expect);
	ev_uint(e, "http.body_length", h->body_len);
	if (h->trailers)
		ev_uint(e, "http.chunk_trailers", h->trailers);
	if (h->body_truncated)
		ev_bool(e, "http.body_truncated", true);
}

static void describe_request(event *e)
{
	const ev_http *h = e->data;
	ev_str_ref(e, "http.request.method", h->method);
	ev_str_ref(e, "http.request.uri", h->uri);
	ev_str_ref(e, "http.request.version", h->version);
	common_fields(e, h);
	http_auth_fields(e, "http.authorization.scheme", &h->auth);
	ev_set_info(e, "%s %s %s", h->method, h->uri, h->version);
}

static void describe_response(event *e)
{
	const ev_http *h = e->data;
	ev_str_ref(e, "http.response.version", h->version);
	ev_uint(e, "http.response.code", h->status);
	ev_str_ref(e, "http.response.phrase", h->reason);
	common_fields(e, h);
	http_auth_fields(e, "http.www_authenticate.scheme", &h->auth);
	if (h->has_request) {
		ev_uint(e, "http.request_in", h->request_frame);
		ev_str_ref(e, "http.response_for.uri", h->request_uri);
		if (h->request_ts && e->ts >= h->request_ts)
			ev_int(e, "http.time_us", e->ts - h->request_ts);
	}
	if (h->content_type)
		ev_set_info(e, "%s %u %s (%s)", h->version, h->status, h->reason, h->content_type);
	else
		ev_set_info(e, "%s %u %s", h->version, h->status, h->reason);
}

static void describe_wsman(event *e)
{
	const ev_wsman *w = e->data;
	wsman_add_fields(e, w);
	if ((e->kind == EV_WSMAN_RESPONSE || e->kind == EV_SOAP_RESPONSE) && w->has_request)
		ev_uint(e, "wsman.request_in", w->request_frame);
}

/* The SOAP envelope in a body, if it is one; NULL otherwise. */
static ev_wsman *soap_of(dis_ctx *c, const ev_http *h, size_t last)
{
	if (!h->body_kept || !wsman_looks_soap(h->body, h->body_kept, h->content_type))
		return NULL;
	wsman_opts o = {c->cfg->limit[LIM_XML_DEPTH], c->cfg->limit[LIM_XML_SIZE], c->cfg->redact,
			h->soap_action};
	ev_wsman *w = arena_alloc(c->scratch, sizeof(*w));
	wsman_status st = wsman_parse(c->scratch, h->body, h->body_kept, &o, w);
	switch (st) {
	case WSMAN_OK:
	case WSMAN_NOT_SOAP:
		break;
	case WSMAN_TOO_DEEP:
		dis_limit(c, "wsman", LIM_XML_DEPTH, last);
		break;
	case WSMAN_TOO_BIG:
		dis_limit(c, "wsman", LIM_XML_SIZE, last);
		break;
	case WSMAN_MALFORMED:
	case WSMAN_DTD:
		dis_note(c, "wsman", NOTE_MALFORMED, last, "SOAP body: %s%s", wsman_status_text(st),
			 h->body_truncated ? " (body truncated)" : "");
		break;
	}
	return w->soap_version ? w : NULL;
}

static void emit_request(dis_ctx *c, msg *m, size_t last)
{
	ev_http *h = payload(c, m);
	event *e = dis_event(c, EV_HTTP_REQUEST, "http", last, 1);
	e->frame_first = m->first_frame ? m->first_frame : e->frame_first;
	e->data = h;
	ev_describe_later(e, describe_request);
	dis_emit(c, e);

	ev_wsman *w = soap_of(c, h, last);
	pending *q = m->req;
	if (q) {  /* like Wireshark's http.request_in: where the request ended */
		q->ts = e->ts;
		q->frame = e->frame_last;
	}
	if (!w)
		return;
	w->http_uri = h->uri;
	event *we = w->wsman ? dis_event(c, EV_WSMAN_REQUEST, "wsman", last, 1)
			     : dis_event(c, EV_SOAP_REQUEST, "soap", last, 1);
	we->frame_first = e->frame_first;
	we->data = w;
	ev_describe_later(we, describe_wsman);
	dis_emit(c, we);
	if (q && w->wsman) {
		q->wsman = true;
		q->action = g_strdup(w->action);
		q->operation = g_strdup(w->operation);
		q->cls = g_strdup(w->class_name);
		q->wmethod = g_strdup(w->method);
	}
}

static void emit_response(dis_ctx *c, http_state *s, msg *m, size_t last)
{
	ev_http *h = payload(c, m);
	/* interim (1xx) answers neither complete nor name the request */
	pending *q = m->status >= 200 || m->status == 101 ? g_queue_pop_head(&s->pending) : NULL;
	event *e = dis_event(c, EV_HTTP_RESPONSE, "http", last, 1);
	e->frame_first = m->first_frame ? m->first_frame : e->frame_first;
	e->data = h;
	if (q) {
		h->has_request = true;
		h->request_frame = q->frame;
		h->request_ts = q->ts;
		h->request_method = arena_strdup(c->scratch, q->method);
		h->request_uri = arena_strdup(c->scratch, q->uri);
		http_auth_parse(c->scratch, q->authorization, &h->request_auth);
	}
	ev_describe_later(e, describe_response);
	dis_emit(c, e);

	ev_wsman *w = soap_of(c, h, last);
	if (w) {
		w->http_uri = h->request_uri;
		w->http_status = h->status;
		if (q && q->wsman) {
			w->has_request = true;
			w->request_frame = q->frame;
			w->req_action = arena_strdup(c->scratch, q->action);
			w->req_operation = arena_strdup(c->scratch, q->operation);
			w->req_class = arena_strdup(c->scratch, q->cls);
			w->req_method = arena_strdup(c->scratch, q->wmethod);
			if (!w->class_name)
				w->class_name = w->req_class;
			if (!w->method && w->req_method) {
				w->method = w->req_method;
			}
		}
		/* a fault answering a WS-Man request is WS-Man's, whatever its Action */
		bool wsman = w->wsman || (q && q->wsman);
		w->wsman = wsman;
		event *we = wsman ? dis_event(c, EV_WSMAN_RESPONSE, "wsman", last, 1)
				  : dis_event(c, EV_SOAP_RESPONSE, "soap", last, 1);
		we->frame_first = e->frame_first;
		we->data = w;
		ev_describe_later(we, describe_wsman);
		dis_emit(c, we);
	}
	http_pending_unref(q);
}

void http_finish(dis_ctx *c, http_state *s, msg *m, size_t last)
{
	if (m->is_request)
		emit_request(c, m, last);
	else
		emit_response(c, s, m, last);
	http_msg_clear(m);
}

void http_end_of_stream(dis_ctx *c, http_state *s, http_dir *d, size_t len)
{
	size_t last = len ? len - 1 : 0;
	d->scanned = 0;
	switch (d->ph) {
	case PH_BODY_EOF:
		http_finish(c, s, &d->m, last);
		break;
	case PH_BODY_LEN:
	case PH_CHUNK_SIZE:
	case PH_CHUNK_DATA:
	case PH_CHUNK_CRLF:
		dis_note(c, "http", NOTE_TRUNCATED, last, "HTTP %s body cut short by the end of the stream",
			 d->m.is_request ? "request" : "response");
		d->m.body_truncated = true;
		http_finish(c, s, &d->m, last);
		break;
	case PH_TRAILERS:  /* the last chunk came; only the final CRLF is missing */
		http_finish(c, s, &d->m, last);
		break;
	case PH_HEAD:
	case PH_RESYNC:
	case PH_DEAD:
	case PH_TUNNEL:
		return;
	}
	d->ph = PH_HEAD;
}
