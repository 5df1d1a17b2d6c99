/* render.c — report_render() and what every renderer shares.
 *
 * The renderers are readers: the findings, checklist, verdict and exit code
 * were decided by the rules and report_finish().  What lives here is the
 * little presentation every format needs the same way — the step as shown
 * (ok with a warning of its own shows as warn), the checklist names when
 * the report left them out, and which findings explain a checklist item —
 * so that json, text, nagios, prometheus and junit never disagree. */
#include <stdio.h>
#include <string.h>

#include "render_int.h"
#include "report.h"

int
report_render(const struct rd_report *r, FILE *out)
{
	int rc;

	/* --quiet: the exit status says it all. */
	if (r->opts.quiet)
		return 0;
	switch (r->opts.format) {
	case RD_FMT_TEXT:	rc = render_text(r, out); break;
	case RD_FMT_NDJSON:	rc = render_ndjson(r, out); break;
	case RD_FMT_NAGIOS:	rc = render_nagios(r, out); break;
	case RD_FMT_PROMETHEUS:	rc = render_prometheus(r, out); break;
	case RD_FMT_JUNIT:	rc = render_junit(r, out); break;
	case RD_FMT_JSON:
	default:		rc = render_json(r, out, true); break;
	}
	if (rc == 0 && (fflush(out) == EOF || ferror(out)))
		rc = -1;
	return rc;
}

/* Which step a warning finding belongs to, by the prefix of its id. */
static int
finding_step(const char *id)
{
	static const struct {
		const char *prefix;
		enum rd_step_id step;
	} map[] = {
		{ "config.", RD_STEP_CONFIG },
		{ "provider.", RD_STEP_CONFIG },
		{ "dns.", RD_STEP_DNS },
		{ "tcp.", RD_STEP_TCP },
		{ "tls.", RD_STEP_TLS },
		{ "auth.noperm", RD_STEP_INFO },
		{ "auth.", RD_STEP_AUTH },
		{ "server.db_out_of_range", RD_STEP_SELECT },
		{ "server.", RD_STEP_INFO },
		{ "latency.", RD_STEP_LATENCY },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(id, map[i].prefix, strlen(map[i].prefix)) == 0)
			return (int)map[i].step;
	return -1;
}

const char *
render_problem_kind(enum rd_problem_kind k)
{
	switch (k) {
	case RD_P_INVALID_URL:	return "invalid_url";
	case RD_P_INVALID_PORT:	return "invalid_port";
	case RD_P_INVALID_VALUE: return "invalid_value";
	case RD_P_CONFLICT:	return "conflict";
	case RD_P_ENV_FILE:	return "env_file";
	}
	return "invalid";
}

void
report_problem_text(const struct rd_problem *p, char *buf, size_t sz)
{
	size_t n = strlen(p->name);

	/* The detail often names its variable already ("flag:-u: ..."). */
	if (n > 0 && strncmp(p->detail, p->name, n) != 0) {
		/* A long detail is cut; the problems[] list keeps it whole. */
		if (snprintf(buf, sz, "%s: %s", p->name, p->detail) >= (int)sz)
			buf[sz - 1] = '\0';
	} else
		snprintf(buf, sz, "%s", p->detail);
}

/* The config step of a report without observations, or whose probe left it
 * unset: the configuration's own verdict. */
static void
config_step(const struct rd_report *r, struct rd_step *out)
{
	const struct rd_config *cfg = r->cfg;
	size_t i;

	if (cfg == NULL)
		return;			/* explain: no configuration, skip */
	if (cfg->valid) {
		out->status = RD_ST_OK;
		return;
	}
	out->status = RD_ST_FAIL;
	out->err.set = true;
	snprintf(out->err.code, sizeof(out->err.code), "invalid");
	snprintf(out->err.message, sizeof(out->err.message),
	    "the configuration cannot be used");
	for (i = 0; i < cfg->nproblems; i++) {
		if (!cfg->problems[i].fatal)
			continue;
		snprintf(out->err.code, sizeof(out->err.code), "%s",
		    render_problem_kind(cfg->problems[i].kind));
		/* A long detail is cut; the problems[] list keeps it whole. */
		report_problem_text(&cfg->problems[i], out->err.message,
		    sizeof(out->err.message));
		break;
	}
}

void
report_step(const struct rd_report *r, enum rd_step_id id, struct rd_step *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (r->obs != NULL)
		*out = r->obs->steps[id];
	if (id == RD_STEP_CONFIG && (r->obs == NULL || out->status == RD_ST_SKIP ||
	    (r->cfg != NULL && !r->cfg->valid))) {
		int64_t us = out->us;

		memset(out, 0, sizeof(*out));
		out->us = us;
		config_step(r, out);
	}
	if (out->status != RD_ST_OK)
		return;
	for (i = 0; i < r->findings.n; i++) {
		const struct rd_finding *f = &r->findings.v[i];

		if (f->sev >= RD_SEV_WARNING && finding_step(f->id) == (int)id) {
			out->status = RD_ST_WARN;
			return;
		}
	}
}

bool
report_finding_for_item(const char *id, enum rd_cl_id cl)
{
	/* A finding id, or a prefix ending in '.', that explains an item. */
	static const struct {
		enum rd_cl_id cl;
		const char *ids[10];
	} map[] = {
		{ RD_CL_REMOTE_HOST, { "config.localhost_in_container" } },
		{ RD_CL_PASSWORD, { "auth.required", "auth.wrongpass",
		    "auth.no_password_configured", "config.conflict" } },
		{ RD_CL_TLS_SCHEME, { "config.tls_recommended", "proto.tls_required",
		    "tls.plaintext_port" } },
		{ RD_CL_SNI, { "config.sni_ip", "config.sni_mismatch",
		    "tls.sni_required" } },
		{ RD_CL_CERTIFICATE, { "tls.cert_untrusted", "tls.cert_expired",
		    "tls.hostname_mismatch", "tls.insecure", "tls.cert_expiring" } },
		{ RD_CL_ENV_REACHES_APP, { "config.default_used", "config.shadowed",
		    "config.invalid_url", "config.invalid_port" } },
		{ RD_CL_DNS, { "dns." } },
		{ RD_CL_TCP, { "tcp." } },
		{ RD_CL_TLS_HANDSHAKE, { "tls.handshake_failed", "tls.plaintext_port",
		    "tls.client_cert_required", "tls.sni_required",
		    "tls.cert_untrusted", "tls.cert_expired",
		    "tls.hostname_mismatch", "proto.tls_required" } },
		{ RD_CL_AUTH, { "auth." } },
		{ RD_CL_PING, { "proto." } },
		{ RD_CL_SERVER_READY, { "server.protected_mode", "server.maxclients",
		    "server.loading", "server.busy", "server.masterdown",
		    "server.readonly_replica", "server.db_out_of_range",
		    "server.cluster_mode", "server.cluster_down",
		    "server.persistence_error" } },
		{ RD_CL_MEMORY_HEADROOM, { "server.memory_pressure",
		    "server.oom_risk" } },
		{ RD_CL_CLIENT_HEADROOM, { "server.client_pressure",
		    "server.maxclients" } },
	};
	size_t i, j, n;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].cl != cl)
			continue;
		for (j = 0; j < 10 && map[i].ids[j] != NULL; j++) {
			n = strlen(map[i].ids[j]);
			if (map[i].ids[j][n - 1] == '.' ?
			    strncmp(id, map[i].ids[j], n) == 0 :
			    strcmp(id, map[i].ids[j]) == 0)
				return true;
		}
	}
	return false;
}
