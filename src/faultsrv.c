/* faultsrv.c — the simulate fault server.
 *
 * Shared pieces, one each: a loopback listener (plus a bound, never
 * listening "dead" port), a poll() loop on a thread of its own, a TLS
 * context builder, a RESP request parser and a reply table that mirrors
 * Redis's processCommand() checks in Redis's order (unknown command,
 * NOAUTH, NOPERM, cluster redirection, MASTERDOWN, LOADING, BUSY, then the
 * command).  A scenario is a struct fs_config: which state the table is
 * in, which certificate the TLS context presents, which payload replaces a
 * reply.  Error texts are Redis's own (7.0.15, checked against its binary;
 * the 5.x wording behind redis_version 5).
 *
 * Every socket is non-blocking and the loop never waits but in poll(),
 * whose timeout is bounded and which the stop pipe wakes: faultsrv_stop()
 * returns promptly whatever the clients do. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "clock.h"
#include "faultsrv.h"

#define IN_MAX		(1024 * 1024)	/* one request; more is refused */
#define INLINE_MAX	(64 * 1024)	/* Redis's PROTO_INLINE_MAX_SIZE */
#define MBULK_MAX	(1024 * 1024)	/* Redis's multibulk count limit */
#define MAX_CONNS	64
#define MAX_PRE		8		/* blackhole pre-connections */
#define CHUNK		(64 * 1024)	/* streamed payloads, per refill */
#define DRIP_US		100000
#define LONG_LINE	(64LL * 1024 * 1024)
#define LINGER_US	1000000		/* wait for the peer's FIN after ours */
#define POLL_MAX_MS	500
#define NDB		16

static const char SNI_NAME[] = "localhost";

struct conn {
	int	 fd;
	SSL	*ssl;
	bool	 tls_done;
	long long id;

	char	*in;			/* request bytes not yet parsed */
	size_t	 inlen;
	char	*out;			/* reply bytes not yet written */
	size_t	 outlen, outoff, outcap;
	int64_t	 ready_at;		/* --delay: not before this time */
	int64_t	 reset_at;		/* --reset-after, 0 off */
	long long written;		/* --close-after counts these */

	bool	 authed;
	int	 db;
	int	 proto;			/* 2 or 3 after HELLO */

	bool	 payload_sent;
	enum fs_payload gen;		/* a streamed payload in progress */
	long long gen_left;		/* bytes still to stream, -1 endless */
	int64_t	 gen_next;		/* drip: next byte */

	bool	 stall;			/* answer nothing more; keep reading */
	bool	 close_after_flush;	/* FIN once out is written */
	bool	 draining;		/* FIN sent: discard input until EOF */
	int64_t	 drain_until;
};

struct faultsrv {
	struct fs_config cfg;
	SSL_CTX	*ctx;
	int	 lfd, deadfd, port, dead_port;
	int	 pre[MAX_PRE];
	int	 npre;
	int	 wake[2];
	pthread_t thr;
	bool	 started;
	struct conn *conns[MAX_CONNS];
	char	*scratch;
	uint32_t rng;
	long long next_id, total_conns, total_cmds;
	int64_t	 started_us;
};

/* --- small helpers ----------------------------------------------------- */

static uint32_t
rnd(struct faultsrv *s)
{
	/* xorshift32: deterministic garbage is easier to debug than random. */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 17;
	s->rng ^= s->rng << 5;
	return s->rng;
}

static int
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A loopback TCP socket bound to port (0: any).  Returns it or -1. */
static int
bind_loopback(int port, int *bound)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd, one = 1, saved;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	*bound = ntohs(sin.sin_port);
	return fd;
}

/* A case-insensitive compare of a counted argument with a word. */
static bool
eq(const char *arg, const char *word)
{
	return strcasecmp(arg, word) == 0;
}

/* Strict integer parse of a whole counted string (Redis's string2ll). */
static bool
to_ll(const char *p, size_t n, long long *out)
{
	long long v = 0;
	size_t i = 0;
	bool neg = false;

	if (n == 0 || n > 20)
		return false;
	if (p[0] == '-') {
		neg = true;
		if (++i == n)
			return false;
	}
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (v > (INT64_MAX - (p[i] - '0')) / 10)
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = neg ? -v : v;
	return true;
}

/* --- request parser ----------------------------------------------------- */

static __thread char perr_buf[64];

int
fs_parse_request(const char *buf, size_t len, size_t *used, int *argc,
    char **argv, size_t *arglen, char *scratch, size_t scratchlen,
    const char **perr)
{
	const char *p, *end = buf + len, *cr, *nl, *le;
	size_t so = 0;
	long long count, blen, i;

	*argc = 0;
	if (len == 0)
		return 0;

	if (buf[0] != '*') {
		/* Inline: one line split on blanks, as redis-cli over telnet. */
		if ((nl = memchr(buf, '\n', len)) == NULL) {
			if (len > INLINE_MAX) {
				*perr = "Protocol error: too big inline request";
				return -1;
			}
			return 0;
		}
		le = nl > buf && nl[-1] == '\r' ? nl - 1 : nl;
		for (p = buf; p < le;) {
			const char *s;
			while (p < le && isspace((unsigned char)*p))
				p++;
			if (p == le)
				break;
			for (s = p; p < le && !isspace((unsigned char)*p); p++)
				;
			if (*argc < FS_MAX_ARGS) {
				if (so + (size_t)(p - s) + 1 > scratchlen) {
					*perr = "Protocol error: too big inline request";
					return -1;
				}
				memcpy(scratch + so, s, (size_t)(p - s));
				scratch[so + (size_t)(p - s)] = '\0';
				argv[*argc] = scratch + so;
				arglen[*argc] = (size_t)(p - s);
				so += (size_t)(p - s) + 1;
			}
			(*argc)++;
		}
		*used = (size_t)(nl + 1 - buf);
		return 1;
	}

	/* Multibulk: *N then N times $LEN + data, each line CRLF-ended. */
	if ((cr = memchr(buf, '\r', len)) == NULL) {
		if (len > INLINE_MAX) {
			*perr = "Protocol error: too big mbulk count string";
			return -1;
		}
		return 0;
	}
	if (cr + 1 >= end)
		return 0;
	if (!to_ll(buf + 1, (size_t)(cr - buf - 1), &count) ||
	    count > MBULK_MAX) {
		*perr = "Protocol error: invalid multibulk length";
		return -1;
	}
	p = cr + 2;
	if (count <= 0) {
		*used = (size_t)(p - buf);
		return 1;	/* an empty request: Redis ignores it */
	}
	for (i = 0; i < count; i++) {
		if (p >= end)
			return 0;
		if ((cr = memchr(p, '\r', (size_t)(end - p))) == NULL) {
			if (end - p > INLINE_MAX) {
				*perr = "Protocol error: too big bulk count string";
				return -1;
			}
			return 0;
		}
		if (*p != '$') {
			snprintf(perr_buf, sizeof(perr_buf),
			    "Protocol error: expected '$', got '%c'", *p);
			*perr = perr_buf;
			return -1;
		}
		if (cr + 1 >= end)
			return 0;
		/* Redis allows 512 MB; a fault server needs no more than IN_MAX. */
		if (!to_ll(p + 1, (size_t)(cr - p - 1), &blen) || blen < 0 ||
		    blen > IN_MAX - 4096) {
			*perr = "Protocol error: invalid bulk length";
			return -1;
		}
		p = cr + 2;
		if (end - p < blen + 2)
			return 0;
		if (*argc < FS_MAX_ARGS) {
			if (so + (size_t)blen + 1 > scratchlen) {
				*perr = "Protocol error: invalid bulk length";
				return -1;
			}
			memcpy(scratch + so, p, (size_t)blen);
			scratch[so + (size_t)blen] = '\0';
			argv[*argc] = scratch + so;
			arglen[*argc] = (size_t)blen;
			so += (size_t)blen + 1;
		}
		(*argc)++;
		p += blen + 2;
	}
	*used = (size_t)(p - buf);
	return 1;
}

