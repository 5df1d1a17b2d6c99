/* test_report.c — report_finish(): verdict and exit code (SPEC section 8),
 * the checklist of SPEC section 6 in order with every item decided, the
 * summary, and that no secret reaches any of it.
 *
 * Observations are literal structs; rules_eval() turns them into findings
 * first, as check does.  rules_config() is a weak no-op here so that the
 * verdicts depend on the probe rules only. */
#include <errno.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/x509_vfy.h>

#include "clients.h"
#include "report.h"
#include "table_main.h"

#define CANARY	"canary-Secr3t-pw"

__attribute__((weak)) void
rules_config(const struct rd_config *cfg, const struct rd_obs *obs,
    const struct rd_report_opts *opts, struct rd_findings *fs)
{
	(void)cfg; (void)obs; (void)opts; (void)fs;
}

struct fx {
	struct rd_config cfg;
	struct rd_obs obs;
	bool	 no_obs;		/* env / explain: obs NULL */
	bool	 no_cfg;		/* explain: cfg NULL */
	const char *extra[3];		/* findings to add (explain) */
	enum rd_severity extra_sev[3];
};

/* PONG from 127.0.0.1:6379 with a password (the canary) accepted. */
static void
base(struct fx *x)
{
	struct rd_config *c = &x->cfg;
	struct rd_obs *o = &x->obs;

	memset(x, 0, sizeof(*x));
	c->host = (char *)"127.0.0.1";
	c->port = 6379;
	c->valid = true;
	c->password_set = true;
	snprintf(c->source, sizeof(c->source), "env:REDIS_URL");
	snprintf(c->f[RD_F_PASSWORD].source, RD_SOURCE_LEN, "url:REDIS_URL");
	o->timeout_us = 5000000;
	o->total_us = 1200;
	o->dns.literal = true;
	o->tcp.attempted = true;
	o->tcp.nattempts = 1;
	snprintf(o->tcp.attempts[0].addr.text, 64, "127.0.0.1");
	o->tcp.attempts[0].addr.family = 4;
	o->tcp.attempts[0].port = 6379;
	o->tcp.attempts[0].us = 200;
	o->tcp.attempts[0].connected = true;
	o->tcp.winner = 0;
	snprintf(o->tcp.peer, sizeof(o->tcp.peer), "127.0.0.1:6379");
	o->tls.alert = -1;
	o->tls.hostname_match = -1;
	o->auth_sent = true;
	o->auth.sent = true;
	o->auth.kind = RD_R_STATUS;
	snprintf(o->auth.text, sizeof(o->auth.text), "OK");
	o->ping.sent = true;
	o->ping.kind = RD_R_STATUS;
	snprintf(o->ping.text, sizeof(o->ping.text), "PONG");
	o->ping.pong = true;
	o->info.sent = true;
	o->info.kind = RD_R_STRING;
	o->server.info_ok = true;
	snprintf(o->server.role, 16, "master");
	snprintf(o->server.mode, 16, "standalone");
	snprintf(o->server.rdb_last_bgsave_status, 16, "ok");
	snprintf(o->server.aof_last_write_status, 16, "ok");
	o->server.maxclients_known = true;
	o->server.maxclients = 10000;
	o->server.connected_clients = 2;
}

static void
stop_after_connect(struct fx *x)
{
	memset(&x->obs.auth, 0, sizeof(x->obs.auth));
	memset(&x->obs.ping, 0, sizeof(x->obs.ping));
	memset(&x->obs.info, 0, sizeof(x->obs.info));
	memset(&x->obs.server, 0, sizeof(x->obs.server));
	x->obs.auth_sent = false;
}

static void
err(struct rd_reply_obs *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->sent = true;
	r->kind = RD_R_ERROR;
	snprintf(r->text, sizeof(r->text), "%s", text);
	sscanf(text, "%31s", r->prefix);
}

