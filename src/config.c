/* config.c — configuration resolution with provenance (SPEC section 4).
 *
 * Highest first: command-line flags, REDIS_URL, the REDIS_HOST group (fills
 * what a URL lacks), NF_REDIS_* (only when neither REDIS_URL nor REDIS_HOST
 * is set), defaults.  Empty variables count as unset.
 *
 * The server (host and port) is decided as a unit by the highest layer that
 * names a host: a port from a lower layer never joins a host from a higher
 * one (REDIS_PORT does not apply to REDIS_URL's host).  The other fields
 * (user, password, db, TLS) fill from every layer still in play.
 *
 * Source strings, one vocabulary for every field:
 *   flag:-h  flag:-p  flag:-a  flag:--user  flag:-n  flag:--tls  flag:--sni
 *   flag:-u                     a part of the -u URL
 *   env:NAME                    a variable of the process environment
 *   env-file:PATH:LINE          a variable from --env-file
 *   url:NAME                    a part of the URL in variable NAME
 *   url:NAME (env-file:PATH:LINE)  the same when NAME came from --env-file
 *   default                     the built-in default
 *
 * Two environment sources that both set a field and disagree are a
 * conflict (not fatal); a flag or REDISCLI_AUTH over the environment is an
 * override.  Either way the loser is listed as shadowed.  Secrets never go
 * into a reason or a detail. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "config.h"
#include "url.h"

#define MAX_LIST	64		/* shadowed, problems, query keys */
#define MAX_CANDS	16

const char *const rd_field_names[RD_F__COUNT] = {
	"host", "port", "tls", "sni", "username", "password", "db"
};

enum var_id {
	V_URL, V_HOST, V_PORT, V_PASSWORD, V_USERNAME, V_DB, V_TLS, V_SNI,
	V_NF_URL, V_NF_HOST, V_NF_PORT, V_NF_PASSWORD, V_CLI_AUTH, V__COUNT
};

