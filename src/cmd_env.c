/* cmd_env.c — redisdiag env: the resolved configuration, where each
 * setting came from, and the configuration findings.  No network.
 *
 * Exit 0 when a configuration resolves (with or without findings), 3 when
 * it does not; report_finish() decides, so exit_code in the JSON equals
 * the status.  An --env-file that cannot be read or parsed is a usage
 * error like a bad option: one line on stderr, no report, exit 3.
 *
 * --list-clients / --list-profiles print the model tables.  --env-batch
 * FILE (for tests/diff) resolves one environment per line, given as
 * NAME=HEX pairs instead of the process environment, and prints one
 * ndjson report each: a few thousand environments in one process. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "pipeline.h"
#include "resolve.h"

static int
env_one(const struct rd_cli *cli, struct rd_config *cfg, FILE *out)
{
	struct rd_report r = { 0 };
	struct rd_run_opts run = { .no_network = true };
	int rc;

	r.command = "env";
	rc = pipeline_run(cfg, NULL, &run, &cli->ropts, NULL, &r);
	if (!r.opts.quiet && report_render(&r, out) == -1) {
		fprintf(stderr, "redisdiag: env: cannot write the report\n");
		rc = RD_EXIT_NO_ATTEMPT;
	}
	report_free(&r);
	return rc;
}

static int
env_batch(const struct rd_cli *cli)
{
	struct rd_cli c = *cli;
	struct rd_config cfg;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int worst = 0, rc;

	if ((f = fopen(cli->env_batch, "r")) == NULL) {
		fprintf(stderr, "redisdiag: --env-batch %s: cannot be opened\n",
		    cli->env_batch);
		return RD_EXIT_NO_ATTEMPT;
	}
	c.ropts.format = RD_FMT_NDJSON;
	while (getline(&line, &cap, f) > 0) {
		resolve_pairs(&cli->conn, line, &cfg, NULL);
		rc = env_one(&c, &cfg, stdout);
		config_free(&cfg);
		worst = rc > worst ? rc : worst;
	}
	free(line);
	fclose(f);
	return worst;
}

int
cmd_env(const struct rd_cli *cli)
{
	struct rd_config cfg;
	int rc;

	if (cli->list_clients || cli->list_profiles) {
		if (render_models(cli->ropts.format, cli->list_clients, stdout) == -1)
			return RD_EXIT_NO_ATTEMPT;
		return 0;
	}
	if (cli->env_batch != NULL)
		return env_batch(cli);
	/* No vault: nothing connects, the secrets are dropped at once. */
	resolve_process(&cli->conn, &cfg, NULL);
	if (resolve_env_file_error(&cfg)) {
		config_free(&cfg);
		return RD_EXIT_NO_ATTEMPT;
	}
	resolve_warnings(&cfg, cli->ropts.quiet);
	rc = env_one(cli, &cfg, stdout);
	config_free(&cfg);
	return rc;
}
