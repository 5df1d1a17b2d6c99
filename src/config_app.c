/* config_app.c — resolution as the application and its client would do it
 * (SPEC 11): a profile row (profiles.c) says which variables are read and
 * how; a client row (clients.c) how the values become a connection.
 *
 * Never refuse what the application would use: a sloppy value the client
 * accepts (REDIS_PORT=6379abc, a trailing newline, /abc as db) resolves as
 * the client reads it, keeps its raw text in the field, says the reading
 * in as_read, and is flagged (config.loose_value).  Only what the
 * application itself cannot get past (the client throws, int() raises,
 * no port can work) is fatal.
 *
 * The command line stays an override: -u replaces the URL the application
 * resolved, -h/-p/-a/--user/-n/--tls/--sni/-4/-6 the values it would
 * connect with. */
#include "config_app_int.h"

/* ---- the profile ----------------------------------------------------------- */

/* The variable as the profile reads it: NULL when unset (or, for ||,
 * empty).  src gets its source. */
static const char *
read_var(struct ctx *x, const struct rd_profile *p, const char *name,
    char *src, size_t sz)
{
	const struct rd_envvar *e;

	if (name == NULL || (e = envmap_get(x->env, name)) == NULL)
		return NULL;
	if (e->value[0] == '\0' && p->read == RD_READ_JS_OR)
		return NULL;
	cf_env_src(e, src, sz);
	return e->value;
}

static void
url_var_src(struct ctx *x, const char *name, char *src, size_t sz)
{
	const struct rd_envvar *e = envmap_get(x->env, name);

	if (e != NULL)
		cf_url_src(e, src, sz);
}

static void
read_port(const struct rd_profile *p, const char *raw, const char *src,
    struct app *a)
{
	long v;

	if (raw == NULL)
		return;
	if (p->port_read == RD_PORT_PARSEINT_OR) {
		/* parseInt(v, 10) || fallback: NaN and 0 keep the fallback,
		 * but the variable was read and its text is what to fix. */
		a->port_raw = raw;
		snprintf(a->port_src, sizeof(a->port_src), "%s", src);
		if (ca_js_parseint10(raw, &v) && v != 0)
			a->port = v;
		return;
	}
	a->port_raw = raw;
	snprintf(a->port_src, sizeof(a->port_src), "%s", src);
	if (!ca_py_int(raw, &a->port) && !a->dies) {
		a->dies = true;
		a->dies_kind = RD_P_INVALID_PORT;
		snprintf(a->why, sizeof(a->why), "int() raises ValueError on the "
		    "port text: the service dies at start");
	}
}

static void
read_app(struct ctx *x, const struct rd_profile *p, struct app *a)
{
	char src[RD_SOURCE_LEN];
	const char *v;

	memset(a, 0, sizeof(*a));
	a->port = 6379;
	snprintf(a->port_src, sizeof(a->port_src), "default");
	snprintf(a->db_src, sizeof(a->db_src), "default");
	if (p->read == RD_READ_GETENV) {
		a->host = (v = read_var(x, p, p->host, a->host_src,
		    sizeof(a->host_src))) != NULL ? v : p->default_host;
		if (v == NULL)
			snprintf(a->host_src, sizeof(a->host_src), "default");
		read_port(p, read_var(x, p, p->port, src, sizeof(src)), src, a);
		if ((v = read_var(x, p, p->db, src, sizeof(src))) != NULL) {
			a->db_raw = v;
			snprintf(a->db_src, sizeof(a->db_src), "%s", src);
			if (!ca_py_int(v, &a->db) && !a->dies) {
				a->dies = true;
				a->dies_kind = RD_P_INVALID_VALUE;
				snprintf(a->why, sizeof(a->why), "int() raises "
				    "ValueError on %s: the service dies at start", p->db);
			}
		}
		a->password = read_var(x, p, p->password, a->pw_src,
		    sizeof(a->pw_src));
		return;
	}
	/* const redisUrl = process.env.REDIS_URL || ...; and so on. */
	if ((a->url = read_var(x, p, p->url, src, sizeof(src))) != NULL) {
		a->url_name = p->url;
		url_var_src(x, p->url, a->url_src, sizeof(a->url_src));
	}
	a->host = read_var(x, p, p->host, a->host_src, sizeof(a->host_src));
	read_port(p, read_var(x, p, p->port, src, sizeof(src)), src, a);
	a->password = read_var(x, p, p->password, a->pw_src, sizeof(a->pw_src));
	if (p->nf_fallback && a->url == NULL && a->host == NULL) {
		const struct rd_envvar *e;
		long port;

		/* this.redisUrl = process.env.NF_REDIS_URL: no ||, so "" is
		 * kept — and is falsy for the client's URL test. */
		if ((e = envmap_get(x->env, "NF_REDIS_URL")) != NULL &&
		    e->value[0] != '\0') {
			a->url = e->value;
			a->url_name = "NF_REDIS_URL";
			cf_url_src(e, a->url_src, sizeof(a->url_src));
		}
		if ((e = envmap_get(x->env, "NF_REDIS_HOST")) != NULL &&
		    e->value[0] != '\0') {
			a->host = e->value;
			cf_env_src(e, a->host_src, sizeof(a->host_src));
		}
		if ((e = envmap_get(x->env, "NF_REDIS_PORT")) != NULL &&
		    ca_js_parseint10(e->value, &port) && port != 0) {
			a->port = port;
			a->port_raw = e->value;
			cf_env_src(e, a->port_src, sizeof(a->port_src));
		} else if (e != NULL && e->value[0] != '\0' && a->port_raw == NULL) {
			a->port_raw = e->value;
			cf_env_src(e, a->port_src, sizeof(a->port_src));
		}
		if ((v = read_var(x, p, "NF_REDIS_PASSWORD", src, sizeof(src))) != NULL) {
			a->password = v;
			snprintf(a->pw_src, sizeof(a->pw_src), "%s", src);
		}
	}
	a->servername = read_var(x, p, p->sni, a->sni_src, sizeof(a->sni_src));
}

