/* explain_table.c — what a Redis client's error line means: the tables.
 *
 * The pattern table behind `redisdiag explain`: which client wrote a line
 * (ioredis, redis-py, Jedis, ...), which finding id of SPEC section 7 it
 * names.  Only rows live here; the matching is explain_match.c, the
 * redaction and the host:port extraction explain_redact.c.  What each id
 * means and how to fix it is the catalog's (catalog.c), shared with the
 * rules.
 *
 * Pasted text is all explain has, so it matches words — but codes first
 * wherever a client prints one (ECONNREFUSED, EAI_AGAIN, errno numbers,
 * OpenSSL and Node certificate codes, the RESP error prefix), and a
 * client's own fixed wording only after that.  The OS's message text
 * ("Name or service not known") is the last resort: glibc, musl, macOS
 * and Windows word the same failure differently.
 *
 * Rows are tried in order and the first match wins, so specific rows come
 * before general ones: a server's reply before anything else (the server
 * answered, so the network is fine; the RESP prefixes themselves are the
 * rules' table, rules_classify_reply()), TLS before TCP (a TLS failure
 * often ends in a reset), DNS lookups before the TCP timeouts they
 * contain.  The tests that hold every row to real clients' words are
 * tests/unit/test_explain.c and the corpus (tests/corpus/explain). */
#include <stddef.h>

#include "explain_int.h"


/* Server refusals as clients reword them, without the RESP prefix. */
const struct pat ex_server_rows[] = {
	/* redis-py turns NOAUTH into AuthenticationError("Authentication
	 * required."). */
	{ "Authentication required", NULL, 0, "auth.required" },
	/* ioredis 5 and 6 swallow Redis's error for a password sent to a
	 * server without one and warn: "[WARN] (This) Redis server('s
	 * `default` user) does not require a password, but a password was
	 * supplied". */
	{ "require a password, but a password was supplied", NULL, 0,
	  "auth.no_password_configured" },
	/* redis-py names the reply by its exception class and drops the
	 * prefix: "NoPermissionError: this user has no permissions ...". */
	{ "NoPermissionError", NULL, M_WORD, "auth.noperm" },
	{ "BusyLoadingError", NULL, M_WORD, "server.loading" },
	{ "ReadOnlyError", NULL, M_WORD, "server.readonly_replica" },
	/* Cluster and sentinel clients (SPEC section 13), before the codes:
	 * their lines end in the last node's ECONNREFUSED, which is the
	 * consequence.  ioredis ClusterAllFailedError "Failed to refresh
	 * slots cache." (every seed failed to give a usable topology); a
	 * MOVED loop (ioredis "Too many Cluster redirections", redis-py
	 * "TTL exhausted", Jedis "No more cluster attempts left") is an
	 * announced address that leads elsewhere from here. */
	{ "Failed to refresh slots cache", NULL, M_ICASE, "cluster.announced_unreachable" },
	{ "ClusterAllFailedError", NULL, 0, "cluster.announced_unreachable" },
	{ "Too many Cluster redirections", NULL, M_ICASE, "cluster.announced_unreachable" },
	{ "No more cluster attempts left", NULL, M_ICASE, "cluster.announced_unreachable" },
	{ "JedisClusterMaxAttemptsException", NULL, 0, "cluster.announced_unreachable" },
	{ "TTL exhausted", NULL, 0, "cluster.announced_unreachable" },
	{ "Hash slot not served", NULL, M_ICASE, "cluster.slots_uncovered" },
	/* ioredis "All sentinels are unreachable. Retrying from scratch",
	 * go-redis "all sentinels specified in configuration are
	 * unreachable", Jedis "All sentinels down, cannot determine where
	 * is mymaster master is running". */
	{ "All sentinels are unreachable", NULL, M_ICASE, "sentinel.unreachable" },
	{ "sentinels specified in configuration are unreachable", NULL, M_ICASE, "sentinel.unreachable" },
	{ "All sentinels down", NULL, M_ICASE, "sentinel.unreachable" },
	/* redis-py MasterNotFoundError "No master found for 'mymaster'";
	 * the sentinel's own "-ERR No such master with that name"; Lettuce
	 * "Cannot provide redisAddress using sentinel for masterId". */
	{ "MasterNotFoundError", NULL, 0, "sentinel.unknown_master" },
	{ "No master found for", NULL, M_ICASE, "sentinel.unknown_master" },
	{ "No such master with that name", NULL, M_ICASE, "sentinel.unknown_master" },
	{ "Cannot provide redisAddress using sentinel", NULL, 0, "sentinel.unknown_master" },
	{ NULL, NULL, 0, NULL }
};

