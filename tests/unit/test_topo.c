/* test_topo.c — topology facts and rules from literal observations: how
 * an announced address is classified (private ranges, container bridges,
 * 0.0.0.0, names: none of them ever dialled here), slot coverage, the key
 * hash, the parsers of CLUSTER SHARDS/SLOTS/NODES and sentinel replies
 * (fed as RESP bytes through hiredis's reader), and every cluster.* and
 * sentinel.* rule from a literal struct rd_topology. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "clients.h"
#include "report.h"
#include "topo.h"
#include "topo_run.h"
#include "topo_parse.h"

/* ---- address classes -------------------------------------------------- */

static const struct {
	const char *addr;
	enum rd_addr_class cls;
} classes[] = {
	{ "0.0.0.0", RD_AC_UNSPECIFIED },
	{ "::", RD_AC_UNSPECIFIED },
	{ "", RD_AC_UNSPECIFIED },
	{ "127.0.0.1", RD_AC_LOOPBACK },
	{ "127.0.0.2", RD_AC_LOOPBACK },
	{ "::1", RD_AC_LOOPBACK },
	{ "[::1]", RD_AC_LOOPBACK },
	{ "10.0.12.7", RD_AC_PRIVATE },
	{ "172.16.0.9", RD_AC_PRIVATE },
	{ "192.168.1.20", RD_AC_PRIVATE },
	{ "fd12:3456::1", RD_AC_PRIVATE },
	{ "172.17.0.3", RD_AC_CONTAINER_BRIDGE },	/* docker0 */
	{ "172.18.0.5", RD_AC_CONTAINER_BRIDGE },	/* a compose network */
	{ "172.31.255.254", RD_AC_CONTAINER_BRIDGE },
	{ "10.88.0.4", RD_AC_CONTAINER_BRIDGE },	/* podman */
	{ "10.244.1.17", RD_AC_CONTAINER_BRIDGE },	/* flannel */
	{ "10.42.0.8", RD_AC_CONTAINER_BRIDGE },	/* k3s */
	{ "172.32.0.1", RD_AC_PUBLIC },
	{ "169.254.10.1", RD_AC_LINK_LOCAL },
	{ "fe80::1", RD_AC_LINK_LOCAL },
	{ "100.64.3.2", RD_AC_CGNAT },
	{ "203.0.113.9", RD_AC_PUBLIC },
	{ "2001:db8::5", RD_AC_PUBLIC },
	{ "::ffff:172.17.0.2", RD_AC_CONTAINER_BRIDGE },
	{ "redis-0.redis.svc.cluster.local", RD_AC_HOSTNAME },
	{ "localhost", RD_AC_HOSTNAME },
};

static void
test_addr_class(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		enum rd_addr_class got = topo_addr_class(classes[i].addr);

		if (got != classes[i].cls)
			print_error("%s: %s, want %s\n", classes[i].addr,
			    rd_addr_class_names[got],
			    rd_addr_class_names[classes[i].cls]);
		assert_int_equal(got, classes[i].cls);
	}
}

/* ---- slots and keys --------------------------------------------------- */

static void
master(struct rd_topology *t, const char *id, int lo, int hi)
{
	struct rd_cluster_node *n = &t->cl.nodes[t->cl.nnodes++];

	memset(n, 0, sizeof(*n));
	snprintf(n->id, sizeof(n->id), "%s", id);
	snprintf(n->role, sizeof(n->role), "master");
	snprintf(n->ip, sizeof(n->ip), "127.0.0.1");
	n->port = 7000 + t->cl.nnodes;
	topo_add_range(n, lo, hi);
}

/* topo_slots against a slot-by-slot count, over ranges drawn from a
 * fixed xorshift sequence: gaps and overlaps anywhere, word boundaries or
 * not, pfail and failed masters, uncovered tails. */
