/* \summary: TLS handshake messages: hellos, certificates, certificate requests */
/* specification: RFC 5246 (TLS 1.2) 7.4, RFC 8446 (TLS 1.3) 4, RFC 5246 appendix E.2 */
#include <string.h>

#include "tls_int.h"
#include "tls_names.h"
#include "x509.h"

static uint32_t frame_at(const dis_ctx *c, size_t off)
{
	uint32_t f = c->nmarks ? c->marks[0].frame : 0;
	for (size_t i = 1; i < c->nmarks && c->marks[i].off <= off; i++)
		f = c->marks[i].frame;
	return f;
}

/* An event for a handshake message that ended in the record at [off, off+len)
 * and began in frame `first`. */
static event *hs_event(dis_ctx *c, ev_kind k, size_t off, size_t len, uint32_t first)
{
	event *e = dis_event(c, k, "tls", off, len);
	if (first && first < e->frame_first)
		e->frame_first = first;
	return e;
}

/* Payloads live in the scratch arena with their event, not in our buffers. */
static const uint8_t *arena_copy(arena *a, const uint8_t *p, size_t n)
{
	if (!p)
		return NULL;
	uint8_t *q = arena_alloc(a, n + 1);
	memcpy(q, p, n);
	return q;
}

static char *ver_text(arena *a, uint16_t v)
{
	const char *n = tls_version_name(v);
	return n ? arena_strdup(a, n) : arena_printf(a, "0x%04x", v);
}

/* ---- ClientHello / ServerHello extensions ---- */

static void client_ext(dis_ctx *c, ev_tls_client_hello *h, uint16_t type, wire *x, const char ***alpn,
		       uint16_t **vers)
{
	if (type == 0) {  /* server_name */
		wire list = wire_sub(x, wire_u16be(x));
		while (wire_left(&list) >= 3) {
			uint8_t nt = wire_u8(&list);
			uint16_t nl = wire_u16be(&list);
			const uint8_t *name = wire_bytes(&list, nl);
			if (name && nt == 0 && !h->sni) {
				char *sni = arena_printable(c->scratch, name, nl);
				for (char *q = sni; *q; q++)
					*q = g_ascii_tolower(*q);
				h->sni = sni;
			}
		}
	} else if (type == 16) {  /* application_layer_protocol_negotiation */
		wire list = wire_sub(x, wire_u16be(x));
		while (wire_left(&list) >= 1 && h->nalpn < TLS_MAX_LIST) {
			uint8_t l = wire_u8(&list);
			const uint8_t *p = wire_bytes(&list, l);
			if (!p)
				break;
			if (!*alpn)
				*alpn = arena_alloc(c->scratch, TLS_MAX_LIST * sizeof(char *));
			(*alpn)[h->nalpn++] = arena_printable(c->scratch, p, l);
		}
	} else if (type == 43) {  /* supported_versions */
		wire list = wire_sub(x, wire_u8(x));
		while (wire_left(&list) >= 2 && h->nversions < TLS_MAX_LIST) {
			if (!*vers)
				*vers = arena_alloc(c->scratch, TLS_MAX_LIST * sizeof(uint16_t));
			uint16_t v = wire_u16be(&list);
			(*vers)[h->nversions++] = v;
			if ((v & 0x0f0f) != 0x0a0a && v > h->max_version)  /* GREASE values aside */
				h->max_version = v;
		}
	}
}