/* 2. TLS: verify codes (OpenSSL, Node, Go, Java, .NET) and alerts. */
const struct pat ex_tls_rows[] = {
	/* The server answered a ClientHello with bytes that are not TLS. */
	{ "WRONG_VERSION_NUMBER", NULL, 0, "tls.plaintext_port" },
	{ "wrong version number", NULL, M_ICASE, "tls.plaintext_port" },
	{ "first record does not look like a TLS handshake", NULL, 0, "tls.plaintext_port" },
	{ "NotSslRecordException", NULL, 0, "tls.plaintext_port" },
	{ "not an SSL/TLS record", NULL, M_ICASE, "tls.plaintext_port" },
	{ "Unsupported or unrecognized SSL message", NULL, 0, "tls.plaintext_port" },
	{ "packet length too long", NULL, M_ICASE, "tls.plaintext_port" },
	{ "SSL23_GET_SERVER_HELLO:unknown protocol", NULL, 0, "tls.plaintext_port" },

	{ "ERR_TLS_CERT_ALTNAME_INVALID", NULL, 0, "tls.hostname_mismatch" },
	{ "does not match certificate's altnames", NULL, M_ICASE, "tls.hostname_mismatch" },
	{ "Hostname mismatch", NULL, M_ICASE, "tls.hostname_mismatch" },
	{ "IP address mismatch", NULL, M_ICASE, "tls.hostname_mismatch" },
	{ "x509: certificate is valid for", NULL, 0, "tls.hostname_mismatch" },
	{ "doesn't contain any IP SANs", NULL, 0, "tls.hostname_mismatch" },
	{ "No subject alternative", NULL, M_ICASE, "tls.hostname_mismatch" },
	{ "No name matching", NULL, 0, "tls.hostname_mismatch" },
	{ "RemoteCertificateNameMismatch", NULL, 0, "tls.hostname_mismatch" },

	{ "CERT_HAS_EXPIRED", NULL, 0, "tls.cert_expired" },
	{ "CERT_NOT_YET_VALID", NULL, 0, "tls.cert_expired" },
	{ "certificate has expired", NULL, M_ICASE, "tls.cert_expired" },
	{ "certificate is not yet valid", NULL, M_ICASE, "tls.cert_expired" },
	{ "CertificateExpiredException", NULL, 0, "tls.cert_expired" },
	{ "CertificateNotYetValidException", NULL, 0, "tls.cert_expired" },

	/* Alerts the server sends when the client shows no (good) certificate. */
	{ "certificate required", NULL, M_ICASE, "tls.client_cert_required" },
	{ "peer did not return a certificate", NULL, M_ICASE, "tls.client_cert_required" },
	{ "alert bad certificate", NULL, M_ICASE, "tls.client_cert_required" },
	{ "tls: bad certificate", NULL, 0, "tls.client_cert_required" },
	{ "alert unknown ca", NULL, M_ICASE, "tls.client_cert_required" },

	/* unrecognized_name (alert 112): the server wants another SNI. */
	{ "unrecognized name", NULL, M_ICASE, "tls.sni_required" },
	{ "UNRECOGNIZED_NAME", NULL, 0, "tls.sni_required" },

	{ "SELF_SIGNED_CERT_IN_CHAIN", NULL, 0, "tls.cert_untrusted" },
	{ "DEPTH_ZERO_SELF_SIGNED_CERT", NULL, 0, "tls.cert_untrusted" },
	{ "UNABLE_TO_VERIFY_LEAF_SIGNATURE", NULL, 0, "tls.cert_untrusted" },
	{ "UNABLE_TO_GET_ISSUER_CERT", NULL, 0, "tls.cert_untrusted" },
	{ "self signed certificate", NULL, M_ICASE, "tls.cert_untrusted" },
	{ "self-signed certificate", NULL, M_ICASE, "tls.cert_untrusted" },
	{ "unable to verify the first certificate", NULL, M_ICASE, "tls.cert_untrusted" },
	{ "unable to get local issuer certificate", NULL, M_ICASE, "tls.cert_untrusted" },
	{ "unable to get issuer certificate", NULL, M_ICASE, "tls.cert_untrusted" },
	{ "certificate signed by unknown authority", NULL, 0, "tls.cert_untrusted" },
	{ "PKIX path building failed", NULL, 0, "tls.cert_untrusted" },
	{ "unable to find valid certification path", NULL, 0, "tls.cert_untrusted" },
	{ "RemoteCertificateChainErrors", NULL, 0, "tls.cert_untrusted" },
	{ "remote certificate is invalid", NULL, M_ICASE, "tls.cert_untrusted" },
	{ "CERTIFICATE_VERIFY_FAILED", NULL, 0, "tls.cert_untrusted" },
	{ "certificate verify failed", NULL, M_ICASE, "tls.cert_untrusted" },

	{ "Client network socket disconnected before secure TLS", NULL, 0, "tls.handshake_failed" },
	{ "handshake failure", NULL, M_ICASE, "tls.handshake_failed" },
	{ "SSLHandshakeException", NULL, 0, "tls.handshake_failed" },
	{ "The SSL connection could not be established", NULL, 0, "tls.handshake_failed" },
	{ "SSL_connect", NULL, 0, "tls.handshake_failed" },
	{ "TLS", "reset by peer", 0, "tls.handshake_failed" },
	{ "SSL", "reset by peer", 0, "tls.handshake_failed" },
	{ "EPROTO", NULL, M_WORD, "tls.handshake_failed" },
	{ "SSLError", NULL, 0, "tls.handshake_failed" },
	/* PHP's stream warnings (phpredis, predis): the specific one first,
	 * "Failed to enable crypto" after it.  A handshake that times out
	 * once TCP is up is what a plaintext Redis port does to a TLS
	 * client: it never answers a ClientHello. */
	{ "did not match expected name", NULL, 0, "tls.hostname_mismatch" },
	{ "SSL: Handshake timed out", NULL, 0, "tls.plaintext_port" },
	{ "TLS handshake timeout", NULL, 0, "tls.plaintext_port" },	/* Go */
	{ "Failed to enable crypto", NULL, 0, "tls.handshake_failed" },
	{ "SSL operation failed with code", NULL, 0, "tls.handshake_failed" },
	/* predis: "ConnectionException: Error while switching to encrypted
	 * communication [tls://...]" (the cause is in PHP's warning). */
	{ "Error while switching to encrypted communication", NULL, 0,
	  "tls.handshake_failed" },
	{ NULL, NULL, 0, NULL }
};