/* --- output ------------------------------------------------------------- */

static int64_t
reply_delay(struct faultsrv *s)
{
	int64_t d = s->cfg.delay_us;

	if (s->cfg.jitter_us > 0)
		d += (int64_t)(rnd(s) % (uint64_t)(s->cfg.jitter_us + 1));
	return d;
}

/* Appends bytes to c's output; the first reply after an idle spell waits
 * for the configured delay.  Returns 0 or -1 (out of memory). */
static int
out_put(struct faultsrv *s, struct conn *c, const void *data, size_t n)
{
	if (c->outoff == c->outlen) {
		c->outoff = c->outlen = 0;
		c->ready_at = clock_now_us() + reply_delay(s);
	}
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 1024;
		char *np;
		while (cap < c->outlen + n)
			cap *= 2;
		if ((np = realloc(c->out, cap)) == NULL)
			return -1;
		c->out = np;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, data, n);
	c->outlen += n;
	return 0;
}

static void
out_fmt(struct faultsrv *s, struct conn *c, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	out_put(s, c, buf, (size_t)n);
}

static void
r_err(struct faultsrv *s, struct conn *c, const char *text)
{
	out_fmt(s, c, "-%s\r\n", text);
}

static void
r_bulk(struct faultsrv *s, struct conn *c, const char *p, size_t n)
{
	out_fmt(s, c, "$%zu\r\n", n);
	out_put(s, c, p, n);
	out_put(s, c, "\r\n", 2);
}

static void
r_str(struct faultsrv *s, struct conn *c, const char *p)
{
	r_bulk(s, c, p, strlen(p));
}

/* --- the state a scenario puts Redis in --------------------------------- */

static bool
has(const struct faultsrv *s, unsigned f)
{
	return (s->cfg.flags & f) != 0;
}

static bool
cluster_mode(const struct faultsrv *s)
{
	return has(s, FS_CLUSTER | FS_CLUSTER_DOWN);
}

static bool
is_replica(const struct faultsrv *s)
{
	return has(s, FS_REPLICA | FS_MASTERDOWN);
}

static const char *
version_string(const struct faultsrv *s)
{
	switch (s->cfg.redis_version) {
	case 5:	return "5.0.14";
	case 6:	return "6.2.14";
	default: return "7.0.15";
	}
}

/* CRC16/XMODEM, the cluster's key hash (Redis's crc16.c computes it with a
 * table; the bitwise loop gives the same value). */
static unsigned
keyslot(const char *key, size_t n)
{
	const char *o = memchr(key, '{', n), *c;
	unsigned crc = 0;
	size_t i;
	int b;

	if (o != NULL && (c = memchr(o + 1, '}', n - (size_t)(o + 1 - key))) != NULL &&
	    c > o + 1) {
		n = (size_t)(c - o - 1);
		key = o + 1;
	}
	for (i = 0; i < n; i++) {
		crc ^= (unsigned)(unsigned char)key[i] << 8;
		for (b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
		crc &= 0xffff;
	}
	return crc & 16383;
}

/* --- INFO ---------------------------------------------------------------- */

struct sb {
	char	 buf[8192];
	size_t	 n;
};

static void
sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->n >= sizeof(b->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->n, sizeof(b->buf) - b->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->n += (size_t)n < sizeof(b->buf) - b->n ? (size_t)n :
		    sizeof(b->buf) - b->n - 1;
}

static int
nconns(const struct faultsrv *s)
{
	int i, n = 0;

	for (i = 0; i < MAX_CONNS; i++)
		n += s->conns[i] != NULL;
	return n;
}

static bool
want_section(int argc, char **argv, const char *name)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc && i < FS_MAX_ARGS; i++)
		if (eq(argv[i], name) || eq(argv[i], "all") ||
		    eq(argv[i], "everything") || eq(argv[i], "default"))
			return true;
	return false;
}

