/* Hand-made DNS and DHCP messages for the unit tests. */
#ifndef AMT_TEST_MSGBUILD_H
#define AMT_TEST_MSGBUILD_H
#include <stdint.h>
#include <string.h>

typedef struct msgbuf {
	uint8_t b[4096];
	size_t n;
} msgbuf;

static inline void mb_u8(msgbuf *m, uint8_t v)
{
	if (m->n < sizeof(m->b))
		m->b[m->n++] = v;
}

static inline void mb_u16(msgbuf *m, uint16_t v)
{
	mb_u8(m, (uint8_t)(v >> 8));
	mb_u8(m, (uint8_t)v);
}

static inline void mb_u32(msgbuf *m, uint32_t v)
{
	mb_u16(m, (uint16_t)(v >> 16));
	mb_u16(m, (uint16_t)v);
}

static inline void mb_bytes(msgbuf *m, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mb_u8(m, ((const uint8_t *)p)[i]);
}

/* "a.b.c" as labels; terminated by the root unless `ptr` >= 0, then by a
 * compression pointer to offset ptr. */
static inline void mb_name_ptr(msgbuf *m, const char *dotted, int ptr)
{
	const char *s = dotted;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		mb_u8(m, (uint8_t)l);
		mb_bytes(m, s, l);
		s += l;
		if (*s == '.')
			s++;
	}
	if (ptr >= 0)
		mb_u16(m, (uint16_t)(0xc000 | ptr));
	else
		mb_u8(m, 0);
}

static inline void mb_name(msgbuf *m, const char *dotted)
{
	mb_name_ptr(m, dotted, -1);
}

static inline void mb_dns_header(msgbuf *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
				 uint16_t ns, uint16_t ar)
{
	mb_u16(m, id);
	mb_u16(m, flags);
	mb_u16(m, qd);
	mb_u16(m, an);
	mb_u16(m, ns);
	mb_u16(m, ar);
}

/* Record header with a pointer owner name; returns where rdlength is. */
static inline size_t mb_rr_ptr(msgbuf *m, int owner_ptr, uint16_t type, uint32_t ttl)
{
	mb_u16(m, (uint16_t)(0xc000 | owner_ptr));
	mb_u16(m, type);
	mb_u16(m, 1);
	mb_u32(m, ttl);
	size_t at = m->n;
	mb_u16(m, 0);
	return at;
}

static inline void mb_rdlen_fix(msgbuf *m, size_t at)
{
	size_t l = m->n - at - 2;
	m->b[at] = (uint8_t)(l >> 8);
	m->b[at + 1] = (uint8_t)l;
}

#endif
