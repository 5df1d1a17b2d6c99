/* explain_redact.c — what explain takes out of a line and what it hides:
 * the host and port a client names (ex_extract_target), and the secrets
 * masked before a line is shown (explain_redact). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain.h"
#include "explain_int.h"

/* ---- host and port ---- */

static bool
is_hostc(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

static bool
is_ipv4(const char *s, size_t n)
{
	int parts = 0, val = -1;
	size_t i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (val < 0 || val > 255)
				return false;
			parts++;
			val = -1;
		} else if (isdigit((unsigned char)s[i])) {
			val = (val < 0 ? 0 : val * 10) + (s[i] - '0');
			if (val > 255)
				return false;
		} else
			return false;
	}
	return parts == 4;
}

/* A plausible host name: an IPv4 literal, or a name with a letter that is
 * not a source file ("Connection.java:204") or a date ("2024-05-01T12"). */
static bool
plausible_host(const char *s, size_t n)
{
	static const char *const exts[] = {
		".java", ".kt", ".scala", ".go", ".py", ".rb", ".php", ".js",
		".mjs", ".cjs", ".ts", ".cs", ".c", ".h", ".rs", ".ex", ".exs"
	};
	bool alpha = false;
	size_t i, el;

	if (n == 0 || n > 253)
		return false;
	if (is_ipv4(s, n))
		return true;
	for (i = 0; i < n; i++)
		if (isalpha((unsigned char)s[i]))
			alpha = true;
	if (!alpha || s[0] == '.' || s[0] == '-')
		return false;
	if (n >= 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-')
		return false;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		el = strlen(exts[i]);
		if (n > el && strncasecmp(s + n - el, exts[i], el) == 0)
			return false;
	}
	return true;
}

/* Reads a port at p (digits, 1..65535, not followed by more digits or by
 * ":<digit>", which is a time of day).  Returns it or 0. */
static int
read_port(const char *p)
{
	long v = 0;
	int nd = 0;

	while (isdigit((unsigned char)p[nd]) && nd < 6) {
		v = v * 10 + (p[nd] - '0');
		nd++;
	}
	if (nd == 0 || nd > 5 || v < 1 || v > 65535)
		return 0;
	if (isalpha((unsigned char)p[nd]) || p[nd] == '_')
		return 0;
	if (p[nd] == ':' && isdigit((unsigned char)p[nd + 1]))
		return 0;
	if (p[nd] == '.' && isdigit((unsigned char)p[nd + 1]))
		return 0;
	return (int)v;
}

static void
set_host(char *host, size_t hostlen, const char *s, size_t n)
{
	if (n >= hostlen)
		n = hostlen - 1;
	memcpy(host, s, n);
	host[n] = '\0';
}

/* Parses "[v6]:port", "host:port" or (when noport_ok) "host" at p.
 * Node prints IPv6 without brackets ("ECONNREFUSED ::1:6379"): with
 * unbracketed set, a token with several colons splits at the last one. */
static bool
parse_addr(const char *p, bool noport_ok, bool unbracketed, char *host,
    size_t hostlen, int *port)
{
	const char *e;
	size_t n;
	int pt;

	if (*p == '[') {
		e = strchr(p, ']');
		if (e == NULL || e - p < 3 || e - p > 64)
			return false;
		for (const char *c = p + 1; c < e; c++)
			if (!isxdigit((unsigned char)*c) && *c != ':' &&
			    *c != '.' && *c != '%')
				return false;
		pt = e[1] == ':' ? read_port(e + 2) : 0;
		if (pt == 0 && !noport_ok)
			return false;
		set_host(host, hostlen, p + 1, (size_t)(e - p - 1));
		*port = pt;
		return true;
	}
	if (unbracketed) {
		const char *c = p, *last = NULL;
		int ncolon = 0;
		while (isxdigit((unsigned char)*c) || *c == ':' || *c == '.') {
			if (*c == ':') {
				ncolon++;
				last = c;
			}
			c++;
		}
		if (ncolon >= 2 && last != NULL && (pt = read_port(last + 1)) != 0 &&
		    c == last + 1 + strspn(last + 1, "0123456789")) {
			set_host(host, hostlen, p, (size_t)(last - p));
			*port = pt;
			return true;
		}
	}
	for (e = p; is_hostc(*e); e++)
		;
	n = (size_t)(e - p);
	while (n > 0 && p[n - 1] == '.')	/* "resolve redis." */
		n--;
	if (!plausible_host(p, n))
		return false;
	pt = (*e == ':') ? read_port(e + 1) : 0;
	if (pt == 0 && !noport_ok)
		return false;
	set_host(host, hostlen, p, n);
	*port = pt;
	return true;
}

