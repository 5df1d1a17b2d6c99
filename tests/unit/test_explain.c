/* test_explain.c — the explain pattern table, line by line.
 *
 * Real error lines from redis-cli/hiredis, ioredis, node-redis, redis-py,
 * go-redis, Jedis, Lettuce, StackExchange.Redis, Predis, phpredis and
 * redis-rb, each with the finding id, host, port and client explain must
 * extract; lines that must not match; and redaction of pasted secrets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"
#include "explain.h"

struct row {
	const char *line;
	const char *id;
	const char *host;	/* "" = none extracted */
	int	 port;
	const char *client;	/* "" = unknown */
};

static const struct row rows[] = {
	/* redis-cli / hiredis */
	{ "Could not connect to Redis at 127.0.0.1:6379: Connection refused",
	  "tcp.refused", "127.0.0.1", 6379, "redis-cli" },
	{ "Could not connect to Redis at redis:6379: Name or service not known",
	  "dns.nxdomain", "redis", 6379, "redis-cli" },
	{ "Could not connect to Redis at cache.internal:6379: Temporary failure in name resolution",
	  "dns.temporary", "cache.internal", 6379, "redis-cli" },
	{ "Could not connect to Redis at 10.0.0.5:6379: Connection timed out",
	  "tcp.timeout", "10.0.0.5", 6379, "redis-cli" },
	{ "Could not connect to Redis at 10.0.0.5:6379: No route to host",
	  "tcp.unreachable", "10.0.0.5", 6379, "redis-cli" },
	{ "Could not connect to Redis at 127.0.0.1:6380: SSL_connect failed: certificate verify failed",
	  "tls.cert_untrusted", "127.0.0.1", 6380, "redis-cli" },
	{ "Error: Connection reset by peer", "tcp.reset", "", 0, "redis-cli" },
	{ "Error: Server closed the connection", "proto.closed", "", 0, "redis-cli" },
	{ "(error) NOAUTH Authentication required.", "auth.required", "", 0, "redis-cli" },
	{ "AUTH failed: WRONGPASS invalid username-password pair or user is disabled.",
	  "auth.wrongpass", "", 0, "redis-cli" },
	{ "Error: Protocol error, got \"H\" as reply type byte", "proto.not_redis", "", 0, "redis-cli" },
	{ "Error: Protocol error, got \"\\x15\" as reply type byte", "proto.tls_required", "", 0, "redis-cli" },
	{ "(error) DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.",
	  "server.protected_mode", "", 0, "redis-cli" },
	{ "(error) LOADING Redis is loading the dataset in memory", "server.loading", "", 0, "redis-cli" },
	{ "(error) MOVED 3999 127.0.0.1:6381", "server.cluster_mode", "127.0.0.1", 6381, "redis-cli" },
	{ "(error) CLUSTERDOWN The cluster is down", "server.cluster_down", "", 0, "redis-cli" },
	{ "(error) READONLY You can't write against a read only replica.",
	  "server.readonly_replica", "", 0, "redis-cli" },
	{ "(error) OOM command not allowed when used memory > 'maxmemory'.",
	  "server.oom_risk", "", 0, "redis-cli" },
	{ "(error) MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.",
	  "server.persistence_error", "", 0, "redis-cli" },
	{ "(error) MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
	  "server.masterdown", "", 0, "redis-cli" },
	{ "(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
	  "server.busy", "", 0, "redis-cli" },
	{ "(error) ERR DB index is out of range", "server.db_out_of_range", "", 0, "redis-cli" },
	{ "(error) NOPERM this user has no permissions to run the 'info' command",
	  "auth.noperm", "", 0, "redis-cli" },
	{ "-ERR max number of clients reached", "server.maxclients", "", 0, "" },

	/* ioredis and plain Node */
	{ "Error: connect ECONNREFUSED 127.0.0.1:6379", "tcp.refused", "127.0.0.1", 6379, "node" },
	{ "[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379",
	  "tcp.refused", "127.0.0.1", 6379, "ioredis" },
	{ "Error: connect ECONNREFUSED ::1:6379", "tcp.refused", "::1", 6379, "node" },
	{ "Error: getaddrinfo ENOTFOUND redis", "dns.nxdomain", "redis", 0, "node" },
	{ "Error: getaddrinfo EAI_AGAIN redis-master.default.svc.cluster.local",
	  "dns.temporary", "redis-master.default.svc.cluster.local", 0, "node" },
	{ "Error: getaddrinfo EAI_AGAIN", "dns.temporary", "", 0, "node" },
	{ "Error: connect ETIMEDOUT", "tcp.timeout", "", 0, "node" },
	{ "Error: connect EHOSTUNREACH 10.0.0.5:6379", "tcp.unreachable", "10.0.0.5", 6379, "node" },
	{ "Error: read ECONNRESET", "tcp.reset", "", 0, "node" },
	{ "ReplyError: NOAUTH Authentication required.", "auth.required", "", 0, "ioredis" },
	{ "ReplyError: ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
	  "auth.no_password_configured", "", 0, "ioredis" },
	{ "Error: self signed certificate in certificate chain", "tls.cert_untrusted", "", 0, "" },
	{ "Error: unable to verify the first certificate", "tls.cert_untrusted", "", 0, "" },
	{ "Error: self-signed certificate", "tls.cert_untrusted", "", 0, "" },
	{ "Error: certificate has expired", "tls.cert_expired", "", 0, "" },
	{ "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: redis.example.com. is not in the cert's altnames: DNS:other.example.com",
	  "tls.hostname_mismatch", "", 0, "node" },
	{ "Error: write EPROTO 140105462535104:error:1408F10B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:332:",
	  "tls.plaintext_port", "", 0, "node" },
	{ "Error: Client network socket disconnected before secure TLS connection was established",
	  "tls.handshake_failed", "", 0, "" },
	{ "Error: Connection is closed.", "proto.closed", "", 0, "" },

	/* node-redis */
	{ "SocketClosedUnexpectedlyError: Socket closed unexpectedly", "proto.closed", "", 0, "node-redis" },
	{ "ConnectionTimeoutError: Connection timeout", "tcp.timeout", "", 0, "node-redis" },
	{ "[ErrorReply: WRONGPASS invalid username-password pair or user is disabled.]",
	  "auth.wrongpass", "", 0, "node-redis" },
	{ "Error: Redis connection to localhost:6379 failed - connect ECONNREFUSED 127.0.0.1:6379",
	  "tcp.refused", "127.0.0.1", 6379, "node-redis" },

	/* redis-py */
	{ "redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.",
	  "tcp.refused", "localhost", 6379, "redis-py" },
	{ "redis.exceptions.ConnectionError: Error -2 connecting to redis:6379. Name or service not known.",
	  "dns.nxdomain", "redis", 6379, "redis-py" },
	{ "redis.exceptions.ConnectionError: Error -3 connecting to redis:6379. Temporary failure in name resolution.",
	  "dns.temporary", "redis", 6379, "redis-py" },
	{ "redis.exceptions.ConnectionError: Error 110 connecting to 10.1.2.3:6379. Connection timed out.",
	  "tcp.timeout", "10.1.2.3", 6379, "redis-py" },
	{ "redis.exceptions.TimeoutError: Timeout connecting to server", "tcp.timeout", "", 0, "redis-py" },
	{ "redis.exceptions.TimeoutError: Timeout reading from socket", "proto.timeout", "", 0, "redis-py" },
	{ "redis.exceptions.ConnectionError: Error 104 while writing to socket. Connection reset by peer.",
	  "tcp.reset", "", 0, "redis-py" },
	{ "redis.exceptions.ConnectionError: Connection closed by server.", "proto.closed", "", 0, "redis-py" },
	{ "redis.exceptions.AuthenticationError: Authentication required.", "auth.required", "", 0, "redis-py" },
	{ "redis.exceptions.ConnectionError: Error 1 connecting to cache.example.com:6380. [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate in certificate chain (_ssl.c:1131).",
	  "tls.cert_untrusted", "cache.example.com", 6380, "redis-py" },
	{ "redis.exceptions.ConnectionError: Error 1 connecting to 127.0.0.1:6379. [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1129).",
	  "tls.plaintext_port", "127.0.0.1", 6379, "redis-py" },
	{ "redis.exceptions.ResponseError: MISCONF Redis is configured to save RDB snapshots",
	  "server.persistence_error", "", 0, "redis-py" },
	{ "redis.exceptions.ConnectionError: Error 61 connecting to localhost:6379. Connection refused.",
	  "tcp.refused", "localhost", 6379, "redis-py" },
	{ "redis.exceptions.ConnectionError: Error 10061 connecting to localhost:6379. No connection could be made because the target machine actively refused it.",
	  "tcp.refused", "localhost", 6379, "redis-py" },

	/* go-redis */
	{ "dial tcp 10.0.0.5:6379: i/o timeout", "tcp.timeout", "10.0.0.5", 6379, "go-redis" },
	{ "dial tcp 127.0.0.1:6379: connect: connection refused", "tcp.refused", "127.0.0.1", 6379, "go-redis" },
	{ "dial tcp [::1]:6379: connect: connection refused", "tcp.refused", "::1", 6379, "go-redis" },
	{ "dial tcp: lookup redis on 127.0.0.11:53: no such host", "dns.nxdomain", "redis", 0, "go-redis" },
	{ "dial tcp: lookup redis.internal on 10.96.0.10:53: read udp 10.244.1.7:51234->10.96.0.10:53: i/o timeout",
	  "dns.timeout", "redis.internal", 0, "go-redis" },
	{ "dial tcp: lookup redis on 10.96.0.10:53: server misbehaving", "dns.temporary", "redis", 0, "go-redis" },
	{ "read tcp 10.0.0.2:45678->10.0.0.5:6379: read: connection reset by peer",
	  "tcp.reset", "10.0.0.5", 6379, "go-redis" },
	{ "read tcp 10.0.0.2:45678->10.0.0.5:6379: i/o timeout", "proto.timeout", "10.0.0.5", 6379, "go-redis" },
	{ "dial tcp 10.0.0.5:6379: connect: no route to host", "tcp.unreachable", "10.0.0.5", 6379, "go-redis" },
	{ "x509: certificate signed by unknown authority", "tls.cert_untrusted", "", 0, "go-redis" },
	{ "x509: certificate has expired or is not yet valid: current time 2024-05-01T10:00:00Z is after 2024-04-01T00:00:00Z",
	  "tls.cert_expired", "", 0, "go-redis" },
	{ "x509: certificate is valid for redis.internal, not redis.example.com", "tls.hostname_mismatch", "", 0, "go-redis" },
	{ "tls: first record does not look like a TLS handshake", "tls.plaintext_port", "", 0, "" },
	{ "remote error: tls: certificate required", "tls.client_cert_required", "", 0, "" },
	{ "redis: invalid reply: \"HTTP/1.1 400 Bad Request\\r\\n\"", "proto.not_redis", "", 0, "go-redis" },

	/* Jedis */
	{ "redis.clients.jedis.exceptions.JedisConnectionException: Failed to connect to any host resolved for DNS name.",
	  "tcp.connect_failed", "", 0, "jedis" },
	{ "redis.clients.jedis.exceptions.JedisConnectionException: java.net.ConnectException: Connection refused (Connection refused)",
	  "tcp.refused", "", 0, "jedis" },
	{ "redis.clients.jedis.exceptions.JedisConnectionException: java.net.UnknownHostException: redis-master: Name or service not known",
	  "dns.nxdomain", "redis-master", 0, "jedis" },
	{ "redis.clients.jedis.exceptions.JedisConnectionException: java.net.SocketTimeoutException: connect timed out",
	  "tcp.timeout", "", 0, "jedis" },
	{ "redis.clients.jedis.exceptions.JedisConnectionException: java.net.SocketTimeoutException: Read timed out",
	  "proto.timeout", "", 0, "jedis" },
	{ "redis.clients.jedis.exceptions.JedisConnectionException: Unexpected end of stream.",
	  "proto.closed", "", 0, "jedis" },
	{ "redis.clients.jedis.exceptions.JedisDataException: ERR Client sent AUTH, but no password is set",
	  "auth.no_password_configured", "", 0, "jedis" },
	{ "redis.clients.jedis.exceptions.JedisMovedDataException: MOVED 15495 10.0.1.12:6379",
	  "server.cluster_mode", "10.0.1.12", 6379, "jedis" },
	{ "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
	  "tls.cert_untrusted", "", 0, "" },
	{ "Caused by: java.net.NoRouteToHostException: No route to host", "tcp.unreachable", "", 0, "" },

	/* Lettuce */
	{ "io.lettuce.core.RedisConnectionException: Unable to connect to redis.example.com:6379",
	  "tcp.connect_failed", "redis.example.com", 6379, "lettuce" },
	{ "io.lettuce.core.RedisConnectionException: Unable to connect to localhost/<unresolved>:6379",
	  "tcp.connect_failed", "localhost", 6379, "lettuce" },
	{ "Caused by: io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: localhost/127.0.0.1:6379",
	  "tcp.refused", "127.0.0.1", 6379, "" },
	{ "io.lettuce.core.RedisCommandExecutionException: NOAUTH Authentication required.",
	  "auth.required", "", 0, "lettuce" },
	{ "io.lettuce.core.RedisCommandTimeoutException: Command timed out after 1 minute(s)",
	  "proto.timeout", "", 0, "lettuce" },
	{ "io.lettuce.core.RedisConnectionException: Unable to connect to 10.0.0.5:6380: io.netty.handler.ssl.NotSslRecordException: not an SSL/TLS record: 2d4552520d0a",
	  "tls.plaintext_port", "10.0.0.5", 6380, "lettuce" },

	/* StackExchange.Redis */
	{ "StackExchange.Redis.RedisConnectionException: It was not possible to connect to the redis server(s). UnableToConnect on redis:6379/Interactive, Initializing/NotStarted, last: NONE, origin: BeginConnectAsync, outstanding: 0, last-read: 0s ago, last-write: 0s ago, keep-alive: 60s, state: Connecting, mgr: 10 of 10 available, last-heartbeat: never, global: 0s ago, v: 2.2.4.27433",
	  "tcp.connect_failed", "redis", 6379, "StackExchange.Redis" },
	{ "StackExchange.Redis.RedisConnectionException: It was not possible to connect to the redis server(s). ConnectTimeout",
	  "tcp.timeout", "", 0, "StackExchange.Redis" },
	{ "StackExchange.Redis.RedisConnectionException: AuthenticationFailure on cache.redis.cache.windows.net:6380/Interactive, Initializing/NotStarted, last: NONE, origin: ReadFromPipe, outstanding: 0",
	  "auth.wrongpass", "cache.redis.cache.windows.net", 6380, "StackExchange.Redis" },
	{ "StackExchange.Redis.RedisServerException: NOAUTH Returned - connection has not yet authenticated",
	  "auth.required", "", 0, "StackExchange.Redis" },

	/* Predis */
	{ "Predis\\Connection\\ConnectionException: Connection refused [tcp://127.0.0.1:6379]",
	  "tcp.refused", "127.0.0.1", 6379, "predis" },
	{ "Predis\\Connection\\ConnectionException: php_network_getaddresses: getaddrinfo failed: Name or service not known [tcp://redis:6379]",
	  "dns.nxdomain", "redis", 6379, "predis" },
	{ "Predis\\Response\\ServerException: NOAUTH Authentication required.",
	  "auth.required", "", 0, "predis" },

	/* phpredis */
	{ "RedisException: Connection refused", "tcp.refused", "", 0, "phpredis" },
	{ "PHP Fatal error:  Uncaught RedisException: read error on connection to 127.0.0.1:6379 in /var/www/app.php:12",
	  "proto.closed", "127.0.0.1", 6379, "phpredis" },
	{ "RedisException: php_network_getaddresses: getaddrinfo for redis failed: Temporary failure in name resolution",
	  "dns.temporary", "redis", 0, "phpredis" },
	{ "RedisException: OOM command not allowed when used memory > 'maxmemory'.", "server.oom_risk", "", 0, "phpredis" },

	/* redis-rb */
	{ "Redis::CannotConnectError: Error connecting to Redis on 127.0.0.1:6379 (Errno::ECONNREFUSED)",
	  "tcp.refused", "127.0.0.1", 6379, "redis-rb" },
	{ "Redis::CannotConnectError: Error connecting to Redis on redis:6379 (SocketError)",
	  "dns.nxdomain", "redis", 6379, "redis-rb" },
	{ "Redis::CannotConnectError: Error connecting to Redis on 10.0.0.5:6379 (Errno::ETIMEDOUT)",
	  "tcp.timeout", "10.0.0.5", 6379, "redis-rb" },
	{ "RedisClient::CannotConnectError: Connection refused - connect(2) for 127.0.0.1:6379",
	  "tcp.refused", "127.0.0.1", 6379, "redis-rb" },
	{ "Redis::CommandError: WRONGPASS invalid username-password pair or user is disabled.",
	  "auth.wrongpass", "", 0, "redis-rb" },
	{ "OpenSSL::SSL::SSLError: SSL_connect returned=1 errno=0 peeraddr=10.0.0.5:6380 state=error: certificate verify failed (unable to get local issuer certificate)",
	  "tls.cert_untrusted", "10.0.0.5", 6380, "redis-rb" },
	{ "Redis::ConnectionError: Connection lost (ECONNRESET)", "tcp.reset", "", 0, "redis-rb" },
};

