/* resp.c — the streaming RESP guard in front of hiredis's reader, and
 * command formatting with hiredis. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "resp.h"

#define GUARD_MAX_DEPTH	16
#define FIRST_MAX	40

const struct resp_limits resp_default_limits = {
	.max_line = 64 * 1024,
	.max_bulk = 16 * 1024 * 1024,
	.max_elems = 1024 * 1024,
	.max_depth = 7,
	.max_total = 32 * 1024 * 1024,
};

enum gstate { G_TYPE, G_LINE, G_BULK };

struct resp_reader {
	redisReader	*rd;
	struct resp_limits lim;
	enum resp_status st;
	char		 why[128];
	unsigned char	 first[FIRST_MAX];
	size_t		 nfirst;
	char		 firsttext[4 * FIRST_MAX + 1];
	uint64_t	 nread;

	/* The guard's walk through the current top-level reply. */
	enum gstate	 g;
	char		 type;
	size_t		 linelen;	/* bytes after the type byte, CR included */
	bool		 cr;
	char		 num[24];
	size_t		 nnum;
	int64_t		 bulkleft;	/* bulk bytes still to skip, CRLF included */
	int		 depth;
	int64_t		 stack[GUARD_MAX_DEPTH];
	size_t		 total;
	int64_t		 elems;
	bool		 in_reply;
};

struct resp_reader *
resp_reader_new(const struct resp_limits *lim)
{
	struct resp_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->rd = redisReaderCreate()) == NULL) {
		free(r);
		return NULL;
	}
	r->lim = lim != NULL ? *lim : resp_default_limits;
	if (r->lim.max_depth > GUARD_MAX_DEPTH)
		r->lim.max_depth = GUARD_MAX_DEPTH;
	if (r->lim.max_depth < 1)
		r->lim.max_depth = 1;
	return r;
}

void
resp_reader_free(struct resp_reader *r)
{
	if (r == NULL)
		return;
	redisReaderFree(r->rd);
	free(r);
}

static void
note_first(struct resp_reader *r, const unsigned char *p, size_t n)
{
	size_t room = FIRST_MAX - r->nfirst;

	if (n > room)
		n = room;
	memcpy(r->first + r->nfirst, p, n);
	r->nfirst += n;
}

