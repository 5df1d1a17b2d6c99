/* tls_ctx.c — the SSL_CTX a handshake uses: the system trust store
 * (loaded lazily), CA and client-certificate files read under the
 * deadline, and one context per distinct set of TLS options shared by
 * every probe of a run (check --targets, serve). */
#include "tls_int.h"

/* The system trust store, as SSL_CTX_set_default_verify_paths() has it
 * (the hashed directory, the bundle file, the default store URI; the
 * SSL_CERT_DIR and SSL_CERT_FILE overrides are OpenSSL's own), except
 * that the bundle file is parsed only when a lookup gets that far.  The
 * bundle is every CA in one PEM file: parsing it eagerly cost about 30 ms
 * of a 50 ms TLS check, while the hashed directory finds the issuer by
 * its subject hash with one small read. */
static int
lazy_bundle_lookup(X509_LOOKUP *lk, X509_LOOKUP_TYPE type,
    const X509_NAME *name, X509_OBJECT *ret)
{
	X509_LOOKUP *file = X509_LOOKUP_get_method_data(lk);
	X509_STORE *store = X509_LOOKUP_get_store(lk);
	X509_OBJECT *obj;
	X509 *x = NULL;

	if (file == NULL || store == NULL || type != X509_LU_X509)
		return 0;
	/* Once: later lookups find the bundle's certificates in the
	 * store's cache before they get here. */
	X509_LOOKUP_set_method_data(lk, NULL);
	X509_LOOKUP_load_file(file, NULL, X509_FILETYPE_DEFAULT);
	ERR_clear_error();	/* a missing bundle is not an error */
	if (!X509_STORE_lock(store))
		return 0;
	obj = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store),
	    type, (X509_NAME *)name);
	if (obj != NULL)
		x = X509_OBJECT_get0_X509(obj);
	X509_STORE_unlock(store);
	if (x == NULL || X509_OBJECT_set1_X509(ret, x) != 1)
		return 0;
	/* Like OpenSSL's own lookups, ret borrows the store's reference
	 * (the caller takes its own). */
	X509_free(x);
	return 1;
}

/* The lazy lookup method, made once for the process: --all-candidates
 * probes in threads that may all get here at the same time.  Freed at
 * exit, after every context that used it (conn_close frees them). */
static X509_LOOKUP_METHOD *lazy;
static pthread_once_t lazy_once = PTHREAD_ONCE_INIT;

static void
lazy_free(void)
{
	X509_LOOKUP_meth_free(lazy);
	lazy = NULL;
}

static void
lazy_init(void)
{
	if ((lazy = X509_LOOKUP_meth_new("redisdiag lazy bundle")) == NULL)
		return;
	X509_LOOKUP_meth_set_get_by_subject(lazy, lazy_bundle_lookup);
	atexit(lazy_free);
}

static int
system_trust(SSL_CTX *ctx)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	X509_LOOKUP *dir, *lz, *file, *uri;

	if (pthread_once(&lazy_once, lazy_init) != 0 || lazy == NULL)
		return -1;
	/* In lookup order: the directory, the bundle when that missed, the
	 * store URI; the plain file lookup only holds what the lazy one
	 * loads into it. */
	if ((dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir())) ==
	    NULL || (lz = X509_STORE_add_lookup(store, lazy)) == NULL ||
	    (file = X509_STORE_add_lookup(store, X509_LOOKUP_file())) == NULL ||
	    (uri = X509_STORE_add_lookup(store, X509_LOOKUP_store())) == NULL)
		return -1;
	X509_LOOKUP_add_dir(dir, NULL, X509_FILETYPE_DEFAULT);
	X509_LOOKUP_set_method_data(lz, file);
	X509_LOOKUP_add_store(uri, NULL);
	ERR_clear_error();
	return 0;
}

/* The most a CA bundle or certificate file may hold. */
#define TLS_FILE_MAX	(4 << 20)

/* Reads path whole into a memory BIO by the deadline: a pipe from a
 * process substitution whose writer is slow, or a FIFO no one writes,
 * ends at the deadline instead of blocking the run.  NULL with
 * obs->file_error (and file_timed_out) set.  The caller frees the BIO;
 * the bytes may be a private key, so the buffer is wiped here. */
