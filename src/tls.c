/* tls.c — OpenSSL 3 client handshake under the deadline, and what it
 * tells about the peer. */
#include "tls_int.h"

static int state_idx = -1;
static pthread_once_t state_once = PTHREAD_ONCE_INIT;

/* Once per process: --all-candidates runs probes in threads, and two
 * indexes would leave each thread's callbacks reading the other's. */static void
state_idx_init(void)
{
	state_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

struct code_name {
	long		 code;
	const char	*name;
};

static const struct code_name verify_names[] = {
	{ X509_V_OK, "X509_V_OK" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT" },
	{ X509_V_ERR_UNABLE_TO_GET_CRL, "X509_V_ERR_UNABLE_TO_GET_CRL" },
	{ X509_V_ERR_CERT_SIGNATURE_FAILURE, "X509_V_ERR_CERT_SIGNATURE_FAILURE" },
	{ X509_V_ERR_CERT_NOT_YET_VALID, "X509_V_ERR_CERT_NOT_YET_VALID" },
	{ X509_V_ERR_CERT_HAS_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED" },
	{ X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, "X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD" },
	{ X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD, "X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD" },
	{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT" },
	{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
	{ X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
	{ X509_V_ERR_CERT_CHAIN_TOO_LONG, "X509_V_ERR_CERT_CHAIN_TOO_LONG" },
	{ X509_V_ERR_CERT_REVOKED, "X509_V_ERR_CERT_REVOKED" },
	{ X509_V_ERR_INVALID_CA, "X509_V_ERR_INVALID_CA" },
	{ X509_V_ERR_PATH_LENGTH_EXCEEDED, "X509_V_ERR_PATH_LENGTH_EXCEEDED" },
	{ X509_V_ERR_INVALID_PURPOSE, "X509_V_ERR_INVALID_PURPOSE" },
	{ X509_V_ERR_CERT_UNTRUSTED, "X509_V_ERR_CERT_UNTRUSTED" },
	{ X509_V_ERR_CERT_REJECTED, "X509_V_ERR_CERT_REJECTED" },
	{ X509_V_ERR_HOSTNAME_MISMATCH, "X509_V_ERR_HOSTNAME_MISMATCH" },
	{ X509_V_ERR_EMAIL_MISMATCH, "X509_V_ERR_EMAIL_MISMATCH" },
	{ X509_V_ERR_IP_ADDRESS_MISMATCH, "X509_V_ERR_IP_ADDRESS_MISMATCH" },
	{ X509_V_ERR_EE_KEY_TOO_SMALL, "X509_V_ERR_EE_KEY_TOO_SMALL" },
	{ X509_V_ERR_CA_KEY_TOO_SMALL, "X509_V_ERR_CA_KEY_TOO_SMALL" },
	{ X509_V_ERR_CA_MD_TOO_WEAK, "X509_V_ERR_CA_MD_TOO_WEAK" },
	{ X509_V_ERR_INVALID_CALL, "X509_V_ERR_INVALID_CALL" },
	{ X509_V_ERR_STORE_LOOKUP, "X509_V_ERR_STORE_LOOKUP" },
	{ X509_V_ERR_NO_ISSUER_PUBLIC_KEY, "X509_V_ERR_NO_ISSUER_PUBLIC_KEY" },
	{ X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM, "X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM" },
	{ X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH, "X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH" },
	{ X509_V_ERR_OUT_OF_MEM, "X509_V_ERR_OUT_OF_MEM" },
	{ X509_V_ERR_UNSPECIFIED, "X509_V_ERR_UNSPECIFIED" },
};

static const struct code_name alert_names[] = {
	{ 0, "close_notify" }, { 10, "unexpected_message" },
	{ 20, "bad_record_mac" }, { 22, "record_overflow" },
	{ 40, "handshake_failure" }, { 42, "bad_certificate" },
	{ 43, "unsupported_certificate" }, { 44, "certificate_revoked" },
	{ 45, "certificate_expired" }, { 46, "certificate_unknown" },
	{ 47, "illegal_parameter" }, { 48, "unknown_ca" },
	{ 49, "access_denied" }, { 50, "decode_error" },
	{ 51, "decrypt_error" }, { 70, "protocol_version" },
	{ 71, "insufficient_security" }, { 80, "internal_error" },
	{ 86, "inappropriate_fallback" }, { 90, "user_canceled" },
	{ 109, "missing_extension" }, { 110, "unsupported_extension" },
	{ 112, "unrecognized_name" },
	{ 113, "bad_certificate_status_response" },
	{ 115, "unknown_psk_identity" }, { 116, "certificate_required" },
	{ 120, "no_application_protocol" },
};

const char *
tls_verify_name(long code)
{
	size_t i;

	for (i = 0; i < sizeof(verify_names) / sizeof(verify_names[0]); i++)
		if (verify_names[i].code == code)
			return verify_names[i].name;
	return "X509_V_ERR_?";
}

const char *
tls_alert_name(int code)
{
	size_t i;

	for (i = 0; i < sizeof(alert_names) / sizeof(alert_names[0]); i++)
		if (alert_names[i].code == code)
			return alert_names[i].name;
	return "";
}

/* Copies at most n bytes of s into out, control bytes as '?'. */
static void
copy_clean(char *out, size_t outsz, const unsigned char *s, size_t n)
{
	size_t i;

	if (outsz == 0)
		return;
	if (n > outsz - 1)
		n = outsz - 1;
	for (i = 0; i < n; i++)
		out[i] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
	out[n] = '\0';
}

static void
name_text(const X509_NAME *nm, char *out, size_t outsz)
{
	BIO *b;
	char *p;
	long n;

	out[0] = '\0';
	if (nm == NULL || (b = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) > 0)
		copy_clean(out, outsz, (unsigned char *)p, (size_t)n);
	BIO_free(b);
}

static void
time_text(const ASN1_TIME *t, char *out, size_t outsz)
{
	struct tm tm;

	out[0] = '\0';
	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return;
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
tls_cert_facts(X509 *x, const char *expected_name, bool name_is_ip,
    struct rd_tls_obs *obs)
{
	GENERAL_NAMES *gens;
	const ASN1_TIME *na;
	int i, n, days = 0, secs = 0;

	obs->hostname_match = -1;
	if (x == NULL)
		return -1;
	obs->have_cert = true;
	name_text(X509_get_subject_name(x), obs->subject, sizeof(obs->subject));
	name_text(X509_get_issuer_name(x), obs->issuer, sizeof(obs->issuer));

	obs->nsans = 0;
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	n = gens != NULL ? sk_GENERAL_NAME_num(gens) : 0;
	for (i = 0; i < n && obs->nsans < RD_MAX_SANS; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char *out = obs->sans[obs->nsans], a[64];
		const unsigned char *d;
		int len;

		if (g->type == GEN_DNS) {
			d = ASN1_STRING_get0_data(g->d.dNSName);
			len = ASN1_STRING_length(g->d.dNSName);
			memcpy(out, "DNS:", 4);
			copy_clean(out + 4, sizeof(obs->sans[0]) - 4, d,
			    len > 0 ? (size_t)len : 0);
			obs->nsans++;
		} else if (g->type == GEN_IPADD) {
			d = ASN1_STRING_get0_data(g->d.iPAddress);
			len = ASN1_STRING_length(g->d.iPAddress);
			if (len == 4)
				inet_ntop(AF_INET, d, a, sizeof(a));
			else if (len == 16)
				inet_ntop(AF_INET6, d, a, sizeof(a));
			else
				continue;
			snprintf(out, sizeof(obs->sans[0]), "IP:%s", a);
			obs->nsans++;
		}
	}
	GENERAL_NAMES_free(gens);

	time_text(X509_get0_notBefore(x), obs->not_before,
	    sizeof(obs->not_before));
	na = X509_get0_notAfter(x);
	time_text(na, obs->not_after, sizeof(obs->not_after));
	obs->days_left = 0;
	if (na != NULL && ASN1_TIME_diff(&days, &secs, NULL, na) == 1)
		obs->days_left = days;

	obs->self_signed = X509_self_signed(x, 0) == 1;
	ERR_clear_error();	/* the checks above may leave errors queued */

	if (expected_name != NULL && expected_name[0] != '\0') {
		int r;

		snprintf(obs->expected_name, sizeof(obs->expected_name), "%s",
		    expected_name);
		if (name_is_ip)
			r = X509_check_ip_asc(x, expected_name, 0);
		else
			r = X509_check_host(x, expected_name,
			    strlen(expected_name),
			    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL);
		obs->hostname_match = r == 1 ? 1 : r == 0 ? 0 : -1;
	}
	return 0;
}

static struct tls_state *
state_of(const SSL *ssl)
{
	return state_idx < 0 ? NULL : SSL_get_ex_data(ssl, state_idx);
}

void
tl_info_cb(const SSL *ssl, int where, int ret)
{
	struct tls_state *st = state_of(ssl);
	int desc = ret & 0xff;

	if (st == NULL || !(where & SSL_CB_ALERT))
		return;
	/* Closing is not a failure. */
	if (desc == 0 || desc == 90)
		return;
	if (where & SSL_CB_READ) {
		st->obs->alert = desc;
		st->obs->alert_sent = false;
	} else if (st->obs->alert == -1) {
		st->obs->alert = desc;
		st->obs->alert_sent = true;
	} else
		return;
	snprintf(st->obs->alert_desc, sizeof(st->obs->alert_desc), "%s",
	    tls_alert_name(desc));
}

static void
msg_cb(int write_p, int version, int content_type, const void *buf,
    size_t len, SSL *ssl, void *arg)
{
	struct tls_state *st = state_of(ssl);
	const unsigned char *p = buf;

	if (st == NULL || content_type != SSL3_RT_HANDSHAKE || len < 1)
		return;
	if (!write_p && p[0] == SSL3_MT_CERTIFICATE_REQUEST)
		st->obs->cert_requested = true;
	/* A client Certificate message with at least one certificate. */
	if (write_p && p[0] == SSL3_MT_CERTIFICATE && st->want_cert && len > 10)
		st->obs->client_cert_sent = true;
}

int
tl_verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_state *st = ssl != NULL ? state_of(ssl) : NULL;
	X509 *leaf = X509_STORE_CTX_get0_cert(xs);

	if (st != NULL && st->leaf == NULL && leaf != NULL &&
	    X509_up_ref(leaf) == 1)
		st->leaf = leaf;
	return ok;
}

static long
bio_cb(BIO *b, int oper, const char *argp, size_t len, int argi, long argl,
    int ret, size_t *processed)
{
	struct tls_state *st = (struct tls_state *)BIO_get_callback_arg(b);

	if (st != NULL && oper == (BIO_CB_READ | BIO_CB_RETURN) && ret > 0 &&
	    processed != NULL && *processed > 0) {
		size_t n = *processed, room = FIRST_MAX - st->nfirst;

		if (room > 0)
			memcpy(st->first + st->nfirst, argp, n < room ? n : room);
		st->nfirst += n < room ? n : room;
		st->rx += n;
	}
	return ret;
}

void
tl_set_err(struct rd_err *err, const char *code, int errnum, const char *name,
    const char *msg)
{
	err->set = true;
	rd_scopy(err->code, sizeof(err->code), code);
	err->errnum = errnum;
	rd_scopy(err->name, sizeof(err->name), name);
	rd_scopy(err->message, sizeof(err->message), msg);
}

void
tls_note_error(struct rd_tls_obs *obs)
{
	unsigned long e = ERR_peek_error();
	const char *r;

	if (e == 0)
		return;
	obs->lib_err = e;
	r = ERR_reason_error_string(e);
	snprintf(obs->lib_reason, sizeof(obs->lib_reason), "%s",
	    r != NULL ? r : "");
}

/* TLS records begin with a content type 20..24 and major version 3. */
static bool
looks_tls(const struct tls_state *st)
{
	if (st->nfirst == 0)
		return true;
	if (st->first[0] < 0x14 || st->first[0] > 0x18)
		return false;
	return st->nfirst < 2 || st->first[1] == 0x03;
}

int
tls_begin(struct conn *c, const struct tls_opts *o, struct rd_tls_obs *obs,
    struct rd_err *err)
{
	struct tls_state *st;
	X509_VERIFY_PARAM *vp;
	BIO *rb;

	obs->attempted = true;
	obs->alert = -1;
	obs->hostname_match = -1;
	obs->insecure = !o->verify;
	obs->name_unchecked = o->verify && o->skip_name_check;
	pthread_once(&state_once, state_idx_init);
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		tl_set_err(err, "tls_setup", ENOMEM, "ENOMEM", "out of memory");
		return -1;
	}
	st->obs = obs;
	st->want_cert = o->cert != NULL;
	c->tls_state = st;
	if ((c->ctx = tl_get_ctx(o, obs, err)) == NULL)
		return -1;
	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1) {
		tls_note_error(obs);
		tl_set_err(err, "tls_setup", 0, "", "cannot create a TLS session");
		return -1;
	}
	SSL_set_ex_data(c->ssl, state_idx, st);
	SSL_set_msg_callback(c->ssl, msg_cb);
	rb = SSL_get_rbio(c->ssl);
	BIO_set_callback_arg(rb, (char *)st);
	BIO_set_callback_ex(rb, bio_cb);

	if (o->sni != NULL && o->sni[0] != '\0') {
		if (SSL_set_tlsext_host_name(c->ssl, o->sni) == 1) {
			obs->sni_sent = true;
			snprintf(obs->sni, sizeof(obs->sni), "%s", o->sni);
		}
	}
	vp = SSL_get0_param(c->ssl);
	X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (o->expected_name != NULL && o->expected_name[0] != '\0' &&
	    !o->skip_name_check) {
		if (o->name_is_ip)
			X509_VERIFY_PARAM_set1_ip_asc(vp, o->expected_name);
		else
			X509_VERIFY_PARAM_set1_host(vp, o->expected_name, 0);
	}
	return 0;
}

int
tls_advance(struct conn *c, short *events)
{
	struct tls_state *st = c->tls_state;
	int r, e;

	ERR_clear_error();
	errno = 0;
	if ((r = SSL_connect(c->ssl)) == 1) {
		st->result = 1;
		return 1;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		*events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return 0;
	}
	st->ssl_err = e;
	st->fail_errno = errno;
	st->result = -1;
	return -1;
}

void
tls_stop(struct conn *c, int errnum)
{
	struct tls_state *st = c->tls_state;

	st->result = -1;
	if (errnum == 0) {
		st->obs->timed_out = true;
		st->ssl_err = -1;
	} else {
		st->ssl_err = SSL_ERROR_SYSCALL;
		st->fail_errno = errnum;
	}
}

bool
tls_peer_answered(const struct conn *c)
{
	const struct tls_state *st = c->tls_state;

	return st != NULL && st->rx > 0 && looks_tls(st);
}

int
tls_end(struct conn *c, const struct tls_opts *o, int64_t deadline_us,
    struct rd_tls_obs *obs, struct rd_err *err)
{
	struct tls_state *st = c->tls_state;
	X509 *peer;
	char msg[256];
	int e = st->ssl_err, fail_errno = st->fail_errno;

	/* Whatever happened, say what we learnt about the certificate. */
	peer = SSL_get1_peer_certificate(c->ssl);
	if (peer == NULL && st->leaf != NULL) {
		peer = st->leaf;
		st->leaf = NULL;
	}
	if (peer != NULL)
		tls_cert_facts(peer, o->expected_name, o->name_is_ip, obs);
	X509_free(peer);
	X509_free(st->leaf);
	st->leaf = NULL;
	if (obs->have_cert)
		obs->verify_code = SSL_get_verify_result(c->ssl);
	snprintf(obs->verify_name, sizeof(obs->verify_name), "%s",
	    tls_verify_name(obs->verify_code));

	if (st->result == 1) {
		obs->ok = true;
		snprintf(obs->version, sizeof(obs->version), "%s",
		    SSL_get_version(c->ssl));
		snprintf(obs->cipher, sizeof(obs->cipher), "%s",
		    SSL_get_cipher_name(c->ssl));
		return 0;
	}

	tls_note_error(obs);
	obs->peer_tls_record = st->nfirst >= 2 && looks_tls(st);
	if (!looks_tls(st)) {
		obs->not_tls = true;
		rd_printable(st->first, st->nfirst, obs->peer_first_bytes,
		    sizeof(obs->peer_first_bytes));
		snprintf(msg, sizeof(msg), "the peer answered with bytes that "
		    "are not TLS: %s", obs->peer_first_bytes);
		tl_set_err(err, "not_tls", 0, "", msg);
		return -1;
	}
	if (obs->timed_out) {
		bool stalled = clock_left_us(deadline_us) > 0;

		tl_set_err(err, "timeout", ETIMEDOUT, "ETIMEDOUT", stalled ?
		    "no TLS answer from the peer (handshake stalled)" :
		    "TLS handshake did not finish before the deadline");
		return -1;
	}
	if (obs->alert >= 0 && !obs->alert_sent) {
		snprintf(msg, sizeof(msg), "the server sent TLS alert %d (%s)",
		    obs->alert, obs->alert_desc);
		tl_set_err(err, "tls_alert", obs->alert, obs->alert_desc, msg);
		return -1;
	}
	if (o->verify && obs->verify_code != X509_V_OK) {
		snprintf(msg, sizeof(msg), "certificate verification failed: %s",
		    X509_verify_cert_error_string(obs->verify_code));
		tl_set_err(err, "verify", (int)obs->verify_code,
		    obs->verify_name, msg);
		return -1;
	}
	if (e == SSL_ERROR_SYSCALL && fail_errno == ECONNRESET) {
		obs->peer_reset = true;
		tl_set_err(err, "ECONNRESET", ECONNRESET, "ECONNRESET",
		    "the peer reset the connection during the TLS handshake");
		return -1;
	}
	if (e == SSL_ERROR_ZERO_RETURN ||
	    (e == SSL_ERROR_SYSCALL && fail_errno == 0) ||
	    ERR_GET_REASON(obs->lib_err) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		obs->peer_closed = true;
		tl_set_err(err, "closed", 0, "", "the peer closed the connection "
		    "during the TLS handshake");
		return -1;
	}
	if (e == SSL_ERROR_SYSCALL) {
		snprintf(msg, sizeof(msg), "TLS handshake: %s",
		    strerror(fail_errno));
		tl_set_err(err, tcp_errno_name(fail_errno), fail_errno,
		    tcp_errno_name(fail_errno), msg);
		return -1;
	}
	snprintf(msg, sizeof(msg), "TLS handshake failed: %s",
	    obs->lib_reason[0] != '\0' ? obs->lib_reason : "unknown reason");
	if (obs->alert >= 0)
		snprintf(msg, sizeof(msg), "TLS handshake failed: we sent "
		    "alert %d (%s)", obs->alert, obs->alert_desc);
	tl_set_err(err, "tls_error", (int)ERR_GET_REASON(obs->lib_err), "", msg);
	return -1;
}

int
tls_handshake(struct conn *c, const struct tls_opts *o, int64_t deadline_us,
    struct rd_tls_obs *obs, struct rd_err *err)
{
	struct pollfd p;
	int r;

	if (tls_begin(c, o, obs, err) == -1)
		return -1;
	while (tls_advance(c, &p.events) == 0) {
		p.fd = c->fd;
		p.revents = 0;
		r = poll(&p, 1, clock_left_ms(deadline_us));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			tls_stop(c, r == 0 ? 0 : errno);
			break;
		}
	}
	return tls_end(c, o, deadline_us, obs, err);
}
