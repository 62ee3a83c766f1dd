#include "secretname.h"

#include <string.h>

/* Words that make a name secret wherever they stand in it, compared with the
 * name in lower case and without separators ("Opt_In_Code", "opt-in-code"):
 *  - passwords and pass phrases (AMT_AuthorizationService DigestPassword,
 *    AMT_SetupAndConfigurationService SetMEBxPassword, CIM_IEEE8021xSettings
 *    Password, IPS_HostBasedSetupService NetworkAdminPassword, KVM
 *    RFBPassword, CIM_WiFiEndpointSettings PSKPassPhrase);
 *  - keys that are secret by nature: private keys, key blobs
 *    (AMT_PublicKeyManagementService.AddKey KeyBlob: a DER private key),
 *    master keys (AMT_KerberosSettingData MasterKey), pre-shared and session
 *    keys, key material;
 *  - one-time secrets: opt-in codes (IPS_OptInService.SendOptInCode), PIN
 *    codes, one-time passwords (SetProvisioningServerOTP), EAP-FAST protected
 *    access credentials (CIM_IEEE8021xSettings ProtectedAccessCredential);
 *  - "secret" itself. */
static const char *const secret_words[] = {
	"password", "passwd", "passphrase", "passcode", "secret",
	"privatekey", "keyblob", "masterkey", "presharedkey", "sharedkey", "sessionkey", "keymaterial",
	"optincode", "pincode", "protectedaccesscredential",
	NULL,
};
static const char first_letters[] = "pskmo";

/* Short words that are secrets only as a whole word of the name (a word
 * ends where the case changes from lower to upper, at a separator or a
 * digit): PSK (PSKValue), PPS and PID (the provisioning pre-shared secret and
 * its identifier), OTP, PIN, PWD. "Apps", "Spin", "Rapid" hold none. */
static const char *const secret_acronyms[] = {"psk", "pps", "pid", "otp", "pin", "pwd", NULL};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_alpha(char c) { return is_upper(c) || is_lower(c); }

bool secret_name_n(const char *name, size_t n)
{
	char low[128];
	size_t m = 0;
	if (n > 256)
		n = 256;  /* a name; anything longer is not one */
	for (size_t i = 0; i < n && m < sizeof(low) - 1; i++)
		if (is_alpha(name[i]) || (name[i] >= '0' && name[i] <= '9'))
			low[m++] = lower(name[i]);
	low[m] = 0;
	/* one pass: a word is compared only where its first letter stands (this
	 * runs for every property of every WS-Man message) */
	for (size_t i = 0; i < m; i++) {
		if (!strchr(first_letters, low[i]))
			continue;
		for (int w = 0; secret_words[w]; w++)
			if (secret_words[w][0] == low[i] && !strncmp(low + i, secret_words[w], strlen(secret_words[w])))
				return true;
	}
	/* words: split at non-letters, lower→upper, and UPPER→Upper+lower */
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		bool end = i == n || !is_alpha(name[i]) ||
			   (i > start && is_lower(name[i - 1]) && is_upper(name[i])) ||
			   (i > start && i + 1 < n && is_upper(name[i - 1]) && is_upper(name[i]) && is_lower(name[i + 1]));
		if (!end)
			continue;
		size_t len = i - start;
		for (int w = 0; len == 3 && secret_acronyms[w]; w++)
			if (lower(name[start]) == secret_acronyms[w][0] && lower(name[start + 1]) == secret_acronyms[w][1] &&
			    lower(name[start + 2]) == secret_acronyms[w][2])
				return true;
		start = i < n && is_alpha(name[i]) ? i : i + 1;
	}
	return false;
}

bool secret_name(const char *name)
{
	return secret_name_n(name, strlen(name));
}
