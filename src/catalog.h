/* catalog.h — what redisdiag knows about each finding id, in one place:
 * one row per id holds everything that follows from the id alone, and
 * every other file asks the row instead of deciding by the id's prefix:
 *
 *   severity   when nothing observed says otherwise
 *   verdict    what the run is when the finding is critical: unreachable
 *              (exit 2), rejecting (1), no_attempt (3); warn for advice
 *              that never stops a run.  A warning or info finding makes
 *              the verdict warn or leaves it ok, whatever its row says.
 *   step       the probe step it belongs to (report_step shows an ok step
 *              with a warning of its own as warn), or RD_CAT_NO_STEP
 *   items      the checklist items it explains: report_finish marks them
 *              fail or warn from it (but for remote_host and ping of a
 *              check, which are measured), renderers name it behind them
 *   title      for someone holding only the id (explain, most config.*)
 *   title_at   the same said of the server that answered: "{peer}" stands
 *              for it (rules.c), or NULL
 *   remedy     the fixes that hold whatever was observed
 *   man        the manual's FINDINGS text, mdoc (make man writes it)
 *
 * The rules know more than the row (the peer, the variable that set the
 * host, the verify code): titles and remedies that name what they saw stay
 * theirs; where one is the generic one, it comes from here. */
#ifndef RD_CATALOG_H
#define RD_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

#define RD_CAT_NO_STEP	(-1)		/* the conversation as a whole: proto.* */
#define RD_CL_BIT(cl)	(1u << (cl))	/* one checklist item in items */

struct rd_catalog_entry {
	const char *id;			/* SPEC section 7, plus provider.* */
	enum rd_severity sev;
	enum rd_verdict verdict;	/* unreachable, rejecting, no_attempt, warn */
	int	 step;			/* enum rd_step_id, or RD_CAT_NO_STEP */
	unsigned items;			/* RD_CL_BIT(RD_CL_...) | ... */
	const char *title;
	const char *title_at;		/* "{peer} ...", or NULL */
	const char *remedy[RD_MAX_REMEDY];	/* NULL after the last */
	const char *man;
};

/* The entry for id, or NULL when there is none. */
const struct rd_catalog_entry *catalog_find(const char *id);

/* Every entry, *n of them (tests and the manual's generator walk it). */
const struct rd_catalog_entry *catalog_entries(size_t *n);

/* The row's verdict for id; RD_V_NO_ATTEMPT for an id without a row. */
enum rd_verdict catalog_verdict(const char *id);

/* True when id's row says the run had no Redis conversation or was
 * refused (verdict unreachable or rejecting): a finding of the probe, not
 * of the configuration. */
bool	catalog_is_probe_failure(const char *id);

/* The row's step for id, or RD_CAT_NO_STEP (also for an unknown id). */
int	catalog_step(const char *id);

/* True when id's row explains checklist item cl. */
bool	catalog_explains(const char *id, enum rd_cl_id cl);

/* Sets f's title to the catalog's for f->id (nothing when the id has no
 * entry, or f is NULL). */
void	catalog_title(struct rd_finding *f);

/* Sets f's title to the row's title_at with peer for "{peer}", or to its
 * title when the row has no title_at.  Nothing when the id has no entry or
 * f is NULL. */
void	catalog_title_at(struct rd_finding *f, const char *peer);

/* Appends the catalog's remedies for f->id to f, as many as fit (nothing
 * when the id has no entry, or f is NULL). */
void	catalog_remedies(struct rd_finding *f);

#endif
