/* test_faultsrv.c — the simulate fault server's pieces, without the check
 * pipeline: the server-side RESP request parser (a table, and the
 * per-connection reader fed in pieces), the reply table's exact Redis
 * wording over a real loopback socket (a table of server state, request
 * and expected reply), and the run-time certificates (each verifies, or
 * fails, for the reason its scenario names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/x509v3.h>

#include "certgen.h"
#include "faultsrv.h"

/* --- parser ---------------------------------------------------------------- */

struct prow {
	const char *what;
	const char *in;
	size_t	 len;			/* 0: strlen(in) */
	int	 rc;
	int	 argc;
	const char *argv0, *argv1;
	size_t	 used;			/* 0: whole input */
	const char *perr;		/* substring of the protocol error */
};

static const struct prow prows[] = {
	{ "multibulk PING", "*1\r\n$4\r\nPING\r\n", 0, 1, 1, "PING", NULL, 0, NULL },
	{ "multibulk AUTH", "*2\r\n$4\r\nAUTH\r\n$3\r\npw!\r\n", 0, 1, 2, "AUTH", "pw!", 0, NULL },
	{ "binary arg", "*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n", 23, 1, 2, "ECHO", "a", 0, NULL },
	{ "pipelined: first only", "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n", 0, 1, 1, "PING", NULL, 14, NULL },
	{ "inline", "PING\r\n", 0, 1, 1, "PING", NULL, 0, NULL },
	{ "inline LF only, blanks", "  AUTH   x \n", 0, 1, 2, "AUTH", "x", 0, NULL },
	{ "empty inline line", "\r\n", 0, 1, 0, NULL, NULL, 0, NULL },
	{ "empty multibulk", "*0\r\n", 0, 1, 0, NULL, NULL, 0, NULL },
	{ "partial count", "*1", 0, 0, 0, NULL, NULL, 0, NULL },
	{ "partial count CR", "*1\r", 0, 0, 0, NULL, NULL, 0, NULL },
	{ "partial bulk header", "*1\r\n$4", 0, 0, 0, NULL, NULL, 0, NULL },
	{ "partial bulk data", "*1\r\n$4\r\nPI", 0, 0, 0, NULL, NULL, 0, NULL },
	{ "partial inline", "PIN", 0, 0, 0, NULL, NULL, 0, NULL },
	{ "bad count", "*x\r\n", 0, -1, 0, NULL, NULL, 0, "invalid multibulk length" },
	{ "count too big", "*1048577\r\n", 0, -1, 0, NULL, NULL, 0, "invalid multibulk length" },
	{ "count 2^32-1", "*4294967295\r\n", 0, -1, 0, NULL, NULL, 0, "invalid multibulk length" },
	{ "no dollar", "*1\r\n+PING\r\n", 0, -1, 0, NULL, NULL, 0, "expected '$', got '+'" },
	{ "negative bulk", "*1\r\n$-1\r\n", 0, -1, 0, NULL, NULL, 0, "invalid bulk length" },
	{ "huge bulk", "*1\r\n$9223372036854775807\r\n", 0, -1, 0, NULL, NULL, 0, "invalid bulk length" },
	{ "overflowing bulk", "*1\r\n$99999999999999999999\r\n", 0, -1, 0, NULL, NULL, 0, "invalid bulk length" },
};

static void
test_parse_table(void **state)
{
	static char scratch[1 << 20];
	char *argv[FS_MAX_ARGS];
	size_t arglen[FS_MAX_ARGS], used, i;
	const char *perr;
	int argc, rc;

	(void)state;
	for (i = 0; i < sizeof(prows) / sizeof(prows[0]); i++) {
		const struct prow *r = &prows[i];
		size_t len = r->len ? r->len : strlen(r->in);

		perr = NULL;
		used = 0;
		rc = fs_parse_request(r->in, len, &used, &argc, argv, arglen,
		    scratch, sizeof(scratch), &perr);
		if (rc != r->rc)
			fail_msg("%s: rc %d, want %d", r->what, rc, r->rc);
		if (rc == 1) {
			if (argc != r->argc)
				fail_msg("%s: argc %d, want %d", r->what, argc, r->argc);
			if (r->argv0 != NULL)
				assert_string_equal(argv[0], r->argv0);
			if (r->argv1 != NULL)
				assert_string_equal(argv[1], r->argv1);
			assert_int_equal(used, r->used ? r->used : len);
		}
		if (rc == -1 && (perr == NULL || strstr(perr, r->perr) == NULL))
			fail_msg("%s: error '%s', want '%s'", r->what,
			    perr ? perr : "(null)", r->perr);
	}
}

