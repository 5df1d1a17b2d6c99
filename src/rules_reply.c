/* rules_reply.c — the rules for the conversation: the server's replies
 * classified by the one reply table (rules_classify_reply), the server's
 * INFO and the latency samples (rules.c says how rules are written). */
#include "rules_int.h"
#include "clients.h"

/* ---- the conversation ---- */

static const char *const reply_cmd[] = { "the greeting", "AUTH", "SELECT",
    "PING", "INFO" };

static const struct rd_reply_obs *
reply_at(const struct rd_obs *o, int i)
{
	switch (i) {
	case 0:	return &o->greeting;
	case 1:	return &o->auth;
	case 2:	return &o->select;
	case 3:	return &o->ping;
	default: return &o->info;
	}
}

/* A reply slot that was used: something sent or something received. */
static bool
reply_used(const struct rd_reply_obs *r)
{
	return r->sent || r->kind != RD_R_NONE || r->closed || r->reset ||
	    r->not_resp || r->hostile || r->pending_error || r->timed_out;
}

static bool
tls_alert_bytes(const char *b)
{
	return (unsigned char)b[0] == 0x15 || rd_has_prefix(b, "\\x15");
}

/* A finding of an earlier stage that already explains why the
 * conversation did not happen. */
static bool
earlier_failure(struct rctx *c)
{
	size_t i;

	for (i = 0; i < c->fs->n; i++) {
		const char *id = c->fs->v[i].id;

		if (c->fs->v[i].sev == RD_SEV_CRITICAL &&
		    catalog_verdict(id) == RD_V_UNREACHABLE)
			return true;
	}
	return false;
}

static void
f_tls_required(struct rctx *c, const char *cmd, const char *why)
{
	const struct rd_cross_obs *x = &c->obs->cross;
	struct rd_finding *f;

	f = ru_emit(c, "proto.tls_required", RD_SEV_CRITICAL);
	TITLE(f, "plaintext was spoken to a TLS port at %s", c->peer);
	EVID(f, "%s %s", cmd, why);
	if (x->tried_tls && x->succeeded)
		EVID(f, "; a TLS handshake on the same port succeeded%s%s",
		    x->detail[0] ? ": " : "", x->detail);
	ru_evid_source(c, f);
	REMEDY(f, "use rediss:// instead of redis:// (or set REDIS_TLS=true, "
	    "--tls) for %s", c->target);
	REMEDY(f, "managed Redis (Northflank, Upstash, Azure 6380, "
	    "ElastiCache in-transit) only accepts TLS");
}

