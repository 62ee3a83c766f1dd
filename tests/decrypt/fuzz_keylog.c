/* libFuzzer: the NSS key log reader, line by line and as a file, with a
 * small session cap so that the cap and the problem list are reached. */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dissectors/tls_keylog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tls_keylog *k = tls_keylog_new(8);
	const char *p = (const char *)data;
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i == size || p[i] == '\n') {
			tls_keylog_add_line(k, p + start, i - start, "fuzz:1");
			start = i + 1;
		}
	}
	if (size >= 32)
		(void)tls_keylog_find(k, data);
	for (size_t i = 0; i < tls_keylog_problem_count(k) && i < KL_MAX_PROBLEMS; i++)
		if (!tls_keylog_problem(k, i))
			__builtin_trap();
	tls_keylog_free(k);

	/* the file reader: long lines, NUL bytes, no final newline */
	char path[] = "/tmp/amtscope-fuzz-keylog-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		k = tls_keylog_new(8);
		tls_keylog_load_file(k, path);
		tls_keylog_free(k);
	}
	close(fd);
	unlink(path);
	return 0;
}
