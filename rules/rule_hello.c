/* hello and RMCP rules (hello.*).
 *
 * A device in setup mode sends hellos to the setup service on 9971; the
 * service is expected to connect back to the device's 16993 (TLS) with the
 * profile the hello selected. hello.unanswered: hellos and no working
 * connection back within cfg->hello_window_us (the seeds' "Cannot contact back
 * AMT"); hello.repeated: the device keeps sending them. The RMCP pong tells
 * the provisioning state: "in provisioning" with no hello in the capture gets
 * an info finding, because the hello window may have closed. */
#include <string.h>

#include "../decoder/amt_ports.h"
#include "../decoder/events/flow.h"
#include "../decoder/events/hello.h"
#include "../decoder/events/rmcp.h"
#include "rule.h"

#define CONNECT_BACK_PORT AMT_PORT_HTTPS
#define MAX_BACKS 256     /* connections from the setup service to a device's 16993 */
#define MAX_EARLY_BACKS 8 /* the latest ones kept before its first hello */
#define MAX_EVIDENCE 20

typedef enum back_state { BACK_NEVER, BACK_NO_ANSWER, BACK_REFUSED, BACK_CONNECTED } back_state;

typedef struct connect_back {
	back_state state;
	int64_t ts;
	evidence ev;
	char from[AMT_ADDRSTRLEN];
} connect_back;

typedef struct hello_dev {
	char ip[AMT_ADDRSTRLEN];
	char service[AMT_ADDRSTRLEN];
	char uuid[37];
	uint32_t count;
	uint16_t version;     /* of the last hello */
	uint32_t first_retry, last_retry, max_retry;
	int64_t first_ts, last_ts;
	GArray *evidence;     /* evidence of each hello */
	GArray *backs;        /* connect_back to this device's 16993 */
} hello_dev;

typedef struct pong_seen {
	char ip[AMT_ADDRSTRLEN];
	rmcp_prov_state state;
	int64_t ts;
	evidence ev;
} pong_seen;

typedef struct hello_rules {
	GHashTable *by_ip;    /* ip -> hello_dev* */
	GPtrArray *order;     /* hello_dev*, first hello first */
	GArray *pongs;        /* pong_seen */
	int64_t last_ts;
} hello_rules;

static void hello_dev_free(gpointer p)
{
	hello_dev *h = p;
	g_array_free(h->evidence, TRUE);
	g_array_free(h->backs, TRUE);
	g_free(h);
}

static void *init(analysis *an)
{
	(void)an;
	hello_rules *s = g_new0(hello_rules, 1);
	s->by_ip = g_hash_table_new(g_str_hash, g_str_equal);
	s->order = g_ptr_array_new_with_free_func(hello_dev_free);
	s->pongs = g_array_new(FALSE, TRUE, sizeof(pong_seen));
	return s;
}

static void rules_free(void *st)
{
	hello_rules *s = st;
	g_hash_table_destroy(s->by_ip);
	g_ptr_array_free(s->order, TRUE);
	g_array_free(s->pongs, TRUE);
	g_free(s);
}