static void
test_slots_random(void **state)
{
	struct rd_topology *t = calloc(1, sizeof(*t));
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int round, i, s;

	(void)state;
	assert_non_null(t);
	for (round = 0; round < 300; round++) {
		signed char st[RD_TOPO_SLOTS];
		int assigned = 0, ok = 0, pf = 0, fl = 0, nun = 0, lo = -1;

		memset(t, 0, sizeof(*t));
		memset(st, -1, sizeof(st));
		t->cl.read = true;
		for (i = 0; i < 1 + round % 6; i++) {
			int a, b, v;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			a = (int)(x % RD_TOPO_SLOTS);
			b = a + (int)((x >> 20) % (round % 2 ? 20 : 9000));
			if (b >= RD_TOPO_SLOTS)
				b = RD_TOPO_SLOTS - 1;
			master(t, "m", a, b);
			v = (int)((x >> 40) % 3);
			t->cl.nodes[i].pfail = v == 1;
			t->cl.nodes[i].fail = v == 2;
			for (s = a; s <= b; s++)
				if (st[s] < v)
					st[s] = (signed char)v;
		}
		topo_slots(t);
		for (s = 0; s <= RD_TOPO_SLOTS; s++) {
			int v = s < RD_TOPO_SLOTS ? st[s] : 0;

			if (v == -1 && lo == -1)
				lo = s;
			if (v != -1 && lo != -1) {
				if (nun < RD_TOPO_MAX_UNCOVERED) {
					assert_int_equal(t->uncovered[nun].lo, lo);
					assert_int_equal(t->uncovered[nun].hi, s - 1);
				}
				nun++;
				lo = -1;
			}
			if (s < RD_TOPO_SLOTS && v != -1) {
				assigned++;
				ok += v == 0;
				pf += v == 1;
				fl += v == 2;
			}
		}
		assert_int_equal(t->slots_assigned, assigned);
		assert_int_equal(t->slots_ok, ok);
		assert_int_equal(t->slots_pfail, pf);
		assert_int_equal(t->slots_fail, fl);
		assert_int_equal(t->nuncovered, nun);
	}
	free(t);
}

static void
test_slots(void **state)
{
	struct rd_topology *t = calloc(1, sizeof(*t));

	(void)state;
	assert_non_null(t);
	t->cl.read = true;
	master(t, "a", 100, 5460);
	master(t, "b", 5461, 10000);
	master(t, "c", 10100, 16383);
	t->cl.nodes[1].pfail = true;
	topo_slots(t);
	assert_int_equal(t->slots_assigned, 16384 - 100 - 99);
	assert_int_equal(t->slots_pfail, 10000 - 5461 + 1);
	assert_int_equal(t->slots_fail, 0);
	assert_int_equal(t->nuncovered, 2);
	assert_int_equal(t->uncovered[0].lo, 0);
	assert_int_equal(t->uncovered[0].hi, 99);
	assert_int_equal(t->uncovered[1].lo, 10001);
	assert_int_equal(t->uncovered[1].hi, 10099);
	free(t);
}

static void
test_key_slot(void **state)
{
	(void)state;
	/* Values from CLUSTER KEYSLOT on a real server. */
	assert_int_equal(topo_key_slot("foo"), 12182);
	assert_int_equal(topo_key_slot("bar"), 5061);
	assert_int_equal(topo_key_slot("{user1000}.following"),
	    topo_key_slot("user1000"));
	assert_int_equal(topo_key_slot("{}x"), topo_key_slot("{}x"));
	assert_int_equal(topo_key_slot(""), 0);
}

static void
test_endpoint(void **state)
{
	struct rd_cluster_node n;
	char host[256];

	(void)state;
	memset(&n, 0, sizeof(n));
	snprintf(n.ip, sizeof(n.ip), "10.0.0.5");
	n.port = 6379;
	n.tls_port = 6380;
	assert_int_equal(topo_node_endpoint(&n, false, host, sizeof(host)), 6379);
	assert_string_equal(host, "10.0.0.5");
	assert_int_equal(topo_node_endpoint(&n, true, host, sizeof(host)), 6380);
	snprintf(n.hostname, sizeof(n.hostname), "node-1.example");
	topo_node_endpoint(&n, true, host, sizeof(host));
	assert_string_equal(host, "node-1.example");
}

