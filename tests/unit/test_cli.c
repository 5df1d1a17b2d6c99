/* test_cli.c — strict numbers, durations and the option table.
 *
 * parse.c is pure and table-driven here; cli_parse() is driven with argv
 * literals and judged by its return value and the fields it set.  Its
 * one-line errors go to stderr, which the bats tests check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "parse.h"

static void
test_parse_int(void **state)
{
	static const struct {
		const char *in;
		long long min, max;
		int ok;
		long long want;
	} rows[] = {
		{ "6379", 1, 65535, 0, 6379 },
		{ "1", 1, 65535, 0, 1 },
		{ "65535", 1, 65535, 0, 65535 },
		{ "0", 1, 65535, -1, 0 },
		{ "65536", 1, 65535, -1, 0 },
		{ "-1", 1, 65535, -1, 0 },
		{ "", 1, 65535, -1, 0 },
		{ " 6379", 1, 65535, -1, 0 },	/* parseInt reads 6379; we do not */
		{ "+6379", 1, 65535, -1, 0 },
		{ "6379abc", 1, 65535, -1, 0 },
		{ "0x18eb", 1, 65535, -1, 0 },
		{ "6379.0", 1, 65535, -1, 0 },
		{ "99999999999999999999999", 0, 100, -1, 0 },
		{ "-5", -10, 10, 0, -5 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		long long v = -42;
		const char *err = NULL;
		int rc = parse_int(rows[i].in, rows[i].min, rows[i].max, &v, &err);

		if (rc != rows[i].ok)
			fail_msg("parse_int('%s') = %d, want %d", rows[i].in, rc,
			    rows[i].ok);
		if (rc == 0)
			assert_int_equal(v, rows[i].want);
		else
			assert_non_null(err);
	}
}

static void
test_parse_duration(void **state)
{
	static const struct {
		const char *in;
		int ok;
		int64_t us;
	} rows[] = {
		{ "250ms", 0, 250000 },
		{ "2s", 0, 2000000 },
		{ "1.5s", 0, 1500000 },
		{ "1m", 0, 60000000 },
		{ "1h", 0, 3600000000LL },
		{ "5", 0, 5000000 },
		{ "0.25", 0, 250000 },
		{ "0.0001", 0, 100 },
		{ "24h", 0, 86400000000LL },
		{ "0", -1, 0 },
		{ "0ms", -1, 0 },
		{ "-1", -1, 0 },
		{ "1e999", -1, 0 },
		{ "abc", -1, 0 },
		{ "", -1, 0 },
		{ "1.5.5s", -1, 0 },
		{ "99999h", -1, 0 },
		{ "25h", -1, 0 },
		{ "1.s", -1, 0 },
		{ ".5s", -1, 0 },
		{ "5 s", -1, 0 },
		{ "5S", -1, 0 },
		{ "99999999999999999999999999999", -1, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int64_t us = -42;
		const char *err = NULL;
		int rc = parse_duration(rows[i].in, &us, &err);

		if (rc != rows[i].ok)
			fail_msg("parse_duration('%s') = %d, want %d", rows[i].in,
			    rc, rows[i].ok);
		if (rc == 0)
			assert_int_equal(us, rows[i].us);
		else
			assert_non_null(err);
	}
}

/* Runs cli_parse on a NULL-terminated argv literal. */
static int
parse(struct rd_cli *cli, const char **args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"redisdiag";
	while (*args != NULL && argc < 31)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return cli_parse(argc, argv, cli);
}

static void
test_cli_accepts(void **state)
{
	struct rd_cli cli;

	(void)state;
	assert_int_equal(parse(&cli, (const char *[]){ "check", "-h", "redis.internal",
	    "-p", "6380", "--tls", "--sni", "cache.example.com", "--timeout", "250ms",
	    "-n", "3", "--user", "josé", "--format", "json", NULL }), 0);
	assert_int_equal(cli.cmd, RD_CMD_CHECK);
	assert_string_equal(cli.conn.host, "redis.internal");
	assert_int_equal(cli.conn.port, 6380);
	assert_true(cli.conn.tls);
	assert_string_equal(cli.conn.sni, "cache.example.com");
	assert_int_equal(cli.conn.timeout_us, 250000);
	assert_int_equal(cli.conn.db, 3);
	assert_int_equal(cli.ropts.format, RD_FMT_JSON);
	assert_true(cli.format_set);
	cli_free(&cli);

	/* Options after the operand (GNU permutation). */
	assert_int_equal(parse(&cli, (const char *[]){ "simulate", "refused",
	    "--format", "ndjson", NULL }), 0);
	assert_string_equal(cli.scenario, "refused");
	assert_int_equal(cli.ropts.format, RD_FMT_NDJSON);
	cli_free(&cli);

	/* explain joins its words; "--" lets text start with a dash. */
	assert_int_equal(parse(&cli, (const char *[]){ "explain", "--",
	    "-NOAUTH", "Authentication", "required.", NULL }), 0);
	assert_string_equal(cli.explain_text, "-NOAUTH Authentication required.");
	cli_free(&cli);

	/* Defaults. */
	assert_int_equal(parse(&cli, (const char *[]){ "watch", NULL }), 0);
	assert_int_equal(cli.interval_us, 30000000);
	assert_int_equal(cli.fail_after, 2);
	assert_int_equal(cli.conn.db, -1);
	assert_int_equal(cli.run.latency_samples, 10);
	cli_free(&cli);

	assert_int_equal(parse(&cli, (const char *[]){ "--version", NULL }), 0);
	assert_true(cli.version);
	cli_free(&cli);
}

static void
test_cli_refuses(void **state)
{
	static const char *const bad[][8] = {
		{ NULL },				/* no command */
		{ "frobnicate", NULL },
		{ "check", "--bogus", NULL },
		{ "check", "-p", "abc", NULL },
		{ "check", "-p", "0", NULL },
		{ "check", "-p", "70000", NULL },
		{ "check", "-h", "", NULL },
		{ "check", "-h", "bad host", NULL },
		{ "check", "--user", "\xff\xfe", NULL },
		{ "check", "--user", "\xc0\xaf", NULL },	/* overlong '/' */
		{ "check", "--user", "\xed\xa0\x80", NULL },	/* surrogate */
		{ "check", "--user", "\xe2\x82", NULL },	/* truncated */
		{ "check", "--timeout", "0", NULL },
		{ "check", "--timeout", "-1", NULL },
		{ "check", "--format", "xml", NULL },
		{ "check", "--sni", "a", "--no-sni", NULL },
		{ "check", "--cert", "c.pem", NULL },
		{ "check", "-4", "-6", NULL },
		{ "check", "extra", NULL },
		{ "env", "--serve", NULL },		/* another command's option */
		{ "schema", "-h", "x", NULL },
		{ "simulate", NULL },
		{ "simulate", "a", "b", NULL },
		{ "simulate", "healthy", "--listen-port", "7000", NULL },
		{ "check", "-a", NULL },		/* missing value */
	};
	struct rd_cli cli;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(&cli, (const char **)bad[i]) != -1)
			fail_msg("row %zu (%s %s) was accepted", i,
			    bad[i][0] ? bad[i][0] : "(none)",
			    bad[i][0] && bad[i][1] ? bad[i][1] : "");
		cli_free(&cli);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_cli_accepts),
		cmocka_unit_test(test_cli_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
