/* DNS RR TYPE mnemonics from IANA's "Resource Record (RR) TYPEs" registry
 * (Domain Name System (DNS) Parameters), and the opcode, class and rcode
 * names. */
#include <stddef.h>
#include <stdint.h>

#include "../decoder/events/dns.h"
#include "../decoder/tok.h"

/* sorted by value: looked up by binary search */
static const tok rr_types[] = {
	{1, "A"}, {2, "NS"}, {3, "MD"}, {4, "MF"}, {5, "CNAME"}, {6, "SOA"}, {7, "MB"}, {8, "MG"},
	{9, "MR"}, {10, "NULL"}, {11, "WKS"}, {12, "PTR"}, {13, "HINFO"}, {14, "MINFO"},
	{15, "MX"}, {16, "TXT"}, {17, "RP"}, {18, "AFSDB"}, {19, "X25"}, {20, "ISDN"}, {21, "RT"},
	{22, "NSAP"}, {23, "NSAP-PTR"}, {24, "SIG"}, {25, "KEY"}, {26, "PX"}, {27, "GPOS"},
	{28, "AAAA"}, {29, "LOC"}, {30, "NXT"}, {31, "EID"}, {32, "NIMLOC"}, {33, "SRV"},
	{34, "ATMA"}, {35, "NAPTR"}, {36, "KX"}, {37, "CERT"}, {38, "A6"}, {39, "DNAME"},
	{40, "SINK"}, {41, "OPT"}, {42, "APL"}, {43, "DS"}, {44, "SSHFP"}, {45, "IPSECKEY"},
	{46, "RRSIG"}, {47, "NSEC"}, {48, "DNSKEY"}, {49, "DHCID"}, {50, "NSEC3"},
	{51, "NSEC3PARAM"}, {52, "TLSA"}, {53, "SMIMEA"}, {55, "HIP"}, {56, "NINFO"}, {57, "RKEY"},
	{58, "TALINK"}, {59, "CDS"}, {60, "CDNSKEY"}, {61, "OPENPGPKEY"}, {62, "CSYNC"},
	{63, "ZONEMD"}, {64, "SVCB"}, {65, "HTTPS"}, {66, "DSYNC"}, {67, "HHIT"}, {68, "BRID"},
	{99, "SPF"}, {100, "UINFO"}, {101, "UID"}, {102, "GID"}, {103, "UNSPEC"}, {104, "NID"},
	{105, "L32"}, {106, "L64"}, {107, "LP"}, {108, "EUI48"}, {109, "EUI64"}, {128, "NXNAME"},
	{249, "TKEY"}, {250, "TSIG"}, {251, "IXFR"}, {252, "AXFR"}, {253, "MAILB"}, {254, "MAILA"},
	{255, "ANY"}, {256, "URI"}, {257, "CAA"}, {258, "AVC"}, {259, "DOA"}, {260, "AMTRELAY"},
	{261, "RESINFO"}, {262, "WALLET"}, {263, "CLA"}, {264, "IPN"}, {32768, "TA"},
	{32769, "DLV"}, {0, NULL},
};

const char *dns_type_name(uint16_t t)
{
	return tok_name_sorted(rr_types, TOK_COUNT(rr_types), t, NULL);
}

static const tok opcodes[] = {
	{DNS_OP_QUERY, "Standard query"}, {1, "Inverse query"}, {2, "Server status request"},
	{DNS_OP_NOTIFY, "Zone change notification"}, {DNS_OP_UPDATE, "Dynamic update"},
	{6, "DNS Stateful operations (DSO)"}, {0, NULL},
};

const char *dns_opcode_name(uint8_t op)
{
	return tok_name(opcodes, op, "Unknown operation");
}

static const tok classes[] = {
	{1, "IN"}, {3, "CH"}, {4, "HS"}, {DNS_C_NONE, "NONE"}, {DNS_C_ANY, "ANY"}, {0, NULL},
};

const char *dns_class_name(uint16_t c)
{
	return tok_name(classes, c, NULL);
}

static const tok rcodes[] = {
	{0, "No error"}, {1, "Format error"}, {2, "Server failure"}, {3, "No such name"},
	{4, "Not implemented"}, {5, "Refused"}, {6, "YXDomain"}, {7, "YXRRSet"}, {8, "NXRRSet"},
	{9, "Not authoritative"}, {10, "Not zone"}, {0, NULL},
};

const char *dns_rcode_name(uint8_t rc)
{
	return tok_name(rcodes, rc, "Unknown rcode");
}
