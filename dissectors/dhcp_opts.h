/* DHCPv4 options (RFC 2132 and friends) and the DHCPv6 message walk, for
 * dissectors/dhcp.c. */
#ifndef AMT_DHCP_OPTS_H
#define AMT_DHCP_OPTS_H
#include <glib.h>

#include "../decoder/dissector.h"
#include "../decoder/events/dhcp.h"

typedef struct dhcp_opts {
	dis_ctx *c;
	event *e;
	ev_dhcp *d;
	int overload;         /* option 52 */
	bool ended;           /* option 255 seen in the main area */
	GByteArray *search;   /* option 119 parts, concatenated (RFC 3396) */
} dhcp_opts;

void dhcp_opts_init(dhcp_opts *o, dis_ctx *c, event *e, ev_dhcp *d);
/* Options in p[0..len), found at message offset `off`, in the area `where`. */
void dhcp_opts_parse(dhcp_opts *o, const uint8_t *p, size_t len, size_t off, const char *where);
void dhcp_opts_finish(dhcp_opts *o);

dis_result dhcpv6_parse(dis_ctx *c, const uint8_t *p, size_t len);

#endif