/* Lines that name no Redis failure: explain must stay quiet. */
static const char *const quiet_lines[] = {
	"",
	"2024-05-01T12:34:56.789Z INFO server started on port 3000",
	"GET /healthz 200 1.2ms",
	"redis: nil",
	"    at Connection.connect (Connection.java:204)",
	"Ready to accept connections tcp",
	"Loading module ./dist/index.js",
	"user logged in: alice@example.com",
	"PONG",
	"OK",
	"the device is BUSY right now",
	"Accepted 10.0.0.5:51234",
	"debug: cache miss for key user:42",
	"WARN slow request took 1500ms",
};

static void
test_table(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rd_explain_line l;
		bool ok = explain_classify(rows[i].line, NULL, &l, NULL, 0);

		if (!ok || strcmp(l.id, rows[i].id) != 0 ||
		    strcmp(l.host, rows[i].host) != 0 || l.port != rows[i].port ||
		    strcmp(l.client, rows[i].client) != 0) {
			print_error("row %zu: %s\n  want id=%s host=%s port=%d client=%s\n"
			    "  got  ok=%d id=%s host=%s port=%d client=%s\n", i,
			    rows[i].line, rows[i].id, rows[i].host, rows[i].port,
			    rows[i].client, ok, ok ? l.id : "", ok ? l.host : "",
			    ok ? l.port : 0, ok ? l.client : "");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_true(i >= 40);
}

static void
test_quiet(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(quiet_lines) / sizeof(quiet_lines[0]); i++) {
		struct rd_explain_line l;
		if (explain_classify(quiet_lines[i], NULL, &l, NULL, 0)) {
			print_error("matched %s as %s\n", quiet_lines[i], l.id);
			fail();
		}
	}
}

