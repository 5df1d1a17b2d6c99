/* rules_topo.c — the topology half of the rules (SPEC section 13):
 * cluster.* and sentinel.* findings from struct rd_topology, which is
 * plain data (unit tests build it as a literal).  Evidence names the node
 * or sentinel, the address it announced, how that address looks from here
 * and what was tried; remedies name the server setting and the client's
 * option that fix it. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "clients.h"
#include "report.h"
#include "strutil.h"
#include "topo.h"

static struct rd_finding *
emit(struct rd_findings *fs, const char *id, enum rd_severity sev)
{
	struct rd_finding *f;

	if (findings_has(fs, id) || (f = findings_add(fs, id, sev)) == NULL)
		return NULL;
	catalog_title(f);
	return f;
}

/* What an announced address class means, for evidence. */
static const char *
class_words(enum rd_addr_class ac)
{
	switch (ac) {
	case RD_AC_PRIVATE:
		return "a private-range address (RFC 1918/4193): reachable only "
		    "inside the cluster's network";
	case RD_AC_CONTAINER_BRIDGE:
		return "a container-bridge address (Docker/Podman/pod network): "
		    "reachable only from the containers' own network";
	case RD_AC_UNSPECIFIED:
		return "0.0.0.0, the unspecified address: a bind address, not "
		    "one a client can dial";
	case RD_AC_LINK_LOCAL:
		return "a link-local address";
	case RD_AC_CGNAT:
		return "a carrier-grade NAT address (100.64/10)";
	case RD_AC_LOOPBACK:
		return "a loopback address: each client dials its own host";
	case RD_AC_HOSTNAME:
		return "a host name";
	case RD_AC_PUBLIC:
	case RD_AC__COUNT:
		break;
	}
	return "a public address";
}

static bool
is_tls_mismatch(const struct rd_endpoint_result *ep)
{
	return topo_ep_has(ep, "tls.plaintext_port") ||
	    topo_ep_has(ep, "proto.tls_required");
}

static void
node_name(const struct rd_cluster_node *n, char *buf, size_t sz)
{
	char slots[64] = "";

	if (n->nranges > 0)
		snprintf(slots, sizeof(slots), ", slots %d-%d%s",
		    n->ranges[0].lo, n->ranges[0].hi, n->nranges > 1 ? ",..." : "");
	snprintf(buf, sz, "node %.8s (%s%s)", n->id[0] ? n->id : "?",
	    n->role[0] ? n->role : "?", slots);
}

/* Why an endpoint failed, in a few words: its finding and the first
 * failed step's error ("tcp.refused: tcp ECONNREFUSED connect to port
 * 7003: Connection refused"). */
static const char *
ep_why(const struct rd_endpoint_result *ep, char *buf, size_t sz)
{
	int i;

	if (!ep->probed)
		return ep->summary;
	for (i = 0; i < RD_STEP__COUNT; i++)
		if (ep->steps[i].status == RD_ST_FAIL && ep->steps[i].err.set) {
			snprintf(buf, sz, "%s%s%s %s", topo_ep_first(ep),
			    ep->nids > 0 ? ": " : "", rd_step_names[i],
			    ep->steps[i].err.message);
			return buf;
		}
	return ep->nids > 0 ? topo_ep_first(ep) : ep->summary;
}

static void
r_announced(const struct rd_config *cfg, const struct rd_topology *t,
    struct rd_findings *fs)
{
	struct rd_finding *f = NULL;
	bool masters = false, seen[RD_AC__COUNT] = { false };
	int i, bad = 0;
	char who[96], why[400];

