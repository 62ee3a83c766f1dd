/* analyze and decode: the files they write (-o, --events, -w, --annotate),
 * opened together and committed by the caller. */
#include <glib.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>

#include "analyze.h"
#include "cli.h"
#include "outfile.h"

void dump_packet(void *user, uint16_t input, const struct pcap_pkthdr *h, const uint8_t *data)
{
	file_dump *fd = user;
	pcap_dump((u_char *)fd->d, h, data);
}

bool file_dump_start(file_dump *fd, amt_run *run, FILE *f, const char *path)
{
	int lt = -1;
	for (guint i = 0; i < run->inputs->len; i++) {
		amt_input *in = run->inputs->pdata[i];
		if (in->kind == INPUT_LOG)
			continue;
		if (lt >= 0 && in->linktype != lt) {
			cli_error("-w %s: the captures have different link types and a pcap file holds one; "
				  "write them with --annotate FILE.pcapng instead", path);
			return false;
		}
		lt = in->linktype;
	}
	fd->dead = pcap_open_dead_with_tstamp_precision(lt < 0 ? DLT_EN10MB : lt, 262144,
							 PCAP_TSTAMP_PRECISION_MICRO);
	fd->d = fd->dead ? pcap_dump_fopen(fd->dead, f) : NULL;
	if (!fd->d) {
		cli_error("cannot write -w %s: %s", path, fd->dead ? pcap_geterr(fd->dead) : "out of memory");
		return false;
	}
	return true;
}

void outputs_abort(outputs *w)
{
	outfile_abort(&w->of);
	outfile_abort(&w->ef);
	outfile_abort(&w->wf);
	outfile_abort(&w->af);
}

bool outputs_open(void *user, char **err)
{
	outputs *w = user;
	const opts *o = w->o;
	out_kind report = w->in_place ? OUT_REPORT_IN_PLACE : OUT_REPORT;
	memset(&w->of, 0, sizeof(w->of));
	memset(&w->ef, 0, sizeof(w->ef));
	memset(&w->wf, 0, sizeof(w->wf));
	memset(&w->af, 0, sizeof(w->af));
	w->of.fd = w->ef.fd = w->wf.fd = w->af.fd = -1;
	bool ok = outfile_open(&w->of, "-o", o->out, report) &&
		  (!o->events_out || outfile_open(&w->ef, "--events", o->events_out, report)) &&
		  (!o->live.write_file ||
		   outfile_open(&w->wf, "-w", o->live.write_file, o->live_mode ? OUT_STREAM : OUT_CAPTURE)) &&
		  (!o->annotate || outfile_open(&w->af, "--annotate", o->annotate, OUT_CAPTURE));
	if (!ok) {
		outputs_abort(w);
		return false;
	}
	/* analyze and decode write from this thread alone: stdio's per-call
	 * locking is pure cost when a report goes out a field at a time */
	__fsetlocking(w->of.f, FSETLOCKING_BYCALLER);
	if (w->ef.f)
		__fsetlocking(w->ef.f, FSETLOCKING_BYCALLER);
	w->ds->f = w->of.f;
	w->es->f = w->ef.f ? w->ef.f : w->of.f;
	w->ecs->f = w->of.f;
	((opts *)o)->live.write_fp = w->wf.f;
	w->opened = true;
	return true;
}
