/* Payload of EV_HTTP_REQUEST and EV_HTTP_RESPONSE (dissectors/http.c).
 * Strings live in the event's arena; NULL when the header was absent. */
#ifndef AMT_EV_HTTP_H
#define AMT_EV_HTTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum http_auth_scheme {
	HTTP_AUTH_NONE = 0,
	HTTP_AUTH_BASIC,
	HTTP_AUTH_DIGEST,
	HTTP_AUTH_NEGOTIATE,  /* Kerberos / SPNEGO */
	HTTP_AUTH_OTHER,
} http_auth_scheme;

static inline const char *http_auth_scheme_name(http_auth_scheme s)
{
	switch (s) {
	case HTTP_AUTH_NONE: return "none";
	case HTTP_AUTH_BASIC: return "Basic";
	case HTTP_AUTH_DIGEST: return "Digest";
	case HTTP_AUTH_NEGOTIATE: return "Negotiate";
	case HTTP_AUTH_OTHER: return "other";
	}
	return "other";
}

/* A WWW-Authenticate challenge (responses) or an Authorization answer
 * (requests). The Digest `response` and the Basic password are never kept:
 * only whether a response was there and how long it was. */
typedef struct http_auth {
	http_auth_scheme scheme;
	const char *realm, *nonce, *qop, *algorithm, *opaque;  /* challenge and answer */
	const char *username, *uri, *nc, *cnonce;             /* answer only */
	bool stale;
	bool has_response;    /* Digest answer carried response=... */
	size_t response_len;  /* 0 with has_response: the CVE-2017-5689 pattern */
	size_t token_len;     /* Negotiate: bytes of the base64 token */
} http_auth;

typedef struct ev_http {
	bool is_request;
	/* request line / status line */
	const char *method, *uri, *version;
	unsigned status;            /* responses */
	const char *reason;
	/* headers that matter */
	const char *host, *user_agent, *server, *content_type, *connection;
	const char *transfer_encoding, *soap_action, *expect;
	bool has_content_length;
	uint64_t content_length;    /* as declared */
	bool chunked;
	unsigned trailers;          /* trailer header lines after the last chunk */
	/* the reassembled body: body_len bytes were seen, the first body_kept
	 * are in body (capped by LIM_HTTP_BODY). The dissector's own buffer,
	 * not the arena: valid only while the event is being emitted. */
	uint64_t body_len;
	const uint8_t *body;
	size_t body_kept;
	bool body_truncated;        /* cap hit, or the stream ended inside the body */
	http_auth auth;             /* Authorization (request) / WWW-Authenticate (response) */
	const char *amt_version;    /* from "Server: Intel(R) Active Management Technology a.b.c.d" */
	/* responses: the request this answers (same connection, in order) */
	bool has_request;
	uint32_t request_frame;
	int64_t request_ts;
	const char *request_method, *request_uri;
	http_auth request_auth;     /* the Authorization the request carried */
} ev_http;

#endif