static const char *const var_names[V__COUNT] = {
	"REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD",
	"REDIS_USERNAME", "REDIS_DB", "REDIS_TLS", "REDIS_SNI_SERVERNAME",
	"NF_REDIS_URL", "NF_REDIS_HOST", "NF_REDIS_PORT", "NF_REDIS_PASSWORD",
	"REDISCLI_AUTH"
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

/* ---- small helpers ---------------------------------------------------- */

static int
append(void **v, size_t *n, size_t size)
{
	void *nv;

	if (*n >= MAX_LIST)
		return -1;
	if ((nv = realloc(*v, (*n + 1) * size)) == NULL)
		return -1;
	*v = nv;
	memset((char *)nv + *n * size, 0, size);
	(*n)++;
	return 0;
}

int
config_add_problem(struct rd_config *c, enum rd_problem_kind kind,
    const char *name, bool fatal, const char *fmt, ...)
{
	struct rd_problem *p;
	va_list ap;

	if (fatal)
		c->valid = false;
	if (append((void **)&c->problems, &c->nproblems, sizeof(*p)) == -1)
		return -1;
	p = &c->problems[c->nproblems - 1];
	p->kind = kind;
	p->fatal = fatal;
	snprintf(p->name, sizeof(p->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	return 0;
}

static int
problem(struct ctx *x, enum rd_problem_kind kind, const char *name,
    bool fatal, const char *detail)
{
	if (config_add_problem(x->c, kind, name, fatal, "%s", detail) == -1) {
		x->oom = true;
		return -1;
	}
	return (int)x->c->nproblems - 1;
}

static void
make_fatal(struct ctx *x, int pi)
{
	if (pi >= 0 && (size_t)pi < x->c->nproblems) {
		x->c->problems[pi].fatal = true;
		x->c->valid = false;
	}
}

/* Records name as shadowed unless it already is (the first reason, from
 * the highest rule, is the one that explains it). */
static void
shadow(struct ctx *x, const char *name, const char *fmt, ...)
{
	struct rd_shadowed *s;
	va_list ap;
	size_t i;

	for (i = 0; i < x->c->nshadowed; i++)
		if (strcmp(x->c->shadowed[i].name, name) == 0)
			return;
	if (append((void **)&x->c->shadowed, &x->c->nshadowed,
	    sizeof(*s)) == -1) {
		x->oom = true;
		return;
	}
	s = &x->c->shadowed[x->c->nshadowed - 1];
	snprintf(s->name, sizeof(s->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
}

static void
set_field(struct ctx *x, enum rd_field_id id, const char *value,
    const char *src)
{
	struct rd_field *f = &x->c->f[id];

	free(f->value);
	f->value = NULL;
	if (value != NULL && (f->value = strdup(value)) == NULL)
		x->oom = true;
	if (src != f->source)
		snprintf(f->source, sizeof(f->source), "%s", src);
}

/* "env:NAME", or the env-file origin itself. */
static void
env_src(const struct rd_envvar *e, char *buf, size_t len)
{
	if (strcmp(e->origin, "env") == 0)
		snprintf(buf, len, "env:%s", e->name);
	else
		snprintf(buf, len, "%s", e->origin);
}

static void
url_src(const struct rd_envvar *e, char *buf, size_t len)
{
	if (strcmp(e->origin, "env") == 0)
		snprintf(buf, len, "url:%s", e->name);
	else
		snprintf(buf, len, "url:%s (%s)", e->name, e->origin);
}

/* A value shown in a detail: printable ASCII, at most 40 bytes.  Only for
 * values that are never secrets (ports, db numbers, flags). */
static void
shown(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 1 < len && o < 40; s++)
		buf[o++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	buf[o] = '\0';
}

/* ---- number readings -------------------------------------------------- */

/* Strict decimal in [lo, hi]; -1 when not. */
static long
strict_long(const char *s, long lo, long hi)
{
	long v = 0;
	size_t i;

	if (s == NULL || *s == '\0' || strlen(s) > 9)
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < lo || v > hi ? -1 : v;
}

/* What JavaScript's parseInt(s) returns (radix not given): leading white
 * space, a sign, "0x" for hex, then digits up to the first non-digit.
 * Returns false for NaN. */
static bool
js_parseint(const char *s, long long *out)
{
	long long v = 0;
	int neg = 0, base = 10, d, n = 0;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++, n++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f'))
			d = (*s | 0x20) - 'a' + 10;
		else
			break;
		if (v < 1000000000000LL)
			v = v * base + d;
	}
	if (n == 0)
		return false;
	*out = neg ? -v : v;
	return true;
}

/* Validates a port variable; an invalid one gets a (not yet fatal)
 * problem, made fatal if the value would be used. */
static void
check_port_var(struct ctx *x, enum var_id id)
{
	struct var *v = &x->v[id];
	char show[48], detail[320];
	long long js;

	if (v->value == NULL || strict_long(v->value, 1, 65535) >= 0)
		return;
	shown(v->value, show, sizeof(show));
	if (js_parseint(v->value, &js))
		snprintf(detail, sizeof(detail), "%s=\"%s\" is not an integer in "
		    "1..65535 (strict reading: invalid); JavaScript parseInt "
		    "reads %lld", var_names[id], show, js);
	else
		snprintf(detail, sizeof(detail), "%s=\"%s\" is not an integer in "
		    "1..65535 (strict reading: invalid); JavaScript parseInt "
		    "reads NaN", var_names[id], show);
	v->problem = problem(x, RD_P_INVALID_PORT, var_names[id], false, detail);
}

static void
check_db_var(struct ctx *x)
{
	struct var *v = &x->v[V_DB];
	char show[48], detail[320];

	if (v->value == NULL || strict_long(v->value, 0, 1000000) >= 0)
		return;
	shown(v->value, show, sizeof(show));
	snprintf(detail, sizeof(detail), "REDIS_DB=\"%s\" is not a database "
	    "number in 0..1000000", show);
	v->problem = problem(x, RD_P_INVALID_VALUE, "REDIS_DB", false, detail);
}

/* REDIS_TLS: 1 on, 0 off, -1 not set; an unknown word is a problem. */
static int
tls_var(struct ctx *x)
{
	static const char *on[] = { "true", "1", "yes", "on" };
	static const char *off[] = { "false", "0", "no", "off" };
	const char *s = x->v[V_TLS].value;
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, on[i]) == 0)
			return 1;
		if (strcasecmp(s, off[i]) == 0)
			return 0;
	}
	return -2;
}

/* ---- reading the inputs ----------------------------------------------- */

static void
read_vars(struct ctx *x)
{
	const struct rd_envvar *e;
	size_t i;

	for (i = 0; i < V__COUNT; i++) {
		x->v[i].problem = -1;
		if ((e = envmap_get(x->env, var_names[i])) == NULL)
			continue;
		if (e->value[0] == '\0') {
			shadow(x, e->name, "set but empty: an empty variable "
			    "counts as unset");
			continue;
		}
		x->v[i].value = e->value;
		env_src(e, x->v[i].src, sizeof(x->v[i].src));
	}
}

static void
parse_purl(struct ctx *x, struct purl *p, const char *name, const char *s,
    const char *src)
{
	struct rd_url_err err;
	char detail[320];
	const char *q;

	p->name = name;
	p->problem = -1;
	if (s == NULL || *s == '\0')
		return;
	p->set = true;
	snprintf(p->src, sizeof(p->src), "%s", src);
	if (url_parse(s, &p->u, &err) == -1) {
		snprintf(detail, sizeof(detail), "%s: %s (at byte %zu)", name,
		    err.msg, err.offset);
		p->problem = problem(x, RD_P_INVALID_URL, name, false, detail);
		return;
	}
	p->ok = true;
	if (p->u.port > 0)
		snprintf(p->port, sizeof(p->port), "%d", p->u.port);
	if (p->u.db >= 0)
		snprintf(p->db, sizeof(p->db), "%d", p->u.db);
	if ((q = url_query(&p->u, "db")) != NULL && strict_long(q, 0, 1000000) >= 0)
		p->qdb = q;
}

static void
read_urls(struct ctx *x)
{
	const struct rd_envvar *e;
	char src[RD_SOURCE_LEN];

	parse_purl(x, &x->fu, "flag:-u", x->fl->url, "flag:-u");
	if (x->fu.problem >= 0)
		make_fatal(x, x->fu.problem);
	if (x->v[V_URL].value != NULL) {
		e = envmap_get(x->env, "REDIS_URL");
		url_src(e, src, sizeof(src));
		parse_purl(x, &x->ru, "REDIS_URL", e->value, src);
	}
	if (x->v[V_NF_URL].value != NULL) {
		e = envmap_get(x->env, "NF_REDIS_URL");
		url_src(e, src, sizeof(src));
		parse_purl(x, &x->nu, "NF_REDIS_URL", e->value, src);
	}
}

static void
choose_layer(struct ctx *x)
{
	const char *fu = x->fl->url;

	x->nf_mode = x->v[V_URL].value == NULL && x->v[V_HOST].value == NULL;
	if (x->fl->host != NULL || (fu != NULL && *fu != '\0')) {
		x->L = L_FLAGS;
		x->lurl = x->fu.set ? &x->fu : NULL;
	} else if (x->v[V_URL].value != NULL) {
		x->L = L_URL;
		x->lurl = &x->ru;
	} else if (x->v[V_HOST].value != NULL)
		x->L = L_HOST;
	else if (x->v[V_NF_URL].value != NULL) {
		x->L = L_NF_URL;
		x->lurl = &x->nu;
	} else if (x->v[V_NF_HOST].value != NULL)
		x->L = L_NF_HOST;
	else
		x->L = L_DEFAULT;
	/* A URL that does not parse cannot be half-used: it names the
	 * server, so the configuration is invalid. */
	if (x->lurl != NULL && !x->lurl->ok)
		make_fatal(x, x->lurl->problem);
}

/* Shadows every host-naming variable the winning layer leaves out. */
static void
shadow_layers(struct ctx *x)
{
	static const enum var_id server[] = { V_URL, V_HOST, V_PORT, V_NF_URL,
	    V_NF_HOST, V_NF_PORT };
	static const enum var_id nf[] = { V_NF_URL, V_NF_HOST, V_NF_PORT,
	    V_NF_PASSWORD };
	size_t i;

	for (i = 0; x->L == L_FLAGS && i < 6; i++)
		if (x->v[server[i]].value != NULL)
			shadow(x, var_names[server[i]], "the command line names "
			    "the server (%s)", x->fl->host ? "-h" : "-u");
	if (x->L == L_URL) {
		if (x->v[V_HOST].value != NULL)
			shadow(x, "REDIS_HOST", "REDIS_URL is set: REDIS_HOST "
			    "and REDIS_PORT are ignored");
		if (x->v[V_PORT].value != NULL)
			shadow(x, "REDIS_PORT", "REDIS_URL is set: REDIS_HOST "
			    "and REDIS_PORT are ignored");
	}
	for (i = 0; !x->nf_mode && i < 4; i++)
		if (x->v[nf[i]].value != NULL)
			shadow(x, var_names[nf[i]], "%s is set: NF_REDIS_* are "
			    "read only when neither REDIS_URL nor REDIS_HOST is "
			    "set", x->v[V_URL].value ? "REDIS_URL" : "REDIS_HOST");
	if (x->L == L_NF_URL) {
		static const enum var_id lost[] = { V_NF_HOST, V_NF_PORT, V_PORT };

		for (i = 0; i < 3; i++)
			if (x->v[lost[i]].value != NULL)
				shadow(x, var_names[lost[i]], "NF_REDIS_URL "
				    "names the server");
	}
}

/* ---- picking a field -------------------------------------------------- */

static void
lose(struct ctx *x, const struct opt *w, const struct opt *l, bool secret)
{
	char a[48], b[48];

	if (w->cls == K_ENV && l->cls == K_ENV) {
		if (strcmp(w->value, l->value) == 0)
			return;		/* agreeing sources: nothing lost */
		if (secret)
			config_add_problem(x->c, RD_P_CONFLICT, l->name, false,
			    "%s%s%s%s and %s%s%s%s differ; %s wins",
			    l->part ? "the " : "", l->part ? l->part : "",
			    l->part ? " in " : "", l->name,
			    w->part ? "the " : "", w->part ? w->part : "",
			    w->part ? " in " : "", w->name, w->src);
		else {
			shown(l->value, a, sizeof(a));
			shown(w->value, b, sizeof(b));
			config_add_problem(x->c, RD_P_CONFLICT, l->name, false,
			    "%s (%s) and %s (%s) differ; %s wins", l->src, a,
			    w->src, b, w->src);
		}
		shadow(x, l->name, "%s%sdiffers from %s, which wins",
		    l->part ? l->part : "", l->part ? " " : "", w->src);
		return;
	}
	if (l->part != NULL)
		shadow(x, l->name, "its %s is overridden by %s", l->part, w->src);
	else
		shadow(x, l->name, "overridden by %s", w->src);
}

/* Sets field id from the first option with a value; the others lose.
 * Returns the winner's index, or -1 when none is set. */
static int
pick(struct ctx *x, enum rd_field_id id, const struct opt *o, size_t n,
    bool secret)
{
	size_t i;
	int w = -1;

	for (i = 0; i < n; i++) {
		if (o[i].value == NULL)
			continue;
		if (w < 0) {
			w = (int)i;
			set_field(x, id, o[i].value, o[i].src);
		} else
			lose(x, &o[w], &o[i], secret);
	}
	return w;
}

#define NOPT(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
purl_part(const struct purl *p, const char *v)
{
	return p != NULL && p->ok && v != NULL && *v != '\0' ? v : NULL;
}

static void
resolve_host(struct ctx *x)
{
	struct rd_url_err err;
	const char *h = NULL, *name = NULL;
	char *dup;
	size_t n;
	int vid = -1;

	switch (x->L) {
	case L_FLAGS:
		if (x->fl->host != NULL) {
			h = x->fl->host;
			name = "flag:-h";
			if (x->fu.ok)
				shadow(x, "flag:-u", "its host is overridden by -h");
			set_field(x, RD_F_HOST, NULL, "flag:-h");
		} else if (x->fu.ok)
			set_field(x, RD_F_HOST, x->fu.u.host, x->fu.src);
		else
			set_field(x, RD_F_HOST, NULL, "flag:-u");
		break;
	case L_URL:
	case L_NF_URL:
		set_field(x, RD_F_HOST, x->lurl->ok ? x->lurl->u.host : NULL,
		    x->lurl->src);
		break;
	case L_HOST:
	case L_NF_HOST:
		vid = x->L == L_HOST ? V_HOST : V_NF_HOST;
		h = x->v[vid].value;
		name = var_names[vid];
		set_field(x, RD_F_HOST, NULL, x->v[vid].src);
		break;
	case L_DEFAULT:
		set_field(x, RD_F_HOST, "127.0.0.1", "default");
		break;
	}
	if (h == NULL)
		return;
	if (url_check_host(h, &err) == -1) {
		config_add_problem(x->c, RD_P_INVALID_VALUE, name, true,
		    "%s is not a host name or address: %s (at byte %zu)%s", name,
		    err.msg, err.offset, strstr(h, "://") ? "; it holds a URL, "
		    "which belongs in REDIS_URL" : "");
		return;
	}
	/* "[::1]" as a bare host: the brackets are URL syntax. */
	n = strlen(h);
	if (h[0] == '[' && (dup = strndup(h + 1, n - 2)) != NULL) {
		set_field(x, RD_F_HOST, dup, x->c->f[RD_F_HOST].source);
		free(dup);
	} else
		set_field(x, RD_F_HOST, h, x->c->f[RD_F_HOST].source);
}

static void
resolve_port(struct ctx *x)
{
	struct opt o[4];
	char fp[16];
	size_t n = 0;
	int w;

	memset(o, 0, sizeof(o));
	if (x->fl->port > 0) {
		snprintf(fp, sizeof(fp), "%d", x->fl->port);
		o[n++] = (struct opt){ "flag:-p", fp, "flag:-p", K_FLAG, NULL };
	}
	switch (x->L) {
	case L_FLAGS:
		if (x->fu.ok && x->fu.port[0])
			o[n++] = (struct opt){ "flag:-u", x->fu.port, x->fu.src,
			    K_FLAG, "port" };
		break;
	case L_URL:
	case L_NF_URL:
		/* A URL without a port means 6379: REDIS_PORT does not fill. */
		if (x->lurl->ok)
			o[n++] = (struct opt){ x->lurl->name, x->lurl->port[0] ?
			    x->lurl->port : "6379", x->lurl->src, K_ENV, "port" };
		break;
	case L_HOST:
		o[n++] = (struct opt){ "REDIS_PORT", x->v[V_PORT].value,
		    x->v[V_PORT].src, K_ENV, NULL };
		break;
	case L_NF_HOST:
	case L_DEFAULT:
		o[n++] = (struct opt){ "NF_REDIS_PORT", x->v[V_NF_PORT].value,
		    x->v[V_NF_PORT].src, K_ENV, NULL };
		o[n++] = (struct opt){ "REDIS_PORT", x->v[V_PORT].value,
		    x->v[V_PORT].src, K_ENV, NULL };
		break;
	}
	w = pick(x, RD_F_PORT, o, n, false);
	if (w < 0) {
		set_field(x, RD_F_PORT, "6379", "default");
		return;
	}
	if (strcmp(o[w].name, "REDIS_PORT") == 0)
		make_fatal(x, x->v[V_PORT].problem);
	else if (strcmp(o[w].name, "NF_REDIS_PORT") == 0)
		make_fatal(x, x->v[V_NF_PORT].problem);
	if (x->v[V_PORT].problem >= 0 || x->v[V_NF_PORT].problem >= 0)
		if (strict_long(x->c->f[RD_F_PORT].value, 1, 65535) < 0) {
			free(x->c->f[RD_F_PORT].value);
			x->c->f[RD_F_PORT].value = NULL;
		}
}

/* The winning layer's URL, when it parsed. */
static struct purl *
lurl_ok(struct ctx *x)
{
	return x->lurl != NULL && x->lurl->ok ? x->lurl : NULL;
}

static void
resolve_user(struct ctx *x)
{
	struct purl *lu = lurl_ok(x);
	struct opt o[] = {
		{ "flag:--user", x->fl->user, "flag:--user", K_FLAG, NULL },
		{ "flag:-u", purl_part(&x->fu, x->fu.u.user), x->fu.src, K_FLAG,
		    "user name" },
		{ lu ? lu->name : "", lu && lu != &x->fu ?
		    purl_part(lu, lu->u.user) : NULL, lu ? lu->src : "", K_ENV,
		    "user name" },
		{ "REDIS_USERNAME", x->v[V_USERNAME].value,
		    x->v[V_USERNAME].src, K_ENV, NULL },
	};

	if (x->fl->user != NULL && *x->fl->user == '\0')
		o[0].value = NULL;
	/* A user-only URL's user info may be a password (redis-cli reads it
	 * so): no conflict message may show it. */
	pick(x, RD_F_USERNAME, o, NOPT(o), (x->fu.ok && x->fu.u.user_only) ||
	    (lu != NULL && lu->u.user_only));
}

static void
resolve_password(struct ctx *x)
{
	struct purl *lu = lurl_ok(x);
	struct opt o[] = {
		{ "flag:-a", x->fl->password, "flag:-a", K_FLAG, NULL },
		{ "flag:-u", purl_part(&x->fu, x->fu.u.password), x->fu.src,
		    K_FLAG, "password" },
		{ "REDISCLI_AUTH", x->v[V_CLI_AUTH].value, x->v[V_CLI_AUTH].src,
		    K_CLIAUTH, NULL },
		{ lu ? lu->name : "", lu && lu != &x->fu ?
		    purl_part(lu, lu->u.password) : NULL, lu ? lu->src : "",
		    K_ENV, "password" },
		{ "NF_REDIS_PASSWORD", x->nf_mode ? x->v[V_NF_PASSWORD].value :
		    NULL, x->v[V_NF_PASSWORD].src, K_ENV, NULL },
		{ "REDIS_PASSWORD", x->v[V_PASSWORD].value,
		    x->v[V_PASSWORD].src, K_ENV, NULL },
	};

	if (x->fl->password != NULL && *x->fl->password == '\0')
		o[0].value = NULL;
	pick(x, RD_F_PASSWORD, o, NOPT(o), true);
}

static void
resolve_db(struct ctx *x)
{
	struct purl *lu = lurl_ok(x);
	struct opt o[6];
	char fdb[16];
	size_t n = 0;
	int w;

	memset(o, 0, sizeof(o));
	if (x->fl->db >= 0) {
		snprintf(fdb, sizeof(fdb), "%d", x->fl->db);
		o[n++] = (struct opt){ "flag:-n", fdb, "flag:-n", K_FLAG, NULL };
	}
	if (x->fu.ok && x->fu.db[0])
		o[n++] = (struct opt){ "flag:-u", x->fu.db, x->fu.src, K_FLAG,
		    "database" };
	if (x->fu.ok && x->fu.qdb)
		o[n++] = (struct opt){ "flag:-u", x->fu.qdb, x->fu.src, K_FLAG,
		    "?db=" };
	if (lu != NULL && lu != &x->fu && lu->db[0])
		o[n++] = (struct opt){ lu->name, lu->db, lu->src, K_ENV,
		    "database" };
	if (lu != NULL && lu != &x->fu && lu->qdb)
		o[n++] = (struct opt){ lu->name, lu->qdb, lu->src, K_ENV, "?db=" };
	o[n++] = (struct opt){ "REDIS_DB", x->v[V_DB].value, x->v[V_DB].src,
	    K_ENV, NULL };
	w = pick(x, RD_F_DB, o, n, false);
	if (w < 0)
		set_field(x, RD_F_DB, "0", "default");
	else if (strcmp(o[w].name, "REDIS_DB") == 0) {
		make_fatal(x, x->v[V_DB].problem);
		if (x->v[V_DB].problem >= 0) {
			free(x->c->f[RD_F_DB].value);
			x->c->f[RD_F_DB].value = NULL;
		}
	} else if (o[w].part != NULL && strcmp(o[w].part, "?db=") == 0)
		x->q_db = true;
}

static bool
query_true(const struct purl *p, const char **key)
{
	static const char *keys[] = { "tls", "ssl" };
	const char *v;
	size_t i;

	for (i = 0; i < 2; i++)
		if ((v = url_query(&p->u, keys[i])) != NULL &&
		    (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)) {
			*key = keys[i];
			return true;
		}
	return false;
}

static void
resolve_tls(struct ctx *x)
{
	struct purl *lu = lurl_ok(x);
	const char *key;
	int tv = tls_var(x);

	/* An unreadable REDIS_TLS only matters when nothing higher decides. */
	if (tv == -2)
		x->v[V_TLS].problem = problem(x, RD_P_INVALID_VALUE, "REDIS_TLS",
		    !(x->fl->tls || (lu != NULL && (lu->u.tls ||
		    query_true(lu, &key)))),
		    "REDIS_TLS is not one of true/1/yes/on or false/0/no/off");
	if (x->fl->tls)
		set_field(x, RD_F_TLS, "true", "flag:--tls");
	else if (lu != NULL && lu->u.tls)
		set_field(x, RD_F_TLS, "true", lu->src);
	else if (lu != NULL && query_true(lu, &key)) {
		set_field(x, RD_F_TLS, "true", lu->src);
		x->q_tls = true;
	} else if (tv == 1)
		set_field(x, RD_F_TLS, "true", x->v[V_TLS].src);
	else if (tv == 0)
		set_field(x, RD_F_TLS, "false", x->v[V_TLS].src);
	else if (lu != NULL)
		set_field(x, RD_F_TLS, "false", lu->src);
	else
		set_field(x, RD_F_TLS, "false", "default");
	if (tv == 0 && strcmp(x->c->f[RD_F_TLS].value, "true") == 0)
		shadow(x, "REDIS_TLS", "TLS is turned on by %s",
		    x->c->f[RD_F_TLS].source);
}

static void
resolve_sni(struct ctx *x)
{
	struct rd_field *h = &x->c->f[RD_F_HOST];
	bool tls = strcmp(x->c->f[RD_F_TLS].value, "true") == 0;
	const char *sv = x->v[V_SNI].value;

	if (!tls) {
		set_field(x, RD_F_SNI, NULL, "default");
		if (sv != NULL)
			shadow(x, "REDIS_SNI_SERVERNAME", "TLS is off: no SNI is sent");
		return;
	}
	if (x->fl->no_sni) {
		set_field(x, RD_F_SNI, NULL, "flag:--no-sni");
		if (sv != NULL)
			shadow(x, "REDIS_SNI_SERVERNAME", "overridden by --no-sni");
	} else if (x->fl->sni != NULL) {
		set_field(x, RD_F_SNI, x->fl->sni, "flag:--sni");
		x->c->sni_explicit = true;
		if (sv != NULL)
			shadow(x, "REDIS_SNI_SERVERNAME", "overridden by flag:--sni");
	} else if (sv != NULL) {
		set_field(x, RD_F_SNI, sv, x->v[V_SNI].src);
		x->c->sni_explicit = true;
	} else if (h->value != NULL && !config_host_is_ip(h->value))
		set_field(x, RD_F_SNI, h->value, h->source);
	else
		set_field(x, RD_F_SNI, NULL, "default");
}

static void
resolve_family(struct ctx *x)
{
	struct purl *lu = lurl_ok(x);
	const char *v;

	x->c->family = x->fl->family;
	if (x->c->family != 0 || lu == NULL)
		return;
	if ((v = url_query(&lu->u, "family")) == NULL)
		return;
	if (strcmp(v, "4") == 0 || strcasecmp(v, "IPv4") == 0)
		x->c->family = 4;
	else if (strcmp(v, "6") == 0 || strcasecmp(v, "IPv6") == 0)
		x->c->family = 6;
	else
		return;
	x->q_family = true;
}

/* ---- query keys -------------------------------------------------------- */

static void
note_query(struct ctx *x, const struct purl *p)
{
	struct rd_query_key *k;
	const struct rd_url_query *q;
	bool won = p == lurl_ok(x);
	int i;

	for (i = 0; p->ok && i < p->u.nquery; i++) {
		q = &p->u.query[i];
		if (append((void **)&x->c->query, &x->c->nquery,
		    sizeof(*k)) == -1)
			return;
		k = &x->c->query[x->c->nquery - 1];
		snprintf(k->from, sizeof(k->from), "%s", p->name);
		snprintf(k->key, sizeof(k->key), "%s", q->key);
		snprintf(k->value, sizeof(k->value), "%s", q->value);
		if (!won)
			snprintf(k->note, sizeof(k->note), "ignored: %s does not "
			    "name the server", p->name);
		else if ((!strcasecmp(q->key, "tls") || !strcasecmp(q->key, "ssl"))
		    && x->q_tls)
			k->honoured = true;
		else if (!strcasecmp(q->key, "db") && x->q_db)
			k->honoured = true;
		else if (!strcasecmp(q->key, "family") && x->q_family)
			k->honoured = true;
		else if (q->secret)
			snprintf(k->note, sizeof(k->note), "ignored: put the "
			    "password in the user-info part (redis://:****@host)");
		else
			snprintf(k->note, sizeof(k->note), "not honoured: "
			    "overridden, invalid, or not read by redisdiag");
	}
}

/* ---- candidates -------------------------------------------------------- */

static struct rd_candidate *
new_cand(struct ctx *x)
{
	struct rd_candidate *c;

	if (x->c->ncands >= MAX_CANDS)
		return NULL;
	if (append((void **)&x->c->cands, &x->c->ncands, sizeof(*c)) == -1) {
		x->oom = true;
		return NULL;
	}
	c = &x->c->cands[x->c->ncands - 1];
	c->db = -1;
	c->secret = c->user_slot = -1;
	return c;
}

static const char *
layer_name(const struct ctx *x)
{
	static const char *names[] = { "flags", "REDIS_URL", "REDIS_HOST",
	    "NF_REDIS_URL", "NF_REDIS_HOST", "default" };

	return names[x->L];
}

static char *
dup_or_null(struct ctx *x, const char *s)
{
	char *d;

	if (s == NULL || *s == '\0')
		return NULL;
	if ((d = strdup(s)) == NULL)
		x->oom = true;
	return d;
}

/* Puts a secret into the vault: its slot, or -1 when s is unset or there
 * is no vault.  A vault that cannot take it makes the configuration
 * unusable (as allocation failure does): never probe without it. */
static int
keep_secret(struct ctx *x, const char *s)
{
	int slot;

	if (s == NULL || *s == '\0' || x->vault == NULL)
		return -1;
	if ((slot = vault_put(x->vault, s, strlen(s))) == -1)
		x->oom = true;
	return slot;
}

/* Replaces a field's secret value by "****", wiping it. */
static void
mask_field(struct ctx *x, struct rd_field *f)
{
	explicit_bzero(f->value, strlen(f->value));
	free(f->value);
	if ((f->value = strdup(RD_MASK)) == NULL)
		x->oom = true;
}

/* True when the resolved user name is a user-only URL's user info. */
static bool
user_is_secret(struct ctx *x, const char *user)
{
	const struct purl *lu = lurl_ok(x);

	return (x->fu.ok && x->fu.u.user_only && strcmp(user, x->fu.u.user) == 0) ||
	    (lu != NULL && lu->u.user_only && strcmp(user, lu->u.user) == 0);
}

/* Moves the resolved secrets into the vault: the configuration keeps
 * password_set and slots, the fields "****" and their sources. */
static void
secrets_to_vault(struct ctx *x)
{
	struct rd_config *c = x->c;
	struct rd_field *pw = &c->f[RD_F_PASSWORD], *us = &c->f[RD_F_USERNAME];

	if (pw->value != NULL) {
		c->password_set = true;
		c->secret = keep_secret(x, pw->value);
		mask_field(x, pw);
	}
	if (us->value != NULL && user_is_secret(x, us->value)) {
		c->user_slot = keep_secret(x, us->value);
		mask_field(x, us);
	}
}

static void
cand_winner(struct ctx *x)
{
	struct rd_config *c = x->c;
	struct rd_candidate *k;

	if ((k = new_cand(x)) == NULL)
		return;
	snprintf(k->name, sizeof(k->name), "%s", layer_name(x));
	snprintf(k->source, sizeof(k->source), "%s", c->f[RD_F_HOST].source);
	k->winner = true;
	k->valid = c->valid;
	if (!c->valid) {
		snprintf(k->error, sizeof(k->error), "the configuration is invalid");
		return;
	}
	snprintf(k->host, sizeof(k->host), "%s", c->host);
	k->port = c->port;
	k->tls = c->tls;
	k->password_set = c->password_set;
	k->secret = c->secret;
	k->user_slot = c->user_slot;
	k->db = c->db;
	k->username = dup_or_null(x, c->username);
	if (c->url_redacted != NULL)
		snprintf(k->url_redacted, sizeof(k->url_redacted), "%s",
		    c->url_redacted);
}

static void
cand_url(struct ctx *x, const struct rd_envvar *e)
{
	struct rd_candidate *k;
	struct rd_url u;
	struct rd_url_err err;
	const char *key;
	struct purl tmp;

	if ((k = new_cand(x)) == NULL)
		return;
	snprintf(k->name, sizeof(k->name), "%s", e->name);
	env_src(e, k->source, sizeof(k->source));
	if (url_parse(e->value, &u, &err) == -1) {
		snprintf(k->error, sizeof(k->error), "%s (at byte %zu)", err.msg,
		    err.offset);
		return;
	}
	k->valid = true;
	snprintf(k->host, sizeof(k->host), "%s", u.host);
	k->port = u.port > 0 ? u.port : RD_DEFAULT_PORT;
	tmp.u = u;
	k->tls = u.tls || query_true(&tmp, &key);
	k->password_set = u.has_password;
	k->db = u.db;
	if (u.user_only) {
		k->user_slot = keep_secret(x, u.user);
		k->username = dup_or_null(x, RD_MASK);
	} else
		k->username = dup_or_null(x, u.has_user ? u.user : NULL);
	k->secret = u.has_password ? keep_secret(x, u.password) : -1;
	url_redact(&u, k->url_redacted, sizeof(k->url_redacted));
	explicit_bzero(&u, sizeof(u));
	explicit_bzero(&tmp, sizeof(tmp));
}

/* A host/port pair that lost (REDIS_HOST behind REDIS_URL, NF_REDIS_HOST
 * behind REDIS_HOST ...). */
static void
cand_pair(struct ctx *x, enum var_id h, enum var_id p, enum var_id pw,
    bool tls)
{
	struct rd_candidate *k;
	struct rd_url_err err;
	const struct rd_envvar *e = envmap_get(x->env, var_names[h]);
	long port = RD_DEFAULT_PORT;

	if ((k = new_cand(x)) == NULL)
		return;
	snprintf(k->name, sizeof(k->name), "%s", var_names[h]);
	env_src(e, k->source, sizeof(k->source));
	if (x->v[p].value != NULL &&
	    (port = strict_long(x->v[p].value, 1, 65535)) < 0) {
		snprintf(k->error, sizeof(k->error), "%s is not a port",
		    var_names[p]);
		return;
	}
	if (url_check_host(x->v[h].value, &err) == -1) {
		snprintf(k->error, sizeof(k->error), "%s: %s", var_names[h],
		    err.msg);
		return;
	}
	k->valid = true;
	snprintf(k->host, sizeof(k->host), "%s", x->v[h].value);
	k->port = (int)port;
	k->tls = tls;
	k->secret = keep_secret(x, x->v[pw].value);
	k->password_set = x->v[pw].value != NULL && *x->v[pw].value != '\0';
	url_format_redacted(tls, NULL, k->password_set, k->host, k->port, -1,
	    k->url_redacted, sizeof(k->url_redacted));
}

static bool
names_redis_url(const struct rd_envvar *e)
{
	size_t n = strlen(e->name);

	if (e->value[0] == '\0')
		return false;
	if (n < 3 || strcmp(e->name + n - 3, "URL") != 0)
		return false;
	return strstr(e->name, "REDIS") != NULL || strcmp(e->name, "KV_URL") == 0 ||
	    strncasecmp(e->value, "redis://", 8) == 0 ||
	    strncasecmp(e->value, "rediss://", 9) == 0;
}

static void
candidates(struct ctx *x)
{
	const char *won = x->L == L_URL ? "REDIS_URL" :
	    x->L == L_NF_URL ? "NF_REDIS_URL" : NULL;
	size_t i;

	cand_winner(x);
	for (i = 0; x->env != NULL && i < x->env->n; i++) {
		const struct rd_envvar *e = &x->env->v[i];

		if (names_redis_url(e) && (won == NULL || strcmp(e->name, won)))
			cand_url(x, e);
	}
	if (x->v[V_HOST].value != NULL && x->L < L_HOST)
		cand_pair(x, V_HOST, V_PORT, V_PASSWORD, tls_var(x) == 1);
	if (x->v[V_NF_HOST].value != NULL && x->L < L_NF_HOST)
		cand_pair(x, V_NF_HOST, V_NF_PORT, V_NF_PASSWORD, false);
}

/* ---- the typed view ---------------------------------------------------- */

static void
typed_view(struct ctx *x)
{
	struct rd_config *c = x->c;
	char buf[1024];

	c->host = dup_or_null(x, c->f[RD_F_HOST].value);
	c->port = c->f[RD_F_PORT].value ?
	    (int)strict_long(c->f[RD_F_PORT].value, 1, 65535) : 0;
	c->tls = strcmp(c->f[RD_F_TLS].value, "true") == 0;
	c->sni = dup_or_null(x, c->f[RD_F_SNI].value);
	secrets_to_vault(x);
	c->username = dup_or_null(x, c->f[RD_F_USERNAME].value);
	c->db = c->f[RD_F_DB].value ?
	    (int)strict_long(c->f[RD_F_DB].value, 0, 1000000) : 0;
	snprintf(c->source, sizeof(c->source), "%s", c->f[RD_F_HOST].source);
	c->default_used = x->L == L_DEFAULT;
	c->password_on_cmdline = (x->fl->password != NULL &&
	    *x->fl->password != '\0') || (x->fu.ok && x->fu.u.has_password);
	if (c->host == NULL || c->port <= 0)
		c->valid = false;
	if (!c->valid)
		return;
	/* The equivalent URL of what resolved, password as ****. */
	url_format_redacted(c->tls, c->username, c->password_set, c->host,
	    c->port, c->db, buf, sizeof(buf));
	c->url_redacted = dup_or_null(x, buf);
}

static void
copy_flags(struct ctx *x)
{
	const struct rd_connflags *f = x->fl;
	struct rd_config *c = x->c;

	c->cacert = dup_or_null(x, f->cacert);
	c->cacertdir = dup_or_null(x, f->cacertdir);
	c->cert = dup_or_null(x, f->cert);
	c->key = dup_or_null(x, f->key);
	c->insecure = f->insecure;
	c->timeout_us = f->timeout_us > 0 ? f->timeout_us : RD_DEFAULT_TIMEOUT_US;
	c->all_candidates = f->all_candidates;
	c->env_file = dup_or_null(x, f->env_file);
}

int
config_resolve(const struct rd_connflags *fl, const struct rd_envmap *env,
    const struct rd_envinfo *envi, struct rd_config *out,
    struct rd_vault *vault)
{
	static const struct rd_connflags none = { .db = -1 };
	struct ctx *x;
	int rc;

	memset(out, 0, sizeof(*out));
	out->valid = true;
	if (envi != NULL)
		out->envi = *envi;
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		out->valid = false;
		return -1;
	}
	x->fl = fl != NULL ? fl : &none;
	x->env = env;
	x->c = out;
	x->vault = vault;
	out->secret = out->user_slot = -1;
	copy_flags(x);
	read_vars(x);
	read_urls(x);
	check_port_var(x, V_PORT);
	check_port_var(x, V_NF_PORT);
	check_db_var(x);
	choose_layer(x);
	shadow_layers(x);
	resolve_host(x);
	resolve_port(x);
	resolve_user(x);
	resolve_password(x);
	resolve_db(x);
	resolve_tls(x);
	resolve_sni(x);
	resolve_family(x);
	note_query(x, &x->fu);
	note_query(x, &x->ru);
	note_query(x, &x->nu);
	typed_view(x);
	candidates(x);
	if (x->oom)
		out->valid = false;
	rc = out->valid && !x->oom ? 0 : -1;
	explicit_bzero(x, sizeof(*x));	/* the parsed URLs hold passwords */
	free(x);
	return rc;
}

