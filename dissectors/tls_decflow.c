/* \summary: key-log decryption state of one TLS flow, and its verdict */
#include "tls_decflow.h"

#include <glib.h>
#include <openssl/crypto.h>
#include <string.h>

#include "../decoder/events/tls_decrypt.h"
#include "tls_decrypt.h"
#include "tls_names.h"

enum { HS_FINISHED = 20, HS_KEY_UPDATE = 24 };

struct tls_dec {
	const tls_keylog *keylog;
	uint8_t client_sid[32];
	size_t client_sid_len;
	bool client_hello_seen;
	bool hello_seen;          /* a ServerHello (not a HelloRetryRequest) */
	bool decided;             /* EV_TLS_DECRYPT for the whole flow was emitted */
	bool tls13;
	uint16_t version, suite;
	tls_cipher cur[2];        /* keys in use per direction */
	tls_cipher next[2];       /* TLS 1.2: after ChangeCipherSpec; 1.3: after Finished */
	bool active[2], failed[2], prot[2];
	uint8_t *plain;           /* one record's plaintext */
};

void *tls_global_new(const amt_config *cfg)
{
	tls_global *g = g_new0(tls_global, 1);
	if (cfg->keylog_files && cfg->keylog_files[0]) {
		g->keylog = tls_keylog_new(cfg->limit[LIM_KEYLOG_ENTRIES]);
		for (char **f = cfg->keylog_files; *f; f++)
			tls_keylog_load_file(g->keylog, *f);
	}
	return g;
}

void tls_global_end(void *gp, dis_ctx *c)
{
	tls_global *g = gp;
	if (!g || !g->keylog)
		return;
	size_t n = tls_keylog_problem_count(g->keylog);
	for (size_t i = 0; i < n && i < KL_MAX_PROBLEMS; i++)
		dis_note(c, "tls", NOTE_MALFORMED, 0, "key log %s: line ignored", tls_keylog_problem(g->keylog, i));
	if (n > KL_MAX_PROBLEMS)
		dis_note(c, "tls", NOTE_MALFORMED, 0, "key log: %zu more unusable line(s) not listed",
			 n - KL_MAX_PROBLEMS);
	if (tls_keylog_limit_hit(g->keylog))
		dis_limit(c, "tls", LIM_KEYLOG_ENTRIES, 0);
}

void tls_global_free(void *gp)
{
	tls_global *g = gp;
	if (!g)
		return;
	tls_keylog_free(g->keylog);
	g_free(g);
}

tls_dec *tls_dec_new(const tls_global *g)
{
	if (!g || !g->keylog)
		return NULL;
	tls_dec *d = g_new0(tls_dec, 1);
	d->keylog = g->keylog;
	return d;
}

void tls_dec_free(tls_dec *d)
{
	if (!d)
		return;
	OPENSSL_cleanse(d->cur, sizeof(d->cur));
	OPENSSL_cleanse(d->next, sizeof(d->next));
	g_free(d->plain);
	g_free(d);
}

static void verdict(tls_dec *d, dis_ctx *c, size_t off, size_t len, tls_decrypt_status st,
		    tls_decrypt_reason why, const char *text)
{
	ev_tls_decrypt *v = arena_alloc(c->scratch, sizeof(*v));
	v->status = st;
	v->reason = why;
	v->reason_text = text ? arena_strdup(c->scratch, text) : NULL;
	v->version = d->version;
	v->suite = d->suite;
	v->from_client = c->dir == DIR_C2S;
	event *e = dis_event(c, EV_TLS_DECRYPT, "tls", off, len);
	e->data = v;
	static const char *const names[] = {"decrypted", "not_decrypted", "failed"};
	ev_str(e, "tls.decrypt.status", names[st]);
	ev_str(e, "tls.decrypt.reason", v->reason_text);
	if (d->hello_seen) {
		const char *vn = tls_version_name(d->version);
		ev_str(e, "tls.decrypt.version", vn ? vn : arena_printf(c->scratch, "0x%04x", d->version));
		ev_str(e, "tls.decrypt.ciphersuite", tls_suite_text(c->scratch, d->suite));
	}
	if (st == TLS_DECRYPT_FAILED)
		ev_str(e, "tls.decrypt.direction", v->from_client ? "client" : "server");
	if (st == TLS_DECRYPTED)
		ev_set_info(e, "Decrypted with the key log (%s)", tls_suite_text(c->scratch, d->suite));
	else if (st == TLS_NOT_DECRYPTED)
		ev_set_info(e, "Not decrypted: %s", text);
	else
		ev_set_info(e, "Decryption failed (%s): %s", v->from_client ? "client" : "server", text);
	dis_emit(c, e);
}

