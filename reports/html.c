/* --format html: a self-contained report (filled in by the reports issue). */
#include "report.h"

void report_html(FILE *f, analysis *an, const report_opts *o)
{
	(void)an;
	fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>amtscope %s</title></head>"
		   "<body><p>HTML report not implemented yet.</p></body></html>\n", o->version);
}