/* ---- parsers ---------------------------------------------------------- */

static redisReply *
reply(const char *resp)
{
	redisReader *r = redisReaderCreate();
	void *out = NULL;

	assert_non_null(r);
	assert_int_equal(redisReaderFeed(r, resp, strlen(resp)), REDIS_OK);
	assert_int_equal(redisReaderGetReply(r, &out), REDIS_OK);
	assert_non_null(out);
	redisReaderFree(r);
	return out;
}

static void
test_parse_shards(void **state)
{
	/* One shard: a master with a host name and TLS port, one replica. */
	redisReply *r = reply("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
	    "$5\r\nnodes\r\n*2\r\n"
	    "*12\r\n$2\r\nid\r\n$3\r\nm01\r\n$4\r\nport\r\n:7000\r\n"
	    "$8\r\ntls-port\r\n:7100\r\n$2\r\nip\r\n$10\r\n172.17.0.2\r\n"
	    "$8\r\nhostname\r\n$6\r\nnode-a\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
	    "*8\r\n$2\r\nid\r\n$3\r\nr01\r\n$4\r\nport\r\n:7001\r\n"
	    "$2\r\nip\r\n$10\r\n172.17.0.3\r\n$4\r\nrole\r\n$7\r\nreplica\r\n");
	struct rd_cluster_obs *cl = calloc(1, sizeof(*cl));

	(void)state;
	assert_int_equal(topo_parse_shards(r, cl), 0);
	assert_true(cl->read);
	assert_int_equal(cl->nnodes, 2);
	assert_string_equal(cl->nodes[0].id, "m01");
	assert_string_equal(cl->nodes[0].ip, "172.17.0.2");
	assert_string_equal(cl->nodes[0].hostname, "node-a");
	assert_int_equal(cl->nodes[0].port, 7000);
	assert_int_equal(cl->nodes[0].tls_port, 7100);
	assert_int_equal(cl->nodes[0].nslots, 16384);
	assert_string_equal(cl->nodes[1].role, "replica");
	assert_string_equal(cl->nodes[1].master_id, "m01");
	assert_int_equal(cl->nodes[1].nslots, 0);
	freeReplyObject(r);
	free(cl);
}

static void
test_parse_slots_nodes(void **state)
{
	redisReply *r = reply("*2\r\n"
	    "*3\r\n:0\r\n:8191\r\n*3\r\n$9\r\n127.0.0.1\r\n:7000\r\n$1\r\na\r\n"
	    "*4\r\n:8192\r\n:16383\r\n*3\r\n$9\r\n127.0.0.1\r\n:7001\r\n$1\r\nb\r\n"
	    "*3\r\n$9\r\n127.0.0.1\r\n:7002\r\n$1\r\nc\r\n");
	struct rd_cluster_obs *cl = calloc(1, sizeof(*cl));
	struct rd_redirect_obs rd;

	(void)state;
	assert_int_equal(topo_parse_slots(r, false, cl), 0);
	assert_int_equal(cl->nnodes, 3);
	assert_int_equal(cl->nodes[1].port, 7001);
	assert_string_equal(cl->nodes[2].master_id, "b");
	/* CLUSTER NODES adds the flags by id. */
	assert_int_equal(topo_parse_nodes(
	    "a 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191\n"
	    "b 127.0.0.1:7001@17001 master,fail? - 0 0 2 connected 8192-16383\n"
	    "c 127.0.0.1:7002@17002 slave,fail b 0 0 2 disconnected\n", cl), 0);
	assert_true(cl->nodes[0].myself);
	assert_true(cl->nodes[1].pfail);
	assert_false(cl->nodes[1].fail);
	assert_true(cl->nodes[2].fail);
	freeReplyObject(r);

	/* CLUSTER NODES alone (no SHARDS, no SLOTS): host names, IPv6. */
	memset(cl, 0, sizeof(*cl));
	assert_int_equal(topo_parse_nodes(
	    "x ::1:7000@17000,node-x myself,master - 0 0 1 connected 0-100 102 [5->-y]\r\n"
	    "y :0@0 master,noaddr - 0 0 0 disconnected\r\n", cl), 0);
	assert_string_equal(cl->source, "CLUSTER NODES");
	assert_int_equal(cl->nnodes, 2);
	assert_string_equal(cl->nodes[0].ip, "::1");
	assert_string_equal(cl->nodes[0].hostname, "node-x");
	assert_int_equal(cl->nodes[0].nslots, 102);
	assert_int_equal(cl->nodes[0].nranges, 2);
	assert_true(cl->nodes[1].noaddr);

	memset(&rd, 0, sizeof(rd));
	assert_int_equal(topo_parse_redirect("MOVED 3999 127.0.0.1:6381", &rd), 0);
	assert_string_equal(rd.kind, "MOVED");
	assert_int_equal(rd.slot, 3999);
	assert_int_equal(rd.port, 6381);
	assert_int_equal(topo_parse_redirect("ASK 1 [::1]:7000", &rd), 0);
	assert_int_equal(topo_parse_redirect("CLUSTERDOWN The cluster is down",
	    &rd), -1);
	free(cl);
}

