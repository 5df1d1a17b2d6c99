/* topo.c — every node of a cluster and every sentinel, probed from here
 * (SPEC section 13).
 *
 * After the seed's probe read what the cluster announces, every announced
 * endpoint is probed at once, one thread each, under the run's deadline,
 * with the same staged steps (pipeline_run() of a configuration made for
 * the peer: its host, the seed's TLS, credentials and files, SNI = the
 * announced host name).  For a sentinel configuration every sentinel is
 * asked at once; the master most of them name is probed fully (into the
 * run's own observations: the application talks to it) while its
 * replicas' reachability is probed beside it.  Results are plain data in
 * struct rd_topology; rules_topo.c judges. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "clients.h"
#include "clock.h"
#include "pipeline.h"
#include "strutil.h"
#include "topo.h"
#include "topo_run.h"

/* One peer probed on a thread. */
struct peer_job {
	struct rd_candidate cand;	/* what pipeline_peer_config reads */
	struct rd_config cfg;
	struct rd_obs	 obs;
	struct rd_report r;
	struct rd_run_opts run;
	const struct rd_report_opts *ro;
	const struct rd_vault *vault;
	struct rd_endpoint_result *ep;	/* where the result goes */
	pthread_t	 th;
	bool		 started;
	bool		 joined;	/* pthread_join done */
};

/* Fills ep from a finished probe; its address (ep->host, ep->port) is
 * the caller's: what was dialled, or what a cluster node announced. */
static void
record(const struct rd_config *cfg, const struct rd_obs *o,
    const struct rd_report *r, struct rd_endpoint_result *ep)
{
	ep->probed = true;
	ep->tls = cfg->tls;
	rd_scopy(ep->sni, sizeof(ep->sni), cfg->sni != NULL ? cfg->sni : "");
	ep->pong = o->ping.pong;
	ep->reachable = o->steps[RD_STEP_TCP].status == RD_ST_OK &&
	    (!cfg->tls || o->steps[RD_STEP_TLS].status == RD_ST_OK) &&
	    (o->ping.kind != RD_R_NONE || o->auth.kind != RD_R_NONE);
	ep->total_us = o->total_us;
	memcpy(ep->steps, o->steps, sizeof(ep->steps));
	if (r != NULL)
		topo_record_verdict(ep, r);
}

void
topo_record_verdict(struct rd_endpoint_result *ep, const struct rd_report *r)
{
	size_t i;
	int pass;

	ep->verdict = r->verdict;
	ep->exit_code = r->exit_code;
	rd_scopy(ep->summary, sizeof(ep->summary), r->summary);
	ep->nids = 0;
	/* The critical ones say why the peer fails (a node's own "this is a
	 * cluster node" warnings would only repeat), the probe's own first:
	 * the same culprit report_finish names. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < r->findings.n; i++) {
			const struct rd_finding *f = &r->findings.v[i];

			if (f->sev != RD_SEV_CRITICAL ||
			    catalog_is_probe_failure(f->id) != (pass == 0))
				continue;
			topo_ep_add_id(ep, f->id);
		}
}

static void *
peer_main(void *arg)
{
	struct peer_job *j = arg;

	j->r.command = "check";
	pipeline_run(&j->cfg, j->vault, &j->run, j->ro, &j->obs, &j->r);
	record(&j->cfg, &j->obs, &j->r, j->ep);
	return NULL;
}

/* Sets up job j for host:port with the seed's credentials (or the
 * sentinels'), and starts it. */
static void
peer_start(struct peer_job *j, const struct rd_config *base, const char *host,
    int port, bool sentinel, const char *master, const struct rd_vault *vault,
    const struct rd_run_opts *run, const struct rd_report_opts *ro,
    struct rd_endpoint_result *ep)
{
	struct rd_candidate *c = &j->cand;

	/* A job may be reused (sentinels, then replicas): a new thread. */
	j->started = j->joined = false;
	memset(c, 0, sizeof(*c));
	rd_scopy(c->host, sizeof(c->host), host);
	c->port = port;
	c->tls = base->tls;
	c->valid = true;
	if (sentinel) {
		rd_scopy(c->name, sizeof(c->name), "sentinel");
		rd_scopy(c->source, sizeof(c->source), base->sentinel_source);
		c->username = base->sentinel_user[0] ? (char *)base->sentinel_user :
		    NULL;
		c->user_slot = -1;
		c->secret = base->sentinel_secret;
		c->password_set = base->sentinel_secret >= 0;
		c->db = 0;
	} else {
		rd_scopy(c->name, sizeof(c->name), "node");
		snprintf(c->source, sizeof(c->source), "announced by %s",
		    base->host);
		c->username = base->username;
		c->user_slot = base->user_slot;
		c->secret = base->secret;
		c->password_set = base->password_set;
		c->db = 0;
	}
	pipeline_peer_config(base, c, &j->cfg);
	j->run = *run;
	j->run.all_candidates = false;
	j->run.no_topology = true;
	j->run.no_latency = true;
	j->run.hold = NULL;		/* watch --hold keeps the target's, not a peer's */
	/* The steps a client takes to a node (TCP, TLS, AUTH, PING): its
	 * role and state are the topology's. */
	j->run.no_info = true;
	j->run.sentinel_master = master;
	j->ro = ro;
	j->vault = vault;
	j->ep = ep;
	rd_scopy(ep->host, sizeof(ep->host), host);
	ep->port = port;
	j->started = pthread_create(&j->th, NULL, peer_main, j) == 0;
	if (!j->started) {
		ep->probed = false;
		rd_scopy(ep->summary, sizeof(ep->summary), "not probed: could "
		    "not start a thread");
	}
}

static void
peers_join(struct peer_job *jobs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (jobs[i].started && !jobs[i].joined)
			pthread_join(jobs[i].th, NULL);
		jobs[i].joined = true;
		report_free(&jobs[i].r);
	}
}

