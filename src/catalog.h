/* catalog.h — what redisdiag knows about each finding id, in one place:
 * its default severity, a title saying what it means, and the remedies
 * that hold whatever was observed.
 *
 * explain has nothing but a client's error line, so it takes title,
 * severity and remedies from here.  The rules know more (the peer, the
 * variable that set the host, the verify code): their titles and the
 * remedies that name what they saw stay theirs; where a rule's remedy is
 * the generic one, it takes it from here instead of repeating it. */
#ifndef RD_CATALOG_H
#define RD_CATALOG_H

#include <stddef.h>

#include "report.h"

struct rd_catalog_entry {
	const char *id;			/* SPEC section 7, plus provider.* */
	enum rd_severity sev;		/* when nothing observed says otherwise */
	const char *title;
	const char *remedy[RD_MAX_REMEDY];	/* NULL after the last */
};

/* The entry for id, or NULL when there is none. */
const struct rd_catalog_entry *catalog_find(const char *id);

/* Every entry, *n of them (tests walk the table). */
const struct rd_catalog_entry *catalog_entries(size_t *n);

/* Sets f's title to the catalog's for f->id (nothing when the id has no
 * entry, or f is NULL). */
void	catalog_title(struct rd_finding *f);

/* Appends the catalog's remedies for f->id to f, as many as fit (nothing
 * when the id has no entry, or f is NULL). */
void	catalog_remedies(struct rd_finding *f);

#endif