static void
test_parse_sentinel(void **state)
{
	struct rd_sentinel_obs so;
	redisReply *r;

	(void)state;
	memset(&so, 0, sizeof(so));
	r = reply("*2\r\n$8\r\n10.1.2.3\r\n$4\r\n6379\r\n");
	assert_int_equal(topo_parse_master_addr(r, &so), 0);
	assert_string_equal(so.master_ip, "10.1.2.3");
	assert_int_equal(so.master_port, 6379);
	freeReplyObject(r);
	memset(&so, 0, sizeof(so));
	r = reply("*-1\r\n");
	assert_int_equal(topo_parse_master_addr(r, &so), 0);
	assert_true(so.nil);
	freeReplyObject(r);
	r = reply("*1\r\n*6\r\n$2\r\nip\r\n$10\r\n172.17.0.9\r\n$4\r\nport\r\n"
	    "$4\r\n6380\r\n$5\r\nflags\r\n$5\r\nslave\r\n");
	assert_int_equal(topo_parse_replicas(r, &so), 0);
	assert_int_equal(so.nreplicas, 1);
	assert_string_equal(so.replicas[0].ip, "172.17.0.9");
	assert_int_equal(so.replicas[0].port, 6380);
	freeReplyObject(r);
	r = reply("*2\r\n*2\r\n$4\r\nname\r\n$2\r\nm1\r\n*2\r\n$4\r\nname\r\n$2\r\nm2\r\n");
	assert_int_equal(topo_parse_masters(r, &so), 0);
	assert_string_equal(so.known, "m1, m2");
	freeReplyObject(r);
}

/* ---- rules ------------------------------------------------------------ */

static const struct rd_finding *
find(const struct rd_findings *fs, const char *id)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].id, id) == 0)
			return &fs->v[i];
	return NULL;
}

/* A healthy three-master cluster seen from 127.0.0.1:7001. */
static struct rd_topology *
healthy_cluster(void)
{
	struct rd_topology *t = calloc(1, sizeof(*t));
	int i;

	assert_non_null(t);
	t->mode = RD_TOPO_CLUSTER;
	snprintf(t->seed, sizeof(t->seed), "127.0.0.1:7001");
	snprintf(t->cluster_state, sizeof(t->cluster_state), "ok");
	t->cl.read = true;
	snprintf(t->cl.source, sizeof(t->cl.source), "CLUSTER SHARDS");
	master(t, "aaaaaaaaaa", 0, 5460);
	master(t, "bbbbbbbbbb", 5461, 10922);
	master(t, "cccccccccc", 10923, 16383);
	t->client_cluster_aware = true;
	for (i = 0; i < 3; i++) {
		struct rd_endpoint_result *ep = &t->node_ep[i];

		ep->probed = ep->reachable = ep->pong = true;
		snprintf(ep->host, sizeof(ep->host), "%s", t->cl.nodes[i].ip);
		ep->port = t->cl.nodes[i].port;
	}
	topo_slots(t);
	return t;
}

