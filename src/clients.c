/* clients.c — the client models (see clients.h): one row per client and
 * version range whose behaviour differs.
 *
 * How each row was verified (the manual repeats it):
 *   ioredis 6.0.0, 5.9.3, 5.3.2 and node-redis 6.3.1 (npm, pinned, under
 *     build/clients): constructed without connecting (lazyConnect,
 *     redis.options; createClient's parsed options and credentials) over
 *     the generated environments of tests/diff, and their source read
 *     (Redis.parseOptions, utils.parseURL, event_handler's handshake;
 *     RedisClient.parseURL, #getHandshakeCommands, socket.js).  ioredis
 *     changed twice: 5.8.2 made family 0 the default (before: IPv4 only),
 *     6.0.0 replaced url.parse() by new URL().
 *   redis-py 4.3.4 (Debian python3-redis): from_url/Redis constructed,
 *     connection_kwargs read, make_connection() called (no socket), over
 *     the same environments; connection.py read (parse_url, on_connect,
 *     SSLConnection: check_hostname False, server_hostname=host).
 *   go-redis v9.22.0 (commit c7f59a2a) and v9.14.1 (512579f2): not
 *     packaged here, so not in CI; the source fetched from GitHub, and
 *     ParseURL run here over 9000 environments (tests/diff's generator, seeds
 *     10-12), the cacheservice profile's Go reading (go_model.go's, with
 *     ParseURL in place of DialURL; the password option set when the URL
 *     gave none): v9.14.1 the whole library built with Debian's Go 1.19
 *     (the newest v9 that builds with it), v9.22.0's ParseURL and helpers
 *     taken verbatim from options.go (it needs Go 1.24); v9.14.1 also
 *     dialled over a pipe (Options.Dialer): its HELLO 3 AUTH user pass and
 *     SELECT are the modelled ones in all 2010 connectable environments
 *     of seed 10.  Read: options.go
 *     (ParseURL, setupTCPConn, getHostPortWithDefaults — 9.22.0 drops a
 *     URL's brackets, before it "[[::1]]:6379" —, setupConnParams: ?db=
 *     over the path, any other key an error), NewDialer (net.Dialer, both
 *     families; tls.DialWithDialer with ServerName = the host), commands.go
 *     Hello (HELLO 3 AUTH only with a password, user "default").
 *   redigo 1.8.3 (Debian golang-github-gomodule-redigo-dev): run in CI by
 *     tests/diff (go_model.go: DialURL / Dial over a net.Pipe, the address,
 *     the ClientHello's server name, AUTH and SELECT recorded), and
 *     redis/conn.go read: user info without ':' is dropped, a URL password
 *     that is present wins (empty included: no AUTH), SNI is the host,
 *     the path must be /N, an empty port is port 0.
 *   redis-cli 7.0 (Debian redis-tools): parseRedisUri and cliAuth read;
 *     hiredis's connect (IPv4 first, then IPv6) and its TLS (chain only, SNI
 *     only with --sni).
 *   redisdiag: SPEC section 4, the generic profile's own reading.
 * The handshake (resp, hello_fallback, nopass_tolerated), each run
 *   against a real redis-server 7.0 with no password and the password
 *   "x" (tests/bats/handshake.bats), and one started with HELLO renamed
 *   away (a server without HELLO):
 *   ioredis 6.0.0: protocol 3 by default (RedisOptions), HELLO 3 [AUTH
 *     user pw] (event_handler getHandshakeCommands); NOPROTO or an
 *     unknown-command HELLO downgrades to RESP2 and sends AUTH
 *     (isProtocolNegotiationError); PONG on both servers.
 *   ioredis 5.x: AUTH; handleAuthError logs "[WARN] ... does not require
 *     a password" and goes on (every ioredis): PONG.
 *   node-redis 6.3.1: DEFAULT_RESP 3, HELLO 3 [AUTH user|default pw]
 *     (#getHandshakeCommands), no fallback: an unknown HELLO fails the
 *     connection; RESP: 2 sends AUTH, whose error fails it too.
 *   redis-py 4.3.4: AUTH, ResponseError on the error.  redigo: AUTH, the
 *     dial fails.  go-redis v9 (source: redis.go initConn, commands.go
 *     Hello): HELLO 3 [AUTH user|default pw], a Redis error reply to it
 *     falls back to AUTH (9.0: "ERR unknown command" only), whose error
 *     fails the connection.  redis-cli 7.0: AUTH, "AUTH failed: ..." on
 *     stderr and it goes on (PONG, exit 0).
 * The cluster API (cluster_api, follows_moved): the plain constructors
 *   modelled here talk to one node and return MOVED to the caller;
 *   ioredis Redis.Cluster, node-redis createCluster, redis-py RedisCluster
 *   (4.1+), go-redis NewClusterClient and redis-cli -c follow it; redigo
 *   has none built in.
 * unix:// (the unix_url column): ioredis 6.0.0/5.9.3/5.3.2 and node-redis
 *   6.3.1 constructed with unix:// URLs and bare paths (options.path,
 *   socket.path), redis-py 4.3.4 from_url and a PING over a socket
 *   (tests/bats/unix_env.bats); redigo's
 *   DialURL and redis-cli 7.0.15 (run: "Invalid URI scheme") refuse it.
 *   go-redis v9: setupUnixConn (options.go) read, not run with a socket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"

#define V(a, b, c)	((long)(a) * 10000 + (b) * 100 + (c))
#define ANY_Q		(RD_Q_PASSWORD | RD_Q_DB | RD_Q_TLS | RD_Q_SSL | \
			 RD_Q_FAMILY | RD_Q_PORT | RD_Q_USERNAME)

/* What both go-redis rows share: the URL reading (ParseURL) and, after
 * the columns that differ, the option names, the handshake and the
 * cluster API. */
