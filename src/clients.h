/* clients.h — client library models (SPEC 11): how a client turns the
 * values an application hands it into a connection.
 *
 * One row per client and behaviour-changing version range, in clients.c.
 * Every row was verified against the real library (constructed without
 * connecting, its source read); `verified` names the version, and
 * tests/diff compares the rows that run here with the real clients over
 * thousands of generated environments.  Resolution (config_app.c) reads
 * the columns; no client's behaviour is an `if` anywhere else. */
#ifndef RD_CLIENTS_H
#define RD_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>

/* Which URL reader the client uses (client_url.c holds the readers). */
enum rd_url_reader {
	RD_UR_NODE_LEGACY,	/* Node's url.parse() (ioredis < 6) */
	RD_UR_NODE_WHATWG,	/* new URL(), "redis://" prepended when no scheme (ioredis 6) */
	RD_UR_WHATWG,		/* new URL() as given (node-redis) */
	RD_UR_PYTHON,		/* urllib.parse.urlparse (redis-py) */
	RD_UR_GO,		/* net/url.Parse (go-redis ParseURL) */
	RD_UR_HIREDIS,		/* redis-cli's own -u parser */
	RD_UR_STRICT		/* redisdiag's url.c (the generic profile) */
};

/* What "redis://x@h" (user info without ':') means. */
enum rd_user_only {
	RD_UO_USER_EMPTY_PASSWORD,	/* user x, password "": AUTH x "" (ioredis) */
	RD_UO_USER_NO_AUTH,		/* user x, no password: no AUTH at all (node-redis, RESP3) */
	RD_UO_USER_OPTION_PASSWORD,	/* user x, the password option: AUTH x PW (redis-py, go-redis) */
	RD_UO_IGNORED,			/* x is dropped, the password option alone: AUTH PW (redigo) */
	RD_UO_PASSWORD			/* x is the password: AUTH x (redis-cli) */
};

/* How a URL's parts and the options the application passes merge. */
enum rd_merge {
	RD_MERGE_URL_DEFINED,	/* a URL part that is present wins, "" included (lodash.defaults) */
	RD_MERGE_URL_TRUTHY	/* a URL part wins only when non-empty */
};

/* Query keys a client reads from a URL. */
#define RD_Q_PASSWORD	0x001
#define RD_Q_DB		0x002
#define RD_Q_TLS	0x004		/* ?tls= */
#define RD_Q_SSL	0x008		/* ?ssl= */
#define RD_Q_FAMILY	0x010
#define RD_Q_PORT	0x020
#define RD_Q_USERNAME	0x040
#define RD_Q_EVERY_KEY	0x100		/* every key becomes an option of that name (ioredis) */
#define RD_Q_UNKNOWN_THROWS 0x200	/* a key it does not know is a keyword argument the
					   connection refuses (redis-py: TypeError) */

/* How the URL path becomes a database number. */
enum rd_db_path {
	RD_DB_PARSEINT,		/* parseInt(path, 10); NaN or 0: no SELECT (ioredis) */
	RD_DB_NUMBER,		/* Number(path): NaN throws, 1.5 is sent as SELECT 1.5 (node-redis) */
	RD_DB_INT_OR_IGNORE,	/* int(path) or, when that raises, the default 0 (redis-py) */
	RD_DB_STRICT		/* digits only, else an error */
};

enum rd_sni_default {
	RD_SNI_NONE,		/* none unless the client's SNI option is set (Node's tls.connect) */
	RD_SNI_HOST		/* the host name, never an IP literal */
};

struct rd_client_model {
	const char *name;		/* "ioredis" */
	const char *version;		/* the range this row covers: "6", "5.8.2-5", "<5.8.2" */
	long	 vmin, vmax;		/* the same as MAJOR*10000+MINOR*100+PATCH, inclusive */
	const char *verified;		/* "6.0.0 (npm), run and source read" */
	const char *language;		/* "node", "python", "go", "c", "" */
	enum rd_url_reader url;
	bool	 scheme_tls_exact;	/* only the exact prefix "rediss://" turns TLS on */
	bool	 url_trimmed;		/* leading/trailing whitespace of a URL is dropped */
	bool	 pct_throws;		/* a bad %-escape in the user info throws at construction */
	enum rd_user_only user_only;
	enum rd_merge merge;
	unsigned query;			/* RD_Q_* it honours */
	bool	 query_tls_truthy;	/* any ?tls= value turns TLS on ("false" included) */
	enum rd_db_path db_path;
	bool	 empty_host_localhost;	/* an empty host connects to localhost (Node's net) */
	bool	 brackets_literal;	/* a bare "[::1]" is looked up as a name (and fails) */
	bool	 brackets_refused;	/* a bare "[::1]" makes an address the dialer refuses
					   before any packet (Go: net.JoinHostPort wraps it
					   again, "[[::1]]:6379") */
	bool	 url_brackets_kept;	/* a URL's "[::1]" without a port keeps its brackets
					   (net.SplitHostPort fails), so the same */
	bool	 empty_port_zero;	/* a URL's empty port ("h:") is port 0, not the
					   default (redigo) */
	enum rd_sni_default sni;
	int	 family;		/* 4: IPv4 only; 0: both */
	bool	 verify_host;		/* verifies the chain and the host name by default;
					   false: the chain only */
	bool	 hello_auth_needs_password; /* RESP3 HELLO carries AUTH only with a password */
	bool	 sni_turns_tls_on;	/* the profile's tls.servername option enables TLS */
	bool	 cli_auth;		/* redis-cli's cliAuth: AUTH whenever a password is
					   given, "" included; the URL's user part is sent
					   even when empty (AUTH "" pw); REDISCLI_AUTH is the
					   password when neither -u nor -a gave one */
	const char *throws;		/* what throws at construction, for the manual */
	/* The client's own option names, for remedies. */
	const char *opt_sni;		/* "tls: { servername: '%s' }" */
	const char *opt_family;		/* "family: 0" */
	const char *opt_tls;		/* "tls: {}" */
	const char *opt_password;	/* "password" */
	const char *construct;		/* how the profile's values reach it */
	bool	 unix_url;		/* reads a unix:// URL (ioredis: also a bare
					   "/path") as a Unix socket path */
	/* The handshake it sends by default (read from the real library). */
	int	 resp;			/* 3: HELLO 3 [AUTH user pw] first; 0: legacy
					   AUTH (RESP2, no HELLO) */
	bool	 hello_fallback;	/* resp 3: an unknown-command (or NOPROTO) HELLO
					   makes it go on in RESP2 with a legacy AUTH;
					   false: the connection fails there */
	bool	 nopass_tolerated;	/* the AUTH error "no password is set" /
					   "without any password configured" is logged
					   and the connection goes on */
	const char *opt_resp2;		/* its option for RESP2 ("RESP: 2"), "" none */
	/* Cluster (SPEC 13). */
	const char *cluster_api;	/* its cluster client, "" when none is built in */
	bool	 follows_moved;		/* the modelled constructor follows MOVED */
};

/* The row for "NAME" or "NAME@VERSION" (the newest row of NAME without a
 * version), or NULL when unknown; *why then says so in one phrase. */
const struct rd_client_model *client_find(const char *spec, const char **why);

/* Every row, *n of them. */
const struct rd_client_model *client_models(size_t *n);

/* "ioredis@6" — the row's name and version range, into buf. */
const char *client_label(const struct rd_client_model *, char *buf, size_t sz);

#endif
