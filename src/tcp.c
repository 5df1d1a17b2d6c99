/* tcp.c — Happy Eyeballs connect under the deadline. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "tcp.h"

const char *
tcp_errno_name(int e)
{
	switch (e) {
	case 0:			return "";
	case ECONNREFUSED:	return "ECONNREFUSED";
	case ETIMEDOUT:		return "ETIMEDOUT";
	case EHOSTUNREACH:	return "EHOSTUNREACH";
	case ENETUNREACH:	return "ENETUNREACH";
	case ECONNRESET:	return "ECONNRESET";
	case ECONNABORTED:	return "ECONNABORTED";
	case EADDRNOTAVAIL:	return "EADDRNOTAVAIL";
	case EAFNOSUPPORT:	return "EAFNOSUPPORT";
	case EACCES:		return "EACCES";
	case EPERM:		return "EPERM";
	case EPIPE:		return "EPIPE";
	case EINPROGRESS:	return "EINPROGRESS";
	case EMFILE:		return "EMFILE";
	case ENFILE:		return "ENFILE";
	case ENOBUFS:		return "ENOBUFS";
	case ENOMEM:		return "ENOMEM";
	case EINVAL:		return "EINVAL";
	case ENETDOWN:		return "ENETDOWN";
	case EHOSTDOWN:		return "EHOSTDOWN";
	case EPROTO:		return "EPROTO";
	case EIO:		return "EIO";
	default:		return "E?";
	}
}

/* The numeric address alone, and its port. */
static void
sockaddr_host(const struct sockaddr_storage *ss, char *out, size_t outsz,
    int *port)
{
	out[0] = '\0';
	*port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)outsz);
		*port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)outsz);
		*port = ntohs(in6->sin6_port);
	}
}

/* "127.0.0.1:6379", "[::1]:6379" */
static void
sockaddr_text(const struct sockaddr_storage *ss, char *out, size_t outsz)
{
	char a[64];
	int port;

	sockaddr_host(ss, a, sizeof(a), &port);
	if (ss->ss_family == AF_INET6)
		snprintf(out, outsz, "[%s]:%d", a, port);
	else if (a[0] != '\0')
		snprintf(out, outsz, "%s:%d", a, port);
	else
		out[0] = '\0';
}

/* Starts a connect; returns the socket (connecting or connected) or -1
 * with errno. */
static int
start(const struct dns_target *t, bool *now)
{
	int fd, one = 1, e;

	*now = false;
	fd = socket(t->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* Commands are small and the latency step times round trips. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&t->ss, t->len) == 0) {
		*now = true;
		return fd;
	}
	if (errno == EINPROGRESS)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int
so_error(int fd)
{
	int e = 0;
	socklen_t len = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
		return errno;
	return e;
}

/* RFC 8305 section 4: alternate families, starting with the first. */
static int
interleave(const struct dns_result *res, int order[RD_MAX_ADDRS])
{
	int a[RD_MAX_ADDRS], b[RD_MAX_ADDRS], na = 0, nb = 0, i, n = 0;
	int first;

	if (res->n == 0)
		return 0;
	first = res->t[0].family;
	for (i = 0; i < res->n; i++) {
		if (res->t[i].family == first)
			a[na++] = i;
		else
			b[nb++] = i;
	}
	for (i = 0; i < na || i < nb; i++) {
		if (i < na)
			order[n++] = a[i];
		if (i < nb)
			order[n++] = b[i];
	}
	return n;
}

static void
fill_ends(int fd, struct rd_tcp_obs *obs)
{
	struct sockaddr_storage ss;
	socklen_t len;

	memset(&ss, 0, sizeof(ss));
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		sockaddr_text(&ss, obs->local, sizeof(obs->local));
	memset(&ss, 0, sizeof(ss));
	len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		sockaddr_text(&ss, obs->peer, sizeof(obs->peer));
}

int
tcp_connect(const struct dns_result *res, int64_t deadline_us,
    struct rd_tcp_obs *obs)
{
	int order[RD_MAX_ADDRS], fds[RD_MAX_ADDRS];
	int n, next = 0, nactive = 0, i, winner = -1;
	int64_t t0 = clock_now_us(), next_at = t0;
	struct pollfd pfd[RD_MAX_ADDRS];
	int idx[RD_MAX_ADDRS];