/* 3. Replies that are not RESP, and name lookups (Go words them
 * "lookup NAME on RESOLVER: ..."; the resolver's own failure is a DNS
 * problem even when it reads "connection refused" or "i/o timeout"). */
const struct pat ex_proto_dns_rows[] = {
	{ "Protocol error, got", NULL, M_PROTO_BYTE, "proto.not_redis" },
	{ "Protocol Error", NULL, M_ICASE, "proto.not_redis" },
	{ "redis: invalid reply", NULL, 0, "proto.not_redis" },
	{ "Unknown reply", NULL, 0, "proto.not_redis" },
	/* ioredis 6's own RESP decoder: 'Unknown RESP type 72 "H"'. */
	{ "Unknown RESP type", NULL, 0, "proto.not_redis" },
	/* redis-rb: "Got 'H' as initial reply byte". */
	{ "as initial reply byte", NULL, 0, "proto.not_redis" },
	/* predis: "ProtocolException: Unknown response prefix: 'H'". */
	{ "Unknown response prefix", NULL, 0, "proto.not_redis" },
	/* Perl's Redis: "unknown answer type: H (TTP/1.1 ...)"; redigo:
	 * "unexpected response line (possible server error ...)". */
	{ "unknown answer type", NULL, 0, "proto.not_redis" },
	{ "unexpected response line", NULL, 0, "proto.not_redis" },

	{ "lookup ", "i/o timeout", 0, "dns.timeout" },
	{ "lookup ", "no such host", 0, "dns.nxdomain" },
	{ "lookup ", "server misbehaving", 0, "dns.temporary" },
	{ "lookup ", "connection refused", 0, "dns.temporary" },
	{ "lookup ", "network is unreachable", 0, "dns.temporary" },
	{ "lookup ", "Temporary failure", 0, "dns.temporary" },
	{ "lookup ", "no such host", 0, "dns.nxdomain" },
	{ NULL, NULL, 0, NULL }
};

