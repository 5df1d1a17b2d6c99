/* info.c — parses INFO text into the server observations. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "info.h"

enum ikind { I_STR, I_I64, I_INT, I_DBL };

struct ikey {
	const char	*key;
	enum ikind	 kind;
	size_t		 off;
	size_t		 size;		/* for I_STR */
};

#define S(k, f)	{ k, I_STR, offsetof(struct rd_server_obs, f), \
		  sizeof(((struct rd_server_obs *)0)->f) }
#define L(k, f)	{ k, I_I64, offsetof(struct rd_server_obs, f), 0 }
#define N(k, f)	{ k, I_INT, offsetof(struct rd_server_obs, f), 0 }
#define D(k, f)	{ k, I_DBL, offsetof(struct rd_server_obs, f), 0 }

static const struct ikey keys[] = {
	S("redis_version", version),
	S("redis_mode", mode),
	S("role", role),
	S("master_link_status", master_link_status),
	L("used_memory", used_memory),
	L("used_memory_peak", used_memory_peak),
	L("maxmemory", maxmemory),
	S("maxmemory_policy", maxmemory_policy),
	L("connected_clients", connected_clients),
	L("maxclients", maxclients),
	N("loading", loading),
	S("rdb_last_bgsave_status", rdb_last_bgsave_status),
	S("aof_last_write_status", aof_last_write_status),
	N("aof_enabled", aof_enabled),
	L("keyspace_hits", keyspace_hits),
	L("keyspace_misses", keyspace_misses),
	L("rejected_connections", rejected_connections),
	L("evicted_keys", evicted_keys),
	S("cluster_state", cluster_state),
	L("uptime_in_seconds", uptime_s),
	S("os", os),
	D("mem_fragmentation_ratio", mem_fragmentation_ratio),
};

void
info_init(struct rd_server_obs *s)
{
	memset(s, 0, sizeof(*s));
	s->used_memory = s->used_memory_peak = s->maxmemory = -1;
	s->connected_clients = s->maxclients = -1;
	s->loading = -1;
	s->aof_enabled = -1;
	s->keyspace_hits = s->keyspace_misses = -1;
	s->hit_rate = -1;
	s->rejected_connections = s->evicted_keys = -1;
	s->uptime_s = -1;
	s->mem_fragmentation_ratio = -1;
	s->cfg_timeout_s = s->cfg_tcp_keepalive_s = -1;
	s->slowlog_len = -1;
}

/* A non-negative decimal like "1.23" (at most 6 decimals); -1 when not. */
static double
parse_dbl(const char *v, size_t n)
{
	double x = 0, scale = 1;
	bool dot = false;
	size_t i, digits = 0;

	if (n == 0 || n > 24)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] == '.' && !dot) {
			dot = true;
			continue;
		}
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (dot) {
			if (scale < 1e-6)
				continue;
			scale /= 10;
			x += (v[i] - '0') * scale;
		} else
			x = x * 10 + (v[i] - '0');
		digits++;
	}
	return digits > 0 ? x : -1;
}

/* A non-negative decimal integer, whole value; -1 when it is not one. */
static int64_t
parse_i64(const char *v, size_t n)
{
	int64_t x = 0;
	size_t i;

	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (x > (INT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

static void
set_field(struct rd_server_obs *s, const struct ikey *k, const char *v,
    size_t n)
{
	char *base = (char *)s + k->off;
	int64_t x;

	switch (k->kind) {
	case I_STR:
		/* A value too long for its field is not what we expect:
		 * better unknown than truncated into something else. */
		if (n >= k->size)
			return;
		memcpy(base, v, n);
		base[n] = '\0';
		break;
	case I_I64:
		if ((x = parse_i64(v, n)) >= 0)
			memcpy(base, &x, sizeof(x));
		break;
	case I_INT:
		if ((x = parse_i64(v, n)) >= 0 && x <= INT32_MAX) {
			int xi = (int)x;
			memcpy(base, &xi, sizeof(xi));
		}
		break;
	case I_DBL: {
		double d = parse_dbl(v, n);

		if (d >= 0)
			memcpy(base, &d, sizeof(d));
		break;
	}
	}
	if (k->off == offsetof(struct rd_server_obs, maxclients) &&
	    s->maxclients >= 0)
		s->maxclients_known = true;
}

static void
parse_line(struct rd_server_obs *s, const char *p, size_t n)
{
	const char *colon;
	size_t klen, i;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n == 0 || p[0] == '#')
		return;
	if ((colon = memchr(p, ':', n)) == NULL)
		return;
	klen = (size_t)(colon - p);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].key) == klen &&
		    memcmp(keys[i].key, p, klen) == 0) {
			set_field(s, &keys[i], colon + 1, n - klen - 1);
			return;
		}
	}
}

void
info_parse(const char *text, size_t len, struct rd_server_obs *s)
{
	const char *p = text, *end = text + len, *nl;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		parse_line(s, p, (size_t)(nl - p));
		p = nl + 1;
	}
	if (s->keyspace_hits >= 0 && s->keyspace_misses >= 0 &&
	    (double)s->keyspace_hits + (double)s->keyspace_misses > 0)
		s->hit_rate = (double)s->keyspace_hits /
		    ((double)s->keyspace_hits + (double)s->keyspace_misses);
	else
		s->hit_rate = -1;
}
