/* config_client.c — the client half of resolution as the application
 * (SPEC 11): the values the profile read (config_app.c) become what the
 * modelled client would connect with — its URL reader (client_url.c), its
 * merge of URL and options, the query keys it honours, its db path, its
 * defaults (SNI, families), the AUTH it sends, and what no value can get
 * past.  Every behaviour is a column of the client's row (clients.c). */
#include "config_app_int.h"

/* ---- readings ------------------------------------------------------------ */

/* parseInt(s, 10): false for NaN. */
bool
ca_js_parseint10(const char *s, long *out)
{
	long long v;

	if (s == NULL || !cf_js_parseint(s, &v))
		return false;
	*out = v > 100000000 ? 100000000 : v < -100000000 ? -100000000 : (long)v;
	return true;
}

/* Python's int(s): surrounding white space, a sign, digits with single
 * '_' between them.  false when int() raises. */
bool
ca_py_int(const char *s, long *out)
{
	long v = 0;
	int neg = 0, n = 0;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r') || (*s >= 0x1c && *s <= 0x1f))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s == '_' && n > 0 && s[1] >= '0' && s[1] <= '9')
			continue;
		if (*s < '0' || *s > '9')
			break;
		if (v < 100000000)
			v = v * 10 + (*s - '0');
		n++;
	}
	while (*s == ' ' || (*s >= '\t' && *s <= '\r') || (*s >= 0x1c && *s <= 0x1f))
		s++;
	if (n == 0 || *s != '\0')
		return false;
	*out = neg ? -v : v;
	return true;
}

/* JavaScript's Number(s) for a URL path: 1 integer, 0 a non-integer
 * number (*out its integer part), -1 NaN. */
static int
js_number(const char *s, long *out)
{
	char *end;
	double d;

	if (*s == '\0')
		return -1;
	d = strtod(s, &end);
	if (*end != '\0' || end == s || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		return -1;
	*out = (long)d;
	return (double)*out == d ? 1 : 0;
}

/* Go's strconv.Atoi: a sign, then digits only.  false when it fails. */
static bool
go_atoi(const char *s, long *out)
{
	long v = 0;
	int neg = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v < 100000000)
			v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return true;
}