/* 4. System error codes as clients print them (Node's err.code, Ruby's
 * Errno::, Go's syscall names do not apply: Go prints text). */
const struct pat ex_code_rows[] = {
	{ "ENOTFOUND", NULL, M_WORD, "dns.nxdomain" },
	{ "EAI_NONAME", NULL, M_WORD, "dns.nxdomain" },
	{ "EAI_AGAIN", NULL, M_WORD, "dns.temporary" },
	{ "EAI_FAIL", NULL, M_WORD, "dns.temporary" },
	{ "EAI_NODATA", NULL, M_WORD, "dns.no_address" },
	{ "EAI_ADDRFAMILY", NULL, M_WORD, "dns.no_address" },
	{ "ECONNREFUSED", NULL, M_WORD, "tcp.refused" },
	{ "ETIMEDOUT", NULL, M_WORD, "tcp.timeout" },
	{ "EHOSTUNREACH", NULL, M_WORD, "tcp.unreachable" },
	{ "ENETUNREACH", NULL, M_WORD, "tcp.unreachable" },
	{ "EHOSTDOWN", NULL, M_WORD, "tcp.unreachable" },
	{ "ENETDOWN", NULL, M_WORD, "tcp.unreachable" },
	{ "ECONNRESET", NULL, M_WORD, "tcp.reset" },
	{ "ECONNABORTED", NULL, M_WORD, "tcp.reset" },
	{ "EPIPE", NULL, M_WORD, "proto.closed" },
	{ NULL, NULL, 0, NULL }
};

/* 5. errno and resolver numbers in "Error N connecting to" (redis-py),
 * "[Errno N]" (Python) and "Error N while ...": Linux, macOS and Windows
 * (WSA) numbers, and glibc's negative EAI_* values. */
const struct ex_errno_row ex_errno_rows[] = {
	{ 111, "tcp.refused" }, { 61, "tcp.refused" }, { 10061, "tcp.refused" },
	{ 110, "tcp.timeout" }, { 60, "tcp.timeout" }, { 10060, "tcp.timeout" },
	{ 113, "tcp.unreachable" }, { 65, "tcp.unreachable" },
	{ 10065, "tcp.unreachable" }, { 101, "tcp.unreachable" },
	{ 51, "tcp.unreachable" }, { 10051, "tcp.unreachable" },
	{ 104, "tcp.reset" }, { 54, "tcp.reset" }, { 10054, "tcp.reset" },
	{ 32, "proto.closed" },
	{ -2, "dns.nxdomain" }, { 8, "dns.nxdomain" }, { 11001, "dns.nxdomain" },
	{ -3, "dns.temporary" }, { 11002, "dns.temporary" },
	{ -4, "dns.temporary" },
	{ -5, "dns.no_address" }, { -9, "dns.no_address" }, { 11004, "dns.no_address" },
	{ 0, NULL }
};

