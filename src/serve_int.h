/* serve_int.h — what the two halves of `redisdiag serve` share: the HTTP
 * and process side (serve.c) counts what happens, the exporter's own
 * metrics (serve_metrics.c) keep the counts and write /metrics.  Not for
 * other modules: commands.h has cmd_serve(). */
#ifndef RD_SERVE_INT_H
#define RD_SERVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

/* Why a request was answered with an error (a label of
 * redisdiag_exporter_requests_rejected_total). */
enum reject { RJ_BAD_QUERY, RJ_URL, RJ_UNKNOWN, RJ_BUSY, RJ_DRAINING,
	RJ_NOT_FOUND, RJ_METHOD, RJ__COUNT };

/* What /metrics reports of the server's state at the time. */
struct serve_gauges {
	size_t	 running, queued, targets;
	int	 max_concurrency;
};

/* The counters are under serve.c's lock: every call below but
 * serve_metrics_start() and serve_metrics_process() is made with it
 * held. */

/* Once, before the targets are first loaded (no other thread yet): the
 * process' start time, which is also the time of the first load. */
void	serve_metrics_start(void);
/* A diagnosis /probe ran: its verdict and wall time. */
void	serve_count_probe(enum rd_verdict v, int64_t us);
void	serve_count_reject(enum reject why);
/* A reload (SIGHUP) of the targets file succeeded or failed. */
void	serve_count_reload(bool ok);

/* Writes the exporter's metrics to o, the counters and g (lock held),
 * then the process' own (lock not needed). */
void	serve_metrics_counters(FILE *o, const struct serve_gauges *g);
void	serve_metrics_process(FILE *o);

#endif
