/* HTTP header helpers shared by the HTTP dissector and its tests:
 * authentication headers and the AMT Server banner. */
#ifndef AMT_HTTP_AUTH_H
#define AMT_HTTP_AUTH_H
#include <stdbool.h>

#include "../decoder/arena.h"
#include "../decoder/event.h"
#include "../decoder/events/http.h"

/* Parses an Authorization or WWW-Authenticate value into *out (strings in
 * a). The Digest response and the Basic password are never copied. */
void http_auth_parse(arena *a, const char *value, http_auth *out);
/* "Intel(R) Active Management Technology 15.0.23.1706" -> "15.0.23.1706";
 * NULL when the banner is not AMT's or carries no version. */
const char *http_amt_version(arena *a, const char *server);
/* Adds the http.auth.* fields of a parsed header; prefix is
 * "http.authorization" or "http.www_authenticate". */
void http_auth_fields(event *e, const char *scheme_field, const http_auth *au);

#endif
