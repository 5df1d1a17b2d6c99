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
#include "config_int.h"

const char *const var_names[V__COUNT] = {
	"REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD",
	"REDIS_USERNAME", "REDIS_DB", "REDIS_TLS", "REDIS_SNI_SERVERNAME",
	"NF_REDIS_URL", "NF_REDIS_HOST", "NF_REDIS_PORT", "NF_REDIS_PASSWORD",
	"REDISCLI_AUTH"
};

/* Validates a port variable; an invalid one gets a (not yet fatal)
 * problem, made fatal if the value would be used. */
static void
check_port_var(struct ctx *x, enum var_id id)
{
	struct var *v = &x->v[id];
	char show[48], detail[320];
	long long js;

	if (v->value == NULL || cf_strict_long(v->value, 1, 65535) >= 0)
		return;
	cf_shown(v->value, show, sizeof(show));
	if (cf_js_parseint(v->value, &js))
		snprintf(detail, sizeof(detail), "%s=\"%s\" is not an integer in "
		    "1..65535 (strict reading: invalid); JavaScript parseInt "
		    "reads %lld", var_names[id], show, js);
	else
		snprintf(detail, sizeof(detail), "%s=\"%s\" is not an integer in "
		    "1..65535 (strict reading: invalid); JavaScript parseInt "
		    "reads NaN", var_names[id], show);
	v->problem = cf_problem(x, RD_P_INVALID_PORT, var_names[id], false, detail);
}

static void
check_db_var(struct ctx *x)
{
	struct var *v = &x->v[V_DB];
	char show[48], detail[320];

	if (v->value == NULL || cf_strict_long(v->value, 0, 1000000) >= 0)
		return;
	cf_shown(v->value, show, sizeof(show));
	snprintf(detail, sizeof(detail), "REDIS_DB=\"%s\" is not a database "
	    "number in 0..1000000", show);
	v->problem = cf_problem(x, RD_P_INVALID_VALUE, "REDIS_DB", false, detail);
}

/* REDIS_TLS: 1 on, 0 off, -1 not set; an unknown word is a problem. */
int
cf_tls_var(struct ctx *x)
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
			cf_shadow(x, e->name, "set but empty: an empty variable "
			    "counts as unset");
			continue;
		}
		x->v[i].value = e->value;
		cf_env_src(e, x->v[i].src, sizeof(x->v[i].src));
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
		p->problem = cf_problem(x, RD_P_INVALID_URL, name, false, detail);
		return;
	}
	p->ok = true;
	if (p->u.port > 0)
		snprintf(p->port, sizeof(p->port), "%d", p->u.port);
	if (p->u.db >= 0)
		snprintf(p->db, sizeof(p->db), "%d", p->u.db);
	if ((q = url_query(&p->u, "db")) != NULL && cf_strict_long(q, 0, 1000000) >= 0)
		p->qdb = q;
}

