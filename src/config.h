/* config.h — the resolved connection configuration.
 *
 * Built once by config_resolve() from command-line flags and an envmap,
 * following SPEC section 4.  Every field carries its value and its source;
 * every variable that was set and lost is recorded as shadowed; problems
 * (bad URL, bad port, conflicts) are recorded as facts for the rules to turn
 * into findings.  Nothing downstream of this calls getenv(). */
#ifndef RD_CONFIG_H
#define RD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "envdetect.h"
#include "envmap.h"
#include "secret.h"

#define RD_SOURCE_LEN	128
#define RD_DEFAULT_PORT	6379
#define RD_DEFAULT_TIMEOUT_US	(5 * 1000000LL)

/* Connection options as given on the command line; NULL/0/-1 = not given. */
struct rd_connflags {
	const char *url;		/* -u */
	const char *host;		/* -h */
	int	 port;			/* -p, 0 = not given (cli parses strictly) */
	const char *password;		/* -a */
	const char *user;		/* --user */
	int	 db;			/* -n, -1 = not given */
	bool	 tls;			/* --tls */
	const char *sni;		/* --sni */
	bool	 no_sni;		/* --no-sni */
	const char *cacert, *cacertdir, *cert, *key;
	bool	 insecure;
	int	 family;		/* 0, 4 (-4) or 6 (-6) */
	int64_t	 timeout_us;		/* 0 = default */
	const char *env_file;		/* --env-file (already merged into the envmap by main) */
	bool	 all_candidates;
	const char *sentinels[16];	/* --sentinel HOST:PORT, repeatable */
	int	 nsentinels;
	const char *master_name;	/* --master-name */
	const char *sentinel_user;	/* --sentinel-user */
	const char *sentinel_password;	/* --sentinel-password */
	/* SPEC 11: the application and its client library.  NULL: the
	 * generic profile (SPEC section 4) and its own client; the command
	 * line's default (resolve.c) is profile_default(). */
	const char *profile;		/* --profile, REDISDIAG_PROFILE */
	const char *client;		/* --client NAME[@VERSION], REDISDIAG_CLIENT */
	/* redis-cli parity (issue 13), carried into rd_config by
	 * resolve_process(): */
	bool	 askpass;		/* the password was typed at a prompt */
	bool	 no_auth_warning;	/* --no-auth-warning */
	const char *tls_ciphers;	/* --tls-ciphers (TLS 1.2 and below) */
	const char *tls_ciphersuites;	/* --tls-ciphersuites (TLS 1.3) */
	int	 resp;			/* -2 / -3: HELLO 2 / HELLO 3; 0 = none */
	const char *socket;		/* -s SOCKET or a unix:// -u: a path */
	const char *socket_from;	/* "flag:-s" or "flag:-u" */
};

enum rd_field_id {
	RD_F_HOST, RD_F_PORT, RD_F_TLS, RD_F_SNI, RD_F_USERNAME, RD_F_PASSWORD,
	RD_F_DB, RD_F__COUNT
};

/* "host", "port", "tls", "sni", "username", "password", "db" */
extern const char *const rd_field_names[RD_F__COUNT];

/* One resolved field.  value == NULL means unset.  The password field's
 * value is "****" when a password is set: the secret itself is in the
 * vault (secret.h), never here. */
struct rd_field {
	char	*value;
	char	 source[RD_SOURCE_LEN];	/* "flag:-h", "env:NF_REDIS_HOST",
					   "url:REDIS_URL", "env-file:.env:12",
					   "default" */
	char	*as_read;		/* how the client reads value when that
					   differs from the text ("6379abc" → "6379"),
					   else NULL */
};

struct rd_shadowed {
	char	 name[64];		/* the variable or flag that lost */
	char	 reason[256];		/* why; never contains a secret */
};

enum rd_problem_kind {
	RD_P_INVALID_URL,		/* config.invalid_url */
	RD_P_INVALID_PORT,		/* config.invalid_port */
	RD_P_INVALID_VALUE,		/* another unusable value (REDIS_DB=x, REDIS_TLS=maybe) */
	RD_P_CONFLICT,			/* config.conflict */
	RD_P_ENV_FILE,			/* --env-file unreadable or malformed */
	RD_P_TLS_FILE,			/* --cacert/--cacertdir/--cert/--key missing or unusable */
	RD_P_LOOSE,			/* config.loose_value: the client reads it differently */
	RD_P_NOT_READ			/* config.not_read_by_app */
};

