/* rules_int.h — what the two rule files (rules.c, rules_config.c) share:
 * short names for filling a finding, so a rule reads as the sentence it
 * writes.  Internal: nothing outside the rules includes it. */
#ifndef RD_RULES_INT_H
#define RD_RULES_INT_H

#include "report.h"
#include "strutil.h"

/* Append to a finding's title or evidence, or add a remediation line;
 * each does nothing when f is NULL (see finding_evid() in report.h). */
#define TITLE(f, ...)	do { if ((f) != NULL) \
	rd_appendf((f)->title, sizeof((f)->title), __VA_ARGS__); } while (0)
#define EVID(f, ...)	finding_evid(f, __VA_ARGS__)
#define REMEDY(f, ...)	finding_remedy(f, __VA_ARGS__)

#endif
