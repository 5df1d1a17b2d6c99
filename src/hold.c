/* hold.c — the connection `watch --hold` keeps (see hold.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "hold.h"
#include "secret.h"
#include "strutil.h"

void
hold_adopt(struct rd_hold *h, struct conn *c, struct resp_reader *rr)
{
	hold_close(h);
	h->c = *c;
	h->rr = rr;
	h->open = true;
	h->opened_us = h->last_us = clock_now_us();
	h->pings = 0;
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void
hold_close(struct rd_hold *h)
{
	if (h->open)
		conn_close(&h->c);
	resp_reader_free(h->rr);
	h->rr = NULL;
	h->open = false;
}

static void
died(struct rd_hold *h, struct rd_hold_event *ev, bool reset, bool idle)
{
	int64_t now = clock_now_us();

	ev->died = true;
	ev->reset = reset;
	ev->closed = !reset;
	ev->while_idle = idle;
	ev->idle_us = now - h->last_us;
	ev->age_us = now - h->opened_us;
	hold_close(h);
}

int
hold_wait(struct rd_hold *h, int64_t until_us, const sigset_t *waitmask,
    struct rd_hold_event *ev)
{
	struct pollfd p;
	struct timespec ts;
	char buf[4096];
	int64_t left;
	ssize_t n;
	int r;

	memset(ev, 0, sizeof(*ev));
	while ((left = clock_left_us(until_us)) > 0) {
		ts.tv_sec = (time_t)(left / 1000000);
		ts.tv_nsec = (long)(left % 1000000) * 1000;
		p.fd = h->open ? h->c.fd : -1;
		p.events = POLLIN | POLLRDHUP;
		p.revents = 0;
		r = ppoll(&p, 1, &ts, waitmask);
		if (r == -1 && errno == EINTR)
			return 0;		/* a signal: the caller looks */
		if (r <= 0 || !h->open)
			continue;
		/* Readable while idle: an EOF, a reset, a TLS alert or bytes
		 * nobody asked for.  Only what is pending, never a wait. */
		n = conn_read(&h->c, buf, sizeof(buf), 0);
		if (n == 0 || (n == -1 && errno != ETIMEDOUT)) {
			died(h, ev, n == -1 && errno == ECONNRESET, true);
			return 1;
		}
		if (n > 0)
			resp_feed(h->rr, buf, (size_t)n);
		else if (p.revents & (POLLHUP | POLLRDHUP | POLLERR)) {
			died(h, ev, (p.revents & POLLERR) != 0, true);
			return 1;
		}
	}
	return 0;
}

int
hold_ping(struct rd_hold *h, const struct rd_vault *vault,
    int64_t deadline_us, struct rd_hold_event *ev)
{
	static const char ping[] = "*1\r\n$4\r\nPING\r\n";
	redisReply *rep = NULL;
	char buf[4096];
	int64_t t0 = clock_now_us();
	ssize_t n;
	int g;

	memset(ev, 0, sizeof(*ev));
	if (!h->open)
		return -1;
	/* Something already read while idle was not asked for: the replies
	 * on this connection are out of step; start afresh. */
	if (resp_get(h->rr, &rep) == 1 || resp_pending(h->rr)) {
		if (rep != NULL)
			freeReplyObject(rep);
		rd_scopy(ev->text, sizeof(ev->text), "data nobody asked for "
		    "arrived while the connection was idle");
		hold_close(h);
		ev->died = true;
		return -1;
	}
	ev->pinged = true;
	if (conn_write(&h->c, ping, sizeof(ping) - 1, deadline_us) == -1) {
		if (errno == ETIMEDOUT) {
			ev->timed_out = true;
			ev->died = true;
			hold_close(h);
			return -1;
		}
		died(h, ev, errno == ECONNRESET, false);
		return -1;
	}
	for (;;) {
		if ((g = resp_get(h->rr, &rep)) == 1)
			break;
		if (g == -1 || resp_status(h->rr) != RESP_OK) {
			rd_scopy(ev->text, sizeof(ev->text), "a reply that is "
			    "not RESP");
			hold_close(h);
			ev->died = true;
			return -1;
		}
		n = conn_read(&h->c, buf, sizeof(buf), deadline_us);
		if (n > 0) {
			resp_feed(h->rr, buf, (size_t)n);
			continue;
		}
		if (n == -1 && errno == ETIMEDOUT) {
			ev->timed_out = true;
			ev->died = true;
			ev->idle_us = clock_now_us() - h->last_us;
			hold_close(h);
			return -1;
		}
		died(h, ev, n == -1 && errno == ECONNRESET, false);
		return -1;
	}
	ev->rtt_us = clock_now_us() - t0;
	ev->pong = rep->type == REDIS_REPLY_STATUS && rep->len == 4 &&
	    memcmp(rep->str, "PONG", 4) == 0;
	if (!ev->pong && (rep->type == REDIS_REPLY_STATUS ||
	    rep->type == REDIS_REPLY_ERROR || rep->type == REDIS_REPLY_STRING))
		vault_door(vault, rep->str, rep->len, ev->text, sizeof(ev->text));
	freeReplyObject(rep);
	h->last_us = clock_now_us();
	ev->age_us = h->last_us - h->opened_us;
	if (ev->pong)
		h->pings++;
	return ev->pong ? 0 : -1;
}