/* The first host:port anywhere in line that looks like one. */
static bool
scan_addr(const char *line, char *host, size_t hostlen, int *port)
{
	const char *p;

	for (p = line; *p != '\0'; p++) {
		if (*p == '[') {
			if (parse_addr(p, false, false, host, hostlen, port))
				return true;
			continue;
		}
		if (!is_hostc(*p) || (p > line && is_hostc(p[-1])))
			continue;
		/* A stack frame "(File.java:12)" or a path "/app/x.go:42";
		 * but "localhost/127.0.0.1:6379" (Java) is an address. */
		if (p > line && (p[-1] == '(' || p[-1] == '/') &&
		    !(p[-1] == '/' && p - 1 > line && is_hostc(p[-2])))
			continue;
		if (parse_addr(p, false, false, host, hostlen, port))
			return true;
	}
	return false;
}

/* Extracts the target host and port, preferring places where a client
 * names it (after "->", "lookup ", "ENOTFOUND ", "://", ...) over the
 * first address-shaped token. */
void
ex_extract_target(const char *line, char *host, size_t hostlen, int *port)
{
	static const char *const name_anchors[] = {
		"getaddrinfo ENOTFOUND ", "getaddrinfo EAI_AGAIN ",
		"getaddrinfo EAI_NONAME ", "getaddrinfo EAI_FAIL ",
		"getaddrinfo EAI_NODATA ", "UnknownHostException: ",
		"getaddrinfo for ", "DNS name ", "resolve host ",
	};
	static const char *const addr_anchors[] = {
		"->", "ECONNREFUSED ", "ETIMEDOUT ", "EHOSTUNREACH ",
		"ENETUNREACH ", "ECONNRESET ", "dial tcp ", " connecting to ",
		"Redis at ", "Redis on ", "connect(2) for ", "Unable to connect to ",
		"UnableToConnect on ",
	};
	const char *p, *q;
	char h2[256];
	int p2;
	size_t i;
	struct txt t = { line, line };	/* case-sensitive finds only */

	host[0] = '\0';
	*port = 0;

	/* MOVED 3999 127.0.0.1:6381: the node the key lives on. */
	if ((p = ex_find(&t, "MOVED", M_WORD | M_NUM_AFTER)) != NULL ||
	    (p = ex_find(&t, "ASK", M_WORD | M_NUM_AFTER)) != NULL) {
		p = strchr(p + 4, ' ');
		if (p != NULL && parse_addr(p + 1, false, true, host, hostlen, port))
			return;
	}
	/* Go: "lookup NAME on RESOLVER:53: ... ->RESOLVER:53": the name, not
	 * the resolver. */
	if ((p = strstr(line, "lookup ")) != NULL &&
	    parse_addr(p + 7, true, false, host, hostlen, port))
		return;
	for (i = 0; i < sizeof(addr_anchors) / sizeof(addr_anchors[0]); i++)
		if ((p = strstr(line, addr_anchors[i])) != NULL &&
		    parse_addr(p + strlen(addr_anchors[i]), false, true, host,
		    hostlen, port))
			return;
	/* URLs: redis://user:pass@host:port, tcp://host:port (Predis). */
	for (p = line; (p = strstr(p, "://")) != NULL; p += 3) {
		q = p + 3;
		const char *at = q + strcspn(q, "@/ \t\"'");
		if (*at == '@')
			q = at + 1;
		if (parse_addr(q, true, false, host, hostlen, port))
			return;
	}
	/* Lettuce: "localhost/<unresolved>:6379". */
	if ((p = strstr(line, "/<unresolved>:")) != NULL) {
		q = p;
		while (q > line && is_hostc(q[-1]))
			q--;
		if (q < p && plausible_host(q, (size_t)(p - q))) {
			set_host(host, hostlen, q, (size_t)(p - q));
			*port = read_port(p + 14);
			return;
		}
	}
	for (i = 0; i < sizeof(name_anchors) / sizeof(name_anchors[0]); i++) {
		if ((p = strstr(line, name_anchors[i])) == NULL)
			continue;
		p += strlen(name_anchors[i]);
		if (*p == '\'' || *p == '"')
			p++;
		if (!parse_addr(p, true, false, host, hostlen, port))
			continue;
		/* The name alone; a port may be elsewhere ("redis redis:6379"). */
		if (*port == 0 && scan_addr(line, h2, sizeof(h2), &p2) &&
		    strcmp(h2, host) == 0)
			*port = p2;
		return;
	}
	scan_addr(line, host, hostlen, port);
}

/* ---- redaction ---- */

struct out {
	char	*buf;
	size_t	 len, cap;
};

static void
put(struct out *o, const char *s, size_t n)
{
	while (n-- > 0 && o->len + 1 < o->cap)
		o->buf[o->len++] = *s++;
	o->buf[o->len] = '\0';
}

