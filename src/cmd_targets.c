/* cmd_targets.c — `redisdiag check --targets FILE` (SPEC section 14):
 * every target of the file diagnosed concurrently (at most
 * --max-concurrency at a time) under one deadline, reported together;
 * the exit status is the worst of them.
 *
 * A file or --env-file that cannot be used is a usage error: one line on
 * stderr, exit 3, before any probe. */
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "commands.h"
#include "targets.h"
#include "tls.h"

int
cmd_check_targets(const struct rd_cli *cli)
{
	struct rd_targets ts;
	struct rd_fleet_env fe;
	struct rd_target_result *res;
	char err[512];
	int64_t t0 = clock_now_us(), deadline;
	int rc;
	size_t i;

	if (fleet_env_load(&cli->conn, cli->run.latency_samples, &fe, err, sizeof(err)) == -1) {
		fprintf(stderr, "redisdiag: %s\n", err);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (targets_load(cli->targets, &ts, err, sizeof(err)) == -1) {
		fprintf(stderr, "redisdiag: --targets %s\n", err);
		fleet_env_free(&fe);
		return RD_EXIT_NO_ATTEMPT;
	}
	if ((res = calloc(ts.n, sizeof(*res))) == NULL) {
		fprintf(stderr, "redisdiag: check: out of memory\n");
		targets_free(&ts);
		fleet_env_free(&fe);
		return RD_EXIT_NO_ATTEMPT;
	}
	/* One TLS context per distinct set of TLS files, not one per
	 * target. */
	tls_share_contexts(true);
	deadline = t0 + (cli->conn.timeout_us > 0 ? cli->conn.timeout_us :
	    RD_DEFAULT_TIMEOUT_US);
	rc = targets_run_all(&ts, &fe, &cli->ropts, cli->max_concurrency,
	    deadline, res);
	(void)targets_render(res, ts.n, ts.path, clock_now_us() - t0,
	    &cli->ropts, stdout);
	for (i = 0; i < ts.n; i++)
		target_result_free(&res[i]);
	free(res);
	tls_share_contexts(false);
	targets_free(&ts);
	fleet_env_free(&fe);
	return rc;
}