static void
info_text(struct faultsrv *s, int argc, char **argv, struct sb *b)
{
	int64_t up = (clock_now_us() - s->started_us) / 1000000;
	long long used = 1048576, maxmem = 0;
	const char *policy = "noeviction";
	time_t now = time(NULL);

	if (has(s, FS_OOM)) {
		/* 99% of a 100 MiB maxmemory, and nothing may be evicted. */
		maxmem = 104857600;
		used = 103809024;
	}
	if (want_section(argc, argv, "server")) {
		sb_add(b, "# Server\r\nredis_version:%s\r\nredis_git_sha1:00000000\r\n"
		    "redis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:%s\r\n"
		    "os:Linux (redisdiag simulate)\r\narch_bits:64\r\n"
		    "process_id:%ld\r\ntcp_port:%d\r\nuptime_in_seconds:%lld\r\n"
		    "uptime_in_days:0\r\n\r\n", version_string(s),
		    cluster_mode(s) ? "cluster" : "standalone", (long)getpid(),
		    s->port, (long long)up);
	}
	if (want_section(argc, argv, "clients")) {
		sb_add(b, "# Clients\r\nconnected_clients:%d\r\n", nconns(s));
		if (s->cfg.redis_version >= 7)
			sb_add(b, "cluster_connections:0\r\nmaxclients:10000\r\n");
		sb_add(b, "blocked_clients:0\r\n\r\n");
	}
	if (want_section(argc, argv, "memory")) {
		sb_add(b, "# Memory\r\nused_memory:%lld\r\nused_memory_human:%.2fM\r\n"
		    "used_memory_peak:%lld\r\nmaxmemory:%lld\r\n"
		    "maxmemory_human:%.2fM\r\nmaxmemory_policy:%s\r\n"
		    "mem_fragmentation_ratio:1.10\r\n\r\n", used,
		    used / 1048576.0, used, maxmem, maxmem / 1048576.0, policy);
	}
	if (want_section(argc, argv, "persistence")) {
		sb_add(b, "# Persistence\r\nloading:%d\r\n",
		    has(s, FS_LOADING) ? 1 : 0);
		if (has(s, FS_LOADING))
			sb_add(b, "loading_start_time:%lld\r\n"
			    "loading_total_bytes:1073741824\r\n"
			    "loading_loaded_bytes:268435456\r\n"
			    "loading_loaded_perc:25.00\r\nloading_eta_seconds:30\r\n",
			    (long long)now - 10);
		sb_add(b, "async_loading:0\r\nrdb_changes_since_last_save:0\r\n"
		    "rdb_bgsave_in_progress:0\r\nrdb_last_save_time:%lld\r\n"
		    "rdb_last_bgsave_status:ok\r\naof_enabled:0\r\n"
		    "aof_rewrite_in_progress:0\r\naof_last_write_status:ok\r\n\r\n",
		    (long long)now - up);
	}
	if (want_section(argc, argv, "stats")) {
		sb_add(b, "# Stats\r\ntotal_connections_received:%lld\r\n"
		    "total_commands_processed:%lld\r\nrejected_connections:0\r\n"
		    "expired_keys:0\r\nevicted_keys:0\r\nkeyspace_hits:0\r\n"
		    "keyspace_misses:0\r\n\r\n", s->total_conns, s->total_cmds);
	}
	if (want_section(argc, argv, "replication")) {
		if (is_replica(s)) {
			bool down = has(s, FS_MASTERDOWN);
			sb_add(b, "# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\n"
			    "master_port:%d\r\nmaster_link_status:%s\r\n"
			    "master_last_io_seconds_ago:%d\r\n"
			    "master_sync_in_progress:0\r\n", s->dead_port,
			    down ? "down" : "up", down ? -1 : 1);
			if (down)
				sb_add(b, "master_link_down_since_seconds:%lld\r\n",
				    (long long)up + 60);
			sb_add(b, "slave_read_only:1\r\nreplica_announced:1\r\n"
			    "connected_slaves:0\r\n\r\n");
		} else
			sb_add(b, "# Replication\r\nrole:master\r\n"
			    "connected_slaves:0\r\n\r\n");
	}
	if (want_section(argc, argv, "cpu"))
		sb_add(b, "# CPU\r\nused_cpu_sys:0.010000\r\n"
		    "used_cpu_user:0.010000\r\n\r\n");
	if (want_section(argc, argv, "cluster"))
		sb_add(b, "# Cluster\r\ncluster_enabled:%d\r\n\r\n",
		    cluster_mode(s) ? 1 : 0);
	if (want_section(argc, argv, "keyspace"))
		sb_add(b, "# Keyspace\r\n");
	/* Redis ends the text without the last blank line. */
	while (b->n >= 2 && b->buf[b->n - 1] == '\n' && b->buf[b->n - 2] == '\r' &&
	    b->n >= 4 && b->buf[b->n - 3] == '\n')
		b->n -= 2;
}

/* --- the reply table ------------------------------------------------------ */

/* Command flags, as in Redis's command table. */
#define K_NO_AUTH	0x01	/* allowed before AUTH */
#define K_LOADING	0x02	/* allowed while loading */
#define K_STALE		0x04	/* allowed on a replica with a down link */
#define K_BUSY		0x08	/* allowed while a script runs */
#define K_KEYED		0x10	/* argv[1] is a key: cluster redirection */
#define K_WRITE		0x20

struct cmd {
	const char *name;
	int	 arity;			/* Redis's: N exact, -N at least N */
	unsigned flags;
	int	 since;			/* first major version that has it */
	void	(*fn)(struct faultsrv *, struct conn *, int, char **, size_t *);
};

/* True when user/pass would authenticate. */
static bool
creds_ok(const struct faultsrv *s, const char *user, const char *pass)
{
	if (strcmp(user, "default") != 0)
		return false;
	if (!has(s, FS_REQUIREPASS))
		return true;	/* nopass: any password for default */
	return s->cfg.password != NULL && strcmp(pass, s->cfg.password) == 0;
}

static void
c_auth(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	const char *user = argc == 3 ? argv[1] : "default";
	const char *pass = argv[argc - 1];

	if (s->cfg.redis_version < 6) {
		if (argc != 2)
			r_err(s, c, "ERR wrong number of arguments for 'auth' command");
		else if (!has(s, FS_REQUIREPASS))
			r_err(s, c, "ERR Client sent AUTH, but no password is set");
		else if (creds_ok(s, user, pass)) {
			c->authed = true;
			out_fmt(s, c, "+OK\r\n");
		} else
			r_err(s, c, "ERR invalid password");
		return;
	}
	if (argc > 3) {
		r_err(s, c, "ERR syntax error");
		return;
	}
	if (argc == 2 && !has(s, FS_REQUIREPASS)) {
		r_err(s, c, "ERR AUTH <password> called without any password "
		    "configured for the default user. Are you sure your "
		    "configuration is correct?");
		return;
	}
	if (creds_ok(s, user, pass)) {
		c->authed = true;
		out_fmt(s, c, "+OK\r\n");
	} else
		r_err(s, c, "WRONGPASS invalid username-password pair or user is disabled.");
}

