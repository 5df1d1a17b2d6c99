/* test_render.c — the renderers from literal reports: no network, no rules.
 *
 * Each test builds a configuration, observations, findings and checklist
 * by hand, renders them, and asserts on the parsed output: the JSON keys
 * of SPEC section 6 in order, null for the unknown, the password never
 * printed (a canary in cfg->password and the password field), every
 * format well formed, and every rendered report valid against the schema
 * `redisdiag schema` prints (a small validator below covers the keywords
 * that schema uses). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "render_int.h"
#include "report.h"

/* The name tables live in modules that other helpers write (report.c,
 * probe.c, config.c).  Weak copies let this test link before they land;
 * the real ones win once they do. */
__attribute__((weak)) const char *const rd_step_names[RD_STEP__COUNT] = {
	"config", "dns", "tcp", "tls", "hello", "auth", "select", "ping",
	"info", "latency"
};
__attribute__((weak)) const char *const rd_status_names[] = {
	"skip", "ok", "warn", "fail"
};
__attribute__((weak)) const char *const rd_severity_names[] = {
	"info", "warning", "critical"
};
__attribute__((weak)) const char *const rd_cl_status_names[] = {
	"skip", "pass", "fail", "warn"
};
__attribute__((weak)) const char *const rd_verdict_names[] = {
	"ok", "warn", "rejecting", "unreachable", "no_attempt"
};
__attribute__((weak)) const char *const rd_field_names[RD_F__COUNT] = {
	"host", "port", "tls", "sni", "username", "password", "db"
};

#define CANARY	"Canary-s3cr3t-7f1d"

/* ---- fixtures ---- */

struct fx {
	struct rd_config cfg;
	struct rd_obs	 obs;
	struct rd_finding fv[4];
	struct rd_shadowed sh[1];
	struct rd_candidate cand[1];
	struct rd_problem prob[1];
	struct rd_report r;
	char	 pw[32], pwf[32];
};

static void
set_cl(struct rd_report *r, enum rd_cl_status def)
{
	int i;

	for (i = 0; i < RD_CL__COUNT; i++) {
		r->checklist[i].id = NULL;	/* renderers fill the names */
		r->checklist[i].status = def;
	}
}

static struct rd_finding *
add(struct fx *x, const char *id, enum rd_severity sev, const char *title)
{
	struct rd_finding *f = &x->fv[x->r.findings.n++];

	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%s", id);
	f->sev = sev;
	snprintf(f->title, sizeof(f->title), "%s", title);
	snprintf(f->evidence, sizeof(f->evidence), "evidence for %s", id);
	snprintf(f->remediation[0], sizeof(f->remediation[0]), "fix %s", id);
	f->nremedy = 1;
	return f;
}

/* A refused TCP connection to a resolved config with a password. */
static struct fx *
fx_refused(void)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct rd_config *c = &x->cfg;
	struct rd_obs *o = &x->obs;

	assert_non_null(x);
	snprintf(x->pw, sizeof(x->pw), "%s", CANARY);
	/* The configuration holds "****", never the secret (secret.h). */
	snprintf(x->pwf, sizeof(x->pwf), "%s", "****");
	c->host = "127.0.0.1";
	c->port = 6379;
	c->db = 0;
	c->password_set = true;
	c->valid = true;
	c->timeout_us = 5000000;
	snprintf(c->source, sizeof(c->source), "env:REDIS_HOST");
	c->f[RD_F_HOST].value = "127.0.0.1";
	snprintf(c->f[RD_F_HOST].source, RD_SOURCE_LEN, "env:REDIS_HOST");
	c->f[RD_F_PORT].value = "6379";
	snprintf(c->f[RD_F_PORT].source, RD_SOURCE_LEN, "default");
	c->f[RD_F_PASSWORD].value = x->pwf;
	snprintf(c->f[RD_F_PASSWORD].source, RD_SOURCE_LEN, "env:REDIS_PASSWORD");
	c->f[RD_F_DB].value = "0";
	snprintf(c->f[RD_F_DB].source, RD_SOURCE_LEN, "default");
	snprintf(x->sh[0].name, sizeof(x->sh[0].name), "NF_REDIS_URL");
	snprintf(x->sh[0].reason, sizeof(x->sh[0].reason),
	    "REDIS_HOST is set; NF_REDIS_* are read only without it");
	c->shadowed = x->sh;
	c->nshadowed = 1;
	snprintf(x->cand[0].name, sizeof(x->cand[0].name), "NF_REDIS_URL");
	snprintf(x->cand[0].host, sizeof(x->cand[0].host), "x.addon.code.run");
	x->cand[0].port = 6379;
	x->cand[0].tls = true;
	x->cand[0].valid = true;
	x->cand[0].password_set = true;
	snprintf(x->cand[0].url_redacted, sizeof(x->cand[0].url_redacted),
	    "rediss://:****@x.addon.code.run:6379");
	c->cands = x->cand;
	c->ncands = 1;
	c->envi.in_container = true;
	c->envi.nevidence = 1;
	snprintf(c->envi.evidence[0], sizeof(c->envi.evidence[0]),
	    "/.dockerenv exists");
	snprintf(c->envi.platform, sizeof(c->envi.platform), "northflank");

	o->steps[RD_STEP_CONFIG].status = RD_ST_OK;
	o->steps[RD_STEP_CONFIG].us = 12;
	o->steps[RD_STEP_DNS].status = RD_ST_OK;
	o->steps[RD_STEP_DNS].us = 3;
	o->steps[RD_STEP_TCP].status = RD_ST_FAIL;
	o->steps[RD_STEP_TCP].us = 1234;
	o->steps[RD_STEP_TCP].err.set = true;
	snprintf(o->steps[RD_STEP_TCP].err.code, 48, "ECONNREFUSED");
	snprintf(o->steps[RD_STEP_TCP].err.name, 48, "ECONNREFUSED");
	o->steps[RD_STEP_TCP].err.errnum = ECONNREFUSED;
	snprintf(o->steps[RD_STEP_TCP].err.message, 256, "connection refused");
	o->dns.attempted = true;
	o->dns.literal = true;
	o->dns.naddr = 1;
	o->dns.addrs[0].family = 4;
	snprintf(o->dns.addrs[0].text, 64, "127.0.0.1");
	o->tcp.attempted = true;
	o->tcp.nattempts = 1;
	o->tcp.winner = -1;
	o->tcp.attempts[0].addr = o->dns.addrs[0];
	o->tcp.attempts[0].port = 6379;
	o->tcp.attempts[0].us = 1234;
	o->tcp.attempts[0].errnum = ECONNREFUSED;
	o->total_us = 1300;

	x->r.command = "check";
	x->r.cfg = c;
	x->r.obs = o;
	x->r.findings.v = x->fv;
	x->r.findings.cap = 4;
	add(x, "tcp.refused", RD_SEV_CRITICAL, "Nothing listens at 127.0.0.1:6379");
	add(x, "config.localhost_in_container", RD_SEV_CRITICAL,
	    "Loopback <host> & \"quotes\" inside a container");
	set_cl(&x->r, RD_CL_SKIP);
	x->r.checklist[RD_CL_REMOTE_HOST].status = RD_CL_FAIL;
	snprintf(x->r.checklist[RD_CL_REMOTE_HOST].note, 200,
	    "127.0.0.1 <loopback> & more");
	x->r.checklist[RD_CL_DNS].status = RD_CL_PASS;
	x->r.checklist[RD_CL_TCP].status = RD_CL_FAIL;
	x->r.verdict = RD_V_UNREACHABLE;
	x->r.exit_code = 2;
	snprintf(x->r.summary, sizeof(x->r.summary),
	    "tcp.refused: nothing listens | at 127.0.0.1:6379");
	x->r.opts.format = RD_FMT_JSON;
	x->r.opts.latency_threshold_us = 100000;
	x->r.opts.warn.latency_us = x->r.opts.crit.latency_us = -1;
	x->r.opts.warn.memory_pct = x->r.opts.crit.memory_pct = -1;
	x->r.opts.warn.clients_pct = x->r.opts.crit.clients_pct = -1;
	x->r.opts.warn.cert_days = x->r.opts.crit.cert_days = -1;
	return x;
}

