/* resolve.h — configuration from the real process: environ, --env-file,
 * container detection under $REDISDIAG_SYSROOT.  The only place besides
 * main that reads the process environment. */
#ifndef RD_RESOLVE_H
#define RD_RESOLVE_H

#include <stdbool.h>

#include "config.h"

/* Builds the envmap from environ, overlays flags->env_file, detects the
 * environment, and calls config_resolve() with vault (NULL: the secrets
 * are dropped, for commands that connect nowhere).  Returns as
 * config_resolve() does.  Prints nothing. */
int	resolve_process(const struct rd_connflags *flags, struct rd_config *out,
	    struct rd_vault *vault);

/* The same for one environment given as "NAME=HEX NAME=HEX ..." (the
 * values hex-encoded, so any byte travels), for env --env-batch: the
 * process environment is not read, no container is detected.  line is
 * overwritten. */
int	resolve_pairs(const struct rd_connflags *flags, char *line,
	    struct rd_config *out, struct rd_vault *vault);

/* The flags with the models filled in, as check resolves: --profile,
 * else REDISDIAG_PROFILE, else the default profile (cacheservice);
 * --client, else REDISDIAG_CLIENT, else the profile's own (NULL).  For
 * every command that resolves a configuration (simulate, check --targets,
 * serve), so that all of them read as the same application. */
struct rd_connflags resolve_models(const struct rd_connflags *flags);

/* Prints the warnings a person must see on stderr (a password on the
 * command line), unless quiet. */
void	resolve_warnings(const struct rd_config *cfg, bool quiet);

/* Prints one line on stderr (an error, so even under --quiet) for each
 * file the user named that cannot be used (--env-file, the TLS files);
 * returns true when --env-file was one of them. */
bool	resolve_env_file_error(const struct rd_config *cfg);

/* The process environment with --env-file overlaid (file values win) and
 * the environment detection, for a caller that resolves many
 * configurations from one environment (check --targets, serve).  *m is
 * the caller's (envmap_free).  Returns 0, or -1 with detail set to one
 * line naming the file and what is wrong (never a value) and *m empty. */
int	resolve_envmap(const char *env_file, struct rd_envmap *m,
	    struct rd_envinfo *envi, char *detail, size_t dlen);

#endif
