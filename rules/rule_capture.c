/* What the capture itself can show (capture.*): frames cut by the snaplen,
 * one direction only, nothing of AMT at all. Runs first, so the rules whose
 * verdicts need bytes or a direction the capture lacks can ask
 * (analysis_one_direction, analysis_input_cut) before they conclude. */
#include <string.h>

#include "../decoder/amt_ports.h"
#include "../decoder/events/flow.h"
#include "rule.h"

typedef struct capture_rule {
	bool amt_seen;      /* anything of AMT or its provisioning: AMT ports, hello, WS-Man, RMCP, DHCP, DNS, logs */
	evidence one_way;   /* a connection seen one way only */
} capture_rule;

static void *init(analysis *an)
{
	(void)an;
	return g_new0(capture_rule, 1);
}

static bool amt_port(uint16_t p)
{
	return (p >= AMT_PORT_HTTP && p <= AMT_PORT_REDIR_TLS) || p == AMT_PORT_RMCP || p == AMT_PORT_RMCP_SECURE ||
	       p == AMT_PORT_HELLO || p == AMT_PORT_VNC;
}

static bool amt_related(const event *e)
{
	switch (e->kind) {
	case EV_HELLO: case EV_WSMAN_REQUEST: case EV_WSMAN_RESPONSE: case EV_REDIR_MESSAGE:
	case EV_REDIR_SESSION: case EV_RFB_MESSAGE: case EV_RMCP_PING: case EV_RMCP_PONG:
	case EV_LOG_RECORD: case EV_DHCP_MESSAGE: case EV_DHCP_LEASE: case EV_DNS_QUERY:
	case EV_DNS_ANSWER: case EV_DNS_FAILURE:
		return true;
	default:
		return e->flow && (amt_port(e->flow->sport) || amt_port(e->flow->cport));
	}
}

static void on_event(void *st, analysis *an, const event *e)
{
	capture_rule *r = st;
	if (!r->amt_seen && amt_related(e))
		r->amt_seen = true;
	if (e->kind == EV_FLOW_CLOSE && e->data && e->flow && e->flow->ipproto == 6) {
		const ev_flow *f = e->data;
		/* data one way with nothing back cannot happen on the wire (no
		 * handshake, no ACK): the other direction was not captured. SYNs
		 * alone are unanswered attempts, not a one-sided capture. */
		if (f->packets[0] && f->packets[1])
			an->tcp_two_way++;
		else if ((f->packets[0] && f->bytes[0]) || (f->packets[1] && f->bytes[1])) {
			if (!an->tcp_one_way++)
				r->one_way = ev_evidence(e);
		}
	}
}

static void truncated_inputs(analysis *an)
{
	for (guint i = 0; i < an->run->inputs->len; i++) {
		const amt_input *in = an->run->inputs->pdata[i];
		if (in->kind == INPUT_LOG || !in->cut_frames)
			continue;
		bool is_new;
		finding *x = finding_add(&an->fnd, "capture.truncated", SEV_WARNING, NULL, in->path, &is_new);
		if (!is_new)
			continue;
		finding_summary(x, "%llu of %llu frames of %s were cut by the capture's snapshot length (%u bytes): "
				"what lies past it (AMT hellos, TLS certificates, HTTP and WS-Man bodies, DNS "
				"answers, redirection data) could not be read, so checks on it are blind and no "
				"verdict rests on what was cut.",
				(unsigned long long)in->cut_frames, (unsigned long long)in->packets, in->path,
				in->snaplen);
		finding_remedy(x, "Capture again with the whole frame: tcpdump -s 0 (the default of current "
			       "tcpdump), or Wireshark's default snapshot length.");
		finding_frame(x, (uint16_t)i, in->first_cut_frame);
	}
}

static void on_end(void *st, analysis *an)
{
	capture_rule *r = st;
	truncated_inputs(an);
	if (analysis_one_direction(an)) {
		finding *x = finding_add(&an->fnd, "capture.one_direction", SEV_INFO, NULL, "one_direction", NULL);
		finding_summary(x, "Every TCP connection in the capture shows packets one way only (%llu "
				"connection%s): the capture holds one direction of the traffic, so no verdict that "
				"needs the answers (refused logins, unanswered connections or hellos) was drawn.",
				(unsigned long long)an->tcp_one_way, an->tcp_one_way == 1 ? "" : "s");
		finding_remedy(x, "Capture where both directions pass (both SPAN directions, or on the host "
			       "itself), or add the other direction's capture with a second -r.");
		finding_evidence(x, r->one_way);
	}
	bool packets = false;
	for (guint i = 0; i < an->run->inputs->len; i++) {
		const amt_input *in = an->run->inputs->pdata[i];
		packets |= in->kind != INPUT_LOG && in->packets > 0;
	}
	if (packets && !r->amt_seen) {
		finding *x = finding_add(&an->fnd, "capture.no_amt_traffic", SEV_INFO, NULL, "no_amt", NULL);
		x->first = true;  /* said first: every other verdict here is about something else */
		finding_summary(x, "Nothing in this capture concerns AMT: no AMT port (16992-16995, 623, 664, "
				"5900, 9971), no hello, WS-Man, RMCP, DHCP or DNS. An empty findings list here "
				"says nothing about AMT.");
		finding_remedy(x, "Capture where the AMT device's or the setup service's traffic passes (a "
				  "mirror port of the device, or on the setup service's host), while provisioning "
				  "or management runs.");
		for (guint i = 0; i < an->run->inputs->len; i++) {  /* where it looked: each capture's start */
			const amt_input *in = an->run->inputs->pdata[i];
			if (in->kind != INPUT_LOG && in->packets)
				finding_frame_at(x, (uint16_t)i, 1, in->first_ts);
		}
	}
}

static void rule_free(void *st)
{
	g_free(st);
}

const rule rule_capture = {
	.name = "capture",
	.init = init,
	.on_event = on_event,
	.on_end = on_end,
	.free = rule_free,
};