static void
tls_on(struct fx *x)
{
	x->cfg.host = (char *)"redis.example.com";
	x->cfg.tls = true;
	x->cfg.sni = (char *)"redis.example.com";
	x->obs.dns.literal = false;
	x->obs.dns.attempted = true;
	x->obs.dns.naddr = 1;
	snprintf(x->obs.dns.addrs[0].text, 64, "127.0.0.1");
	x->obs.tls.attempted = true;
	x->obs.tls.ok = true;
	x->obs.tls.sni_sent = true;
	snprintf(x->obs.tls.version, 16, "TLSv1.3");
}

/* ---- setups ---- */

static void s_healthy(struct fx *x) { (void)x; }
static void s_replica(struct fx *x) { snprintf(x->obs.server.role, 16, "slave"); }
static void s_noperm_info(struct fx *x)
{
	err(&x->obs.info, "NOPERM User app has no permissions to run the 'info' command");
	memset(&x->obs.server, 0, sizeof(x->obs.server));
	x->obs.server.info_denied = true;
}
static void s_noauth(struct fx *x)
{
	stop_after_connect(x);
	x->cfg.password_set = false;
	err(&x->obs.ping, "NOAUTH Authentication required.");
}
static void s_wrongpass(struct fx *x)
{
	stop_after_connect(x);
	x->obs.auth_sent = true;
	err(&x->obs.auth, "WRONGPASS invalid username-password pair or user is disabled.");
}
static void s_nopass_pong(struct fx *x)
{
	err(&x->obs.auth, "ERR AUTH <password> called without any password "
	    "configured for the default user. Are you sure your configuration "
	    "is correct?");
}
/* The same reply, as the client model reads it (clients.c): ioredis and
 * redis-cli log it and go on (a warning), redis-py fails. */
static void
nopass_as(struct fx *x, const char *client)
{
	const char *why;

	s_nopass_pong(x);
	x->cfg.model = client_find(client, &why);
}
static void s_nopass_ioredis(struct fx *x) { nopass_as(x, "ioredis@5"); }
static void s_nopass_cli(struct fx *x) { nopass_as(x, "redis-cli"); }
static void s_nopass_py(struct fx *x) { nopass_as(x, "redis-py"); }
/* node-redis's HELLO 3 refused as an unknown command: it stops there
 * (no fallback) although PING would answer; ioredis 6 goes on. */
