/* faultsrv_tls.c — the TLS side of the fault server: the SSL_CTX a
 * scenario asks for (which run-time certificate it presents, whether it
 * demands a client certificate or SNI "localhost") and the TLS half of a
 * connection's I/O.  Every SSL call is non-blocking: "want read/write" is
 * "nothing yet", anything else ends the connection, as Redis drops a
 * failed handshake. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "faultsrv_int.h"

static const char SNI_NAME[] = "localhost";

/* An SSL call returned r <= 0: 0 when it only has to wait, -1 when the
 * connection is over.  The error queue is left empty either way. */
static int
tls_wait_or_over(SSL *ssl, int r)
{
	int e = SSL_get_error(ssl, r);

	ERR_clear_error();
	return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : -1;
}

static int
sni_cb(SSL *ssl, int *alert, void *arg)
{
	const struct faultsrv *s = arg;
	const char *name;

	if (!fs_has(s, FS_SNI_REQUIRED))
		return SSL_TLSEXT_ERR_OK;
	/* Called with or without the extension: a missing name fails too. */
	name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (name != NULL && strcasecmp(name, SNI_NAME) == 0)
		return SSL_TLSEXT_ERR_OK;
	*alert = SSL_AD_UNRECOGNIZED_NAME;
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

SSL_CTX *
fs_tls_context(struct faultsrv *s, char *err, size_t errlen)
{
	const struct rd_certs *k = s->cfg.certs;
	SSL_CTX *ctx;
	X509 *leaf;

	if (k == NULL) {
		snprintf(err, errlen, "TLS scenario without certificates");
		return NULL;
	}
	switch (s->cfg.cert) {
	case FS_CERT_SELF:	leaf = k->self; break;
	case FS_CERT_EXPIRED:	leaf = k->expired; break;
	case FS_CERT_WRONGHOST:	leaf = k->wronghost; break;
	default:		leaf = k->leaf; break;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate(ctx, leaf) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, k->leaf_key) != 1)
		goto fail;
	if (fs_has(s, FS_CLIENT_CERT)) {
		X509_STORE *st = SSL_CTX_get_cert_store(ctx);
		if (X509_STORE_add_cert(st, k->cca) != 1 ||
		    SSL_CTX_add_client_CA(ctx, k->cca) != 1)
			goto fail;
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	SSL_CTX_set_tlsext_servername_callback(ctx, sni_cb);
	SSL_CTX_set_tlsext_servername_arg(ctx, s);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* No session tickets: each connection shows the full handshake. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	return ctx;
fail:
	snprintf(err, errlen, "TLS context: %s",
	    ERR_reason_error_string(ERR_peek_error()) ?
	    ERR_reason_error_string(ERR_peek_error()) : "failed");
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

int
fs_tls_attach(struct faultsrv *s, struct fs_conn *c)
{
	if ((c->ssl = SSL_new(s->ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		return -1;
	SSL_set_accept_state(c->ssl);
	return 0;
}

int
fs_tls_handshake(struct fs_conn *c)
{
	int r = SSL_accept(c->ssl);

	if (r != 1)
		return tls_wait_or_over(c->ssl, r);
	c->tls_done = true;
	return 1;
}

ssize_t
fs_tls_read(struct fs_conn *c, char *dst, size_t room)
{
	int r = SSL_read(c->ssl, dst, room > INT32_MAX ? INT32_MAX : (int)room);

	return r > 0 ? r : tls_wait_or_over(c->ssl, r);
}

ssize_t
fs_tls_write(struct fs_conn *c, const char *p, size_t n)
{
	int r = SSL_write(c->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);

	return r > 0 ? r : tls_wait_or_over(c->ssl, r);
}

bool
fs_tls_pending(const struct fs_conn *c)
{
	return SSL_pending(c->ssl) > 0;
}

void
fs_tls_shutdown(struct fs_conn *c)
{
	SSL_shutdown(c->ssl);
}
