/* render_formats.c — the report for machines that are not JSON readers:
 * a monitoring plugin (nagios), a scrape (prometheus text exposition) and
 * a CI test report (junit XML).  ndjson lives in render_json.c, next to
 * the only cJSON code.
 *
 * Each prints what the report already says; nothing is decided here but
 * the one thing a format's own convention owns: the monitoring-plugin
 * state (SPEC section 15), from the verdict and the same thresholds the
 * perfdata prints, so the state word, the exit status and the perfdata
 * never disagree. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "version.h"

static bool printed;		/* a report went out (render_formats_printed) */

bool
render_formats_printed(void)
{
	return printed;
}

/* ---- nagios (monitoring-plugins guidelines) ---- */

void
report_thresholds(const struct rd_report_opts *o, struct rd_thresholds *w,
    struct rd_thresholds *c)
{
	*w = o->warn;
	*c = o->crit;
	/* The defaults are the rules' own thresholds (latency.high,
	 * server.memory_pressure, server.client_pressure, tls.cert_expiring),
	 * so a default run's perfdata says what its findings say. */
	if (w->latency_us < 0)
		w->latency_us = o->latency_threshold_us > 0 ?
		    o->latency_threshold_us : -1;
	if (w->memory_pct < 0)
		w->memory_pct = 90;
	if (w->clients_pct < 0)
		w->clients_pct = 90;
	if (w->cert_days < 0)
		w->cert_days = 14;
}

/* The findings the thresholds judge instead of their severity: with
 * --warning memory=95 a server at 92% is OK, as its perfdata says. */
static bool
threshold_finding(const char *id)
{
	static const char *const ids[] = { "latency.high",
	    "server.memory_pressure", "server.oom_risk",
	    "server.client_pressure", "tls.cert_expiring" };
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strcmp(id, ids[i]) == 0)
			return true;
	return false;
}

/* The measured values the thresholds apply to; false when not measured. */
struct measured {
	bool	 lat, mem, cli, cert;
	int64_t	 p99_us;
	double	 mem_pct, cli_pct;
	int	 days;
};

static void
measure(const struct rd_report *r, struct measured *m)
{
	const struct rd_obs *o = r->obs;

	memset(m, 0, sizeof(*m));
	if (o == NULL)
		return;
	if ((m->lat = o->latency.samples > 0))
		m->p99_us = o->latency.p99_us;
	if ((m->mem = o->server.info_ok && o->server.used_memory >= 0 &&
	    o->server.maxmemory > 0))
		m->mem_pct = 100.0 * (double)o->server.used_memory /
		    (double)o->server.maxmemory;
	if ((m->cli = o->server.info_ok && o->server.maxclients_known &&
	    o->server.maxclients > 0 && o->server.connected_clients >= 0))
		m->cli_pct = 100.0 * (double)o->server.connected_clients /
		    (double)o->server.maxclients;
	if ((m->cert = o->tls.attempted && o->tls.have_cert))
		m->days = o->tls.days_left;
	/* Judged as printed (two decimals), so a consumer that applies the
	 * perfdata's own ;warn;crit gets the same state. */
	m->mem_pct = (double)(long long)(m->mem_pct * 100.0 + 0.5) / 100.0;
	m->cli_pct = (double)(long long)(m->cli_pct * 100.0 + 0.5) / 100.0;
}

/* 0, 1 or 2 for one value against its warning and critical threshold (a
 * threshold < 0 is none).  "Above" is worse, or "below" when low. */
static int
judge(double v, double w, double c, bool low)
{
	if (c >= 0 && (low ? v < c : v > c))
		return 2;
	if (w >= 0 && (low ? v < w : v > w))
		return 1;
	return 0;
}

