/* probe_door.c — the door: every byte a server sent enters the
 * observations here, masked of every secret in the vault (secret.h) after
 * the raw bytes were classified and before they are cut. */
#include "probe_int.h"

/* ---- the door ----------------------------------------------------------
 * Every byte a server sent enters the observations through pr_door(): masked
 * of every secret in the vault (secret.h) first, rendered printable and
 * cut to outsz after.  Callers classify the raw bytes before (pong, ok,
 * class_id, the error prefix), so masking never changes a verdict. */

void
pr_door(const struct probe *p, const void *raw, size_t len, char *out,
    size_t outsz)
{
	vault_door(p->po->vault, raw, len, out, outsz);
}

/* A string already in the observations (TLS facts from tls.c, INFO text
 * fields), masked in place. */
static void
door_str(const struct probe *p, char *s, size_t sz)
{
	vault_mask_str(p->po->vault, s, sz);
}

/* An enumerated INFO value stays when it is one of the words Redis
 * writes there; anything else a server put there is free text. */
static void
door_word(const struct probe *p, char *s, size_t sz, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(s, *words) == 0)
			return;
	door_str(p, s, sz);
}

void
pr_door_server(const struct probe *p, struct rd_server_obs *sv)
{
	static const char *const modes[] = { "standalone", "cluster",
	    "sentinel", "", NULL };
	static const char *const roles[] = { "master", "slave", "replica", "",
	    NULL };
	static const char *const okerr[] = { "ok", "err", "fail", "up", "down",
	    "", NULL };
	static const char *const policies[] = { "noeviction", "allkeys-lru",
	    "volatile-lru", "allkeys-random", "volatile-random", "volatile-ttl",
	    "allkeys-lfu", "volatile-lfu", "", NULL };

	door_str(p, sv->version, sizeof(sv->version));
	door_str(p, sv->os, sizeof(sv->os));
	door_word(p, sv->mode, sizeof(sv->mode), modes);
	door_word(p, sv->role, sizeof(sv->role), roles);
	door_word(p, sv->master_link_status, sizeof(sv->master_link_status),
	    okerr);
	door_word(p, sv->maxmemory_policy, sizeof(sv->maxmemory_policy),
	    policies);
	door_word(p, sv->rdb_last_bgsave_status,
	    sizeof(sv->rdb_last_bgsave_status), okerr);
	door_word(p, sv->aof_last_write_status,
	    sizeof(sv->aof_last_write_status), okerr);
	door_word(p, sv->cluster_state, sizeof(sv->cluster_state), okerr);
}

void
pr_door_tls(const struct probe *p, struct rd_tls_obs *t)
{
	int i;

	door_str(p, t->peer_first_bytes, sizeof(t->peer_first_bytes));
	door_str(p, t->subject, sizeof(t->subject));
	door_str(p, t->issuer, sizeof(t->issuer));
	for (i = 0; i < t->nsans && i < RD_MAX_SANS; i++)
		door_str(p, t->sans[i], sizeof(t->sans[i]));
	/* tls.c quotes the peer's first bytes in its messages. */
	door_str(p, p->obs->steps[RD_STEP_TLS].err.message,
	    sizeof(p->obs->steps[RD_STEP_TLS].err.message));
	door_str(p, p->obs->cross.detail, sizeof(p->obs->cross.detail));
}

/* The first bytes of a stream that was refused or ended: raw facts, then
 * the masked rendering. */
void
pr_door_first(const struct probe *p, struct rd_reply_obs *ro)
{
	const unsigned char *b;
	size_t n;

	b = resp_first_raw(p->rr, &n);
	ro->tls_alert_bytes = n >= 2 && b[0] == 0x15 && b[1] == 0x03;
	pr_door(p, b, n, ro->first_bytes, sizeof(ro->first_bytes));
}

/* What a cluster announced: every string a node sent about itself. */
void
pr_door_cluster(const struct probe *p, struct rd_cluster_obs *cl)
{
	int i;

	for (i = 0; i < cl->nnodes; i++) {
		struct rd_cluster_node *n = &cl->nodes[i];

		door_str(p, n->id, sizeof(n->id));
		door_str(p, n->role, sizeof(n->role));
		door_str(p, n->ip, sizeof(n->ip));
		door_str(p, n->hostname, sizeof(n->hostname));
		door_str(p, n->flags, sizeof(n->flags));
		door_str(p, n->health, sizeof(n->health));
		door_str(p, n->master_id, sizeof(n->master_id));
	}
	door_str(p, cl->error, sizeof(cl->error));
	door_str(p, cl->redirect.host, sizeof(cl->redirect.host));
}

/* What a sentinel said about a master: its address and replicas. */
void
pr_door_sentinel(const struct probe *p, struct rd_sentinel_obs *so)
{
	int i;

	door_str(p, so->master_ip, sizeof(so->master_ip));
	door_str(p, so->known, sizeof(so->known));
	for (i = 0; i < so->nreplicas; i++) {
		door_str(p, so->replicas[i].ip, sizeof(so->replicas[i].ip));
		door_str(p, so->replicas[i].flags,
		    sizeof(so->replicas[i].flags));
	}
}
