/* test_rules.c — the probe rules, one case per finding id.
 *
 * Every case starts from a healthy observation (PONG from 127.0.0.1:6379),
 * breaks one thing the way the probe would record it, and asserts the
 * finding id, its severity, that it has a title, evidence and a remedy,
 * and that no unrelated critical finding appears.  No network: the
 * observations are literal structs.
 *
 * rules_config() (rules_config.c) is replaced by a weak no-op here so
 * these cases test the probe rules alone. */
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
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "report.h"
#include "secret.h"
#include "table_main.h"

#define CANARY	"canary-Secr3t-pw"

__attribute__((weak)) void
rules_config(const struct rd_config *cfg, const struct rd_obs *obs,
    const struct rd_report_opts *opts, struct rd_findings *fs)
{
	(void)cfg; (void)obs; (void)opts; (void)fs;
}

struct fixture {
	struct rd_config cfg;
	struct rd_obs obs;
	struct rd_report_opts opts;
};

/* A healthy plaintext run against 127.0.0.1:6379. */
static void
base(struct fixture *x)
{
	struct rd_config *c = &x->cfg;
	struct rd_obs *o = &x->obs;

	memset(x, 0, sizeof(*x));
	c->host = (char *)"127.0.0.1";
	c->port = 6379;
	c->valid = true;
	c->db = 0;
	snprintf(c->source, sizeof(c->source), "env:REDIS_URL");
	snprintf(c->f[RD_F_HOST].source, RD_SOURCE_LEN, "url:REDIS_URL");
	snprintf(c->f[RD_F_DB].source, RD_SOURCE_LEN, "url:REDIS_URL");

	o->timeout_us = 5000000;
	o->total_us = 1200;
	o->dns.attempted = false;
	o->dns.literal = true;
	o->dns.naddr = 1;
	o->dns.addrs[0].family = 4;
	snprintf(o->dns.addrs[0].text, sizeof(o->dns.addrs[0].text), "127.0.0.1");
	o->tcp.attempted = true;
	o->tcp.nattempts = 1;
	o->tcp.attempts[0].addr = o->dns.addrs[0];
	o->tcp.attempts[0].port = 6379;
	o->tcp.attempts[0].us = 150;
	o->tcp.attempts[0].connected = true;
	o->tcp.winner = 0;
	snprintf(o->tcp.peer, sizeof(o->tcp.peer), "127.0.0.1:6379");
	o->tls.alert = -1;
	o->tls.hostname_match = -1;
	o->ping.sent = true;
	o->ping.kind = RD_R_STATUS;
	snprintf(o->ping.text, sizeof(o->ping.text), "PONG");
	o->ping.pong = true;
	o->steps[RD_STEP_PING].status = RD_ST_OK;
	o->steps[RD_STEP_PING].us = 90;
	o->info.sent = true;
	o->info.kind = RD_R_STRING;
	o->server.info_ok = true;
	snprintf(o->server.version, sizeof(o->server.version), "7.0.15");
	snprintf(o->server.mode, sizeof(o->server.mode), "standalone");
	snprintf(o->server.role, sizeof(o->server.role), "master");
	snprintf(o->server.rdb_last_bgsave_status, 16, "ok");
	snprintf(o->server.aof_last_write_status, 16, "ok");
	snprintf(o->server.maxmemory_policy, 32, "noeviction");
	o->server.used_memory = 1000000;
	o->server.maxmemory = 0;
	o->server.connected_clients = 1;
	o->server.maxclients = 10000;
	o->server.maxclients_known = true;
	o->server.loading = 0;
	o->latency.samples = 10;
	o->latency.min_us = 40;
	o->latency.p50_us = 60;
	o->latency.p99_us = 120;
	o->latency.max_us = 120;
	x->opts.latency_threshold_us = 50000;
}

/* A healthy TLS run against redis.example.com:6380. */
static void
base_tls(struct fixture *x)
{
	struct rd_tls_obs *t = &x->obs.tls;

	base(x);
	x->cfg.host = (char *)"redis.example.com";
	x->cfg.port = 6380;
	x->cfg.tls = true;
	x->cfg.sni = (char *)"redis.example.com";
	x->obs.dns.literal = false;
	x->obs.dns.attempted = true;
	snprintf(x->obs.dns.addrs[0].text, 64, "127.0.0.2");
	x->obs.tcp.attempts[0].addr = x->obs.dns.addrs[0];
	x->obs.tcp.attempts[0].port = 6380;
	snprintf(x->obs.tcp.peer, sizeof(x->obs.tcp.peer), "127.0.0.2:6380");
	t->attempted = true;
	t->ok = true;
	snprintf(t->version, sizeof(t->version), "TLSv1.3");
	snprintf(t->cipher, sizeof(t->cipher), "TLS_AES_256_GCM_SHA384");
	t->sni_sent = true;
	snprintf(t->sni, sizeof(t->sni), "redis.example.com");
	t->verify_code = X509_V_OK;
	t->have_cert = true;
	snprintf(t->subject, sizeof(t->subject), "CN=redis.example.com");
	snprintf(t->issuer, sizeof(t->issuer), "CN=Test CA");
	t->nsans = 2;
	snprintf(t->sans[0], 128, "DNS:redis.example.com");
	snprintf(t->sans[1], 128, "IP:127.0.0.2");
	snprintf(t->not_after, sizeof(t->not_after), "2030-01-01T00:00:00Z");
	t->days_left = 1500;
	t->hostname_match = 1;
	snprintf(t->expected_name, sizeof(t->expected_name), "redis.example.com");
}

