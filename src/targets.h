/* targets.h — a fleet of named Redis targets (SPEC section 14): the
 * targets file, the one adapter that diagnoses one target through the
 * check pipeline, and the bounded concurrent runner that diagnoses all of
 * them under one deadline.  check --targets and serve are built on it.
 *
 * The targets file never holds a secret: a URL with a password (or a
 * ?password= query) is refused when the file is read.  A target's
 * password comes from the environment (or --env-file): the variable the
 * line names with password_env=VAR, else the same variables a single
 * check reads (REDISCLI_AUTH, REDIS_PASSWORD, REDIS_USERNAME). */
#ifndef RD_TARGETS_H
#define RD_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "envmap.h"
#include "obs.h"
#include "report.h"

#define RD_TARGET_NAME_MAX	128
#define RD_TARGETS_MAX		10000	/* more lines are refused */
#define RD_TARGETS_LINE_MAX	8192

struct rd_target {
	char	 name[RD_TARGET_NAME_MAX];
	char	*url;			/* no password in it; NULL: the
					 * environment's own configuration
					 * (serve without --targets) */
	char	 password_env[256];	/* "": the usual variables */
	int	 line;			/* in the file; 0 when not from one */
	char	 src[RD_SOURCE_LEN];	/* "targets:PATH:LINE": the source of
					 * the fields its URL gives */
};

struct rd_targets {
	struct rd_target *v;
	size_t	 n;
	char	*path;			/* NULL when not from a file */
};

/* Reads a targets file:
 *
 *	# comment
 *	redis://127.0.0.1:6379                 (named host:port)
 *	cache-eu rediss://cache.eu:6380/0 password_env=CACHE_EU_PASSWORD
 *
 * Returns 0, or -1 with err set to one line "PATH:LINE: what is wrong"
 * that never repeats a URL or any other value of the file. */
int	targets_load(const char *path, struct rd_targets *out, char *err,
	    size_t errlen);

/* One target named "default" that is the environment's own
 * configuration (the command line's connection options and the usual
 * variables), for serve without --targets.  Returns 0 or -1. */
int	targets_default(struct rd_targets *out);

/* The target called name, or NULL. */
const struct rd_target *targets_find(const struct rd_targets *,
	    const char *name);

/* Deep copy of one target (serve hands a copy to a worker, so a reload
 * may free the set meanwhile).  Returns 0 or -1. */
int	target_copy(struct rd_target *dst, const struct rd_target *src);
void	target_free(struct rd_target *);

void	targets_free(struct rd_targets *);

/* What every target is resolved from: the process environment with
 * --env-file overlaid, the environment detection, and the command line's
 * options that apply to every target (TLS files, --insecure, -4/-6).
 * Read-only once built, so many probes may share it. */
struct rd_fleet_env {
	struct rd_envmap env;
	struct rd_envinfo envi;
	struct rd_connflags flags;	/* the command line's; its strings
					 * are argv's */
	int	 latency_samples;	/* --latency-samples; 0: no latency step */
};

/* Builds fe from the process (resolve_envmap).  Returns 0, or -1 with
 * err set (the env-file's problem, never a value). */
int	fleet_env_load(const struct rd_connflags *flags, int latency_samples,
	    struct rd_fleet_env *fe, char *err, size_t errlen);
void	fleet_env_free(struct rd_fleet_env *);

/* One diagnosed target.  r.cfg and r.obs point into the result. */
struct rd_target_result {
	struct rd_target t;		/* copy, owned */
	struct rd_config cfg;
	struct rd_vault	*vault;		/* the target's secrets (secret.h) */
	struct rd_obs	*obs;
	struct rd_report r;
	int64_t	 us;			/* wall time of this target */
};

/* THE adapter between a fleet and the pipeline: resolves t's
 * configuration from fe and runs the check pipeline on it, giving up at
 * deadline_us (absolute, clock_now_us()).  Fills *out (zeroed first),
 * which the caller releases with target_result_free().  Returns the
 * target's exit code (3 when it could not even be resolved).  Prints
 * nothing; thread-safe (fe is only read). */
int	target_diagnose(const struct rd_target *t, const struct rd_fleet_env *fe,
	    const struct rd_report_opts *ro, int64_t deadline_us,
	    struct rd_target_result *out);
void	target_result_free(struct rd_target_result *);

/* Diagnoses every target of ts, at most max_conc at a time, all under
 * deadline_us.  res has ts->n elements.  Returns the worst exit code. */
int	targets_run_all(const struct rd_targets *ts,
	    const struct rd_fleet_env *fe, const struct rd_report_opts *ro,
	    int max_conc, int64_t deadline_us, struct rd_target_result *res);

/* The finding that matters most in r (the first of the highest
 * severity), or NULL when there is none. */
const struct rd_finding *target_top_finding(const struct rd_report *r);

/* ---- rendering (render_targets.c) -------------------------------- */

/* A fleet run in ro->format: json (one document with targets[]), ndjson
 * (one report per line), text (a table), prometheus (one exposition, a
 * target and a name label on every series).  wall_us is the run's wall
 * time.  Returns 0, or -1 on a write error. */
int	targets_render(const struct rd_target_result *res, size_t n,
	    const char *path, int64_t wall_us, const struct rd_report_opts *ro,
	    FILE *out);

/* The Prometheus text of one diagnosed target, with the target
 * (host:port) and name labels on every series that lacks them, into a
 * malloc'd NUL-terminated buffer (*len bytes).  Returns 0 or -1. */
int	target_prometheus(const struct rd_target_result *res, char **buf,
	    size_t *len);

#endif