	for (i = 0; i < t->cl.nnodes; i++) {
		const struct rd_endpoint_result *ep = &t->node_ep[i];
		const struct rd_cluster_node *n = &t->cl.nodes[i];

		if (ep->reachable || is_tls_mismatch(ep) ||
		    topo_ep_has(ep, "tls.hostname_mismatch") || n->fail)
			continue;
		if (strcmp(n->role, "master") == 0 && n->nslots > 0)
			masters = true;
		bad++;
	}
	if (bad == 0)
		return;
	f = emit(fs, "cluster.announced_unreachable", masters ?
	    RD_SEV_CRITICAL : RD_SEV_WARNING);
	if (f == NULL)
		return;
	finding_evid(f, "the seed %s answers, but %d of %d announced "
	    "endpoints do not from here:", t->seed, bad, t->cl.nnodes);
	for (i = 0; i < t->cl.nnodes; i++) {
		const struct rd_endpoint_result *ep = &t->node_ep[i];
		const struct rd_cluster_node *n = &t->cl.nodes[i];
		enum rd_addr_class ac = topo_addr_class(ep->host);

		if (ep->reachable || is_tls_mismatch(ep) ||
		    topo_ep_has(ep, "tls.hostname_mismatch") || n->fail)
			continue;
		seen[ac] = true;
		node_name(n, who, sizeof(who));
		finding_evid(f, " %s announces %s:%d, %s; tried %s: %s;", who,
		    ep->host, ep->port, class_words(ac), ep->probed ?
		    "the staged probe (tcp, tls, auth, ping)" : "nothing",
		    ep_why(ep, why, sizeof(why)));
	}
	if (t->cl.redirect.kind[0] != '\0')
		finding_evid(f, " a %s for slot %d (key %s) sends "
		    "clients to %s:%d", t->cl.redirect.kind, t->cl.redirect.slot,
		    t->cl.redirect.key, t->cl.redirect.host, t->cl.redirect.port);
	finding_evid(f, " (the application reached the seed as %s)",
	    cfg->host != NULL ? cfg->host : "?");
	/* A name that works from here in front of addresses that do not:
	 * typically a load balancer or NAT in front of private nodes. */
	if (cfg->host != NULL && topo_addr_class(cfg->host) == RD_AC_HOSTNAME &&
	    !seen[RD_AC_HOSTNAME])
		finding_evid(f, "; the seed is a host name but the nodes "
		    "announce IP addresses: a NAT, load balancer or "
		    "configuration endpoint stands in front of them");
	if (seen[RD_AC_HOSTNAME])
		finding_remedy(f, "make the announced names resolve from the "
		    "application's network, or set cluster-announce-hostname "
		    "to a name that does (cluster-preferred-endpoint-type "
		    "hostname, 7.0+)");
	finding_remedy(f, "set cluster-announce-ip (and cluster-announce-port, "
	    "-tls-port, -bus-port) on each node to the address the "
	    "application reaches it by, or cluster-announce-hostname with "
	    "cluster-preferred-endpoint-type hostname (7.0+)");
	finding_remedy(f, "or map the announced addresses in the client: "
	    "ioredis new Redis.Cluster(seeds, { natMap: { 'ANNOUNCED:PORT': "
	    "{ host, port } } }); go-redis ClusterOptions.NewClient/Dialer");
	if (seen[RD_AC_PRIVATE] || seen[RD_AC_CONTAINER_BRIDGE])
		finding_remedy(f, "on a managed service (ElastiCache, "
		    "Memorystore, Azure Cache) connect to the configuration "
		    "endpoint with a cluster client from inside the service's "
		    "network: node endpoints are private by design");
}

static void
r_slots(const struct rd_topology *t, struct rd_findings *fs)
{
	struct rd_finding *f;
	int i;

	if (t->nuncovered == 0 || !t->cl.read)
		return;
	if ((f = emit(fs, "cluster.slots_uncovered", RD_SEV_CRITICAL)) == NULL)
		return;
	finding_evid(f, "%d of %d slots are served by no master (%s from "
	    "the seed %s; cluster_state:%s): ", RD_TOPO_SLOTS -
	    t->slots_assigned, RD_TOPO_SLOTS, t->cl.source, t->seed,
	    t->cluster_state[0] ? t->cluster_state : "?");
	for (i = 0; i < t->nuncovered && i < RD_TOPO_MAX_UNCOVERED; i++)
		finding_evid(f, "%s%d-%d", i ? ", " : "", t->uncovered[i].lo,
		    t->uncovered[i].hi);
	if (t->nuncovered > RD_TOPO_MAX_UNCOVERED)
		finding_evid(f, ", ... (%d ranges)", t->nuncovered);
	catalog_remedies(f);
}

