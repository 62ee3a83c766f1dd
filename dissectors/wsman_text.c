/* \summary: string helpers of the WS-Man envelope walker (wsman.c): names,
 * trimming */
#include "wsman_text.h"

#include <string.h>

#define NS_LEGACY_PREFIX "http://schemas.intel.com/platform/client/"

/* Last path segment: ".../AMT_GeneralSettings" -> "AMT_GeneralSettings". */
const char *wsman_last_segment(arena *a, const char *uri, char sep)
{
	if (!uri)
		return NULL;
	const char *s = strrchr(uri, sep);
	s = s ? s + 1 : uri;
	return *s ? arena_strdup(a, s) : NULL;
}

bool wsman_ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), k = strlen(suffix);
	return l >= k && strcmp(s + l - k, suffix) == 0;
}

/* "http://schemas.intel.com/platform/client/RemoteControl/2004/01" -> "RemoteControl" */
const char *wsman_legacy_service(arena *a, const char *ns)
{
	size_t pl = strlen(NS_LEGACY_PREFIX);
	if (!ns || strncmp(ns, NS_LEGACY_PREFIX, pl) != 0)
		return NULL;
	const char *s = ns + pl, *e = strchr(s, '/');
	return e && e > s ? arena_strndup(a, s, (size_t)(e - s)) : arena_strdup(a, s);
}

/* isspace() of the C locale, without a locale table per byte */
static bool c_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

char *wsman_trimmed(arena *a, const char *s, size_t n)
{
	while (n && c_space(*s))
		s++, n--;
	while (n && c_space(s[n - 1]))
		n--;
	/* the scanner refuses raw control bytes, but &#13; and line breaks
	 * inside a value are well-formed: a peer's text reaches no terminal
	 * with them (as \xNN, like every dissector's strings) */
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)s[i] < 0x20 || s[i] == 0x7f)
			return arena_printable(a, (const uint8_t *)s, strnlen(s, n));
	return arena_strndup(a, s, n);
}

const char *wsman_qname_local(const char *q)
{
	const char *c = strchr(q, ':');
	return c ? c + 1 : q;
}

/* "<!DOCTYPE" anywhere in the document. Found from its '!', which SOAP
 * bodies hardly contain (memchr runs far faster than memmem here). */
bool wsman_has_doctype(const uint8_t *p, size_t len)
{
	static const char tag[] = "DOCTYPE";
	const uint8_t *end = p + len;
	for (const uint8_t *q = p; (q = memchr(q, '!', (size_t)(end - q))); q++)
		if (q > p && q[-1] == '<' && (size_t)(end - q - 1) >= sizeof(tag) - 1 &&
		    memcmp(q + 1, tag, sizeof(tag) - 1) == 0)
			return true;
	return false;
}
