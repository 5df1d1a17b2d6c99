/*
 * table_main.h — the one main() of the table-driven unit files: each case
 * table becomes one cmocka test per row (named by the row's .name, run by
 * the table's function with the row as its state), followed by the
 * file's hand-written tests.  A file includes this after <cmocka.h> and
 * its tables, then says only what it has:
 *
 *	int
 *	main(void)
 *	{
 *		const struct tm_table tables[] = {
 *			TM_TABLE(cases, run_case),
 *			TM_TABLE(ncases, run_negative),
 *		};
 *		const struct CMUnitTest more[] = {
 *			TM_TEST("invalid config", test_invalid_config),
 *		};
 *
 *		return TM_MAIN("rules", tables, more);
 *	}
 *
 * A row's state is a pointer into the caller's table, which outlives the
 * run; the test list is the only allocation, freed before returning.
 */
#ifndef TABLE_MAIN_H
#define TABLE_MAIN_H

#include <stddef.h>
#include <stdlib.h>

struct tm_table {
	const char	*rows;		/* the first row */
	size_t		 n;		/* rows */
	size_t		 size;		/* bytes per row */
	size_t		 name_off;	/* offset of the row's const char *name */
	CMUnitTestFunction run;		/* called with the row as *state */
};

#define TM_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* A case table whose rows have a `const char *name` member. */
#define TM_TABLE(a, fn) { (const char *)(a), TM_NITEMS(a), sizeof((a)[0]), \
	(size_t)((const char *)&(a)[0].name - (const char *)&(a)[0]), (fn) }

/* One hand-written test under its own name. */
#define TM_TEST(label, fn) { .name = (label), .test_func = (fn) }

#define TM_MAIN(group, tables, more) \
	tm_main((group), (tables), TM_NITEMS(tables), (more), TM_NITEMS(more))

/* Runs the group; returns cmocka's result, 1 when out of memory. */
static int
tm_main(const char *group, const struct tm_table *tables, size_t ntables,
    const struct CMUnitTest *more, size_t nmore)
{
	struct CMUnitTest *t;
	size_t i, j, k = 0, total = nmore;
	int rc;

	for (i = 0; i < ntables; i++)
		total += tables[i].n;
	t = calloc(total, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < ntables; i++) {
		for (j = 0; j < tables[i].n; j++, k++) {
			const char *row = tables[i].rows + j * tables[i].size;

			t[k].name = *(const char *const *)(const void *)
			    (row + tables[i].name_off);
			t[k].test_func = tables[i].run;
			t[k].initial_state = (void *)row;
		}
	}
	for (i = 0; i < nmore; i++, k++)
		t[k] = more[i];
	rc = _cmocka_run_group_tests(group, t, k, NULL, NULL);
	free(t);
	return rc;
}

#endif
