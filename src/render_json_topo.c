/* render_json_topo.c — the report's topology{} object (SPEC section 13):
 * for a cluster, every node as announced and as probed from here, slot
 * coverage and cluster_state; for sentinels, every sentinel's answer, the
 * master they name and its replicas.  Reads only; unknown values are
 * null, as everywhere in the JSON report. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "render_int.h"
#include "report.h"
#include "topo.h"

static const char *const mode_names[] = { "none", "cluster", "sentinel" };

static cJSON *
ep_steps(const struct rd_endpoint_result *ep)
{
	cJSON *a = cJSON_CreateArray(), *o;
	int i;

	for (i = 0; ep->probed && i < RD_STEP__COUNT; i++) {
		const struct rd_step *s = &ep->steps[i];

		o = cJSON_CreateObject();
		json_str(o, "name", rd_step_names[i]);
		json_str(o, "status", rd_status_names[s->status]);
		if (s->status == RD_ST_SKIP)
			cJSON_AddNullToObject(o, "duration_ms");
		else
			json_ms(o, "duration_ms", s->us);
		cJSON_AddItemToObject(o, "error", json_error(&s->err));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* The probe of one endpoint, into o. */
static void
ep_fields(cJSON *o, const struct rd_endpoint_result *ep)
{
	cJSON *a;
	int i;

	cJSON_AddBoolToObject(o, "probed", ep->probed);
	cJSON_AddBoolToObject(o, "seed", ep->seed);
	cJSON_AddBoolToObject(o, "reachable", ep->reachable);
	json_str(o, "verdict", ep->probed || ep->summary[0] ?
	    rd_verdict_names[ep->verdict] : NULL);
	if (ep->probed || ep->summary[0])
		json_num(o, "exit_code", ep->exit_code);
	else
		cJSON_AddNullToObject(o, "exit_code");
	json_str(o, "summary", ep->summary);
	json_str(o, "sni", ep->sni);
	a = cJSON_AddArrayToObject(o, "findings");
	for (i = 0; i < ep->nids; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(ep->ids[i]));
	if (ep->probed)
		json_ms(o, "total_ms", ep->total_us);
	else
		cJSON_AddNullToObject(o, "total_ms");
	cJSON_AddItemToObject(o, "steps", ep_steps(ep));
}

static cJSON *
hostport(const char *host, int port)
{
	cJSON *o = cJSON_CreateObject();

	json_str(o, "host", host);
	json_known(o, "port", port > 0 ? port : -1);
	json_str(o, "class", host[0] ? rd_addr_class_names[topo_addr_class(host)] :
	    NULL);
	return o;
}

static cJSON *
range(int lo, int hi)
{
	cJSON *r = cJSON_CreateArray();

	cJSON_AddItemToArray(r, cJSON_CreateNumber(lo));
	cJSON_AddItemToArray(r, cJSON_CreateNumber(hi));
	return r;
}

static cJSON *
node(const struct rd_topology *t, int i)
{
	const struct rd_cluster_node *n = &t->cl.nodes[i];
	const struct rd_endpoint_result *ep = &t->node_ep[i];
	cJSON *o = cJSON_CreateObject(), *an, *a;
	char dial[256];
	int k, port = topo_node_endpoint(n, ep->tls, dial, sizeof(dial));

	json_str(o, "id", n->id);
	json_str(o, "role", n->role);
	json_str(o, "master_id", n->master_id);
	an = cJSON_AddObjectToObject(o, "announced");
	json_str(an, "ip", n->ip);
	json_str(an, "hostname", n->hostname);
	json_known(an, "port", n->port > 0 ? n->port : -1);
	json_known(an, "tls_port", n->tls_port > 0 ? n->tls_port : -1);
	json_str(an, "class", dial[0] ? rd_addr_class_names[topo_addr_class(
	    dial)] : NULL);
	cJSON_AddItemToObject(o, "endpoint", hostport(ep->host[0] ? ep->host :
	    dial, ep->port > 0 ? ep->port : port));
	json_str(o, "flags", n->flags);
	json_str(o, "health", n->health);
	cJSON_AddBoolToObject(o, "myself", n->myself);
	ep_fields(o, ep);
	a = cJSON_AddArrayToObject(o, "slots");
	for (k = 0; k < n->nranges; k++)
		cJSON_AddItemToArray(a, range(n->ranges[k].lo, n->ranges[k].hi));
	json_num(o, "slot_count", n->nslots);
	return o;
}

