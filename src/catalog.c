/* catalog.c — the one table of finding knowledge (see catalog.h).
 *
 * Titles of the ids explain produces are written for someone holding only
 * a client's error line; the others in the voice of the rules that emit
 * them.  A remedy here must hold without any observation: it names no
 * host, port, variable value or code.  Pure data. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"

static const struct rd_catalog_entry catalog[] = {
	/* config */
	{ "config.default_used", RD_SEV_WARNING,
	  "nothing names a Redis server; 127.0.0.1:6379 assumed",
	  { "set REDIS_URL=rediss://user:password@host:port in the application's environment",
	    "or set REDIS_HOST and REDIS_PORT (and REDIS_PASSWORD)" } },
	{ "config.shadowed", RD_SEV_WARNING,
	  "a variable naming a Redis server is ignored",
	  { "unset the listed variables, or move their values to the source that wins" } },
	{ "config.conflict", RD_SEV_WARNING,
	  "two sources disagree",
	  { "keep one source for the setting: unset the losing variable or make both equal" } },
	{ "config.invalid_url", RD_SEV_CRITICAL,
	  "a Redis URL does not parse",
	  { "write it as redis://[user[:password]@]host[:port][/db] or rediss://...; percent-encode '@' ':' '/' '?' '#' '%' in the password (%40 %3A %2F %3F %23 %25)" } },
	{ "config.invalid_port", RD_SEV_CRITICAL,
	  "a port is not an integer in 1..65535",
	  { "set the port to digits only, e.g. REDIS_PORT=6379 (no spaces, no hex, no suffix)" } },
	{ "config.invalid_value", RD_SEV_WARNING,
	  "a setting has a value the application cannot use",
	  { "fix or unset the variable: REDIS_TLS=true|false, REDIS_DB=0, REDIS_HOST=a host name or address (a URL goes in REDIS_URL)" } },
	{ "config.env_file", RD_SEV_CRITICAL,
	  "the --env-file cannot be used",
	  { "fix the file at the line named, or drop --env-file" } },
	{ "config.candidate_works", RD_SEV_WARNING,
	  "another configuration in the environment reaches Redis; the resolved one does not",
	  { "point the application at the candidate that works, or unset the variable that wins over it" } },
	{ "config.localhost_in_container", RD_SEV_WARNING,
	  "loopback host inside a container",
	  { "set REDIS_HOST (or REDIS_URL) to the Redis service's name on the container network, not 127.0.0.1/localhost",
	    "if Redis runs on the Docker host, use host.docker.internal (with --add-host=host.docker.internal:host-gateway on Linux)" } },
	{ "config.tls_recommended", RD_SEV_WARNING,
	  "remote host over plaintext",
	  { "use a rediss:// URL, or set REDIS_TLS=true (redisdiag: --tls) if the server offers TLS on that port" } },
	{ "config.sni_ip", RD_SEV_WARNING,
	  "the configured SNI is an IP address",
	  { "set REDIS_SNI_SERVERNAME (or --sni) to the host name on the server's certificate" } },
	{ "config.sni_mismatch", RD_SEV_WARNING,
	  "the configured SNI differs from the host",
	  { "unset REDIS_SNI_SERVERNAME (or drop --sni) unless the server's certificate is for that name" } },
	/* dns */
	{ "dns.nxdomain", RD_SEV_CRITICAL,
	  "The host name does not exist (DNS NXDOMAIN)",
	  { "Check the spelling of the host in REDIS_URL / REDIS_HOST.",
	    "Inside Docker Compose or Kubernetes, use the service name as the app's network sees it (docker compose ps, kubectl get svc).",
	    "Run `redisdiag check` from where the app runs: it shows which variable the host came from." } },
	{ "dns.temporary", RD_SEV_CRITICAL,
	  "The resolver failed temporarily or could not be reached (EAI_AGAIN)",
	  { "Check the resolver in /etc/resolv.conf of the app's container and that it is reachable.",
	    "Retry with backoff: EAI_AGAIN is transient when a resolver is overloaded or starting." } },
	{ "dns.timeout", RD_SEV_CRITICAL,
	  "Name resolution timed out",
	  { "The resolver did not answer in time: check the network path to it (port 53, UDP and TCP)." } },
	{ "dns.no_address", RD_SEV_CRITICAL,
	  "The name exists but has no address of the wanted family",
	  { "The name has no A (IPv4) or AAAA (IPv6) record the client asked for: add the record or let the client use the other family (family=0 in ioredis, -4/-6 here)." } },
	/* tcp */
	{ "tcp.refused", RD_SEV_CRITICAL,
	  "Nothing listens at the host and port (connection refused)",
	  { "Check the port, and that Redis is running and bound to an address the app can reach (bind, protected-mode).",
	    "Check which variable set the host and port: `redisdiag env` shows the winner and what it shadowed." } },
	{ "tcp.timeout", RD_SEV_CRITICAL,
	  "The connection did not complete in time",
	  { "A firewall, security group or network policy drops the packets, or the address is wrong: check the path to the port.",
	    "Managed Redis often admits only private networks or allow-listed addresses." } },
	{ "tcp.unreachable", RD_SEV_CRITICAL,
	  "No route to the host or network",
	  { "The address is not reachable from the app's network: check routes, VPC peering and the address family (IPv6 without a route)." } },
	{ "tcp.reset", RD_SEV_CRITICAL,
	  "The peer reset the connection",
	  { "A reset right after connecting often means a TLS port spoken to in plaintext: try rediss:// (run `redisdiag check --tls`).",
	    "Otherwise a proxy, load balancer or idle timeout closed it: check timeouts and keepalive." } },
	{ "tcp.connect_failed", RD_SEV_CRITICAL,
	  "The client could not connect (the cause is on another line)",
	  { "Look for the 'Caused by' or inner exception of this line; explain classifies it separately.",
	    "Run `redisdiag check` with the app's environment to see each step." } },
	/* tls */
	{ "tls.plaintext_port", RD_SEV_CRITICAL,
	  "TLS was spoken to a plaintext port",
	  { "Use redis:// (no TLS) for this port, or the server's TLS port with rediss://." } },
	{ "tls.handshake_failed", RD_SEV_CRITICAL,
	  "The TLS handshake failed",
	  { "Check that the port speaks TLS, the TLS versions both sides allow, and whether the server needs a client certificate or a particular SNI.",
	    "Run `redisdiag check --tls` to see the alert and the certificate." } },
	{ "tls.cert_untrusted", RD_SEV_CRITICAL,
	  "The server certificate does not verify (self-signed or unknown CA)",
	  { "Give the client the CA that signed the server certificate (ca in ioredis/node-redis tls options, ssl_ca_certs in redis-py, --cacert here).",
	    "Do not disable verification in production." } },
	{ "tls.cert_expired", RD_SEV_CRITICAL,
	  "The server certificate has expired or is not yet valid",
	  { "Renew the server certificate; check the clock of both machines." } },
	{ "tls.hostname_mismatch", RD_SEV_CRITICAL,
	  "The certificate does not cover the host name or IP the client used",
	  { "Connect by a name the certificate lists (its SANs), or reissue it to include the name or IP the app uses.",
	    "When connecting by IP, set the TLS servername to the certificate's name." } },
	{ "tls.client_cert_required", RD_SEV_CRITICAL,
	  "The server demands a client certificate",
	  { "Configure the client certificate and key (cert/key in the client's TLS options, --cert/--key here), or set tls-auth-clients no/optional on the server." } },
	{ "tls.sni_required", RD_SEV_CRITICAL,
	  "The server rejected the TLS server name (SNI)",
	  { "Connect by host name, not IP, or set the TLS servername explicitly (servername in Node, REDIS_SNI_SERVERNAME, --sni here)." } },
	{ "tls.insecure", RD_SEV_WARNING,
	  "certificate verification is disabled",
	  { "name the CA instead: --cacert ca.crt, and drop --insecure",
	    "never disable verification in the app (rejectUnauthorized: false, ssl_cert_reqs=none)" } },
	{ "tls.cert_expiring", RD_SEV_WARNING,
	  "the server certificate expires within 14 days",
	  { "renew the server certificate before it expires and reload Redis" } },
	/* proto */
	{ "proto.tls_required", RD_SEV_CRITICAL,
	  "Plaintext was spoken to a TLS port",
	  { "Use rediss:// (or the client's tls option) for this port." } },
	{ "proto.not_redis", RD_SEV_CRITICAL,
	  "The peer answers, but not in the Redis protocol",
	  { "The host and port reach another service (HTTP, SSH, a proxy): check the port; a reply starting with 'H' is HTTP." } },
	{ "proto.timeout", RD_SEV_CRITICAL,
	  "Connected, but no reply in time",
	  { "The server is overloaded or blocked (slow commands, a long script, persistence forks), or a proxy swallows traffic: check SLOWLOG and latency.",
	    "Raise the client's command timeout only after finding the cause." } },
	{ "proto.closed", RD_SEV_CRITICAL,
	  "The server or something in between closed the connection",
	  { "Plaintext to a TLS port is closed without a reply: try rediss://.",
	    "Otherwise check the server log (maxclients, timeout, client-output-buffer-limit) and idle timeouts of proxies." } },
	{ "proto.hostile_reply", RD_SEV_CRITICAL,
	  "a reply over redisdiag's size, depth or count limits",
	  { "check that the port belongs to a genuine Redis server; a proxy or another service may be answering" } },
	/* auth */
	{ "auth.required", RD_SEV_CRITICAL,
	  "The server wants a password and none was sent (NOAUTH)",
	  { "Set the password in the app's configuration (REDIS_PASSWORD or redis://:PASSWORD@host in REDIS_URL).",
	    "Check that the variable reaches the app: `redisdiag env` shows what resolved." } },
	{ "auth.wrongpass", RD_SEV_CRITICAL,
	  "The password (or user name) was rejected",
	  { "Check the password and, for ACL users, the user name; a URL needs percent-encoding for @ : / in the password.",
	    "Check that no other variable overrides it (REDIS_PASSWORD vs the URL's password)." } },
	{ "auth.no_password_configured", RD_SEV_CRITICAL,
	  "A password was sent to a server that has none",
	  { "remove the password from the app's configuration (REDIS_PASSWORD, the URL's :PASSWORD@)",
	    "or set one on the server (requirepass, or ACL SETUSER default on >PASSWORD) if it should have one" } },
	{ "auth.noperm", RD_SEV_CRITICAL,
	  "The ACL user may not run this command",
	  { "Grant the command to the user (ACL SETUSER name +command) or use a user that has it." } },
	/* server */
	{ "server.protected_mode", RD_SEV_CRITICAL,
	  "Redis refuses remote clients in protected mode (DENIED)",
	  { "set a password on the server (requirepass) and connect with it, or bind it to the interface the app uses",
	    "CONFIG SET protected-mode no only on a trusted private network" } },
	{ "server.maxclients", RD_SEV_CRITICAL,
	  "The server has reached maxclients",
	  { "find who holds the connections: CLIENT LIST on the server (a connection leak, or too many workers/pools)",
	    "raise maxclients (and the file-descriptor limit) if the load is legitimate" } },
	{ "server.loading", RD_SEV_CRITICAL,
	  "Redis is loading its dataset (LOADING)",
	  { "wait for the load to finish (INFO persistence: loading_eta_seconds); clients should retry LOADING" } },
	{ "server.busy", RD_SEV_CRITICAL,
	  "Redis is busy running a script (BUSY)",
	  { "SCRIPT KILL or FUNCTION KILL stops a read-only script; SHUTDOWN NOSAVE is the last resort",
	    "fix the long script (busy-reply-threshold, lua-time-limit)" } },
	{ "server.masterdown", RD_SEV_CRITICAL,
	  "The replica lost its link to the primary (MASTERDOWN)",
	  { "restore the master link (INFO replication: master_link_status), or connect to the master",
	    "replica-serve-stale-data yes lets it answer with stale data meanwhile" } },
	{ "server.readonly_replica", RD_SEV_CRITICAL,
	  "The client writes to a read-only replica (READONLY)",
	  { "point the app at the master for writes" } },
	{ "server.db_out_of_range", RD_SEV_CRITICAL,
	  "SELECT failed: the database number does not exist",
	  { "use a database below the server's 'databases' setting (16 by default; managed services often allow only 0)",
	    "drop the /DB of the URL or REDIS_DB to use 0" } },
	{ "server.oom_risk", RD_SEV_CRITICAL,
	  "Writes refused: used memory is over maxmemory (OOM)",
	  { "free memory or raise maxmemory; or pick an eviction policy (maxmemory-policy allkeys-lru) for a cache" } },
	{ "server.persistence_error", RD_SEV_CRITICAL,
	  "Writes refused: the last RDB save failed (MISCONF)",
	  { "fix the disk (space, permissions) and check the server log for the failed BGSAVE/AOF write" } },
	{ "server.cluster_mode", RD_SEV_WARNING,
	  "A cluster node redirected the client (MOVED/ASK)",
	  { "use a cluster client (ioredis Redis.Cluster, node-redis createCluster, redis-py RedisCluster)",
	    "cluster mode has only database 0: drop /DB" } },
	{ "server.cluster_down", RD_SEV_CRITICAL,
	  "The cluster is down (CLUSTERDOWN)",
	  { "CLUSTER INFO shows the failing slots; restore the failed masters or their replicas" } },
	{ "server.memory_pressure", RD_SEV_WARNING,
	  "used memory is near maxmemory",
	  { "raise maxmemory or reduce the data set; evictions are dropping keys" } },
	{ "server.client_pressure", RD_SEV_WARNING,
	  "connected clients are near maxclients",
	  { "look for a connection leak (CLIENT LIST by addr/name); share one client or pool per process",
	    "raise maxclients if the load is legitimate" } },
	{ "tcp.socket_missing", RD_SEV_CRITICAL,
	  "No Unix socket at the path",
	  { "check redis.conf's unixsocket (CONFIG GET unixsocket) and that the path is the same inside the container (a shared volume)",
	    "Redis removes the socket when it stops: is redis-server running?" } },
	{ "tcp.socket_permission", RD_SEV_CRITICAL,
	  "No permission to connect to the Unix socket",
	  { "redis.conf's unixsocketperm (e.g. 770) and the socket's group decide who may connect: add the app's user to that group" } },
	{ "server.hello_unsupported", RD_SEV_WARNING,
	  "The server does not speak the protocol version HELLO asked for",
	  { "Redis 6 or later speaks RESP3 (HELLO 3); before 6 there is no HELLO: keep the client on RESP2 (redis-py protocol=2, node-redis RESP: 2, go-redis Protocol: 2)",
	    "or upgrade the server to Redis 6 or later" } },
	{ "server.error", RD_SEV_CRITICAL,
	  "the server answered with an error redisdiag does not classify",
	  { "look up the error in the server's documentation; the server log may say more" } },
	/* latency */
	{ "latency.high", RD_SEV_WARNING,
	  "PING round trips are slow",
	  { "run the app in the same region or network as Redis",
	    "check the server's LATENCY DOCTOR and SLOWLOG GET for slow commands" } },
	/* provider */
	{ "provider.northflank", RD_SEV_INFO,
	  "Northflank addon",
	  { "use the addon's connection string: REDIS_URL set to the value of NF_REDIS_URL (rediss://...addon.code.run:6379 when TLS is enabled)" } },
	{ "provider.elasticache", RD_SEV_INFO,
	  "AWS ElastiCache",
	  { "reachable only from inside its VPC (security group allowing the port from the app); with in-transit encryption use rediss://" } },
	{ "provider.azure", RD_SEV_INFO,
	  "Azure Cache for Redis",
	  { "use rediss://:ACCESS_KEY@NAME.redis.cache.windows.net:6380 (the non-TLS port 6379 is disabled by default)" } },
	{ "provider.upstash", RD_SEV_INFO,
	  "Upstash Redis",
	  { "Upstash requires TLS: use rediss://default:TOKEN@HOST:6379 (UPSTASH_REDIS_URL)" } },
	{ "provider.railway", RD_SEV_INFO,
	  "Railway private network",
	  { "the private network is IPv6 in older environments: ioredis needs family: 6 (REDIS_URL=...?family=6); from outside Railway use REDIS_PUBLIC_URL" } },
	{ "provider.fly", RD_SEV_INFO,
	  "Fly.io Flycast (private IPv6)",
	  { "Fly's private network (6PN) is IPv6-only: set family=6 (REDIS_URL=...?family=6, redisdiag -6)" } },
	{ "provider.render", RD_SEV_INFO,
	  "Render Key Value (external URL)",
	  { "the external URL needs rediss:// and an allowed source IP; inside Render use the internal URL (redis://red-...:6379)" } },
	{ "provider.memorystore", RD_SEV_INFO,
	  "Google Cloud Memorystore",
	  { "reachable only over the VPC (Cloud Run: Direct VPC egress or a connector); in-transit encryption uses port 6378 and the server CA" } },
	{ "provider.rediscloud", RD_SEV_INFO,
	  "Redis Cloud",
	  { "use the endpoint's port (not 6379) and the default user's password; if TLS is enabled on the database use rediss://" } },
	{ "provider.digitalocean", RD_SEV_INFO,
	  "DigitalOcean Managed Caching",
	  { "use rediss://default:PASSWORD@HOST:25061 (TLS is required)" } },
	{ "provider.heroku", RD_SEV_INFO,
	  "Heroku Key-Value Store",
	  { "Heroku's certificates are self-signed: use REDIS_TLS_URL/rediss:// and turn verification off in the client (ioredis tls: { rejectUnauthorized: false }; redisdiag --insecure)" } },
};

const struct rd_catalog_entry *
catalog_find(const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++)
		if (strcmp(catalog[i].id, id) == 0)
			return &catalog[i];
	return NULL;
}

const struct rd_catalog_entry *
catalog_entries(size_t *n)
{
	*n = sizeof(catalog) / sizeof(catalog[0]);
	return catalog;
}

void
catalog_title(struct rd_finding *f)
{
	const struct rd_catalog_entry *e;

	if (f == NULL || (e = catalog_find(f->id)) == NULL)
		return;
	snprintf(f->title, sizeof(f->title), "%s", e->title);
}

void
catalog_remedies(struct rd_finding *f)
{
	const struct rd_catalog_entry *e;
	size_t i;

	if (f == NULL || (e = catalog_find(f->id)) == NULL)
		return;
	for (i = 0; i < RD_MAX_REMEDY && e->remedy[i] != NULL; i++)
		finding_remedy(f, "%s", e->remedy[i]);
}
