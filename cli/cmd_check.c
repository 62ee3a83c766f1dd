/* amtscope check (stub: filled in by its issue). */
#include "cli.h"

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'check' is not implemented yet");
	return EXIT_USAGE;
}