/* The command line over what the application resolved. */
static void
flags_over_app(struct ctx *x, struct app *a)
{
	const struct rd_connflags *f = x->fl;

	if (f->url != NULL && *f->url != '\0') {
		a->url = f->url;
		a->url_name = "flag:-u";
		snprintf(a->url_src, sizeof(a->url_src), "flag:-u");
		a->host = NULL;
	}
	if (f->host != NULL) {
		a->host = f->host;
		snprintf(a->host_src, sizeof(a->host_src), "flag:-h");
		a->url = NULL;
	}
	if (f->password != NULL && *f->password != '\0') {
		a->password = f->password;
		snprintf(a->pw_src, sizeof(a->pw_src), "flag:-a");
	}
	if (f->sni != NULL) {
		a->servername = f->sni;
		snprintf(a->sni_src, sizeof(a->sni_src), "flag:--sni");
	}
	if (f->no_sni)
		a->servername = NULL;
}

/* ---- into the configuration ----------------------------------------------- */

static void
field(struct ctx *x, enum rd_field_id id, const char *value, const char *src,
    const char *as_read)
{
	struct rd_field *fd = &x->c->f[id];

	cf_set_field(x, id, value, src[0] ? src : "default");
	free(fd->as_read);
	fd->as_read = NULL;
	if (as_read != NULL && value != NULL && strcmp(as_read, value) != 0 &&
	    (fd->as_read = strdup(as_read)) == NULL)
		x->oom = true;
}

static void
loose(struct ctx *x, enum rd_loose what, const char *name, const char *fmt,
    const char *a, const char *b)
{
	char d[320];
	int i;

	snprintf(d, sizeof(d), fmt, a, b);
	if ((i = cf_problem(x, RD_P_LOOSE, name, false, d)) >= 0)
		x->c->problems[i].loose = what;
}

/* Variables that name Redis and the profile does not read. */
static void
not_read(struct ctx *x, const struct rd_profile *p)
{
	const struct rd_envvar *e;
	char d[320];
	size_t i;

	for (i = 0; rd_profile_known_vars[i] != NULL; i++) {
		if ((e = envmap_get(x->env, rd_profile_known_vars[i])) == NULL ||
		    profile_reads(p, e->name))
			continue;
		snprintf(d, sizeof(d), "%s is set, but the %s application never "
		    "reads it", e->name, p->name);
		cf_problem(x, RD_P_NOT_READ, e->name, false, d);
		cf_shadow(x, e->name, "not read by the %s profile", p->name);
	}
}

/* True when s holds a secret of the environment or the target: such a
 * value (a password pasted into a path, a host, a user name) is shown as
 * "****".  Secrets shorter than 4 bytes are not looked for. */