/* The conversation never started: no replies. */
static void
no_conversation(struct fixture *x)
{
	memset(&x->obs.ping, 0, sizeof(x->obs.ping));
	memset(&x->obs.info, 0, sizeof(x->obs.info));
	memset(&x->obs.server, 0, sizeof(x->obs.server));
	memset(&x->obs.latency, 0, sizeof(x->obs.latency));
}

static void
dns_fail(struct fixture *x, int gai)
{
	x->cfg.host = (char *)"nope.example.invalid";
	x->obs.dns.literal = false;
	x->obs.dns.attempted = true;
	x->obs.dns.gai_err = gai;
	x->obs.dns.naddr = 0;
	x->obs.tcp.attempted = false;
	x->obs.tcp.nattempts = 0;
	x->obs.tcp.winner = -1;
	x->obs.tcp.peer[0] = '\0';
	no_conversation(x);
}

static void
tcp_fail(struct fixture *x, int err)
{
	x->obs.tcp.attempts[0].connected = false;
	x->obs.tcp.attempts[0].errnum = err;
	x->obs.tcp.winner = -1;
	x->obs.tcp.peer[0] = '\0';
	no_conversation(x);
}

static void
tls_fail(struct fixture *x)
{
	base_tls(x);
	x->obs.tls.ok = false;
	no_conversation(x);
}

static void
reply_err(struct rd_reply_obs *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->sent = true;
	r->kind = RD_R_ERROR;
	snprintf(r->text, sizeof(r->text), "%s", text);
	sscanf(text, "%31s", r->prefix);
}

/* ---- the cases ---- */

static void c_nxdomain(struct fixture *x) { dns_fail(x, EAI_NONAME); }
static void c_dns_again(struct fixture *x) { dns_fail(x, EAI_AGAIN); }
static void c_dns_fail(struct fixture *x) { dns_fail(x, EAI_FAIL); }
static void c_dns_system(struct fixture *x)
{
	dns_fail(x, EAI_SYSTEM);
	x->obs.dns.gai_errno = ECONNREFUSED;
}
static void c_dns_timeout(struct fixture *x)
{
	dns_fail(x, 0);
	x->obs.dns.timed_out = true;
	x->obs.deadline_hit = true;
}
static void c_dns_nodata(struct fixture *x) { dns_fail(x, EAI_NODATA); }
static void c_dns_addrfamily(struct fixture *x) { dns_fail(x, EAI_ADDRFAMILY); }
static void c_dns_filtered(struct fixture *x)
{
	dns_fail(x, 0);
	x->obs.dns.family_wanted = 6;
	x->obs.dns.nfiltered = 2;
}
/* -6 with an IPv4 literal: no lookup, nothing left to connect to. */
static void c_dns_literal_family(struct fixture *x)
{
	dns_fail(x, 0);
	x->cfg.host = (char *)"127.0.0.1";
	x->obs.dns.literal = true;
	x->obs.dns.family_wanted = 6;
	x->obs.dns.nfiltered = 1;
}
/* -4 with a bracketed IPv6 literal. */
static void c_dns_literal_family6(struct fixture *x)
{
	dns_fail(x, 0);
	x->cfg.host = (char *)"[::1]";
	x->obs.dns.literal = true;
	x->obs.dns.family_wanted = 4;
	x->obs.dns.nfiltered = 1;
}
static void c_refused(struct fixture *x) { tcp_fail(x, ECONNREFUSED); }
static void c_refused_two(struct fixture *x)
{
	struct rd_attempt *a = &x->obs.tcp.attempts[1];

	x->cfg.host = (char *)"localhost";
	x->obs.dns.literal = false;
	x->obs.dns.attempted = true;
	tcp_fail(x, ENETUNREACH);
	x->obs.tcp.attempts[0].addr.family = 6;
	snprintf(x->obs.tcp.attempts[0].addr.text, 64, "::1");
	x->obs.tcp.nattempts = 2;
	a->addr.family = 4;
	snprintf(a->addr.text, 64, "127.0.0.1");
	a->port = 6379;
	a->start_us = 250000;
	a->us = 120;
	a->errnum = ECONNREFUSED;
}
static void c_tcp_timeout(struct fixture *x)
{
	x->cfg.host = (char *)"10.255.255.1";
	snprintf(x->obs.tcp.attempts[0].addr.text, 64, "10.255.255.1");
	tcp_fail(x, 0);
	x->obs.tcp.attempts[0].abandoned = true;
	x->obs.tcp.attempts[0].us = 1000000;
	x->obs.tcp.timed_out = true;
	x->obs.deadline_hit = true;
}
static void c_tcp_etimedout(struct fixture *x) { tcp_fail(x, ETIMEDOUT); }
static void c_hostunreach(struct fixture *x) { tcp_fail(x, EHOSTUNREACH); }
static void c_netunreach(struct fixture *x) { tcp_fail(x, ENETUNREACH); }
static void c_tcp_reset(struct fixture *x) { tcp_fail(x, ECONNRESET); }
static void c_reset_before_reply(struct fixture *x)
{
	no_conversation(x);
	x->obs.ping.sent = true;
	x->obs.ping.reset = true;
}

