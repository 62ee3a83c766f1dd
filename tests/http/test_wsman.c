/* SOAP / WS-Man extraction on every public sample body, the status names,
 * and hostile XML (DTD/entity bombs, depth, size, invalid UTF-8). */
#include "testutil.h"

#include "dissectors/amt_status.h"
#include "dissectors/wsman.h"
#include "inputs/kb.h"
#include "rules/wsman_meaning.h"
#include "version.h"

static arena A;

static wsman_status parse_mem(const char *xml, size_t len, ev_wsman *w, bool redact)
{
	wsman_opts o = {64, 1u << 20, redact, NULL};
	return wsman_parse(&A, (const uint8_t *)xml, len, &o, w);
}

static wsman_status parse_sample(const char *rel, ev_wsman *w)
{
	GBytes *b = public_file(rel);
	gsize n;
	const char *p = g_bytes_get_data(b, &n);
	char *copy = arena_strndup(&A, p, n);
	g_bytes_unref(b);
	return parse_mem(copy, n, w, true);
}

static const char *prop(const ev_wsman *w, const char *name, const char *instance_id)
{
	for (size_t i = 0; i < w->nprops; i++)
		if (strcmp(w->props[i].name, name) == 0 &&
		    (!instance_id || (w->props[i].instance_id && strcmp(w->props[i].instance_id, instance_id) == 0)))
			return w->props[i].value;
	return NULL;
}

/* What every sample must decode to: action (operation), class, and the
 * return value or fault, named. */
static const struct expect {
	const char *file;
	const char *operation;   /* last segment of the action */
	const char *cls;
	const char *method;      /* NULL: none */
	int rv;                  /* -1: no ReturnValue */
	const char *rv_name;
	const char *fault_subcode;
} samples[] = {
	{"requests/amt_generalsettings_enumerate.xml", "Enumerate", "AMT_GeneralSettings", NULL, -1, NULL, NULL},
	{"requests/amt_generalsettings_get.xml", "Get", "AMT_GeneralSettings", NULL, -1, NULL, NULL},
	{"requests/amt_generalsettings_pull.xml", "Pull", "AMT_GeneralSettings", NULL, -1, NULL, NULL},
	{"requests/amt_setupandconfiguration_unprovision.xml", "Unprovision", "AMT_SetupAndConfigurationService", "Unprovision", -1, NULL, NULL},
	{"requests/cim_powermanagementservice_requestpowerstatechange.xml", "RequestPowerStateChange", "CIM_PowerManagementService", "RequestPowerStateChange", -1, NULL, NULL},
	{"requests/ips_hostbasedsetup_adminsetup.xml", "AdminSetup", "IPS_HostBasedSetupService", "AdminSetup", -1, NULL, NULL},
	{"requests/eoi_remotecontrol_getsystempowerstate.xml", NULL, "RemoteControl", "GetSystemPowerState", -1, NULL, NULL},
	{"requests/eoi_remotecontrol_remotecontrol_powerdown.xml", NULL, "RemoteControl", "RemoteControl", -1, NULL, NULL},
	{"responses/amt_boot_settingdata_get.xml", "GetResponse", "AMT_BootSettingData", NULL, -1, NULL, NULL},
	{"responses/amt_ethernetport_pull.xml", "PullResponse", "AMT_EthernetPortSettings", NULL, -1, NULL, NULL},
	{"responses/amt_general_enumerate.xml", "EnumerateResponse", "AMT_GeneralSettings", NULL, -1, NULL, NULL},
	{"responses/amt_general_get.xml", "GetResponse", "AMT_GeneralSettings", NULL, -1, NULL, NULL},
	{"responses/amt_publickey_management_addtrustedrootcertificate.xml", "AddTrustedRootCertificateResponse", "AMT_PublicKeyManagementService", "AddTrustedRootCertificate", 0, "SUCCESS", NULL},
	{"responses/amt_publickey_management_generatekeypair.xml", "GenerateKeyPairResponse", "AMT_PublicKeyManagementService", "GenerateKeyPair", 0, "SUCCESS", NULL},
	{"responses/amt_redirectionservice_get.xml", "GetResponse", "AMT_RedirectionService", NULL, -1, NULL, NULL},
	{"responses/amt_redirectionservice_requeststatechange.xml", "RequestStateChangeResponse", "AMT_RedirectionService", "RequestStateChange", 0, "SUCCESS", NULL},
	{"responses/amt_setupandconfiguration_commitchanges.xml", "CommitChanges", "AMT_SetupAndConfigurationService", "CommitChanges", 0, "SUCCESS", NULL},
	{"responses/amt_setupandconfiguration_get.xml", "GetResponse", "AMT_SetupAndConfigurationService", NULL, -1, NULL, NULL},
	{"responses/amt_setupandconfiguration_unprovision.xml", "Unprovision", "AMT_SetupAndConfigurationService", "Unprovision", 0, "SUCCESS", NULL},
	{"responses/amt_tls_settingdata_pull.xml", "PullResponse", "AMT_TLSSettingData", NULL, -1, NULL, NULL},
	{"responses/cim_kvm_get.xml", "GetResponse", "CIM_KVMRedirectionSAP", NULL, -1, NULL, NULL},
	{"responses/cim_power_managementservice_requestpowerstatechange.xml", "RequestPowerStateChangeResponse", "CIM_PowerManagementService", "RequestPowerStateChange", 0, "Completed", NULL},
	{"responses/cim_software_identity_pull.xml", "PullResponse", "CIM_SoftwareIdentity", NULL, -1, NULL, NULL},
	{"responses/fault_destinationunreachable.xml", "fault", NULL, NULL, -1, NULL, "b:DestinationUnreachable"},
	{"responses/ips_hostbasedsetup_adminsetup.xml", "AdminSetup", "IPS_HostBasedSetupService", "AdminSetup", 0, "Success", NULL},
	{"responses/ips_hostbasedsetup_get.xml", "GetResponse", "IPS_HostBasedSetupService", NULL, -1, NULL, NULL},
	{"responses/ips_optin_get.xml", "GetResponse", "IPS_OptInService", NULL, -1, NULL, NULL},
};