void
rule_conversation(struct rctx *c)
{
	const struct rd_obs *o = c->obs;
	const struct rd_cross_obs *x = &o->cross;
	bool tls_proof = x->tried_tls && x->succeeded;
	struct rd_finding *f;
	char b[32];
	int i, k;

	if (earlier_failure(c))
		return;
	if (o->unsolicited_seen) {
		const struct rd_reply_obs *u = &o->unsolicited;

		f = ru_emit(c, "proto.unsolicited_reply", RD_SEV_CRITICAL);
		TITLE(f, "%s sent a reply nobody asked for after %s", c->peer,
		    o->unsolicited_after);
		EVID(f, "after the reply to %s came %s \"%s\" before the next "
		    "command was sent; every later reply would answer the "
		    "command before it", o->unsolicited_after,
		    ru_reply_kind(u), u->text[0] ? u->text : u->first_bytes);
		ru_evid_source(c, f);
		REMEDY(f, "check that %s is a genuine Redis server: a proxy "
		    "or middlebox that injects or duplicates replies breaks "
		    "every client", c->target);
		return;
	}
	/* In the order sent: the greeting, HELLO when it went first (-2/-3,
	 * or the client's own), AUTH, SELECT, PING, INFO. */
	for (k = 0; k < 6; k++) {
		bool hello = k == 1;
		const struct rd_reply_obs *r = hello ? &o->hello.reply :
		    reply_at(o, k == 0 ? 0 : k - 1);
		const char *cmd = hello ? "HELLO" : reply_cmd[k == 0 ? 0 : k - 1];

		i = hello ? 1 : k == 0 ? 0 : k - 1;	/* HELLO: a command sent */
		if (hello && (!o->hello.attempted || (r->kind == RD_R_ERROR &&
		    (o->hello.unsupported || o->hello.auth_inside))))
			continue;	/* the probe went on; the AUTH's slot has it */
		if (!reply_used(r) || (hello && r->kind != RD_R_ERROR &&
		    r->kind != RD_R_NONE))
			continue;
		if (r->hostile) {
			f = ru_emit(c, "proto.hostile_reply", RD_SEV_CRITICAL);
			TITLE(f, "%s sent a reply over redisdiag's limits", c->peer);
			EVID(f, "reply to %s: %s", cmd, r->hostile_why[0] ?
			    r->hostile_why : "over the size, depth or count limits");
			if (r->first_bytes[0] != '\0')
				EVID(f, "; it began \"%s\"", r->first_bytes);
			ru_evid_source(c, f);
			REMEDY(f, "check that %s is a genuine Redis server; a "
			    "proxy or another service may be answering",
			    c->target);
			return;
		}
		if (r->not_resp) {
			const char *other = ru_other_protocol(r->first_bytes);

			if (tls_alert_bytes(r->first_bytes)) {
				f_tls_required(c, cmd, "was answered with a TLS "
				    "alert record (0x15)");
				return;
			}
			if (tls_proof) {
				f_tls_required(c, cmd, "was answered with bytes "
				    "that are not RESP");
				return;
			}
			f = ru_emit(c, "proto.not_redis", RD_SEV_CRITICAL);
			TITLE(f, "%s answers%s%s, not Redis", c->peer,
			    other ? " " : "", other ? other : "");
			EVID(f, "reply to %s was not RESP: \"%s\"", cmd,
			    r->first_bytes);
			ru_evid_source(c, f);
			REMEDY(f, "check the port: %s belongs to another service",
			    c->target);
			ru_remedy_target(c, f);
			return;
		}
		if (r->kind == RD_R_ERROR)
			return;		/* the server answered: r_replies */
		if (i == 3 && r->kind != RD_R_NONE && !r->pong) {
			/* One rule: PING is answered by the status +PONG. */
			f = ru_emit(c, "proto.unexpected_reply", RD_SEV_CRITICAL);
			TITLE(f, "%s answered PING with %s, not +PONG", c->peer,
			    ru_reply_kind(r));
			EVID(f, "reply to PING: %s \"%s\"; Redis answers the "
			    "status +PONG (exactly, upper case)",
			    ru_reply_kind(r), r->text);
			ru_evid_source(c, f);
			catalog_remedies(f);
			return;
		}
		if (r->kind != RD_R_NONE)
			continue;
		if (i == 0 && !r->closed && !r->reset && !r->timed_out)
			continue;	/* nothing unasked: the normal case */
		if (i == 4)
			return;		/* INFO is optional; r_replies */
		if (r->reset) {
			if (tls_proof) {
				f_tls_required(c, cmd, "was answered with a "
				    "reset");
				return;
			}
			f = ru_emit(c, "tcp.reset", RD_SEV_CRITICAL);
			TITLE(f, "%s reset the connection before any reply",
			    c->peer);
			EVID(f, "ECONNRESET after %s was sent, before any reply",
			    cmd);
			ru_evid_source(c, f);
			REMEDY(f, "check that %s is Redis and that no proxy or "
			    "firewall resets idle or new connections",
			    c->target);
			return;
		}
		if (r->closed) {
			if (tls_proof || (c->cfg != NULL && !c->cfg->tls &&
			    x->tried_tls && x->succeeded)) {
				f_tls_required(c, cmd, "was answered by closing "
				    "the connection");
				return;
			}
			f = ru_emit(c, "proto.closed", RD_SEV_CRITICAL);
			TITLE(f, "%s closed the connection without a reply",
			    c->peer);
			EVID(f, "EOF after %s was sent, before any reply", cmd);
			if (x->tried_tls && !x->succeeded)
				EVID(f, "; a TLS handshake on the same port "
				    "failed too");
			ru_evid_source(c, f);
			REMEDY(f, "a TLS-only port closes plaintext connections: "
			    "try rediss:// for %s", c->target);
			REMEDY(f, "the server may drop clients it does not "
			    "allow (bind, firewall, proxy ACL): check its log");
			return;
		}
		if (r->timed_out || o->deadline_hit) {
			if (tls_proof) {
				f_tls_required(c, cmd, "got no reply");
				return;
			}
			f = ru_emit(c, "proto.timeout", RD_SEV_CRITICAL);
			TITLE(f, "connected to %s, but no reply to %s before the "
			    "deadline", c->peer, cmd);
			EVID(f, "%s was sent; no reply within %s", cmd,
			    ru_ms(b, sizeof(b), o->total_us > 0 ? o->total_us :
			    o->timeout_us));
			ru_evid_source(c, f);
			REMEDY(f, "the server may be stalled (a long command, "
			    "a slow disk, swapping): check its latency and log");
			REMEDY(f, "a TLS port waits silently for a handshake: "
			    "try rediss:// if %s speaks TLS", c->target);
			return;
		}
		return;			/* not sent: the probe stopped earlier */
	}
}

