/* strutil.c — bounded copy, bounded printf-append, printable rendering of
 * untrusted bytes (see strutil.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "strutil.h"

void
rd_scopy(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (sz == 0)
		return;
	if (n >= sz)
		n = sz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
rd_vappendf(char *buf, size_t sz, const char *fmt, va_list ap)
{
	size_t len = strlen(buf);

	if (len + 1 >= sz)
		return;
	vsnprintf(buf + len, sz - len, fmt, ap);
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
