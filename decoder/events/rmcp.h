/* Payloads of EV_RMCP_PING and EV_RMCP_PONG (dissectors/rmcp.c): the ASF
 * presence ping and Intel AMT's pong on UDP 623.
 * Layout: DMTF ASF 2.0; AMT's OEM bytes per MeshCentral's amtscanner.js. */
#ifndef AMT_EV_RMCP_H
#define AMT_EV_RMCP_H
#include <stdbool.h>
#include <stdint.h>

typedef enum rmcp_prov_state {
	RMCP_PROV_PRE = 0,
	RMCP_PROV_IN = 1,
	RMCP_PROV_POST = 2,
	RMCP_PROV_UNKNOWN = 3,
} rmcp_prov_state;

typedef struct ev_rmcp {
	uint8_t sequence;
	uint8_t asf_type;      /* 0x80 ping, 0x40 pong */
	uint8_t tag;
	/* pong only */
	uint32_t oem_iana;     /* 343 = Intel */
	bool is_amt;           /* Intel IANA in the OEM bytes */
	uint16_t open_port;    /* 16992, 16993, or 0 (present but not set up) */
	uint8_t ver_major, ver_minor;
	bool has_version;
	rmcp_prov_state prov_state;
	bool dual_ports;       /* both 16992 and 16993 open: TLS configured */
	uint8_t entities, interactions;
} ev_rmcp;

const char *rmcp_prov_state_name(rmcp_prov_state s); /* "pre", "in", "post", "unknown" */

#endif
