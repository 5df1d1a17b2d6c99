/* render_formats.c — the report for machines that are not JSON readers:
 * a monitoring plugin (nagios), a scrape (prometheus text exposition) and
 * a CI test report (junit XML).  ndjson lives in render_json.c, next to
 * the only cJSON code.
 *
 * Each prints what the report already says; nothing is decided here.  The
 * exit codes 0/1/2/3 are the plugin convention OK/WARNING/CRITICAL/UNKNOWN
 * already, so nagios maps exit_code to its status word directly. */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "version.h"

/* ---- nagios (monitoring-plugins guidelines) ---- */

static const char *
nagios_word(int exit_code)
{
	switch (exit_code) {
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

int
render_nagios(const struct rd_report *r, FILE *out)
{
	const struct rd_obs *obs = r->obs;
	size_t i;

	fprintf(out, "REDIS %s - ", nagios_word(r->exit_code));
	if (r->summary[0] != '\0')
		nagios_text(out, r->summary);
	else
		fputs(rd_verdict_names[r->verdict], out);
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
		if (obs->latency.samples > 0) {
			perf_seconds(out, "latency_p50", obs->latency.p50_us);
			fprintf(out, " latency_p99=%lld.%06llds;%lld.%06lld;;0",
			    (long long)(obs->latency.p99_us / 1000000),
			    (long long)(obs->latency.p99_us % 1000000),
			    (long long)(r->opts.latency_threshold_us / 1000000),
			    (long long)(r->opts.latency_threshold_us % 1000000));
		}
		if (obs->server.info_ok && obs->server.connected_clients >= 0) {
			fprintf(out, " clients=%lld;;;0",
			    (long long)obs->server.connected_clients);
			if (obs->server.maxclients_known)
				fprintf(out, ";%lld",
				    (long long)obs->server.maxclients);
		}
		if (obs->server.info_ok && obs->server.used_memory >= 0)
			fprintf(out, " memory=%lldB;;;0",
			    (long long)obs->server.used_memory);
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
prom_label(FILE *out, const char *s)
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

static void
prom_seconds(FILE *out, int64_t us)
{
	fprintf(out, " %lld.%06lld\n", (long long)(us / 1000000),
	    (long long)(us % 1000000));
}

int
render_prometheus(const struct rd_report *r, FILE *out)
{
	const struct rd_obs *obs = r->obs;
	const struct rd_config *cfg = r->cfg;
	struct rd_step st;
	size_t i;
	int k;
	static const enum rd_verdict verdicts[] = { RD_V_OK, RD_V_WARN,
	    RD_V_REJECTING, RD_V_UNREACHABLE, RD_V_NO_ATTEMPT };

	prom_head(out, "redisdiag_info", "gauge",
	    "The run: tool version, command and resolved target.");
	fprintf(out, "redisdiag_info{version=");
	prom_label(out, RD_VERSION);
	fprintf(out, ",command=");
	prom_label(out, r->command);
	if (cfg != NULL) {
		char port[16];

		snprintf(port, sizeof(port), "%d", cfg->port);
		fprintf(out, ",host=");
		prom_label(out, cfg->host);
		fprintf(out, ",port=");
		prom_label(out, cfg->port > 0 ? port : "");
		fprintf(out, ",tls=");
		prom_label(out, cfg->tls ? "true" : "false");
		fprintf(out, ",source=");
		prom_label(out, cfg->source);
	}
	if (r->scenario != NULL) {
		fprintf(out, ",scenario=");
		prom_label(out, r->scenario);
	}
	fprintf(out, "} 1\n");

	/* Up only means something when a probe ran (not for env). */
	if (obs != NULL) {
		prom_head(out, "redisdiag_up", "gauge",
		    "1 when Redis answered PING, else 0.");
		fprintf(out, "redisdiag_up %d\n",
		    r->verdict == RD_V_OK || r->verdict == RD_V_WARN);
	}
	prom_head(out, "redisdiag_exit_code", "gauge",
	    "The exit status: 0 ok, 1 rejecting, 2 unreachable, 3 no attempt.");
	fprintf(out, "redisdiag_exit_code %d\n", r->exit_code);
	prom_head(out, "redisdiag_verdict", "gauge",
	    "1 for the run's verdict, 0 for the others.");
	for (k = 0; k < (int)(sizeof(verdicts) / sizeof(verdicts[0])); k++) {
		fprintf(out, "redisdiag_verdict{verdict=");
		prom_label(out, rd_verdict_names[verdicts[k]]);
		fprintf(out, "} %d\n", r->verdict == verdicts[k]);
	}

	if (obs != NULL) {
		prom_head(out, "redisdiag_step_duration_seconds", "gauge",
		    "Time spent in each step that ran.");
		for (k = 0; k < RD_STEP__COUNT; k++) {
			report_step(r, (enum rd_step_id)k, &st);
			if (st.status == RD_ST_SKIP)
				continue;
			fprintf(out, "redisdiag_step_duration_seconds{step=");
			prom_label(out, rd_step_names[k]);
			fputc('}', out);
			prom_seconds(out, st.us);
		}
	}
	prom_head(out, "redisdiag_step_status", "gauge",
	    "1 for each step's status (ok, warn, fail, skip).");
	for (k = 0; k < (obs != NULL ? RD_STEP__COUNT : 1); k++) {
		report_step(r, (enum rd_step_id)k, &st);
		fprintf(out, "redisdiag_step_status{step=");
		prom_label(out, rd_step_names[k]);
		fprintf(out, ",status=");
		prom_label(out, rd_status_names[st.status]);
		fprintf(out, "} 1\n");
	}
	if (obs != NULL && obs->total_us > 0) {
		prom_head(out, "redisdiag_duration_seconds", "gauge",
		    "Wall time of the whole probe.");
		fprintf(out, "redisdiag_duration_seconds");
		prom_seconds(out, obs->total_us);
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
		fprintf(out, "redisdiag_finding{id=");
		prom_label(out, r->findings.v[i].id);
		fprintf(out, ",severity=");
		prom_label(out, rd_severity_names[r->findings.v[i].sev]);
		fprintf(out, "} 1\n");
	}
	prom_head(out, "redisdiag_checklist", "gauge",
	    "1 for each checklist item's status (pass, fail, warn, skip).");
	for (k = 0; k < RD_CL__COUNT; k++) {
		fprintf(out, "redisdiag_checklist{id=");
		prom_label(out, report_cl_id(r, (enum rd_cl_id)k));
		fprintf(out, ",status=");
		prom_label(out, rd_cl_status_names[r->checklist[k].status]);
		fprintf(out, "} 1\n");
	}

	if (obs != NULL && obs->latency.samples > 0) {
		static const char *const q[] = { "min", "p50", "p99", "max" };
		int64_t v[4];

		v[0] = obs->latency.min_us; v[1] = obs->latency.p50_us;
		v[2] = obs->latency.p99_us; v[3] = obs->latency.max_us;
		prom_head(out, "redisdiag_latency_seconds", "gauge",
		    "PING round trips of the latency step.");
		for (k = 0; k < 4; k++) {
			fprintf(out, "redisdiag_latency_seconds{stat=");
			prom_label(out, q[k]);
			fputc('}', out);
			prom_seconds(out, v[k]);
		}
		prom_head(out, "redisdiag_latency_samples", "gauge",
		    "PINGs in the latency step.");
		fprintf(out, "redisdiag_latency_samples %d\n",
		    obs->latency.samples);
	}
	if (obs != NULL && obs->tls.attempted && obs->tls.have_cert) {
		prom_head(out, "redisdiag_tls_cert_days_left", "gauge",
		    "Days until the server certificate expires (negative: expired).");
		fprintf(out, "redisdiag_tls_cert_days_left %d\n",
		    obs->tls.days_left);
	}
	if (obs != NULL && obs->server.info_ok) {
		const struct rd_server_obs *s = &obs->server;

		if (s->used_memory >= 0) {
			prom_head(out, "redisdiag_server_used_memory_bytes",
			    "gauge", "INFO used_memory.");
			fprintf(out, "redisdiag_server_used_memory_bytes %lld\n",
			    (long long)s->used_memory);
		}
		if (s->maxmemory >= 0) {
			prom_head(out, "redisdiag_server_maxmemory_bytes",
			    "gauge", "INFO maxmemory (0: no limit).");
			fprintf(out, "redisdiag_server_maxmemory_bytes %lld\n",
			    (long long)s->maxmemory);
		}
		if (s->connected_clients >= 0) {
			prom_head(out, "redisdiag_server_connected_clients",
			    "gauge", "INFO connected_clients.");
			fprintf(out, "redisdiag_server_connected_clients %lld\n",
			    (long long)s->connected_clients);
		}
		if (s->maxclients_known) {
			prom_head(out, "redisdiag_server_maxclients", "gauge",
			    "maxclients from INFO or CONFIG GET.");
			fprintf(out, "redisdiag_server_maxclients %lld\n",
			    (long long)s->maxclients);
		}
		if (s->rejected_connections >= 0) {
			prom_head(out, "redisdiag_server_rejected_connections",
			    "gauge", "INFO rejected_connections.");
			fprintf(out, "redisdiag_server_rejected_connections %lld\n",
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

/* Under --strict a warning fails the run, so it fails its testcase too. */
static bool
cl_failed(const struct rd_report *r, enum rd_cl_status s)
{
	return s == RD_CL_FAIL || (s == RD_CL_WARN && r->opts.strict);
}

int
render_junit(const struct rd_report *r, FILE *out)
{
	int k, failures = 0, skipped = 0;
	size_t i;
	double secs = 0;
	char name[64];

	for (k = 0; k < RD_CL__COUNT; k++) {
		if (cl_failed(r, r->checklist[k].status))
			failures++;
		else if (r->checklist[k].status == RD_CL_SKIP)
			skipped++;
	}
	if (r->obs != NULL)
		secs = (double)r->obs->total_us / 1e6;
	snprintf(name, sizeof(name), "redisdiag %s",
	    r->command != NULL ? r->command : "");

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"redisdiag\" tests=\"%d\" failures=\"%d\" "
	    "errors=\"0\" skipped=\"%d\" time=\"%.6f\">\n", RD_CL__COUNT,
	    failures, skipped, secs);
	fprintf(out, "  <testsuite name=\"");
	xml(out, name);
	fprintf(out, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" "
	    "skipped=\"%d\" time=\"%.6f\">\n", RD_CL__COUNT, failures, skipped,
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

	for (k = 0; k < RD_CL__COUNT; k++) {
		const struct rd_cl_item *c = &r->checklist[k];
		bool first = true;

		fprintf(out, "    <testcase classname=\"redisdiag.");
		xml(out, r->command != NULL ? r->command : "report");
		fprintf(out, "\" name=\"");
		xml(out, report_cl_id(r, (enum rd_cl_id)k));
		fprintf(out, "\">\n");
		if (cl_failed(r, c->status)) {
			/* type: the finding ids behind the item. */
			fprintf(out, "      <failure type=\"");
			for (i = 0; i < r->findings.n; i++) {
				if (r->findings.v[i].sev == RD_SEV_INFO ||
				    !report_finding_for_item(r->findings.v[i].id,
				    (enum rd_cl_id)k))
					continue;
				fprintf(out, "%s", first ? "" : " ");
				xml(out, r->findings.v[i].id);
				first = false;
			}
			if (first)
				fputs(rd_cl_status_names[c->status], out);
			fprintf(out, "\" message=\"");
			xml(out, report_cl_title(r, (enum rd_cl_id)k));
			if (c->note[0] != '\0') {
				fputs(": ", out);
				xml(out, c->note);
			}
			fprintf(out, "\">");
			for (i = 0; i < r->findings.n; i++) {
				const struct rd_finding *f = &r->findings.v[i];
				int j;

				if (f->sev == RD_SEV_INFO ||
				    !report_finding_for_item(f->id,
				    (enum rd_cl_id)k))
					continue;
				fputs("\n", out);
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
			fprintf(out, "\n      </failure>\n");
		} else if (c->status == RD_CL_SKIP) {
			fprintf(out, "      <skipped message=\"");
			xml(out, c->note[0] != '\0' ? c->note : "not decided by this run");
			fprintf(out, "\"/>\n");
		} else if (c->status == RD_CL_WARN || c->note[0] != '\0') {
			fprintf(out, "      <system-out>");
			if (c->status == RD_CL_WARN)
				fputs("warning: ", out);
			xml(out, c->note);
			fprintf(out, "</system-out>\n");
		}
		fprintf(out, "    </testcase>\n");
	}
	fprintf(out, "  </testsuite>\n</testsuites>\n");
	return ferror(out) ? -1 : 0;
}
