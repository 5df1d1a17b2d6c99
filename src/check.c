/* check.c — `redisdiag check`: resolve the process's configuration, run
 * the pipeline (pipeline.c), print the report.
 *
 * An invalid configuration is still a full report (a CI gate sees why),
 * with exit 3 decided by report_finish() like every other verdict.  An
 * --env-file that cannot be used also says so in one stderr line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "pipeline.h"
#include "resolve.h"

int
cmd_check(const struct rd_cli *cli)
{
	struct rd_config cfg;
	struct rd_vault *vault;
	struct rd_obs *obs;
	struct rd_report r;
	struct rd_run_opts run = cli->run;
	int rc;

	vault = vault_new();
	obs = calloc(1, sizeof(*obs));
	if (vault == NULL || obs == NULL) {
		fprintf(stderr, "redisdiag: check: out of memory\n");
		vault_free(vault);
		free(obs);
		return RD_EXIT_NO_ATTEMPT;
	}
	/* The deadline starts now, before the environment is read: a
	 * hundred thousand variables or a slow --env-file count against
	 * --timeout like everything else. */
	run.deadline_us = clock_now_us() + (cli->conn.timeout_us > 0 ?
	    cli->conn.timeout_us : RD_DEFAULT_TIMEOUT_US);
	resolve_process(&cli->conn, &cfg, vault);
	resolve_warnings(&cfg, cli->ropts.quiet);
	resolve_env_file_error(&cfg);

	memset(&r, 0, sizeof(r));
	r.command = "check";
	run.all_candidates = cli->conn.all_candidates || cfg.all_candidates;
	rc = pipeline_run(&cfg, vault, &run, &cli->ropts, obs, &r);
	if (cli->verbose)
		(void)render_trace(&r, stderr);
	/* A failed write is main's business (fflush); the status is the
	 * diagnosis, which the JSON states too. */
	(void)report_render(&r, stdout);
	report_free(&r);
	free(obs);
	config_free(&cfg);
	vault_free(vault);
	return rc;
}
