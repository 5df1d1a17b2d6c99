/* rules_tls.c — the rules for the TLS handshake: verify codes, alerts,
 * SNI, client certificates, plaintext on a TLS port and the reverse,
 * --insecure and expiry (rules.c says how rules are written). */
#include "rules_int.h"

/* ---- tls ---- */

static bool
verify_untrusted(long v)
{
	switch (v) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
		return true;
	}
	return false;
}

/* True when OpenSSL's reason says the peer's bytes were not TLS records:
 * what a plaintext Redis answering a ClientHello looks like. */
static bool
lib_says_not_tls(unsigned long e)
{
	int r;

	if (e == 0 || ERR_GET_LIB(e) != ERR_LIB_SSL)
		return false;
	r = ERR_GET_REASON(e);
	return r == SSL_R_WRONG_VERSION_NUMBER ||
	    r == SSL_R_PACKET_LENGTH_TOO_LONG || r == SSL_R_HTTP_REQUEST ||
	    r == SSL_R_UNKNOWN_PROTOCOL;
}

/* The peer's first bytes look like RESP (a plaintext Redis answered). */
static bool
looks_resp(const char *b)
{
	return b[0] == '-' || b[0] == '+' || b[0] == '$' || b[0] == '*' ||
	    b[0] == ':';
}

/* Bytes that are clearly another protocol. */
const char *
ru_other_protocol(const char *b)
{
	if (rd_has_prefix(b, "HTTP/") || rd_has_prefix(b, "<!") ||
	    rd_has_prefix(b, "<html"))
		return "HTTP";
	if (rd_has_prefix(b, "SSH-"))
		return "SSH";
	if (rd_has_prefix(b, "220 ") || rd_has_prefix(b, "220-"))
		return "SMTP/FTP";
	if (rd_has_prefix(b, "* OK"))
		return "IMAP";
	return NULL;
}

static void
evid_cert(struct rd_finding *f, const struct rd_tls_obs *t)
{
	int i;

	if (!t->have_cert)
		return;
	EVID(f, "; certificate subject %s, issuer %s", t->subject, t->issuer);
	if (t->nsans > 0) {
		EVID(f, ", covers");
		for (i = 0; i < t->nsans && i < RD_MAX_SANS; i++)
			EVID(f, "%s %s", i ? "," : "", t->sans[i]);
	} else
		EVID(f, ", no subjectAltName");
	if (t->not_after[0] != '\0')
		EVID(f, ", not after %s", t->not_after);
}

/* "connect with a name the certificate covers" when it has a DNS name. */
static void
remedy_covered_name(struct rd_finding *f, const struct rd_tls_obs *t,
    const char *where)
{
	int i;

	for (i = 0; i < t->nsans && i < RD_MAX_SANS; i++)
		if (rd_has_prefix(t->sans[i], "DNS:")) {
			REMEDY(f, "connect with a name the certificate covers, "
			    "e.g. %s, in %s", t->sans[i] + 4, where);
			return;
		}
}

static void
f_plaintext_port(struct rctx *c, const char *why)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	const struct rd_cross_obs *x = &c->obs->cross;
	struct rd_finding *f;

	f = ru_emit(c, "tls.plaintext_port", RD_SEV_CRITICAL);
	TITLE(f, "TLS was spoken to a plaintext port at %s", c->peer);
	EVID(f, "%s", why);
	if (t->peer_first_bytes[0] != '\0')
		EVID(f, "; in reply to the ClientHello it sent \"%s\"",
		    t->peer_first_bytes);
	if (x->tried_plain && x->succeeded)
		EVID(f, "; a plaintext conversation on the same port worked%s%s",
		    x->detail[0] ? ": " : "", x->detail);
	ru_evid_source(c, f);
	REMEDY(f, "use redis:// instead of rediss:// (or unset REDIS_TLS / "
	    "drop --tls) for %s", c->target);
	REMEDY(f, "or, if the server should speak TLS, enable it there "
	    "(tls-port) and connect to that port");
}