/* ---- server replies ---- */

/* The title of an error reply that depends on what was configured: the
 * user for WRONGPASS, the command and user for NOPERM, the db number for
 * SELECT.  The other ids are titled by their catalog row, said of the
 * peer.  Returns false when the row's title_at is the title. */
static bool
reply_title(struct rctx *c, struct rd_finding *f, const char *cmd)
{
	const struct rd_config *cfg = c->cfg;

	if (strcmp(f->id, "auth.wrongpass") == 0)
		TITLE(f, "%s rejected the %s", c->peer,
		    cfg != NULL && cfg->username ? "username or password" :
		    "password");
	else if (strcmp(f->id, "auth.noperm") == 0)
		TITLE(f, "the user may not run %s on %s", cmd, c->peer);
	else if (strcmp(f->id, "server.db_out_of_range") == 0)
		TITLE(f, "%s has no database %d", c->peer, cfg != NULL ?
		    cfg->db : -1);
	else
		return false;
	return true;
}

static void
f_reply(struct rctx *c, const char *id, int step, const struct rd_reply_obs *r)
{
	const struct rd_config *cfg = c->cfg;
	const char *cmd = reply_cmd[step];
	enum rd_severity sev = RD_SEV_CRITICAL;
	struct rd_finding *f;

	/* INFO and CONFIG are optional probe commands: a server that forbids
	 * them still serves the app.  A MOVED on a key-less command, or a
	 * READONLY, is advice about the client, not a refusal. */
	if (step == 4 && (strcmp(id, "auth.noperm") == 0 ||
	    strcmp(id, "server.cluster_mode") == 0 ||
	    strcmp(id, "server.readonly_replica") == 0))
		sev = RD_SEV_WARNING;
	if (strcmp(id, "server.readonly_replica") == 0)
		sev = RD_SEV_WARNING;
	if (strcmp(id, "server.cluster_mode") == 0 && step != 2)
		sev = RD_SEV_WARNING;	/* SELECT refused is a failure */
	/* A password sent to a server without one: strict clients (node-redis,
	 * redis-py) fail the connection, so it is a failure even though the
	 * server would still answer PING; ioredis and redis-cli log it and go
	 * on (the row's nopass_tolerated): a warning. */
	if (strcmp(id, "auth.no_password_configured") == 0 && step == 1 &&
	    cfg != NULL && cfg->model != NULL && cfg->model->nopass_tolerated)
		sev = RD_SEV_WARNING;

	f = ru_emit(c, id, sev);
	if (f == NULL)
		return;
	if (r->pending_error || step == 0)
		EVID(f, "%s wrote \"%s\" on connect, before any command",
		    c->peer, r->text);
	else
		EVID(f, "%s answered %s with \"%s\"", c->peer, cmd, r->text);
	if (!reply_title(c, f, cmd))
		catalog_title_at(f, c->peer);

	/* Evidence and fixes that name what was configured; the others'
	 * fixes are the row's. */
	if (strcmp(id, "auth.required") == 0) {
		EVID(f, "; no password is configured");
		ru_evid_source(c, f);
		REMEDY(f, "set the password: REDIS_URL=redis://:PASSWORD@%s "
		    "or REDIS_PASSWORD", c->target);
		ru_remedy_target(c, f);
	} else if (strcmp(id, "auth.wrongpass") == 0) {
		if (cfg != NULL) {
			EVID(f, "; username %s", cfg->username ? cfg->username :
			    "(default)");
			EVID(f, "; password from %s",
			    cfg->f[RD_F_PASSWORD].source[0] ?
			    cfg->f[RD_F_PASSWORD].source : "?");
		}
		REMEDY(f, "use the current password for %s (check for a "
		    "rotated secret, or a stale REDIS_PASSWORD shadowing the "
		    "URL's)", c->target);
		if (cfg != NULL && cfg->username)
			REMEDY(f, "check the ACL user exists and is enabled: "
			    "ACL GETUSER %s", cfg->username);
		else
			REMEDY(f, "if the server uses ACL users, set the "
			    "username too: redis://USER:PASSWORD@host");
	} else if (strcmp(id, "auth.no_password_configured") == 0) {
		if (cfg != NULL)
			EVID(f, "; password from %s",
			    cfg->f[RD_F_PASSWORD].source[0] ?
			    cfg->f[RD_F_PASSWORD].source : "?");
		if (sev == RD_SEV_WARNING)
			EVID(f, "; %s logs %s and goes on: the connection works",
			    cfg->client_label, cfg->model->cli_auth ?
			    "\"AUTH failed: ...\" on stderr" :
			    "a [WARN] (\"... does not require a password, but a "
			    "password was supplied\")");
		else if (cfg != NULL && cfg->model != NULL &&
		    strcmp(cfg->model->name, "redisdiag") != 0)
			EVID(f, "; %s fails the connection on this error",
			    cfg->client_label);
		if (cfg != NULL && cfg->model != NULL &&
		    strcmp(cfg->model->name, "redisdiag") != 0)
			REMEDY(f, "%s: pass no %s (the server has none)",
			    cfg->model->name, cfg->model->opt_password);
		catalog_remedies(f);
		ru_remedy_target(c, f);
	} else if (strcmp(id, "auth.noperm") == 0) {
		if (cfg != NULL)
			EVID(f, "; user %s", cfg->username ? cfg->username :
			    "default");
		if (sev == RD_SEV_WARNING)
			REMEDY(f, "not needed by the app; grant +info (ACL "
			    "SETUSER %s +info) for a full report",
			    cfg != NULL && cfg->username ? cfg->username :
			    "USER");
		else
			REMEDY(f, "grant the command: ACL SETUSER %s +%s",
			    cfg != NULL && cfg->username ? cfg->username :
			    "default", step == 1 ? "auth" : step == 2 ?
			    "select" : "ping");
	} else if (strcmp(id, "server.db_out_of_range") == 0) {
		if (cfg != NULL)
			EVID(f, "; db %d from %s", cfg->db,
			    cfg->f[RD_F_DB].source[0] ? cfg->f[RD_F_DB].source :
			    "?");
		catalog_remedies(f);
	} else
		catalog_remedies(f);
}

