#include "smallfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *too_big(const char *path, const char *what, size_t max)
{
	if (max >= (1u << 20))
		return g_strdup_printf("%s %s: larger than %zu MiB, not a file of that kind", what, path, max >> 20);
	return g_strdup_printf("%s %s: larger than %zu KiB, not a file of that kind", what, path, max >> 10);
}

bool smallfile_read(const char *path, const char *what, size_t max, char **data, size_t *len, char **err)
{
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = g_strdup_printf("cannot read %s %s: %s", what, path, g_strerror(errno));
		return false;
	}
	struct stat st;
	if (fstat(fd, &st) != 0)
		memset(&st, 0, sizeof(st));
	if (S_ISDIR(st.st_mode)) {
		*err = g_strdup_printf("cannot read %s %s: it is a directory", what, path);
		close(fd);
		return false;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		*err = too_big(path, what, max);
		close(fd);
		return false;
	}
	/* a size of 0 may be a pipe or a /proc file: read up to max + 1 */
	size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
	char *buf = g_malloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				*err = too_big(path, what, max);
				break;
			}
			cap = MIN(cap * 2, max + 1);
			buf = g_realloc(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = g_strdup_printf("cannot read %s %s: %s", what, path, g_strerror(errno));
			break;
		}
		if (r == 0) {
			close(fd);
			buf[n] = 0;
			*data = buf;
			*len = n;
			return true;
		}
		n += (size_t)r;
	}
	close(fd);
	g_free(buf);
	return false;
}
