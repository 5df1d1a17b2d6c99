/* main.c — parse the command line, settle output defaults, dispatch.
 *
 * Reads top to bottom: parse, decide format and colour, run the command,
 * return its exit status (SPEC section 8).  Usage errors exit 3. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "report.h"
#include "version.h"

int
main(int argc, char **argv)
{
	struct rd_cli cli;
	int rc, werr;

	/* A closed stdout or peer must give EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);

	if (cli_parse(argc, argv, &cli) == -1) {
		cli_free(&cli);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (cli.version || cli.help) {
		if (cli.version)
			printf("%s %s\n", RD_NAME, RD_VERSION);
		else
			cli_usage(&cli);
		rc = 0;
		goto out;
	}

	if (!cli.format_set)
		cli.ropts.format = isatty(STDOUT_FILENO) ? RD_FMT_TEXT : RD_FMT_JSON;
	cli.ropts.color = !cli.no_color && getenv("NO_COLOR") == NULL &&
	    isatty(STDOUT_FILENO);

	switch (cli.cmd) {
	case RD_CMD_CHECK:
		rc = cli.targets != NULL ? cmd_check_targets(&cli) :
		    cmd_check(&cli);
		break;
	case RD_CMD_SERVE:	rc = cmd_serve(&cli); break;
	case RD_CMD_ENV:	rc = cmd_env(&cli); break;
	case RD_CMD_SIMULATE:	rc = cmd_simulate(&cli); break;
	case RD_CMD_WATCH:	rc = cmd_watch(&cli); break;
	case RD_CMD_EXPLAIN:	rc = cmd_explain(&cli); break;
	case RD_CMD_SCHEMA:
		(void)fputs(report_schema(), stdout);	/* checked below */
		rc = 0;
		break;
	default:
		rc = RD_EXIT_NO_ATTEMPT;
		break;
	}
	/* A report that did not reach stdout is not a success (curl and
	 * coreutils fail too): a write error -- a reader that went away
	 * (EPIPE), a full disk, a closed descriptor -- turns exit 0 into 3,
	 * the one status that claims nothing about the server.  A failed
	 * diagnosis keeps its own status.  The renderers have flushed
	 * already, so the error is in ferror(), not only in this fflush();
	 * a reader that closed the pipe chose to, and is not told.  errno
	 * is the failed write's unless this fflush() failed anew. */
out:
	werr = errno;
	if (fflush(stdout) == EOF)
		werr = errno;
	if (ferror(stdout)) {
		if (werr != EPIPE)
			fprintf(stderr, "redisdiag: cannot write to standard "
			    "output%s%s\n", werr != 0 ? ": " : "",
			    werr != 0 ? strerror(werr) : "");
		if (rc == 0)
			rc = RD_EXIT_NO_ATTEMPT;
	}
	cli_free(&cli);
	return rc;
}
