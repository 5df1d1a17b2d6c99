/* test_url.c — the redis:// URL parser, table-driven.
 *
 * Each row is an input and either the parts it must yield or the offset
 * and message fragment of its error.  Every error message is also checked
 * not to contain the password-like canary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

#define CANARY	"Canary-s3cr3t-XYZ"

struct row {
	const char *in;
	int	 ok;		/* 1 parses, 0 error */
	bool	 tls;
	const char *user, *pass, *host;
	int	 port, db;
	const char *err;	/* fragment of the message when !ok */
	long	 off;		/* error offset, -1 = don't care */
};

static const struct row rows[] = {
	{ "redis://localhost", 1, false, "", "", "localhost", 0, -1, NULL, 0 },
	{ "REDIS://localhost:6380", 1, false, "", "", "localhost", 6380, -1, NULL, 0 },
	{ "rediss://h.example.com:6379/2", 1, true, "", "", "h.example.com", 6379, 2, NULL, 0 },
	{ "RedisS://h", 1, true, "", "", "h", 0, -1, NULL, 0 },
	{ "redis://user:" CANARY "@h:1", 1, false, "user", CANARY, "h", 1, -1, NULL, 0 },
	{ "redis://:" CANARY "@h", 1, false, "", CANARY, "h", 0, -1, NULL, 0 },
	{ "redis://default@h", 1, false, "default", "", "h", 0, -1, NULL, 0 },
	{ "redis://u%40x:p%3Aw%2F%25@h", 1, false, "u@x", "p:w/%", "h", 0, -1, NULL, 0 },
	{ "redis://:p@ss@h:6379", 1, false, "", "p@ss", "h", 6379, -1, NULL, 0 },
	{ "redis://[::1]:6379", 1, false, "", "", "::1", 6379, -1, NULL, 0 },
	{ "redis://[fe80::1%25eth0]:6379", 1, false, "", "", "fe80::1%25eth0", 6379, -1, NULL, 0 },
	{ "redis://[2001:db8::5]/3", 1, false, "", "", "2001:db8::5", 0, 3, NULL, 0 },
	{ "redis://10.0.0.1:65535/", 1, false, "", "", "10.0.0.1", 65535, -1, NULL, 0 },
	{ "redis://h:6379/0?ssl=true&family=6", 1, false, "", "", "h", 6379, 0, NULL, 0 },
	{ "redis://h?db=4", 1, false, "", "", "h", 0, -1, NULL, 0 },
	{ "redis://my_redis-1:6379", 1, false, "", "", "my_redis-1", 6379, -1, NULL, 0 },
	/* errors */
	{ "", 0, false, NULL, NULL, NULL, 0, 0, "empty", 0 },
	{ "localhost:6379", 0, false, NULL, NULL, NULL, 0, 0, "not a redis://", 0 },
	{ "http://h", 0, false, NULL, NULL, NULL, 0, 0, "not a redis://", 0 },
	/* unix:// (redis-py's form): the decoded path in host, ?db= only. */
	{ "unix:///tmp/redis.sock", 1, false, "", "", "/tmp/redis.sock", 0, -1, NULL, 0 },
	{ "unix://:" CANARY "@/tmp/r%20s.sock?db=2", 1, false, "", CANARY, "/tmp/r s.sock", 0, -1, NULL, 0 },
	{ "UNIX://u:p@/run/r.sock", 1, false, "u", "p", "/run/r.sock", 0, -1, NULL, 0 },
	{ "unix://relative.sock", 0, false, NULL, NULL, NULL, 0, 0, "names no host", 7 },
	{ "unix://h/tmp/r.sock", 0, false, NULL, NULL, NULL, 0, 0, "names no host", 7 },
	{ "unix://:" CANARY "@rel", 0, false, NULL, NULL, NULL, 0, 0, "absolute path", 26 },
	{ "unix://", 0, false, NULL, NULL, NULL, 0, 0, "absolute path", 7 },
	{ "unix:///a#b", 0, false, NULL, NULL, NULL, 0, 0, "fragment", 9 },
	{ "unix:///0123456789012345678901234567890123456789012345678901234567890123456789"
	  "01234567890123456789012345678901234567890123456789", 0, false, NULL, NULL, NULL, 0, 0, "longer than 107", -1 },
	{ "redis-socket:///tmp/redis.sock", 0, false, NULL, NULL, NULL, 0, 0, "not supported yet", 0 },
	{ "redis+sentinel://h:26379/mymaster", 1, false, "", "", "h", 26379, -1, NULL, 0 },
	{ "redis+sentinel://:" CANARY "@a,b:26380/m/3", 1, false, "", CANARY, "a", 26379, 3, NULL, 0 },
	{ "rediss+sentinel://u:" CANARY "@[::1]:5000/m", 1, true, "u", CANARY, "::1", 5000, -1, NULL, 0 },
	{ "redis+sentinel://h:26379", 0, false, NULL, NULL, NULL, 0, 0, "names the master", 24 },
	{ "redis+sentinel://h:26379/m/x", 0, false, NULL, NULL, NULL, 0, 0, "0..1000000", -1 },
	{ "redis+sentinel://a,,b/m", 0, false, NULL, NULL, NULL, 0, 0, "empty sentinel", -1 },
	{ "redis+sentinel://a:0/m", 0, false, NULL, NULL, NULL, 0, 0, "1..65535", 19 },
	{ "redis://h:0", 0, false, NULL, NULL, NULL, 0, 0, "1..65535", 10 },
	{ "redis://h:65536", 0, false, NULL, NULL, NULL, 0, 0, "1..65535", 10 },
	{ "redis://h:6379abc", 0, false, NULL, NULL, NULL, 0, 0, "1..65535", 10 },
	{ "redis://h:", 0, false, NULL, NULL, NULL, 0, 0, "empty port", 10 },
	{ "redis://h:-1", 0, false, NULL, NULL, NULL, 0, 0, "1..65535", 10 },
	{ "redis://:" CANARY "%zz@h", 0, false, NULL, NULL, NULL, 0, 0, "percent-encoding", 26 },
	{ "redis://:" CANARY "%4@h", 0, false, NULL, NULL, NULL, 0, 0, "percent-encoding", 26 },
	{ "redis://:" CANARY "%00@h", 0, false, NULL, NULL, NULL, 0, 0, "NUL", 26 },
	{ "redis://:" CANARY "/x@h", 0, false, NULL, NULL, NULL, 0, 0, "'@' follows", 26 },
	{ "redis://:pa#ss@h", 0, false, NULL, NULL, NULL, 0, 0, "'@' follows", 11 },
	{ "redis://::1:6379", 0, false, NULL, NULL, NULL, 0, 0, "brackets", 8 },
	{ "redis://[::1", 0, false, NULL, NULL, NULL, 0, 0, "closing", 8 },
	{ "redis://[zz::1]", 0, false, NULL, NULL, NULL, 0, 0, "IPv6", 9 },
	{ "redis://[::1]x", 0, false, NULL, NULL, NULL, 0, 0, "after ']'", 13 },
	{ "redis://", 0, false, NULL, NULL, NULL, 0, 0, "no host", 8 },
	{ "redis://:pw@", 0, false, NULL, NULL, NULL, 0, 0, "no host", 12 },
	{ "redis://h/abc", 0, false, NULL, NULL, NULL, 0, 0, "database", 10 },
	{ "redis://h/1/2", 0, false, NULL, NULL, NULL, 0, 0, "database", 10 },
	{ "redis://h#frag", 0, false, NULL, NULL, NULL, 0, 0, "fragment", 9 },
	{ " redis://h", 0, false, NULL, NULL, NULL, 0, 0, "space", 0 },
	{ "redis://h\n", 0, false, NULL, NULL, NULL, 0, 0, "control", 9 },
	{ "redis://h\xc3\xa9", 0, false, NULL, NULL, NULL, 0, 0, "non-ASCII", 9 },
	{ "redis://1.2.3", 0, false, NULL, NULL, NULL, 0, 0, "IPv4", 8 },
	{ "redis://999.1.1.1", 0, false, NULL, NULL, NULL, 0, 0, "IPv4", 8 },
	{ "redis://h%41", 0, false, NULL, NULL, NULL, 0, 0, "percent-encoding in the host", 9 },
	{ "redis://-h", 0, false, NULL, NULL, NULL, 0, 0, "starts with", 8 },
	{ "redis://h?=x", 0, false, NULL, NULL, NULL, 0, 0, "without a name", 10 },
};

