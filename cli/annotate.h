/* --annotate OUT.pcapng: the packets analysed (after -f and -c; several -r
 * files merged in time order, as the analysis read them) written again as
 * pcapng: one interface block per interface of each input (a pcapng's blocks
 * are walked alongside libpcap, which does not say which interface a packet
 * came from) with its link type, snapshot length and timestamp resolution;
 * a packet comment (opt_comment) on every frame a finding cites: "amtscope:
 * error dns.fqdn.mismatch: <summary> (remedy: <remedy>)". Wireshark shows
 * them with frame.comment and in its Expert Info. */
#ifndef AMT_ANNOTATE_H
#define AMT_ANNOTATE_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../rules/rule.h"

/* paths are the -r files in the order given (input i of the run is paths[i]).
 * false with *err when a file cannot be read again or a write fails. */
bool annotate_write(FILE *out, analysis *an, const char *const *paths, unsigned n, const char *filter,
		    uint64_t count, char **err);

#endif
