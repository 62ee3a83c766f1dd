/* --format ecs: events and findings as Elastic Common Schema documents, one
 * JSON object a line, nested as Elasticsearch stores them, for Filebeat,
 * Elastic Agent, Logstash and OpenSearch without a converter. ECS fields
 * where ECS has them; amtscope's own under `amtscope.*` (the decoded fields
 * keep their dotted names there: amtscope.dns.qry.name). docs/events.md. */
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "report.h"
#include "stream.h"

#define ECS_VERSION "8.11.0"

/* One member of the document, by its dotted path. */
typedef enum { V_STR, V_UINT, V_TIME, V_FIELD, V_STRS, V_EVIDENCE } vkind;
typedef struct member {
	const char *path;
	vkind kind;
	const char *s;
	uint64_t u;
	int64_t t;
	const ev_field *fl;
	const char *const *strs;  /* V_STRS: NULL-terminated */
	const finding *x;         /* V_EVIDENCE */
	unsigned order;
} member;

typedef struct doc {
	GArray *m;   /* member */
	GPtrArray *owned;
	const amt_run *run;
} doc;

static void add(doc *d, member m)
{
	m.order = d->m->len;
	g_array_append_val(d->m, m);
}

static void add_str(doc *d, const char *path, const char *s)
{
	if (s)
		add(d, (member){.path = path, .kind = V_STR, .s = s});
}

static void add_uint(doc *d, const char *path, uint64_t u)
{
	add(d, (member){.path = path, .kind = V_UINT, .u = u});
}

static void add_time(doc *d, const char *path, int64_t t)
{
	if (t)
		add(d, (member){.path = path, .kind = V_TIME, .t = t});
}

/* A time that may be the epoch itself (a packet stamped 0). */
static void add_time_any(doc *d, const char *path, int64_t t)
{
	add(d, (member){.path = path, .kind = V_TIME, .t = t});
}

/* The date of a record that has no time of its own (a note about a whole
 * input, a finding whose evidence has no time, a line of a log that writes
 * no times): the earliest time of the run's inputs, else when the run began
 * (as ECS says a pipeline does for a source without times), so that every
 * document has the @timestamp ECS requires. */
static int64_t undated(const amt_run *run)
{
	int64_t t, last;
	run_span(run, &t, &last);
	return t ? t : run->cfg.run_started_us;
}

static void add_strs(doc *d, const char *path, const char *const *strs)
{
	add(d, (member){.path = path, .kind = V_STRS, .strs = strs});
}

static const char *own(doc *d, char *s)
{
	g_ptr_array_add(d->owned, s);
	return s;
}

static int cmp_member(const void *a, const void *b)
{
	const member *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x->order < y->order ? -1 : x->order > y->order);
}

static void value(jsonw *w, const doc *d, const member *m)
{
	char buf[64];
	switch (m->kind) {
	case V_STR: jw_str(w, m->s); break;
	case V_UINT: jw_uint(w, m->u); break;
	case V_TIME: jw_time(w, m->t); break;
	case V_STRS:
		jw_arr(w);
		for (const char *const *p = m->strs; *p; p++)
			jw_str(w, *p);
		jw_arr_end(w);
		break;
	case V_FIELD:
		switch (m->fl->type) {
		case FT_UINT: jw_uint(w, m->fl->v.u); break;
		case FT_INT: jw_int(w, m->fl->v.i); break;
		case FT_BOOL: jw_bool(w, m->fl->v.b); break;
		default: jw_str(w, field_text(m->fl, buf, sizeof(buf))); break;
		}
		break;
	case V_EVIDENCE:
		jw_evidence(w, d->run, m->x, "path");
		break;
	}
}

/* Members [lo, hi) share the path prefix up to off: one object level. A
 * path seen more than once (a field a message repeats) becomes an array. */