static bool
key_names_secret(const char *k, size_t n)
{
	static const char *const words[] = {
		"pass", "pwd", "secret", "token", "auth_key", "credential"
	};
	char low[64];
	size_t i;

	if (n == 0 || n >= sizeof(low))
		return false;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)k[i]);
	low[n] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(low, words[i]) != NULL)
			return true;
	/* auth, REDIS_AUTH, REDISCLI_AUTH, masterauth: "auth" as the key
	 * or its last part, not inside a word (AuthenticationError). */
	if (n >= 4 && strcmp(low + n - 4, "auth") == 0 &&
	    (n == 4 || low[n - 5] == '_' || low[n - 5] == '-' ||
	    low[n - 5] == '.' || strcmp(low, "masterauth") == 0))
		return true;
	return false;
}

/* Is the quoted string at p ('auth', "AUTH") the word auth?  Sets *len
 * to its length with the quotes. */
static bool
quoted_auth(const char *p, size_t *len)
{
	if ((p[0] != '\'' && p[0] != '"') || strncasecmp(p + 1, "auth", 4) != 0 ||
	    p[5] != p[0])
		return false;
	*len = 6;
	return true;
}

/* A command shown as a quoted list: ioredis's error says
 * "command: { name: 'auth', args: [ 'user', 'pass' ] }" (and, for
 * HELLO, "args: [ '3', 'AUTH', 'user', 'pass' ]"); a JSON logger prints
 * the same with double quotes.  After a quoted auth, the next quoted
 * strings up to the list's end, two at most, are masked.  Returns the
 * bytes of in consumed (0: not such a list). */
static size_t
mask_quoted_args(struct out *o, const char *in)
{
	const char *p = in, *e;
	size_t k, masked = 0;
	bool in_list = false;

	if (!quoted_auth(p, &k))
		return 0;
	put(o, p, k);
	p += k;
	while (*p != '\0' && masked < 2 && p - in < 240) {
		if (*p == '[')
			in_list = true;
		if ((*p == ']' && in_list) || *p == '}' || *p == ')')
			break;
		if (*p == '\'' || *p == '"') {
			if ((e = strchr(p + 1, *p)) == NULL)
				break;
			put(o, p, 1);
			put(o, "****", 4);
			put(o, e, 1);
			p = e + 1;
			masked++;
			continue;
		}
		put(o, p++, 1);
	}
	return (size_t)(p - in);
}

static size_t
token_len(const char *p)
{
	return strcspn(p, " \t\r\n");
}

/* Words after AUTH that are not a password. */
static bool
auth_word_ok(const char *p, size_t n)
{
	static const char *const ok[] = {
		"<password>", "failed", "failed:", "failed.", "called", "command",
		"required", "required.", "error", "error:", "(error)", "is", "was",
		"with", "without", "to", "for", "<username>", "must", "not"
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == n && strncasecmp(p, ok[i], n) == 0)
			return true;
	return false;
}

/* True when s is a port, perhaps closed by punctuation: "6379", "6379]". */
static bool
port_like(const char *s)
{
	size_t d = strspn(s, "0123456789");

	return d > 0 && strspn(s + d, "])}>,.;") == strlen(s + d);
}

