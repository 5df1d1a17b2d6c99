/* profiles.h — application profiles (SPEC 11): which variables an
 * application reads, in what order, parsed how, and which client it hands
 * them to.  One row per application, in profiles.c; resolution
 * (config_app.c) interprets the row. */
#ifndef RD_PROFILES_H
#define RD_PROFILES_H

#include <stdbool.h>
#include <stddef.h>

/* How the application reads a value. */
enum rd_read {
	RD_READ_JS_OR,		/* process.env.X || fallback: empty is unset (Node) */
	RD_READ_GETENV		/* os.getenv(X, default): empty is a value (Python) */
};

enum rd_port_read {
	RD_PORT_PARSEINT_OR,	/* parseInt(v, 10) || fallback: NaN and 0 fall back */
	RD_PORT_PY_INT		/* int(v): raises on 6379abc (the service dies), accepts " 6379 " */
};

struct rd_profile {
	const char *name;
	const char *summary;
	const char *client;		/* the default client model */
	bool	 generic;		/* SPEC section 4 (config.c), not this table */
	enum rd_read read;
	enum rd_port_read port_read;
	/* The variables, NULL when the application does not read one. */
	const char *url, *host, *port, *password, *db, *sni;
	const char *default_host;	/* NULL: the client's own default */
	const char *default_port, *default_db;	/* getenv defaults */
	bool	 nf_fallback;		/* NF_REDIS_* when neither URL nor host is set */
	const char *code;		/* the application's code, for the manual and --list-profiles */
};

/* The row named name, or NULL. */
const struct rd_profile *profile_find(const char *name);

/* The default profile (cacheservice). */
const struct rd_profile *profile_default(void);

const struct rd_profile *profile_list(size_t *n);

/* The variables that look like Redis configuration, NULL-terminated: a
 * profile that reads none of them lists the set ones as
 * config.not_read_by_app. */
extern const char *const rd_profile_known_vars[];

/* True when the profile reads variable name. */
bool	profile_reads(const struct rd_profile *, const char *name);

#endif
