/* The key-log verdicts (EV_TLS_DECRYPT) as findings: which TLS flows a key
 * log was given for but could not open, why, and what to do. Decrypted flows
 * raise nothing, so a decrypted capture has the findings of its plaintext. */
#include <stdio.h>

#include "../decoder/events/tls_decrypt.h"
#include "rule.h"

static const char *device_label(analysis *an, const char *ip)
{
	device *d = dev_by_ip_str(&an->dev, ip, false);
	return d ? dev_label(dev_resolve(d)) : ip;
}

static const char *remedy(tls_decrypt_reason r)
{
	switch (r) {
	case TLS_REASON_NO_KEY:
		return "Give the key log written during this capture (--keylog FILE or SSLKEYLOGFILE): set "
		       "SSLKEYLOGFILE before the console starts, and keep the file of that run; its client randoms must "
		       "match the ClientHellos in the capture.";
	case TLS_REASON_RSA_NO_KEY:
		return "RSA key exchange: amtscope decrypts with the key log only (not with a server private key). "
		       "Record the console's key log (SSLKEYLOGFILE) during the capture and give it with --keylog.";
	case TLS_REASON_RESUMED:
		return "The session resumed an earlier one whose key log line is missing: give the key log of the "
		       "earlier session too, or restart the console so that it makes a full handshake while logging keys.";
	case TLS_REASON_UNSUPPORTED:
		return "amtscope decrypts AES-GCM, AES-CCM, AES-CBC (HMAC-SHA1/256/384) and ChaCha20-Poly1305; "
		       "let the console offer one of those for the capture.";
	case TLS_REASON_NO_HANDSHAKE:
		return "Start the capture before the console connects, so that the handshake (and its client random) "
		       "is recorded.";
	case TLS_REASON_BAD_RECORD:
	case TLS_REASON_NONE:
		break;
	}
	return "The key log entry for this session does not authenticate its records: the key log is from another "
	       "run, or was edited. Record the capture and the key log in the same run.";
}

static void on_event(void *st, analysis *an, const event *e)
{
	(void)st;
	if (e->kind != EV_TLS_DECRYPT || !e->data || !e->flow)
		return;
	const ev_tls_decrypt *v = e->data;
	if (v->status == TLS_DECRYPTED)
		return;
	char ip[AMT_ADDRSTRLEN];
	amt_addr_str(&e->flow->srv, ip);
	bool failed = v->status == TLS_DECRYPT_FAILED;
	const char *id = failed ? "tls.decrypt.failed" : "tls.decrypt.not_decrypted";
	char key[32];
	snprintf(key, sizeof(key), "%d:%u", (int)v->reason, e->flow->sport);
	bool is_new = false;
	finding *x = finding_add(&an->fnd, id, failed ? SEV_WARNING : SEV_INFO, device_label(an, ip), key, &is_new);
	finding_event(x, e);
	if (is_new) {
		if (failed)
			finding_summary(x, "TLS to %s port %u could not be decrypted with the key log given: %s.", ip,
					e->flow->sport, v->reason_text ? v->reason_text : "a record did not authenticate");
		else
			finding_summary(x, "TLS to %s port %u was not decrypted (%s), so what it carries was not checked.",
					ip, e->flow->sport, v->reason_text ? v->reason_text : "no key");
		finding_remedy(x, "%s", remedy(v->reason));
	}
}

const rule rule_decrypt = {
	.name = "decrypt",
	.on_event = on_event,
};
