/* test_resp.c — the RESP guard: hostile, non-RESP and valid replies, fed
 * whole, byte by byte and in random splits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "resp.h"

enum want { W_OK, W_HOSTILE, W_NOT_RESP };

struct rcase {
	const char	*name;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	enum want	 want;
	int		 nreplies;	/* complete replies before any refusal */
	int		 type;		/* REDIS_REPLY_* of the first reply */
	const char	*str;		/* its string, or NULL */
	long long	 integer;
	size_t		 elements;
	const char	*first;		/* prefix of resp_first_bytes(), or NULL */
};

static const struct rcase cases[] = {
	{ "status", "+PONG\r\n", 0, W_OK, 1, REDIS_REPLY_STATUS, "PONG", 0, 0, NULL },
	{ "error", "-ERR max number of clients reached\r\n", 0, W_OK, 1,
	  REDIS_REPLY_ERROR, "ERR max number of clients reached", 0, 0, NULL },
	{ "integer", ":42\r\n", 0, W_OK, 1, REDIS_REPLY_INTEGER, NULL, 42, 0, NULL },
	{ "bulk", "$5\r\nhello\r\n", 0, W_OK, 1, REDIS_REPLY_STRING, "hello", 0, 0, NULL },
	{ "empty bulk", "$0\r\n\r\n", 0, W_OK, 1, REDIS_REPLY_STRING, "", 0, 0, NULL },
	{ "bulk with CRLF inside", "$4\r\na\r\nb\r\n", 0, W_OK, 1,
	  REDIS_REPLY_STRING, "a\r\nb", 0, 0, NULL },
	{ "nil bulk", "$-1\r\n", 0, W_OK, 1, REDIS_REPLY_NIL, NULL, 0, 0, NULL },
	{ "nil array", "*-1\r\n", 0, W_OK, 1, REDIS_REPLY_NIL, NULL, 0, 0, NULL },
	{ "empty array", "*0\r\n", 0, W_OK, 1, REDIS_REPLY_ARRAY, NULL, 0, 0, NULL },
	{ "array", "*3\r\n$1\r\na\r\n:1\r\n*1\r\n+x\r\n", 0, W_OK, 1,
	  REDIS_REPLY_ARRAY, NULL, 0, 3, NULL },
	{ "two replies", "+OK\r\n+PONG\r\n", 0, W_OK, 2, REDIS_REPLY_STATUS,
	  "OK", 0, 0, NULL },
	{ "depth 7", "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", 0,
	  W_OK, 1, REDIS_REPLY_ARRAY, NULL, 0, 1, NULL },
	{ "incomplete", "+PON", 0, W_OK, 0, 0, NULL, 0, 0, NULL },
	{ "incomplete bulk", "$10\r\nabc", 0, W_OK, 0, 0, NULL, 0, 0, NULL },
	{ "CR alone in a status", "+a\rb\r\n", 0, W_OK, 1, REDIS_REPLY_STATUS,
	  "a\rb", 0, 0, NULL },

	{ "bulk 2^31", "$2147483648\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, "$2147483648" },
	{ "bulk 2^63-1", "$9223372036854775807\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "bulk 2^63", "$9223372036854775808\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "bulk huge digits", "$99999999999999999999999999\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "bulk -2", "$-2\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "bulk not a number", "$abc\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "bulk empty length", "$\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "array 2^32-1", "*4294967295\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "array 2M", "*2000000\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "array -5", "*-5\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "nested arrays over the reply budget",
	  "*1000000\r\n*1000000\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "depth 8", "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",
	  0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "bad type inside array", "*2\r\n:1\r\nX\r\n", 0, W_HOSTILE, 0, 0,
	  NULL, 0, 0, NULL },
	{ "reply then bad", "+OK\r\n$-7\r\n", 0, W_HOSTILE, 1,
	  REDIS_REPLY_STATUS, "OK", 0, 0, NULL },
	/* Numbers hiredis's string2ll refuses are the guard's to refuse
	 * (found by fuzz_resp: hiredis failed on "$0003" only when fed in
	 * pieces, so the classification depended on the splits). */
	{ "bulk length 0003 then not RESP", "$0003\r\nabc\r\nX", 0,
	  W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "array length 002", "*002\r\n:1\r\n:2\r\n", 0, W_HOSTILE, 0, 0,
	  NULL, 0, 0, NULL },
	{ "bulk -01", "$-01\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "integer not a number", ":abc\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "integer -0", ":-0\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "integer +1", ":+1\r\n", 0, W_HOSTILE, 0, 0, NULL, 0, 0, NULL },
	{ "integer 2^63", ":9223372036854775808\r\n", 0, W_HOSTILE, 0, 0,
	  NULL, 0, 0, NULL },
	{ "integer -2^63", ":-9223372036854775808\r\n", 0, W_OK, 1,
	  REDIS_REPLY_INTEGER, NULL, INT64_MIN, 0, NULL },
	{ "integer in an array, bad", "*2\r\n:1\r\n:1x\r\n", 0, W_HOSTILE,
	  0, 0, NULL, 0, 0, NULL },

	{ "HTTP", "HTTP/1.1 400 Bad Request\r\n\r\n", 0, W_NOT_RESP, 0, 0,
	  NULL, 0, 0, "HTTP/1.1 400" },
	{ "SSH banner", "SSH-2.0-OpenSSH_9.2\r\n", 0, W_NOT_RESP, 0, 0, NULL,
	  0, 0, "SSH-2.0" },
	{ "TLS alert", "\x15\x03\x03\x00\x02\x02\x46", 7, W_NOT_RESP, 0, 0,
	  NULL, 0, 0, "\\x15\\x03" },
	{ "NUL byte", "\0abc", 4, W_NOT_RESP, 0, 0, NULL, 0, 0, "\\x00" },
	{ "RESP3 map", "%1\r\n+a\r\n+b\r\n", 0, W_NOT_RESP, 0, 0, NULL, 0, 0, "%1" },
	{ "reply then HTTP", "+OK\r\nHTTP/1.1", 0, W_NOT_RESP, 1,
	  REDIS_REPLY_STATUS, "OK", 0, 0, "HTTP" },
};

/* Feeds in pieces: mode 0 whole, 1 byte by byte, 2 random splits. */
static void
run_case(const struct rcase *c, int mode, unsigned seed)
{
	struct resp_reader *r = resp_reader_new(NULL);
	size_t len = c->len ? c->len : strlen(c->in), off = 0;
	redisReply *rep, *first = NULL;
	int n = 0, g;

	assert_non_null(r);
	srand(seed);
	while (off < len) {
		size_t k = mode == 0 ? len - off : mode == 1 ? 1 :
		    1 + (size_t)rand() % (len - off);

		resp_feed(r, c->in + off, k);
		off += k;
		while ((g = resp_get(r, &rep)) == 1) {
			if (first == NULL)
				first = rep;
			else
				freeReplyObject(rep);
			n++;
		}
	}
	while (resp_get(r, &rep) == 1) {
		if (first == NULL)
			first = rep;
		else
			freeReplyObject(rep);
		n++;
	}
	switch (c->want) {
	case W_OK:
		assert_int_equal(resp_status(r), RESP_OK);
		break;
	case W_HOSTILE:
		assert_int_equal(resp_status(r), RESP_HOSTILE);
		assert_true(resp_why(r)[0] != '\0');
		break;
	case W_NOT_RESP:
		assert_int_equal(resp_status(r), RESP_NOT_RESP);
		break;
	}
	assert_int_equal(n, c->nreplies);
	if (c->nreplies > 0) {
		assert_int_equal(first->type, c->type);
		if (c->str != NULL) {
			assert_int_equal(first->len, strlen(c->str));
			assert_memory_equal(first->str, c->str, first->len);
		}
		if (c->type == REDIS_REPLY_INTEGER)
			assert_int_equal(first->integer, c->integer);
		if (c->type == REDIS_REPLY_ARRAY)
			assert_int_equal(first->elements, c->elements);
	}
	if (c->first != NULL)
		assert_true(strncmp(resp_first_bytes(r), c->first,
		    strlen(c->first)) == 0);
	if (first != NULL)
		freeReplyObject(first);
	resp_reader_free(r);
}

static void
test_table(void **state)
{
	size_t i;
	unsigned s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case: %s\n", cases[i].name);
		run_case(&cases[i], 0, 0);
		run_case(&cases[i], 1, 0);
		for (s = 1; s <= 20; s++)
			run_case(&cases[i], 2, s);
	}
}

/* hiredis 0.14 rescans a line for CRLF on every feed: a 64 MiB line would
 * be quadratic.  The guard must refuse it after max_line bytes. */
static void
test_long_line_stops_early(void **state)
{
	struct resp_reader *r = resp_reader_new(NULL);
	char chunk[16384];
	size_t fed = 0;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	chunk[0] = '+';
	while (fed < 64u * 1024 * 1024) {
		if (resp_feed(r, chunk, sizeof(chunk)) == -1)
			break;
		fed += sizeof(chunk);
		chunk[0] = 'a';
	}
	assert_int_equal(resp_status(r), RESP_HOSTILE);
	assert_true(fed <= resp_default_limits.max_line + sizeof(chunk));
	resp_reader_free(r);
}

static void
test_custom_limits(void **state)
{
	struct resp_limits lim = resp_default_limits;
	struct resp_reader *r;
	redisReply *rep;

	(void)state;
	lim.max_bulk = 10;
	lim.max_total = 32;
	r = resp_reader_new(&lim);
	assert_int_equal(resp_feed(r, "$10\r\n0123456789\r\n", 17), 0);
	assert_int_equal(resp_get(r, &rep), 1);
	freeReplyObject(rep);
	assert_int_equal(resp_feed(r, "$11\r\n", 5), -1);
	assert_int_equal(resp_status(r), RESP_HOSTILE);
	resp_reader_free(r);

	r = resp_reader_new(&lim);
	assert_int_equal(resp_feed(r, "*20\r\n", 5), 0);
	assert_int_equal(resp_feed(r, ":1\r\n:2\r\n:3\r\n:4\r\n:5\r\n:6\r\n"
	    ":7\r\n:8\r\n:9\r\n:10\r\n:11\r\n:12\r\n:13\r\n:14\r\n", 59), -1);
	assert_int_equal(resp_status(r), RESP_HOSTILE);
	resp_reader_free(r);
}

static void
test_format_and_printable(void **state)
{
	const char *argv[] = { "AUTH", "user", "secret" };
	char *cmd = NULL, out[64];
	long n;

	(void)state;
	n = resp_format(&cmd, 3, argv);
	assert_true(n > 0);
	assert_memory_equal(cmd, "*3\r\n$4\r\nAUTH\r\n$4\r\nuser\r\n$6\r\nsecret\r\n",
	    (size_t)n);
	resp_free_cmd(cmd, n);

	/* Two commands in one buffer, one after the other (a pipeline). */
	{
		const char *h3[] = { "HELLO", "3" }, *h2[] = { "HELLO", "2" };
		const struct resp_cmd two[2] = { { 2, h3 }, { 2, h2 } };
		const struct resp_cmd bad[1] = { { 0, h3 } };

		n = resp_format_n(&cmd, 2, two);
		assert_int_equal(n, 44);
		assert_memory_equal(cmd, "*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n"
		    "*2\r\n$5\r\nHELLO\r\n$1\r\n2\r\n", (size_t)n);
		resp_free_cmd(cmd, n);
		assert_int_equal(resp_format_n(&cmd, 1, bad), -1);
		assert_null(cmd);
		assert_int_equal(resp_format_n(&cmd, 0, two), -1);
	}

	rd_printable("A\r\n\x01\xff", 5, out, sizeof(out));
	assert_string_equal(out, "A\\r\\n\\x01\\xff");
	rd_printable("abcdef", 6, out, 4);
	assert_string_equal(out, "abc");
}

/* resp_pending(): inside a reply until its last byte, at rest between. */
static void
test_pending(void **state)
{
	struct resp_reader *r = resp_reader_new(NULL);
	redisReply *rep;

	(void)state;
	assert_false(resp_pending(r));
	resp_feed(r, "*2\r\n$3\r\nab", 10);
	assert_true(resp_pending(r));
	resp_feed(r, "c\r\n:1\r", 6);
	assert_true(resp_pending(r));
	assert_int_equal(resp_get(r, &rep), 0);
	resp_feed(r, "\n+", 2);
	assert_true(resp_pending(r));
	assert_int_equal(resp_get(r, &rep), 1);
	freeReplyObject(rep);
	resp_feed(r, "OK\r\n", 4);
	assert_false(resp_pending(r));
	resp_reader_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_long_line_stops_early),
		cmocka_unit_test(test_custom_limits),
		cmocka_unit_test(test_format_and_printable),
		cmocka_unit_test(test_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
