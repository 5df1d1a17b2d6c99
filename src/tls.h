/* tls.h — the OpenSSL 3 client side of the probe: context, verification,
 * non-blocking handshake under the deadline, and the facts recorded about
 * it (version, cipher, SNI, verify code, alerts, library reason, bytes that
 * were not TLS, the peer certificate). */
#ifndef RD_TLS_H
#define RD_TLS_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "conn.h"
#include "obs.h"

struct tls_opts {
	const char	*sni;		/* NULL: send none */
	const char	*expected_name;	/* verified against the certificate */
	bool		 name_is_ip;
	const char	*cacert, *cacertdir;	/* NULL: the system store */
	const char	*cert, *key;	/* client certificate */
	bool		 verify;	/* false: --insecure, or the cross-try */
	bool		 skip_name_check;	/* verify the chain only, as a client
					 * model that checks no host name does
					 * (expected_name is still compared and
					 * recorded: hostname_match) */
	bool		 need_trust;	/* load the system store when no CA is
					 * given; the cross-try's proof needs
					 * a handshake, not trust */
	int64_t		 files_deadline_us;	/* cacert, cert and key are read
					 * by then (a pipe, a FIFO): absolute */
	const char	*ciphers;	/* --tls-ciphers (TLS <= 1.2), NULL: OpenSSL's */
	const char	*ciphersuites;	/* --tls-ciphersuites (TLS 1.3) */
};

/* Performs a TLS handshake over c->fd (connected, non-blocking) and sets
 * c->ssl, c->ctx and c->tls_state, which conn_close() releases.  Gives up
 * at deadline_us.  Records everything into *obs, which must stay valid
 * while c is open (alerts arriving on later reads are recorded there
 * too).  Returns 0 on success, -1 with *err describing the failure by
 * code.  It is tls_begin, tls_advance until done, tls_end. */
int	tls_handshake(struct conn *c, const struct tls_opts *,
	    int64_t deadline_us, struct rd_tls_obs *obs, struct rd_err *err);

/* The same handshake in steps, for a caller that waits on more than this
 * socket (the probe races a plaintext PING against a silent peer).
 * tls_begin sets up c->ssl (0, or -1 with *err; then do not call the
 * others).  tls_advance never waits: 1 handshake done, 0 it wants
 * *events (POLLIN or POLLOUT) on c->fd, -1 failed.  tls_stop ends a
 * handshake the caller gave up on: errnum 0 when it stopped waiting
 * (obs->timed_out), else the errno of its failed poll.  tls_end records
 * the certificate facts and classifies the outcome exactly as
 * tls_handshake does (deadline_us only tells a stall from the deadline);
 * 0 when the handshake completed, else -1 with *err. */
int	tls_begin(struct conn *c, const struct tls_opts *,
	    struct rd_tls_obs *obs, struct rd_err *err);
int	tls_advance(struct conn *c, short *events);
void	tls_stop(struct conn *c, int errnum);
int	tls_end(struct conn *c, const struct tls_opts *, int64_t deadline_us,
	    struct rd_tls_obs *obs, struct rd_err *err);

/* on: every handshake of the process with the same TLS options (CA,
 * client certificate, verification) uses one shared SSL_CTX whose CA
 * store is loaded once (check --targets, serve).  Either way the contexts
 * shared so far are released (serve's reload: certificate files are read
 * anew).  Thread-safe. */
void	tls_share_contexts(bool on);

/* True once the peer has sent bytes that could begin a TLS record: it
 * speaks TLS, whatever it says next. */
bool	tls_peer_answered(const struct conn *c);

/* After a failed read or write on a TLS conn: records the library error
 * (and any alert the callbacks saw) into *obs. */
void	tls_note_error(struct rd_tls_obs *obs);

/* Certificate facts of x into *obs: subject, issuer, SANs, validity in
 * ISO 8601 UTC, days_left, self_signed, and hostname_match against
 * expected_name (an IP literal when name_is_ip; NULL or "": not checked).
 * Pure and safe on any certificate that parsed.  Returns 0, -1 when x is
 * NULL. */
int	tls_cert_facts(X509 *x, const char *expected_name, bool name_is_ip,
	    struct rd_tls_obs *obs);

/* "X509_V_ERR_CERT_HAS_EXPIRED" for a verify code, "X509_V_OK" for 0. */
const char *tls_verify_name(long);

/* "certificate_required" for alert 116, "" when unknown. */
const char *tls_alert_name(int);

#endif
