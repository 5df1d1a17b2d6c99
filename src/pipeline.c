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

#include "catalog.h"
#include "clients.h"
#include "clock.h"
#include "profiles.h"
#include "pipeline.h"
#include "strutil.h"
#include "topo_run.h"

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

/* What the seed's probe hands back once it has read a cluster topology:
 * the nodes are probed while the seed measures its latency. */
struct nodes_ctx {
	const struct rd_config *cfg;
	const struct rd_vault *vault;
	const struct rd_run_opts *run;
	const struct rd_report_opts *ro;
	const struct rd_obs *obs;	/* the seed's, its TCP step done */
	struct rd_topology *t;
	struct topo_cluster_run *cr;
};

static void
nodes_start(void *arg)
{
	struct nodes_ctx *nc = arg;

	if (nc->t != NULL)
		nc->cr = topo_cluster_start(nc->cfg, nc->vault, nc->run, nc->ro,
		    nc->obs->tcp.peer, nc->t);
}

/* The topology is heap data (64 nodes' steps do not belong on a thread's
 * stack) of some 800 KB: allocated, and zeroed, only for a seed that says
 * it is a cluster node or a sentinel, never for every standalone check
 * (in serve, zeroing it was half of a probe's instructions). */
static struct rd_topology *
topo_alloc(struct nodes_ctx *nc)
{
	if (nc->t == NULL)
		nc->t = calloc(1, sizeof(*nc->t));
	return nc->t;
}

static struct rd_cluster_obs *
cluster_store(void *arg)
{
	struct rd_topology *t = topo_alloc(arg);

	return t != NULL ? &t->cl : NULL;
}

/* Probe (unless there is nothing to probe), rules, report. */
static int
probe_and_judge(const struct rd_config *cfg, const struct rd_vault *vault,
    const struct rd_run_opts *run, const struct rd_report_opts *ro,
    struct rd_obs *obs, struct rd_report *r)
{
	struct rd_probe_opts po;
	struct rd_topology *t = NULL;
	const struct rd_config *rcfg;
	struct nodes_ctx nc;

