/* render_text.c — the report for a person, in the order they ask:
 * what did the app resolve and from where, what happened at each step,
 * why, what to change, and the checklist; the verdict last, where the eye
 * lands after the scroll.  Same content as the JSON; colour only when
 * opts.color.  The password prints as "****". */
#include <stdio.h>
#include <string.h>

#include "render_int.h"
#include "profiles.h"
#include "report.h"

#define C_RED	"\033[31m"
#define C_GREEN	"\033[32m"
#define C_YEL	"\033[33m"
#define C_DIM	"\033[2m"
#define C_BOLD	"\033[1m"
#define C_OFF	"\033[0m"

struct tx {
	FILE	*out;
	bool	 color;
};

static const char *
co(const struct tx *t, const char *c)
{
	return t->color ? c : "";
}

static const char *
or_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

static const char *
status_color(enum rd_status s)
{
	switch (s) {
	case RD_ST_OK:		return C_GREEN;
	case RD_ST_WARN:	return C_YEL;
	case RD_ST_FAIL:	return C_RED;
	default:		return C_DIM;
	}
}

static const char *
sev_color(enum rd_severity s)
{
	switch (s) {
	case RD_SEV_CRITICAL:	return C_RED;
	case RD_SEV_WARNING:	return C_YEL;
	default:		return C_DIM;
	}
}

static const char *
cl_color(enum rd_cl_status s)
{
	switch (s) {
	case RD_CL_PASS:	return C_GREEN;
	case RD_CL_WARN:	return C_YEL;
	case RD_CL_FAIL:	return C_RED;
	default:		return C_DIM;
	}
}

static const char *
verdict_color(enum rd_verdict v)
{
	switch (v) {
	case RD_V_OK:		return C_GREEN;
	case RD_V_WARN:		return C_YEL;
	default:		return C_RED;
	}
}

/* "1.234 ms" — a time with microsecond precision. */
static void
ms(char *buf, size_t sz, int64_t us)
{
	snprintf(buf, sz, "%lld.%03lld ms", (long long)(us / 1000),
	    (long long)(us % 1000));
}

static void
bytes(char *buf, size_t sz, int64_t b)
{
	if (b < 0)
		snprintf(buf, sz, "?");
	else if (b >= 1024LL * 1024 * 1024)
		snprintf(buf, sz, "%.1fG", (double)b / (1024.0 * 1024 * 1024));
	else if (b >= 1024LL * 1024)
		snprintf(buf, sz, "%.1fM", (double)b / (1024.0 * 1024));
	else if (b >= 1024)
		snprintf(buf, sz, "%.1fK", (double)b / 1024.0);
	else
		snprintf(buf, sz, "%lldB", (long long)b);
}

