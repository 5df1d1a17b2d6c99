/* explain_table.c — what a Redis client's error line means.
 *
 * The pattern table behind `redisdiag explain`: which client wrote a line
 * (ioredis, redis-py, Jedis, ...), which finding id of SPEC section 7 it
 * names, and the host:port it mentions; plus the redaction of secrets in
 * pasted text.  What each id means and how to fix it is the catalog's
 * (catalog.c), shared with the rules.
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
 * answered, so the network is fine), TLS before TCP (a TLS failure often
 * ends in a reset), DNS lookups before the TCP timeouts they contain. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

/* Match flags. */
#define M_ICASE		0x01	/* case-insensitive */
#define M_WORD		0x02	/* s1 is a whole word (not inside another) */
#define M_NUM_AFTER	0x04	/* s1 is followed by " <digits>" (MOVED 3999) */
#define M_PROTO_BYTE	0x08	/* 'Protocol error, got "X"': X decides */

struct pat {
	const char *s1;		/* must occur */
	const char *s2;		/* must also occur (anywhere), or NULL */
	unsigned flags;
	const char *id;
};

/*
 * 1. Server replies.  The RESP error prefixes and reply wordings are the
 * rules' one table (rules_classify_reply() in rules.c), tried where a
 * client puts the server's text: at the start of the line, after ": "
 * ("ReplyError: NOAUTH ..."), after "(error) " and after "[" (node-redis
 * "[ErrorReply: ...]").  Not at every word: "the device is BUSY" in a
 * log is not Redis's BUSY.
 */
static const char *
server_reply_id(const char *line)
{
	const char *p, *id;

	if ((id = rules_classify_reply(line)) != NULL)
		return id;
	for (p = line; *p != '\0'; p++) {
		if (p[0] == ':' && p[1] == ' ')
			id = rules_classify_reply(p + 2);
		else if (p[0] == '[' || (p[0] == ')' && p[1] == ' '))
			id = rules_classify_reply(p + 1);
		if (id != NULL)
			return id;
	}
	return NULL;
}