	r->cfg = cfg;
	r->obs = NULL;
	r->topo = NULL;
	r->opts = *ro;
	if (cfg->valid && !run->no_network && obs != NULL) {
		nc.cfg = cfg;
		nc.vault = vault;
		nc.run = run;
		nc.ro = ro;
		nc.obs = obs;
		nc.t = NULL;
		nc.cr = NULL;
		/* Without memory for a topology the seed alone is probed. */
		if (!run->no_topology && cfg->nsentinels > 0 &&
		    (t = topo_alloc(&nc)) != NULL) {
			topo_sentinel(cfg, vault, run, ro, obs, t);
		} else {
			memset(&po, 0, sizeof(po));
			po.deadline_us = run->deadline_us;
			po.latency_samples = run->latency_samples;
			po.resolver = run->resolver;
			po.vault = vault;
			po.hold = run->hold;
			po.cluster_store = run->no_topology ? NULL : cluster_store;
			po.sentinel_master = run->sentinel_master;
			po.no_latency = run->no_latency;
			po.no_info = run->no_info;
			po.topology_read = run->no_topology ? NULL : nodes_start;
			po.topology_ctx = &nc;
			probe_run(cfg, &po, obs);
			if (!run->no_topology && (strcmp(obs->server.mode,
			    "sentinel") == 0 || strcmp(obs->server.mode,
			    "cluster") == 0))
				topo_alloc(&nc);
			t = nc.t;
			if (t != NULL && t->cl.read)
				topo_cluster_finish(nc.cr, cfg, obs, t);
			else if (t != NULL && strcmp(obs->server.mode,
			    "sentinel") == 0)
				topo_sentinel_seed(cfg, obs, t);
			else if (t != NULL && strcmp(obs->server.mode,
			    "cluster") == 0) {
				/* A cluster whose topology could not be
				 * read: the mode is still known. */
				t->mode = RD_TOPO_CLUSTER;
				rd_hostport(t->seed, sizeof(t->seed), cfg->host,
				    cfg->port);
				rd_scopy(t->cluster_state, sizeof(t->cluster_state),
				    obs->server.cluster_state);
				t->client_cluster_aware =
				    topo_client_cluster_aware(cfg, t->client_model,
				    sizeof(t->client_model));
			}
		}
		if (t != NULL && t->mode == RD_TOPO_NONE) {
			free(t);
			t = NULL;
		}
		r->obs = obs;
		r->topo = t;
	}
	/* Behind sentinels the application talks to the master: the rules
	 * judge the probe of it against the configuration aimed at it. */
	rcfg = t != NULL && t->mode == RD_TOPO_SENTINEL && t->master_known ?
	    &t->master_cfg : cfg;
	rules_eval(rcfg, r->obs, ro, &r->findings);
	if (t != NULL && rcfg == cfg)
		topo_record_seed(t, cfg, obs, r);
	rules_topo(cfg, r->obs, r->topo, &r->findings);
	report_finish(r);
	if (rcfg != cfg)
		topo_record_verdict(&t->master, r);
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

void
pipeline_peer_config(const struct rd_config *base, const struct rd_candidate *c,
    struct rd_config *out)
{
	memset(out, 0, sizeof(*out));
	/* The candidate's strings live in base; out only points at them and
	 * is never passed to config_free(). */
	out->host = (char *)c->host;
	out->port = c->port;
	out->unix_socket = c->unix_socket;
	out->tls = c->tls && !c->unix_socket;
	out->sni = config_host_is_ip(c->host) || c->unix_socket ? NULL :
	    (char *)c->host;
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
	out->tls_ciphers = base->tls_ciphers;
	out->tls_ciphersuites = base->tls_ciphersuites;
	out->resp = base->resp;
	out->hello_as_client = base->hello_as_client;
	out->model = base->model;	/* the same client talks to the peer */
	out->no_auth_warning = base->no_auth_warning;
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

/* Starts up to CAND_WORKERS threads on jobs[0..n) under deadline_us;
 * returns how many started (0: none, every job stays unprobed). */
static size_t
pool_start(struct cand_pool *pool, struct cand_job *jobs, size_t n,
    int64_t deadline_us, pthread_t *th)
{
	size_t nth = 0;

	pool->jobs = jobs;
	pool->n = n;
	pool->next = 0;
	pool->deadline_us = deadline_us;
	pthread_mutex_init(&pool->mu, NULL);
	while (nth < CAND_WORKERS && nth < n &&
	    pthread_create(&th[nth], NULL, cand_worker, pool) == 0)
		nth++;
	return nth;
}

static void
pool_join(struct cand_pool *pool, pthread_t *th, size_t nth)
{
	size_t i;

	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&pool->mu);
}

/* A finished job's verdict, exit code and summary; releases its report. */
static void
job_result(struct cand_job *j, size_t nth, enum rd_verdict *v, int *ec,
    char *summary, size_t sz)
{
	if (j->started) {
		*v = j->r.verdict;
		*ec = j->r.exit_code;
		snprintf(summary, sz, "%s", j->r.summary);
	} else {
		*v = RD_V_NO_ATTEMPT;
		*ec = RD_EXIT_NO_ATTEMPT;
		snprintf(summary, sz, nth == 0 ? "not probed: could not start "
		    "a thread" : "not probed: the deadline passed before its turn");
	}
	report_free(&j->r);
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

/* The connection flags of the command line over a candidate's own values,
 * so that every candidate is probed with the options a single check uses
 * (pipeline_peer_config gave it the TLS files, family, ciphers, -2/-3):
 * --tls, --sni/--no-sni, --user, -a/--askpass, -n.  -h/-p/-u/-s name the
 * server, which a candidate replaces. */
static void
cand_flags(const struct rd_config *base, struct rd_config *out)
{
	const struct rd_field *f = base->f;

	if (!strcmp(f[RD_F_TLS].source, "flag:--tls") && !out->unix_socket)
		out->tls = true;
	if (!strcmp(f[RD_F_SNI].source, "flag:--sni") ||
	    !strcmp(f[RD_F_SNI].source, "flag:--no-sni"))
		out->sni = base->sni;
	if (!strcmp(f[RD_F_USERNAME].source, "flag:--user")) {
		out->username = base->username;
		out->user_slot = -1;
	}
	if (!strcmp(f[RD_F_PASSWORD].source, "flag:-a") ||
	    !strcmp(f[RD_F_PASSWORD].source, "flag:--askpass")) {
		out->password_set = base->password_set;
		out->secret = base->secret;
		out->empty_password = base->empty_password;
		out->f[RD_F_PASSWORD] = f[RD_F_PASSWORD];
	}
	if (!strcmp(f[RD_F_DB].source, "flag:-n"))
		out->db = base->db;
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
	size_t i, k, n = 0, nth = 0;

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
		pipeline_peer_config(cfg, j->cand, &j->cfg);
		cand_flags(cfg, &j->cfg);
		j->ro = ro;
		j->run = *run;
		j->run.no_topology = true;	/* candidates: their verdict only */
		j->vault = vault;
	}
	r->ncands = n;
	nth = pool_start(&pool, jobs, n, run->deadline_us, th);

	probe_and_judge(cfg, vault, run, ro, obs, r);

	pool_join(&pool, th, nth);
	for (i = 0; i < n; i++) {
		r->cands[i].cand = jobs[i].cand;
		r->cands[i].probed = jobs[i].started;
		for (k = 0; k < RD_STEP__COUNT; k++)
			r->cands[i].steps[k] = jobs[i].obs.steps[k].status;
		job_result(&jobs[i], nth, &r->cands[i].verdict,
		    &r->cands[i].exit_code, r->cands[i].summary,
		    sizeof(r->cands[i].summary));
	}
	free(jobs);
	cand_finding(cfg, r);
	return r->exit_code;
}

/* ---- SPEC 12: the nearest variations, when the attempt as the
 * application fails ------------------------------------------------------ */

#define MAX_ALTS	CAND_WORKERS	/* every variation at once */


/* Did the server speak plaintext to us (a reply, RESP or not, that is
 * not a TLS alert)?  Then "TLS on" cannot be the fix, and against a
 * banner that waits it would only run into the deadline. */
static bool
spoke_plaintext(const struct rd_obs *o)
{
	const struct rd_reply_obs *rs[] = { &o->greeting, &o->hello.reply,
	    &o->auth, &o->select, &o->ping };
	size_t i;

	for (i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
		if ((rs[i]->kind != RD_R_NONE || rs[i]->not_resp ||
		    rs[i]->hostile) && !rs[i]->tls_alert_bytes)
			return true;
	return false;
}

/* The auth.* class of the reply that failed the attempt ("" none). */
static const char *
auth_class(const struct rd_obs *o)
{
	const struct rd_reply_obs *rs[5];
	size_t i;

	if (o == NULL)
		return "";
	rs[0] = &o->greeting;
	rs[1] = &o->hello.reply;
	rs[2] = &o->auth;
	rs[3] = &o->select;
	rs[4] = &o->ping;
	for (i = 0; i < 5; i++)
		if (strncmp(rs[i]->class_id, "auth.", 5) == 0 &&
		    strcmp(rs[i]->class_id, "auth.noperm") != 0)
			return rs[i]->class_id;
	return "";
}

/* Fills jobs[] with the variations of cfg worth a try, given what the
 * attempt as the application saw (o, may be NULL); returns how many. */
static size_t
alt_plan(const struct rd_config *cfg, const struct rd_obs *o,
    const struct rd_run_opts *run, struct cand_job *jobs,
    struct rd_alt_result *res)
{
	const struct rd_client_model *m = cfg->model;
	const char *auth;
	size_t n = 0, i;

#define ALT(k, ...) do { \
	jobs[n].cfg = *cfg; res[n].kind = (k); \
	fmt(res[n].change, sizeof(res[n].change), __VA_ARGS__); } while (0)
	if (cfg->tls && cfg->sni == NULL && cfg->host != NULL &&
	    !config_host_is_ip(cfg->host)) {
		ALT(RD_ALT_SNI, "SNI = %s", cfg->host);
		jobs[n++].cfg.sni = cfg->host;
	}
	/* The other protocol, unless the port has shown it speaks this one
	 * (a completed handshake; a plaintext reply).  A Unix socket has no
	 * TLS to try. */
	if (!cfg->unix_socket &&
	    (o == NULL || (cfg->tls ? !o->tls.ok : !spoke_plaintext(o)))) {
		ALT(cfg->tls ? RD_ALT_TLS_OFF : RD_ALT_TLS_ON, "TLS %s",
		    cfg->tls ? "off" : "on");
		jobs[n].cfg.tls = !cfg->tls;
		jobs[n].cfg.sni = !cfg->tls && (m == NULL ||
		    m->sni == RD_SNI_HOST) && cfg->host != NULL &&
		    !config_host_is_ip(cfg->host) ? cfg->host : NULL;
		n++;
	}
	if (cfg->family != 0) {
		ALT(RD_ALT_FAMILY, "both address families (not IPv%d only)",
		    cfg->family);
		jobs[n++].cfg.family = 0;
	}
	/* With or without the password: only when the attempt failed over
	 * it (NOAUTH; WRONGPASS; a password the server has none for). */
	auth = auth_class(o);
	if ((cfg->password_set || cfg->auth_sent) && (o == NULL ||
	    !strcmp(auth, "auth.no_password_configured") ||
	    !strcmp(auth, "auth.wrongpass"))) {
		ALT(RD_ALT_NO_PASSWORD, "without the password (no AUTH)");
		jobs[n].cfg.password_set = jobs[n].cfg.auth_sent = false;
		jobs[n].cfg.empty_password = false;
		jobs[n].cfg.secret = -1;
		n++;
	}
	for (i = 0; i < cfg->nspare_pw && n < MAX_ALTS &&
	    (!strcmp(auth, "auth.required") || !strcmp(auth, "auth.wrongpass"));
	    i++) {
		const struct rd_spare_pw *sp = &cfg->spare_pw[i];

		ALT(RD_ALT_PASSWORD, "with the password of %s%s%s", sp->name,
		    cfg->password_set ? " instead" : "", cfg->user_only_url ?
		    ", without the URL's user" : "");
		res[n].spare = sp;
		/* redis://x@h: the user info is what went wrong, not a user. */
		if (cfg->user_only_url) {
			jobs[n].cfg.username = NULL;
			jobs[n].cfg.user_slot = -1;
		}
		jobs[n].cfg.password_set = jobs[n].cfg.auth_sent = true;
		jobs[n].cfg.empty_password = false;
		jobs[n].cfg.secret = sp->secret;
		jobs[n].cfg.f[RD_F_PASSWORD].value = (char *)RD_MASK;
		fmt(jobs[n].cfg.f[RD_F_PASSWORD].source, RD_SOURCE_LEN, "%s",
		    sp->source);
		n++;
	}
	for (i = 0; !run->all_candidates && i < cfg->ncands && n < MAX_ALTS; i++) {
		const struct rd_candidate *c = &cfg->cands[i];

		if (!c->valid || c->winner)
			continue;
		res[n].kind = RD_ALT_CANDIDATE;
		res[n].cand = c;
		fmt(res[n].change, sizeof(res[n].change), "%s instead (%s:%d%s)",
		    c->name, c->host, c->port, c->tls ? ", TLS" : "");
		pipeline_peer_config(cfg, c, &jobs[n].cfg);
		jobs[n].cfg.model = cfg->model;
		n++;
	}
#undef ALT
	return n;
}

static bool
works(enum rd_verdict v)
{
	return v == RD_V_OK || v == RD_V_WARN;
}

/* "env:REDIS_PASSWORD" → "REDIS_PASSWORD", "url:REDIS_URL (…)" →
 * "REDIS_URL", "env-file:PATH:LINE" → NULL (no variable's name). */
static const char *
src_var(const char *src, char *buf, size_t sz)
{
	size_t n;

	if (strncmp(src, "env:", 4) != 0 && strncmp(src, "url:", 4) != 0)
		return NULL;
	src += 4;
	n = strcspn(src, " :");
	fmt(buf, sz, "%.*s", (int)n, src);
	return buf;
}

/* The server has no password: drop the one the client sends, in the
 * client's terms and where it came from. */
static void
remedy_no_password(const struct rd_config *cfg, struct rd_finding *f)
{
	const struct rd_client_model *m = cfg->model;
	const char *src = cfg->f[RD_F_PASSWORD].source;
	char var[64];

	if (m != NULL && strcmp(m->name, "redisdiag") != 0)
		finding_remedy(f, "%s: pass no %s (the server has no password)",
		    m->name, m->opt_password);
	if (strncmp(src, "url:", 4) == 0 && src_var(src, var, sizeof(var)))
		finding_remedy(f, "drop the password (the :****@ user info) "
		    "from %s", var);
	else if (strncmp(src, "env:", 4) == 0 && src_var(src, var, sizeof(var)))
		finding_remedy(f, "unset %s (or leave it empty)", var);
	else if (src[0] != '\0' && strcmp(src, "default") != 0)
		finding_remedy(f, "remove the password given by %s", src);
	finding_remedy(f, "or set one on the server (requirepass, or ACL "
	    "SETUSER default on >PASSWORD) if it should have one");
}

/* The server wants the password another source holds: send it, in the
 * client's terms and the application's variables. */
static void
remedy_password(const struct rd_config *cfg, const struct rd_spare_pw *sp,
    struct rd_finding *f)
{
	const struct rd_client_model *m = cfg->model;
	const struct rd_profile *p = cfg->profile;
	const char *pwvar = p != NULL ? p->password : NULL;
	char uvar[64], what[128];

