/* scenarios.c — the simulate scenarios: one row each.
 *
 * A row says which server to start, how the client is configured, and
 * what the report must say.  Adding a scenario is adding a row here and a
 * test in tests/bats/simulate.bats; the server pieces live in faultsrv.c.
 * The expected finding ids and exit statuses are the contract the bats
 * tests hold the check pipeline to (SPEC sections 7, 8 and 9). */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "profiles.h"
#include "report.h"
#include "scenarios.h"

#define S(x)	((int64_t)(x) * 1000000)

/* A server row: the reply table in the given state. */
#define REDIS(fl)	{ .kind = FS_REDIS, .flags = (fl), .close_after = -1 }
#define TLSSRV(fl, c)	{ .kind = FS_REDIS, .flags = FS_TLS | (fl), .cert = (c), \
			  .close_after = -1 }
#define KIND(k)		{ .kind = (k), .close_after = -1 }
#define PAYLOAD(p, on)	{ .kind = FS_REDIS, .payload = (p), .payload_cmd = (on), \
			  .close_after = -1 }
#define GREET(g)	{ .kind = FS_GREET_CLOSE, .greeting = (g), .close_after = -1 }

/* Redis 7.0.15's texts, from its networking.c and server.c. */
static const char denied7[] = "-DENIED Redis is running in protected mode "
    "because protected mode is enabled and no password is set for the "
    "default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to "
    "Redis you may adopt one of the following solutions: 1) Just disable "
    "protected mode sending the command 'CONFIG SET protected-mode no' from "
    "the loopback interface by connecting to Redis from the same host the "
    "server is running, however MAKE SURE Redis is not publicly accessible "
    "from internet if you do so. Use CONFIG REWRITE to make this change "
    "permanent. 2) Alternatively you can just disable the protected mode by "
    "editing the Redis configuration file, and setting the protected mode "
    "option to 'no', and then restarting the server. 3) If you started the "
    "server manually just for testing, restart it with the "
    "'--protected-mode no' option. 4) Setup a an authentication password "
    "for the default user. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the "
    "outside.";
/* Redis 5's wording of the same refusal. */
static const char denied5[] = "-DENIED Redis is running in protected mode "
    "because protected mode is enabled, no bind address was specified, no "
    "authentication password is requested to clients. In this mode "
    "connections are only accepted from the loopback interface. If you want "
    "to connect from external computers to Redis you may adopt one of the "
    "following solutions: 1) Just disable protected mode sending the "
    "command 'CONFIG SET protected-mode no' from the loopback interface by "
    "connecting to Redis from the same host the server is running, however "
    "MAKE SURE Redis is not publicly accessible from internet if you do so. "
    "Use CONFIG REWRITE to make this change permanent. 2) Alternatively you "
    "can just disable the protected mode by editing the Redis configuration "
    "file, and setting the protected mode option to 'no', and then "
    "restarting the server. 3) If you started the server manually just for "
    "testing, restart it with the '--protected-mode no' option. 4) Setup a "
    "bind address or an authentication password. NOTE: You only need to do "
    "one of the above things in order for the server to start accepting "
    "connections from the outside.";
static const char maxclients[] = "-ERR max number of clients reached";

