/* tcp.h — non-blocking connect to the resolved addresses, raced Happy
 * Eyeballs style (RFC 8305): families interleaved, a new attempt every
 * 250 ms or as soon as the previous one fails, the first to connect wins
 * and the others are closed.  Every attempt is recorded. */
#ifndef RD_TCP_H
#define RD_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "dns.h"
#include "obs.h"

#define TCP_STAGGER_US	250000

/* Connects to one of res's addresses before deadline_us.  Returns the
 * connected, non-blocking socket (the caller closes it), or -1; *obs
 * records each attempt, the winner, timed_out and the local and peer
 * addresses. */
int	tcp_connect(const struct dns_result *res, int64_t deadline_us,
	    struct rd_tcp_obs *obs);

/* Connects to one known address (the cross-try's second connection);
 * returns the socket or -1 with errno set (ETIMEDOUT at the deadline). */
int	tcp_connect_one(const struct dns_target *, int64_t deadline_us);

/* Starts a connect to one address without waiting, for a caller that
 * polls several sockets.  Returns the socket, connecting (POLLOUT says
 * when it is done) or already connected (*connected), or -1 with errno. */
int	tcp_start_one(const struct dns_target *, bool *connected);

/* The outcome of a finished non-blocking connect: 0 connected, else its
 * errno. */
int	tcp_so_error(int fd);

/* "ECONNREFUSED" for an errno value, "" for 0, "E?" when unknown. */
const char *tcp_errno_name(int);

#endif
