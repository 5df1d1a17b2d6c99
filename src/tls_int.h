/* tls_int.h — what the two halves of the TLS module share: tls.c (the
 * handshake, its callbacks and the facts it records) and tls_ctx.c (the
 * SSL_CTX: trust stores, CA and client-certificate files read under the
 * deadline, and the contexts shared between probes).  tls.h is the
 * module's interface. */
#ifndef RD_TLS_INT_H
#define RD_TLS_INT_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "resp.h"
#include "strutil.h"
#include "tcp.h"
#include "tls.h"

#define FIRST_MAX	40

/* What the callbacks write into; lives as long as the conn. */
struct tls_state {
	struct rd_tls_obs *obs;
	unsigned char	 first[FIRST_MAX];
	size_t		 nfirst;
	uint64_t	 rx;		/* raw bytes read from the socket */
	X509		*leaf;		/* seen by the verify callback; ref held */
	bool		 want_cert;	/* a client certificate is configured */
	int		 result;	/* 0 under way, 1 done, -1 failed or stopped */
	int		 ssl_err;	/* SSL_get_error() of the failure; -1 stopped */
	int		 fail_errno;	/* errno at the failure */
};

/* Each says what it does where it is defined. */
void	tl_info_cb(const SSL *ssl, int where, int ret);
int	tl_verify_cb(int ok, X509_STORE_CTX *xs);
void	tl_set_err(struct rd_err *err, const char *code, int errnum, const char *name,
    const char *msg);
SSL_CTX *tl_get_ctx(const struct tls_opts *o, struct rd_tls_obs *obs, struct rd_err *err);

#endif