static void s_hello_stops(struct fx *x)
{
	const char *why;

	x->cfg.model = client_find("node-redis", &why);
	x->obs.hello.attempted = x->obs.hello.as_client = true;
	x->obs.hello.unsupported = x->obs.hello.client_stops = true;
	err(&x->obs.hello.reply, "ERR unknown command 'HELLO', with args beginning with: '3'");
	memset(&x->obs.auth, 0, sizeof(x->obs.auth));
	x->obs.auth_sent = false;
}
static void s_hello_fallback(struct fx *x)
{
	const char *why;

	x->cfg.model = client_find("ioredis@6", &why);
	x->obs.hello.attempted = x->obs.hello.as_client = true;
	x->obs.hello.unsupported = true;
	err(&x->obs.hello.reply, "ERR unknown command 'HELLO', with args beginning with: '3'");
}
/* maxclients written before HELLO's reply: the HELLO got it. */
static void s_hello_maxclients(struct fx *x)
{
	stop_after_connect(x);
	x->obs.hello.attempted = true;
	err(&x->obs.hello.reply, "ERR max number of clients reached");
	x->obs.ping.sent = true;
	x->obs.ping.closed = true;
}
static void s_denied(struct fx *x)
{
	stop_after_connect(x);
	err(&x->obs.greeting, "DENIED Redis is running in protected mode");
	x->obs.greeting.sent = false;
	x->obs.greeting.pending_error = true;
	x->obs.ping.sent = true;
	x->obs.ping.closed = true;
}
static void s_maxclients(struct fx *x)
{
	stop_after_connect(x);
	err(&x->obs.greeting, "ERR max number of clients reached");
	x->obs.greeting.sent = false;
	x->obs.greeting.pending_error = true;
}
static void s_loading(struct fx *x) { stop_after_connect(x); err(&x->obs.ping, "LOADING Redis is loading the dataset in memory"); }
static void s_busy(struct fx *x) { stop_after_connect(x); err(&x->obs.ping, "BUSY Redis is busy running a script."); }
static void s_masterdown(struct fx *x) { stop_after_connect(x); err(&x->obs.ping, "MASTERDOWN Link with MASTER is down"); }
static void s_cluster_fail(struct fx *x)
{
	/* PING answers, but every key command would get CLUSTERDOWN. */
	snprintf(x->obs.server.mode, 16, "cluster");
	snprintf(x->obs.server.cluster_state, 16, "fail");
}
static void s_select(struct fx *x)
{
	stop_after_connect(x);
	x->cfg.db = 99;
	err(&x->obs.select, "ERR DB index is out of range");
}
static void s_refused(struct fx *x)
{
	stop_after_connect(x);
	x->obs.tcp.attempts[0].connected = false;
	x->obs.tcp.attempts[0].errnum = ECONNREFUSED;
	x->obs.tcp.winner = -1;
	x->obs.tcp.peer[0] = '\0';
}
static void s_nxdomain(struct fx *x)
{
	stop_after_connect(x);
	x->cfg.host = (char *)"nope.example.invalid";
	x->obs.dns.literal = false;
	x->obs.dns.attempted = true;
	x->obs.dns.gai_err = EAI_NONAME;
	memset(&x->obs.tcp, 0, sizeof(x->obs.tcp));
	x->obs.tcp.winner = -1;
}
static void s_untrusted(struct fx *x)
{
	tls_on(x);
	stop_after_connect(x);
	x->obs.tls.ok = false;
	x->obs.tls.verify_code = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
	x->obs.tls.alert_sent = true;
}
static void s_tls_required(struct fx *x)
{
	stop_after_connect(x);
	x->obs.ping.sent = true;
	x->obs.ping.closed = true;
	x->obs.cross.attempted = true;
	x->obs.cross.tried_tls = true;
	x->obs.cross.succeeded = true;
}
static void s_proto_timeout(struct fx *x)
{
	stop_after_connect(x);
	x->obs.ping.sent = true;
	x->obs.ping.timed_out = true;
	x->obs.deadline_hit = true;
}
static void s_hostile(struct fx *x)
{
	stop_after_connect(x);
	x->obs.ping.sent = true;
	x->obs.ping.hostile = true;
}
static void s_invalid(struct fx *x)
{
	x->cfg.valid = false;
	x->no_obs = true;
}
static void s_nothing(struct fx *x) { memset(&x->obs, 0, sizeof(x->obs)); }
static void s_env(struct fx *x) { x->no_obs = true; }
static void s_env_warn(struct fx *x)
{
	x->no_obs = true;
	x->cfg.tls = true;
	x->cfg.insecure = true;		/* tls.insecure: a warning */
}
static void
explain(struct fx *x, const char *a, enum rd_severity sa, const char *b,
    enum rd_severity sb)
{
	x->no_obs = x->no_cfg = true;
	x->extra[0] = a;
	x->extra_sev[0] = sa;
	x->extra[1] = b;
	x->extra_sev[1] = sb;
}
static void s_ex_noauth(struct fx *x) { explain(x, "auth.required", RD_SEV_CRITICAL, NULL, 0); }
static void s_ex_refused(struct fx *x) { explain(x, "tcp.refused", RD_SEV_CRITICAL, NULL, 0); }
static void s_ex_both(struct fx *x)
{
	explain(x, "auth.required", RD_SEV_CRITICAL, "tcp.refused", RD_SEV_CRITICAL);
}
static void s_ex_warn(struct fx *x) { explain(x, "latency.high", RD_SEV_WARNING, NULL, 0); }
static void s_ex_untrusted(struct fx *x) { explain(x, "tls.cert_untrusted", RD_SEV_CRITICAL, NULL, 0); }
static void s_ex_tls_required(struct fx *x) { explain(x, "proto.tls_required", RD_SEV_CRITICAL, NULL, 0); }
static void s_ex_noperm(struct fx *x) { explain(x, "auth.noperm", RD_SEV_CRITICAL, NULL, 0); }
/* A PING refused with an error no row names. */
static void s_server_error(struct fx *x) { stop_after_connect(x); err(&x->obs.ping, "ERR something new"); }
static void s_ex_none(struct fx *x) { explain(x, NULL, 0, NULL, 0); }