/* Which threshold decided the state, for the summary; "" when none. */
static int
threshold_state(const struct rd_report *r, char *why, size_t sz)
{
	struct rd_thresholds w, c;
	struct measured m;
	int st = 0, k;

	why[0] = '\0';
	report_thresholds(&r->opts, &w, &c);
	measure(r, &m);
	if (m.lat && (k = judge((double)m.p99_us, (double)w.latency_us,
	    (double)c.latency_us, false)) > st) {
		st = k;
		snprintf(why, sz, "latency p99 %.6fs over the %s threshold %.6fs",
		    (double)m.p99_us / 1e6, k == 2 ? "critical" : "warning",
		    (double)(k == 2 ? c.latency_us : w.latency_us) / 1e6);
	}
	if (m.mem && (k = judge(m.mem_pct, w.memory_pct, c.memory_pct,
	    false)) > st) {
		st = k;
		snprintf(why, sz, "memory %.1f%% of maxmemory over the %s "
		    "threshold %d%%", m.mem_pct, k == 2 ? "critical" : "warning",
		    k == 2 ? c.memory_pct : w.memory_pct);
	}
	if (m.cli && (k = judge(m.cli_pct, w.clients_pct, c.clients_pct,
	    false)) > st) {
		st = k;
		snprintf(why, sz, "clients %.1f%% of maxclients over the %s "
		    "threshold %d%%", m.cli_pct, k == 2 ? "critical" : "warning",
		    k == 2 ? c.clients_pct : w.clients_pct);
	}
	if (m.cert && (k = judge(m.days, w.cert_days, c.cert_days,
	    true)) > st) {
		st = k;
		snprintf(why, sz, "certificate expires in %d days, under the "
		    "%s threshold %d", m.days, k == 2 ? "critical" : "warning",
		    k == 2 ? c.cert_days : w.cert_days);
	}
	return st;
}

int
report_nagios_state(const struct rd_report *r)
{
	char why[160];
	size_t i;
	int st;

	switch (r->verdict) {
	case RD_V_NO_ATTEMPT:	return 3;
	case RD_V_REJECTING:
	case RD_V_UNREACHABLE:	return 2;
	case RD_V_OK:
	case RD_V_WARN:		break;
	}
	st = threshold_state(r, why, sizeof(why));
	for (i = 0; i < r->findings.n; i++) {
		const struct rd_finding *f = &r->findings.v[i];
		int k = f->sev == RD_SEV_CRITICAL ? 2 :
		    f->sev == RD_SEV_WARNING ? 1 : 0;

		if (!threshold_finding(f->id) && k > st)
			st = k;
	}
	return st;
}

static const char *
nagios_word(int state)
{
	switch (state) {
	case 0:		return "OK";
	case 1:		return "WARNING";
	case 2:		return "CRITICAL";
	default:	return "UNKNOWN";
	}
}

/* The plugin output is one line; no '|' may appear before the perfdata. */
static void
nagios_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == '|' ? '/' : (*s == '\n' ? ' ' : *s), out);
}

static void
perf_seconds(FILE *out, const char *label, int64_t us)
{
	fprintf(out, " %s=%lld.%06llds;;;0", label, (long long)(us / 1000000),
	    (long long)(us % 1000000));
}

/* ";W;C" with W and C in seconds, empty where none. */
static void
perf_us_range(FILE *out, int64_t w, int64_t c)
{
	fputc(';', out);
	if (w >= 0)
		fprintf(out, "%lld.%06lld", (long long)(w / 1000000),
		    (long long)(w % 1000000));
	fputc(';', out);
	if (c >= 0)
		fprintf(out, "%lld.%06lld", (long long)(c / 1000000),
		    (long long)(c % 1000000));
}

/* ";W;C" for a percentage; ";W:;C:" (alert below) when low. */
static void
perf_int_range(FILE *out, int w, int c, bool low)
{
	fputc(';', out);
	if (w >= 0)
		fprintf(out, "%d%s", w, low ? ":" : "");
	fputc(';', out);
	if (c >= 0)
		fprintf(out, "%d%s", c, low ? ":" : "");
}

