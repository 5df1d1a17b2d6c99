/* envmap.h — the variables resolution reads, with where each came from.
 *
 * Resolution never calls getenv(): main builds an envmap from the process
 * environment, overlays --env-file, and hands it down.  simulate and the
 * tests build synthetic ones, so the caller's environment is never touched. */
#ifndef RD_ENVMAP_H
#define RD_ENVMAP_H

#include <stddef.h>

struct rd_envvar {
	char	*name;
	char	*value;		/* as set; "" is kept (resolution treats it as unset) */
	char	*origin;	/* "env" or "env-file:PATH:LINE" */
};

struct rd_envmap {
	struct rd_envvar *v;
	size_t	 n, cap;
	size_t	*idx;		/* hash of names: index + 1 into v, 0 free */
	size_t	 icap;		/* slots in idx, a power of two, > 2 * n */
};

/* Sets name=value with its origin, replacing an existing entry (a later
 * source overrides an earlier one).  Constant time on average: a process
 * may hold 100,000 variables.  Returns 0, or -1 on allocation failure. */
int	envmap_set(struct rd_envmap *, const char *name, const char *value,
	    const char *origin);

/* The entry for name, or NULL.  An entry with an empty value is returned;
 * use envmap_value() for the "empty counts as unset" reading. */
const struct rd_envvar *envmap_get(const struct rd_envmap *, const char *name);

/* The value of name when set and non-empty, else NULL (the apps use ||). */
const char *envmap_value(const struct rd_envmap *, const char *name);

/* Copies environ into the map with origin "env".  Returns 0 or -1. */
int	envmap_from_environ(struct rd_envmap *, char **environ_);

void	envmap_free(struct rd_envmap *);

#endif
