/* fuzz_faultreq.c — libFuzzer target for the fault server's request parser
 * (faultsrv_req.c), driven without a socket the way faultsrv.c drives it:
 * bytes into a struct fs_reqreader, every complete request taken after
 * each feed, the buffer compacted, and the first protocol error ending
 * the stream.
 *
 * The input is a byte stream from a client.  It is fed three ways — whole,
 * byte by byte, and in pieces whose lengths the input's own bytes choose —
 * with two scratch sizes (the server's, and 32 bytes so that small inputs
 * fill it).  The reader's buffer is exactly the input's size, so a read
 * past the bytes received is an ASan report.  Invariants (abort() when
 * broken):
 *
 *  - every request handed out is well formed: at most FS_MAX_ARGS kept,
 *    each NUL-terminated inside the scratch, one after the other; it used
 *    at least one byte; an inline request's arguments are non-empty and
 *    hold no blank; a protocol error has a "Protocol error: " text;
 *  - a request re-encoded as multibulk parses back to the same request;
 *  - below Redis's inline limit (FS_INLINE_MAX) the three feedings agree
 *    exactly: the requests byte for byte, the error and its text, the
 *    bytes left over.  Above it a split may meet the limit before the
 *    line's end, so only this holds: a feeding's requests are a prefix of
 *    the whole feeding's, and the same ones, with the whole feeding not
 *    failing either, when it did not fail;
 *  - the small scratch only ever adds an error: its requests are a prefix
 *    of the large scratch's, and the same when it did not fail. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultsrv_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TIGHT		32
#define BYTEWISE_MAX	4096	/* byte by byte is quadratic: not above */

static char big_scratch[FS_REQ_MAX + FS_MAX_ARGS];
static char rt_scratch[FS_REQ_MAX + FS_MAX_ARGS];
static char tight_scratch[TIGHT];

/* What a feeding handed out: every request in order, each logged as a
 * multibulk request of its kept arguments after its full count (so the
 * log is self-delimiting), and how the stream ended.  Feedings compare
 * byte for byte. */
struct outcome {
	size_t	 nreq;
	char	*log;
	size_t	 loglen, logcap;
	bool	 failed;
	char	 perr[80];
	size_t	 pending;		/* bytes left unparsed at the end */
};

/* Writes rq as "*ARGC\r\n" and a "$LEN\r\nDATA\r\n" per kept argument
 * into a buffer it grows.  Returns the length. */
static size_t
encode(const struct fs_request *rq, char **buf, size_t *cap, size_t o)
{
	size_t need = o + 32;
	int i;

	for (i = 0; i < rq->argc && i < FS_MAX_ARGS; i++)
		need += rq->arglen[i] + 32;
	if (need > *cap) {
		char *nb = realloc(*buf, need);

		if (nb == NULL)
			abort();
		*buf = nb;
		*cap = need;
	}
	o += (size_t)snprintf(*buf + o, *cap - o, "*%d\r\n", rq->argc);
	for (i = 0; i < rq->argc && i < FS_MAX_ARGS; i++) {
		o += (size_t)snprintf(*buf + o, *cap - o, "$%zu\r\n",
		    rq->arglen[i]);
		memcpy(*buf + o, rq->argv[i], rq->arglen[i]);
		o += rq->arglen[i];
		memcpy(*buf + o, "\r\n", 2);
		o += 2;
	}
	return o;
}

/* The request's arguments as one multibulk request parse back to them. */
static void
round_trip(const struct fs_request *rq)
{
	struct fs_request back;
	char *enc = NULL, *again = NULL;
	size_t cap = 0, cap2 = 0, n, used = 0;
	const char *perr = NULL;

	if (rq->argc > FS_MAX_ARGS)
		return;		/* the arguments past FS_MAX_ARGS are not kept */
	n = encode(rq, &enc, &cap, 0);
	if (fs_parse_request(enc, n, &used, &back.argc, back.argv, back.arglen,
	    rt_scratch, sizeof(rt_scratch), &perr) != 1 || used != n ||
	    encode(&back, &again, &cap2, 0) != n || memcmp(enc, again, n) != 0)
		abort();
	free(enc);
	free(again);
}

/* Checks one request the reader handed out; inline: it was a line. */
static void
check(const struct fs_request *rq, const char *scratch, size_t scratchlen,
    bool inl, size_t used)
{
	const char *next = scratch;
	int i, j;

	if (rq->argc < 0 || used == 0)
		abort();
	for (i = 0; i < rq->argc && i < FS_MAX_ARGS; i++) {
		const char *a = rq->argv[i];

		/* One after the other, inside the scratch, NUL-terminated. */
		if (a != next || a + rq->arglen[i] >= scratch + scratchlen ||
		    a[rq->arglen[i]] != '\0')
			abort();
		next = a + rq->arglen[i] + 1;
		if (inl) {
			if (rq->arglen[i] == 0)
				abort();
			for (j = 0; j < (int)rq->arglen[i]; j++)
				if (isspace((unsigned char)a[j]))
					abort();
		}
	}
}

