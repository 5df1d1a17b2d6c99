/* check.c — `redisdiag check`: resolve, probe, judge, report.
 *
 * check_run() is the pipeline simulate and watch reuse unchanged:
 * configuration → probe (one absolute deadline) → observations → rules →
 * report.  cmd_check() adds what only the command does: the process
 * environment, the stderr warnings, --all-candidates, and printing.
 *
 * With --all-candidates every further valid configuration the environment
 * names is probed at the same time as the resolved one, one thread each,
 * all under the same deadline, so the run takes as long as the slowest
 * probe, not their sum.  The exit status stays that of the resolved
 * configuration: the candidates only tell the person what would work. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clock.h"
#include "commands.h"
#include "resolve.h"

/* snprintf that cuts long text silently: evidence and remediation are
 * fixed-size and a cut sentence beats none. */
static void fmt(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
fmt(char *dst, size_t sz, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(dst, sz, f, ap);
	va_end(ap);
}

/* The pipeline after the deadline is fixed (shared by the candidates). */
static int
run_until(const struct rd_config *cfg, const struct rd_report_opts *ro,
    const struct rd_resolver *resolver, int64_t deadline_us,
    struct rd_obs *obs, struct rd_report *r)
{
	struct rd_probe_opts po;

	memset(&po, 0, sizeof(po));
	po.deadline_us = deadline_us;
	po.latency_samples = ro->latency_samples;
	po.resolver = resolver;
	probe_run(cfg, &po, obs);

	r->cfg = cfg;
	r->obs = obs;
	r->opts = *ro;
	rules_eval(cfg, obs, ro, &r->findings);
	report_finish(r);
	return r->exit_code;
}

static int64_t
deadline_for(const struct rd_config *cfg)
{
	return clock_now_us() + (cfg->timeout_us > 0 ? cfg->timeout_us :
	    RD_DEFAULT_TIMEOUT_US);
}

int
check_run(const struct rd_config *cfg, const struct rd_report_opts *ro,
    const struct rd_resolver *resolver, struct rd_obs *obs,
    struct rd_report *r)
{
	return run_until(cfg, ro, resolver, deadline_for(cfg), obs, r);
}

/* One --all-candidates probe: its own configuration built from the
 * candidate plus the run's TLS files and family, its own observations. */
struct cand_job {
	const struct rd_candidate *cand;
	struct rd_config cfg;
	struct rd_obs	 obs;
	struct rd_report r;
	struct rd_report_opts ro;
	int64_t		 deadline_us;
	pthread_t	 th;
	bool		 started;
};

static void
cand_config(const struct rd_config *base, const struct rd_candidate *c,
    struct rd_config *out)
{
	memset(out, 0, sizeof(*out));
	/* The candidate's strings live in base; out only points at them and
	 * is never passed to config_free(). */
	out->host = (char *)c->host;
	out->port = c->port;
	out->tls = c->tls;
	out->sni = config_host_is_ip(c->host) ? NULL : (char *)c->host;
	out->username = c->username;
	out->password = c->password;
	out->db = c->db > 0 ? c->db : 0;
	out->cacert = base->cacert;
	out->cacertdir = base->cacertdir;
	out->cert = base->cert;
	out->key = base->key;
	out->insecure = base->insecure;
	out->family = base->family;
	out->timeout_us = base->timeout_us;
	out->envi = base->envi;
	out->valid = true;
	snprintf(out->source, sizeof(out->source), "%s", c->source);
	out->f[RD_F_HOST].value = out->host;
	snprintf(out->f[RD_F_HOST].source, RD_SOURCE_LEN, "%s", c->source);
	snprintf(out->f[RD_F_PORT].source, RD_SOURCE_LEN, "%s", c->source);
	snprintf(out->f[RD_F_TLS].source, RD_SOURCE_LEN, "%s", c->source);
	if (c->password != NULL) {
		out->f[RD_F_PASSWORD].value = c->password;
		snprintf(out->f[RD_F_PASSWORD].source, RD_SOURCE_LEN, "%s",
		    c->source);
	}
}

static void *
cand_main(void *arg)
{
	struct cand_job *j = arg;

	j->r.command = "check";
	run_until(&j->cfg, &j->ro, NULL, j->deadline_us, &j->obs, &j->r);
	return NULL;
}

/* "env:REDIS_HOST" → "REDIS_HOST"; the variable to unset, or NULL when the
 * winner was not a variable. */
static const char *
winner_var(const struct rd_config *cfg, char *buf, size_t sz)
{
	const char *s = cfg->source, *colon;

	/* "env-file:PATH:LINE" and "flag:-h" name no variable to unset. */
	if (strncmp(s, "env:", 4) != 0 && strncmp(s, "url:", 4) != 0)
		return NULL;
	s += 4;
	if ((colon = strchr(s, ':')) != NULL)
		snprintf(buf, sz, "%.*s", (int)(colon - s), s);
	else
		snprintf(buf, sz, "%s", s);
	return buf;
}

/* Says which candidates would work and what to change.  Added after
 * report_finish(): it informs, it does not change the verdict. */
static void
cand_finding(const struct rd_config *cfg, struct rd_report *r)
{
	struct rd_finding *f;
	const struct rd_cand_result *ok = NULL;
	char var[64], names[256] = "";
	size_t i, len;

	for (i = 0; i < r->ncands; i++) {
		const struct rd_cand_result *c = &r->cands[i];

		if (c->verdict != RD_V_OK && c->verdict != RD_V_WARN)
			continue;
		if (ok == NULL)
			ok = c;
		len = strlen(names);
		fmt(names + len, sizeof(names) - len, "%s%s",
		    len > 0 ? ", " : "", c->cand->name);
	}
	if (ok == NULL || r->verdict == RD_V_OK || r->verdict == RD_V_WARN)
		return;
	if ((f = findings_add(&r->findings, "config.candidate_works",
	    RD_SEV_WARNING)) == NULL)
		return;
	fmt(f->title, sizeof(f->title), "%s reaches Redis; the resolved "
	    "configuration does not", ok->cand->name);
	fmt(f->evidence, sizeof(f->evidence), "resolved %s:%d from %s: %s; "
	    "%s (%s:%d%s) probed under the same deadline: %s; working: %s",
	    cfg->host != NULL ? cfg->host : "-", cfg->port, cfg->source,
	    rd_verdict_names[r->verdict], ok->cand->name, ok->cand->host,
	    ok->cand->port, ok->cand->tls ? ", TLS" : "",
	    rd_verdict_names[ok->verdict], names);
	if (strncmp(ok->cand->name, "NF_REDIS_", 9) == 0 &&
	    winner_var(cfg, var, sizeof(var)) != NULL) {
		fmt(f->remediation[f->nremedy++], sizeof(f->remediation[0]),
		    "unset %s (NF_REDIS_* are read only when neither REDIS_URL "
		    "nor REDIS_HOST is set)", var);
	} else if (winner_var(cfg, var, sizeof(var)) != NULL) {
		fmt(f->remediation[f->nremedy++], sizeof(f->remediation[0]),
		    "set %s to the value of %s, or unset it so that %s is read",
		    var, ok->cand->name, ok->cand->name);
	}
	fmt(f->remediation[f->nremedy++], sizeof(f->remediation[0]),
	    "point the application at %s (%s)", ok->cand->name,
	    ok->cand->url_redacted[0] != '\0' ? ok->cand->url_redacted :
	    ok->cand->host);
}

/* Probes every valid candidate but the winner concurrently with the
 * resolved configuration, under one deadline; fills r->cands.  Returns
 * the resolved configuration's exit code. */
static int
check_all(const struct rd_config *cfg, const struct rd_report_opts *ro,
    struct rd_obs *obs, struct rd_report *r)
{
	struct cand_job *jobs = NULL;
	size_t i, n = 0;
	int64_t deadline = deadline_for(cfg);

	for (i = 0; i < cfg->ncands; i++)
		if (cfg->cands[i].valid && !cfg->cands[i].winner)
			n++;
	/* r->cands is set even when there is nothing to probe, so the report
	 * says "probed none" (an empty candidates_probed) rather than
	 * leaving the key out. */
	if ((r->cands = calloc(n > 0 ? n : 1, sizeof(*r->cands))) == NULL ||
	    (n > 0 && (jobs = calloc(n, sizeof(*jobs))) == NULL))
		n = 0;
	for (i = 0, n = 0; jobs != NULL && i < cfg->ncands; i++) {
		struct cand_job *j;

		if (!cfg->cands[i].valid || cfg->cands[i].winner)
			continue;
		j = &jobs[n++];
		j->cand = &cfg->cands[i];
		cand_config(cfg, j->cand, &j->cfg);
		j->ro = *ro;
		j->deadline_us = deadline;
		j->started = pthread_create(&j->th, NULL, cand_main, j) == 0;
	}
	r->ncands = n;

	run_until(cfg, ro, NULL, deadline, obs, r);

	for (i = 0; i < n; i++) {
		struct cand_job *j = &jobs[i];
		struct rd_cand_result *c = &r->cands[i];

		c->cand = j->cand;
		if (j->started) {
			pthread_join(j->th, NULL);
			c->verdict = j->r.verdict;
			c->exit_code = j->r.exit_code;
			snprintf(c->summary, sizeof(c->summary), "%s",
			    j->r.summary);
		} else {
			c->verdict = RD_V_NO_ATTEMPT;
			c->exit_code = RD_EXIT_NO_ATTEMPT;
			snprintf(c->summary, sizeof(c->summary),
			    "not probed: could not start a thread");
		}
		report_free(&j->r);
	}
	free(jobs);
	cand_finding(cfg, r);
	return r->exit_code;
}

/* An --env-file that cannot be used is a usage error, as in env: one
 * line on stderr, exit 3.  The report on stdout still says why. */
int
cmd_check(const struct rd_cli *cli)
{
	struct rd_config cfg;
	struct rd_obs *obs = NULL;
	struct rd_report r;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&r, 0, sizeof(r));
	r.command = "check";
	r.opts = cli->ropts;

	if (resolve_process(&cli->conn, &cfg) == -1 || !cfg.valid) {
		/* No attempt: still a full report, so a CI gate sees why. */
		r.cfg = &cfg;
		if (cfg.valid == false)
			rules_config(&cfg, NULL, &cli->ropts, &r.findings);
		report_finish(&r);
		r.verdict = RD_V_NO_ATTEMPT;
		r.exit_code = RD_EXIT_NO_ATTEMPT;
		if (r.summary[0] == '\0')
			snprintf(r.summary, sizeof(r.summary), "no attempt: "
			    "the configuration cannot be used");
		resolve_warnings(&cfg, cli->ropts.quiet);
		resolve_env_file_error(&cfg);
		goto out;
	}
	resolve_warnings(&cfg, cli->ropts.quiet);

	if ((obs = calloc(1, sizeof(*obs))) == NULL) {
		fprintf(stderr, "redisdiag: check: out of memory\n");
		config_free(&cfg);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (cli->conn.all_candidates || cfg.all_candidates)
		check_all(&cfg, &cli->ropts, obs, &r);
	else
		check_run(&cfg, &cli->ropts, NULL, obs, &r);
out:
	rc = r.exit_code;
	if (cli->verbose)
		(void)render_trace(&r, stderr);
	/* A failed write is main's business (fflush); the status is the
	 * diagnosis, which the JSON states too. */
	(void)report_render(&r, stdout);
	free(r.cands);
	r.cands = NULL;
	r.ncands = 0;
	report_free(&r);
	free(obs);
	config_free(&cfg);
	return rc;
}