struct topo_cluster_run {
	struct peer_job *jobs;
	int	 n;
};

struct topo_cluster_run *
topo_cluster_start(const struct rd_config *cfg, const struct rd_vault *vault,
    const struct rd_run_opts *run, const struct rd_report_opts *ro,
    const char *seed_peer, struct rd_topology *t)
{
	struct topo_cluster_run *cr;
	char host[256], hp[300];
	int i, port;

	if ((cr = calloc(1, sizeof(*cr))) == NULL ||
	    (cr->jobs = calloc((size_t)(t->cl.nnodes > 0 ? t->cl.nnodes : 1),
	    sizeof(*cr->jobs))) == NULL) {
		free(cr);
		return NULL;
	}
	for (i = 0; i < t->cl.nnodes; i++) {
		const struct rd_cluster_node *nd = &t->cl.nodes[i];
		struct rd_endpoint_result *ep = &t->node_ep[i];
		enum rd_addr_class ac;

		port = topo_node_endpoint(nd, cfg->tls, host, sizeof(host));
		ac = topo_addr_class(host);
		rd_scopy(ep->host, sizeof(ep->host), host);
		ep->port = port;
		/* 0.0.0.0 reaches this host, not the node: a client elsewhere
		 * cannot use it, so dialling it here would prove nothing. */
		if (host[0] == '\0' || port <= 0 || nd->noaddr ||
		    ac == RD_AC_UNSPECIFIED) {
			snprintf(ep->summary, sizeof(ep->summary), "not probed: "
			    "the node announces %s", host[0] == '\0' ||
			    port <= 0 ? "no address" : "an unspecified address");
			ep->verdict = RD_V_UNREACHABLE;
			ep->exit_code = RD_EXIT_UNREACHABLE;
			continue;
		}
		/* The seed as announced (localhost:6379 reached 127.0.0.1:6379,
		 * announced too): the run's own probe says it. */
		if ((port == cfg->port && strcmp(host, cfg->host) == 0) ||
		    (seed_peer != NULL && seed_peer[0] != '\0' &&
		    strcmp(rd_hostport(hp, sizeof(hp), host, port),
		    seed_peer) == 0)) {
			ep->seed = true;
			continue;
		}
		peer_start(&cr->jobs[cr->n++], cfg, host, port, false, NULL,
		    vault, run, ro, ep);
	}
	return cr;
}

