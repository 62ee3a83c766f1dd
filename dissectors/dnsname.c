#include "dnsname.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "../decoder/wire.h"

const char *dnsname_status_text(dnsname_status s)
{
	switch (s) {
	case DNSNAME_OK: return "ok";
	case DNSNAME_TRUNCATED: return "name runs past the end of the message";
	case DNSNAME_BAD_POINTER: return "compression pointer does not point backwards (loop or forward reference)";
	case DNSNAME_TOO_LONG: return "name longer than 255 bytes or 128 labels";
	case DNSNAME_BAD_LABEL: return "unsupported label type";
	}
	return "?";
}

/* One byte of a label as text: itself; '.' and '\\' escaped with a
 * backslash; other bytes as \DDD (decimal). Cut at outlen like the rest
 * (the NUL's place is kept). No printf: every name of every message. */
static size_t put_char(char *out, size_t outlen, size_t o, uint8_t ch)
{
	char tmp[4];
	size_t n = 0;
	if (ch > 0x20 && ch < 0x7f && ch != '.' && ch != '\\') {
		if (o + 1 < outlen)
			out[o++] = (char)ch;
		return o;
	}
	tmp[n++] = '\\';
	if (ch == '.' || ch == '\\') {
		tmp[n++] = (char)ch;
	} else {
		tmp[n++] = (char)('0' + ch / 100);
		tmp[n++] = (char)('0' + ch / 10 % 10);
		tmp[n++] = (char)('0' + ch % 10);
	}
	for (size_t i = 0; i < n && o + 1 < outlen; i++)
		out[o++] = tmp[i];
	return o;
}

dnsname_status dnsname_read(const uint8_t *msg, size_t len, size_t *pos, char *out,
			    size_t outlen, int allow_pointers)
{
	size_t at = *pos;      /* where the next label is read */
	size_t resume = 0;     /* caller's position after the first pointer */
	int jumped = 0;
	size_t limit = *pos;   /* every pointer target must lie below this */
	size_t wire_len = 1;   /* the root byte */
	unsigned labels = 0;
	size_t o = 0;
	dnsname_status st = DNSNAME_OK;
	if (outlen)
		out[0] = 0;
	for (;;) {
		if (at >= len) {
			st = DNSNAME_TRUNCATED;
			break;
		}
		uint8_t b = msg[at];
		if (b == 0) {
			at++;
			break;
		}
		if ((b & 0xc0) == 0xc0) {
			if (!allow_pointers) {
				st = DNSNAME_BAD_LABEL;
				break;
			}
			if (at + 1 >= len) {
				st = DNSNAME_TRUNCATED;
				break;
			}
			wire ptr = wire_init(msg + at, 2);
			size_t target = wire_u16be(&ptr) & 0x3fff;
			if (!jumped)
				resume = at + 2;
			jumped = 1;
			/* strictly below both this pointer and the previous target:
			 * each jump lowers the bound, so no loop can form */
			if (target >= at || target >= limit) {
				st = DNSNAME_BAD_POINTER;
				break;
			}
			limit = target;
			at = target;
			continue;
		}
		if (b & 0xc0) {
			st = DNSNAME_BAD_LABEL;
			break;
		}
		if (at + 1 + b > len) {
			st = DNSNAME_TRUNCATED;
			break;
		}
		wire_len += 1u + b;
		if (++labels > DNSNAME_MAX_LABELS || wire_len > 255) {
			st = DNSNAME_TOO_LONG;
			break;
		}
		if (labels > 1 && o + 1 < outlen)
			out[o++] = '.';
		for (size_t i = 0; i < b; i++)
			o = put_char(out, outlen, o, msg[at + 1 + i]);
		at += 1u + b;
	}
	if (outlen)
		out[o < outlen ? o : outlen - 1] = 0;
	if (jumped)
		*pos = resume;
	else if (st == DNSNAME_OK)
		*pos = at;
	else
		*pos = len;  /* nothing sane follows an unterminated name */
	return st;
}

/* RFC 1035 3.5 (in-addr.arpa, octets reversed) and RFC 3596 2.5 (ip6.arpa,
 * 32 nibbles reversed) */
bool dnsname_reverse_addr(const char *qname, amt_addr *out)
{
	if (!qname)
		return false;
	size_t n = strlen(qname);
	static const char v4[] = ".in-addr.arpa", v6[] = ".ip6.arpa";
	if (n > sizeof(v4) - 1 && !g_ascii_strcasecmp(qname + n - (sizeof(v4) - 1), v4)) {
		unsigned o[4];
		char tail;
		if (sscanf(qname, "%u.%u.%u.%u%c", &o[0], &o[1], &o[2], &o[3], &tail) != 5 || tail != '.')
			return false;
		uint8_t b[4];
		for (int i = 0; i < 4; i++) {
			if (o[3 - i] > 255)
				return false;
			b[i] = (uint8_t)o[3 - i];
		}
		*out = amt_addr_v4(b);
		return true;
	}
	if (n == 63 + sizeof(v6) - 1 && !g_ascii_strcasecmp(qname + 63, v6)) {
		uint8_t b[16] = {0};
		for (int i = 0; i < 32; i++) {
			int v = g_ascii_xdigit_value(qname[2 * i]);
			if (v < 0 || qname[2 * i + 1] != '.')
				return false;
			int byte = 15 - i / 2;
			b[byte] = (uint8_t)(b[byte] + (i % 2 ? v * 16 : v));
		}
		*out = amt_addr_v6(b);
		return true;
	}
	return false;
}
