/* HTTP / WS-Man rules and the provisioning timeline:
 *   wsman.auth.failed        a 401 with no later success for that console and device
 *   wsman.fault              a SOAP fault, or a non-zero ReturnValue / PT_STATUS
 *   wsman.cve_2017_5689      a Digest answer with an empty response accepted (error)
 *   wsman.cve_2017_5689.attempt   ... and refused (info)
 * plus device facts (provisioning state/mode, control mode, host name,
 * domain, firmware version, MAC, TLS) and rules/provisioning.h. */
#include <string.h>

#include "../decoder/events/http.h"
#include "../decoder/events/wsman.h"
#include "../decoder/numtext.h"
#include "provisioning.h"
#include "wsman_facts.h"
#include "wsman_meaning.h"

#define AUTH_EVIDENCE_MAX 8

typedef struct auth_pair {
	char *console, *amt;
	bool failed;             /* a 401 not (yet) followed by a success */
	bool had_credentials;    /* some refused request carried credentials */
	char *realm, *user, *scheme;
	unsigned refusals;
	GArray *evidence;        /* evidence of the refusals since the last success */
} auth_pair;

typedef struct wsman_rule {
	GPtrArray *tracks;          /* prov_track* */
	GHashTable *track_by_ip;    /* amt ip -> prov_track* */
	GHashTable *open;           /* "input:flow:frame" -> prov_step* awaiting an answer */
	GHashTable *step_track;     /* prov_step* -> prov_track* */
	GHashTable *auth;           /* "console|amt" -> auth_pair* */
	GPtrArray *auth_order;      /* auth_pair*, in order of first refusal */
} wsman_rule;

extern const rule rule_wsman;

const char *prov_result_name(prov_result r)
{
	switch (r) {
	case PROV_PENDING: return "pending";
	case PROV_OK: return "ok";
	case PROV_FAILED: return "failed";
	case PROV_NO_ANSWER: return "no_answer";
	}
	return "?";
}

static void step_free(gpointer p)
{
	prov_step *s = p;
	g_free(s->cls);
	g_free(s->op);
	g_free(s->detail);
	g_free(s);
}

static void track_free(gpointer p)
{
	prov_track *t = p;
	g_free(t->amt_ip);
	g_free(t->console_ip);
	g_ptr_array_free(t->steps, TRUE);
	g_free(t);
}

static void pair_free(gpointer p)
{
	auth_pair *a = p;
	g_free(a->console);
	g_free(a->amt);
	g_free(a->realm);
	g_free(a->user);
	g_free(a->scheme);
	g_array_free(a->evidence, TRUE);
	g_free(a);
}

static void *init(analysis *an)
{
	(void)an;
	wsman_rule *r = g_new0(wsman_rule, 1);
	r->tracks = g_ptr_array_new_with_free_func(track_free);
	r->track_by_ip = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->open = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->step_track = g_hash_table_new(g_direct_hash, g_direct_equal);
	r->auth = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->auth_order = g_ptr_array_new_with_free_func(pair_free);
	return r;
}

static void rule_free(void *st)
{
	wsman_rule *r = st;
	g_hash_table_destroy(r->track_by_ip);
	g_hash_table_destroy(r->open);
	g_hash_table_destroy(r->step_track);
	g_hash_table_destroy(r->auth);
	g_ptr_array_free(r->tracks, TRUE);
	g_ptr_array_free(r->auth_order, TRUE);
	g_free(r);
}

/* "input:flow:frame"; on_flow_close() finds a connection's by the prefix */
static size_t flow_prefix(const event *e, char *out)
{
	size_t n = u64_text(e->input, out);
	out[n++] = ':';
	n += u64_text(e->flow->id, out + n);
	out[n++] = ':';
	return n;
}

static char *exchange_key(const event *e, uint32_t request_frame)
{
	char b[64];
	size_t n = flow_prefix(e, b);
	n += u64_text(request_frame, b + n);
	return g_strndup(b, n);
}

static const char *ip_str(const amt_addr *a, char *buf)
{
	return amt_addr_str(a, buf);
}

/* ---- provisioning timeline ---- */

static bool is_step(const ev_wsman *w)
{
	static const char *const reads[] = {"Get", "Enumerate", "Pull", "Release", "Subscribe",
					    "Unsubscribe", "Renew", "Identify"};
	if (w->legacy)
		return w->method && strncmp(w->method, "Get", 3) != 0 && strncmp(w->method, "Enumerate", 9) != 0;
	if (w->method)
		return true;
	for (size_t i = 0; w->operation && i < G_N_ELEMENTS(reads); i++)
		if (strcmp(w->operation, reads[i]) == 0)
			return false;
	return w->operation != NULL;
}

