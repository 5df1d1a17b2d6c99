/* cmd_env.c — redisdiag env: the resolved configuration, where each
 * setting came from, and the configuration findings.  No network.
 *
 * Exit 0 when a configuration resolves (with or without findings), 3 when
 * it does not; report_finish() decides, so exit_code in the JSON equals
 * the status.  An --env-file that cannot be read or parsed is a usage
 * error like a bad option: one line on stderr, no report, exit 3. */
#include <stdio.h>

#include "commands.h"
#include "pipeline.h"
#include "resolve.h"

int
cmd_env(const struct rd_cli *cli)
{
	struct rd_config cfg;
	struct rd_report r = { 0 };
	struct rd_run_opts run = { .no_network = true };
	int rc;

	/* No vault: nothing connects, the secrets are dropped at once. */
	resolve_process(&cli->conn, &cfg, NULL);
	if (resolve_env_file_error(&cfg)) {
		config_free(&cfg);
		return RD_EXIT_NO_ATTEMPT;
	}
	resolve_warnings(&cfg, cli->ropts.quiet);

	r.command = "env";
	rc = pipeline_run(&cfg, NULL, &run, &cli->ropts, NULL, &r);
	if (!r.opts.quiet && report_render(&r, stdout) == -1) {
		fprintf(stderr, "redisdiag: env: cannot write the report\n");
		rc = RD_EXIT_NO_ATTEMPT;
	}
	report_free(&r);
	config_free(&cfg);
	return rc;
}