/* True when text holds s (a function of its own: GCC 12 misreads the
 * finding's arrays through an inlined strstr). */
static __attribute__((noinline)) bool
says(const char *text, const char *s)
{
	return strstr(text, s) != NULL;
}

/* The rules for t, the application having reached the seed as host. */
static void
eval_at(const struct rd_topology *t, const char *host, struct rd_findings *fs)
{
	struct rd_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.host = (char *)host;
	cfg.port = 7001;
	memset(fs, 0, sizeof(*fs));
	rules_topo(&cfg, NULL, t, fs);
}

static void
eval(const struct rd_topology *t, struct rd_findings *fs)
{
	eval_at(t, "127.0.0.1", fs);
}

static void
test_rules_cluster_healthy(void **state)
{
	struct rd_topology *t = healthy_cluster();
	struct rd_findings fs;

	(void)state;
	eval(t, &fs);
	assert_int_equal(fs.n, 0);
	findings_free(&fs);
	t->client_cluster_aware = false;
	snprintf(t->client_model, sizeof(t->client_model), "ioredis new Redis(url)");
	eval(t, &fs);
	assert_non_null(find(&fs, "cluster.client_not_cluster_aware"));
	assert_int_equal(fs.n, 1);
	findings_free(&fs);
	free(t);
}

/* The remedy in the client's own terms: its row's cluster API, and no
 * other client's. */
static void
test_rules_cluster_client_api(void **state)
{
	static const struct { const char *client, *want, *not; } rows[] = {
		{ "ioredis", "ioredis: use a cluster client, new Redis.Cluster(", "createCluster" },
		{ "node-redis", "node-redis: use a cluster client, createCluster(", "Redis.Cluster" },
		{ "redis-py", "RedisCluster(", "createCluster" },
		{ "go-redis", "NewClusterClient(", "Redis.Cluster" },
		{ "redigo", "redisc", "NewClusterClient" },
		{ "redis-cli", "redis-cli -c", "createCluster" },
	};
	struct rd_topology *t = healthy_cluster();
	struct rd_findings fs;
	struct rd_config cfg;
	const struct rd_finding *f;
	const char *why;
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.host = (char *)"127.0.0.1";
		cfg.port = 7001;
		cfg.model = client_find(rows[i].client, &why);
		assert_non_null(cfg.model);
		t->client_cluster_aware = topo_client_cluster_aware(&cfg,
		    t->client_model, sizeof(t->client_model));
		assert_false(t->client_cluster_aware);
		memset(&fs, 0, sizeof(fs));
		rules_topo(&cfg, NULL, t, &fs);
		assert_non_null(f = find(&fs, "cluster.client_not_cluster_aware"));
		assert_int_equal(f->nremedy, 1);
		assert_true(says(f->remediation[0], rows[i].want));
		for (k = 0; k < f->nremedy; k++)
			assert_false(says(f->remediation[k], rows[i].not));
		assert_true(says(f->evidence, cfg.model->construct));
		findings_free(&fs);
	}
	free(t);
}

/* server.cluster_mode and cluster.client_not_cluster_aware are one cause:
 * with the topology read only the SPEC-13 id stays (a refused SELECT, which
 * is critical, stays too); without it server.cluster_mode says it alone. */