static prov_track *track_for(wsman_rule *r, analysis *an, const event *e)
{
	char ip[AMT_ADDRSTRLEN], cip[AMT_ADDRSTRLEN];
	ip_str(&e->flow->srv, ip);
	prov_track *t = g_hash_table_lookup(r->track_by_ip, ip);
	if (t)
		return t;
	t = g_new0(prov_track, 1);
	t->dev = dev_by_ip(&an->dev, &e->flow->srv, true);
	t->amt_ip = g_strdup(ip);
	t->console_ip = g_strdup(ip_str(&e->flow->cli, cip));
	t->steps = g_ptr_array_new_with_free_func(step_free);
	g_ptr_array_add(r->tracks, t);
	g_hash_table_insert(r->track_by_ip, g_strdup(ip), t);
	return t;
}

/* Room for one more step: the oldest one that went through goes (it is in
 * no table any more once answered). False when every kept step is pending
 * or failed: those are what the summaries are about. */
static bool make_room(wsman_rule *r, prov_track *t)
{
	if (t->steps->len < PROV_MAX_STEPS)
		return true;
	for (guint i = 0; i < t->steps->len; i++) {
		prov_step *s = t->steps->pdata[i];
		bool commit = s->op && (strcmp(s->op, "CommitChanges") == 0 || strcmp(s->op, "AdminSetup") == 0 ||
					strcmp(s->op, "Setup") == 0);  /* prov_committed() looks for these */
		if (s->result == PROV_OK && !commit) {
			g_hash_table_remove(r->step_track, s);
			g_ptr_array_remove_index(t->steps, i);
			t->dropped++;
			return true;
		}
	}
	return false;
}

static void on_wsman_request(wsman_rule *r, analysis *an, const event *e, const ev_wsman *w)
{
	device *con = dev_by_ip(&an->dev, &e->flow->cli, true);
	dev_role(con, ROLE_CONSOLE);
	if (!is_step(w))
		return;
	prov_track *t = track_for(r, an, e);
	if (!make_room(r, t))
		return;
	prov_step *s = g_new0(prov_step, 1);
	s->cls = g_strdup(w->class_name);
	s->op = g_strdup(w->method ? w->method : w->operation);
	s->result = PROV_PENDING;
	s->request = ev_evidence(e);
	s->ts = e->ts;
	g_ptr_array_add(t->steps, s);
	g_hash_table_insert(r->step_track, s, t);
	g_hash_table_replace(r->open, exchange_key(e, e->frame_last), s);
}

/* ---- findings ---- */

static const char *fault_remedy(const ev_wsman *w)
{
	uint32_t code = w->has_amt_status ? w->amt_status : w->return_value;
	const char *sub = w->fault_subcode_local;
	if (sub && strcmp(sub, "AlreadyExists") == 0)
		return "The object already exists on the device: read it (Get/Enumerate) and reuse or delete it "
		       "before creating it again, or treat this answer as success in the console's flow.";
	if (sub && strcmp(sub, "DestinationUnreachable") == 0)
		return "The console addressed a resource the firmware does not have: check the ResourceURI/class "
		       "and the firmware version (the class may not exist on this AMT release).";
	if (sub && strcmp(sub, "AccessDenied") == 0)
		return "The user lacks the realm needed for this call: use the admin account or grant the realm "
		       "(AMT_AuthorizationService).";
	if (w->fault && !w->has_amt_status)
		return "Check the request the console sent (class, selectors, parameters) against the AMT SDK for "
		       "this firmware version.";
	switch (code % 32768) {
	case 0x20:
		return "The device is in the wrong provisioning state for this call: check ProvisioningState "
		       "(unprovision first, or use the flow meant for the current state).";
	case 0x26:
		return "The firmware limits flash writes: wait (minutes to hours) before retrying, and avoid "
		       "repeating configuration in a loop.";
	case 0x809:
		return "A setting required before CommitChanges was never made: complete the configuration steps "
		       "(admin password, ACL, TLS, network) and commit again.";
	case 0x806:
		return "The password was refused: use one that meets AMT's strength rules (8-32 characters, "
		       "upper and lower case, digit, symbol).";
	case 0x10:
		return "The call is not permitted in this state or for this user: check the control mode "
		       "(client control mode restricts calls) and the user's realms.";
	case 0x80D:
	case 0x822:
	case 0x2F:
		return "The firmware is busy (key generation or another operation): retry after a short wait.";
	}
	return "Look up the status in the AMT SDK for this call and fix the parameters or the device state it names.";
}

