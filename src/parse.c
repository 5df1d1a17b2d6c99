/* parse.c — strict integers and durations. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int
parse_int(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	long long v;
	char *end;

	if (s == NULL || *s == '\0') {
		*errstr = "empty";
		return -1;
	}
	/* strtoll accepts leading space and '+'; a strict parse does not. */
	if (!(isdigit((unsigned char)s[0]) ||
	    (s[0] == '-' && isdigit((unsigned char)s[1])))) {
		*errstr = "not a number";
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = "not a number";
		return -1;
	}
	if (errno == ERANGE || v > max) {
		*errstr = "too large";
		return -1;
	}
	if (v < min) {
		*errstr = "too small";
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_duration(const char *s, int64_t *out_us, const char **errstr)
{
	static const struct { const char *unit; int64_t us; } units[] = {
		{ "ms", 1000 }, { "s", 1000000 }, { "m", 60000000 },
		{ "h", 3600000000LL }, { "", 1000000 },
	};
	const int64_t max_us = 24 * 3600000000LL;
	int64_t whole = 0, frac = 0, scale = 1;
	const char *p = s;
	size_t i;

	if (s == NULL || *s == '\0') {
		*errstr = "empty";
		return -1;
	}
	if (*p == '-') {
		*errstr = "must be positive";
		return -1;
	}
	if (!isdigit((unsigned char)*p)) {
		*errstr = "not a duration (use 250ms, 2s, 1.5s, 1m)";
		return -1;
	}
	/* Digits are accumulated with a cap, so "1e999" or a 1 MiB run of
	 * digits is refused instead of overflowing. */
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 24 * 3600 * 1000LL) {
			*errstr = "too large (at most 24h)";
			return -1;
		}
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p)) {
			*errstr = "not a duration (use 250ms, 2s, 1.5s, 1m)";
			return -1;
		}
		for (; isdigit((unsigned char)*p); p++) {
			if (scale < 1000000) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
		}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit) == 0) {
			int64_t us = whole * units[i].us +
			    frac * units[i].us / scale;
			if (us > max_us) {
				*errstr = "too large (at most 24h)";
				return -1;
			}
			if (us <= 0) {
				*errstr = "must be positive";
				return -1;
			}
			*out_us = us;
			return 0;
		}
	}
	*errstr = "unknown unit (use ms, s, m or h)";
	return -1;
}