static void
test_rows(void **state)
{
	struct rd_url u;
	struct rd_url_err e;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		rc = url_parse(r->in, &u, &e);
		if (r->ok != (rc == 0))
			fail_msg("row %zu (%s): rc %d, err %s", i, r->in, rc, e.msg);
		if (!r->ok) {
			if (strstr(e.msg, r->err) == NULL)
				fail_msg("row %zu: msg '%s' lacks '%s'", i, e.msg, r->err);
			if (r->off >= 0 && (long)e.offset != r->off)
				fail_msg("row %zu: offset %zu, want %ld", i, e.offset, r->off);
			assert_null(strstr(e.msg, "Canary"));
			assert_string_equal(u.host, "");
			assert_string_equal(u.password, "");
			continue;
		}
		assert_int_equal(u.tls, r->tls);
		assert_string_equal(u.user, r->user);
		assert_string_equal(u.password, r->pass);
		assert_string_equal(u.host, r->host);
		assert_int_equal(u.port, r->port);
		assert_int_equal(u.db, r->db);
	}
}

static void
test_query(void **state)
{
	struct rd_url u;
	struct rd_url_err e;

	assert_int_equal(url_parse("redis://h/1?ssl=true&family=6&password="
	    CANARY "&&db=2", &u, &e), 0);
	assert_int_equal(u.nquery, 4);
	assert_string_equal(url_query(&u, "SSL"), "true");
	assert_string_equal(url_query(&u, "family"), "6");
	assert_string_equal(url_query(&u, "password"), "****");
	assert_true(u.query[2].secret);
	assert_string_equal(url_query(&u, "db"), "2");
	assert_null(url_query(&u, "nope"));
}