	if (sp == NULL)
		return;
	if (src_var(cfg->source, uvar, sizeof(uvar)) == NULL)
		fmt(uvar, sizeof(uvar), "%s", cfg->source);
	if (sp->url)
		fmt(what, sizeof(what), "the password in %s's user info", sp->name);
	else
		fmt(what, sizeof(what), "the value of %s", sp->name);
	if (m != NULL && strcmp(m->name, "redisdiag") != 0)
		finding_remedy(f, "%s: pass the password %s holds as its %s "
		    "option (%s)", m->name, sp->name, m->opt_password,
		    m->construct);
	if (pwvar != NULL && strcmp(pwvar, sp->name) == 0)
		/* The variable is read, but the URL's user info won. */
		finding_remedy(f, "%s is read, but %s's credentials replace it "
		    "(%s): drop the user info from %s, or put the password "
		    "there (redis%s://:****@%s:%d)", pwvar, uvar,
		    cfg->client_label, uvar, cfg->tls ? "s" : "",
		    cfg->host, cfg->port);
	else if (pwvar != NULL)
		finding_remedy(f, "set %s to %s: %s", pwvar, what, p != NULL && p->nf_fallback &&
		    strncmp(sp->name, "NF_REDIS_", 9) == 0 ? "NF_REDIS_* are "
		    "read only when neither REDIS_URL nor REDIS_HOST is set" :
		    sp->read_by_app ? "it lost to another source in the "
		    "application's precedence" : "the application never reads it");
	if (cfg->from_url && (pwvar == NULL || strcmp(pwvar, sp->name) != 0))
		finding_remedy(f, "or put the password in the URL the "
		    "application reads (redis%s://:****@%s:%d)",
		    cfg->tls ? "s" : "", cfg->host, cfg->port);
}

/* The variation that works, as a finding in the client's and the
 * environment's terms.  Added after report_finish(): the attempt as the
 * application decided the verdict. */
static void
alt_finding(const struct rd_config *cfg, struct rd_report *r)
{
	const struct rd_client_model *m = cfg->model;
	const struct rd_alt_result *a = NULL;
	struct rd_finding *f = NULL;
	char opt[160];
	size_t i;

	for (i = 0; i < r->nalts && a == NULL; i++)
		if (works(r->alts[i].verdict))
			a = &r->alts[i];
	if (a == NULL)
		return;
	if (a->kind == RD_ALT_SNI) {
		for (i = 0; i < r->findings.n; i++)
			if (!strcmp(r->findings.v[i].id, "client.no_sni"))
				f = &r->findings.v[i];
		if (f == NULL && (f = findings_add(&r->findings, "client.no_sni",
		    RD_SEV_CRITICAL)) != NULL) {
			catalog_title(f);
			if (m != NULL) {
				fmt(opt, sizeof(opt), m->opt_sni, cfg->host);
				finding_remedy(f, "%s: pass %s", m->name, opt);
			}
			finding_remedy(f, "set REDIS_SNI_SERVERNAME=%s", cfg->host);
		}
		if (f != NULL) {
			f->sev = RD_SEV_CRITICAL;
			finding_evid(f, "%sprobed: without SNI %s; with SNI = %s "
			    "the connection works (%s)", f->evidence[0] ? "; " : "",
			    rd_verdict_names[r->verdict], cfg->host, a->summary);
		}
		return;
	}
	if (a->kind == RD_ALT_CANDIDATE)
		return;		/* config.candidate_works says it (below) */
	if ((f = findings_add(&r->findings, "config.alternative_works",
	    RD_SEV_WARNING)) == NULL)
		return;
	catalog_title(f);
	finding_evid(f, "as %s would connect: %s; %s: %s",
	    cfg->client_label[0] ? cfg->client_label : "configured",
	    rd_verdict_names[r->verdict], a->change, a->summary);
	switch (a->kind) {
	case RD_ALT_TLS_ON:
		if (m != NULL)
			finding_remedy(f, "%s: %s", m->name, m->opt_tls);
		finding_remedy(f, "use a rediss:// URL in REDIS_URL (the port "
		    "speaks TLS)");
		break;
	case RD_ALT_TLS_OFF:
		finding_remedy(f, "use a redis:// URL (the port speaks plaintext), "
		    "or enable TLS on the server");
		break;
	case RD_ALT_FAMILY:
		if (m != NULL)
			finding_remedy(f, "%s: pass %s", m->name, m->opt_family);
		finding_remedy(f, "or add ?family=0 to REDIS_URL (ioredis reads it)");
		break;
	case RD_ALT_NO_PASSWORD:
		remedy_no_password(cfg, f);
		break;
	case RD_ALT_PASSWORD:
		remedy_password(cfg, a->spare, f);
		break;
	default:
		break;
	}
}

/* After a failed attempt as the application: every variation at once,
 * one thread each, under the run's deadline. */
static void
run_alternatives(const struct rd_config *cfg, const struct rd_vault *vault,
    const struct rd_run_opts *run, const struct rd_report_opts *ro,
    struct rd_report *r)
{
	struct cand_job *jobs;
	struct cand_pool pool;
	pthread_t th[CAND_WORKERS];
	size_t i, n, nth;