static void client_hello(tls_state *s, dis_ctx *c, wire *w, size_t off, size_t len, uint32_t first)
{
	ev_tls_client_hello *h = arena_alloc(c->scratch, sizeof(*h));
	h->legacy_version = wire_u16be(w);
	h->random = arena_copy(c->scratch, wire_bytes(w, 32), 32);
	uint8_t sid_len = wire_u8(w);
	tls_dec_client_hello(s->dec, wire_bytes(w, sid_len), sid_len);  /* decrypt hook */
	wire suites = wire_sub(w, wire_u16be(w));
	wire_skip(w, wire_u8(w));  /* compression methods */
	if (w->err) {
		dis_note(c, "tls", NOTE_MALFORMED, off, "ClientHello shorter than its fixed fields");
		return;
	}
	uint16_t *sv = arena_alloc(c->scratch, (wire_left(&suites) / 2 + 1) * sizeof(uint16_t));
	while (wire_left(&suites) >= 2)
		sv[h->nsuites++] = wire_u16be(&suites);
	h->suites = sv;
	h->max_version = h->legacy_version;
	const char **alpn = NULL;
	uint16_t *vers = NULL;
	bool bad_ext = false;
	if (wire_left(w) >= 2) {
		wire exts = wire_sub(w, wire_u16be(w));
		while (wire_left(&exts) >= 4) {
			uint16_t type = wire_u16be(&exts);
			wire x = wire_sub(&exts, wire_u16be(&exts));
			client_ext(c, h, type, &x, &alpn, &vers);
			bad_ext |= x.err != 0;
		}
		bad_ext |= exts.err != 0 || w->err != 0;
	}
	h->alpn = alpn;
	h->versions = vers;
	if (bad_ext)
		dis_note(c, "tls", NOTE_MALFORMED, off, "ClientHello extensions overrun their lengths");
	memcpy(s->client_random, h->random, 32);
	s->have_client_random = true;
	if (h->sni && !s->sni)
		s->sni = g_strdup(h->sni);

	event *e = hs_event(c, EV_TLS_CLIENT_HELLO, off, len, first);
	e->data = h;
	if (h->sni)
		ev_set_info(e, "Client Hello (SNI=%s)", h->sni);
	else
		ev_set_info(e, "Client Hello");
	ev_uint(e, "tls.handshake.type", HS_CLIENT_HELLO);
	ev_str(e, "tls.handshake.version", ver_text(c->scratch, h->legacy_version));
	ev_hex(e, "tls.handshake.random", h->random, 32);
	ev_uint(e, "tls.handshake.cipher_suites_length", h->nsuites * 2u);
	for (uint32_t i = 0; i < h->nsuites; i++)
		ev_str(e, "tls.handshake.ciphersuite", tls_suite_text(c->scratch, h->suites[i]));
	ev_str(e, "tls.handshake.extensions_server_name", h->sni);
	for (uint32_t i = 0; i < h->nalpn; i++)
		ev_str(e, "tls.handshake.extensions_alpn_str", h->alpn[i]);
	for (uint32_t i = 0; i < h->nversions; i++)
		ev_str(e, "tls.handshake.extensions.supported_version", ver_text(c->scratch, h->versions[i]));
	dis_emit(c, e);
}

/* RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static void server_hello(tls_state *s, dis_ctx *c, wire *w, size_t off, size_t len, uint32_t first)
{
	ev_tls_server_hello *h = arena_alloc(c->scratch, sizeof(*h));
	h->legacy_version = wire_u16be(w);
	h->random = arena_copy(c->scratch, wire_bytes(w, 32), 32);
	uint8_t sid_len = wire_u8(w);
	const uint8_t *sid = wire_bytes(w, sid_len);  /* decrypt: resumption check */
	bool etm = false;                             /* decrypt: encrypt_then_mac (RFC 7366) */
	h->suite = wire_u16be(w);
	wire_skip(w, 1);
	if (w->err) {
		dis_note(c, "tls", NOTE_MALFORMED, off, "ServerHello shorter than its fixed fields");
		return;
	}
	h->version = h->legacy_version;
	if (wire_left(w) >= 2) {
		wire exts = wire_sub(w, wire_u16be(w));
		while (wire_left(&exts) >= 4) {
			uint16_t type = wire_u16be(&exts);
			wire x = wire_sub(&exts, wire_u16be(&exts));
			if (type == 43 && wire_left(&x) >= 2)
				h->version = wire_u16be(&x);
			etm |= type == 22;
		}
		if (exts.err || w->err)
			dis_note(c, "tls", NOTE_MALFORMED, off, "ServerHello extensions overrun their lengths");
	}
	h->hello_retry = memcmp(h->random, hrr_random, 32) == 0;
	h->certs_encrypted = h->version == 0x0304 && !h->hello_retry;
	s->version = h->version;
	s->suite = h->suite;
	s->tls13 = h->version == 0x0304;
	if (s->tls13) {
		/* a ChangeCipherSpec the client sent before this (RFC 8446 §D.4
		 * middlebox compatibility) protected nothing */
		s->side[0].encrypted = s->side[1].encrypted = false;
	}
	if (!h->hello_retry) {
		memcpy(s->server_random, h->random, 32);
		s->have_server_random = true;
		s->server_hello_seen = true;
	}

	event *e = hs_event(c, EV_TLS_SERVER_HELLO, off, len, first);
	e->data = h;
	const char *vt = ver_text(c->scratch, h->version);
	if (h->hello_retry)
		ev_set_info(e, "Hello Retry Request (%s)", vt);
	else if (h->certs_encrypted)
		ev_set_info(e, "Server Hello (%s, %s; certificates encrypted)", vt,
			    tls_suite_text(c->scratch, h->suite));
	else if (tls_null_suite_mac_len(h->suite))
		ev_set_info(e, "Server Hello (%s, %s; NULL cipher: records authenticated, not encrypted)", vt,
			    tls_suite_text(c->scratch, h->suite));
	else
		ev_set_info(e, "Server Hello (%s, %s)", vt, tls_suite_text(c->scratch, h->suite));
	ev_uint(e, "tls.handshake.type", HS_SERVER_HELLO);
	ev_str(e, "tls.handshake.version", ver_text(c->scratch, h->legacy_version));
	ev_hex(e, "tls.handshake.random", h->random, 32);
	ev_str(e, "tls.handshake.ciphersuite", tls_suite_text(c->scratch, h->suite));
	if (h->version != h->legacy_version)
		ev_str(e, "tls.handshake.extensions.supported_version", vt);
	if (h->certs_encrypted)
		ev_str(e, "tls.handshake.certificate", "unknown (encrypted in TLS 1.3)");
	dis_emit(c, e);
	if (!h->hello_retry)  /* decrypt hook: keys for this flow */
		tls_dec_server_hello(s->dec, c, off, len, h->version, h->suite,
				     s->have_client_random ? s->client_random : NULL, h->random, sid, sid ? sid_len : 0,
				     etm);
}

/* ---- Certificate ---- */

static void cert_fields(event *e, const ev_tls_cert *ct, arena *a);

/* Built when a reader asks (ev_describe), from the payload alone. */
static void describe_certificates(event *e)
{
	const ev_tls_certificates *m = e->data;
	const char *who = m->from_client ? "client" : "server";
	const char *leaf = m->ncerts && m->certs[0].x.subject ? m->certs[0].x.subject : "?";
	if (m->total)
		ev_set_info(e, "Certificate (%s, %u cert%s: %s)", who, m->total, m->total == 1 ? "" : "s", leaf);
	else
		ev_set_info(e, "Certificate (%s, empty)", who);
	ev_uint(e, "tls.handshake.type", HS_CERTIFICATE);
	ev_str_ref(e, "tls.handshake.certificates.sender", who);
	ev_uint(e, "tls.handshake.certificates.count", m->total);
	for (uint32_t i = 0; i < m->ncerts; i++)
		cert_fields(e, &m->certs[i], e->a);
}

static void cert_fields(event *e, const ev_tls_cert *ct, arena *a)
{
	const x509_info *x = &ct->x;
	ev_uint(e, "tls.handshake.certificate_length", ct->der_len);
	if (!x->decoded) {
		ev_str_ref(e, "x509.error", ct->der_cut ? "DER cut short (it announces more bytes than were sent)"
							: "DER does not parse");
	} else {
		ev_str_ref(e, "x509.subject", x->subject);
		ev_str_ref(e, "x509.issuer", x->issuer);
		for (uint32_t i = 0; i < x->nsans; i++)
			ev_str_ref(e, "x509ce.GeneralName", x->sans[i]);
		ev_time(e, "x509.not_before", x->not_before);
		ev_time(e, "x509.not_after", x->not_after);
		ev_str_ref(e, "x509af.serialNumber", x->serial);
		ev_str_ref(e, "x509.key", x->key_type ? arena_printf(a, "%s %d", x->key_type, x->key_bits) : NULL);
		ev_str_ref(e, "x509.signature_algorithm", x->sig_alg);
		for (uint32_t i = 0; i < x->nous; i++)
			ev_str_ref(e, "x509sat.organizationalUnitName", x->ous[i]);
		for (uint32_t i = 0; i < x->nekus; i++)
			ev_str_ref(e, "x509ce.KeyPurposeId", x->ekus[i]);
	}
	ev_str_ref(e, "x509.fingerprint.sha1", x->sha1);
	ev_str_ref(e, "x509.fingerprint.sha256", x->sha256);
}

