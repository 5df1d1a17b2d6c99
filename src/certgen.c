/* certgen.c — the simulate certificates, made with OpenSSL 3 in memory.
 *
 * Each certificate is one call to mkcert() with its names, validity and
 * role; the differences between the scenarios' leaves are the arguments,
 * so a reader sees at a glance why cert-expired fails and the good leaf
 * does not. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "certgen.h"

#define DAY	(24L * 60 * 60)

enum role { R_CA, R_SERVER, R_CLIENT };

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e;
	int rc;

	if ((e = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		return -1;
	rc = X509_add_ext(x, e, -1) == 1 ? 0 : -1;
	X509_EXTENSION_free(e);
	return rc;
}

static int
set_serial(X509 *x)
{
	unsigned char b[16];
	BIGNUM *bn;
	int rc = -1;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	b[0] &= 0x7f;		/* a positive serial */
	if ((bn = BN_bin2bn(b, sizeof(b), NULL)) == NULL)
		return -1;
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL)
		rc = 0;
	BN_free(bn);
	return rc;
}

/* A certificate for key, valid from now+from to now+to seconds, signed by
 * issuer/issuer_key (self-signed when issuer is NULL).  san may be NULL.
 * Returns the certificate (caller frees) or NULL. */
static X509 *
mkcert(EVP_PKEY *key, const char *cn, enum role role, const char *san,
    long from, long to, X509 *issuer, EVP_PKEY *issuer_key)
{
	X509V3_CTX ctx;
	X509_NAME *name;
	X509 *x;

	if ((x = X509_new()) == NULL)
		return NULL;
	if (X509_set_version(x, 2) != 1 || set_serial(x) == -1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), from) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), to) == NULL ||
	    X509_set_pubkey(x, key) != 1)
		goto fail;
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"redisdiag simulate", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) != 1)
		goto fail;
	if (X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name) != 1)
		goto fail;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	switch (role) {
	case R_CA:
		if (add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") ||
		    add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"))
			goto fail;
		break;
	case R_SERVER:
	case R_CLIENT:
		if (add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
		    add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature") ||
		    add_ext(x, &ctx, NID_ext_key_usage,
		    role == R_SERVER ? "serverAuth" : "clientAuth"))
			goto fail;
		break;
	}
	if (add_ext(x, &ctx, NID_subject_key_identifier, "hash"))
		goto fail;
	if (issuer != NULL &&
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always"))
		goto fail;
	if (san != NULL && add_ext(x, &ctx, NID_subject_alt_name, san))
		goto fail;
	if (X509_sign(x, issuer_key != NULL ? issuer_key : key,
	    EVP_sha256()) == 0)
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

int
certgen_make(struct rd_certs *c, char *err, size_t errlen)
{
	static const char names[] = "DNS:localhost,IP:127.0.0.1,IP:::1";

	memset(c, 0, sizeof(*c));
	if ((c->ca_key = EVP_EC_gen("P-256")) == NULL ||
	    (c->leaf_key = EVP_EC_gen("P-256")) == NULL ||
	    (c->cca_key = EVP_EC_gen("P-256")) == NULL ||
	    (c->client_key = EVP_EC_gen("P-256")) == NULL) {
		snprintf(err, errlen, "key generation failed");
		goto fail;
	}
	c->ca = mkcert(c->ca_key, "redisdiag simulate CA", R_CA, NULL,
	    -DAY, 30 * DAY, NULL, NULL);
	c->cca = mkcert(c->cca_key, "redisdiag simulate client CA", R_CA, NULL,
	    -DAY, 30 * DAY, NULL, NULL);
	if (c->ca == NULL || c->cca == NULL) {
		snprintf(err, errlen, "CA certificate failed");
		goto fail;
	}
	/* The good leaf: the names a loopback client may use. */
	c->leaf = mkcert(c->leaf_key, "localhost", R_SERVER, names,
	    -DAY, 30 * DAY, c->ca, c->ca_key);
	/* Same names, but nobody vouches for it. */
	c->self = mkcert(c->leaf_key, "localhost", R_SERVER, names,
	    -DAY, 30 * DAY, NULL, NULL);
	/* Trusted issuer and right names, but its time is over. */
	c->expired = mkcert(c->leaf_key, "localhost", R_SERVER, names,
	    -60 * DAY, -DAY, c->ca, c->ca_key);
	/* Trusted and current, for another host only. */
	c->wronghost = mkcert(c->leaf_key, RD_CERT_WRONG_HOST, R_SERVER,
	    "DNS:" RD_CERT_WRONG_HOST, -DAY, 30 * DAY, c->ca, c->ca_key);
	c->client = mkcert(c->client_key, "redisdiag simulate client",
	    R_CLIENT, NULL, -DAY, 30 * DAY, c->cca, c->cca_key);
	if (c->leaf == NULL || c->self == NULL || c->expired == NULL ||
	    c->wronghost == NULL || c->client == NULL) {
		snprintf(err, errlen, "certificate signing failed");
		goto fail;
	}
	return 0;
fail:
	ERR_clear_error();
	certgen_free(c);
	return -1;
}

/* Creates path exclusively with mode 0600 and writes one PEM object. */
static int
write_pem(const char *path, X509 *x, EVP_PKEY *k)
{
	FILE *f;
	int fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	ok = x != NULL ? PEM_write_X509(f, x) :
	    PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	if (fclose(f) != 0)
		ok = 0;
	return ok == 1 ? 0 : -1;
}

int
certgen_write(struct rd_certs *c, const char *tmpdir, char *err,
    size_t errlen)
{
	if (tmpdir == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	if ((size_t)snprintf(c->dir, sizeof(c->dir), "%s/redisdiag-sim.XXXXXX",
	    tmpdir) >= sizeof(c->dir)) {
		c->dir[0] = '\0';
		snprintf(err, errlen, "temporary directory path too long");
		return -1;
	}
	if (mkdtemp(c->dir) == NULL) {	/* mode 0700 */
		snprintf(err, errlen, "cannot create a temporary directory: %s",
		    strerror(errno));
		c->dir[0] = '\0';
		return -1;
	}
	snprintf(c->ca_path, sizeof(c->ca_path), "%s/ca.pem", c->dir);
	snprintf(c->client_cert_path, sizeof(c->client_cert_path),
	    "%s/client.pem", c->dir);
	snprintf(c->client_key_path, sizeof(c->client_key_path),
	    "%s/client.key", c->dir);
	if (write_pem(c->ca_path, c->ca, NULL) == -1 ||
	    write_pem(c->client_cert_path, c->client, NULL) == -1 ||
	    write_pem(c->client_key_path, NULL, c->client_key) == -1) {
		snprintf(err, errlen, "cannot write certificates: %s",
		    strerror(errno));
		ERR_clear_error();
		certgen_unlink(c);
		return -1;
	}
	return 0;
}

void
certgen_unlink(const struct rd_certs *c)
{
	if (c->dir[0] == '\0')
		return;
	unlink(c->ca_path);
	unlink(c->client_cert_path);
	unlink(c->client_key_path);
	rmdir(c->dir);
}

void
certgen_free(struct rd_certs *c)
{
	certgen_unlink(c);
	X509_free(c->ca);
	X509_free(c->leaf);
	X509_free(c->self);
	X509_free(c->expired);
	X509_free(c->wronghost);
	X509_free(c->cca);
	X509_free(c->client);
	EVP_PKEY_free(c->ca_key);
	EVP_PKEY_free(c->leaf_key);
	EVP_PKEY_free(c->cca_key);
	EVP_PKEY_free(c->client_key);
	memset(c, 0, sizeof(*c));
}