int
render_nagios(const struct rd_report *r, FILE *out)
{
	const struct rd_obs *obs = r->obs;
	struct rd_thresholds w, c;
	struct measured m;
	char why[160];
	size_t i;
	int state = report_nagios_state(r);

	printed = true;
	report_thresholds(&r->opts, &w, &c);
	measure(r, &m);
	fprintf(out, "REDIS %s - ", nagios_word(state));
	if (r->summary[0] != '\0')
		nagios_text(out, r->summary);
	else
		fputs(rd_verdict_names[r->verdict], out);
	if (state < 2 && threshold_state(r, why, sizeof(why)) > 0) {
		fputs("; ", out);
		nagios_text(out, why);
	}
	/* Performance data: only what was measured (no made-up zeros). */
	if (obs != NULL) {
		fputs(" |", out);
		if (obs->total_us > 0)
			perf_seconds(out, "time", obs->total_us);
		if (obs->steps[RD_STEP_DNS].status != RD_ST_SKIP)
			perf_seconds(out, "dns", obs->steps[RD_STEP_DNS].us);
		if (obs->steps[RD_STEP_TCP].status != RD_ST_SKIP)
			perf_seconds(out, "connect", obs->steps[RD_STEP_TCP].us);
		if (obs->steps[RD_STEP_TLS].status != RD_ST_SKIP)
			perf_seconds(out, "tls", obs->steps[RD_STEP_TLS].us);
		if (m.lat) {
			perf_seconds(out, "latency_p50", obs->latency.p50_us);
			fprintf(out, " latency_p99=%lld.%06llds",
			    (long long)(m.p99_us / 1000000),
			    (long long)(m.p99_us % 1000000));
			perf_us_range(out, w.latency_us, c.latency_us);
			fputs(";0", out);
		}
		if (obs->server.info_ok && obs->server.connected_clients >= 0) {
			fprintf(out, " clients=%lld;;;0",
			    (long long)obs->server.connected_clients);
			if (obs->server.maxclients_known)
				fprintf(out, ";%lld",
				    (long long)obs->server.maxclients);
		}
		if (m.cli) {
			fprintf(out, " clients_used=%.2f%%", m.cli_pct);
			perf_int_range(out, w.clients_pct, c.clients_pct, false);
			fputs(";0;100", out);
		}
		if (obs->server.info_ok && obs->server.used_memory >= 0) {
			fprintf(out, " memory=%lldB;;;0",
			    (long long)obs->server.used_memory);
			if (obs->server.maxmemory > 0)
				fprintf(out, ";%lld",
				    (long long)obs->server.maxmemory);
		}
		if (m.mem) {
			fprintf(out, " memory_used=%.2f%%", m.mem_pct);
			perf_int_range(out, w.memory_pct, c.memory_pct, false);
			fputs(";0;100", out);
		}
		if (m.cert) {
			fprintf(out, " cert_days=%d", m.days);
			perf_int_range(out, w.cert_days, c.cert_days, true);
		}
	}
	fputc('\n', out);
	/* Long output: one line per finding, then the failed items. */
	for (i = 0; i < r->findings.n; i++) {
		const struct rd_finding *f = &r->findings.v[i];

		fprintf(out, "%s %s: ", rd_severity_names[f->sev], f->id);
		nagios_text(out, f->title);
		if (f->nremedy > 0) {
			fputs(" (fix: ", out);
			nagios_text(out, f->remediation[0]);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}

/* ---- prometheus text exposition format 0.0.4 ---- */

/* Label values escape backslash, double quote and newline. */
static void
prom_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
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

/* Starts a sample: NAME{target="...",k="v",... — the caller adds its
 * own labels with prom_label() and ends it with prom_end*(). */
static void
prom_start(struct prom *p, const char *name)
{
	int i;

	fprintf(p->out, "%s{target=", name);
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

	printed = true;
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

/* ---- junit XML: one testcase per checklist item ---- */

static void
xml(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; p != NULL && *p != '\0'; p++) {
		switch (*p) {
		case '<':	fputs("&lt;", out); break;
		case '>':	fputs("&gt;", out); break;
		case '&':	fputs("&amp;", out); break;
		case '"':	fputs("&quot;", out); break;
		case '\'':	fputs("&apos;", out); break;
		default:
			/* XML 1.0 forbids most control characters. */
			if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
				fputc('?', out);
			else
				fputc(*p, out);
		}
	}
}

/* JUnit, the Jenkins xunit schema (junit-10.xsd): one testcase per
 * checklist item, one for the latency step, and one per warning or
 * critical finding that no item explains.  A testcase's outcome follows
 * the exit status, the same way in every command:
 *   a critical finding        <failure>, or <error> when the run could
 *                             not be attempted (configuration, usage)
 *   a warning finding         <failure> under --strict, else a pass with
 *                             "warning: ..." in <system-out>
 *   an item that failed with no finding behind it   <failure>
 *   an item not decided       <skipped>
 * so a report has failures or errors exactly when the exit status is not
 * 0 (for a run that was attempted). */

enum tc_kind { TC_PASS, TC_WARN, TC_FAIL, TC_ERROR, TC_SKIP };

struct tc {
	const char *name;
	enum tc_kind kind;
	enum rd_severity worst;
	bool	 any;			/* a warning+ finding explains it */
	const char *note;
	int	 cl;			/* checklist item, -1 latency, -2 finding */
	const struct rd_finding *only;	/* for a finding's own testcase */
};

static bool
tc_has(const struct rd_report *r, const struct tc *t,
    const struct rd_finding *f)
{
	if (f->sev == RD_SEV_INFO)
		return false;
	if (t->only != NULL)
		return f == t->only;
	if (t->cl == -1)
		return strncmp(f->id, "latency.", 8) == 0;
	return report_finding_for_item(f->id, (enum rd_cl_id)t->cl);
}

static bool
finding_unmapped(const struct rd_finding *f)
{
	int k;

	if (strncmp(f->id, "latency.", 8) == 0)
		return false;
	for (k = 0; k < RD_CL__COUNT; k++)
		if (report_finding_for_item(f->id, (enum rd_cl_id)k))
			return false;
	return true;
}

static void
tc_decide(const struct rd_report *r, struct tc *t, enum rd_cl_status st)
{
	size_t i;

	t->any = false;
	t->worst = RD_SEV_INFO;
	for (i = 0; i < r->findings.n; i++) {
		if (!tc_has(r, t, &r->findings.v[i]))
			continue;
		if (!t->any || r->findings.v[i].sev > t->worst)
			t->worst = r->findings.v[i].sev;
		t->any = true;
	}
	if (t->any && t->worst == RD_SEV_CRITICAL)
		t->kind = r->verdict == RD_V_NO_ATTEMPT ? TC_ERROR : TC_FAIL;
	else if (t->any)
		t->kind = r->opts.strict ? TC_FAIL : TC_WARN;
	else if (st == RD_CL_FAIL)
		t->kind = r->verdict == RD_V_NO_ATTEMPT ? TC_ERROR : TC_FAIL;
	else if (st == RD_CL_SKIP)
		t->kind = TC_SKIP;
	else if (st == RD_CL_WARN)
		t->kind = TC_WARN;
	else
		t->kind = TC_PASS;
}

static void
tc_findings_text(FILE *out, const struct rd_report *r, const struct tc *t)
{
	size_t i;
	int j;

	for (i = 0; i < r->findings.n; i++) {
		const struct rd_finding *f = &r->findings.v[i];

		if (!tc_has(r, t, f))
			continue;
		fputs("\n", out);
		xml(out, rd_severity_names[f->sev]);
		fputc(' ', out);
		xml(out, f->id);
		fputs(": ", out);
		xml(out, f->title);
		if (f->evidence[0] != '\0') {
			fputs("\n  ", out);
			xml(out, f->evidence);
		}
		for (j = 0; j < f->nremedy && j < RD_MAX_REMEDY; j++) {
			fputs("\n  fix: ", out);
			xml(out, f->remediation[j]);
		}
	}
}

static void
tc_print(FILE *out, const struct rd_report *r, const struct tc *t,
    const char *title)
{
	bool first = true;
	size_t i;

	fprintf(out, "    <testcase classname=\"redisdiag.");
	xml(out, r->command != NULL ? r->command : "report");
	fprintf(out, "\" name=\"");
	xml(out, t->name);
	fprintf(out, "\" time=\"0\">\n");
	switch (t->kind) {
	case TC_SKIP:
		fprintf(out, "      <skipped>");
		xml(out, t->note != NULL && t->note[0] != '\0' ? t->note :
		    "not decided by this run");
		fprintf(out, "</skipped>\n");
		break;
	case TC_FAIL:
	case TC_ERROR:
		/* type: the finding ids behind the testcase. */
		fprintf(out, "      <%s type=\"", t->kind == TC_ERROR ?
		    "error" : "failure");
		for (i = 0; i < r->findings.n; i++) {
			if (!tc_has(r, t, &r->findings.v[i]))
				continue;
			fprintf(out, "%s", first ? "" : " ");
			xml(out, r->findings.v[i].id);
			first = false;
		}
		if (first)
			fputs(t->kind == TC_ERROR ? "no_attempt" : "fail", out);
		fprintf(out, "\" message=\"");
		xml(out, title);
		if (t->note != NULL && t->note[0] != '\0') {
			fputs(": ", out);
			xml(out, t->note);
		}
		fprintf(out, "\">");
		tc_findings_text(out, r, t);
		fprintf(out, "\n      </%s>\n", t->kind == TC_ERROR ?
		    "error" : "failure");
		break;
	case TC_WARN:
		fprintf(out, "      <system-out>warning: ");
		xml(out, t->note != NULL && t->note[0] != '\0' ? t->note : title);
		tc_findings_text(out, r, t);
		fprintf(out, "</system-out>\n");
		break;
	case TC_PASS:
		if (t->note != NULL && t->note[0] != '\0') {
			fprintf(out, "      <system-out>");
			xml(out, t->note);
			fprintf(out, "</system-out>\n");
		}
		break;
	}
	fprintf(out, "    </testcase>\n");
}

#define MAX_TC	(RD_CL__COUNT + 2 + 32)

int
render_junit(const struct rd_report *r, FILE *out)
{
	struct tc tcs[MAX_TC];
	int k, n = 0, failures = 0, errors = 0, skipped = 0;
	size_t i;
	double secs = 0;
	char name[64], lat[96] = "";
	bool error_seen = false;

	printed = true;
	memset(tcs, 0, sizeof(tcs));
	for (k = 0; k < RD_CL__COUNT; k++, n++) {
		tcs[n].name = report_cl_id(r, (enum rd_cl_id)k);
		tcs[n].cl = k;
		tcs[n].note = r->checklist[k].note;
		tc_decide(r, &tcs[n], r->checklist[k].status);
	}
	tcs[n].name = "latency";
	tcs[n].cl = -1;
	if (r->obs != NULL && r->obs->latency.samples > 0) {
		snprintf(lat, sizeof(lat), "p99 %.3f ms over %d PINGs",
		    (double)r->obs->latency.p99_us / 1000.0,
		    r->obs->latency.samples);
		tcs[n].note = lat;
		tc_decide(r, &tcs[n], RD_CL_PASS);
	} else {
		tcs[n].note = "no latency measured";
		tc_decide(r, &tcs[n], RD_CL_SKIP);
	}
	n++;
	for (i = 0; i < r->findings.n && n < MAX_TC - 1; i++) {
		const struct rd_finding *f = &r->findings.v[i];
		size_t j;

		if (f->sev == RD_SEV_INFO || !finding_unmapped(f))
			continue;
		for (j = 0; j < i; j++)		/* one testcase per id */
			if (strcmp(r->findings.v[j].id, f->id) == 0)
				break;
		if (j < i)
			continue;
		tcs[n].name = f->id;
		tcs[n].cl = -2;
		tcs[n].only = f;
		tcs[n].note = f->title;
		tc_decide(r, &tcs[n], RD_CL_PASS);
		n++;
	}
	for (k = 0; k < n; k++)
		error_seen |= tcs[k].kind == TC_ERROR;
	/* No attempt with nothing to blame it on (a usage error, an
	 * unreadable --env-file): one error that says why. */
	if (r->verdict == RD_V_NO_ATTEMPT && !error_seen &&
	    (r->cfg != NULL || r->command == NULL ||
	    strcmp(r->command, "explain") != 0)) {
		tcs[n].name = "configuration";
		tcs[n].cl = -3;
		tcs[n].kind = TC_ERROR;
		tcs[n].note = r->summary;
		n++;
	}
	for (k = 0; k < n; k++) {
		failures += tcs[k].kind == TC_FAIL;
		errors += tcs[k].kind == TC_ERROR;
		skipped += tcs[k].kind == TC_SKIP;
	}
	if (r->obs != NULL)
		secs = (double)r->obs->total_us / 1e6;
	snprintf(name, sizeof(name), "redisdiag %s",
	    r->command != NULL ? r->command : "");

	/* testsuites takes no skipped attribute in the Jenkins schema. */
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"redisdiag\" tests=\"%d\" failures=\"%d\" "
	    "errors=\"%d\" time=\"%.6f\">\n", n, failures, errors, secs);
	fprintf(out, "  <testsuite name=\"");
	xml(out, name);
	fprintf(out, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
	    "skipped=\"%d\" time=\"%.6f\">\n", n, failures, errors, skipped,
	    secs);
	fprintf(out, "    <properties>\n");
	fprintf(out, "      <property name=\"verdict\" value=\"%s\"/>\n",
	    rd_verdict_names[r->verdict]);
	fprintf(out, "      <property name=\"exit_code\" value=\"%d\"/>\n",
	    r->exit_code);
	if (r->cfg != NULL && r->cfg->host != NULL) {
		fprintf(out, "      <property name=\"target\" value=\"");
		xml(out, r->cfg->host);
		fprintf(out, ":%d\"/>\n", r->cfg->port);
		fprintf(out, "      <property name=\"source\" value=\"");
		xml(out, r->cfg->source);
		fprintf(out, "\"/>\n");
	}
	if (r->scenario != NULL) {
		fprintf(out, "      <property name=\"scenario\" value=\"");
		xml(out, r->scenario);
		fprintf(out, "\"/>\n");
	}
	fprintf(out, "    </properties>\n");
	for (k = 0; k < n; k++)
		tc_print(out, r, &tcs[k], tcs[k].cl >= 0 ?
		    report_cl_title(r, (enum rd_cl_id)tcs[k].cl) :
		    tcs[k].cl == -1 ? "PING latency under the threshold" :
		    tcs[k].cl == -3 ? "the run could not be attempted" :
		    tcs[k].name);
	fprintf(out, "  </testsuite>\n</testsuites>\n");
	return ferror(out) ? -1 : 0;
}