	if (works(r->verdict) || r->verdict == RD_V_NO_ATTEMPT ||
	    clock_left_us(run->deadline_us) == 0)
		return;
	jobs = calloc(MAX_ALTS, sizeof(*jobs));
	r->alts = calloc(MAX_ALTS, sizeof(*r->alts));
	if (jobs == NULL || r->alts == NULL) {
		free(jobs);
		return;
	}
	n = alt_plan(cfg, r->obs, run, jobs, r->alts);
	for (i = 0; i < n; i++) {
		jobs[i].ro = ro;
		jobs[i].run = *run;
		jobs[i].run.all_candidates = false;
		/* A variation is one endpoint: its verdict only, never a
		 * topology of its own (nested pools of peers). */
		jobs[i].run.no_topology = true;
		jobs[i].vault = vault;
	}
	nth = pool_start(&pool, jobs, n, run->deadline_us, th);
	pool_join(&pool, th, nth);
	for (i = 0; i < n; i++)
		job_result(&jobs[i], nth, &r->alts[i].verdict,
		    &r->alts[i].exit_code, r->alts[i].summary,
		    sizeof(r->alts[i].summary));
	r->nalts = n;
	free(jobs);
	alt_finding(cfg, r);
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
		run_all(cfg, vault, &o, ro, obs, r);
	else
		probe_and_judge(cfg, vault, &o, ro, obs, r);
	if (cfg->valid && !o.no_network && obs != NULL && !o.no_alternatives)
		run_alternatives(cfg, vault, &o, ro, r);
	return r->exit_code;
}
