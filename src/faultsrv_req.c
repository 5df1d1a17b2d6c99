/* faultsrv_req.c — the fault server's request parser (faultsrv_req.h):
 * Redis's multibulk and inline request rules over bytes already received,
 * and the per-connection buffer they are parsed from.  Nothing here
 * touches a socket, prints or knows a scenario: the same bytes give the
 * same requests however they arrived (tests/fuzz/fuzz_faultreq.c). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultsrv_req.h"

bool
fs_to_ll(const char *p, size_t n, long long *out)
{
	long long v = 0;
	size_t i = 0;
	bool neg = false;

	if (n == 0 || n > 20)
		return false;
	if (p[0] == '-') {
		neg = true;
		if (++i == n)
			return false;
	}
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (v > (INT64_MAX - (p[i] - '0')) / 10)
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = neg ? -v : v;
	return true;
}

/* Keeps one argument in scratch at *so (the first FS_MAX_ARGS only) and
 * counts it.  Returns 0, or -1 when scratch is full. */
static int
keep_arg(const char *p, size_t n, int *argc, char **argv, size_t *arglen,
    char *scratch, size_t scratchlen, size_t *so)
{
	if (*argc < FS_MAX_ARGS) {
		if (*so + n + 1 > scratchlen)
			return -1;
		memcpy(scratch + *so, p, n);
		scratch[*so + n] = '\0';
		argv[*argc] = scratch + *so;
		arglen[*argc] = n;
		*so += n + 1;
	}
	(*argc)++;
	return 0;
}

static __thread char perr_buf[64];

int
fs_parse_request(const char *buf, size_t len, size_t *used, int *argc,
    char **argv, size_t *arglen, char *scratch, size_t scratchlen,
    const char **perr)
{
	const char *p, *end = buf + len, *cr, *nl, *le;
	size_t so = 0;
	long long count, blen, i;

	*argc = 0;
	if (len == 0)
		return 0;

	if (buf[0] != '*') {
		/* Inline: one line split on blanks, as redis-cli over telnet.
		 * Redis looks for the newline with strchr(), which stops at
		 * a NUL: a line with a NUL before its newline is never
		 * complete, so a TLS ClientHello (NULs in its first bytes)
		 * is never answered, only cut at the inline bound. */
		const char *z = memchr(buf, '\0', len);

		if ((nl = memchr(buf, '\n', len)) == NULL ||
		    (z != NULL && z < nl)) {
			if (len > FS_INLINE_MAX) {
				*perr = "Protocol error: too big inline request";
				return -1;
			}
			return 0;
		}
		le = nl > buf && nl[-1] == '\r' ? nl - 1 : nl;
		for (p = buf; p < le;) {
			const char *s;
			while (p < le && isspace((unsigned char)*p))
				p++;
			if (p == le)
				break;
			for (s = p; p < le && !isspace((unsigned char)*p); p++)
				;
			if (keep_arg(s, (size_t)(p - s), argc, argv, arglen,
			    scratch, scratchlen, &so) == -1) {
				*perr = "Protocol error: too big inline request";
				return -1;
			}
		}
		*used = (size_t)(nl + 1 - buf);
		return 1;
	}

	/* Multibulk: *N then N times $LEN + data, each line CRLF-ended. */
	if ((cr = memchr(buf, '\r', len)) == NULL) {
		if (len > FS_INLINE_MAX) {
			*perr = "Protocol error: too big mbulk count string";
			return -1;
		}
		return 0;
	}
	if (cr + 1 >= end)
		return 0;
	if (!fs_to_ll(buf + 1, (size_t)(cr - buf - 1), &count) ||
	    count > FS_MBULK_MAX) {
		*perr = "Protocol error: invalid multibulk length";
		return -1;
	}
	p = cr + 2;
	if (count <= 0) {
		*used = (size_t)(p - buf);
		return 1;	/* an empty request: Redis ignores it */
	}
	for (i = 0; i < count; i++) {
		if (p >= end)
			return 0;
		if ((cr = memchr(p, '\r', (size_t)(end - p))) == NULL) {
			if (end - p > FS_INLINE_MAX) {
				*perr = "Protocol error: too big bulk count string";
				return -1;
			}
			return 0;
		}
		if (*p != '$') {
			snprintf(perr_buf, sizeof(perr_buf),
			    "Protocol error: expected '$', got '%c'", *p);
			*perr = perr_buf;
			return -1;
		}
		if (cr + 1 >= end)
			return 0;
		/* Redis allows 512 MB; a fault server needs no more than
		 * FS_REQ_MAX. */
		if (!fs_to_ll(p + 1, (size_t)(cr - p - 1), &blen) || blen < 0 ||
		    blen > FS_REQ_MAX - 4096) {
			*perr = "Protocol error: invalid bulk length";
			return -1;
		}
		p = cr + 2;
		if (end - p < blen + 2)
			return 0;
		if (keep_arg(p, (size_t)blen, argc, argv, arglen, scratch,
		    scratchlen, &so) == -1) {
			*perr = "Protocol error: invalid bulk length";
			return -1;
		}
		p += blen + 2;
	}
	*used = (size_t)(p - buf);
	return 1;
}

/* --- the per-connection buffer ------------------------------------------ */

int
fs_reqreader_init(struct fs_reqreader *r, size_t cap, char *scratch,
    size_t scratchlen)
{
	memset(r, 0, sizeof(*r));
	/* malloc(0) may return NULL: at least one byte. */
	if ((r->buf = malloc(cap > 0 ? cap : 1)) == NULL)
		return -1;
	r->cap = cap;
	r->scratch = scratch;
	r->scratchlen = scratchlen;
	return 0;
}

void
fs_reqreader_free(struct fs_reqreader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = r->len = r->off = 0;
}

size_t
fs_reqreader_room(struct fs_reqreader *r, char **dst)
{
	if (dst != NULL)
		*dst = r->buf + r->len;
	return r->cap - r->len;
}

void
fs_reqreader_wrote(struct fs_reqreader *r, size_t n)
{
	r->len += n;
}

int
fs_reqreader_feed(struct fs_reqreader *r, const void *p, size_t n)
{
	char *dst;

	if (n > fs_reqreader_room(r, &dst))
		return -1;
	if (n > 0)
		memcpy(dst, p, n);
	fs_reqreader_wrote(r, n);
	return 0;
}

int
fs_reqreader_next(struct fs_reqreader *r, struct fs_request *rq)
{
	size_t used = 0;
	int rc;

	rq->argc = 0;
	rc = fs_parse_request(r->buf + r->off, r->len - r->off, &used,
	    &rq->argc, rq->argv, rq->arglen, r->scratch, r->scratchlen,
	    &r->perr);
	if (rc == 1)
		r->off += used;
	return rc;
}

size_t
fs_reqreader_pending(const struct fs_reqreader *r)
{
	return r->len - r->off;
}

void
fs_reqreader_drop(struct fs_reqreader *r)
{
	r->len = r->off = 0;
}

void
fs_reqreader_compact(struct fs_reqreader *r)
{
	memmove(r->buf, r->buf + r->off, r->len - r->off);
	r->len -= r->off;
	r->off = 0;
}
