/* The finding catalogue as data (see catalogue.h). Kept sorted by id. */
#include "catalogue.h"

#include <string.h>

#define E(id, sev, where, fires, needs) {id, sev, where, fires, needs},
const catalogue_entry catalogue[] = {
E("amt.domain.mismatch", "error", "check",
  "AMT's own DomainName (read over WS-Man) lies outside --domain",
  "check --user: a WS-Man Get of AMT_GeneralSettings that authenticates")
E("amt.fqdn.mismatch", "warning", "check",
  "AMT's HostName.DomainName is not the --device name it was reached by",
  "check --user: AMT_GeneralSettings read over WS-Man")
E("amt.remote_config.disabled", "warning", "check",
  "the device is not provisioned and its remote configuration is switched off",
  "check --user: AMT_SetupAndConfigurationService read over WS-Man")
E("amt.status.<code>", "from the KB", "analyze",
  "a log line carries a PT_STATUS / AMT_STATUS code the knowledge base explains",
  "a log (-l) in a known format whose line holds the code")
E("capture.no_amt_traffic", "info", "analyze",
  "nothing in the capture concerns AMT (no AMT port, hello, WS-Man, RMCP, DHCP or DNS): an empty list would say nothing",
  "any capture")
E("capture.one_direction", "info", "analyze",
  "every TCP connection shows data one way only: verdicts that need the answers are not drawn",
  "the TCP connections of the capture")
E("capture.truncated", "warning", "analyze",
  "frames were cut by the capture's snaplen (caplen < len); names the checks that are blind",
  "the capture's frame headers")
E("check.amt.settings", "info", "check",
  "what AMT says of itself: host name, domain, provisioning state and mode",
  "check --user and a WS-Man answer")
E("check.device.ports", "info", "check",
  "which of 16992-16995 and 623 (TCP, RMCP ping) are open, refused or silent on a device",
  "check --device")
E("check.device.tls", "info", "check",
  "the TLS handshake on 16993 completed; names the certificate seen",
  "check --device with 16993 open")
E("check.device.tls_failed", "warning", "check",
  "16993 accepts connections but no TLS handshake completes in time",
  "check --device with 16993 open")
E("check.device.unreachable", "error", "check",
  "a device's name leads to an address where none of AMT's ports answers: nothing could be checked",
  "check --device")
E("check.device.wsman_failed", "warning", "check",
  "the WS-Man request to the device failed for another reason than a refused password",
  "check --user")
E("check.dns.lookup", "info", "check",
  "what each resolver answered for a name (CNAMEs, addresses)",
  "check --domain (and --dns for a second resolver)")
E("check.dns.no_answer", "error/warning", "check",
  "a DNS server did not answer, or answered with a failure code (an error when it is the devices' resolver: nothing could be checked)",
  "check --dns SERVER")
E("check.prov.cert", "info", "check",
  "what the provisioning certificate file holds: leaf, domain, root, key",
  "check --prov-cert FILE")
E("check.scs.port", "info", "check",
  "the setup service port answers where ProvisionServer leads",
  "check --domain, a ProvisionServer that resolves")
E("check.scs.unreachable", "error", "check",
  "the --scs host does not accept connections on the setup service port either",
  "check --scs HOST")
E("check.scs.unresolved", "warning", "check",
  "the --scs name does not resolve",
  "check --scs HOST")
E("check.skipped", "info", "check",
  "a step could not run (no --dns, --scs, --device, --prov-cert, closed 16993, unreadable file, no --user)",
  "nothing: it says what was not looked at")
E("configmgr.error.<code>", "from the KB", "analyze",
  "a ConfigMgr (SCCM) out-of-band log line carries a code the knowledge base explains",
  "a ConfigMgr log (-l)")
E("dhcp.domain.mismatch", "error", "analyze",
  "DHCP option 15 given to an AMT device differs from the domain of the provisioning certificate offered to it",
  "the device's DHCP exchange and the provisioning TLS handshake in the capture")
E("dhcp.domain.missing", "warning", "analyze",
  "an AMT device's DHCP lease carries no option 15, so it has no DNS suffix for PKI remote configuration",
  "the device's DHCP ACK in the capture")
E("dns.fqdn.mismatch", "error", "analyze, check",
  "a device's FQDN resolves to another address than the one it is seen at, or does not resolve at all",
  "the device's name (hello, DHCP, TLS, WS-Man) and a DNS answer for it; check: two resolvers that disagree")
E("dns.fqdn.missing", "error", "check",
  "a --device name does not resolve",
  "check --device FQDN")
E("dns.provisionserver.missing", "error", "analyze, check",
  "a query for ProvisionServer (bare or with a suffix) gets NXDOMAIN, no address, or no answer",
  "the DNS query in the capture, or check --domain")
E("dns.provisionserver.wrong_host", "error", "analyze, check",
  "ProvisionServer leads to an address where no setup service answers, or not to the one hellos reach",
  "the DNS answer and the hellos (or the refused connection) in the capture; check: --scs or a TCP connect")
E("dns.reverse.mismatch", "warning", "analyze, check",
  "the PTR of a device's address names another host than its FQDN",
  "a PTR answer for the device's address and its FQDN")
E("dns.reverse.missing", "info", "check",
  "a device's address has no PTR record",
  "check --device FQDN")
E("dns.split_view", "warning", "check",
  "this host's resolver answers a name otherwise than the DNS server the devices use (--dns); verdicts follow the devices' server",
  "check --dns SERVER")
E("hello.not_seen", "info", "analyze",
  "a device says over RMCP that it is in provisioning but sends no hello in the capture (names the hello window)",
  "an RMCP pong in the capture")
E("hello.repeated", "warning", "analyze",
  "the same device keeps sending hellos: provisioning does not progress",
  "several hellos from one device on TCP 9971")
E("hello.unanswered", "error/warning", "analyze",
  "a device sends hellos and the setup service never connects back to it on 16993 (no SYN, or RST, or no answer); a warning when the capture ends inside the connect-back window",
  "the hellos and the traffic after them in the capture")
E("log.clock_offset", "info", "analyze",
  "the clock offset between a log and the capture, estimated from events seen in both",
  "a log (-l) and a capture that share events (hellos, connections)")
E("log.kb_missing", "warning", "analyze",
  "the knowledge base was not found, so codes in logs are not explained",
  "a log (-l)")
E("log.time_zone", "info", "analyze",
  "a local-time log read as UTC is off by whole quarter hours; names the --log-tz to use",
  "a log without --log-tz and a capture that share events")
E("meshcentral.error.<code>", "from the KB", "analyze",
  "a MeshCentral activation log line carries a code the knowledge base explains",
  "a MeshCentral amtactivation.log (-l)")
E("prov.cert.domain_mismatch", "error", "check",
  "the provisioning certificate's CN does not cover --domain",
  "check --prov-cert FILE --domain")
E("prov.cert.expires_soon", "warning", "analyze, check, certs",
  "the provisioning certificate expires within 30 days (at the packet's time; check, certs: now)",
  "the client certificate chain to AMT:16993, or the --prov-cert file")
E("prov.cert.no_key", "error", "check",
  "the provisioning certificate file holds no private key for its leaf",
  "check --prov-cert FILE")
E("prov.cert.not_provisioning", "error", "analyze, check",
  "a certificate offered for remote configuration has neither the Intel(R) Client Setup Certificate OU nor the AMT EKU, or no serverAuth",
  "the certificate chain sent to AMT (TLS 1.2 or older, or decrypted), or check --prov-cert")
E("prov.cert.root_not_sent", "error", "analyze, check, certs",
  "the setup service's provisioning chain comes without its self-signed root: AMT keeps only root hashes and cannot match it (raised on the AMT device and on the setup service)",
  "the client certificate chain to AMT:16993, or the --prov-cert file")
E("prov.cert.untrusted_root", "error", "analyze, check",
  "the provisioning chain's root hash is not among those AMT trusts (the default list, --amt-hashes, or the hello's list)",
  "the chain sent to AMT with its root, or check --prov-cert")
E("prov.domain.non_public", "warning", "check",
  "--domain is not a public DNS domain (.local, .corp, .test, a single label ...): no public CA issues for it",
  "check --domain")
E("redir.auth.failed", "error", "analyze",
  "a redirection (SOL/IDE-R/KVM) authentication is refused",
  "the redirection session on 16994 (or 16995 decrypted)")
E("redir.session.busy", "warning", "analyze",
  "a redirection session is refused while another console holds one to the same device",
  "both consoles' redirection sessions in the capture")
E("redir.session.refused", "warning", "analyze",
  "a redirection session start is refused with a status other than busy and no other console holds the device; or a login refused in a capture of one direction, where busy cannot be told from a wrong password",
  "the redirection session start and its answer")
E("rpcgo.error.<code>", "from the KB", "analyze",
  "an rpc-go log line carries an exit or error code the knowledge base explains",
  "an rpc-go log (-l)")
E("rps.error.<code>", "from the KB", "analyze",
  "an RPS (open AMT cloud toolkit) log line carries a code the knowledge base explains",
  "an RPS log (-l)")
E("scs.contact_back_failed", "error", "analyze",
  "a setup service log says it cannot contact back the AMT device; linked to the device's packets when there are any",
  "an Intel SCS log (-l), with a capture for the frames")
E("scs.error.<code>", "from the KB", "analyze",
  "an Intel SCS / RCS / ACUConfig log line carries a code the knowledge base explains",
  "an SCS or ACUConfig log (-l)")
E("time.skew", "warning", "analyze",
  "clocks differ by more than Kerberos allows (log against capture times of one event, or SCS error 602)",
  "a log and a capture that share events, or the SCS 602 line")
E("tls.alert", "error", "analyze",
  "a fatal TLS alert ends a handshake; names the alert and who sent it",
  "the handshake in the clear (TLS 1.2 or older), or decrypted")
E("tls.cert.chain_incomplete", "error", "analyze, check",
  "an intermediate is provably missing: an issuer that was not sent and is no known anchor, or the peer rejected the chain",
  "the certificate chain (TLS 1.2 or older, or decrypted); anchors from the chain, --ca-file and the system store")
E("tls.cert.chain_invalid", "error", "analyze, check, certs",
  "the chain does not verify for another reason than a missing issuer (a bad signature, ...): OpenSSL's reason",
  "the certificate chain")
E("tls.cert.chain_order", "warning", "analyze, check",
  "the chain is complete but its certificates are not each followed by their issuer",
  "the certificate chain")
E("tls.cert.expired", "error", "analyze, check, certs",
  "a certificate had expired at the packet's own time (check, certs: now)",
  "the certificate chain and the packet's timestamp")
E("tls.cert.issuer_unknown", "warning", "analyze, check, certs",
  "the leaf alone (or a non-CA top) names an issuer that was not sent and is unknown here",
  "the certificate chain; anchors from the chain, --ca-file and the system store")
E("tls.cert.name_mismatch", "error", "analyze, check",
  "the server certificate's SAN/CN does not cover the name the client asked for (SNI, or the DNS name just resolved)",
  "the certificate and the SNI or a DNS answer naming the server")
E("tls.cert.not_yet_valid", "error", "analyze, check, certs",
  "a certificate was not yet valid at the packet's own time (check, certs: now)",
  "the certificate chain and the packet's timestamp")
E("tls.cert.root_unknown", "info", "analyze, check, certs",
  "the chain is complete as far as sent (the root may be omitted) but its root is no known anchor here",
  "the certificate chain; anchors from the chain, --ca-file and the system store")
E("tls.cert.self_signed", "warning", "analyze, check",
  "the server's certificate is self-signed",
  "the server certificate")
E("tls.cert.unparseable", "warning", "analyze, check, certs",
  "a certificate of the chain was all there (its DER's own length) and does not parse: the chain is not judged; one cut short is not judged at all",
  "the certificate chain")
E("tls.cert.unsupported_algorithm", "warning", "analyze, check, certs",
  "a certificate uses an algorithm this OpenSSL cannot check (e.g. ML-DSA): the chain is not judged",
  "the certificate chain")
E("tls.cert.weak", "warning", "analyze, check",
  "an MD5 or SHA-1 signature, or an RSA/DSA key under 2048 bits or EC under 224, every reason named (an error in a provisioning chain)",
  "the certificate chain")
E("tls.config.amt_hashes", "warning", "analyze",
  "the --amt-hashes file could not be read, so the default root hashes are used",
  "analyze --amt-hashes FILE")
E("tls.config.ca_file", "warning", "analyze",
  "the --ca-file file could not be read, so only sent certificates and the system store anchor chains",
  "analyze --ca-file FILE")
E("tls.decrypt.failed", "warning", "analyze",
  "a record failed authentication with the key from the key log",
  "a TLS flow and a key log (--keylog) entry for it")
E("tls.decrypt.not_decrypted", "info", "analyze",
  "a TLS flow could not be decrypted with the key logs given; says why (no key, suite, RSA exchange, resumption, no handshake)",
  "a TLS flow and --keylog")
E("win.error.<code>", "from the KB", "analyze",
  "a log line carries a Windows error code the knowledge base explains",
  "a log (-l) that quotes a Windows error")
E("wsman.auth.failed", "error", "analyze, check",
  "HTTP 401 with no later success on the same flow or device (realm and user named, never the response)",
  "the HTTP exchange on 16992 (or 16993 decrypted); check --user")
E("wsman.cve_2017_5689", "error", "analyze",
  "a Digest answer with an empty response was accepted with 2xx: the INTEL-SA-00075 bypass worked",
  "the HTTP exchange in the clear or decrypted")
E("wsman.cve_2017_5689.attempt", "info", "analyze",
  "a Digest answer with an empty response was tried and refused",
  "the HTTP exchange in the clear or decrypted")
E("wsman.fault", "warning", "analyze",
  "a SOAP fault, or a non-zero ReturnValue / PT_STATUS (named)",
  "the WS-Man response body in the clear or decrypted")
};
#undef E
const size_t catalogue_len = sizeof(catalogue) / sizeof(catalogue[0]);

const catalogue_entry *catalogue_find(const char *id)
{
	for (size_t i = 0; i < catalogue_len; i++) {
		const char *c = catalogue[i].id;
		if (!strcmp(c, id))
			return &catalogue[i];
		/* "scs.error.<code>" stands for every scs.error.N */
		const char *family = strstr(c, ".<code>");
		if (family && !strncmp(c, id, (size_t)(family - c + 1)) && id[family - c + 1])
			return &catalogue[i];
	}
	return NULL;
}