#define GO_REDIS_URL \
	RD_UR_GO, false, false, true, RD_UO_USER_OPTION_PASSWORD, \
	RD_MERGE_URL_TRUTHY, RD_Q_DB | RD_Q_UNKNOWN_THROWS, false, RD_DB_STRICT
#define GO_REDIS_OPTIONS \
	"TLSConfig: &tls.Config{ServerName: \"%s\"}", \
	"(net.Dialer, both families)", "TLSConfig: &tls.Config{}", "Password", \
	"redis.ParseURL(url), Password set when the URL gave none, then " \
	"NewClient; or redis.Options{Addr: net.JoinHostPort(host, port), " \
	"Password}", \
	true, 3, true, false, "Protocol: 2", \
	"redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{addr}, " \
	"Password})", false

static const struct rd_client_model models[] = {
	{ "ioredis", "6", V(6, 0, 0), V(6, 99, 99),
	  "6.0.0 (npm; run, source read)", "node",
	  RD_UR_NODE_WHATWG, true, true, true, RD_UO_USER_EMPTY_PASSWORD,
	  RD_MERGE_URL_DEFINED, ANY_Q | RD_Q_EVERY_KEY, true, RD_DB_PARSEINT,
	  true, true, false, false, false, RD_SNI_NONE, 0, true, false, true, false,
	  "new URL() refusing the URL (TypeError: Invalid URL), a bad %-escape in the user info (URIError)",
	  "tls: { servername: '%s' }", "family: 0", "tls: {}", "password",
	  "new Redis(url, { password }) or new Redis({ host, port, password })",
	  true,
	  3, true, true, "protocol: 2",
	  "new Redis.Cluster([{ host, port }], { redisOptions: { password } })", false },
	{ "ioredis", "5.8.2-5", V(5, 8, 2), V(5, 99, 99),
	  "5.9.3 (npm; run, source read)", "node",
	  RD_UR_NODE_LEGACY, true, true, true, RD_UO_USER_EMPTY_PASSWORD,
	  RD_MERGE_URL_DEFINED, ANY_Q | RD_Q_EVERY_KEY, true, RD_DB_PARSEINT,
	  true, true, false, false, false, RD_SNI_NONE, 0, true, false, true, false,
	  "a bad %-escape in the user info (URIError from url.parse)",
	  "tls: { servername: '%s' }", "family: 0", "tls: {}", "password",
	  "new Redis(url, { password }) or new Redis({ host, port, password })",
	  true,
	  0, false, true, "",
	  "new Redis.Cluster([{ host, port }], { redisOptions: { password } })", false },
	{ "ioredis", "5.0-5.8.1", V(5, 0, 0), V(5, 8, 1),
	  "5.3.2 (npm; run, source read)", "node",
	  RD_UR_NODE_LEGACY, true, true, true, RD_UO_USER_EMPTY_PASSWORD,
	  RD_MERGE_URL_DEFINED, ANY_Q | RD_Q_EVERY_KEY, true, RD_DB_PARSEINT,
	  true, true, false, false, false, RD_SNI_NONE, 4, true, false, true, false,
	  "a bad %-escape in the user info (URIError from url.parse)",
	  "tls: { servername: '%s' }", "family: 0 (or 6)", "tls: {}", "password",
	  "new Redis(url, { password }) or new Redis({ host, port, password })",
	  true,
	  0, false, true, "",
	  "new Redis.Cluster([{ host, port }], { redisOptions: { password } })", false },
	{ "node-redis", "6", V(5, 0, 0), V(6, 99, 99),
	  "6.3.1 (npm; run, source read)", "node",
	  RD_UR_WHATWG, false, true, true, RD_UO_USER_NO_AUTH,
	  RD_MERGE_URL_TRUTHY, 0, false, RD_DB_NUMBER,
	  true, true, false, false, false, RD_SNI_NONE, 0, true, true, false, false,
	  "a URL new URL() refuses or whose scheme is not redis:/rediss:, a path that is not a number, a bad %-escape in the user info",
	  "socket: { servername: '%s' }", "socket: { family: 0 }",
	  "socket: { tls: true }", "password",
	  "createClient({ url, password }) or createClient({ socket: { host, port }, password })",
	  true,
	  3, false, false, "RESP: 2",
	  "createCluster({ rootNodes: [{ url }], defaults: { password } })", false },
	{ "redis-py", "4", V(4, 0, 0), V(4, 99, 99),
	  "4.3.4 (Debian python3-redis; run, source read)", "python",
	  RD_UR_PYTHON, false, false, false, RD_UO_USER_OPTION_PASSWORD,
	  RD_MERGE_URL_TRUTHY, RD_Q_PASSWORD | RD_Q_DB | RD_Q_PORT |
	  RD_Q_USERNAME | RD_Q_UNKNOWN_THROWS, false, RD_DB_INT_OR_IGNORE,
	  false, true, false, false, false, RD_SNI_HOST, 0, false, false, false, false,
	  "a scheme other than redis/rediss/unix, a port that is not a number, ?db= that is not one; an unknown query key raises TypeError when the connection is made; int() of a bad REDIS_PORT kills the service at start",
	  "ssl_server_hostname (redis-py 5+; 4.x sends the host)",
	  "(getaddrinfo, both families)", "ssl=True", "password",
	  "redis.from_url(url, password=...) or redis.Redis(host=..., port=..., password=...)",
	  true,
	  0, false, false, "",
	  "redis.cluster.RedisCluster(host=..., port=..., password=...) (redis-py 4.1+)", false },
	{ "go-redis", "9.22-9", V(9, 22, 0), V(9, 99, 99),
	  "v9.22.0 (source fetched, ParseURL run here over 9000 environments; not in CI: not packaged)", "go",
	  GO_REDIS_URL,
	  false, false, true, false, false, RD_SNI_HOST, 0, true, true, false, false,
	  "ParseURL: a URL net/url refuses (control characters, white space in the host, a bad escape, a bad port), a scheme other than redis/rediss/unix, a path that is not a number, ?db= that is not one, an unknown query key; a port over 65535 or 0, a bracketed REDIS_HOST (net.JoinHostPort wraps it again): the dial fails before any packet",
	  GO_REDIS_OPTIONS },
	{ "go-redis", "9.0-9.21", V(9, 0, 0), V(9, 21, 99),
	  "v9.14.1 (source fetched, the library built and ParseURL run here over 9000 environments; not in CI: not packaged)", "go",
	  GO_REDIS_URL,
	  false, false, true, true, false, RD_SNI_HOST, 0, true, true, false, false,
	  "as 9.22, and a URL's [::1] without a port keeps its brackets (\"[[::1]]:6379\": the dial fails)",
	  GO_REDIS_OPTIONS },
	{ "redigo", "1", V(1, 0, 0), V(1, 99, 99),
	  "1.8.3 (Debian golang-github-gomodule-redigo-dev; run in CI: dialled over a pipe, tests/diff)", "go",
	  RD_UR_GO, false, false, true, RD_UO_IGNORED,
	  RD_MERGE_URL_DEFINED, 0, false, RD_DB_STRICT,
	  false, false, true, true, true, RD_SNI_HOST, 0, true, true, false, false,
	  "DialURL: a URL net/url refuses (control characters, white space in the host, a bad escape, a bad port), a scheme other than redis/rediss, a path other than /N; an empty or bad port, a bracketed REDIS_HOST or a URL's [::1] without a port (net.JoinHostPort wraps it again): the dial fails before any packet",
	  "redis.DialTLSConfig(&tls.Config{ServerName: \"%s\"})", "(net.Dialer, both families)",
	  "redis.DialUseTLS(true)", "redis.DialPassword",
	  "redis.DialURL(url, redis.DialPassword(...)) or redis.Dial(\"tcp\", net.JoinHostPort(host, port), redis.DialPassword(...))",
	  false,
	  0, false, false, "",
	  "github.com/mna/redisc's cluster over its pool (redigo has none built in)", false },
	{ "redis-cli", "7", V(6, 0, 0), V(7, 99, 99),
	  "7.0.15 (Debian redis-tools; run here and in CI: the real redis-cli -u against a loopback capture, clients_rediscli.bats; source read: parseRedisUri, cliAuth, parseEnv, hiredis net.c/ssl.c)", "c",
	  RD_UR_HIREDIS, false, false, true, RD_UO_PASSWORD,
	  RD_MERGE_URL_DEFINED, 0, false, RD_DB_PARSEINT,
	  false, true, false, false, false, RD_SNI_NONE, 0, false, false, false, true,
	  "a URL without redis:// or rediss://, a bad %-escape in the user info (Illegal character in URI encoding): it exits 1",
	  "--sni %s", "(IPv4 first, then IPv6)", "--tls", "-a / REDISCLI_AUTH",
	  "redis-cli -u URL, or -h/-p/-a",
	  false,
	  0, false, true, "",
	  "redis-cli -c", false },
	{ "redisdiag", "1", 0, V(99, 99, 99),
	  "this program (SPEC section 4)", "",
	  RD_UR_STRICT, false, false, false, RD_UO_PASSWORD,
	  RD_MERGE_URL_TRUTHY, RD_Q_DB | RD_Q_TLS | RD_Q_SSL | RD_Q_FAMILY, false,
	  RD_DB_STRICT, false, false, false, false, false, RD_SNI_HOST, 0, true, false,
	  false, false,
	  "nothing: an unusable value is a config.* finding",
	  "--sni %s", "-4 / -6", "--tls", "-a / REDISCLI_AUTH",
	  "redisdiag check",
	  true,
	  0, false, false, "",
	  "", false },
};

