/* The port numbers Intel AMT and its setup services use, named once. Every
 * folder may include this (it is in decoder/, below all of them): the
 * dissectors' tables, the rules that reason about ports, and `check`'s probes
 * name a port through these, never by its number.
 * Numbers: Intel AMT SDK "Network Interface Guide" (16992-16995, 623/664
 * RMCP and the ASF-secured twin), Intel SCS documentation (9971 hello),
 * RFC 6143 (5900, where AMT's KVM speaks plain RFB when the standard VNC
 * port is enabled). */
#ifndef AMT_PORTS_H
#define AMT_PORTS_H

enum amt_port {
	AMT_PORT_HTTP = 16992,        /* WS-Man over HTTP */
	AMT_PORT_HTTPS = 16993,       /* WS-Man over TLS; the setup service's connect-back */
	AMT_PORT_REDIR = 16994,       /* redirection (SOL, IDE-R, KVM) */
	AMT_PORT_REDIR_TLS = 16995,   /* redirection over TLS */
	AMT_PORT_RMCP = 623,          /* UDP: ASF presence ping; TCP: WS-Man (older firmware) */
	AMT_PORT_RMCP_SECURE = 664,   /* UDP: secure RMCP; TCP: WS-Man over TLS (older firmware) */
	AMT_PORT_VNC = 5900,          /* KVM as plain RFB (the "standard port" option) */
	AMT_PORT_HELLO = 9971,        /* the setup service's hello listener (Intel SCS/RCS) */
};

#endif