static void
read_urls(struct ctx *x)
{
	const struct rd_envvar *e;
	char src[RD_SOURCE_LEN];

	parse_purl(x, &x->fu, "flag:-u", x->fl->url, "flag:-u");
	if (x->fu.problem >= 0)
		cf_make_fatal(x, x->fu.problem);
	if (x->v[V_URL].value != NULL) {
		e = envmap_get(x->env, "REDIS_URL");
		cf_url_src(e, src, sizeof(src));
		parse_purl(x, &x->ru, "REDIS_URL", e->value, src);
	}
	if (x->v[V_NF_URL].value != NULL) {
		e = envmap_get(x->env, "NF_REDIS_URL");
		cf_url_src(e, src, sizeof(src));
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
		cf_make_fatal(x, x->lurl->problem);
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
			cf_shadow(x, var_names[server[i]], "the command line names "
			    "the server (%s)", x->fl->host ? "-h" : "-u");
	if (x->L == L_URL) {
		if (x->v[V_HOST].value != NULL)
			cf_shadow(x, "REDIS_HOST", "REDIS_URL is set: REDIS_HOST "
			    "and REDIS_PORT are ignored");
		if (x->v[V_PORT].value != NULL)
			cf_shadow(x, "REDIS_PORT", "REDIS_URL is set: REDIS_HOST "
			    "and REDIS_PORT are ignored");
	}
	for (i = 0; !x->nf_mode && i < 4; i++)
		if (x->v[nf[i]].value != NULL)
			cf_shadow(x, var_names[nf[i]], "%s is set: NF_REDIS_* are "
			    "read only when neither REDIS_URL nor REDIS_HOST is "
			    "set", x->v[V_URL].value ? "REDIS_URL" : "REDIS_HOST");
	if (x->L == L_NF_URL) {
		static const enum var_id lost[] = { V_NF_HOST, V_NF_PORT, V_PORT };

		for (i = 0; i < 3; i++)
			if (x->v[lost[i]].value != NULL)
				cf_shadow(x, var_names[lost[i]], "NF_REDIS_URL "
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
			cf_shown(l->value, a, sizeof(a));
			cf_shown(w->value, b, sizeof(b));
			config_add_problem(x->c, RD_P_CONFLICT, l->name, false,
			    "%s (%s) and %s (%s) differ; %s wins", l->src, a,
			    w->src, b, w->src);
		}
		cf_shadow(x, l->name, "%s%sdiffers from %s, which wins",
		    l->part ? l->part : "", l->part ? " " : "", w->src);
		return;
	}
	if (l->part != NULL)
		cf_shadow(x, l->name, "its %s is overridden by %s", l->part, w->src);
	else
		cf_shadow(x, l->name, "overridden by %s", w->src);
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
			cf_set_field(x, id, o[i].value, o[i].src);
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
				cf_shadow(x, "flag:-u", "its host is overridden by -h");
			cf_set_field(x, RD_F_HOST, NULL, "flag:-h");
		} else if (x->fu.ok)
			cf_set_field(x, RD_F_HOST, x->fu.u.host, x->fu.src);
		else
			cf_set_field(x, RD_F_HOST, NULL, "flag:-u");
		break;
	case L_URL:
	case L_NF_URL:
		cf_set_field(x, RD_F_HOST, x->lurl->ok ? x->lurl->u.host : NULL,
		    x->lurl->src);
		break;
	case L_HOST:
	case L_NF_HOST:
		vid = x->L == L_HOST ? V_HOST : V_NF_HOST;
		h = x->v[vid].value;
		name = var_names[vid];
		cf_set_field(x, RD_F_HOST, NULL, x->v[vid].src);
		break;
	case L_DEFAULT:
		cf_set_field(x, RD_F_HOST, "127.0.0.1", "default");
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
		cf_set_field(x, RD_F_HOST, dup, x->c->f[RD_F_HOST].source);
		free(dup);
	} else
		cf_set_field(x, RD_F_HOST, h, x->c->f[RD_F_HOST].source);
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
		cf_set_field(x, RD_F_PORT, "6379", "default");
		return;
	}
	if (strcmp(o[w].name, "REDIS_PORT") == 0)
		cf_make_fatal(x, x->v[V_PORT].problem);
	else if (strcmp(o[w].name, "NF_REDIS_PORT") == 0)
		cf_make_fatal(x, x->v[V_NF_PORT].problem);
	if (x->v[V_PORT].problem >= 0 || x->v[V_NF_PORT].problem >= 0)
		if (cf_strict_long(x->c->f[RD_F_PORT].value, 1, 65535) < 0) {
			free(x->c->f[RD_F_PORT].value);
			x->c->f[RD_F_PORT].value = NULL;
		}
}

/* The winning layer's URL, when it parsed. */
struct purl *
cf_lurl_ok(struct ctx *x)
{
	return x->lurl != NULL && x->lurl->ok ? x->lurl : NULL;
}

static void
resolve_user(struct ctx *x)
{
	struct purl *lu = cf_lurl_ok(x);
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
	struct purl *lu = cf_lurl_ok(x);
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
	struct purl *lu = cf_lurl_ok(x);
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
		cf_set_field(x, RD_F_DB, "0", "default");
	else if (strcmp(o[w].name, "REDIS_DB") == 0) {
		cf_make_fatal(x, x->v[V_DB].problem);
		if (x->v[V_DB].problem >= 0) {
			free(x->c->f[RD_F_DB].value);
			x->c->f[RD_F_DB].value = NULL;
		}
	} else if (o[w].part != NULL && strcmp(o[w].part, "?db=") == 0)
		x->q_db = true;
}

