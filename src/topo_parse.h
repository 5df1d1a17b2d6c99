/* topo_parse.h — raw topology replies into plain data (topo_parse.c).
 * Pure: no socket, no secret handling (the probe masks at its door). */
#ifndef RD_TOPO_PARSE_H
#define RD_TOPO_PARSE_H

#include <stdbool.h>

#include <hiredis/hiredis.h>

#include "obs.h"
#include "topo.h"

/* Each returns 0, or -1 when the reply is not of the expected shape
 * (cl/so/rd are then left as they were, or partly filled). */

/* CLUSTER SHARDS (7.0+): nodes with ports, TLS ports, host names, health
 * and their shard's slots. */
int	topo_parse_shards(const redisReply *, struct rd_cluster_obs *);

/* CLUSTER SLOTS: the port is the TLS port when the question came over
 * TLS (7.0+ answers in the asker's protocol). */
int	topo_parse_slots(const redisReply *, bool tls, struct rd_cluster_obs *);

/* CLUSTER NODES text: fills cl when it holds no node yet, else adds the
 * flags (myself, fail, fail?) to the nodes already read, by id. */
int	topo_parse_nodes(const char *text, struct rd_cluster_obs *);

/* "MOVED 3999 127.0.0.1:6381" / "ASK ..." into rd. */
int	topo_parse_redirect(const char *err, struct rd_redirect_obs *rd);

/* SENTINEL get-master-addr-by-name: [ip, port] or nil. */
int	topo_parse_master_addr(const redisReply *, struct rd_sentinel_obs *);

/* SENTINEL replicas: an array of flat maps (ip, port, flags). */
int	topo_parse_replicas(const redisReply *, struct rd_sentinel_obs *);

/* SENTINEL masters: the names, ", "-separated, into so->known. */
int	topo_parse_masters(const redisReply *, struct rd_sentinel_obs *);

/* Appends lo..hi to n's slots (merging with the last range). */
void	topo_add_range(struct rd_cluster_node *n, int lo, int hi);

#endif