static void
cluster(cJSON *o, const struct rd_topology *t)
{
	const struct rd_redirect_obs *rd = &t->cl.redirect;
	cJSON *a, *s, *m;
	int i;

	json_str(o, "source", t->cl.source);
	json_str(o, "error", t->cl.error);
	json_str(o, "cluster_state", t->cluster_state);
	json_str(o, "client_model", t->client_model);
	cJSON_AddBoolToObject(o, "client_cluster_aware", t->client_cluster_aware);
	a = cJSON_AddArrayToObject(o, "nodes");
	for (i = 0; i < t->cl.nnodes; i++)
		cJSON_AddItemToArray(a, node(t, i));
	s = cJSON_AddObjectToObject(o, "slots");
	if (t->cl.read) {
		json_num(s, "assigned", t->slots_assigned);
		json_num(s, "ok", t->slots_ok);
		json_num(s, "pfail", t->slots_pfail);
		json_num(s, "fail", t->slots_fail);
	} else {
		cJSON_AddNullToObject(s, "assigned");
		cJSON_AddNullToObject(s, "ok");
		cJSON_AddNullToObject(s, "pfail");
		cJSON_AddNullToObject(s, "fail");
	}
	a = cJSON_AddArrayToObject(s, "uncovered");
	for (i = 0; i < t->nuncovered && i < RD_TOPO_MAX_UNCOVERED; i++)
		cJSON_AddItemToArray(a, range(t->uncovered[i].lo,
		    t->uncovered[i].hi));
	if (!rd->attempted) {
		cJSON_AddNullToObject(o, "redirect");
		return;
	}
	m = cJSON_AddObjectToObject(o, "redirect");
	json_str(m, "key", rd->key);
	json_num(m, "slot", rd->slot);
	json_str(m, "kind", rd->kind);
	json_str(m, "host", rd->host);
	json_known(m, "port", rd->port > 0 ? rd->port : -1);
	json_str(m, "reply", rd->reply);
}

static void
sentinel(cJSON *o, const struct rd_topology *t)
{
	cJSON *a, *e, *m;
	int i;

	json_str(o, "master_name", t->master_name);
	cJSON_AddBoolToObject(o, "sentinel_auth_sent", t->sentinel_auth_sent);
	a = cJSON_AddArrayToObject(o, "sentinels");
	for (i = 0; i < t->nsentinels; i++) {
		const struct rd_topo_sentinel *s = &t->sentinels[i];

		e = hostport(s->host, s->port);
		if (s->said.master_port > 0)
			cJSON_AddItemToObject(e, "master", hostport(
			    s->said.master_ip, s->said.master_port));
		else
			cJSON_AddNullToObject(e, "master");
		cJSON_AddBoolToObject(e, "knows_master", s->said.master_port > 0);
		json_str(e, "answer", s->said.master_port > 0 ? NULL : s->said.nil ?
		    "nil" : s->said.addr.text);
		json_str(e, "known_masters", s->said.known);
		json_str(e, "quorum", s->said.quorum.text);
		ep_fields(e, &s->ep);
		cJSON_AddItemToArray(a, e);
	}
	if (!t->master_known)
		cJSON_AddNullToObject(o, "master");
	else {
		m = hostport(t->master_host, t->master_port);
		ep_fields(m, &t->master);
		cJSON_AddItemToObject(o, "master", m);
	}
	a = cJSON_AddArrayToObject(o, "replicas");
	for (i = 0; i < t->nreplicas; i++) {
		e = hostport(t->replica_host[i], t->replica_port[i]);
		ep_fields(e, &t->replicas[i]);
		cJSON_AddItemToArray(a, e);
	}
}

cJSON *
json_topology(const struct rd_topology *t)
{
	cJSON *o;

	if (t == NULL)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	json_str(o, "mode", mode_names[t->mode]);
	json_str(o, "seed", t->seed);
	if (t->mode == RD_TOPO_CLUSTER)
		cluster(o, t);
	else if (t->mode == RD_TOPO_SENTINEL)
		sentinel(o, t);
	return o;
}