void
topo_cluster_finish(struct topo_cluster_run *cr, const struct rd_config *cfg,
    const struct rd_obs *seed, struct rd_topology *t)
{
	t->mode = RD_TOPO_CLUSTER;
	rd_hostport(t->seed, sizeof(t->seed), cfg->host, cfg->port);
	rd_scopy(t->cluster_state, sizeof(t->cluster_state),
	    seed->server.cluster_state);
	t->client_cluster_aware = topo_client_cluster_aware(cfg,
	    t->client_model, sizeof(t->client_model));
	topo_slots(t);
	if (cr == NULL)
		return;
	peers_join(cr->jobs, cr->n);
	free(cr->jobs);
	free(cr);
}

void
topo_record_seed(struct rd_topology *t, const struct rd_config *cfg,
    const struct rd_obs *obs, const struct rd_report *r)
{
	struct rd_report own;
	int i;

	/* The seed's own verdict: its findings so far, before the topology's
	 * (a copy shares them; report_finish only reads them). */
	own = *r;
	report_finish(&own);
	/* A seed node's endpoint stays the one it announced (127.0.0.1
	 * where the application was given localhost): a cluster client
	 * dials that once it has read the slots. */
	for (i = 0; i < t->cl.nnodes; i++)
		if (t->node_ep[i].seed)
			record(cfg, obs, &own, &t->node_ep[i]);
	for (i = 0; i < t->nsentinels; i++)
		if (t->sentinels[i].ep.seed)
			record(cfg, obs, &own, &t->sentinels[i].ep);
}

void
topo_sentinel_seed(const struct rd_config *cfg, const struct rd_obs *obs,
    struct rd_topology *t)
{
	t->mode = RD_TOPO_SENTINEL;
	rd_hostport(t->seed, sizeof(t->seed), cfg->host, cfg->port);
	t->nsentinels = 1;
	rd_scopy(t->sentinels[0].host, sizeof(t->sentinels[0].host), cfg->host);
	t->sentinels[0].port = cfg->port;
	rd_scopy(t->sentinels[0].ep.host, sizeof(t->sentinels[0].ep.host),
	    cfg->host);
	t->sentinels[0].ep.port = cfg->port;
	t->sentinels[0].ep.seed = true;
	t->sentinels[0].said = obs->sentinel;
}

/* The address most sentinels named (ties: the first named); -1 none. */
static int
majority(const struct rd_topology *t)
{
	int i, k, best = -1, bestn = 0;

	for (i = 0; i < t->nsentinels; i++) {
		const struct rd_sentinel_obs *a = &t->sentinels[i].said;
		int cnt = 0;

		if (a->master_port <= 0)
			continue;
		for (k = 0; k < t->nsentinels; k++) {
			const struct rd_sentinel_obs *b = &t->sentinels[k].said;

			if (b->master_port == a->master_port &&
			    strcmp(b->master_ip, a->master_ip) == 0)
				cnt++;
		}
		if (cnt > bestn) {
			best = i;
			bestn = cnt;
		}
	}
	return best;
}

void
topo_sentinel(const struct rd_config *cfg, const struct rd_vault *vault,
    const struct rd_run_opts *run, const struct rd_report_opts *ro,
    struct rd_obs *obs, struct rd_topology *t)
{
	struct peer_job *jobs;
	struct rd_probe_opts po;
	struct rd_config *m;
	int i, n, best, first_ok = -1;

