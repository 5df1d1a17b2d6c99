/* profiles.c — the application profiles (see profiles.h).  Pure data.
 *
 * cacheservice is the incident application's code, exactly (SPEC 11);
 * python-getenv the Python services of the same documents; generic the
 * reading of SPEC section 4 (which also reads REDIS_USERNAME, REDIS_DB,
 * REDIS_TLS), done by config.c. */
#include <string.h>

#include "profiles.h"

static const struct rd_profile profiles[] = {
	{ "cacheservice",
	  "the incident's Node service: REDIS_URL || REDIS_HOST, parseInt(REDIS_PORT) || 6379, NF_REDIS_* fallback, ioredis",
	  "ioredis", false, RD_READ_JS_OR, RD_PORT_PARSEINT_OR,
	  "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", NULL,
	  "REDIS_SNI_SERVERNAME", NULL, "6379", NULL, true,
	  "const redisUrl = process.env.REDIS_URL || config.redis.url;\n"
	  "const redisHost = process.env.REDIS_HOST || config.redis.host;\n"
	  "const redisPort = parseInt(process.env.REDIS_PORT, 10) || config.redis.port || 6379;\n"
	  "const redisPassword = process.env.REDIS_PASSWORD || config.redis.password;\n"
	  "if (!redisUrl && !redisHost) {\n"
	  "    this.redisUrl = process.env.NF_REDIS_URL;\n"
	  "    this.redisHost = process.env.NF_REDIS_HOST;\n"
	  "    this.redisPort = parseInt(process.env.NF_REDIS_PORT, 10) || this.redisPort;\n"
	  "    this.redisPassword = process.env.NF_REDIS_PASSWORD || this.redisPassword;\n"
	  "}\n"
	  "// new Redis(url, { password }) when a URL was resolved, else\n"
	  "// new Redis({ host, port, password }); with REDIS_SNI_SERVERNAME set,\n"
	  "// the options also get tls: { servername: REDIS_SNI_SERVERNAME }.\n" },
	{ "python-getenv",
	  "the Python services: os.getenv with defaults, int(), an empty variable is a value, REDIS_URL unread, redis-py",
	  "redis-py", false, RD_READ_GETENV, RD_PORT_PY_INT,
	  NULL, "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_DB", NULL,
	  "localhost", "6379", "0", false,
	  "redis_host = os.getenv(\"REDIS_HOST\", \"localhost\")\n"
	  "redis_port = int(os.getenv(\"REDIS_PORT\", \"6379\"))\n"
	  "redis_db = int(os.getenv(\"REDIS_DB\", \"0\"))\n"
	  "redis_password = os.getenv(\"REDIS_PASSWORD\", None)\n"
	  "redis.Redis(host=redis_host, port=redis_port, db=redis_db,\n"
	  "            password=redis_password, socket_connect_timeout=5)\n" },
	{ "generic",
	  "SPEC section 4: flags, REDIS_URL, REDIS_HOST/PORT/PASSWORD/USERNAME/DB/TLS/SNI_SERVERNAME, NF_REDIS_*, defaults; REDIS_SENTINELS/REDIS_SENTINEL_MASTER",
	  "redisdiag", true, RD_READ_JS_OR, RD_PORT_PARSEINT_OR,
	  "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_DB",
	  "REDIS_SNI_SERVERNAME", NULL, NULL, NULL, true,
	  "(redisdiag's own reading: see CONFIGURATION)\n" },
};

#define NPROFILES	(sizeof(profiles) / sizeof(profiles[0]))

const char *const rd_profile_known_vars[] = {
	"REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD",
	"REDIS_USERNAME", "REDIS_DB", "REDIS_TLS", "REDIS_SNI_SERVERNAME",
	"NF_REDIS_URL", "NF_REDIS_HOST", "NF_REDIS_PORT", "NF_REDIS_PASSWORD",
	/* SPEC 13: a sentinel set, read by the generic profile only
	 * (config_sentinel.c) */
	"REDIS_SENTINELS", "REDIS_SENTINEL_MASTER", "REDIS_SENTINEL_USERNAME",
	"REDIS_SENTINEL_PASSWORD",
	NULL
};

const struct rd_profile *
profile_find(const char *name)
{
	size_t i;

	for (i = 0; i < NPROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct rd_profile *
profile_default(void)
{
	return &profiles[0];
}

const struct rd_profile *
profile_list(size_t *n)
{
	*n = NPROFILES;
	return profiles;
}

bool
profile_reads(const struct rd_profile *p, const char *name)
{
	const char *own[] = { p->url, p->host, p->port, p->password, p->db,
	    p->sni };
	size_t i;

	if (p->generic)
		return true;
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (own[i] != NULL && strcmp(own[i], name) == 0)
			return true;
	return p->nf_fallback && strncmp(name, "NF_REDIS_", 9) == 0;
}
