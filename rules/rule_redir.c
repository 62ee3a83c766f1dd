/* redirection rules (redir.*).
 *
 * AMT holds one redirection session of a kind at a time: a second console's
 * login is refused while the first holds it, and consoles then report an
 * "authentication error" that is nothing of the kind. So a refusal while
 * another console has an open session to the same device is
 * redir.session.busy, and only otherwise redir.auth.failed. */
#include <string.h>

#include "../decoder/events/redir.h"
#include "rule.h"

#define STATUS_BUSY 2  /* StartRedirectionSessionReply status seen for "busy" (MeshCommander #24) */

typedef struct held_session {
	uint64_t flow_id;
	uint16_t input;
	char console[AMT_ADDRSTRLEN];
	char device[AMT_ADDRSTRLEN];
	uint16_t console_port;
	redir_type type;
	bool authenticated, closed;
	int64_t since;
	evidence ev;
} held_session;

/* A login refusal with no other session known: an authentication failure
 * only if the capture holds both directions (decided at the end). */
typedef struct refusal {
	char console[AMT_ADDRSTRLEN], device[AMT_ADDRSTRLEN];
	redir_type type;
	uint8_t auth_type;
	uint16_t status;
	char *user;
	uint16_t input;
	uint32_t frame_first, frame_last;
	int64_t ts;
} refusal;

typedef struct redir_rules {
	GArray *sessions;  /* held_session */
	GArray *refusals;  /* refusal */
} redir_rules;

static void *init(analysis *an)
{
	(void)an;
	redir_rules *s = g_new0(redir_rules, 1);
	s->sessions = g_array_new(FALSE, TRUE, sizeof(held_session));
	s->refusals = g_array_new(FALSE, TRUE, sizeof(refusal));
	return s;
}

static void rules_free(void *st)
{
	redir_rules *s = st;
	g_array_free(s->sessions, TRUE);
	for (guint i = 0; i < s->refusals->len; i++)
		g_free(g_array_index(s->refusals, refusal, i).user);
	g_array_free(s->refusals, TRUE);
	g_free(s);
}

static held_session *find_session(redir_rules *s, uint16_t input, uint64_t flow_id)
{
	for (guint i = 0; i < s->sessions->len; i++) {
		held_session *h = &g_array_index(s->sessions, held_session, i);
		if (h->flow_id == flow_id && h->input == input)
			return h;
	}
	return NULL;
}

static held_session *session_for(redir_rules *s, const event *e, const ev_redir_session *x)
{
	held_session *h = find_session(s, e->input, x->flow_id);
	if (h)
		return h;
	held_session n = {.flow_id = x->flow_id, .input = e->input, .console_port = x->console_port,
			  .type = x->type, .since = e->ts, .ev = ev_evidence(e)};
	amt_addr_str(&x->console, n.console);
	amt_addr_str(&x->device, n.device);
	g_array_append_val(s->sessions, n);
	return &g_array_index(s->sessions, held_session, s->sessions->len - 1);
}

/* Another connection's open session to the same device, authenticated first. */
static const held_session *holder_of(redir_rules *s, const held_session *me)
{
	const held_session *best = NULL;
	for (guint i = 0; i < s->sessions->len; i++) {
		const held_session *h = &g_array_index(s->sessions, held_session, i);
		if (h == me || h->closed || strcmp(h->device, me->device) != 0)
			continue;
		if (!best || (h->authenticated && !best->authenticated))
			best = h;
	}
	return best;
}

static const char *device_label(analysis *an, const char *ip)
{
	device *d = dev_by_ip_str(&an->dev, ip, false);
	return d ? dev_label(dev_resolve(d)) : ip;
}

static void report_busy(analysis *an, const event *e, const ev_redir_session *x, const held_session *me,
			const held_session *holder)
{
	char *key = g_strdup_printf("busy|%s:%u", me->console, me->console_port);
	finding *f = finding_add(&an->fnd, "redir.session.busy", SEV_WARNING, device_label(an, me->device), key,
				 NULL);
	g_free(key);
	if (holder) {
		finding_summary(f,
				"%s redirection from console %s to %s was refused (status %u) while console %s "
				"holds a %s session to the same device (opened %.3f s earlier); consoles show this as "
				"an authentication error",
				redir_type_name(x->type), me->console, me->device, x->status, holder->console,
				redir_type_name(holder->type), (double)(e->ts - holder->since) / 1e6);
		finding_evidence(f, holder->ev);
	} else {
		finding_summary(f,
				"%s redirection from console %s to %s was refused with status %u (busy): another "
				"console, not in this capture, holds the session",
				redir_type_name(x->type), me->console, me->device, x->status);
	}
	finding_remedy(f, "Close the other console's session (or wait for it to end) and connect again; "
			  "the password is not the problem.");
	finding_event(f, e);
}

static void refusal_frames(finding *f, const refusal *r)
{
	finding_frame_at(f, r->input, r->frame_first, r->ts);
	if (r->frame_last != r->frame_first)
		finding_frame_at(f, r->input, r->frame_last, r->ts);
}