/* Does the DER's outer length announce more bytes than the entry holds? Then
 * the certificate was cut short (a rule does not judge it); an entry that
 * holds all it announces and still does not parse is a broken certificate. */
static bool der_cut_short(const uint8_t *der, size_t len)
{
	wire w = wire_init(der, len);
	wire_u8(&w);  /* the tag */
	uint8_t l = wire_u8(&w);
	size_t body = l;
	if (l & 0x80) {
		uint8_t n = l & 0x7f;
		if (n == 0 || n > 4)
			return false;  /* indefinite or absurd: malformed, not cut */
		body = n == 1 ? wire_u8(&w) : n == 2 ? wire_u16be(&w) : n == 3 ? wire_u24be(&w) : wire_u32be(&w);
	}
	return w.err || body > wire_left(&w);
}

static void certificate(tls_state *s, dis_ctx *c, wire *w, size_t off, size_t len, uint32_t first)
{
	ev_tls_certificates *m = arena_alloc(c->scratch, sizeof(*m));
	m->from_client = c->dir == DIR_C2S;
	m->version = s->version;
	m->sni = s->sni ? arena_strdup(c->scratch, s->sni) : NULL;
	if (s->tls13)  /* decrypt: a decrypted TLS 1.3 Certificate starts with its request context */
		wire_skip(w, wire_u8(w));
	/* a list longer than the message: decode what is there, and say so */
	size_t claimed = wire_u24be(w);
	bool overrun = claimed > wire_left(w);
	wire list = wire_sub(w, overrun ? wire_left(w) : claimed);
	uint64_t cap = c->cfg->limit[LIM_CERTS];
	ev_tls_cert *certs = arena_alloc(c->scratch, (cap < 4096 ? cap : 4096) * sizeof(ev_tls_cert) + 1);
	while (wire_left(&list) >= 3) {
		uint32_t l = wire_u24be(&list);
		const uint8_t *der = wire_bytes(&list, l);
		if (s->tls13)  /* decrypt: TLS 1.3 CertificateEntry extensions */
			wire_skip(&list, wire_u16be(&list));
		if (!der)
			break;
		if (m->total++ >= cap || m->ncerts >= 4096) {
			m->truncated = true;
			continue;  /* counted, not decoded */
		}
		ev_tls_cert *ct = &certs[m->ncerts++];
		ct->der = arena_copy(c->scratch, der, l);
		ct->der_len = l;
		ct->der_cut = !x509_decode(x509_run_cache(c->run), c->scratch, der, l, &ct->x) && der_cut_short(der, l);
	}
	m->certs = certs;
	if (m->truncated)
		dis_limit(c, "tls", LIM_CERTS, off);
	if (overrun || list.err || wire_left(&list) || w->err) {
		m->truncated = true;
		dis_note(c, "tls", NOTE_MALFORMED, off, "certificate list overruns its length (%zu bytes claimed)",
			 claimed);
	}
	/* cut short (the DER announces more than was sent) and whole but not DER
	 * are told apart: only the second is a verdict on the certificate */
	uint32_t broken = 0, first_broken = 0, cut = 0, first_cut = 0;
	for (uint32_t i = 0; i < m->ncerts; i++) {
		if (m->certs[i].x.decoded)
			continue;
		if (m->certs[i].der_cut) {
			if (!cut++)
				first_cut = i + 1;
		} else if (!broken++) {
			first_broken = i + 1;
		}
	}
	if (cut)
		dis_note(c, "tls", NOTE_MALFORMED, off,
			 "%u of %u decoded certificate(s) are cut short: their DER announces more bytes than were sent (first: #%u)",
			 cut, m->ncerts, first_cut);
	if (broken)
		dis_note(c, "tls", NOTE_MALFORMED, off, "%u of %u decoded certificate(s) are not valid DER (first: #%u)",
			 broken, m->ncerts, first_broken);

	event *e = hs_event(c, EV_TLS_CERTIFICATES, off, len, first);
	e->data = m;
	ev_describe_later(e, describe_certificates);
	dis_emit(c, e);
}

