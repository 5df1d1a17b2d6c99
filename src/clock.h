/* clock.h — one absolute monotonic deadline, passed down to every step.
 *
 * Times are int64_t microseconds on CLOCK_MONOTONIC.  A deadline is an
 * absolute point on that clock; every wait computes what is left of it, so
 * no step can outlive the run's --timeout. */
#ifndef RD_CLOCK_H
#define RD_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Microseconds on the monotonic clock. */
int64_t clock_now_us(void);

/* Ends every deadline now: from then on clock_left_us() and
 * clock_left_ms() say 0, so every wait returns as if its time were up.
 * Async-signal-safe: a SIGINT/SIGTERM handler calls it, and a wait that
 * the signal interrupted (EINTR) recomputes what is left and stops. */
void clock_cancel(void);

/* True once clock_cancel() was called. */
bool clock_cancelled(void);

/* Microseconds left until deadline_us; 0 when it has passed or the clock
 * was cancelled. */
int64_t clock_left_us(int64_t deadline_us);

/* Milliseconds left for poll(): rounded up so a poll never returns early
 * with time still on the clock, 0 when the deadline has passed. */
int clock_left_ms(int64_t deadline_us);

#endif