const struct rd_scenario rd_scenarios[] = {
	{ "healthy", "a well-behaved Redis 7: the baseline",
	    REDIS(0), 0, 0, NULL, RD_EXIT_OK, "ok" },
	{ "healthy-tls", "a well-behaved Redis over TLS with a CA-signed certificate",
	    TLSSRV(0, FS_CERT_LEAF), SC_TLS, 0, NULL, RD_EXIT_OK, "ok" },
	{ "mtls", "TLS with a required client certificate, which the client presents",
	    TLSSRV(FS_CLIENT_CERT, FS_CERT_LEAF), SC_TLS | SC_CLIENT_CERT, 0,
	    NULL, RD_EXIT_OK, "ok" },

	/* Network. */
	{ "refused", "nothing listens on the port (a port bound, never listening)",
	    KIND(FS_NONE), 0, 0, "tcp.refused", RD_EXIT_UNREACHABLE, "unreachable" },
	{ "blackhole", "connect never completes (a listener whose accept queue is full)",
	    KIND(FS_BLACKHOLE), 0, 0, "tcp.timeout", RD_EXIT_UNREACHABLE, "unreachable" },
	{ "silent", "accepts the connection, never answers",
	    KIND(FS_SILENT), 0, 0, "proto.timeout", RD_EXIT_UNREACHABLE, "unreachable" },
	{ "reset", "resets the connection (RST) when the first command arrives",
	    KIND(FS_RESET), 0, 0, "tcp.reset", RD_EXIT_UNREACHABLE, "unreachable" },
	{ "slow", "every reply waits 150 ms (latency p99 over the 100 ms threshold)",
	    { .kind = FS_REDIS, .delay_us = 150000, .close_after = -1 }, 0, S(5),
	    "latency.high", RD_EXIT_OK, "warn" },
	{ "not-redis", "answers like an HTTP server: HTTP/1.1 400 Bad Request",
	    PAYLOAD(FS_P_HTTP, NULL), 0, 0, "proto.not_redis", RD_EXIT_UNREACHABLE,
	    "unreachable" },
	{ "hostile-reply", "answers PING with *4294967295 (an array count hiredis 0.14 overflows)",
	    PAYLOAD(FS_P_MULTI_4G, "PING"), 0, 0, "proto.hostile_reply",
	    RD_EXIT_UNREACHABLE, "unreachable" },

	/* DNS, through the resolver seam: no resolver is reached. */
	{ "dns-nxdomain", "the host name does not exist (EAI_NONAME from a resolver seam)",
	    KIND(FS_NONE), SC_NXDOMAIN, 0, "dns.nxdomain", RD_EXIT_UNREACHABLE,
	    "unreachable" },
	{ "dns-stall", "the resolver never answers (a seam that blocks past the deadline)",
	    KIND(FS_NONE), SC_DNS_STALL, 0, "dns.timeout", RD_EXIT_UNREACHABLE,
	    "unreachable" },

	/* TLS, with certificates made at run time. */
	{ "tls-to-plaintext", "the client speaks TLS to a plaintext Redis",
	    REDIS(0), SC_TLS, 0, "tls.plaintext_port", RD_EXIT_UNREACHABLE,
	    "unreachable" },
	{ "plaintext-to-tls", "the client speaks plaintext to a TLS-only Redis",
	    TLSSRV(0, FS_CERT_LEAF), 0, 0, "proto.tls_required",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "cert-untrusted", "the server presents a self-signed certificate",
	    TLSSRV(0, FS_CERT_SELF), SC_TLS, 0, "tls.cert_untrusted",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "cert-expired", "the server's certificate expired yesterday",
	    TLSSRV(0, FS_CERT_EXPIRED), SC_TLS, 0, "tls.cert_expired",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "cert-wrong-host", "the server's certificate names " RD_CERT_WRONG_HOST " only",
	    TLSSRV(0, FS_CERT_WRONGHOST), SC_TLS, 0, "tls.hostname_mismatch",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "client-cert-required", "the server demands a client certificate; the client has none",
	    TLSSRV(FS_CLIENT_CERT, FS_CERT_LEAF), SC_TLS, 0,
	    "tls.client_cert_required", RD_EXIT_UNREACHABLE, "unreachable" },
	{ "sni-required", "the server rejects a handshake without SNI 'localhost' (unrecognized_name)",
	    TLSSRV(FS_SNI_REQUIRED, FS_CERT_LEAF), SC_TLS, 0, "tls.sni_required",
	    RD_EXIT_UNREACHABLE, "unreachable" },

	/* Redis replies, worded as Redis 7 (or 5 with --redis-version 5). */
	{ "noauth", "the server requires a password (\"" SC_SERVER_PASSWORD "\"); the client sends none",
	    REDIS(FS_REQUIREPASS), 0, 0, "auth.required", RD_EXIT_REJECTING,
	    "rejecting" },
	{ "wrongpass", "the client sends the wrong password",
	    REDIS(FS_REQUIREPASS), SC_WRONGPASS, 0, "auth.wrongpass",
	    RD_EXIT_REJECTING, "rejecting" },
	{ "no-password-configured", "the client sends a password to a server without one (as redis-py, which fails there, unless --client names another: ioredis 5 and redis-cli go on, ioredis 6 and node-redis send it inside HELLO 3, which such a server accepts)",
	    REDIS(0), SC_PASSWORD | SC_STRICT_AUTH, 0, "auth.no_password_configured",
	    RD_EXIT_REJECTING, "rejecting" },
	{ "noperm", "the user may not run INFO or CONFIG (NOPERM); PING works",
	    REDIS(FS_NOPERM_INFO), 0, 0, "auth.noperm", RD_EXIT_OK, "warn" },
	{ "protected-mode", "DENIED (protected mode) written on accept, then close",
	    GREET(denied7), 0, 0, "server.protected_mode", RD_EXIT_REJECTING,
	    "rejecting" },
	{ "maxclients", "'max number of clients reached' written on accept, then close",
	    GREET(maxclients), 0, 0, "server.maxclients", RD_EXIT_REJECTING,
	    "rejecting" },
	{ "loading", "the server is loading its dataset (LOADING)",
	    REDIS(FS_LOADING), 0, 0, "server.loading", RD_EXIT_REJECTING,
	    "rejecting" },
	{ "busy", "a script is running (BUSY)",
	    REDIS(FS_BUSY), 0, 0, "server.busy", RD_EXIT_REJECTING, "rejecting" },
	{ "masterdown", "a replica whose link to its master is down (MASTERDOWN)",
	    REDIS(FS_MASTERDOWN), 0, 0, "server.masterdown", RD_EXIT_REJECTING,
	    "rejecting" },
	{ "readonly-replica", "the server is a replica (INFO says role:slave)",
	    REDIS(FS_REPLICA), 0, 0, "server.readonly_replica", RD_EXIT_OK, "warn" },
	{ "oom", "used memory over maxmemory with maxmemory-policy noeviction: writes get OOM",
	    REDIS(FS_OOM), 0, 0, "server.oom_risk", RD_EXIT_OK, "warn" },
	{ "db-out-of-range", "the client selects database 16 of 16 (0-15)",
	    REDIS(0), SC_DB16, 0, "server.db_out_of_range", RD_EXIT_REJECTING,
	    "rejecting" },
	/* The node it announces for every slot refuses: a cluster client
	 * cannot work, so the run is unreachable (issue 11). */
	{ "cluster-moved", "a cluster node: keys are MOVED to a node that does not answer",
	    REDIS(FS_CLUSTER), 0, 0, "cluster.client_not_cluster_aware", RD_EXIT_UNREACHABLE,
	    "unreachable" },
	{ "cluster-down", "a cluster node with cluster_state:fail (CLUSTERDOWN)",
	    /* PING still answers on a failed cluster (Redis skips the slot
	     * check for keyless commands); CLUSTER INFO says fail. */
	    REDIS(FS_CLUSTER_DOWN), 0, 0, "server.cluster_down",
	    RD_EXIT_REJECTING, "rejecting" },
	{ "cluster-slot-unserved", "a cluster node that serves no slot (CLUSTERDOWN Hash slot not served)",
	    REDIS(FS_CLUSTER_UNSERVED), 0, 0, "server.cluster_down",
	    RD_EXIT_REJECTING, "rejecting" },

	/* Topology (SPEC section 13): the fault server answers the topology
	 * commands with loopback addresses that refuse. */
	{ "cluster-announce-unreachable", "a cluster whose second master announces 127.0.0.2, where nothing listens",
	    REDIS(FS_CLUSTER_FAR), 0, 0, "cluster.announced_unreachable",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "cluster-slots-uncovered", "a cluster where no master serves slots 16284-16383",
	    REDIS(FS_CLUSTER_HOLES), 0, 0, "cluster.slots_uncovered",
	    RD_EXIT_REJECTING, "rejecting" },
	{ "sentinel-wrong-master", "a sentinel asked about a master name it does not monitor",
	    REDIS(FS_SENTINEL), SC_SENTINEL | SC_WRONG_MASTER, 0,
	    "sentinel.unknown_master", RD_EXIT_REJECTING, "rejecting" },
	{ "sentinel-master-unreachable", "a sentinel names a master at a loopback port that refuses",
	    REDIS(FS_SENTINEL), SC_SENTINEL, 0, "sentinel.master_unreachable",
	    RD_EXIT_UNREACHABLE, "unreachable" },

	/* The environment: synthetic, the caller's is never read. */
	{ "localhost-in-container", "REDIS_HOST=127.0.0.1 inside a container: nothing listens there",
	    KIND(FS_REDIS), SC_HOST_VARS | SC_DEAD_PORT | SC_CONTAINER, 0,
	    "config.localhost_in_container", RD_EXIT_UNREACHABLE, "unreachable" },
	{ "shadowed-nf-vars", "the incident: REDIS_HOST=127.0.0.1 shadows a working NF_REDIS_URL",
	    KIND(FS_REDIS), SC_HOST_VARS | SC_DEAD_PORT | SC_CONTAINER |
	    SC_SHADOW_NF, 0, "config.shadowed", RD_EXIT_UNREACHABLE, "unreachable" },

	/* Hostile servers (issue 6): each must end classified, in bounds. */
	{ "garbage", "answers the first command with 4 KiB of random bytes",
	    PAYLOAD(FS_P_GARBAGE, NULL), 0, 0, "proto.not_redis",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "bulk-2g", "answers PING with a bulk length of 2^31 ($2147483648)",
	    PAYLOAD(FS_P_BULK_2G, "PING"), 0, 0, "proto.hostile_reply",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "bulk-huge", "answers PING with a bulk length of 2^63-1",
	    PAYLOAD(FS_P_BULK_HUGE, "PING"), 0, 0, "proto.hostile_reply",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "deep-nesting", "answers PING with arrays nested 1,000 deep",
	    PAYLOAD(FS_P_DEEP, "PING"), 0, 0, "proto.hostile_reply",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "long-line", "answers PING with a 64 MiB line without CRLF, streamed",
	    PAYLOAD(FS_P_LONG_LINE, "PING"), 0, 0, "proto.hostile_reply",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "endless-ping", "answers PING with +PONG that never ends",
	    PAYLOAD(FS_P_ENDLESS, "PING"), 0, 0, "proto.hostile_reply",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "drip", "answers PING one byte every 100 ms, never finishing the line",
	    PAYLOAD(FS_P_DRIP, "PING"), 0, 0, "proto.timeout",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "tls-garbage", "random bytes inside TLS right after a good handshake",
	    { .kind = FS_REDIS, .flags = FS_TLS, .payload = FS_P_TLS_GARBAGE,
	    .close_after = -1 }, SC_TLS, 0, "proto.not_redis",
	    RD_EXIT_UNREACHABLE, "unreachable" },
	{ "close-mid-reply", "closes the connection half-way through the reply to PING",
	    PAYLOAD(FS_P_CLOSE_MID, "PING"), 0, 0, "proto.closed",
	    RD_EXIT_UNREACHABLE, "unreachable" },
};
const size_t rd_nscenarios = sizeof(rd_scenarios) / sizeof(rd_scenarios[0]);

