/* fuzz_info.c — libFuzzer target for the INFO parser (info.c).
 *
 * Any bytes, in a buffer of exactly their size (no NUL after them, so an
 * over-read is an ASan report).  Invariants (abort() when broken):
 *
 *  - every string field is NUL-terminated inside its array, holds no
 *    newline, and when set comes from a "key:value" run of the input;
 *  - every number is -1 (unknown) or not negative; maxclients_known only
 *    with a maxclients; info_ok and info_denied are not the parser's;
 *  - hit_rate is -1 or in [0, 1], and is hits / (hits + misses) exactly
 *    when both are known and not both zero;
 *  - lines are independent: parsing the text in two pieces cut after a
 *    newline gives the same fields as parsing it whole, and parsing is
 *    deterministic. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sfield {
	const char	*key;
	size_t		 off, size;
};

#define SF(k, f) { k, offsetof(struct rd_server_obs, f), \
		   sizeof(((struct rd_server_obs *)0)->f) }

static const struct sfield sfields[] = {
	SF("redis_version", version),
	SF("redis_mode", mode),
	SF("role", role),
	SF("master_link_status", master_link_status),
	SF("maxmemory_policy", maxmemory_policy),
	SF("rdb_last_bgsave_status", rdb_last_bgsave_status),
	SF("aof_last_write_status", aof_last_write_status),
	SF("cluster_state", cluster_state),
	SF("os", os),
};

/* Is "key:value" a run of the input? */
static bool
from_input(const uint8_t *data, size_t size, const char *key,
    const char *val)
{
	size_t kl = strlen(key), vl = strlen(val), i;

	if (kl + 1 + vl > size)
		return false;
	for (i = 0; i + kl + 1 + vl <= size; i++)
		if (memcmp(data + i, key, kl) == 0 && data[i + kl] == ':' &&
		    memcmp(data + i + kl + 1, val, vl) == 0)
			return true;
	return false;
}

static void
check(const struct rd_server_obs *s, const uint8_t *data, size_t size)
{
	const int64_t nums[] = {
		s->used_memory, s->used_memory_peak, s->maxmemory,
		s->connected_clients, s->maxclients, s->keyspace_hits,
		s->keyspace_misses, s->rejected_connections, s->evicted_keys,
		s->uptime_s, s->loading, s->aof_enabled,
	};
	size_t i;

	for (i = 0; i < sizeof(sfields) / sizeof(sfields[0]); i++) {
		const char *f = (const char *)s + sfields[i].off;
		const char *nul = memchr(f, '\0', sfields[i].size);

		if (nul == NULL)
			abort();	/* not terminated inside its array */
		if (memchr(f, '\n', (size_t)(nul - f)) != NULL)
			abort();
		if (f[0] != '\0' && !from_input(data, size, sfields[i].key, f))
			abort();	/* a value the input did not hold */
	}
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (nums[i] < -1)
			abort();
	if (s->maxclients_known && s->maxclients < 0)
		abort();
	if (s->info_ok || s->info_denied)
		abort();
	if (s->hit_rate != -1 && !(s->hit_rate >= 0 && s->hit_rate <= 1))
		abort();
	if (s->keyspace_hits >= 0 && s->keyspace_misses >= 0 &&
	    (double)s->keyspace_hits + (double)s->keyspace_misses > 0) {
		double want = (double)s->keyspace_hits /
		    ((double)s->keyspace_hits + (double)s->keyspace_misses);

		if (s->hit_rate != want)
			abort();
	} else if (s->hit_rate != -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_server_obs a, b, c;
	char *buf;
	const char *nl;
	size_t cut;

	/* Exactly size bytes: malloc(0) may return NULL, so at least 1. */
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);

	info_init(&a);
	info_parse(buf, size, &a);
	check(&a, data, size);

	info_init(&b);
	info_parse(buf, size, &b);
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();

	/* Two pieces, cut after a newline chosen by the first byte. */
	cut = size > 0 ? data[0] % size : 0;
	if ((nl = memchr(buf + cut, '\n', size - cut)) != NULL) {
		size_t n1 = (size_t)(nl - buf) + 1;

		info_init(&c);
		info_parse(buf, n1, &c);
		check(&c, data, size);
		info_parse(buf + n1, size - n1, &c);
		if (memcmp(&a, &c, sizeof(a)) != 0)
			abort();
	}
	free(buf);
	return 0;
}