/* A healthy TLS run with server facts, some of them unknown. */
static struct fx *
fx_healthy_tls(void)
{
	struct fx *x = fx_refused();
	struct rd_obs *o = &x->obs;
	int i;

	x->r.findings.n = 0;
	x->cfg.tls = true;
	x->cfg.insecure = true;
	for (i = 0; i < RD_STEP__COUNT; i++) {
		o->steps[i].status = RD_ST_OK;
		o->steps[i].us = 100 + i;
		o->steps[i].err.set = false;
	}
	o->steps[RD_STEP_HELLO].status = RD_ST_SKIP;
	o->tcp.winner = 0;
	o->tcp.attempts[0].connected = true;
	o->tcp.attempts[0].errnum = 0;
	o->tls.attempted = true;
	o->tls.ok = true;
	o->tls.insecure = true;
	snprintf(o->tls.version, 16, "TLSv1.3");
	snprintf(o->tls.cipher, 64, "TLS_AES_256_GCM_SHA384");
	o->tls.have_cert = true;
	snprintf(o->tls.subject, 256, "CN=localhost");
	o->tls.nsans = 2;
	snprintf(o->tls.sans[0], 128, "DNS:localhost");
	snprintf(o->tls.sans[1], 128, "IP:127.0.0.1");
	o->tls.days_left = 29;
	o->tls.hostname_match = -1;	/* not checked: must render null */
	o->tls.alert = -1;
	o->server.info_ok = true;
	snprintf(o->server.version, 32, "7.0.15");
	snprintf(o->server.mode, 16, "standalone");
	snprintf(o->server.role, 16, "master");
	o->server.used_memory = 1000000;
	o->server.used_memory_peak = -1;
	o->server.maxmemory = 0;
	o->server.connected_clients = 3;
	o->server.maxclients_known = false;	/* must render null */
	o->server.loading = -1;
	o->server.aof_enabled = 0;
	o->server.keyspace_hits = -1;
	o->server.keyspace_misses = -1;
	o->server.hit_rate = -1;		/* must render null */
	o->server.rejected_connections = 0;
	o->server.evicted_keys = 0;
	o->server.uptime_s = 10;
	o->latency.samples = 10;
	o->latency.min_us = 50;
	o->latency.p50_us = 80;
	o->latency.p99_us = 300;
	o->latency.max_us = 310;
	add(x, "tls.insecure", RD_SEV_WARNING, "Certificate verification disabled");
	set_cl(&x->r, RD_CL_PASS);
	x->r.checklist[RD_CL_CERTIFICATE].status = RD_CL_WARN;
	x->r.verdict = RD_V_WARN;
	x->r.exit_code = 0;
	snprintf(x->r.summary, sizeof(x->r.summary), "PONG in 0.3 ms");
	return x;
}

/* env: no observations. */
static struct fx *
fx_env(void)
{
	struct fx *x = fx_refused();

	x->r.command = "env";
	x->r.obs = NULL;
	x->r.findings.n = 0;
	set_cl(&x->r, RD_CL_SKIP);
	x->r.verdict = RD_V_OK;
	x->r.exit_code = 0;
	return x;
}

/* An invalid configuration: no attempt. */
static struct fx *
fx_invalid(void)
{
	struct fx *x = fx_env();

	x->r.command = "check";
	x->cfg.valid = false;
	x->cfg.host = NULL;
	x->cfg.port = 0;
	x->cfg.db = -1;
	x->prob[0].kind = RD_P_INVALID_URL;
	x->prob[0].fatal = true;
	snprintf(x->prob[0].name, 64, "REDIS_URL");
	snprintf(x->prob[0].detail, 320, "unknown scheme \"http\" at offset 0");
	x->cfg.problems = x->prob;
	x->cfg.nproblems = 1;
	add(x, "config.invalid_url", RD_SEV_CRITICAL, "REDIS_URL does not parse");
	x->r.verdict = RD_V_NO_ATTEMPT;
	x->r.exit_code = 3;
	return x;
}