static const struct vcase {
	const char *name;
	const char *command;
	void	(*setup)(struct fx *);
	bool	 strict;
	enum rd_verdict verdict;
	int	 exit_code;
} vcases[] = {
	{ "check healthy", "check", s_healthy, false, RD_V_OK, 0 },
	{ "check healthy --strict", "check", s_healthy, true, RD_V_OK, 0 },
	{ "check replica (warning)", "check", s_replica, false, RD_V_WARN, 0 },
	{ "check replica --strict", "check", s_replica, true, RD_V_WARN, 1 },
	{ "check noperm on INFO", "check", s_noperm_info, false, RD_V_WARN, 0 },
	{ "check NOAUTH", "check", s_noauth, false, RD_V_REJECTING, 1 },
	{ "check WRONGPASS", "check", s_wrongpass, false, RD_V_REJECTING, 1 },
	{ "check password to passwordless, PONG", "check", s_nopass_pong, false, RD_V_REJECTING, 1 },
	{ "check password to passwordless, ioredis goes on", "check", s_nopass_ioredis, false, RD_V_WARN, 0 },
	{ "check password to passwordless, ioredis --strict", "check", s_nopass_ioredis, true, RD_V_WARN, 1 },
	{ "check password to passwordless, redis-cli goes on", "check", s_nopass_cli, false, RD_V_WARN, 0 },
	{ "check password to passwordless, redis-py fails", "check", s_nopass_py, false, RD_V_REJECTING, 1 },
	{ "check HELLO refused, node-redis stops", "check", s_hello_stops, false, RD_V_REJECTING, 1 },
	{ "check HELLO refused, ioredis 6 falls back", "check", s_hello_fallback, false, RD_V_WARN, 0 },
	{ "check maxclients answering HELLO", "check", s_hello_maxclients, false, RD_V_REJECTING, 1 },
	{ "check DENIED", "check", s_denied, false, RD_V_REJECTING, 1 },
	{ "check maxclients", "check", s_maxclients, false, RD_V_REJECTING, 1 },
	{ "check LOADING", "check", s_loading, false, RD_V_REJECTING, 1 },
	{ "check BUSY", "check", s_busy, false, RD_V_REJECTING, 1 },
	{ "check MASTERDOWN", "check", s_masterdown, false, RD_V_REJECTING, 1 },
	{ "check SELECT out of range", "check", s_select, false, RD_V_REJECTING, 1 },
	{ "check cluster_state:fail with PONG", "check", s_cluster_fail, false, RD_V_REJECTING, 1 },
	{ "check refused", "check", s_refused, false, RD_V_UNREACHABLE, 2 },
	{ "check refused --strict", "check", s_refused, true, RD_V_UNREACHABLE, 2 },
	{ "check nxdomain", "check", s_nxdomain, false, RD_V_UNREACHABLE, 2 },
	{ "check cert untrusted", "check", s_untrusted, false, RD_V_UNREACHABLE, 2 },
	{ "check tls required", "check", s_tls_required, false, RD_V_UNREACHABLE, 2 },
	{ "check proto timeout", "check", s_proto_timeout, false, RD_V_UNREACHABLE, 2 },
	{ "check hostile reply", "check", s_hostile, false, RD_V_UNREACHABLE, 2 },
	{ "check invalid config", "check", s_invalid, false, RD_V_NO_ATTEMPT, 3 },
	{ "check nothing attempted", "check", s_nothing, false, RD_V_NO_ATTEMPT, 3 },
	{ "simulate refused", "simulate", s_refused, false, RD_V_UNREACHABLE, 2 },
	{ "env resolves", "env", s_env, false, RD_V_OK, 0 },
	{ "env with a warning", "env", s_env_warn, false, RD_V_WARN, 0 },
	{ "env with a warning --strict", "env", s_env_warn, true, RD_V_WARN, 1 },
	{ "env invalid", "env", s_invalid, false, RD_V_NO_ATTEMPT, 3 },
	{ "explain NOAUTH", "explain", s_ex_noauth, false, RD_V_REJECTING, 1 },
	{ "explain refused", "explain", s_ex_refused, false, RD_V_UNREACHABLE, 2 },
	{ "explain NOAUTH and refused", "explain", s_ex_both, false, RD_V_UNREACHABLE, 2 },
	{ "explain warning", "explain", s_ex_warn, false, RD_V_WARN, 0 },
	{ "explain warning --strict", "explain", s_ex_warn, true, RD_V_WARN, 1 },
	{ "explain nothing", "explain", s_ex_none, false, RD_V_OK, 0 },
};

