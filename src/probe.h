/* probe.h — the staged probe: dns → tcp → tls → auth → select → ping →
 * info → latency, under one absolute deadline.
 *
 * The probe owns its sockets (hiredis only formats commands and parses
 * replies), records every fact into struct rd_obs, and judges nothing. */
#ifndef RD_PROBE_H
#define RD_PROBE_H

#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "obs.h"
#include "topo.h"

/* Resolver seam.  NULL means the system's getaddrinfo().  The function runs
 * on a worker thread that the probe abandons at the deadline, so it may
 * block; simulate uses it for dns-nxdomain, hardening for a stalling DNS.
 * It returns 0 or an EAI_* code and must allocate *res so that freeres()
 * (or freeaddrinfo() when freeres is NULL) releases it. */
struct rd_resolver {
	int	(*resolve)(void *ctx, const char *host, const char *service,
		    const struct addrinfo *hints, struct addrinfo **res);
	void	(*freeres)(void *ctx, struct addrinfo *);
	void	*ctx;
};

struct rd_hold;

struct rd_probe_opts {
	int64_t	 deadline_us;		/* absolute, clock_now_us() based */
	int	 latency_samples;	/* PINGs for the latency step (default 10) */
	const struct rd_resolver *resolver;	/* NULL: system resolver */
	bool	 no_cross_try;		/* skip the plaintext/TLS cross-try */
	const struct rd_vault *vault;	/* the run's secrets: AUTH reveals cfg->secret,
					   and every server byte is masked of all */
	/* Non-NULL: a cluster node reads its topology into the storage
	 * this returns (topo.h), asked for only once INFO has said
	 * "cluster" (NULL: no memory, the seed alone is reported); with a
	 * sentinel seed, its masters are asked.  ctx is topology_ctx. */
	struct rd_cluster_obs *(*cluster_store)(void *ctx);
	const char *sentinel_master;	/* non-NULL: ask the peer, a sentinel,
					   about this master (obs->sentinel) */
	bool	 no_latency;		/* skip the latency step (topology peers) */
	bool	 no_info;		/* skip the info step (topology peers: their
					   role and state come from the topology) */
	/* Called (on the probe's thread) once cluster holds a topology,
	 * before the latency step, so its nodes can be probed meanwhile. */
	void	(*topology_read)(void *ctx);
	void	*topology_ctx;
	struct rd_hold *hold;		/* non-NULL: a conversation that ended well
					   leaves its connection here (hold.h) */
};

/* Runs every step it can for cfg and fills *obs (zeroed first).  Never
 * prints, never blocks past po->deadline_us. */
void	probe_run(const struct rd_config *cfg, const struct rd_probe_opts *po,
	    struct rd_obs *obs);

#endif