/* ---- helpers ---- */

static char *
render(struct fx *x, enum rd_format f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	x->r.opts.format = f;
	assert_int_equal(report_render(&x->r, fp), 0);
	fclose(fp);
	assert_non_null(buf);
	return buf;
}

static cJSON *
parse_json(const char *s)
{
	cJSON *j = cJSON_Parse(s);

	if (j == NULL)
		fail_msg("JSON does not parse near: %.60s", cJSON_GetErrorPtr());
	return j;
}

static cJSON *
get(const cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (v == NULL)
		fail_msg("key %s missing", k);
	return v;
}

static void
assert_null_key(const cJSON *o, const char *k)
{
	if (!cJSON_IsNull(get(o, k)))
		fail_msg("key %s should be null", k);
}

static void
assert_no_secret(const char *s)
{
	if (strstr(s, CANARY) != NULL)
		fail_msg("the password canary appears in the output");
}

/* The keys of o include want[] in this relative order. */
static void
assert_key_order(const cJSON *o, const char *const *want, size_t n)
{
	const cJSON *it = o->child;
	size_t i = 0;

	for (; it != NULL && i < n; it = it->next)
		if (strcmp(it->string, want[i]) == 0)
			i++;
	if (i != n)
		fail_msg("key %s missing or out of order", want[i]);
}

/* ---- a small JSON Schema validator: the keywords our schema uses ---- */

static const cJSON *schema_root;

static bool
type_ok(const cJSON *v, const char *t)
{
	if (strcmp(t, "null") == 0)	return cJSON_IsNull(v);
	if (strcmp(t, "boolean") == 0)	return cJSON_IsBool(v);
	if (strcmp(t, "string") == 0)	return cJSON_IsString(v);
	if (strcmp(t, "object") == 0)	return cJSON_IsObject(v);
	if (strcmp(t, "array") == 0)	return cJSON_IsArray(v);
	if (strcmp(t, "number") == 0)	return cJSON_IsNumber(v);
	if (strcmp(t, "integer") == 0)
		return cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble;
	return false;
}

static bool
json_equal(const cJSON *a, const cJSON *b)
{
	return cJSON_Compare(a, b, true);
}

static int
validate(const cJSON *v, const cJSON *s, const char *path, char *err, size_t esz)
{
	const cJSON *k, *it;

	if ((k = cJSON_GetObjectItemCaseSensitive(s, "$ref")) != NULL) {
		const char *ref = k->valuestring;

		if (strncmp(ref, "#/$defs/", 8) != 0) {
			snprintf(err, esz, "%s: unsupported $ref %s", path, ref);
			return -1;
		}
		s = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(schema_root, "$defs"), ref + 8);
		if (s == NULL) {
			snprintf(err, esz, "%s: dangling $ref %s", path, ref);
			return -1;
		}
		return validate(v, s, path, err, esz);
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "type")) != NULL) {
		bool ok = false;

		if (cJSON_IsString(k))
			ok = type_ok(v, k->valuestring);
		else
			cJSON_ArrayForEach(it, k)
				ok = ok || type_ok(v, it->valuestring);
		if (!ok) {
			snprintf(err, esz, "%s: wrong type", path);
			return -1;
		}
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "const")) != NULL &&
	    !json_equal(k, v)) {
		snprintf(err, esz, "%s: not the const", path);
		return -1;
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "enum")) != NULL) {
		bool ok = false;

		cJSON_ArrayForEach(it, k)
			ok = ok || json_equal(it, v);
		if (!ok) {
			snprintf(err, esz, "%s: not in enum", path);
			return -1;
		}
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "oneOf")) != NULL) {
		int n = 0;
		char e2[256];

		cJSON_ArrayForEach(it, k)
			n += validate(v, it, path, e2, sizeof(e2)) == 0;
		if (n != 1) {
			snprintf(err, esz, "%s: oneOf matched %d", path, n);
			return -1;
		}
	}
	if (cJSON_IsNumber(v)) {
		if ((k = cJSON_GetObjectItemCaseSensitive(s, "minimum")) != NULL &&
		    v->valuedouble < k->valuedouble) {
			snprintf(err, esz, "%s: below minimum", path);
			return -1;
		}
		if ((k = cJSON_GetObjectItemCaseSensitive(s, "maximum")) != NULL &&
		    v->valuedouble > k->valuedouble) {
			snprintf(err, esz, "%s: above maximum", path);
			return -1;
		}
	}
	if (cJSON_IsObject(v)) {
		char sub[256];

		if ((k = cJSON_GetObjectItemCaseSensitive(s, "required")) != NULL)
			cJSON_ArrayForEach(it, k)
				if (!cJSON_HasObjectItem(v, it->valuestring)) {
					snprintf(err, esz, "%s: required %s missing",
					    path, it->valuestring);
					return -1;
				}
		if ((k = cJSON_GetObjectItemCaseSensitive(s, "properties")) != NULL)
			cJSON_ArrayForEach(it, k) {
				const cJSON *pv = cJSON_GetObjectItemCaseSensitive(v,
				    it->string);

				if (pv == NULL)
					continue;
				snprintf(sub, sizeof(sub), "%s.%s", path, it->string);
				if (validate(pv, it, sub, err, esz) == -1)
					return -1;
			}
	}
	if (cJSON_IsArray(v)) {
		char sub[256];
		int i = 0;

		if ((k = cJSON_GetObjectItemCaseSensitive(s, "minItems")) != NULL &&
		    cJSON_GetArraySize(v) < k->valueint) {
			snprintf(err, esz, "%s: too few items", path);
			return -1;
		}
		if ((k = cJSON_GetObjectItemCaseSensitive(s, "items")) != NULL)
			cJSON_ArrayForEach(it, v) {
				snprintf(sub, sizeof(sub), "%s[%d]", path, i++);
				if (validate(it, k, sub, err, esz) == -1)
					return -1;
			}
	}
	return 0;
}