static void
refuse(struct resp_reader *r, enum resp_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
refuse(struct resp_reader *r, enum resp_status st, const char *fmt, ...)
{
	va_list ap;

	r->st = st;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* An element (or a whole reply) ended: count it off its arrays. */
static void
elem_done(struct resp_reader *r)
{
	while (r->depth > 0) {
		if (--r->stack[r->depth - 1] > 0)
			break;
		r->depth--;
	}
	r->g = G_TYPE;
	if (r->depth == 0) {
		r->in_reply = false;
		r->total = 0;
		r->elems = 0;
	}
}

/* A decimal as hiredis's string2ll takes it: "0" or -?[1-9][0-9]*, no
 * '+', no spaces, no leading zeros.  Returns 0 and *v, with *big set (and
 * *v INT64_MAX) when it is positive past INT64_MAX; -1 when it is not such
 * a number or is negative past INT64_MIN.  Anything looser would reach
 * hiredis, which refuses it with an error of its own. */
static int
parse_dec(const char *s, size_t n, int64_t *v, bool *big)
{
	uint64_t u = 0;
	size_t i = 0;
	bool neg = false;

	*big = false;
	if (n > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == n || n > 20)
		return -1;
	if (s[i] == '0' && (neg || n - i > 1))
		return -1;	/* "-0", "007" */
	for (; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (u > (UINT64_MAX - d) / 10)
			*big = true;
		else
			u = u * 10 + d;
	}
	if (neg) {
		if (*big || u > (uint64_t)INT64_MAX + 1)
			return -1;
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
		return 0;
	}
	if (*big || u > (uint64_t)INT64_MAX) {
		*big = true;
		*v = INT64_MAX;
	} else
		*v = (int64_t)u;
	return 0;
}

/* Parses a $ or * length: -1 or more (INT64_MAX when past it: far over
 * any limit); -2 when it is not a number. */
static int64_t
parse_len(const char *s, size_t n)
{
	int64_t v;
	bool big;

	if (parse_dec(s, n, &v, &big) == -1 || v < -1)
		return -2;
	return v;
}

/* A line ended: act on its type.  Returns -1 when refused. */
static int
line_done(struct resp_reader *r)
{
	int64_t n;
	size_t nn = r->nnum;

	if (r->type == ':') {
		int64_t v;
		bool big;

		/* hiredis fails on an integer string2ll does not take. */
		if (r->linelen - 1 > sizeof(r->num) - 1 ||
		    parse_dec(r->num, nn - 1, &v, &big) == -1 || big) {
			refuse(r, RESP_HOSTILE, "integer is not a 64-bit "
			    "decimal");
			return -1;
		}
	}
	if (r->type != '$' && r->type != '*') {
		elem_done(r);
		return 0;
	}
	/* num holds the line with its CR; a longer line overflowed num. */
	if (r->linelen - 1 > sizeof(r->num) - 1)
		n = -2;
	else
		n = parse_len(r->num, nn - 1);
	if (n == -2) {
		refuse(r, RESP_HOSTILE, "%s length is not a number",
		    r->type == '$' ? "bulk" : "array");
		return -1;
	}
	if (r->type == '$') {
		if (n == -1) {
			elem_done(r);
			return 0;
		}
		if (n > r->lim.max_bulk) {
			refuse(r, RESP_HOSTILE, "bulk length %" PRId64 " > %"
			    PRId64, n, r->lim.max_bulk);
			return -1;
		}
		r->bulkleft = n + 2;
		r->g = G_BULK;
		return 0;
	}
	if (n == -1 || n == 0) {
		elem_done(r);
		return 0;
	}
	if (n > r->lim.max_elems || r->elems + n > r->lim.max_elems) {
		refuse(r, RESP_HOSTILE, "array of %" PRId64 " elements > %"
		    PRId64 " per reply", n, r->lim.max_elems);
		return -1;
	}
	if (r->depth >= r->lim.max_depth) {
		refuse(r, RESP_HOSTILE, "arrays nested deeper than %d",
		    r->lim.max_depth);
		return -1;
	}
	r->elems += n;
	r->stack[r->depth++] = n;
	r->g = G_TYPE;
	return 0;
}

/* Walks len bytes; returns how many were accepted (len unless refused). */
static size_t
guard(struct resp_reader *r, const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];

		if (r->g == G_BULK) {
			size_t n = len - i;

			if ((int64_t)n > r->bulkleft)
				n = (size_t)r->bulkleft;
			note_first(r, p + i, n);
			r->total += n;
			r->bulkleft -= (int64_t)n;
			i += n;
			if (r->total > r->lim.max_total) {
				refuse(r, RESP_HOSTILE, "reply longer than %zu "
				    "bytes", r->lim.max_total);
				return i - 1;
			}
			if (r->bulkleft == 0)
				elem_done(r);
			continue;
		}
		if (!r->in_reply) {
			r->in_reply = true;
			r->nfirst = 0;
		}
		note_first(r, &c, 1);
		if (++r->total > r->lim.max_total) {
			refuse(r, RESP_HOSTILE, "reply longer than %zu bytes",
			    r->lim.max_total);
			return i;
		}
		if (r->g == G_TYPE) {
			if (strchr("+-:$*", c) == NULL || c == '\0') {
				if (r->depth == 0)
					refuse(r, RESP_NOT_RESP, "first byte 0x%02x "
					    "is not a RESP type", c);
				else
					refuse(r, RESP_HOSTILE, "byte 0x%02x is "
					    "not a RESP type inside an array", c);
				return i;
			}
			r->type = (char)c;
			r->linelen = 0;
			r->nnum = 0;
			r->cr = false;
			r->g = G_LINE;
			i++;
			continue;
		}
		/* G_LINE */
		if (c == '\n' && r->cr) {
			i++;
			if (line_done(r) == -1)
				return i - 1;
			continue;
		}
		r->linelen++;
		if (r->nnum < sizeof(r->num))
			r->num[r->nnum++] = (char)c;
		r->cr = c == '\r';
		if (r->linelen > r->lim.max_line + 1) {
			refuse(r, RESP_HOSTILE, "line longer than %zu bytes "
			    "without CRLF", r->lim.max_line);
			return i;
		}
		i++;
	}
	return len;
}

