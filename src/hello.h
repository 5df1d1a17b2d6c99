/* hello.h — the hello step of the probe (redis-cli's -2 and -3).
 *
 * hello_step() sends HELLO 2 or HELLO 3 (with AUTH when a password is
 * configured, the way RESP3 clients authenticate; the password comes
 * from the vault v, secret.h) on a connected socket
 * and records the reply in obs->hello and obs->steps[RD_STEP_HELLO].  The
 * reply is read by hello_parse(), a bounded RESP2/RESP3 reader of one
 * value: the distribution's hiredis (0.14) reads RESP2 only.  Pure but for
 * the socket; prints nothing. */
#ifndef RD_HELLO_H
#define RD_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "conn.h"
#include "obs.h"
#include "secret.h"

/* Runs the step.  Returns 0 when the conversation can go on (HELLO
 * answered, an error reply included), -1 when the connection is gone or
 * the deadline passed. */
int	hello_step(struct conn *c, int64_t deadline_us,
	    const struct rd_config *cfg, const struct rd_vault *v,
	    struct rd_obs *obs);

/* True when r is HELLO's "not spoken here": NOPROTO, or an unknown
 * command (Redis before 6, or HELLO renamed away). */
bool	hello_reply_unsupported(const struct rd_reply_obs *r);

/* Parses one RESP2/RESP3 value at buf[0..len) into h (the HELLO map's
 * server, version, proto, id, mode, role; an error's text and prefix).
 * Returns the bytes it took, 0 when more are needed, -1 when the bytes
 * are not RESP or pass the limits (16 KiB, depth 4, 256 elements). */
long	hello_parse(const char *buf, size_t len, struct rd_hello_obs *h);

#endif
