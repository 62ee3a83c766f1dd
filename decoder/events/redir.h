/* Payloads of EV_REDIR_MESSAGE, EV_REDIR_SESSION and EV_RFB_MESSAGE
 * (dissectors/redir.c, dissectors/rfb.c): Intel AMT redirection on TCP
 * 16994/16995, as MeshCommander and kraxel/amtterm implement it. */
#ifndef AMT_EV_REDIR_H
#define AMT_EV_REDIR_H
#include <stdbool.h>
#include <stdint.h>

#include "../addr.h"

typedef enum redir_type {
	REDIR_TYPE_UNKNOWN = 0,
	REDIR_TYPE_SOL,
	REDIR_TYPE_IDER,
	REDIR_TYPE_KVM,
} redir_type;

const char *redir_type_name(redir_type t); /* "SOL", "IDER", "KVM", "unknown" */

/* Authentication types of 0x13/0x14 byte 4. */
enum {
	REDIR_AUTH_QUERY = 0,
	REDIR_AUTH_USERPASS = 1,
	REDIR_AUTH_KERBEROS = 2,
	REDIR_AUTH_DIGEST = 3,      /* RFC 2069 style, no qop */
	REDIR_AUTH_DIGEST_QOP = 4,  /* RFC 2617 qop=auth */
};
const char *redir_auth_name(uint8_t t);

typedef struct ev_redir_message {
	redir_type session;
	uint8_t opcode;
	const char *name;       /* "StartRedirectionSession", "SOL_DATA_TO_HOST", ... */
	bool has_status;
	uint8_t status;
	uint32_t length;        /* bytes of the whole message */
	uint32_t data_len;      /* SOL/IDE-R data bytes carried, else 0 */
	bool has_auth;
	uint8_t auth_type;
	const char *auth_user;  /* user name of a 0x13, or NULL */
	const char *auth_realm; /* digest realm, or NULL */
} ev_redir_message;

typedef enum redir_session_state {
	REDIR_SESSION_OPENED,        /* 0x11 with status 0 */
	REDIR_SESSION_AUTHENTICATED, /* 0x14 with status 0 */
	REDIR_SESSION_REFUSED,       /* 0x11, 0x14 (not a digest challenge), 0x21 or 0x41 with status != 0 */
	REDIR_SESSION_CLOSED,        /* end message or end of the connection */
} redir_session_state;

const char *redir_session_state_name(redir_session_state s);

typedef enum redir_refusal {
	REDIR_REFUSED_NONE = 0,
	REDIR_REFUSED_START,   /* StartRedirectionSessionReply */
	REDIR_REFUSED_AUTH,    /* AuthenticateSessionReply */
	REDIR_REFUSED_SUBSESSION, /* SOL / IDE-R start reply */
} redir_refusal;

typedef struct ev_redir_session {
	redir_session_state state;
	redir_type type;
	amt_addr console, device;
	uint16_t console_port, device_port;
	uint64_t flow_id;
	int64_t start_ts;       /* µs, first message of the session */
	int64_t duration_us;    /* since the first message */
	uint64_t bytes[2];      /* redirection bytes console->AMT, AMT->console so far */
	redir_refusal refused_at;
	uint8_t status;         /* the non-zero status of a refusal */
	uint8_t auth_type;      /* last authentication type tried, 0xff none */
	const char *user;       /* user name tried, or NULL */
	bool authenticated;
} ev_redir_session;

typedef struct ev_rfb_message {
	bool from_server;
	const char *name;       /* "ProtocolVersion", "ServerInit", "FramebufferUpdate", ... */
	int msg_type;           /* RFB message type, -1 during the handshake */
	uint32_t width, height; /* ServerInit */
	const char *desktop_name;
	const char *intel_ext;  /* "KvmExtCmd" / "KvmDataChannel" for Intel's CutText carriers */
} ev_rfb_message;

#endif
