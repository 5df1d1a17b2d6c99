/* url.h — redis:// and rediss:// URL parser, and its redaction.
 *
 * Pure: bytes in, a parsed URL or an error with what and where (a byte
 * offset) out.  Nothing allocates: every part has a fixed bound and an
 * input over a bound is an error, never a truncation.  An error message
 * never repeats any part of the input, so a password in a malformed URL
 * cannot leak through it.
 *
 *   redis[s]://[user][:password]@host[:port][/db][?key=value&...]
 *
 * Scheme case-insensitive; user and password percent-decoded; host a name,
 * an IPv4 address or a bracketed IPv6 literal; port 1..65535; db a decimal
 * number.
 *
 *   unix://[[user]:password@]/path[?db=N]
 *
 * (redis-py's form) names a Unix socket: the decoded path is in host,
 * unix_socket is set, and the database comes only from ?db=.
 *
 *   redis[s]+sentinel://[[user]:password@]h1[:p1][,h2[:p2]...]/MASTER[/db]
 *
 * names sentinels (port 26379 when left out) and the master they monitor;
 * host and port are then the first sentinel's, and the password is the
 * master's (sentinel AUTH is separate, as in ioredis and redis-py). */
#ifndef RD_URL_H
#define RD_URL_H

#include <stdbool.h>
#include <stddef.h>

#define RD_URL_MAX_LEN		4096	/* longer input is refused */
#define RD_URL_MAX_QUERY	16
#define RD_URL_MAX_SOCKET	107	/* sun_path less its NUL */

struct rd_url_query {
	char	 key[32];
	char	 value[64];	/* "****" for keys that carry a secret */
	bool	 secret;	/* password, pass, auth, token ... */
};

#define RD_URL_MAX_SENTINELS	16
#define RD_SENTINEL_PORT	26379

struct rd_url_hostport {
	char	 host[256];		/* without brackets */
	int	 port;			/* RD_SENTINEL_PORT when not given */
};

struct rd_url {
	bool	 tls;			/* rediss:// */
	bool	 sentinel;		/* redis[s]+sentinel:// */
	bool	 unix_socket;		/* unix://: host is the socket path */
	int	 nsentinels;
	struct rd_url_hostport sentinels[RD_URL_MAX_SENTINELS];
	char	 master[256];		/* the monitored master's name */
	bool	 has_user, has_password;
	bool	 user_only;		/* "user@" without ':': redis-cli reads it as a
					   password, so it is shown as "****" */
	char	 user[512];		/* decoded; "" when absent */
	char	 password[1024];	/* decoded; the secret */
	char	 host[256];		/* without brackets */
	bool	 host_ipv6;		/* was a [bracketed] literal */
	int	 port;			/* 0 = not given */
	int	 db;			/* -1 = not given in the path */
	struct rd_url_query query[RD_URL_MAX_QUERY];
	int	 nquery;
};

struct rd_url_err {
	size_t	 offset;		/* byte offset of the problem */
	char	 msg[160];		/* what is wrong; never input text */
};

/* Parses s.  Returns 0, or -1 with *err filled and *out cleared. */
int	url_parse(const char *s, struct rd_url *out, struct rd_url_err *err);

/* Checks a bare host (REDIS_HOST, -h): a name, IPv4, or IPv6 literal with
 * or without brackets.  Returns 0, or -1 with *err (offset into host). */
int	url_check_host(const char *host, struct rd_url_err *err);

/* The query value of key (case-insensitive), or NULL. */
const char *url_query(const struct rd_url *, const char *key);

/* Writes scheme://[user][:****]@host[:port][/db] (the password replaced,
 * the query left out) into buf.  Returns the length it needed (as
 * snprintf does). */
int	url_redact(const struct rd_url *, char *buf, size_t len);

/* The same from parts; host in brackets when it holds ':'.  port 0 and
 * db -1 are left out. */
int	url_format_redacted(bool tls, const char *user, bool password_set,
	    const char *host, int port, int db, char *buf, size_t len);

#endif
