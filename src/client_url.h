/* client_url.h — a URL read the way a client library reads it.
 *
 * Not a validator: each reader (enum rd_url_reader, clients.h) reproduces
 * what its client's parser accepts, refuses (the client throws) and how it
 * normalises (scheme and host case, brackets, percent-decoding, trimming).
 * Pure: no allocation, no I/O; the result holds the decoded password, so
 * the caller wipes it (explicit_bzero) when done. */
#ifndef RD_CLIENT_URL_H
#define RD_CLIENT_URL_H

#include <stdbool.h>

#include "clients.h"

#define RD_CURL_MAX_QUERY	16

struct rd_curl {
	bool	 ok;			/* false: the client throws; why says so */
	bool	 socket;		/* a Unix socket: path, no host or port */
	char	 path[108];		/* as the client reads it */
	char	 why[160];		/* never input text */
	bool	 tls;			/* the scheme turns TLS on for this client */
	bool	 scheme_lower;		/* the scheme was written in lower case */
	bool	 scheme_tls_word;	/* the scheme is rediss, in any case */
	bool	 trimmed;		/* whitespace around the URL was dropped */
	bool	 has_user, has_pass;	/* the user info has them (the reader's rule) */
	bool	 user_only;		/* user info without ':' */
	char	 user[512], pass[1024];	/* decoded */
	char	 host[256];
	bool	 has_port;
	long	 port;
	bool	 has_db;
	char	 db[64];		/* the path after '/', as the client reads it */
	struct {
		char	 key[32];
		char	 value[128];
	} q[RD_CURL_MAX_QUERY];
	int	 nq;
};

/* Reads s as model m's URL reader does.  Returns 0 with out->ok, or -1
 * with out->ok false and out->why (the client would throw). */
int	client_url_read(const struct rd_client_model *m, const char *s,
	    struct rd_curl *out);

/* The value of query key k (exact), or NULL. */
const char *client_url_query(const struct rd_curl *, const char *k);

#endif
