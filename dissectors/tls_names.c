/* \summary: names of TLS versions, alert descriptions and common cipher suites */
/* specification: IANA TLS parameters registry */
#include "tls_names.h"

#include <stddef.h>

#include "../decoder/tok.h"

static const tok versions[] = {
	{0x0300, "SSL 3.0"}, {0x0301, "TLS 1.0"}, {0x0302, "TLS 1.1"},
	{0x0303, "TLS 1.2"}, {0x0304, "TLS 1.3"}, {0, NULL},
};

const char *tls_version_name(uint16_t v)
{
	return tok_name(versions, v, NULL);
}

/* Names as in RFC 8446 6 / RFC 5246 7.2, the way the findings quote them. */
static const tok alerts[] = {
	{0, "close_notify"}, {10, "unexpected_message"}, {20, "bad_record_mac"},
	{21, "decryption_failed"}, {22, "record_overflow"}, {30, "decompression_failure"},
	{40, "handshake_failure"}, {41, "no_certificate"}, {42, "bad_certificate"},
	{43, "unsupported_certificate"}, {44, "certificate_revoked"}, {45, "certificate_expired"},
	{46, "certificate_unknown"}, {47, "illegal_parameter"}, {48, "unknown_ca"},
	{49, "access_denied"}, {50, "decode_error"}, {51, "decrypt_error"},
	{60, "export_restriction"}, {70, "protocol_version"}, {71, "insufficient_security"},
	{80, "internal_error"}, {86, "inappropriate_fallback"}, {90, "user_canceled"},
	{100, "no_renegotiation"}, {109, "missing_extension"}, {110, "unsupported_extension"},
	{111, "certificate_unobtainable"}, {112, "unrecognized_name"},
	{113, "bad_certificate_status_response"}, {114, "bad_certificate_hash_value"},
	{115, "unknown_psk_identity"}, {116, "certificate_required"},
	{120, "no_application_protocol"}, {0, NULL},
};

const char *tls_alert_name(uint8_t desc)
{
	return tok_name(alerts, desc, NULL);
}

static const tok suites[] = {
	{0x0001, "TLS_RSA_WITH_NULL_MD5"}, {0x0002, "TLS_RSA_WITH_NULL_SHA"},
	{0x003b, "TLS_RSA_WITH_NULL_SHA256"}, {0x002c, "TLS_PSK_WITH_NULL_SHA"},
	{0x00b0, "TLS_PSK_WITH_NULL_SHA256"}, {0x00b1, "TLS_PSK_WITH_NULL_SHA384"},
	{0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"}, {0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA"},
	{0xc015, "TLS_ECDH_anon_WITH_NULL_SHA"}, {0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA"},
	{0xc00b, "TLS_ECDH_RSA_WITH_NULL_SHA"},
	{0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"}, {0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"},
	{0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256"}, {0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256"},
	{0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"}, {0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"},
	{0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"}, {0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"},
	{0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"}, {0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"},
	{0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256"}, {0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384"},
	{0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256"}, {0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384"},
	{0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"}, {0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
	{0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384"}, {0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256"},
	{0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8"}, {0x1305, "TLS_AES_128_CCM_8_SHA256"},
	{0x0004, "TLS_RSA_WITH_RC4_128_MD5"}, {0x0005, "TLS_RSA_WITH_RC4_128_SHA"},
	{0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"}, {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"},
	{0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"}, {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
	{0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"}, {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
	{0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"}, {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
	{0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"}, {0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA"},
	{0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA"}, {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
	{0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"}, {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
	{0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"}, {0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256"},
	{0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"}, {0x1301, "TLS_AES_128_GCM_SHA256"},
	{0x1302, "TLS_AES_256_GCM_SHA384"}, {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
	{0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}, {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
	{0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"}, {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
	{0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}, {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
	{0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}, {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
	{0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}, {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
	{0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
	{0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
	{0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
	{0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}, {0, NULL},
};

const char *tls_suite_text(arena *a, uint16_t suite)
{
	const char *n = tok_name(suites, suite, NULL);
	if (n)
		return n;
	if ((suite & 0x0f0f) == 0x0a0a && (suite >> 8) == (suite & 0xff))
		return arena_printf(a, "GREASE (0x%04x)", suite);
	return arena_printf(a, "0x%04x", suite);
}

unsigned tls_null_suite_mac_len(uint16_t suite)
{
	switch (suite) {
	case 0x0001:
		return 16;  /* MD5 */
	case 0x0002: case 0x002c: case 0x002d: case 0x002e: case 0xc001: case 0xc006: case 0xc00b:
	case 0xc010: case 0xc015: case 0xc039:
		return 20;  /* SHA-1 */
	case 0x003b: case 0x00b0: case 0x00b4: case 0x00b8: case 0xc03a:
		return 32;  /* SHA-256 */
	case 0x00b1: case 0x00b5: case 0x00b9: case 0xc03b:
		return 48;  /* SHA-384 */
	}
	return 0;
}
