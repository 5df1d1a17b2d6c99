/* test_dotenv.c — the env-file parser, table-driven.
 *
 * Each row is a file body and either the entries it must yield (as
 * "NAME=value@line" joined by '|') or the line and message fragment of its
 * error.  Error messages must never contain the canary value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dotenv.h"

#define CANARY	"Canary-s3cr3t-XYZ"

struct row {
	const char *in;
	const char *want;	/* entries, or NULL for an error */
	int	 line;		/* error line */
	const char *err;	/* fragment of the message */
};

static const struct row rows[] = {
	{ "", "", 0, NULL },
	{ "# only a comment\n\n   \n", "", 0, NULL },
	{ "A=1\nB=2\n", "A=1@1|B=2@2", 0, NULL },
	{ "A=1\r\nB=two words \r\n", "A=1@1|B=two words@2", 0, NULL },
	{ "export A=1\n", "A=1@1", 0, NULL },
	{ "export   A = spaced  \n", "A=spaced@1", 0, NULL },
	{ "A=val # comment\n", "A=val@1", 0, NULL },
	{ "A=pa#ss\n", "A=pa#ss@1", 0, NULL },
	{ "A=#all comment\n", "A=@1", 0, NULL },
	{ "A=\n", "A=@1", 0, NULL },
	{ "A='lit $X \\n # not comment'\n", "A=lit $X \\n # not comment@1", 0, NULL },
	{ "A=\"x\\ny\\\"z\\\\\"\n", "A=x\ny\"z\\@1", 0, NULL },
	{ "A=\"keep \\q\"\n", "A=keep \\q@1", 0, NULL },
	{ "A=\"multi\nline\"\nB=2\n", "A=multi\nline@1|B=2@3", 0, NULL },
	{ "A=\"crlf\r\nline\"\r\n", "A=crlf\nline@1", 0, NULL },
	{ "A='q' # c\n", "A=q@1", 0, NULL },
	{ "A=1\nA=2\n", "A=1@1|A=2@2", 0, NULL },
	{ "\xef\xbb\xbf" "A=1", "A=1@1", 0, NULL },
	{ "  # indented comment\n\tA=1", "A=1@2", 0, NULL },
	{ "export=1\n", "export=1@1", 0, NULL },
	{ "a.b-c=1\n", "a.b-c=1@1", 0, NULL },
	{ "REDIS_URL=redis://:p@h:6379/0\n", "REDIS_URL=redis://:p@h:6379/0@1", 0, NULL },
	/* errors: the line, never the value */
	{ "A=1\n" CANARY "\n", NULL, 2, "missing '='" },
	{ "A=1\n\n=" CANARY "\n", NULL, 3, "expected a variable name" },
	{ "A=\"" CANARY "\n", NULL, 1, "unterminated double" },
	{ "X=1\nA='" CANARY, NULL, 2, "unterminated single" },
	{ "A=\"" CANARY "\" junk\n", NULL, 1, "after the closing quote" },
	{ "1A=" CANARY "\n", NULL, 1, "expected a variable name" },
	{ "A B=" CANARY "\n", NULL, 1, "missing '='" },
	{ "A=1\nB=" CANARY "\0x\n", NULL, 2, "NUL" },
	{ "-A=1", NULL, 1, "expected a variable name" },
};

static void
render(const struct rd_dotenv *d, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < d->n; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s=%s@%d", i ? "|" : "",
		    d->v[i].name, d->v[i].value, d->v[i].line);
}

static void
test_rows(void **state)
{
	struct rd_dotenv d;
	struct rd_dotenv_err e;
	char got[1024];
	size_t i, len;
	int rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		memset(&d, 0, sizeof(d));
		/* rows with an embedded NUL: the length runs to the last \n */
		len = strlen(r->in);
		if (strstr(r->in, CANARY "") && r->err && strcmp(r->err, "NUL") == 0)
			len += 3;
		rc = dotenv_parse(r->in, len, &d, &e);
		if (r->want != NULL) {
			if (rc != 0)
				fail_msg("row %zu: line %d: %s", i, e.line, e.msg);
			render(&d, got, sizeof(got));
			if (strcmp(got, r->want) != 0)
				fail_msg("row %zu: got '%s' want '%s'", i, got, r->want);
		} else {
			if (rc != -1)
				fail_msg("row %zu: parsed, want an error", i);
			assert_int_equal(e.line, r->line);
			if (strstr(e.msg, r->err) == NULL)
				fail_msg("row %zu: '%s' lacks '%s'", i, e.msg, r->err);
			assert_null(strstr(e.msg, "Canary"));
		}
		dotenv_free(&d);
	}
}

static void
test_limits(void **state)
{
	struct rd_dotenv d = { 0 };
	struct rd_dotenv_err e;
	char *big;
	size_t i, o = 0;

	/* too many entries */
	big = malloc(RD_DOTENV_MAX_BYTES);
	assert_non_null(big);
	for (i = 0; i <= RD_DOTENV_MAX_ENTRIES; i++)
		o += (size_t)sprintf(big + o, "A%zu=1\n", i);
	assert_int_equal(dotenv_parse(big, o, &d, &e), -1);
	assert_non_null(strstr(e.msg, "more than"));
	dotenv_free(&d);
	/* too large */
	assert_int_equal(dotenv_parse(big, RD_DOTENV_MAX_BYTES + 1, &d, &e), -1);
	assert_non_null(strstr(e.msg, "larger"));
	dotenv_free(&d);
	/* a long name */
	memset(big, 'N', 300);
	strcpy(big + 300, "=1");
	assert_int_equal(dotenv_parse(big, 302, &d, &e), -1);
	assert_non_null(strstr(e.msg, "longer"));
	dotenv_free(&d);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
