/* test_hello.c — the hello step's reader and rules, from literal bytes and
 * literal observations: hello_parse() on RESP3 maps, RESP2 arrays, errors,
 * partial and hostile input; rules_hello() classifying NOPROTO, an
 * unknown HELLO (Redis 5), NOAUTH and WRONGPASS without repeating a
 * finding the AUTH step made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hello.h"
#include "report.h"

/* What Redis 7.0 sends for HELLO 3 (RESP3 map) and HELLO 2 (array). */
static const char resp3[] =
    "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
    "$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:42\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
    "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
static const char resp2[] =
    "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n6.2.1\r\n"
    "$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:7\r\n$4\r\nmode\r\n$7\r\ncluster\r\n"
    "$4\r\nrole\r\n$7\r\nreplica\r\n$7\r\nmodules\r\n*0\r\n";

static void
test_parse_maps(void **state)
{
	struct rd_hello_obs h;

	memset(&h, 0, sizeof(h));
	assert_int_equal(hello_parse(resp3, strlen(resp3), &h), (long)strlen(resp3));
	assert_int_equal(h.reply.kind, RD_R_ARRAY);
	assert_string_equal(h.server, "redis");
	assert_string_equal(h.version, "7.0.15");
	assert_int_equal(h.proto, 3);
	assert_int_equal(h.id, 42);
	assert_string_equal(h.mode, "standalone");
	assert_string_equal(h.role, "master");

	memset(&h, 0, sizeof(h));
	assert_int_equal(hello_parse(resp2, strlen(resp2), &h), (long)strlen(resp2));
	assert_int_equal(h.proto, 2);
	assert_string_equal(h.version, "6.2.1");
	assert_string_equal(h.role, "replica");
}

#define ALL	1000000

static void
test_parse_errors_and_limits(void **state)
{
	static const struct {
		const char *in;
		long want;		/* -1 refused, 0 more, ALL: the whole input */
		const char *prefix;
	} t[] = {
		{ "-NOPROTO unsupported protocol version\r\n", ALL, "NOPROTO" },
		{ "-NOAUTH HELLO must be called with the client already authenticated\r\n", ALL, "NOAUTH" },
		{ "!21\r\nSYNTAX invalid syntax\r\n", ALL, "SYNTAX" },
		{ "-ERR unknown command 'HELLO'\r\n", ALL, "ERR" },
		{ "%7\r\n$6\r\nserver\r\n", 0, NULL },		/* partial */
		{ "-NOPROTO unsupp", 0, NULL },
		{ "", 0, NULL },
		{ "HTTP/1.1 400 Bad Request\r\n", -1, NULL },	/* not RESP */
		{ "%9999\r\n", -1, NULL },			/* over the limits */
		{ "$-5\r\n", -1, NULL },
		{ "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", -1, NULL },	/* too deep */
		{ ":12x\r\n", -1, NULL },
		{ "+OK\n", -1, NULL },				/* bare LF */
		{ "|1\r\n+a\r\n+b\r\n%1\r\n+proto\r\n:3\r\n", ALL, NULL },	/* attribute first */
		{ "=9\r\ntxt:hello\r\n", ALL, NULL },		/* verbatim */
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rd_hello_obs h;
		long r, want = t[i].want == ALL ? (long)strlen(t[i].in) : t[i].want;

		memset(&h, 0, sizeof(h));
		r = hello_parse(t[i].in, strlen(t[i].in), &h);
		if (r != want)
			fail_msg("case %zu (%s): %ld, want %ld", i, t[i].in, r, want);
		if (t[i].prefix != NULL) {
			assert_int_equal(h.reply.kind, RD_R_ERROR);
			assert_string_equal(h.reply.prefix, t[i].prefix);
		}
	}
}

/* rules_hello on an observation with a HELLO error reply. */
static struct rd_findings
run(const char *text, const char *prefix, const char *already)
{
	static struct rd_obs o;
	struct rd_findings fs = { 0 };
	struct rd_config cfg;

	memset(&o, 0, sizeof(o));
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "127.0.0.1";
	cfg.valid = true;
	o.hello.attempted = true;
	o.hello.proto_asked = 3;
	o.hello.reply.kind = RD_R_ERROR;
	snprintf(o.hello.reply.text, sizeof(o.hello.reply.text), "%s", text);
	snprintf(o.hello.reply.prefix, sizeof(o.hello.reply.prefix), "%s", prefix);
	if (already != NULL)
		findings_add(&fs, already, RD_SEV_CRITICAL);
	rules_hello(&cfg, &o, &fs);
	return fs;
}

static void
test_rules(void **state)
{
	struct rd_findings fs;

	fs = run("NOPROTO unsupported protocol version", "NOPROTO", NULL);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].id, "server.hello_unsupported");
	assert_int_equal(fs.v[0].sev, RD_SEV_WARNING);
	assert_non_null(strstr(fs.v[0].evidence, "HELLO 3 answered -NOPROTO"));
	findings_free(&fs);

	fs = run("ERR unknown command 'HELLO', with args beginning with: '3'", "ERR", NULL);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].id, "server.hello_unsupported");
	findings_free(&fs);

	fs = run("NOAUTH HELLO must be called with the client already authenticated", "NOAUTH", NULL);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].id, "auth.required");
	assert_int_equal(fs.v[0].sev, RD_SEV_CRITICAL);
	findings_free(&fs);

	/* The AUTH step classified the same refusal: not twice. */
	fs = run("WRONGPASS invalid username-password pair or user is disabled.", "WRONGPASS", "auth.wrongpass");
	assert_int_equal(fs.n, 1);
	findings_free(&fs);
	fs = run("WRONGPASS invalid username-password pair or user is disabled.", "WRONGPASS", NULL);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].id, "auth.wrongpass");
	findings_free(&fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_maps),
		cmocka_unit_test(test_parse_errors_and_limits),
		cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
