/* Payloads of EV_FLOW_OPEN, EV_FLOW_CLOSE and EV_NOTE. */
#ifndef AMT_EV_FLOW_H
#define AMT_EV_FLOW_H
#include <stdbool.h>
#include <stdint.h>

#include "../limits.h"

typedef enum flow_state {
	FLOW_SYN_SENT,     /* SYN seen, nothing back yet */
	FLOW_ESTABLISHED,  /* SYN-ACK seen, or mid-stream data both ways */
	FLOW_REFUSED,      /* RST in answer to a SYN */
	FLOW_NO_ANSWER,    /* SYN(s) never answered */
	FLOW_CLOSED,       /* FIN or RST after establishment */
	FLOW_TIMED_OUT,    /* idle timeout or end of capture while open */
	FLOW_UDP,
} flow_state;

typedef struct ev_flow {
	flow_state state;
	uint32_t syn_count;      /* SYNs (retransmissions included) from the client */
	uint64_t bytes[2];       /* payload bytes per direction */
	uint64_t packets[2];
	int64_t duration_us;
	const char *app;         /* dissector name, or NULL */
	uint32_t gaps[2];        /* holes skipped per direction */
	uint32_t overlaps_conflicting[2]; /* retransmissions whose bytes differed */
	uint32_t last_frame;
	bool midstream;          /* the flow was first seen after its SYN */
	uint16_t vlan[2];        /* outer VLAN id per direction (0: untagged or not seen) */
} ev_flow;

const char *flow_state_name(flow_state s);

typedef enum note_kind {
	NOTE_MALFORMED,    /* bytes that do not follow the protocol */
	NOTE_TRUNCATED,    /* message cut short (snaplen, capture end) */
	NOTE_GAP,          /* missing TCP bytes */
	NOTE_OVERLAP,      /* retransmission with different bytes */
	NOTE_LIMIT,        /* a resource limit was hit */
	NOTE_UNDECODABLE,  /* stream given up from here */
	NOTE_INFO,
	NOTE_INTERNAL,     /* amtscope's own bug caught (a dissector broke its contract) */
} note_kind;

typedef struct ev_note {
	note_kind kind;
	int limit;            /* limit_id when kind == NOTE_LIMIT, else -1 */
	const char *message;
} ev_note;

const char *note_kind_name(note_kind k);

#endif
