/* test_strutil.c — the cut rule (never inside a \xNN escape or a UTF-8
 * character) through rd_scopy and rd_appendf, and the one sanitizer
 * (rd_fput_clean): every output valid UTF-8, JSON text kept valid JSON,
 * C0 controls out of text and XML.  Tables of inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strutil.h"

struct cut {
	const char	*in;
	size_t		 sz;		/* the buffer */
	const char	*want;
};

static const struct cut cuts[] = {
	/* An escape the cut would split: dropped whole. */
	{ "ab\\xc3\\xa9", 8, "ab\\xc3" },	/* "ab\xc3\" */
	{ "ab\\xc3\\xa9", 9, "ab\\xc3" },	/* "ab\xc3\x" */
	{ "ab\\xc3\\xa9", 10, "ab\\xc3" },	/* "ab\xc3\xa" */
	{ "ab\\xc3\\xa9", 11, "ab\\xc3\\xa9" },
	{ "\\xff", 4, "" },			/* "\xf": nothing left */
	/* An escaped backslash is complete; the cut may follow it. */
	{ "ab\\\\cd", 5, "ab\\\\" },
	/* A UTF-8 character the cut would split. */
	{ "ab\xc3\xa9", 4, "ab" },
	{ "ab\xe2\x82\xac", 5, "ab" },
	{ "ab\xe2\x82\xac", 6, "ab\xe2\x82\xac" },
	{ "ab\xf0\x9f\x98\x80z", 6, "ab" },
	/* Nothing to protect. */
	{ "abcdef", 4, "abc" },
};

static void
test_scopy_cut(void **state)
{
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		rd_scopy(buf, cuts[i].sz, cuts[i].in);
		if (strcmp(buf, cuts[i].want) != 0)
			fail_msg("rd_scopy(\"%s\", %zu) = \"%s\", want \"%s\"",
			    cuts[i].in, cuts[i].sz, buf, cuts[i].want);
	}
}

static void
test_appendf_cut(void **state)
{
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		buf[0] = '\0';
		rd_appendf(buf, cuts[i].sz, "%s", cuts[i].in);
		if (strcmp(buf, cuts[i].want) != 0)
			fail_msg("rd_appendf(%zu, \"%s\") = \"%s\", want \"%s\"",
			    cuts[i].sz, cuts[i].in, buf, cuts[i].want);
	}
}

#ifndef BEFORE
struct clean {
	const char	*in;
	int		 json;
	const char	*want;
};

static const struct clean cleans[] = {
	{ "ok \xc3\xa9 \xe2\x82\xac", 0, "ok \xc3\xa9 \xe2\x82\xac" },
	{ "bad \xff", 0, "bad \\xff" },
	{ "\"bad \xff\"", 1, "\"bad \\\\xff\"" },
	{ "cut \xc3", 0, "cut \\xc3" },
	{ "overlong \xc0\xaf", 0, "overlong \\xc0\\xaf" },
	{ "surrogate \xed\xa0\x80", 0, "surrogate \\xed\\xa0\\x80" },
	{ "big \xf4\x90\x80\x80", 0, "big \\xf4\\x90\\x80\\x80" },
	{ "osc \x1b]0;t\x07 tab\tnl\n", 0, "osc \\x1b]0;t\\x07 tab\tnl\n" },
	{ "colour \x1b[31mred\x1b[0m", 0, "colour \x1b[31mred\x1b[0m" },
	{ "half \x1b[31", 0, "half \\x1b[31" },
	{ "del \x7f", 0, "del \\x7f" },
	{ "json keeps \\u0001", 1, "json keeps \\u0001" },
};

static void
test_fput_clean(void **state)
{
	char *buf;
	size_t len, i;
	FILE *m;

	(void)state;
	for (i = 0; i < sizeof(cleans) / sizeof(cleans[0]); i++) {
		buf = NULL;
		assert_non_null(m = open_memstream(&buf, &len));
		assert_int_equal(rd_fput_clean(m, cleans[i].in,
		    strlen(cleans[i].in), cleans[i].json), 0);
		fclose(m);
		if (strcmp(buf, cleans[i].want) != 0)
			fail_msg("clean(\"%s\") = \"%s\", want \"%s\"",
			    cleans[i].in, buf, cleans[i].want);
		free(buf);
	}
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scopy_cut),
		cmocka_unit_test(test_appendf_cut),
#ifndef BEFORE
		cmocka_unit_test(test_fput_clean),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
