/* Shared between the redirection dissector (redir.c), its IDE-R part
 * (redir_ider.c) and the RFB decoder that takes over KVM sessions (rfb.c). */
#ifndef AMT_REDIR_INT_H
#define AMT_REDIR_INT_H
#include "../decoder/dissector.h"
#include "../decoder/events/redir.h"
#include "../decoder/tok.h"

#define REDIR_PROTO "redir"
#define RFB_PROTO "rfb"

/* IDE-R: fills e's fields and info from the message in w (whole message). */
void redir_ider_decode(dis_ctx *c, event *e, ev_redir_message *m, wire *w);
/* The IDE-R message at p[0..len) (len >= 1): ok with its total length,
 * incomplete when more header bytes are needed to know it, error for an
 * opcode IDE-R does not have or an absurd length. */
frame_result redir_ider_length(const uint8_t *p, size_t len);
#define REDIR_UNKNOWN_COMMAND "unknown redirection command"
#define REDIR_ABSURD_LENGTH "absurd length in redirection command"

typedef struct rfb_side {
	int phase;
	uint64_t skip;          /* bytes of the current message still to pass over */
	uint32_t rects_left;    /* rectangles left in a FramebufferUpdate */
	bool challenge_seen;    /* VNC authentication challenge passed */
	bool dead;
} rfb_side;

typedef struct rfb_state {
	rfb_side side[2];       /* DIR_C2S (console), DIR_S2C (AMT) */
	int minor;              /* negotiated 3.x minor version, 0 unknown */
	uint8_t security;       /* security type chosen (0 not yet known) */
	uint8_t bytes_per_pixel;
	uint16_t width, height;
	uint64_t bytes[2];
} rfb_state;

void rfb_init(rfb_state *r);
/* Decodes RFB bytes buf[start..len) of direction c->dir; the result's
 * consumed counts from buf[0], so offsets stay those of the engine's buffer. */
dis_result rfb_parse(rfb_state *r, dis_ctx *c, const uint8_t *buf, size_t start, size_t len);

#endif
