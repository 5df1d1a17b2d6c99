/* conn.h — a tiny byte transport over a plain socket or an SSL*, every
 * read and write bounded by the absolute deadline. */
#ifndef RD_CONN_H
#define RD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/ssl.h>

struct conn {
	int	 fd;			/* non-blocking; -1 when closed */
	SSL	*ssl;			/* NULL for plaintext; owned */
	SSL_CTX	*ctx;			/* owned when set */
	void	*tls_state;		/* tls.c's callback state; owned, free() */
	bool	 asked;			/* plaintext: a write since the last read, so
					   the answer is (most likely) not here yet */
};

/* Writes all of buf before deadline_us.  Returns 0, or -1 with errno:
 * ETIMEDOUT at the deadline, EPIPE/ECONNRESET, EPROTO for a TLS error. */
int	conn_write(struct conn *, const void *buf, size_t len,
	    int64_t deadline_us);

/* Reads what is there, waiting until deadline_us for the first byte
 * (deadline_us <= now: only what is already pending).  Returns the byte
 * count, 0 at end of stream, or -1 with errno: ETIMEDOUT, ECONNRESET,
 * EPROTO for a TLS error (an alert: the TLS observations say which). */
ssize_t	conn_read(struct conn *, void *buf, size_t len, int64_t deadline_us);

/* Closes the socket and frees the TLS state; keeps errno. */
void	conn_close(struct conn *);

#endif