static void c_plaintext_port(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.not_tls = true;
	snprintf(x->obs.tls.peer_first_bytes, 48, "-ERR unknown command '\\x16\\x03'");
	x->obs.cross.attempted = true;
	x->obs.cross.tried_plain = true;
	x->obs.cross.succeeded = true;
}
static void c_plaintext_port_closed(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.peer_closed = true;
	x->obs.cross.attempted = true;
	x->obs.cross.tried_plain = true;
	x->obs.cross.succeeded = true;
	snprintf(x->obs.cross.detail, 256, "+PONG in plaintext");
}
static void c_plaintext_wrong_version(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.lib_err = ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_VERSION_NUMBER);
	snprintf(x->obs.tls.lib_reason, 128, "wrong version number");
}
static void c_handshake_failed(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.alert = 70;
	snprintf(x->obs.tls.alert_desc, 64, "protocol_version");
}
static void c_handshake_closed(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.peer_closed = true;
}
static void
verify_fail(struct fixture *x, long code, const char *name)
{
	tls_fail(x);
	x->obs.tls.verify_code = code;
	snprintf(x->obs.tls.verify_name, 64, "%s", name);
	x->obs.tls.alert_sent = true;
	x->obs.tls.alert = 48;
}
#define VF(fn, code) static void fn(struct fixture *x) { verify_fail(x, code, #code); }
VF(c_untrusted_self, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
VF(c_untrusted_chain, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
VF(c_untrusted_issuer, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT)
VF(c_untrusted_local, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
VF(c_untrusted_leaf, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE)
VF(c_untrusted_cert, X509_V_ERR_CERT_UNTRUSTED)
VF(c_expired, X509_V_ERR_CERT_HAS_EXPIRED)
VF(c_not_yet_valid, X509_V_ERR_CERT_NOT_YET_VALID)
static void c_hostname(struct fixture *x)
{
	verify_fail(x, X509_V_ERR_HOSTNAME_MISMATCH, "X509_V_ERR_HOSTNAME_MISMATCH");
	x->cfg.host = (char *)"cache.example.org";
	snprintf(x->obs.tls.expected_name, 256, "cache.example.org");
	x->obs.tls.hostname_match = 0;
}
static void c_ip_mismatch(struct fixture *x)
{
	verify_fail(x, X509_V_ERR_IP_ADDRESS_MISMATCH, "X509_V_ERR_IP_ADDRESS_MISMATCH");
	x->cfg.host = (char *)"127.0.0.9";
	x->cfg.sni = NULL;
	snprintf(x->obs.tls.expected_name, 256, "127.0.0.9");
	x->obs.tls.hostname_match = 0;
}
static void c_client_cert_116(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.alert = 116;
	snprintf(x->obs.tls.alert_desc, 64, "certificate_required");
	x->obs.tls.cert_requested = true;
}
static void c_client_cert_tls13(struct fixture *x)
{
	/* TLS 1.3: the handshake completes, the alert comes with the read. */
	base_tls(x);
	no_conversation(x);
	x->obs.tls.alert = 116;
	x->obs.tls.cert_requested = true;
	x->obs.ping.sent = true;
	x->obs.ping.closed = true;
}
static void c_client_cert_40(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.alert = 40;
	x->obs.tls.cert_requested = true;
	x->obs.tls.client_cert_sent = false;
}
static void c_sni_112(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.alert = 112;
	snprintf(x->obs.tls.alert_desc, 64, "unrecognized_name");
}
static void c_sni_cross(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.sni_sent = false;
	x->obs.tls.sni[0] = '\0';
	x->obs.tls.peer_closed = true;
	x->obs.cross.attempted = true;
	x->obs.cross.tried_sni = true;
	x->obs.cross.succeeded = true;
}
static void c_tls_required_closed(struct fixture *x)
{
	no_conversation(x);
	x->obs.ping.sent = true;
	x->obs.ping.closed = true;
	x->obs.cross.attempted = true;
	x->obs.cross.tried_tls = true;
	x->obs.cross.succeeded = true;
	snprintf(x->obs.cross.detail, 256, "TLS handshake completed (TLSv1.3)");
}
static void c_tls_required_alert(struct fixture *x)
{
	no_conversation(x);
	x->obs.ping.sent = true;
	x->obs.ping.not_resp = true;
	snprintf(x->obs.ping.first_bytes, 48, "\\x15\\x03\\x01\\x00\\x02\\x02\\x32");
}
static void c_not_redis(struct fixture *x)
{
	no_conversation(x);
	x->obs.ping.sent = true;
	x->obs.ping.not_resp = true;
	snprintf(x->obs.ping.first_bytes, 48, "HTTP/1.1 400 Bad Request\\r\\n");
}
static void c_hostile(struct fixture *x)
{
	no_conversation(x);
	x->obs.ping.sent = true;
	x->obs.ping.hostile = true;
	snprintf(x->obs.ping.hostile_why, 128, "bulk length 9223372036854775807 > 16777216");
	snprintf(x->obs.ping.first_bytes, 48, "$9223372036854775807\\r\\n");
}
static void c_proto_timeout(struct fixture *x)
{
	no_conversation(x);
	x->obs.ping.sent = true;
	x->obs.ping.timed_out = true;
	x->obs.deadline_hit = true;
}
static void c_proto_closed(struct fixture *x)
{
	no_conversation(x);
	x->obs.ping.sent = true;
	x->obs.ping.closed = true;
}
static void c_tls_timeout(struct fixture *x)
{
	tls_fail(x);
	x->obs.tls.timed_out = true;
	x->obs.deadline_hit = true;
}
static void c_noauth(struct fixture *x)
{
	no_conversation(x);
	reply_err(&x->obs.ping, "NOAUTH Authentication required.");
}
static void
auth_err(struct fixture *x, const char *text)
{
	no_conversation(x);
	x->cfg.password_set = true;
	snprintf(x->cfg.f[RD_F_PASSWORD].source, RD_SOURCE_LEN, "env:REDIS_PASSWORD");
	x->obs.auth_sent = true;
	reply_err(&x->obs.auth, text);
}
static void c_wrongpass(struct fixture *x)
{
	auth_err(x, "WRONGPASS invalid username-password pair or user is disabled.");
	/* The probe went on: PING got NOAUTH, a consequence, not news. */
	reply_err(&x->obs.ping, "NOAUTH Authentication required.");
}
static void c_invalid_password(struct fixture *x) { auth_err(x, "ERR invalid password"); }
static void c_invalid_pair(struct fixture *x) { auth_err(x, "ERR invalid username-password pair"); }
static void c_nopass6(struct fixture *x)
{
	auth_err(x, "ERR AUTH <password> called without any password configured "
	    "for the default user. Are you sure your configuration is correct?");
}
static void c_nopass5(struct fixture *x)
{
	auth_err(x, "ERR Client sent AUTH, but no password is set");
	x->obs.ping.sent = true;
	x->obs.ping.kind = RD_R_STATUS;
	snprintf(x->obs.ping.text, 256, "PONG");
	x->obs.ping.pong = true;
}
static void c_noperm_info(struct fixture *x)
{
	x->cfg.username = (char *)"app";
	reply_err(&x->obs.info, "NOPERM User app has no permissions to run the 'info' command");
	memset(&x->obs.server, 0, sizeof(x->obs.server));
	x->obs.server.info_denied = true;
}
static void c_noperm_ping(struct fixture *x)
{
	no_conversation(x);
	x->cfg.username = (char *)"app";
	reply_err(&x->obs.ping, "NOPERM User app has no permissions to run the 'ping' command");
}
static void c_info_disabled(struct fixture *x)
{
	reply_err(&x->obs.info, "ERR unknown command 'INFO', with args beginning with: ");
	memset(&x->obs.server, 0, sizeof(x->obs.server));
	x->obs.server.info_denied = true;
}
static void
greeting_err(struct fixture *x, const char *text)
{
	no_conversation(x);
	reply_err(&x->obs.greeting, text);
	x->obs.greeting.sent = false;
	x->obs.greeting.pending_error = true;
	x->obs.ping.sent = true;
	x->obs.ping.closed = true;
}
static void c_denied(struct fixture *x)
{
	greeting_err(x, "DENIED Redis is running in protected mode because "
	    "protected mode is enabled and no password is set for the default user.");
}
static void c_maxclients(struct fixture *x) { greeting_err(x, "ERR max number of clients reached"); }
static void
ping_err(struct fixture *x, const char *text)
{
	no_conversation(x);
	reply_err(&x->obs.ping, text);
}
static void c_loading(struct fixture *x) { ping_err(x, "LOADING Redis is loading the dataset in memory"); }
static void c_busy(struct fixture *x)
{
	ping_err(x, "BUSY Redis is busy running a script. You can only call "
	    "SCRIPT KILL or SHUTDOWN NOSAVE.");
}
static void c_masterdown(struct fixture *x)
{
	ping_err(x, "MASTERDOWN Link with MASTER is down and "
	    "replica-serve-stale-data is set to 'no'.");
}
static void c_clusterdown(struct fixture *x)
{
	ping_err(x, "CLUSTERDOWN The cluster is down");
}
static void c_cluster_state_fail(struct fixture *x)
{
	snprintf(x->obs.server.mode, 16, "cluster");
	snprintf(x->obs.server.cluster_state, 16, "fail");
}
static void c_replica(struct fixture *x)
{
	snprintf(x->obs.server.role, 16, "slave");
	snprintf(x->obs.server.master_link_status, 16, "up");
}
static void c_db_range(struct fixture *x)
{
	no_conversation(x);
	x->cfg.db = 99;
	reply_err(&x->obs.select, "ERR DB index is out of range");
}
static void c_memory(struct fixture *x)
{
	x->obs.server.maxmemory = 100000000;
	x->obs.server.used_memory = 95000000;
	snprintf(x->obs.server.maxmemory_policy, 32, "allkeys-lru");
}
static void c_oom_info(struct fixture *x)
{
	x->obs.server.maxmemory = 100000000;
	x->obs.server.used_memory = 90000000;
	snprintf(x->obs.server.maxmemory_policy, 32, "noeviction");
}
static void c_oom_reply(struct fixture *x)
{
	ping_err(x, "OOM command not allowed when used memory > 'maxmemory'.");
}
static void c_clients(struct fixture *x)
{
	x->obs.server.connected_clients = 95;
	x->obs.server.maxclients = 100;
}
static void c_rdb_err(struct fixture *x)
{
	snprintf(x->obs.server.rdb_last_bgsave_status, 16, "err");
}
static void c_aof_err(struct fixture *x)
{
	snprintf(x->obs.server.aof_last_write_status, 16, "err");
}
static void c_misconf(struct fixture *x)
{
	ping_err(x, "MISCONF Redis is configured to save RDB snapshots, but it's "
	    "currently unable to persist to disk.");
}
static void c_cluster_info(struct fixture *x)
{
	snprintf(x->obs.server.mode, 16, "cluster");
	snprintf(x->obs.server.cluster_state, 16, "ok");
}
static void c_cluster_select(struct fixture *x)
{
	no_conversation(x);
	x->cfg.db = 2;
	reply_err(&x->obs.select, "ERR SELECT is not allowed in cluster mode");
}
static void c_moved(struct fixture *x)
{
	ping_err(x, "MOVED 3999 127.0.0.1:6381");
}
static void c_latency(struct fixture *x)
{
	x->opts.latency_threshold_us = 10000;
	x->obs.latency.p99_us = 25000;
	x->obs.latency.max_us = 30000;
}
static void c_insecure(struct fixture *x)
{
	base_tls(x);
	x->cfg.insecure = true;
	x->obs.tls.insecure = true;
	x->obs.tls.verify_code = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
	snprintf(x->obs.tls.verify_name, 64, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT");
}
static void c_expiring(struct fixture *x)
{
	base_tls(x);
	x->obs.tls.days_left = 5;
	snprintf(x->obs.tls.not_after, 32, "2024-05-06T00:00:00Z");
}

struct rcase {
	const char *name;
	void	(*setup)(struct fixture *);
	const char *id;			/* expected finding */
	enum rd_severity sev;
	const char *evid;		/* substring of the evidence, or NULL */
};

static const struct rcase cases[] = {
	{ "dns.nxdomain", c_nxdomain, "dns.nxdomain", RD_SEV_CRITICAL, "EAI_NONAME" },
	{ "dns.temporary/EAI_AGAIN", c_dns_again, "dns.temporary", RD_SEV_CRITICAL, "EAI_AGAIN" },
	{ "dns.temporary/EAI_FAIL", c_dns_fail, "dns.temporary", RD_SEV_CRITICAL, "EAI_FAIL" },
	{ "dns.temporary/EAI_SYSTEM", c_dns_system, "dns.temporary", RD_SEV_CRITICAL, "EAI_SYSTEM (ECONNREFUSED)" },
	{ "dns.timeout", c_dns_timeout, "dns.timeout", RD_SEV_CRITICAL, "nope.example.invalid" },
	{ "dns.no_address/EAI_NODATA", c_dns_nodata, "dns.no_address", RD_SEV_CRITICAL, "EAI_NODATA" },
	{ "dns.no_address/EAI_ADDRFAMILY", c_dns_addrfamily, "dns.no_address", RD_SEV_CRITICAL, "EAI_ADDRFAMILY" },
	{ "dns.no_address/filtered", c_dns_filtered, "dns.no_address", RD_SEV_CRITICAL, "-6" },
	{ "dns.no_address/literal", c_dns_literal_family, "dns.no_address", RD_SEV_CRITICAL,
	    "127.0.0.1 is an IPv4 literal but -6 was given" },
	{ "dns.no_address/literal6", c_dns_literal_family6, "dns.no_address", RD_SEV_CRITICAL,
	    "::1 is an IPv6 literal but -4 was given" },
	{ "tcp.refused", c_refused, "tcp.refused", RD_SEV_CRITICAL, "127.0.0.1:6379 refused the connection (ECONNREFUSED)" },
	{ "tcp.refused/every-attempt", c_refused_two, "tcp.refused", RD_SEV_CRITICAL, "[::1]:6379: ENETUNREACH" },
	{ "tcp.timeout", c_tcp_timeout, "tcp.timeout", RD_SEV_CRITICAL, "10.255.255.1:6379" },
	{ "tcp.timeout/ETIMEDOUT", c_tcp_etimedout, "tcp.timeout", RD_SEV_CRITICAL, NULL },
	{ "tcp.unreachable/EHOSTUNREACH", c_hostunreach, "tcp.unreachable", RD_SEV_CRITICAL, "EHOSTUNREACH" },
	{ "tcp.unreachable/ENETUNREACH", c_netunreach, "tcp.unreachable", RD_SEV_CRITICAL, "ENETUNREACH" },
	{ "tcp.reset/connect", c_tcp_reset, "tcp.reset", RD_SEV_CRITICAL, "ECONNRESET" },
	{ "tcp.reset/before-reply", c_reset_before_reply, "tcp.reset", RD_SEV_CRITICAL, "ECONNRESET after PING" },
	{ "tls.plaintext_port/bytes", c_plaintext_port, "tls.plaintext_port", RD_SEV_CRITICAL, "-ERR unknown command" },
	{ "tls.plaintext_port/cross", c_plaintext_port_closed, "tls.plaintext_port", RD_SEV_CRITICAL, "plaintext conversation on the same port worked" },
	{ "tls.plaintext_port/wrong_version", c_plaintext_wrong_version, "tls.plaintext_port", RD_SEV_CRITICAL, "not TLS" },
	{ "tls.handshake_failed/alert", c_handshake_failed, "tls.handshake_failed", RD_SEV_CRITICAL, "alert 70 protocol_version" },
	{ "tls.handshake_failed/closed", c_handshake_closed, "tls.handshake_failed", RD_SEV_CRITICAL, "EOF" },
	{ "tls.cert_untrusted/DEPTH_ZERO_SELF_SIGNED", c_untrusted_self, "tls.cert_untrusted", RD_SEV_CRITICAL, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT" },
	{ "tls.cert_untrusted/SELF_SIGNED_IN_CHAIN", c_untrusted_chain, "tls.cert_untrusted", RD_SEV_CRITICAL, "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN" },
	{ "tls.cert_untrusted/ISSUER", c_untrusted_issuer, "tls.cert_untrusted", RD_SEV_CRITICAL, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT" },
	{ "tls.cert_untrusted/ISSUER_LOCALLY", c_untrusted_local, "tls.cert_untrusted", RD_SEV_CRITICAL, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
	{ "tls.cert_untrusted/LEAF", c_untrusted_leaf, "tls.cert_untrusted", RD_SEV_CRITICAL, "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
	{ "tls.cert_untrusted/UNTRUSTED", c_untrusted_cert, "tls.cert_untrusted", RD_SEV_CRITICAL, "X509_V_ERR_CERT_UNTRUSTED" },
	{ "tls.cert_expired/HAS_EXPIRED", c_expired, "tls.cert_expired", RD_SEV_CRITICAL, "X509_V_ERR_CERT_HAS_EXPIRED" },
	{ "tls.cert_expired/NOT_YET_VALID", c_not_yet_valid, "tls.cert_expired", RD_SEV_CRITICAL, "X509_V_ERR_CERT_NOT_YET_VALID" },
	{ "tls.hostname_mismatch", c_hostname, "tls.hostname_mismatch", RD_SEV_CRITICAL, "asked for cache.example.org" },
	{ "tls.hostname_mismatch/sans", c_hostname, "tls.hostname_mismatch", RD_SEV_CRITICAL, "covers DNS:redis.example.com, IP:127.0.0.2" },
	{ "tls.hostname_mismatch/IP", c_ip_mismatch, "tls.hostname_mismatch", RD_SEV_CRITICAL, "X509_V_ERR_IP_ADDRESS_MISMATCH" },
	{ "tls.client_cert_required/116", c_client_cert_116, "tls.client_cert_required", RD_SEV_CRITICAL, "alert 116 certificate_required" },
	{ "tls.client_cert_required/tls13", c_client_cert_tls13, "tls.client_cert_required", RD_SEV_CRITICAL, "after the handshake" },
	{ "tls.client_cert_required/40", c_client_cert_40, "tls.client_cert_required", RD_SEV_CRITICAL, "alert 40 handshake_failure" },
	{ "tls.sni_required/112", c_sni_112, "tls.sni_required", RD_SEV_CRITICAL, "alert 112 unrecognized_name" },
	{ "tls.sni_required/cross", c_sni_cross, "tls.sni_required", RD_SEV_CRITICAL, "no SNI was sent" },
	{ "proto.tls_required/closed", c_tls_required_closed, "proto.tls_required", RD_SEV_CRITICAL, "TLS handshake on the same port succeeded" },
	{ "proto.tls_required/alert", c_tls_required_alert, "proto.tls_required", RD_SEV_CRITICAL, "0x15" },
	{ "proto.not_redis", c_not_redis, "proto.not_redis", RD_SEV_CRITICAL, "HTTP/1.1 400" },
	{ "proto.hostile_reply", c_hostile, "proto.hostile_reply", RD_SEV_CRITICAL, "9223372036854775807" },
	{ "proto.timeout", c_proto_timeout, "proto.timeout", RD_SEV_CRITICAL, "PING was sent" },
	{ "proto.timeout/tls", c_tls_timeout, "proto.timeout", RD_SEV_CRITICAL, "TLS handshake" },
	{ "proto.closed", c_proto_closed, "proto.closed", RD_SEV_CRITICAL, "EOF after PING" },
	{ "auth.required", c_noauth, "auth.required", RD_SEV_CRITICAL, "NOAUTH" },
	{ "auth.wrongpass/WRONGPASS", c_wrongpass, "auth.wrongpass", RD_SEV_CRITICAL, "WRONGPASS" },
	{ "auth.wrongpass/pre6", c_invalid_password, "auth.wrongpass", RD_SEV_CRITICAL, "ERR invalid password" },
	{ "auth.wrongpass/pair", c_invalid_pair, "auth.wrongpass", RD_SEV_CRITICAL, "password from env:REDIS_PASSWORD" },
	{ "auth.no_password_configured/6", c_nopass6, "auth.no_password_configured", RD_SEV_CRITICAL, "without any password configured" },
	{ "auth.no_password_configured/5", c_nopass5, "auth.no_password_configured", RD_SEV_CRITICAL, "no password is set" },
	{ "auth.noperm/info", c_noperm_info, "auth.noperm", RD_SEV_WARNING, "NOPERM" },
	{ "auth.noperm/info-disabled", c_info_disabled, "auth.noperm", RD_SEV_WARNING, "unknown command 'INFO'" },
	{ "auth.noperm/ping", c_noperm_ping, "auth.noperm", RD_SEV_CRITICAL, "user app" },
	{ "server.protected_mode", c_denied, "server.protected_mode", RD_SEV_CRITICAL, "on connect, before any command" },
	{ "server.maxclients", c_maxclients, "server.maxclients", RD_SEV_CRITICAL, "max number of clients reached" },
	{ "server.loading", c_loading, "server.loading", RD_SEV_CRITICAL, "LOADING" },
	{ "server.busy", c_busy, "server.busy", RD_SEV_CRITICAL, "BUSY" },
	{ "server.masterdown", c_masterdown, "server.masterdown", RD_SEV_CRITICAL, "MASTERDOWN" },
	{ "server.readonly_replica", c_replica, "server.readonly_replica", RD_SEV_WARNING, "role:slave" },
	{ "server.db_out_of_range", c_db_range, "server.db_out_of_range", RD_SEV_CRITICAL, "db 99" },
	{ "server.memory_pressure", c_memory, "server.memory_pressure", RD_SEV_WARNING, "(95%)" },
	{ "server.oom_risk/info", c_oom_info, "server.oom_risk", RD_SEV_WARNING, "noeviction" },
	{ "server.oom_risk/reply", c_oom_reply, "server.oom_risk", RD_SEV_CRITICAL, "OOM command not allowed" },
	{ "server.client_pressure", c_clients, "server.client_pressure", RD_SEV_WARNING, "connected_clients 95, maxclients 100" },
	{ "server.persistence_error/rdb", c_rdb_err, "server.persistence_error", RD_SEV_WARNING, "rdb_last_bgsave_status:err" },
	{ "server.persistence_error/aof", c_aof_err, "server.persistence_error", RD_SEV_WARNING, "aof_last_write_status:err" },
	{ "server.persistence_error/MISCONF", c_misconf, "server.persistence_error", RD_SEV_CRITICAL, "MISCONF" },
	{ "server.cluster_mode/info", c_cluster_info, "server.cluster_mode", RD_SEV_WARNING, "redis_mode:cluster" },
	{ "server.cluster_mode/MOVED", c_moved, "server.cluster_mode", RD_SEV_WARNING, "MOVED 3999" },
	{ "server.cluster_mode/SELECT", c_cluster_select, "server.cluster_mode", RD_SEV_CRITICAL, "not allowed in cluster mode" },
	{ "server.cluster_down/reply", c_clusterdown, "server.cluster_down", RD_SEV_CRITICAL, "CLUSTERDOWN" },
	{ "server.cluster_down/info", c_cluster_state_fail, "server.cluster_down", RD_SEV_CRITICAL, "cluster_state:fail" },
	{ "latency.high", c_latency, "latency.high", RD_SEV_WARNING, "p99 25.0 ms" },
	{ "tls.insecure", c_insecure, "tls.insecure", RD_SEV_WARNING, "would have failed: X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT" },
	{ "tls.cert_expiring", c_expiring, "tls.cert_expiring", RD_SEV_WARNING, "5 days left" },
};

static void
run_case(void **state)
{
	const struct rcase *rc = *state;
	struct fixture x;
	struct rd_findings fs = { 0 };
	const struct rd_finding *f = NULL;
	size_t i;
	int j;

	base(&x);
	rc->setup(&x);
	rules_eval(&x.cfg, &x.obs, &x.opts, &fs);

	for (i = 0; i < fs.n; i++)
		if (strcmp(fs.v[i].id, rc->id) == 0)
			f = &fs.v[i];
	if (f == NULL) {
		for (i = 0; i < fs.n; i++)
			print_message("  got %s\n", fs.v[i].id);
		fail_msg("%s: no finding %s", rc->name, rc->id);
	}
	assert_int_equal(f->sev, rc->sev);
	assert_true(f->title[0] != '\0');
	assert_true(f->evidence[0] != '\0');
	assert_true(f->nremedy >= 1);
	if (rc->evid != NULL && strstr(f->evidence, rc->evid) == NULL)
		fail_msg("%s: evidence lacks \"%s\": %s", rc->name, rc->evid,
		    f->evidence);
	/* Nothing unrelated is critical: one failure, one explanation. */
	for (i = 0; i < fs.n; i++) {
		if (strcmp(fs.v[i].id, rc->id) == 0)
			continue;
		if (fs.v[i].sev == RD_SEV_CRITICAL)
			fail_msg("%s: unrelated critical %s", rc->name, fs.v[i].id);
	}
	/* Ids are unique in a run. */
	for (i = 0; i < fs.n; i++)
		for (size_t k = i + 1; k < fs.n; k++)
			assert_string_not_equal(fs.v[i].id, fs.v[k].id);
	/* No secret anywhere. */
	for (i = 0; i < fs.n; i++) {
		assert_null(strstr(fs.v[i].title, CANARY));
		assert_null(strstr(fs.v[i].evidence, CANARY));
		for (j = 0; j < fs.v[i].nremedy; j++)
			assert_null(strstr(fs.v[i].remediation[j], CANARY));
	}
	findings_free(&fs);
}

/* ---- negative cases: healthy runs and values just under a threshold ---- */

static void n_plain(struct fixture *x) { (void)x; }
static void n_tls(struct fixture *x) { base_tls(x); }
static void n_expiring_14(struct fixture *x) { base_tls(x); x->obs.tls.days_left = 14; }
static void n_memory_89(struct fixture *x)
{
	x->obs.server.maxmemory = 100000000;
	x->obs.server.used_memory = 89000000;
}
static void n_clients_89(struct fixture *x)
{
	x->obs.server.connected_clients = 89;
	x->obs.server.maxclients = 100;
}
static void n_latency_eq(struct fixture *x)
{
	x->opts.latency_threshold_us = 120;
}
static void n_auth_ok(struct fixture *x)
{
	x->cfg.password_set = true;
	x->obs.auth_sent = true;
	x->obs.auth.sent = true;
	x->obs.auth.kind = RD_R_STATUS;
	snprintf(x->obs.auth.text, 256, "OK");
}
static void n_ipv6_fallback(struct fixture *x)
{
	/* ::1 unreachable, 127.0.0.1 connected: no tcp finding. */
	x->obs.tcp.nattempts = 2;
	x->obs.tcp.attempts[1] = x->obs.tcp.attempts[0];
	x->obs.tcp.attempts[0].connected = false;
	x->obs.tcp.attempts[0].errnum = ENETUNREACH;
	snprintf(x->obs.tcp.attempts[0].addr.text, 64, "::1");
	x->obs.tcp.winner = 1;
}

static const struct ncase {
	const char *name;
	void	(*setup)(struct fixture *);
} ncases[] = {
	{ "healthy plain", n_plain },
	{ "healthy TLS", n_tls },
	{ "certificate with 14 days left", n_expiring_14 },
	{ "memory at 89%", n_memory_89 },
	{ "clients at 89%", n_clients_89 },
	{ "p99 equal to the threshold", n_latency_eq },
	{ "AUTH accepted", n_auth_ok },
	{ "IPv6 failed, IPv4 connected", n_ipv6_fallback },
};

static void
run_negative(void **state)
{
	const struct ncase *nc = *state;
	struct fixture x;
	struct rd_findings fs = { 0 };
	size_t i;

	base(&x);
	nc->setup(&x);
	rules_eval(&x.cfg, &x.obs, &x.opts, &fs);
	for (i = 0; i < fs.n; i++)
		if (fs.v[i].sev >= RD_SEV_WARNING)
			fail_msg("%s: unexpected %s %s", nc->name,
			    rd_severity_names[fs.v[i].sev], fs.v[i].id);
	findings_free(&fs);
}

/* ---- the reply table ---- */

static void
test_classify_reply(void **state)
{
	static const struct {
		const char *text, *id;
	} t[] = {
		{ "NOAUTH Authentication required.", "auth.required" },
		{ "-NOAUTH Authentication required.", "auth.required" },
		{ "NOAUTH HELLO must be called with the client already authenticated", "auth.required" },
		{ "WRONGPASS invalid username-password pair or user is disabled.", "auth.wrongpass" },
		{ "ERR invalid password", "auth.wrongpass" },
		{ "ERR invalid username-password pair", "auth.wrongpass" },
		{ "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?", "auth.no_password_configured" },
		{ "ERR Client sent AUTH, but no password is set", "auth.no_password_configured" },
		{ "NOPERM this user has no permissions to run the 'info' command", "auth.noperm" },
		{ "DENIED Redis is running in protected mode", "server.protected_mode" },
		{ "ERR max number of clients reached", "server.maxclients" },
		{ "LOADING Redis is loading the dataset in memory", "server.loading" },
		{ "BUSY Redis is busy running a script.", "server.busy" },
		{ "MASTERDOWN Link with MASTER is down", "server.masterdown" },
		{ "ERR DB index is out of range", "server.db_out_of_range" },
		{ "ERR invalid DB index", "server.db_out_of_range" },
		{ "ERR SELECT is not allowed in cluster mode", "server.cluster_mode" },
		{ "MOVED 3999 127.0.0.1:6381", "server.cluster_mode" },
		{ "ASK 3999 127.0.0.1:6381", "server.cluster_mode" },
		{ "CLUSTERDOWN The cluster is down", "server.cluster_down" },
		{ "OOM command not allowed when used memory > 'maxmemory'.", "server.oom_risk" },
		{ "MISCONF Redis is configured to save RDB snapshots", "server.persistence_error" },
		{ "READONLY You can't write against a read only replica.", "server.readonly_replica" },
		/* Not ours: similar words must not match. */
		{ "BUSYKEY Target key name already exists.", NULL },
		{ "BUSYGROUP Consumer Group name already exists", NULL },
		{ "ERR unknown command 'FOO'", NULL },
		{ "ASKING", NULL },
		{ "", NULL },
	};
	size_t i;
	const char *got;

	(void)state;
	assert_null(rules_classify_reply(NULL));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = rules_classify_reply(t[i].text);
		if (t[i].id == NULL && got != NULL)
			fail_msg("\"%s\" -> %s, want none", t[i].text, got);
		if (t[i].id != NULL && (got == NULL || strcmp(got, t[i].id) != 0))
			fail_msg("\"%s\" -> %s, want %s", t[i].text,
			    got ? got : "none", t[i].id);
	}
}

/* A server that echoes the password back: its text passes the probe's
 * door (vault_door) before any rule sees it, so no finding holds it. */
static void
test_scrub_server_text(void **state)
{
	static const char said[] = "ERR weird proxy says " CANARY " is wrong";
	struct fixture x;
	struct rd_findings fs = { 0 };
	struct rd_vault *v;
	size_t i;

	(void)state;
	base(&x);
	no_conversation(&x);
	x.cfg.password_set = true;
	assert_non_null(v = vault_new());
	assert_int_equal(vault_put(v, CANARY, strlen(CANARY)), 0);
	reply_err(&x.obs.ping, "ERR");
	vault_door(v, said, strlen(said), x.obs.ping.text,
	    sizeof(x.obs.ping.text));
	vault_free(v);
	assert_null(strstr(x.obs.ping.text, CANARY));
	rules_eval(&x.cfg, &x.obs, &x.opts, &fs);
	assert_true(fs.n > 0);
	for (i = 0; i < fs.n; i++)
		assert_null(strstr(fs.v[i].evidence, CANARY));
	findings_free(&fs);
}

/* An invalid configuration is never probed: no probe findings. */
static void
test_invalid_config(void **state)
{
	struct fixture x;
	struct rd_findings fs = { 0 };

	(void)state;
	base(&x);
	x.cfg.valid = false;
	rules_eval(&x.cfg, NULL, &x.opts, &fs);
	assert_int_equal(fs.n, 0);
	/* env (no observations): only configuration-decided findings. */
	base(&x);
	x.cfg.tls = true;
	x.cfg.insecure = true;
	rules_eval(&x.cfg, NULL, &x.opts, &fs);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].id, "tls.insecure");
	findings_free(&fs);
}

int
main(void)
{
	const struct tm_table tables[] = {
		TM_TABLE(cases, run_case),
		TM_TABLE(ncases, run_negative),
	};
	const struct CMUnitTest more[] = {
		TM_TEST("rules_classify_reply", test_classify_reply),
		TM_TEST("scrub server text", test_scrub_server_text),
		TM_TEST("invalid config", test_invalid_config),
	};

	return TM_MAIN("rules", tables, more);
}
