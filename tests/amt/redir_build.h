/* Builders for redirection messages laid out per wsman-redirection.md
 * section 2 (the same layouts tests/amt/record.py sends over TCP). */
#ifndef AMT_REDIR_BUILD_H
#define AMT_REDIR_BUILD_H
#include "amt_test.h"

static inline void put(GByteArray *b, const char *hex)
{
	GByteArray *x = hex_bytes(hex);
	g_byte_array_append(b, x->data, x->len);
	g_byte_array_free(x, TRUE);
}

static inline void put_u8(GByteArray *b, unsigned v)
{
	guint8 c = (guint8)v;
	g_byte_array_append(b, &c, 1);
}

static inline void put_le16(GByteArray *b, unsigned v)
{
	put_u8(b, v & 0xff);
	put_u8(b, (v >> 8) & 0xff);
}

static inline void put_le32(GByteArray *b, uint32_t v)
{
	put_le16(b, v & 0xffff);
	put_le16(b, v >> 16);
}

static inline void put_raw(GByteArray *b, const char *s)
{
	g_byte_array_append(b, (const guint8 *)s, (guint)strlen(s));
}

static inline void put_lp(GByteArray *b, const char *s)
{
	put_u8(b, (unsigned)strlen(s));
	put_raw(b, s);
}

static inline void m_start(GByteArray *b, const char *tag)
{
	put_u8(b, 0x10);
	put_u8(b, strcmp(tag, "KVMR") == 0 ? 1 : 0);
	put(b, "00 00");
	put_raw(b, tag);
}

static inline void m_start_reply(GByteArray *b, unsigned status)
{
	put_u8(b, 0x11);
	put_u8(b, status);
	put(b, "00 00 01 00 02 00 57 01 00 00 00");
}

/* 0x13 / 0x14 around data */
static inline void m_auth(GByteArray *b, unsigned op, unsigned status, unsigned type, GByteArray *data)
{
	put_u8(b, op);
	put_u8(b, status);
	put(b, "00 00");
	put_u8(b, type);
	put_le32(b, data ? data->len : 0);
	if (data)
		g_byte_array_append(b, data->data, data->len);
}

static inline void m_userpass(GByteArray *b, const char *user, const char *pass)
{
	GByteArray *d = g_byte_array_new();
	put_lp(d, user);
	put_lp(d, pass);
	m_auth(b, 0x13, 0, 1, d);
	g_byte_array_free(d, TRUE);
}

/* Digest: the opening (empty response) when response is NULL. */
static inline void m_digest(GByteArray *b, unsigned type, const char *user, const char *realm,
			    const char *nonce, const char *response)
{
	GByteArray *d = g_byte_array_new();
	bool open = response == NULL;
	put_lp(d, user);
	put_lp(d, open ? "" : realm);
	put_lp(d, open ? "" : nonce);
	put_lp(d, "/RedirectionService");
	put_lp(d, open ? "" : "0123456789abcdef0123456789abcdef");
	put_lp(d, open ? "" : "00000002");
	put_lp(d, open ? "" : response);
	if (type == 4)
		put_lp(d, open ? "" : "auth");
	m_auth(b, 0x13, 0, type, d);
	g_byte_array_free(d, TRUE);
}

static inline void m_challenge(GByteArray *b, unsigned type, const char *realm, const char *nonce)
{
	GByteArray *d = g_byte_array_new();
	put_lp(d, realm);
	put_lp(d, nonce);
	if (type == 4)
		put_lp(d, "auth");
	m_auth(b, 0x14, 1, type, d);
	g_byte_array_free(d, TRUE);
}

static inline void m_hdr(GByteArray *b, unsigned op, unsigned status, uint32_t seq)
{
	put_u8(b, op);
	put_u8(b, status);
	put(b, "00 00");
	put_le32(b, seq);
}

static inline void m_sol_data(GByteArray *b, unsigned op, uint32_t seq, const char *text)
{
	m_hdr(b, op, 0, seq);
	put_le16(b, (unsigned)strlen(text));
	put_raw(b, text);
}

static inline void m_sol_start(GByteArray *b, uint32_t seq)
{
	m_hdr(b, 0x20, 0, seq);
	put_le16(b, 10000);
	put_le16(b, 100);
	put_le16(b, 0);
	put_le16(b, 10000);
	put_le16(b, 100);
	put_le16(b, 0);
	put_le32(b, 0);
}

static inline void m_sol_start_reply(GByteArray *b, unsigned status)
{
	m_hdr(b, 0x21, status, 0);
	for (int i = 8; i < 23; i++)
		put_u8(b, 0);
}

#endif
