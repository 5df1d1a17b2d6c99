/* render_prom.c — --format prometheus: the text exposition format, clean
 * under promtool check metrics, every series labelled with its target
 * (SPEC section 15); the metrics are listed in the man page. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "version.h"

#include "render_int.h"

/* ---- prometheus text exposition format 0.0.4 ---- */

/* Label values escape backslash, double quote and newline; the runs
 * between are written at once. */
static void
prom_value(FILE *out, const char *s)
{
	size_t n;

	fputc('"', out);
	while (s != NULL && *s != '\0') {
		n = strcspn(s, "\\\"\n");
		fwrite(s, 1, n, out);
		s += n;
		if (*s == '\0')
			break;
		fputs(*s == '\n' ? "\\n" : *s == '"' ? "\\\"" : "\\\\", out);
		s++;
	}
	fputc('"', out);
}

static void
prom_head(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* What every series carries: target (host:port, the socket path, or ""
 * without a configuration) and the --label pairs. */
struct prom {
	FILE	*out;
	const struct rd_report *r;
	char	 target[300];
};

/* Starts a sample: NAME{[name="...",]target="...",k="v",... — the caller
 * adds its own labels with prom_label() and ends it with prom_end*(). */
static void
prom_start(struct prom *p, const char *name)
{
	int i;

	fprintf(p->out, "%s{", name);
	if (p->r->opts.name_label != NULL) {
		fputs("name=", p->out);
		prom_value(p->out, p->r->opts.name_label);
		fputc(',', p->out);
	}
	fputs("target=", p->out);
	prom_value(p->out, p->target);
	for (i = 0; i < p->r->opts.nlabels; i++) {
		fprintf(p->out, ",%s=", p->r->opts.labels[i].key);
		prom_value(p->out, p->r->opts.labels[i].value);
	}
}

static void
prom_label(struct prom *p, const char *k, const char *v)
{
	fprintf(p->out, ",%s=", k);
	prom_value(p->out, v);
}

static void
prom_end_int(struct prom *p, long long v)
{
	fprintf(p->out, "} %lld\n", v);
}

static void
prom_end_us(struct prom *p, int64_t us)
{
	fprintf(p->out, "} %lld.%06lld\n", (long long)(us / 1000000),
	    (long long)(us % 1000000));
}

static void
prom_int(struct prom *p, const char *name, long long v)
{
	prom_start(p, name);
	prom_end_int(p, v);
}

/* "2026-12-01T12:00:00Z" as seconds since the epoch; -1 when unparsable. */
static long long
iso_epoch(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	return (long long)timegm(&tm);
}

int
render_prometheus(const struct rd_report *r, FILE *out)
{
	const struct rd_obs *obs = r->obs;
	const struct rd_config *cfg = r->cfg;
	struct prom p;
	struct rd_step st;
	size_t i;
	int k;
	static const enum rd_verdict verdicts[] = { RD_V_OK, RD_V_WARN,
	    RD_V_REJECTING, RD_V_UNREACHABLE, RD_V_NO_ATTEMPT };

	render_mark_printed();
	memset(&p, 0, sizeof(p));
	p.out = out;
	p.r = r;
	if (cfg != NULL && cfg->host != NULL && cfg->host[0] == '/')
		snprintf(p.target, sizeof(p.target), "%s", cfg->host);
	else if (cfg != NULL && cfg->host != NULL)
		snprintf(p.target, sizeof(p.target), strchr(cfg->host, ':') ?
		    "[%s]:%d" : "%s:%d", cfg->host, cfg->port);
	else if (cfg != NULL && cfg->url_redacted != NULL)
		snprintf(p.target, sizeof(p.target), "%s", cfg->url_redacted);

	/* First, and always: the series an alert rule keys on.  An invalid
	 * configuration or a usage error is down as well (SPEC section 15). */
	prom_head(out, "redisdiag_up", "gauge",
	    "1 when Redis answered PING in this run, else 0 (env never probes).");
	prom_int(&p, "redisdiag_up", r->verdict == RD_V_OK ||
	    r->verdict == RD_V_WARN ? obs != NULL : 0);
	prom_head(out, "redisdiag_exit_code", "gauge",
	    "The exit status: 0 ok, 1 rejecting, 2 unreachable, 3 no attempt.");
	prom_int(&p, "redisdiag_exit_code", r->exit_code);
	prom_head(out, "redisdiag_run_timestamp_seconds", "gauge",
	    "When this report was made, seconds since the epoch.");
	prom_int(&p, "redisdiag_run_timestamp_seconds", (long long)time(NULL));

	prom_head(out, "redisdiag_info", "gauge",
	    "The run: tool version, command and resolved target.");
	{
		char port[16] = "";

		if (cfg != NULL && cfg->port > 0)
			snprintf(port, sizeof(port), "%d", cfg->port);
		prom_start(&p, "redisdiag_info");
		prom_label(&p, "version", RD_VERSION);
		prom_label(&p, "command", r->command != NULL ? r->command : "");
		prom_label(&p, "host", cfg != NULL && cfg->host != NULL ?
		    cfg->host : "");
		prom_label(&p, "port", port);
		prom_label(&p, "tls", cfg != NULL && cfg->tls ? "true" : "false");
		prom_label(&p, "source", cfg != NULL ? cfg->source : "");
		prom_label(&p, "scenario", r->scenario != NULL ? r->scenario : "");
		prom_end_int(&p, 1);
	}
	prom_head(out, "redisdiag_verdict", "gauge",
	    "1 for the run's verdict, 0 for the others.");
	for (k = 0; k < (int)(sizeof(verdicts) / sizeof(verdicts[0])); k++) {
		prom_start(&p, "redisdiag_verdict");
		prom_label(&p, "verdict", rd_verdict_names[verdicts[k]]);
		prom_end_int(&p, r->verdict == verdicts[k]);
	}

	if (obs != NULL) {
		prom_head(out, "redisdiag_step_duration_seconds", "gauge",
		    "Time spent in each step that ran.");
		for (k = 0; k < RD_STEP__COUNT; k++) {
			report_step(r, (enum rd_step_id)k, &st);
			if (st.status == RD_ST_SKIP)
				continue;
			prom_start(&p, "redisdiag_step_duration_seconds");
			prom_label(&p, "step", rd_step_names[k]);
			prom_end_us(&p, st.us);
		}
	}
	prom_head(out, "redisdiag_step_status", "gauge",
	    "1 for each step's status (ok, warn, fail, skip).");
	for (k = 0; k < (obs != NULL ? RD_STEP__COUNT : 1); k++) {
		report_step(r, (enum rd_step_id)k, &st);
		prom_start(&p, "redisdiag_step_status");
		prom_label(&p, "step", rd_step_names[k]);
		prom_label(&p, "status", rd_status_names[st.status]);
		prom_end_int(&p, 1);
	}
	if (obs != NULL && obs->total_us > 0) {
		prom_head(out, "redisdiag_duration_seconds", "gauge",
		    "Wall time of the whole probe.");
		prom_start(&p, "redisdiag_duration_seconds");
		prom_end_us(&p, obs->total_us);
	}

	prom_head(out, "redisdiag_finding", "gauge",
	    "1 for each finding, by id and severity.");
	for (i = 0; i < r->findings.n; i++) {
		size_t j;

		/* One series per id and severity: a repeated id (one line
		 * per shadowed variable, say) would be a duplicate sample. */
		for (j = 0; j < i; j++)
			if (strcmp(r->findings.v[j].id, r->findings.v[i].id) == 0 &&
			    r->findings.v[j].sev == r->findings.v[i].sev)
				break;
		if (j < i)
			continue;
		prom_start(&p, "redisdiag_finding");
		prom_label(&p, "id", r->findings.v[i].id);
		prom_label(&p, "severity", rd_severity_names[r->findings.v[i].sev]);
		prom_end_int(&p, 1);
	}
	prom_head(out, "redisdiag_checklist", "gauge",
	    "1 for each checklist item's status (pass, fail, warn, skip).");
	for (k = 0; k < RD_CL__COUNT; k++) {
		prom_start(&p, "redisdiag_checklist");
		prom_label(&p, "id", report_cl_id(r, (enum rd_cl_id)k));
		prom_label(&p, "status", rd_cl_status_names[r->checklist[k].status]);
		prom_end_int(&p, 1);
	}

	if (obs != NULL && obs->latency.samples > 0) {
		/* The latency step as a summary of its PINGs: quantile 0 is
		 * the fastest, 1 the slowest. */
		static const char *const q[] = { "0", "0.5", "0.99", "1" };
		int64_t v[4];

		v[0] = obs->latency.min_us; v[1] = obs->latency.p50_us;
		v[2] = obs->latency.p99_us; v[3] = obs->latency.max_us;
		prom_head(out, "redisdiag_latency_seconds", "summary",
		    "PING round trips of the latency step (quantile 0 min, 1 max).");
		for (k = 0; k < 4; k++) {
			prom_start(&p, "redisdiag_latency_seconds");
			prom_label(&p, "quantile", q[k]);
			prom_end_us(&p, v[k]);
		}
		prom_start(&p, "redisdiag_latency_seconds_sum");
		prom_end_us(&p, obs->latency.sum_us);
		prom_int(&p, "redisdiag_latency_seconds_count",
		    obs->latency.samples);
	}
	if (obs != NULL && obs->tls.attempted && obs->tls.have_cert &&
	    iso_epoch(obs->tls.not_after) >= 0) {
		prom_head(out, "redisdiag_tls_cert_not_after_timestamp_seconds",
		    "gauge", "When the server certificate expires (its notAfter), "
		    "seconds since the epoch.");
		prom_int(&p, "redisdiag_tls_cert_not_after_timestamp_seconds",
		    iso_epoch(obs->tls.not_after));
	}
	if (obs != NULL && obs->server.info_ok) {
		const struct rd_server_obs *s = &obs->server;

		if (s->used_memory >= 0) {
			prom_head(out, "redisdiag_server_used_memory_bytes",
			    "gauge", "INFO used_memory.");
			prom_int(&p, "redisdiag_server_used_memory_bytes",
			    (long long)s->used_memory);
		}
		if (s->maxmemory >= 0) {
			prom_head(out, "redisdiag_server_maxmemory_bytes",
			    "gauge", "INFO maxmemory (0: no limit).");
			prom_int(&p, "redisdiag_server_maxmemory_bytes",
			    (long long)s->maxmemory);
		}
		if (s->connected_clients >= 0) {
			prom_head(out, "redisdiag_server_connected_clients",
			    "gauge", "INFO connected_clients.");
			prom_int(&p, "redisdiag_server_connected_clients",
			    (long long)s->connected_clients);
		}
		if (s->maxclients_known) {
			prom_head(out, "redisdiag_server_maxclients", "gauge",
			    "maxclients from INFO or CONFIG GET.");
			prom_int(&p, "redisdiag_server_maxclients",
			    (long long)s->maxclients);
		}
		if (s->rejected_connections >= 0) {
			prom_head(out, "redisdiag_server_rejected_connections_total",
			    "counter", "INFO rejected_connections: connections "
			    "refused for maxclients since the server started.");
			prom_int(&p, "redisdiag_server_rejected_connections_total",
			    (long long)s->rejected_connections);
		}
	}
	return ferror(out) ? -1 : 0;
}
