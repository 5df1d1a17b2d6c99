/* render_json.c — the report as one JSON document (SPEC section 6), and
 * the ndjson stream made of the same pieces.
 *
 * The only renderer that includes cJSON (with render_watch.c and
 * render_scenarios.c).  Like curl's -w table, every key is always present
 * and an unknown value is null, never a made-up 0 or "".  The password is
 * never read here except to say whether one is set: its field prints as
 * "****". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "render_int.h"
#include "clients.h"
#include "profiles.h"
#include "report.h"
#include "strutil.h"
#include "version.h"

/* Small adders: NULL or "" strings, negative "unknown" numbers → null. */

void
json_str(cJSON *o, const char *k, const char *v)
{
	if (v == NULL || *v == '\0')
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddStringToObject(o, k, v);
}

/* Numbers are written as raw text where it is exact, as cJSON would
 * print them: its own printing does an snprintf and an sscanf back per
 * number, most of the time a large report (--targets, a cluster) takes to
 * print. */
static char *
dec(char *end, unsigned long long v)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	return end;
}

void
json_num(cJSON *o, const char *k, double v)
{
	char buf[32], *s;

	/* Integers below 1e15, which %1.15g prints whole; the range is
	 * checked before the cast (a larger double does not fit). */
	if (!isfinite(v) || fabs(v) >= 1e15 || v != (double)(long long)v) {
		cJSON_AddNumberToObject(o, k, v);
		return;
	}
	s = dec(buf + sizeof(buf), (unsigned long long)(v < 0 ? -v : v));
	if (v < 0)
		*--s = '-';
	cJSON_AddRawToObject(o, k, s);
}

/* Milliseconds with microsecond precision: 1234 µs → 1.234, 1500 → 1.5,
 * 2000 → 2 (the text %1.15g gives for us / 1000.0). */
void
json_ms(cJSON *o, const char *k, int64_t us)
{
	char buf[40], frac[4], *s;
	unsigned long long a = us < 0 ? -(unsigned long long)us :
	    (unsigned long long)us;
	int f = (int)(a % 1000), n = 3;

	if (a >= 1000000000000000ULL) {
		cJSON_AddNumberToObject(o, k, (double)us / 1000.0);
		return;
	}
	frac[0] = (char)('0' + f / 100);
	frac[1] = (char)('0' + f / 10 % 10);
	frac[2] = (char)('0' + f % 10);
	while (n > 0 && frac[n - 1] == '0')
		n--;
	frac[n] = '\0';
	/* buf: sign, integer part, '.', fraction. */
	s = dec(buf + sizeof(buf) - 5, a / 1000);
	if (us < 0 && a > 0)
		*--s = '-';
	if (n > 0) {
		size_t l = strlen(s);

		memmove(buf, s, l);
		buf[l] = '.';
		memcpy(buf + l + 1, frac, (size_t)n + 1);
		s = buf;
	}
	cJSON_AddRawToObject(o, k, s);
}

static void
add_num(cJSON *o, const char *k, double v)
{
	json_num(o, k, v);
}

/* v < 0 means unknown. */
void
json_known(cJSON *o, const char *k, int64_t v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, k);
	else
		json_num(o, k, (double)v);
}

static void
add_bool(cJSON *o, const char *k, bool v)
{
	cJSON_AddBoolToObject(o, k, v);
}

static cJSON *
json_tool(void)
{
	cJSON *o = cJSON_CreateObject();

	json_str(o, "name", RD_NAME);
	json_str(o, "version", RD_VERSION);
	return o;
}

static cJSON *
json_environment(const struct rd_envinfo *e)
{
	cJSON *o = cJSON_CreateObject(), *a;
	int i;

	add_bool(o, "in_container", e->in_container);
	a = cJSON_AddArrayToObject(o, "container_evidence");
	for (i = 0; i < e->nevidence && i < RD_MAX_EVIDENCE; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(e->evidence[i]));
	add_bool(o, "kubernetes", e->kubernetes);
	json_str(o, "platform", e->platform);
	return o;
}

