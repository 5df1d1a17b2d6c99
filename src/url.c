/* url.c — redis:// URL parser (contract in url.h).
 *
 * The URL is split once into scheme, userinfo, host, port, path and query
 * by positions in the input; each part is then checked and decoded into a
 * fixed-size field.  Every error records the offset of the first bad byte
 * and a message made only of constant text and numbers. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "secret.h"
#include "url.h"

static int
fail(struct rd_url_err *e, size_t off, const char *fmt, ...)
{
	va_list ap;

	e->offset = off;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..n) (at offset base in the URL) into dst[cap].
 * %00 is refused: the result is a C string. */
static int
pct_decode(const char *s, size_t n, size_t base, char *dst, size_t cap,
    const char *what, struct rd_url_err *e)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (o + 1 >= cap)
			return fail(e, base + i, "%s longer than %zu bytes",
			    what, cap - 1);
		if (s[i] != '%') {
			dst[o++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			return fail(e, base + i,
			    "bad percent-encoding in the %s (%% must be followed by two hex digits)",
			    what);
		hi = hexval(s[i + 1]);
		lo = hexval(s[i + 2]);
		if (hi < 0 || lo < 0)
			return fail(e, base + i,
			    "bad percent-encoding in the %s (%% must be followed by two hex digits)",
			    what);
		if (hi == 0 && lo == 0)
			return fail(e, base + i, "%%00 (NUL) in the %s", what);
		dst[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	dst[o] = '\0';
	return 0;
}

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

/* Checks an IPv6 literal (no brackets), allowing a %zone suffix. */
static int
check_ipv6(const char *s, size_t n, size_t base, struct rd_url_err *e)
{
	char buf[64];
	struct in6_addr a;
	size_t i, alen = n;

	if (n > 200)
		return fail(e, base, "IPv6 literal longer than 200 bytes");
	for (i = 0; i < n; i++)
		if (s[i] == '%') {
			alen = i;
			break;
		}
	if (alen == 0 || alen >= sizeof(buf))
		return fail(e, base, "not a valid IPv6 address");
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET6, buf, &a) != 1)
		return fail(e, base, "not a valid IPv6 address");
	for (i = alen + 1; i < n; i++)
		if (!name_char(s[i]) && s[i] != '%')
			return fail(e, base + i, "bad character in the IPv6 zone");
	return 0;
}

/* Checks a host name or IPv4 address s[0..n). */
static int
check_name(const char *s, size_t n, size_t base, struct rd_url_err *e)
{
	char buf[16];
	struct in_addr a;
	bool numeric = true;
	size_t i;

	if (n == 0)
		return fail(e, base, "no host");
	if (n > 253)
		return fail(e, base, "host longer than 253 bytes");
	for (i = 0; i < n; i++) {
		if (s[i] == ':')
			return fail(e, base + i,
			    "':' in the host (an IPv6 address must be in [brackets])");
		if (s[i] == '%')
			return fail(e, base + i,
			    "percent-encoding in the host is not supported");
		if ((unsigned char)s[i] >= 0x80)
			return fail(e, base + i,
			    "non-ASCII host (use its xn-- form)");
		if (!name_char(s[i]))
			return fail(e, base + i, "bad character in the host");
		if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '.')
			numeric = false;
	}
	if (s[0] == '.' || s[0] == '-')
		return fail(e, base, "host starts with '%c'", s[0]);
	/* "10.1" or "1.2.3.4.5": a browser would read a number, an OS
	 * resolver something else.  Refuse rather than guess. */
	if (numeric) {
		if (n >= sizeof(buf) || (memcpy(buf, s, n), buf[n] = '\0',
		    inet_pton(AF_INET, buf, &a) != 1))
			return fail(e, base, "not a valid IPv4 address");
	}
	return 0;
}

int
url_check_host(const char *h, struct rd_url_err *e)
{
	size_t n = strlen(h);

	memset(e, 0, sizeof(*e));
	if (n > 0 && h[0] == '[') {
		if (h[n - 1] != ']')
			return fail(e, 0, "'[' without a closing ']'");
		return check_ipv6(h + 1, n - 2, 1, e);
	}
	if (memchr(h, ':', n) != NULL)
		return check_ipv6(h, n, 0, e);
	return check_name(h, n, 0, e);
}

