/* Safe outputs: see outfile.h. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* temporary files not yet renamed, for the signal handler (fixed slots: no
 * allocation in a handler) */
#define MAX_TEMPS 8
static char temp_paths[MAX_TEMPS][4096];
static volatile sig_atomic_t temp_used[MAX_TEMPS];

static void temp_register(const char *p)
{
	for (int i = 0; i < MAX_TEMPS; i++)
		if (!temp_used[i] && strlen(p) < sizeof(temp_paths[i])) {
			strcpy(temp_paths[i], p);
			temp_used[i] = 1;
			return;
		}
}

static void temp_forget(const char *p)
{
	for (int i = 0; i < MAX_TEMPS; i++)
		if (temp_used[i] && !strcmp(temp_paths[i], p))
			temp_used[i] = 0;
}

void outfile_abort_all_signal(void)
{
	for (int i = 0; i < MAX_TEMPS; i++)
		if (temp_used[i]) {
			unlink(temp_paths[i]);
			temp_used[i] = 0;
		}
}

/* Writes go through a cookie stream that keeps the first write error's
 * errno: stdio keeps only a flag, and by the time the output is closed errno
 * says something else (EIO from nowhere instead of "No space left"). */
typedef struct wstate {
	int fd;
	int err;
	bool own;  /* close the descriptor with the stream */
} wstate;

/* After the first error the rest is dropped and reported as written: the
 * output has failed already (the run ends with exit 2 and the error), and
 * glibc's stdio was seen crashing in fwrite on a cookie stream whose write
 * kept failing. */
static void (*error_hook)(void *);
static void *error_hook_user;

void outfile_on_error(void (*fn)(void *user), void *user)
{
	error_hook = fn;
	error_hook_user = user;
}

static ssize_t w_write(void *cookie, const char *buf, size_t n)
{
	wstate *w = cookie;
	size_t done = 0;
	while (done < n && !w->err) {
		ssize_t r = write(w->fd, buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			w->err = r < 0 ? errno : EIO;
			if (error_hook)  /* no point reading on: the run has failed */
				error_hook(error_hook_user);
		} else {
			done += (size_t)r;
		}
	}
	return (ssize_t)n;
}

static int w_close(void *cookie)
{
	wstate *w = cookie;
	if (w->own && close(w->fd) != 0 && !w->err)
		w->err = errno;
	return w->err ? -1 : 0;
}

static FILE *w_open(wstate *w, int fd, bool own)
{
	*w = (wstate){fd, 0, own};
	cookie_io_functions_t io = {NULL, w_write, NULL, w_close};
	FILE *f = fopencookie(w, "w", io);
	if (f)
		setvbuf(f, NULL, _IOFBF, 64 << 10);
	return f;
}

static wstate stdout_state;
static bool stdout_installed;

void cli_stdout_install(void)
{
	bool tty = isatty(STDOUT_FILENO);
	FILE *f = w_open(&stdout_state, STDOUT_FILENO, false);
	if (!f)
		return;
	if (tty)
		setvbuf(f, NULL, _IOLBF, 4096);
	stdout = f;
	stdout_installed = true;
}

static int stream_errno(FILE *f, wstate *w)
{
	if (w && w->err)
		return w->err;
	if (f == stdout && stdout_installed && stdout_state.err)
		return stdout_state.err;
	return errno ? errno : EIO;
}

static bool stdout_reported;  /* one line per failure, not one per layer */

static bool is_stdout_name(const char *path)
{
	return !path || !strcmp(path, "-");
}

static mode_t report_mode(void)
{
	mode_t m = umask(0);
	umask(m);
	return 0666 & ~m;
}

static bool open_direct(outfile *o, int flags)
{
	o->fd = open(o->path, O_WRONLY | O_CLOEXEC | flags, 0600);
	if (o->fd < 0)
		return false;
	o->ws = g_new0(struct wstate, 1);
	o->f = w_open(o->ws, o->fd, true);
	if (!o->f) {
		g_clear_pointer(&o->ws, g_free);
		close(o->fd);
		o->fd = -1;
		return false;
	}
	return true;
}

bool outfile_open(outfile *o, const char *option, const char *path, out_kind kind)
{
	memset(o, 0, sizeof(*o));
	o->path = path ? path : "-";
	o->option = option;
	o->fd = -1;
	if (is_stdout_name(path)) {
		o->f = stdout;
		return true;
	}
	struct stat st;
	/* a device, pipe or socket (/dev/stdout, /dev/null, a FIFO) is written as it is */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			cli_error("%s %s is a directory: give a file name", option, path);
			return false;
		}
		if (open_direct(o, 0))
			return true;
		goto fail;
	}
	if (kind == OUT_STREAM || kind == OUT_REPORT_IN_PLACE) {
		/* replace whatever is at the path (a link is removed, not followed) */
		if (unlink(path) != 0 && errno != ENOENT)
			goto fail;
		if (open_direct(o, O_CREAT | O_EXCL | O_NOFOLLOW)) {
			if (kind == OUT_REPORT_IN_PLACE)
				fchmod(o->fd, report_mode());
			return true;
		}
		goto fail;
	}
	char *dup = g_strdup(path);
	char *dir = dirname(dup);
	char *base = g_path_get_basename(path);
	o->tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
	g_free(dup);
	g_free(base);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		g_clear_pointer(&o->tmp, g_free);
		goto fail;
	}
	temp_register(o->tmp);
	if (kind == OUT_REPORT && fchmod(o->fd, report_mode()) != 0) {
		outfile_abort(o);
		goto fail;
	}
	o->ws = g_new0(struct wstate, 1);
	o->f = w_open(o->ws, o->fd, true);
	if (!o->f) {
		outfile_abort(o);
		goto fail;
	}
	return true;
