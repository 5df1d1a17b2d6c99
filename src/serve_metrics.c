/* serve_metrics.c — the exporter's own metrics (GET /metrics of
 * `redisdiag serve`): the counters of probes, rejected requests and
 * reloads, the probe duration histogram, and the process' memory and
 * start time.  serve.c counts and holds the lock; this file keeps the
 * counts and writes their Prometheus text. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "serve_int.h"
#include "version.h"

static const char *const reject_names[RJ__COUNT] = { "bad_query", "url",
	"unknown_target", "busy", "draining", "not_found", "method" };

static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

/* Under serve.c's lock (serve_int.h). */
static struct {
	unsigned long long probes[RD_V_NO_ATTEMPT + 1];
	unsigned long long hist[NBUCKETS + 1];
	double	 hist_sum;
	unsigned long long rejected[RJ__COUNT];
	unsigned long long reloads_ok, reloads_failed;
	bool	 last_reload_ok;
	double	 last_reload_ts, start_ts;
} M;

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
serve_metrics_start(void)
{
	M.start_ts = wall_now();
	M.last_reload_ok = true;
	M.last_reload_ts = M.start_ts;
}

void
serve_count_probe(enum rd_verdict v, int64_t us)
{
	double s = (double)us / 1e6;
	size_t k;

	M.probes[v]++;
	for (k = 0; k < NBUCKETS && s > buckets[k]; k++)
		;
	M.hist[k]++;
	M.hist_sum += s;
}

void
serve_count_reject(enum reject why)
{
	M.rejected[why]++;
}

void
serve_count_reload(bool ok)
{
	if (!ok) {
		M.reloads_failed++;
		M.last_reload_ok = false;
		return;
	}
	M.reloads_ok++;
	M.last_reload_ok = true;
	M.last_reload_ts = wall_now();
}

static double
rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long size, res = 0;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (double)res * (double)sysconf(_SC_PAGESIZE);
}

static void
head(FILE *o, const char *name, const char *type, const char *help)
{
	fprintf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void
serve_metrics_counters(FILE *o, const struct serve_gauges *g)
{
	unsigned long long cum = 0;
	size_t k;
	int v;

	head(o, "redisdiag_exporter_build_info", "gauge",
	    "The exporter's version.");
	fprintf(o, "redisdiag_exporter_build_info{version=\"%s\"} 1\n",
	    RD_VERSION);
	head(o, "redisdiag_exporter_probes_total", "counter",
	    "Probes answered, by the verdict of the diagnosis.");
	for (v = 0; v <= RD_V_NO_ATTEMPT; v++)
		fprintf(o, "redisdiag_exporter_probes_total{result=\"%s\"} "
		    "%llu\n", rd_verdict_names[v], M.probes[v]);
	head(o, "redisdiag_exporter_probe_duration_seconds", "histogram",
	    "Wall time of the diagnoses /probe ran.");
	for (k = 0; k < NBUCKETS; k++) {
		cum += M.hist[k];
		fprintf(o, "redisdiag_exporter_probe_duration_seconds_bucket"
		    "{le=\"%g\"} %llu\n", buckets[k], cum);
	}
	cum += M.hist[NBUCKETS];
	fprintf(o, "redisdiag_exporter_probe_duration_seconds_bucket"
	    "{le=\"+Inf\"} %llu\n", cum);
	fprintf(o, "redisdiag_exporter_probe_duration_seconds_sum %.6f\n",
	    M.hist_sum);
	fprintf(o, "redisdiag_exporter_probe_duration_seconds_count %llu\n",
	    cum);
	head(o, "redisdiag_exporter_probes_in_flight", "gauge",
	    "Probes running now.");
	fprintf(o, "redisdiag_exporter_probes_in_flight %zu\n", g->running);
	head(o, "redisdiag_exporter_probes_queued", "gauge",
	    "Probes waiting for a worker now (--max-concurrency).");
	fprintf(o, "redisdiag_exporter_probes_queued %zu\n", g->queued);
	head(o, "redisdiag_exporter_max_concurrency", "gauge",
	    "Probes that may run at the same time.");
	fprintf(o, "redisdiag_exporter_max_concurrency %d\n",
	    g->max_concurrency);
	head(o, "redisdiag_exporter_targets", "gauge",
	    "Targets loaded from the targets file.");
	fprintf(o, "redisdiag_exporter_targets %zu\n", g->targets);
	head(o, "redisdiag_exporter_requests_rejected_total", "counter",
	    "Requests answered with an error, by reason.");
	for (k = 0; k < RJ__COUNT; k++)
		fprintf(o, "redisdiag_exporter_requests_rejected_total"
		    "{reason=\"%s\"} %llu\n", reject_names[k], M.rejected[k]);
	head(o, "redisdiag_exporter_config_reloads_total", "counter",
	    "Reloads of the targets file (SIGHUP), by result.");
	fprintf(o, "redisdiag_exporter_config_reloads_total{result=\"success\"} "
	    "%llu\n", M.reloads_ok);
	fprintf(o, "redisdiag_exporter_config_reloads_total{result=\"failure\"} "
	    "%llu\n", M.reloads_failed);
	head(o, "redisdiag_exporter_config_last_reload_successful", "gauge",
	    "1 when the last load of the targets file succeeded.");
	fprintf(o, "redisdiag_exporter_config_last_reload_successful %d\n",
	    M.last_reload_ok);
	head(o, "redisdiag_exporter_config_last_reload_success_timestamp_seconds",
	    "gauge", "When the targets file was last loaded.");
	fprintf(o, "redisdiag_exporter_config_last_reload_success_timestamp_"
	    "seconds %.3f\n", M.last_reload_ts);
}

void
serve_metrics_process(FILE *o)
{
	head(o, "process_resident_memory_bytes", "gauge",
	    "Resident memory size in bytes.");
	fprintf(o, "process_resident_memory_bytes %.0f\n", rss_bytes());
	/* Written once before any other thread ran. */
	head(o, "process_start_time_seconds", "gauge",
	    "Start time of the process since the epoch in seconds.");
	fprintf(o, "process_start_time_seconds %.3f\n", M.start_ts);
}