/* Validates v against the schema (def NULL: the root, else $defs/def). */
static void
assert_schema_valid(const cJSON *v, const char *def)
{
	cJSON *schema = parse_json(report_schema());
	const cJSON *s = schema;
	char err[256];

	schema_root = schema;
	if (def != NULL)
		s = get(get(schema, "$defs"), def);
	if (validate(v, s, "$", err, sizeof(err)) == -1) {
		cJSON_Delete(schema);
		fail_msg("schema: %s", err);
	}
	cJSON_Delete(schema);
}

/* ---- json ---- */

static const char *const top_keys[] = {
	"schema_version", "tool", "command", "verdict", "exit_code", "summary",
	"environment", "config", "steps", "timings", "tls", "server", "latency",
	"findings", "checklist"
};
static const char *const config_keys[] = {
	"host", "port", "tls", "sni", "username", "password_set", "db",
	"url_redacted", "source", "fields", "shadowed", "candidates"
};
static const char *const cl_ids[RD_CL__COUNT] = {
	"remote_host", "password", "tls_scheme", "sni", "certificate",
	"env_reaches_app", "dns", "tcp", "tls_handshake", "auth", "ping",
	"server_ready", "memory_headroom", "client_headroom"
};

/* A Unix socket (-s): port null in the config, the path as the tcp
 * attempt's address with family 0; valid against the schema; the text
 * and prometheus name the socket. */
static void
test_unix_socket(void **state)
{
	struct fx *x = fx_healthy_tls();
	char *s;
	cJSON *j;

	x->cfg.host = "/run/redis/redis.sock";
	x->cfg.port = 0;
	x->cfg.unix_socket = true;
	x->cfg.tls = false;
	x->cfg.sni = NULL;
	x->obs.tls.attempted = false;
	x->obs.steps[RD_STEP_TLS].status = RD_ST_SKIP;
	x->obs.dns.attempted = false;
	x->obs.steps[RD_STEP_DNS].status = RD_ST_SKIP;
	x->obs.tcp.attempted = true;
	x->obs.tcp.nattempts = 1;
	x->obs.tcp.winner = 0;
	memset(&x->obs.tcp.attempts[0], 0, sizeof(x->obs.tcp.attempts[0]));
	snprintf(x->obs.tcp.attempts[0].addr.text, 64, "/run/redis/redis.sock");
	x->obs.tcp.attempts[0].connected = true;
	s = render(x, RD_FMT_JSON);
	j = parse_json(s);
	assert_schema_valid(j, NULL);
	assert_true(cJSON_IsNull(get(get(j, "config"), "port")));
	cJSON_Delete(j);
	free(s);
	s = render(x, RD_FMT_TEXT);
	assert_non_null(strstr(s, "target Unix socket /run/redis/redis.sock"));
	free(s);
	s = render(x, RD_FMT_PROMETHEUS);
	assert_non_null(strstr(s, "redisdiag_up{target=\"/run/redis/redis.sock\"}"));
	free(s);
	free(x);
}

static void
test_json_refused(void **state)
{
	struct fx *x = fx_refused();
	char *s = render(x, RD_FMT_JSON);
	cJSON *j = parse_json(s), *c, *steps, *st, *e, *cl;
	int i;

	assert_no_secret(s);
	assert_key_order(j, top_keys, sizeof(top_keys) / sizeof(top_keys[0]));
	assert_string_equal(get(j, "schema_version")->valuestring, RD_SCHEMA_VERSION);
	assert_string_equal(get(get(j, "tool"), "name")->valuestring, "redisdiag");
	assert_string_equal(get(j, "verdict")->valuestring, "unreachable");
	assert_int_equal(get(j, "exit_code")->valueint, 2);

	c = get(j, "config");
	assert_key_order(c, config_keys, sizeof(config_keys) / sizeof(config_keys[0]));
	assert_true(cJSON_IsTrue(get(c, "password_set")));
	assert_string_equal(get(get(get(c, "fields"), "password"), "value")->valuestring, "****");
	assert_string_equal(get(get(get(c, "fields"), "host"), "source")->valuestring,
	    "env:REDIS_HOST");
	assert_null_key(c, "username");
	assert_null_key(c, "url_redacted");
	assert_string_equal(get(cJSON_GetArrayItem(get(c, "shadowed"), 0), "name")->valuestring,
	    "NF_REDIS_URL");
	assert_true(cJSON_IsTrue(get(get(j, "environment"), "in_container")));

	steps = get(j, "steps");
	assert_int_equal(cJSON_GetArraySize(steps), RD_STEP__COUNT);
	for (i = 0; i < RD_STEP__COUNT; i++)
		assert_string_equal(get(cJSON_GetArrayItem(steps, i), "name")->valuestring,
		    rd_step_names[i]);
	st = cJSON_GetArrayItem(steps, RD_STEP_TCP);
	assert_string_equal(get(st, "status")->valuestring, "fail");
	assert_true(get(st, "duration_ms")->valuedouble == 1.234);
	e = get(st, "error");
	assert_string_equal(get(e, "code")->valuestring, "ECONNREFUSED");
	assert_int_equal(get(e, "errno")->valueint, ECONNREFUSED);
	/* Skipped steps: no time, no error. */
	st = cJSON_GetArrayItem(steps, RD_STEP_PING);
	assert_string_equal(get(st, "status")->valuestring, "skip");
	assert_null_key(st, "duration_ms");
	assert_null_key(st, "error");
	/* config.localhost_in_container is critical: the ok config step
	 * shows it. */
	assert_string_equal(get(cJSON_GetArrayItem(steps, 0), "status")->valuestring, "warn");

	assert_null_key(get(j, "timings"), "tls_ms");
	assert_null_key(get(j, "timings"), "ping_ms");
	assert_true(get(get(j, "timings"), "tcp_ms")->valuedouble == 1.234);
	assert_null_key(j, "tls");
	assert_null_key(j, "server");
	assert_null_key(j, "latency");

	assert_int_equal(cJSON_GetArraySize(get(j, "findings")), 2);
	assert_string_equal(get(cJSON_GetArrayItem(get(j, "findings"), 0), "id")->valuestring,
	    "tcp.refused");
	cl = get(j, "checklist");
	assert_int_equal(cJSON_GetArraySize(cl), RD_CL__COUNT);
	for (i = 0; i < RD_CL__COUNT; i++)
		assert_string_equal(get(cJSON_GetArrayItem(cl, i), "id")->valuestring, cl_ids[i]);
	assert_string_equal(get(cJSON_GetArrayItem(cl, RD_CL_TCP), "status")->valuestring, "fail");
	assert_false(cJSON_HasObjectItem(j, "candidates_probed"));
	assert_false(cJSON_HasObjectItem(j, "scenario"));

	assert_schema_valid(j, NULL);
	cJSON_Delete(j);
	free(s);
	free(x);
}

