/* One libFuzzer input through a dissector the way the engine drives it:
 * the first byte picks how the rest is cut into deliveries and directions. */
#ifndef AMT_FUZZ_COMMON_H
#define AMT_FUZZ_COMMON_H
#include <glib.h>

#include "decoder/dissector.h"

static void fuzz_stream(const dissector *d, uint16_t port, const uint8_t *data, size_t size)
{
	if (size < 1)
		return;
	dis_test t;
	dis_test_init(&t, d->ipproto, "10.0.0.9", 40000, "10.0.0.5", port);
	t.cfg.show_sol_data = data[0] & 0x80;
	t.cfg.redact = !(data[0] & 0x40);
	size_t chunk = (data[0] & 0x0f) ? (size_t)(data[0] & 0x0f) * 7 : 0;
	bool two_way = data[0] & 0x20;
	data++;
	size--;
	if (d->probe)
		(void)d->probe(data, size, two_way ? DIR_S2C : DIR_C2S);
	void *st = d->state_new ? d->state_new(&t.ctx) : NULL;
	if (d->ipproto == 17) {
		/* datagrams: each cut is one payload */
		size_t step = chunk ? chunk : size;
		for (size_t off = 0; off < size; off += step) {
			t.ctx.dir = (uint8_t)((off / step) & 1);
			d->parse(st, &t.ctx, data + off, size - off < step ? size - off : step);
		}
	} else if (two_way) {
		/* alternate directions message-ish: halves go to each side */
		size_t half = size / 2;
		dis_test_stream(&t, d, st, DIR_C2S, data, half, chunk, true);
		dis_test_stream(&t, d, st, DIR_S2C, data + half, size - half, chunk, true);
	} else {
		dis_test_stream(&t, d, st, DIR_C2S, data, size, chunk, true);
	}
	if (d->flow_end)
		d->flow_end(st, &t.ctx);
	if (d->state_free)
		d->state_free(st);
	dis_test_free(&t);
}

#endif