/* Every id explain produces has knowledge, and every one of them is a
 * SPEC section 7 id (or the documented tcp.connect_failed). */
static void
test_knowledge(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct rd_catalog_entry *k = catalog_find(rows[i].id);
		assert_non_null(k);
		assert_non_null(k->title);
		assert_non_null(k->remedy[0]);
	}
	assert_null(catalog_find("no.such_id"));
}

struct redact_case {
	const char *in;
	const char *secret;	/* must not appear in the output */
	const char *keep;	/* must appear */
};

static const struct redact_case redact_cases[] = {
	{ "Error: connect ECONNREFUSED while using redis://default:Canary-77x@cache:6379/0",
	  "Canary-77x", "redis://default:****@cache:6379/0" },
	{ "connecting to rediss://:Canary-77x@10.0.0.5:6380", "Canary-77x", "rediss://:****@10.0.0.5:6380" },
	/* A raw '/' or '@' inside a pasted password: the user info ends at
	 * the token's last '@' (found by scripts/secret-audit). */
	{ "rediss://default:Can/ary-77x@cache.example.com:6380", "ary-77x", "rediss://default:****@cache.example.com:6380" },
	{ "redis://u:p@Canary-77x/w@h:6379", "Canary-77x", "redis://u:****@h:6379" },
	/* A quoted password after a word that names a secret. */
	{ "AuthenticationError: invalid pair (password 'Canary 77x')", "Canary 77x", "(password '****')" },
	{ "auth failed with password \"Canary-77x\" for user", "Canary-77x", "password \"****\" for user" },
	/* A port closed by punctuation is not a truncated password. */
	{ "ConnectionException: refused [tcp://redis:6379]", NULL, "[tcp://redis:6379]" },
	{ "REDIS_URL=redis://Canary-77x@cache:6379", "Canary-77x", "cache:6379" },
	{ "$ redis-cli -h cache -a Canary-77x ping", "Canary-77x", "-a ****" },
	{ "redis-cli --pass Canary-77x", "Canary-77x", "--pass ****" },
	{ "> AUTH Canary-77x", "Canary-77x", "AUTH ****" },
	{ "> auth default Canary-77x", "Canary-77x", "auth ****" },
	{ "cache:6380,password=Canary-77x,ssl=True,abortConnect=False", "Canary-77x", "ssl=True" },
	{ "REDIS_PASSWORD=Canary-77x node app.js", "Canary-77x", "REDIS_PASSWORD=****" },
	{ "{\"host\":\"cache\",\"password\":\"Canary-77x\"}", "Canary-77x", "\"password\":\"****\"" },
	{ "options: { password: 'Canary-77x', host: 'cache' }", "Canary-77x", "host: 'cache'" },
	{ "requirepass Canary-77x", "Canary-77x", "requirepass ****" },
	/* A line cut before the '@': the rest after the colon is masked. */
	{ "failed for redis://user:Canary-77x", "Canary-77x", "redis://user:****" },
	/* issue 14: ioredis attaches the failed command to its error, so
	 * AUTH's (and HELLO's AUTH) arguments come back in the text. */
	{ "ReplyError: WRONGPASS invalid username-password pair or user is disabled. command: { name: 'auth', args: [ 'S3cretPw' ] }",
	  "S3cretPw", "name: 'auth', args: [ '****' ] }" },
	{ "ReplyError: WRONGPASS invalid username-password pair. command: { name: 'auth', args: [ 'default', 'S3cretPw' ] }",
	  "S3cretPw", "WRONGPASS invalid username-password pair." },
	{ "ReplyError: WRONGPASS invalid username-password pair. command: { name: 'hello', args: [ '3', 'AUTH', 'default', 'S3cretPw' ] }",
	  "S3cretPw", "name: 'hello', args: [ '3', 'AUTH'," },
	{ "{\"err\":{\"command\":{\"name\":\"auth\",\"args\":[\"S3cretPw\"]}}}",
	  "S3cretPw", "\"name\":\"auth\"" },
	{ "HELLO 3 AUTH default S3cretPw", "S3cretPw", "HELLO 3 AUTH ****" },
	/* PHP's var_export and print_r, Ruby's hash, variables, XML. */
	{ "array ( 'password' => 'S3cretPw', 'host' => 'cache' )", "S3cretPw", "'host' => 'cache'" },
	{ "Array ( [password] => S3cretPw [host] => cache )", "S3cretPw", "[host] => cache" },
	{ "{:host=>\"cache\", :password=>\"S3cretPw\"}", "S3cretPw", ":host=>\"cache\"" },
	{ "REDISCLI_AUTH=S3cretPw redis-cli ping", "S3cretPw", "REDISCLI_AUTH=****" },
	{ "env REDIS_AUTH=S3cretPw node app.js", "S3cretPw", "REDIS_AUTH=****" },
	{ "cache:6379?auth=S3cretPw&db=0", "S3cretPw", "&db=0" },
	{ "{\"host\":\"cache\",\"auth\":\"S3cretPw\"}", "S3cretPw", "\"host\":\"cache\"" },
	{ "PHP Fatal error: $redis->auth('S3cretPw') failed", "S3cretPw", "->auth(" },
	{ "$redis->auth(['default', 'S3cretPw']);", "S3cretPw", "->auth(" },
	{ "<redis><host>cache</host><password>S3cretPw</password></redis>", "S3cretPw", "<host>cache</host>" },
	/* Words that only look like keys stay. */
	{ "redis.exceptions.AuthenticationError: invalid username-password pair", NULL,
	  "AuthenticationError: invalid username-password pair" },
	{ "Predis\\Connection\\ConnectionException: `AUTH` failed: WRONGPASS invalid", NULL,
	  "`AUTH` failed: WRONGPASS invalid" },
	{ "Redis server authentication error: [auth] WRONGPASS invalid username-password pair", NULL,
	  "[auth] WRONGPASS invalid username-password pair" },
	/* Redis's own wording stays readable. */
	{ "ERR AUTH <password> called without any password configured for the default user.",
	  NULL, "ERR AUTH <password> called without any password configured" },
	{ "AUTH failed: WRONGPASS invalid username-password pair", NULL,
	  "AUTH failed: WRONGPASS invalid username-password pair" },
	{ "Could not connect to Redis at 127.0.0.1:6379: Connection refused", NULL,
	  "Could not connect to Redis at 127.0.0.1:6379: Connection refused" },
};