const struct rd_scenario *
scenario_find(const char *name)
{
	size_t i;

	for (i = 0; i < rd_nscenarios; i++)
		if (strcmp(rd_scenarios[i].name, name) == 0)
			return &rd_scenarios[i];
	return NULL;
}

bool
scenario_tls(const struct rd_scenario *sc)
{
	return (sc->srv.flags & FS_TLS) != 0 || (sc->client & SC_TLS) != 0;
}

/* The older wording where Redis 5 differs from 7 (the reply table handles
 * the rest). */
const char *
scenario_greeting(const struct rd_scenario *sc, int redis_version)
{
	if (sc->srv.greeting == denied7 && redis_version < 6)
		return denied5;
	return sc->srv.greeting;
}

/* --- resolver seams ------------------------------------------------------ */

static int
nx_resolve(void *ctx, const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	(void)ctx; (void)host; (void)service; (void)hints;
	*res = NULL;
	return EAI_NONAME;
}

static pthread_mutex_t stall_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stall_cv = PTHREAD_COND_INITIALIZER;
static bool stall_released;
static int stall_active;		/* resolvers inside stall_resolve() */

/* Blocks until scenario_release_stall(), at most a minute: far beyond any
 * deadline, yet a thread the probe abandons still ends by itself. */
static int
stall_resolve(void *ctx, const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	struct timespec until;

	(void)ctx; (void)host; (void)service; (void)hints;
	*res = NULL;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	pthread_mutex_lock(&stall_mu);
	stall_active++;
	while (!stall_released)
		if (pthread_cond_timedwait(&stall_cv, &stall_mu, &until) == ETIMEDOUT)
			break;
	stall_active--;
	pthread_cond_broadcast(&stall_cv);
	pthread_mutex_unlock(&stall_mu);
	return EAI_AGAIN;
}