/* Builds the report for x as the commands do: rules, then finish. */
static void
make_report(struct fx *x, const char *command, bool strict, struct rd_report *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->command = command;
	r->cfg = x->no_cfg ? NULL : &x->cfg;
	r->obs = x->no_obs ? NULL : &x->obs;
	r->opts.strict = strict;
	r->opts.latency_threshold_us = 50000;
	if (!x->no_cfg)
		rules_eval(r->cfg, r->obs, &r->opts, &r->findings);
	for (i = 0; i < 3; i++)
		if (x->extra[i] != NULL)
			findings_add(&r->findings, x->extra[i], x->extra_sev[i]);
	report_finish(r);
}

static const char *const cl_order[RD_CL__COUNT] = {
	"remote_host", "password", "tls_scheme", "sni", "certificate",
	"env_reaches_app", "dns", "tcp", "tls_handshake", "auth", "ping",
	"server_ready", "memory_headroom", "client_headroom",
};

/* What every report must satisfy, whatever the case. */
static void
assert_invariants(const struct rd_report *r)
{
	size_t i;
	int j;

	for (i = 0; i < RD_CL__COUNT; i++) {
		assert_non_null(r->checklist[i].id);
		assert_string_equal(r->checklist[i].id, cl_order[i]);
		assert_non_null(r->checklist[i].title);
		assert_true(r->checklist[i].status <= RD_CL_WARN);
		assert_null(strstr(r->checklist[i].note, CANARY));
	}
	assert_true(r->summary[0] != '\0');
	assert_null(strstr(r->summary, CANARY));
	for (i = 0; i < r->findings.n; i++) {
		assert_null(strstr(r->findings.v[i].title, CANARY));
		assert_null(strstr(r->findings.v[i].evidence, CANARY));
		for (j = 0; j < r->findings.v[i].nremedy; j++)
			assert_null(strstr(r->findings.v[i].remediation[j], CANARY));
	}
	assert_true(r->exit_code >= 0 && r->exit_code <= 3);
}

static void
run_vcase(void **state)
{
	const struct vcase *vc = *state;
	struct fx x;
	struct rd_report r;

	base(&x);
	vc->setup(&x);
	make_report(&x, vc->command, vc->strict, &r);
	assert_invariants(&r);
	if (r.verdict != vc->verdict || r.exit_code != vc->exit_code)
		fail_msg("%s: verdict %s exit %d, want %s exit %d (summary: %s)",
		    vc->name, rd_verdict_names[r.verdict], r.exit_code,
		    rd_verdict_names[vc->verdict], vc->exit_code, r.summary);
	report_free(&r);
}

