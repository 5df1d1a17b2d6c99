/* topo_run.h — probing a topology from here (topo.c): every announced
 * cluster endpoint, or every sentinel and the master they name, one
 * thread each under the run's deadline.  Called by pipeline.c. */
#ifndef RD_TOPO_RUN_H
#define RD_TOPO_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "obs.h"
#include "pipeline.h"
#include "topo.h"

/* Probing every node t->cl announces (read by the seed's probe), one
 * thread each: topo_cluster_start() starts them (called back from the
 * seed's probe, so they run during its latency step; NULL when it could
 * not) and topo_cluster_finish() waits for them (cr may be NULL) and fills
 * t's mode, seed, cluster_state and slots.  A node announced at the seed's
 * own host and port, or at the address the seed's connection reached
 * (seed_peer, "127.0.0.1:6379" as obs.tcp.peer; NULL or "" when none), is
 * not dialled twice: topo_record_seed() fills it from the run's probe and
 * its findings so far. */
struct topo_cluster_run;
struct topo_cluster_run *topo_cluster_start(const struct rd_config *cfg,
	    const struct rd_vault *vault, const struct rd_run_opts *run,
	    const struct rd_report_opts *ro, const char *seed_peer,
	    struct rd_topology *t);
void	topo_cluster_finish(struct topo_cluster_run *cr,
	    const struct rd_config *cfg, const struct rd_obs *seed,
	    struct rd_topology *t);
void	topo_record_seed(struct rd_topology *t, const struct rd_config *cfg,
	    const struct rd_obs *obs, const struct rd_report *r);

/* The target itself is a sentinel (INFO redis_mode:sentinel) named as
 * if it were Redis, with no master name: t says so, with the masters it
 * monitors (obs->sentinel.known). */
void	topo_sentinel_seed(const struct rd_config *cfg, const struct rd_obs *obs,
	    struct rd_topology *t);

/* cfg names sentinels: asks each about cfg->master_name, probes the
 * master most of them name fully into *obs (or, when none names one,
 * copies the first answering sentinel's probe there) and its replicas'
 * reachability; fills t. */
void	topo_sentinel(const struct rd_config *cfg, const struct rd_vault *vault,
	    const struct rd_run_opts *run, const struct rd_report_opts *ro,
	    struct rd_obs *obs, struct rd_topology *t);

/* ep's verdict, exit code, summary and critical findings from r. */
void	topo_record_verdict(struct rd_endpoint_result *ep,
	    const struct rd_report *r);

/* Whether the application's client follows MOVED/ASK (a cluster client);
 * model gets the model's name. */
bool	topo_client_cluster_aware(const struct rd_config *cfg, char *model,
	    size_t sz);

#endif
