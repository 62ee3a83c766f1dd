/* libFuzzer: TLS record decryption.
 * Mode 0 (first byte even): the TLS dissector with a key log holding the
 * sessions of the test captures, fed chunks [dir][len16][bytes] interleaved
 * like the engine would (seeds: make_corpus.py from the captures), so that
 * mutations reach real decryption, tag failures, TLS 1.3 handshake messages.
 * Mode 1 (odd): tls_decrypt_record on arbitrary records with keys derived for
 * a suite, version and encrypt-then-MAC chosen by the next bytes. */
#include <glib.h>
#include <string.h>

#include "decoder/dissector.h"
#include "dissectors/tls_decflow.h"
#include "dissectors/tls_decrypt.h"
#include "fuzz_keys.h"

extern const dissector dissector_tls;

static tls_global *global_keys(void)
{
	static tls_global *g;
	if (!g) {
		g = g_new0(tls_global, 1);
		g->keylog = tls_keylog_new(1000);
		for (size_t i = 0; i < G_N_ELEMENTS(fuzz_keylog_lines); i++)
			tls_keylog_add_line(g->keylog, fuzz_keylog_lines[i], strlen(fuzz_keylog_lines[i]), "fuzz");
	}
	return g;
}

static void run_dissector(const uint8_t *data, size_t size)
{
	dis_test t;
	dis_test_init(&t, 6, "10.0.0.9", 40000, "10.0.0.5", 16993);
	t.ctx.global = global_keys();
	void *st = dissector_tls.state_new(&t.ctx);
	GByteArray *buf[2] = {g_byte_array_new(), g_byte_array_new()};
	bool dead[2] = {false, false};
	size_t pos = 0;
	while (pos + 3 <= size) {
		uint8_t dir = data[pos] & 1;
		size_t n = (size_t)data[pos + 1] << 8 | data[pos + 2];
		pos += 3;
		if (n > size - pos)
			n = size - pos;
		g_byte_array_append(buf[dir], data + pos, (guint)n);
		pos += n;
		if (dead[dir])
			continue;
		t.ctx.dir = dir;
		dis_result r = dissector_tls.parse(st, &t.ctx, buf[dir]->data, buf[dir]->len);
		if (r.status == DIS_ERROR) {
			dead[dir] = true;
			continue;
		}
		size_t used = r.status == DIS_OK ? buf[dir]->len : r.consumed;
		g_byte_array_remove_range(buf[dir], 0, (guint)(used > buf[dir]->len ? buf[dir]->len : used));
	}
	for (uint8_t d = 0; d < 2; d++) {
		if (dead[d] || !buf[d]->len)
			continue;
		t.ctx.dir = d;
		t.ctx.at_eof = true;
		dissector_tls.parse(st, &t.ctx, buf[d]->data, buf[d]->len);
	}
	g_byte_array_free(buf[0], TRUE);
	g_byte_array_free(buf[1], TRUE);
	dissector_tls.state_free(st);
	dis_test_free(&t);
}

static const uint16_t fuzz_suites[] = {0xc02f, 0xc030, 0xc09c, 0xcca8, 0xc013, 0x003c, 0xc028, 0x002f,
				       0x1301, 0x1302, 0x1303, 0x1304};

static void run_records(const uint8_t *data, size_t size)
{
	if (size < 2)
		return;
	const tls_suite_info *su = tls_suite_find(fuzz_suites[data[0] % G_N_ELEMENTS(fuzz_suites)]);
	uint16_t version = (uint16_t)(0x0301 + (data[1] & 3));
	bool etm = data[1] & 4;
	data += 2;
	size -= 2;
	uint8_t master[48], cr[32], sr[32], out[TLS_PLAIN_MAX];
	memset(master, 7, sizeof(master));
	memset(cr, 1, sizeof(cr));
	memset(sr, 2, sizeof(sr));
	tls_cipher c, other;
	bool ok = su->id >> 8 == 0x13 ? tls13_derive(su, master, strcmp(su->prf, "SHA384") == 0 ? 48 : 32, &c)
				      : tls12_derive(su, version > 0x0303 ? 0x0303 : version, etm, master, cr, sr, &c,
						     &other);
	if (!ok)
		return;
	size_t pos = 0;
	while (pos + 3 <= size) {
		uint8_t type = data[pos];
		size_t n = (size_t)data[pos + 1] << 8 | data[pos + 2];
		pos += 3;
		if (n > size - pos)
			n = size - pos;
		size_t got = 0;
		uint8_t inner = 0;
		if (tls_decrypt_record(&c, type, 0x0303, data + pos, n, out, &got, &inner) == TLS_DEC_OK &&
		    got > TLS_PLAIN_MAX)
			__builtin_trap();
		pos += n;
	}
	if (su->id >> 8 == 0x13)
		tls13_key_update(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		run_records(data + 1, size - 1);
	else
		run_dissector(data + 1, size - 1);
	return 0;
}
