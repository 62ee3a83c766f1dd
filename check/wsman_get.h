/* `amtscope check --user`: a read-only WS-Management Get of one AMT class
 * over HTTP (TCP 16992) or HTTPS (16993) with HTTP digest authentication. Nothing else is
 * ever sent to the device. */
#ifndef AMT_CHECK_WSMAN_GET_H
#define AMT_CHECK_WSMAN_GET_H
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define WSMAN_MAX_REPLY (1u << 20)

typedef struct wsman_reply {
	int status;              /* HTTP status of the last answer, 0 when none */
	GHashTable *props;       /* property name -> text value (the class instance) */
	char *error;             /* what went wrong, never with the password */
} wsman_reply;

void wsman_reply_clear(wsman_reply *r);
/* class_name: "AMT_GeneralSettings", "AMT_SetupAndConfigurationService". */
bool wsman_get(const char *addr, uint16_t port, bool tls, const char *user, const char *password, const char *class_name,
	       int timeout_ms, wsman_reply *r);

/* Exposed for the tests. */
/* Parses "HTTP/1.1 401 ..." headers and body out of a whole reply; the body
 * is de-chunked. Returns false when the reply is not HTTP. */
bool http_reply_parse(const char *buf, size_t len, int *status, char **www_auth, char **body);
/* The value of key in a Digest challenge ("realm", "nonce", ...), or NULL. g_free. */
char *digest_param(const char *challenge, const char *key);
/* The properties of the first element in the SOAP Body. NULL if not SOAP. */
GHashTable *wsman_props(const char *xml, size_t len);

#endif
