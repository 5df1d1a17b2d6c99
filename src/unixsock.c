/* unixsock.c — connect to a Unix socket under the deadline and record it
 * as the tcp step's one attempt (see unixsock.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "strutil.h"
#include "tcp.h"
#include "unixsock.h"

char *
unixsock_url(const char *path, int db, char *buf, size_t sz)
{
	if (db > 0)
		snprintf(buf, sz, "unix://%s?db=%d", path, db);
	else
		snprintf(buf, sz, "unix://%s", path);
	return buf;
}

/* Waits for a connect in progress; 0 connected, else its errno. */
static int
wait_connected(int fd, int64_t deadline_us)
{
	struct pollfd pfd = { fd, POLLOUT, 0 };
	int64_t left;
	int r;

	for (;;) {
		if ((left = clock_left_us(deadline_us)) <= 0)
			return ETIMEDOUT;
		r = poll(&pfd, 1, (int)((left + 999) / 1000));
		if (r > 0)
			return tcp_so_error(fd);
		if (r == -1 && errno != EINTR)
			return errno;
	}
}

int
unixsock_connect(const char *path, int64_t deadline_us, struct rd_obs *obs)
{
	struct rd_step *dns = &obs->steps[RD_STEP_DNS];
	struct rd_step *s = &obs->steps[RD_STEP_TCP];
	struct rd_tcp_obs *t = &obs->tcp;
	struct rd_attempt *a = &t->attempts[0];
	struct sockaddr_un sa;
	int64_t t0 = clock_now_us();
	int fd = -1, e = 0, tries;

	dns->status = RD_ST_SKIP;
	rd_scopy(dns->detail, sizeof(dns->detail), "Unix socket: no name to "
	    "resolve");
	t->attempted = true;
	t->nattempts = 1;
	t->winner = -1;
	a->addr.family = 0;
	rd_scopy(a->addr.text, sizeof(a->addr.text), path);
	a->port = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		e = ENAMETOOLONG;
		goto done;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* A full backlog answers EAGAIN; retried until the deadline, every
	 * 10 ms (bounded by the deadline, and by 100000 tries). */
	for (tries = 0; tries < 100000; tries++) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) == -1) {
			e = errno;
			break;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			e = 0;
			break;
		}
		e = errno;
		if (e == EINPROGRESS) {
			e = wait_connected(fd, deadline_us);
			break;
		}
		close(fd);
		fd = -1;
		if (e != EAGAIN)
			break;
		if (clock_left_us(deadline_us) <= 10000) {
			e = ETIMEDOUT;
			break;
		}
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
done:
	a->us = clock_now_us() - t0;
	s->us = a->us;
	if (e == 0) {
		a->connected = true;
		t->winner = 0;
		rd_scopy(t->local, sizeof(t->local), "unix");
		rd_scopy(t->peer, sizeof(t->peer), path);
		s->status = RD_ST_OK;
		snprintf(s->detail, sizeof(s->detail), "connected to the Unix "
		    "socket %s", path);
		return fd;
	}
	if (fd != -1)
		close(fd);
	a->errnum = e == ETIMEDOUT ? 0 : e;
	a->abandoned = e == ETIMEDOUT;
	t->timed_out = e == ETIMEDOUT;
	if (e == ETIMEDOUT)
		obs->deadline_hit = true;
	s->status = RD_ST_FAIL;
	s->err.set = true;
	s->err.errnum = e;
	rd_scopy(s->err.code, sizeof(s->err.code), e == ETIMEDOUT ? "timeout" :
	    e == ENOENT ? "ENOENT" : e == ENOTSOCK ? "ENOTSOCK" :
	    e == ENAMETOOLONG ? "ENAMETOOLONG" : tcp_errno_name(e));
	rd_scopy(s->err.name, sizeof(s->err.name), s->err.code);
	snprintf(s->err.message, sizeof(s->err.message), "connect to the Unix "
	    "socket %.160s: %s", path, strerror(e));
	return -1;
}
