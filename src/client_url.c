/* client_url.c — URL readers of the modelled clients (see client_url.h).
 *
 * One splitter (scheme, user info at the last '@' of the authority, host,
 * port, path, query) and, per reader, the few places the clients differ:
 * what is trimmed, whether the scheme is lowered, when the user info is
 * decoded (Node's url.parse decodes it whole, before ioredis splits it at
 * ':'), what a bad %-escape does, which ports are refused, whether host
 * names keep their case. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_url.h"

#define BUF	4096

static int
fail(struct rd_curl *o, const char *why)
{
	o->ok = false;
	snprintf(o->why, sizeof(o->why), "%s", why);
	return -1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[n] into out.  strict: a '%' not followed by two hex
 * digits is an error (decodeURIComponent's URIError, Go's "invalid URL
 * escape"); else it is kept (Python's unquote).  plus: '+' is a space (form
 * decoding of query strings).  Returns 0, -1 on a bad escape or no room. */
static int
pct_decode(const char *s, size_t n, char *out, size_t sz, bool strict,
    bool plus)
{
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < n; i++) {
		if (o + 1 >= sz)
			return -1;
		if (s[i] == '%' && i + 2 < n &&
		    (h = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(h * 16 + l);
			i += 2;
		} else if (s[i] == '%' && strict)
			return -1;
		else if (s[i] == '+' && plus)
			out[o++] = ' ';
		else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return 0;
}

/* Copies s into buf as the reader prepares it. */
static int
prepare(enum rd_url_reader r, const char *s, char *buf, struct rd_curl *o)
{
	size_t n = strlen(s), i, b = 0;
	size_t lo = 0, hi = n;

	if (n >= BUF)
		return fail(o, "longer than the client would take here");
	switch (r) {
	case RD_UR_NODE_LEGACY:		/* String.prototype.trim() */
	case RD_UR_NODE_WHATWG:		/* C0 controls and space */
	case RD_UR_WHATWG:
		while (lo < hi && (unsigned char)s[lo] <= 0x20)
			lo++;
		while (hi > lo && (unsigned char)s[hi - 1] <= 0x20)
			hi--;
		break;
	case RD_UR_PYTHON:		/* lstrip, then \t \r \n anywhere */
		while (lo < hi && (unsigned char)s[lo] <= 0x20)
			lo++;
		break;
	case RD_UR_GO:
		for (i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return fail(o, "net/url: invalid control character in URL");
		break;
	default:
		break;
	}
	o->trimmed = lo > 0 || hi < n;
	for (i = lo; i < hi; i++) {
		if (r != RD_UR_NODE_LEGACY && r != RD_UR_HIREDIS &&
		    r != RD_UR_GO && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
			o->trimmed = true;
			continue;
		}
		buf[b++] = s[i];
	}
	buf[b] = '\0';
	return 0;
}

/* Length of a scheme at p ("[A-Za-z][A-Za-z0-9+.-]*" before ':'), or 0. */
static size_t
scheme_len(const char *p)
{
	size_t i = 0;

	if (!isalpha((unsigned char)p[0]))
		return 0;
	while (isalnum((unsigned char)p[i]) || p[i] == '+' || p[i] == '-' ||
	    p[i] == '.')
		i++;
	return p[i] == ':' ? i : 0;
}

static void
read_query(const struct rd_client_model *m, const char *q, struct rd_curl *o)
{
	const char *p = q, *amp, *eq;
	size_t n;

	while (*p != '\0' && o->nq < RD_CURL_MAX_QUERY) {
		amp = strchr(p, '&');
		n = amp ? (size_t)(amp - p) : strlen(p);
		eq = memchr(p, '=', n);
		if (n > 0) {
			size_t kn = eq ? (size_t)(eq - p) : n;
			const char *v = eq ? eq + 1 : p + n;
			size_t vn = eq ? n - kn - 1 : 0;

			/* parse_qs drops keys with a blank value. */
			if (!(m->url == RD_UR_PYTHON && vn == 0) &&
			    pct_decode(p, kn, o->q[o->nq].key,
			    sizeof(o->q[0].key), false, true) == 0 &&
			    pct_decode(v, vn, o->q[o->nq].value,
			    sizeof(o->q[0].value), false, true) == 0)
				o->nq++;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
}

/* Go's net/url: the bytes a host may hold unescaped (shouldEscape's
 * encodeHost); any other ASCII byte is "invalid character in host name". */
static bool
go_host_byte(unsigned char c)
{
	return c >= 0x80 || isalnum(c) || strchr("!$&'()*+,;=:[]<>\"-_.~%", c) != NULL;
}

/* Go's validUserinfo. */
static bool
go_userinfo_byte(unsigned char c)
{
	return c >= 0x80 || isalnum(c) || strchr("-._:~!$&'()*+,;=%@", c) != NULL;
}

/* The user info u[n], split and decoded as the reader does. */
static int
read_userinfo(const struct rd_client_model *m, const char *u, size_t n,
    struct rd_curl *o)
{
	const char *colon = memchr(u, ':', n);
	bool strict = m->pct_throws;
	char whole[1536];
	size_t un = colon ? (size_t)(colon - u) : n, i;

	for (i = 0; m->url == RD_UR_GO && i < n; i++)
		if (!go_userinfo_byte((unsigned char)u[i]))
			return fail(o, "net/url: invalid userinfo");
	o->user_only = colon == NULL;
	if (m->url == RD_UR_NODE_LEGACY) {
		/* url.parse: decodeURIComponent(auth), then ioredis splits at
		 * the first ':' of the decoded text; an empty auth is none. */
		if (n == 0)
			return 0;
		if (pct_decode(u, n, whole, sizeof(whole), true, false) == -1)
			return fail(o, "URIError: URI malformed (the user info's %-escapes)");
		colon = strchr(whole, ':');
		o->user_only = colon == NULL;
		un = colon ? (size_t)(colon - whole) : strlen(whole);
		snprintf(o->user, sizeof(o->user), "%.*s", (int)un, whole);
		snprintf(o->pass, sizeof(o->pass), "%s", colon ? colon + 1 : "");
		o->has_user = o->has_pass = true;
		explicit_bzero(whole, sizeof(whole));
		return 0;
	}
	if (pct_decode(u, un, o->user, sizeof(o->user), strict, false) == -1 ||
	    (colon != NULL && pct_decode(colon + 1, n - un - 1, o->pass,
	    sizeof(o->pass), strict, false) == -1))
		return fail(o, m->url == RD_UR_GO ? "net/url: invalid URL escape in the user info" :
		    "URIError: URI malformed (the user info's %-escapes)");
	switch (m->url) {
	case RD_UR_NODE_WHATWG:
		/* ioredis 6: both set when either is non-empty. */
		o->has_user = o->has_pass = un > 0 || (colon && n - un - 1 > 0);
		break;
	case RD_UR_WHATWG:
	case RD_UR_PYTHON:
		o->has_user = o->user[0] != '\0';
		o->has_pass = o->pass[0] != '\0';
		break;
	case RD_UR_HIREDIS:		/* user only before a ':'; the rest is the password */
		o->has_user = colon != NULL;
		o->has_pass = true;
		break;
	default:			/* Go: the ':' decides */
		o->has_user = true;
		o->has_pass = colon != NULL;
		break;
	}
	return 0;
}

static int
read_hostport(const struct rd_client_model *m, const char *h, size_t n,
    struct rd_curl *o)
{
	const char *port = NULL, *close;
	size_t hn = n, i;
	bool lower = m->url == RD_UR_NODE_LEGACY || m->url == RD_UR_PYTHON;

	for (i = 0; m->url == RD_UR_GO && i < n; i++)
		if (!go_host_byte((unsigned char)h[i]))
			return fail(o, "net/url: invalid character in host name");
	if (n > 0 && h[0] == '[' && memchr(h, ']', n) == NULL)
		return fail(o, m->url == RD_UR_PYTHON ? "ValueError: Invalid IPv6 URL" :
		    "TypeError: Invalid URL (an unclosed IPv6 literal)");
	if (n > 0 && h[0] == '[' && (close = memchr(h, ']', n)) != NULL) {
		hn = (size_t)(close - h) + 1;
		if (hn < n && h[hn] == ':')
			port = h + hn + 1;
		else if (hn < n)
			return fail(o, "Invalid URL (text after the IPv6 literal)");
		/* net.SplitHostPort refuses "[::1]" without a port; the client
		 * keeps the brackets and net.JoinHostPort wraps them again. */
		if (port == NULL && m->url_brackets_kept)
			return fail(o, "the address is [[::1]]:6379 (net.SplitHostPort "
			    "fails on a bracketed host without a port, net.JoinHostPort "
			    "wraps it again): the dial fails before any packet");
		/* Every reader here drops the brackets of a URL's literal. */
		snprintf(o->host, sizeof(o->host), "%.*s", (int)(hn - 2), h + 1);
	} else {
		const char *c = NULL;

		for (i = 0; i < n; i++)
			if (h[i] == ':')
				c = h + i;
		if (c != NULL) {
			hn = (size_t)(c - h);
			port = c + 1;
		}
		if (hn >= sizeof(o->host))
			return fail(o, "the host name is too long");
		snprintf(o->host, sizeof(o->host), "%.*s", (int)hn, h);
	}
	if (lower)
		for (i = 0; o->host[i]; i++)
			o->host[i] = (char)tolower((unsigned char)o->host[i]);
	if (port != NULL) {
		size_t pn = (size_t)(h + n - port);
		long v = 0;

		for (i = 0; i < pn; i++) {
			if (!isdigit((unsigned char)port[i]))
				return fail(o, m->url == RD_UR_PYTHON ?
				    "ValueError: Port could not be cast to integer value" :
				    m->url == RD_UR_GO ? "net/url: invalid port" :
				    "TypeError: Invalid URL (the port)");
			if (v < 1000000)
				v = v * 10 + (port[i] - '0');
		}
		if (pn > 0) {
			if (v > 65535 && (m->url == RD_UR_NODE_WHATWG ||
			    m->url == RD_UR_WHATWG))
				return fail(o, "TypeError: Invalid URL (port over 65535)");
			if (v > 65535 && m->url == RD_UR_PYTHON)
				return fail(o, "ValueError: Port out of range 0-65535");
			o->has_port = true;
			o->port = v;
			/* Python: url.port 0 is falsy, redis-py keeps its default */
			if (v == 0 && m->url == RD_UR_PYTHON)
				o->has_port = false;
		} else if (m->empty_port_zero) {
			/* "h:" is port "" for net.SplitHostPort, port 0 to dial */
			o->has_port = true;
			o->port = 0;
		}
	}
	return 0;
}

/* A Unix socket path of n bytes at s into o->path, decoded when the
 * reader decodes paths. */
static int
socket_path(const struct rd_client_model *m, const char *s, size_t n,
    struct rd_curl *o)
{
	const char *empty = m->url == RD_UR_GO ? "redis: empty unix socket path" :
	    "no socket path (the connection fails)";

	o->socket = true;
	o->scheme_lower = true;		/* REDISS:// is the case that matters */
	if (n == 0 || (n == 1 && m->url == RD_UR_WHATWG))
		return fail(o, m->url == RD_UR_WHATWG ? "TypeError: Invalid unix URL" :
		    empty);
	if (m->url == RD_UR_NODE_WHATWG || m->url == RD_UR_NODE_LEGACY) {
		/* net.connect({ path }) takes it as written; "///x" is "/x". */
		while (n > 1 && s[0] == '/' && s[1] == '/')
			s++, n--;
		if (n >= sizeof(o->path))
			return fail(o, "the socket path is longer than 107 bytes");
		snprintf(o->path, sizeof(o->path), "%.*s", (int)n, s);
		return 0;
	}
	if (pct_decode(s, n, o->path, sizeof(o->path), m->url != RD_UR_PYTHON,
	    false) == -1)
		return fail(o, strlen(s) >= sizeof(o->path) ?
		    "the socket path is longer than 107 bytes" :
		    m->url == RD_UR_GO ? "net/url: invalid URL escape in the path" :
		    "URIError: URI malformed (the socket path's %-escapes)");
	return 0;
}

/* The Unix socket forms of the clients that read them (m->unix_url):
 * unix://[user[:password]@]/path[?query] (ioredis, node-redis, redis-py,
 * go-redis) and, for ioredis, a bare "/path[?query]".  Returns 1 when s
 * is not one, else 0 or -1 (the client throws) with o filled. */
static int
read_socket(const struct rd_client_model *m, const char *s, size_t sl,
    struct rd_curl *o)
{
	bool node = m->url == RD_UR_NODE_WHATWG || m->url == RD_UR_NODE_LEGACY;
	const char *a, *end, *at = NULL, *q;
	size_t n;

	if (!m->unix_url)
		return 1;
	if (node && s[0] == '/' && s[1] != '/') {
		/* parseURL: a path, its query read as options. */
		n = strcspn(s, m->url == RD_UR_NODE_WHATWG ? "?" : "?#");
		if (socket_path(m, s, n, o) == -1)
			return -1;
		if (s[n] == '?')
			read_query(m, s + n + 1, o);
		return 0;
	}
	/* node-redis tests the exact prefix; the others the scheme. */
	if (m->url == RD_UR_WHATWG ? strncmp(s, "unix:", 5) != 0 :
	    !(sl == 4 && strncasecmp(s, "unix", 4) == 0))
		return 1;
	a = s + 5;
	if (m->url == RD_UR_NODE_WHATWG) {
		/* new URL("redis://" + url): host "unix", and the path is
		 * everything after "unix:", user info included. */
		n = strcspn(a, "?#");
		if (memchr(a, '@', n) != NULL)
			return fail(o, "ioredis 6 takes the socket path as //USER:"
			    "PASS@/path (redis:// + the URL): no such socket; write "
			    "unix:///path, the password apart");
		if (socket_path(m, a, n, o) == -1)
			return -1;
		if (a[n] == '?')
			read_query(m, a + n + 1, o);
		return 0;
	}
	if (strncmp(a, "//", 2) == 0) {
		a += 2;
		end = a + strcspn(a, "/?#");
		for (q = a; q < end; q++)
			if (*q == '@')
				at = q;
		/* node-redis: user info or nothing before the path. */
		if (m->url == RD_UR_WHATWG && end > a && (at != end - 1 ||
		    memchr(a, '@', (size_t)(at - a)) != NULL))
			return fail(o, "TypeError: Invalid unix URL");
		if (at != NULL && read_userinfo(m, a, (size_t)(at - a), o) == -1)
			return -1;
		a = end;
	} else if (m->url == RD_UR_WHATWG)
		return fail(o, "TypeError: Invalid unix URL");
	n = strcspn(a, "?#");
	if (socket_path(m, a, n, o) == -1)
		return -1;
	if (a[n] == '?') {
		char qs[BUF];

		snprintf(qs, sizeof(qs), "%.*s", (int)strcspn(a + n + 1, "#"),
		    a + n + 1);
		read_query(m, qs, o);
	}
	if (m->url == RD_UR_WHATWG) {
		/* node-redis reads ?db= alone: Number(db), NaN throws. */
		const char *db = client_url_query(o, "db");
		char *e;

		if (db != NULL && *db != '\0') {
			(void)strtod(db, &e);
			if (*e != '\0')
				return fail(o, "TypeError: Invalid db query parameter");
			o->has_db = true;
			snprintf(o->db, sizeof(o->db), "%s", db);
		}
		o->nq = 0;
	}
	return 0;
}

int
client_url_read(const struct rd_client_model *m, const char *s,
    struct rd_curl *o)
{
	char buf[BUF];
	const char *p, *auth, *end, *at = NULL, *path, *q;
	size_t sl, i;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	o->ok = true;
	if (prepare(m->url, s, buf, o) == -1)
		return -1;
	p = buf;
	sl = scheme_len(p);
	if ((rc = read_socket(m, buf, sl, o)) != 1)
		goto out;
	rc = -1;
	if (m->url == RD_UR_NODE_WHATWG || m->url == RD_UR_NODE_LEGACY) {
		/* ioredis: no "redis[s]://" prefix means "redis://" + text
		 * (a "//..." keeps its authority). */
		if (!(sl > 0 && strncmp(p + sl, "://", 3) == 0)) {
			sl = 0;
			p += strncmp(p, "//", 2) == 0 ? 2 : 0;
			/* no scheme: a path after the authority is, for ioredis,
			 * a UNIX socket path ("//" keeps it a database). */
			if (p == buf && strpbrk(p, "/") != NULL)
				return fail(o, "ioredis reads a URL without redis:// "
				    "as a UNIX socket path");
		} else if (!((sl == 5 && strncasecmp(p, "redis", 5) == 0) ||
		    (sl == 6 && strncasecmp(p, "rediss", 6) == 0)))
			return fail(o, "ioredis reads a URL whose scheme is not "
			    "redis:// or rediss:// as a UNIX socket path");
		else
			p += sl + 3;
	} else if (m->url == RD_UR_HIREDIS) {
		if (strncasecmp(p, "rediss://", 9) == 0)
			sl = 6;
		else if (strncasecmp(p, "redis://", 8) == 0)
			sl = 5;
		else
			return fail(o, "Invalid URI scheme (redis-cli exits)");
		p += sl + 3;
	} else {
		if (sl == 0)
			return fail(o, m->url == RD_UR_PYTHON ?
			    "ValueError: Redis URL must specify one of the following schemes (redis://, rediss://, unix://)" :
			    "TypeError: Invalid URL");
		if (!((sl == 5 && strncasecmp(p, "redis", 5) == 0) ||
		    (sl == 6 && strncasecmp(p, "rediss", 6) == 0)))
			return fail(o, m->url == RD_UR_PYTHON ?
			    "ValueError: Redis URL must specify one of the following schemes (redis://, rediss://, unix://)" :
			    "the scheme is not redis: or rediss:");
		if (strncmp(p + sl, "://", 3) != 0)
			return fail(o, "TypeError: Invalid URL (no //authority)");
		p += sl + 3;
	}
	o->scheme_lower = true;
	for (i = 0; i < sl; i++)
		if (isupper((unsigned char)buf[i]))
			o->scheme_lower = false;
	o->scheme_tls_word = sl == 6 && strncasecmp(buf, "rediss", 6) == 0;
	/* ioredis tests the text it was given: s, before any trimming. */
	o->tls = m->scheme_tls_exact ? strncmp(s, "rediss://", 9) == 0 :
	    o->scheme_tls_word;

	auth = p;
	end = auth + strcspn(auth, "/?#");
	for (q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL) {
		if (read_userinfo(m, auth, (size_t)(at - auth), o) == -1)
			goto out;
		auth = at + 1;
	}
	if (read_hostport(m, auth, (size_t)(end - auth), o) == -1)
		goto out;
	path = end;
	if (*path == '/') {
		size_t pn = strcspn(path, "?#");

		if (pn > 1) {
			o->has_db = true;
			snprintf(o->db, sizeof(o->db), "%.*s", (int)(pn - 1), path + 1);
		}
		path += pn;
	}
	if (*path == '?') {
		char qs[BUF];

		snprintf(qs, sizeof(qs), "%.*s", (int)strcspn(path + 1, "#"), path + 1);
		read_query(m, qs, o);
	}
	rc = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	if (rc == -1)
		explicit_bzero(o->pass, sizeof(o->pass));
	return rc;
}

const char *
client_url_query(const struct rd_curl *o, const char *k)
{
	int i;

	for (i = 0; i < o->nq; i++)
		if (strcmp(o->q[i].key, k) == 0)
			return o->q[i].value;
	return NULL;
}