static void emit(jsonw *w, const doc *d, const member *m, guint lo, guint hi, size_t off)
{
	guint i = lo;
	while (i < hi) {
		const char *name = m[i].path + off;
		const char *dot = strchr(name, '.');
		size_t len = dot ? (size_t)(dot - name) : strlen(name);
		char *key = g_strndup(name, len);
		jw_key(w, key);
		g_free(key);
		guint j = i + 1;
		if (dot) {
			while (j < hi && !strncmp(m[j].path + off, name, len + 1))
				j++;
			jw_obj(w);
			emit(w, d, m, i, j, off + len + 1);
			jw_obj_end(w);
		} else {
			while (j < hi && !strcmp(m[j].path + off, name))
				j++;
			if (j - i == 1) {
				value(w, d, &m[i]);
			} else {
				jw_arr(w);
				for (guint k = i; k < j; k++)
					value(w, d, &m[k]);
				jw_arr_end(w);
			}
		}
		i = j;
	}
}

static void doc_init(doc *d, const amt_run *run)
{
	d->m = g_array_new(FALSE, FALSE, sizeof(member));
	d->owned = g_ptr_array_new_with_free_func(g_free);
	d->run = run;
}

static void doc_write(doc *d, FILE *f)
{
	qsort(d->m->data, d->m->len, sizeof(member), cmp_member);
	jsonw w;
	jw_init(&w, f, false);
	jw_obj(&w);
	emit(&w, d, (const member *)d->m->data, 0, d->m->len, 0);
	jw_obj_end(&w);
	jw_end(&w);
	g_array_free(d->m, TRUE);
	g_ptr_array_free(d->owned, TRUE);
}

static void common(doc *d, const char *version)
{
	const amt_config *c = &d->run->cfg;
	add_str(d, "ecs.version", ECS_VERSION);
	add_str(d, "event.module", "amtscope");
	add_str(d, "observer.name", c->sensor);
	add_str(d, "observer.type", "sensor");
	add_str(d, "observer.product", "amtscope");
	add_str(d, "observer.vendor", "amtscope");
	add_str(d, "observer.version", version);
	add_str(d, "amtscope.run_id", c->run_id);
	add_time(d, "event.created", c->run_started_us);
}

static const char *const CAT_NETWORK[] = {"network", NULL};
static const char *const CAT_CONFIGURATION[] = {"configuration", NULL};
static const char *const TYPE_START[] = {"connection", "start", NULL};
static const char *const TYPE_END[] = {"connection", "end", NULL};
static const char *const TYPE_PROTOCOL[] = {"protocol", NULL};
static const char *const TYPE_INFO[] = {"info", NULL};