static cJSON *
json_candidate(const struct rd_candidate *c)
{
	cJSON *o = cJSON_CreateObject();

	json_str(o, "name", c->name);
	json_str(o, "source", c->source);
	json_str(o, "host", c->host);
	json_known(o, "port", c->port > 0 ? c->port : -1);
	add_bool(o, "tls", c->tls);
	add_bool(o, "password_set", c->password_set);
	json_str(o, "url_redacted", c->url_redacted);
	add_bool(o, "valid", c->valid);
	json_str(o, "error", c->error);
	add_bool(o, "winner", c->winner);
	return o;
}

/* SPEC 11: the models, the AUTH the client sends, where the other models
 * would connect differently. */
static void
json_models(cJSON *o, const struct rd_config *cfg)
{
	cJSON *a, *e;
	size_t i;

	json_str(o, "profile", cfg->profile != NULL ? cfg->profile->name : NULL);
	json_str(o, "client", cfg->client_label);
	if (cfg->auth_sent) {
		e = cJSON_AddObjectToObject(o, "auth");
		/* "" when the client sends an empty user name (AUTH "" pw) */
		if (cfg->empty_user)
			cJSON_AddStringToObject(e, "username", "");
		else
			json_str(e, "username", cfg->username);
		/* "" is no secret: AUTH user "" is what the client sends. */
		cJSON_AddStringToObject(e, "password", !cfg->password_set ||
		    cfg->empty_password ? "" : RD_MASK);
	} else
		cJSON_AddNullToObject(o, "auth");
	/* The HELLO sent first (the client's own, or -2/-3); null: none. */
	if (cfg->resp > 0) {
		e = cJSON_AddObjectToObject(o, "hello");
		cJSON_AddNumberToObject(e, "proto", cfg->resp);
		cJSON_AddBoolToObject(e, "auth_inside", cfg->hello_as_client &&
		    cfg->auth_sent);
		cJSON_AddBoolToObject(e, "fallback", cfg->hello_as_client &&
		    cfg->model != NULL && cfg->model->hello_fallback);
	} else
		cJSON_AddNullToObject(o, "hello");
	a = cJSON_AddArrayToObject(o, "disagreements");
	for (i = 0; i < cfg->ndisagree; i++) {
		e = cJSON_CreateObject();
		json_str(e, "client", cfg->disagree[i].client);
		json_str(e, "differs", cfg->disagree[i].what);
		cJSON_AddItemToArray(a, e);
	}
}

