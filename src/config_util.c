/* config_util.c — the small pieces resolution is built from: bounded
 * lists, problems and shadowed entries, strict and parseInt-like numbers,
 * sources, freeing, and the host predicates the rules share. */
#include "config_int.h"
#include "unixsock.h"

const char *const rd_field_names[RD_F__COUNT] = {
	"host", "port", "tls", "sni", "username", "password", "db"
};

int
cf_append(void **v, size_t *n, size_t size)
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
	if (cf_append((void **)&c->problems, &c->nproblems, sizeof(*p)) == -1)
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

int
cf_problem(struct ctx *x, enum rd_problem_kind kind, const char *name,
    bool fatal, const char *detail)
{
	if (config_add_problem(x->c, kind, name, fatal, "%s", detail) == -1) {
		x->oom = true;
		return -1;
	}
	return (int)x->c->nproblems - 1;
}

void
cf_make_fatal(struct ctx *x, int pi)
{
	if (pi >= 0 && (size_t)pi < x->c->nproblems) {
		x->c->problems[pi].fatal = true;
		x->c->valid = false;
	}
}

/* Records name as shadowed unless it already is (the first reason, from
 * the highest rule, is the one that explains it). */
void
cf_shadow(struct ctx *x, const char *name, const char *fmt, ...)
{
	struct rd_shadowed *s;
	va_list ap;
	size_t i;

	for (i = 0; i < x->c->nshadowed; i++)
		if (strcmp(x->c->shadowed[i].name, name) == 0)
			return;
	if (cf_append((void **)&x->c->shadowed, &x->c->nshadowed,
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

void
cf_set_field(struct ctx *x, enum rd_field_id id, const char *value,
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
void
cf_env_src(const struct rd_envvar *e, char *buf, size_t len)
{
	if (strcmp(e->origin, "env") == 0)
		snprintf(buf, len, "env:%s", e->name);
	else
		snprintf(buf, len, "%s", e->origin);
}

void
cf_url_src(const struct rd_envvar *e, char *buf, size_t len)
{
	if (strcmp(e->origin, "env") == 0)
		snprintf(buf, len, "url:%s", e->name);
	else
		snprintf(buf, len, "url:%s (%s)", e->name, e->origin);
}

/* A value shown in a detail: printable ASCII, at most 40 bytes.  Only for
 * values that are never secrets (ports, db numbers, flags). */
void
cf_shown(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 1 < len && o < 40; s++)
		buf[o++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	buf[o] = '\0';
}

/* ---- number readings -------------------------------------------------- */

/* Strict decimal in [lo, hi]; -1 when not. */
long
cf_strict_long(const char *s, long lo, long hi)
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
 * space, a sign, then decimal digits (radix 10) up to the first non-digit.
 * Returns false for NaN. */
bool
cf_js_parseint(const char *s, long long *out)
{
	long long v = 0;
	int neg = 0, base = 10, d, n = 0;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	/* parseInt(v, 10): "0x18eb" is 0 (the radix is given), not 6379. */
	for (;; s++, n++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
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

char *
cf_dup_or_null(struct ctx *x, const char *s)
{
	char *d;

	if (s == NULL || *s == '\0')
		return NULL;
	if ((d = strdup(s)) == NULL)
		x->oom = true;
	return d;
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
	for (i = 0; i < RD_F__COUNT; i++) {
		free_secret(&c->f[i].value);
		free(c->f[i].as_read);
	}
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

/* Replaces *slot with a copy of v (NULL when v is); -1 when out of memory. */
static int
reset(char **slot, const char *v)
{
	char *n = NULL;

	if (v != NULL && (n = strdup(v)) == NULL)
		return -1;
	free(*slot);
	*slot = n;
	return 0;
}

/* Lists name as shadowed, for the reason fmt says; dropped when out of
 * memory (the list only explains). */
static void __attribute__((format(printf, 3, 4)))
shadow_add(struct rd_config *c, const char *name, const char *fmt, ...)
{
	struct rd_shadowed *sh;
	va_list ap;

	if ((sh = realloc(c->shadowed, (c->nshadowed + 1) * sizeof(*sh))) == NULL)
		return;
	c->shadowed = sh;
	sh = &c->shadowed[c->nshadowed++];
	memset(sh, 0, sizeof(*sh));
	snprintf(sh->name, sizeof(sh->name), "%.63s", name);
	va_start(ap, fmt);
	vsnprintf(sh->reason, sizeof(sh->reason), fmt, ap);
	va_end(ap);
}

void
config_use_askpass(struct rd_config *c, const char *typed)
{
	struct rd_field *pw = &c->f[RD_F_PASSWORD];
	char buf[1024];

	if (pw->value != NULL)
		shadow_add(c, strncmp(pw->source, "env:", 4) ? pw->source :
		    pw->source + 4, "the --askpass answer replaces it%s",
		    typed != NULL ? " (an empty line is the empty password)" :
		    " (no answer: no password)");
	if (reset(&pw->value, typed != NULL ? "" : NULL) == -1) {
		config_add_problem(c, RD_P_INVALID_VALUE, "--askpass", true,
		    "out of memory");
		return;
	}
	c->secret = -1;
	c->password_set = c->empty_password = c->auth_sent = typed != NULL;
	if (!c->unix_socket) {
		url_format_redacted(c->tls, c->username, false, c->host,
		    c->port, c->db, buf, sizeof(buf));
		if (reset(&c->url_redacted, buf) == -1)
			c->valid = false;
	}
}

void
config_use_socket(struct rd_config *c, const char *path, const char *from)
{
	char url[4200], *p;

	if ((p = strdup(path)) == NULL) {	/* path may be c->host */
		config_add_problem(c, RD_P_INVALID_VALUE, from, true,
		    "out of memory");
		return;
	}
	if (c->host != NULL && strcmp(c->f[RD_F_HOST].source, "default") != 0 &&
	    strcmp(c->f[RD_F_HOST].source, from) != 0)
		shadow_add(c, c->f[RD_F_HOST].source, "%s names a Unix socket, "
		    "which wins over every host", from);
	if (reset(&c->host, p) == -1 ||
	    reset(&c->f[RD_F_HOST].value, p) == -1 ||
	    reset(&c->f[RD_F_PORT].value, NULL) == -1 ||
	    reset(&c->sni, NULL) == -1 || reset(&c->f[RD_F_SNI].value, NULL) == -1 ||
	    reset(&c->url_redacted, unixsock_url(p, c->db, url,
	    sizeof(url))) == -1) {
		free(p);
		config_add_problem(c, RD_P_INVALID_VALUE, from, true,
		    "out of memory");
		return;
	}
	free(c->f[RD_F_HOST].as_read);
	free(c->f[RD_F_PORT].as_read);
	c->f[RD_F_HOST].as_read = c->f[RD_F_PORT].as_read = NULL;
	snprintf(c->f[RD_F_HOST].source, sizeof(c->f[RD_F_HOST].source), "%s", from);
	snprintf(c->f[RD_F_PORT].source, sizeof(c->f[RD_F_PORT].source), "%s", from);
	snprintf(c->source, sizeof(c->source), "%s", from);
	for (size_t i = 0; i < c->ncands; i++)
		if (c->cands[i].winner && !(c->cands[i].unix_socket &&
		    !strcmp(c->cands[i].host, p)))
			c->cands[i].winner = false;	/* the socket won */
	free(p);
	c->port = 0;
	c->unix_socket = true;
	c->default_used = false;
	c->sni_explicit = false;
	if (c->tls) {
		c->tls = false;
		reset(&c->f[RD_F_TLS].value, "false");
		snprintf(c->f[RD_F_TLS].source, sizeof(c->f[RD_F_TLS].source),
		    "%s", from);
	}
}
