/* render_json_obs.c — the observation sections of the JSON report
 * (SPEC section 6): timings{}, dns{}, tcp{}, cross_try{}, tls{}, server{}
 * and latency{}, read from the probe's observations.  The envelope, the
 * findings, the checklist and the ndjson stream are render_json.c's.
 * Every key is always present; what the probe did not learn is null. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "render_int.h"
#include "report.h"

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

	json_num(o, "family", ad->family);
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
	cJSON_AddBoolToObject(o, "literal", d->literal);
	json_known(o, "family_wanted", d->family_wanted > 0 ?
	    d->family_wanted : -1);
	a = cJSON_AddArrayToObject(o, "addresses");
	for (i = 0; i < d->naddr && i < RD_MAX_ADDRS; i++)
		cJSON_AddItemToArray(a, json_addr(&d->addrs[i]));
	json_num(o, "filtered", d->nfiltered);
	if (d->gai_err != 0)
		json_num(o, "gai_error", d->gai_err);
	else
		cJSON_AddNullToObject(o, "gai_error");
	if (d->gai_errno != 0)
		json_num(o, "gai_errno", d->gai_errno);
	else
		cJSON_AddNullToObject(o, "gai_errno");
	cJSON_AddBoolToObject(o, "timed_out", d->timed_out);
	json_num(o, "stalled_lookups", d->stalled);
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
		json_num(e, "family", at->addr.family);
		json_str(e, "address", at->addr.text);
		json_num(e, "port", at->port);
		json_ms(e, "start_ms", at->start_us);
		json_ms(e, "duration_ms", at->us);
		cJSON_AddBoolToObject(e, "connected", at->connected);
		cJSON_AddBoolToObject(e, "abandoned", at->abandoned);
		if (at->errnum != 0)
			json_num(e, "errno", at->errnum);
		else
			cJSON_AddNullToObject(e, "errno");
		cJSON_AddItemToArray(a, e);
	}
	json_known(o, "winner", t->winner);
	cJSON_AddBoolToObject(o, "timed_out", t->timed_out);
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
	cJSON_AddBoolToObject(o, "tried_tls", obs->cross.tried_tls);
	cJSON_AddBoolToObject(o, "tried_plain", obs->cross.tried_plain);
	cJSON_AddBoolToObject(o, "tried_sni", obs->cross.tried_sni);
	cJSON_AddBoolToObject(o, "succeeded", obs->cross.succeeded);
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
	cJSON_AddBoolToObject(o, "ok", t->ok);
	json_str(o, "version", t->version);
	json_str(o, "cipher", t->cipher);
	cJSON_AddBoolToObject(o, "sni_sent", t->sni_sent);
	json_str(o, "sni", t->sni_sent ? t->sni : NULL);
	cJSON_AddBoolToObject(o, "insecure", t->insecure);
	cJSON_AddBoolToObject(o, "hostname_checked",
	    !t->insecure && !t->name_unchecked);
	/* No certificate seen and no error: nothing was verified. */
	if (t->have_cert || t->verify_code != 0) {
		json_num(o, "verify_code", (double)t->verify_code);
		json_str(o, "verify_name", t->verify_name);
	} else {
		cJSON_AddNullToObject(o, "verify_code");
		cJSON_AddNullToObject(o, "verify_name");
	}
	if (t->hostname_match < 0)
		cJSON_AddNullToObject(o, "hostname_match");
	else
		cJSON_AddBoolToObject(o, "hostname_match",
		    t->hostname_match == 1);
	json_str(o, "expected_name", t->expected_name);
	cJSON_AddBoolToObject(o, "have_cert", t->have_cert);
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
		json_num(o, "days_left", t->days_left);
	else
		cJSON_AddNullToObject(o, "days_left");
	if (t->have_cert)
		cJSON_AddBoolToObject(o, "self_signed", t->self_signed);
	else
		cJSON_AddNullToObject(o, "self_signed");
	cJSON_AddBoolToObject(o, "client_cert_sent", t->client_cert_sent);
	cJSON_AddBoolToObject(o, "cert_requested", t->cert_requested);
	json_known(o, "alert", t->alert);
	json_str(o, "alert_desc", t->alert_desc);
	cJSON_AddBoolToObject(o, "alert_sent", t->alert >= 0 && t->alert_sent);
	if (t->lib_err != 0) {
		snprintf(buf, sizeof(buf), "0x%lx", t->lib_err);
		json_str(o, "lib_error", buf);
	} else
		cJSON_AddNullToObject(o, "lib_error");
	json_str(o, "lib_reason", t->lib_reason);
	cJSON_AddBoolToObject(o, "timed_out", t->timed_out);
	cJSON_AddBoolToObject(o, "peer_closed", t->peer_closed);
	cJSON_AddBoolToObject(o, "peer_reset", t->peer_reset);
	cJSON_AddBoolToObject(o, "not_tls", t->not_tls);
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
		json_num(o, "mem_fragmentation_ratio", s->mem_fragmentation_ratio);
	x = cJSON_AddObjectToObject(o, "config");
	cJSON_AddBoolToObject(x, "denied", s->config_denied);
	json_known(x, "timeout_s", s->cfg_timeout_s);
	json_known(x, "tcp_keepalive_s", s->cfg_tcp_keepalive_s);
	if (s->notify_known)
		cJSON_AddStringToObject(x, "notify_keyspace_events",
		    s->notify_keyspace_events);
	else
		cJSON_AddNullToObject(x, "notify_keyspace_events");
	x = cJSON_AddObjectToObject(o, "slowlog");
	cJSON_AddBoolToObject(x, "denied", s->slowlog_denied);
	json_known(x, "len", s->slowlog_len);
	a = cJSON_AddArrayToObject(x, "slowest_us");
	for (i = 0; a != NULL && i < s->nslow && i < RD_MAX_SLOW; i++)
		cJSON_AddItemToArray(a,
		    cJSON_CreateNumber((double)s->slowlog_top_us[i]));
	x = cJSON_AddObjectToObject(o, "latency_latest");
	cJSON_AddBoolToObject(x, "denied", s->latency_denied);
	a = cJSON_AddArrayToObject(x, "events");
	for (i = 0; a != NULL && i < s->nlatency_events &&
	    i < RD_MAX_LAT_EVENTS; i++) {
		e = cJSON_CreateObject();
		json_str(e, "event", s->latency_events[i].event);
		json_num(e, "latest_ms", (double)s->latency_events[i].latest_ms);
		json_num(e, "max_ms", (double)s->latency_events[i].max_ms);
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
	cJSON_AddBoolToObject(o, "info_ok", s->info_ok);
	cJSON_AddBoolToObject(o, "info_denied", s->info_denied);
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
		cJSON_AddBoolToObject(o, "loading", s->loading != 0);
	add_status_str(o, "rdb_last_bgsave_status", s->rdb_last_bgsave_status);
	if (s->aof_enabled < 0)
		cJSON_AddNullToObject(o, "aof_enabled");
	else
		cJSON_AddBoolToObject(o, "aof_enabled", s->aof_enabled != 0);
	add_status_str(o, "aof_last_write_status", s->aof_last_write_status);
	json_known(o, "keyspace_hits", s->keyspace_hits);
	json_known(o, "keyspace_misses", s->keyspace_misses);
	if (s->hit_rate < 0 || isnan(s->hit_rate))
		cJSON_AddNullToObject(o, "hit_rate");
	else
		json_num(o, "hit_rate", s->hit_rate);
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
	json_num(o, "samples", obs->latency.samples);
	json_num(o, "min_us", (double)obs->latency.min_us);
	json_num(o, "p50_us", (double)obs->latency.p50_us);
	json_num(o, "p99_us", (double)obs->latency.p99_us);
	json_num(o, "max_us", (double)obs->latency.max_us);
	return o;
}

void
json_observations(cJSON *o, const struct rd_obs *obs)
{
	cJSON_AddItemToObject(o, "timings", json_timings(obs));
	cJSON_AddItemToObject(o, "dns", json_dns(obs));
	cJSON_AddItemToObject(o, "tcp", json_tcp(obs));
	cJSON_AddItemToObject(o, "cross_try", json_cross(obs));
	cJSON_AddItemToObject(o, "tls", json_tls(obs));
	cJSON_AddItemToObject(o, "server", json_server(obs));
	cJSON_AddItemToObject(o, "latency", json_latency(obs));
}