static void
f_client_cert(struct rctx *c, const char *why)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	struct rd_finding *f;

	f = ru_emit(c, "tls.client_cert_required", RD_SEV_CRITICAL);
	TITLE(f, "%s requires a client certificate", c->peer);
	EVID(f, "%s", why);
	EVID(f, "; client certificate sent: %s",
	    t->client_cert_sent ? "yes" : "no");
	if (t->version[0] != '\0')
		EVID(f, "; %s", t->version);
	REMEDY(f, "give the client certificate and key: --cert client.crt "
	    "--key client.key (in the app: the TLS cert/key options of the "
	    "Redis client)");
	if (t->client_cert_sent)
		REMEDY(f, "the certificate sent was refused: it must be signed "
		    "by a CA in the server's tls-ca-cert-file");
	else
		REMEDY(f, "or, if clients need not authenticate, set "
		    "tls-auth-clients no (or optional) on the server");
}

static void
f_sni(struct rctx *c, const char *why)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	const char *host = c->cfg != NULL && c->cfg->host ? c->cfg->host : "?";
	struct rd_finding *f;

	f = ru_emit(c, "tls.sni_required", RD_SEV_CRITICAL);
	TITLE(f, "%s rejects the TLS handshake %s", c->peer,
	    t->sni_sent ? "for the SNI sent" : "without SNI");
	EVID(f, "%s", why);
	if (t->sni_sent)
		EVID(f, "; SNI sent: %s", t->sni);
	else
		EVID(f, "; no SNI was sent");
	EVID(f, "; host %s", host);
	if (t->sni_sent)
		REMEDY(f, "send the name the server expects: --sni NAME or "
		    "REDIS_SNI_SERVERNAME=NAME (usually the provider's host "
		    "name, not %s)", t->sni);
	else
		REMEDY(f, "connect by host name rather than IP so SNI is sent, "
		    "or set REDIS_SNI_SERVERNAME / --sni to the server's name");
	REMEDY(f, "in the app, set the client's servername (ioredis: "
	    "tls.servername; node-redis: socket.servername)");
}