static void
text_target(const struct tx *t, const struct rd_report *r)
{
	const struct rd_config *cfg = r->cfg;
	size_t i;
	int k;

	if (cfg->host != NULL && cfg->unix_socket)
		fprintf(t->out, "%starget Unix socket %s (from %s)%s\n",
		    co(t, C_BOLD), cfg->host, or_dash(cfg->source), co(t, C_OFF));
	else if (cfg->host != NULL && cfg->port > 0)
		fprintf(t->out, "%starget %s%s%s:%d (from %s) %s%s\n",
		    co(t, C_BOLD), strchr(cfg->host, ':') != NULL ? "[" : "",
		    cfg->host, strchr(cfg->host, ':') != NULL ? "]" : "",
		    cfg->port, or_dash(cfg->source),
		    cfg->tls ? "TLS" : "plaintext", co(t, C_OFF));
	else
		fprintf(t->out, "%starget unresolved: the configuration is "
		    "invalid%s\n", co(t, C_BOLD), co(t, C_OFF));
	if (cfg->url_redacted != NULL)
		fprintf(t->out, "  url       %s\n", cfg->url_redacted);
	if (cfg->client_label[0] != '\0')
		fprintf(t->out, "  as        %s%s%s%s%s\n", cfg->profile != NULL ?
		    cfg->profile->name : "", cfg->profile != NULL ? " with " : "",
		    cfg->client_label, cfg->hello_as_client ? ", sends HELLO 3" :
		    "", cfg->auth_sent ? (cfg->hello_as_client ? (cfg->password_set &&
		    !cfg->empty_password ? " with AUTH inside" : " with AUTH and an "
		    "empty password inside") : cfg->password_set &&
		    !cfg->empty_password ? ", sends AUTH" : ", sends AUTH with "
		    "an empty password") : "");
	for (k = 0; k < RD_F__COUNT; k++) {
		const struct rd_field *f = &cfg->f[k];
		const char *v = f->value;

		if (k == RD_F_PASSWORD && v != NULL)
			v = "****";
		fprintf(t->out, "  %-9s %-24s %s%s%s%s%s\n", rd_field_names[k],
		    or_dash(v), co(t, C_DIM), or_dash(f->source),
		    f->as_read != NULL ? ", read as " : "",
		    f->as_read != NULL ? f->as_read : "", co(t, C_OFF));
	}
	if (cfg->tls && cfg->insecure)
		fprintf(t->out, "  %sverification disabled (--insecure)%s\n",
		    co(t, C_YEL), co(t, C_OFF));
	for (i = 0; i < cfg->nproblems; i++) {
		char pb[400];

		report_problem_text(&cfg->problems[i], pb, sizeof(pb));
		fprintf(t->out, "  %sproblem%s   %s\n",
		    co(t, cfg->problems[i].fatal ? C_RED : C_YEL), co(t, C_OFF),
		    pb);
	}
	for (i = 0; i < cfg->nshadowed; i++)
		fprintf(t->out, "  shadowed  %s: %s\n", cfg->shadowed[i].name,
		    cfg->shadowed[i].reason);
	for (i = 0; i < cfg->nquery; i++)
		fprintf(t->out, "  query     %s ?%s (%s)%s%s\n",
		    cfg->query[i].from, cfg->query[i].key,
		    cfg->query[i].honoured ? "honoured" : "ignored",
		    cfg->query[i].note[0] != '\0' ? " " : "", cfg->query[i].note);
	for (i = 0; i < cfg->ncands; i++) {
		const struct rd_candidate *c = &cfg->cands[i];

		if (c->winner)
			continue;
		if (c->valid)
			fprintf(t->out, "  candidate %s: %s:%d %s%s (%s)\n", c->name,
			    c->host, c->port, c->tls ? "TLS" : "plaintext",
			    c->password_set ? ", password set" : "",
			    or_dash(c->source));
		else
			fprintf(t->out, "  candidate %s: unusable: %s\n", c->name,
			    or_dash(c->error));
	}
	if (cfg->envi.in_container || cfg->envi.platform[0] != '\0') {
		fprintf(t->out, "  runs in   %s%s%s",
		    cfg->envi.in_container ? "a container" : "no container",
		    cfg->envi.platform[0] != '\0' ? ", platform " : "",
		    cfg->envi.platform);
		if (cfg->envi.nevidence > 0)
			fprintf(t->out, " (%s)", cfg->envi.evidence[0]);
		fputc('\n', t->out);
	}
}

static void
text_steps(const struct tx *t, const struct rd_report *r)
{
	struct rd_step st;
	char buf[32];
	int i, n;

	n = r->obs != NULL ? RD_STEP__COUNT : 1;
	fprintf(t->out, "\nsteps\n");
	for (i = 0; i < n; i++) {
		report_step(r, (enum rd_step_id)i, &st);
		if (st.status == RD_ST_SKIP || (r->obs == NULL && st.us == 0))
			snprintf(buf, sizeof(buf), "-");
		else
			ms(buf, sizeof(buf), st.us);
		fprintf(t->out, "  %s%-4s%s  %-8s %12s", co(t, status_color(st.status)),
		    rd_status_names[st.status], co(t, C_OFF), rd_step_names[i], buf);
		if (st.err.set) {
			fprintf(t->out, "  %s", st.err.code);
			if (st.err.name[0] != '\0' &&
			    strcmp(st.err.name, st.err.code) != 0)
				fprintf(t->out, " (%s)", st.err.name);
			if (st.err.message[0] != '\0')
				fprintf(t->out, ": %s", st.err.message);
		} else if (st.detail[0] != '\0')
			fprintf(t->out, "  %s", st.detail);
		fputc('\n', t->out);
		if (st.err.set && st.detail[0] != '\0')
			fprintf(t->out, "  %27s%s\n", "", st.detail);
	}
	if (r->obs != NULL && r->obs->total_us > 0) {
		ms(buf, sizeof(buf), r->obs->total_us);
		fprintf(t->out, "  %-4s  %-8s %12s\n", "", "total", buf);
	}
}