/* Strict decimal s[0..n) in [lo, hi]; -1 when not. */
static long
strict_num(const char *s, size_t n, long lo, long hi)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < lo || v > hi ? -1 : v;
}

static int
parse_scheme(const char *s, size_t *pos, struct rd_url *u, struct rd_url_err *e)
{
	static const char *later[] = { "redis-socket://", "valkey://",
	    "valkeys://" };
	size_t i;

	if (strncasecmp(s, "unix://", 7) == 0) {
		u->unix_socket = true;
		*pos = 7;
		return 0;
	}

	if (strncasecmp(s, "redis+sentinel://", 17) == 0) {
		u->sentinel = true;
		*pos = 17;
		return 0;
	}
	if (strncasecmp(s, "rediss+sentinel://", 18) == 0) {
		u->sentinel = u->tls = true;
		*pos = 18;
		return 0;
	}
	if (strncasecmp(s, "redis://", 8) == 0) {
		*pos = 8;
		return 0;
	}
	if (strncasecmp(s, "rediss://", 9) == 0) {
		u->tls = true;
		*pos = 9;
		return 0;
	}
	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		if (strncasecmp(s, later[i], strlen(later[i])) == 0)
			return fail(e, 0, "%.*s URLs are not supported yet "
			    "(use redis:// or rediss://)",
			    (int)(strlen(later[i]) - 3), later[i]);
	return fail(e, 0, "not a redis://, rediss:// or unix:// URL");
}

static int
parse_userinfo(const char *s, size_t a, size_t b, struct rd_url *u,
    struct rd_url_err *e)
{
	const char *colon = memchr(s + a, ':', b - a);
	size_t ue = colon ? (size_t)(colon - s) : b;

	if (ue > a) {
		if (pct_decode(s + a, ue - a, a, u->user, sizeof(u->user),
		    "user name", e) == -1)
			return -1;
		u->has_user = true;
		u->user_only = colon == NULL;
	}
	if (colon != NULL) {
		if (pct_decode(s + ue + 1, b - ue - 1, ue + 1, u->password,
		    sizeof(u->password), "password", e) == -1)
			return -1;
		u->has_password = b - ue - 1 > 0;
	}
	return 0;
}

static int
parse_hostport(const char *s, size_t a, size_t b, struct rd_url *u,
    struct rd_url_err *e)
{
	const char *rb;
	size_t he, ps;
	long port;

	if (a < b && s[a] == '[') {
		if ((rb = memchr(s + a, ']', b - a)) == NULL)
			return fail(e, a, "'[' without a closing ']'");
		he = (size_t)(rb - s);
		if (check_ipv6(s + a + 1, he - a - 1, a + 1, e) == -1)
			return -1;
		memcpy(u->host, s + a + 1, he - a - 1);
		u->host[he - a - 1] = '\0';
		u->host_ipv6 = true;
		ps = he + 1;
		if (ps < b && s[ps] != ':')
			return fail(e, ps, "unexpected character after ']'");
	} else {
		const char *c = memchr(s + a, ':', b - a);

		he = c ? (size_t)(c - s) : b;
		if (c != NULL && memchr(c + 1, ':', b - he - 1) != NULL)
			return fail(e, a, "more than one ':' (an IPv6 address "
			    "must be in [brackets])");
		if (check_name(s + a, he - a, a, e) == -1)
			return -1;
		memcpy(u->host, s + a, he - a);
		u->host[he - a] = '\0';
		ps = he;
	}
	if (ps >= b)
		return 0;
	ps++;				/* the ':' */
	if (ps == b)
		return fail(e, ps, "empty port after ':'");
	if ((port = strict_num(s + ps, b - ps, 1, 65535)) < 0)
		return fail(e, ps, "port is not a number in 1..65535");
	u->port = (int)port;
	return 0;
}

static void
query_key_secret(struct rd_url_query *q)
{
	static const char *secret[] = { "password", "pass", "pwd", "auth",
	    "token", "secret", "passwd", "requirepass" };
	size_t i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		if (strcasecmp(q->key, secret[i]) == 0)
			q->secret = true;
}

static int
parse_query(const char *s, size_t a, size_t b, struct rd_url *u,
    struct rd_url_err *e)
{
	struct rd_url_query *q;
	char val[RD_URL_MAX_LEN];
	const char *amp, *eq;
	size_t pe, ke;