static void
test_limits(void **state)
{
	char big[RD_URL_MAX_LEN + 64];
	struct rd_url u;
	struct rd_url_err e;
	size_t i;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "redis://", 8);
	assert_int_equal(url_parse(big, &u, &e), -1);
	assert_non_null(strstr(e.msg, "longer than"));
	/* 254-byte host */
	memset(big, 'a', 300);
	memcpy(big, "redis://", 8);
	big[8 + 254] = '\0';
	assert_int_equal(url_parse(big, &u, &e), -1);
	assert_non_null(strstr(e.msg, "253"));
	/* too many query keys */
	strcpy(big, "redis://h?");
	for (i = 0; i < RD_URL_MAX_QUERY + 1; i++)
		strcat(big, "a=1&");
	assert_int_equal(url_parse(big, &u, &e), -1);
	/* 2 KiB password does not fit the field: an error, not a truncation */
	strcpy(big, "redis://:");
	memset(big + 9, 'p', 2000);
	strcpy(big + 2009, "@h");
	assert_int_equal(url_parse(big, &u, &e), -1);
	assert_non_null(strstr(e.msg, "password longer"));
}

/* The sentinel list, the master and the redacted form of a sentinel URL. */
static void
test_sentinel(void **state)
{
	struct rd_url u;
	struct rd_url_err e;
	char buf[256];

	(void)state;
	assert_int_equal(url_parse("redis+sentinel://:" CANARY
	    "@127.0.0.1:26379,[::1],s3.example:26381/my%20master/2", &u, &e), 0);
	assert_true(u.sentinel);
	assert_int_equal(u.nsentinels, 3);
	assert_string_equal(u.sentinels[0].host, "127.0.0.1");
	assert_int_equal(u.sentinels[0].port, 26379);
	assert_string_equal(u.sentinels[1].host, "::1");
	assert_int_equal(u.sentinels[1].port, 26379);
	assert_string_equal(u.sentinels[2].host, "s3.example");
	assert_int_equal(u.sentinels[2].port, 26381);
	assert_string_equal(u.master, "my master");
	assert_int_equal(u.db, 2);
	url_redact(&u, buf, sizeof(buf));
	assert_string_equal(buf, "redis+sentinel://:****@127.0.0.1:26379,"
	    "[::1]:26379,s3.example:26381/my%20master/2");
	assert_null(strstr(buf, CANARY));
}

static void
test_redact(void **state)
{
	struct rd_url u;
	struct rd_url_err e;
	char buf[128], tiny[12];

	assert_int_equal(url_parse("rediss://us%40er:" CANARY "@[::1]:6380/2",
	    &u, &e), 0);
	url_redact(&u, buf, sizeof(buf));
	assert_string_equal(buf, "rediss://us%40er:****@[::1]:6380/2");
	assert_int_equal(url_parse("redis://:" CANARY "@h", &u, &e), 0);
	url_redact(&u, buf, sizeof(buf));
	assert_string_equal(buf, "redis://:****@h");
	assert_int_equal(url_redact(&u, tiny, sizeof(tiny)), 15);
	assert_string_equal(tiny, "redis://:**");
	url_format_redacted(false, NULL, false, "h", 6379, 0, buf, sizeof(buf));
	assert_string_equal(buf, "redis://h:6379/0");
}

static void
test_check_host(void **state)
{
	struct rd_url_err e;

	assert_int_equal(url_check_host("redis.internal", &e), 0);
	assert_int_equal(url_check_host("::1", &e), 0);
	assert_int_equal(url_check_host("[::1]", &e), 0);
	assert_int_equal(url_check_host("10.0.0.1", &e), 0);
	assert_int_equal(url_check_host("", &e), -1);
	assert_int_equal(url_check_host("redis://h", &e), -1);
	assert_int_equal(url_check_host("h 1", &e), -1);
	assert_int_equal(url_check_host("[::1", &e), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_sentinel),
		cmocka_unit_test(test_check_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