static void
test_json_healthy_unknowns_null(void **state)
{
	struct fx *x = fx_healthy_tls();
	char *s = render(x, RD_FMT_JSON);
	cJSON *j = parse_json(s), *t, *sv, *l;

	assert_no_secret(s);
	t = get(j, "tls");
	assert_string_equal(get(t, "version")->valuestring, "TLSv1.3");
	assert_null_key(t, "hostname_match");
	assert_null_key(t, "alert");
	assert_null_key(t, "issuer");
	assert_int_equal(cJSON_GetArraySize(get(t, "sans")), 2);
	assert_int_equal(get(t, "days_left")->valueint, 29);
	sv = get(j, "server");
	assert_null_key(sv, "maxclients");
	assert_null_key(sv, "hit_rate");
	assert_null_key(sv, "keyspace_hits");
	assert_null_key(sv, "used_memory_peak");
	assert_null_key(sv, "loading");
	assert_int_equal(get(sv, "maxmemory")->valueint, 0);	/* 0 is a fact: no limit */
	assert_int_equal(get(sv, "connected_clients")->valueint, 3);
	l = get(j, "latency");
	assert_int_equal(get(l, "samples")->valueint, 10);
	assert_int_equal(get(l, "p99_us")->valueint, 300);
	/* tls.insecure is a warning: the ok tls step renders warn. */
	assert_string_equal(get(cJSON_GetArrayItem(get(j, "steps"), RD_STEP_TLS),
	    "status")->valuestring, "warn");
	assert_string_equal(get(cJSON_GetArrayItem(get(j, "steps"), RD_STEP_PING),
	    "status")->valuestring, "ok");
	assert_true(get(get(j, "timings"), "ping_ms")->valuedouble == 0.107);
	assert_schema_valid(j, NULL);
	cJSON_Delete(j);
	free(s);
	free(x);
}

static void
test_json_env_no_obs(void **state)
{
	struct fx *x = fx_env();
	char *s = render(x, RD_FMT_JSON);
	cJSON *j = parse_json(s), *steps;

	assert_no_secret(s);
	steps = get(j, "steps");
	assert_int_equal(cJSON_GetArraySize(steps), 1);
	assert_string_equal(get(cJSON_GetArrayItem(steps, 0), "name")->valuestring, "config");
	assert_string_equal(get(cJSON_GetArrayItem(steps, 0), "status")->valuestring, "ok");
	assert_null_key(j, "tls");
	assert_null_key(j, "server");
	assert_null_key(j, "latency");
	assert_null_key(get(j, "timings"), "total_ms");
	assert_string_equal(get(j, "command")->valuestring, "env");
	assert_schema_valid(j, NULL);
	cJSON_Delete(j);
	free(s);
	free(x);
}

static void
test_json_invalid_config(void **state)
{
	struct fx *x = fx_invalid();
	char *s = render(x, RD_FMT_JSON);
	cJSON *j = parse_json(s), *st, *c;

	st = cJSON_GetArrayItem(get(j, "steps"), 0);
	assert_string_equal(get(st, "status")->valuestring, "fail");
	assert_string_equal(get(get(st, "error"), "code")->valuestring, "invalid_url");
	assert_null_key(get(st, "error"), "errno");
	c = get(j, "config");
	assert_null_key(c, "host");
	assert_null_key(c, "port");
	assert_null_key(c, "db");
	assert_false(cJSON_IsTrue(get(c, "valid")));
	assert_string_equal(get(cJSON_GetArrayItem(get(c, "problems"), 0), "kind")->valuestring,
	    "invalid_url");
	assert_int_equal(get(j, "exit_code")->valueint, 3);
	assert_string_equal(get(j, "verdict")->valuestring, "no_attempt");
	assert_schema_valid(j, NULL);
	cJSON_Delete(j);
	free(s);
	free(x);
}

static void
test_json_extras(void **state)
{
	struct fx *x = fx_refused();
	struct rd_cand_result cr[1];
	struct rd_explain_line ln[1];
	char *s;
	cJSON *j, *a;

	memset(cr, 0, sizeof(cr));
	memset(ln, 0, sizeof(ln));
	cr[0].cand = &x->cand[0];
	cr[0].verdict = RD_V_OK;
	snprintf(cr[0].summary, sizeof(cr[0].summary), "PONG");
	x->r.cands = cr;
	x->r.ncands = 1;
	x->r.scenario = "shadowed-nf-vars";
	ln[0].lineno = 3;
	snprintf(ln[0].id, sizeof(ln[0].id), "tcp.refused");
	x->r.lines = ln;
	x->r.nlines = 1;
	s = render(x, RD_FMT_JSON);
	j = parse_json(s);
	assert_no_secret(s);
	a = get(j, "candidates_probed");
	assert_string_equal(get(cJSON_GetArrayItem(a, 0), "name")->valuestring, "NF_REDIS_URL");
	assert_string_equal(get(cJSON_GetArrayItem(a, 0), "verdict")->valuestring, "ok");
	assert_string_equal(get(j, "scenario")->valuestring, "shadowed-nf-vars");
	assert_int_equal(get(cJSON_GetArrayItem(get(j, "lines"), 0), "lineno")->valueint, 3);
	assert_null_key(cJSON_GetArrayItem(get(j, "lines"), 0), "port");
	assert_schema_valid(j, NULL);
	cJSON_Delete(j);
	free(s);
	free(x);
}

