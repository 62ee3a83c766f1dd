/* Payloads of EV_DHCP_MESSAGE and EV_DHCP_LEASE (dissectors/dhcp.c). */
#ifndef AMT_EV_DHCP_H
#define AMT_EV_DHCP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../addr.h"

enum {
	DHCP_DISCOVER = 1, DHCP_OFFER = 2, DHCP_REQUEST = 3, DHCP_DECLINE = 4,
	DHCP_ACK = 5, DHCP_NAK = 6, DHCP_RELEASE = 7, DHCP_INFORM = 8,
};

#define DHCP_MAX_ADDRS 8

typedef struct ev_dhcp {
	bool v6;                  /* DHCPv6: msg_type is the v6 type, only search is set */
	uint8_t op;               /* 1 request, 2 reply */
	uint8_t msg_type;         /* option 53, 0 = plain BOOTP */
	uint32_t xid;
	char mac[18];             /* chaddr when htype 1 / hlen 6, else "" */
	amt_addr ciaddr, yiaddr, siaddr, giaddr;
	const char *hostname;     /* option 12, or NULL */
	const char *domain;       /* option 15 */
	const char *fqdn;         /* option 81 name */
	uint8_t fqdn_flags;
	const char *vendor_class; /* option 60 */
	const char **search;      /* option 119 */
	size_t nsearch;
	amt_addr dns[DHCP_MAX_ADDRS];   /* option 6 */
	size_t ndns;
	amt_addr routers[DHCP_MAX_ADDRS]; /* option 3 */
	size_t nrouters;
	amt_addr subnet_mask;     /* option 1 */
	amt_addr requested_ip;    /* option 50 */
	amt_addr server_id;       /* option 54 */
	uint32_t lease_time;      /* option 51, 0 = absent */
	bool has_lease_time;
} ev_dhcp;

/* EV_DHCP_LEASE: what an ACK gave a client, merged with what the client
 * said about itself in the REQUEST/DISCOVER of the same exchange. */
typedef struct ev_dhcp_lease {
	uint32_t xid;
	char mac[18];
	amt_addr ip;              /* yiaddr (ciaddr for an ACK to INFORM) */
	const char *hostname;     /* ACK's option 12, else the client's */
	const char *domain;       /* option 15 of the ACK */
	const char *fqdn;         /* option 81 of the ACK, else the client's */
	const char **search;      /* option 119 */
	size_t nsearch;
	amt_addr dns[DHCP_MAX_ADDRS];
	size_t ndns;
	amt_addr server_id;       /* option 54, else the sender of the ACK */
	uint32_t lease_time;
	uint32_t request_frame;   /* frame of the client's REQUEST (0: not seen) */
	uint32_t discover_frame;
	uint32_t offer_frame;
} ev_dhcp_lease;

#endif