static cJSON *
json_config(const struct rd_config *cfg)
{
	cJSON *o = cJSON_CreateObject(), *fields, *f, *a, *e;
	size_t i;
	int k;

	json_str(o, "host", cfg->host);
	json_known(o, "port", cfg->port > 0 ? cfg->port : -1);
	add_bool(o, "tls", cfg->tls);
	json_str(o, "sni", cfg->sni);
	json_str(o, "username", cfg->username);
	add_bool(o, "password_set", cfg->password_set);
	json_known(o, "db", cfg->db);
	json_str(o, "url_redacted", cfg->url_redacted);
	json_str(o, "source", cfg->source);

	fields = cJSON_AddObjectToObject(o, "fields");
	for (k = 0; k < RD_F__COUNT; k++) {
		const struct rd_field *fd = &cfg->f[k];

		/* A secret's field holds "****" (secret.h). */
		f = cJSON_AddObjectToObject(fields, rd_field_names[k]);
		json_str(f, "value", fd->value);
		json_str(f, "source", fd->source);
		if (fd->as_read != NULL)
			cJSON_AddStringToObject(f, "as_read", fd->as_read);
	}
	json_models(o, cfg);

	a = cJSON_AddArrayToObject(o, "shadowed");
	for (i = 0; i < cfg->nshadowed; i++) {
		e = cJSON_CreateObject();
		json_str(e, "name", cfg->shadowed[i].name);
		json_str(e, "reason", cfg->shadowed[i].reason);
		cJSON_AddItemToArray(a, e);
	}
	a = cJSON_AddArrayToObject(o, "candidates");
	for (i = 0; i < cfg->ncands; i++)
		cJSON_AddItemToArray(a, json_candidate(&cfg->cands[i]));
	add_num(o, "candidates_cut", (double)cfg->ncands_cut);

	/* Added keys (SPEC: add freely). */
	a = cJSON_AddArrayToObject(o, "problems");
	for (i = 0; i < cfg->nproblems; i++) {
		e = cJSON_CreateObject();
		json_str(e, "kind", render_problem_kind(cfg->problems[i].kind));
		json_str(e, "name", cfg->problems[i].name);
		json_str(e, "detail", cfg->problems[i].detail);
		add_bool(e, "fatal", cfg->problems[i].fatal);
		cJSON_AddItemToArray(a, e);
	}
	a = cJSON_AddArrayToObject(o, "query");
	for (i = 0; i < cfg->nquery; i++) {
		const struct rd_query_key *q = &cfg->query[i];

		e = cJSON_CreateObject();
		json_str(e, "from", q->from);
		json_str(e, "key", q->key);
		json_str(e, "value", q->value);	/* a secret's is "****" (url.c) */
		add_bool(e, "honoured", q->honoured);
		json_str(e, "note", q->note);
		cJSON_AddItemToArray(a, e);
	}
	add_bool(o, "valid", cfg->valid);
	add_bool(o, "default_used", cfg->default_used);
	json_known(o, "family", cfg->family > 0 ? cfg->family : -1);
	add_bool(o, "insecure", cfg->insecure);
	json_str(o, "cacert", cfg->cacert);
	json_str(o, "cacertdir", cfg->cacertdir);
	json_str(o, "cert", cfg->cert);
	json_str(o, "key", cfg->key);
	if (cfg->timeout_us > 0)
		json_ms(o, "timeout_ms", cfg->timeout_us);
	else
		cJSON_AddNullToObject(o, "timeout_ms");
	json_str(o, "env_file", cfg->env_file);
	if (cfg->nsentinels > 0) {
		json_str(o, "master_name", cfg->master_name);
		a = cJSON_AddArrayToObject(o, "sentinels");
		for (i = 0; i < (size_t)cfg->nsentinels; i++) {
			cJSON *e = cJSON_CreateObject();

			json_str(e, "host", cfg->sentinels[i].host);
			add_num(e, "port", cfg->sentinels[i].port);
			cJSON_AddItemToArray(a, e);
		}
		json_str(o, "sentinel_source", cfg->sentinel_source);
		json_str(o, "sentinel_username", cfg->sentinel_user);
		add_bool(o, "sentinel_password_set", cfg->sentinel_secret >= 0);
	}
	return o;
}

cJSON *
json_error(const struct rd_err *err)
{
	cJSON *o;

	if (!err->set)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	json_str(o, "code", err->code);
	if (err->errnum != 0)
		add_num(o, "errno", err->errnum);
	else
		cJSON_AddNullToObject(o, "errno");
	json_str(o, "name", err->name);
	json_str(o, "message", err->message);
	return o;
}