static void report_auth_failed(analysis *an, const refusal *r)
{
	char *key = g_strdup_printf("auth|%s|%s", r->console, r->user ? r->user : "");
	finding *f = finding_add(&an->fnd, "redir.auth.failed", SEV_ERROR, device_label(an, r->device), key, NULL);
	g_free(key);
	finding_summary(f, "%s redirection login from console %s to %s failed (%s, user \"%s\", status %u)",
			redir_type_name(r->type), r->console, r->device,
			r->auth_type == 0xff ? "no method" : redir_auth_name(r->auth_type),
			r->user ? r->user : "", r->status);
	finding_remedy(f, "Check the user name and password of the AMT account the console uses (digest "
			  "realm and user are in the evidence frames) and that the account has the redirection "
			  "realm; for Kerberos, the console's ticket and the clock.");
	refusal_frames(f, r);
}

/* One direction only: another console's session (busy) may be in the half
 * the capture lacks, so the refusal is not called a wrong password. */
static void report_auth_unknown(analysis *an, const refusal *r)
{
	char *key = g_strdup_printf("refused-auth|%s|%s", r->console, r->user ? r->user : "");
	finding *f = finding_add(&an->fnd, "redir.session.refused", SEV_WARNING, device_label(an, r->device), key,
				 NULL);
	g_free(key);
	finding_summary(f, "%s redirection login from console %s to %s was refused (status %u); the capture holds "
			"one direction only, so whether the password was wrong or another console held the "
			"session cannot be told", redir_type_name(r->type), r->console, r->device, r->status);
	finding_remedy(f, "Capture both directions (see capture.one_direction) to tell a wrong password from a "
			  "busy device; meanwhile check the account's password and close other consoles' sessions.");
	refusal_frames(f, r);
}

static void defer_auth_failed(redir_rules *s, const event *e, const ev_redir_session *x, const held_session *me)
{
	refusal r = {.type = x->type, .auth_type = x->auth_type, .status = x->status,
		     .user = g_strdup(x->user), .input = e->input, .frame_first = e->frame_first,
		     .frame_last = e->frame_last, .ts = e->ts};
	memcpy(r.console, me->console, sizeof(r.console));
	memcpy(r.device, me->device, sizeof(r.device));
	g_array_append_val(s->refusals, r);
}

static void report_refused(analysis *an, const event *e, const ev_redir_session *x, const held_session *me)
{
	char *key = g_strdup_printf("refused|%s:%u", me->console, me->console_port);
	finding *f = finding_add(&an->fnd, "redir.session.refused", SEV_WARNING, device_label(an, me->device),
				 key, NULL);
	g_free(key);
	finding_summary(f, "%s redirection from console %s to %s was refused %s with status %u",
			redir_type_name(x->type), me->console, me->device,
			x->refused_at == REDIR_REFUSED_START ? "at session start" : "when the SOL/IDE-R session started",
			x->status);
	finding_remedy(f, "Check that the redirection listener and the %s feature are enabled on the device "
			  "(AMT_RedirectionService, KVM/SOL/IDER enabled in MEBx or over WS-Man).",
			  redir_type_name(x->type));
	finding_event(f, e);
}

static void on_event(void *st, analysis *an, const event *e)
{
	redir_rules *s = st;
	if (e->kind != EV_REDIR_SESSION || !e->data)
		return;
	const ev_redir_session *x = e->data;
	held_session *me = session_for(s, e, x);
	me->type = x->type;
	switch (x->state) {
	case REDIR_SESSION_OPENED:
		dev_role(dev_by_ip(&an->dev, &x->console, true), ROLE_CONSOLE);
		dev_role(dev_by_ip(&an->dev, &x->device, true), ROLE_AMT);
		return;
	case REDIR_SESSION_AUTHENTICATED:
		me->authenticated = true;
		return;
	case REDIR_SESSION_CLOSED:
		me->closed = true;
		return;
	case REDIR_SESSION_REFUSED:
		break;
	}
	analysis_keep(an, e, true);
	me->closed = true;  /* a refused session holds nothing */
	const held_session *holder = holder_of(s, me);
	if (holder)
		report_busy(an, e, x, me, holder);
	else if (x->refused_at == REDIR_REFUSED_AUTH)
		defer_auth_failed(s, e, x, me);
	else if (x->status == STATUS_BUSY)
		report_busy(an, e, x, me, NULL);
	else
		report_refused(an, e, x, me);
}

static void on_end(void *st, analysis *an)
{
	redir_rules *s = st;
	bool one_way = analysis_one_direction(an);
	for (guint i = 0; i < s->refusals->len; i++) {
		const refusal *r = &g_array_index(s->refusals, refusal, i);
		if (one_way)
			report_auth_unknown(an, r);
		else
			report_auth_failed(an, r);
	}
}

const rule rule_redir = {
	.name = "redir",
	.init = init,
	.on_event = on_event,
	.on_end = on_end,
	.free = rules_free,
};
