/* test_info.c — INFO text into struct rd_server_obs: a table of texts,
 * CRLF and LF, garbage, long lines and bad numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "info.h"

static const char redis7[] =
    "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n"
    "os:Linux 6.1.0 x86_64\r\nuptime_in_seconds:3600\r\n\r\n"
    "# Clients\r\nconnected_clients:12\r\nmaxclients:10000\r\n\r\n"
    "# Memory\r\nused_memory:1048576\r\nused_memory_peak:2097152\r\n"
    "maxmemory:4194304\r\nmaxmemory_policy:noeviction\r\n\r\n"
    "# Persistence\r\nloading:0\r\nrdb_last_bgsave_status:err\r\n"
    "aof_enabled:1\r\naof_last_write_status:ok\r\n\r\n"
    "# Stats\r\nrejected_connections:3\r\nevicted_keys:7\r\n"
    "keyspace_hits:75\r\nkeyspace_misses:25\r\n\r\n"
    "# Replication\r\nrole:master\r\n";

struct icase {
	const char	*name;
	const char	*text;
	const char	*version, *mode, *role, *link, *policy, *rdb, *aof;
	int64_t		 used, peak, max, clients, maxclients;
	int		 loading, aof_enabled;
	double		 hit_rate;
	int64_t		 rejected, evicted, uptime;
	const char	*cluster_state;
};

static const struct icase cases[] = {
	{ "redis 7 CRLF", redis7, "7.0.15", "standalone", "master", "",
	  "noeviction", "err", "ok", 1048576, 2097152, 4194304, 12, 10000,
	  0, 1, 0.75, 3, 7, 3600, "" },
	{ "LF only, replica",
	  "redis_version:6.2.1\nrole:slave\nmaster_link_status:down\n"
	  "keyspace_hits:0\nkeyspace_misses:0\nloading:1\n",
	  "6.2.1", "", "slave", "down", "", "", "", -1, -1, -1, -1, -1,
	  1, -1, -1, -1, -1, -1, "" },
	{ "garbage", "\x01\x02\xff no colon here\n:::\n#\r\n\r\n\0",
	  "", "", "", "", "", "", "", -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	  -1, "" },
	{ "bad numbers",
	  "used_memory:abc\nused_memory_peak:-5\nmaxmemory:99999999999999999999\n"
	  "connected_clients:12x\nmaxclients:\nloading:99999999999\n",
	  "", "", "", "", "", "", "", -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	  -1, "" },
	{ "cluster info", "cluster_state:fail\r\ncluster_slots_assigned:0\r\n",
	  "", "", "", "", "", "", "", -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	  -1, "fail" },
	{ "no final newline", "role:master", "", "", "master", "", "", "", "",
	  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, "" },
	{ "value too long for its field",
	  "redis_version:0123456789012345678901234567890123456789\n",
	  "", "", "", "", "", "", "", -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	  -1, "" },
	{ "key prefixes do not match", "used_memory_rss:5\nrole_x:y\nos_x:z\n",
	  "", "", "", "", "", "", "", -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	  -1, "" },
};

static void
check(const struct icase *c, const struct rd_server_obs *s)
{
	print_message("case: %s\n", c->name);
	assert_string_equal(s->version, c->version);
	assert_string_equal(s->mode, c->mode);
	assert_string_equal(s->role, c->role);
	assert_string_equal(s->master_link_status, c->link);
	assert_string_equal(s->maxmemory_policy, c->policy);
	assert_string_equal(s->rdb_last_bgsave_status, c->rdb);
	assert_string_equal(s->aof_last_write_status, c->aof);
	assert_int_equal(s->used_memory, c->used);
	assert_int_equal(s->used_memory_peak, c->peak);
	assert_int_equal(s->maxmemory, c->max);
	assert_int_equal(s->connected_clients, c->clients);
	assert_int_equal(s->maxclients, c->maxclients);
	assert_int_equal(s->maxclients_known, c->maxclients >= 0);
	assert_int_equal(s->loading, c->loading);
	assert_int_equal(s->aof_enabled, c->aof_enabled);
	assert_true(s->hit_rate > c->hit_rate - 1e-9 &&
	    s->hit_rate < c->hit_rate + 1e-9);
	assert_int_equal(s->rejected_connections, c->rejected);
	assert_int_equal(s->evicted_keys, c->evicted);
	assert_int_equal(s->uptime_s, c->uptime);
	assert_string_equal(s->cluster_state, c->cluster_state);
}

static void
test_table(void **state)
{
	struct rd_server_obs s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Not NUL-terminated: copy into an exact-size buffer. */
		size_t n = strlen(cases[i].text);
		char *buf = malloc(n ? n : 1);

		assert_non_null(buf);
		memcpy(buf, cases[i].text, n);
		info_init(&s);
		info_parse(buf, n, &s);
		check(&cases[i], &s);
		free(buf);
	}
}

/* A 1 MiB line without a newline, then a real key: no crash, the key
 * after it still parses. */
static void
test_long_line(void **state)
{
	struct rd_server_obs s;
	size_t n = 1 << 20;
	char *buf = malloc(n + 32);

	(void)state;
	assert_non_null(buf);
	memcpy(buf, "os:", 3);
	memset(buf + 3, 'x', n - 3);
	memcpy(buf + n, "\r\nrole:master\r\n", 15);
	info_init(&s);
	info_parse(buf, n + 15, &s);
	assert_string_equal(s.os, "");
	assert_string_equal(s.role, "master");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
