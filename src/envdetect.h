/* envdetect.h — is this process in a container, and on which platform.
 *
 * Reads files under a root directory (normally "/"; tests point it at a
 * fixture tree through REDISDIAG_SYSROOT, read by main) and platform
 * variables from the envmap. */
#ifndef RD_ENVDETECT_H
#define RD_ENVDETECT_H

#include <stdbool.h>

#include "envmap.h"

#define RD_MAX_EVIDENCE 8

struct rd_envinfo {
	bool	 in_container;
	char	 evidence[RD_MAX_EVIDENCE][160];	/* "/.dockerenv exists", ... */
	int	 nevidence;
	bool	 kubernetes;
	char	 platform[32];	/* "northflank", "heroku", "render", "railway",
				   "fly", "kubernetes", or "" when unknown */
};

/* Fills *out.  root is the file-system root to inspect ("/" normally). */
void	envdetect(const char *root, const struct rd_envmap *, struct rd_envinfo *out);

#endif