static void
test_ndjson(void **state)
{
	struct fx *x = fx_refused();
	char *s = render(x, RD_FMT_NDJSON), *line, *save = NULL;
	int n = 0, findings = 0, reports = 0;
	cJSON *j, *last = NULL;

	assert_no_secret(s);
	for (line = strtok_r(s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		j = parse_json(line);
		assert_schema_valid(j, "ndjson_line");
		assert_string_equal(get(j, "command")->valuestring, "check");
		if (strcmp(get(j, "type")->valuestring, "finding") == 0)
			findings++;
		if (strcmp(get(j, "type")->valuestring, "report") == 0)
			reports++;
		cJSON_Delete(last);
		last = j;
		n++;
	}
	assert_int_equal(n, RD_STEP__COUNT + 2 + RD_CL__COUNT + 1);
	assert_int_equal(findings, 2);
	assert_int_equal(reports, 1);
	/* The last line is the whole report. */
	assert_string_equal(get(last, "type")->valuestring, "report");
	assert_int_equal(get(last, "exit_code")->valueint, 2);
	assert_schema_valid(last, NULL);
	cJSON_Delete(last);
	free(s);
	free(x);
}

/* ---- other formats ---- */

static void
test_text(void **state)
{
	struct fx *x = fx_refused();
	char *s = render(x, RD_FMT_TEXT);
	int i;

	assert_no_secret(s);
	assert_non_null(strstr(s, "target 127.0.0.1:6379 (from env:REDIS_HOST) plaintext"));
	assert_non_null(strstr(s, "****"));
	assert_non_null(strstr(s, "tcp.refused"));
	assert_non_null(strstr(s, "config.localhost_in_container"));
	assert_non_null(strstr(s, "fix: fix tcp.refused"));
	assert_non_null(strstr(s, "NF_REDIS_URL"));
	assert_non_null(strstr(s, "ECONNREFUSED"));
	assert_non_null(strstr(s, "1.234 ms"));
	assert_non_null(strstr(s, "verdict unreachable (exit 2)"));
	for (i = 0; i < RD_CL__COUNT; i++)
		assert_non_null(strstr(s, cl_ids[i]));
	assert_null(strchr(s, '\033'));		/* no colour unless asked */
	free(s);
	x->r.opts.color = true;
	s = render(x, RD_FMT_TEXT);
	assert_non_null(strchr(s, '\033'));
	free(s);
	free(x);
}

static void
test_text_env_and_healthy(void **state)
{
	struct fx *x = fx_healthy_tls();
	char *s = render(x, RD_FMT_TEXT);

	assert_no_secret(s);
	assert_non_null(strstr(s, "TLSv1.3"));
	assert_non_null(strstr(s, "redis 7.0.15"));
	assert_non_null(strstr(s, "p99 300 us"));
	free(s);
	free(x);
	x = fx_invalid();
	s = render(x, RD_FMT_TEXT);
	assert_no_secret(s);
	assert_non_null(strstr(s, "invalid"));
	assert_non_null(strstr(s, "config.invalid_url"));
	free(s);
	free(x);
}

static void
test_nagios(void **state)
{
	struct fx *x = fx_refused();
	char *s = render(x, RD_FMT_NAGIOS), *bar;

	assert_no_secret(s);
	assert_int_equal(strncmp(s, "REDIS CRITICAL - ", 17), 0);
	/* The summary's '|' must not start the perfdata early. */
	bar = strchr(s, '|');
	assert_non_null(bar);
	assert_int_equal(strncmp(bar, "| time=0.001300s;;;0", 20), 0);
	assert_non_null(strstr(s, "connect=0.001234s"));
	assert_non_null(strstr(s, "\ncritical tcp.refused: "));
	free(s);
	free(x);

	/* A warning finding is WARNING (exit 1 under --format nagios). */
	x = fx_healthy_tls();
	s = render(x, RD_FMT_NAGIOS);
	assert_int_equal(strncmp(s, "REDIS WARNING - ", 16), 0);
	assert_int_equal(report_nagios_state(&x->r), 1);
	assert_non_null(strstr(s, "latency_p99=0.000300s;0.100000;;0"));
	free(s);
	/* --warning/--critical drive the perfdata fields and the state. */
	x->r.findings.n = 0;
	x->r.verdict = RD_V_OK;
	assert_int_equal(report_nagios_state(&x->r), 0);
	x->r.opts.warn.latency_us = 200;
	x->r.opts.crit.latency_us = 250;
	s = render(x, RD_FMT_NAGIOS);
	assert_int_equal(strncmp(s, "REDIS CRITICAL - ", 17), 0);
	assert_non_null(strstr(s, "latency_p99=0.000300s;0.000200;0.000250;0"));
	assert_int_equal(report_nagios_state(&x->r), 2);
	free(s);
	x->r.opts.crit.latency_us = 400;
	assert_int_equal(report_nagios_state(&x->r), 1);
	x->r.opts.warn.latency_us = 300;	/* not above: OK */
	assert_int_equal(report_nagios_state(&x->r), 0);
	free(x);
	x = fx_invalid();
	s = render(x, RD_FMT_NAGIOS);
	assert_int_equal(strncmp(s, "REDIS UNKNOWN - ", 16), 0);
	free(s);
	free(x);
}

static int
count(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/* Every non-comment line is NAME{labels} VALUE with a well-formed value. */
static void
assert_prom_wellformed(const char *s)
{
	const char *p = s;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n'), *sp;
		char *end;

		assert_non_null(nl);
		if (*p != '#') {
			sp = nl;
			while (sp > p && sp[-1] != ' ')
				sp--;
			assert_true(sp > p);
			strtod(sp, &end);
			if (end != nl)
				fail_msg("bad sample line: %.*s", (int)(nl - p), p);
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		} else
			assert_true(strncmp(p, "# HELP ", 7) == 0 ||
			    strncmp(p, "# TYPE ", 7) == 0);
		p = nl + 1;
	}
}

static void
test_prometheus(void **state)
{
	struct fx *x = fx_refused();
	char *s;

	x->r.scenario = "a\"b\\c\nd";
	add(x, "tcp.refused", RD_SEV_CRITICAL, "the same id again");
	s = render(x, RD_FMT_PROMETHEUS);
	assert_int_equal(count(s, ",id=\"tcp.refused\""), 1);
	assert_no_secret(s);
	assert_prom_wellformed(s);
	assert_non_null(strstr(s, "\nredisdiag_up{target=\"127.0.0.1:6379\"} 0\n"));
	assert_non_null(strstr(s, "# TYPE redisdiag_up gauge\n"));
	assert_non_null(strstr(s, "\nredisdiag_exit_code{target=\"127.0.0.1:6379\"} 2\n"));
	assert_non_null(strstr(s, "redisdiag_finding{target=\"127.0.0.1:6379\",id=\"tcp.refused\",severity=\"critical\"} 1\n"));
	assert_non_null(strstr(s, "redisdiag_step_duration_seconds{target=\"127.0.0.1:6379\",step=\"tcp\"} 0.001234\n"));
	assert_null(strstr(s, ",step=\"ping\"} 0"));
	assert_non_null(strstr(s, "scenario=\"a\\\"b\\\\c\\nd\""));
	free(s);
	free(x);

	/* serve and --targets: the name first on every series, escaped. */
	x = fx_refused();
	x->r.opts.name_label = "a\"b\\c\nd";
	s = render(x, RD_FMT_PROMETHEUS);
	assert_prom_wellformed(s);
	assert_non_null(strstr(s, "\nredisdiag_up{name=\"a\\\"b\\\\c\\nd\",target=\"127.0.0.1:6379\"} 0\n"));
	assert_int_equal(count(s, "{target="), 0);
	free(s);
	free(x);

	x = fx_healthy_tls();
	snprintf(x->obs.tls.not_after, sizeof(x->obs.tls.not_after),
	    "2027-01-01T00:00:00Z");
	s = render(x, RD_FMT_PROMETHEUS);
	assert_prom_wellformed(s);
	assert_non_null(strstr(s, "\nredisdiag_up{target=\"127.0.0.1:6379\"} 1\n"));
	assert_non_null(strstr(s, "redisdiag_latency_seconds{target=\"127.0.0.1:6379\",quantile=\"0.99\"} 0.000300\n"));
	assert_null(strstr(s, "days_left"));		/* promtool: base unit seconds */
	assert_non_null(strstr(s, "redisdiag_tls_cert_not_after_timestamp_seconds{target=\"127.0.0.1:6379\"} 1798761600\n"));
	assert_null(strstr(s, "redisdiag_server_maxclients"));	/* unknown: absent */
	free(s);
	free(x);

	x = fx_env();
	s = render(x, RD_FMT_PROMETHEUS);
	assert_prom_wellformed(s);
	/* Always an up (SPEC section 15): env never probes, so 0. */
	assert_non_null(strstr(s, "\nredisdiag_up{target=\"127.0.0.1:6379\"} 0\n"));
	free(s);
	free(x);

	/* --label on every series; an invalid configuration is down too. */
	x = fx_invalid();
	x->r.opts.labels[0].key = "env";
	x->r.opts.labels[0].value = "prod";
	x->r.opts.nlabels = 1;
	s = render(x, RD_FMT_PROMETHEUS);
	assert_prom_wellformed(s);
	assert_non_null(strstr(s, ",env=\"prod\"} 0\n"));
	assert_non_null(strstr(s, "\nredisdiag_exit_code{"));
	{
		const char *l = s;
		int samples = 0;

		for (; *l != '\0'; l = strchr(l, '\n') + 1) {
			if (*l != '#') {
				samples++;
				assert_non_null(strstr(l, "env=\"prod\""));
				assert_true(strstr(l, "env=\"prod\"") < strchr(l, '\n'));
			}
		}
		assert_true(samples > 0);
	}
	free(s);
	free(x);
}

static void
test_junit(void **state)
{
	struct fx *x = fx_refused();
	char *s = render(x, RD_FMT_JUNIT);

	assert_no_secret(s);
	assert_int_equal(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39), 0);
	/* The checklist items and the latency step. */
	assert_int_equal(count(s, "<testcase "), RD_CL__COUNT + 1);
	assert_int_equal(count(s, "</testcase>"), RD_CL__COUNT + 1);
	assert_non_null(strstr(s, " name=\"latency\""));
	/* Jenkins' xunit schema: no skipped attribute on testsuites. */
	{
		const char *a = strstr(s, "<testsuites "), *b = strchr(a, '>');
		const char *k = strstr(a, "skipped=");

		assert_true(k == NULL || k > b);
	}
	assert_int_equal(count(s, "<failure "), 2);
	assert_non_null(strstr(s, "<failure type=\"tcp.refused\""));
	assert_non_null(strstr(s, "<failure type=\"config.localhost_in_container\""));
	/* <&>" escaped, never raw inside markup. */
	assert_non_null(strstr(s, "127.0.0.1 &lt;loopback&gt; &amp; more"));
	assert_non_null(strstr(s, "Loopback &lt;host&gt; &amp; &quot;quotes&quot;"));
	assert_null(strstr(s, "<loopback>"));
	assert_null(strstr(s, "<host>"));
	assert_non_null(strstr(s, "failures=\"2\""));
	assert_non_null(strstr(s, "</testsuites>\n"));
	free(s);
	free(x);

	/* A warning fails its testcase only under --strict. */
	x = fx_healthy_tls();
	s = render(x, RD_FMT_JUNIT);
	assert_int_equal(count(s, "<failure "), 0);
	free(s);
	x->r.opts.strict = true;
	s = render(x, RD_FMT_JUNIT);
	assert_int_equal(count(s, "<failure "), 1);
	assert_non_null(strstr(s, "<failure type=\"tls.insecure\""));
	free(s);
	free(x);

	/* A configuration that cannot be used is an error, not a failure. */
	x = fx_invalid();
	s = render(x, RD_FMT_JUNIT);
	assert_int_equal(count(s, "<failure "), 0);
	assert_true(count(s, "<error ") >= 1);
	assert_non_null(strstr(s, "<error type=\"config.invalid_url\""));
	free(s);
	free(x);
}

