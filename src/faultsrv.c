/* faultsrv.c — the simulate fault server's core: a loopback listener
 * (plus a bound, never listening "dead" port), a poll() loop on a thread
 * of its own, the connections it serves and their output buffers, and
 * start/stop.  What a connection is answered comes from the other parts
 * (faultsrv_int.h): the request parser (faultsrv_req.c), the Redis
 * behaviour table (faultsrv_table.c), the hostile payloads
 * (faultsrv_payload.c) and TLS (faultsrv_tls.c).  A scenario is a struct
 * fs_config: which state the table is in, which certificate the TLS
 * context presents, which payload replaces a reply.
 *
 * Every socket is non-blocking and the loop never waits but in poll(),
 * whose timeout is bounded and which the stop pipe wakes: faultsrv_stop()
 * returns promptly whatever the clients do. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "faultsrv.h"
#include "faultsrv_int.h"

#define LINGER_US	1000000		/* wait for the peer's FIN after ours */
#define POLL_MAX_MS	500

/* --- small helpers ----------------------------------------------------- */

uint32_t
fs_rnd(struct faultsrv *s)
{
	/* xorshift32: deterministic garbage is easier to debug than random. */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 17;
	s->rng ^= s->rng << 5;
	return s->rng;
}

static int
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A loopback TCP socket bound to port (0: any).  Returns it or -1. */
static int
bind_loopback(int port, int *bound)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd, one = 1, saved;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	*bound = ntohs(sin.sin_port);
	return fd;
}


/* --- output ------------------------------------------------------------- */

static int64_t
reply_delay(struct faultsrv *s)
{
	int64_t d = s->cfg.delay_us;

	if (s->cfg.jitter_us > 0)
		d += (int64_t)(fs_rnd(s) % (uint64_t)(s->cfg.jitter_us + 1));
	return d;
}

/* Appends bytes to c's output; the first reply after an idle spell waits
 * for the configured delay.  Returns 0 or -1 (out of memory). */
int
fs_out_put(struct faultsrv *s, struct fs_conn *c, const void *data, size_t n)
{
	if (c->outoff == c->outlen) {
		c->outoff = c->outlen = 0;
		c->ready_at = clock_now_us() + reply_delay(s);
	}
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 1024;
		char *np;
		while (cap < c->outlen + n)
			cap *= 2;
		if ((np = realloc(c->out, cap)) == NULL)
			return -1;
		c->out = np;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, data, n);
	c->outlen += n;
	return 0;
}

void
fs_out_fmt(struct faultsrv *s, struct fs_conn *c, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	fs_out_put(s, c, buf, (size_t)n);
}

/* --- connections ---------------------------------------------------------- */