/* 6. Fixed wordings of clients and operating systems, last resort. */
const struct pat ex_text_rows[] = {
	{ "Temporary failure in name resolution", NULL, M_ICASE, "dns.temporary" },
	{ "getaddrinfo", "Try again", 0, "dns.temporary" },
	{ "No address associated with hostname", NULL, M_ICASE, "dns.no_address" },
	{ "Name or service not known", NULL, M_ICASE, "dns.nxdomain" },
	{ "nodename nor servname", NULL, M_ICASE, "dns.nxdomain" },
	{ "Name does not resolve", NULL, M_ICASE, "dns.nxdomain" },
	{ "no such host", NULL, M_ICASE, "dns.nxdomain" },
	{ "UnknownHostException", NULL, 0, "dns.nxdomain" },
	{ "getaddrinfo failed", NULL, M_ICASE, "dns.nxdomain" },
	{ "(SocketError)", NULL, 0, "dns.nxdomain" },

	{ "Connection refused", NULL, M_ICASE, "tcp.refused" },
	{ "actively refused", NULL, M_ICASE, "tcp.refused" },

	{ "read tcp", "i/o timeout", 0, "proto.timeout" },
	{ "i/o timeout", NULL, 0, "tcp.timeout" },
	{ "connect timed out", NULL, M_ICASE, "tcp.timeout" },
	{ "Connection timed out", NULL, M_ICASE, "tcp.timeout" },
	{ "connection timeout", NULL, M_ICASE, "tcp.timeout" },
	{ "ConnectTimeout", NULL, 0, "tcp.timeout" },
	{ "Timeout connecting", NULL, M_ICASE, "tcp.timeout" },
	{ "timed out connecting", NULL, M_ICASE, "tcp.timeout" },
	{ "Operation timed out", NULL, M_ICASE, "tcp.timeout" },

	{ "No route to host", NULL, M_ICASE, "tcp.unreachable" },
	{ "Network is unreachable", NULL, M_ICASE, "tcp.unreachable" },
	{ "Host is unreachable", NULL, M_ICASE, "tcp.unreachable" },
	{ "HostUnreachable", NULL, 0, "tcp.unreachable" },
	{ "NetworkUnreachable", NULL, 0, "tcp.unreachable" },

	{ "reset by peer", NULL, M_ICASE, "tcp.reset" },
	{ "Connection reset", NULL, M_ICASE, "tcp.reset" },
	{ "ConnectionReset", NULL, 0, "tcp.reset" },

	/* EAGAIN: the timeout of a blocking socket (SO_RCVTIMEO), as hiredis
	 * and Perl's Redis report it; while connecting, the connect's. */
	{ "Could not connect to Redis server", "Resource temporarily unavailable", 0,
	  "tcp.timeout" },
	{ "Resource temporarily unavailable", NULL, 0, "proto.timeout" },
	{ "Broken pipe", NULL, M_ICASE, "proto.closed" },
	/* Perl's Redis after a failure; Go's net after its own close. */
	{ "Not connected to any server", NULL, 0, "proto.closed" },
	{ "Error while reading from Redis server", NULL, 0, "proto.closed" },
	{ "use of closed network connection", NULL, 0, "proto.closed" },
	/* phpredis's read failure; Python's ssl module on a TLS EOF. */
	{ "socket error on read socket", NULL, 0, "proto.closed" },
	/* predis: "Error while writing bytes to the server." (its reading
	 * twin is the row above). */
	{ "Error while writing bytes to the server", NULL, 0, "proto.closed" },
	{ "EOF occurred in violation of protocol", NULL, 0, "proto.closed" },
	{ "Socket closed unexpectedly", NULL, M_ICASE, "proto.closed" },
	{ "Unexpected end of stream", NULL, M_ICASE, "proto.closed" },
	{ "Connection is closed", NULL, M_ICASE, "proto.closed" },
	{ "Connection closed by server", NULL, M_ICASE, "proto.closed" },
	{ "Server closed the connection", NULL, M_ICASE, "proto.closed" },
	{ "server went away", NULL, M_ICASE, "proto.closed" },
	{ "read error on connection", NULL, M_ICASE, "proto.closed" },
	{ "Error while reading line from the server", NULL, M_ICASE, "proto.closed" },
	{ "Connection lost", NULL, M_ICASE, "proto.closed" },
	/* Go's io.EOF, printed alone by redigo and go-redis. */
	{ "EOF", NULL, M_WORD, "proto.closed" },

	{ "Timeout reading from", NULL, M_ICASE, "proto.timeout" },
	{ "Read timed out", NULL, M_ICASE, "proto.timeout" },
	{ "Command timed out", NULL, M_ICASE, "proto.timeout" },
	{ "Timeout performing", NULL, 0, "proto.timeout" },
	{ "Timeout awaiting response", NULL, M_ICASE, "proto.timeout" },

	/* StackExchange.Redis says AuthenticationFailure for a rejected
	 * password (its TLS failures matched the TLS rows above). */
	{ "AuthenticationFailure", NULL, 0, "auth.wrongpass" },

	/* A client that could not connect and does not say why in this
	 * line (the cause is usually on a "Caused by:" line of its own). */
	/* redis-rb wraps the cause's class in its own: "Error connecting to
	 * Redis on HOST:PORT (Redis::TimeoutError) (Redis::CannotConnectError)". */
	{ "Error connecting to Redis", "TimeoutError", 0, "tcp.timeout" },
	{ "Unable to connect to", NULL, M_ICASE, "tcp.connect_failed" },
	{ "UnableToConnect", NULL, 0, "tcp.connect_failed" },
	{ "UnableToResolvePhysicalConnection", NULL, 0, "tcp.connect_failed" },
	{ "Failed to connect to any host", NULL, M_ICASE, "tcp.connect_failed" },
	{ "not possible to connect to the redis server", NULL, M_ICASE, "tcp.connect_failed" },
	{ "Could not connect to Redis", NULL, M_ICASE, "tcp.connect_failed" },
	{ "CannotConnectError", NULL, 0, "tcp.connect_failed" },
	{ "Error connecting to Redis", NULL, M_ICASE, "tcp.connect_failed" },
	{ NULL, NULL, 0, NULL }
};

