/* main.c — parse the command line, settle output defaults, dispatch.
 *
 * Reads top to bottom: parse, decide format and colour, run the command,
 * return its exit status (SPEC section 8).  Usage errors exit 3. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "report.h"
#include "version.h"

int
main(int argc, char **argv)
{
	struct rd_cli cli;
	int rc;

	/* A closed stdout or peer must give EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);

	if (cli_parse(argc, argv, &cli) == -1) {
		cli_free(&cli);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (cli.version) {
		printf("%s %s\n", RD_NAME, RD_VERSION);
		cli_free(&cli);
		return 0;
	}
	if (cli.help) {
		cli_usage(&cli);
		cli_free(&cli);
		return 0;
	}

	if (!cli.format_set)
		cli.ropts.format = isatty(STDOUT_FILENO) ? RD_FMT_TEXT : RD_FMT_JSON;
	cli.ropts.color = !cli.no_color && getenv("NO_COLOR") == NULL &&
	    isatty(STDOUT_FILENO);

	switch (cli.cmd) {
	case RD_CMD_CHECK:	rc = cmd_check(&cli); break;
	case RD_CMD_ENV:	rc = cmd_env(&cli); break;
	case RD_CMD_SIMULATE:	rc = cmd_simulate(&cli); break;
	case RD_CMD_WATCH:	rc = cmd_watch(&cli); break;
	case RD_CMD_EXPLAIN:	rc = cmd_explain(&cli); break;
	case RD_CMD_SCHEMA:
		rc = fputs(report_schema(), stdout) == EOF ? 1 : 0;
		break;
	default:
		rc = RD_EXIT_NO_ATTEMPT;
		break;
	}
	if (fflush(stdout) == EOF && rc == 0)
		rc = RD_EXIT_NO_ATTEMPT;
	cli_free(&cli);
	return rc;
}