	t->mode = RD_TOPO_SENTINEL;
	rd_hostport(t->seed, sizeof(t->seed), cfg->host, cfg->port);
	rd_scopy(t->master_name, sizeof(t->master_name), cfg->master_name);
	t->sentinel_auth_sent = cfg->sentinel_secret >= 0;
	t->nsentinels = cfg->nsentinels < RD_TOPO_MAX_SENTINELS ?
	    cfg->nsentinels : RD_TOPO_MAX_SENTINELS;
	n = t->nsentinels > RD_MAX_REPLICAS ? t->nsentinels : RD_MAX_REPLICAS;
	if ((jobs = calloc((size_t)n, sizeof(*jobs))) == NULL)
		return;
	for (i = 0; i < t->nsentinels; i++) {
		rd_scopy(t->sentinels[i].host, sizeof(t->sentinels[i].host),
		    cfg->sentinels[i].host);
		t->sentinels[i].port = cfg->sentinels[i].port;
		peer_start(&jobs[i], cfg, cfg->sentinels[i].host,
		    cfg->sentinels[i].port, true, cfg->master_name, vault, run,
		    ro, &t->sentinels[i].ep);
	}
	for (i = 0; i < t->nsentinels; i++) {
		if (jobs[i].started) {
			pthread_join(jobs[i].th, NULL);
			/* Joined: peers_join() below must not join it again
			 * (a second pthread_join is undefined; it crashed). */
			jobs[i].joined = true;
			t->sentinels[i].said = jobs[i].obs.sentinel;
		}
		if (first_ok == -1 && t->sentinels[i].ep.pong)
			first_ok = i;
	}

	if ((best = majority(t)) == -1) {
		/* No master to probe: the report shows the sentinel
		 * conversation that tells why (the first that answered). */
		i = first_ok >= 0 ? first_ok : 0;
		if (t->nsentinels > 0 && jobs[i].started)
			*obs = jobs[i].obs;
		peers_join(jobs, t->nsentinels);
		free(jobs);
		return;
	}
	peers_join(jobs, t->nsentinels);
	memset(jobs, 0, (size_t)n * sizeof(*jobs));

	{
		const struct rd_sentinel_obs *said = &t->sentinels[best].said;

		t->master_known = true;
		rd_scopy(t->master_host, sizeof(t->master_host), said->master_ip);
		t->master_port = said->master_port;
		t->nreplicas = said->nreplicas;
		for (i = 0; i < t->nreplicas; i++) {
			rd_scopy(t->replica_host[i], sizeof(t->replica_host[0]),
			    said->replicas[i].ip);
			t->replica_port[i] = said->replicas[i].port;
			if (t->replica_port[i] > 0 && topo_addr_class(
			    t->replica_host[i]) != RD_AC_UNSPECIFIED)
				peer_start(&jobs[i], cfg, t->replica_host[i],
				    t->replica_port[i], false, NULL, vault, run,
				    ro, &t->replicas[i]);
		}
	}

	/* The master, with the application's configuration (credentials,
	 * db, TLS files) aimed at the address the sentinels named, probed
	 * fully into the run's observations; the rules read it too. */
	m = &t->master_cfg;
	*m = *cfg;
	m->host = t->master_host;
	m->port = t->master_port;
	snprintf(t->master_port_text, sizeof(t->master_port_text), "%d",
	    t->master_port);
	if (!cfg->sni_explicit)
		m->sni = topo_addr_class(t->master_host) == RD_AC_HOSTNAME ?
		    t->master_host : NULL;
	m->f[RD_F_HOST].value = t->master_host;
	m->f[RD_F_PORT].value = t->master_port_text;
	snprintf(m->f[RD_F_HOST].source, RD_SOURCE_LEN, "sentinel:%.100s",
	    cfg->master_name);
	snprintf(m->f[RD_F_PORT].source, RD_SOURCE_LEN, "sentinel:%.100s",
	    cfg->master_name);
	snprintf(m->source, sizeof(m->source), "sentinel:%.100s",
	    cfg->master_name);
	memset(&po, 0, sizeof(po));
	po.deadline_us = run->deadline_us;
	po.latency_samples = run->latency_samples;
	po.resolver = run->resolver;
	po.vault = vault;
	probe_run(m, &po, obs);
	rd_scopy(t->master.host, sizeof(t->master.host), m->host);
	t->master.port = m->port;
	record(m, obs, NULL, &t->master);

	peers_join(jobs, t->nreplicas);
	free(jobs);
}

bool
topo_client_cluster_aware(const struct rd_config *cfg, char *model, size_t sz)
{
	/* The client model's row (clients.c): the constructor it models
	 * (one node) and whether that follows MOVED. */
	const struct rd_client_model *m = cfg != NULL ? cfg->model : NULL;

	rd_scopy(model, sz, m == NULL ? "redisdiag" : cfg->client_label[0] ?
	    cfg->client_label : m->name);
	return m != NULL && m->follows_moved;
}