static void on_wsman_response(wsman_rule *r, analysis *an, const event *e, const ev_wsman *w)
{
	device *amt = dev_by_ip(&an->dev, &e->flow->srv, true);
	dev_role(amt, ROLE_AMT);
	amt = wsman_facts(an, amt, e, w);
	bool failed = wsman_failed(w);
	char *detail;
	if (w->fault)
		detail = g_strdup_printf("fault %s%s%s%s%s", w->fault_subcode ? w->fault_subcode : w->fault_code ? w->fault_code : "",
					 w->fault_reason ? ": " : "", w->fault_reason ? w->fault_reason : "",
					 w->has_amt_status ? " AMT-STATUS " : "",
					 w->has_amt_status ? (w->amt_status_name ? w->amt_status_name : "?") : "");
	else if (w->has_return)
		detail = g_strdup_printf("ReturnValue %u (%s)", w->return_value, w->return_name ? w->return_name : "unknown");
	else
		detail = g_strdup_printf("HTTP %u", w->http_status);
	if (w->has_request) {
		char *key = exchange_key(e, w->request_frame);
		prov_step *s = g_hash_table_lookup(r->open, key);
		if (s) {
			s->result = failed ? PROV_FAILED : PROV_OK;
			g_free(s->detail);
			s->detail = g_strdup(detail);
			s->http_status = w->http_status;
			s->response = ev_evidence(e);
			g_hash_table_remove(r->open, key);
		}
		g_free(key);
	}
	if (failed) {
		analysis_keep(an, e, true);
		const char *cls = w->class_name ? w->class_name : "?";
		const char *op = w->method ? w->method : w->req_operation ? w->req_operation : w->operation ? w->operation : "?";
		uint32_t code = w->has_amt_status ? w->amt_status : w->return_value;
		char *key = g_strdup_printf("%s.%s:%s:%u", cls, op, w->fault_subcode ? w->fault_subcode : "", code);
		bool is_new;
		finding *f = finding_add(&an->fnd, "wsman.fault", SEV_WARNING, dev_label(dev_resolve(amt)), key, &is_new);
		g_free(key);
		if (is_new) {
			const char *meaning = wsman_failure_meaning(an->kb, w);
			if (w->fault)
				finding_summary(f, "%s %s failed with SOAP fault %s%s%s%s%s%s%s", cls, op,
						w->fault_subcode ? w->fault_subcode : w->fault_code ? w->fault_code : "?",
						w->has_amt_status ? " AMT-STATUS " : "",
						w->has_amt_status ? (w->amt_status_name ? w->amt_status_name : "(unknown)") : "",
						meaning ? " (" : "", meaning ? meaning : "", meaning ? ")" : "",
						w->fault_reason ? "; AMT says: " : "");
			else
				finding_summary(f, "%s %s returned %u %s%s%s", cls, op, code,
						w->return_name ? w->return_name : "(unknown status)", meaning ? ": " : "",
						meaning ? meaning : "");
			if (w->fault && w->fault_reason) {
				char *s = g_strconcat(f->summary, w->fault_reason, NULL);
				g_free(f->summary);
				f->summary = s;
			}
			finding_remedy(f, "%s", fault_remedy(w));
		}
		finding_event(f, e);
	}
	g_free(detail);
}

static auth_pair *pair_for(wsman_rule *r, const event *e)
{
	char c[AMT_ADDRSTRLEN], a[AMT_ADDRSTRLEN];
	ip_str(&e->flow->cli, c);
	ip_str(&e->flow->srv, a);
	char *key = g_strconcat(c, "|", a, NULL);
	auth_pair *p = g_hash_table_lookup(r->auth, key);
	if (p) {
		g_free(key);
		return p;
	}
	p = g_new0(auth_pair, 1);
	p->console = g_strdup(c);
	p->amt = g_strdup(a);
	p->evidence = g_array_new(FALSE, FALSE, sizeof(evidence));
	g_hash_table_insert(r->auth, key, p);
	g_ptr_array_add(r->auth_order, p);
	return p;
}

static void set_str(char **slot, const char *v)
{
	if (!v)
		return;
	g_free(*slot);
	*slot = g_strdup(v);
}