bool
cf_query_true(const struct purl *p, const char **key)
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
	struct purl *lu = cf_lurl_ok(x);
	const char *key;
	int tv = cf_tls_var(x);

	/* An unreadable REDIS_TLS only matters when nothing higher decides. */
	if (tv == -2)
		x->v[V_TLS].problem = cf_problem(x, RD_P_INVALID_VALUE, "REDIS_TLS",
		    !(x->fl->tls || (lu != NULL && (lu->u.tls ||
		    cf_query_true(lu, &key)))),
		    "REDIS_TLS is not one of true/1/yes/on or false/0/no/off");
	if (x->fl->tls)
		cf_set_field(x, RD_F_TLS, "true", "flag:--tls");
	else if (lu != NULL && lu->u.tls)
		cf_set_field(x, RD_F_TLS, "true", lu->src);
	else if (lu != NULL && cf_query_true(lu, &key)) {
		cf_set_field(x, RD_F_TLS, "true", lu->src);
		x->q_tls = true;
	} else if (tv == 1)
		cf_set_field(x, RD_F_TLS, "true", x->v[V_TLS].src);
	else if (tv == 0)
		cf_set_field(x, RD_F_TLS, "false", x->v[V_TLS].src);
	else if (lu != NULL)
		cf_set_field(x, RD_F_TLS, "false", lu->src);
	else
		cf_set_field(x, RD_F_TLS, "false", "default");
	if (tv == 0 && strcmp(x->c->f[RD_F_TLS].value, "true") == 0)
		cf_shadow(x, "REDIS_TLS", "TLS is turned on by %s",
		    x->c->f[RD_F_TLS].source);
}

static void
resolve_sni(struct ctx *x)
{
	struct rd_field *h = &x->c->f[RD_F_HOST];
	bool tls = strcmp(x->c->f[RD_F_TLS].value, "true") == 0;
	const char *sv = x->v[V_SNI].value;

	if (!tls) {
		cf_set_field(x, RD_F_SNI, NULL, "default");
		if (sv != NULL)
			cf_shadow(x, "REDIS_SNI_SERVERNAME", "TLS is off: no SNI is sent");
		return;
	}
	if (x->fl->no_sni) {
		cf_set_field(x, RD_F_SNI, NULL, "flag:--no-sni");
		if (sv != NULL)
			cf_shadow(x, "REDIS_SNI_SERVERNAME", "overridden by --no-sni");
	} else if (x->fl->sni != NULL) {
		cf_set_field(x, RD_F_SNI, x->fl->sni, "flag:--sni");
		x->c->sni_explicit = true;
		if (sv != NULL)
			cf_shadow(x, "REDIS_SNI_SERVERNAME", "overridden by flag:--sni");
	} else if (sv != NULL) {
		cf_set_field(x, RD_F_SNI, sv, x->v[V_SNI].src);
		x->c->sni_explicit = true;
	} else if (h->value != NULL && !config_host_is_ip(h->value))
		cf_set_field(x, RD_F_SNI, h->value, h->source);
	else
		cf_set_field(x, RD_F_SNI, NULL, "default");
}