static void
free_secret(char **p)
{
	if (*p != NULL) {
		explicit_bzero(*p, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

void
config_free(struct rd_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < RD_F__COUNT; i++)
		free_secret(&c->f[i].value);
	free(c->host);
	free(c->sni);
	free(c->username);
	free(c->cacert);
	free(c->cacertdir);
	free(c->cert);
	free(c->key);
	free(c->url_redacted);
	free(c->env_file);
	for (i = 0; i < c->ncands; i++)
		free(c->cands[i].username);
	free(c->cands);
	free(c->shadowed);
	free(c->problems);
	free(c->query);
	memset(c, 0, sizeof(*c));
}

bool
config_host_is_ip(const char *host)
{
	char buf[128];
	unsigned char a[16];
	size_t n;
	const char *pct;

	if (host == NULL)
		return false;
	n = strlen(host);
	if (n > 1 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if ((pct = memchr(host, '%', n)) != NULL)
		n = (size_t)(pct - host);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, host, n);
	buf[n] = '\0';
	return inet_pton(AF_INET, buf, a) == 1 || inet_pton(AF_INET6, buf, a) == 1;
}

bool
config_host_is_loopback(const char *host)
{
	char buf[128];
	unsigned char a[16];
	size_t n;

	if (host == NULL)
		return false;
	n = strlen(host);
	if (n > 1 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (buf[n - 1] == '.')
		buf[n - 1] = '\0';
	if (strcasecmp(buf, "localhost") == 0 ||
	    strcasecmp(buf, "ip6-localhost") == 0 ||
	    strcasecmp(buf, "ip6-loopback") == 0 ||
	    (strlen(buf) > 10 &&
	    strcasecmp(buf + strlen(buf) - 10, ".localhost") == 0))
		return true;
	/* 0.0.0.0 and :: reach the local host on Linux; for an app in a
	 * container they are as wrong as 127.0.0.1. */
	if (inet_pton(AF_INET, buf, a) == 1)
		return a[0] == 127 || (a[0] | a[1] | a[2] | a[3]) == 0;
	if (inet_pton(AF_INET6, buf, a) == 1) {
		static const unsigned char lo[16] = { [15] = 1 };
		static const unsigned char any[16];
		static const unsigned char v4[12] = { [10] = 0xff, [11] = 0xff };

		return memcmp(a, lo, 16) == 0 || memcmp(a, any, 16) == 0 ||
		    (memcmp(a, v4, 12) == 0 && a[12] == 127);
	}
	return false;
}
