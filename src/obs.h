/* obs.h — what the probe saw, as plain data.
 *
 * The probe fills one struct rd_obs and judges nothing: it records times in
 * microseconds, errno values, EAI_* codes, OpenSSL verify codes and alerts,
 * and the server's replies verbatim (masked of every secret at the door,
 * then truncated: see secret.h).
 * The rules read this struct; unit tests build it as a literal. */
#ifndef RD_OBS_H
#define RD_OBS_H

#include <stdbool.h>
#include <stdint.h>

enum rd_step_id {
	RD_STEP_CONFIG, RD_STEP_DNS, RD_STEP_TCP, RD_STEP_TLS, RD_STEP_HELLO,
	RD_STEP_AUTH, RD_STEP_SELECT, RD_STEP_PING, RD_STEP_INFO,
	RD_STEP_LATENCY, RD_STEP__COUNT
};

/* "config", "dns", ... in the order above. */
extern const char *const rd_step_names[RD_STEP__COUNT];

enum rd_status { RD_ST_SKIP = 0, RD_ST_OK, RD_ST_WARN, RD_ST_FAIL };
extern const char *const rd_status_names[];	/* "skip", "ok", "warn", "fail" */

/* What went wrong in a step, by code.  code is a short stable token the
 * probe chooses from what it saw: an errno name ("ECONNREFUSED"), an EAI
 * name ("EAI_NONAME"), "timeout", "closed", "not_resp", "hostile",
 * "tls_alert", "verify", "server_error".  Finding ids are the rules' job. */
struct rd_err {
	bool	 set;
	char	 code[48];
	int	 errnum;		/* errno, EAI_* or X509_V_ERR_*; 0 when none */
	char	 name[48];		/* symbolic name of errnum: "ECONNREFUSED" */
	char	 message[256];		/* for a person; never a secret */
};

struct rd_step {
	enum rd_status status;
	int64_t	 us;			/* duration */
	struct rd_err err;
	char	 detail[256];
};

#define RD_MAX_ADDRS	16

struct rd_addr {
	int	 family;		/* 4 or 6 */
	char	 text[64];		/* numeric address, no port */
};

struct rd_dns_obs {
	bool	 attempted;
	bool	 literal;		/* host was an IP literal; no lookup made */
	int	 gai_err;		/* 0 or the EAI_* code */
	int	 gai_errno;		/* errno when gai_err == EAI_SYSTEM */
	bool	 timed_out;		/* abandoned at the deadline */
	int	 stalled;		/* earlier lookups still unanswered when this one began */
	int	 family_wanted;		/* 0, 4, 6 */
	int	 naddr;
	struct rd_addr addrs[RD_MAX_ADDRS];
	int	 nfiltered;		/* addresses dropped by -4/-6 */
};

struct rd_attempt {
	struct rd_addr addr;
	int	 port;
	int64_t	 start_us;		/* since the tcp step began */
	int64_t	 us;			/* until it connected, failed or was abandoned */
	int	 errnum;		/* 0 when it connected */
	bool	 connected;
	bool	 abandoned;		/* another attempt won, or the deadline passed */
};

struct rd_tcp_obs {
	bool	 attempted;
	int	 nattempts;
	struct rd_attempt attempts[RD_MAX_ADDRS];
	int	 winner;		/* index into attempts, -1 when none connected */
	bool	 timed_out;
	char	 local[80];		/* "127.0.0.1:51234" */
	char	 peer[80];
};

#define RD_MAX_SANS	32

struct rd_tls_obs {
	bool	 attempted;
	bool	 ok;			/* handshake completed (and verified unless insecure) */
	bool	 insecure;		/* verification disabled by the user */
	bool	 name_unchecked;	/* the chain was verified, the host name not:
					   the client model checks none (redis-py 4) */
	bool	 timed_out;
	bool	 peer_closed;		/* EOF during the handshake */
	bool	 peer_reset;
	bool	 not_tls;		/* the peer answered with bytes that are not TLS */
	bool	 peer_tls_record;	/* its first bytes are a TLS record header (0x14..0x18, 0x03) */
	char	 peer_first_bytes[48];	/* printable rendering of what it sent */
	char	 version[16];		/* "TLSv1.3" */
	char	 cipher[64];
	bool	 sni_sent;
	char	 sni[256];
	long	 verify_code;		/* X509_V_OK or X509_V_ERR_* */
	char	 verify_name[64];	/* "X509_V_ERR_CERT_HAS_EXPIRED" */
	int	 alert;			/* TLS alert received from the peer, -1 none */
	char	 alert_desc[64];	/* "handshake_failure", "certificate_required" */
	bool	 alert_sent;		/* we sent the alert (our verification failed) */
	unsigned long lib_err;		/* ERR_peek_error() code, 0 none */
	char	 lib_reason[128];	/* ERR_reason_error_string() */
	bool	 have_cert;
	char	 subject[256];
	char	 issuer[256];
	int	 nsans;
	char	 sans[RD_MAX_SANS][128];	/* "DNS:example.com", "IP:127.0.0.1" */
	char	 not_before[32];	/* ISO 8601 UTC */
	char	 not_after[32];
	int	 days_left;		/* may be negative */
	int	 hostname_match;	/* 1 yes, 0 no, -1 not checked */
	char	 expected_name[256];	/* the host name or IP checked against */
	bool	 self_signed;
	bool	 client_cert_sent;
	bool	 cert_requested;	/* the server sent a CertificateRequest */
	char	 file_error[200];	/* "--cacert PATH: why": a TLS file we could not use */
	bool	 file_timed_out;	/* ...because it was not readable before the deadline */
};