	while (a < b) {
		amp = memchr(s + a, '&', b - a);
		pe = amp ? (size_t)(amp - s) : b;
		if (pe == a) {		/* "&&" or a trailing '&' */
			a++;
			continue;
		}
		if (u->nquery >= RD_URL_MAX_QUERY)
			return fail(e, a, "more than %d query parameters",
			    RD_URL_MAX_QUERY);
		q = &u->query[u->nquery];
		eq = memchr(s + a, '=', pe - a);
		ke = eq ? (size_t)(eq - s) : pe;
		if (ke == a)
			return fail(e, a, "query parameter without a name");
		if (pct_decode(s + a, ke - a, a, q->key, sizeof(q->key),
		    "query parameter name", e) == -1)
			return -1;
		query_key_secret(q);
		if (eq != NULL && pct_decode(s + ke + 1, pe - ke - 1, ke + 1,
		    val, sizeof(val), "query value", e) == -1)
			return -1;
		if (eq == NULL)
			val[0] = '\0';
		if (q->secret)
			snprintf(q->value, sizeof(q->value), "****");
		else if (strlen(val) >= sizeof(q->value))
			return fail(e, ke + 1, "query value longer than %zu bytes",
			    sizeof(q->value) - 1);
		else
			snprintf(q->value, sizeof(q->value), "%s", val);
		u->nquery++;
		a = pe + 1;
	}
	return 0;
}

static int
parse_path(const char *s, size_t a, size_t b, struct rd_url *u,
    struct rd_url_err *e)
{
	long db;

	/* a points at '/'; "" and "/" mean no database. */
	if (b - a <= 1)
		return 0;
	if ((db = strict_num(s + a + 1, b - a - 1, 0, 1000000)) < 0)
		return fail(e, a + 1,
		    "database in the path is not a number in 0..1000000");
	u->db = (int)db;
	return 0;
}

/* "h1:p1,h2:p2": every sentinel into u->sentinels, the first also into
 * u->host and u->port. */
static int
parse_sentinels(const char *s, size_t a, size_t b, struct rd_url *u,
    struct rd_url_err *e)
{
	struct rd_url one;
	const char *comma;
	size_t pe;

	for (;;) {
		comma = memchr(s + a, ',', b - a);
		pe = comma ? (size_t)(comma - s) : b;
		if (pe == a)
			return fail(e, a, "empty sentinel address");
		if (u->nsentinels >= RD_URL_MAX_SENTINELS)
			return fail(e, a, "more than %d sentinels",
			    RD_URL_MAX_SENTINELS);
		memset(&one, 0, sizeof(one));
		if (parse_hostport(s, a, pe, &one, e) == -1)
			return -1;
		memcpy(u->sentinels[u->nsentinels].host, one.host,
		    sizeof(one.host));
		u->sentinels[u->nsentinels].port = one.port > 0 ? one.port :
		    RD_SENTINEL_PORT;
		if (u->nsentinels++ == 0) {
			memcpy(u->host, one.host, sizeof(one.host));
			u->host_ipv6 = one.host_ipv6;
			u->port = u->sentinels[0].port;
		}
		if (comma == NULL)
			return 0;
		a = pe + 1;
	}
}

/* "/MASTER" or "/MASTER/db" of a sentinel URL. */
static int
parse_master(const char *s, size_t a, size_t b, struct rd_url *u,
    struct rd_url_err *e)
{
	const char *sl;
	size_t me;
	long db;

	if (b - a <= 1)
		return fail(e, a, "a sentinel URL names the master: "
		    "redis+sentinel://host:port/MASTER");
	sl = memchr(s + a + 1, '/', b - a - 1);
	me = sl ? (size_t)(sl - s) : b;
	if (me == a + 1)
		return fail(e, a + 1, "empty master name");
	if (pct_decode(s + a + 1, me - a - 1, a + 1, u->master,
	    sizeof(u->master), "master name", e) == -1)
		return -1;
	if (sl == NULL || b - me <= 1)
		return 0;
	if ((db = strict_num(s + me + 1, b - me - 1, 0, 1000000)) < 0)
		return fail(e, me + 1,
		    "database in the path is not a number in 0..1000000");
	u->db = (int)db;
	return 0;
}

