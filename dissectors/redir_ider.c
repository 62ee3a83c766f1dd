/* IDE-R (storage redirection) messages of the redirection protocol: lengths
 * and fields as MeshCommander's amt-ider and kraxel/amtterm's ider.c send
 * and read them (Intel publishes no wire spec for redirection). */
#include "redir_int.h"

#define IDER_DATA_MAX 8192  /* MC rejects larger read buffers */

frame_result redir_ider_length(const uint8_t *p, size_t len)
{
	wire w = wire_init(p, len);
	switch (wire_peek_u8(&w, 0)) {
	case 0x40: return frame_ok(18);
	case 0x41:
		if (!wire_has(&w, 30))
			return frame_incomplete(30);
		return frame_ok(30 + (size_t)wire_peek_u8(&w, 29));
	case 0x42: case 0x43: case 0x44: case 0x45: case 0x47: case 0x4B:
		return frame_ok(8);
	case 0x46: return frame_ok(9);
	case 0x48:
		if (!wire_has(&w, 9))
			return frame_incomplete(9);
		return frame_ok(wire_peek_u8(&w, 8) == 1 ? 9 : 13);
	case 0x49: return frame_ok(13);
	case 0x4A: return frame_ok(11);
	case 0x50: return frame_ok(28);
	case 0x51: case 0x52: return frame_ok(31);
	case 0x53:
		if (!wire_has(&w, 11))
			return frame_incomplete(11);
		return frame_ok(14 + (size_t)wire_peek_u16le(&w, 9));
	case 0x54: {
		if (!wire_has(&w, 11))
			return frame_incomplete(11);
		size_t l = wire_peek_u16le(&w, 9);
		return l > IDER_DATA_MAX ? frame_error(REDIR_ABSURD_LENGTH) : frame_ok(34 + l);
	}
	default:
		return frame_error(REDIR_UNKNOWN_COMMAND);
	}
}

static const tok cdb_names[] = {
	{0x00, "TEST UNIT READY"}, {0x03, "REQUEST SENSE"}, {0x04, "FORMAT UNIT"},
	{0x12, "INQUIRY"}, {0x15, "MODE SELECT(6)"}, {0x1A, "MODE SENSE(6)"},
	{0x1B, "START STOP UNIT"}, {0x1E, "PREVENT ALLOW MEDIUM REMOVAL"},
	{0x23, "READ FORMAT CAPACITIES"}, {0x25, "READ CAPACITY"}, {0x28, "READ(10)"},
	{0x2A, "WRITE(10)"}, {0x2B, "SEEK(10)"}, {0x2F, "VERIFY(10)"}, {0x35, "SYNCHRONIZE CACHE"},
	{0x42, "READ SUB-CHANNEL"}, {0x43, "READ TOC/PMA/ATIP"}, {0x46, "GET CONFIGURATION"},
	{0x4A, "GET EVENT STATUS NOTIFICATION"}, {0x51, "READ DISC INFORMATION"},
	{0x55, "MODE SELECT(10)"}, {0x5A, "MODE SENSE(10)"}, {0xA8, "READ(12)"},
	{0xAA, "WRITE(12)"}, {0xAD, "READ DISC STRUCTURE"}, {0xBB, "SET CD SPEED"},
	{0xBD, "MECHANISM STATUS"}, {0xBE, "READ CD"}, {0, NULL},
};

static const char *cdb_name(uint8_t op)
{
	return tok_name(cdb_names, op, "unknown");
}

static const tok feature_subs[] = {
	{1, "get supported"}, {2, "get register state"}, {3, "set register state"}, {0, NULL},
};

static const char *feature_sub(uint8_t sub)
{
	return tok_name(feature_subs, sub, "unknown");
}

/* The 31-byte end-response / get-data layout shared by 0x51 and 0x52. */
static void decode_regs(event *e, ev_redir_message *m, wire *w)
{
	wire_skip(w, 1); /* cable select */
	uint16_t bytes = wire_u16le(w);
	wire_skip(w, 1 + 8 + 8);
	uint8_t sense = wire_u8(w), asc = wire_u8(w), ascq = wire_u8(w);
	ev_uint(e, "redir.ider.transfer_bytes", bytes);
	ev_uint(e, "redir.ider.sense_key", sense);
	ev_uint(e, "redir.ider.asc", asc);
	ev_uint(e, "redir.ider.ascq", ascq);
	if (sense)
		ev_set_info(e, "%s %u bytes, sense key 0x%x ASC 0x%02x ASCQ 0x%02x", m->name, bytes, sense,
			    asc, ascq);
	else
		ev_set_info(e, "%s %u bytes", m->name, bytes);
}