static void test_every_sample(void)
{
	/* the table must cover the whole sample directories */
	size_t on_disk = 0;
	const char *data = getenv("TESTDATA");
	for (int i = 0; i < 2; i++) {
		char *dir = g_build_filename(data ? data : "../tests/data/public", "wsman", i ? "responses" : "requests", NULL);
		GDir *d = g_dir_open(dir, 0, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		while (g_dir_read_name(d))
			on_disk++;
		g_dir_close(d);
		g_free(dir);
	}
	CU_ASSERT_EQUAL(on_disk, G_N_ELEMENTS(samples));
	for (size_t i = 0; i < G_N_ELEMENTS(samples); i++) {
		const struct expect *x = &samples[i];
		char *rel = g_strconcat("wsman/", x->file, NULL);
		ev_wsman w;
		wsman_status st = parse_sample(rel, &w);
		g_free(rel);
		if (st != WSMAN_OK)
			fprintf(stderr, "%s: %s\n", x->file, wsman_status_text(st));
		CU_ASSERT_EQUAL(st, WSMAN_OK);
		CU_ASSERT_FALSE(w.incomplete);
		if (x->operation)
			STR_EQ(w.operation, x->operation);
		else
			CU_ASSERT_TRUE(w.legacy);
		if (x->cls)
			STR_EQ(w.class_name, x->cls);
		if (x->method)
			STR_EQ(w.method, x->method);
		CU_ASSERT_EQUAL(w.has_return, x->rv >= 0);
		if (x->rv >= 0) {
			CU_ASSERT_EQUAL(w.return_value, (uint32_t)x->rv);
			STR_EQ(w.return_name, x->rv_name);
		}
		CU_ASSERT_EQUAL(w.fault, x->fault_subcode != NULL);
		if (x->fault_subcode)
			STR_EQ(w.fault_subcode, x->fault_subcode);
		/* every decoded sample says what it is on one line */
		event *e = ev_new(&A, EV_WSMAN_RESPONSE, "wsman");
		wsman_add_fields(e, &w);
		CU_ASSERT_PTR_NOT_NULL(e->info);
		if (x->rv_name)
			CU_ASSERT_PTR_NOT_NULL(strstr(e->info, x->rv_name));
		if (x->method)
			CU_ASSERT_PTR_NOT_NULL(strstr(e->info, x->method));
	}
}

static void test_headers_and_selectors(void)
{
	ev_wsman w;
	CU_ASSERT_EQUAL(parse_sample("wsman/requests/cim_powermanagementservice_requestpowerstatechange.xml", &w), WSMAN_OK);
	STR_EQ(w.action, "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_PowerManagementService/RequestPowerStateChange");
	STR_EQ(w.to, "/wsman");
	STR_EQ(w.message_id, "0");
	STR_EQ(w.body_element, "RequestPowerStateChange_INPUT");
	STR_EQ(prop(&w, "PowerState", NULL), "8");
	CU_ASSERT_EQUAL(w.soap_version, 12);
	/* the selectors inside the EPR parameter are not header selectors */
	CU_ASSERT_EQUAL(w.nselectors, 0);

	const char *xml =
		"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
		"xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
		"xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><s:Header>"
		"<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>"
		"<w:ResourceURI>http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicKeyCertificate</w:ResourceURI>"
		"<w:SelectorSet><w:Selector Name=\"InstanceID\">Intel(r) AMT Certificate: Handle: 2</w:Selector></w:SelectorSet>"
		"<w:OptionSet><w:Option Name=\"ShowExtensions\"><![CDATA[true]]></w:Option></w:OptionSet>"
		"<a:MessageID>uuid:1</a:MessageID></s:Header><s:Body/></s:Envelope>";
	CU_ASSERT_EQUAL(parse_mem(xml, strlen(xml), &w, true), WSMAN_OK);
	CU_ASSERT_EQUAL_FATAL(w.nselectors, 1);
	STR_EQ(w.selectors[0].name, "InstanceID");
	STR_EQ(w.selectors[0].value, "Intel(r) AMT Certificate: Handle: 2");
	CU_ASSERT_EQUAL_FATAL(w.noptions, 1);
	STR_EQ(w.options[0].value, "true");  /* CDATA read as text */
	STR_EQ(w.class_name, "AMT_PublicKeyCertificate");

	/* predefined and character entities are text, not expansion */
	const char *ents =
		"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
		"xmlns:g=\"http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings\"><s:Body>"
		"<g:AMT_GeneralSettings><g:HostName>a&amp;b&#65;&lt;</g:HostName></g:AMT_GeneralSettings></s:Body></s:Envelope>";
	CU_ASSERT_EQUAL(parse_mem(ents, strlen(ents), &w, true), WSMAN_OK);
	STR_EQ(prop(&w, "HostName", NULL), "a&bA<");
}

static void test_class_properties(void)
{
	ev_wsman w;
	CU_ASSERT_EQUAL(parse_sample("wsman/responses/amt_general_get.xml", &w), WSMAN_OK);
	STR_EQ(prop(&w, "HostName", NULL), "Test Host Name");
	STR_EQ(prop(&w, "DomainName", NULL), "Test Domain Name");
	STR_EQ(prop(&w, "DigestRealm", NULL), "Digest:F3EB554784E729164447A89F60B641C5");

	CU_ASSERT_EQUAL(parse_sample("wsman/responses/amt_setupandconfiguration_get.xml", &w), WSMAN_OK);
	STR_EQ(prop(&w, "ProvisioningState", NULL), "2");
	STR_EQ(prop(&w, "ProvisioningMode", NULL), "1");
	STR_EQ(prop(&w, "ProvisioningServerOTP", NULL), "<redacted>");

	CU_ASSERT_EQUAL(parse_sample("wsman/responses/cim_software_identity_pull.xml", &w), WSMAN_OK);
	STR_EQ(prop(&w, "VersionString", "AMT"), "12.0.67");
	STR_EQ(prop(&w, "VersionString", "Build Number"), "1579");

	CU_ASSERT_EQUAL(parse_sample("wsman/responses/amt_ethernetport_pull.xml", &w), WSMAN_OK);
	STR_EQ(prop(&w, "MACAddress", "Intel(r) AMT Ethernet Port Settings 0"), "00-be-43-d8-22-a4");
	STR_EQ(prop(&w, "LinkIsUp", "Intel(r) AMT Ethernet Port Settings 1"), "false");

	CU_ASSERT_EQUAL(parse_sample("wsman/responses/amt_tls_settingdata_pull.xml", &w), WSMAN_OK);
	STR_EQ(prop(&w, "Enabled", "Intel(r) AMT 802.3 TLS Settings"), "false");
	STR_EQ(prop(&w, "AcceptNonSecureConnections", "Intel(r) AMT LMS TLS Settings"), "true");

	CU_ASSERT_EQUAL(parse_sample("wsman/responses/ips_hostbasedsetup_get.xml", &w), WSMAN_OK);
	STR_EQ(prop(&w, "CurrentControlMode", NULL), "2");
}

static void test_secrets_redacted(void)
{
	ev_wsman w;
	CU_ASSERT_EQUAL(parse_sample("wsman/requests/ips_hostbasedsetup_adminsetup.xml", &w), WSMAN_OK);
	STR_EQ(prop(&w, "NetworkAdminPassword", NULL), "<redacted>");
	event *e = ev_new(&A, EV_WSMAN_REQUEST, "wsman");
	wsman_add_fields(e, &w);
	CU_ASSERT_FALSE(event_mentions(e, "bebb3497d69b544c732651365cc3462d"));
	/* --no-redact shows it */
	GBytes *b = public_file("wsman/requests/ips_hostbasedsetup_adminsetup.xml");
	gsize n;
	const char *p = g_bytes_get_data(b, &n);
	CU_ASSERT_EQUAL(parse_mem(p, n, &w, false), WSMAN_OK);
	STR_EQ(prop(&w, "NetworkAdminPassword", NULL), "bebb3497d69b544c732651365cc3462d");
	g_bytes_unref(b);
}

static void test_fault_amt_status(void)
{
	ev_wsman w;
	const char *xml =
		"<?xml version=\"1.0\"?><a:Envelope xmlns:a=\"http://www.w3.org/2003/05/soap-envelope\" "
		"xmlns:b=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" xmlns:e=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\">"
		"<a:Header><b:Action>http://schemas.dmtf.org/wbem/wsman/1/wsman/fault</b:Action><b:RelatesTo>7</b:RelatesTo></a:Header>"
		"<a:Body><a:Fault><a:Code><a:Value>a:Receiver</a:Value><a:Subcode><a:Value>e:InternalError</a:Value></a:Subcode></a:Code>"
		"<a:Reason><a:Text xml:lang=\"en-US\">The service cannot comply with the request due to internal processing errors.</a:Text></a:Reason>"
		"<a:Detail><e:FaultDetail>AMT-STATUS 2054</e:FaultDetail></a:Detail></a:Fault></a:Body></a:Envelope>";
	CU_ASSERT_EQUAL(parse_mem(xml, strlen(xml), &w, true), WSMAN_OK);
	CU_ASSERT_TRUE(w.fault);
	STR_EQ(w.fault_code, "a:Receiver");
	STR_EQ(w.fault_subcode_local, "InternalError");
	CU_ASSERT_TRUE(w.has_amt_status);
	CU_ASSERT_EQUAL(w.amt_status, 2054);
	STR_EQ(w.amt_status_name, "INVALID_PASSWORD");
	STR_EQ(w.relates_to, "7");
	CU_ASSERT_TRUE(wsman_failed(&w));
	event *e = ev_new(&A, EV_WSMAN_RESPONSE, "wsman");
	wsman_add_fields(e, &w);
	CU_ASSERT_PTR_NOT_NULL(strstr(e->info, "INVALID_PASSWORD"));
}

static void test_status_names(void)
{
	STR_EQ(amt_status_name(0), "SUCCESS");
	STR_EQ(amt_status_name(16), "NOT_PERMITTED");
	STR_EQ(amt_status_name(0x20), "INVALID_PROVISIONING_STATE");
	STR_EQ(amt_status_name(0x400), "DISABLED_BY_POLICY");
	STR_EQ(amt_status_name(2058), "DUPLICATE");
	STR_EQ(amt_status_name(2068), "NOT_FOUND");
	STR_EQ(amt_status_name(2076), "BLOCKING_COMPONENT");
	STR_EQ(amt_status_name(2082), "OPERATION_IN_PROGRESS");
	CU_ASSERT_PTR_NULL(amt_status_name(0x817));
	/* every code of spec §3.6 has a name */
	static const uint32_t listed[] = {0x00, 0x31, 0x400, 0x800, 0x801, 0x816, 0x818, 0x81B, 0x81C, 0x821, 0x822};
	for (size_t i = 0; i < G_N_ELEMENTS(listed); i++)
		CU_ASSERT_PTR_NOT_NULL(amt_status_name(listed[i]));
	for (uint32_t v = 0; v <= 0x31; v++)
		CU_ASSERT_PTR_NOT_NULL(amt_status_name(v));
	for (uint32_t v = 0x801; v <= 0x816; v++)
		CU_ASSERT_PTR_NOT_NULL(amt_status_name(v));
	STR_EQ(amt_return_name("IPS_HostBasedSetupService", "Setup", 5), "AuthFailed");
	STR_EQ(amt_return_name("IPS_HostBasedSetupService", "AdminSetup", 2), "InvalidState");
	STR_EQ(amt_return_name("IPS_HostBasedSetupService", "AddNextCertInChain", 4), "CertVerifyFailed");
	STR_EQ(amt_return_name("AMT_SetupAndConfigurationService", "CommitChanges", 2057), "DATA_MISSING");
	STR_EQ(amt_return_name("CIM_PowerManagementService", "RequestPowerStateChange", 32768 + 16), "NOT_PERMITTED");
}

/* Meanings are the knowledge base's: every code the dissector names has one
 * there, also in the CIM vendor range (32768 + code). */
static void test_status_meanings(void)
{
	kb *k = kb_load_dir(AMT_SOURCE_DIR "/rules/kb", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	for (uint32_t v = 0; v <= 0x1000; v++)
		if (amt_status_name(v) && !amt_status_meaning(k, v))
			CU_FAIL("a named AMT status code without a meaning in rules/kb/pt-status.kb");
	STR_EQ(amt_status_meaning(k, 32768 + 0x24), "a parameter is invalid");
	STR_EQ(amt_status_meaning(k, 0x10), "the operation is not permitted in the current state or for this user");
	CU_ASSERT_PTR_NULL(amt_status_meaning(k, 0x817));
	CU_ASSERT_PTR_NULL(amt_status_meaning(NULL, 0x10));
	ev_wsman w = {.fault = true, .fault_subcode_local = "AlreadyExists"};
	STR_EQ(wsman_failure_meaning(k, &w), "the sender tried to create a resource that already exists");
	w.has_amt_status = true;
	w.amt_status = 0x806;
	STR_EQ(wsman_failure_meaning(k, &w), "the password is invalid (wrong, or does not meet the strength rules)");
	ev_wsman r = {.has_return = true, .return_value = 0};
	CU_ASSERT_PTR_NULL(wsman_failure_meaning(k, &r));
	r.return_value = 2057;
	STR_EQ(wsman_failure_meaning(k, &r), "essential data is missing (at CommitChanges: a required setting was never made)");
	kb_free(k);
}

static void test_hostile_xml(void)
{
	ev_wsman w;
	const char *bomb =
		"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
		"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>&lol2;</s:Body></s:Envelope>";
	CU_ASSERT_EQUAL(parse_mem(bomb, strlen(bomb), &w, true), WSMAN_DTD);
	const char *ext =
		"<!DOCTYPE x SYSTEM \"http://127.0.0.1:1/x.dtd\"><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"/>";
	CU_ASSERT_EQUAL(parse_mem(ext, strlen(ext), &w, true), WSMAN_DTD);
	/* an undeclared entity reference is not expanded */
	const char *ref = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>&xxe;</s:Body></s:Envelope>";
	CU_ASSERT_NOT_EQUAL(parse_mem(ref, strlen(ref), &w, true), WSMAN_OK);

	GString *deep = g_string_new("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>");
	for (int i = 0; i < 5000; i++)
		g_string_append(deep, "<x>");
	CU_ASSERT_EQUAL(parse_mem(deep->str, deep->len, &w, true), WSMAN_TOO_DEEP);
	CU_ASSERT_TRUE(w.incomplete);
	g_string_free(deep, TRUE);

	const char *bad_utf8 = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Header>"
			       "<a:Action xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\">x\xff\xfe</a:Action>"
			       "</s:Header></s:Envelope>";
	CU_ASSERT_EQUAL(parse_mem(bad_utf8, strlen(bad_utf8), &w, true), WSMAN_MALFORMED);

	wsman_opts small = {64, 100, true, NULL};
	const char *big = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
			  "0123456789012345678901234567890123456789012345678901234567890123456789</s:Body></s:Envelope>";
	CU_ASSERT_EQUAL(wsman_parse(&A, (const uint8_t *)big, strlen(big), &small, &w), WSMAN_TOO_BIG);

	const char *html = "<html><body>Log on failed</body></html>";
	CU_ASSERT_EQUAL(parse_mem(html, strlen(html), &w, true), WSMAN_NOT_SOAP);
	CU_ASSERT_FALSE(wsman_looks_soap((const uint8_t *)"{\"a\":1}", 7, NULL));
	CU_ASSERT_FALSE(wsman_looks_soap((const uint8_t *)html, strlen(html), "text/html"));
	/* truncated envelope: what came before is kept */
	const char *cut = "<a:Envelope xmlns:a=\"http://www.w3.org/2003/05/soap-envelope\" "
			  "xmlns:b=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\"><a:Header>"
			  "<b:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</b:Action></a:Header><a:Bo";
	CU_ASSERT_EQUAL(parse_mem(cut, strlen(cut), &w, true), WSMAN_MALFORMED);
	CU_ASSERT_TRUE(w.incomplete);
	STR_EQ(w.operation, "Get");
}

/* An element's text arrives in pieces: plain runs (pointed at in the
 * document), references and line ends (decoded copies), runs split by
 * comments, CDATA. Joined as a tree would hold them, capped at 4096. */
static void test_text_pieces(void)
{
	ev_wsman w;
	static const char head[] =
		"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
		"xmlns:g=\"http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings\"><s:Body>"
		"<g:AMT_GeneralSettings>";
	static const char tail[] = "</g:AMT_GeneralSettings></s:Body></s:Envelope>";
	GString *x = g_string_new(head);
	g_string_append(x, "<g:HostName> x <!--c--> y\r\nz </g:HostName>");
	g_string_append(x, "<g:DomainName>  <!--layout only-->d<?pi?>e</g:DomainName>");
	g_string_append(x, "<g:ElementName><![CDATA[ab");
	g_string_append_c(x, 0);
	g_string_append(x, "cd]]></g:ElementName><g:DigestRealm>");
	for (int i = 0; i < 5000; i++)
		g_string_append_c(x, (char)('a' + i % 26));
	g_string_append(x, "</g:DigestRealm><g:PowerSource>&#65;&amp;<![CDATA[<c>]]>&lt;</g:PowerSource>");
	g_string_append(x, tail);
	CU_ASSERT_EQUAL(parse_mem(x->str, x->len, &w, true), WSMAN_OK);
	/* CRLF read as LF, and a line break inside a value kept printable */
	STR_EQ(prop(&w, "HostName", NULL), "x  y\\x0az");
	STR_EQ(prop(&w, "DomainName", NULL), "de");
	STR_EQ(prop(&w, "ElementName", NULL), "ab");  /* as a C string: cut at the NUL */
	const char *realm = prop(&w, "DigestRealm", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(realm);
	CU_ASSERT_EQUAL(strlen(realm), 4096);
	CU_ASSERT_EQUAL(strncmp(realm, "abcdefghijklmnopqrstuvwxyzabc", 29), 0);
	STR_EQ(prop(&w, "PowerSource", NULL), "A&<c><");
	g_string_free(x, TRUE);
}

int main(void)
{
	arena_init(&A, 0);
	static const char *const names[] = {"every sample named", "headers and selectors", "class properties",
					    "secrets redacted", "fault AMT-STATUS", "status names", "status meanings", "hostile xml",
					    "text in pieces"};
	static void (*const fns[])(void) = {test_every_sample, test_headers_and_selectors, test_class_properties,
					    test_secrets_redacted, test_fault_amt_status, test_status_names,
					    test_status_meanings, test_hostile_xml, test_text_pieces};
	int rc = run_suite("wsman", names, fns, G_N_ELEMENTS(fns));
	arena_free(&A);
	return rc;
}
