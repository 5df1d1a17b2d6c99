/* faultsrv.h — the simulate fault server: one loopback listener, one
 * poll() loop on its own thread, one TLS context builder and one reply
 * table that answers like Redis 7 (or 5/6) in the state a scenario asks
 * for, plus toxiproxy-style knobs (delay, jitter, close-after, reset-after).
 *
 * It knows nothing about checks or findings: a scenario (scenarios.h)
 * describes a server in a struct fs_config, and simulate points the check
 * pipeline at faultsrv_port(). */
#ifndef RD_FAULTSRV_H
#define RD_FAULTSRV_H

#include <stdbool.h>
#include <stdint.h>

#include "certgen.h"
/* The request parser, fs_parse_request() and FS_MAX_ARGS among it, has a
 * header of its own (no socket, no server); the unit tests reach it here. */
#include "faultsrv_req.h"

/* What the listener does with a connection. */
enum fs_kind {
	FS_REDIS,		/* the reply table (with a payload, if any) */
	FS_NONE,		/* no listener: the port is bound, nothing listens */
	FS_BLACKHOLE,		/* listener whose accept queue is full: connect hangs */
	FS_SILENT,		/* accepts, reads, never answers */
	FS_RESET,		/* RST (SO_LINGER 0) when the first request arrives */
	FS_GREET_CLOSE		/* writes greeting on accept, then closes */
};

/* Server state the reply table honours (Redis's own checks, in its order). */
#define FS_TLS		0x0001	/* speak TLS (cert below) */
#define FS_REQUIREPASS	0x0002	/* requirepass is set (fs_config.password) */
#define FS_NOPERM_INFO	0x0004	/* the user may not run INFO */
#define FS_LOADING	0x0008	/* loading the dataset */
#define FS_BUSY		0x0010	/* a script is running */
#define FS_MASTERDOWN	0x0020	/* replica, link down, serve-stale-data no */
#define FS_REPLICA	0x0040	/* role:slave, link up */
#define FS_OOM		0x0080	/* used_memory near maxmemory, noeviction */
#define FS_CLUSTER	0x0100	/* cluster mode: keyed commands are MOVED */
#define FS_CLUSTER_DOWN	0x0200	/* cluster mode, cluster_state:fail */
#define FS_SNI_REQUIRED	0x0400	/* reject a handshake without SNI "localhost" */
#define FS_CLIENT_CERT	0x0800	/* demand a client certificate */
#define FS_CLUSTER_FAR	0x1000	/* cluster mode: this node serves 0-8191, the
				   other announced master is 127.0.0.2:port,
				   which nothing binds (MOVED there) */
#define FS_CLUSTER_HOLES 0x2000	/* cluster mode: slots 16284-16383 served by
				   no one, cluster_state:fail */
#define FS_SENTINEL	0x4000	/* a sentinel: "mymaster" is 127.0.0.1:the
				   refusing port, any other name unknown */
#define FS_CLUSTER_UNSERVED 0x8000	/* cluster mode, this node serves no slot */

enum fs_cert { FS_CERT_LEAF, FS_CERT_SELF, FS_CERT_EXPIRED, FS_CERT_WRONGHOST };

/* A reply that replaces the table's answer (hostile servers, issue 6). */
enum fs_payload {
	FS_P_NONE,
	FS_P_HTTP,		/* "HTTP/1.1 400 Bad Request" and close */
	FS_P_GARBAGE,		/* 4 KiB of random bytes, then silence */
	FS_P_BULK_2G,		/* $2147483648 */
	FS_P_BULK_HUGE,		/* $9223372036854775807 */
	FS_P_MULTI_4G,		/* *4294967295 */
	FS_P_DEEP,		/* 1,000 nested arrays */
	FS_P_LONG_LINE,		/* a 64 MiB line without CRLF, streamed */
	FS_P_DRIP,		/* one byte every 100 ms (or --delay), forever */
	FS_P_CLOSE_MID,		/* half a bulk reply, then FIN */
	FS_P_ENDLESS,		/* +PONG that never ends */
	FS_P_TLS_GARBAGE	/* random bytes right after a good TLS handshake */
};

struct fs_config {
	enum fs_kind kind;
	unsigned flags;			/* FS_* */
	enum fs_cert cert;
	enum fs_payload payload;
	const char *payload_cmd;	/* answer this command with the payload;
					   NULL: the first command of any kind */
	const char *greeting;		/* FS_GREET_CLOSE: a full RESP error line */
	const char *password;		/* requirepass, with FS_REQUIREPASS */
	int	 redis_version;		/* 5, 6 or 7: reply wording and INFO */
	int	 listen_port;		/* 0: the kernel chooses */
	int64_t	 delay_us, jitter_us;	/* before every reply */
	int64_t	 reset_after_us;	/* RST a connection this long after accept; 0 off */
	long long close_after;		/* close after writing this many bytes; -1 off */
	const struct rd_certs *certs;	/* with FS_TLS */
};

struct faultsrv;

/* Binds, listens and starts the server thread.  Returns 0 and *out, or -1
 * with a one-line reason in err. */
int	faultsrv_start(const struct fs_config *, struct faultsrv **out,
	    char *err, size_t errlen);

/* The port clients connect to (for FS_NONE the bound, silent one). */
int	faultsrv_port(const struct faultsrv *);

/* A loopback port that is bound but not listening for as long as the
 * server runs: connecting to it is refused.  MOVED and the environment
 * scenarios point there. */
int	faultsrv_dead_port(const struct faultsrv *);

/* Stops the thread (bounded: the loop never blocks but in poll(), which
 * the stop wakes), closes every socket and frees everything.  NULL is ok. */
void	faultsrv_stop(struct faultsrv *);

#endif
