/* test_clients.c — the client model table (client_find), the client URL
 * readers (client_url_read) and the client-model rules (rules_client),
 * table-driven from literal inputs.  The rows' truth is the real
 * libraries' (tests/diff checks thousands of environments against them);
 * these pin the behaviours the man page names, so a table edit that
 * changes one fails here first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client_url.h"
#include "clients.h"
#include "obs.h"
#include "profiles.h"
#include "report.h"

/* The handshake, the "no password is set" AUTH error and the cluster API,
 * as the real libraries do them (tests/bats/handshake.bats runs them). */
static void
test_handshake_columns(void **state)
{
	static const struct {
		const char *spec; int resp; bool fallback, tolerated;
		const char *cluster;
	} rows[] = {
		{ "ioredis@6", 3, true, true, "new Redis.Cluster(" },
		{ "ioredis@5.9.3", 0, false, true, "new Redis.Cluster(" },
		{ "ioredis@5.3.2", 0, false, true, "new Redis.Cluster(" },
		{ "node-redis", 3, false, false, "createCluster(" },
		{ "redis-py", 0, false, false, "RedisCluster(" },
		{ "go-redis", 3, true, false, "NewClusterClient(" },
		{ "go-redis@9.14.1", 3, true, false, "NewClusterClient(" },
		{ "redigo", 0, false, false, "redisc" },
		{ "redis-cli", 0, false, true, "redis-cli -c" },
		{ "redisdiag", 0, false, false, "" },
	};
	const struct rd_client_model *m;
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		m = client_find(rows[i].spec, &why);
		assert_non_null(m);
		assert_int_equal(m->resp, rows[i].resp);
		assert_int_equal(m->hello_fallback, rows[i].fallback);
		assert_int_equal(m->nopass_tolerated, rows[i].tolerated);
		assert_non_null(strstr(m->cluster_api, rows[i].cluster));
		assert_false(m->follows_moved);	/* no plain constructor does */
		/* a client that stops at a refused HELLO names its RESP2 option */
		if (m->resp == 3 && !m->hello_fallback)
			assert_true(m->opt_resp2[0] != '\0');
	}
}

static void
test_find(void **state)
{
	static const struct { const char *spec, *label; int family; } rows[] = {
		{ "ioredis", "ioredis@6", 0 },
		{ "ioredis@6.0.0", "ioredis@6", 0 },
		{ "ioredis@5", "ioredis@5.8.2-5", 0 },
		{ "ioredis@5.9.3", "ioredis@5.8.2-5", 0 },
		{ "ioredis@5.8.2", "ioredis@5.8.2-5", 0 },
		{ "ioredis@5.8.1", "ioredis@5.0-5.8.1", 4 },
		{ "ioredis@5.3.2", "ioredis@5.0-5.8.1", 4 },
		{ "node-redis@6.3.1", "node-redis@6", 0 },
		{ "redis-py", "redis-py@4", 0 },
		{ "go-redis", "go-redis@9.22-9", 0 },
		{ "redis-cli", "redis-cli@7", 0 },
	};
	const struct rd_client_model *m;
	const char *why;
	char lab[48];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		m = client_find(rows[i].spec, &why);
		assert_non_null(m);
		assert_string_equal(client_label(m, lab, sizeof(lab)), rows[i].label);
		assert_int_equal(m->family, rows[i].family);
	}
	assert_null(client_find("nosuch", &why));
	assert_non_null(strstr(why, "unknown client"));
	assert_null(client_find("ioredis@4.0", &why));
	assert_null(client_find("ioredis@x", &why));
	assert_non_null(profile_find("cacheservice"));
	assert_string_equal(profile_default()->name, "cacheservice");
	assert_string_equal(profile_find("python-getenv")->client, "redis-py");
	assert_true(profile_reads(profile_default(), "NF_REDIS_PASSWORD"));
	assert_false(profile_reads(profile_default(), "REDIS_TLS"));
	assert_false(profile_reads(profile_find("python-getenv"), "REDIS_URL"));
}

struct urow {
	const char *client, *in;
	int	 ok;
	bool	 tls;
	const char *host;
	long	 port;		/* 0: none */
	bool	 has_user, has_pass;
	const char *user, *pass, *db;
};