static void on_hello(hello_rules *s, analysis *an, const event *e)
{
	const ev_hello *h = e->data;
	const amt_addr *src = ev_src(e), *dst = ev_dst(e);
	if (!h || !src || !dst)
		return;
	evidence ev = ev_evidence(e);
	device *d = dev_by_ip(&an->dev, src, true);
	d = dev_fact(&an->dev, d, FACT_UUID, h->uuid, "hello", ev, e->ts);
	for (uint32_t i = 0; i < h->nhashes; i++) {
		d = dev_fact_hash(&an->dev, d, FACT_ROOT_HASH, &h->hashes[i].hash, "hello", ev, e->ts);
	}
	dev_role(d, ROLE_AMT);
	dev_role(dev_by_ip(&an->dev, dst, true), ROLE_SETUP_SERVICE);

	char ip[AMT_ADDRSTRLEN];
	amt_addr_str(src, ip);
	hello_dev *x = g_hash_table_lookup(s->by_ip, ip);
	if (!x) {
		x = g_new0(hello_dev, 1);
		g_strlcpy(x->ip, ip, sizeof(x->ip));
		x->evidence = g_array_new(FALSE, TRUE, sizeof(evidence));
		x->backs = g_array_new(FALSE, TRUE, sizeof(connect_back));
		g_hash_table_insert(s->by_ip, x->ip, x);
		g_ptr_array_add(s->order, x);
	}
	if (!x->count) {
		amt_addr_str(dst, x->service);
		/* connections seen before from elsewhere were consoles: check_unanswered
		 * would skip them, and dropping them makes room for the answer */
		guint kept = 0;
		for (guint i = 0; i < x->backs->len; i++) {
			connect_back *b = &g_array_index(x->backs, connect_back, i);
			if (strcmp(b->from, x->service) == 0)
				g_array_index(x->backs, connect_back, kept++) = *b;
		}
		g_array_set_size(x->backs, kept);
		x->first_ts = e->ts;
		x->first_retry = h->retry;
	}
	g_strlcpy(x->uuid, h->uuid, sizeof(x->uuid));
	x->count++;
	x->version = h->version;
	x->last_ts = e->ts;
	x->last_retry = h->retry;
	if (h->retry > x->max_retry)
		x->max_retry = h->retry;
	g_array_append_val(x->evidence, ev);
}

static back_state back_of(const ev_flow *f)
{
	switch (f->state) {
	case FLOW_ESTABLISHED:
	case FLOW_CLOSED:
	case FLOW_TIMED_OUT:
		return BACK_CONNECTED;
	case FLOW_REFUSED:
		return BACK_REFUSED;
	default:
		return BACK_NO_ANSWER;
	}
}

/* Connections to 16993 are kept for every device: the hello that explains
 * them may come later in the capture than a first attempt. */
static void on_flow(hello_rules *s, const event *e)
{
	const ev_flow *f = e->data;
	if (!f || !e->flow || e->flow->ipproto != 6 || e->flow->sport != CONNECT_BACK_PORT)
		return;
	if (e->kind == EV_FLOW_OPEN && f->state != FLOW_ESTABLISHED)
		return;  /* the close tells how an unanswered attempt ended */
	char ip[AMT_ADDRSTRLEN];
	amt_addr_str(&e->flow->srv, ip);
	hello_dev *x = g_hash_table_lookup(s->by_ip, ip);
	if (!x) {
		x = g_new0(hello_dev, 1);
		g_strlcpy(x->ip, ip, sizeof(x->ip));
		x->evidence = g_array_new(FALSE, TRUE, sizeof(evidence));
		x->backs = g_array_new(FALSE, TRUE, sizeof(connect_back));
		g_hash_table_insert(s->by_ip, x->ip, x);
		g_ptr_array_add(s->order, x);
	}
	connect_back b = {back_of(f), e->flow->first_ts, {e->flow->input, e->flow->first_frame, 0, e->flow->first_ts}, ""};
	amt_addr_str(&e->flow->cli, b.from);
	/* once the hellos named their setup service, a console's sessions to the
	 * device are not answers (check_unanswered skips them): not kept, so a
	 * managed device's daily TLS sessions do not pile up */
	if (x->service[0] && strcmp(b.from, x->service) != 0)
		return;
	/* before the first hello only the last second's connections can count
	 * (check_unanswered): the latest few are enough */
	if (!x->service[0] && x->backs->len >= MAX_EARLY_BACKS)
		g_array_remove_index(x->backs, 0);
	if (x->backs->len >= MAX_BACKS)
		return;
	g_array_append_val(x->backs, b);
}