/* Takes every complete request, as faultsrv.c's fs_conn_process does. */
static void
drain(struct fs_reqreader *r, struct outcome *o, bool large)
{
	struct fs_request rq;
	size_t before;
	bool inl;
	int rc;

	while (!o->failed && (before = fs_reqreader_pending(r)) > 0) {
		inl = r->buf[r->off] != '*';
		if ((rc = fs_reqreader_next(r, &rq)) == 0)
			break;
		if (rc == -1) {
			if (r->perr == NULL ||
			    strncmp(r->perr, "Protocol error: ", 16) != 0 ||
			    fs_reqreader_pending(r) != before)
				abort();
			o->failed = true;
			snprintf(o->perr, sizeof(o->perr), "%s", r->perr);
			break;
		}
		if (rc != 1 || fs_reqreader_pending(r) >= before)
			abort();
		check(&rq, r->scratch, r->scratchlen, inl,
		    before - fs_reqreader_pending(r));
		if (large)
			round_trip(&rq);
		o->loglen = encode(&rq, &o->log, &o->logcap, o->loglen);
		o->nreq++;
	}
	fs_reqreader_compact(r);
}

/* Feeds data in pieces (mode 0 whole, 1 byte by byte, 2 random splits),
 * taking requests after every piece until the first error, and fills *o;
 * the bytes after an error are fed too, so that the pending count is the
 * same however they came. */
static void
run(const uint8_t *data, size_t size, char *scratch, size_t scratchlen,
    int mode, struct outcome *o)
{
	struct fs_reqreader r;
	size_t off = 0, k;

	o->nreq = o->loglen = 0;
	o->failed = false;
	o->perr[0] = '\0';
	if (fs_reqreader_init(&r, size, scratch, scratchlen) == -1)
		abort();
	while (off < size) {
		if (mode == 0)
			k = size - off;
		else if (mode == 1)
			k = 1;
		else {
			/* The byte at the cut says how far the next one is:
			 * mostly short pieces, now and then a long one. */
			k = 1 + data[off] % 16 + (data[off] >= 0xf8 ? 512 : 0);
			if (k > size - off)
				k = size - off;
		}
		if (fs_reqreader_feed(&r, data + off, k) == -1)
			abort();	/* compaction keeps room for the rest */
		off += k;
		drain(&r, o, scratchlen > TIGHT);
	}
	o->pending = fs_reqreader_pending(&r);
	fs_reqreader_free(&r);
}

/* a's requests are a prefix of b's; the same ones when a did not fail. */
static void
prefix_of(const struct outcome *a, const struct outcome *b)
{
	if (a->nreq > b->nreq || a->loglen > b->loglen ||
	    (a->loglen > 0 && memcmp(a->log, b->log, a->loglen) != 0))
		abort();
	if (!a->failed && (b->failed || a->nreq != b->nreq ||
	    a->pending != b->pending))
		abort();
}

static void
same(const struct outcome *a, const struct outcome *b)
{
	if (a->nreq != b->nreq || a->failed != b->failed ||
	    a->pending != b->pending || strcmp(a->perr, b->perr) != 0 ||
	    a->loglen != b->loglen ||
	    (a->loglen > 0 && memcmp(a->log, b->log, a->loglen) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Whole, byte by byte (random splits instead when that is too
	 * slow), random splits. */
	const int modes[3] = { 0, size <= BYTEWISE_MAX ? 1 : 2, 2 };
	struct outcome o[2][3];
	int i, m;

	memset(o, 0, sizeof(o));
	for (i = 0; i < 2; i++) {
		char *sc = i == 0 ? big_scratch : tight_scratch;
		size_t sl = i == 0 ? sizeof(big_scratch) : sizeof(tight_scratch);

		for (m = 0; m < 3; m++)
			run(data, size, sc, sl, modes[m], &o[i][m]);
		for (m = 1; m < 3; m++) {
			if (size <= FS_INLINE_MAX)
				same(&o[i][m], &o[i][0]);
			else
				prefix_of(&o[i][m], &o[i][0]);
		}
	}
	/* The small scratch only adds an error. */
	prefix_of(&o[1][0], &o[0][0]);
	for (i = 0; i < 2; i++)
		for (m = 0; m < 3; m++)
			free(o[i][m].log);
	return 0;
}
