/* Device facts from WS-Man class instances and the AMT Server banner
 * (docs/hacking.md, shared facts). */
#ifndef AMT_WSMAN_FACTS_H
#define AMT_WSMAN_FACTS_H
#include "../decoder/events/wsman.h"
#include "rule.h"

/* Facts from a response's class properties onto the AMT device d. */
device *wsman_facts(analysis *an, device *d, const event *e, const ev_wsman *w);

#endif