static void
test_redact(void **state)
{
	char out[512];
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(redact_cases) / sizeof(redact_cases[0]); i++) {
		explain_redact(redact_cases[i].in, out, sizeof(out));
		if ((redact_cases[i].secret != NULL &&
		    strstr(out, redact_cases[i].secret) != NULL) ||
		    strstr(out, redact_cases[i].keep) == NULL) {
			print_error("case %zu: %s\n  -> %s\n", i,
			    redact_cases[i].in, out);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The excerpt of a classified line never carries the pasted password. */
static void
test_excerpt_redacted(void **state)
{
	struct rd_explain_line l;
	char long_line[EXPLAIN_LINE_MAX + 100];

	(void)state;
	assert_true(explain_classify("[ioredis] Unhandled error event: Error: connect "
	    "ECONNREFUSED 127.0.0.1:6379 (url redis://app:Canary-77x@127.0.0.1:6379)",
	    NULL, &l, NULL, 0));
	assert_string_equal(l.id, "tcp.refused");
	assert_null(strstr(l.excerpt, "Canary-77x"));
	assert_non_null(strstr(l.excerpt, "****"));

	/* Long line: truncated excerpt, still redacted, still classified. */
	memset(long_line, 'x', sizeof(long_line));
	memcpy(long_line, "redis://u:Canary-77x@h:1 NOAUTH Authentication required ", 56);
	long_line[sizeof(long_line) - 1] = '\0';
	assert_true(explain_classify(long_line, NULL, &l, NULL, 0));
	assert_string_equal(l.id, "auth.required");
	assert_null(strstr(l.excerpt, "Canary-77x"));
	assert_true(strlen(l.excerpt) < sizeof(l.excerpt));
}

/* A "Caused by:" line inherits the client of the exception above it. */
static void
test_continuation(void **state)
{
	struct rd_explain_line l;
	char seen[32];

	(void)state;
	assert_true(explain_classify("redis.clients.jedis.exceptions.JedisConnectionException: "
	    "Failed to connect to any host resolved for DNS name.", NULL, &l, seen,
	    sizeof(seen)));
	assert_string_equal(seen, "jedis");
	assert_true(explain_classify("Caused by: java.net.ConnectException: Connection refused",
	    seen, &l, NULL, 0));
	assert_string_equal(l.id, "tcp.refused");
	assert_string_equal(l.client, "jedis");
	/* Not a continuation: no inheritance. */
	assert_true(explain_classify("java.net.ConnectException: Connection refused",
	    seen, &l, NULL, 0));
	assert_string_equal(l.client, "");
}

static void
test_loopback(void **state)
{
	(void)state;
	assert_true(config_host_is_loopback("localhost"));
	assert_true(config_host_is_loopback("127.0.0.1"));
	assert_true(config_host_is_loopback("127.1.2.3"));
	assert_true(config_host_is_loopback("::1"));
	assert_false(config_host_is_loopback("127.example.com"));
	assert_false(config_host_is_loopback("10.0.0.1"));
	assert_false(config_host_is_loopback("redis"));
	/* explain and the rules share one predicate: 0.0.0.0 is the local host. */
	assert_true(config_host_is_loopback("0.0.0.0"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_knowledge),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_excerpt_redacted),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