static bool
holds_secret(struct ctx *x, const struct target *t, const char *s)
{
	static const char *const vars[] = { "REDIS_PASSWORD", "NF_REDIS_PASSWORD",
	    "REDISCLI_AUTH", "REDIS_SENTINEL_PASSWORD", NULL };
	const char *v;
	size_t i;

	if (s == NULL || *s == '\0')
		return false;
	if (t->has_pass && strlen(t->pass) >= 4 && strstr(s, t->pass) != NULL)
		return true;
	if (x->fl->password != NULL && strlen(x->fl->password) >= 4 &&
	    strstr(s, x->fl->password) != NULL)
		return true;
	for (i = 0; vars[i] != NULL; i++)
		if ((v = envmap_value(x->env, vars[i])) != NULL &&
		    strlen(v) >= 4 && strstr(s, v) != NULL)
			return true;
	return false;
}

static void
scrub(struct ctx *x, struct target *t)
{
	char *const f[] = { t->host, t->port_raw, t->db_raw, t->sni };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (holds_secret(x, t, f[i]))
			snprintf(f[i], 5, "%s", RD_MASK);
	if (t->has_user && !t->user_secret && holds_secret(x, t, t->user))
		t->user_secret = true;
}

static void
target_to_config(struct ctx *x, struct target *t)
{
	struct rd_config *c = x->c;
	char port[32], db[32], buf[1024];

	scrub(x, t);
	snprintf(port, sizeof(port), "%ld", t->port);
	snprintf(db, sizeof(db), "%ld", t->db);
	field(x, RD_F_HOST, t->host, t->host_src, NULL);
	field(x, RD_F_PORT, t->port_raw[0] ? t->port_raw : port, t->port_src, port);
	field(x, RD_F_TLS, t->tls ? "true" : "false", t->tls_src, NULL);
	field(x, RD_F_SNI, t->has_sni ? t->sni : NULL, t->sni_src, NULL);
	field(x, RD_F_USERNAME, t->has_user && t->user[0] ? t->user : NULL,
	    t->user_src, NULL);
	field(x, RD_F_PASSWORD, t->has_pass ? t->pass : NULL, t->pass_src, NULL);
	field(x, RD_F_DB, t->db_raw[0] ? t->db_raw : db, t->db_src, db);
	if (t->port_raw[0] && strcmp(t->port_raw, port) != 0)
		loose(x, RD_LOOSE_PORT, t->port_src[0] == 'u' ? "REDIS_URL" : t->port_src + 4,
		    "port \"%s\" is read as %s by the client (its text differs)",
		    t->port_raw, port);
	if (t->db_raw[0] && strcmp(t->db_raw, db) != 0)
		loose(x, RD_LOOSE_DB, "db", "database \"%s\" is read as %s by the client",
		    t->db_raw, db);
	if (t->trimmed)
		loose(x, RD_LOOSE_SPACE, "url", "the URL has white space or line breaks around "
		    "it: the client drops them%s%s", "", "");
	/* "" is kept: os.getenv gives it, and the lookup of "" fails. */
	if ((c->host = strdup(t->host)) == NULL)
		x->oom = true;
	c->port = (int)t->port;
	c->tls = t->tls;
	c->sni = t->has_sni ? cf_dup_or_null(x, t->sni) : NULL;
	c->sni_explicit = t->has_sni && strcmp(t->sni_src, t->host_src) != 0;
	c->family = t->family;
	c->db = (int)t->db;
	c->auth_sent = t->auth;
	c->from_url = t->from_url;
	c->scheme_case = t->scheme_case;
	c->user_only_url = t->user_only;
	snprintf(c->query_ignored, sizeof(c->query_ignored), "%s", t->ignored);
	/* The secrets: the password into the vault, "" is no secret. */
	if (t->has_pass && t->pass[0] == '\0') {
		c->password_set = true;
		c->empty_password = true;
	} else if (t->has_pass) {
		c->password_set = true;
		c->secret = x->vault ? vault_put(x->vault, t->pass,
		    strlen(t->pass)) : -1;
		if (x->vault != NULL && c->secret == -1)
			x->oom = true;
		cf_set_field(x, RD_F_PASSWORD, RD_MASK, t->pass_src);
	}
	if (t->has_user && t->user[0] && t->user_secret) {
		c->user_slot = x->vault ? vault_put(x->vault, t->user,
		    strlen(t->user)) : -1;
		cf_set_field(x, RD_F_USERNAME, RD_MASK, t->user_src);
	}
	c->username = cf_dup_or_null(x, c->f[RD_F_USERNAME].value);
	if ((c->empty_user = t->empty_user) && c->username == NULL &&
	    (c->username = strdup("")) == NULL)
		x->oom = true;
	snprintf(c->source, sizeof(c->source), "%s", c->f[RD_F_HOST].source);
	url_format_redacted(c->tls, c->username, c->password_set &&
	    !c->empty_password, c->host, c->port, c->db, buf, sizeof(buf));
	c->url_redacted = cf_dup_or_null(x, buf);
	if (t->socket)
		config_use_socket(c, t->host, t->host_src);
}

