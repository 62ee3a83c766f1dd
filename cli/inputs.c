/* Inputs checked at the start: see inputs_preflight in cli.h. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../dissectors/tls_keylog.h"
#include "../inputs/amthashes.h"
#include "../rules/certcheck.h"
#include "cli.h"

/* Readable regular file with something in it; false with one line. */
static bool readable(const char *option, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cli_error("%s %s: %s%s", option, path, strerror(errno),
			  errno == ENOENT ? " (check the path)" : "");
		return false;
	}
	struct stat st;
	bool ok = true;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("%s %s is a directory, not a file", option, path);
		ok = false;
	} else if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
		cli_error("%s %s is empty", option, path);
		ok = false;
	}
	fclose(f);
	return ok;
}

static bool keylog_ok(const char *path, uint64_t max_sessions)
{
	if (!readable("--keylog", path))
		return false;
	tls_keylog *k = tls_keylog_new(max_sessions);
	tls_keylog_load_file(k, path);
	bool ok = tls_keylog_sessions(k) > 0;
	if (!ok)
		cli_error("--keylog %s holds no TLS key line (NSS key log format: 'CLIENT_RANDOM <random hex> "
			  "<secret hex>', as SSLKEYLOGFILE writes it)%s%s", path,
			  tls_keylog_problem_count(k) ? ": " : "",
			  tls_keylog_problem_count(k) ? tls_keylog_problem(k, 0) : "");
	tls_keylog_free(k);
	return ok;
}

static bool ca_ok(const char *path)
{
	if (!readable("--ca-file", path))
		return false;
	char *err = NULL;
	certcheck *cc = certcheck_new(path, false, &err);  /* only the file is read here */
	if (!cc) {
		cli_error("--ca-file %s", err ? err : path);
		g_free(err);
		return false;
	}
	bool ok = certcheck_anchor_count(cc) > 0;
	if (!ok)
		cli_error("--ca-file %s holds no certificate (give PEM certificates of the trust anchors)", path);
	certcheck_free(cc);
	return ok;
}

static bool hashes_ok(const char *path)
{
	if (!readable("--amt-hashes", path))
		return false;
	char *err = NULL;
	amt_hashes *h = amt_hashes_new();
	bool ok = amt_hashes_load_list(h, path, &err);
	if (!ok)
		cli_error("--amt-hashes %s", err ? err : path);
	else if (!(ok = amt_hashes_count(h) > 0))
		cli_error("--amt-hashes %s holds no hash (one hex SHA-1 or SHA-256 per line)", path);
	g_free(err);
	amt_hashes_free(h);
	return ok;
}

bool inputs_preflight(const char *const *keylogs, unsigned nkeylogs, const char *ca_file,
		      const char *hashes_file, const char *const *logs, unsigned nlogs, uint64_t max_sessions)
{
	for (unsigned i = 0; i < nkeylogs; i++)
		if (!keylog_ok(keylogs[i], max_sessions))
			return false;
	if (ca_file && !ca_ok(ca_file))
		return false;
	if (hashes_file && !hashes_ok(hashes_file))
		return false;
	for (unsigned i = 0; i < nlogs; i++)
		if (strcmp(logs[i], "-") && !readable("-l", logs[i]))
			return false;
	return true;
}
