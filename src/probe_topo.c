/* probe_topo.c — what a node says about its topology, asked over the
 * probe's own connection after PING: a cluster node's CLUSTER SHARDS
 * (else CLUSTER SLOTS) and CLUSTER NODES, one key of a slot it does not
 * serve (to see the MOVED/ASK a client would follow), and a sentinel's
 * answers about one master.  Replies are parsed raw (topo_parse.c) and
 * masked at the door before they stay. */
#include "probe_int.h"
#include "topo_parse.h"

/* A key whose slot a master other than the seed serves; "" when the seed
 * serves every slot (or none is known). */
static void
foreign_key(const struct rd_cluster_obs *cl, char *key, size_t sz, int *slot)
{
	const struct rd_cluster_node *me = NULL;
	int i, k, n, s;

	key[0] = '\0';
	for (i = 0; i < cl->nnodes; i++)
		if (cl->nodes[i].myself)
			me = &cl->nodes[i];
	if (me == NULL)
		return;
	/* Bounded: 16384 slots, and a key lands in another node's slot
	 * within a few tries when anyone else serves one. */
	for (n = 0; n < 2000; n++) {
		snprintf(key, sz, "redisdiag:{%d}", n);
		s = topo_key_slot(key);
		for (i = 0; i < cl->nnodes; i++) {
			const struct rd_cluster_node *o = &cl->nodes[i];

			if (o == me || strcmp(o->role, "master") != 0)
				continue;
			for (k = 0; k < o->nranges; k++)
				if (s >= o->ranges[k].lo && s <= o->ranges[k].hi) {
					*slot = s;
					return;
				}
		}
	}
	key[0] = '\0';
}

static void
follow_redirect(struct probe *p, struct rd_cluster_obs *cl)
{
	struct rd_redirect_obs *rd = &cl->redirect;
	struct rd_reply_obs ro;
	const char *argv[] = { "EXISTS", rd->key };
	redisReply *rep;

	foreign_key(cl, rd->key, sizeof(rd->key), &rd->slot);
	if (rd->key[0] == '\0' || p->dead)
		return;
	rd->attempted = true;
	memset(&ro, 0, sizeof(ro));
	rep = pr_command(p, 2, argv, &ro);
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR)
		topo_parse_redirect(rep->str, rd);
	rd_scopy(rd->reply, sizeof(rd->reply), ro.text);
	if (rep != NULL)
		freeReplyObject(rep);
}

/* Tells the caller the nodes are known (they are probed meanwhile). */
static bool
notify(struct probe *p)
{
	if (p->po->topology_read != NULL)
		p->po->topology_read(p->po->topology_ctx);
	return true;
}

static void
read_cluster(struct probe *p, struct rd_cluster_obs *cl)
{
	const char *shards[] = { "CLUSTER", "SHARDS" };
	const char *slots[] = { "CLUSTER", "SLOTS" };
	const char *nodes[] = { "CLUSTER", "NODES" };
	const struct resp_cmd cmds[2] = { { 2, shards }, { 2, nodes } };
	struct rd_reply_obs ro[2];
	redisReply *reps[2], *rep;
	bool started = false;

	memset(cl, 0, sizeof(*cl));
	memset(ro, 0, sizeof(ro));
	/* SHARDS and NODES in one write: one round trip. */
	pr_batch(p, 2, cmds, reps, ro);
	rep = reps[0];
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY ||
	    topo_parse_shards(rep, cl) == -1) {
		/* Before 7.0: CLUSTER SLOTS. */
		if (!p->dead) {
			struct rd_reply_obs so;
			redisReply *sr;

			memset(&so, 0, sizeof(so));
			sr = pr_command(p, 2, slots, &so);
			if (sr != NULL && sr->type == REDIS_REPLY_ARRAY)
				topo_parse_slots(sr, p->cfg->tls, cl);
			if (!cl->read)
				ro[0] = so;
			if (sr != NULL)
				freeReplyObject(sr);
		}
	}
	/* The nodes can be dialled now; CLUSTER NODES only adds flags. */
	if (cl->read) {
		pr_door_cluster(p, cl);
		started = notify(p);
	}
	if (!cl->read)
		snprintf(cl->error, sizeof(cl->error), "CLUSTER SHARDS/SLOTS: %.200s",
		    ro[0].text[0] ? ro[0].text : ro[0].timed_out ? "no reply "
		    "before the deadline" : "no reply");
	if (reps[1] != NULL && reps[1]->type == REDIS_REPLY_STRING)
		topo_parse_nodes(reps[1]->str, cl);
	if (reps[0] != NULL)
		freeReplyObject(reps[0]);
	if (reps[1] != NULL)
		freeReplyObject(reps[1]);
	if (cl->read)
		cl->error[0] = '\0';
	pr_door_cluster(p, cl);
	if (cl->read && !started)
		notify(p);
	if (cl->read)
		follow_redirect(p, cl);
}

/* Which masters a sentinel monitors: for a name it does not know, and
 * for a sentinel named as if it were Redis. */
static void
ask_masters(struct probe *p, struct rd_sentinel_obs *so)
{
	const char *masters[] = { "SENTINEL", "MASTERS" };
	struct rd_reply_obs ro;
	redisReply *rep;

	memset(&ro, 0, sizeof(ro));
	rep = pr_command(p, 2, masters, &ro);
	if (rep != NULL)
		topo_parse_masters(rep, so);
	if (rep != NULL)
		freeReplyObject(rep);
	pr_door_sentinel(p, so);
}

static void
ask_sentinel(struct probe *p, const char *name, struct rd_sentinel_obs *so)
{
	const char *addr[] = { "SENTINEL", "get-master-addr-by-name", name };
	const char *quorum[] = { "SENTINEL", "ckquorum", name };
	const char *replicas[] = { "SENTINEL", "replicas", name };
	struct rd_reply_obs ro;
	redisReply *rep;

	so->asked = true;
	rep = pr_command(p, 3, addr, &so->addr);
	pr_adopt_greeting(p, &so->addr);
	if (rep != NULL)
		topo_parse_master_addr(rep, so);
	if (rep != NULL)
		freeReplyObject(rep);
	if (so->nil && !p->dead)
		ask_masters(p, so);
	if (p->dead || so->master_port == 0)
		goto out;
	rep = pr_command(p, 3, quorum, &so->quorum);
	if (rep != NULL)
		freeReplyObject(rep);
	if (p->dead)
		goto out;
	memset(&ro, 0, sizeof(ro));
	rep = pr_command(p, 3, replicas, &ro);
	if (rep != NULL)
		topo_parse_replicas(rep, so);
	if (rep != NULL)
		freeReplyObject(rep);
out:
	pr_door_sentinel(p, so);
}

bool
pr_said_cluster(const struct probe *p)
{
	return strcmp(p->obs->hello.mode, "cluster") == 0;
}

void
pr_step_topology(struct probe *p)
{
	if (p->dead)
		return;
	if (p->po->sentinel_master != NULL)
		ask_sentinel(p, p->po->sentinel_master, &p->obs->sentinel);
	else if (p->po->cluster_store != NULL &&
	    (strcmp(p->obs->server.mode, "cluster") == 0 ||
	    pr_said_cluster(p))) {
		struct rd_cluster_obs *cl = p->po->cluster_store(
		    p->po->topology_ctx);

		if (cl != NULL)
			read_cluster(p, cl);
	} else if (p->po->cluster_store != NULL &&
	    strcmp(p->obs->server.mode, "sentinel") == 0)
		ask_masters(p, &p->obs->sentinel);
}