static void
test_rules_cluster_mode_once(void **state)
{
	struct rd_topology *t = healthy_cluster();
	struct rd_findings fs;
	struct rd_config cfg;
	struct rd_finding *f;
	const struct rd_finding *g;

	(void)state;
	t->client_cluster_aware = false;
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "127.0.0.1";
	cfg.port = 7001;
	memset(&fs, 0, sizeof(fs));
	f = findings_add(&fs, "server.cluster_mode", RD_SEV_WARNING);
	assert_non_null(f);
	f = findings_add(&fs, "server.cluster_mode", RD_SEV_CRITICAL);	/* SELECT */
	assert_non_null(f);
	rules_topo(&cfg, NULL, t, &fs);
	assert_non_null(find(&fs, "cluster.client_not_cluster_aware"));
	assert_int_equal(fs.n, 2);
	g = find(&fs, "server.cluster_mode");
	assert_non_null(g);
	assert_int_equal(g->sev, RD_SEV_CRITICAL);
	findings_free(&fs);

	/* A cluster-aware client: the advice is moot, nothing said. */
	t->client_cluster_aware = true;
	memset(&fs, 0, sizeof(fs));
	assert_non_null(findings_add(&fs, "server.cluster_mode", RD_SEV_WARNING));
	rules_topo(&cfg, NULL, t, &fs);
	assert_int_equal(fs.n, 0);
	findings_free(&fs);

	/* The topology was not read: server.cluster_mode alone. */
	t->client_cluster_aware = false;
	t->cl.read = false;
	memset(&fs, 0, sizeof(fs));
	assert_non_null(findings_add(&fs, "server.cluster_mode", RD_SEV_WARNING));
	rules_topo(&cfg, NULL, t, &fs);
	assert_int_equal(fs.n, 1);
	assert_non_null(find(&fs, "server.cluster_mode"));
	assert_null(find(&fs, "cluster.client_not_cluster_aware"));
	findings_free(&fs);
	free(t);
}

/* Node i announces ip, and its probe from here timed out at tcp. */
static void
node_times_out(struct rd_topology *t, int i, const char *ip)
{
	struct rd_endpoint_result *ep = &t->node_ep[i];

	snprintf(t->cl.nodes[i].ip, sizeof(t->cl.nodes[i].ip), "%s", ip);
	snprintf(ep->host, sizeof(ep->host), "%s", ip);
	ep->reachable = ep->pong = false;
	ep->nids = 0;
	topo_ep_add_id(ep, "tcp.timeout");
	ep->steps[RD_STEP_TCP].status = RD_ST_FAIL;
	ep->steps[RD_STEP_TCP].err.set = true;
	snprintf(ep->steps[RD_STEP_TCP].err.message,
	    sizeof(ep->steps[RD_STEP_TCP].err.message),
	    "connect did not complete before the deadline");
}

/* A node announcing a container-bridge address that fails from here: the
 * evidence names the class, the remedies the announce setting and natMap.
 * The address is only ever a literal: nothing dials it. */
static void
test_rules_announced(void **state)
{
	static const struct {
		const char *ip;
		const char *words;
	} rows[] = {
		{ "172.17.0.4", "container-bridge" },
		{ "10.2.3.4", "private-range" },
		{ "0.0.0.0", "unspecified" },
		{ "redis-2.internal", "host name" },
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		struct rd_topology *t = healthy_cluster();
		const struct rd_finding *f;
		struct rd_findings fs;
		int i;
		bool natmap = false;

		node_times_out(t, 2, rows[k].ip);
		eval(t, &fs);
		assert_non_null(f = find(&fs, "cluster.announced_unreachable"));
		assert_int_equal(f->sev, RD_SEV_CRITICAL);	/* a master with slots */
		assert_non_null(strstr(f->evidence, rows[k].ip));
		assert_non_null(strstr(f->evidence, rows[k].words));
		assert_non_null(strstr(f->evidence, "tcp.timeout"));
		assert_non_null(strstr(f->evidence, "cccccccc"));
		for (i = 0; i < f->nremedy; i++)
			natmap = natmap || strstr(f->remediation[i], "natMap") != NULL;
		assert_true(natmap);
		assert_non_null(strstr(f->remediation[0], "cluster-announce-"));
		findings_free(&fs);
		free(t);
	}
}