static void
text_facts(const struct tx *t, const struct rd_obs *obs)
{
	const struct rd_tls_obs *tl = &obs->tls;
	const struct rd_server_obs *s = &obs->server;
	const struct rd_latency_obs *l = &obs->latency;
	char a[16], b[16];
	int i;

	if (obs->cross.attempted && obs->cross.detail[0] != '\0')
		fprintf(t->out, "\ncross-try: %s\n", obs->cross.detail);
	if (tl->attempted && (tl->version[0] != '\0' || tl->have_cert)) {
		if (tl->version[0] != '\0')
			fprintf(t->out, "\ntls: %s %s", tl->version,
			    or_dash(tl->cipher));
		else
			fprintf(t->out, "\ntls: no session");
		fprintf(t->out, ", sni %s, verify %s",
		    tl->sni_sent ? tl->sni : "(none)",
		    tl->insecure ? "disabled" : or_dash(tl->verify_name));
		if (tl->hostname_match >= 0)
			fprintf(t->out, ", name %s %s", or_dash(tl->expected_name),
			    tl->hostname_match ? "matches" : "does NOT match");
		fputc('\n', t->out);
		if (tl->have_cert) {
			fprintf(t->out, "  subject %s\n  issuer  %s%s\n",
			    or_dash(tl->subject), or_dash(tl->issuer),
			    tl->self_signed ? " (self-signed)" : "");
			if (tl->nsans > 0) {
				fprintf(t->out, "  sans   ");
				for (i = 0; i < tl->nsans && i < RD_MAX_SANS; i++)
					fprintf(t->out, " %s", tl->sans[i]);
				fputc('\n', t->out);
			}
			fprintf(t->out, "  expires %s (%d days left)\n",
			    or_dash(tl->not_after), tl->days_left);
		}
	}
	if (s->info_ok) {
		fprintf(t->out, "\nserver: redis %s %s %s", or_dash(s->version),
		    or_dash(s->mode), or_dash(s->role));
		bytes(a, sizeof(a), s->used_memory);
		if (s->maxmemory > 0)
			bytes(b, sizeof(b), s->maxmemory);
		else
			snprintf(b, sizeof(b), "%s", s->maxmemory == 0 ? "no limit" : "?");
		fprintf(t->out, ", memory %s of %s (%s)", a, b,
		    or_dash(s->maxmemory_policy));
		if (s->connected_clients >= 0) {
			fprintf(t->out, ", clients %lld", (long long)s->connected_clients);
			if (s->maxclients_known)
				fprintf(t->out, " of %lld", (long long)s->maxclients);
		}
		fputc('\n', t->out);
	} else if (s->info_denied)
		fprintf(t->out, "\nserver: INFO not permitted; facts unknown\n");
	if (l->samples > 0)
		fprintf(t->out, "latency: %d PINGs, min %lld us, p50 %lld us, "
		    "p99 %lld us, max %lld us\n", l->samples, (long long)l->min_us,
		    (long long)l->p50_us, (long long)l->p99_us,
		    (long long)l->max_us);
}

static void
text_findings(const struct tx *t, const struct rd_report *r)
{
	size_t i;
	int k;

	if (r->findings.n == 0)
		return;
	fprintf(t->out, "\nfindings\n");
	for (i = 0; i < r->findings.n; i++) {
		const struct rd_finding *f = &r->findings.v[i];

		fprintf(t->out, "  %s%-8s%s %s%s%s: %s\n", co(t, sev_color(f->sev)),
		    rd_severity_names[f->sev], co(t, C_OFF), co(t, C_BOLD), f->id,
		    co(t, C_OFF), f->title);
		if (f->evidence[0] != '\0')
			fprintf(t->out, "           %s\n", f->evidence);
		for (k = 0; k < f->nremedy && k < RD_MAX_REMEDY; k++)
			fprintf(t->out, "           fix: %s\n", f->remediation[k]);
	}
}

