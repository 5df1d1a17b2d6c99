/* hiredis driver (tests/lib/clients/README): Debian's libhiredis, the
 * way its README's example reports errors.  Plaintext only: Debian's
 * hiredis 0.14 has no TLS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hiredis/hiredis.h>

int
main(int argc, char **argv)
{
	const char *h = getenv("RC_HOST"), *p = getenv("RC_PORT");
	const char *u = getenv("RC_USER"), *pw = getenv("RC_PASS");
	const char *ts = getenv("RC_TIMEOUT");
	double t = ts ? atof(ts) : 1.5;
	struct timeval tv = { (long)t, (long)((t - (long)t) * 1e6) };
	const char *cmds[] = { "GET corpus:k", "SET corpus:k v" };
	redisContext *c;
	redisReply *r;
	size_t i;

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("%d.%d.%d\n", HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH);
		return 0;
	}
	if (h == NULL || p == NULL)
		return 2;
	c = redisConnectWithTimeout(h, atoi(p), tv);
	if (c == NULL || c->err) {
		printf("Connection error: %s\n", c ? c->errstr : "can't allocate redis context");
		return 0;
	}
	redisSetTimeout(c, tv);
	if (pw != NULL && *pw != '\0') {
		r = (u != NULL && *u != '\0') ? redisCommand(c, "AUTH %s %s", u, pw) :
		    redisCommand(c, "AUTH %s", pw);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			/* an application stops when AUTH fails */
			printf("Error: %s\n", r ? r->str : c->errstr);
			if (r != NULL)
				freeReplyObject(r);
			redisFree(c);
			return 0;
		}
		freeReplyObject(r);
	}
	for (i = 0; i < 2; i++) {
		if (c->err) {
			printf("Error: %s\n", c->errstr);
			break;
		}
		r = redisCommand(c, cmds[i]);
		if (r == NULL)
			printf("Error: %s\n", c->errstr);
		else if (r->type == REDIS_REPLY_ERROR)
			printf("Error: %s\n", r->str);
		else
			printf("ok\n");
		if (r != NULL)
			freeReplyObject(r);
	}
	redisFree(c);
	return 0;
}