/* The mismatch cross-try (SPEC section 5): after plaintext was dropped
 * without a reply, try TLS on the same port, and the reverse. */
struct rd_cross_obs {
	bool	 attempted;
	bool	 tried_tls;		/* we tried TLS after plaintext failed */
	bool	 tried_plain;		/* we tried plaintext after TLS failed */
	bool	 succeeded;		/* the other protocol worked */
	bool	 tried_sni;		/* TLS without SNI failed; retried with the host name as SNI */
	char	 detail[256];		/* "TLS handshake completed (TLSv1.3)" / "-ERR ... reply in plaintext" */
};

/* One server reply, for auth/select/ping/info. */
enum rd_reply_kind {
	RD_R_NONE = 0,			/* nothing received */
	RD_R_STATUS, RD_R_ERROR, RD_R_STRING, RD_R_INTEGER, RD_R_ARRAY, RD_R_NIL
};

struct rd_reply_obs {
	bool	 sent;			/* the command was written */
	enum rd_reply_kind kind;
	char	 text[256];		/* status/error text or the start of a string */
	char	 prefix[32];		/* an error's first word: "NOAUTH", "WRONGPASS", "ERR" */
	bool	 timed_out;		/* no reply before the deadline */
	bool	 closed;		/* EOF before a reply */
	bool	 reset;			/* ECONNRESET before a reply */
	bool	 not_resp;		/* the bytes were not RESP (HTTP, SSH banner, ...) */
	bool	 hostile;		/* over our size/depth/count limits */
	char	 hostile_why[128];	/* "bulk length 9223372036854775807 > 16777216" */
	char	 first_bytes[48];	/* printable start of what arrived, when not_resp/hostile */
	bool	 pending_error;		/* an error the server wrote before we asked (DENIED, maxclients) */
	/* Classified from the raw bytes, before the text above was masked of
	 * secrets and cut (so a password that is "PONG" changes nothing). */
	bool	 pong;			/* a status or string "PONG", any case */
	bool	 ok;			/* the status "OK" */
	bool	 tls_alert_bytes;	/* the first bytes are a TLS alert record (0x15 0x03) */
	char	 class_id[48];		/* the finding id the error names (rules_classify_reply), "" none */
};

#define RD_MAX_SLOW		5
#define RD_MAX_LAT_EVENTS	8

/* Parsed INFO; -1 / "" where the server did not say. */
struct rd_server_obs {
	bool	 info_ok;		/* INFO answered */
	bool	 info_denied;		/* NOPERM or disabled */
	char	 version[32];
	char	 mode[16];		/* "standalone", "cluster", "sentinel" */
	char	 role[16];		/* "master", "slave" */
	char	 master_link_status[16];
	int64_t	 used_memory, used_memory_peak, maxmemory;
	char	 maxmemory_policy[32];
	int64_t	 connected_clients, maxclients;	/* maxclients from INFO (7.x) or CONFIG GET */
	bool	 maxclients_known;
	int	 loading;		/* -1 unknown */
	char	 rdb_last_bgsave_status[16];	/* "ok", "err" */
	char	 aof_last_write_status[16];
	int	 aof_enabled;
	int64_t	 keyspace_hits, keyspace_misses;
	double	 hit_rate;		/* -1 when no lookups */
	int64_t	 rejected_connections, evicted_keys;
	char	 cluster_state[16];	/* from CLUSTER INFO when mode is cluster */
	int64_t	 uptime_s;
	char	 os[64];
	double	 mem_fragmentation_ratio;	/* -1 unknown */

