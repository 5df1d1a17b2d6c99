/* strutil.c — bounded copy, bounded printf-append, printable rendering of
 * untrusted bytes, the one cut rule and the one UTF-8 sanitizer (see
 * strutil.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "strutil.h"

size_t
rd_utf8_seq(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

size_t
rd_cut_clean(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, k, bs;

	/* A multi-byte character the cut went through. */
	for (i = n, k = 0; i > 0 && k < 3 && (u[i - 1] & 0xc0) == 0x80; i--, k++)
		;
	if (i > 0 && u[i - 1] >= 0xc0 && rd_utf8_seq(u + i - 1, n - i + 1) == 0)
		n = i - 1;
	/* An escape the cut went through: "\", "\x", "\xN" at the end, its
	 * backslash not itself escaped. */
	for (k = 0; k < 3 && k < n; k++) {
		size_t at = n - 1 - k;

		if (s[at] != '\\')
			continue;
		for (bs = 0, i = at; i > 0 && s[i - 1] == '\\'; i--)
			bs++;
		if (bs % 2 == 1)
			break;			/* "\\": a backslash, complete */
		if (k == 0 || (s[at + 1] == 'x' && (k == 1 ||
		    strchr("0123456789abcdefABCDEF", s[at + 2]) != NULL)))
			return at;
		break;
	}
	return n;
}

/* The length of a colour sequence (ESC [ digits/; m) at p, else 0: the
 * text renderer's own, harmless whoever wrote it. */
static size_t
sgr(const unsigned char *p, size_t n)
{
	size_t i;

	if (n < 3 || p[0] != 0x1b || p[1] != '[')
		return 0;
	for (i = 2; i < n && i < 16; i++) {
		if (p[i] == 'm')
			return i + 1;
		if ((p[i] < '0' || p[i] > '9') && p[i] != ';')
			return 0;
	}
	return 0;
}

/* Printable ASCII, tab, line feed, carriage return. */
static const bool plain[256] = {
	['\t'] = true, ['\n'] = true, ['\r'] = true,
	[0x20 ... 0x7e] = true,
};

int
rd_fput_clean(FILE *out, const char *s, size_t len, bool json)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, run, k;

	while (i < len) {
		/* Runs of what needs nothing, written at once. */
		for (run = i; run < len; run += n) {
			/* Printable ASCII, tabs and line ends, the bulk of
			 * every document: nothing to look at. */
			while (run < len && plain[p[run]])
				run++;
			if (run >= len)
				break;
			n = rd_utf8_seq(p + run, len - run);
			if (!json && p[run] == 0x1b && (k = sgr(p + run,
			    len - run)) > 0) {
				n = k;
				continue;
			}
			if (n == 0 || (!json && n == 1 && ((p[run] < 0x20 &&
			    p[run] != '\t' && p[run] != '\n' && p[run] != '\r') ||
			    p[run] == 0x7f)))
				break;
		}
		if (run > i && fwrite(p + i, 1, run - i, out) != run - i)
			return -1;
		if (run >= len)
			break;
		/* Inside a JSON string a backslash is itself escaped. */
		if (fprintf(out, json ? "\\\\x%02x" : "\\x%02x", p[run]) < 0)
			return -1;
		i = run + 1;
	}
	return 0;
}

void
rd_scopy(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (sz == 0)
		return;
	if (n >= sz)
		n = rd_cut_clean(src, sz - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
rd_vappendf(char *buf, size_t sz, const char *fmt, va_list ap)
{
	size_t len = strlen(buf);
	int w;

	if (len + 1 >= sz)
		return;
	w = vsnprintf(buf + len, sz - len, fmt, ap);
	if (w > 0 && (size_t)w >= sz - len)
		buf[rd_cut_clean(buf, sz - 1)] = '\0';
}

void
rd_appendf(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rd_vappendf(buf, sz, fmt, ap);
	va_end(ap);
}

bool
rd_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

const char *
rd_hostport(char *buf, size_t sz, const char *host, int port)
{
	if (host == NULL || *host == '\0')
		host = "?";
	if (strchr(host, ':') != NULL)
		snprintf(buf, sz, "[%s]:%d", host, port);
	else
		snprintf(buf, sz, "%s:%d", host, port);
	return buf;
}

const char *
rd_unbracket(const char *host, char *buf, size_t sz)
{
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sz) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		return buf;
	}
	return host;
}

void
rd_printable(const void *buf, size_t len, char *out, size_t outsz)
{
	const unsigned char *p = buf;
	size_t o = 0, i;
	char tmp[8];

	if (outsz == 0)
		return;
	for (i = 0; i < len; i++) {
		unsigned char c = p[i];
		size_t n;

		if (c == '\r')
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\r");
		else if (c == '\n')
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\n");
		else if (c == '\t')
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\t");
		else if (c == '\\')
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\\\");
		else if (c >= 0x20 && c < 0x7f) {
			tmp[0] = (char)c;
			tmp[1] = '\0';
			n = 1;
		} else
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		if (o + n >= outsz)
			break;
		memcpy(out + o, tmp, n);
		o += n;
	}
	out[o] = '\0';
}