static void
r_failed(const struct rd_topology *t, struct rd_findings *fs)
{
	struct rd_finding *f = NULL;
	bool crit = false;
	int i, k = 0;
	char who[96];

	for (i = 0; i < t->cl.nnodes; i++) {
		const struct rd_cluster_node *n = &t->cl.nodes[i];

		if ((n->fail || strcmp(n->health, "failed") == 0) &&
		    strcmp(n->role, "master") == 0 && n->nslots > 0)
			crit = true;
	}
	for (i = 0; i < t->cl.nnodes; i++) {
		const struct rd_cluster_node *n = &t->cl.nodes[i];
		bool failed = n->fail || strcmp(n->health, "failed") == 0;

		if (!failed && !n->pfail)
			continue;
		if (f == NULL && (f = emit(fs, "cluster.node_failed", crit ?
		    RD_SEV_CRITICAL : RD_SEV_WARNING)) == NULL)
			return;
		node_name(n, who, sizeof(who));
		finding_evid(f, "%s%s at %s:%d is flagged %s", k++ ? "; " : "",
		    who, n->ip, n->port ? n->port : n->tls_port, failed ?
		    "fail (the cluster agreed it is down)" :
		    "fail? (pfail: this node cannot reach it)");
	}
	if (f != NULL && t->slots_fail > 0)
		finding_evid(f, "; %d slots belong to failed masters",
		    t->slots_fail);
	catalog_remedies(f);
}

static void
r_tls(const struct rd_topology *t, struct rd_findings *fs)
{
	struct rd_finding *pm = NULL, *hm = NULL;
	int i;
	char who[96], ids[RD_EP_MAX_IDS * 50];

	for (i = 0; i < t->cl.nnodes; i++) {
		const struct rd_endpoint_result *ep = &t->node_ep[i];
		const struct rd_cluster_node *n = &t->cl.nodes[i];

		node_name(n, who, sizeof(who));
		if (is_tls_mismatch(ep)) {
			if (pm == NULL && (pm = emit(fs, "cluster.tls_port_mismatch",
			    RD_SEV_CRITICAL)) != NULL)
				finding_evid(pm, "announced ports speak the other "
				    "protocol:");
			finding_evid(pm, " %s announces %s:%d (port %d, tls-port "
			    "%d); %s it gave %s;", who, ep->host, ep->port,
			    n->port, n->tls_port, ep->tls ? "TLS" : "plaintext",
			    topo_ep_ids(ep, ids, sizeof(ids)));
		}
		if (topo_ep_has(ep, "tls.hostname_mismatch")) {
			if (hm == NULL && (hm = emit(fs, "cluster.hostname_mismatch",
			    RD_SEV_CRITICAL)) != NULL)
				finding_evid(hm, "node certificates do not cover "
				    "the announced endpoints:");
			finding_evid(hm, " %s announces %s:%d, SNI %s: "
			    "tls.hostname_mismatch;", who, ep->host, ep->port,
			    ep->sni[0] ? ep->sni : "(none: an IP)");
		}
	}
	catalog_remedies(pm);
	catalog_remedies(hm);
}

/* One cause, one finding: once the topology was read, SPEC 13's
 * cluster.client_not_cluster_aware says what server.cluster_mode says
 * (INFO redis_mode:cluster, a MOVED on a key-less command), with the nodes
 * and the client model — or the client follows MOVED and the advice is
 * moot.  A refused SELECT (critical: cluster mode has only db 0) stays. */
static void
drop_cluster_mode(struct rd_findings *fs)
{
	size_t i, o = 0;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].id, "server.cluster_mode") != 0 ||
		    fs->v[i].sev == RD_SEV_CRITICAL)
			fs->v[o++] = fs->v[i];
	fs->n = o;
}

static void
r_client(const struct rd_config *cfg, const struct rd_topology *t,
    struct rd_findings *fs)
{
	const struct rd_client_model *m = cfg != NULL ? cfg->model : NULL;
	struct rd_finding *f;

	if (t->client_cluster_aware)
		return;
	if ((f = emit(fs, "cluster.client_not_cluster_aware",
	    RD_SEV_WARNING)) == NULL)
		return;
	finding_evid(f, "the seed %s is a cluster node (%d nodes announced); "
	    "the application's client, %s%s%s, talks to one node only", t->seed,
	    t->cl.nnodes, t->client_model, m != NULL && m->construct[0] ?
	    " " : "", m != NULL ? m->construct : "");
	if (t->cl.redirect.kind[0] != '\0')
		finding_evid(f, ": key %s answered %s %d %s:%d",
		    t->cl.redirect.key, t->cl.redirect.kind, t->cl.redirect.slot,
		    t->cl.redirect.host, t->cl.redirect.port);
	else
		finding_evid(f, ": keys of slots it does not serve answer MOVED");
	/* The fix in the client's own terms (its row's cluster_api); the
	 * catalog's list of every client's only without a model that has
	 * one. */
	if (m != NULL && m->cluster_api[0] != '\0')
		finding_remedy(f, "%s: use a cluster client, %s, seeded with %s "
		    "(it follows MOVED and ASK)", m->name, m->cluster_api,
		    t->seed);
	else
		catalog_remedies(f);
}

