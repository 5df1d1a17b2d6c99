/* check.h — the pipeline shared by check, simulate and watch:
 * configuration → probe → observations → rules → report. */
#ifndef RD_CHECK_H
#define RD_CHECK_H

#include "config.h"
#include "obs.h"
#include "probe.h"
#include "report.h"

/* Probes cfg under one deadline (now + cfg->timeout_us), evaluates the
 * rules and finishes r (findings, checklist, verdict, exit code).  r->cfg
 * and r->obs point at cfg and obs, which the caller owns and keeps alive
 * while r is used.  resolver may be NULL (system resolver).  Returns
 * r->exit_code.  Prints nothing. */
int	check_run(const struct rd_config *cfg, const struct rd_report_opts *ro,
	    const struct rd_resolver *resolver, struct rd_obs *obs,
	    struct rd_report *r);

#endif
