/* certgen.h — certificates made in memory at run time for simulate.
 *
 * One CA and the leaves the TLS scenarios present (good, self-signed,
 * expired, wrong host), plus a client CA and a client certificate.  Keys
 * are P-256.  Nothing is read from the repository and no openssl command
 * runs.  Only the files a client needs as paths (the CA, the client
 * certificate and key) are written, into a private mkdtemp directory that
 * certgen_free() removes. */
#ifndef RD_CERTGEN_H
#define RD_CERTGEN_H

#include <limits.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define RD_CERT_WRONG_HOST	"redis.wrong-host.invalid"

struct rd_certs {
	EVP_PKEY *ca_key;	X509 *ca;	/* "redisdiag simulate CA" */
	EVP_PKEY *leaf_key;			/* shared by the server leaves */
	X509	*leaf;		/* CA-signed: localhost, 127.0.0.1, ::1 */
	X509	*self;		/* self-signed, same names: untrusted */
	X509	*expired;	/* CA-signed, notAfter a day ago */
	X509	*wronghost;	/* CA-signed, only RD_CERT_WRONG_HOST */
	EVP_PKEY *cca_key;	X509 *cca;	/* client CA */
	EVP_PKEY *client_key;	X509 *client;	/* signed by the client CA */

	char	 dir[256];		/* "" until certgen_write() */
	char	 ca_path[300];	/* dir/ca.pem */
	char	 client_cert_path[300];	/* dir/client.pem */
	char	 client_key_path[300];	/* dir/client.key */
};

/* Generates every key and certificate into *c (zeroed first).  Returns 0,
 * or -1 with a short reason in err. */
int	certgen_make(struct rd_certs *c, char *err, size_t errlen);

/* Writes the CA, the client certificate and its key as PEM into a fresh
 * 0700 directory under $TMPDIR (tmpdir, or /tmp when NULL).  Returns 0 or
 * -1 with err set; on failure nothing is left on disk. */
int	certgen_write(struct rd_certs *c, const char *tmpdir, char *err,
	    size_t errlen);

/* Removes the files and directory certgen_write() made.  Only unlink()
 * and rmdir(): safe to call from a signal handler. */
void	certgen_unlink(const struct rd_certs *c);

/* certgen_unlink() and frees every key and certificate. */
void	certgen_free(struct rd_certs *c);

#endif
