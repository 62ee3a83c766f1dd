/* amtscope logs (stub: filled in by its issue). */
#include "cli.h"

int cmd_logs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'logs' is not implemented yet");
	return EXIT_USAGE;
}
