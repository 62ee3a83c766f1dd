/* Files the user names on the command line that are read whole (certificate
 * files, password files, rule and log-format files): their size is checked
 * before a byte is read, so a huge or endless one costs nothing. */
#ifndef AMT_SMALLFILE_H
#define AMT_SMALLFILE_H
#include <stdbool.h>
#include <stddef.h>

/* Caps, documented in docs/robustness.md. */
#define SMALLFILE_PASSWORD_MAX (4u << 10)   /* --password-file, --amt-password-file */
#define SMALLFILE_TEXT_MAX (1u << 20)       /* --rules, --log-format FILE, shipped formats */

/* Reads path whole into *data (NUL-terminated, g_free it; *len without the
 * NUL). Refuses a file over max bytes (by its size when it has one, else
 * after reading max + 1 bytes: a pipe or /dev/zero) with *err saying which
 * and the cap (g_free it). what names the file in messages ("--rules"). */
bool smallfile_read(const char *path, const char *what, size_t max, char **data, size_t *len, char **err);

#endif
