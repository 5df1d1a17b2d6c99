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

/* t->cl was read by the seed's probe (seed): probes every node it
 * announces and fills t's mode, seed, slots and node_ep[]. */
void	topo_cluster(const struct rd_config *cfg, const struct rd_vault *vault,
	    const struct rd_run_opts *run, const struct rd_report_opts *ro,
	    const struct rd_obs *seed, struct rd_topology *t);

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
