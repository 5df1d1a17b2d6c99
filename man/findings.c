/* findings.c — writes the manual's FINDINGS list from the catalog.
 *
 * Reads the manual on stdin and writes it to stdout with the lines between
 * the ".\" BEGIN FINDINGS" and ".\" END FINDINGS" comments replaced by one
 * ".It Li ID" entry per catalog row, in the catalog's order, with the row's
 * man text.  'make man' runs it over man/redisdiag.1; man.bats checks the
 * committed manual is what it writes.  Exit 1 when a marker is missing. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"

#define BEGIN	".\\\" BEGIN FINDINGS"
#define END	".\\\" END FINDINGS"

static void
list(void)
{
	const struct rd_catalog_entry *v;
	size_t i, n;

	v = catalog_entries(&n);
	printf(".Bl -tag -width Ds\n");
	for (i = 0; i < n; i++)
		printf(".It Li %s\n%s\n", v[i].id, v[i].man);
	printf(".El\n");
}

int
main(void)
{
	char line[4096];
	int state = 0;			/* 0 before, 1 inside, 2 after */

	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (state == 0 && strncmp(line, BEGIN, strlen(BEGIN)) == 0) {
			fputs(line, stdout);
			list();
			state = 1;
		} else if (state == 1 && strncmp(line, END, strlen(END)) == 0) {
			fputs(line, stdout);
			state = 2;
		} else if (state != 1)
			fputs(line, stdout);
	}
	if (state != 2) {
		fprintf(stderr, "findings: no %s ... %s block on stdin\n",
		    BEGIN, END);
		return 1;
	}
	return ferror(stdout) || fflush(stdout) == EOF ? 1 : 0;
}