/* An IPv4 literal is reached the same way whether a client tries IPv4
 * only or both families: no disagreement to report. */
static bool
ipv4_literal(const char *h)
{
	struct in_addr a;

	return h != NULL && inet_pton(AF_INET, h, &a) == 1;
}

/* Where the other client models would connect differently. */
static void
disagreements(struct ctx *x, const struct app *a, const struct target *me,
    const struct rd_client_model *mine)
{
	const struct rd_client_model *all;
	struct target *t;
	size_t i, n;
	char what[200], lab[48];

	if ((t = malloc(sizeof(*t))) == NULL) {
		x->oom = true;
		return;
	}
	all = client_models(&n);
	for (i = 0; i < n; i++) {
		const struct rd_client_model *m = &all[i];

		if (m == mine || !strcmp(m->name, "redisdiag"))
			continue;
		/* One row per client: the newest, and for the same client
		 * only rows whose reading differs show. */
		ca_build_target(x, m, a, t);
		what[0] = '\0';
		if (t->ok != me->ok)
			snprintf(what, sizeof(what), "%s", t->ok ? "connects" :
			    "throws or cannot connect");
		else if (t->ok && t->tls != me->tls)
			snprintf(what, sizeof(what), "%s", t->tls ? "uses TLS" :
			    "speaks plaintext");
		else if (t->ok && strcmp(t->host, me->host))
			snprintf(what, sizeof(what), "connects to another host");
		else if (t->ok && t->port != me->port)
			snprintf(what, sizeof(what), "connects to port %ld", t->port);
		else if (t->ok && t->auth != me->auth)
			snprintf(what, sizeof(what), "%s", t->auth ?
			    "sends AUTH" : "sends no AUTH");
		else if (t->ok && t->tls && t->has_sni != me->has_sni)
			snprintf(what, sizeof(what), "%s", t->has_sni ?
			    "sends SNI" : "sends no SNI");
		else if (t->ok && t->family != me->family && !me->socket &&
		    !ipv4_literal(me->host))
			snprintf(what, sizeof(what), "%s", t->family == 4 ?
			    "tries IPv4 only" : "tries both address families");
		else if (t->ok && t->db != me->db)
			snprintf(what, sizeof(what), "selects database %ld", t->db);
		if (what[0] != '\0' && x->c->ndisagree < RD_MAX_DISAGREE) {
			struct rd_disagree *d = &x->c->disagree[x->c->ndisagree++];

			snprintf(d->client, sizeof(d->client), "%s",
			    client_label(m, lab, sizeof(lab)));
			snprintf(d->what, sizeof(d->what), "%s", what);
		}
	}
	explicit_bzero(t, sizeof(*t));
	free(t);
}