	/* Health depth: each read where allowed; NOPERM or a disabled
	 * command leaves it unknown (-1, "") and sets its *_denied. */
	int64_t	 cfg_timeout_s;		/* CONFIG GET timeout: idle clients closed after */
	int64_t	 cfg_tcp_keepalive_s;	/* CONFIG GET tcp-keepalive */
	bool	 config_denied;
	bool	 notify_known;
	char	 notify_keyspace_events[32];	/* CONFIG GET notify-keyspace-events */
	int64_t	 slowlog_len;		/* SLOWLOG LEN */
	int	 nslow;
	int64_t	 slowlog_top_us[RD_MAX_SLOW];	/* SLOWLOG GET: durations only, never arguments */
	bool	 slowlog_denied;
	int	 nlatency_events;
	struct {
		char	 event[32];
		int64_t	 latest_ms, max_ms;
	} latency_events[RD_MAX_LAT_EVENTS];	/* LATENCY LATEST */
	bool	 latency_denied;
};

#define RD_MAX_SAMPLES	1000

struct rd_latency_obs {
	int	 samples;
	int64_t	 min_us, p50_us, p99_us, max_us;
	int64_t	 sum_us;		/* of all samples (a Prometheus summary's _sum) */
};

/* The hello step (-2 / -3): HELLO <proto> [AUTH user ****] and what the
 * server said about itself.  Filled by hello.c. */
struct rd_hello_obs {
	bool	 attempted;
	int	 proto_asked;		/* 2 or 3 */
	bool	 with_auth;		/* AUTH was part of HELLO */
	struct rd_reply_obs reply;	/* kind ARRAY on success; an error's text */
	int	 proto;			/* the "proto" the server answered; 0 unknown */
	long long id;			/* the connection id; -1 unknown */
	char	 server[16];		/* "redis" */
	char	 version[32];
	char	 mode[16];
	char	 role[16];
	bool	 switched_back;		/* HELLO 2 after HELLO 3 (see hello.c) */
	/* As the modelled client (rd_config.hello_as_client): */
	bool	 as_client;		/* the client's own HELLO, not -2/-3 */
	bool	 unsupported;		/* NOPROTO or an unknown-command HELLO */
	bool	 auth_inside;		/* HELLO carried the AUTH: its answer is the
					   auth step's (obs.auth), no AUTH after it */
	bool	 client_stops;		/* unsupported, and the client does not fall
					   back: it sends nothing more (node-redis) */
};

#define RD_MAX_REPLICAS	16

/* What a sentinel said about one master (rd_probe_opts.sentinel_master):
 * SENTINEL get-master-addr-by-name, ckquorum and replicas. */
struct rd_sentinel_obs {
	bool	 asked;
	struct rd_reply_obs addr;	/* get-master-addr-by-name's reply */
	bool	 nil;			/* it does not know the name */
	char	 known[256];		/* then: the masters it monitors, ", " */
	char	 master_ip[64];
	int	 master_port;		/* 0 when it named none */
	struct rd_reply_obs quorum;	/* ckquorum: "+OK 3 usable Sentinels..." or -NOQUORUM */
	int	 nreplicas;
	struct {
		char	 ip[64];
		int	 port;
		char	 flags[64];	/* "slave", "slave,s_down" */
	} replicas[RD_MAX_REPLICAS];
};

struct rd_obs {
	int64_t	 start_us;		/* monotonic start of the run */
	int64_t	 deadline_us;		/* the absolute deadline used */
	int64_t	 timeout_us;		/* the --timeout it came from */
	bool	 deadline_hit;		/* some step was cut off by the deadline */

	struct rd_step steps[RD_STEP__COUNT];

	struct rd_dns_obs dns;
	struct rd_tcp_obs tcp;
	struct rd_tls_obs tls;
	struct rd_cross_obs cross;

	struct rd_reply_obs greeting;	/* something the server sent unasked */
	struct rd_reply_obs auth;
	struct rd_reply_obs select;
	struct rd_reply_obs ping;
	struct rd_reply_obs info;
	struct rd_hello_obs hello;

	struct rd_server_obs server;
	struct rd_latency_obs latency;

	struct rd_sentinel_obs sentinel;	/* the peer as a sentinel, when asked */
	/* A reply that came after the one asked for, before the next
	 * command (+PONG then +EXTRA in one write): every later reply would
	 * belong to the command before it, so the conversation stopped. */
	bool	 unsolicited_seen;
	char	 unsolicited_after[16];	/* the command it followed: "PING" */
	struct rd_reply_obs unsolicited;

	bool	 auth_sent;		/* AUTH was sent (a password was configured) */
	int64_t	 total_us;
};

#endif