static void
text_checklist(const struct tx *t, const struct rd_report *r)
{
	int i;

	fprintf(t->out, "\nchecklist\n");
	for (i = 0; i < RD_CL__COUNT; i++) {
		const struct rd_cl_item *c = &r->checklist[i];

		fprintf(t->out, "  %s[%-4s]%s %-16s %s", co(t, cl_color(c->status)),
		    rd_cl_status_names[c->status], co(t, C_OFF),
		    report_cl_id(r, (enum rd_cl_id)i),
		    report_cl_title(r, (enum rd_cl_id)i));
		if (c->note[0] != '\0')
			fprintf(t->out, " — %s", c->note);
		/* Name the findings behind a failed or warned item. */
		if (c->status == RD_CL_FAIL || c->status == RD_CL_WARN) {
			const char *sep = " (";
			size_t k;

			for (k = 0; k < r->findings.n; k++) {
				if (r->findings.v[k].sev == RD_SEV_INFO ||
				    !report_finding_for_item(r->findings.v[k].id,
				    (enum rd_cl_id)i) ||
				    strstr(c->note, r->findings.v[k].id) != NULL)
					continue;
				fprintf(t->out, "%s%s", sep, r->findings.v[k].id);
				sep = ", ";
			}
			if (sep[0] == ',')
				fputc(')', t->out);
		}
		fputc('\n', t->out);
	}
}

static void
text_cands(const struct tx *t, const struct rd_report *r)
{
	size_t i;

	if (r->cands == NULL)
		return;
	fprintf(t->out, "\ncandidates probed\n");
	for (i = 0; i < r->ncands; i++) {
		const struct rd_cand_result *c = &r->cands[i];

		fprintf(t->out, "  %s%-11s%s %-16s %s\n",
		    co(t, verdict_color(c->verdict)), rd_verdict_names[c->verdict],
		    co(t, C_OFF), c->cand != NULL ? c->cand->name : "-",
		    c->summary);
	}
}

/* SPEC 12: the variations tried after the attempt as the application. */
static void
text_alts(const struct tx *t, const struct rd_report *r)
{
	size_t i;

	if (r->alts == NULL || r->nalts == 0)
		return;
	fprintf(t->out, "\nalternatives (as the application failed)\n");
	for (i = 0; i < r->nalts; i++)
		fprintf(t->out, "  %s%-11s%s %-28s %s\n",
		    co(t, verdict_color(r->alts[i].verdict)),
		    rd_verdict_names[r->alts[i].verdict], co(t, C_OFF),
		    r->alts[i].change, r->alts[i].summary);
}

static void
text_lines(const struct tx *t, const struct rd_report *r)
{
	size_t i;

	if (r->lines == NULL)
		return;
	fprintf(t->out, "\nclassified lines\n");
	for (i = 0; i < r->nlines; i++) {
		const struct rd_explain_line *l = &r->lines[i];

		fprintf(t->out, "  %5d %-28s", l->lineno, l->id);
		if (l->client[0] != '\0')
			fprintf(t->out, " [%s]", l->client);
		if (l->host[0] != '\0')
			fprintf(t->out, " %s:%d", l->host, l->port);
		fprintf(t->out, "  %s\n", l->excerpt);
	}
}

int
render_text(const struct rd_report *r, FILE *out)
{
	struct tx t = { out, r->opts.color };

	if (r->scenario != NULL)
		fprintf(out, "scenario %s\n", r->scenario);
	if (r->cfg != NULL)
		text_target(&t, r);
	/* explain has lines, not steps: nothing was run. */
	if (r->obs != NULL || (r->cfg != NULL && r->lines == NULL))
		text_steps(&t, r);
	if (r->obs != NULL)
		text_facts(&t, r->obs);
	text_topology(r->topo, out, t.color);
	text_lines(&t, r);
	text_findings(&t, r);
	text_alts(&t, r);
	text_cands(&t, r);
	text_checklist(&t, r);
	fprintf(out, "\n%sverdict %s%s (exit %d)%s%s%s\n", co(&t, C_BOLD),
	    co(&t, verdict_color(r->verdict)), rd_verdict_names[r->verdict],
	    r->exit_code, co(&t, C_OFF), r->summary[0] != '\0' ? ": " : "",
	    r->summary);
	return ferror(out) ? -1 : 0;
}