/* unix://[[user]:password@]/path[?query] (redis-py's form): the path,
 * decoded, into u->host; no host, no port; the database only as ?db=. */
static int
parse_unix(const char *s, size_t pos, size_t len, struct rd_url *u,
    struct rd_url_err *e)
{
	size_t ps = pos, qs, i;

	while (ps < len && s[ps] != '/' && s[ps] != '@' && s[ps] != '?')
		ps++;
	if (ps < len && s[ps] == '@') {
		if (parse_userinfo(s, pos, ps, u, e) == -1)
			return -1;
		ps++;
	} else if (ps != pos)
		return fail(e, pos, "unix:// names no host: unix:///path/to/"
		    "redis.sock (or unix://:password@/path)");
	if (ps >= len || s[ps] != '/')
		return fail(e, ps, "unix:// needs an absolute path "
		    "(unix:///run/redis/redis.sock)");
	for (i = ps; i < len; i++)
		if (s[i] == '#')
			return fail(e, i, "fragment ('#') in a redis URL");
	for (qs = ps; qs < len && s[qs] != '?'; qs++)
		;
	/* sun_path holds 108 bytes with its NUL. */
	if (pct_decode(s + ps, qs - ps, ps, u->host, RD_URL_MAX_SOCKET + 1,
	    "socket path", e) == -1)
		return -1;
	if (qs < len && parse_query(s, qs + 1, len, u, e) == -1)
		return -1;
	return 0;
}

/* Splits the authority from path/query and the userinfo from the host. */
static int
parse_rest(const char *s, size_t pos, size_t len, struct rd_url *u,
    struct rd_url_err *e)
{
	size_t ae = pos, at = (size_t)-1, qs, i;

	while (ae < len && s[ae] != '/' && s[ae] != '?' && s[ae] != '#')
		ae++;
	/* The last '@' ends the userinfo, as WHATWG URL parsers do, so an
	 * unencoded '@' in a password still parses the way Node reads it. */
	for (i = pos; i < ae; i++)
		if (s[i] == '@')
			at = i;
	if (at == (size_t)-1 && memchr(s + ae, '@', len - ae) != NULL)
		return fail(e, ae, "the authority ends here but an '@' follows: "
		    "percent-encode '/', '?' and '#' in the password (%%2F %%3F %%23)");
	if (at != (size_t)-1) {
		if (parse_userinfo(s, pos, at, u, e) == -1)
			return -1;
		pos = at + 1;
	}
	if (u->sentinel ? parse_sentinels(s, pos, ae, u, e) == -1 :
	    parse_hostport(s, pos, ae, u, e) == -1)
		return -1;
	for (i = ae; i < len; i++)
		if (s[i] == '#')
			return fail(e, i, "fragment ('#') in a redis URL");
	qs = ae;
	while (qs < len && s[qs] != '?')
		qs++;
	if (u->sentinel && parse_master(s, ae, qs, u, e) == -1)
		return -1;
	if (!u->sentinel && ae < qs && parse_path(s, ae, qs, u, e) == -1)
		return -1;
	if (qs < len && parse_query(s, qs + 1, len, u, e) == -1)
		return -1;
	return 0;
}

int
url_parse(const char *s, struct rd_url *u, struct rd_url_err *e)
{
	size_t len, pos = 0, i;

	memset(u, 0, sizeof(*u));
	memset(e, 0, sizeof(*e));
	u->db = -1;
	len = strnlen(s, RD_URL_MAX_LEN + 1);
	if (len == 0)
		return fail(e, 0, "empty URL");
	if (len > RD_URL_MAX_LEN)
		return fail(e, RD_URL_MAX_LEN, "URL longer than %d bytes",
		    RD_URL_MAX_LEN);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f) {
			fail(e, i, "%s at byte %zu (quote the value, or "
			    "percent-encode it: %%20)", s[i] == ' ' ?
			    "space" : "control character", i);
			goto bad;
		}
	if (parse_scheme(s, &pos, u, e) == -1 || (u->unix_socket ?
	    parse_unix(s, pos, len, u, e) : parse_rest(s, pos, len, u, e)) == -1)
		goto bad;
	return 0;
bad:
	/* No partial guess survives an error. */
	memset(u, 0, sizeof(*u));
	u->db = -1;
	return -1;
}