/* Server refusals as clients reword them, without the RESP prefix. */
static const struct pat server_rows[] = {
	/* redis-py turns NOAUTH into AuthenticationError("Authentication
	 * required."). */
	{ "Authentication required", NULL, 0, "auth.required" },
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
static const struct pat tls_rows[] = {
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
	{ NULL, NULL, 0, NULL }
};

/* 3. Replies that are not RESP, and name lookups (Go words them
 * "lookup NAME on RESOLVER: ..."; the resolver's own failure is a DNS
 * problem even when it reads "connection refused" or "i/o timeout"). */
static const struct pat proto_dns_rows[] = {
	{ "Protocol error, got", NULL, M_PROTO_BYTE, "proto.not_redis" },
	{ "Protocol Error", NULL, M_ICASE, "proto.not_redis" },
	{ "redis: invalid reply", NULL, 0, "proto.not_redis" },
	{ "Unknown reply", NULL, 0, "proto.not_redis" },

	{ "lookup ", "i/o timeout", 0, "dns.timeout" },
	{ "lookup ", "no such host", 0, "dns.nxdomain" },
	{ "lookup ", "server misbehaving", 0, "dns.temporary" },
	{ "lookup ", "connection refused", 0, "dns.temporary" },
	{ "lookup ", "Temporary failure", 0, "dns.temporary" },
	{ "lookup ", "no such host", 0, "dns.nxdomain" },
	{ NULL, NULL, 0, NULL }
};

/* 4. System error codes as clients print them (Node's err.code, Ruby's
 * Errno::, Go's syscall names do not apply: Go prints text). */
static const struct pat code_rows[] = {
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
static const struct {
	int	 num;
	const char *id;
} errno_rows[] = {
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
};

/* 6. Fixed wordings of clients and operating systems, last resort. */
static const struct pat text_rows[] = {
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

	{ "Broken pipe", NULL, M_ICASE, "proto.closed" },
	{ "Socket closed unexpectedly", NULL, M_ICASE, "proto.closed" },
	{ "Unexpected end of stream", NULL, M_ICASE, "proto.closed" },
	{ "Connection is closed", NULL, M_ICASE, "proto.closed" },
	{ "Connection closed by server", NULL, M_ICASE, "proto.closed" },
	{ "Server closed the connection", NULL, M_ICASE, "proto.closed" },
	{ "server went away", NULL, M_ICASE, "proto.closed" },
	{ "read error on connection", NULL, M_ICASE, "proto.closed" },
	{ "Error while reading line from the server", NULL, M_ICASE, "proto.closed" },
	{ "Connection lost", NULL, M_ICASE, "proto.closed" },

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
static const struct {
	const char *marker;
	const char *client;
} client_rows[] = {
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
};

static bool
is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* A line and its lower-case copy: case-insensitive rows search the copy
 * with strstr, which is several times faster than strcasestr over a
 * million-line log. */
struct txt {
	const char *s;
	const char *low;
};

/* The lower-case form of a table needle.  The rows are string literals,
 * so their lower-case copies are made once and remembered by address (a
 * million-line log would otherwise redo them for every line); a needle
 * that does not fit the memo is lowered into buf. */
static const char *
lowered(const char *needle, size_t n, char *buf)
{
	static struct {
		const char *src;
		char	 low[64];
	} memo[512];
	size_t h = ((uintptr_t)needle >> 3) % 512, k, i;

	for (k = 0; k < 512; k++, h = (h + 1) % 512) {
		if (memo[h].src == needle)
			return memo[h].low;
		if (memo[h].src == NULL && n < sizeof(memo[h].low)) {
			for (i = 0; i <= n; i++)
				memo[h].low[i] = (char)tolower((unsigned char)needle[i]);
			memo[h].src = needle;
			return memo[h].low;
		}
		if (memo[h].src == NULL)
			break;
	}
	for (i = 0; i <= n; i++)
		buf[i] = (char)tolower((unsigned char)needle[i]);
	return buf;
}

/* Finds needle in t under flags; returns where in t->s, or NULL. */
static const char *
find(const struct txt *t, const char *needle, unsigned flags)
{
	char nb[128];
	const char *hay = t->s, *p, *q;
	size_t n = strlen(needle);

	if ((flags & M_ICASE) && n < sizeof(nb)) {
		needle = lowered(needle, n, nb);
		hay = t->low;
	}
	for (p = hay;; p++) {
		if ((p = strstr(p, needle)) == NULL)
			return NULL;
		q = t->s + (p - hay);
		if (flags & M_WORD) {
			if ((q > t->s && is_word(q[-1])) || is_word(q[n]) ||
			    (q > t->s && q[-1] == '-' && q - 1 > t->s &&
			    is_word(q[-2])))
				continue;
		}
		if (flags & M_NUM_AFTER) {
			if (q[n] != ' ' || !isdigit((unsigned char)q[n + 1]))
				continue;
		}
		return q;
	}
}

/* 'Protocol error, got "X" as reply type byte': 0x15 (alert) or 0x16
 * (handshake) is a TLS record, so the port speaks TLS. */
static const char *
proto_byte_id(const char *at)
{
	const char *q = strchr(at, '"');

	if (q == NULL)
		return "proto.not_redis";
	q++;
	if (*q == '\x15' || *q == '\x16' ||
	    strncasecmp(q, "\\x15", 4) == 0 || strncasecmp(q, "\\x16", 4) == 0 ||
	    strncasecmp(q, "\\u0015", 6) == 0 || strncasecmp(q, "\\u0016", 6) == 0)
		return "proto.tls_required";
	return "proto.not_redis";
}

static const char *
match_rows(const struct pat *rows, const struct txt *line)
{
	const char *at;
	size_t i;

	for (i = 0; rows[i].s1 != NULL; i++) {
		if ((at = find(line, rows[i].s1, rows[i].flags)) == NULL)
			continue;
		if (rows[i].s2 != NULL && find(line, rows[i].s2,
		    rows[i].flags & M_ICASE) == NULL)
			continue;
		if (rows[i].flags & M_PROTO_BYTE)
			return proto_byte_id(at);
		return rows[i].id;
	}
	return NULL;
}

/* "Error N connecting", "Error N while", "[Errno N]". */
static const char *
match_errno(const char *line)
{
	static const char *const pre[] = { "Error ", "[Errno " };
	const char *p, *q;
	char *end;
	size_t i, k;
	long v;

	for (k = 0; k < 2; k++) {
		for (p = line; (p = strstr(p, pre[k])) != NULL; p++) {
			q = p + strlen(pre[k]);
			if (!isdigit((unsigned char)*q) &&
			    !(*q == '-' && isdigit((unsigned char)q[1])))
				continue;
			v = strtol(q, &end, 10);
			if (k == 0 && strncmp(end, " connecting", 11) != 0 &&
			    strncmp(end, " while", 6) != 0 &&
			    strncmp(end, " reading", 8) != 0 &&
			    strncmp(end, " writing", 8) != 0)
				continue;
			if (k == 1 && *end != ']')
				continue;
			for (i = 0; i < sizeof(errno_rows) / sizeof(errno_rows[0]); i++)
				if (errno_rows[i].num == v)
					return errno_rows[i].id;
		}
	}
	return NULL;
}

static const char *
client_of(const char *line)
{
	size_t i;

	for (i = 0; i < sizeof(client_rows) / sizeof(client_rows[0]); i++)
		if (strstr(line, client_rows[i].marker) != NULL)
			return client_rows[i].client;
	return NULL;
}

/* A continuation of the previous line's exception: it inherits its client. */
static bool
is_continuation(const char *line)
{
	return line[0] == ' ' || line[0] == '\t' ||
	    strncmp(line, "Caused by:", 10) == 0 ||
	    strncmp(line, "--->", 4) == 0 ||
	    strstr(line, " ---> ") != NULL;
}

/* ---- host and port ---- */

static bool
is_hostc(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

static bool
is_ipv4(const char *s, size_t n)
{
	int parts = 0, val = -1;
	size_t i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (val < 0 || val > 255)
				return false;
			parts++;
			val = -1;
		} else if (isdigit((unsigned char)s[i])) {
			val = (val < 0 ? 0 : val * 10) + (s[i] - '0');
			if (val > 255)
				return false;
		} else
			return false;
	}
	return parts == 4;
}

/* A plausible host name: an IPv4 literal, or a name with a letter that is
 * not a source file ("Connection.java:204") or a date ("2024-05-01T12"). */
static bool
plausible_host(const char *s, size_t n)
{
	static const char *const exts[] = {
		".java", ".kt", ".scala", ".go", ".py", ".rb", ".php", ".js",
		".mjs", ".cjs", ".ts", ".cs", ".c", ".h", ".rs", ".ex", ".exs"
	};
	bool alpha = false;
	size_t i, el;

	if (n == 0 || n > 253)
		return false;
	if (is_ipv4(s, n))
		return true;
	for (i = 0; i < n; i++)
		if (isalpha((unsigned char)s[i]))
			alpha = true;
	if (!alpha || s[0] == '.' || s[0] == '-')
		return false;
	if (n >= 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-')
		return false;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		el = strlen(exts[i]);
		if (n > el && strncasecmp(s + n - el, exts[i], el) == 0)
			return false;
	}
	return true;
}

/* Reads a port at p (digits, 1..65535, not followed by more digits or by
 * ":<digit>", which is a time of day).  Returns it or 0. */
static int
read_port(const char *p)
{
	long v = 0;
	int nd = 0;

	while (isdigit((unsigned char)p[nd]) && nd < 6) {
		v = v * 10 + (p[nd] - '0');
		nd++;
	}
	if (nd == 0 || nd > 5 || v < 1 || v > 65535)
		return 0;
	if (isalpha((unsigned char)p[nd]) || p[nd] == '_')
		return 0;
	if (p[nd] == ':' && isdigit((unsigned char)p[nd + 1]))
		return 0;
	if (p[nd] == '.' && isdigit((unsigned char)p[nd + 1]))
		return 0;
	return (int)v;
}

static void
set_host(char *host, size_t hostlen, const char *s, size_t n)
{
	if (n >= hostlen)
		n = hostlen - 1;
	memcpy(host, s, n);
	host[n] = '\0';
}

/* Parses "[v6]:port", "host:port" or (when noport_ok) "host" at p.
 * Node prints IPv6 without brackets ("ECONNREFUSED ::1:6379"): with
 * unbracketed set, a token with several colons splits at the last one. */
static bool
parse_addr(const char *p, bool noport_ok, bool unbracketed, char *host,
    size_t hostlen, int *port)
{
	const char *e;
	size_t n;
	int pt;

	if (*p == '[') {
		e = strchr(p, ']');
		if (e == NULL || e - p < 3 || e - p > 64)
			return false;
		for (const char *c = p + 1; c < e; c++)
			if (!isxdigit((unsigned char)*c) && *c != ':' &&
			    *c != '.' && *c != '%')
				return false;
		pt = e[1] == ':' ? read_port(e + 2) : 0;
		if (pt == 0 && !noport_ok)
			return false;
		set_host(host, hostlen, p + 1, (size_t)(e - p - 1));
		*port = pt;
		return true;
	}
	if (unbracketed) {
		const char *c = p, *last = NULL;
		int ncolon = 0;
		while (isxdigit((unsigned char)*c) || *c == ':' || *c == '.') {
			if (*c == ':') {
				ncolon++;
				last = c;
			}
			c++;
		}
		if (ncolon >= 2 && last != NULL && (pt = read_port(last + 1)) != 0 &&
		    c == last + 1 + strspn(last + 1, "0123456789")) {
			set_host(host, hostlen, p, (size_t)(last - p));
			*port = pt;
			return true;
		}
	}
	for (e = p; is_hostc(*e); e++)
		;
	n = (size_t)(e - p);
	while (n > 0 && p[n - 1] == '.')	/* "resolve redis." */
		n--;
	if (!plausible_host(p, n))
		return false;
	pt = (*e == ':') ? read_port(e + 1) : 0;
	if (pt == 0 && !noport_ok)
		return false;
	set_host(host, hostlen, p, n);
	*port = pt;
	return true;
}

/* The first host:port anywhere in line that looks like one. */
static bool
scan_addr(const char *line, char *host, size_t hostlen, int *port)
{
	const char *p;

	for (p = line; *p != '\0'; p++) {
		if (*p == '[') {
			if (parse_addr(p, false, false, host, hostlen, port))
				return true;
			continue;
		}
		if (!is_hostc(*p) || (p > line && is_hostc(p[-1])))
			continue;
		/* A stack frame "(File.java:12)" or a path "/app/x.go:42";
		 * but "localhost/127.0.0.1:6379" (Java) is an address. */
		if (p > line && (p[-1] == '(' || p[-1] == '/') &&
		    !(p[-1] == '/' && p - 1 > line && is_hostc(p[-2])))
			continue;
		if (parse_addr(p, false, false, host, hostlen, port))
			return true;
	}
	return false;
}

/* Extracts the target host and port, preferring places where a client
 * names it (after "->", "lookup ", "ENOTFOUND ", "://", ...) over the
 * first address-shaped token. */
static void
extract_target(const char *line, char *host, size_t hostlen, int *port)
{
	static const char *const name_anchors[] = {
		"getaddrinfo ENOTFOUND ", "getaddrinfo EAI_AGAIN ",
		"getaddrinfo EAI_NONAME ", "getaddrinfo EAI_FAIL ",
		"getaddrinfo EAI_NODATA ", "UnknownHostException: ",
		"getaddrinfo for ", "DNS name ", "resolve host ",
	};
	static const char *const addr_anchors[] = {
		"->", "ECONNREFUSED ", "ETIMEDOUT ", "EHOSTUNREACH ",
		"ENETUNREACH ", "ECONNRESET ", "dial tcp ", " connecting to ",
		"Redis at ", "Redis on ", "connect(2) for ", "Unable to connect to ",
		"UnableToConnect on ",
	};
	const char *p, *q;
	char h2[256];
	int p2;
	size_t i;
	struct txt t = { line, line };	/* case-sensitive finds only */

	host[0] = '\0';
	*port = 0;

	/* MOVED 3999 127.0.0.1:6381: the node the key lives on. */
	if ((p = find(&t, "MOVED", M_WORD | M_NUM_AFTER)) != NULL ||
	    (p = find(&t, "ASK", M_WORD | M_NUM_AFTER)) != NULL) {
		p = strchr(p + 4, ' ');
		if (p != NULL && parse_addr(p + 1, false, true, host, hostlen, port))
			return;
	}
	/* Go: "lookup NAME on RESOLVER:53: ... ->RESOLVER:53": the name, not
	 * the resolver. */
	if ((p = strstr(line, "lookup ")) != NULL &&
	    parse_addr(p + 7, true, false, host, hostlen, port))
		return;
	for (i = 0; i < sizeof(addr_anchors) / sizeof(addr_anchors[0]); i++)
		if ((p = strstr(line, addr_anchors[i])) != NULL &&
		    parse_addr(p + strlen(addr_anchors[i]), false, true, host,
		    hostlen, port))
			return;
	/* URLs: redis://user:pass@host:port, tcp://host:port (Predis). */
	for (p = line; (p = strstr(p, "://")) != NULL; p += 3) {
		q = p + 3;
		const char *at = q + strcspn(q, "@/ \t\"'");
		if (*at == '@')
			q = at + 1;
		if (parse_addr(q, true, false, host, hostlen, port))
			return;
	}
	/* Lettuce: "localhost/<unresolved>:6379". */
	if ((p = strstr(line, "/<unresolved>:")) != NULL) {
		q = p;
		while (q > line && is_hostc(q[-1]))
			q--;
		if (q < p && plausible_host(q, (size_t)(p - q))) {
			set_host(host, hostlen, q, (size_t)(p - q));
			*port = read_port(p + 14);
			return;
		}
	}
	for (i = 0; i < sizeof(name_anchors) / sizeof(name_anchors[0]); i++) {
		if ((p = strstr(line, name_anchors[i])) == NULL)
			continue;
		p += strlen(name_anchors[i]);
		if (*p == '\'' || *p == '"')
			p++;
		if (!parse_addr(p, true, false, host, hostlen, port))
			continue;
		/* The name alone; a port may be elsewhere ("redis redis:6379"). */
		if (*port == 0 && scan_addr(line, h2, sizeof(h2), &p2) &&
		    strcmp(h2, host) == 0)
			*port = p2;
		return;
	}
	scan_addr(line, host, hostlen, port);
}

/* ---- redaction ---- */

static bool
key_names_secret(const char *k, size_t n)
{
	static const char *const words[] = {
		"pass", "pwd", "secret", "token", "auth_key", "credential"
	};
	char low[64];
	size_t i;

	if (n == 0 || n >= sizeof(low))
		return false;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)k[i]);
	low[n] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(low, words[i]) != NULL)
			return true;
	return false;
}

