/* parse.h — strict number and duration parsing for the command line.
 *
 * Never atoi: every parse has bounds and says what was wrong. */
#ifndef RD_PARSE_H
#define RD_PARSE_H

#include <stdint.h>

/* Parses a whole decimal integer in [min, max] into *out.  Returns 0, or
 * -1 with *errstr set to a static phrase ("not a number", "too large"). */
int	parse_int(const char *s, long long min, long long max, long long *out,
	    const char **errstr);

/* Parses "250ms", "2s", "1.5s", "1m", "1h" or a bare number of seconds into
 * microseconds, which must be > 0 and at most 24 hours.  Returns 0 or -1
 * with *errstr set. */
int	parse_duration(const char *s, int64_t *out_us, const char **errstr);

#endif