/* What was set and lost, in the application's terms. */
static void
app_shadows(struct ctx *x, const struct rd_profile *p, const struct app *a,
    const struct target *t)
{
	static const char *const nf[] = { "NF_REDIS_URL", "NF_REDIS_HOST",
	    "NF_REDIS_PORT", "NF_REDIS_PASSWORD" };
	const struct rd_envvar *e;
	const char *by = x->fl->host ? "-h" : "-u";
	bool flag_server = x->fl->host != NULL || (x->fl->url && *x->fl->url);
	size_t i;

	for (i = 0; rd_profile_known_vars[i] != NULL; i++) {
		const char *n = rd_profile_known_vars[i];

		if ((e = envmap_get(x->env, n)) == NULL || !profile_reads(p, n))
			continue;
		if (e->value[0] == '\0' && p->read == RD_READ_JS_OR)
			cf_shadow(x, n, "set but empty: an empty variable counts "
			    "as unset (the application uses ||)");
		else if (flag_server && (!strcmp(n, "REDIS_URL") ||
		    !strcmp(n, "REDIS_HOST") || !strcmp(n, "REDIS_PORT") ||
		    !strncmp(n, "NF_REDIS_", 9)) && strcmp(n, "NF_REDIS_PASSWORD"))
			cf_shadow(x, n, "the command line names the server (%s)", by);
	}
	if (p->nf_fallback && (envmap_value(x->env, p->url) != NULL ||
	    envmap_value(x->env, p->host) != NULL))
		for (i = 0; i < 4; i++)
			if (envmap_value(x->env, nf[i]) != NULL)
				cf_shadow(x, nf[i], "%s is set: NF_REDIS_* are read "
				    "only when neither REDIS_URL nor REDIS_HOST is set",
				    envmap_value(x->env, p->url) ? "REDIS_URL" :
				    "REDIS_HOST");
	if (a->url != NULL && strcmp(a->url_src, "flag:-u") != 0) {
		const char *lost[] = { p->host, p->port, "NF_REDIS_HOST", "NF_REDIS_PORT" };

		for (i = 0; i < 4; i++)
			if (lost[i] != NULL && envmap_value(x->env, lost[i]) != NULL)
				cf_shadow(x, lost[i], "%s is set: the application "
				    "passes the URL, its host and port win", a->url_name);
	}
	/* A password the URL overrides. */
	if (t->ok && a->password != NULL && t->has_pass &&
	    strcmp(t->pass_src, a->pw_src) != 0 && strncmp(a->pw_src, "flag:", 5)) {
		const char *n = a->pw_src + (strncmp(a->pw_src, "env:", 4) ? 0 : 4);

		if (strcmp(t->pass, a->password) != 0) {
			config_add_problem(x->c, RD_P_CONFLICT, n, false, "the "
			    "password in %s and %s differ; %s wins (the client's "
			    "merge)", a->url_name ? a->url_name : "the URL", n,
			    t->pass_src);
			cf_shadow(x, n, "password differs from %s, which wins",
			    t->pass_src);
		}
	} else if (t->ok && a->password != NULL && !t->has_pass)
		cf_shadow(x, a->pw_src + (strncmp(a->pw_src, "env:", 4) ? 0 : 4),
		    "%s does not send it (the URL's credentials replace it)",
		    x->c->client_label);
}

void
cf_resolve_app(struct ctx *x, const struct rd_profile *p,
    const struct rd_client_model *m)
{
	struct app a;
	struct target *t;
	size_t i;

	if ((t = malloc(sizeof(*t))) == NULL) {
		x->oom = true;
		return;
	}
	read_app(x, p, &a);
	flags_over_app(x, &a);
	not_read(x, p);
	ca_build_target(x, m, &a, t);
	if (!t->ok) {
		char lab[48];

		config_add_problem(x->c, t->kind, client_label(m,
		    lab, sizeof(lab)), true, "%s: %s", lab, t->why);
		field(x, RD_F_HOST, t->host[0] ? t->host : NULL, t->host_src, NULL);
		field(x, RD_F_PORT, NULL, t->port_src, NULL);
		field(x, RD_F_TLS, "false", "default", NULL);
	} else
		target_to_config(x, t);
	if (x->c->f[RD_F_TLS].value == NULL)
		field(x, RD_F_TLS, "false", "default", NULL);
	disagreements(x, &a, t, m);
	/* The layer, for the candidates (config_cands.c). */
	x->L = a.url != NULL ? (a.url_name && !strcmp(a.url_name, "NF_REDIS_URL") ?
	    L_NF_URL : !strcmp(a.url_src, "flag:-u") ? L_FLAGS : L_URL) :
	    x->fl->host ? L_FLAGS : a.host != NULL ? (!strncmp(a.host_src +
	    (a.host_src[0] == 'e' ? 4 : 0), "NF_", 3) ? L_NF_HOST : L_HOST) :
	    L_DEFAULT;
	x->c->default_used = x->L == L_DEFAULT && p->default_host == NULL;
	for (i = 0; i < V__COUNT; i++) {
		const struct rd_envvar *e = envmap_get(x->env, var_names[i]);

		x->v[i].problem = -1;
		if (e != NULL && e->value[0] != '\0' && profile_reads(p, e->name)) {
			x->v[i].value = e->value;
			cf_env_src(e, x->v[i].src, sizeof(x->v[i].src));
		}
	}
	app_shadows(x, p, &a, t);
	x->c->password_on_cmdline = (x->fl->password != NULL &&
	    *x->fl->password != '\0') || (x->fl->url != NULL &&
	    strchr(x->fl->url, '@') != NULL && strchr(x->fl->url, ':') !=
	    strrchr(x->fl->url, ':'));
	explicit_bzero(t, sizeof(*t));
	free(t);
	if (x->c->host == NULL || (x->c->port <= 0 && !x->c->unix_socket))
		x->c->valid = false;
}