void
rule_replies(struct rctx *c)
{
	const struct rd_obs *o = c->obs;
	struct rd_finding *f;
	const char *id;
	bool auth_failed = false;
	int i;

	for (i = 0; i < 5; i++) {
		const struct rd_reply_obs *r = reply_at(o, i);

		if (r->kind != RD_R_ERROR)
			continue;
		/* The probe classified the raw reply at its door; a literal
		 * observation (tests) may give only the text. */
		id = r->class_id[0] != '\0' ? r->class_id :
		    rules_classify_reply(r->text);
		if (id == NULL && r->prefix[0] != '\0')
			id = rules_classify_reply(r->prefix);
		/* NOAUTH after a failed AUTH is its consequence, not news. */
		if (id != NULL && strcmp(id, "auth.required") == 0 && auth_failed)
			continue;
		if (id != NULL) {
			if (catalog_step(id) == RD_STEP_AUTH)
				auth_failed = true;
			f_reply(c, id, i, r);
			continue;
		}
		if (i == 4) {
			/* INFO renamed or disabled (managed services): the
			 * app does not need it. */
			f = ru_emit(c, "auth.noperm", RD_SEV_WARNING);
			TITLE(f, "%s does not allow INFO", c->peer);
			EVID(f, "INFO answered \"%s\"", r->text);
			REMEDY(f, "not needed by the app; the server section of "
			    "this report stays empty");
			continue;
		}
		f = ru_emit(c, "server.error", RD_SEV_CRITICAL);
		TITLE(f, "%s answered %s with an error", c->peer, reply_cmd[i]);
		EVID(f, "%s answered %s with \"%s\"", c->peer, reply_cmd[i],
		    r->text);
		if (i == 1 && c->cfg != NULL && c->cfg->username)
			REMEDY(f, "a server older than 6.0 has no ACL users: "
			    "drop the username (redis://:PASSWORD@host)");
		catalog_remedies(f);
	}
	/* INFO not allowed, noted by the probe without an error text. */
	if (o->server.info_denied && !findings_has(c->fs, "auth.noperm") &&
	    o->info.kind != RD_R_ERROR) {
		f = ru_emit(c, "auth.noperm", RD_SEV_WARNING);
		TITLE(f, "the user may not run INFO on %s", c->peer);
		EVID(f, "INFO was refused; memory and client figures unknown");
		REMEDY(f, "not needed by the app; grant +info for a full report");
	}
}