static BIO *
read_file_bio(const char *flag, const char *path, int64_t deadline_us,
    struct rd_tls_obs *obs)
{
	struct pollfd p;
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t n;
	BIO *bio = NULL;
	const char *why = NULL;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		why = errno == ENOENT ? "no such file" : errno == EACCES ?
		    "permission denied" : "cannot be opened";
		goto out;
	}
	for (;;) {
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		r = poll(&p, 1, clock_left_ms(deadline_us));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0 || (r == -1 && clock_left_us(deadline_us) == 0)) {
			why = "not readable before the deadline (a pipe or "
			    "FIFO whose writer had not finished)";
			obs->file_timed_out = true;
			break;
		}
		if (r == -1) {
			why = "cannot be read";
			break;
		}
		if (cap - len < 65536) {
			if (cap >= TLS_FILE_MAX) {
				why = "larger than 4 MiB";
				break;
			}
			if ((nb = realloc(buf, cap + 65536)) == NULL) {
				why = "out of memory";
				break;
			}
			buf = nb;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == -1) {
			why = errno == EISDIR ? "a directory, not a file" :
			    "cannot be read";
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (why == NULL && (bio = BIO_new(BIO_s_mem())) != NULL &&
	    BIO_write(bio, buf != NULL ? buf : "", (int)len) != (int)len) {
		BIO_free(bio);
		bio = NULL;
	}
	if (why == NULL && bio == NULL)
		why = "out of memory";
out:
	if (buf != NULL) {
		explicit_bzero(buf, cap);
		free(buf);
	}
	if (why != NULL)
		snprintf(obs->file_error, sizeof(obs->file_error), "%s %s: %s",
		    flag, path, why);
	return bio;
}

/* The CA certificates in PEM file path into ctx's store; -1 with
 * obs->file_error. */
static int
load_ca_file(SSL_CTX *ctx, const char *path, int64_t deadline_us,
    struct rd_tls_obs *obs)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	STACK_OF(X509_INFO) *inf;
	BIO *bio;
	int i, n = 0;

	if ((bio = read_file_bio("--cacert", path, deadline_us, obs)) == NULL)
		return -1;
	inf = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	BIO_free(bio);
	for (i = 0; inf != NULL && i < sk_X509_INFO_num(inf); i++) {
		X509_INFO *it = sk_X509_INFO_value(inf, i);

		if (it->x509 != NULL && X509_STORE_add_cert(store, it->x509) == 1)
			n++;
	}
	sk_X509_INFO_pop_free(inf, X509_INFO_free);
	ERR_clear_error();
	if (n == 0) {
		snprintf(obs->file_error, sizeof(obs->file_error),
		    "--cacert %s: no PEM certificate in it", path);
		return -1;
	}
	return 0;
}

/* The client certificate chain and key into ctx; -1 with
 * obs->file_error.  Without --key the key is in the certificate file. */
