/* topo_model.c — pure facts about a topology: how an announced address
 * looks from here, which slots are covered, a key's hash slot, which
 * endpoint a client dials for a node.  No socket, no allocation. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "strutil.h"
#include "topo.h"

const char *const rd_addr_class_names[RD_AC__COUNT] = {
	"hostname", "loopback", "unspecified", "private", "container_bridge",
	"link_local", "cgnat", "public"
};

/* IPv4 networks by prefix, most specific first.  The container rows are
 * the defaults of the runtimes: Docker's bridge and compose pools
 * (172.17-31/16), Podman (10.88/16), flannel (10.244/16), k3s (10.42/16). */
static const struct {
	uint32_t net;
	int	 bits;
	enum rd_addr_class cls;
} v4[] = {
	{ 0x00000000, 32, RD_AC_UNSPECIFIED },
	{ 0x7f000000, 8, RD_AC_LOOPBACK },
	{ 0xac110000, 16, RD_AC_CONTAINER_BRIDGE },
	{ 0xac120000, 15, RD_AC_CONTAINER_BRIDGE },	/* 172.18-19 */
	{ 0xac140000, 14, RD_AC_CONTAINER_BRIDGE },	/* 172.20-23 */
	{ 0xac180000, 13, RD_AC_CONTAINER_BRIDGE },	/* 172.24-31 */
	{ 0x0a580000, 16, RD_AC_CONTAINER_BRIDGE },	/* 10.88 */
	{ 0x0af40000, 16, RD_AC_CONTAINER_BRIDGE },	/* 10.244 */
	{ 0x0a2a0000, 16, RD_AC_CONTAINER_BRIDGE },	/* 10.42 */
	{ 0x0a000000, 8, RD_AC_PRIVATE },
	{ 0xac100000, 12, RD_AC_PRIVATE },
	{ 0xc0a80000, 16, RD_AC_PRIVATE },
	{ 0xa9fe0000, 16, RD_AC_LINK_LOCAL },
	{ 0x64400000, 10, RD_AC_CGNAT },
};

enum rd_addr_class
topo_addr_class(const char *addr)
{
	unsigned char b[16];
	char buf[64];
	const char *h = rd_unbracket(addr, buf, sizeof(buf));
	uint32_t a;
	size_t i;

	if (h == NULL || h[0] == '\0')
		return RD_AC_UNSPECIFIED;
	if (inet_pton(AF_INET, h, b) == 1) {
		a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3];
		for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
			uint32_t mask = v4[i].bits == 0 ? 0 :
			    0xffffffffu << (32 - v4[i].bits);

			if ((a & mask) == v4[i].net)
				return v4[i].cls;
		}
		return RD_AC_PUBLIC;
	}
	if (inet_pton(AF_INET6, h, b) == 1) {
		static const unsigned char zero[16], one[16] = { [15] = 1 };

		if (memcmp(b, zero, 16) == 0)
			return RD_AC_UNSPECIFIED;
		if (memcmp(b, one, 16) == 0)
			return RD_AC_LOOPBACK;
		if ((b[0] & 0xfe) == 0xfc)
			return RD_AC_PRIVATE;
		if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
			return RD_AC_LINK_LOCAL;
		/* ::ffff:a.b.c.d: the IPv4 address decides. */
		if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff) {
			snprintf(buf, sizeof(buf), "%u.%u.%u.%u", b[12], b[13],
			    b[14], b[15]);
			return topo_addr_class(buf);
		}
		return RD_AC_PUBLIC;
	}
	return RD_AC_HOSTNAME;
}

void
topo_ep_add_id(struct rd_endpoint_result *ep, const char *id)
{
	if (ep->nids < RD_EP_MAX_IDS)
		rd_scopy(ep->ids[ep->nids++], sizeof(ep->ids[0]), id);
}

bool
topo_ep_has(const struct rd_endpoint_result *ep, const char *id)
{
	int i;

	for (i = 0; i < ep->nids; i++)
		if (strcmp(ep->ids[i], id) == 0)
			return true;
	return false;
}