static bool
digits_only(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ---- the client ------------------------------------------------------------- */

void
ca_set(char *dst, size_t sz, const char *s)
{
	size_t n = s != NULL ? strnlen(s, sz - 1) : 0;	/* cut silently */

	if (n > 0)
		memcpy(dst, s, n);
	dst[n] = '\0';
}


static int
bad(struct target *t, const char *fmt, const char *a)
{
	t->ok = false;
	snprintf(t->why, sizeof(t->why), fmt, a);
	return -1;
}

static void
note_ignored(struct target *t, const char *key)
{
	size_t n = strlen(t->ignored);

	if (n + strlen(key) + 3 < sizeof(t->ignored))
		snprintf(t->ignored + n, sizeof(t->ignored) - n, "%s?%s",
		    n ? ", " : "", key);
}

/* The database a URL's path gives, as the client reads it. */
static int
url_db(const struct rd_client_model *m, const struct rd_curl *u,
    const char *src, struct target *t)
{
	long v;
	int k;

	if (!u->has_db)
		return 0;
	SET(t->db_raw, u->db);
	switch (m->db_path) {
	case RD_DB_PARSEINT:
		t->db = ca_js_parseint10(u->db, &v) ? v : 0;
		break;
	case RD_DB_NUMBER:
		if ((k = js_number(u->db, &v)) < 0)
			return bad(t, "%s", "TypeError: Invalid pathname (the database)");
		if (k == 0)
			return bad(t, "%s", "it sends SELECT with a fraction, which "
			    "every server refuses");
		t->db = v;
		break;
	case RD_DB_INT_OR_IGNORE:
		t->db = ca_py_int(u->db, &v) ? v : 0;
		break;
	case RD_DB_STRICT:
		if (!digits_only(u->db))
			return bad(t, "%s", "the path is not a database number");
		t->db = strtol(u->db, NULL, 10);
		break;
	}
	SET(t->db_src, src);
	return 0;
}

/* The query keys the client reads, applied under its own rules. */
static int
apply_query(const struct rd_client_model *m, const struct rd_curl *u,
    const char *src, struct target *t, bool *q_tls)
{
	char qs[RD_SOURCE_LEN + 16];
	const char *v;
	long n;
	int i;

	for (i = 0; i < u->nq; i++) {
		const char *k = u->q[i].key;
		unsigned bit = !strcmp(k, "password") ? RD_Q_PASSWORD :
		    !strcmp(k, "db") ? RD_Q_DB : !strcmp(k, "tls") ? RD_Q_TLS :
		    !strcmp(k, "ssl") ? RD_Q_SSL : !strcmp(k, "family") ?
		    RD_Q_FAMILY : !strcmp(k, "port") ? RD_Q_PORT :
		    !strcmp(k, "username") ? RD_Q_USERNAME : 0;

		/* ioredis copies every key, but reads no option "ssl". */
		if ((m->query & RD_Q_EVERY_KEY) && bit == RD_Q_SSL)
			bit = 0;
		if (bit == 0 || !(m->query & bit)) {
			if ((m->query & RD_Q_UNKNOWN_THROWS) && bit != 0)
				return bad(t, "an unknown query key ?%s= is an "
				    "argument the connection refuses", k);
			note_ignored(t, k);
			continue;
		}
		v = u->q[i].value;
		snprintf(qs, sizeof(qs), "%s?%s", src, k);
		switch (bit) {
		case RD_Q_PASSWORD:
			if (!t->has_pass || m->url == RD_UR_PYTHON) {
				t->has_pass = true;
				SET(t->pass, v);
				SET(t->pass_src, qs);
			}
			break;
		case RD_Q_USERNAME:
			if (!t->has_user || m->url == RD_UR_PYTHON) {
				t->has_user = true;
				SET(t->user, v);
				SET(t->user_src, qs);
			}
			break;
		case RD_Q_PORT:
			if (u->has_port)
				break;		/* the URL's port wins */
			if (m->url == RD_UR_PYTHON) {
				if (!ca_py_int(v, &n))
					return bad(t, "%s", "?port= is not a number "
					    "(the connection fails)");
			} else if (!ca_js_parseint10(v, &n))
				return bad(t, "%s", "?port= is not a number");
			t->port = n;
			SET(t->port_src, qs);
			SET(t->port_raw, v);
			break;
		case RD_Q_DB:
			if (u->has_db && m->url != RD_UR_PYTHON &&
			    m->url != RD_UR_GO)
				break;		/* ioredis: the path's wins */
			if (m->url == RD_UR_GO && v[0] == '\0')
				break;		/* go-redis: "" leaves the path's */
			if (m->url == RD_UR_GO) {
				if (!go_atoi(v, &n))
					return bad(t, "%s", "redis: invalid database "
					    "number (?db= is not one)");
			} else if (m->url == RD_UR_PYTHON) {
				if (!ca_py_int(v, &n))
					return bad(t, "%s", "ValueError: Invalid value "
					    "for `db` in connection URL");
			} else if (!ca_js_parseint10(v, &n))
				n = 0;
			t->db = n;
			SET(t->db_src, qs);
			SET(t->db_raw, v);
			break;
		case RD_Q_TLS:
			/* any non-empty string is truthy: ?tls=false is TLS */
			*q_tls = true;
			t->tls = v[0] != '\0';
			SET(t->tls_src, qs);
			break;
		case RD_Q_FAMILY:
			if (ca_js_parseint10(v, &n))
				t->family = (int)n;
			break;
		}
	}
	return 0;
}

/* The URL's parts over the options.  Returns -1 when the client throws. */
static int
from_url(const struct rd_client_model *m, const struct app *a,
    struct target *t)
{
	struct rd_curl u;
	bool q_tls = false, url_user, url_pass;
	int rc = -1;

	if (client_url_read(m, a->url, &u) == -1) {
		t->kind = RD_P_INVALID_URL;
		bad(t, "%s", u.why);
		goto out;
	}
	t->from_url = true;
	t->trimmed = u.trimmed;
	t->scheme_case = !u.scheme_lower;
	SET(t->host, u.host);
	SET(t->host_src, a->url_src);
	t->port = 6379;
	SET(t->port_src, "default");
	if (u.has_port) {
		t->port = u.port;
		SET(t->port_src, a->url_src);
	}
	t->tls = u.tls;
	SET(t->tls_src, a->url_src);
	/* The user info. */
	url_user = u.has_user;
	url_pass = u.has_pass;
	t->user_only = u.user_only && u.user[0] != '\0';
	if (t->user_only && m->user_only == RD_UO_IGNORED)
		url_user = url_pass = false;	/* redigo: Password() not set */
	if (t->user_only && m->user_only == RD_UO_PASSWORD) {
		url_user = false;
		url_pass = true;
		SET(u.pass, u.user);
	}
	if (m->merge == RD_MERGE_URL_TRUTHY) {
		url_user = url_user && u.user[0] != '\0';
		url_pass = url_pass && u.pass[0] != '\0';
	}
	if (url_user) {
		t->has_user = true;
		SET(t->user, u.user);
		SET(t->user_src, a->url_src);
		t->user_secret = t->user_only;
	}
	if (url_pass) {
		t->has_pass = true;
		SET(t->pass, u.pass);
		SET(t->pass_src, a->url_src);
	}
	if (url_db(m, &u, a->url_src, t) == -1 ||
	    apply_query(m, &u, a->url_src, t, &q_tls) == -1)
		goto out;
	/* Python: the URL's user info wins over ?password= / ?username=. */
	if (m->url == RD_UR_PYTHON && url_pass) {
		SET(t->pass, u.pass);
		SET(t->pass_src, a->url_src);
	}
	if (m->url == RD_UR_PYTHON && url_user) {
		SET(t->user, u.user);
		SET(t->user_src, a->url_src);
	}
	/* node-redis: a URL with any credentials replaces the options' (its
	 * credentials provider), so the password option is not read. */
	if (m->user_only == RD_UO_USER_NO_AUTH && m->url == RD_UR_WHATWG &&
	    (u.has_user || u.has_pass))
		SET(t->pass_src, t->has_pass ? t->pass_src : "-");
	if (a->servername != NULL && m->sni_turns_tls_on && !q_tls) {
		t->tls = true;
		SET(t->tls_src, a->sni_src);
	}
	if (u.socket) {
		/* The socket: no port, no TLS (what the URL said is dropped). */
		t->socket = true;
		SET(t->host, u.path);
		t->port = 0;
		SET(t->port_src, a->url_src);
		t->tls = q_tls = false;
		SET(t->tls_src, a->url_src);
	}
	t->q_tls = q_tls;
	rc = 0;
out:
	explicit_bzero(&u, sizeof(u));
	return rc;
}

/* The handshake: -2/-3 win; else the client's own (its row's resp:
 * node-redis, go-redis and ioredis 6 send HELLO 3 with the AUTH inside
 * it; the others a legacy AUTH). */
void
cf_client_handshake(struct rd_config *c, int flag_resp)
{
	c->resp = flag_resp;
	c->hello_as_client = false;
	if (flag_resp == 0 && c->model != NULL && c->model->resp != 0) {
		c->resp = c->model->resp;
		c->hello_as_client = true;
	}
}

/* What client m would connect with, given what the application hands it.
 * Fills t; t->ok false (with why) when the client throws or nothing it
 * would try can work. */
void
ca_build_target(struct ctx *x, const struct rd_client_model *m,
    const struct app *a, struct target *t)
{
	const struct rd_connflags *f = x->fl;
	const struct rd_envvar *e;
	bool url_creds = false;
	size_t i;

	memset(t, 0, sizeof(*t));
	t->ok = true;
	t->kind = RD_P_INVALID_VALUE;
	t->family = m->family;
	SET(t->db_src, a->db_src);
	t->db = a->db;
	if (a->db_raw != NULL)
		SET(t->db_raw, a->db_raw);
	if (a->dies) {
		t->kind = a->dies_kind;
		bad(t, "%s", a->why);
		return;
	}
	if (a->url != NULL) {
		if (from_url(m, a, t) == -1)
			return;
		/* node-redis: URL credentials replace the options'. */
		url_creds = !strcmp(t->pass_src, "-");
	} else {
		/* A URL in a host variable cannot resolve, and may carry a
		 * password: never used, never shown. */
		if (a->host != NULL && (strstr(a->host, "://") != NULL ||
		    strchr(a->host, '@') != NULL)) {
			SET(t->host_src, a->host_src);
			bad(t, "%s", "the host variable holds a URL: the client "
			    "looks it up as a host name, which cannot resolve; it "
			    "belongs in REDIS_URL");
			return;
		}
		for (i = 0; a->host != NULL && a->host[i] != '\0'; i++)
			if ((unsigned char)a->host[i] >= 0x80) {
				SET(t->host_src, a->host_src);
				bad(t, "%s", "the host holds bytes that are not ASCII: "
				    "the resolver cannot look it up (no value of it can "
				    "work)");
				return;
			}
		if (a->host != NULL && m->brackets_refused &&
		    strpbrk(a->host, "[]") != NULL) {
			size_t hl = strlen(a->host);

			SET(t->host_src, a->host_src);
			/* net.JoinHostPort brackets a host with a ':' again
			 * ("[[::1]]:6379"); only "[name]" survives, unwrapped. */
			if (strchr(a->host, ':') != NULL || a->host[0] != '[' ||
			    a->host[hl - 1] != ']' ||
			    strpbrk(a->host + 1, "[") != NULL ||
			    memchr(a->host, ']', hl - 1) != NULL) {
				bad(t, "%s", "the host is bracketed: net.JoinHostPort "
				    "brackets it again (\"[[::1]]:6379\") and the dial "
				    "fails before any packet; the client wants ::1");
				return;
			}
		}
		SET(t->host, a->host);
		if (a->host != NULL && m->brackets_refused && a->host[0] == '[')
			snprintf(t->host, sizeof(t->host), "%.*s",
			    (int)strlen(a->host) - 2, a->host + 1);
		SET(t->host_src, a->host_src);
		if (a->host == NULL)
			SET(t->host_src, "default");
		t->port = a->port;
		SET(t->port_src, a->port_src);
		if (a->port_raw != NULL)
			SET(t->port_raw, a->port_raw);
		SET(t->tls_src, "default");
		if (a->servername != NULL && m->sni_turns_tls_on) {
			t->tls = true;
			SET(t->tls_src, a->sni_src);
		}
	}
	if (!strcmp(t->pass_src, "-"))
		t->pass_src[0] = '\0';
	/* The password option, where the URL left room for it. */
	if (a->password != NULL && !t->has_pass && !url_creds) {
		t->has_pass = true;
		SET(t->pass, a->password);
		SET(t->pass_src, a->pw_src);
	} else if (a->password != NULL && !t->has_pass && t->user_only &&
	    m->user_only == RD_UO_USER_OPTION_PASSWORD) {
		t->has_pass = true;
		SET(t->pass, a->password);
		SET(t->pass_src, a->pw_src);
	}
	if (t->host[0] == '\0' && (a->host == NULL || m->empty_host_localhost)) {
		SET(t->host, "localhost");
		if (a->host == NULL && a->url == NULL)
			SET(t->host_src, "default");
	}
	/* The command line's overrides. */
	if (f->port > 0 && !t->socket) {
		t->port = f->port;
		SET(t->port_src, "flag:-p");
		t->port_raw[0] = '\0';
	}
	if (f->user != NULL && *f->user != '\0') {
		t->has_user = true;
		t->user_secret = false;
		SET(t->user, f->user);
		SET(t->user_src, "flag:--user");
	}
	if (f->password != NULL && *f->password != '\0') {
		t->has_pass = true;
		SET(t->pass, f->password);
		SET(t->pass_src, "flag:-a");
	}
	if (f->db >= 0) {
		t->db = f->db;
		SET(t->db_src, "flag:-n");
		t->db_raw[0] = '\0';
	}
	if (f->tls) {
		t->tls = true;
		SET(t->tls_src, "flag:--tls");
	}
	if (f->family != 0)
		t->family = f->family;
	/* SNI: the client's SNI option when the application sets one (a
	 * ?tls= string in place of ioredis's tls object drops it; redis-py
	 * 4 has no such option), else the client's default. */
	if (t->tls && a->servername != NULL && !t->q_tls &&
	    (m->url != RD_UR_PYTHON || f->sni != NULL)) {
		t->has_sni = true;
		SET(t->sni, a->servername);
		SET(t->sni_src, a->sni_src);
	}
	if (t->tls && !t->has_sni && !f->no_sni && m->sni == RD_SNI_HOST &&
	    !config_host_is_ip(t->host)) {
		t->has_sni = true;
		SET(t->sni, t->host);
		SET(t->sni_src, t->host_src);
	}
	if (!t->has_sni)
		SET(t->sni_src, t->tls ? (f->no_sni ? "flag:--no-sni" :
		    "client default: none") : "default");
	/* redis-cli: REDISCLI_AUTH when neither -u nor -a gave a password. */
	if (m->cli_auth && !t->has_pass &&
	    (e = envmap_get(x->env, "REDISCLI_AUTH")) != NULL) {
		t->has_pass = true;
		SET(t->pass, e->value);
		cf_env_src(e, t->pass_src, sizeof(t->pass_src));
	}
	/* The AUTH it sends. */
	if (m->cli_auth)
		t->auth = t->has_pass;	/* and the user part, "" included */
	else if (m->hello_auth_needs_password)
		t->auth = t->has_pass && t->pass[0] != '\0';
	else
		t->auth = (t->has_user && t->user[0] != '\0') ||
		    (t->has_pass && t->pass[0] != '\0');
	if (!t->auth && t->has_pass && t->pass[0] == '\0')
		t->has_pass = false;
	t->empty_user = m->cli_auth && t->auth && t->has_user && t->user[0] == '\0';
	/* What no value can get past. */
	if (!t->socket && (t->port <= 0 || t->port > 65535)) {
		char n[32];

		snprintf(n, sizeof(n), "%ld", t->port);
		t->kind = RD_P_INVALID_PORT;
		bad(t, "port %s cannot be connected to (the client refuses it "
		    "before any packet)", n);
	}
}