/* ---- sentinel ---- */

static void
s_name(const struct rd_topo_sentinel *s, char *buf, size_t sz)
{
	rd_hostport(buf, sz, s->host, s->port);
}

static bool
s_auth_refused(const struct rd_topo_sentinel *s)
{
	return topo_ep_has(&s->ep, "auth.required") ||
	    topo_ep_has(&s->ep, "auth.wrongpass") ||
	    strcmp(s->said.addr.class_id, "auth.required") == 0 ||
	    strcmp(s->said.addr.class_id, "auth.wrongpass") == 0;
}

static void
r_sentinels(const struct rd_config *cfg, const struct rd_topology *t,
    struct rd_findings *fs)
{
	struct rd_finding *f;
	char hp[300], why[400], ids[RD_EP_MAX_IDS * 50];
	int i, unreach = 0, authn = 0, answered = 0, nil = 0, other = 0;
	bool differ = false;

	if (t->master_name[0] == '\0') {
		/* A sentinel's address used as the Redis address. */
		if ((f = emit(fs, "sentinel.unknown_master", RD_SEV_CRITICAL)) == NULL)
			return;
		finding_evid(f, "%s is a sentinel (INFO redis_mode:sentinel), "
		    "not a Redis data node, and no master name was given: a "
		    "client using it as Redis gets ERR unknown command", t->seed);
		if (t->sentinels[0].said.known[0] != '\0') {
			finding_evid(f, "; it monitors: %s",
			    t->sentinels[0].said.known);
			finding_remedy(f, "name the master: redis+sentinel://%s/%s "
			    "(ioredis { sentinels: [{ host, port }], name })",
			    t->seed, t->sentinels[0].said.known);
		}
		catalog_remedies(f);
		return;
	}
	for (i = 0; i < t->nsentinels; i++) {
		const struct rd_topo_sentinel *s = &t->sentinels[i];

		if (s_auth_refused(s))
			authn++;
		else if (!s->ep.reachable)
			unreach++;
		else if (s->said.master_port > 0) {
			answered++;
			if (strcmp(s->said.master_ip, t->master_host) != 0 ||
			    s->said.master_port != t->master_port)
				differ = true;
		} else if (s->said.nil)
			nil++;
		else
			other++;
	}
	if (unreach > 0 && (f = emit(fs, "sentinel.unreachable", unreach ==
	    t->nsentinels ? RD_SEV_CRITICAL : RD_SEV_WARNING)) != NULL) {
		finding_evid(f, "%d of %d sentinels do not answer from here:",
		    unreach, t->nsentinels);
		for (i = 0; i < t->nsentinels; i++) {
			const struct rd_topo_sentinel *s = &t->sentinels[i];

			if (s->ep.reachable || s_auth_refused(s))
				continue;
			s_name(s, hp, sizeof(hp));
			finding_evid(f, " %s (%s): %s;", hp,
			    rd_addr_class_names[topo_addr_class(s->host)],
			    ep_why(&s->ep, why, sizeof(why)));
		}
		catalog_remedies(f);
	}
	if (authn > 0 && (f = emit(fs, "sentinel.auth", answered + nil == 0 ?
	    RD_SEV_CRITICAL : RD_SEV_WARNING)) != NULL) {
		finding_evid(f, "%d of %d sentinels refused the %s:", authn,
		    t->nsentinels, t->sentinel_auth_sent ? "sentinel password "
		    "sent" : "connection without a sentinel password");
		for (i = 0; i < t->nsentinels; i++) {
			const struct rd_topo_sentinel *s = &t->sentinels[i];

			if (!s_auth_refused(s))
				continue;
			s_name(s, hp, sizeof(hp));
			finding_evid(f, " %s: %s;", hp, s->ep.nids > 0 ?
			    topo_ep_ids(&s->ep, ids, sizeof(ids)) :
			    s->said.addr.text);
		}
		finding_evid(f, " the master's password (%s) is not sent to "
		    "sentinels", cfg->password_set ? "set" : "none");
		catalog_remedies(f);
	}
	if (answered == 0 && nil > 0 && (f = emit(fs, "sentinel.unknown_master",
	    RD_SEV_CRITICAL)) != NULL) {
		finding_evid(f, "asked %d sentinels SENTINEL "
		    "get-master-addr-by-name %s: %d answered nil (no master of "
		    "that name)", t->nsentinels, t->master_name, nil);
		for (i = 0; i < t->nsentinels; i++)
			if (t->sentinels[i].said.known[0] != '\0') {
				finding_evid(f, "; they monitor: %s",
				    t->sentinels[i].said.known);
				finding_remedy(f, "set the master name to one the "
				    "sentinels monitor (%s)",
				    t->sentinels[i].said.known);
				break;
			}
		catalog_remedies(f);
	}
	if ((differ || (answered > 0 && nil > 0)) &&
	    (f = emit(fs, "sentinel.disagree", RD_SEV_WARNING)) != NULL) {
		finding_evid(f, "the sentinels name different masters for %s:",
		    t->master_name);
		for (i = 0; i < t->nsentinels; i++) {
			const struct rd_topo_sentinel *s = &t->sentinels[i];

			if (!s->said.asked || s_auth_refused(s) || !s->ep.reachable)
				continue;
			s_name(s, hp, sizeof(hp));
			if (s->said.master_port > 0)
				finding_evid(f, " %s says %s:%d;", hp,
				    s->said.master_ip, s->said.master_port);
			else
				finding_evid(f, " %s says %s;", hp, s->said.nil ?
				    "nil" : s->said.addr.text);
		}
		finding_evid(f, " probed %s:%d, the most named", t->master_host,
		    t->master_port);
		catalog_remedies(f);
	}
	for (i = 0; i < t->nsentinels; i++) {
		const struct rd_topo_sentinel *s = &t->sentinels[i];

		if (s->said.master_port <= 0 || s->said.quorum.kind != RD_R_ERROR)
			continue;
		if ((f = emit(fs, "sentinel.no_quorum", RD_SEV_WARNING)) == NULL)
			break;
		s_name(s, hp, sizeof(hp));
		finding_evid(f, "SENTINEL ckquorum %s on %s: %s", t->master_name,
		    hp, s->said.quorum.text);
		catalog_remedies(f);
		break;
	}
}

