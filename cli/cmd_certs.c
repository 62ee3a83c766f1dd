/* amtscope certs (stub: filled in by its issue). */
#include "cli.h"

int cmd_certs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'certs' is not implemented yet");
	return EXIT_USAGE;
}