/* What a config.loose_value problem is about: its remedy follows. */
enum rd_loose {
	RD_LOOSE_NONE,
	RD_LOOSE_PORT,			/* a port text the client reads as a number */
	RD_LOOSE_DB,			/* a database text read as a number */
	RD_LOOSE_SPACE			/* white space the client drops */
};

struct rd_problem {
	enum rd_problem_kind kind;
	char	 name[64];		/* variable or flag: "REDIS_URL", "flag:-u" */
	char	 detail[320];		/* what is wrong and where; never a secret */
	bool	 fatal;			/* the configuration cannot be used (exit 3) */
	enum rd_loose loose;		/* RD_P_LOOSE: which value */
};

/* A query key found in a URL (?ssl=true, ?family=6, ?db=2 ...). */
struct rd_query_key {
	char	 from[64];		/* which variable's URL */
	char	 key[32];
	char	 value[64];
	bool	 honoured;		/* changed the resolved configuration */
	char	 note[128];
};

/* Another configuration the environment names (REDIS_TLS_URL, KV_URL, the
 * losing NF_REDIS_URL, ...).  Probed with --all-candidates. */
struct rd_candidate {
	char	 name[64];		/* "NF_REDIS_URL" */
	char	 source[RD_SOURCE_LEN];	/* "env:NF_REDIS_URL" */
	char	 host[256];
	int	 port;
	bool	 tls;
	bool	 password_set;
	char	 url_redacted[512];
	bool	 valid;
	char	 error[256];		/* why not valid; never a secret */
	bool	 winner;		/* this is the resolved configuration */
	/* What --all-candidates needs to probe it like the app would.
	 * username is owned by the config (config_free releases it), NULL
	 * when none, "****" when it is a user-only URL's user info (then the
	 * vault holds it in user_slot).  The password is only a vault slot. */
	char	*username;
	int	 user_slot;		/* vault slot of a masked user name, -1 none */
	int	 secret;		/* vault slot of the password, -1 none */
	int	 db;			/* -1 = not given (0) */
	bool	 unix_socket;		/* a unix:// URL: host is the path */
};

#define RD_MAX_SENTINEL_ADDRS	16

/* A sentinel to ask (SPEC section 13). */
struct rd_sentinel_addr {
	char	 host[256];
	int	 port;
};

#define RD_MAX_DISAGREE	8
#define RD_MAX_SPARE_PW	4

/* A password the environment holds besides the one the client sends (a
 * variable the profile does not read, one that lost a merge, another
 * candidate's URL): SPEC 12's "with the password" variation tries it
 * after NOAUTH or WRONGPASS.  Only its vault slot: never the secret. */
struct rd_spare_pw {
	char	 name[64];		/* "NF_REDIS_PASSWORD", "REDIS_TLS_URL" */
	char	 source[RD_SOURCE_LEN];	/* "env:NF_REDIS_PASSWORD", "env-file:.env:3" */
	int	 secret;		/* its vault slot, never -1 */
	bool	 url;			/* the user info of a URL variable */
	bool	 read_by_app;		/* the profile reads the variable (it lost) */
};

/* Another client model that would connect differently (SPEC 11). */
struct rd_disagree {
	char	 client[48];		/* "node-redis@6" */
	char	 what[200];		/* "uses TLS", "sends no AUTH", ... */
};

struct rd_profile;
struct rd_client_model;

struct rd_config {
	struct rd_field f[RD_F__COUNT];

	/* The models (static rows of profiles.c and clients.c). */
	const struct rd_profile *profile;
	const struct rd_client_model *model;
	char	 client_label[48];	/* "ioredis@6" */
	bool	 auth_sent;		/* the client sends AUTH (or HELLO AUTH) */
	bool	 empty_password;	/* ... with an empty password (AUTH user "") */
	bool	 empty_user;		/* AUTH "" PASSWORD: an empty user name is sent
					   (redis-cli: redis://:pw@h) */
	bool	 from_url;		/* the target came from a URL */
	bool	 scheme_case;		/* the URL's scheme is not lower case */
	bool	 user_only_url;		/* the URL's user info has no ':' */
	char	 query_ignored[160];	/* "?ssl, ?family": keys the client does not read */
	struct rd_disagree disagree[RD_MAX_DISAGREE];
	size_t	 ndisagree;

	/* Typed view of f[], meaningful when valid. */
	char	*host;
	int	 port;
	bool	 tls;
	char	*sni;			/* the SNI to send; NULL = none (IP literal or --no-sni) */
	bool	 sni_explicit;		/* from --sni / REDIS_SNI_SERVERNAME */
	char	*username;		/* "****" when user_slot >= 0 */
	bool	 password_set;		/* a password resolved (f[RD_F_PASSWORD] says from where) */
	int	 secret;		/* its vault slot; -1 when none or no vault was given */
	int	 user_slot;		/* a user-only URL's user info, read by redis-cli as a
					   password: masked everywhere, its vault slot; -1 none */
	int	 db;