struct out {
	char	*buf;
	size_t	 len, cap;
};

static void
put(struct out *o, const char *s, size_t n)
{
	while (n-- > 0 && o->len + 1 < o->cap)
		o->buf[o->len++] = *s++;
	o->buf[o->len] = '\0';
}

static size_t
token_len(const char *p)
{
	return strcspn(p, " \t\r\n");
}

/* Words after AUTH that are not a password. */
static bool
auth_word_ok(const char *p, size_t n)
{
	static const char *const ok[] = {
		"<password>", "failed", "failed:", "failed.", "called", "command",
		"required", "required.", "error", "error:", "(error)", "is", "was",
		"with", "without", "to", "for", "<username>", "must", "not"
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == n && strncasecmp(p, ok[i], n) == 0)
			return true;
	return false;
}

/* True when s is a port, perhaps closed by punctuation: "6379", "6379]". */
static bool
port_like(const char *s)
{
	size_t d = strspn(s, "0123456789");

	return d > 0 && strspn(s + d, "])}>,.;") == strlen(s + d);
}

void
explain_redact(const char *in, char *buf, size_t cap)
{
	struct out o = { buf, 0, cap };
	const char *p = in, *q;
	size_t n, k;

	if (cap == 0)
		return;
	buf[0] = '\0';
	while (*p != '\0' && o.len + 1 < cap) {
		/* scheme://user:pass@ -> scheme://user:****@ */
		if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
			put(&o, p, 3);
			p += 3;
			/* The user info ends at the token's last '@': people
			 * paste passwords with a raw '/' or '@' in them, and
			 * masking too much beats printing a secret. */
			k = strcspn(p, " \t\"'<>");
			q = NULL;
			for (n = 0; n < k; n++)
				if (p[n] == '@')
					q = p + n;
			n = q != NULL ? (size_t)(q - p) : strcspn(p, "@/ \t\"'<>");
			if (p[n] == '@') {
				q = memchr(p, ':', n);
				if (q != NULL) {
					put(&o, p, (size_t)(q - p));
					put(&o, ":****@", 6);
				} else
					put(&o, "****@", 5);
				p += n + 1;
			} else if (p[n] == '\0' && (q = memchr(p, ':', n)) != NULL &&
			    !port_like(q + 1)) {
				/* Cut off before the '@' (a truncated line):
				 * what follows the colon may be a password. */
				put(&o, p, (size_t)(q - p));
				put(&o, ":****", 5);
				p += n;
			}
			continue;
		}
		/* -a PASS, --pass PASS, --pass=PASS (redis-cli). */
		if ((p == in || p[-1] == ' ' || p[-1] == '\t') &&
		    (strncmp(p, "-a ", 3) == 0 || strncmp(p, "--pass ", 7) == 0 ||
		    strncmp(p, "--pass=", 7) == 0 ||
		    strncmp(p, "--password ", 11) == 0 ||
		    strncmp(p, "--password=", 11) == 0)) {
			k = strcspn(p, " =") + 1;
			put(&o, p, k);
			p += k;
			while (*p == ' ')
				put(&o, p++, 1);
			if ((n = token_len(p)) > 0) {
				put(&o, "****", 4);
				p += n;
			}
			continue;
		}
		/* AUTH [user] pass, requirepass VALUE, masterauth VALUE. */
		if ((p == in || !is_word(p[-1])) &&
		    ((strncasecmp(p, "auth ", 5) == 0 && (k = 5)) ||
		    (strncasecmp(p, "requirepass ", 12) == 0 && (k = 12)) ||
		    (strncasecmp(p, "masterauth ", 11) == 0 && (k = 11)))) {
			int words = k == 5 ? 2 : 1;
			put(&o, p, k);
			p += k;
			while (words-- > 0) {
				while (*p == ' ')
					put(&o, p++, 1);
				n = token_len(p);
				if (n == 0 || *p == '(' || auth_word_ok(p, n))
					break;
				put(&o, "****", 4);
				p += n;
			}
			continue;
		}
		/* KEY=VALUE, KEY: VALUE, "KEY":"VALUE" for a secret-ish KEY. */
		if ((isalpha((unsigned char)*p) || *p == '_') &&
		    (p == in || !is_word(p[-1]))) {
			for (n = 0; is_word(p[n]) || p[n] == '-' || p[n] == '.'; n++)
				;
			q = p + n;
			if (*q == '"' || *q == '\'')
				q++;
			while (*q == ' ')
				q++;
			if (key_names_secret(p, n) && (*q == '"' || *q == '\'') &&
			    q > p + n && q[-1] == ' ') {
				/* password 'VALUE', password "VALUE" */
				char quote = *q++;

				put(&o, p, (size_t)(q - p));
				p = q;
				k = strcspn(p, quote == '"' ? "\"" : "'");
				if (k > 0)
					put(&o, "****", 4);
				p += k;
				continue;
			}
			if (key_names_secret(p, n) && (*q == '=' || *q == ':') &&
			    q[1] != '/') {
				q++;
				while (*q == ' ')
					q++;
				if (*q == '"' || *q == '\'')
					q++;
				put(&o, p, (size_t)(q - p));
				p = q;
				n = strcspn(p, " \t\"',;&)]}");
				if (n > 0) {
					put(&o, "****", 4);
					p += n;
				}
				continue;
			}
			put(&o, p, n);
			p += n;
			continue;
		}
		put(&o, p, 1);
		p++;
	}
}