static void
r_master(const struct rd_obs *o, const struct rd_topology *t,
    struct rd_findings *fs)
{
	struct rd_finding *f;
	enum rd_addr_class ac;
	int i, bad = 0;
	char why[400];

	if (!t->master_known)
		return;
	ac = topo_addr_class(t->master_host);
	if (!t->master.reachable && (f = emit(fs, "sentinel.master_unreachable",
	    RD_SEV_CRITICAL)) != NULL) {
		finding_evid(f, "the sentinels name %s:%d as master %s, %s; "
		    "from here the probe got: %s", t->master_host,
		    t->master_port, t->master_name, class_words(ac),
		    o != NULL && o->steps[RD_STEP_TCP].err.set ?
		    o->steps[RD_STEP_TCP].err.message :
		    o != NULL && o->steps[RD_STEP_TLS].err.set ?
		    o->steps[RD_STEP_TLS].err.message : "no Redis conversation");
		catalog_remedies(f);
	}
	for (i = 0; i < t->nreplicas; i++)
		if (!t->replicas[i].reachable)
			bad++;
	if (bad == 0 || (f = emit(fs, "sentinel.replica_unreachable",
	    RD_SEV_WARNING)) == NULL)
		return;
	finding_evid(f, "%d of %d replicas of %s do not answer from here "
	    "(after a failover the sentinels send the application there):",
	    bad, t->nreplicas, t->master_name);
	for (i = 0; i < t->nreplicas; i++)
		if (!t->replicas[i].reachable)
			finding_evid(f, " %s:%d (%s): %s;", t->replica_host[i],
			    t->replica_port[i], rd_addr_class_names[
			    topo_addr_class(t->replica_host[i])],
			    ep_why(&t->replicas[i], why, sizeof(why)));
	catalog_remedies(f);
}

void
rules_topo(const struct rd_config *cfg, const struct rd_obs *o,
    const struct rd_topology *t, struct rd_findings *fs)
{
	if (t == NULL)
		return;
	if (t->mode == RD_TOPO_CLUSTER) {
		/* Without the topology, server.cluster_mode (rules_reply.c)
		 * says "cluster node: use a cluster client" alone. */
		if (!t->cl.read)
			return;
		drop_cluster_mode(fs);
		r_client(cfg, t, fs);
		r_announced(cfg, t, fs);
		r_tls(t, fs);
		r_slots(t, fs);
		r_failed(t, fs);
	} else if (t->mode == RD_TOPO_SENTINEL) {
		r_sentinels(cfg, t, fs);
		r_master(o, t, fs);
	}
}
