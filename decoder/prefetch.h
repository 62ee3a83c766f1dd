/* Reading a capture file on a second thread: libpcap's reads and record
 * parsing (and the kernel's copy out of the page cache) overlap with the
 * analysis. Packets travel in chunks of many packets, so the two threads
 * meet once per chunk, not once per packet; memory is a few chunks. */
#ifndef AMT_PREFETCH_H
#define AMT_PREFETCH_H
#include <pcap/pcap.h>
#include <stdbool.h>

typedef struct prefetch prefetch;

/* Starts reading p on a new thread; the thread owns p until prefetch_free.
 * NULL when no thread could be started (read p directly then). */
prefetch *prefetch_start(pcap_t *p);
/* pcap_next_ex's contract: 1 with *hdr and *data valid until the next call,
 * PCAP_ERROR_BREAK at the end of the file, PCAP_ERROR with the message in
 * *err (valid until prefetch_free). */
int prefetch_next(prefetch *f, struct pcap_pkthdr **hdr, const u_char **data, const char **err);
/* Stops the thread (wherever it is) and frees everything but p. */
void prefetch_free(prefetch *f);

#endif
