/* faultsrv_table.c — the Redis behaviour table of the fault server: which
 * reply a command gets in the state a scenario puts Redis in.  One row per
 * command (arity, flags and first version as in Redis's own command
 * table, and either a handler or a fixed reply), and one dispatch that
 * mirrors Redis's processCommand() checks in Redis's order: unknown
 * command, arity, NOAUTH, NOPERM, cluster redirection, MASTERDOWN,
 * LOADING, BUSY, READONLY, then the command.  Error texts are Redis's own
 * (7.0.15, checked against its binary; the 5.x wording behind
 * redis_version 5).  INFO answers from the same state. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "faultsrv_int.h"

#define NDB		16

/* A case-insensitive compare of an argument with a word. */
static bool
eq(const char *arg, const char *word)
{
	return strcasecmp(arg, word) == 0;
}

static void
r_err(struct faultsrv *s, struct fs_conn *c, const char *text)
{
	fs_out_fmt(s, c, "-%s\r\n", text);
}

static void
r_bulk(struct faultsrv *s, struct fs_conn *c, const char *p, size_t n)
{
	fs_out_fmt(s, c, "$%zu\r\n", n);
	fs_out_put(s, c, p, n);
	fs_out_put(s, c, "\r\n", 2);
}

static void
r_str(struct faultsrv *s, struct fs_conn *c, const char *p)
{
	r_bulk(s, c, p, strlen(p));
}

/* --- the state a scenario puts Redis in --------------------------------- */

static bool
cluster_mode(const struct faultsrv *s)
{
	return fs_has(s, FS_CLUSTER | FS_CLUSTER_DOWN | FS_CLUSTER_FAR |
	    FS_CLUSTER_HOLES | FS_CLUSTER_UNSERVED);
}

/* cluster_state:fail: Redis serves no key (CLUSTERDOWN). */
static bool
cluster_down(const struct faultsrv *s)
{
	return fs_has(s, FS_CLUSTER_DOWN | FS_CLUSTER_HOLES);
}

