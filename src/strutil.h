/* strutil.h — the few string helpers every module needs the same way:
 * a bounded copy, a bounded printf-append, and the rendering of untrusted
 * bytes for a person.  Pure: no I/O, no allocation. */
#ifndef RD_STRUTIL_H
#define RD_STRUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* strlcpy, which glibc 2.36 lacks: copies src into dst[sz], cut to fit,
 * always NUL-terminated (sz > 0). */
void	rd_scopy(char *dst, size_t sz, const char *src);

/* Appends formatted text to the NUL-terminated string in buf[sz],
 * silently cut to fit: evidence, notes and summaries are fixed-size and a
 * cut sentence beats none.  A full buffer is left as it is. */
void	rd_appendf(char *buf, size_t sz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	rd_vappendf(char *buf, size_t sz, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));

/* True when s begins with prefix. */
bool	rd_has_prefix(const char *s, const char *prefix);

/* host:port, an IPv6 literal in brackets ("[::1]:6379"); a NULL or empty
 * host prints as "?".  Returns buf. */
const char *rd_hostport(char *buf, size_t sz, const char *host, int port);

/* A host without the brackets of "[::1]": buf holding it when host is
 * bracketed and fits, else host itself.  Never NULL. */
const char *rd_unbracket(const char *host, char *buf, size_t sz);

/* Renders bytes for a person: printable ASCII kept, \r \n \t \\ escaped,
 * others as \xNN; always NUL-terminated, truncated to fit (never inside an
 * escape).  For what a peer sent (peer_first_bytes, a reply that was not
 * RESP). */
void	rd_printable(const void *buf, size_t len, char *out, size_t outsz);

#endif