int
resp_feed(struct resp_reader *r, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t ok;

	if (r->st != RESP_OK) {
		/* Keep showing what followed the refused byte. */
		if (r->st == RESP_NOT_RESP)
			note_first(r, p, len);
		r->nread += len;
		return -1;
	}
	r->nread += len;
	ok = guard(r, p, len);
	if (ok > 0 && redisReaderFeed(r->rd, buf, ok) != REDIS_OK) {
		if (r->st == RESP_OK)
			refuse(r, RESP_ERROR, "reader: %s", r->rd->errstr);
		return -1;
	}
	if (r->st != RESP_OK) {
		if (r->st == RESP_NOT_RESP && ok + 1 < len)
			note_first(r, p + ok + 1, len - ok - 1);
		return -1;
	}
	return 0;
}

int
resp_get(struct resp_reader *r, redisReply **out)
{
	void *rep = NULL;

	*out = NULL;
	if (redisReaderGetReply(r->rd, &rep) != REDIS_OK) {
		if (r->st == RESP_OK)
			refuse(r, RESP_ERROR, "reader: %s", r->rd->errstr);
		return -1;
	}
	if (rep == NULL)
		return 0;
	*out = rep;
	return 1;
}

enum resp_status
resp_status(const struct resp_reader *r)
{
	return r->st;
}

const char *
resp_why(const struct resp_reader *r)
{
	return r->why;
}

const char *
resp_first_bytes(const struct resp_reader *r)
{
	struct resp_reader *w = (struct resp_reader *)r;

	rd_printable(r->first, r->nfirst, w->firsttext, sizeof(w->firsttext));
	return r->firsttext;
}

const unsigned char *
resp_first_raw(const struct resp_reader *r, size_t *len)
{
	*len = r->nfirst;
	return r->first;
}

uint64_t
resp_nread(const struct resp_reader *r)
{
	return r->nread;
}

bool
resp_pending(const struct resp_reader *r)
{
	return r->in_reply;
}

long
resp_format_n(char **out, int n, const struct resp_cmd *cmds)
{
	char *one[RESP_MAX_CMDS];
	size_t lens[8], used = 0;
	int i, j, len[RESP_MAX_CMDS], made = 0;
	long rc = -1;

	*out = NULL;
	if (n < 1 || n > RESP_MAX_CMDS)
		return -1;
	for (; made < n; made++) {
		const struct resp_cmd *c = &cmds[made];

		if (c->argc < 1 || c->argc > 8)
			goto out;
		for (j = 0; j < c->argc; j++)
			lens[j] = strlen(c->argv[j]);
		if ((len[made] = redisFormatCommandArgv(&one[made], c->argc,
		    c->argv, lens)) < 0)
			goto out;
		used += (size_t)len[made];
	}
	/* One buffer of ours, so resp_free_cmd has one allocator. */
	if ((*out = malloc(used)) == NULL)
		goto out;
	for (i = 0, used = 0; i < n; i++) {
		memcpy(*out + used, one[i], (size_t)len[i]);
		used += (size_t)len[i];
	}
	rc = (long)used;
out:
	for (i = 0; i < made; i++) {
		explicit_bzero(one[i], (size_t)len[i]);
		redisFreeCommand(one[i]);
	}
	return rc;
}

long
resp_format(char **out, int argc, const char **argv)
{
	const struct resp_cmd c = { argc, argv };

	return resp_format_n(out, 1, &c);
}

void
resp_free_cmd(char *cmd, long len)
{
	if (cmd == NULL)
		return;
	if (len > 0)
		explicit_bzero(cmd, (size_t)len);
	free(cmd);
}