static void
c_hello(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	long long proto = c->proto ? c->proto : 2;
	int i;

	if (argc >= 2) {
		if (!to_ll(argv[1], al[1], &proto)) {
			r_err(s, c, "ERR Protocol version is not an integer or out of range");
			return;
		}
		if (proto < 2 || proto > 3) {
			r_err(s, c, "NOPROTO unsupported protocol version");
			return;
		}
	}
	for (i = 2; i < argc && i < FS_MAX_ARGS; i++) {
		if (eq(argv[i], "AUTH") && i + 2 < argc && i + 2 < FS_MAX_ARGS) {
			if (!creds_ok(s, argv[i + 1], argv[i + 2])) {
				r_err(s, c, "WRONGPASS invalid username-password pair or user is disabled.");
				return;
			}
			c->authed = true;
			i += 2;
		} else if (eq(argv[i], "SETNAME") && i + 1 < argc)
			i++;
		else {
			out_fmt(s, c, "-ERR Syntax error in HELLO option '%.128s'\r\n",
			    argv[i]);
			return;
		}
	}
	if (has(s, FS_REQUIREPASS) && !c->authed) {
		r_err(s, c, "NOAUTH HELLO must be called with the client already "
		    "authenticated, otherwise the HELLO AUTH <user> <pass> option "
		    "can be used to authenticate the client and select the RESP "
		    "protocol version at the same time");
		return;
	}
	c->proto = (int)proto;
	out_fmt(s, c, proto == 3 ? "%%7\r\n" : "*14\r\n");
	r_str(s, c, "server");	r_str(s, c, "redis");
	r_str(s, c, "version");	r_str(s, c, version_string(s));
	r_str(s, c, "proto");	out_fmt(s, c, ":%lld\r\n", proto);
	r_str(s, c, "id");	out_fmt(s, c, ":%lld\r\n", c->id);
	r_str(s, c, "mode");	r_str(s, c, cluster_mode(s) ? "cluster" : "standalone");
	r_str(s, c, "role");	r_str(s, c, is_replica(s) ? "replica" : "master");
	r_str(s, c, "modules");	out_fmt(s, c, "*0\r\n");
}

static void
c_ping(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	if (argc > 2)
		r_err(s, c, "ERR wrong number of arguments for 'ping' command");
	else if (argc == 2)
		r_bulk(s, c, argv[1], al[1]);
	else
		out_fmt(s, c, "+PONG\r\n");
}

static void
c_echo(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	r_bulk(s, c, argv[1], al[1]);
}

static void
c_select(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	long long db;

	if (!to_ll(argv[1], al[1], &db) || db < INT32_MIN || db > INT32_MAX)
		r_err(s, c, "ERR value is not an integer or out of range");
	else if (cluster_mode(s) && db != 0)
		r_err(s, c, "ERR SELECT is not allowed in cluster mode");
	else if (db < 0 || db >= NDB)
		r_err(s, c, "ERR DB index is out of range");
	else {
		c->db = (int)db;
		out_fmt(s, c, "+OK\r\n");
	}
}

static void
c_info(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	struct sb b;

	b.n = 0;
	b.buf[0] = '\0';
	info_text(s, argc, argv, &b);
	r_bulk(s, c, b.buf, b.n);
}

static void
c_cluster(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	bool down = has(s, FS_CLUSTER_DOWN);
	struct sb b;

	if (!cluster_mode(s)) {
		r_err(s, c, "ERR This instance has cluster support disabled");
		return;
	}
	if (eq(argv[1], "INFO")) {
		b.n = 0;
		sb_add(&b, "cluster_state:%s\r\ncluster_slots_assigned:16384\r\n"
		    "cluster_slots_ok:%d\r\ncluster_slots_pfail:0\r\n"
		    "cluster_slots_fail:%d\r\ncluster_known_nodes:3\r\n"
		    "cluster_size:3\r\ncluster_current_epoch:3\r\n"
		    "cluster_my_epoch:1\r\n", down ? "fail" : "ok",
		    down ? 10923 : 16384, down ? 5461 : 0);
		r_bulk(s, c, b.buf, b.n);
	} else if (eq(argv[1], "SLOTS")) {
		/* This node serves no slot: every key lives at the dead port. */
		out_fmt(s, c, "*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n");
		r_str(s, c, "127.0.0.1");
		out_fmt(s, c, ":%d\r\n", s->dead_port);
		r_str(s, c, "0000000000000000000000000000000000000001");
	} else if (eq(argv[1], "MYID"))
		r_str(s, c, "0000000000000000000000000000000000000002");
	else
		out_fmt(s, c, "-ERR unknown subcommand '%.128s'. Try CLUSTER HELP.\r\n",
		    argv[1]);
}

static void
c_config(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	static const struct { const char *k; const char *v; } params[] = {
		{ "maxclients", "10000" }, { "maxmemory", NULL },
		{ "maxmemory-policy", "noeviction" }, { "databases", "16" },
		{ "protected-mode", "yes" }, { "appendonly", "no" },
		{ "timeout", "0" },
	};
	char v[32];
	int i, j, n = 0;

	if (!eq(argv[1], "GET")) {
		out_fmt(s, c, "-ERR unknown subcommand '%.128s'. Try CONFIG HELP.\r\n",
		    argv[1]);
		return;
	}
	if (argc < 3) {
		r_err(s, c, "ERR wrong number of arguments for 'config|get' command");
		return;
	}
	for (j = 2; j < argc && j < FS_MAX_ARGS; j++)
		for (i = 0; i < (int)(sizeof(params) / sizeof(params[0])); i++)
			n += eq(argv[j], params[i].k) || strcmp(argv[j], "*") == 0;
	out_fmt(s, c, "*%d\r\n", 2 * n);
	for (j = 2; j < argc && j < FS_MAX_ARGS; j++)
		for (i = 0; i < (int)(sizeof(params) / sizeof(params[0])); i++) {
			if (!eq(argv[j], params[i].k) && strcmp(argv[j], "*") != 0)
				continue;
			r_str(s, c, params[i].k);
			snprintf(v, sizeof(v), "%s", params[i].v != NULL ?
			    params[i].v : has(s, FS_OOM) ? "104857600" : "0");
			r_str(s, c, v);
		}
}

static void
c_client(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	if (eq(argv[1], "SETNAME") && argc == 3)
		out_fmt(s, c, "+OK\r\n");
	else if (eq(argv[1], "ID") && argc == 2)
		out_fmt(s, c, ":%lld\r\n", c->id);
	else if (eq(argv[1], "GETNAME") && argc == 2)
		out_fmt(s, c, "$-1\r\n");
	else
		out_fmt(s, c, "-ERR unknown subcommand or wrong number of arguments "
		    "for '%.128s'. Try CLIENT HELP.\r\n", argv[1]);
}