static void
fs_conn_free(struct faultsrv *s, int i, bool rst)
{
	struct fs_conn *c = s->conns[i];

	if (c == NULL)
		return;
	if (rst) {
		struct linger lg = { 1, 0 };
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	SSL_free(c->ssl);
	close(c->fd);
	fs_reqreader_free(&c->req);
	free(c->out);
	free(c);
	s->conns[i] = NULL;
}

/* Sends our FIN and waits (bounded) for the peer's, so the reply is not
 * lost to an RST caused by unread request bytes. */
static void
fs_conn_finish(struct faultsrv *s, struct fs_conn *c)
{
	if (c->draining)
		return;
	if (c->ssl != NULL && c->tls_done)
		fs_tls_shutdown(c);
	shutdown(c->fd, SHUT_WR);
	c->draining = true;
	c->drain_until = clock_now_us() + LINGER_US;
}

static void
fs_conn_accept(struct faultsrv *s)
{
	struct fs_conn *c;
	int fd, i, one = 1;

	if ((fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	for (i = 0; i < FS_MAX_CONNS && s->conns[i] != NULL; i++)
		;
	if (i == FS_MAX_CONNS || (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->id = ++s->next_id;
	s->total_conns++;
	if (s->cfg.reset_after_us > 0)
		c->reset_at = clock_now_us() + s->cfg.reset_after_us;
	if (fs_reqreader_init(&c->req, FS_REQ_MAX, s->scratch,
	    FS_REQ_MAX + FS_MAX_ARGS) == -1) {
		free(c);
		close(fd);
		return;
	}
	s->conns[i] = c;
	if (fs_has(s, FS_TLS)) {
		if (fs_tls_attach(s, c) == -1) {
			fs_conn_free(s, i, false);
			return;
		}
	}
	if (s->cfg.kind == FS_GREET_CLOSE) {
		/* Redis writes these before reading anything, then closes. */
		fs_out_fmt(s, c, "%s\r\n", s->cfg.greeting ? s->cfg.greeting :
		    "-ERR max number of clients reached");
		c->ready_at = 0;
		c->close_after_flush = true;
	}
}

/* Reads what is there into dst.  Returns the bytes read, 0 when none are
 * there yet, -1 when the connection is over. */
static ssize_t
fs_conn_recv(struct fs_conn *c, char *dst, size_t room)
{
	ssize_t n;

	if (c->ssl != NULL)
		return fs_tls_read(c, dst, room);
	n = recv(c->fd, dst, room, 0);
	if (n == 0)
		return -1;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	return n;
}

/* Writes what it can of p.  Returns the bytes written (0: would block),
 * or -1 when the connection is over. */
static ssize_t
fs_conn_send(struct fs_conn *c, const char *p, size_t n)
{
	ssize_t w;

	if (c->ssl != NULL)
		return fs_tls_write(c, p, n);
	w = send(c->fd, p, n, MSG_NOSIGNAL);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	return w;
}

/* Reads what is there into the request buffer (or, when c answers
 * nothing more or the buffer is full, into a discard buffer).  Returns 0,
 * or -1 when the connection is over. */
static int
fs_conn_read(struct faultsrv *s, struct fs_conn *c)
{
	char discard[4096];
	char *dst;
	size_t room = fs_reqreader_room(&c->req, &dst);
	ssize_t n;

	if (c->stall || c->draining || room == 0) {
		dst = discard;
		room = sizeof(discard);
	}
	if ((n = fs_conn_recv(c, dst, room)) == -1)
		return -1;
	if (dst != discard)
		fs_reqreader_wrote(&c->req, (size_t)n);
	return 0;
}

/* Answers every complete request received.  Returns 0, or -1 to reset. */
static int
fs_conn_process(struct faultsrv *s, struct fs_conn *c)
{
	struct fs_request rq;
	int r;

	while (fs_reqreader_pending(&c->req) > 0 && !c->stall &&
	    !c->close_after_flush && !c->draining) {
		if (s->cfg.kind == FS_RESET)
			return -1;
		if ((r = fs_reqreader_next(&c->req, &rq)) == 0)
			break;
		if (r == -1) {
			/* Redis answers a protocol error and closes. */
			fs_out_fmt(s, c, "-ERR %s\r\n", c->req.perr);
			c->close_after_flush = true;
			fs_reqreader_drop(&c->req);
			break;
		}
		if (rq.argc > 0)
			fs_dispatch(s, c, &rq);
	}
	if (c->stall || c->draining)
		fs_reqreader_drop(&c->req);
	fs_reqreader_compact(&c->req);
	return 0;
}

/* Writes what is due.  Returns 0, or -1 when the connection is over. */
static int
fs_conn_write(struct faultsrv *s, struct fs_conn *c, int64_t now)
{
	size_t n = c->outlen - c->outoff;
	ssize_t w;

	if (n == 0 || now < c->ready_at)
		return 0;
	if (s->cfg.close_after >= 0 &&
	    (long long)n > s->cfg.close_after - c->written)
		n = (size_t)(s->cfg.close_after - c->written);
	if (n > 0) {
		if ((w = fs_conn_send(c, c->out + c->outoff, n)) == -1)
			return -1;
		c->outoff += (size_t)w;
		c->written += w;
	}
	if (s->cfg.close_after >= 0 && c->written >= s->cfg.close_after) {
		c->outoff = c->outlen;
		c->gen = FS_P_NONE;
		fs_conn_finish(s, c);
	}
	return 0;
}

/* One connection's turn in the loop.  Returns 0, -1 to close, -2 to RST. */
static int
fs_conn_step(struct faultsrv *s, struct fs_conn *c, short rev, int64_t now)
{
	if (c->reset_at != 0 && now >= c->reset_at)
		return -2;
	if (c->draining && now >= c->drain_until)
		return -1;
	if (c->ssl != NULL && !c->tls_done) {
		/* A failed handshake: Redis drops the connection. */
		int r = fs_tls_handshake(c);
		if (r != 1)
			return r;
		if (s->cfg.payload == FS_P_TLS_GARBAGE)
			fs_payload_start(s, c);
	}
	if (rev & (POLLIN | POLLHUP | POLLERR)) {
		if (fs_conn_read(s, c) == -1)
			return s->cfg.kind == FS_RESET &&
			    fs_reqreader_pending(&c->req) > 0 ? -2 : -1;
		if (c->ssl != NULL) {
			/* SSL_read may hold more decrypted records. */
			while (fs_tls_pending(c) &&
			    fs_reqreader_room(&c->req, NULL) > 0)
				if (fs_conn_read(s, c) == -1)
					break;
		}
		if (s->cfg.kind == FS_SILENT)
			fs_reqreader_drop(&c->req);
		else if (fs_conn_process(s, c) == -1)
			return -2;
	}
	fs_payload_refill(s, c, now);
	if (fs_conn_write(s, c, now) == -1)
		return -1;
	if (c->close_after_flush && c->outoff == c->outlen) {
		/* Redis writes the maxclients (or protected-mode) error and
		 * closes at once, unread bytes or not: a client that already
		 * sent its first command gets a reset, as from a real server. */
		if (s->cfg.kind == FS_GREET_CLOSE)
			return -1;
		fs_conn_finish(s, c);
	}
	return 0;
}

/* --- the loop ------------------------------------------------------------- */

static void *
loop(void *arg)
{
	struct faultsrv *s = arg;
	struct pollfd pf[FS_MAX_CONNS + 2];
	int idx[FS_MAX_CONNS + 2];
	bool listening = s->cfg.kind != FS_NONE && s->cfg.kind != FS_BLACKHOLE;

	for (;;) {
		int64_t now = clock_now_us(), next = now + POLL_MAX_MS * 1000LL;
		int n = 0, i, r, ms;

		pf[n].fd = s->wake[0];
		pf[n].events = POLLIN;
		idx[n++] = -1;
		if (listening) {
			pf[n].fd = s->lfd;
			pf[n].events = POLLIN;
			idx[n++] = -2;
		}
		for (i = 0; i < FS_MAX_CONNS; i++) {
			struct fs_conn *c = s->conns[i];
			if (c == NULL)
				continue;
			pf[n].fd = c->fd;
			pf[n].events = POLLIN;
			if (c->outoff < c->outlen) {
				if (c->ready_at <= now)
					pf[n].events |= POLLOUT;
				else if (c->ready_at < next)
					next = c->ready_at;
			}
			if (c->ssl != NULL && !c->tls_done)
				pf[n].events |= POLLOUT;
			if (c->gen == FS_P_DRIP && c->gen_next < next)
				next = c->gen_next;
			if (c->gen != FS_P_NONE && c->gen != FS_P_DRIP &&
			    c->outoff == c->outlen)
				next = now;
			if (c->reset_at != 0 && c->reset_at < next)
				next = c->reset_at;
			if (c->draining && c->drain_until < next)
				next = c->drain_until;
			idx[n++] = i;
		}
		ms = next <= now ? 0 : (int)((next - now + 999) / 1000);
		r = poll(pf, (nfds_t)n, ms);
		if (r == -1 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN)
			break;		/* faultsrv_stop() */
		now = clock_now_us();
		/* Every connection gets its turn with its own events: r is
		 * poll's count for the whole set, never one step's result (it
		 * once was, and every connection after the first got no
		 * events: one client at a time). */
		for (i = 1; i < n; i++) {
			int st;

			if (idx[i] == -2) {
				if (pf[i].revents & POLLIN)
					fs_conn_accept(s);
				continue;
			}
			st = fs_conn_step(s, s->conns[idx[i]],
			    r > 0 ? pf[i].revents : 0, now);
			if (st < 0)
				fs_conn_free(s, idx[i], st == -2);
		}
	}
	return NULL;
}

/* --- start and stop ----------------------------------------------------------- */

/* Fills the blackhole's accept queue with connections of our own, so the
 * kernel drops every further SYN (Linux drops SYNs to a listener whose
 * accept queue is full, SYN cookies or not): a client's connect() then
 * hangs until its own deadline.  Loopback only. */
static int
blackhole_fill(struct faultsrv *s)
{
	struct sockaddr_in sin;
	struct pollfd pf;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)s->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while (s->npre < FS_MAX_PRE) {
		if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) == -1)
			return -1;
		s->pre[s->npre++] = fd;
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			continue;
		if (errno != EINPROGRESS)
			return -1;
		pf.fd = fd;
		pf.events = POLLOUT;
		/* This one hangs: the queue is full. */
		if (poll(&pf, 1, 100) == 0)
			return 0;
	}
	return -1;	/* the queue never filled: no blackhole here */
}

int
faultsrv_start(const struct fs_config *cfg, struct faultsrv **out, char *err,
    size_t errlen)
{
	struct faultsrv *s;
	int i;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->cfg = *cfg;
	if (s->cfg.redis_version == 0)
		s->cfg.redis_version = 7;
	s->lfd = s->deadfd = s->wake[0] = s->wake[1] = -1;
	s->rng = 0x9e3779b9u ^ (uint32_t)getpid();
	s->started_us = clock_now_us();
	for (i = 0; i < FS_MAX_PRE; i++)
		s->pre[i] = -1;

	if ((s->scratch = malloc(FS_REQ_MAX + FS_MAX_ARGS)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* The dead port stays bound, so nobody else takes it meanwhile. */
	if ((s->deadfd = bind_loopback(0, &s->dead_port)) == -1) {
		snprintf(err, errlen, "cannot bind a loopback port: %s",
		    strerror(errno));
		goto fail;
	}
	if (cfg->kind == FS_NONE) {
		s->port = s->dead_port;
	} else {
		if ((s->lfd = bind_loopback(cfg->listen_port, &s->port)) == -1) {
			snprintf(err, errlen, "cannot bind 127.0.0.1:%d: %s",
			    cfg->listen_port, strerror(errno));
			goto fail;
		}
		if (listen(s->lfd, cfg->kind == FS_BLACKHOLE ? 0 : 64) == -1 ||
		    nonblock(s->lfd) == -1) {
			snprintf(err, errlen, "cannot listen: %s", strerror(errno));
			goto fail;
		}
		if (cfg->kind == FS_BLACKHOLE && blackhole_fill(s) == -1) {
			snprintf(err, errlen, "cannot fill the accept queue");
			goto fail;
		}
	}
	if ((cfg->flags & FS_TLS) && (s->ctx = fs_tls_context(s, err, errlen)) == NULL)
		goto fail;
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((i = pthread_create(&s->thr, NULL, loop, s)) != 0) {
		snprintf(err, errlen, "cannot start the server thread: %s",
		    strerror(i));
		goto fail;
	}
	s->started = true;
	*out = s;
	return 0;
fail:
	faultsrv_stop(s);
	return -1;
}

int
faultsrv_port(const struct faultsrv *s)
{
	return s->port;
}

int
faultsrv_dead_port(const struct faultsrv *s)
{
	return s->dead_port;
}

void
faultsrv_stop(struct faultsrv *s)
{
	int i;

	if (s == NULL)
		return;
	if (s->started) {
		(void)!write(s->wake[1], "x", 1);
		pthread_join(s->thr, NULL);
	}
	for (i = 0; i < FS_MAX_CONNS; i++)
		fs_conn_free(s, i, false);
	for (i = 0; i < FS_MAX_PRE; i++)
		if (s->pre[i] != -1)
			close(s->pre[i]);
	if (s->lfd != -1)
		close(s->lfd);
	if (s->deadfd != -1)
		close(s->deadfd);
	if (s->wake[0] != -1)
		close(s->wake[0]);
	if (s->wake[1] != -1)
		close(s->wake[1]);
	SSL_CTX_free(s->ctx);
	free(s->scratch);
	free(s);
}
