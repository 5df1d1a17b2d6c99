/* topo_parse.c — what a cluster node or a sentinel announces, from its raw
 * replies into plain data: CLUSTER SHARDS, CLUSTER SLOTS, CLUSTER NODES,
 * a MOVED/ASK error, SENTINEL replicas.  Pure: replies in, structs out;
 * no socket, no secret (the probe masks the result at its door). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strutil.h"
#include "topo_parse.h"

static bool
is_str(const redisReply *r)
{
	return r != NULL && (r->type == REDIS_REPLY_STRING ||
	    r->type == REDIS_REPLY_STATUS);
}

static long
as_long(const redisReply *r)
{
	char *end;
	long v;

	if (r == NULL)
		return -1;
	if (r->type == REDIS_REPLY_INTEGER)
		return (long)r->integer;
	if (!is_str(r))
		return -1;
	v = strtol(r->str, &end, 10);
	return end == r->str || *end != '\0' ? -1 : v;
}

static void
copy_str(char *dst, size_t sz, const redisReply *r)
{
	if (is_str(r))
		rd_scopy(dst, sz, r->str);
}

static struct rd_cluster_node *
node_by_id(struct rd_cluster_obs *cl, const char *id)
{
	int i;

	for (i = 0; id[0] != '\0' && i < cl->nnodes; i++)
		if (strcmp(cl->nodes[i].id, id) == 0)
			return &cl->nodes[i];
	return NULL;
}

static struct rd_cluster_node *
node_new(struct rd_cluster_obs *cl)
{
	if (cl->nnodes >= RD_TOPO_MAX_NODES)
		return NULL;
	memset(&cl->nodes[cl->nnodes], 0, sizeof(cl->nodes[0]));
	return &cl->nodes[cl->nnodes++];
}

void
topo_add_range(struct rd_cluster_node *n, int lo, int hi)
{
	if (lo < 0 || hi < lo || hi >= RD_TOPO_SLOTS)
		return;
	n->nslots += hi - lo + 1;
	if (n->nranges > 0 && n->ranges[n->nranges - 1].hi + 1 == lo) {
		n->ranges[n->nranges - 1].hi = hi;
		return;
	}
	if (n->nranges < RD_TOPO_MAX_RANGES) {
		n->ranges[n->nranges].lo = lo;
		n->ranges[n->nranges].hi = hi;
		n->nranges++;
	}
}

/* The value for key in a flat key/value array (RESP2 maps), or NULL. */
static const redisReply *
kv(const redisReply *m, const char *key)
{
	size_t i;

	if (m == NULL || m->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (i = 0; i + 1 < m->elements; i += 2)
		if (is_str(m->element[i]) &&
		    strcasecmp(m->element[i]->str, key) == 0)
			return m->element[i + 1];
	return NULL;
}

int
topo_parse_shards(const redisReply *r, struct rd_cluster_obs *cl)
{
	size_t s, i, k;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return -1;
	cl->nnodes = 0;
	for (s = 0; s < r->elements; s++) {
		const redisReply *sh = r->element[s];
		const redisReply *slots = kv(sh, "slots"), *nodes = kv(sh, "nodes");
		char master[48] = "";
		int first = cl->nnodes, j;

		if (nodes == NULL || nodes->type != REDIS_REPLY_ARRAY)
			continue;
		for (i = 0; i < nodes->elements; i++) {
			const redisReply *nd = nodes->element[i];
			struct rd_cluster_node *n;

			if ((n = node_new(cl)) == NULL)
				break;
			copy_str(n->id, sizeof(n->id), kv(nd, "id"));
			copy_str(n->ip, sizeof(n->ip), kv(nd, "ip"));
			copy_str(n->hostname, sizeof(n->hostname),
			    kv(nd, "hostname"));
			copy_str(n->health, sizeof(n->health), kv(nd, "health"));
			copy_str(n->role, sizeof(n->role), kv(nd, "role"));
			if (as_long(kv(nd, "port")) > 0)
				n->port = (int)as_long(kv(nd, "port"));
			if (as_long(kv(nd, "tls-port")) > 0)
				n->tls_port = (int)as_long(kv(nd, "tls-port"));
			if (n->ip[0] == '\0')
				copy_str(n->ip, sizeof(n->ip), kv(nd, "endpoint"));
			if (strcmp(n->role, "master") == 0) {
				rd_scopy(master, sizeof(master), n->id);
				for (k = 0; slots != NULL &&
				    slots->type == REDIS_REPLY_ARRAY &&
				    k + 1 < slots->elements; k += 2)
					topo_add_range(n,
					    (int)as_long(slots->element[k]),
					    (int)as_long(slots->element[k + 1]));
			}
		}
		/* A replica names its shard's master. */
		for (j = first; j < cl->nnodes; j++)
			if (strcmp(cl->nodes[j].role, "master") != 0)
				rd_scopy(cl->nodes[j].master_id,
				    sizeof(cl->nodes[j].master_id), master);
	}
	cl->read = true;
	rd_scopy(cl->source, sizeof(cl->source), "CLUSTER SHARDS");
	return 0;
}

/* [ip, port, id, (metadata map)] of CLUSTER SLOTS. */
static struct rd_cluster_node *
slots_node(struct rd_cluster_obs *cl, const redisReply *e, bool tls,
    const char *role)
{
	struct rd_cluster_node *n;
	char id[48] = "";
	const redisReply *meta;

	if (e == NULL || e->type != REDIS_REPLY_ARRAY || e->elements < 2)
		return NULL;
	if (e->elements >= 3)
		copy_str(id, sizeof(id), e->element[2]);
	if ((n = node_by_id(cl, id)) != NULL)
		return n;
	if ((n = node_new(cl)) == NULL)
		return NULL;
	rd_scopy(n->id, sizeof(n->id), id);
	copy_str(n->ip, sizeof(n->ip), e->element[0]);
	if (as_long(e->element[1]) > 0) {
		if (tls)
			n->tls_port = (int)as_long(e->element[1]);
		else
			n->port = (int)as_long(e->element[1]);
	}
	rd_scopy(n->role, sizeof(n->role), role);
	if (e->elements >= 4 && (meta = e->element[3]) != NULL)
		copy_str(n->hostname, sizeof(n->hostname), kv(meta, "hostname"));
	return n;
}

int
topo_parse_slots(const redisReply *r, bool tls, struct rd_cluster_obs *cl)
{
	size_t s, i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return -1;
	cl->nnodes = 0;
	for (s = 0; s < r->elements; s++) {
		const redisReply *e = r->element[s];
		struct rd_cluster_node *m, *n;

		if (e == NULL || e->type != REDIS_REPLY_ARRAY || e->elements < 3)
			continue;
		if ((m = slots_node(cl, e->element[2], tls, "master")) == NULL)
			continue;
		topo_add_range(m, (int)as_long(e->element[0]),
		    (int)as_long(e->element[1]));
		for (i = 3; i < e->elements; i++)
			if ((n = slots_node(cl, e->element[i], tls,
			    "replica")) != NULL)
				rd_scopy(n->master_id, sizeof(n->master_id), m->id);
	}
	cl->read = true;
	rd_scopy(cl->source, sizeof(cl->source), "CLUSTER SLOTS");
	return 0;
}

static bool
has_flag(const char *flags, const char *f)
{
	size_t n = strlen(f);
	const char *p = flags;

	while ((p = strstr(p, f)) != NULL) {
		if ((p == flags || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* "ip:port@cport[,hostname]"; "" ip for ":0@0". */
static void
nodes_addr(const char *a, struct rd_cluster_node *n, bool fill)
{
	char buf[384], *at, *comma, *colon;
	long port;

	rd_scopy(buf, sizeof(buf), a);
	if ((comma = strchr(buf, ',')) != NULL) {
		*comma = '\0';
		if (fill || n->hostname[0] == '\0')
			rd_scopy(n->hostname, sizeof(n->hostname), comma + 1);
	}
	if ((at = strchr(buf, '@')) != NULL)
		*at = '\0';
	if ((colon = strrchr(buf, ':')) == NULL)
		return;
	*colon = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (!fill)
		return;
	rd_scopy(n->ip, sizeof(n->ip), buf);
	n->port = port > 0 && port < 65536 ? (int)port : 0;
	n->noaddr = n->ip[0] == '\0';
}

int
topo_parse_nodes(const char *text, struct rd_cluster_obs *cl)
{
	const char *line = text, *nl;
	bool fill = cl->nnodes == 0;

	if (text == NULL)
		return -1;
	for (; *line != '\0'; line = nl + 1) {
		char buf[4096], *f[9], *save = NULL, *tok, *slot;
		struct rd_cluster_node *n;
		size_t len;
		int k = 0;

		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (len > 0 && buf[len - 1] == '\r')
			buf[len - 1] = '\0';
		/* Exactly eight fields: the slots are read after them. */
		while (k < 8 && (tok = strtok_r(k == 0 ? buf : NULL, " ",
		    &save)) != NULL)
			f[k++] = tok;
		if (k < 8)
			goto next;
		if ((n = node_by_id(cl, f[0])) == NULL) {
			if (!fill || (n = node_new(cl)) == NULL)
				goto next;
			rd_scopy(n->id, sizeof(n->id), f[0]);
		}
		nodes_addr(f[1], n, fill);
		rd_scopy(n->flags, sizeof(n->flags), f[2]);
		n->myself = has_flag(f[2], "myself");
		n->fail = has_flag(f[2], "fail");
		n->pfail = has_flag(f[2], "fail?");
		n->handshake = has_flag(f[2], "handshake");
		n->noaddr = n->noaddr || has_flag(f[2], "noaddr");
		if (n->role[0] == '\0' || fill)
			rd_scopy(n->role, sizeof(n->role), has_flag(f[2],
			    "master") ? "master" : "replica");
		if (fill && strcmp(f[3], "-") != 0)
			rd_scopy(n->master_id, sizeof(n->master_id), f[3]);
		/* Slots follow the eight fixed fields. */
		while (fill && (slot = strtok_r(NULL, " ", &save)) != NULL) {
			char *dash;

			if (slot[0] == '[')
				continue;	/* importing/migrating */
			dash = strchr(slot, '-');
			topo_add_range(n, atoi(slot), dash ? atoi(dash + 1) :
			    atoi(slot));
		}
next:
		if (nl == NULL)
			break;
	}
	cl->nodes_read = true;
	if (fill && cl->nnodes > 0) {
		cl->read = true;
		rd_scopy(cl->source, sizeof(cl->source), "CLUSTER NODES");
	}
	return 0;
}

int
topo_parse_redirect(const char *err, struct rd_redirect_obs *rd)
{
	char kind[8], addr[300], *colon;
	int slot;

	if (err == NULL || sscanf(err, "%7s %d %299s", kind, &slot, addr) != 3)
		return -1;
	if (strcmp(kind, "MOVED") != 0 && strcmp(kind, "ASK") != 0)
		return -1;
	if ((colon = strrchr(addr, ':')) == NULL)
		return -1;
	*colon = '\0';
	rd_scopy(rd->kind, sizeof(rd->kind), kind);
	rd->slot = slot;
	rd_scopy(rd->host, sizeof(rd->host), addr);
	rd->port = atoi(colon + 1);
	return 0;
}

int
topo_parse_replicas(const redisReply *r, struct rd_sentinel_obs *so)
{
	size_t i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return -1;
	for (i = 0; i < r->elements && so->nreplicas < RD_MAX_REPLICAS; i++) {
		const redisReply *m = r->element[i];
		int k = so->nreplicas;

		if (kv(m, "ip") == NULL)
			continue;
		copy_str(so->replicas[k].ip, sizeof(so->replicas[k].ip),
		    kv(m, "ip"));
		so->replicas[k].port = (int)as_long(kv(m, "port"));
		copy_str(so->replicas[k].flags, sizeof(so->replicas[k].flags),
		    kv(m, "flags"));
		so->nreplicas++;
	}
	return 0;
}

int
topo_parse_master_addr(const redisReply *r, struct rd_sentinel_obs *so)
{
	if (r == NULL)
		return -1;
	if (r->type == REDIS_REPLY_NIL) {
		so->nil = true;
		return 0;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    !is_str(r->element[0]) || as_long(r->element[1]) <= 0)
		return -1;
	copy_str(so->master_ip, sizeof(so->master_ip), r->element[0]);
	so->master_port = (int)as_long(r->element[1]);
	return 0;
}

int
topo_parse_masters(const redisReply *r, struct rd_sentinel_obs *so)
{
	size_t i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return -1;
	for (i = 0; i < r->elements; i++) {
		const redisReply *name = kv(r->element[i], "name");

		if (is_str(name))
			rd_appendf(so->known, sizeof(so->known), "%s%s",
			    so->known[0] ? ", " : "", name->str);
	}
	return 0;
}
