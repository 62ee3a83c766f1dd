/* Outputs that never destroy an input and never lie about being written.
 *
 * A report goes to a temporary file in the target's folder and is renamed
 * into place only when every byte reached the disk, so a failed or
 * interrupted run leaves an earlier report as it was; an existing file or
 * symbolic link at the path is replaced, never written through. Standard
 * output, "-", /dev/null and other non-regular files are written directly.
 * Before anything is opened for writing, every output is compared with every
 * input (and with the other outputs) by device and inode, links followed. */
#ifndef AMT_OUTFILE_H
#define AMT_OUTFILE_H
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>

typedef enum out_kind {
	OUT_REPORT,   /* temp + rename; the umask's mode */
	OUT_CAPTURE,  /* temp + rename; 0600, it holds captured payloads */
	OUT_REPORT_IN_PLACE,  /* live as root: replaced at the start (privileges are dropped
				 before the end, and may not allow a rename in the folder) */
	OUT_STREAM,   /* live -w: the path is replaced (unlink, then created 0600), so packets
			 written before a kill are kept */
} out_kind;

typedef struct outfile {
	const char *path;  /* as the user gave it */
	const char *option;
	FILE *f;
	int fd;            /* -1 when f is stdout */
	char *tmp;         /* temporary file to rename, or NULL when written directly */
	struct wstate *ws; /* the first write error */
	bool failed;
} outfile;

/* Opens for writing; "-" or NULL is standard output. false with one line on
 * stderr. */
bool outfile_open(outfile *o, const char *option, const char *path, out_kind kind);
/* Flushes, syncs and closes, renames into place. false (one line on stderr,
 * the temporary file removed, the earlier file untouched) when any write
 * failed. Standard output is flushed and checked, not closed. */
bool outfile_commit(outfile *o);
/* Drops what was written (fatal input error): the earlier file stays. */
void outfile_abort(outfile *o);
/* fn(user) is called at the first failed write of any output (to stop
 * reading a capture whose results can no longer be written). */
void outfile_on_error(void (*fn)(void *user), void *user);
/* Called from a signal handler: removes the temporary files not yet renamed. */
void outfile_abort_all_signal(void);

/* The identity check. Inputs that do not exist are skipped: opening them
 * fails with its own message. */
typedef struct io_guard {
	GArray *ins, *outs;
} io_guard;
void io_guard_init(io_guard *g);
void io_guard_free(io_guard *g);
void io_guard_input(io_guard *g, const char *option, const char *path);
void io_guard_output(io_guard *g, const char *option, const char *path);
/* false with one line on stderr when an output is an input or another output. */
bool io_guard_check(const io_guard *g);

/* Checks stdout at the end of a subcommand (every write reaches it or the
 * run fails): false with one line on stderr. */
bool cli_stdout_ok(void);
/* Standard output through the same error-keeping stream (called first in main). */
void cli_stdout_install(void);

#endif