/* A 100 KiB inline line without a newline is refused, as Redis does. */
static void
test_parse_inline_limit(void **state)
{
	static char scratch[1 << 20];
	char *argv[FS_MAX_ARGS], *big;
	size_t arglen[FS_MAX_ARGS], used;
	const char *perr = NULL;
	int argc;

	(void)state;
	big = malloc(100 * 1024);
	assert_non_null(big);
	memset(big, 'a', 100 * 1024);
	assert_int_equal(fs_parse_request(big, 100 * 1024, &used, &argc, argv,
	    arglen, scratch, sizeof(scratch), &perr), -1);
	assert_non_null(strstr(perr, "too big inline request"));
	free(big);
}

/* The per-connection reader: requests come out the same however the bytes
 * arrive; a protocol error leaves the bad bytes in place; the buffer never
 * takes more than its size; drop and compact make room again. */
static void
test_reader_pipeline_split(void **state)
{
	static char scratch[1 << 20];
	static const char in[] = "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\nPING\r\n"
	    "*1\r\n$4\r\nQUIT\r\n";
	static const char *want[] = { "AUTH", "PING", "QUIT" };
	struct fs_reqreader r;
	struct fs_request rq;
	size_t i, got = 0, n = sizeof(in) - 1;

	(void)state;
	assert_int_equal(fs_reqreader_init(&r, 64, scratch, sizeof(scratch)), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(fs_reqreader_feed(&r, in + i, 1), 0);
		while (fs_reqreader_next(&r, &rq) == 1) {
			assert_true(got < 3);
			assert_string_equal(rq.argv[0], want[got]);
			got++;
		}
		fs_reqreader_compact(&r);
	}
	assert_int_equal(got, 3);
	assert_int_equal(fs_reqreader_pending(&r), 0);
	fs_reqreader_free(&r);
}

static void
test_reader_error_and_room(void **state)
{
	static char scratch[1 << 20];
	struct fs_reqreader r;
	struct fs_request rq;
	char *dst;

	(void)state;
	assert_int_equal(fs_reqreader_init(&r, 16, scratch, sizeof(scratch)), 0);
	assert_int_equal(fs_reqreader_room(&r, &dst), 16);
	memcpy(dst, "PING\r\n*x\r\n", 10);
	fs_reqreader_wrote(&r, 10);
	assert_int_equal(fs_reqreader_next(&r, &rq), 1);
	assert_int_equal(rq.argc, 1);
	assert_string_equal(rq.argv[0], "PING");
	assert_int_equal(fs_reqreader_next(&r, &rq), -1);
	assert_non_null(strstr(r.perr, "invalid multibulk length"));
	assert_int_equal(fs_reqreader_pending(&r), 4);	/* "*x\r\n" stays */

	/* Full: a feed that does not fit copies nothing. */
	assert_int_equal(fs_reqreader_feed(&r, "0123456789", 7), -1);
	assert_int_equal(fs_reqreader_pending(&r), 4);
	fs_reqreader_compact(&r);
	assert_int_equal(fs_reqreader_room(&r, NULL), 12);
	fs_reqreader_drop(&r);
	assert_int_equal(fs_reqreader_pending(&r), 0);
	assert_int_equal(fs_reqreader_room(&r, NULL), 16);
	assert_int_equal(fs_reqreader_next(&r, &rq), 0);
	fs_reqreader_free(&r);
}

/* --- the reply table over a socket ------------------------------------------ */