/* The seed is a name (a configuration endpoint), the nodes announce
 * private addresses: the evidence says so and names the managed-service
 * remedy. */
static void
test_rules_announced_behind_name(void **state)
{
	struct rd_topology *t = healthy_cluster();
	const struct rd_finding *f;
	struct rd_findings fs;
	int i;
	bool managed = false;

	(void)state;
	node_times_out(t, 1, "10.0.3.7");
	eval_at(t, "clustercfg.example.cache.amazonaws.com", &fs);
	assert_non_null(f = find(&fs, "cluster.announced_unreachable"));
	assert_true(says(f->evidence, "seed is a host name"));
	assert_true(says(f->evidence, "private-range"));
	for (i = 0; i < f->nremedy; i++)
		managed = managed || says(f->remediation[i], "configuration endpoint");
	assert_true(managed);
	findings_free(&fs);
	free(t);
}

static void
test_rules_cluster_faults(void **state)
{
	struct rd_topology *t = healthy_cluster();
	const struct rd_finding *f;
	struct rd_findings fs;

	(void)state;
	/* Slots 0-99 left to nobody. */
	t->cl.nodes[0].ranges[0].lo = 100;
	t->cl.nodes[0].nslots -= 100;
	topo_slots(t);
	eval(t, &fs);
	assert_non_null(f = find(&fs, "cluster.slots_uncovered"));
	assert_non_null(strstr(f->evidence, "0-99"));
	assert_non_null(strstr(f->evidence, "100 of 16384"));
	findings_free(&fs);

	/* A failed master: node_failed critical, not "unreachable". */
	t->cl.nodes[1].fail = true;
	t->node_ep[1].reachable = false;
	eval(t, &fs);
	assert_non_null(f = find(&fs, "cluster.node_failed"));
	assert_int_equal(f->sev, RD_SEV_CRITICAL);
	assert_null(find(&fs, "cluster.announced_unreachable"));
	findings_free(&fs);
	t->cl.nodes[1].fail = false;
	t->cl.nodes[1].pfail = true;
	t->node_ep[1].reachable = true;
	eval(t, &fs);
	assert_int_equal(find(&fs, "cluster.node_failed")->sev, RD_SEV_WARNING);
	findings_free(&fs);
	t->cl.nodes[1].pfail = false;

	/* The announced port speaks plaintext where TLS is used. */
	t->node_ep[2].reachable = false;
	t->node_ep[2].tls = true;
	t->node_ep[2].nids = 0;
	topo_ep_add_id(&t->node_ep[2], "tls.plaintext_port");
	eval(t, &fs);
	assert_non_null(find(&fs, "cluster.tls_port_mismatch"));
	assert_null(find(&fs, "cluster.announced_unreachable"));
	findings_free(&fs);
	t->node_ep[2].nids = 0;
	topo_ep_add_id(&t->node_ep[2], "tls.hostname_mismatch");
	eval(t, &fs);
	assert_non_null(find(&fs, "cluster.hostname_mismatch"));
	findings_free(&fs);
	free(t);
}

static struct rd_topology *
sentinels(int n)
{
	struct rd_topology *t = calloc(1, sizeof(*t));
	int i;

	assert_non_null(t);
	t->mode = RD_TOPO_SENTINEL;
	snprintf(t->master_name, sizeof(t->master_name), "mymaster");
	t->nsentinels = n;
	for (i = 0; i < n; i++) {
		struct rd_topo_sentinel *s = &t->sentinels[i];

		snprintf(s->host, sizeof(s->host), "127.0.0.1");
		s->port = 26379 + i;
		s->ep.probed = s->ep.reachable = s->ep.pong = true;
		s->said.asked = true;
		snprintf(s->said.master_ip, sizeof(s->said.master_ip), "10.0.0.5");
		s->said.master_port = 6379;
		s->said.quorum.kind = RD_R_STATUS;
	}
	t->master_known = true;
	snprintf(t->master_host, sizeof(t->master_host), "10.0.0.5");
	t->master_port = 6379;
	t->master.probed = t->master.reachable = true;
	return t;
}

