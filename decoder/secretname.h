/* Whether a name (a WS-Man property or method parameter, a fault detail
 * element, a log field or a key in log text) names a secret, by the words the
 * AMT and DMTF class references use for secrets; docs/secrets.md lists them
 * and says why each is there (and why public keys and certificates are not). */
#ifndef AMT_SECRETNAME_H
#define AMT_SECRETNAME_H
#include <stdbool.h>
#include <stddef.h>

/* Case-insensitive, over the words of the name: "KeyBlob", "keyblob",
 * "amtPassword", "PSKValue", "OptInCode", "MasterKey" are secrets;
 * "PublicKey", "KeyLength", "X509Certificate", "Apps" are not. */
bool secret_name(const char *name);
/* The same for the n bytes at name (not NUL-terminated). */
bool secret_name_n(const char *name, size_t n);

#endif