static bool
is_replica(const struct faultsrv *s)
{
	return fs_has(s, FS_REPLICA | FS_MASTERDOWN);
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

	for (i = 0; i < FS_MAX_CONNS; i++)
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

	if (fs_has(s, FS_OOM)) {
		/* Just over a 100 MiB maxmemory, and nothing may be
		 * evicted: writes get OOM, reads and PING still work. */
		maxmem = 104857600;
		used = 104867840;
	}
	if (want_section(argc, argv, "server")) {
		sb_add(b, "# Server\r\nredis_version:%s\r\nredis_git_sha1:00000000\r\n"
		    "redis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:%s\r\n"
		    "os:Linux (redisdiag simulate)\r\narch_bits:64\r\n"
		    "process_id:%ld\r\ntcp_port:%d\r\nuptime_in_seconds:%lld\r\n"
		    "uptime_in_days:0\r\n\r\n", version_string(s),
		    fs_has(s, FS_SENTINEL) ? "sentinel" : cluster_mode(s) ?
		    "cluster" : "standalone", (long)getpid(),
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
		    fs_has(s, FS_LOADING) ? 1 : 0);
		if (fs_has(s, FS_LOADING))
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
			bool down = fs_has(s, FS_MASTERDOWN);
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
#define K_DENYOOM	0x40	/* refused over maxmemory (CMD_DENYOOM) */

struct cmd {
	const char *name;
	int	 arity;			/* Redis's: N exact, -N at least N */
	unsigned flags;
	int	 since;			/* first major version that has it */
	void	(*fn)(struct faultsrv *, struct fs_conn *, int, char **, size_t *);
	const char *fixed;		/* without fn: the reply, always the same */
};

/* True when user/pass would authenticate. */
static bool
creds_ok(const struct faultsrv *s, const char *user, const char *pass)
{
	if (strcmp(user, "default") != 0)
		return false;
	if (!fs_has(s, FS_REQUIREPASS))
		return true;	/* nopass: any password for default */
	return s->cfg.password != NULL && strcmp(pass, s->cfg.password) == 0;
}

static void
c_auth(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
{
	const char *user = argc == 3 ? argv[1] : "default";
	const char *pass = argv[argc - 1];

	if (s->cfg.redis_version < 6) {
		if (argc != 2)
			r_err(s, c, "ERR wrong number of arguments for 'auth' command");
		else if (!fs_has(s, FS_REQUIREPASS))
			r_err(s, c, "ERR Client sent AUTH, but no password is set");
		else if (creds_ok(s, user, pass)) {
			c->authed = true;
			fs_out_fmt(s, c, "+OK\r\n");
		} else
			r_err(s, c, "ERR invalid password");
		return;
	}
	if (argc > 3) {
		r_err(s, c, "ERR syntax error");
		return;
	}
	if (argc == 2 && !fs_has(s, FS_REQUIREPASS)) {
		r_err(s, c, "ERR AUTH <password> called without any password "
		    "configured for the default user. Are you sure your "
		    "configuration is correct?");
		return;
	}
	if (creds_ok(s, user, pass)) {
		c->authed = true;
		fs_out_fmt(s, c, "+OK\r\n");
	} else
		r_err(s, c, "WRONGPASS invalid username-password pair or user is disabled.");
}

static void
c_hello(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
{
	long long proto = c->proto ? c->proto : 2;
	int i;

	if (argc >= 2) {
		if (!fs_to_ll(argv[1], al[1], &proto)) {
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
			fs_out_fmt(s, c, "-ERR Syntax error in HELLO option '%.128s'\r\n",
			    argv[i]);
			return;
		}
	}
	if (fs_has(s, FS_REQUIREPASS) && !c->authed) {
		r_err(s, c, "NOAUTH HELLO must be called with the client already "
		    "authenticated, otherwise the HELLO AUTH <user> <pass> option "
		    "can be used to authenticate the client and select the RESP "
		    "protocol version at the same time");
		return;
	}
	c->proto = (int)proto;
	fs_out_fmt(s, c, proto == 3 ? "%%7\r\n" : "*14\r\n");
	r_str(s, c, "server");	r_str(s, c, "redis");
	r_str(s, c, "version");	r_str(s, c, version_string(s));
	r_str(s, c, "proto");	fs_out_fmt(s, c, ":%lld\r\n", proto);
	r_str(s, c, "id");	fs_out_fmt(s, c, ":%lld\r\n", c->id);
	r_str(s, c, "mode");	r_str(s, c, cluster_mode(s) ? "cluster" : "standalone");
	r_str(s, c, "role");	r_str(s, c, is_replica(s) ? "replica" : "master");
	r_str(s, c, "modules");	fs_out_fmt(s, c, "*0\r\n");
}

static void
c_ping(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
{
	if (argc > 2)
		r_err(s, c, "ERR wrong number of arguments for 'ping' command");
	else if (argc == 2)
		r_bulk(s, c, argv[1], al[1]);
	else
		fs_out_fmt(s, c, "+PONG\r\n");
}

static void
c_echo(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
{
	r_bulk(s, c, argv[1], al[1]);
}

static void
c_select(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
{
	long long db;

	if (!fs_to_ll(argv[1], al[1], &db) || db < INT32_MIN || db > INT32_MAX)
		r_err(s, c, "ERR value is not an integer or out of range");
	else if (cluster_mode(s) && db != 0)
		r_err(s, c, "ERR SELECT is not allowed in cluster mode");
	else if (db < 0 || db >= NDB)
		r_err(s, c, "ERR DB index is out of range");
	else {
		c->db = (int)db;
		fs_out_fmt(s, c, "+OK\r\n");
	}
}

static void
c_info(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
{
	struct sb b;

	b.n = 0;
	b.buf[0] = '\0';
	info_text(s, argc, argv, &b);
	r_bulk(s, c, b.buf, b.n);
}

/* The shards this node announces (topology scenarios): id, address, port
 * and slots of each master; the first is this node. */
struct shard {
	const char *id;
	const char *ip;
	int	 port, lo, hi;
};

static int
shards(const struct faultsrv *s, struct shard *v)
{
	/* Distinct first characters: a person reads ids by their start. */
	static const char me[] = "5eed000000000000000000000000000000000002";
	static const char far[] = "fa50000000000000000000000000000000000003";

	if (fs_has(s, FS_CLUSTER_FAR)) {
		v[0] = (struct shard){ me, "127.0.0.1", s->port, 0, 8191 };
		v[1] = (struct shard){ far, "127.0.0.2", s->port, 8192, 16383 };
		return 2;
	}
	if (fs_has(s, FS_CLUSTER_HOLES)) {
		v[0] = (struct shard){ me, "127.0.0.1", s->port, 0, 16283 };
		return 1;
	}
	/* This node serves no slot: every key lives at the dead port. */
	v[0] = (struct shard){ "0000000000000000000000000000000000000001",
	    "127.0.0.1", s->dead_port, 0, 16383 };
	return 1;
}

/* The node that serves slot, or NULL when this one does. */
static const struct shard *
owner(const struct faultsrv *s, unsigned slot, struct shard *v)
{
	int i, n = shards(s, v);

	for (i = 0; i < n; i++)
		if ((int)slot >= v[i].lo && (int)slot <= v[i].hi)
			return v[i].port == s->port &&
			    strcmp(v[i].ip, "127.0.0.1") == 0 ? NULL : &v[i];
	return &v[0];
}

static void
c_cluster(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
{
	bool down = cluster_down(s);
	struct shard v[2];
	struct sb b;
	int i, n, assigned = 0;

	if (!cluster_mode(s)) {
		r_err(s, c, "ERR This instance has cluster support disabled");
		return;
	}
	n = shards(s, v);
	for (i = 0; i < n; i++)
		assigned += v[i].hi - v[i].lo + 1;
	if (eq(argv[1], "INFO") && fs_has(s, FS_CLUSTER_UNSERVED)) {
		/* A node alone, no slot assigned: what a real one says. */
		b.n = 0;
		sb_add(&b, "cluster_state:fail\r\ncluster_slots_assigned:0\r\n"
		    "cluster_slots_ok:0\r\ncluster_slots_pfail:0\r\n"
		    "cluster_slots_fail:0\r\ncluster_known_nodes:1\r\n"
		    "cluster_size:0\r\ncluster_current_epoch:0\r\n"
		    "cluster_my_epoch:0\r\n");
		r_bulk(s, c, b.buf, b.n);
	} else if (eq(argv[1], "INFO")) {
		b.n = 0;
		sb_add(&b, "cluster_state:%s\r\ncluster_slots_assigned:%d\r\n"
		    "cluster_slots_ok:%d\r\ncluster_slots_pfail:0\r\n"
		    "cluster_slots_fail:%d\r\ncluster_known_nodes:%d\r\n"
		    "cluster_size:%d\r\ncluster_current_epoch:3\r\n"
		    "cluster_my_epoch:1\r\n", down ? "fail" : "ok", assigned,
		    fs_has(s, FS_CLUSTER_DOWN) ? 10923 : assigned,
		    fs_has(s, FS_CLUSTER_DOWN) ? 5461 : 0, n + 1, n);
		r_bulk(s, c, b.buf, b.n);
	} else if (eq(argv[1], "SLOTS")) {
		fs_out_fmt(s, c, "*%d\r\n", n);
		for (i = 0; i < n; i++) {
			fs_out_fmt(s, c, "*3\r\n:%d\r\n:%d\r\n*3\r\n", v[i].lo,
			    v[i].hi);
			r_str(s, c, v[i].ip);
			fs_out_fmt(s, c, ":%d\r\n", v[i].port);
			r_str(s, c, v[i].id);
		}
	} else if (eq(argv[1], "SHARDS") && s->cfg.redis_version >= 7) {
		fs_out_fmt(s, c, "*%d\r\n", n);
		for (i = 0; i < n; i++) {
			fs_out_fmt(s, c, "*4\r\n");
			r_str(s, c, "slots");
			fs_out_fmt(s, c, "*2\r\n:%d\r\n:%d\r\n", v[i].lo, v[i].hi);
			r_str(s, c, "nodes");
			fs_out_fmt(s, c, "*1\r\n*12\r\n");
			r_str(s, c, "id");	r_str(s, c, v[i].id);
			r_str(s, c, "port");	fs_out_fmt(s, c, ":%d\r\n", v[i].port);
			r_str(s, c, "ip");	r_str(s, c, v[i].ip);
			r_str(s, c, "endpoint"); r_str(s, c, v[i].ip);
			r_str(s, c, "role");	r_str(s, c, "master");
			r_str(s, c, "health");	r_str(s, c, "online");
		}
	} else if (eq(argv[1], "NODES")) {
		b.n = 0;
		for (i = 0; i < n; i++)
			sb_add(&b, "%s %s:%d@%d %smaster - 0 0 %d connected %d-%d\n",
			    v[i].id, v[i].ip, v[i].port, v[i].port + 10000,
			    v[i].port == s->port && i == 0 &&
			    !fs_has(s, FS_CLUSTER) ? "myself," : "", i + 1,
			    v[i].lo, v[i].hi);
		r_bulk(s, c, b.buf, b.n);
	} else if (eq(argv[1], "MYID"))
		/* cluster-moved: a node outside the slot map it announces. */
		r_str(s, c, fs_has(s, FS_CLUSTER) ?
		    "0000000000000000000000000000000000000002" : v[0].id);
	else
		fs_out_fmt(s, c, "-ERR unknown subcommand '%.128s'. Try CLUSTER HELP.\r\n",
		    argv[1]);
}

/* A sentinel monitoring "mymaster" at the refusing port. */
static void
c_sentinel(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
{
	bool known = argc >= 3 && strcmp(argv[2], "mymaster") == 0;
	char port[16];

	snprintf(port, sizeof(port), "%d", s->dead_port);

	if (eq(argv[1], "GET-MASTER-ADDR-BY-NAME") && argc == 3) {
		if (!known) {
			fs_out_fmt(s, c, "*-1\r\n");
			return;
		}
		fs_out_fmt(s, c, "*2\r\n");
		r_str(s, c, "127.0.0.1");
		r_str(s, c, port);
	} else if ((eq(argv[1], "CKQUORUM") || eq(argv[1], "REPLICAS") ||
	    eq(argv[1], "SLAVES")) && argc == 3 && !known)
		r_err(s, c, "ERR No such master with that name");
	else if (eq(argv[1], "CKQUORUM") && argc == 3)
		fs_out_fmt(s, c, "+OK 1 usable Sentinels. Quorum and failover "
		    "authorization can be reached\r\n");
	else if ((eq(argv[1], "REPLICAS") || eq(argv[1], "SLAVES")) && argc == 3)
		fs_out_fmt(s, c, "*0\r\n");
	else if (eq(argv[1], "MASTERS") && argc == 2) {
		fs_out_fmt(s, c, "*1\r\n*6\r\n");
		r_str(s, c, "name");	r_str(s, c, "mymaster");
		r_str(s, c, "ip");	r_str(s, c, "127.0.0.1");
		r_str(s, c, "port");	r_str(s, c, port);
	} else
		fs_out_fmt(s, c, "-ERR Unknown sentinel subcommand '%.128s'\r\n",
		    argv[1]);
}

static void
c_config(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
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
		fs_out_fmt(s, c, "-ERR unknown subcommand '%.128s'. Try CONFIG HELP.\r\n",
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
	fs_out_fmt(s, c, "*%d\r\n", 2 * n);
	for (j = 2; j < argc && j < FS_MAX_ARGS; j++)
		for (i = 0; i < (int)(sizeof(params) / sizeof(params[0])); i++) {
			if (!eq(argv[j], params[i].k) && strcmp(argv[j], "*") != 0)
				continue;
			r_str(s, c, params[i].k);
			snprintf(v, sizeof(v), "%s", params[i].v != NULL ?
			    params[i].v : fs_has(s, FS_OOM) ? "104857600" : "0");
			r_str(s, c, v);
		}
}

static void
c_client(struct faultsrv *s, struct fs_conn *c, int argc, char **argv, size_t *al)
{
	if (eq(argv[1], "SETNAME") && argc == 3)
		fs_out_fmt(s, c, "+OK\r\n");
	else if (eq(argv[1], "ID") && argc == 2)
		fs_out_fmt(s, c, ":%lld\r\n", c->id);
	else if (eq(argv[1], "GETNAME") && argc == 2)
		fs_out_fmt(s, c, "$-1\r\n");
	else
		fs_out_fmt(s, c, "-ERR unknown subcommand or wrong number of arguments "
		    "for '%.128s'. Try CLIENT HELP.\r\n", argv[1]);
}

static const struct cmd cmds[] = {
	{ "auth",	-2, K_NO_AUTH | K_LOADING | K_STALE | K_BUSY, 1, c_auth, NULL },
	{ "hello",	-1, K_NO_AUTH | K_LOADING | K_STALE | K_BUSY, 6, c_hello, NULL },
	{ "ping",	-1, 0, 1, c_ping, NULL },
	{ "echo",	 2, 0, 1, c_echo, NULL },
	{ "select",	 2, K_LOADING | K_STALE, 1, c_select, NULL },
	{ "info",	-1, K_LOADING | K_STALE, 1, c_info, NULL },
	{ "cluster",	-2, K_LOADING | K_STALE, 3, c_cluster, NULL },
	{ "sentinel",	-2, K_LOADING | K_STALE, 1, c_sentinel, NULL },
	{ "config",	-2, K_LOADING | K_STALE, 1, c_config, NULL },
	{ "client",	-2, K_LOADING | K_STALE, 1, c_client, NULL },
	/* redis-cli asks COMMAND DOCS for hints; none is a valid answer. */
	{ "command",	-1, K_LOADING | K_STALE, 1, NULL, "*0\r\n" },
	/* An empty database: no key exists. */
	{ "get",	 2, K_KEYED, 1, NULL, "$-1\r\n" },
	{ "set",	-3, K_KEYED | K_WRITE | K_DENYOOM, 1, NULL, "+OK\r\n" },
	{ "exists",	-2, K_KEYED, 1, NULL, ":0\r\n" },
	{ "del",	-2, K_KEYED | K_WRITE, 1, NULL, ":0\r\n" },
	{ "type",	 2, K_KEYED, 1, NULL, "+none\r\n" },
	{ "dbsize",	 1, 0, 1, NULL, ":0\r\n" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
r_unknown(struct faultsrv *s, struct fs_conn *c, int argc, char **argv)
{
	char args[600];
	size_t o = 0;
	int i;
	bool old = s->cfg.redis_version < 6;

	args[0] = '\0';
	for (i = 1; i < argc && i < FS_MAX_ARGS && o < sizeof(args) - 140; i++)
		o += (size_t)snprintf(args + o, sizeof(args) - o,
		    old ? "`%.128s`, " : "'%.128s' ", argv[i]);
	fs_out_fmt(s, c, old ? "-ERR unknown command `%.128s`, with args beginning with: %s\r\n" :
	    "-ERR unknown command '%.128s', with args beginning with: %s\r\n",
	    argv[0], args);
}

/* Redis's checks in processCommand()'s order; the first that fails
 * answers. */
void
fs_dispatch(struct faultsrv *s, struct fs_conn *c, struct fs_request *rq)
{
	int argc = rq->argc;
	char **argv = rq->argv;
	size_t *al = rq->arglen;
	const struct cmd *k = NULL;
	char lname[32];
	size_t i;

	s->total_cmds++;
	if (s->cfg.payload != FS_P_NONE && s->cfg.payload != FS_P_TLS_GARBAGE &&
	    !c->payload_sent &&
	    (s->cfg.payload_cmd == NULL || eq(argv[0], s->cfg.payload_cmd))) {
		fs_payload_start(s, c);
		return;
	}
	if (eq(argv[0], "quit")) {
		fs_out_fmt(s, c, "+OK\r\n");
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
		fs_out_fmt(s, c, "-ERR wrong number of arguments for '%s' command\r\n",
		    k->name);
		return;
	}
	if (fs_has(s, FS_REQUIREPASS) && !c->authed && !(k->flags & K_NO_AUTH)) {
		r_err(s, c, "NOAUTH Authentication required.");
		return;
	}
	if (fs_has(s, FS_NOPERM_INFO) && s->cfg.redis_version >= 6 &&
	    (strcmp(k->name, "info") == 0 || strcmp(k->name, "config") == 0)) {
		/* Subcommands are named "config|get" in 7.0's ACL errors. */
		snprintf(lname, sizeof(lname), "%s", k->name);
		if (strcmp(k->name, "config") == 0 && s->cfg.redis_version >= 7) {
			size_t n = strlen(lname);
			snprintf(lname + n, sizeof(lname) - n, "|%.16s", argv[1]);
			for (i = n; lname[i] != '\0'; i++)
				lname[i] = (char)tolower((unsigned char)lname[i]);
		}
		fs_out_fmt(s, c, "-NOPERM this user has no permissions to run the '%s' command\r\n",
		    lname);
		return;
	}
	if (fs_has(s, FS_NOPERM_INFO) && s->cfg.redis_version < 6 &&
	    strcmp(k->name, "info") == 0) {
		/* Before ACLs, a managed service renames INFO away. */
		r_unknown(s, c, argc, argv);
		return;
	}
	if (fs_has(s, FS_SENTINEL) && strcmp(k->name, "sentinel") != 0 &&
	    strcmp(k->name, "ping") != 0 && strcmp(k->name, "info") != 0 &&
	    strcmp(k->name, "auth") != 0 && strcmp(k->name, "hello") != 0 &&
	    strcmp(k->name, "client") != 0) {
		/* A sentinel knows only its own commands. */
		r_unknown(s, c, argc, argv);
		return;
	}
	if (!fs_has(s, FS_SENTINEL) && strcmp(k->name, "sentinel") == 0) {
		r_unknown(s, c, argc, argv);
		return;
	}
	if (cluster_mode(s) && (k->flags & K_KEYED)) {
		struct shard v[2];
		const struct shard *o;
		unsigned slot = keyslot(argv[1], al[1]);

		/* Redis's two wordings: a node that knows the cluster
		 * failed, and a node that serves no slot for the key. */
		if (cluster_down(s)) {
			r_err(s, c, "CLUSTERDOWN The cluster is down");
			return;
		}
		if (fs_has(s, FS_CLUSTER_UNSERVED)) {
			r_err(s, c, "CLUSTERDOWN Hash slot not served");
			return;
		}
		if ((o = owner(s, slot, v)) != NULL) {
			fs_out_fmt(s, c, "-MOVED %u %s:%d\r\n", slot, o->ip,
			    o->port);
			return;
		}
	}
	/* Over maxmemory with noeviction: Redis refuses what would grow
	 * the dataset (processCommand's performEvictions check). */
	if (fs_has(s, FS_OOM) && (k->flags & K_DENYOOM)) {
		r_err(s, c, "OOM command not allowed when used memory > 'maxmemory'.");
		return;
	}
	/* A read-only replica refuses writes before it looks at its link
	 * (Redis 7.0's order): a SET to a replica whose master is down
	 * gets READONLY, a GET gets MASTERDOWN. */
	if (is_replica(s) && (k->flags & K_WRITE)) {
		r_err(s, c, "READONLY You can't write against a read only replica.");
		return;
	}
	if (fs_has(s, FS_MASTERDOWN) && !(k->flags & K_STALE)) {
		r_err(s, c, "MASTERDOWN Link with MASTER is down and "
		    "replica-serve-stale-data is set to 'no'.");
		return;
	}
	if (fs_has(s, FS_LOADING) && !(k->flags & K_LOADING)) {
		r_err(s, c, "LOADING Redis is loading the dataset in memory");
		return;
	}
	if (fs_has(s, FS_BUSY) && !(k->flags & K_BUSY)) {
		r_err(s, c, "BUSY Redis is busy running a script. You can only "
		    "call SCRIPT KILL or SHUTDOWN NOSAVE.");
		return;
	}
	if (k->fn != NULL)
		k->fn(s, c, argc, argv, al);
	else
		fs_out_put(s, c, k->fixed, strlen(k->fixed));
}

