/* check.c — stub; replaced by its owner. */
#include <stdio.h>

#include "commands.h"
#include "report.h"

int
cmd_check(const struct rd_cli *cli)
{
	(void)cli;
	fprintf(stderr, "redisdiag: %s: not yet available\n", cli->cmd_name);
	return RD_EXIT_NO_ATTEMPT;
}
