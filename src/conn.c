/* conn.c — deadline-bounded reads and writes over a socket or TLS. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "clock.h"
#include "conn.h"

/* Waits for events on fd until the deadline: 1 ready, 0 timed out, -1. */
static int
wait_fd(int fd, short events, int64_t deadline_us)
{
	struct pollfd p;
	int r;

	p.fd = fd;
	p.events = events;
	for (;;) {
		p.revents = 0;
		r = poll(&p, 1, clock_left_ms(deadline_us));
		if (r == -1 && errno == EINTR)
			continue;
		return r;
	}
}

/* After an I/O call that would block: waits for ev on fd unless the
 * deadline has passed.  Returns 0 to try again, -1 with errno ETIMEDOUT
 * at the deadline or poll's errno. */
static int
wait_more(int fd, short ev, int64_t deadline_us)
{
	int r;

	if (clock_left_us(deadline_us) == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if ((r = wait_fd(fd, ev, deadline_us)) == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return r < 0 ? -1 : 0;
}

/* Maps a failed SSL call to errno; returns the wait events wanted, or 0
 * when it failed for good. */
static short
ssl_want(SSL *ssl, int ret)
{
	int e = SSL_get_error(ssl, ret);

	switch (e) {
	case SSL_ERROR_WANT_READ:
		return POLLIN;
	case SSL_ERROR_WANT_WRITE:
		return POLLOUT;
	case SSL_ERROR_ZERO_RETURN:
		errno = 0;
		return 0;
	case SSL_ERROR_SYSCALL:
		if (errno == 0)
			errno = ECONNRESET;
		return 0;
	default:
		errno = EPROTO;
		return 0;
	}
}

int
conn_write(struct conn *c, const void *buf, size_t len, int64_t deadline_us)
{
	const char *p = buf;

	while (len > 0) {
		short ev;
		int r;

		if (c->ssl == NULL) {
			ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

			if (n >= 0) {
				p += n;
				len -= (size_t)n;
				c->asked = true;
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			ev = POLLOUT;
		} else {
			ERR_clear_error();
			errno = 0;
			r = SSL_write(c->ssl, p, (int)(len > 1 << 30 ? 1 << 30 : len));
			if (r > 0) {
				p += r;
				len -= (size_t)r;
				continue;
			}
			if ((ev = ssl_want(c->ssl, r)) == 0) {
				if (errno == 0)
					errno = EPIPE;
				return -1;
			}
		}
		if (wait_more(c->fd, ev, deadline_us) == -1)
			return -1;
	}
	return 0;
}

ssize_t
conn_read(struct conn *c, void *buf, size_t len, int64_t deadline_us)
{
	for (;;) {
		short ev;
		int r;

		if (c->ssl == NULL) {
			ssize_t n;

			/* Just asked: the answer is a round trip away, so wait
			 * for it first (poll, recv) instead of finding the
			 * socket empty (recv, poll, recv). */
			if (c->asked) {
				c->asked = false;
				if (clock_left_us(deadline_us) > 0 &&
				    wait_more(c->fd, POLLIN, deadline_us) == -1)
					return -1;
			}
			n = recv(c->fd, buf, len, 0);

			if (n >= 0)
				return n;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			ev = POLLIN;
		} else {
			ERR_clear_error();
			errno = 0;
			r = SSL_read(c->ssl, buf, (int)(len > 1 << 30 ? 1 << 30 : len));
			if (r > 0)
				return r;
			if ((ev = ssl_want(c->ssl, r)) == 0) {
				if (errno == 0)
					return 0;	/* close_notify */
				if (errno == EPROTO &&
				    ERR_GET_REASON(ERR_peek_error()) ==
				    SSL_R_UNEXPECTED_EOF_WHILE_READING)
					return 0;
				return -1;
			}
		}
		if (wait_more(c->fd, ev, deadline_us) == -1)
			return -1;
	}
}

void
conn_close(struct conn *c)
{
	int e = errno;

	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->ctx != NULL) {
		SSL_CTX_free(c->ctx);
		c->ctx = NULL;
	}
	free(c->tls_state);
	c->tls_state = NULL;
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	errno = e;
}
