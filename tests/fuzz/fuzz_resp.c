/* fuzz_resp.c — libFuzzer target for the RESP reply path: our guard and
 * limits in front of hiredis's reader (resp.c), driven without a socket.
 *
 * The input is a byte stream from a server.  It is fed three ways — whole,
 * byte by byte, and in splits drawn from a PRNG seeded by the first byte —
 * under two sets of limits (the defaults, and tight ones so that small
 * inputs reach every limit).  After every feed the replies that are
 * complete are taken, as probe.c does.  Invariants (abort() when broken):
 *
 *  - the three feedings agree: classification (ok / hostile / not_resp /
 *    incomplete), the refusal's reason and first bytes, the bytes counted,
 *    and every reply handed out (type, text, integer, elements, children);
 *  - no reply handed out is over the limits: status/error line, bulk
 *    length, array nesting, elements per reply, bytes per reply (a lower
 *    bound from the reply itself);
 *  - hiredis never fails on what the guard let through (the guard refuses
 *    first, with a reason), and the guard and hiredis agree on where a
 *    reply ends: after a stream that is at rest, "+Z\r\n" comes back as
 *    exactly one status reply "Z"; after one that stopped mid-reply, it
 *    does not.
 *
 * Memory is bounded by the limits; scripts/fuzz runs this target with
 * -malloc_limit_mb so that one oversized allocation is a finding. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum cls { C_OK, C_INCOMPLETE, C_HOSTILE, C_NOT_RESP };

struct outcome {
	enum cls	 cls;
	enum resp_status st;
	char		 why[128];
	char		 first[200];
	uint64_t	 nread;
	size_t		 nreplies;
	uint64_t	 digest;	/* of every reply, in order */
	uint64_t	 top;		/* of the first reply: type and text */
};

