/* Writing captured (hostile) strings safely: to a terminal, into HTML. */
#ifndef AMT_ESCAPE_H
#define AMT_ESCAPE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../decoder/run.h"

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is not one. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* Text for a terminal: control characters (C0, DEL, C1) and invalid UTF-8
 * become \xNN so that a hostname cannot move the cursor or change colours. */
void out_text(FILE *f, const char *s);
/* The same, padded with spaces to `width` columns (counting code points). */
void out_text_pad(FILE *f, const char *s, int width);
/* Columns out_text takes for s. */
int text_width(const char *s);

/* HTML text or attribute value: & < > " ' escaped, control characters and
 * invalid UTF-8 as \xNN. NULL prints nothing. */
void out_html(FILE *f, const char *s);

/* The path of input i, or "?". */
const char *report_input_path(const amt_run *run, unsigned input);

/* The tshark command that opens exactly the frames a finding cites in one
 * input (g_free it), or NULL when it cites none there or the input is not
 * one of the run's. */
struct finding_cites;
char *report_open_command(const amt_run *run, const struct finding_cites *c);

#endif
