/* config_app_int.h — what config_app.c (the profile: what the
 * application reads, and the result into the configuration) and
 * config_client.c (the client: how those values become a connection)
 * share.  Internal to the two. */
#ifndef RD_CONFIG_APP_INT_H
#define RD_CONFIG_APP_INT_H

#include "config_int.h"
#include "client_url.h"

/* What the application hands its client. */
struct app {
	const char *url;	char url_src[RD_SOURCE_LEN]; const char *url_name;
	const char *host;	char host_src[RD_SOURCE_LEN];
	long	 port;		char port_src[RD_SOURCE_LEN];
	const char *port_raw;	/* the text read, NULL when the default */
	const char *password;	char pw_src[RD_SOURCE_LEN];
	const char *servername;	char sni_src[RD_SOURCE_LEN];
	long	 db;		char db_src[RD_SOURCE_LEN];
	const char *db_raw;
	bool	 dies;		/* the application stops before connecting */
	enum rd_problem_kind dies_kind;
	char	 why[240];
};

/* What one client would connect with. */
struct target {
	bool	 ok;
	enum rd_problem_kind kind;	/* of why */
	char	 why[240];
	char	 host[256], host_src[RD_SOURCE_LEN];
	long	 port;
	char	 port_src[RD_SOURCE_LEN], port_raw[64];
	bool	 tls;
	char	 tls_src[RD_SOURCE_LEN];
	bool	 has_sni;
	char	 sni[256], sni_src[RD_SOURCE_LEN];
	int	 family;
	bool	 auth;			/* sends AUTH (or HELLO AUTH) */
	bool	 has_user;
	char	 user[512], user_src[RD_SOURCE_LEN];
	bool	 user_secret;		/* a user-only URL's user info */
	bool	 empty_user;		/* an empty user name is sent: AUTH "" PW */
	bool	 has_pass;
	char	 pass[1024], pass_src[RD_SOURCE_LEN];
	long	 db;
	char	 db_src[RD_SOURCE_LEN], db_raw[64];
	bool	 socket;		/* host is a Unix socket path */
	bool	 from_url, scheme_case, user_only, trimmed, q_tls;
	char	 ignored[160];		/* query keys the client does not read */
};

/* Bounded copy of s (NULL: "") into dst[sz], cut silently. */
void	ca_set(char *dst, size_t sz, const char *s);
#define SET(dst, s)	ca_set((dst), sizeof(dst), (s))

/* parseInt(s, 10): false for NaN.  Python's int(s): false when it raises. */
bool	ca_js_parseint10(const char *s, long *out);
bool	ca_py_int(const char *s, long *out);

/* What client m would connect with, given what the application hands it
 * (config_client.c).  t->ok false, with why, when the client throws or no
 * value it would try can work. */
void	ca_build_target(struct ctx *x, const struct rd_client_model *m,
	    const struct app *a, struct target *t);

#endif