static void not_decrypted(tls_dec *d, dis_ctx *c, size_t off, size_t len, tls_decrypt_reason why,
			  const char *text)
{
	d->decided = true;
	verdict(d, c, off, len, TLS_NOT_DECRYPTED, why, text);
}

void tls_dec_client_hello(tls_dec *d, const uint8_t *session_id, size_t sid_len)
{
	if (!d)
		return;
	d->client_hello_seen = true;
	d->client_sid_len = session_id && sid_len <= sizeof(d->client_sid) ? sid_len : 0;
	if (d->client_sid_len)
		memcpy(d->client_sid, session_id, d->client_sid_len);
}

static bool tls13_keys(tls_dec *d, const tls_suite_info *su, const tls_session_keys *k)
{
	for (int i = 0; i < KL_SECRETS; i++)
		if (!k->secret_len[i])
			return false;
	return tls13_derive(su, k->secret[KL_CLIENT_HS], k->secret_len[KL_CLIENT_HS], &d->cur[DIR_C2S]) &&
	       tls13_derive(su, k->secret[KL_SERVER_HS], k->secret_len[KL_SERVER_HS], &d->cur[DIR_S2C]) &&
	       tls13_derive(su, k->secret[KL_CLIENT_APP], k->secret_len[KL_CLIENT_APP], &d->next[DIR_C2S]) &&
	       tls13_derive(su, k->secret[KL_SERVER_APP], k->secret_len[KL_SERVER_APP], &d->next[DIR_S2C]);
}

void tls_dec_server_hello(tls_dec *d, dis_ctx *c, size_t off, size_t len, uint16_t version, uint16_t suite,
			  const uint8_t *client_random, const uint8_t *server_random, const uint8_t *session_id,
			  size_t sid_len, bool etm)
{
	if (!d || d->hello_seen)
		return;  /* renegotiation is not followed */
	d->hello_seen = true;
	d->version = version;
	d->suite = suite;
	d->tls13 = version == 0x0304;
	if (d->tls13)
		d->prot[0] = d->prot[1] = true;
	if (!client_random) {
		not_decrypted(d, c, off, len, TLS_REASON_NO_HANDSHAKE,
			      "the ClientHello was not captured: its random selects the key");
		return;
	}
	if (tls_null_suite_mac_len(suite))
		return;  /* NULL cipher: the records are read as they are (tls.c), nothing to decrypt */
	const tls_suite_info *su = tls_suite_find(suite);
	if (!su || version < 0x0301 || version > 0x0304 || (d->tls13 != (suite >> 8 == 0x13))) {
		const char *vn = tls_version_name(version);
		char *t = g_strdup_printf("cipher suite %s (%s) is not one amtscope decrypts",
					  tls_suite_text(c->scratch, suite), vn ? vn : "this version");
		not_decrypted(d, c, off, len, TLS_REASON_UNSUPPORTED, t);
		g_free(t);
		return;
	}
	const tls_session_keys *k = tls_keylog_find(d->keylog, client_random);
	if (d->tls13) {
		if (!k || !tls13_keys(d, su, k)) {
			not_decrypted(d, c, off, len, TLS_REASON_NO_KEY,
				      k ? "the key log lacks some of this session's TLS 1.3 traffic secrets"
					: "no key log entry for this client random");
			return;
		}
		d->active[0] = d->active[1] = true;
		return;
	}
	if (!k || !k->has_master) {
		bool resumed = sid_len && sid_len == d->client_sid_len && memcmp(session_id, d->client_sid, sid_len) == 0;
		if (resumed)
			not_decrypted(d, c, off, len, TLS_REASON_RESUMED,
				      "session resumption whose master secret is not in the key log");
		else if (tls_suite_rsa_kx(suite))
			not_decrypted(d, c, off, len, TLS_REASON_RSA_NO_KEY,
				      "RSA key exchange and no key log entry for this client random");
		else
			not_decrypted(d, c, off, len, TLS_REASON_NO_KEY, "no key log entry for this client random");
		return;
	}
	if (!tls12_derive(su, version, etm, k->master, client_random, server_random, &d->next[DIR_C2S],
			  &d->next[DIR_S2C]))
		not_decrypted(d, c, off, len, TLS_REASON_UNSUPPORTED, "key derivation failed in the crypto library");
}