void
explain_redact(const char *in, char *buf, size_t cap)
{
	struct out o = { buf, 0, cap };
	const char *p = in, *q;
	size_t n, k;

	if (cap == 0)
		return;
	buf[0] = '\0';
	while (*p != '\0' && o.len + 1 < cap) {
		/* scheme://user:pass@ -> scheme://user:****@ */
		if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
			put(&o, p, 3);
			p += 3;
			/* The user info ends at the token's last '@': people
			 * paste passwords with a raw '/' or '@' in them, and
			 * masking too much beats printing a secret. */
			k = strcspn(p, " \t\"'<>");
			q = NULL;
			for (n = 0; n < k; n++)
				if (p[n] == '@')
					q = p + n;
			n = q != NULL ? (size_t)(q - p) : strcspn(p, "@/ \t\"'<>");
			if (p[n] == '@') {
				q = memchr(p, ':', n);
				if (q != NULL) {
					put(&o, p, (size_t)(q - p));
					put(&o, ":****@", 6);
				} else
					put(&o, "****@", 5);
				p += n + 1;
			} else if (p[n] == '\0' && (q = memchr(p, ':', n)) != NULL &&
			    !port_like(q + 1)) {
				/* Cut off before the '@' (a truncated line):
				 * what follows the colon may be a password. */
				put(&o, p, (size_t)(q - p));
				put(&o, ":****", 5);
				p += n;
			}
			continue;
		}
		/* -a PASS, --pass PASS, --pass=PASS (redis-cli). */
		if ((p == in || p[-1] == ' ' || p[-1] == '\t') &&
		    (strncmp(p, "-a ", 3) == 0 || strncmp(p, "--pass ", 7) == 0 ||
		    strncmp(p, "--pass=", 7) == 0 ||
		    strncmp(p, "--password ", 11) == 0 ||
		    strncmp(p, "--password=", 11) == 0)) {
			k = strcspn(p, " =") + 1;
			put(&o, p, k);
			p += k;
			while (*p == ' ')
				put(&o, p++, 1);
			if ((n = token_len(p)) > 0) {
				put(&o, "****", 4);
				p += n;
			}
			continue;
		}
		/* 'auth' / "AUTH" in a quoted argument list (ioredis). */
		if ((*p == '\'' || *p == '"') && (k = mask_quoted_args(&o, p)) > 0) {
			p += k;
			continue;
		}
		/* ->auth('pass'), auth(['user', 'pass']): a call's arguments. */
		if ((p == in || !ex_is_word(p[-1])) && strncasecmp(p, "auth(", 5) == 0) {
			put(&o, p, 5);
			p += 5;
			n = strcspn(p, ")");
			if (n > 0 && p[n] == ')') {
				put(&o, "****", 4);
				p += n;
			}
			continue;
		}
		/* <password>VALUE</password>, <auth>VALUE</auth>. */
		if (*p == '<' && (isalpha((unsigned char)p[1]) || p[1] == '_')) {
			for (n = 1; ex_is_word(p[n]) || p[n] == '-'; n++)
				;
			/* Only an element that is closed: "AUTH <password>
			 * called without ..." is Redis's own wording. */
			k = strcspn(p + n + 1, "<");
			if (p[n] == '>' && key_names_secret(p + 1, n - 1) &&
			    p[n + 1 + k] == '<' && p[n + 2 + k] == '/' &&
			    strncmp(p + n + 3 + k, p + 1, n - 1) == 0 &&
			    p[n + 2 + k + n] == '>') {
				put(&o, p, n + 1);
				p += n + 1;
				if (k > 0) {
					put(&o, "****", 4);
					p += k;
				}
				continue;
			}
		}
		/* AUTH [user] pass, requirepass VALUE, masterauth VALUE. */
		if ((p == in || !ex_is_word(p[-1])) &&
		    ((strncasecmp(p, "auth ", 5) == 0 && (k = 5)) ||
		    (strncasecmp(p, "requirepass ", 12) == 0 && (k = 12)) ||
		    (strncasecmp(p, "masterauth ", 11) == 0 && (k = 11)))) {
			int words = k == 5 ? 2 : 1;
			put(&o, p, k);
			p += k;
			while (words-- > 0) {
				while (*p == ' ')
					put(&o, p++, 1);
				n = token_len(p);
				if (n == 0 || *p == '(' || auth_word_ok(p, n))
					break;
				put(&o, "****", 4);
				p += n;
			}
			continue;
		}
		/* KEY=VALUE, KEY: VALUE, "KEY":"VALUE" for a secret-ish KEY. */
		if ((isalpha((unsigned char)*p) || *p == '_') &&
		    (p == in || !ex_is_word(p[-1]))) {
			for (n = 0; ex_is_word(p[n]) || p[n] == '-' || p[n] == '.'; n++)
				;
			q = p + n;
			if (*q == '"' || *q == '\'' || *q == ']')
				q++;
			while (*q == ' ')
				q++;
			if (key_names_secret(p, n) && (*q == '"' || *q == '\'') &&
			    q > p + n && q[-1] == ' ') {
				/* password 'VALUE', password "VALUE" */
				char quote = *q++;

				put(&o, p, (size_t)(q - p));
				p = q;
				k = strcspn(p, quote == '"' ? "\"" : "'");
				if (k > 0)
					put(&o, "****", 4);
				p += k;
				continue;
			}
			/* KEY=V, KEY: V; PHP's 'password' => 'x' and
			 * [password] => x, Ruby's :password=>"x". */
			if (key_names_secret(p, n) && (*q == '=' || *q == ':') &&
			    q[1] != '/') {
				q += q[0] == '=' && q[1] == '>' ? 2 : 1;
				while (*q == ' ')
					q++;
				if (*q == '"' || *q == '\'')
					q++;
				put(&o, p, (size_t)(q - p));
				p = q;
				n = strcspn(p, " \t\"',;&)]}");
				if (n > 0) {
					put(&o, "****", 4);
					p += n;
				}
				continue;
			}
			put(&o, p, n);
			p += n;
			continue;
		}
		put(&o, p, 1);
		p++;
	}
}