/* ---- checklist decisions ---- */

#define P RD_CL_PASS
#define F RD_CL_FAIL
#define W RD_CL_WARN
#define S RD_CL_SKIP

static const struct ccase {
	const char *name;
	const char *command;
	void	(*setup)(struct fx *);
	enum rd_cl_status want[RD_CL__COUNT];
} ccases[] = {
	/*                           rem pw tls sni crt env dns tcp hs auth ping rdy mem cli */
	{ "checklist: healthy plain", "check", s_healthy,
	    { P, P, P, S, S, P, P, P, S, P, P, P, P, P } },
	{ "checklist: refused", "check", s_refused,
	    { P, P, P, S, S, P, P, F, S, S, S, S, S, S } },
	{ "checklist: NOAUTH", "check", s_noauth,
	    { P, F, P, S, S, P, P, P, S, F, F, S, S, S } },
	{ "checklist: cert untrusted", "check", s_untrusted,
	    { P, P, P, P, F, P, P, P, F, S, S, S, S, S } },
	{ "checklist: LOADING", "check", s_loading,
	    { P, P, P, S, S, P, P, P, S, S, F, F, S, S } },
	{ "checklist: replica", "check", s_replica,
	    { P, P, P, S, S, P, P, P, S, P, P, W, P, P } },
	{ "checklist: env plain loopback", "env", s_env,
	    { P, P, P, S, S, P, P, S, S, S, S, S, S, S } },
	{ "checklist: invalid", "check", s_invalid,
	    { S, S, S, S, S, F, S, S, S, S, S, S, S, S } },
	{ "checklist: explain NOAUTH", "explain", s_ex_noauth,
	    { S, F, S, S, S, S, S, S, S, F, S, S, S, S } },
	/* explain and check read the same rows: an untrusted certificate
	 * fails the handshake as well, plaintext to a TLS port the scheme,
	 * the handshake and the PING; NOPERM is no failed authentication. */
	{ "checklist: explain cert untrusted", "explain", s_ex_untrusted,
	    { S, S, S, S, F, S, S, S, F, S, S, S, S, S } },
	{ "checklist: explain tls required", "explain", s_ex_tls_required,
	    { S, S, F, S, S, S, S, S, F, S, F, S, S, S } },
	{ "checklist: explain NOPERM", "explain", s_ex_noperm,
	    { S, S, S, S, S, S, S, S, S, S, S, S, S, S } },
	{ "checklist: unclassified error", "check", s_server_error,
	    { P, P, P, S, S, P, P, P, S, S, F, F, S, S } },
};

static void
run_ccase(void **state)
{
	const struct ccase *cc = *state;
	struct fx x;
	struct rd_report r;
	size_t i;

	base(&x);
	cc->setup(&x);
	make_report(&x, cc->command, false, &r);
	assert_invariants(&r);
	for (i = 0; i < RD_CL__COUNT; i++)
		if (r.checklist[i].status != cc->want[i])
			fail_msg("%s: %s is %s (%s), want %s", cc->name,
			    cl_order[i], rd_cl_status_names[r.checklist[i].status],
			    r.checklist[i].note, rd_cl_status_names[cc->want[i]]);
	report_free(&r);
}