void tls_dec_ccs(tls_dec *d, uint8_t dir)
{
	if (!d || d->tls13 || dir > 1)
		return;
	d->prot[dir] = true;
	/* a ChangeCipherSpec without new keys (renegotiation) is not followed */
	d->active[dir] = d->next[dir].ready && !d->failed[dir];
	if (d->active[dir])
		d->cur[dir] = d->next[dir];
	OPENSSL_cleanse(&d->next[dir], sizeof(d->next[dir]));
}

void tls_dec_handshake_msg(tls_dec *d, uint8_t dir, uint8_t type, const uint8_t *body, size_t len)
{
	if (!d || !d->tls13 || dir > 1 || !d->active[dir])
		return;
	if (type == HS_FINISHED && d->next[dir].ready) {
		d->cur[dir] = d->next[dir];
		OPENSSL_cleanse(&d->next[dir], sizeof(d->next[dir]));
	} else if (type == HS_KEY_UPDATE && len == 1 && body && !d->next[dir].ready) {
		if (!tls13_key_update(&d->cur[dir]))
			d->active[dir] = false;
	}
}

bool tls_dec_protected(const tls_dec *d, uint8_t dir)
{
	return d && dir <= 1 && d->prot[dir];
}

const uint8_t *tls_dec_record(tls_dec *d, dis_ctx *c, uint8_t type, uint16_t rec_version, const uint8_t *body,
			      size_t blen, size_t off, size_t rec_len, size_t *plain_len, uint8_t *inner_type)
{
	uint8_t dir = c->dir;
	if (!d || dir > 1)
		return NULL;
	if (!d->hello_seen) {
		/* 0-RTT data comes before the ServerHello; only a flow without hellos is undecidable */
		if (!d->decided && !d->client_hello_seen)
			not_decrypted(d, c, off, rec_len, TLS_REASON_NO_HANDSHAKE,
				      "the handshake was not captured: no client random to select the key");
		return NULL;
	}
	if (!d->active[dir] || d->failed[dir])
		return NULL;
	if (!d->plain)
		d->plain = g_malloc(TLS_PLAIN_MAX);
	tls_dec_result r = tls_decrypt_record(&d->cur[dir], type, rec_version, body, blen, d->plain, plain_len,
					      inner_type);
	if (r != TLS_DEC_OK) {
		d->failed[dir] = true;
		d->active[dir] = false;
		d->decided = true;
		char *t = g_strdup_printf("record %llu: %s; the rest of this direction stays encrypted",
					  (unsigned long long)d->cur[dir].seq + 1, tls_dec_result_text(r));
		verdict(d, c, off, rec_len, TLS_DECRYPT_FAILED, TLS_REASON_BAD_RECORD, t);
		g_free(t);
		return NULL;
	}
	if (!d->decided) {
		d->decided = true;
		verdict(d, c, off, rec_len, TLS_DECRYPTED, TLS_REASON_NONE, NULL);
	}
	return d->plain;
}

void tls_dec_feed_inner(dis_ctx *c, size_t off, size_t rec_len, const uint8_t *p, size_t n)
{
	if (!n || !c->nmarks)
		return;
	size_t last = off + (rec_len ? rec_len - 1 : 0);
	size_t i = 0;
	while (i + 1 < c->nmarks && c->marks[i + 1].off <= last)
		i++;
	dis_ctx ic = *c;  /* the inner bytes are dated by the frame that completed the record */
	ic.marks = c->marks + i;
	ic.nmarks = 1;
	dis_inner_feed(&ic, p, n);
}