static void empty_digest(analysis *an, const event *e, const ev_http *h)
{
	const http_auth *ra = &h->request_auth;
	if (ra->scheme != HTTP_AUTH_DIGEST || !ra->has_response || ra->response_len != 0)
		return;
	device *amt = dev_by_ip(&an->dev, &e->flow->srv, true);
	char c[AMT_ADDRSTRLEN];
	ip_str(&e->flow->cli, c);
	bool accepted = h->status >= 200 && h->status < 300;
	finding *f = finding_add(&an->fnd, accepted ? "wsman.cve_2017_5689" : "wsman.cve_2017_5689.attempt",
				 accepted ? SEV_ERROR : SEV_INFO, dev_label(dev_resolve(amt)), c, NULL);
	if (accepted) {
		finding_summary(f, "AMT accepted a Digest login with an empty response from %s (user \"%s\", %s %s "
				"answered %u): the CVE-2017-5689 authentication bypass worked",
				c, ra->username ? ra->username : "", h->request_method ? h->request_method : "",
				h->request_uri ? h->request_uri : "", h->status);
		finding_remedy(f, "Update the AMT firmware (INTEL-SA-00075), change the admin password, and review "
				  "what %s did on this device.", c);
	} else {
		finding_summary(f, "%s tried the CVE-2017-5689 empty Digest response against AMT (user \"%s\"); "
				"the device refused it with %u", c, ra->username ? ra->username : "", h->status);
		finding_remedy(f, "The firmware is not vulnerable to this attempt; find out why %s probes AMT.", c);
	}
	finding_event(f, e);
}

static void on_http_response(wsman_rule *r, analysis *an, const event *e, const ev_http *h)
{
	if (h->amt_version) {
		device *amt = dev_by_ip(&an->dev, &e->flow->srv, true);
		dev_role(amt, ROLE_AMT);
		dev_fact(&an->dev, amt, FACT_AMT_VERSION, h->amt_version, "http.server", ev_evidence(e), e->ts);
	}
	if (!h->has_request || h->status < 200)
		return;
	empty_digest(an, e, h);
	char *key = exchange_key(e, h->request_frame);
	prov_step *s = g_hash_table_lookup(r->open, key);
	if (s && h->status == 401) {
		/* a challenge: the authenticated retry is the step */
		prov_track *t = g_hash_table_lookup(r->step_track, s);
		g_hash_table_remove(r->open, key);
		g_hash_table_remove(r->step_track, s);
		if (t)
			g_ptr_array_remove(t->steps, s);
	} else if (s) {
		s->result = h->status < 400 ? PROV_OK : PROV_FAILED;
		s->http_status = h->status;
		s->response = ev_evidence(e);
		g_free(s->detail);
		s->detail = g_strdup_printf("HTTP %u %s", h->status, h->reason ? h->reason : "");
		/* stays open: a SOAP answer that follows refines it */
	}
	g_free(key);

	auth_pair *p = pair_for(r, e);
	if (h->status != 401) {
		p->failed = false;
		p->had_credentials = false;
		p->refusals = 0;
		g_array_set_size(p->evidence, 0);
		return;
	}
	p->failed = true;
	p->refusals++;
	if (h->request_auth.scheme != HTTP_AUTH_NONE) {
		p->had_credentials = true;
		set_str(&p->user, h->request_auth.username);
		set_str(&p->scheme, http_auth_scheme_name(h->request_auth.scheme));
		analysis_keep(an, e, true);
	}
	set_str(&p->realm, h->auth.realm ? h->auth.realm : h->request_auth.realm);
	if (p->evidence->len < AUTH_EVIDENCE_MAX) {
		evidence ev = ev_evidence(e);
		g_array_append_val(p->evidence, ev);
	}
}

/* The connection is gone: what it left unanswered will stay so. Keeps the
 * table of open requests as small as the connections alive. */
static void on_flow_close(wsman_rule *r, const event *e)
{
	if (!g_hash_table_size(r->open))
		return;
	char prefix[64];
	prefix[flow_prefix(e, prefix)] = 0;
	GHashTableIter it;
	gpointer key, val;
	g_hash_table_iter_init(&it, r->open);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		if (!g_str_has_prefix(key, prefix))
			continue;
		prov_step *s = val;
		if (s->result == PROV_PENDING) {
			s->result = PROV_NO_ANSWER;
			s->detail = g_strdup("connection closed without an answer");
		}
		g_hash_table_iter_remove(&it);
	}
}

static void on_event(void *st, analysis *an, const event *e)
{
	wsman_rule *r = st;
	if (e->kind == EV_FLOW_CLOSE && e->flow)
		on_flow_close(r, e);
	if (!e->flow || !e->data)
		return;
	switch (e->kind) {
	case EV_WSMAN_REQUEST:
		on_wsman_request(r, an, e, e->data);
		break;
	case EV_WSMAN_RESPONSE:
		on_wsman_response(r, an, e, e->data);
		break;
	case EV_HTTP_RESPONSE:
		on_http_response(r, an, e, e->data);
		break;
	default:
		break;
	}
}