	char	*cacert, *cacertdir, *cert, *key;
	bool	 insecure;
	int	 family;		/* 0, 4, 6 */
	int64_t	 timeout_us;
	bool	 all_candidates;

	char	*url_redacted;		/* the URL that won with ":****@", or NULL */
	char	 source[RD_SOURCE_LEN];	/* where the target (host) came from */
	bool	 default_used;		/* host and port are the built-in default */
	bool	 password_on_cmdline;	/* -a was used (main warns) */
	bool	 valid;			/* false: a fatal problem, exit 3 */

	struct rd_shadowed *shadowed;	size_t nshadowed;
	struct rd_problem *problems;	size_t nproblems;
	struct rd_query_key *query;	size_t nquery;
	struct rd_candidate *cands;	size_t ncands;
	size_t	 ncands_cut;		/* candidates beyond the list's bound, not kept */
	struct rd_spare_pw spare_pw[RD_MAX_SPARE_PW];	/* (config_cands.c) */
	size_t	 nspare_pw;

	struct rd_envinfo envi;		/* container / platform detection */
	char	*env_file;		/* path of --env-file, or NULL */

	/* Sentinel (config_sentinel.c): the sentinels to ask and the master
	 * they monitor; host and port are then the first sentinel's, the
	 * password and db the master's.  Sentinel AUTH is separate: its own
	 * user and vault slot (-1 none).  nsentinels 0: no sentinel. */
	int	 nsentinels;
	struct rd_sentinel_addr sentinels[RD_MAX_SENTINEL_ADDRS];
	char	 master_name[256];
	char	 sentinel_source[RD_SOURCE_LEN];	/* "flag:--sentinel", "url:REDIS_URL" */
	char	 sentinel_user[128];
	int	 sentinel_secret;
	/* From the command line only (resolve_process); not owned: they
	 * point into argv and config_free() leaves them. */
	bool	 no_auth_warning;
	const char *tls_ciphers, *tls_ciphersuites;
	int	 resp;			/* 0, 2 or 3: -2/-3, else the client's own */
	bool	 hello_as_client;	/* resp is the client model's handshake: AUTH
					   goes inside HELLO, not after it; the model
					   says whether it falls back (clients.h) */
	bool	 unix_socket;		/* host is a Unix socket path, port 0 */
};

/* Resolves flags + env (SPEC section 4) into *out, which the caller later
 * releases with config_free().  envi is copied in.  Every secret (each
 * password, a user-only URL's user info, a ?password= value) goes into
 * vault, and *out holds none: only slots and password_set.  vault may be
 * NULL when nothing will connect (env): the secrets are then dropped.
 * Returns 0 when a usable configuration resolved, -1 when it did not
 * (out->valid is false and out->problems says why).  Allocation failure
 * also returns -1. */
int	config_resolve(const struct rd_connflags *, const struct rd_envmap *,
	    const struct rd_envinfo *, struct rd_config *out,
	    struct rd_vault *vault);

void	config_free(struct rd_config *);

/* Appends a problem (resolve.c adds RD_P_ENV_FILE with it); a fatal one
 * makes cfg->valid false.  detail must not hold a secret.  Returns 0 or -1
 * on allocation failure. */
int	config_add_problem(struct rd_config *, enum rd_problem_kind,
	    const char *name, bool fatal, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* Makes the target the Unix socket at path (-s, a unix:// URL), above
 * every other source: host is the path, no port, no TLS, no SNI; from is
 * the source ("flag:-s", "url:REDIS_URL").  A host another source named
 * is listed as shadowed.  Allocation failure adds a fatal problem. */
void	config_use_socket(struct rd_config *, const char *path,
	    const char *from);

/* --askpass answered with an empty line (typed "") or not at all (typed
 * NULL): the password is then exactly that, as in redis-cli — AUTH ""
 * or no AUTH — over -a, REDISCLI_AUTH and every variable, which are
 * listed as shadowed. */
void	config_use_askpass(struct rd_config *, const char *typed);

/* True when host is a loopback name or address (localhost, 127/8, ::1). */
bool	config_host_is_loopback(const char *host);

/* True when host is an IPv4 or IPv6 literal. */
bool	config_host_is_ip(const char *host);

#endif