static cJSON *
json_steps(const struct rd_report *r)
{
	cJSON *a = cJSON_CreateArray(), *o;
	struct rd_step st;
	int i, n;

	/* Without observations only the configuration was looked at. */
	n = r->obs != NULL ? RD_STEP__COUNT : 1;
	for (i = 0; i < n; i++) {
		report_step(r, (enum rd_step_id)i, &st);
		o = cJSON_CreateObject();
		json_str(o, "name", rd_step_names[i]);
		json_str(o, "status", rd_status_names[st.status]);
		if (st.status == RD_ST_SKIP || (r->obs == NULL && st.us == 0))
			cJSON_AddNullToObject(o, "duration_ms");
		else
			json_ms(o, "duration_ms", st.us);
		cJSON_AddItemToObject(o, "error", json_error(&st.err));
		json_str(o, "detail", st.detail);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* A step's time, or null when it did not run. */
static void
add_step_ms(cJSON *o, const char *k, const struct rd_obs *obs,
    enum rd_step_id id)
{
	if (obs == NULL || obs->steps[id].status == RD_ST_SKIP)
		cJSON_AddNullToObject(o, k);
	else
		json_ms(o, k, obs->steps[id].us);
}

static cJSON *
json_timings(const struct rd_obs *obs)
{
	cJSON *o = cJSON_CreateObject();

	add_step_ms(o, "dns_ms", obs, RD_STEP_DNS);
	add_step_ms(o, "tcp_ms", obs, RD_STEP_TCP);
	add_step_ms(o, "tls_ms", obs, RD_STEP_TLS);
	add_step_ms(o, "auth_ms", obs, RD_STEP_AUTH);
	add_step_ms(o, "ping_ms", obs, RD_STEP_PING);
	if (obs != NULL && obs->total_us > 0)
		json_ms(o, "total_ms", obs->total_us);
	else
		cJSON_AddNullToObject(o, "total_ms");
	return o;
}

static cJSON *
json_addr(const struct rd_addr *ad)
{
	cJSON *o = cJSON_CreateObject();

	add_num(o, "family", ad->family);
	json_str(o, "address", ad->text);
	return o;
}

static cJSON *
json_dns(const struct rd_obs *obs)
{
	const struct rd_dns_obs *d;
	cJSON *o, *a;
	int i;

	if (obs == NULL || !obs->dns.attempted)
		return cJSON_CreateNull();
	d = &obs->dns;
	o = cJSON_CreateObject();
	add_bool(o, "literal", d->literal);
	json_known(o, "family_wanted", d->family_wanted > 0 ?
	    d->family_wanted : -1);
	a = cJSON_AddArrayToObject(o, "addresses");
	for (i = 0; i < d->naddr && i < RD_MAX_ADDRS; i++)
		cJSON_AddItemToArray(a, json_addr(&d->addrs[i]));
	add_num(o, "filtered", d->nfiltered);
	if (d->gai_err != 0)
		add_num(o, "gai_error", d->gai_err);
	else
		cJSON_AddNullToObject(o, "gai_error");
	if (d->gai_errno != 0)
		add_num(o, "gai_errno", d->gai_errno);
	else
		cJSON_AddNullToObject(o, "gai_errno");
	add_bool(o, "timed_out", d->timed_out);
	add_num(o, "stalled_lookups", d->stalled);
	return o;
}

static cJSON *
json_tcp(const struct rd_obs *obs)
{
	const struct rd_tcp_obs *t;
	cJSON *o, *a, *e;
	int i;

	if (obs == NULL || !obs->tcp.attempted)
		return cJSON_CreateNull();
	t = &obs->tcp;
	o = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(o, "attempts");
	for (i = 0; i < t->nattempts && i < RD_MAX_ADDRS; i++) {
		const struct rd_attempt *at = &t->attempts[i];

		e = cJSON_CreateObject();
		add_num(e, "family", at->addr.family);
		json_str(e, "address", at->addr.text);
		add_num(e, "port", at->port);
		json_ms(e, "start_ms", at->start_us);
		json_ms(e, "duration_ms", at->us);
		add_bool(e, "connected", at->connected);
		add_bool(e, "abandoned", at->abandoned);
		if (at->errnum != 0)
			add_num(e, "errno", at->errnum);
		else
			cJSON_AddNullToObject(e, "errno");
		cJSON_AddItemToArray(a, e);
	}
	json_known(o, "winner", t->winner);
	add_bool(o, "timed_out", t->timed_out);
	json_str(o, "local", t->local);
	json_str(o, "peer", t->peer);
	return o;
}

static cJSON *
json_cross(const struct rd_obs *obs)
{
	cJSON *o;

	if (obs == NULL || !obs->cross.attempted)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	add_bool(o, "tried_tls", obs->cross.tried_tls);
	add_bool(o, "tried_plain", obs->cross.tried_plain);
	add_bool(o, "tried_sni", obs->cross.tried_sni);
	add_bool(o, "succeeded", obs->cross.succeeded);
	json_str(o, "detail", obs->cross.detail);
	return o;
}

static cJSON *
json_tls(const struct rd_obs *obs)
{
	const struct rd_tls_obs *t;
	cJSON *o, *a;
	char buf[32];
	int i;

	if (obs == NULL || !obs->tls.attempted)
		return cJSON_CreateNull();
	t = &obs->tls;
	o = cJSON_CreateObject();
	add_bool(o, "ok", t->ok);
	json_str(o, "version", t->version);
	json_str(o, "cipher", t->cipher);
	add_bool(o, "sni_sent", t->sni_sent);
	json_str(o, "sni", t->sni_sent ? t->sni : NULL);
	add_bool(o, "insecure", t->insecure);
	add_bool(o, "hostname_checked", !t->insecure && !t->name_unchecked);
	/* No certificate seen and no error: nothing was verified. */
	if (t->have_cert || t->verify_code != 0) {
		add_num(o, "verify_code", (double)t->verify_code);
		json_str(o, "verify_name", t->verify_name);
	} else {
		cJSON_AddNullToObject(o, "verify_code");
		cJSON_AddNullToObject(o, "verify_name");
	}
	if (t->hostname_match < 0)
		cJSON_AddNullToObject(o, "hostname_match");
	else
		add_bool(o, "hostname_match", t->hostname_match == 1);
	json_str(o, "expected_name", t->expected_name);
	add_bool(o, "have_cert", t->have_cert);
	json_str(o, "subject", t->have_cert ? t->subject : NULL);
	json_str(o, "issuer", t->have_cert ? t->issuer : NULL);
	if (t->have_cert) {
		a = cJSON_AddArrayToObject(o, "sans");
		for (i = 0; i < t->nsans && i < RD_MAX_SANS; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(t->sans[i]));
	} else
		cJSON_AddNullToObject(o, "sans");
	json_str(o, "not_before", t->have_cert ? t->not_before : NULL);
	json_str(o, "not_after", t->have_cert ? t->not_after : NULL);
	if (t->have_cert)
		add_num(o, "days_left", t->days_left);
	else
		cJSON_AddNullToObject(o, "days_left");
	if (t->have_cert)
		add_bool(o, "self_signed", t->self_signed);
	else
		cJSON_AddNullToObject(o, "self_signed");
	add_bool(o, "client_cert_sent", t->client_cert_sent);
	add_bool(o, "cert_requested", t->cert_requested);
	json_known(o, "alert", t->alert);
	json_str(o, "alert_desc", t->alert_desc);
	add_bool(o, "alert_sent", t->alert >= 0 && t->alert_sent);
	if (t->lib_err != 0) {
		snprintf(buf, sizeof(buf), "0x%lx", t->lib_err);
		json_str(o, "lib_error", buf);
	} else
		cJSON_AddNullToObject(o, "lib_error");
	json_str(o, "lib_reason", t->lib_reason);
	add_bool(o, "timed_out", t->timed_out);
	add_bool(o, "peer_closed", t->peer_closed);
	add_bool(o, "peer_reset", t->peer_reset);
	add_bool(o, "not_tls", t->not_tls);
	json_str(o, "peer_first_bytes", t->peer_first_bytes);
	return o;
}

static void
add_status_str(cJSON *o, const char *k, const char *v)
{
	json_str(o, k, v);
}

/* The health depth (probe_health.c): each part null where it is unknown
 * (refused or not asked). */
static void
json_health(cJSON *o, const struct rd_server_obs *s)
{
	cJSON *x, *a, *e;
	int i;

	if (s->mem_fragmentation_ratio < 0)
		cJSON_AddNullToObject(o, "mem_fragmentation_ratio");
	else
		add_num(o, "mem_fragmentation_ratio", s->mem_fragmentation_ratio);
	x = cJSON_AddObjectToObject(o, "config");
	add_bool(x, "denied", s->config_denied);
	json_known(x, "timeout_s", s->cfg_timeout_s);
	json_known(x, "tcp_keepalive_s", s->cfg_tcp_keepalive_s);
	if (s->notify_known)
		cJSON_AddStringToObject(x, "notify_keyspace_events",
		    s->notify_keyspace_events);
	else
		cJSON_AddNullToObject(x, "notify_keyspace_events");
	x = cJSON_AddObjectToObject(o, "slowlog");
	add_bool(x, "denied", s->slowlog_denied);
	json_known(x, "len", s->slowlog_len);
	a = cJSON_AddArrayToObject(x, "slowest_us");
	for (i = 0; a != NULL && i < s->nslow && i < RD_MAX_SLOW; i++)
		cJSON_AddItemToArray(a,
		    cJSON_CreateNumber((double)s->slowlog_top_us[i]));
	x = cJSON_AddObjectToObject(o, "latency_latest");
	add_bool(x, "denied", s->latency_denied);
	a = cJSON_AddArrayToObject(x, "events");
	for (i = 0; a != NULL && i < s->nlatency_events &&
	    i < RD_MAX_LAT_EVENTS; i++) {
		e = cJSON_CreateObject();
		json_str(e, "event", s->latency_events[i].event);
		add_num(e, "latest_ms", (double)s->latency_events[i].latest_ms);
		add_num(e, "max_ms", (double)s->latency_events[i].max_ms);
		cJSON_AddItemToArray(a, e);
	}
}

static cJSON *
json_server(const struct rd_obs *obs)
{
	const struct rd_server_obs *s;
	cJSON *o;

	if (obs == NULL || (!obs->server.info_ok && !obs->server.info_denied))
		return cJSON_CreateNull();
	s = &obs->server;
	o = cJSON_CreateObject();
	add_bool(o, "info_ok", s->info_ok);
	add_bool(o, "info_denied", s->info_denied);
	if (!s->info_ok) {
		/* Forbidden INFO: every fact unknown. */
		static const char *const keys[] = { "version", "mode", "role",
		    "master_link_status", "used_memory", "used_memory_peak",
		    "maxmemory", "maxmemory_policy", "connected_clients",
		    "maxclients", "loading", "rdb_last_bgsave_status",
		    "aof_enabled", "aof_last_write_status", "keyspace_hits",
		    "keyspace_misses", "hit_rate", "rejected_connections",
		    "evicted_keys", "cluster_state", "uptime_s", "os" };
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			cJSON_AddNullToObject(o, keys[i]);
		json_health(o, s);
		return o;
	}
	json_str(o, "version", s->version);
	json_str(o, "mode", s->mode);
	json_str(o, "role", s->role);
	json_str(o, "master_link_status", s->master_link_status);
	json_known(o, "used_memory", s->used_memory);
	json_known(o, "used_memory_peak", s->used_memory_peak);
	json_known(o, "maxmemory", s->maxmemory);
	json_str(o, "maxmemory_policy", s->maxmemory_policy);
	json_known(o, "connected_clients", s->connected_clients);
	json_known(o, "maxclients", s->maxclients_known ? s->maxclients : -1);
	if (s->loading < 0)
		cJSON_AddNullToObject(o, "loading");
	else
		add_bool(o, "loading", s->loading != 0);
	add_status_str(o, "rdb_last_bgsave_status", s->rdb_last_bgsave_status);
	if (s->aof_enabled < 0)
		cJSON_AddNullToObject(o, "aof_enabled");
	else
		add_bool(o, "aof_enabled", s->aof_enabled != 0);
	add_status_str(o, "aof_last_write_status", s->aof_last_write_status);
	json_known(o, "keyspace_hits", s->keyspace_hits);
	json_known(o, "keyspace_misses", s->keyspace_misses);
	if (s->hit_rate < 0 || isnan(s->hit_rate))
		cJSON_AddNullToObject(o, "hit_rate");
	else
		add_num(o, "hit_rate", s->hit_rate);
	json_known(o, "rejected_connections", s->rejected_connections);
	json_known(o, "evicted_keys", s->evicted_keys);
	json_str(o, "cluster_state", s->cluster_state);
	json_known(o, "uptime_s", s->uptime_s);
	json_str(o, "os", s->os);
	json_health(o, s);
	return o;
}

static cJSON *
json_latency(const struct rd_obs *obs)
{
	cJSON *o;

	if (obs == NULL || obs->latency.samples <= 0)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	add_num(o, "samples", obs->latency.samples);
	add_num(o, "min_us", (double)obs->latency.min_us);
	add_num(o, "p50_us", (double)obs->latency.p50_us);
	add_num(o, "p99_us", (double)obs->latency.p99_us);
	add_num(o, "max_us", (double)obs->latency.max_us);
	return o;
}

static cJSON *
json_finding(const struct rd_finding *f)
{
	cJSON *o = cJSON_CreateObject(), *a;
	int i;

	json_str(o, "id", f->id);
	json_str(o, "severity", rd_severity_names[f->sev]);
	json_str(o, "title", f->title);
	json_str(o, "evidence", f->evidence);
	a = cJSON_AddArrayToObject(o, "remediation");
	for (i = 0; i < f->nremedy && i < RD_MAX_REMEDY; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(f->remediation[i]));
	return o;
}

static cJSON *
json_cl_item(const struct rd_report *r, enum rd_cl_id i)
{
	cJSON *o = cJSON_CreateObject();

	json_str(o, "id", report_cl_id(r, i));
	json_str(o, "title", report_cl_title(r, i));
	json_str(o, "status", rd_cl_status_names[r->checklist[i].status]);
	json_str(o, "note", r->checklist[i].note);
	return o;
}

static cJSON *
json_cand_result(const struct rd_cand_result *c)
{
	cJSON *o = cJSON_CreateObject(), *a;
	size_t i;

	if (c->cand != NULL) {
		json_str(o, "name", c->cand->name);
		json_str(o, "source", c->cand->source);
		json_str(o, "host", c->cand->host);
		json_known(o, "port", c->cand->port > 0 ? c->cand->port : -1);
		add_bool(o, "tls", c->cand->tls);
		json_str(o, "url_redacted", c->cand->url_redacted);
	}
	json_str(o, "verdict", rd_verdict_names[c->verdict]);
	add_num(o, "exit_code", c->exit_code);
	json_str(o, "summary", c->summary);
	a = cJSON_AddArrayToObject(o, "steps");
	for (i = 0; c->probed && i < RD_STEP__COUNT; i++) {
		cJSON *e = cJSON_CreateObject();

		json_str(e, "name", rd_step_names[i]);
		json_str(e, "status", rd_status_names[c->steps[i]]);
		cJSON_AddItemToArray(a, e);
	}
	return o;
}

static cJSON *
json_line(const struct rd_explain_line *l)
{
	cJSON *o = cJSON_CreateObject();

	add_num(o, "lineno", l->lineno);
	json_str(o, "id", l->id);
	json_str(o, "client", l->client);
	json_str(o, "host", l->host);
	json_known(o, "port", l->port > 0 ? l->port : -1);
	json_str(o, "excerpt", l->excerpt);
	return o;
}

cJSON *
report_to_cjson(const struct rd_report *r)
{
	cJSON *o, *a;
	size_t i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	json_str(o, "schema_version", RD_SCHEMA_VERSION);
	cJSON_AddItemToObject(o, "tool", json_tool());
	json_str(o, "command", r->command);
	json_str(o, "verdict", rd_verdict_names[r->verdict]);
	add_num(o, "exit_code", r->exit_code);
	json_str(o, "summary", r->summary);
	if (r->cfg != NULL) {
		cJSON_AddItemToObject(o, "environment",
		    json_environment(&r->cfg->envi));
		cJSON_AddItemToObject(o, "config", json_config(r->cfg));
	} else {
		cJSON_AddNullToObject(o, "environment");
		cJSON_AddNullToObject(o, "config");
	}
	cJSON_AddItemToObject(o, "steps", json_steps(r));
	cJSON_AddItemToObject(o, "timings", json_timings(r->obs));
	cJSON_AddItemToObject(o, "dns", json_dns(r->obs));
	cJSON_AddItemToObject(o, "tcp", json_tcp(r->obs));
	cJSON_AddItemToObject(o, "cross_try", json_cross(r->obs));
	cJSON_AddItemToObject(o, "tls", json_tls(r->obs));
	cJSON_AddItemToObject(o, "server", json_server(r->obs));
	cJSON_AddItemToObject(o, "latency", json_latency(r->obs));
	a = cJSON_AddArrayToObject(o, "findings");
	for (i = 0; i < r->findings.n; i++)
		cJSON_AddItemToArray(a, json_finding(&r->findings.v[i]));
	a = cJSON_AddArrayToObject(o, "checklist");
	for (i = 0; i < RD_CL__COUNT; i++)
		cJSON_AddItemToArray(a, json_cl_item(r, (enum rd_cl_id)i));
	if (r->alts != NULL) {
		a = cJSON_AddArrayToObject(o, "alternatives");
		for (i = 0; i < r->nalts; i++) {
			cJSON *e = cJSON_CreateObject();

			json_str(e, "change", r->alts[i].change);
			json_str(e, "verdict", rd_verdict_names[r->alts[i].verdict]);
			cJSON_AddNumberToObject(e, "exit_code", r->alts[i].exit_code);
			json_str(e, "summary", r->alts[i].summary);
			cJSON_AddItemToArray(a, e);
		}
	}
	if (r->cands != NULL) {
		a = cJSON_AddArrayToObject(o, "candidates_probed");
		for (i = 0; i < r->ncands; i++)
			cJSON_AddItemToArray(a, json_cand_result(&r->cands[i]));
	}
	if (r->topo != NULL)
		cJSON_AddItemToObject(o, "topology", json_topology(r->topo));
	if (r->scenario != NULL)
		json_str(o, "scenario", r->scenario);
	if (r->lines != NULL || (r->command != NULL &&
	    strcmp(r->command, "explain") == 0)) {
		a = cJSON_AddArrayToObject(o, "lines");
		for (i = 0; i < r->nlines && r->lines != NULL; i++)
			cJSON_AddItemToArray(a, json_line(&r->lines[i]));
	}
	return o;
}

int
json_emit(cJSON *o, FILE *out, bool pretty)
{
	char *s;
	int rc;

	if (o == NULL)
		return -1;
	/* One buffer the size of a typical report: cJSON_Print starts at
	 * 256 bytes and copies on every doubling. */
	s = cJSON_PrintBuffered(o, 16384, pretty);
	cJSON_Delete(o);
	if (s == NULL)
		return -1;
	/* Keys and values may hold bytes someone else wrote (a variable's
	 * name, a log line): the sanitizer makes the document UTF-8. */
	rc = rd_fput_clean(out, s, strlen(s), true) == -1 ||
	    fputc('\n', out) == EOF ? -1 : 0;
	cJSON_free(s);
	return rc;
}

int
render_json(const struct rd_report *r, FILE *out, bool pretty)
{
	return json_emit(report_to_cjson(r), out, pretty);
}

/*
 * ndjson: an event stream for log pipelines, one compact object per line,
 * each carrying "type" and the command so a line stands alone:
 *
 *   {"type":"step", "name", "status", "duration_ms", "error", "detail"}   per step
 *   {"type":"finding", "id", "severity", "title", "evidence", "remediation"}
 *   {"type":"checklist", "id", "title", "status", "note"}                 per item
 *   {"type":"candidate", ...}                          per --all-candidates probe
 *   {"type":"line", ...}                               per explained line
 *   {"type":"report", ...the whole JSON document...}   last line
 *
 * The last line is the complete report, so `tail -n1 | jq` gives exactly
 * what --format json gives, and `jq 'select(.type=="finding")'` the rest.
 */
static int
emit_typed(cJSON *o, const char *type, const char *command, FILE *out)
{
	cJSON *t;

	if (o == NULL)
		return -1;
	/* "type" and "command" first, then the item's own keys. */
	t = cJSON_CreateObject();
	json_str(t, "type", type);
	json_str(t, "command", command);
	while (o->child != NULL) {
		cJSON *c = cJSON_DetachItemViaPointer(o, o->child);

		/* The report's own "command" is already there. */
		if (c->string == NULL || cJSON_HasObjectItem(t, c->string))
			cJSON_Delete(c);
		else
			cJSON_AddItemToObject(t, c->string, c);
	}
	cJSON_Delete(o);
	return json_emit(t, out, false);
}

int
render_ndjson(const struct rd_report *r, FILE *out)
{
	cJSON *doc, *steps, *it;
	const char *cmd = r->command;
	size_t i;

	if ((doc = report_to_cjson(r)) == NULL)
		return -1;
	steps = cJSON_GetObjectItemCaseSensitive(doc, "steps");
	cJSON_ArrayForEach(it, steps)
		if (emit_typed(cJSON_Duplicate(it, true), "step", cmd, out) == -1)
			goto fail;
	for (i = 0; i < r->findings.n; i++)
		if (emit_typed(json_finding(&r->findings.v[i]), "finding", cmd,
		    out) == -1)
			goto fail;
	for (i = 0; i < RD_CL__COUNT; i++)
		if (emit_typed(json_cl_item(r, (enum rd_cl_id)i), "checklist",
		    cmd, out) == -1)
			goto fail;
	for (i = 0; r->cands != NULL && i < r->ncands; i++)
		if (emit_typed(json_cand_result(&r->cands[i]), "candidate", cmd,
		    out) == -1)
			goto fail;
	for (i = 0; r->lines != NULL && i < r->nlines; i++)
		if (emit_typed(json_line(&r->lines[i]), "line", cmd, out) == -1)
			goto fail;
	return emit_typed(doc, "report", cmd, out);
fail:
	cJSON_Delete(doc);
	return -1;
}