void redir_ider_decode(dis_ctx *c, event *e, ev_redir_message *m, wire *w)
{
	uint8_t status = wire_u8(w);
	wire_skip(w, 1);
	uint8_t attributes = wire_u8(w);
	ev_uint(e, "redir.seq", wire_u32le(w));
	if (m->opcode != 0x41)
		ev_uint(e, "redir.ider.attributes", attributes);
	switch (m->opcode) {
	case 0x40: {
		uint16_t rx = wire_u16le(w), tx = wire_u16le(w), hb = wire_u16le(w);
		uint32_t version = wire_u32le(w);
		ev_uint(e, "redir.ider.rx_timeout", rx);
		ev_uint(e, "redir.ider.tx_timeout", tx);
		ev_uint(e, "redir.ider.heartbeat_interval", hb);
		ev_uint(e, "redir.ider.version", version);
		ev_set_info(e, "%s rx timeout %u ms, tx timeout %u ms, heartbeat %u ms, version %u", m->name, rx,
			    tx, hb, version);
		return;
	}
	case 0x41: {
		m->has_status = true;
		m->status = status;
		uint8_t pmaj = wire_u8(w), pmin = wire_u8(w), fmaj = wire_u8(w), fmin = wire_u8(w);
		wire_skip(w, 4);
		uint16_t rbuf = wire_u16le(w), wbuf = wire_u16le(w);
		wire_skip(w, 1);
		uint8_t feature = wire_u8(w);
		wire_skip(w, 3);
		uint32_t iana = wire_u32le(w);
		ev_uint(e, "redir.status", status);
		ev_str(e, "redir.protocol_version", arena_printf(c->scratch, "%u.%u", pmaj, pmin));
		ev_str(e, "redir.fw_version", arena_printf(c->scratch, "%u.%u", fmaj, fmin));
		ev_uint(e, "redir.ider.read_buffer", rbuf);
		ev_uint(e, "redir.ider.write_buffer", wbuf);
		ev_uint(e, "redir.ider.feature", feature);
		ev_uint(e, "redir.oem_iana", iana);
		ev_set_info(e, "%s status %u%s, protocol %u.%u, read buffer %u, write buffer %u", m->name,
			    status, status ? " (refused)" : " (success)", pmaj, pmin, rbuf, wbuf);
		return;
	}
	case 0x46: {
		uint8_t mask = wire_u8(w);
		ev_uint(e, "redir.ider.reset_mask", mask);
		ev_set_info(e, "%s mask 0x%02x", m->name, mask);
		return;
	}
	case 0x48:
	case 0x49: {
		uint8_t sub = wire_u8(w);
		ev_str(e, "redir.ider.feature_command", feature_sub(sub));
		if (wire_left(w) >= 4) {
			uint32_t v = wire_u32le(w);
			ev_uint(e, "redir.ider.feature_value", v);
			ev_set_info(e, "%s %s, value 0x%x", m->name, feature_sub(sub), v);
		} else {
			ev_set_info(e, "%s %s", m->name, feature_sub(sub));
		}
		return;
	}
	case 0x4A: {
		uint8_t err = wire_u8(w);
		ev_uint(e, "redir.ider.error", err);
		ev_set_info(e, "%s 0x%02x", m->name, err);
		return;
	}
	case 0x50: {
		wire_skip(w, 1); /* cable select */
		uint8_t feature = wire_u8(w);
		wire_skip(w, 2);
		uint16_t count = wire_u16le(w);
		uint8_t drive = wire_u8(w), ata = wire_u8(w);
		const uint8_t *cdb = wire_bytes(w, 12);
		const char *device = (drive & 0x10) ? "CD-ROM" : "floppy";
		ev_str(e, "redir.ider.device", device);
		ev_bool(e, "redir.ider.dma", feature & 1);
		ev_uint(e, "redir.ider.byte_count", count);
		ev_uint(e, "redir.ider.ata_command", ata);
		if (cdb) {
			ev_uint(e, "redir.ider.cdb_opcode", cdb[0]);
			ev_str(e, "redir.ider.cdb_name", cdb_name(cdb[0]));
			ev_hex(e, "redir.ider.cdb", cdb, 12);
			ev_set_info(e, "%s %s: %s (0x%02x)%s", m->name, device, cdb_name(cdb[0]), cdb[0],
				    ata == 0xA0 ? "" : " (ATA command is not PACKET)");
		}
		return;
	}
	case 0x51:
	case 0x52:
		decode_regs(e, m, w);
		return;
	case 0x53:
	case 0x54: {
		wire_skip(w, 1); /* cable select / transfer byte */
		m->data_len = wire_u16le(w);
		ev_uint(e, "redir.ider.data_len", m->data_len);
		ev_set_info(e, "%s %u bytes", m->name, m->data_len);
		return;
	}
	default:
		ev_set_info(e, "%s", m->name);
		return;
	}
}