void ecs_event(FILE *f, const amt_run *run, const event *e, const char *version)
{
	ev_describe(e);
	doc d;
	doc_init(&d, run);
	char a[AMT_ADDRSTRLEN];
	common(&d, version);
	if (e->ts || e->frame_first)
		add_time_any(&d, "@timestamp", e->ts);
	else
		add_time(&d, "@timestamp", undated(run));
	add_str(&d, "event.kind", "event");
	add_str(&d, "event.dataset", "amtscope.events");
	add_str(&d, "event.action", ev_kind_name(e->kind));
	/* a log line, or a note about a log, is about the setup service's work */
	bool from_log = e->line || (e->input < run->inputs->len &&
				    ((const amt_input *)run->inputs->pdata[e->input])->kind == INPUT_LOG);
	add_strs(&d, "event.category", from_log ? CAT_CONFIGURATION : CAT_NETWORK);
	add_strs(&d, "event.type", e->kind == EV_FLOW_OPEN    ? TYPE_START
				   : e->kind == EV_FLOW_CLOSE ? TYPE_END
				   : e->kind == EV_NOTE || e->kind == EV_LOG_RECORD ? TYPE_INFO
									    : TYPE_PROTOCOL);
	add_str(&d, "message", e->info);
	add_str(&d, "amtscope.event_type", ev_kind_name(e->kind));
	if (e->input < run->inputs->len)
		add_str(&d, "amtscope.input.path", ((const amt_input *)run->inputs->pdata[e->input])->path);
	if (e->frame_first) {
		add_uint(&d, "amtscope.input.frame", e->frame_last);
		if (e->frame_first != e->frame_last)
			add_uint(&d, "amtscope.input.frame_first", e->frame_first);
	}
	if (e->line)
		add_uint(&d, "amtscope.input.line", e->line);
	if (e->flow) {
		const flow_info *fl = e->flow;
		add_str(&d, "source.ip", own(&d, g_strdup(amt_addr_str(ev_src(e), a))));
		add_uint(&d, "source.port", ev_sport(e));
		add_str(&d, "destination.ip", own(&d, g_strdup(amt_addr_str(ev_dst(e), a))));
		add_uint(&d, "destination.port", ev_dport(e));
		add_str(&d, "network.transport", fl->ipproto == 6 ? "tcp" : fl->ipproto == 17 ? "udp" : NULL);
		add_str(&d, "network.type", ev_src(e)->family == 6 ? "ipv6" : "ipv4");
		if (e->proto && strcmp(e->proto, "tcp"))
			add_str(&d, "network.protocol", e->proto);
		if (fl->community_id[0])
			add_str(&d, "network.community_id", fl->community_id);
		add_uint(&d, "amtscope.flow_id", fl->id);
		add_str(&d, "amtscope.direction", e->dir == DIR_C2S ? "to_server" : "to_client");
	}
	for (uint32_t i = 0; i < e->nfields; i++) {
		const char *name = e->fields[i].name;
		/* as in the JSON lines: a name without a dot gets its protocol's */
		char *path = strchr(name, '.') ? g_strdup_printf("amtscope.%s", name)
					       : g_strdup_printf("amtscope.%s.%s", e->proto ? e->proto : "field", name);
		add(&d, (member){.path = own(&d, path), .kind = V_FIELD, .fl = &e->fields[i]});
	}
	doc_write(&d, f);
}

/* ECS event.severity: the numbers Elastic's own modules use for high,
 * medium and low. */
static uint64_t ecs_severity(severity s)
{
	return s == SEV_ERROR ? 73 : s == SEV_WARNING ? 47 : 21;
}

void ecs_findings(FILE *f, analysis *an, const char *version)
{
	GPtrArray *fs = findings_sorted(&an->fnd);
	for (guint i = 0; i < fs->len; i++) {
		const finding *x = fs->pdata[i];
		doc d;
		doc_init(&d, an->run);
		common(&d, version);
		add_time(&d, "@timestamp", x->first_seen ? x->first_seen : undated(an->run));
		add_time(&d, "event.start", x->first_seen);
		add_time(&d, "event.end", x->last_seen);
		add_str(&d, "event.kind", "alert");
		add_str(&d, "event.dataset", "amtscope.findings");
		add_strs(&d, "event.category", CAT_NETWORK);
		add_strs(&d, "event.type", TYPE_INFO);
		add_uint(&d, "event.severity", ecs_severity(x->sev));
		add_str(&d, "log.level", severity_name(x->sev));
		add_str(&d, "message", x->summary);
		add_str(&d, "rule.id", x->rule);
		add_str(&d, "rule.name", x->rule);
		add_str(&d, "rule.ruleset", "amtscope");
		add_str(&d, "amtscope.event_type", "finding");
		add_str(&d, "amtscope.finding.severity", severity_name(x->sev));
		add_str(&d, "amtscope.finding.device", x->device);
		add_str(&d, "amtscope.finding.remedy", x->remedy);
		add(&d, (member){.path = "amtscope.finding.evidence", .kind = V_EVIDENCE, .x = x});
		if (x->device) {
			amt_addr ip;
			bool is_ip = amt_addr_parse(x->device, &ip);
			const char **one = g_new0(const char *, 2);
			one[0] = x->device;
			own(&d, (char *)one);
			add_strs(&d, is_ip ? "related.ip" : "related.hosts", one);
		}
		doc_write(&d, f);
	}
	g_ptr_array_free(fs, TRUE);
}
