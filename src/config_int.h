/* config_int.h — what the parts of configuration resolution share:
 * config.c (the layers and the fields), config_cands.c (the further
 * candidates and the secrets' way into the vault), config_util.c (lists,
 * problems, numbers, freeing, host predicates).  config.h is the module's
 * interface. */
#ifndef RD_CONFIG_INT_H
#define RD_CONFIG_INT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "clients.h"
#include "config.h"
#include "profiles.h"
#include "url.h"

#define MAX_LIST	64		/* shadowed, problems, query keys */
#define MAX_CANDS	256		/* beyond: counted in ncands_cut, said in the report */

enum var_id {
	V_URL, V_HOST, V_PORT, V_PASSWORD, V_USERNAME, V_DB, V_TLS, V_SNI,
	V_NF_URL, V_NF_HOST, V_NF_PORT, V_NF_PASSWORD, V_CLI_AUTH, V__COUNT
};

/* The layer that names the server. */
enum layer { L_FLAGS, L_URL, L_HOST, L_NF_URL, L_NF_HOST, L_DEFAULT };

struct var {
	const char *value;		/* NULL when unset or empty */
	char	 src[RD_SOURCE_LEN];
	int	 problem;		/* index of its problem, -1 none */
};

/* A URL read from a flag or a variable. */
struct purl {
	const char *name;		/* "flag:-u", "REDIS_URL", "NF_REDIS_URL" */
	bool	 set, ok;
	struct rd_url u;
	char	 src[RD_SOURCE_LEN];
	int	 problem;
	char	 port[16], db[16];	/* u.port, u.db as text, "" when absent */
	const char *qdb;		/* ?db= when a valid number */
};

struct ctx {
	const struct rd_connflags *fl;
	const struct rd_envmap *env;
	struct rd_config *c;
	struct var v[V__COUNT];
	struct purl fu, ru, nu;
	struct purl *lurl;		/* the URL of the winning layer */
	enum layer L;
	bool	 nf_mode;
	bool	 oom;
	struct rd_vault *vault;		/* where the secrets go; NULL: dropped */
	/* which query keys of lurl changed the result */
	bool	 q_tls, q_db, q_family;
};

/* One contender for a field. */
enum cls { K_FLAG, K_CLIAUTH, K_ENV };

struct opt {
	const char *name;		/* who loses: "REDIS_PASSWORD", "REDIS_URL" */
	const char *value;		/* NULL = not set */
	const char *src;
	enum cls cls;
	const char *part;		/* "password" for a URL part, else NULL */
};

extern const char *const var_names[V__COUNT];	/* config.c */

/* The helpers the parts share; each file says what they return. */

int	cf_append(void **v, size_t *n, size_t size);
int	cf_problem(struct ctx *x, enum rd_problem_kind kind, const char *name,
    bool fatal, const char *detail);
void	cf_make_fatal(struct ctx *x, int pi);
void	cf_shadow(struct ctx *x, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	cf_set_field(struct ctx *x, enum rd_field_id id, const char *value,
    const char *src);
void	cf_env_src(const struct rd_envvar *e, char *buf, size_t len);
void	cf_url_src(const struct rd_envvar *e, char *buf, size_t len);
void	cf_shown(const char *s, char *buf, size_t len);
long	cf_strict_long(const char *s, long lo, long hi);
bool	cf_js_parseint(const char *s, long long *out);
int	cf_tls_var(struct ctx *x);
struct purl *cf_lurl_ok(struct ctx *x);
bool	cf_query_true(const struct purl *p, const char **key);
char *cf_dup_or_null(struct ctx *x, const char *s);
void	cf_secrets_to_vault(struct ctx *x);
void	cf_candidates(struct ctx *x);
void	cf_spare_passwords(struct ctx *x);	/* after cf_candidates */
void	cf_sentinel(struct ctx *x);
void	cf_resolve_app(struct ctx *x, const struct rd_profile *p,
    const struct rd_client_model *m);	/* config_app.c */
void	cf_client_handshake(struct rd_config *c, int flag_resp);	/* config_client.c */

#endif