	memset(obs, 0, sizeof(*obs));
	obs->attempted = true;
	obs->winner = -1;
	n = interleave(res, order);

	for (i = 0; i < RD_MAX_ADDRS; i++)
		fds[i] = -1;

	for (;;) {
		int64_t now = clock_now_us(), wait_us;
		int np = 0, r;

		/* Start the next attempt when its turn came or when nothing
		 * else is in flight. */
		while (next < n && (nactive == 0 || now >= next_at) &&
		    now < deadline_us && !clock_cancelled()) {
			struct rd_attempt *a = &obs->attempts[next];
			const struct dns_target *t = &res->t[order[next]];
			bool connected;
			int fd;

			a->addr.family = t->family == AF_INET6 ? 6 : 4;
			sockaddr_host(&t->ss, a->addr.text,
			    sizeof(a->addr.text), &a->port);
			a->start_us = now - t0;
			obs->nattempts = next + 1;
			fd = start(t, &connected);
			if (fd == -1) {
				a->errnum = errno;
				a->us = clock_now_us() - now;
				next++;
				continue;
			}
			fds[next] = fd;
			nactive++;
			next_at = now + TCP_STAGGER_US;
			if (connected) {
				winner = next;
				next++;
				goto done;
			}
			next++;
		}
		if (nactive == 0 && next >= n)
			break;			/* every attempt failed */
		if (now >= deadline_us || clock_cancelled()) {
			obs->timed_out = true;
			break;
		}
		for (i = 0; i < next; i++) {
			if (fds[i] == -1)
				continue;
			pfd[np].fd = fds[i];
			pfd[np].events = POLLOUT;
			pfd[np].revents = 0;
			idx[np++] = i;
		}
		wait_us = deadline_us - now;
		if (next < n && next_at - now < wait_us)
			wait_us = next_at - now;
		if (wait_us < 0)
			wait_us = 0;
		r = poll(pfd, (nfds_t)np, (int)((wait_us + 999) / 1000));
		if (r == -1 && errno != EINTR)
			break;
		for (i = 0; r > 0 && i < np; i++) {
			struct rd_attempt *a = &obs->attempts[idx[i]];
			int e;

			if (pfd[i].revents == 0)
				continue;
			e = so_error(pfd[i].fd);
			a->us = clock_now_us() - t0 - a->start_us;
			/* Connected even if the peer already hung up: what
			 * it wrote before closing is read later. */
			if (e == 0) {
				winner = idx[i];
				goto done;
			}
			a->errnum = e != 0 ? e : ECONNREFUSED;
			close(fds[idx[i]]);
			fds[idx[i]] = -1;
			nactive--;
		}
	}
done:
	for (i = 0; i < next; i++) {
		struct rd_attempt *a = &obs->attempts[i];

		if (i == winner) {
			a->connected = true;
			a->errnum = 0;
			if (a->us == 0)
				a->us = clock_now_us() - t0 - a->start_us;
			continue;
		}
		if (fds[i] == -1)
			continue;
		/* Still connecting: abandoned to the winner or the deadline. */
		close(fds[i]);
		a->abandoned = true;
		a->us = clock_now_us() - t0 - a->start_us;
		if (winner == -1)
			a->errnum = ETIMEDOUT;
	}
	if (winner == -1)
		return -1;
	obs->winner = winner;
	fill_ends(fds[winner], obs);
	return fds[winner];
}

int
tcp_start_one(const struct dns_target *t, bool *connected)
{
	return start(t, connected);
}

int
tcp_so_error(int fd)
{
	return so_error(fd);
}

int
tcp_connect_one(const struct dns_target *t, int64_t deadline_us)
{
	struct pollfd pfd;
	bool connected;
	int fd, e, r;

	if ((fd = start(t, &connected)) == -1)
		return -1;
	if (connected)
		return fd;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	for (;;) {
		pfd.revents = 0;
		r = poll(&pfd, 1, clock_left_ms(deadline_us));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			e = r == 0 ? ETIMEDOUT : errno;
			close(fd);
			errno = e;
			return -1;
		}
		break;
	}
	if ((e = so_error(fd)) != 0) {
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