static int
dial(int port)
{
	struct sockaddr_in sin;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/* Reads until the buffer holds a CRLF-ended line (or 2 s pass). */
static void
read_line(int fd, char *buf, size_t sz)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	size_t n = 0;
	ssize_t r;

	buf[0] = '\0';
	while (n + 1 < sz && (n < 2 || memcmp(buf + n - 2, "\r\n", 2) != 0)) {
		if (poll(&pf, 1, 2000) != 1)
			break;
		if ((r = read(fd, buf + n, sz - 1 - n)) <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
}

struct rrow {
	const char *what;
	unsigned flags;
	int	 version;
	const char *send;		/* inline commands, one per line */
	const char *want;		/* prefix of the last reply line */
};

static const struct rrow rrows[] = {
	{ "PING", 0, 7, "PING\r\n", "+PONG\r\n" },
	{ "NOAUTH", FS_REQUIREPASS, 7, "PING\r\n", "-NOAUTH Authentication required.\r\n" },
	{ "AUTH ok then PING", FS_REQUIREPASS, 7, "AUTH pw\r\nPING\r\n", "+OK\r\n+PONG\r\n" },
	{ "WRONGPASS", FS_REQUIREPASS, 7, "AUTH nope\r\n",
	    "-WRONGPASS invalid username-password pair or user is disabled.\r\n" },
	{ "Redis 5 invalid password", FS_REQUIREPASS, 5, "AUTH nope\r\n", "-ERR invalid password\r\n" },
	{ "no password configured", 0, 7, "AUTH x\r\n",
	    "-ERR AUTH <password> called without any password configured for "
	    "the default user. Are you sure your configuration is correct?\r\n" },
	{ "Redis 5 no password set", 0, 5, "AUTH x\r\n",
	    "-ERR Client sent AUTH, but no password is set\r\n" },
	{ "AUTH default x on nopass", 0, 7, "AUTH default x\r\n", "+OK\r\n" },
	{ "HELLO needs auth", FS_REQUIREPASS, 7, "HELLO 2\r\n", "-NOAUTH HELLO must be called" },
	{ "HELLO on Redis 5", 0, 5, "HELLO 2\r\n", "-ERR unknown command `HELLO`" },
	{ "NOPERM info", FS_NOPERM_INFO, 7, "INFO\r\n",
	    "-NOPERM this user has no permissions to run the 'info' command\r\n" },
	{ "NOPERM config get", FS_NOPERM_INFO, 7, "CONFIG GET maxclients\r\n",
	    "-NOPERM this user has no permissions to run the 'config|get' command\r\n" },
	{ "LOADING ping", FS_LOADING, 7, "PING\r\n", "-LOADING Redis is loading the dataset in memory\r\n" },
	{ "LOADING allows INFO", FS_LOADING, 7, "INFO persistence\r\n", "$" },
	{ "BUSY", FS_BUSY, 7, "PING\r\n",
	    "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n" },
	{ "MASTERDOWN", FS_MASTERDOWN, 7, "PING\r\n",
	    "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n" },
	{ "MASTERDOWN allows SELECT", FS_MASTERDOWN, 7, "SELECT 1\r\n", "+OK\r\n" },
	{ "SELECT 16", 0, 7, "SELECT 16\r\n", "-ERR DB index is out of range\r\n" },
	{ "SELECT x", 0, 7, "SELECT x\r\n", "-ERR value is not an integer or out of range\r\n" },
	{ "READONLY", FS_REPLICA, 7, "SET a b\r\n", "-READONLY You can't write against a read only replica.\r\n" },
	{ "MOVED slot of foo", FS_CLUSTER, 7, "GET foo\r\n", "-MOVED 12182 127.0.0.1:" },
	{ "MOVED hash tag", FS_CLUSTER, 7, "GET {user1000}.following\r\n", "-MOVED 3443 127.0.0.1:" },
	{ "CLUSTERDOWN", FS_CLUSTER_DOWN, 7, "GET foo\r\n", "-CLUSTERDOWN The cluster is down\r\n" },
	{ "PING on a down cluster", FS_CLUSTER_DOWN, 7, "PING\r\n", "+PONG\r\n" },
	{ "unknown command", 0, 7, "FOO bar\r\n",
	    "-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n" },
	{ "arity", 0, 7, "GET\r\n", "-ERR wrong number of arguments for 'get' command\r\n" },
	{ "protocol error", 0, 7, "*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'\r\n" },
};

static void
test_reply_table(void **state)
{
	struct fs_config cfg;
	struct faultsrv *s;
	char err[256], buf[4096];
	size_t i;
	int fd;

	(void)state;
	for (i = 0; i < sizeof(rrows) / sizeof(rrows[0]); i++) {
		const struct rrow *r = &rrows[i];

		memset(&cfg, 0, sizeof(cfg));
		cfg.kind = FS_REDIS;
		cfg.flags = r->flags;
		cfg.redis_version = r->version;
		cfg.password = "pw";
		cfg.close_after = -1;
		if (faultsrv_start(&cfg, &s, err, sizeof(err)) == -1)
			fail_msg("%s: start: %s", r->what, err);
		fd = dial(faultsrv_port(s));
		assert_int_equal(write(fd, r->send, strlen(r->send)),
		    (ssize_t)strlen(r->send));
		read_line(fd, buf, sizeof(buf));
		/* Two commands: wait for the second reply too. */
		if (strstr(r->send, "\r\n") != strrchr(r->send, '\r')) {
			size_t n = strlen(buf);
			if (strstr(buf, "\r\n") == buf + n - 2)
				read_line(fd, buf + n, sizeof(buf) - n);
		}
		if (strncmp(buf, r->want, strlen(r->want)) != 0)
			fail_msg("%s: got '%.200s', want '%s'", r->what, buf, r->want);
		close(fd);
		faultsrv_stop(s);
	}
}

static void
test_greeting_then_close(void **state)
{
	struct fs_config cfg;
	struct faultsrv *s;
	char err[256], buf[256];
	int fd;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = FS_GREET_CLOSE;
	cfg.greeting = "-ERR max number of clients reached";
	cfg.close_after = -1;
	assert_int_equal(faultsrv_start(&cfg, &s, err, sizeof(err)), 0);
	fd = dial(faultsrv_port(s));
	read_line(fd, buf, sizeof(buf));
	assert_string_equal(buf, "-ERR max number of clients reached\r\n");
	assert_int_equal(read(fd, buf, sizeof(buf)), 0);	/* FIN */
	close(fd);
	faultsrv_stop(s);
}

static void
test_dead_port_refuses(void **state)
{
	struct sockaddr_in sin;
	struct fs_config cfg;
	struct faultsrv *s;
	char err[256];
	int fd;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = FS_NONE;
	cfg.close_after = -1;
	assert_int_equal(faultsrv_start(&cfg, &s, err, sizeof(err)), 0);
	assert_int_equal(faultsrv_port(s), faultsrv_dead_port(s));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)faultsrv_port(s));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -1);
	close(fd);
	faultsrv_stop(s);
}

