/* render_junit.c — --format junit: one testcase per checklist item, the
 * latency and every warning no item covers, valid against the Jenkins
 * xunit schema (tests/data/jenkins-junit.xsd). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "version.h"

#include "render_int.h"

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

	render_mark_printed();
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