#define NMODELS	(sizeof(models) / sizeof(models[0]))

const struct rd_client_model *
client_models(size_t *n)
{
	*n = NMODELS;
	return models;
}

/* "6", "5.8", "5.3.2" → MAJOR*10000+MINOR*100+PATCH; -1 when not a
 * version.  A missing part is 0. */
static long
parse_version(const char *s)
{
	long part[3] = { 0, 0, 0 };
	int i = 0;
	char *end;

	if (*s == 'v')
		s++;
	for (;;) {
		if (*s < '0' || *s > '9')
			return -1;
		part[i] = strtol(s, &end, 10);
		if (part[i] > 99)
			return -1;
		s = end;
		if (*s == '\0')
			break;
		if (*s != '.' || ++i > 2)
			return -1;
		s++;
	}
	return V(part[0], part[1], part[2]);
}

const struct rd_client_model *
client_find(const char *spec, const char **why)
{
	char name[64];
	const char *at = strchr(spec, '@');
	long v = -1, hi;
	size_t i, n = at ? (size_t)(at - spec) : strlen(spec);

	*why = NULL;
	if (n == 0 || n >= sizeof(name)) {
		*why = "not a client name (try env --list-clients)";
		return NULL;
	}
	memcpy(name, spec, n);
	name[n] = '\0';
	if (at != NULL && (v = parse_version(at + 1)) < 0) {
		*why = "the version is not N[.N[.N]]";
		return NULL;
	}
	/* "@5" means the newest 5.x this table knows: the top of 5.99.99. */
	if (at != NULL && strchr(at + 1, '.') == NULL)
		hi = v + 9999;
	else
		hi = v;
	for (i = 0; i < NMODELS; i++) {
		if (strcmp(models[i].name, name) != 0)
			continue;
		if (v < 0)
			return &models[i];	/* rows are newest first */
		if (hi >= models[i].vmin && hi <= models[i].vmax)
			return &models[i];
		if (hi > models[i].vmax && v <= models[i].vmax)
			return &models[i];
	}
	for (i = 0; i < NMODELS; i++)
		if (strcmp(models[i].name, name) == 0) {
			*why = "no model for that version (try env --list-clients)";
			return NULL;
		}
	*why = "unknown client (try env --list-clients)";
	return NULL;
}

const char *
client_label(const struct rd_client_model *m, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s@%s", m->name, m->version);
	return buf;
}
