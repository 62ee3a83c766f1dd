/* placeholder until the engine lands */
#include "engine.h"

#include <glib.h>
#include "dissector.h"

struct engine { amt_run *run; };
engine *engine_new(amt_run *run) { engine *e = g_new0(engine, 1); e->run = run; return e; }
void engine_free(engine *e) { g_free(e); }
bool engine_add_file(engine *e, const char *path, char **err) { (void)e; *err = g_strdup_printf("%s: not implemented", path); return false; }
void engine_run_files(engine *e) { (void)e; }
const char *engine_default_filter(void) { return ""; }
bool engine_run_live(engine *e, const live_opts *o, char **err) { (void)e; (void)o; *err = g_strdup("not implemented"); return false; }
void engine_stop(engine *e) { (void)e; }
void engine_finish(engine *e) { (void)e; }
void engine_frame(engine *e, uint16_t input, uint32_t frame, int linktype, int64_t ts_us, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{ (void)e; (void)input; (void)frame; (void)linktype; (void)ts_us; (void)data; (void)caplen; (void)wirelen; }
void dis_inner_feed(dis_ctx *c, const uint8_t *p, size_t len) { (void)c; (void)p; (void)len; }