/* Configuration alone decides remote_host, tls_scheme and env_reaches_app. */
static void
test_env_config_items(void **state)
{
	struct fx x;
	struct rd_report r;

	(void)state;
	base(&x);
	x.no_obs = true;
	x.cfg.envi.in_container = true;
	make_report(&x, "env", false, &r);
	assert_int_equal(r.checklist[RD_CL_REMOTE_HOST].status, RD_CL_FAIL);
	report_free(&r);

	base(&x);
	x.no_obs = true;
	x.cfg.host = (char *)"cache.example.com";
	x.cfg.password_set = false;
	make_report(&x, "env", false, &r);
	assert_int_equal(r.checklist[RD_CL_TLS_SCHEME].status, RD_CL_WARN);
	assert_int_equal(r.checklist[RD_CL_PASSWORD].status, RD_CL_WARN);
	assert_int_equal(r.checklist[RD_CL_DNS].status, RD_CL_SKIP);
	report_free(&r);

	base(&x);
	x.no_obs = true;
	x.cfg.default_used = true;
	snprintf(x.cfg.source, sizeof(x.cfg.source), "default");
	make_report(&x, "env", false, &r);
	assert_int_equal(r.checklist[RD_CL_ENV_REACHES_APP].status, RD_CL_WARN);
	report_free(&r);

	/* TLS to a name with SNI = the name: sni pass; --cacert named: pass. */
	base(&x);
	x.no_obs = true;
	tls_on(&x);
	x.cfg.cacert = (char *)"/tmp/ca.crt";
	make_report(&x, "env", false, &r);
	assert_int_equal(r.checklist[RD_CL_SNI].status, RD_CL_PASS);
	assert_int_equal(r.checklist[RD_CL_CERTIFICATE].status, RD_CL_PASS);
	report_free(&r);
}

static void
test_summary(void **state)
{
	struct fx x;
	struct rd_report r;

	(void)state;
	base(&x);
	s_refused(&x);
	make_report(&x, "check", false, &r);
	assert_string_equal(r.summary,
	    "connection refused by 127.0.0.1:6379 (tcp.refused)");
	report_free(&r);

	base(&x);
	make_report(&x, "check", false, &r);
	assert_string_equal(r.summary, "PONG from 127.0.0.1:6379 in 1.2 ms");
	report_free(&r);

	base(&x);
	s_replica(&x);
	make_report(&x, "check", false, &r);
	assert_non_null(strstr(r.summary, "server.readonly_replica"));
	report_free(&r);

	/* A refusal names the refusal, not its consequences. */
	base(&x);
	s_denied(&x);
	make_report(&x, "check", false, &r);
	assert_non_null(strstr(r.summary, "(server.protected_mode)"));
	report_free(&r);
}

/* A finding list grows past its first allocation and keeps ids. */
static void
test_findings_grow(void **state)
{
	struct rd_findings fs = { 0 };
	char id[48];
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "x.%d", i);
		assert_non_null(findings_add(&fs, id, RD_SEV_INFO));
	}
	assert_int_equal(fs.n, 100);
	assert_true(findings_has(&fs, "x.0"));
	assert_true(findings_has(&fs, "x.99"));
	assert_false(findings_has(&fs, "x.100"));
	findings_free(&fs);
	assert_int_equal(fs.n, 0);
	assert_null(fs.v);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(rd_verdict_names[RD_V_NO_ATTEMPT], "no_attempt");
	assert_string_equal(rd_severity_names[RD_SEV_CRITICAL], "critical");
	assert_string_equal(rd_cl_status_names[RD_CL_WARN], "warn");
	assert_string_equal(rd_step_names[RD_STEP_LATENCY], "latency");
	assert_string_equal(rd_step_names[RD_STEP_HELLO], "hello");
	assert_string_equal(rd_status_names[RD_ST_FAIL], "fail");
}

int
main(void)
{
	const struct tm_table tables[] = {
		TM_TABLE(vcases, run_vcase),
		TM_TABLE(ccases, run_ccase),
	};
	const struct CMUnitTest more[] = {
		TM_TEST("env: configuration-decided items", test_env_config_items),
		TM_TEST("summary", test_summary),
		TM_TEST("findings grow", test_findings_grow),
		TM_TEST("names", test_names),
	};

	return TM_MAIN("report", tables, more);
}