/* ---- classification ---- */

bool
explain_classify(const char *line, const char *prev_client,
    struct rd_explain_line *out, char *client_seen, size_t seenlen)
{
	char buf[EXPLAIN_LINE_MAX + 1], low[EXPLAIN_LINE_MAX + 1];
	char red[EXPLAIN_LINE_MAX + 64];
	struct txt t = { buf, low };
	const char *id, *client;
	size_t n, i;

	n = strnlen(line, EXPLAIN_LINE_MAX);
	memcpy(buf, line, n);
	buf[n] = '\0';
	for (i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)buf[i]);

	client = client_of(buf);
	if (client == NULL && prev_client != NULL && prev_client[0] != '\0' &&
	    is_continuation(buf))
		client = prev_client;
	if (client_seen != NULL && seenlen > 0)
		snprintf(client_seen, seenlen, "%s", client ? client : "");

	if ((id = server_reply_id(buf)) == NULL &&
	    (id = match_rows(server_rows, &t)) == NULL &&
	    (id = match_rows(tls_rows, &t)) == NULL &&
	    (id = match_rows(proto_dns_rows, &t)) == NULL &&
	    (id = match_rows(code_rows, &t)) == NULL &&
	    (id = match_errno(buf)) == NULL &&
	    (id = match_rows(text_rows, &t)) == NULL)
		return false;

	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", id);
	snprintf(out->client, sizeof(out->client), "%s", client ? client : "");

	/* Redact the whole line before cutting it, so a cut cannot split a
	 * secret from the marker that announced it; the target is read from
	 * the redacted line too, so a password with a raw '@' in a pasted URL
	 * cannot come back as the host. */
	explain_redact(buf, red, sizeof(red));
	extract_target(red, out->host, sizeof(out->host), &out->port);
	n = strlen(red);
	while (n > 0 && (red[n - 1] == '\r' || red[n - 1] == ' ' ||
	    red[n - 1] == '\t'))
		red[--n] = '\0';
	if (n >= sizeof(out->excerpt)) {
		n = sizeof(out->excerpt) - 4;
		/* Do not end inside a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)red[n] & 0xc0) == 0x80)
			n--;
		memcpy(out->excerpt, red, n);
		memcpy(out->excerpt + n, "...", 4);
	} else
		memcpy(out->excerpt, red, n + 1);
	/* Control bytes would corrupt a terminal; JSON escapes them anyway. */
	for (char *c = out->excerpt; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			*c = '?';
	return true;
}


