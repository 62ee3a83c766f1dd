/* Secrets inside the free text of log lines: "-password X", "--AdminPassword=X",
 * "\"amtPassword\":\"X\"", "mebxPassword=X", "psk: 'X'", digest
 * "response=\"<hex>\"", "Basic <base64>". The names are those of
 * decoder/secretname.h; docs/secrets.md lists the shapes. */
#ifndef AMT_LOG_REDACT_H
#define AMT_LOG_REDACT_H

/* A copy of text with each secret value replaced by "***" (g_free it), or
 * NULL when text holds none. */
char *log_redact(const char *text);

#endif