static void
f_verify(struct rctx *c)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	const struct rd_config *cfg = c->cfg;
	struct rd_finding *f;
	long v = t->verify_code;
	const char *name = t->verify_name[0] ? t->verify_name : "X509_V_ERR_?";

	if (v == X509_V_ERR_CERT_HAS_EXPIRED || v == X509_V_ERR_CERT_NOT_YET_VALID) {
		f = ru_emit(c, "tls.cert_expired", RD_SEV_CRITICAL);
		TITLE(f, "the certificate of %s %s", c->peer,
		    v == X509_V_ERR_CERT_HAS_EXPIRED ? "has expired" :
		    "is not yet valid");
		EVID(f, "verify result %s (%ld)", name, v);
		if (t->not_before[0] != '\0')
			EVID(f, "; valid from %s", t->not_before);
		if (t->not_after[0] != '\0')
			EVID(f, "; valid until %s", t->not_after);
		if (v == X509_V_ERR_CERT_HAS_EXPIRED && t->have_cert &&
		    t->days_left < 0)
			EVID(f, " (%d days ago)", -t->days_left);
		EVID(f, "; subject %s", t->subject);
		REMEDY(f, "renew the server certificate (tls-cert-file) and "
		    "reload Redis (CONFIG SET tls-cert-file ...)");
		if (v == X509_V_ERR_CERT_NOT_YET_VALID)
			REMEDY(f, "or check this host's clock: a certificate "
			    "not yet valid often means a clock far off");
		return;
	}
	if (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH ||
	    (v == X509_V_OK && t->hostname_match == 0)) {
		const char *asked = t->expected_name[0] ? t->expected_name :
		    cfg != NULL && cfg->host ? cfg->host : "?";

		f = ru_emit(c, "tls.hostname_mismatch", RD_SEV_CRITICAL);
		TITLE(f, "the certificate of %s does not cover %s", c->peer,
		    asked);
		EVID(f, "asked for %s%s; verify result %s", asked,
		    v == X509_V_ERR_IP_ADDRESS_MISMATCH ? " (IP literal)" : "",
		    v == X509_V_OK ? "host name check failed" : name);
		evid_cert(f, t);
		remedy_covered_name(f, t, "REDIS_URL");
		REMEDY(f, "or reissue the certificate with subjectAltName "
		    "%s:%s", v == X509_V_ERR_IP_ADDRESS_MISMATCH ? "IP" : "DNS",
		    asked);
		return;
	}
	f = ru_emit(c, "tls.cert_untrusted", RD_SEV_CRITICAL);
	TITLE(f, "the certificate of %s is not trusted", c->peer);
	EVID(f, "verify result %s (%ld)", name, v);
	if (t->self_signed || v == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
		EVID(f, "; the certificate is self-signed");
	evid_cert(f, t);
	if (cfg != NULL && (cfg->cacert || cfg->cacertdir))
		EVID(f, "; trusted CAs from %s", cfg->cacert ? cfg->cacert :
		    cfg->cacertdir);
	else
		EVID(f, "; trusted CAs: the system store (no --cacert given)");
	if (!verify_untrusted(v))
		REMEDY(f, "the chain fails verification (%s): check the "
		    "server's tls-cert-file chain", name);
	REMEDY(f, "name the CA that signed the server certificate: --cacert "
	    "ca.crt (in the app: the client's TLS ca option, or "
	    "NODE_EXTRA_CA_CERTS for Node)");
	REMEDY(f, "managed services publish their CA; --insecure only to "
	    "confirm the diagnosis, never in the app");
}

