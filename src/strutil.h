/* strutil.h — the few string helpers every module needs the same way:
 * a bounded copy, a bounded printf-append, the rendering of untrusted
 * bytes for a person, the cut rule and the UTF-8 sanitizer.  No
 * allocation; the sanitizer alone writes (to the FILE it is given). */
#ifndef RD_STRUTIL_H
#define RD_STRUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* strlcpy, which glibc 2.36 lacks: copies src into dst[sz], cut to fit
 * by the cut rule (rd_cut_clean), always NUL-terminated (sz > 0). */
void	rd_scopy(char *dst, size_t sz, const char *src);

/* The one cut rule: the length at most n to keep of s, cut short of a
 * UTF-8 character or a \xNN (or \\) escape that n would split. */
size_t	rd_cut_clean(const char *s, size_t n);

/* The length of the valid UTF-8 character at p[0..n) (1..4), 0 when the
 * bytes there are not one (overlong, surrogate, truncated, stray). */
size_t	rd_utf8_seq(const unsigned char *p, size_t n);

/* The one sanitizer every renderer's output passes through on its way
 * out: writes s[0..len) to out with every byte that is not part of valid
 * UTF-8 as the text \xNN, so all output is valid UTF-8.  json: s is JSON
 * text (bytes >= 0x80 occur only inside strings), so the backslash is
 * written escaped; otherwise (text, XML, Prometheus, Nagios) the C0
 * controls other than tab, LF and CR, and DEL, become \xNN as well: XML
 * 1.0 cannot carry them and a terminal would obey them (a colour
 * sequence, ESC [ digits m, is kept: the text renderer's own).  0, or -1
 * on a write error. */
int	rd_fput_clean(FILE *out, const char *s, size_t len, bool json);

/* Appends formatted text to the NUL-terminated string in buf[sz],
 * silently cut to fit by the cut rule: evidence, notes and summaries are
 * fixed-size and a cut sentence beats none.  A full buffer is left as it
 * is. */
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