static void on_pong(hello_rules *s, analysis *an, const event *e)
{
	const ev_rmcp *r = e->data;
	const amt_addr *src = ev_src(e);
	if (!r || !src || !r->is_amt)
		return;
	evidence ev = ev_evidence(e);
	device *d = dev_by_ip(&an->dev, src, true);
	d = dev_fact(&an->dev, d, FACT_PROV_STATE, rmcp_prov_state_name(r->prov_state), "rmcp", ev, e->ts);
	if (r->has_version) {
		char *v = g_strdup_printf("%u.%u", r->ver_major, r->ver_minor);
		d = dev_fact(&an->dev, d, FACT_AMT_VERSION, v, "rmcp", ev, e->ts);
		g_free(v);
	}
	const char *tls = r->dual_ports || r->open_port == AMT_PORT_HTTPS ? "16993"
			  : r->open_port ? "16992" : NULL;
	if (tls)
		d = dev_fact(&an->dev, d, FACT_TLS, tls, "rmcp", ev, e->ts);
	dev_role(d, ROLE_AMT);
	pong_seen p = {.state = r->prov_state, .ts = e->ts, .ev = ev};
	amt_addr_str(src, p.ip);
	g_array_append_val(s->pongs, p);
}

static void on_event(void *st, analysis *an, const event *e)
{
	hello_rules *s = st;
	if (e->ts > s->last_ts)
		s->last_ts = e->ts;
	switch (e->kind) {
	case EV_HELLO: on_hello(s, an, e); break;
	case EV_FLOW_OPEN:
	case EV_FLOW_CLOSE: on_flow(s, e); break;
	case EV_RMCP_PONG: on_pong(s, an, e); break;
	default: break;
	}
}

static void add_evidence(finding *f, const GArray *evs)
{
	for (guint i = 0; i < evs->len && i < MAX_EVIDENCE; i++) {
		const evidence *v = &g_array_index(evs, evidence, i);
		finding_evidence(f, *v);
	}
}

static const char *back_text(back_state b)
{
	switch (b) {
	case BACK_REFUSED: return "was refused (RST)";
	case BACK_NO_ANSWER: return "got no answer";
	default: return "was never tried";
	}
}

static void check_unanswered(analysis *an, const hello_dev *x, int64_t end_ts)
{
	int64_t window = an->cfg->hello_window_us;
	back_state worst = BACK_NEVER;
	const connect_back *tried = NULL;
	for (guint i = 0; i < x->backs->len; i++) {
		const connect_back *b = &g_array_index(x->backs, connect_back, i);
		if (b->ts + 1000000 < x->first_ts || b->ts > x->last_ts + window)
			continue;
		/* a console's TLS session to the device is not the setup service answering */
		if (x->service[0] && strcmp(b->from, x->service) != 0)
			continue;
		if (b->state == BACK_CONNECTED)
			return;
		if (b->state > worst || !tried) {
			worst = b->state > worst ? b->state : worst;
			tried = b;
		}
	}
	if (analysis_one_direction(an))
		return;  /* the way back is the direction the capture lacks (capture.one_direction) */
	device *d = dev_by_ip_str(&an->dev, x->ip, false);
	const char *label = d ? dev_label(dev_resolve(d)) : x->ip;
	/* absence is an error only when the capture (or a log) covers AMT's
	 * connect-back window after the last hello; before that, it may yet come */
	int64_t after = end_ts > x->last_ts ? end_ts - x->last_ts : 0;
	bool covered = after >= window || worst == BACK_REFUSED;  /* a refusal is seen, not absent */
	finding *f = finding_add(&an->fnd, "hello.unanswered", covered ? SEV_ERROR : SEV_WARNING, label,
				 "unanswered", NULL);
	double seen = (double)((end_ts > x->last_ts ? end_ts : x->last_ts) - x->first_ts) / 1e6;
	finding_summary(f,
			"%s (UUID %s) sent %u hello%s to the setup service %s (retry counter %u to %u); in the "
			"%.1f s the capture covers from the first one, the connection back to %s:%d %s%s%s "
			"(window %.0f s; the capture ran %.1f s after the last hello%s)",
			x->ip, x->uuid, x->count, x->count == 1 ? "" : "s", x->service, x->first_retry,
			x->last_retry, seen, x->ip, CONNECT_BACK_PORT, back_text(worst), tried ? " from " : "",
			tried ? tried->from : "", (double)window / 1e6, (double)after / 1e6,
			after >= window || worst == BACK_REFUSED ? ""
				: ", less than the window: the connection back may still have come");
	switch (worst) {
	case BACK_REFUSED:
		finding_remedy(f, "The setup service reached the device but port 16993 refused: check that the "
				  "device's AMT is still in setup mode and that nothing else answers at that IP.");
		break;
	case BACK_NO_ANSWER:
		finding_remedy(f, "The setup service's SYNs to %s:16993 were not answered: check routing and "
				  "firewalls between the service and the device, and that the service resolved the "
				  "device's FQDN to this address.", x->ip);
		break;
	default:
		if (x->version == 2) {
			finding_remedy(f, "This is a PSK (version 2) hello: the setup service needs the PID/PPS pair "
					  "entered in this device's MEBx; PSK provisioning was removed in AMT 11, so "
					  "current services may ignore it entirely.");
			break;
		}
		finding_remedy(f, "The setup service ignored the hello: check that it has a provisioning "
				  "certificate whose root hash is among the hashes the hello lists, that the "
				  "certificate's domain matches the device's DNS suffix, and that a profile matches "
				  "UUID %s; its log says which.", x->uuid);
		break;
	}
	add_evidence(f, x->evidence);
	/* the hello lane and the refused or unanswered way back show the failure */
	for (guint i = 0; covered && i < x->evidence->len && i < MAX_EVIDENCE; i++) {
		const evidence *v = &g_array_index(x->evidence, evidence, i);
		analysis_mark_failure(an, v->input, v->frame, 0);
	}
	if (tried) {
		finding_evidence(f, tried->ev);
		if (covered)
			analysis_mark_failure(an, tried->ev.input, tried->ev.frame, 0);
	}
}