const char *
url_query(const struct rd_url *u, const char *key)
{
	int i;

	for (i = 0; i < u->nquery; i++)
		if (strcasecmp(u->query[i].key, key) == 0)
			return u->query[i].value;
	return NULL;
}

/* A bounded string builder: o counts what was wanted, buf holds what fit. */
struct sb {
	char	*buf;
	size_t	 len, o;
};

static void
sb_putc(struct sb *b, char c)
{
	if (b->o + 1 < b->len) {
		b->buf[b->o] = c;
		b->buf[b->o + 1] = '\0';
	}
	b->o++;
}

static void
sb_puts(struct sb *b, const char *s)
{
	while (*s)
		sb_putc(b, *s++);
}

/* Appends s, percent-encoding what would break the URL. */
static void
sb_enc(struct sb *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s; s++) {
		c = (unsigned char)*s;
		if (name_char((char)c) || c == '~') {
			sb_putc(b, (char)c);
			continue;
		}
		sb_putc(b, '%');
		sb_putc(b, hex[c >> 4]);
		sb_putc(b, hex[c & 15]);
	}
}

/* "[user][:****]@" (nothing without either); a user "****" is one that
 * may be a password. */
static void
sb_userinfo(struct sb *b, const char *user, bool password_set)
{
	if (user != NULL && strcmp(user, RD_MASK) == 0)
		sb_puts(b, RD_MASK);
	else if (user != NULL)
		sb_enc(b, user);
	if (password_set)
		sb_puts(b, ":****");
	if (user != NULL || password_set)
		sb_putc(b, '@');
}

int
url_format_redacted(bool tls, const char *user, bool password_set,
    const char *host, int port, int db, char *buf, size_t len)
{
	struct sb b = { buf, len, 0 };
	char num[32];
	bool has_user = user != NULL && *user != '\0';

	if (len > 0)
		buf[0] = '\0';
	sb_puts(&b, tls ? "rediss://" : "redis://");
	sb_userinfo(&b, has_user ? user : NULL, password_set);
	if (host != NULL && strchr(host, ':') != NULL) {
		sb_putc(&b, '[');
		sb_puts(&b, host);
		sb_putc(&b, ']');
	} else if (host != NULL)
		sb_puts(&b, host);
	if (port > 0) {
		snprintf(num, sizeof(num), ":%d", port);
		sb_puts(&b, num);
	}
	if (db >= 0) {
		snprintf(num, sizeof(num), "/%d", db);
		sb_puts(&b, num);
	}
	return (int)b.o;
}

int
url_redact(const struct rd_url *u, char *buf, size_t len)
{
	if (u->unix_socket) {
		struct sb b = { buf, len, 0 };

		if (len > 0)
			buf[0] = '\0';
		sb_puts(&b, "unix://");
		sb_userinfo(&b, u->user_only ? RD_MASK : u->has_user ?
		    u->user : NULL, u->has_password);
		sb_puts(&b, u->host);
		return (int)b.o;
	}
	if (u->sentinel) {
		struct sb b = { buf, len, 0 };
		const char *user = u->user_only ? RD_MASK : u->has_user ?
		    u->user : NULL;
		char num[32];
		int i;

		if (len > 0)
			buf[0] = '\0';
		sb_puts(&b, u->tls ? "rediss+sentinel://" : "redis+sentinel://");
		sb_userinfo(&b, user, u->has_password);
		for (i = 0; i < u->nsentinels; i++) {
			const char *h = u->sentinels[i].host;

			if (i > 0)
				sb_putc(&b, ',');
			if (strchr(h, ':') != NULL) {
				sb_putc(&b, '[');
				sb_puts(&b, h);
				sb_putc(&b, ']');
			} else
				sb_puts(&b, h);
			snprintf(num, sizeof(num), ":%d", u->sentinels[i].port);
			sb_puts(&b, num);
		}
		sb_putc(&b, '/');
		sb_enc(&b, u->master);
		if (u->db >= 0) {
			snprintf(num, sizeof(num), "/%d", u->db);
			sb_puts(&b, num);
		}
		return (int)b.o;
	}
	return url_format_redacted(u->tls, u->user_only ? RD_MASK :
	    u->has_user ? u->user : NULL, u->has_password, u->host, u->port,
	    u->db, buf, len);
}
