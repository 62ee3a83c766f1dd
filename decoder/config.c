#include "config.h"

#include <string.h>

void amt_config_defaults(amt_config *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < LIM_COUNT; i++)
		c->limit[i] = amt_limits[i].def;
	c->redact = true;
	c->tcp_idle_us = 600LL * 1000000;
	c->udp_idle_us = 60LL * 1000000;
	c->dns_timeout_us = 5LL * 1000000;
	c->hello_window_us = 60LL * 1000000;
}
