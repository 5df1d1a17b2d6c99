/* pipeline.h — one diagnosis, the same for every command:
 * configuration → probe → observations → rules → report.
 *
 * check, simulate, watch and env call pipeline_run(); none of them decides
 * a verdict or an exit code of its own (report_finish() does), nor copies
 * a part of the pipeline.  Run options say how to run (deadline, samples,
 * resolver, candidates); report options (rd_report_opts) how to judge and
 * print. */
#ifndef RD_PIPELINE_H
#define RD_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "obs.h"
#include "probe.h"
#include "report.h"
#include "secret.h"

struct rd_run_opts {
	int64_t	 deadline_us;		/* absolute; 0: now + cfg->timeout_us */
	int	 latency_samples;	/* PINGs for the latency step; 0: default */
	const struct rd_resolver *resolver;	/* NULL: the system resolver */
	bool	 all_candidates;	/* probe every valid candidate too */
	bool	 no_network;		/* env: the configuration's findings only */
	bool	 no_topology;		/* probe the endpoint alone (a topology's peer) */
	bool	 no_latency;		/* skip the latency step */
	bool	 no_info;		/* skip the info step */
	const char *sentinel_master;	/* the endpoint is a sentinel: ask about this master */
	bool	 no_alternatives;	/* watch: no variations after a failure */
	struct rd_hold *hold;		/* watch --hold: keeps the connection (hold.h) */
};

/* Diagnoses cfg and fills r: probes it (unless cfg is invalid or
 * no_network) under one deadline, with the secrets of vault, evaluates the
 * rules, and finishes r (checklist, verdict, exit code, summary).  The
 * caller sets r->command (and r->scenario) first and owns cfg, obs and
 * vault while r is used; r->obs is NULL when nothing was probed.  obs may
 * be NULL only when nothing is to be probed.  Returns r->exit_code.
 * Prints nothing.  Thread-safe for distinct r and obs. */
int	pipeline_run(const struct rd_config *cfg, const struct rd_vault *vault,
	    const struct rd_run_opts *run, const struct rd_report_opts *ro,
	    struct rd_obs *obs, struct rd_report *r);

/* A configuration for a peer of cfg (a candidate, a cluster node, a
 * sentinel, a master a sentinel named): c's host, port, TLS and
 * credentials with cfg's TLS files, family and timeout, SNI = c's host
 * unless it is an IP literal.  out points into c and cfg (never pass it
 * to config_free()). */
void	pipeline_peer_config(const struct rd_config *cfg,
	    const struct rd_candidate *c, struct rd_config *out);

#endif