/* ---- INFO ---- */

static int
pct(int64_t part, int64_t whole)
{
	return whole > 0 ? (int)(part * 100 / whole) : 0;
}

void
rule_server(struct rctx *c)
{
	const struct rd_server_obs *s = &c->obs->server;
	struct rd_finding *f;

	if (!s->info_ok)
		return;
	if (strcmp(s->role, "slave") == 0 || strcmp(s->role, "replica") == 0) {
		f = ru_emit(c, "server.readonly_replica", RD_SEV_WARNING);
		TITLE(f, "%s is a read-only replica", c->peer);
		EVID(f, "INFO replication: role:%s", s->role);
		if (s->master_link_status[0] != '\0')
			EVID(f, ", master_link_status:%s", s->master_link_status);
		REMEDY(f, "writes will fail with READONLY: point the app at "
		    "the master (or the provider's primary endpoint)");
	}
	if (s->maxmemory > 0 && s->used_memory >= 0 &&
	    s->used_memory * 10 >= s->maxmemory * 9) {
		bool noevict = strcmp(s->maxmemory_policy, "noeviction") == 0;

		/* With noeviction the next writes fail with OOM: only a
		 * warning here, because reads and PING still work; an OOM
		 * reply (see the reply table) is critical. */
		f = ru_emit(c, noevict ? "server.oom_risk" : "server.memory_pressure",
		    RD_SEV_WARNING);
		TITLE(f, "%s uses %d%% of maxmemory%s", c->peer,
		    pct(s->used_memory, s->maxmemory),
		    noevict ? " and evicts nothing" : "");
		EVID(f, "used_memory %lld of maxmemory %lld bytes (%d%%), "
		    "maxmemory_policy %s", (long long)s->used_memory,
		    (long long)s->maxmemory, pct(s->used_memory, s->maxmemory),
		    s->maxmemory_policy[0] ? s->maxmemory_policy : "?");
		if (s->evicted_keys > 0)
			EVID(f, ", evicted_keys %lld", (long long)s->evicted_keys);
		if (noevict)
			REMEDY(f, "writes fail with OOM once maxmemory is "
			    "reached: raise maxmemory, delete data, or use "
			    "an eviction policy (allkeys-lru) for a cache");
		else
			catalog_remedies(f);
	}
	if (s->maxclients_known && s->maxclients > 0 &&
	    s->connected_clients * 10 >= s->maxclients * 9) {
		f = ru_emit(c, "server.client_pressure", RD_SEV_WARNING);
		TITLE(f, "%s has %lld of %lld clients connected", c->peer,
		    (long long)s->connected_clients, (long long)s->maxclients);
		EVID(f, "connected_clients %lld, maxclients %lld (%d%%)",
		    (long long)s->connected_clients, (long long)s->maxclients,
		    pct(s->connected_clients, s->maxclients));
		if (s->rejected_connections > 0)
			EVID(f, ", rejected_connections %lld",
			    (long long)s->rejected_connections);
		catalog_remedies(f);
	}
	if (strcmp(s->rdb_last_bgsave_status, "err") == 0 ||
	    strcmp(s->aof_last_write_status, "err") == 0) {
		f = ru_emit(c, "server.persistence_error", RD_SEV_WARNING);
		TITLE(f, "the last save on %s failed", c->peer);
		EVID(f, "rdb_last_bgsave_status:%s, aof_last_write_status:%s; "
		    "with stop-writes-on-bgsave-error writes fail with MISCONF",
		    s->rdb_last_bgsave_status[0] ? s->rdb_last_bgsave_status :
		    "?", s->aof_last_write_status[0] ?
		    s->aof_last_write_status : "?");
		REMEDY(f, "fix the disk (space, permissions) and check the "
		    "server log for the failed save");
	}
	if (strcmp(s->mode, "cluster") == 0) {
		f = ru_emit(c, "server.cluster_mode", RD_SEV_WARNING);
		TITLE(f, "%s is a cluster node; use a cluster client", c->peer);
		EVID(f, "INFO server: redis_mode:cluster");
		REMEDY(f, "use a cluster client (ioredis Redis.Cluster, "
		    "node-redis createCluster, redis-py RedisCluster); a plain "
		    "client gets MOVED for most keys");
	}
	if (strcmp(s->cluster_state, "fail") == 0) {
		f = ru_emit(c, "server.cluster_down", RD_SEV_CRITICAL);
		TITLE(f, "the cluster of %s is down", c->peer);
		EVID(f, "CLUSTER INFO: cluster_state:fail");
		catalog_remedies(f);
	}
	if (s->loading == 1) {
		f = ru_emit(c, "server.loading", RD_SEV_CRITICAL);
		TITLE(f, "%s is loading its dataset into memory", c->peer);
		EVID(f, "INFO persistence: loading:1");
		REMEDY(f, "wait for the load to finish; clients should retry "
		    "LOADING");
	}
}

