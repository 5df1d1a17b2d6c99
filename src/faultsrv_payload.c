/* faultsrv_payload.c — the hostile replies of issue 6: what a payload
 * scenario sends instead of the reply table's answer (an HTTP error page,
 * random bytes, bulk and array headers no client should allocate for,
 * deep nesting, a line that never ends, a drip, a reply cut in half), and
 * the streaming that keeps the endless ones going without ever holding
 * more than one chunk. */
#include <string.h>

#include "clock.h"
#include "faultsrv_int.h"

#define CHUNK		(64 * 1024)	/* streamed payloads, per refill */
#define DRIP_US		100000
#define LONG_LINE	(64LL * 1024 * 1024)

static void
put_garbage(struct faultsrv *s, struct fs_conn *c, size_t n)
{
	unsigned char buf[256];
	size_t i, k;

	while (n > 0) {
		k = n < sizeof(buf) ? n : sizeof(buf);
		for (i = 0; i < k; i++)
			buf[i] = (unsigned char)fs_rnd(s);
		/* Never a RESP type byte first: garbage, not a reply. */
		if (c->outlen == c->outoff)
			buf[0] = 0x8f;
		fs_out_put(s, c, buf, k);
		n -= k;
	}
}

/* The payloads that are fixed bytes: a head written at once, then FIN
 * (close) or silence, with a stream after the head for the long and the
 * endless ones (fs_payload_refill).  Garbage and deep nesting are made. */
static const struct {
	const char *head;		/* NULL: nothing at once */
	bool	 close;			/* FIN once written; else answer no more */
	enum fs_payload stream;		/* FS_P_NONE: nothing after the head */
	long long stream_len;		/* bytes to stream, -1 endless */
} fixed[] = {
	[FS_P_HTTP] = { "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n"
	    "Content-Type: text/html\r\nContent-Length: 150\r\n"
	    "Connection: close\r\n\r\n<html>\r\n<head><title>400 Bad "
	    "Request</title></head>\r\n<body>\r\n<center><h1>400 Bad "
	    "Request</h1></center>\r\n<hr><center>nginx</center>\r\n"
	    "</body>\r\n</html>\r\n", true, FS_P_NONE, 0 },
	[FS_P_BULK_2G] = { "$2147483648\r\n", false, FS_P_NONE, 0 },
	[FS_P_BULK_HUGE] = { "$9223372036854775807\r\n", false, FS_P_NONE, 0 },
	[FS_P_MULTI_4G] = { "*4294967295\r\n", false, FS_P_NONE, 0 },
	[FS_P_LONG_LINE] = { "-ERR ", false, FS_P_LONG_LINE, LONG_LINE },
	[FS_P_ENDLESS] = { "+PONG", false, FS_P_ENDLESS, -1 },
	[FS_P_DRIP] = { NULL, false, FS_P_DRIP, -1 },
	[FS_P_CLOSE_MID] = { "$100\r\nPONG-and-then-noth", true, FS_P_NONE, 0 },
};

void
fs_payload_start(struct faultsrv *s, struct fs_conn *c)
{
	enum fs_payload p = s->cfg.payload;
	int i;

	c->payload_sent = true;
	switch (p) {
	case FS_P_NONE:
		return;
	case FS_P_GARBAGE:
	case FS_P_TLS_GARBAGE:
		put_garbage(s, c, 4096);
		break;
	case FS_P_DEEP:
		for (i = 0; i < 1000; i++)
			fs_out_put(s, c, "*1\r\n", 4);
		fs_out_put(s, c, ":1\r\n", 4);
		break;
	default:
		if (fixed[p].head != NULL)
			fs_out_put(s, c, fixed[p].head, strlen(fixed[p].head));
		if (fixed[p].stream != FS_P_NONE) {
			c->gen = fixed[p].stream;
			c->gen_left = fixed[p].stream_len;
			c->gen_next = clock_now_us();	/* the drip's first byte */
		}
		if (fixed[p].close) {
			c->close_after_flush = true;
			return;
		}
		break;
	}
	c->stall = true;
}

void
fs_payload_refill(struct faultsrv *s, struct fs_conn *c, int64_t now)
{
	static const char drip[] = "+PONG drip drip drip ";
	char buf[CHUNK];
	size_t n;

	if (c->gen == FS_P_NONE || c->outoff < c->outlen)
		return;
	if (c->gen == FS_P_DRIP) {
		int64_t every = s->cfg.delay_us > 0 ? s->cfg.delay_us : DRIP_US;
		if (now < c->gen_next)
			return;
		fs_out_put(s, c, &drip[c->gen_left == -1 ? 0 :
		    (size_t)c->gen_left % (sizeof(drip) - 1)], 1);
		c->ready_at = now;	/* the drip is its own delay */
		c->gen_left = c->gen_left == -1 ? 1 : c->gen_left + 1;
		c->gen_next = now + every;
		return;
	}
	n = sizeof(buf);
	if (c->gen_left >= 0 && (long long)n > c->gen_left)
		n = (size_t)c->gen_left;
	if (c->gen == FS_P_ENDLESS)
		for (size_t i = 0; i < n; i++)
			buf[i] = "PONG"[i % 4];
	else
		memset(buf, 'x', n);
	fs_out_put(s, c, buf, n);
	c->ready_at = now;
	if (c->gen_left >= 0 && (c->gen_left -= (long long)n) == 0)
		c->gen = FS_P_NONE;
}
