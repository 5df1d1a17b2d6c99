/* topo.h — the topology behind a seed: every node of a cluster and every
 * sentinel, as announced and as probed from here (SPEC section 13).
 *
 * Plain data.  The seed's probe reads what the cluster announces
 * (struct rd_cluster_obs, filled by probe_topo.c when rd_probe_opts.cluster
 * points at one); topo.c probes every announced endpoint (or every
 * sentinel and the master they name) concurrently under the run's deadline
 * and records each result in struct rd_topology; rules_topo.c turns it into
 * findings; the renderers draw it.  Unit tests build it as a literal. */
#ifndef RD_TOPO_H
#define RD_TOPO_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "obs.h"

#define RD_TOPO_MAX_NODES	64
#define RD_TOPO_MAX_RANGES	32	/* slot ranges kept per node */
#define RD_TOPO_MAX_UNCOVERED	32	/* uncovered ranges reported */
#define RD_TOPO_MAX_SENTINELS	16
#define RD_TOPO_SLOTS		16384

struct rd_slot_range {
	int	 lo, hi;		/* inclusive */
};

/* One cluster node as the seed announced it. */
struct rd_cluster_node {
	char	 id[48];
	char	 role[16];		/* "master", "replica" */
	char	 ip[64];		/* announced address; "" when none */
	char	 hostname[256];		/* announced host name (7.0+), "" none */
	int	 port;			/* plaintext port, 0 none */
	int	 tls_port;		/* TLS port, 0 none */
	char	 flags[96];		/* CLUSTER NODES flags, "" unknown */
	bool	 myself, fail, pfail, handshake, noaddr;
	char	 health[16];		/* CLUSTER SHARDS health: "online", "failed", "loading" */
	char	 master_id[48];		/* a replica's master, "" */
	int	 nranges;		/* ranges kept (nslots counts them all) */
	struct rd_slot_range ranges[RD_TOPO_MAX_RANGES];
	int	 nslots;
};

/* One MOVED/ASK followed: a key of a slot the seed does not serve. */
struct rd_redirect_obs {
	bool	 attempted;
	char	 key[48];
	int	 slot;
	char	 kind[8];		/* "MOVED", "ASK", "" when the seed served it */
	char	 host[256];
	int	 port;
	char	 reply[160];		/* the reply as the door let it in */
};

/* What the seed announced, read by its own probe. */
struct rd_cluster_obs {
	bool	 read;			/* a topology was read */
	char	 source[24];		/* "CLUSTER SHARDS", "CLUSTER SLOTS" */
	bool	 nodes_read;		/* CLUSTER NODES answered (flags) */
	char	 error[256];		/* why none was read, "" */
	int	 nnodes;
	struct rd_cluster_node nodes[RD_TOPO_MAX_NODES];
	struct rd_redirect_obs redirect;
};

/* How an announced address looks from here.  Only a name's class needs
 * no lookup; the rules judge. */
enum rd_addr_class {
	RD_AC_HOSTNAME, RD_AC_LOOPBACK, RD_AC_UNSPECIFIED, RD_AC_PRIVATE,
	RD_AC_CONTAINER_BRIDGE, RD_AC_LINK_LOCAL, RD_AC_CGNAT, RD_AC_PUBLIC,
	RD_AC__COUNT
};
/* "hostname", "loopback", "unspecified", "private", "container_bridge",
 * "link_local", "cgnat", "public" */
extern const char *const rd_addr_class_names[RD_AC__COUNT];

/* What probing one endpoint from here gave. */
#define RD_EP_MAX_IDS	8

struct rd_endpoint_result {
	bool	 probed;
	bool	 seed;			/* the seed itself: the run's own probe, not
					   dialled twice */
	char	 host[256];		/* what was dialled */
	int	 port;
	bool	 tls;
	char	 sni[256];		/* "" none */
	bool	 reachable;		/* a Redis conversation (a reply) */
	bool	 pong;
	int	 verdict;		/* enum rd_verdict */
	int	 exit_code;
	char	 summary[256];
	/* The critical finding ids of the node's probe, the probe's own
	 * failure first (topo_ep_add_id, topo_ep_has). */
	char	 ids[RD_EP_MAX_IDS][48];
	int	 nids;
	int64_t	 total_us;
	struct rd_step steps[RD_STEP__COUNT];
};

/* One sentinel: its own probe plus what it said about the master. */
struct rd_topo_sentinel {
	char	 host[256];
	int	 port;
	struct rd_endpoint_result ep;
	struct rd_sentinel_obs said;	/* copied from its probe */
};

enum rd_topo_mode { RD_TOPO_NONE, RD_TOPO_CLUSTER, RD_TOPO_SENTINEL };

struct rd_topology {
	enum rd_topo_mode mode;
	char	 seed[300];		/* "host:port" the run started from */
	/* cluster */
	struct rd_cluster_obs cl;
	struct rd_endpoint_result node_ep[RD_TOPO_MAX_NODES];	/* by cl.nodes index */
	char	 cluster_state[16];	/* the seed's, "" unknown */
	int	 slots_assigned, slots_ok, slots_pfail, slots_fail;
	int	 nuncovered;		/* ranges (may exceed the kept ones) */
	struct rd_slot_range uncovered[RD_TOPO_MAX_UNCOVERED];
	bool	 client_cluster_aware;	/* the client model follows MOVED */
	char	 client_model[64];	/* which model said so */
	/* sentinel */
	char	 master_name[256];
	int	 nsentinels;
	struct rd_topo_sentinel sentinels[RD_TOPO_MAX_SENTINELS];
	bool	 master_known;		/* some sentinel named an address */
	char	 master_host[64];	/* the address most sentinels named */
	int	 master_port;
	struct rd_endpoint_result master;	/* its full probe (also the report's steps) */
	struct rd_config master_cfg;	/* the run's configuration aimed at the master:
					   a shallow copy (never config_free()d) that
					   the probe and the rules read */
	char	 master_port_text[8];
	int	 nreplicas;
	char	 replica_host[RD_MAX_REPLICAS][64];
	int	 replica_port[RD_MAX_REPLICAS];
	struct rd_endpoint_result replicas[RD_MAX_REPLICAS];
	bool	 sentinel_auth_sent;	/* a sentinel password was configured */
};

/* Classifies an announced address ("0.0.0.0", "172.17.0.3", "10.1.2.3",
 * "redis-0.example", "::1"); pure. */
enum rd_addr_class topo_addr_class(const char *addr);
/* An endpoint's finding ids: add one (beyond RD_EP_MAX_IDS it is dropped),
 * has one, the first ("" without), all of them joined by ", " into buf. */
void	topo_ep_add_id(struct rd_endpoint_result *ep, const char *id);
bool	topo_ep_has(const struct rd_endpoint_result *ep, const char *id);
const char *topo_ep_first(const struct rd_endpoint_result *ep);
const char *topo_ep_ids(const struct rd_endpoint_result *ep, char *buf, size_t sz);

/* Slot coverage of t->cl into t's slots_* and uncovered fields; pure. */
void	topo_slots(struct rd_topology *t);

/* The hash slot of key (CRC16 of the key or of its {hash tag}). */
int	topo_key_slot(const char *key);

/* Endpoint the client would dial for node n: the host name when one is
 * announced, else the address; the TLS port when tls and one is
 * announced.  Returns the port (0 when the node announces none). */
int	topo_node_endpoint(const struct rd_cluster_node *n, bool tls,
	    char *host, size_t hostsz);

#endif