static void
seam_free(void *ctx, struct addrinfo *ai)
{
	(void)ctx;
	if (ai != NULL)
		freeaddrinfo(ai);
}

void
scenario_release_stall(void)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 200 * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&stall_mu);
	stall_released = true;
	pthread_cond_broadcast(&stall_cv);
	/* Let the abandoned lookups leave (bounded), so their threads can
	 * end before the process does. */
	while (stall_active > 0)
		if (pthread_cond_timedwait(&stall_cv, &stall_mu, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&stall_mu);
}

/* --- the client side ------------------------------------------------------ */

int
scenario_client(const struct rd_scenario *sc, int port, int dead_port,
    const struct rd_certs *certs, int64_t timeout_us,
    const struct rd_connflags *models, struct sc_client *out)
{
	unsigned f = sc->client;
	int target = (f & SC_DEAD_PORT) ? dead_port : port;
	const char *host = (f & (SC_NXDOMAIN | SC_DNS_STALL)) ? SC_NX_HOST :
	    "127.0.0.1";
	/* The application check reads as (SPEC 11): the synthetic
	 * environment names the server in the variables its profile reads.
	 * The generic profile, or none, reads them all. */
	const struct rd_profile *p = models != NULL && models->profile != NULL ?
	    profile_find(models->profile) : NULL;
	bool generic = p == NULL || p->generic;
	const char *url_var = generic ? "REDIS_URL" : p->url;
	const char *host_var = generic ? "REDIS_HOST" : p->host;
	const char *port_var = generic ? "REDIS_PORT" : p->port;
	const char *pw_var = generic ? "REDIS_PASSWORD" : p->password;
	const char *db_var = generic ? "REDIS_DB" : p->db;
	bool host_vars = (f & SC_HOST_VARS) || (url_var == NULL &&
	    !(f & SC_SENTINEL));
	char v[320];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->flags.db = -1;
	out->flags.timeout_us = timeout_us;
	if (models != NULL) {
		out->flags.profile = models->profile;
		out->flags.client = models->client;
	}
	if ((f & SC_STRICT_AUTH) && out->flags.client == NULL)
		out->flags.client = "redis-py";

	snprintf(out->url, sizeof(out->url), "%s://%s:%d",
	    (f & SC_TLS) ? "rediss" : "redis", host, target);
	if (f & SC_SENTINEL)
		snprintf(out->url, sizeof(out->url), "%s://%s:%d/%s",
		    (f & SC_TLS) ? "rediss+sentinel" : "redis+sentinel", host,
		    target, (f & SC_WRONG_MASTER) ? "wrong-master" : "mymaster");
	if (host_vars && host_var != NULL) {
		/* The incident's shape: host variables, not a URL (and the
		 * only shape of a profile that reads no URL). */
		snprintf(v, sizeof(v), "%d", target);
		rc |= envmap_set(&out->env, host_var, host, "env");
		if (port_var != NULL)
			rc |= envmap_set(&out->env, port_var, v, "env");
		if (f & SC_TLS)
			out->flags.tls = true;	/* no TLS variable: the flag */
	} else if ((f & SC_DB16) && db_var == NULL) {
		/* No REDIS_DB read: the database goes in the URL's path. */
		snprintf(v, sizeof(v), "%s/16", out->url);
		rc |= envmap_set(&out->env, (f & SC_SENTINEL) || url_var == NULL ?
		    "REDIS_URL" : url_var, v, "env");
	} else
		/* A sentinel URL is read the generic way by every profile
		 * (config.c), under REDIS_URL. */
		rc |= envmap_set(&out->env, (f & SC_SENTINEL) || url_var == NULL ?
		    "REDIS_URL" : url_var, out->url, "env");
	if (f & SC_SHADOW_NF) {
		snprintf(v, sizeof(v), "redis://127.0.0.1:%d", port);
		rc |= envmap_set(&out->env, "NF_REDIS_URL", v, "env");
		/* --serve prints the server that works. */
		snprintf(out->url, sizeof(out->url), "redis://127.0.0.1:%d", port);
	}
	if ((f & (SC_PASSWORD | SC_WRONGPASS)) && pw_var == NULL)
		out->flags.password = (f & SC_PASSWORD) ? SC_SERVER_PASSWORD :
		    SC_WRONG_PASSWORD;
	else if (f & SC_PASSWORD)
		rc |= envmap_set(&out->env, pw_var, SC_SERVER_PASSWORD, "env");
	else if (f & SC_WRONGPASS)
		rc |= envmap_set(&out->env, pw_var, SC_WRONG_PASSWORD, "env");
	if ((f & SC_DB16) && db_var != NULL)
		rc |= envmap_set(&out->env, db_var, "16", "env");
	else if ((f & SC_DB16) && host_vars)
		out->flags.db = 16;
	if ((f & SC_TLS) && certs != NULL)
		out->flags.cacert = certs->ca_path;
	if ((f & SC_CLIENT_CERT) && certs != NULL) {
		out->flags.cert = certs->client_cert_path;
		out->flags.key = certs->client_key_path;
	}
	if (f & SC_SNI_LOCALHOST)
		out->flags.sni = "localhost";
	if (f & SC_CONTAINER) {
		out->envi.in_container = true;
		snprintf(out->envi.evidence[0], sizeof(out->envi.evidence[0]),
		    "simulated by redisdiag simulate %s", sc->name);
		out->envi.nevidence = 1;
	}
	if (f & (SC_NXDOMAIN | SC_DNS_STALL)) {
		out->resolver.resolve = (f & SC_NXDOMAIN) ? nx_resolve :
		    stall_resolve;
		out->resolver.freeres = seam_free;
		out->use_resolver = true;
	}
	if (rc != 0) {
		scenario_client_free(out);
		return -1;
	}
	return 0;
}

void
scenario_client_free(struct sc_client *c)
{
	envmap_free(&c->env);
	memset(c, 0, sizeof(*c));
}

int
render_scenarios_text(FILE *out)
{
	size_t i;

	for (i = 0; i < rd_nscenarios; i++)
		if (fprintf(out, "%-24s %s\n", rd_scenarios[i].name,
		    rd_scenarios[i].desc) < 0)
			return -1;
	return 0;
}
