/* probe_steps.c — the conversation steps after the connection is up:
 * auth (the one place a secret leaves the vault), select, ping, info and
 * latency. */
#include "probe_int.h"

int
pr_step_auth(struct probe *p)
{
	const struct rd_config *cfg = p->cfg;
	struct rd_step *s = &p->obs->steps[RD_STEP_AUTH];
	struct rd_reply_obs *ro = &p->obs->auth;
	const char *argv[3];
	int argc = 0;
	int64_t t0 = clock_now_us();
	redisReply *rep;
	bool ok;

	const char *pw, *user;

	/* The client's AUTH with an empty password (ioredis: redis://x@h
	 * sends AUTH x ""): no secret to reveal. */
	bool empty = cfg->empty_password || (!cfg->password_set && cfg->auth_sent);

	/* The client's own HELLO carried the AUTH, or it stopped at a
	 * refused HELLO (hello.c): no AUTH after it. */
	if (p->obs->hello.auth_inside || p->obs->hello.client_stops)
		return 0;
	if (!cfg->password_set && !empty) {
		rd_scopy(s->detail, sizeof(s->detail), "no password configured");
		return 0;
	}
	/* The one place a secret leaves the vault. */
	if (empty)
		pw = "";
	else if ((pw = vault_reveal(p->po->vault, cfg->secret, NULL)) == NULL) {
		pr_set_err(s, "internal", 0, "", "the password was not handed to "
		    "the probe");
		pr_step_done(p, RD_STEP_AUTH, RD_ST_FAIL, t0);
		p->dead = true;
		return -1;
	}
	user = cfg->user_slot >= 0 ? vault_reveal(p->po->vault,
	    cfg->user_slot, NULL) : cfg->username;
	argv[argc++] = "AUTH";
	if (user != NULL && (user[0] != '\0' || cfg->empty_user))
		argv[argc++] = user;
	argv[argc++] = pw;
	p->obs->auth_sent = true;
	rep = pr_command(p, argc, argv, ro);
	pr_adopt_greeting(p, ro);
	ok = rep != NULL && ro->ok;
	if (ok)
		snprintf(s->detail, sizeof(s->detail), "AUTH %s**** → OK",
		    argc == 3 ? "<user> " : "");
	return pr_step_end(p, RD_STEP_AUTH, ro, rep, ok, "AUTH", t0);
}

int
pr_step_select(struct probe *p)
{
	struct rd_step *s = &p->obs->steps[RD_STEP_SELECT];
	struct rd_reply_obs *ro = &p->obs->select;
	char db[16];
	const char *argv[] = { "SELECT", db };
	int64_t t0 = clock_now_us();
	redisReply *rep;
	bool ok;

	if (p->cfg->db <= 0) {
		rd_scopy(s->detail, sizeof(s->detail), "database 0");
		return 0;
	}
	snprintf(db, sizeof(db), "%d", p->cfg->db);
	rep = pr_command(p, 2, argv, ro);
	pr_adopt_greeting(p, ro);
	ok = rep != NULL && ro->kind == RD_R_STATUS;
	if (ok)
		snprintf(s->detail, sizeof(s->detail), "SELECT %s → OK", db);
	return pr_step_end(p, RD_STEP_SELECT, ro, rep, ok, "SELECT", t0);
}

int
pr_step_ping(struct probe *p)
{
	struct rd_step *s = &p->obs->steps[RD_STEP_PING];
	struct rd_reply_obs *ro = &p->obs->ping;
	const char *argv[] = { "PING" };
	int64_t t0 = clock_now_us();
	redisReply *rep;
	bool ok;

	rep = pr_command(p, 1, argv, ro);
	pr_adopt_greeting(p, ro);
	ok = rep != NULL && ro->pong;
	if (ok)
		rd_scopy(s->detail, sizeof(s->detail), "PONG");
	return pr_step_end(p, RD_STEP_PING, ro, rep, ok, "PING", t0);
}

/* CLUSTER INFO's reply read into the server's observations. */
static void
cluster_info(struct probe *p, struct rd_step *s, const redisReply *rep,
    const struct rd_reply_obs *ro, enum rd_status *st)
{
	struct rd_server_obs *sv = &p->obs->server;

	if (rep != NULL && rep->type == REDIS_REPLY_STRING) {
		info_parse(rep->str, rep->len, sv);
		pr_door_server(p, sv);
	}
	if (ro->timed_out) {
		pr_reply_fail(p, s, ro, "CLUSTER INFO");
		*st = RD_ST_FAIL;
	}
}

