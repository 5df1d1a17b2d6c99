/* pipeline.c — one diagnosis for every command (see pipeline.h).
 *
 * configuration → probe (one absolute deadline) → observations → rules →
 * report.  With all_candidates every further valid configuration the
 * environment names is probed at the same time as the resolved one, one
 * thread each, all under the same deadline, so the run takes as long as
 * the slowest probe, not their sum. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pipeline.h"
#include "strutil.h"

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

/* Probe (unless there is nothing to probe), rules, report. */
static int
probe_and_judge(const struct rd_config *cfg, const struct rd_vault *vault,
    const struct rd_run_opts *run, const struct rd_report_opts *ro,
    struct rd_obs *obs, struct rd_report *r)
{
	struct rd_probe_opts po;

	r->cfg = cfg;
	r->obs = NULL;
	r->opts = *ro;
	if (cfg->valid && !run->no_network && obs != NULL) {
		memset(&po, 0, sizeof(po));
		po.deadline_us = run->deadline_us;
		po.latency_samples = run->latency_samples;
		po.resolver = run->resolver;
		po.vault = vault;
		po.hold = run->hold;
		probe_run(cfg, &po, obs);
		r->obs = obs;
	}
	rules_eval(cfg, r->obs, ro, &r->findings);
	report_finish(r);
	return r->exit_code;
}

/* One --all-candidates probe: its own configuration built from the
 * candidate plus the run's TLS files and family, its own observations. */
struct cand_job {
	const struct rd_candidate *cand;
	struct rd_config cfg;
	struct rd_obs	 obs;
	struct rd_report r;
	const struct rd_report_opts *ro;
	struct rd_run_opts run;
	const struct rd_vault *vault;
	bool		 started;	/* probed */
};

/* --all-candidates probes at most this many candidates at once. */
#define CAND_WORKERS	8

/* The candidates' work queue: CAND_WORKERS threads take the next job
 * until none is left; a job whose turn comes after the deadline is not
 * probed (and says so). */
struct cand_pool {
	struct cand_job	*jobs;
	size_t		 n, next;
	int64_t		 deadline_us;
	pthread_mutex_t	 mu;
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
	out->user_slot = c->user_slot;
	out->password_set = c->password_set;
	out->secret = c->secret;
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
	if (c->password_set) {
		out->f[RD_F_PASSWORD].value = (char *)RD_MASK;
		snprintf(out->f[RD_F_PASSWORD].source, RD_SOURCE_LEN, "%s",
		    c->source);
	}
}

static void *
cand_worker(void *arg)
{
	struct cand_pool *pl = arg;
	struct cand_job *j;

	for (;;) {
		pthread_mutex_lock(&pl->mu);
		j = pl->next < pl->n ? &pl->jobs[pl->next++] : NULL;
		pthread_mutex_unlock(&pl->mu);
		if (j == NULL)
			return NULL;
		if (clock_left_us(pl->deadline_us) == 0)
			continue;
		j->r.command = "check";
		probe_and_judge(&j->cfg, j->vault, &j->run, j->ro, &j->obs,
		    &j->r);
		j->started = true;
	}
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
 * the resolved configuration's exit code: the candidates only tell the
 * person what would work. */
static int
run_all(const struct rd_config *cfg, const struct rd_vault *vault,
    const struct rd_run_opts *run, const struct rd_report_opts *ro,
    struct rd_obs *obs, struct rd_report *r)
{
	struct cand_job *jobs = NULL;
	struct cand_pool pool;
	pthread_t th[CAND_WORKERS];
	size_t i, n = 0, nth = 0;

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
		j->ro = ro;
		j->run = *run;
		j->vault = vault;
	}
	r->ncands = n;
	pool.jobs = jobs;
	pool.n = n;
	pool.next = 0;
	pool.deadline_us = run->deadline_us;
	pthread_mutex_init(&pool.mu, NULL);
	while (nth < CAND_WORKERS && nth < n &&
	    pthread_create(&th[nth], NULL, cand_worker, &pool) == 0)
		nth++;

	probe_and_judge(cfg, vault, run, ro, obs, r);

	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&pool.mu);
	for (i = 0; i < n; i++) {
		struct cand_job *j = &jobs[i];
		struct rd_cand_result *c = &r->cands[i];

		c->cand = j->cand;
		if (j->started) {
			c->verdict = j->r.verdict;
			c->exit_code = j->r.exit_code;
			snprintf(c->summary, sizeof(c->summary), "%s",
			    j->r.summary);
		} else {
			c->verdict = RD_V_NO_ATTEMPT;
			c->exit_code = RD_EXIT_NO_ATTEMPT;
			snprintf(c->summary, sizeof(c->summary), nth == 0 ?
			    "not probed: could not start a thread" :
			    "not probed: the deadline passed before its turn");
		}
		report_free(&j->r);
	}
	free(jobs);
	cand_finding(cfg, r);
	return r->exit_code;
}

int
pipeline_run(const struct rd_config *cfg, const struct rd_vault *vault,
    const struct rd_run_opts *run, const struct rd_report_opts *ro,
    struct rd_obs *obs, struct rd_report *r)
{
	struct rd_run_opts o = *run;

	if (o.deadline_us == 0)
		o.deadline_us = clock_now_us() + (cfg->timeout_us > 0 ?
		    cfg->timeout_us : RD_DEFAULT_TIMEOUT_US);
	if (o.all_candidates && cfg->valid && !o.no_network && obs != NULL)
		return run_all(cfg, vault, &o, ro, obs, r);
	return probe_and_judge(cfg, vault, &o, ro, obs, r);
}