static void
test_rules_sentinel(void **state)
{
	struct rd_topology *t = sentinels(3);
	const struct rd_finding *f;
	struct rd_findings fs;
	int i;

	(void)state;
	eval(t, &fs);
	assert_int_equal(fs.n, 0);
	findings_free(&fs);

	/* One names another master; one has no quorum. */
	t->sentinels[2].said.master_port = 6380;
	t->sentinels[1].said.quorum.kind = RD_R_ERROR;
	snprintf(t->sentinels[1].said.quorum.text,
	    sizeof(t->sentinels[1].said.quorum.text), "NOQUORUM 1 usable");
	eval(t, &fs);
	assert_non_null(f = find(&fs, "sentinel.disagree"));
	assert_non_null(strstr(f->evidence, "10.0.0.5:6380"));
	assert_non_null(find(&fs, "sentinel.no_quorum"));
	findings_free(&fs);
	free(t);

	/* The master they name is a private address that fails from here. */
	t = sentinels(3);
	t->master.reachable = false;
	eval(t, &fs);
	assert_non_null(f = find(&fs, "sentinel.master_unreachable"));
	assert_non_null(strstr(f->evidence, "private-range"));
	findings_free(&fs);
	free(t);

	/* Every sentinel says nil: unknown master, with the names they know. */
	t = sentinels(2);
	t->master_known = false;
	for (i = 0; i < 2; i++) {
		t->sentinels[i].said.master_port = 0;
		t->sentinels[i].said.nil = true;
		snprintf(t->sentinels[i].said.known,
		    sizeof(t->sentinels[i].said.known), "cache, queue");
	}
	eval(t, &fs);
	assert_non_null(f = find(&fs, "sentinel.unknown_master"));
	assert_non_null(strstr(f->remediation[0], "cache, queue"));
	findings_free(&fs);
	free(t);

	/* Every sentinel refuses without a password: sentinel.auth critical. */
	t = sentinels(2);
	t->master_known = false;
	for (i = 0; i < 2; i++) {
		t->sentinels[i].said.master_port = 0;
		snprintf(t->sentinels[i].said.addr.class_id,
		    sizeof(t->sentinels[i].said.addr.class_id), "auth.required");
	}
	eval(t, &fs);
	assert_non_null(f = find(&fs, "sentinel.auth"));
	assert_int_equal(f->sev, RD_SEV_CRITICAL);
	assert_null(find(&fs, "sentinel.unknown_master"));
	findings_free(&fs);
	free(t);

	/* All unreachable: critical; one of three: warning. */
	t = sentinels(3);
	t->sentinels[0].ep.reachable = false;
	eval(t, &fs);
	assert_int_equal(find(&fs, "sentinel.unreachable")->sev, RD_SEV_WARNING);
	findings_free(&fs);
	for (i = 0; i < 3; i++)
		t->sentinels[i].ep.reachable = false;
	t->master_known = false;
	eval(t, &fs);
	assert_int_equal(find(&fs, "sentinel.unreachable")->sev, RD_SEV_CRITICAL);
	findings_free(&fs);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_class),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_slots_random),
		cmocka_unit_test(test_key_slot),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_parse_shards),
		cmocka_unit_test(test_parse_slots_nodes),
		cmocka_unit_test(test_parse_sentinel),
		cmocka_unit_test(test_rules_cluster_healthy),
		cmocka_unit_test(test_rules_cluster_client_api),
		cmocka_unit_test(test_rules_cluster_mode_once),
		cmocka_unit_test(test_rules_announced),
		cmocka_unit_test(test_rules_announced_behind_name),
		cmocka_unit_test(test_rules_cluster_faults),
		cmocka_unit_test(test_rules_sentinel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