void
pr_step_info(struct probe *p)
{
	struct rd_step *s = &p->obs->steps[RD_STEP_INFO];
	struct rd_reply_obs *ro = &p->obs->info;
	struct rd_server_obs *sv = &p->obs->server;
	const char *argv[] = { "INFO" };
	const char *cargv[] = { "CLUSTER", "INFO" };
	struct resp_cmd cmds[2 + PR_HEALTH_N];
	struct rd_reply_obs hro[2 + PR_HEALTH_N];
	redisReply *reps[2 + PR_HEALTH_N], *rep;
	int64_t t0 = clock_now_us();
	enum rd_status st = RD_ST_FAIL;
	/* A node whose HELLO said cluster: CLUSTER INFO in the batch too. */
	bool cl = pr_said_cluster(p);
	int i, n = 1 + PR_HEALTH_N + cl;

	/* INFO and the health reads in one write: one round trip. */
	cmds[0] = (struct resp_cmd){ 1, argv };
	pr_health_cmds(cmds + 1);
	if (cl)
		cmds[1 + PR_HEALTH_N] = (struct resp_cmd){ 2, cargv };
	memset(hro, 0, sizeof(hro));
	pr_batch(p, n, cmds, reps, hro);
	*ro = hro[0];
	rep = reps[0];
	if (rep != NULL && rep->type == REDIS_REPLY_STRING) {
		info_parse(rep->str, rep->len, sv);
		pr_door_server(p, sv);
		sv->info_ok = true;
		snprintf(s->detail, sizeof(s->detail), "redis %s, %s, %s",
		    sv->version[0] ? sv->version : "?",
		    sv->mode[0] ? sv->mode : "?", sv->role[0] ? sv->role : "?");
		st = RD_ST_OK;
	} else if (ro->kind == RD_R_ERROR) {
		/* ACLs and managed services forbid INFO: not fatal. */
		sv->info_denied = strcmp(ro->prefix, "NOPERM") == 0 ||
		    strcmp(ro->prefix, "ERR") == 0;
		pr_server_error(s, ro, "INFO");
		st = RD_ST_WARN;
	} else if (ro->kind != RD_R_NONE)
		pr_server_error(s, ro, "INFO");
	else
		pr_reply_fail(p, s, ro, "INFO");
	if (st != RD_ST_FAIL)
		pr_health(p, reps + 1);		/* probe_health.c */
	if (cl && st == RD_ST_OK)
		cluster_info(p, s, reps[1 + PR_HEALTH_N], &hro[1 + PR_HEALTH_N],
		    &st);
	for (i = 0; i < n; i++)
		if (reps[i] != NULL)
			freeReplyObject(reps[i]);

	/* INFO said cluster, HELLO did not (a RESP2 client sends none). */
	if (!cl && st == RD_ST_OK && strcmp(sv->mode, "cluster") == 0 &&
	    !p->dead) {
		struct rd_reply_obs cro;

		memset(&cro, 0, sizeof(cro));
		rep = pr_command(p, 2, cargv, &cro);
		cluster_info(p, s, rep, &cro, &st);
		if (rep != NULL)
			freeReplyObject(rep);
	}
	pr_step_done(p, RD_STEP_INFO, st, t0);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted samples. */
static int64_t
pct(const int64_t *v, int n, int q)
{
	int k = (n * q + 99) / 100;

	if (k < 1)
		k = 1;
	return v[k - 1];
}

void
pr_step_latency(struct probe *p)
{
	struct rd_step *s = &p->obs->steps[RD_STEP_LATENCY];
	struct rd_latency_obs *l = &p->obs->latency;
	const char *argv[] = { "PING" };
	int64_t t0 = clock_now_us(), *v;
	int want = p->po->latency_samples, n = 0;

	if (want <= 0)
		want = LATENCY_DEFAULT;
	if (want > RD_MAX_SAMPLES)
		want = RD_MAX_SAMPLES;
	if ((v = calloc((size_t)want, sizeof(*v))) == NULL) {
		pr_set_err(s, "ENOMEM", ENOMEM, "ENOMEM", "out of memory");
		pr_step_done(p, RD_STEP_LATENCY, RD_ST_FAIL, t0);
		return;
	}
	while (n < want) {
		struct rd_reply_obs ro;
		redisReply *rep;
		int64_t t = clock_now_us();
		bool pong;

		memset(&ro, 0, sizeof(ro));
		/* A reply nobody asked for that is already in the reader is
		 * seen at once; the socket is looked at after the last PING
		 * (an empty read per sample would be a third of its
		 * syscalls, and inside its time). */
		rep = n + 1 < want ? pr_command_held(p, 1, argv, &ro) :
		    pr_command(p, 1, argv, &ro);
		pong = rep != NULL && ro.pong && !p->obs->unsolicited_seen;
		if (rep != NULL)
			freeReplyObject(rep);
		if (!pong) {
			if (ro.kind != RD_R_NONE)
				pr_server_error(s, &ro, "PING");
			else
				pr_reply_fail(p, s, &ro, "PING");
			break;
		}
		v[n++] = clock_now_us() - t;
	}
	l->samples = n;
	if (n > 0) {
		qsort(v, (size_t)n, sizeof(*v), cmp_i64);
		l->min_us = v[0];
		l->p50_us = pct(v, n, 50);
		l->p99_us = pct(v, n, 99);
		l->max_us = v[n - 1];
		for (int i = 0; i < n; i++)
			l->sum_us += v[i];
		snprintf(s->detail, sizeof(s->detail), "%d PINGs: min %lld µs, "
		    "p50 %lld µs, p99 %lld µs, max %lld µs", n,
		    (long long)l->min_us, (long long)l->p50_us,
		    (long long)l->p99_us, (long long)l->max_us);
	}
	free(v);
	pr_step_done(p, RD_STEP_LATENCY, n == want ? RD_ST_OK : RD_ST_FAIL, t0);
}
