#include "addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Dotted quad by hand: inet_ntop costs a locale-aware sprintf per call, and
 * rules key devices by this text for every event. */
static char *ipv4_str(const uint8_t b[4], char *buf)
{
	char *q = buf;
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];
		if (v >= 100)
			*q++ = (char)('0' + v / 100);
		if (v >= 10)
			*q++ = (char)('0' + v / 10 % 10);
		*q++ = (char)('0' + v % 10);
		*q++ = i < 3 ? '.' : 0;
	}
	return buf;
}

char *amt_addr_str(const amt_addr *a, char *buf)
{
	if (a->family == 4)
		ipv4_str(a->b, buf);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->b, buf, AMT_ADDRSTRLEN);
	else
		strcpy(buf, "-");
	return buf;
}

bool amt_addr_parse(const char *s, amt_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->b) == 1) {
		out->family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->b) == 1) {
		out->family = 6;
		return true;
	}
	return false;
}

bool amt_addr_eq(const amt_addr *a, const amt_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(a->b, b->b, a->family == 4 ? 4 : 16) == 0;
}

char *amt_mac_str(const uint8_t m[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}
