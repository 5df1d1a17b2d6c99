/* faultsrv_int.h — what the parts of the fault server share and nothing
 * else includes: the server and connection structs, and the functions each
 * part offers the others.
 *
 *   faultsrv.c          listener, poll() loop, connections, start/stop
 *   faultsrv_req.c      request parser (faultsrv_req.h; no socket)
 *   faultsrv_table.c    the Redis behaviour table: which reply, per state
 *   faultsrv_payload.c  hostile payloads that replace a reply
 *   faultsrv_tls.c      TLS context (certificates, SNI) and TLS I/O
 *
 * Everything runs on the server's one thread. */
#ifndef RD_FAULTSRV_INT_H
#define RD_FAULTSRV_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "faultsrv.h"
#include "faultsrv_req.h"

#define FS_MAX_CONNS	64
#define FS_MAX_PRE	8		/* blackhole pre-connections */

/* One client connection. */
struct fs_conn {
	int	 fd;
	SSL	*ssl;			/* with FS_TLS; owned */
	bool	 tls_done;
	long long id;

	struct fs_reqreader req;	/* request bytes not yet parsed */
	char	*out;			/* reply bytes not yet written */
	size_t	 outlen, outoff, outcap;
	int64_t	 ready_at;		/* --delay: not before this time */
	int64_t	 reset_at;		/* --reset-after, 0 off */
	long long written;		/* --close-after counts these */

	bool	 authed;
	int	 db;
	int	 proto;			/* 2 or 3 after HELLO */

	bool	 payload_sent;
	enum fs_payload gen;		/* a streamed payload in progress */
	long long gen_left;		/* bytes still to stream, -1 endless */
	int64_t	 gen_next;		/* drip: next byte */

	bool	 stall;			/* answer nothing more; keep reading */
	bool	 close_after_flush;	/* FIN once out is written */
	bool	 draining;		/* FIN sent: discard input until EOF */
	int64_t	 drain_until;
};

struct faultsrv {
	struct fs_config cfg;
	SSL_CTX	*ctx;
	int	 lfd, deadfd, port, dead_port;
	int	 pre[FS_MAX_PRE];
	int	 npre;
	int	 wake[2];
	pthread_t thr;
	bool	 started;
	struct fs_conn *conns[FS_MAX_CONNS];
	char	*scratch;		/* every reader's argv (one thread) */
	uint32_t rng;
	long long next_id, total_conns, total_cmds;
	int64_t	 started_us;
};

/* Is any of the FS_* flags f set? */
static inline bool
fs_has(const struct faultsrv *s, unsigned f)
{
	return (s->cfg.flags & f) != 0;
}

/* faultsrv.c.  fs_rnd: the next value of the server's PRNG.
 * fs_out_put appends n bytes to c's output (the first reply after an idle
 * spell waits for the configured delay); returns 0 or -1 (out of memory).
 * fs_out_fmt does the same with printf formatting, cut at 2 KiB. */
uint32_t fs_rnd(struct faultsrv *);
int	fs_out_put(struct faultsrv *, struct fs_conn *, const void *, size_t);
void	fs_out_fmt(struct faultsrv *, struct fs_conn *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* faultsrv_table.c: one request through Redis's checks, in
 * processCommand()'s order, answered into c's output. */
void	fs_dispatch(struct faultsrv *, struct fs_conn *, struct fs_request *);

/* faultsrv_payload.c.  fs_payload_start answers with the scenario's
 * payload instead of the table; fs_payload_refill tops up a streamed one
 * once the output has drained. */
void	fs_payload_start(struct faultsrv *, struct fs_conn *);
void	fs_payload_refill(struct faultsrv *, struct fs_conn *, int64_t now);

/* faultsrv_tls.c.  fs_tls_context builds the server's SSL_CTX for the
 * scenario's certificate (NULL with a one-line reason in err).
 * fs_tls_attach gives c an SSL in accept state (0, or -1).
 * fs_tls_handshake returns 1 once done (and sets c->tls_done), 0 while in
 * progress, -1 when it failed.  fs_tls_read returns bytes read, 0 when
 * none are there yet, -1 when the connection is over; fs_tls_write
 * returns bytes written (0: would block) or -1.  fs_tls_pending: whether
 * decrypted bytes wait in the SSL.  fs_tls_shutdown sends close_notify. */
SSL_CTX	*fs_tls_context(struct faultsrv *, char *err, size_t errlen);
int	fs_tls_attach(struct faultsrv *, struct fs_conn *);
int	fs_tls_handshake(struct fs_conn *);
ssize_t	fs_tls_read(struct fs_conn *, char *dst, size_t room);
ssize_t	fs_tls_write(struct fs_conn *, const char *p, size_t n);
bool	fs_tls_pending(const struct fs_conn *);
void	fs_tls_shutdown(struct fs_conn *);

#endif