static void
test_quiet(void **state)
{
	struct fx *x = fx_refused();
	enum rd_format f;
	char *s;

	x->r.opts.quiet = true;
	for (f = RD_FMT_JSON; f <= RD_FMT_JUNIT; f++) {
		s = render(x, f);
		assert_string_equal(s, "");
		free(s);
	}
	free(x);
}

/* The canary in every place a password lives, every format, every kind of
 * report. */
static void
test_no_secret_anywhere(void **state)
{
	struct fx *(*mk[])(void) = { fx_refused, fx_healthy_tls, fx_env, fx_invalid };
	enum rd_format f;
	size_t i;
	char *s;

	for (i = 0; i < sizeof(mk) / sizeof(mk[0]); i++) {
		for (f = RD_FMT_JSON; f <= RD_FMT_JUNIT; f++) {
			struct fx *x = mk[i]();

			x->cfg.username = "user";
			s = render(x, f);
			assert_no_secret(s);
			free(s);
			free(x);
		}
	}
}

static void
test_schema(void **state)
{
	cJSON *j = parse_json(report_schema()), *defs;

	assert_string_equal(get(j, "$schema")->valuestring,
	    "https://json-schema.org/draft/2020-12/schema");
	assert_string_equal(get(get(get(j, "properties"), "schema_version"), "const")->valuestring,
	    RD_SCHEMA_VERSION);
	defs = get(j, "$defs");
	get(defs, "watch_event");
	get(defs, "watch_summary");
	get(defs, "scenario_list");
	get(defs, "ndjson_line");
	cJSON_Delete(j);
}