static void cert_request(tls_state *s, dis_ctx *c, wire *w, uint16_t rec_version, size_t off, size_t len,
			 uint32_t first)
{
	ev_tls_cert_request *r = arena_alloc(c->scratch, sizeof(*r));
	uint8_t nt = wire_u8(w);
	r->cert_types = arena_copy(c->scratch, wire_bytes(w, nt), nt);
	r->ntypes = r->cert_types ? nt : 0;
	uint16_t v = s->version ? s->version : rec_version;
	if (v >= 0x0303)
		wire_skip(w, wire_u16be(w));  /* signature algorithms */
	wire names = wire_sub(w, wire_u16be(w));
	const char **ca = arena_alloc(c->scratch, TLS_MAX_LIST * sizeof(char *));
	uint32_t total = 0;
	while (wire_left(&names) >= 2) {
		uint16_t l = wire_u16be(&names);
		const uint8_t *dn = wire_bytes(&names, l);
		if (!dn)
			break;
		if (total++ >= TLS_MAX_LIST)
			continue;
		const unsigned char *q = dn;
		X509_NAME *n = d2i_X509_NAME(NULL, &q, l);
		ca[r->nca++] = n ? x509_name_text(c->scratch, n) : "(undecodable name)";
		X509_NAME_free(n);
	}
	r->ca_names = ca;
	if (names.err || w->err)
		dis_note(c, "tls", NOTE_MALFORMED, off, "CertificateRequest overruns its lengths");
	if (total > TLS_MAX_LIST)
		dis_note(c, "tls", NOTE_INFO, off, "CertificateRequest lists %u CA names; the first %d are shown",
			 total, TLS_MAX_LIST);

	event *e = hs_event(c, EV_TLS_CERT_REQUEST, off, len, first);
	e->data = r;
	ev_set_info(e, "Certificate Request (%u CA name%s)", total, total == 1 ? "" : "s");
	ev_uint(e, "tls.handshake.type", HS_CERT_REQUEST);
	for (uint32_t i = 0; i < r->ntypes; i++)
		ev_uint(e, "tls.handshake.cert_type", r->cert_types[i]);
	for (uint32_t i = 0; i < r->nca; i++)
		ev_str(e, "tls.handshake.ca_name", r->ca_names[i]);
	dis_emit(c, e);
}

/* ---- handshake reassembly across records ---- */

static void hs_message(tls_state *s, dis_ctx *c, uint8_t type, const uint8_t *body, size_t blen,
		       uint16_t rec_version, size_t off, size_t len, uint32_t first)
{
	wire w = wire_init(body, blen);
	switch (type) {
	case HS_CLIENT_HELLO: client_hello(s, c, &w, off, len, first); break;
	case HS_SERVER_HELLO: server_hello(s, c, &w, off, len, first); break;
	case HS_CERTIFICATE:
		/* TLS 1.3 sends it encrypted: a plaintext one here is not TLS 1.3's */
		certificate(s, c, &w, off, len, first);
		break;
	case HS_CERT_REQUEST: cert_request(s, c, &w, rec_version, off, len, first); break;
	default: break;  /* key exchange, done, verify: nothing a rule needs */
	}
	tls_dec_handshake_msg(s->dec, c->dir, type, body, blen);  /* decrypt: TLS 1.3 key changes */
}