static void check_repeated(analysis *an, const hello_dev *x)
{
	if (x->count < 2)
		return;
	device *d = dev_by_ip_str(&an->dev, x->ip, false);
	const char *label = d ? dev_label(dev_resolve(d)) : x->ip;
	finding *f = finding_add(&an->fnd, "hello.repeated", SEV_WARNING, label, "repeated", NULL);
	finding_summary(f,
			"%s (UUID %s) sent %u hellos in %.1f s (retry counter %u, then %u, highest %u): "
			"provisioning is not progressing",
			x->ip, x->uuid, x->count, (double)(x->last_ts - x->first_ts) / 1e6, x->first_retry,
			x->last_retry, x->max_retry);
	finding_remedy(f, "AMT resends its hello until a setup service configures it or the hello window "
			  "closes; find why the service does not complete the configuration (see hello.unanswered "
			  "and the service's log).");
	add_evidence(f, x->evidence);
}

static void check_pongs(hello_rules *s, analysis *an)
{
	for (guint i = 0; i < s->pongs->len; i++) {
		const pong_seen *p = &g_array_index(s->pongs, pong_seen, i);
		hello_dev *x = g_hash_table_lookup(s->by_ip, p->ip);
		if (p->state != RMCP_PROV_IN || (x && x->count))
			continue;
		if (analysis_input_cut(an, p->ev.input))
			continue;  /* hellos may be there, cut by the snaplen (capture.truncated) */
		device *d = dev_by_ip_str(&an->dev, p->ip, false);
		finding *f = finding_add(&an->fnd, "hello.not_seen", SEV_INFO, d ? dev_label(dev_resolve(d)) : p->ip,
					 "not_seen", NULL);
		finding_summary(f, "%s answers RMCP with provisioning state \"in provisioning\" but sent no hello "
				   "in this capture", p->ip);
		finding_remedy(f, "AMT sends hellos only while its hello window is open (24 h after the first "
				  "enable, 6 h on later starts; some platforms ship with the timer at 0 and send none "
				  "until a local agent starts it); restart remote configuration from the host (a local "
				  "agent such as ACU or rpc, or a MEBx partial unprovision), then capture again on port "
				  "9971.");
		finding_evidence(f, p->ev);
	}
}

static void on_end(void *st, analysis *an)
{
	hello_rules *s = st;
	for (guint i = 0; i < s->order->len; i++) {
		const hello_dev *x = s->order->pdata[i];
		if (!x->count)
			continue;
		check_unanswered(an, x, s->last_ts);
		check_repeated(an, x);
	}
	check_pongs(s, an);
}

const rule rule_hello = {
	.name = "hello",
	.init = init,
	.on_event = on_event,
	.on_end = on_end,
	.free = rules_free,
};
