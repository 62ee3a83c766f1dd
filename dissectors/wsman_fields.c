/* \summary: the generic fields (wsman.*) and info line of a WS-Man envelope */
#include <string.h>

#include "wsman.h"

static void add_kv_fields(event *e, const char *name, const wsman_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ev_str_ref(e, name, arena_cat(e->a, kv[i].name, "=", kv[i].value, ARENA_CAT_END));
}

/* Every string of w lives at least as long as the event that carries w as
 * its data, so fields refer to them instead of copying. */
void wsman_add_fields(event *e, const ev_wsman *w)
{
	ev_uint(e, "wsman.soap_version", w->soap_version);
	if (w->legacy)
		ev_bool(e, "wsman.legacy", true);
	ev_str_ref(e, "wsman.action", w->action);
	ev_str_ref(e, "wsman.operation", w->operation);
	ev_str_ref(e, "wsman.to", w->to);
	ev_str_ref(e, "wsman.resource_uri", w->resource_uri);
	ev_str_ref(e, "wsman.class", w->class_name);
	ev_str_ref(e, "wsman.method", w->method);
	ev_str_ref(e, "wsman.message_id", w->message_id);
	ev_str_ref(e, "wsman.relates_to", w->relates_to);
	ev_str_ref(e, "wsman.body", w->body_element);
	add_kv_fields(e, "wsman.selector", w->selectors, w->nselectors);
	add_kv_fields(e, "wsman.option", w->options, w->noptions);
	for (size_t i = 0; i < w->nprops && !ev_fields_full(e); i++) {
		const wsman_prop *p = &w->props[i];
		if (p->instance_id && strcmp(p->name, "InstanceID") == 0)
			continue;
		if (p->instance_id)
			ev_str_ref(e, "wsman.property", arena_cat(e->a, p->cls, "[", p->instance_id, "].", p->name, "=",
							       p->value, ARENA_CAT_END));
		else
			ev_str_ref(e, "wsman.property", arena_cat(e->a, p->cls, ".", p->name, "=", p->value, ARENA_CAT_END));
	}
	if (w->has_return) {
		ev_uint(e, "wsman.return_value", w->return_value);
		ev_str_ref(e, "wsman.return_name", w->return_name);
	}
	if (w->fault) {
		ev_str_ref(e, "wsman.fault.code", w->fault_code);
		ev_str_ref(e, "wsman.fault.subcode", w->fault_subcode);
		ev_str_ref(e, "wsman.fault.reason", w->fault_reason);
		if (w->fault_detail && *w->fault_detail)
			ev_str_ref(e, "wsman.fault.detail", w->fault_detail);
	}
	if (w->has_amt_status) {
		ev_uint(e, "wsman.amt_status", w->amt_status);
		ev_str_ref(e, "wsman.amt_status.name", w->amt_status_name);
	}
	if (w->incomplete)
		ev_bool(e, "wsman.incomplete", true);

	const char *what = w->method ? w->method : w->operation ? w->operation : w->body_element;
	if (w->fault)
		ev_set_info(e, "Fault %s%s%s%s%s%s", w->fault_subcode ? w->fault_subcode : w->fault_code ? w->fault_code : "",
			    w->fault_reason ? ": " : "", w->fault_reason ? w->fault_reason : "",
			    w->has_amt_status ? " (AMT-STATUS " : "",
			    w->has_amt_status ? (w->amt_status_name ? w->amt_status_name : "unknown") : "",
			    w->has_amt_status ? ")" : "");
	else if (w->has_return)
		ev_set_info(e, "%s %s ReturnValue=%u (%s)", what ? what : "?", w->class_name ? w->class_name : "",
			    w->return_value, w->return_name ? w->return_name : "unknown");
	else
		ev_set_info(e, "%s%s %s", w->legacy ? "SOAP " : "", what ? what : "?",
			    w->class_name ? w->class_name : "");
}