static int
load_client_cert(SSL_CTX *ctx, const char *cert, const char *key,
    int64_t deadline_us, struct rd_tls_obs *obs)
{
	BIO *cb, *kb = NULL;
	X509 *x, *extra;
	EVP_PKEY *pk = NULL;
	int rc = -1;

	if ((cb = read_file_bio("--cert", cert, deadline_us, obs)) == NULL)
		return -1;
	if (key != NULL &&
	    (kb = read_file_bio("--key", key, deadline_us, obs)) == NULL)
		goto out;
	if ((x = PEM_read_bio_X509_AUX(cb, NULL, NULL, NULL)) == NULL) {
		snprintf(obs->file_error, sizeof(obs->file_error),
		    "--cert %s: no PEM certificate in it", cert);
		goto out;
	}
	if (SSL_CTX_use_certificate(ctx, x) != 1) {
		X509_free(x);
		tls_note_error(obs);
		snprintf(obs->file_error, sizeof(obs->file_error),
		    "--cert %s: not usable: %s", cert, obs->lib_reason);
		goto out;
	}
	X509_free(x);
	while ((extra = PEM_read_bio_X509(cb, NULL, NULL, NULL)) != NULL)
		if (SSL_CTX_add0_chain_cert(ctx, extra) != 1)
			X509_free(extra);
	ERR_clear_error();
	if (kb == NULL)
		(void)BIO_reset(cb);
	if ((pk = PEM_read_bio_PrivateKey(kb != NULL ? kb : cb, NULL, NULL,
	    NULL)) == NULL) {
		snprintf(obs->file_error, sizeof(obs->file_error),
		    "%s %s: no PEM private key in it", kb != NULL ? "--key" :
		    "--cert", kb != NULL ? key : cert);
		goto out;
	}
	if (SSL_CTX_use_PrivateKey(ctx, pk) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_note_error(obs);
		snprintf(obs->file_error, sizeof(obs->file_error),
		    "--key %s: does not match --cert %s: %s",
		    key != NULL ? key : cert, cert, obs->lib_reason);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(pk);
	BIO_free(cb);
	BIO_free(kb);
	ERR_clear_error();
	return rc;
}

/* Loads trust and the client certificate; -1 with *err.  eager: load
 * the whole system store now (a context shared by many probes). */
static SSL_CTX *
make_ctx(const struct tls_opts *o, struct rd_tls_obs *obs,
    struct rd_err *err, bool eager)
{
	SSL_CTX *ctx;
	char msg[256];

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_note_error(obs);
		tl_set_err(err, "tls_setup", 0, "", "cannot create a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* redis-cli's --tls-ciphers / --tls-ciphersuites: a list OpenSSL
	 * takes nothing from is the user's error, said before any byte. */
	if (o->ciphers != NULL && SSL_CTX_set_cipher_list(ctx, o->ciphers) != 1) {
		tls_note_error(obs);
		tl_set_err(err, "tls_ciphers", 0, "", "no usable cipher in "
		    "--tls-ciphers (OpenSSL cipher list syntax)");
		goto fail;
	}
	if (o->ciphersuites != NULL &&
	    SSL_CTX_set_ciphersuites(ctx, o->ciphersuites) != 1) {
		tls_note_error(obs);
		tl_set_err(err, "tls_ciphers", 0, "", "no usable ciphersuite in "
		    "--tls-ciphersuites (TLS 1.3 names, colon-separated)");
		goto fail;
	}
	if (o->cacert != NULL &&
	    load_ca_file(ctx, o->cacert, o->files_deadline_us, obs) == -1) {
		tl_set_err(err, "tls_file", 0, "", obs->file_error);
		goto fail;
	}
	if (o->cacertdir != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, NULL,
		    o->cacertdir) != 1) {
			tls_note_error(obs);
			snprintf(msg, sizeof(msg), "cannot load the CA "
			    "directory: %s", obs->lib_reason);
			tl_set_err(err, "tls_ca", 0, "", msg);
			goto fail;
		}
	} else if (o->cacert == NULL && o->need_trust && (eager ?
	    SSL_CTX_set_default_verify_paths(ctx) != 1 :
	    system_trust(ctx) == -1)) {
		tls_note_error(obs);
		tl_set_err(err, "tls_ca", 0, "", "cannot load the system trust store");
		goto fail;
	}
	if (o->cert != NULL && load_client_cert(ctx, o->cert, o->key,
	    o->files_deadline_us, obs) == -1) {
		tl_set_err(err, "tls_file", 0, "", obs->file_error);
		goto fail;
	}
	SSL_CTX_set_verify(ctx, o->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
	    tl_verify_cb);
	SSL_CTX_set_info_callback(ctx, tl_info_cb);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* Shared contexts (check --targets, serve): one SSL_CTX, and so one
 * loaded CA store, per distinct set of TLS options for the life of the
 * process, instead of one per handshake.  A context is not changed after
 * it is made (callbacks and verify mode are set once; per-connection
 * state lives in the SSL), so many probes may use it at once.  Each user
 * holds its own reference: conn_close() frees its one. */
#define SHARE_MAX	64

static struct shared_ctx {
	char	*cacert, *cacertdir, *cert, *key;
	bool	 verify, need_trust;
	SSL_CTX	*ctx;
} shared[SHARE_MAX];
static size_t nshared;
static bool sharing;
static pthread_mutex_t share_mu = PTHREAD_MUTEX_INITIALIZER;

static bool
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
share_flush(void)
{
	size_t i;

	for (i = 0; i < nshared; i++) {
		SSL_CTX_free(shared[i].ctx);
		free(shared[i].cacert);
		free(shared[i].cacertdir);
		free(shared[i].cert);
		free(shared[i].key);
	}
	memset(shared, 0, sizeof(shared));
	nshared = 0;
}

void
tls_share_contexts(bool on)
{
	pthread_mutex_lock(&share_mu);
	share_flush();
	sharing = on;
	pthread_mutex_unlock(&share_mu);
}

static char *
dup0(const char *s, bool *oom)
{
	char *d = NULL;

	if (s != NULL && (d = strdup(s)) == NULL)
		*oom = true;
	return d;
}

/* A context for o: the shared one when sharing, else a new one. */
SSL_CTX *
tl_get_ctx(const struct tls_opts *o, struct rd_tls_obs *obs, struct rd_err *err)
{
	struct shared_ctx *s;
	SSL_CTX *ctx = NULL;
	bool oom = false;
	size_t i;

	pthread_mutex_lock(&share_mu);
	if (!sharing) {
		pthread_mutex_unlock(&share_mu);
		return make_ctx(o, obs, err, false);
	}
	for (i = 0; i < nshared; i++) {
		s = &shared[i];
		if (same(s->cacert, o->cacert) && same(s->cacertdir,
		    o->cacertdir) && same(s->cert, o->cert) && same(s->key,
		    o->key) && s->verify == o->verify &&
		    s->need_trust == o->need_trust) {
			if (SSL_CTX_up_ref(s->ctx) == 1)
				ctx = s->ctx;
			break;
		}
	}
	/* Made under the lock: the first probes of a run wait for the
	 * one load instead of each loading the store. */
	if (ctx == NULL && (ctx = make_ctx(o, obs, err, true)) != NULL &&
	    nshared < SHARE_MAX && SSL_CTX_up_ref(ctx) == 1) {
		s = &shared[nshared];
		s->cacert = dup0(o->cacert, &oom);
		s->cacertdir = dup0(o->cacertdir, &oom);
		s->cert = dup0(o->cert, &oom);
		s->key = dup0(o->key, &oom);
		s->verify = o->verify;
		s->need_trust = o->need_trust;
		s->ctx = ctx;
		nshared++;
		if (oom) {
			nshared--;
			free(s->cacert);
			free(s->cacertdir);
			free(s->cert);
			free(s->key);
			SSL_CTX_free(ctx);
			memset(s, 0, sizeof(*s));
		}
	}
	pthread_mutex_unlock(&share_mu);
	return ctx;
}
