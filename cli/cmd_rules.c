/* amtscope rules: the finding catalogue (rules/catalogue.c), as text or as
 * the Markdown table docs/findings.md carries. */
#include <stdio.h>
#include <string.h>

#include "../rules/catalogue.h"
#include "cli.h"

static void rules_usage(FILE *f)
{
	fputs("usage: amtscope rules [--markdown]\n"
	      "Lists every finding id amtscope can raise: id, default severity, when it fires.\n"
	      "  --markdown   the table of docs/findings.md (adds where it runs and what it needs to see)\n"
	      "<code> stands for a code of the knowledge base; user rules (--rules FILE) bring their own ids.\n",
	      f);
}

int cmd_rules(int argc, char **argv)
{
	bool markdown = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--markdown")) {
			markdown = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			rules_usage(stdout);
			return EXIT_CLEAN;
		} else {
			cli_error("rules: unknown option '%s' (amtscope rules --help)", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (markdown)
		puts("| rule | severity | raised by | fires when | needs to see |\n|---|---|---|---|---|");
	for (size_t i = 0; i < catalogue_len; i++) {
		const catalogue_entry *c = &catalogue[i];
		if (markdown)
			printf("| `%s` | %s | %s | %s | %s |\n", c->id, c->severity, c->where, c->fires, c->needs);
		else
			printf("%-32s %-12s %s\n", c->id, c->severity, c->fires);
	}
	return EXIT_CLEAN;
}