void
rule_tls(struct rctx *c)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	const struct rd_cross_obs *x = &c->obs->cross;
	struct rd_finding *f;
	bool peer_alert = t->alert > 0 && !t->alert_sent;
	char why[200];
	char b[32];

	if (!t->attempted)
		return;
	if (t->file_error[0] != '\0') {
		/* Our own file, not the server: nothing was sent. */
		f = ru_emit(c, "tls.file_unusable", RD_SEV_CRITICAL);
		TITLE(f, "a TLS file could not be used, so no handshake was "
		    "made");
		EVID(f, "%s", t->file_error);
		if (t->file_timed_out)
			EVID(f, " (deadline %s)", ru_ms(b, sizeof(b),
			    c->cfg->timeout_us));
		catalog_remedies(f);
		return;
	}
	if (t->ok) {
		/* TLS 1.3: the client's handshake completes before the
		 * server checks the client certificate; its alert arrives
		 * with the first read. */
		if (peer_alert && t->alert == 116)
			f_client_cert(c, "the server sent alert 116 "
			    "certificate_required after the handshake");
		else if (t->cert_requested && !t->client_cert_sent &&
		    (c->obs->auth.closed || c->obs->auth.reset ||
		    c->obs->ping.closed || c->obs->ping.reset) &&
		    c->obs->auth.kind == RD_R_NONE && c->obs->ping.kind == RD_R_NONE)
			f_client_cert(c, "the server asked for a client "
			    "certificate, none was sent, and it closed the "
			    "connection before any reply");
		return;
	}

	if (peer_alert && t->alert == 116) {
		f_client_cert(c, "the server sent alert 116 certificate_required");
		return;
	}
	if (peer_alert && t->alert == 112) {
		f_sni(c, "the server sent alert 112 unrecognized_name");
		return;
	}
	if (t->verify_code != X509_V_OK ||
	    (t->hostname_match == 0 && !t->insecure && t->have_cert)) {
		f_verify(c);
		return;
	}
	/* OpenSSL's "packet length too long" or "wrong version number" for
	 * a record whose header is TLS (16 03 03 ff ff) is a broken TLS
	 * peer, not a plaintext port: the header decides. */
	if (t->not_tls || (lib_says_not_tls(t->lib_err) && !t->peer_tls_record)) {
		const char *other = ru_other_protocol(t->peer_first_bytes);

		if (other != NULL && !(x->tried_plain && x->succeeded)) {
			f = ru_emit(c, "proto.not_redis", RD_SEV_CRITICAL);
			TITLE(f, "%s answers %s, not Redis", c->peer, other);
			EVID(f, "in reply to a TLS ClientHello it sent \"%s\"",
			    t->peer_first_bytes);
			ru_evid_source(c, f);
			REMEDY(f, "check the port: %s belongs to another "
			    "service", c->target);
			ru_remedy_target(c, f);
			return;
		}
		f_plaintext_port(c, looks_resp(t->peer_first_bytes) ?
		    "the server answered the TLS ClientHello with a Redis "
		    "(RESP) error in plaintext" :
		    "the server answered the TLS ClientHello with bytes that "
		    "are not TLS");
		return;
	}
	if (x->tried_plain && x->succeeded) {
		f_plaintext_port(c, t->timed_out ? "the TLS handshake got no "
		    "answer" : "the TLS handshake failed");
		return;
	}
	if (t->timed_out) {
		f = ru_emit(c, "proto.timeout", RD_SEV_CRITICAL);
		TITLE(f, "%s accepted the connection but did not answer the "
		    "TLS handshake", c->peer);
		EVID(f, "no TLS handshake reply within %s",
		    ru_ms(b, sizeof(b), ru_elapsed(c, RD_STEP_TLS)));
		ru_evid_source(c, f);
		REMEDY(f, "check that %s is a TLS port of Redis (tls-port)",
		    c->target);
		REMEDY(f, "a proxy or load balancer in front of Redis may be "
		    "waiting for a backend");
		return;
	}
	if (t->cert_requested && !t->client_cert_sent &&
	    (peer_alert || t->peer_closed || t->peer_reset)) {
		why[0] = '\0';
		rd_appendf(why, sizeof(why), "the server asked for a client "
		    "certificate, none was sent, and it then ");
		if (peer_alert)
			rd_appendf(why, sizeof(why), "sent alert %d %s", t->alert,
			    t->alert_desc[0] ? t->alert_desc : ru_alert_name(t->alert));
		else
			rd_appendf(why, sizeof(why), "closed the connection");
		f_client_cert(c, why);
		return;
	}
	if (!t->sni_sent && x->tried_sni && x->succeeded) {
		f_sni(c, "the handshake without SNI failed; the same handshake "
		    "with the host name as SNI succeeded");
		return;
	}
	if (t->peer_reset && !peer_alert) {
		f = ru_emit(c, "tcp.reset", RD_SEV_CRITICAL);
		TITLE(f, "%s reset the connection during the TLS handshake",
		    c->peer);
		EVID(f, "ECONNRESET after the ClientHello, before any TLS reply");
		ru_evid_source(c, f);
		REMEDY(f, "check that %s is Redis's tls-port and that no "
		    "firewall or proxy resets TLS connections", c->target);
		return;
	}

	f = ru_emit(c, "tls.handshake_failed", RD_SEV_CRITICAL);
	if (peer_alert) {
		const char *an = t->alert_desc[0] ? t->alert_desc :
		    ru_alert_name(t->alert);

		TITLE(f, "TLS handshake with %s failed: alert %s", c->peer, an);
		EVID(f, "the server sent TLS alert %d %s", t->alert, an);
	} else if (t->peer_closed) {
		TITLE(f, "%s closed the connection during the TLS handshake",
		    c->peer);
		EVID(f, "EOF after the ClientHello, before the handshake ended");
	} else {
		TITLE(f, "TLS handshake with %s failed", c->peer);
		EVID(f, "the handshake failed");
	}
	if (t->lib_err != 0)
		EVID(f, "; OpenSSL reason %d %s", ERR_GET_REASON(t->lib_err),
		    t->lib_reason);
	EVID(f, "; SNI %s", t->sni_sent ? t->sni : "not sent");
	EVID(f, "; client certificate %s", t->client_cert_sent ? "sent" :
	    "not sent");
	ru_evid_source(c, f);
	if (peer_alert && t->alert == 70)
		REMEDY(f, "the server and this client share no TLS version: "
		    "check tls-protocols on the server");
	else if (peer_alert && (t->alert == 40 || t->alert == 71))
		REMEDY(f, "the server and this client share no cipher or "
		    "parameters: check tls-ciphers / tls-ciphersuites on the "
		    "server");
	REMEDY(f, "openssl s_client -connect %s -servername NAME shows the "
	    "server's side of the handshake", c->target);
	if (!t->sni_sent)
		REMEDY(f, "if the server routes by name, send SNI: --sni NAME "
		    "or REDIS_SNI_SERVERNAME");
}