static void auth_findings(wsman_rule *r, analysis *an)
{
	for (guint i = 0; i < r->auth_order->len; i++) {
		auth_pair *p = r->auth_order->pdata[i];
		if (!p->failed)
			continue;
		device *amt = dev_by_ip_str(&an->dev, p->amt, true);
		finding *f = finding_add(&an->fnd, "wsman.auth.failed", SEV_ERROR, dev_label(dev_resolve(amt)),
					 p->console, NULL);
		if (p->had_credentials)
			finding_summary(f, "AMT refused %s credentials from console %s for user \"%s\" in realm \"%s\" "
					"(%u refusal%s, no later success)", p->scheme ? p->scheme : "", p->console,
					p->user ? p->user : "", p->realm ? p->realm : "", p->refusals,
					p->refusals == 1 ? "" : "s");
		else
			finding_summary(f, "Console %s got an HTTP 401 challenge (realm \"%s\") and never authenticated: "
					"it sent no credentials after the challenge", p->console, p->realm ? p->realm : "");
		finding_remedy(f, "Check the AMT user name and password the console uses for this device (realm %s); "
				  "after repeated failures AMT locks the account for a while, so wait before retrying. "
				  "With Kerberos, check the console's ticket and the SPN HTTP/<host>:16992.",
			       p->realm ? p->realm : "shown above");
		for (guint j = 0; j < p->evidence->len; j++) {
			evidence *ev = &g_array_index(p->evidence, evidence, j);
			finding_evidence(f, *ev);
		}
	}
}

static void track_summaries(wsman_rule *r, analysis *an)
{
	for (guint i = 0; i < r->tracks->len; i++) {
		prov_track *t = r->tracks->pdata[i];
		for (guint j = 0; j < t->steps->len; j++) {
			prov_step *s = t->steps->pdata[j];
			if (s->result == PROV_PENDING)
				s->result = PROV_NO_ANSWER, s->detail = g_strdup("no response");
		}
		if (!t->steps->len)
			continue;
		int bad = prov_first_failure(t);
		char *note;
		if (bad >= 0) {
			prov_step *s = t->steps->pdata[bad];
			note = g_strdup_printf("provisioning: %u of %u steps went through, then %s %s %s (%s)",
					       (unsigned)bad + t->dropped, t->steps->len + t->dropped, s->op ? s->op : "?", s->cls ? s->cls : "",
					       prov_result_name(s->result), s->detail ? s->detail : "");
		} else {
			prov_step *s = t->steps->pdata[t->steps->len - 1];
			note = g_strdup_printf("provisioning: %u step%s, all ok%s (last %s %s)", t->steps->len + t->dropped,
					       t->steps->len + t->dropped == 1 ? "" : "s",
					       prov_committed(t) ? ", committed" : ", not committed",
					       s->op ? s->op : "?", s->cls ? s->cls : "");
		}
		prov_step *first = t->steps->pdata[0];
		dev_fact(&an->dev, dev_resolve(t->dev), FACT_NOTE, note, "wsman.provisioning", first->request, first->ts);
		g_free(note);
	}
}

static void on_end(void *st, analysis *an)
{
	wsman_rule *r = st;
	auth_findings(r, an);
	track_summaries(r, an);
}

int prov_first_failure(const prov_track *t)
{
	for (guint i = 0; i < t->steps->len; i++) {
		const prov_step *s = t->steps->pdata[i];
		if (s->result == PROV_FAILED || s->result == PROV_NO_ANSWER)
			return (int)i;
	}
	return -1;
}

bool prov_committed(const prov_track *t)
{
	for (guint i = 0; i < t->steps->len; i++) {
		const prov_step *s = t->steps->pdata[i];
		if (s->result == PROV_OK && s->op &&
		    (strcmp(s->op, "CommitChanges") == 0 || strcmp(s->op, "AdminSetup") == 0 ||
		     strcmp(s->op, "Setup") == 0))
			return true;
	}
	return false;
}

const GPtrArray *prov_tracks(const analysis *an)
{
	if (!an->state)
		return NULL;
	for (size_t i = 0; amt_rules[i]; i++)
		if (amt_rules[i] == &rule_wsman)
			return an->state[i] ? ((const wsman_rule *)an->state[i])->tracks : NULL;
	return NULL;
}

const rule rule_wsman = {
	.name = "wsman",
	.init = init,
	.on_event = on_event,
	.on_end = on_end,
	.free = rule_free,
};
