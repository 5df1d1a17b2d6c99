/* render.c — report_render() and what every renderer shares.
 *
 * The renderers are readers: the findings, checklist, verdict and exit code
 * were decided by the rules and report_finish().  What lives here is the
 * little presentation every format needs the same way — the step as shown
 * (ok with a warning of its own shows as warn), the checklist names when
 * the report left them out, and which findings explain a checklist item —
 * so that json, text, nagios, prometheus and junit never disagree.  A
 * finding's step and checklist items are its catalog row's (catalog.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "render_int.h"
#include "report.h"
#include "strutil.h"

int
render_clean(FILE *out, int (*fn)(const void *arg, FILE *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int rc;

	if ((m = open_memstream(&buf, &len)) == NULL)
		return fn(arg, out);
	rc = fn(arg, m);
	if (fclose(m) == EOF)
		rc = -1;
	if (rc == 0 && buf != NULL)
		rc = rd_fput_clean(out, buf, len, false);
	free(buf);
	return rc;
}

/* The report renderers that write text, as render_clean() calls them. */
static int c_text(const void *r, FILE *f) { return render_text(r, f); }
static int c_nagios(const void *r, FILE *f) { return render_nagios(r, f); }
static int c_prom(const void *r, FILE *f) { return render_prometheus(r, f); }
static int c_junit(const void *r, FILE *f) { return render_junit(r, f); }

int
report_render(const struct rd_report *r, FILE *out)
{
	int rc;

	/* --quiet: the exit status says it all. */
	if (r->opts.quiet)
		return 0;
	switch (r->opts.format) {
	case RD_FMT_TEXT:	rc = render_clean(out, c_text, r); break;
	case RD_FMT_NDJSON:	rc = render_ndjson(r, out); break;
	case RD_FMT_NAGIOS:	rc = render_clean(out, c_nagios, r); break;
	case RD_FMT_PROMETHEUS:	rc = render_clean(out, c_prom, r); break;
	case RD_FMT_JUNIT:	rc = render_clean(out, c_junit, r); break;
	case RD_FMT_JSON:
	default:		rc = render_json(r, out, true); break;
	}
	if (rc == 0 && (fflush(out) == EOF || ferror(out)))
		rc = -1;
	return rc;
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
	case RD_P_TLS_FILE:	return "tls_file";
	case RD_P_LOOSE:	return "loose_value";
	case RD_P_NOT_READ:	return "not_read_by_app";
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

		if (f->sev >= RD_SEV_WARNING && catalog_step(f->id) == (int)id) {
			out->status = RD_ST_WARN;
			return;
		}
	}
}

bool
report_finding_for_item(const char *id, enum rd_cl_id cl)
{
	return catalog_explains(id, cl);
}
