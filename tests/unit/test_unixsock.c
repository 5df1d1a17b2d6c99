/* test_unixsock.c — a Unix socket's connection findings from literal
 * observations (rules_unix: ENOENT, EACCES, ECONNREFUSED, a deadline),
 * which root cannot all produce for real, and unixsock_url(). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"
#include "unixsock.h"

static void
one(int errnum, bool timed_out, const char *tcp_id, const char *want_id,
    const char *title_has)
{
	static struct rd_obs o;
	struct rd_config cfg;
	struct rd_findings fs = { 0 };

	memset(&o, 0, sizeof(o));
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "/run/redis/redis.sock";
	cfg.unix_socket = true;
	cfg.valid = true;
	snprintf(cfg.source, sizeof(cfg.source), "flag:-s");
	o.tcp.attempted = true;
	o.tcp.nattempts = 1;
	o.tcp.winner = -1;
	o.tcp.timed_out = timed_out;
	o.tcp.attempts[0].errnum = errnum;
	findings_add(&fs, tcp_id, RD_SEV_CRITICAL);
	rules_unix(&cfg, &o, &fs);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].id, want_id);
	if (strstr(fs.v[0].title, title_has) == NULL)
		fail_msg("title '%s' lacks '%s'", fs.v[0].title, title_has);
	assert_non_null(strstr(fs.v[0].evidence, "/run/redis/redis.sock"));
	assert_true(fs.v[0].nremedy >= 1);
	findings_free(&fs);
}

static void
test_rules_unix(void **state)
{
	one(ENOENT, false, "tcp.unreachable", "tcp.socket_missing", "no Unix socket at");
	one(ENOTDIR, false, "tcp.unreachable", "tcp.socket_missing", "no Unix socket at");
	one(EACCES, false, "tcp.unreachable", "tcp.socket_permission", "no permission");
	one(EPERM, false, "tcp.unreachable", "tcp.socket_permission", "no permission");
	one(ECONNREFUSED, false, "tcp.refused", "tcp.refused", "nothing accepts");
	one(0, true, "tcp.timeout", "tcp.timeout", "deadline");
}

static void
test_tcp_untouched(void **state)
{
	struct rd_obs o;
	struct rd_config cfg;
	struct rd_findings fs = { 0 };

	/* A TCP target: the pass leaves the tcp rule's finding alone. */
	memset(&o, 0, sizeof(o));
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "127.0.0.1";
	cfg.valid = true;
	o.tcp.attempted = true;
	o.tcp.winner = -1;
	o.tcp.attempts[0].errnum = ENOENT;
	findings_add(&fs, "tcp.unreachable", RD_SEV_CRITICAL);
	snprintf(fs.v[0].title, sizeof(fs.v[0].title), "kept");
	rules_unix(&cfg, &o, &fs);
	assert_string_equal(fs.v[0].id, "tcp.unreachable");
	assert_string_equal(fs.v[0].title, "kept");
	findings_free(&fs);
}

static void
test_url(void **state)
{
	char b[128];

	assert_string_equal(unixsock_url("/tmp/r.sock", 0, b, sizeof(b)), "unix:///tmp/r.sock");
	assert_string_equal(unixsock_url("/tmp/r.sock", 3, b, sizeof(b)), "unix:///tmp/r.sock?db=3");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_unix),
		cmocka_unit_test(test_tcp_untouched),
		cmocka_unit_test(test_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