fail:
	cli_error("cannot write %s %s: %s (choose a writable path)", option, path, strerror(errno));
	return false;
}

bool outfile_commit(outfile *o)
{
	if (!o->f)
		return !o->failed;
	int err = 0;
	errno = 0;
	if (o->f == stdout) {
		o->f = NULL;
		if (fflush(stdout) != 0 || ferror(stdout) || (stdout_installed && stdout_state.err))
			err = stream_errno(stdout, NULL);
	} else {
		if (fflush(o->f) != 0 || ferror(o->f) || (o->ws && o->ws->err))
			err = stream_errno(o->f, o->ws);
		if (!err && o->tmp && fsync(o->fd) != 0 && errno != EINVAL)
			err = errno;
		if (fclose(o->f) != 0 && !err)
			err = stream_errno(NULL, o->ws);
		o->f = NULL;
		o->fd = -1;
		if (!err && o->tmp && rename(o->tmp, o->path) != 0)
			err = errno;
	}
	g_clear_pointer(&o->ws, g_free);
	bool had_tmp = o->tmp != NULL;
	if (o->tmp) {
		if (err)
			unlink(o->tmp);
		temp_forget(o->tmp);
		g_clear_pointer(&o->tmp, g_free);
	}
	if (err) {
		o->failed = true;
		if (is_stdout_name(o->path)) {
			stdout_reported = true;
			cli_error("cannot write standard output: %s", strerror(err));
		} else {
			cli_error("cannot write %s %s: %s%s", o->option, o->path, strerror(err),
				  had_tmp ? "; an earlier file there is unchanged" : "");
		}
		return false;
	}
	return true;
}

void outfile_abort(outfile *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	else if (!o->f && o->fd >= 0)
		close(o->fd);
	o->f = NULL;
	o->fd = -1;
	g_clear_pointer(&o->ws, g_free);
	if (o->tmp) {
		unlink(o->tmp);
		temp_forget(o->tmp);
		g_clear_pointer(&o->tmp, g_free);
	}
}

/* ---- identity ---- */

typedef struct io_id {
	const char *option, *path;
	bool exists;
	dev_t dev;
	ino_t ino;
	dev_t dir_dev;  /* for an output not yet there: its folder and name */
	ino_t dir_ino;
	char *base;
} io_id;

void io_guard_init(io_guard *g)
{
	g->ins = g_array_new(FALSE, TRUE, sizeof(io_id));
	g->outs = g_array_new(FALSE, TRUE, sizeof(io_id));
}

void io_guard_free(io_guard *g)
{
	for (guint i = 0; i < g->outs->len; i++)
		g_free(g_array_index(g->outs, io_id, i).base);
	g_array_free(g->ins, TRUE);
	g_array_free(g->outs, TRUE);
}

void io_guard_input(io_guard *g, const char *option, const char *path)
{
	struct stat st;
	if (!path || !strcmp(path, "-") || stat(path, &st) != 0)
		return;
	io_id id = {option, path, true, st.st_dev, st.st_ino, 0, 0, NULL};
	g_array_append_val(g->ins, id);
}

void io_guard_output(io_guard *g, const char *option, const char *path)
{
	struct stat st;
	if (is_stdout_name(path))
		return;
	io_id id = {option, path, false, 0, 0, 0, 0, NULL};
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			return;  /* /dev/null, a terminal, a pipe: nothing to destroy */
		id.exists = true;
		id.dev = st.st_dev;
		id.ino = st.st_ino;
	} else {
		char *dup = g_strdup(path);
		if (stat(dirname(dup), &st) == 0) {
			id.dir_dev = st.st_dev;
			id.dir_ino = st.st_ino;
		}
		g_free(dup);
		id.base = g_path_get_basename(path);
	}
	g_array_append_val(g->outs, id);
}

static bool same(const io_id *a, const io_id *b)
{
	if (a->exists != b->exists)
		return false;
	if (a->exists)
		return a->dev == b->dev && a->ino == b->ino;
	return a->dir_dev == b->dir_dev && a->dir_ino == b->dir_ino && a->base && b->base &&
	       !strcmp(a->base, b->base);
}

bool io_guard_check(const io_guard *g)
{
	for (guint i = 0; i < g->outs->len; i++) {
		const io_id *o = &g_array_index(g->outs, io_id, i);
		for (guint j = 0; j < g->ins->len; j++) {
			const io_id *in = &g_array_index(g->ins, io_id, j);
			if (same(o, in)) {
				cli_error("%s %s is the input %s %s: refusing to overwrite an input "
					  "(write the output to another file)",
					  o->option, o->path, in->option, in->path);
				return false;
			}
		}
		for (guint j = 0; j < i; j++) {
			const io_id *p = &g_array_index(g->outs, io_id, j);
			if (same(o, p)) {
				cli_error("%s %s and %s %s are the same file: give each output its own file",
					  p->option, p->path, o->option, o->path);
				return false;
			}
		}
	}
	return true;
}

bool cli_stdout_ok(void)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout) || (stdout_installed && stdout_state.err)) {
		if (stdout_reported)
			return false;
		stdout_reported = true;
		cli_error("cannot write standard output: %s", strerror(stream_errno(stdout, NULL)));
		return false;
	}
	return true;
}
