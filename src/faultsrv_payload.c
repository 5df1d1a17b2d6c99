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

void
fs_payload_start(struct faultsrv *s, struct fs_conn *c)
{
	int i;

	c->payload_sent = true;
	switch (s->cfg.payload) {
	case FS_P_NONE:
		break;
	case FS_P_HTTP:
		fs_out_fmt(s, c, "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n"
		    "Content-Type: text/html\r\nContent-Length: 150\r\n"
		    "Connection: close\r\n\r\n<html>\r\n<head><title>400 Bad "
		    "Request</title></head>\r\n<body>\r\n<center><h1>400 Bad "
		    "Request</h1></center>\r\n<hr><center>nginx</center>\r\n"
		    "</body>\r\n</html>\r\n");
		c->close_after_flush = true;
		break;
	case FS_P_GARBAGE:
	case FS_P_TLS_GARBAGE:
		put_garbage(s, c, 4096);
		c->stall = true;
		break;
	case FS_P_BULK_2G:
		fs_out_fmt(s, c, "$2147483648\r\n");
		c->stall = true;
		break;
	case FS_P_BULK_HUGE:
		fs_out_fmt(s, c, "$9223372036854775807\r\n");
		c->stall = true;
		break;
	case FS_P_MULTI_4G:
		fs_out_fmt(s, c, "*4294967295\r\n");
		c->stall = true;
		break;
	case FS_P_DEEP:
		for (i = 0; i < 1000; i++)
			fs_out_put(s, c, "*1\r\n", 4);
		fs_out_put(s, c, ":1\r\n", 4);
		c->stall = true;
		break;
	case FS_P_LONG_LINE:
		fs_out_put(s, c, "-ERR ", 5);
		c->gen = FS_P_LONG_LINE;
		c->gen_left = LONG_LINE;
		c->stall = true;
		break;
	case FS_P_ENDLESS:
		fs_out_put(s, c, "+PONG", 5);
		c->gen = FS_P_ENDLESS;
		c->gen_left = -1;
		c->stall = true;
		break;
	case FS_P_DRIP:
		c->gen = FS_P_DRIP;
		c->gen_left = -1;
		c->gen_next = clock_now_us();
		c->stall = true;
		break;
	case FS_P_CLOSE_MID:
		fs_out_fmt(s, c, "$100\r\nPONG-and-then-noth");
		c->close_after_flush = true;
		break;
	}
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
