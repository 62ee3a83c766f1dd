/* Network addresses as the decoder hands them to everyone else. */
#ifndef AMT_ADDR_H
#define AMT_ADDR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct amt_addr {
	uint8_t family; /* 4 or 6; 0 = unset */
	uint8_t b[16];  /* IPv4 in b[0..3] */
} amt_addr;

#define AMT_ADDRSTRLEN 46

/* "10.0.0.1" / "2001:db8::1"; buf must hold AMT_ADDRSTRLEN. Returns buf. */
char *amt_addr_str(const amt_addr *a, char *buf);
bool amt_addr_parse(const char *s, amt_addr *out);
bool amt_addr_eq(const amt_addr *a, const amt_addr *b);
/* Inline: the decoder makes two for every packet. */
static inline amt_addr amt_addr_v4(const uint8_t b[4])
{
	amt_addr a = {.family = 4};
	memcpy(a.b, b, 4);
	return a;
}

static inline amt_addr amt_addr_v6(const uint8_t b[16])
{
	amt_addr a = {.family = 6};
	memcpy(a.b, b, 16);
	return a;
}
/* "aa:bb:cc:dd:ee:ff"; buf >= 18 */
char *amt_mac_str(const uint8_t mac[6], char *buf);

#endif