/* Which client wrote a line, by the class and package names and fixed
 * phrases each one prints.  Order matters: "io.lettuce.core.RedisException"
 * must not be taken for phpredis's RedisException. */
const struct ex_client_row ex_client_rows[] = {
	{ "io.lettuce", "lettuce" },
	{ "StackExchange.Redis", "StackExchange.Redis" },
	{ "Predis\\", "predis" },
	{ "redis.clients.jedis", "jedis" },
	{ "JedisConnectionException", "jedis" },
	{ "JedisDataException", "jedis" },
	{ "JedisAccessControlException", "jedis" },
	{ "JedisMovedDataException", "jedis" },
	{ "JedisClusterException", "jedis" },
	{ "JedisBusyException", "jedis" },
	{ "redis.exceptions.", "redis-py" },
	{ "RedisClient::", "redis-rb" },
	{ "Redis::", "redis-rb" },
	{ "(Errno::", "redis-rb" },
	{ "OpenSSL::SSL::", "redis-rb" },
	{ "RedisClusterException", "phpredis" },
	{ "RedisException", "phpredis" },
	{ "php_network_getaddresses", "phpredis" },
	{ "[ioredis]", "ioredis" },
	{ "ioredis", "ioredis" },
	{ "ReplyError", "ioredis" },
	{ "MaxRetriesPerRequestError", "ioredis" },
	{ "SocketClosedUnexpectedlyError", "node-redis" },
	{ "ConnectionTimeoutError", "node-redis" },
	{ "ClientClosedError", "node-redis" },
	{ "ErrorReply", "node-redis" },
	{ "@redis/client", "node-redis" },
	{ "Redis connection to", "node-redis" },
	{ "go-redis", "go-redis" },
	{ "dial tcp", "go-redis" },
	{ "redis: ", "go-redis" },
	{ "read tcp ", "go-redis" },
	{ "write tcp ", "go-redis" },
	{ "x509: ", "go-redis" },
	{ "Error: connect E", "node" },
	{ "getaddrinfo E", "node" },
	{ "Error: read E", "node" },
	{ "Error: write E", "node" },
	{ "[ERR_TLS_", "node" },
	{ "Could not connect to Redis at", "redis-cli" },
	{ "AUTH failed:", "redis-cli" },
	{ "Error: Server closed the connection", "redis-cli" },
	{ "Error: Connection reset by peer", "redis-cli" },
	{ "Protocol error, got", "redis-cli" },
	{ "(error) ", "redis-cli" },
	{ "redis-cli", "redis-cli" },
	/* redis-py's own wordings, after the others that may contain them. */
	{ " connecting to ", "redis-py" },
	{ "Timeout reading from socket", "redis-py" },
	{ "Connection closed by server", "redis-py" },
	{ NULL, NULL }
};

/* Lines that name only a generic end of the connection cannot tell its
 * cause; the corpus shows which faults real clients report that way, and
 * the finding says so instead of guessing (issue 14). */
const struct ex_ambiguity ex_ambiguities[] = {
	{ "tcp.timeout", "The line says only that the connection timed out: "
	  "a TLS client (rediss://, tls: true) on a plaintext Redis port ends "
	  "the same way, because Redis never answers a ClientHello; so does a "
	  "port that drops packets. `redisdiag check --tls` tells them apart." },
	{ "proto.closed", "The line says only that the connection closed: "
	  "clients report so a server at maxclients or in protected mode "
	  "(whose error they do not show), plaintext spoken to a TLS port, "
	  "and a TLS handshake without the server name (SNI) the server "
	  "wants. `redisdiag check` tells them apart." },
	{ "tcp.reset", "The line says only that the connection was reset: "
	  "clients report so plaintext spoken to a TLS port and a server at "
	  "maxclients as well as a proxy or idle timeout." },
	{ NULL, NULL }
};