void tls_handshake_record(tls_state *s, dis_ctx *c, const uint8_t *p, size_t n, uint16_t rec_version,
			  size_t off, size_t len)
{
	tls_side *d = &s->side[c->dir];
	uint32_t here = frame_at(c, off);
	if (d->skip) {
		size_t k = n < d->skip ? n : d->skip;
		d->skip -= k;
		p += k;
		n -= k;
	}
	if (!n)
		return;
	if (d->hs->len == 0)
		d->hs_first_frame = here;
	g_byte_array_append(d->hs, p, (guint)n);
	uint64_t cap = c->cfg->limit[LIM_TLS_HANDSHAKE];
	while (d->hs->len >= 4) {
		const uint8_t *h = d->hs->data;
		wire hw = wire_init(h, d->hs->len);
		uint8_t type = wire_u8(&hw);
		size_t mlen = wire_u24be(&hw);
		if (mlen > cap) {
			dis_limit(c, "tls", LIM_TLS_HANDSHAKE, off);
			size_t have = d->hs->len - 4;
			size_t drop = have < mlen ? have : mlen;
			d->skip = mlen - drop;
			g_byte_array_remove_range(d->hs, 0, (guint)(4 + drop));
			d->hs_first_frame = here;
			continue;
		}
		if (d->hs->len - 4 < mlen)
			break;
		hs_message(s, c, type, h + 4, mlen, rec_version, off, len, d->hs_first_frame);
		g_byte_array_remove_range(d->hs, 0, (guint)(4 + mlen));
		d->hs_first_frame = here;
	}
	if (!dis_hold_set(c, &d->held, d->hs->len)) {
		/* many handshakes at once: this message is dropped like one over
		 * its own cap, the next one is read again */
		dis_limit(c, "tls", LIM_TOTAL_BYTES, off);
		wire hw = wire_init(d->hs->data, d->hs->len);
		size_t mlen = d->hs->len >= 4 ? wire_peek_u24be(&hw, 1) : 0;
		d->skip = d->hs->len >= 4 && mlen + 4 > d->hs->len ? mlen + 4 - d->hs->len : 0;
		g_byte_array_set_size(d->hs, 0);
		dis_hold_set(c, &d->held, 0);
	}
}

/* ---- SSL 2.0-format ClientHello (RFC 5246 appendix E.2) ---- */

/* A client that also speaks SSL 2.0 may open with this form; the server
 * answers with TLS records, and so does the client from then on. The
 * challenge is the random, right-aligned in 32 bytes. */
void tls_sslv2_client_hello(tls_state *s, dis_ctx *c, const uint8_t *p, size_t n, size_t off, size_t len)
{
	wire w = wire_init(p, n);
	wire_skip(&w, 1);  /* msg_type 1 */
	ev_tls_client_hello *h = arena_alloc(c->scratch, sizeof(*h));
	h->legacy_version = wire_u16be(&w);
	uint16_t specs_len = wire_u16be(&w), sid_len = wire_u16be(&w), chal_len = wire_u16be(&w);
	wire specs = wire_sub(&w, specs_len);
	const uint8_t *sid = wire_bytes(&w, sid_len);
	const uint8_t *chal = wire_bytes(&w, chal_len);
	if (w.err || specs_len % 3 || chal_len < 16 || chal_len > 32) {
		dis_note(c, "tls", NOTE_MALFORMED, off, "SSL 2.0-format ClientHello with inconsistent lengths");
		return;
	}
	tls_dec_client_hello(s->dec, sid, sid_len);  /* decrypt hook */
	uint8_t *random = arena_alloc(c->scratch, 32);
	memset(random, 0, 32);
	memcpy(random + 32 - chal_len, chal, chal_len);
	h->random = random;
	uint16_t *sv = arena_alloc(c->scratch, (specs_len / 3 + 1) * sizeof(uint16_t));
	while (wire_left(&specs) >= 3) {
		uint8_t hi = wire_u8(&specs);
		uint16_t lo = wire_u16be(&specs);
		if (hi == 0)  /* SSL 2.0 kinds (first byte set) have no TLS equivalent */
			sv[h->nsuites++] = lo;
	}
	h->suites = sv;
	h->max_version = h->legacy_version;
	memcpy(s->client_random, random, 32);
	s->have_client_random = true;
	event *e = dis_event(c, EV_TLS_CLIENT_HELLO, "tls", off, len);
	e->data = h;
	ev_set_info(e, "Client Hello (SSL 2.0 format)");
	ev_uint(e, "tls.handshake.type", HS_CLIENT_HELLO);
	ev_str(e, "tls.handshake.version", ver_text(c->scratch, h->legacy_version));
	ev_bool(e, "tls.sslv2_format", true);
	ev_hex(e, "tls.handshake.random", h->random, 32);
	ev_uint(e, "tls.handshake.cipher_suites_length", h->nsuites * 2u);
	for (uint32_t i = 0; i < h->nsuites; i++)
		ev_str(e, "tls.handshake.ciphersuite", tls_suite_text(c->scratch, h->suites[i]));
	dis_emit(c, e);
}