void
rule_latency(struct rctx *c)
{
	const struct rd_latency_obs *l = &c->obs->latency;
	struct rd_finding *f;
	char a[32], b[32], d[32], e[32], g[32];

	if (l->samples <= 0 || c->opts == NULL ||
	    c->opts->latency_threshold_us <= 0 ||
	    l->p99_us <= c->opts->latency_threshold_us)
		return;
	f = ru_emit(c, "latency.high", RD_SEV_WARNING);
	TITLE(f, "PING round trips to %s are slow (p99 %s)", c->peer,
	    ru_ms(a, sizeof(a), l->p99_us));
	EVID(f, "%d PINGs: min %s, p50 %s, p99 %s, max %s; threshold %s",
	    l->samples, ru_ms(a, sizeof(a), l->min_us), ru_ms(b, sizeof(b), l->p50_us),
	    ru_ms(d, sizeof(d), l->p99_us), ru_ms(e, sizeof(e), l->max_us),
	    ru_ms(g, sizeof(g), c->opts->latency_threshold_us));
	catalog_remedies(f);
}

/* ---- health depth (probe_health.c): advice, never a failure ---- */

void
rule_health(struct rctx *c)
{
	const struct rd_server_obs *s = &c->obs->server;
	struct rd_finding *f;
	char b[32];
	int i;

	if (s->cfg_timeout_s > 0) {
		f = ru_emit(c, "server.idle_timeout", RD_SEV_INFO);
		TITLE(f, "%s closes connections idle for more than %lld s",
		    c->peer, (long long)s->cfg_timeout_s);
		EVID(f, "CONFIG GET timeout: %lld", (long long)s->cfg_timeout_s);
		if (s->cfg_tcp_keepalive_s >= 0)
			EVID(f, "; tcp-keepalive: %lld%s",
			    (long long)s->cfg_tcp_keepalive_s,
			    s->cfg_tcp_keepalive_s == 0 ? " (off)" : "");
		REMEDY(f, "a pooled connection idle for %lld s is closed by "
		    "the server: TCP keepalive does not count as activity, so "
		    "PING it more often (redis-py health_check_interval=%lld, "
		    "node-redis pingInterval %lld000, ioredis a periodic ping) "
		    "or set timeout 0", (long long)s->cfg_timeout_s,
		    (long long)(s->cfg_timeout_s > 1 ? s->cfg_timeout_s / 2 : 1),
		    (long long)(s->cfg_timeout_s > 1 ? s->cfg_timeout_s / 2 : 1));
		catalog_remedies(f);
	}
	if (s->notify_known && s->notify_keyspace_events[0] == '\0') {
		f = ru_emit(c, "server.keyspace_events_off", RD_SEV_INFO);
		TITLE(f, "keyspace notifications are off on %s", c->peer);
		EVID(f, "CONFIG GET notify-keyspace-events: \"\"");
		catalog_remedies(f);
	}
	if (s->slowlog_len > 0) {
		f = ru_emit(c, "server.slowlog", RD_SEV_INFO);
		TITLE(f, "%s has %lld entr%s in its SLOWLOG", c->peer,
		    (long long)s->slowlog_len, s->slowlog_len == 1 ? "y" : "ies");
		EVID(f, "SLOWLOG LEN %lld", (long long)s->slowlog_len);
		for (i = 0; i < s->nslow; i++)
			EVID(f, "%s%s", i == 0 ? "; slowest: " : ", ",
			    ru_ms(b, sizeof(b), s->slowlog_top_us[i]));
		EVID(f, " (arguments not read: they can hold data)");
		catalog_remedies(f);
	}
	if (s->nlatency_events > 0) {
		f = ru_emit(c, "server.latency_events", RD_SEV_INFO);
		TITLE(f, "%s recorded latency spikes (LATENCY LATEST)", c->peer);
		for (i = 0; i < s->nlatency_events; i++)
			EVID(f, "%s%s latest %lld ms, max %lld ms", i ? "; " : "",
			    s->latency_events[i].event,
			    (long long)s->latency_events[i].latest_ms,
			    (long long)s->latency_events[i].max_ms);
		catalog_remedies(f);
	}
	if (s->mem_fragmentation_ratio > 1.5 && s->used_memory > 64 << 20) {
		f = ru_emit(c, "server.fragmentation", RD_SEV_WARNING);
		TITLE(f, "memory on %s is fragmented (ratio %.2f)", c->peer,
		    s->mem_fragmentation_ratio);
		EVID(f, "mem_fragmentation_ratio %.2f, used_memory %lld bytes",
		    s->mem_fragmentation_ratio, (long long)s->used_memory);
		catalog_remedies(f);
	}
}
