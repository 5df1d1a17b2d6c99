/* render_formats.c — the report for machines that are not JSON readers:
 * a monitoring plugin (nagios) here, a scrape (prometheus text
 * exposition) in render_prom.c and a CI test report (junit XML) in
 * render_junit.c.  ndjson lives in render_json.c, next to the only cJSON
 * code.
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

#include "render_int.h"

static bool printed;		/* a report went out (render_formats_printed) */
bool
render_formats_printed(void)
{
	return printed;
}

void
render_mark_printed(void)
{
	printed = true;
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