/* The findings renderers name behind a checklist item are the ones the
 * checklist itself was decided from (one catalog row each): these are the
 * ids where render.c and report.c once kept different lists. */
static void
test_finding_for_item(void **state)
{
	(void)state;
	assert_true(report_finding_for_item("server.error", RD_CL_SERVER_READY));
	assert_true(report_finding_for_item("config.invalid_url",
	    RD_CL_ENV_REACHES_APP));
	assert_true(report_finding_for_item("tls.cert_untrusted",
	    RD_CL_TLS_HANDSHAKE));
	assert_true(report_finding_for_item("dns.nxdomain", RD_CL_DNS));
	assert_false(report_finding_for_item("auth.noperm", RD_CL_AUTH));
	assert_false(report_finding_for_item("dns.nxdomain", RD_CL_TCP));
	assert_false(report_finding_for_item("dns.no_such_id", RD_CL_DNS));
}

/* json_num/json_ms write the same text cJSON's own number printing
 * gives (%1.15g, then %1.17g when that does not read back). */
static void
expect_same(cJSON *mine, double v)
{
	cJSON *ref = cJSON_CreateObject();
	char *a, *b;

	cJSON_AddNumberToObject(ref, "v", v);
	a = cJSON_PrintUnformatted(mine);
	b = cJSON_PrintUnformatted(ref);
	if (strcmp(a, b) != 0)
		fail_msg("%.17g: %s, cJSON says %s", v, a, b);
	cJSON_free(a);
	cJSON_free(b);
	cJSON_Delete(ref);
}

static void
test_numbers_as_cjson(void **state)
{
	static const int64_t us[] = { 0, 1, 9, 10, 99, 100, 999, 1000, 1001,
	    1010, 1100, 1234, 1500, 2000, 999999, 1000000, 1234567,
	    86400000000LL, 123456789012LL, 999999999999999LL, -1, -1500 };
	static const double nums[] = { 0, 1, -1, 42, 6379, 65535, 1e6,
	    4294967296.0, 123456789012345.0, 0.5, 0.8333333333333334,
	    7.34, 1e15, 1e300, -2.5 };
	uint64_t x = 88172645463325252ULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		cJSON *o = cJSON_CreateObject();

		json_ms(o, "v", us[i]);
		expect_same(o, (double)us[i] / 1000.0);
		cJSON_Delete(o);
	}
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		cJSON *o = cJSON_CreateObject();

		json_num(o, "v", nums[i]);
		expect_same(o, nums[i]);
		cJSON_Delete(o);
	}
	/* And 20,000 durations from a fixed xorshift sequence. */
	for (i = 0; i < 20000; i++) {
		cJSON *o = cJSON_CreateObject();
		int64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (int64_t)(x % (i % 2 ? 100000000ULL : 1000000000000ULL));
		json_ms(o, "v", v);
		expect_same(o, (double)v / 1000.0);
		cJSON_Delete(o);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_as_cjson),
		cmocka_unit_test(test_finding_for_item),
		cmocka_unit_test(test_json_refused),
		cmocka_unit_test(test_json_healthy_unknowns_null),
		cmocka_unit_test(test_json_env_no_obs),
		cmocka_unit_test(test_json_invalid_config),
		cmocka_unit_test(test_json_extras),
		cmocka_unit_test(test_ndjson),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_env_and_healthy),
		cmocka_unit_test(test_unix_socket),
		cmocka_unit_test(test_nagios),
		cmocka_unit_test(test_prometheus),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_no_secret_anywhere),
		cmocka_unit_test(test_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
