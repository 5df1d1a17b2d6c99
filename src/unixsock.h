/* unixsock.h — the connection step for a Unix socket (-s SOCKET,
 * unix:///path URLs; redis-cli parity, SPEC section 15): no name to
 * resolve, one connect to the path, recorded in the tcp step and its
 * observations like a TCP attempt so the rules and renderers need no
 * second path. */
#ifndef RD_UNIXSOCK_H
#define RD_UNIXSOCK_H

#include <stdint.h>

#include "obs.h"

/* Connects to the socket at path before deadline_us.  Fills obs->steps
 * (dns skipped, tcp ok or fail with the errno: ENOENT, ECONNREFUSED,
 * EACCES, ...) and obs->tcp.  Returns the connected, non-blocking socket
 * (the caller closes it), or -1. */
int	unixsock_connect(const char *path, int64_t deadline_us,
	    struct rd_obs *obs);

/* "unix:///path" (and "?db=N" when db > 0) into buf; returns buf. */
char	*unixsock_url(const char *path, int db, char *buf, size_t sz);

#endif
