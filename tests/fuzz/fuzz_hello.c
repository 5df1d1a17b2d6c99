/* fuzz_hello.c — libFuzzer target for the hello step's RESP2/RESP3 reader
 * (hello_parse in hello.c), which reads bytes the server chose.
 *
 * Any bytes, in a buffer of exactly their size.  Invariants (abort() when
 * broken):
 *
 *  - the result is -1, 0, or a length in 1..size;
 *  - it is a prefix property: when the whole input parses to n bytes,
 *    every longer input that starts with the same n bytes parses to n too
 *    (checked on the input plus one byte), and a cut before n asks for
 *    more (0) or refuses (-1), never claims a value;
 *  - every string field is NUL-terminated inside its array. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
terminated(const char *s, size_t n)
{
	if (memchr(s, '\0', n) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_hello_obs h, h2;
	char *buf, *more;
	long r, r2;

	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	memset(&h, 0, sizeof(h));
	r = hello_parse(buf, size, &h);
	if (r < -1 || r > (long)size)
		abort();
	terminated(h.server, sizeof(h.server));
	terminated(h.version, sizeof(h.version));
	terminated(h.mode, sizeof(h.mode));
	terminated(h.role, sizeof(h.role));
	terminated(h.reply.text, sizeof(h.reply.text));
	terminated(h.reply.prefix, sizeof(h.reply.prefix));
	if (r > 0) {
		if ((more = malloc(size + 1)) != NULL) {
			memcpy(more, data, size);
			more[size] = '\r';
			memset(&h2, 0, sizeof(h2));
			if (hello_parse(more, size + 1, &h2) != r)
				abort();
			free(more);
		}
		if (r > 1) {
			memset(&h2, 0, sizeof(h2));
			r2 = hello_parse(buf, (size_t)r - 1, &h2);
			if (r2 > 0)
				abort();
		}
	}
	free(buf);
	return 0;
}