static void
resolve_family(struct ctx *x)
{
	struct purl *lu = cf_lurl_ok(x);
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
	bool won = p == cf_lurl_ok(x);
	int i;

	for (i = 0; p->ok && i < p->u.nquery; i++) {
		q = &p->u.query[i];
		if (cf_append((void **)&x->c->query, &x->c->nquery,
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

/* ---- the typed view ---------------------------------------------------- */

static void
typed_view(struct ctx *x)
{
	struct rd_config *c = x->c;
	char buf[1024];

	c->host = cf_dup_or_null(x, c->f[RD_F_HOST].value);
	c->port = c->f[RD_F_PORT].value ?
	    (int)cf_strict_long(c->f[RD_F_PORT].value, 1, 65535) : 0;
	c->tls = strcmp(c->f[RD_F_TLS].value, "true") == 0;
	c->sni = cf_dup_or_null(x, c->f[RD_F_SNI].value);
	cf_secrets_to_vault(x);
	c->username = cf_dup_or_null(x, c->f[RD_F_USERNAME].value);
	c->db = c->f[RD_F_DB].value ?
	    (int)cf_strict_long(c->f[RD_F_DB].value, 0, 1000000) : 0;
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
	c->url_redacted = cf_dup_or_null(x, buf);
}

static void
copy_flags(struct ctx *x)
{
	const struct rd_connflags *f = x->fl;
	struct rd_config *c = x->c;

	c->cacert = cf_dup_or_null(x, f->cacert);
	c->cacertdir = cf_dup_or_null(x, f->cacertdir);
	c->cert = cf_dup_or_null(x, f->cert);
	c->key = cf_dup_or_null(x, f->key);
	c->insecure = f->insecure;
	c->timeout_us = f->timeout_us > 0 ? f->timeout_us : RD_DEFAULT_TIMEOUT_US;
	c->all_candidates = f->all_candidates;
	c->env_file = cf_dup_or_null(x, f->env_file);
}

/* The profile and client rows the flags name (NULL: generic and its
 * client).  An unknown name is a fatal problem.  Returns 0 or -1. */
static int
choose_models(struct ctx *x)
{
	const char *pn = x->fl->profile != NULL ? x->fl->profile : "generic";
	const char *why;
	struct rd_config *c = x->c;

	if ((c->profile = profile_find(pn)) == NULL) {
		config_add_problem(c, RD_P_INVALID_VALUE, "--profile", true,
		    "unknown profile (env --list-profiles names them)");
		c->profile = profile_find("generic");
	}
	c->model = client_find(x->fl->client != NULL ? x->fl->client :
	    c->profile->client, &why);
	if (c->model == NULL) {
		config_add_problem(c, RD_P_INVALID_VALUE, "--client", true,
		    "--client: %s", why);
		c->model = client_find("redisdiag", &why);
		c->valid = false;
	}
	client_label(c->model, c->client_label, sizeof(c->client_label));
	return c->valid ? 0 : -1;
}

/* The generic profile read through another client: the transport the
 * client chooses (its SNI default, its address families). */
static void
client_transport(struct ctx *x)
{
	const struct rd_client_model *m = x->c->model;
	struct rd_field *sni = &x->c->f[RD_F_SNI];

	if (m->sni == RD_SNI_NONE && !x->c->sni_explicit && sni->value != NULL) {
		cf_set_field(x, RD_F_SNI, NULL, "client default: none");
	}
	if (x->c->family == 0 && m->family != 0)
		x->c->family = m->family;
	x->c->auth_sent = x->c->f[RD_F_PASSWORD].value != NULL;
}

/* A sentinel set (--sentinel, --master-name, a redis+sentinel:// URL) is
 * read the generic way: the profiles model the applications' single-node
 * constructors, and no profile reads a sentinel list yet. */
static bool
sentinel_requested(const struct ctx *x)
{
	const struct rd_envvar *e = x->env != NULL ?
	    envmap_get(x->env, "REDIS_URL") : NULL;
	const char *u = x->fl->url != NULL ? x->fl->url :
	    e != NULL ? e->value : NULL;

	return x->fl->nsentinels > 0 || x->fl->master_name != NULL ||
	    (u != NULL && (strncasecmp(u, "redis+sentinel://", 17) == 0 ||
	    strncasecmp(u, "rediss+sentinel://", 18) == 0));
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
	out->secret = out->user_slot = out->sentinel_secret = -1;
	copy_flags(x);
	if (choose_models(x) == 0 && !out->profile->generic &&
	    !sentinel_requested(x)) {
		cf_resolve_app(x, out->profile, out->model);
		cf_candidates(x);
		goto done;
	}
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
	client_transport(x);
	typed_view(x);
	if (cf_lurl_ok(x) != NULL && x->lurl->u.unix_socket && out->valid)
		config_use_socket(out, out->host, x->lurl->src);
	cf_sentinel(x);
	cf_candidates(x);
done:
	cf_client_handshake(out, x->fl->resp);
	cf_spare_passwords(x);
	if (x->oom)
		out->valid = false;
	rc = out->valid && !x->oom ? 0 : -1;
	explicit_bzero(x, sizeof(*x));	/* the parsed URLs hold passwords */
	free(x);
	return rc;
}