const char *
topo_ep_first(const struct rd_endpoint_result *ep)
{
	return ep->nids > 0 ? ep->ids[0] : "";
}

const char *
topo_ep_ids(const struct rd_endpoint_result *ep, char *buf, size_t sz)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < ep->nids; i++)
		rd_appendf(buf, sz, "%s%s", i > 0 ? ", " : "", ep->ids[i]);
	return buf;
}

void
topo_slots(struct rd_topology *t)
{
	signed char st[RD_TOPO_SLOTS];
	int i, k, s, v, lo = -1;

	/* Each slot's worst state among the masters serving it: ok ranges
	 * first, then pfail, then failed, each written over the one before
	 * (-1: nobody serves it). */
	memset(st, -1, sizeof(st));
	for (v = 0; v <= 2; v++)
		for (i = 0; i < t->cl.nnodes; i++) {
			const struct rd_cluster_node *n = &t->cl.nodes[i];

			if (strcmp(n->role, "master") != 0 ||
			    (n->fail || strcmp(n->health, "failed") == 0 ? 2 :
			    n->pfail ? 1 : 0) != v)
				continue;
			for (k = 0; k < n->nranges; k++)
				if (n->ranges[k].lo >= 0 && n->ranges[k].lo <=
				    n->ranges[k].hi && n->ranges[k].hi < RD_TOPO_SLOTS)
					memset(st + n->ranges[k].lo, v,
					    (size_t)(n->ranges[k].hi -
					    n->ranges[k].lo + 1));
		}
	t->slots_assigned = t->slots_ok = t->slots_pfail = t->slots_fail = 0;
	t->nuncovered = 0;
	for (s = 0; s <= RD_TOPO_SLOTS; s++) {
		/* Eight slots at a time where they are all served and ok, or
		 * all inside an uncovered run: a healthy cluster's 16,384
		 * slots are 2,048 steps. */
		if (s % 8 == 0 && s + 8 <= RD_TOPO_SLOTS) {
			uint64_t w;

			memcpy(&w, st + s, sizeof(w));
			if (w == 0 && lo == -1) {
				t->slots_assigned += 8;
				t->slots_ok += 8;
				s += 7;
				continue;
			}
			if (w == UINT64_MAX && lo != -1) {
				s += 7;
				continue;
			}
		}
		v = s < RD_TOPO_SLOTS ? st[s] : 0;
		if (v == -1 && lo == -1)
			lo = s;
		if (v != -1 && lo != -1) {
			if (t->nuncovered < RD_TOPO_MAX_UNCOVERED) {
				t->uncovered[t->nuncovered].lo = lo;
				t->uncovered[t->nuncovered].hi = s - 1;
			}
			t->nuncovered++;
			lo = -1;
		}
		if (s == RD_TOPO_SLOTS || v == -1)
			continue;
		t->slots_assigned++;
		if (v == 0)
			t->slots_ok++;
		else if (v == 1)
			t->slots_pfail++;
		else
			t->slots_fail++;
	}
}

/* CRC16-CCITT (XMODEM), the cluster's key hash. */
static uint16_t
crc16(const char *s, size_t n)
{
	uint16_t crc = 0;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		crc ^= (uint16_t)((unsigned char)s[i] << 8);
		for (b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021) :
			    (uint16_t)(crc << 1);
	}
	return crc;
}

int
topo_key_slot(const char *key)
{
	size_t n = strlen(key), s, e;

	for (s = 0; s < n && key[s] != '{'; s++)
		;
	if (s < n) {
		for (e = s + 1; e < n && key[e] != '}'; e++)
			;
		if (e < n && e != s + 1)
			return crc16(key + s + 1, e - s - 1) & 16383;
	}
	return crc16(key, n) & 16383;
}

int
topo_node_endpoint(const struct rd_cluster_node *n, bool tls, char *host,
    size_t hostsz)
{
	rd_scopy(host, hostsz, n->hostname[0] != '\0' ? n->hostname : n->ip);
	if (tls && n->tls_port > 0)
		return n->tls_port;
	return n->port > 0 ? n->port : n->tls_port;
}
