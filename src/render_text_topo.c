/* render_text_topo.c — the topology drawn for a person: one row per node
 * (or sentinel, master, replica) with its role, the address it announced,
 * its slots and the verdict from here, so the failing node stands out.
 * Reads only. */
#include <stdio.h>
#include <string.h>

#include "render_int.h"
#include "report.h"
#include "topo.h"

#define C_RED	"\033[31m"
#define C_GREEN	"\033[32m"
#define C_YEL	"\033[33m"
#define C_OFF	"\033[0m"

static const char *
vcolor(bool color, const struct rd_endpoint_result *ep)
{
	if (!color)
		return "";
	return ep->reachable && ep->verdict <= RD_V_WARN ? C_GREEN :
	    ep->reachable ? C_YEL : C_RED;
}

/* "ok", "unreachable (tcp.refused)". */
static void
verdict_text(const struct rd_endpoint_result *ep, char *buf, size_t sz)
{
	if (!ep->probed && ep->summary[0] == '\0') {
		snprintf(buf, sz, "-");
		return;
	}
	snprintf(buf, sz, "%s%s%s%s", rd_verdict_names[ep->verdict],
	    ep->nids > 0 || !ep->probed ? " (" : "",
	    ep->nids > 0 ? topo_ep_first(ep) : !ep->probed ? ep->summary : "",
	    ep->nids > 0 || !ep->probed ? ")" : "");
}

static void
row(FILE *out, bool color, const char *who, const char *role,
    const char *addr, const char *slots, const struct rd_endpoint_result *ep)
{
	char v[320];

	verdict_text(ep, v, sizeof(v));
	fprintf(out, "  %-10.10s %-8.8s %-32.32s %-22.22s %s%s%s\n", who, role,
	    addr, slots, vcolor(color, ep), v, color ? C_OFF : "");
}

static void
cluster(const struct rd_topology *t, FILE *out, bool color)
{
	char addr[320], slots[64], host[256];
	int i, port;

	fprintf(out, "\ntopology  cluster, seed %s, cluster_state %s, %d nodes "
	    "(%s)\n", t->seed, t->cluster_state[0] ? t->cluster_state : "?",
	    t->cl.nnodes, t->cl.read ? t->cl.source : t->cl.error);
	if (t->cl.read)
		fprintf(out, "  slots     %d assigned, %d ok, %d pfail, %d fail, "
		    "%d uncovered range%s\n", t->slots_assigned, t->slots_ok,
		    t->slots_pfail, t->slots_fail, t->nuncovered,
		    t->nuncovered == 1 ? "" : "s");
	for (i = 0; i < t->nuncovered && i < RD_TOPO_MAX_UNCOVERED; i++)
		fprintf(out, "  uncovered %d-%d\n", t->uncovered[i].lo,
		    t->uncovered[i].hi);
	if (t->cl.nnodes == 0)
		return;
	fprintf(out, "  %-10s %-8s %-32s %-22s %s\n", "node", "role",
	    "announced", "slots", "from here");
	for (i = 0; i < t->cl.nnodes; i++) {
		const struct rd_cluster_node *n = &t->cl.nodes[i];
		const struct rd_endpoint_result *ep = &t->node_ep[i];

		port = topo_node_endpoint(n, ep->tls, host, sizeof(host));
		snprintf(addr, sizeof(addr), "%s%s%s:%d%s", strchr(host, ':') ?
		    "[" : "", host[0] ? host : "?", strchr(host, ':') ? "]" : "",
		    port, n->fail ? " fail" : n->pfail ? " pfail" : "");
		if (n->nranges == 0)
			snprintf(slots, sizeof(slots), "-");
		else
			snprintf(slots, sizeof(slots), "%d-%d%s", n->ranges[0].lo,
			    n->ranges[0].hi, n->nranges > 1 ? "+" : "");
		row(out, color, n->id[0] ? n->id : "?", n->role, addr, slots, ep);
	}
	if (t->cl.redirect.kind[0] != '\0')
		fprintf(out, "  redirect  %s %d %s:%d (key %s)\n",
		    t->cl.redirect.kind, t->cl.redirect.slot, t->cl.redirect.host,
		    t->cl.redirect.port, t->cl.redirect.key);
}

static void
sentinel(const struct rd_topology *t, FILE *out, bool color)
{
	char addr[320], said[320];
	int i;

	fprintf(out, "\ntopology  sentinel, master name %s, %d sentinel%s\n",
	    t->master_name, t->nsentinels, t->nsentinels == 1 ? "" : "s");
	fprintf(out, "  %-10s %-8s %-32s %-22s %s\n", "node", "role", "address",
	    "says", "from here");
	for (i = 0; i < t->nsentinels; i++) {
		const struct rd_topo_sentinel *s = &t->sentinels[i];

		snprintf(addr, sizeof(addr), "%s:%d", s->host, s->port);
		if (s->said.master_port > 0)
			snprintf(said, sizeof(said), "%s:%d", s->said.master_ip,
			    s->said.master_port);
		else
			snprintf(said, sizeof(said), "%s", s->said.nil ? "nil" :
			    s->said.asked && s->said.addr.text[0] ?
			    s->said.addr.text : "-");
		row(out, color, "sentinel", "sentinel", addr, said, &s->ep);
	}
	if (t->master_known) {
		snprintf(addr, sizeof(addr), "%s:%d", t->master_host,
		    t->master_port);
		row(out, color, "master", "master", addr, "", &t->master);
	}
	for (i = 0; i < t->nreplicas; i++) {
		snprintf(addr, sizeof(addr), "%s:%d", t->replica_host[i],
		    t->replica_port[i]);
		row(out, color, "replica", "replica", addr, "", &t->replicas[i]);
	}
}

int
text_topology(const struct rd_topology *t, FILE *out, bool color)
{
	if (t == NULL)
		return 0;
	if (t->mode == RD_TOPO_CLUSTER)
		cluster(t, out, color);
	else if (t->mode == RD_TOPO_SENTINEL)
		sentinel(t, out, color);
	return ferror(out) ? -1 : 0;
}