void
rule_tls_insecure(struct rctx *c)
{
	const struct rd_config *cfg = c->cfg;
	const struct rd_tls_obs *t = c->obs != NULL ? &c->obs->tls : NULL;
	struct rd_finding *f;

	if (!((cfg != NULL && cfg->tls && cfg->insecure) ||
	    (t != NULL && t->attempted && t->insecure)))
		return;
	f = ru_emit(c, "tls.insecure", RD_SEV_WARNING);
	catalog_title(f);
	EVID(f, "--insecure: neither the chain nor the host name of %s is "
	    "verified", c->target);
	if (t != NULL && t->attempted && t->have_cert) {
		if (t->verify_code != X509_V_OK)
			EVID(f, "; verification would have failed: %s",
			    t->verify_name[0] ? t->verify_name : "X509_V_ERR_?");
		if (t->hostname_match == 0)
			EVID(f, "; the certificate does not cover %s",
			    t->expected_name[0] ? t->expected_name : "the host");
		evid_cert(f, t);
	}
	catalog_remedies(f);
}

/* SPEC 12: the client model verifies the chain only, so the attempt as
 * the application skipped the host name and connected; says what that
 * "works" means when the name does not match. */
void
rule_tls_name_unchecked(struct rctx *c)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	const struct rd_config *cfg = c->cfg;
	const char *asked = t->expected_name[0] ? t->expected_name : "the host";
	const char *who = cfg != NULL && cfg->client_label[0] ?
	    cfg->client_label : "the client";
	struct rd_finding *f;

	if (!t->attempted || !t->ok || !t->name_unchecked ||
	    t->hostname_match != 0)
		return;
	f = ru_emit(c, "client.hostname_unchecked", RD_SEV_WARNING);
	TITLE(f, "the certificate of %s does not cover %s; %s connects "
	    "anyway (it checks no host name)", c->peer, asked, who);
	EVID(f, "chain verified (%s); the host name check skipped, as %s "
	    "does by default: %s would fail it", t->verify_name[0] ?
	    t->verify_name : "X509_V_OK", who, asked);
	evid_cert(f, t);
	remedy_covered_name(f, t, "the application's host variable or URL");
	catalog_remedies(f);
}

void
rule_tls_expiring(struct rctx *c)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	struct rd_finding *f;

	if (!t->attempted || !t->have_cert || t->days_left < 0 ||
	    t->days_left >= 14)
		return;
	f = ru_emit(c, "tls.cert_expiring", RD_SEV_WARNING);
	TITLE(f, "the certificate of %s expires in %d day%s", c->peer,
	    t->days_left, t->days_left == 1 ? "" : "s");
	EVID(f, "not after %s (%d days left); subject %s, issuer %s",
	    t->not_after, t->days_left, t->subject, t->issuer);
	REMEDY(f, "renew the server certificate before %s and reload Redis",
	    t->not_after);
}
