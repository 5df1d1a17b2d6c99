/* test_targets.c — the targets file, table-driven; no network.
 *
 * Each file row is a body and either the targets it must yield (as
 * "NAME|URL|VAR" joined by ';') or the line and a fragment of its error.
 * An error must never contain the canary (a password, a query secret, an
 * unknown word's value). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "targets.h"

#define CANARY	"Canary-s3cr3t-XYZ"

struct frow {
	const char *in;
	const char *want;	/* targets, or NULL for an error */
	int	 line;		/* error line */
	const char *err;	/* fragment of the message */
};

static const struct frow frows[] = {
	{ "redis://127.0.0.1:6379\n", "127.0.0.1:6379|redis://127.0.0.1:6379|", 0, NULL },
	{ "redis://h\n", "h:6379|redis://h|", 0, NULL },
	{ "rediss://[::1]:7000/2\n", "[::1]:7000|rediss://[::1]:7000/2|", 0, NULL },
	{ "# c\n\n  \t\na redis://x:1 password_env=A_PW\r\n  b\tredis://u@y:2\n",
	    "a|redis://x:1|A_PW;b|redis://u@y:2|", 0, NULL },
	{ "redis://:" CANARY "@h:1\n", NULL, 1, "holds a password" },
	{ "n redis://user:" CANARY "@h:1\n", NULL, 1, "holds a password" },
	{ "ok redis://h:1\nq redis://h:1/?password=" CANARY "\n", NULL, 2, "query holds a secret" },
	{ "a redis://h:1 " CANARY "=1\n", NULL, 1, "unknown word" },
	{ "a redis://h:1 password_env=" CANARY "!\n", NULL, 1, "password_env= needs" },
	{ "a redis://h:1 password_env=A password_env=B\n", NULL, 1, "password_env= needs" },
	{ "a redis://h:1\na redis://h:2\n", NULL, 2, "same name" },
	{ "redis://h:1\nredis://h:1\n", NULL, 2, "same name" },
	{ "lonely\n", NULL, 1, "without a URL" },
	{ "a b\n", NULL, 1, "URL is missing" },
	{ "a http://" CANARY "\n", NULL, 1, "not a usable" },
	{ "a unix:///tmp/r.sock\n", "a|unix:///tmp/r.sock|", 0, NULL },
	{ "unix:///tmp/r.sock?db=2\n", "/tmp/r.sock|unix:///tmp/r.sock?db=2|", 0, NULL },
	{ "a unix://:" CANARY "@/tmp/r.sock\n", NULL, 1, "holds a password" },
	{ "a unix://tmp/" CANARY "\n", NULL, 1, "not a usable" },
	{ "b@d redis://h:1\n", NULL, 1, "a name is" },
	{ "# nothing\n", NULL, 0, "no targets" },
	{ "a redis://h:1 x y z w v u t s\n", NULL, 1, "too many words" },
};

static void
write_file(const char *path, const char *body)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(body, f);
	fclose(f);
}

static void
test_file_rows(void **state)
{
	char path[] = "/tmp/rd-test-targets.XXXXXX";
	size_t i, k;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	for (i = 0; i < sizeof(frows) / sizeof(frows[0]); i++) {
		const struct frow *r = &frows[i];
		struct rd_targets ts;
		char err[512], got[2048] = "", want_line[32];
		int rc;

		write_file(path, r->in);
		rc = targets_load(path, &ts, err, sizeof(err));
		if (r->want == NULL) {
			if (rc != -1)
				fail_msg("row %zu: loaded, wanted an error", i);
			if (strstr(err, r->err) == NULL)
				fail_msg("row %zu: error '%s' lacks '%s'", i, err,
				    r->err);
			if (strstr(err, CANARY) != NULL)
				fail_msg("row %zu: error repeats the canary: %s",
				    i, err);
			if (r->line > 0) {
				snprintf(want_line, sizeof(want_line), ":%d: ",
				    r->line);
				if (strstr(err, want_line) == NULL)
					fail_msg("row %zu: error '%s' is not at "
					    "line %d", i, err, r->line);
			}
			continue;
		}
		if (rc != 0)
			fail_msg("row %zu: error %s", i, err);
		for (k = 0; k < ts.n; k++) {
			size_t len = strlen(got);

			snprintf(got + len, sizeof(got) - len, "%s%s|%s|%s",
			    k > 0 ? ";" : "", ts.v[k].name, ts.v[k].url,
			    ts.v[k].password_env);
		}
		if (strcmp(got, r->want) != 0)
			fail_msg("row %zu: got '%s', want '%s'", i, got, r->want);
		/* the source every URL field gets */
		assert_non_null(strstr(ts.v[0].src, "targets:"));
		assert_non_null(targets_find(&ts, ts.v[ts.n - 1].name));
		assert_null(targets_find(&ts, "no-such"));
		targets_free(&ts);
	}
	unlink(path);
}

static void
test_missing_file(void **state)
{
	struct rd_targets ts;
	char err[512];

	(void)state;
	assert_int_equal(targets_load("/nonexistent/rd-targets", &ts, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no such file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_rows),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
