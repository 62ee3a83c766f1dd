/* Internals of the HTTP dissector shared by http.c (framing), http_head.c
 * (header blocks) and http_emit.c (events). */
#ifndef AMT_HTTP_PRIV_H
#define AMT_HTTP_PRIV_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "../decoder/dissector.h"
#include "http_auth.h"
#include "wsman.h"

#define CHUNK_LINE_MAX 1024
#define PENDING_MAX 1024
#define BODY_KEEP 16384  /* a body buffer up to this size is kept for the next message */

typedef enum phase {
	PH_HEAD, PH_BODY_LEN, PH_CHUNK_SIZE, PH_CHUNK_DATA, PH_CHUNK_CRLF, PH_TRAILERS,
	PH_BODY_EOF, PH_RESYNC, PH_DEAD,
	PH_TUNNEL,  /* after a CONNECT answered 2xx: the bytes go to the inner dissector */
} phase;

/* A request waiting for its response. Shared between the queue and the
 * request direction while the request's body is still arriving. */
typedef struct pending {
	int refs;
	char *method, *uri, *authorization;
	uint32_t frame;
	int64_t ts;
	bool wsman;
	char *action, *operation, *cls, *wmethod;
} pending;

typedef struct msg {
	arena strs;  /* the strings below; reset with the message */
	bool is_request;
	char *method, *uri, *version, *reason;
	unsigned status;
	char *host, *user_agent, *server, *content_type, *connection, *transfer_encoding;
	char *soap_action, *expect, *authorization, *www_authenticate;
	bool has_cl, chunked;
	uint64_t cl;
	unsigned trailers;
	GByteArray *body;
	uint64_t body_len;
	bool body_truncated;
	dis_hold body_held;  /* body->len, counted against --max-total-bytes */
	uint32_t first_frame;
	pending *req;   /* requests: our queue entry; responses: the request answered */
} msg;

typedef struct http_dir {
	phase ph;
	msg m;
	uint64_t remaining;
	size_t trailer_bytes;
	uint64_t skipped;  /* PH_RESYNC: bytes passed over so far */
	size_t scanned;    /* PH_HEAD: bytes of the pending header block already searched */
} http_dir;

typedef struct http_state {
	http_dir d[2];
	GQueue pending;
	bool connect_sent;  /* a CONNECT request is waiting for its answer */
	bool tunnel;        /* a CONNECT was answered 2xx */
} http_state;

/* The header block p[0..n) (start line to the empty line): false when the
 * start line is not HTTP's (http_head.c). */
bool http_parse_head(msg *m, const uint8_t *p, size_t n);
/* The offset just past the empty line that ends a header block, or 0. */
size_t http_find_head_end(const uint8_t *p, size_t len);
void http_pending_unref(pending *q);
void http_msg_clear(msg *m);
void http_die(http_dir *d);
/* The header block of a request was parsed: queue it for its response. */
void http_queue_request(dis_ctx *c, http_state *s, msg *m);
/* The message ended at buffer offset last: emit its events, clear it. */
void http_finish(dis_ctx *c, http_state *s, msg *m, size_t last);
/* No more bytes in this direction: flush what is in progress. */
void http_end_of_stream(dis_ctx *c, http_state *s, http_dir *d, size_t len);

#endif