/* --- certificates ------------------------------------------------------------- */

static int
verify(X509 *ca, X509 *leaf)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc;

	X509_STORE_add_cert(st, ca);
	X509_STORE_CTX_init(ctx, st, leaf, NULL);
	rc = X509_verify_cert(ctx) == 1 ? X509_V_OK :
	    X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return rc;
}

static void
test_certs(void **state)
{
	struct rd_certs c;
	char err[256];

	(void)state;
	assert_int_equal(certgen_make(&c, err, sizeof(err)), 0);
	assert_int_equal(verify(c.ca, c.leaf), X509_V_OK);
	assert_int_equal(X509_check_host(c.leaf, "localhost", 0, 0, NULL), 1);
	assert_int_equal(X509_check_ip_asc(c.leaf, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_ip_asc(c.leaf, "::1", 0), 1);
	assert_int_equal(verify(c.ca, c.self), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	assert_int_equal(verify(c.ca, c.expired), X509_V_ERR_CERT_HAS_EXPIRED);
	assert_int_equal(verify(c.ca, c.wronghost), X509_V_OK);
	assert_int_equal(X509_check_ip_asc(c.wronghost, "127.0.0.1", 0), 0);
	assert_int_equal(X509_check_host(c.wronghost, "localhost", 0, 0, NULL), 0);
	assert_int_equal(verify(c.cca, c.client), X509_V_OK);
	assert_int_not_equal(verify(c.ca, c.client), X509_V_OK);

	assert_int_equal(certgen_write(&c, NULL, err, sizeof(err)), 0);
	assert_int_equal(access(c.ca_path, R_OK), 0);
	certgen_free(&c);
	assert_int_equal(c.dir[0], '\0');
}

static void
test_certs_removed(void **state)
{
	struct rd_certs c;
	char err[256], dir[sizeof(c.dir)], ca[sizeof(c.ca_path)];

	(void)state;
	assert_int_equal(certgen_make(&c, err, sizeof(err)), 0);
	assert_int_equal(certgen_write(&c, NULL, err, sizeof(err)), 0);
	snprintf(dir, sizeof(dir), "%s", c.dir);
	snprintf(ca, sizeof(ca), "%s", c.ca_path);
	certgen_free(&c);
	assert_int_equal(access(ca, F_OK), -1);
	assert_int_equal(access(dir, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_inline_limit),
		cmocka_unit_test(test_reader_pipeline_split),
		cmocka_unit_test(test_reader_error_and_room),
		cmocka_unit_test(test_reply_table),
		cmocka_unit_test(test_greeting_then_close),
		cmocka_unit_test(test_dead_port_refuses),
		cmocka_unit_test(test_certs),
		cmocka_unit_test(test_certs_removed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