static const struct urow urows[] = {
	/* REDISS://: plaintext for ioredis (case-sensitive prefix), TLS for the others */
	{ "ioredis", "REDISS://h:6380", 1, false, "h", 6380, false, false, "", "", NULL },
	{ "node-redis", "REDISS://h:6380", 1, true, "h", 6380, false, false, "", "", NULL },
	{ "redis-py", "REDISS://h:6380", 1, true, "h", 6380, false, false, "", "", NULL },
	/* user-only: ioredis has user and "" password */
	{ "ioredis", "redis://x@h", 1, false, "h", 0, true, true, "x", "", NULL },
	{ "ioredis@5.3.2", "redis://x@h", 1, false, "h", 0, true, true, "x", "", NULL },
	{ "node-redis", "redis://x@h", 1, false, "h", 0, true, false, "x", "", NULL },
	/* ":@": ioredis 6 sees no credentials, 5.x an empty user and password */
	{ "ioredis", "redis://:@h", 1, false, "h", 0, false, false, "", "", NULL },
	{ "ioredis@5.3.2", "redis://:@h", 1, false, "h", 0, true, true, "", "", NULL },
	/* url.parse decodes before ioredis splits at ':' */
	{ "ioredis@5.3.2", "redis://u%3A1:pw@h", 1, false, "h", 0, true, true, "u", "1:pw", NULL },
	{ "ioredis", "redis://u%3A1:pw@h", 1, false, "h", 0, true, true, "u:1", "pw", NULL },
	/* a bad %-escape: Node throws, Python keeps it */
	{ "ioredis", "redis://:p%zz@h", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	{ "redis-py", "redis://:p%zz@h", 1, false, "h", 0, false, true, "", "p%zz", NULL },
	/* host case: url.parse and Python lower it, new URL keeps it */
	{ "ioredis@5.3.2", "redis://Cache.Example.COM", 1, false, "cache.example.com", 0, false, false, "", "", NULL },
	{ "ioredis", "redis://Cache.Example.COM", 1, false, "Cache.Example.COM", 0, false, false, "", "", NULL },
	/* IPv6 literal without brackets, trailing newline dropped by Node */
	{ "ioredis", "redis://[::1]:6380/2\n", 1, false, "::1", 6380, false, false, "", "", "2" },
	/* Python keeps a trailing space: the port is not a number */
	{ "redis-py", "redis://h:6380 ", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	/* port over 65535: new URL throws, url.parse takes it */
	{ "ioredis", "redis://h:70000", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	{ "ioredis@5.3.2", "redis://h:70000", 1, false, "h", 70000, false, false, "", "", NULL },
	/* no scheme: ioredis prepends redis://; node-redis and redis-py throw */
	{ "ioredis", "h.example:6380", 1, false, "h.example", 6380, false, false, "", "", NULL },
	{ "node-redis", "h.example:6380", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	{ "redis-py", "h.example:6380", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	/* another scheme is a UNIX socket path for ioredis */
	{ "ioredis", "http://h:6379", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	{ "redis-cli", "http://h:6379", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	/* Go's net/url (redigo 1.8.3, go-redis run): lowers the scheme, keeps
	 * the host's case, refuses white space in the host */
	{ "redigo", "REDISS://Cache.Example.COM", 1, true, "Cache.Example.COM", 0, false, false, "", "", NULL },
	{ "go-redis", "redis://h ", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	/* "[::1]" without a port: brackets kept (dial fails) before go-redis
	 * 9.22 and in redigo, dropped from 9.22 */
	{ "redigo", "redis://[::1]", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	{ "go-redis@9.14.1", "redis://[::1]", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
	{ "go-redis@9.22.0", "redis://[::1]", 1, false, "::1", 0, false, false, "", "", NULL },
	/* redis-cli: no ':' -> all of it is the password; ":@" an empty user
	 * and an empty password (AUTH "" ""); a bad escape exits */
	{ "redis-cli", "redis://x@h", 1, false, "h", 0, false, true, "x", "", NULL },
	{ "redis-cli", "redis://:@h", 1, false, "h", 0, true, true, "", "", NULL },
	{ "redis-cli", "redis://:p%zz@h", 0, false, NULL, 0, false, false, NULL, NULL, NULL },
};

static void
test_url_readers(void **state)
{
	const struct rd_client_model *m;
	struct rd_curl u;
	const char *why;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(urows) / sizeof(urows[0]); i++) {
		const struct urow *r = &urows[i];

		m = client_find(r->client, &why);
		assert_non_null(m);
		rc = client_url_read(m, r->in, &u);
		if (rc != (r->ok ? 0 : -1))
			fail_msg("row %zu (%s %s): rc %d (%s)", i, r->client, r->in,
			    rc, u.why);
		if (!r->ok)
			continue;
		assert_int_equal(u.tls, r->tls);
		assert_string_equal(u.host, r->host);
		assert_int_equal(u.has_port ? u.port : 0, r->port);
		assert_int_equal(u.has_user, r->has_user);
		assert_int_equal(u.has_pass, r->has_pass);
		if (r->has_user)
			assert_string_equal(u.user, r->user);
		if (r->has_pass)
			assert_string_equal(u.pass, r->pass);
		if (r->db != NULL)
			assert_string_equal(u.db, r->db);
	}
}

/* client.family_restricted from literal observations: IPv4-only model,
 * a name with only IPv6 addresses. */
static void
test_family_restricted(void **state)
{
	static struct rd_config cfg;
	static struct rd_obs obs;
	struct rd_findings fs = { 0 };
	const char *why;
	size_t i;
	bool seen = false;

	(void)state;
	cfg.valid = true;
	cfg.host = "v6only.example";
	cfg.port = 6379;
	cfg.family = 4;
	cfg.model = client_find("ioredis@5.3.2", &why);
	snprintf(cfg.client_label, sizeof(cfg.client_label), "ioredis@5.0-5.8.1");
	snprintf(cfg.f[RD_F_SNI].source, sizeof(cfg.f[RD_F_SNI].source), "default");
	obs.dns.attempted = true;
	obs.dns.family_wanted = 4;
	obs.dns.nfiltered = 1;
	rules_client(&cfg, &obs, &fs);
	for (i = 0; i < fs.n; i++)
		if (strcmp(fs.v[i].id, "client.family_restricted") == 0) {
			seen = true;
			assert_non_null(strstr(fs.v[i].remediation[0], "family: 0"));
		}
	assert_true(seen);
	findings_free(&fs);
	/* Both families: nothing to say. */
	cfg.family = 0;
	cfg.model = client_find("ioredis", &why);
	rules_client(&cfg, &obs, &fs);
	for (i = 0; i < fs.n; i++)
		assert_string_not_equal(fs.v[i].id, "client.family_restricted");
	findings_free(&fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_handshake_columns),
		cmocka_unit_test(test_url_readers),
		cmocka_unit_test(test_family_restricted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