static void
c_command(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	/* redis-cli asks COMMAND DOCS for hints; none is a valid answer. */
	out_fmt(s, c, "*0\r\n");
}

static void
c_get(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	out_fmt(s, c, "$-1\r\n");
}

static void
c_set(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	out_fmt(s, c, "+OK\r\n");
}

static void
c_zero(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	out_fmt(s, c, ":0\r\n");
}

static void
c_type(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	out_fmt(s, c, "+none\r\n");
}

static const struct cmd cmds[] = {
	{ "auth",	-2, K_NO_AUTH | K_LOADING | K_STALE | K_BUSY, 1, c_auth },
	{ "hello",	-1, K_NO_AUTH | K_LOADING | K_STALE | K_BUSY, 6, c_hello },
	{ "ping",	-1, 0, 1, c_ping },
	{ "echo",	 2, 0, 1, c_echo },
	{ "select",	 2, K_LOADING | K_STALE, 1, c_select },
	{ "info",	-1, K_LOADING | K_STALE, 1, c_info },
	{ "cluster",	-2, K_LOADING | K_STALE, 3, c_cluster },
	{ "config",	-2, K_LOADING | K_STALE, 1, c_config },
	{ "client",	-2, K_LOADING | K_STALE, 1, c_client },
	{ "command",	-1, K_LOADING | K_STALE, 1, c_command },
	{ "get",	 2, K_KEYED, 1, c_get },
	{ "set",	-3, K_KEYED | K_WRITE, 1, c_set },
	{ "exists",	-2, K_KEYED, 1, c_zero },
	{ "del",	-2, K_KEYED | K_WRITE, 1, c_zero },
	{ "type",	 2, K_KEYED, 1, c_type },
	{ "dbsize",	 1, 0, 1, c_zero },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
r_unknown(struct faultsrv *s, struct conn *c, int argc, char **argv)
{
	char args[600];
	size_t o = 0;
	int i;
	bool old = s->cfg.redis_version < 6;

	args[0] = '\0';
	for (i = 1; i < argc && i < FS_MAX_ARGS && o < sizeof(args) - 140; i++)
		o += (size_t)snprintf(args + o, sizeof(args) - o,
		    old ? "`%.128s`, " : "'%.128s' ", argv[i]);
	out_fmt(s, c, old ? "-ERR unknown command `%.128s`, with args beginning with: %s\r\n" :
	    "-ERR unknown command '%.128s', with args beginning with: %s\r\n",
	    argv[0], args);
}

static void start_payload(struct faultsrv *, struct conn *);

/* One request through Redis's checks, in processCommand()'s order. */
static void
dispatch(struct faultsrv *s, struct conn *c, int argc, char **argv, size_t *al)
{
	const struct cmd *k = NULL;
	char lname[32];
	size_t i;

	s->total_cmds++;
	if (s->cfg.payload != FS_P_NONE && s->cfg.payload != FS_P_TLS_GARBAGE &&
	    !c->payload_sent &&
	    (s->cfg.payload_cmd == NULL || eq(argv[0], s->cfg.payload_cmd))) {
		start_payload(s, c);
		return;
	}
	if (eq(argv[0], "quit")) {
		out_fmt(s, c, "+OK\r\n");
		c->close_after_flush = true;
		return;
	}
	for (i = 0; i < NCMDS; i++)
		if (eq(argv[0], cmds[i].name) &&
		    s->cfg.redis_version >= cmds[i].since)
			k = &cmds[i];
	if (k == NULL) {
		r_unknown(s, c, argc, argv);
		return;
	}
	if ((k->arity > 0 && argc != k->arity) || (k->arity < 0 && argc < -k->arity)) {
		out_fmt(s, c, "-ERR wrong number of arguments for '%s' command\r\n",
		    k->name);
		return;
	}
	if (has(s, FS_REQUIREPASS) && !c->authed && !(k->flags & K_NO_AUTH)) {
		r_err(s, c, "NOAUTH Authentication required.");
		return;
	}
	if (has(s, FS_NOPERM_INFO) && s->cfg.redis_version >= 6 &&
	    (strcmp(k->name, "info") == 0 || strcmp(k->name, "config") == 0)) {
		/* Subcommands are named "config|get" in 7.0's ACL errors. */
		snprintf(lname, sizeof(lname), "%s", k->name);
		if (strcmp(k->name, "config") == 0 && s->cfg.redis_version >= 7) {
			size_t n = strlen(lname);
			snprintf(lname + n, sizeof(lname) - n, "|%.16s", argv[1]);
			for (i = n; lname[i] != '\0'; i++)
				lname[i] = (char)tolower((unsigned char)lname[i]);
		}
		out_fmt(s, c, "-NOPERM this user has no permissions to run the '%s' command\r\n",
		    lname);
		return;
	}
	if (has(s, FS_NOPERM_INFO) && s->cfg.redis_version < 6 &&
	    strcmp(k->name, "info") == 0) {
		/* Before ACLs, a managed service renames INFO away. */
		r_unknown(s, c, argc, argv);
		return;
	}
	if (cluster_mode(s) && (k->flags & K_KEYED)) {
		if (has(s, FS_CLUSTER_DOWN))
			r_err(s, c, "CLUSTERDOWN The cluster is down");
		else
			out_fmt(s, c, "-MOVED %u 127.0.0.1:%d\r\n",
			    keyslot(argv[1], al[1]), s->dead_port);
		return;
	}
	if (has(s, FS_MASTERDOWN) && !(k->flags & K_STALE)) {
		r_err(s, c, "MASTERDOWN Link with MASTER is down and "
		    "replica-serve-stale-data is set to 'no'.");
		return;
	}
	if (has(s, FS_LOADING) && !(k->flags & K_LOADING)) {
		r_err(s, c, "LOADING Redis is loading the dataset in memory");
		return;
	}
	if (has(s, FS_BUSY) && !(k->flags & K_BUSY)) {
		r_err(s, c, "BUSY Redis is busy running a script. You can only "
		    "call SCRIPT KILL or SHUTDOWN NOSAVE.");
		return;
	}
	if (is_replica(s) && (k->flags & K_WRITE)) {
		r_err(s, c, "READONLY You can't write against a read only replica.");
		return;
	}
	k->fn(s, c, argc, argv, al);
}

/* --- payloads ------------------------------------------------------------ */

static void
put_garbage(struct faultsrv *s, struct conn *c, size_t n)
{
	unsigned char buf[256];
	size_t i, k;

	while (n > 0) {
		k = n < sizeof(buf) ? n : sizeof(buf);
		for (i = 0; i < k; i++)
			buf[i] = (unsigned char)rnd(s);
		/* Never a RESP type byte first: garbage, not a reply. */
		if (c->outlen == c->outoff)
			buf[0] = 0x8f;
		out_put(s, c, buf, k);
		n -= k;
	}
}

static void
start_payload(struct faultsrv *s, struct conn *c)
{
	int i;

	c->payload_sent = true;
	switch (s->cfg.payload) {
	case FS_P_NONE:
		break;
	case FS_P_HTTP:
		out_fmt(s, c, "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n"
		    "Content-Type: text/html\r\nContent-Length: 150\r\n"
		    "Connection: close\r\n\r\n<html>\r\n<head><title>400 Bad "
		    "Request</title></head>\r\n<body>\r\n<center><h1>400 Bad "
		    "Request</h1></center>\r\n<hr><center>nginx</center>\r\n"
		    "</body>\r\n</html>\r\n");
		c->close_after_flush = true;
		break;
	case FS_P_GARBAGE:
	case FS_P_TLS_GARBAGE:
		put_garbage(s, c, 4096);
		c->stall = true;
		break;
	case FS_P_BULK_2G:
		out_fmt(s, c, "$2147483648\r\n");
		c->stall = true;
		break;
	case FS_P_BULK_HUGE:
		out_fmt(s, c, "$9223372036854775807\r\n");
		c->stall = true;
		break;
	case FS_P_MULTI_4G:
		out_fmt(s, c, "*4294967295\r\n");
		c->stall = true;
		break;
	case FS_P_DEEP:
		for (i = 0; i < 1000; i++)
			out_put(s, c, "*1\r\n", 4);
		out_put(s, c, ":1\r\n", 4);
		c->stall = true;
		break;
	case FS_P_LONG_LINE:
		out_put(s, c, "-ERR ", 5);
		c->gen = FS_P_LONG_LINE;
		c->gen_left = LONG_LINE;
		c->stall = true;
		break;
	case FS_P_ENDLESS:
		out_put(s, c, "+PONG", 5);
		c->gen = FS_P_ENDLESS;
		c->gen_left = -1;
		c->stall = true;
		break;
	case FS_P_DRIP:
		c->gen = FS_P_DRIP;
		c->gen_left = -1;
		c->gen_next = clock_now_us();
		c->stall = true;
		break;
	case FS_P_CLOSE_MID:
		out_fmt(s, c, "$100\r\nPONG-and-then-noth");
		c->close_after_flush = true;
		break;
	}
}

/* Tops up a streamed payload when the output has drained. */
static void
refill(struct faultsrv *s, struct conn *c, int64_t now)
{
	static const char drip[] = "+PONG drip drip drip ";
	char buf[CHUNK];
	size_t n;

	if (c->gen == FS_P_NONE || c->outoff < c->outlen)
		return;
	if (c->gen == FS_P_DRIP) {
		int64_t every = s->cfg.delay_us > 0 ? s->cfg.delay_us : DRIP_US;
		if (now < c->gen_next)
			return;
		out_put(s, c, &drip[c->gen_left == -1 ? 0 :
		    (size_t)c->gen_left % (sizeof(drip) - 1)], 1);
		c->ready_at = now;	/* the drip is its own delay */
		c->gen_left = c->gen_left == -1 ? 1 : c->gen_left + 1;
		c->gen_next = now + every;
		return;
	}
	n = sizeof(buf);
	if (c->gen_left >= 0 && (long long)n > c->gen_left)
		n = (size_t)c->gen_left;
	if (c->gen == FS_P_ENDLESS)
		for (size_t i = 0; i < n; i++)
			buf[i] = "PONG"[i % 4];
	else
		memset(buf, 'x', n);
	out_put(s, c, buf, n);
	c->ready_at = now;
	if (c->gen_left >= 0 && (c->gen_left -= (long long)n) == 0)
		c->gen = FS_P_NONE;
}

/* --- connections ---------------------------------------------------------- */

static void
conn_free(struct faultsrv *s, int i, bool rst)
{
	struct conn *c = s->conns[i];

	if (c == NULL)
		return;
	if (rst) {
		struct linger lg = { 1, 0 };
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	SSL_free(c->ssl);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
	s->conns[i] = NULL;
}

/* Sends our FIN and waits (bounded) for the peer's, so the reply is not
 * lost to an RST caused by unread request bytes. */
static void
conn_finish(struct faultsrv *s, struct conn *c)
{
	if (c->draining)
		return;
	if (c->ssl != NULL && c->tls_done)
		SSL_shutdown(c->ssl);
	shutdown(c->fd, SHUT_WR);
	c->draining = true;
	c->drain_until = clock_now_us() + LINGER_US;
}

static void
conn_accept(struct faultsrv *s)
{
	struct conn *c;
	int fd, i, one = 1;

	if ((fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	for (i = 0; i < MAX_CONNS && s->conns[i] != NULL; i++)
		;
	if (i == MAX_CONNS || (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->id = ++s->next_id;
	s->total_conns++;
	if (s->cfg.reset_after_us > 0)
		c->reset_at = clock_now_us() + s->cfg.reset_after_us;
	if ((c->in = malloc(IN_MAX)) == NULL) {
		free(c);
		close(fd);
		return;
	}
	s->conns[i] = c;
	if (has(s, FS_TLS)) {
		if ((c->ssl = SSL_new(s->ctx)) == NULL ||
		    SSL_set_fd(c->ssl, fd) != 1) {
			conn_free(s, i, false);
			return;
		}
		SSL_set_accept_state(c->ssl);
	}
	if (s->cfg.kind == FS_GREET_CLOSE) {
		/* Redis writes these before reading anything, then closes. */
		out_fmt(s, c, "%s\r\n", s->cfg.greeting ? s->cfg.greeting :
		    "-ERR max number of clients reached");
		c->ready_at = 0;
		c->close_after_flush = true;
	}
}

/* Reads what is there.  Returns 0, or -1 when the connection is over. */
static int
conn_read(struct faultsrv *s, struct conn *c)
{
	char discard[4096];
	char *dst = c->in + c->inlen;
	size_t room = IN_MAX - c->inlen;
	ssize_t n;

	if (c->stall || c->draining || room == 0) {
		dst = discard;
		room = sizeof(discard);
	}
	if (c->ssl != NULL) {
		int r = SSL_read(c->ssl, dst, (int)room);
		if (r <= 0) {
			int e = SSL_get_error(c->ssl, r);
			ERR_clear_error();
			return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ?
			    0 : -1;
		}
		n = r;
	} else {
		n = recv(c->fd, dst, room, 0);
		if (n == 0)
			return -1;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
	}
	if (dst != discard)
		c->inlen += (size_t)n;
	return 0;
}

/* Answers every complete request in c->in.  Returns 0, or -1 to reset. */
static int
conn_process(struct faultsrv *s, struct conn *c)
{
	char *argv[FS_MAX_ARGS];
	size_t arglen[FS_MAX_ARGS], used, off = 0;
	const char *perr;
	int argc, r;

	while (off < c->inlen && !c->stall && !c->close_after_flush &&
	    !c->draining) {
		if (s->cfg.kind == FS_RESET)
			return -1;
		r = fs_parse_request(c->in + off, c->inlen - off, &used, &argc,
		    argv, arglen, s->scratch, IN_MAX + FS_MAX_ARGS, &perr);
		if (r == 0)
			break;
		if (r == -1) {
			/* Redis answers a protocol error and closes. */
			out_fmt(s, c, "-ERR %s\r\n", perr);
			c->close_after_flush = true;
			off = c->inlen;
			break;
		}
		off += used;
		if (argc > 0)
			dispatch(s, c, argc, argv, arglen);
	}
	if (c->stall || c->draining)
		off = c->inlen;
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	return 0;
}

/* Writes what is due.  Returns 0, or -1 when the connection is over. */
static int
conn_write(struct faultsrv *s, struct conn *c, int64_t now)
{
	size_t n = c->outlen - c->outoff;
	ssize_t w;

	if (n == 0 || now < c->ready_at)
		return 0;
	if (s->cfg.close_after >= 0 &&
	    (long long)n > s->cfg.close_after - c->written)
		n = (size_t)(s->cfg.close_after - c->written);
	if (n > 0) {
		if (c->ssl != NULL) {
			int r = SSL_write(c->ssl, c->out + c->outoff,
			    n > INT32_MAX ? INT32_MAX : (int)n);
			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);
				ERR_clear_error();
				return e == SSL_ERROR_WANT_READ ||
				    e == SSL_ERROR_WANT_WRITE ? 0 : -1;
			}
			w = r;
		} else {
			w = send(c->fd, c->out + c->outoff, n, MSG_NOSIGNAL);
			if (w < 0)
				return errno == EAGAIN || errno == EINTR ? 0 : -1;
		}
		c->outoff += (size_t)w;
		c->written += w;
	}
	if (s->cfg.close_after >= 0 && c->written >= s->cfg.close_after) {
		c->outoff = c->outlen;
		c->gen = FS_P_NONE;
		conn_finish(s, c);
	}
	return 0;
}

/* One connection's turn in the loop.  Returns 0, -1 to close, -2 to RST. */
static int
conn_step(struct faultsrv *s, struct conn *c, short rev, int64_t now)
{
	if (c->reset_at != 0 && now >= c->reset_at)
		return -2;
	if (c->draining && now >= c->drain_until)
		return -1;
	if (c->ssl != NULL && !c->tls_done) {
		int r = SSL_accept(c->ssl);
		if (r != 1) {
			int e = SSL_get_error(c->ssl, r);
			ERR_clear_error();
			/* A failed handshake: Redis drops the connection. */
			return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ?
			    0 : -1;
		}
		c->tls_done = true;
		if (s->cfg.payload == FS_P_TLS_GARBAGE)
			start_payload(s, c);
	}
	if (rev & (POLLIN | POLLHUP | POLLERR)) {
		if (conn_read(s, c) == -1)
			return s->cfg.kind == FS_RESET && c->inlen > 0 ? -2 : -1;
		if (c->ssl != NULL) {
			/* SSL_read may hold more decrypted records. */
			while (SSL_pending(c->ssl) > 0 && c->inlen < IN_MAX)
				if (conn_read(s, c) == -1)
					break;
		}
		if (s->cfg.kind == FS_SILENT)
			c->inlen = 0;
		else if (conn_process(s, c) == -1)
			return -2;
	}
	refill(s, c, now);
	if (conn_write(s, c, now) == -1)
		return -1;
	if (c->close_after_flush && c->outoff == c->outlen)
		conn_finish(s, c);
	return 0;
}

/* --- the loop ------------------------------------------------------------- */

static void *
loop(void *arg)
{
	struct faultsrv *s = arg;
	struct pollfd pf[MAX_CONNS + 2];
	int idx[MAX_CONNS + 2];
	bool listening = s->cfg.kind != FS_NONE && s->cfg.kind != FS_BLACKHOLE;

	for (;;) {
		int64_t now = clock_now_us(), next = now + POLL_MAX_MS * 1000LL;
		int n = 0, i, r, ms;

		pf[n].fd = s->wake[0];
		pf[n].events = POLLIN;
		idx[n++] = -1;
		if (listening) {
			pf[n].fd = s->lfd;
			pf[n].events = POLLIN;
			idx[n++] = -2;
		}
		for (i = 0; i < MAX_CONNS; i++) {
			struct conn *c = s->conns[i];
			if (c == NULL)
				continue;
			pf[n].fd = c->fd;
			pf[n].events = POLLIN;
			if (c->outoff < c->outlen) {
				if (c->ready_at <= now)
					pf[n].events |= POLLOUT;
				else if (c->ready_at < next)
					next = c->ready_at;
			}
			if (c->ssl != NULL && !c->tls_done)
				pf[n].events |= POLLOUT;
			if (c->gen == FS_P_DRIP && c->gen_next < next)
				next = c->gen_next;
			if (c->gen != FS_P_NONE && c->gen != FS_P_DRIP &&
			    c->outoff == c->outlen)
				next = now;
			if (c->reset_at != 0 && c->reset_at < next)
				next = c->reset_at;
			if (c->draining && c->drain_until < next)
				next = c->drain_until;
			idx[n++] = i;
		}
		ms = next <= now ? 0 : (int)((next - now + 999) / 1000);
		r = poll(pf, (nfds_t)n, ms);
		if (r == -1 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN)
			break;		/* faultsrv_stop() */
		now = clock_now_us();
		for (i = 1; i < n; i++) {
			if (idx[i] == -2) {
				if (pf[i].revents & POLLIN)
					conn_accept(s);
				continue;
			}
			r = conn_step(s, s->conns[idx[i]], r > 0 ? pf[i].revents : 0,
			    now);
			if (r < 0)
				conn_free(s, idx[i], r == -2);
		}
	}
	return NULL;
}

/* --- TLS context ------------------------------------------------------------ */

static int
sni_cb(SSL *ssl, int *alert, void *arg)
{
	const struct faultsrv *s = arg;
	const char *name;

	if (!has(s, FS_SNI_REQUIRED))
		return SSL_TLSEXT_ERR_OK;
	/* Called with or without the extension: a missing name fails too. */
	name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (name != NULL && strcasecmp(name, SNI_NAME) == 0)
		return SSL_TLSEXT_ERR_OK;
	*alert = SSL_AD_UNRECOGNIZED_NAME;
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static SSL_CTX *
tls_context(struct faultsrv *s, char *err, size_t errlen)
{
	const struct rd_certs *k = s->cfg.certs;
	SSL_CTX *ctx;
	X509 *leaf;

	if (k == NULL) {
		snprintf(err, errlen, "TLS scenario without certificates");
		return NULL;
	}
	switch (s->cfg.cert) {
	case FS_CERT_SELF:	leaf = k->self; break;
	case FS_CERT_EXPIRED:	leaf = k->expired; break;
	case FS_CERT_WRONGHOST:	leaf = k->wronghost; break;
	default:		leaf = k->leaf; break;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate(ctx, leaf) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, k->leaf_key) != 1)
		goto fail;
	if (has(s, FS_CLIENT_CERT)) {
		X509_STORE *st = SSL_CTX_get_cert_store(ctx);
		if (X509_STORE_add_cert(st, k->cca) != 1 ||
		    SSL_CTX_add_client_CA(ctx, k->cca) != 1)
			goto fail;
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	SSL_CTX_set_tlsext_servername_callback(ctx, sni_cb);
	SSL_CTX_set_tlsext_servername_arg(ctx, s);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* No session tickets: each connection shows the full handshake. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	return ctx;
fail:
	snprintf(err, errlen, "TLS context: %s",
	    ERR_reason_error_string(ERR_peek_error()) ?
	    ERR_reason_error_string(ERR_peek_error()) : "failed");
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

/* --- start and stop ----------------------------------------------------------- */

/* Fills the blackhole's accept queue with connections of our own, so the
 * kernel drops every further SYN (Linux drops SYNs to a listener whose
 * accept queue is full, SYN cookies or not): a client's connect() then
 * hangs until its own deadline.  Loopback only. */
static int
blackhole_fill(struct faultsrv *s)
{
	struct sockaddr_in sin;
	struct pollfd pf;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)s->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while (s->npre < MAX_PRE) {
		if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) == -1)
			return -1;
		s->pre[s->npre++] = fd;
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			continue;
		if (errno != EINPROGRESS)
			return -1;
		pf.fd = fd;
		pf.events = POLLOUT;
		/* This one hangs: the queue is full. */
		if (poll(&pf, 1, 100) == 0)
			return 0;
	}
	return -1;	/* the queue never filled: no blackhole here */
}

int
faultsrv_start(const struct fs_config *cfg, struct faultsrv **out, char *err,
    size_t errlen)
{
	struct faultsrv *s;
	int i;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->cfg = *cfg;
	if (s->cfg.redis_version == 0)
		s->cfg.redis_version = 7;
	s->lfd = s->deadfd = s->wake[0] = s->wake[1] = -1;
	s->rng = 0x9e3779b9u ^ (uint32_t)getpid();
	s->started_us = clock_now_us();
	for (i = 0; i < MAX_PRE; i++)
		s->pre[i] = -1;

	if ((s->scratch = malloc(IN_MAX + FS_MAX_ARGS)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* The dead port stays bound, so nobody else takes it meanwhile. */
	if ((s->deadfd = bind_loopback(0, &s->dead_port)) == -1) {
		snprintf(err, errlen, "cannot bind a loopback port: %s",
		    strerror(errno));
		goto fail;
	}
	if (cfg->kind == FS_NONE) {
		s->port = s->dead_port;
	} else {
		if ((s->lfd = bind_loopback(cfg->listen_port, &s->port)) == -1) {
			snprintf(err, errlen, "cannot bind 127.0.0.1:%d: %s",
			    cfg->listen_port, strerror(errno));
			goto fail;
		}
		if (listen(s->lfd, cfg->kind == FS_BLACKHOLE ? 0 : 64) == -1 ||
		    nonblock(s->lfd) == -1) {
			snprintf(err, errlen, "cannot listen: %s", strerror(errno));
			goto fail;
		}
		if (cfg->kind == FS_BLACKHOLE && blackhole_fill(s) == -1) {
			snprintf(err, errlen, "cannot fill the accept queue");
			goto fail;
		}
	}
	if ((cfg->flags & FS_TLS) && (s->ctx = tls_context(s, err, errlen)) == NULL)
		goto fail;
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((i = pthread_create(&s->thr, NULL, loop, s)) != 0) {
		snprintf(err, errlen, "cannot start the server thread: %s",
		    strerror(i));
		goto fail;
	}
	s->started = true;
	*out = s;
	return 0;
fail:
	faultsrv_stop(s);
	return -1;
}

int
faultsrv_port(const struct faultsrv *s)
{
	return s->port;
}

int
faultsrv_dead_port(const struct faultsrv *s)
{
	return s->dead_port;
}

void
faultsrv_stop(struct faultsrv *s)
{
	int i;

	if (s == NULL)
		return;
	if (s->started) {
		(void)!write(s->wake[1], "x", 1);
		pthread_join(s->thr, NULL);
	}
	for (i = 0; i < MAX_CONNS; i++)
		conn_free(s, i, false);
	for (i = 0; i < MAX_PRE; i++)
		if (s->pre[i] != -1)
			close(s->pre[i]);
	if (s->lfd != -1)
		close(s->lfd);
	if (s->deadfd != -1)
		close(s->deadfd);
	if (s->wake[0] != -1)
		close(s->wake[0]);
	if (s->wake[1] != -1)
		close(s->wake[1]);
	SSL_CTX_free(s->ctx);
	free(s->scratch);
	free(s);
}