/* Tight limits: a few kilobytes of input reach every one of them. */
static const struct resp_limits tight = {
	.max_line = 16,
	.max_bulk = 32,
	.max_elems = 8,
	.max_depth = 3,
	.max_total = 128,
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
fnv_u64(uint64_t h, uint64_t v)
{
	return fnv(h, &v, sizeof(v));
}

static size_t
digits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Hashes a reply tree and checks it against the limits.  depth counts the
 * non-empty arrays above and including r (an empty array is a leaf for the
 * guard as for hiredis); *elems sums declared elements, *bytes is a lower
 * bound of the reply's size on the wire. */
static uint64_t
walk(const redisReply *r, const struct resp_limits *lim, int depth,
    int64_t *elems, uint64_t *bytes, uint64_t h)
{
	size_t i;

	h = fnv_u64(h, (uint64_t)r->type);
	switch (r->type) {
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		if (r->len > lim->max_line)
			abort();	/* a line over the limit handed out */
		if (r->str == NULL || r->str[r->len] != '\0')
			abort();
		h = fnv(fnv_u64(h, r->len), r->str, r->len);
		*bytes += r->len + 3;
		break;
	case REDIS_REPLY_STRING:
		if ((int64_t)r->len > lim->max_bulk)
			abort();	/* a bulk over the limit handed out */
		if (r->str == NULL || r->str[r->len] != '\0')
			abort();
		h = fnv(fnv_u64(h, r->len), r->str, r->len);
		*bytes += r->len + digits(r->len) + 5;
		break;
	case REDIS_REPLY_INTEGER:
		h = fnv_u64(h, (uint64_t)r->integer);
		*bytes += 4;
		break;
	case REDIS_REPLY_NIL:
		*bytes += 5;
		break;
	case REDIS_REPLY_ARRAY:
		h = fnv_u64(h, r->elements);
		*bytes += digits(r->elements) + 3;
		if (r->elements == 0)
			break;
		if (depth + 1 > lim->max_depth)
			abort();	/* nested deeper than the limit */
		*elems += (int64_t)r->elements;
		if (*elems > lim->max_elems)
			abort();	/* more elements than the limit */
		for (i = 0; i < r->elements; i++) {
			if (r->element[i] == NULL)
				abort();
			h = walk(r->element[i], lim, depth + 1, elems, bytes, h);
		}
		break;
	default:
		abort();		/* hiredis 0.14 knows no other type */
	}
	return h;
}

/* Takes every complete reply; checks and hashes each. */
static void
drain(struct resp_reader *rr, const struct resp_limits *lim,
    struct outcome *o)
{
	redisReply *rep;
	int g;

	while ((g = resp_get(rr, &rep)) == 1) {
		int64_t elems = 0;
		uint64_t bytes = 0, h;

		h = walk(rep, lim, 0, &elems, &bytes, 0xcbf29ce484222325ULL);
		if (bytes > lim->max_total)
			abort();	/* a reply longer than the limit */
		if (o->nreplies == 0) {
			o->top = fnv_u64(0xcbf29ce484222325ULL,
			    (uint64_t)rep->type);
			if (rep->type == REDIS_REPLY_STATUS ||
			    rep->type == REDIS_REPLY_ERROR ||
			    rep->type == REDIS_REPLY_STRING)
				o->top = fnv(o->top, rep->str, rep->len);
		}
		o->digest = fnv_u64(o->digest, h);
		o->nreplies++;
		freeReplyObject(rep);
	}
	if (g == -1 && resp_status(rr) == RESP_OK)
		abort();	/* a reader error must refuse the stream */
}

/* xorshift64*: the split points. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* Feeds data in pieces (mode 0 whole, 1 byte by byte, 2 random splits),
 * taking replies after every piece, and fills *o.  Bytes after a refusal
 * are fed too: the reader must stay refused and keep counting. */
static void
run(const uint8_t *data, size_t size, const struct resp_limits *lim,
    int mode, struct outcome *o)
{
	struct resp_reader *rr;
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ (size > 0 ? data[0] : 0);
	size_t off = 0;
	bool refused = false;

	memset(o, 0, sizeof(*o));
	o->digest = 0xcbf29ce484222325ULL;
	if ((rr = resp_reader_new(lim)) == NULL)
		abort();
	while (off < size) {
		size_t k;

		if (mode == 0)
			k = size - off;
		else if (mode == 1)
			k = 1;
		else {
			uint64_t x = rnd(&seed);

			/* Mostly short pieces, now and then a long one. */
			k = 1 + (size_t)(x % ((x >> 32) % 8 == 0 ? 512 : 16));
			if (k > size - off)
				k = size - off;
		}
		if (resp_feed(rr, data + off, k) == -1) {
			if (resp_status(rr) == RESP_OK)
				abort();
			refused = true;
		} else if (refused)
			abort();	/* a refusal must be sticky */
		off += k;
		drain(rr, lim, o);
	}
	drain(rr, lim, o);

	o->st = resp_status(rr);
	switch (o->st) {
	case RESP_OK:
		o->cls = resp_pending(rr) ? C_INCOMPLETE : C_OK;
		break;
	case RESP_NOT_RESP:
		o->cls = C_NOT_RESP;
		break;
	case RESP_HOSTILE:
		o->cls = C_HOSTILE;
		break;
	case RESP_ERROR:
		/* The guard lets hiredis see only what it can parse:
		 * hiredis failing is a hole in the guard. */
		abort();
	}
	if (o->st != RESP_OK && resp_why(rr)[0] == '\0')
		abort();
	strncpy(o->why, resp_why(rr), sizeof(o->why) - 1);
	strncpy(o->first, resp_first_bytes(rr), sizeof(o->first) - 1);
	o->nread = resp_nread(rr);
	if (o->nread != size)
		abort();

	/* Where the guard thinks a reply ends, hiredis must agree. */
	if (o->st == RESP_OK && lim->max_line >= 1 && lim->max_total >= 4) {
		redisReply *rep;
		int got;

		/* At rest the marker is taken whole; mid-reply it may be
		 * refused (it continues a "$" line, say), never by hiredis. */
		if (resp_feed(rr, "+Z\r\n", 4) != 0 && o->cls == C_OK)
			abort();
		got = resp_get(rr, &rep);
		if (got == -1)
			abort();
		if (o->cls == C_OK) {
			if (got != 1 || rep->type != REDIS_REPLY_STATUS ||
			    rep->len != 1 || rep->str[0] != 'Z')
				abort();
			freeReplyObject(rep);
			if (resp_get(rr, &rep) != 0 || resp_pending(rr))
				abort();
		} else if (got == 1) {
			/* Mid-reply, the next reply starts with the bytes
			 * before the marker: never the marker alone. */
			if (rep->type == REDIS_REPLY_STATUS && rep->len == 1 &&
			    rep->str[0] == 'Z')
				abort();
			freeReplyObject(rep);
		}
	}
	resp_reader_free(rr);
}

static void
same(const struct outcome *a, const struct outcome *b)
{
	if (a->cls != b->cls || a->st != b->st || a->nread != b->nread ||
	    a->nreplies != b->nreplies || a->digest != b->digest ||
	    (a->nreplies > 0 && a->top != b->top) ||
	    strcmp(a->why, b->why) != 0 || strcmp(a->first, b->first) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct resp_limits *lims[] = { NULL, &tight };
	struct outcome o[3];
	size_t i;

	for (i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		const struct resp_limits *lim = lims[i] != NULL ? lims[i] :
		    &resp_default_limits;

		run(data, size, lim, 0, &o[0]);
		run(data, size, lim, 1, &o[1]);
		run(data, size, lim, 2, &o[2]);
		same(&o[0], &o[1]);
		same(&o[0], &o[2]);
	}
	return 0;
}
