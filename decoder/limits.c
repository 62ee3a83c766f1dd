#include "limits.h"

/* Defaults are sized so that a hostile capture stays well under 256 MB. */
const limit_def amt_limits[LIM_COUNT] = {
	[LIM_FLOWS] = {"flows", "--max-flows", 100000, "flows held in memory at once"},
	[LIM_FLOW_BYTES] = {"flow_bytes", "--max-flow-bytes", 4u << 20, "bytes buffered per flow direction"},
	[LIM_TOTAL_BYTES] = {"total_bytes", "--max-total-bytes", 128u << 20, "bytes buffered across all flows"},
	[LIM_OOO_SEGMENTS] = {"ooo_segments", "--max-ooo-segments", 512, "out-of-order TCP segments held per direction"},
	[LIM_IP_FRAGMENTS] = {"ip_fragments", "--max-ip-fragments", 256, "IP datagrams reassembled at once"},
	[LIM_HTTP_BODY] = {"http_body", "--max-body", 1u << 20, "HTTP body bytes kept per message"},
	[LIM_HTTP_HEADER] = {"http_header", "--max-http-header", 65536, "bytes of one HTTP header block"},
	[LIM_XML_DEPTH] = {"xml_depth", "--max-xml-depth", 64, "XML nesting depth"},
	[LIM_XML_SIZE] = {"xml_size", "--max-xml-size", 1u << 20, "bytes of one XML document"},
	[LIM_CERTS] = {"certs", "--max-certs", 16, "certificates decoded per chain"},
	[LIM_TLS_HANDSHAKE] = {"tls_handshake", "--max-tls-handshake", 256u << 10, "bytes of one TLS handshake message"},
	[LIM_DNS_RECORDS] = {"dns_records", "--max-dns-records", 256, "resource records decoded per DNS message"},
	[LIM_EVENTS] = {"events", "--max-events", 20000, "events kept for the timeline"},
	[LIM_LOG_LINE] = {"log_line", "--max-log-line", 65536, "bytes of one log line"},
	[LIM_KEYLOG_ENTRIES] = {"keylog_entries", "--max-keylog-entries", 100000, "TLS sessions kept from key log files"},
	[LIM_FINDINGS] = {"findings", "--max-findings", 10000, "findings kept in all"},
	[LIM_FINDINGS_DEVICE] = {"findings_per_device", "--max-findings-per-device", 8,
				 "findings of one rule for one device (distinct names, codes...)"},
};
