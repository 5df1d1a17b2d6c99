/* rules.c — the probe rules: observations in, findings out.
 *
 * rules_eval() first runs the configuration rules (rules_config.c), then a
 * table of small rules, one concern each, in pipeline order: dns, tcp, tls,
 * the conversation, the server's replies, INFO, latency.  Each rule reads
 * (cfg, obs, opts) and emits at most a few findings with a stable id,
 * evidence made of what was observed (addresses, codes, values) and a
 * concrete remedy.  Titles name what was observed; a remedy that holds
 * whatever was observed is the catalog's (catalog.c, shared with explain),
 * not repeated here.  Classification is by code only: EAI_*, errno,
 * X509_V_ERR_*, TLS alert numbers, OpenSSL reason codes and the RESP error
 * prefix — never by an OS's wording, which differs between libcs.
 *
 * Nothing here touches the network or prints; every rule is testable from
 * a literal struct rd_obs (tests/unit/test_rules.c).  No rule writes
 * cfg->password anywhere; scrub() below is a second line of defence for
 * text that came from the server. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "catalog.h"
#include "dns.h"
#include "report.h"
#include "rules_int.h"
#include "strutil.h"
#include "tcp.h"
#include "tls.h"

struct rctx {
	const struct rd_config *cfg;
	const struct rd_obs *obs;
	const struct rd_report_opts *opts;
	struct rd_findings *fs;
	char	 target[300];		/* "host:port" as configured */
	char	 peer[300];		/* the address that answered, else target */
};

/* Adds finding id unless one with that id is already there: the first
 * rule to explain a failure wins.  Returns NULL when it was a duplicate. */
static struct rd_finding *
emit(struct rctx *c, const char *id, enum rd_severity sev)
{
	if (findings_has(c->fs, id))
		return NULL;
	return findings_add(c->fs, id, sev);
}

/* "0.21 ms", "12.3 ms", "1503 ms" */
static const char *
ms(char *buf, size_t sz, int64_t us)
{
	double v = (double)us / 1000.0;

	if (v < 1.0)
		snprintf(buf, sz, "%.2f ms", v);
	else if (v < 100.0)
		snprintf(buf, sz, "%.1f ms", v);
	else
		snprintf(buf, sz, "%.0f ms", v);
	return buf;
}

/* How long step ran, or the whole timeout when the probe did not say. */
static int64_t
elapsed(const struct rctx *c, enum rd_step_id step)
{
	if (c->obs->steps[step].us > 0)
		return c->obs->steps[step].us;
	return c->obs->timeout_us;
}

/* ---- code names ---- */

/* The errno names are tcp.c's (EAI_* names dns.c's, dns_eai_name()); an
 * errno it does not name reads "errno N" in a finding, where its number
 * is all there is to go on. */
static const char *
errno_name(int e, char *buf, size_t sz)
{
	const char *n = tcp_errno_name(e);

	if (n[0] != '\0' && strcmp(n, "E?") != 0)
		return n;
	snprintf(buf, sz, "errno %d", e);
	return buf;
}

/* The alert names are tls.c's; an alert it does not name is "unknown" in
 * a finding rather than an empty word. */
static const char *
alert_name(int a)
{
	const char *n = tls_alert_name(a);

	return n[0] != '\0' ? n : "unknown";
}

/* ---- the reply table ---- */

enum rmatch {
	RM_WORD,			/* the first word equals pat */
	RM_PREFIX,			/* the text starts with pat */
	RM_SUBSTR			/* pat anywhere, case-insensitive */
};

/* Order matters: the first matching row wins, so the specific wordings
 * ("ERR invalid password") come before anything more general. */
static const struct reply_class {
	enum rmatch how;
	const char *pat;
	const char *id;
} reply_table[] = {
	{ RM_WORD,   "NOAUTH",		"auth.required" },
	{ RM_WORD,   "WRONGPASS",	"auth.wrongpass" },
	{ RM_PREFIX, "ERR invalid password", "auth.wrongpass" },	/* pre-6.0 */
	{ RM_SUBSTR, "invalid username-password pair", "auth.wrongpass" },
	/* 6.0+: "ERR AUTH <password> called without any password configured
	 * for the default user. Are you sure your configuration is correct?" */
	{ RM_SUBSTR, "called without any password configured",
	    "auth.no_password_configured" },
	/* pre-6.0 */
	{ RM_SUBSTR, "Client sent AUTH, but no password is set",
	    "auth.no_password_configured" },
	{ RM_WORD,   "NOPERM",		"auth.noperm" },
	{ RM_WORD,   "DENIED",		"server.protected_mode" },
	{ RM_SUBSTR, "max number of clients reached", "server.maxclients" },
	{ RM_WORD,   "LOADING",		"server.loading" },
	{ RM_WORD,   "BUSY",		"server.busy" },
	{ RM_WORD,   "MASTERDOWN",	"server.masterdown" },
	{ RM_SUBSTR, "DB index is out of range", "server.db_out_of_range" },
	{ RM_PREFIX, "ERR invalid DB index", "server.db_out_of_range" },
	{ RM_SUBSTR, "SELECT is not allowed in cluster mode", "server.cluster_mode" },
	{ RM_WORD,   "MOVED",		"server.cluster_mode" },
	{ RM_WORD,   "ASK",		"server.cluster_mode" },
	{ RM_WORD,   "CLUSTERDOWN",	"server.cluster_down" },
	{ RM_WORD,   "OOM",		"server.oom_risk" },
	{ RM_WORD,   "MISCONF",		"server.persistence_error" },
	{ RM_WORD,   "READONLY",	"server.readonly_replica" },
};

const char *
rules_classify_reply(const char *text)
{
	size_t i, n;

	if (text == NULL)
		return NULL;
	while (*text == ' ' || *text == '\t')
		text++;
	if (*text == '-')
		text++;
	for (i = 0; i < sizeof(reply_table) / sizeof(reply_table[0]); i++) {
		const struct reply_class *rc = &reply_table[i];

		n = strlen(rc->pat);
		switch (rc->how) {
		case RM_WORD:
			if (strncmp(text, rc->pat, n) == 0 &&
			    (text[n] == '\0' || text[n] == ' ' ||
			    text[n] == '\r' || text[n] == '\n'))
				return rc->id;
			break;
		case RM_PREFIX:
			if (strncmp(text, rc->pat, n) == 0)
				return rc->id;
			break;
		case RM_SUBSTR:
			if (strcasestr(text, rc->pat) != NULL)
				return rc->id;
			break;
		}
	}
	return NULL;
}

/* ---- shared bits of evidence and remedy ---- */

/* "from env:REDIS_HOST" and the shadowed variables: in the incident the
 * target itself is the bug, so every connection finding says where it came
 * from. */
static void
evid_source(struct rctx *c, struct rd_finding *f)
{
	size_t i;

	if (f == NULL || c->cfg == NULL)
		return;
	if (c->cfg->source[0] != '\0')
		EVID(f, "; the target came from %s", c->cfg->source);
	if (c->cfg->nshadowed > 0) {
		EVID(f, "; set but not used:");
		for (i = 0; i < c->cfg->nshadowed; i++)
			EVID(f, "%s %s", i ? "," : "", c->cfg->shadowed[i].name);
	}
}

/* When a loopback target failed inside a container, or a better-looking
 * variable lost, the remedy is the configuration, not the server. */
static void
remedy_target(struct rctx *c, struct rd_finding *f)
{
	const struct rd_config *cfg = c->cfg;

	if (f == NULL || cfg == NULL)
		return;
	/* rules_config's config.localhost_in_container already says it. */
	if (config_host_is_loopback(cfg->host) && cfg->envi.in_container &&
	    !findings_has(c->fs, "config.localhost_in_container"))
		REMEDY(f, "inside a container %s is the container itself: set "
		    "REDIS_URL to the Redis service's address (and unset "
		    "REDIS_HOST)", cfg->host);
	if (cfg->nshadowed > 0)
		REMEDY(f, "%s was set but lost to %s: unset the winning "
		    "variable if %s is the intended server",
		    cfg->shadowed[0].name, cfg->source, cfg->shadowed[0].name);
}

/* ---- dns ---- */

/* An IP literal of one family while -4/-6 asked for the other. */
static void
f_literal_family(struct rctx *c, const char *lit)
{
	const struct rd_dns_obs *d = &c->obs->dns;
	int want = d->family_wanted == 6 ? 6 : 4, has = want == 6 ? 4 : 6;
	struct rd_finding *f;

	f = emit(c, "dns.no_address", RD_SEV_CRITICAL);
	TITLE(f, "%s is an IPv%d address but IPv%d was asked for", lit, has,
	    want);
	EVID(f, "%s is an IPv%d literal but -%d was given", lit, has, want);
	evid_source(c, f);
	REMEDY(f, "drop -%d (or the ?family= URL key): %s can only be "
	    "reached over IPv%d", want, lit, has);
	REMEDY(f, "or give an IPv%d address (or a host name with one) "
	    "instead of %s", want, lit);
}

static void
r_dns(struct rctx *c)
{
	const struct rd_dns_obs *d = &c->obs->dns;
	const char *host = c->cfg != NULL && c->cfg->host ? c->cfg->host : "?";
	struct rd_finding *f;
	char b[32], b2[256];
	int e = d->gai_err;

	if (!d->attempted)
		return;
	if (d->literal) {
		/* No lookup, but -4/-6 can still leave nothing to use. */
		if (d->naddr == 0 && d->nfiltered > 0)
			f_literal_family(c, rd_unbracket(host, b2, sizeof(b2)));
		return;
	}
	if (d->timed_out) {
		f = emit(c, "dns.timeout", RD_SEV_CRITICAL);
		TITLE(f, "resolving %s did not finish before the deadline", host);
		EVID(f, "getaddrinfo(\"%s\") was still running after %s, "
		    "when the deadline passed", host,
		    ms(b, sizeof(b), elapsed(c, RD_STEP_DNS)));
		evid_source(c, f);
		REMEDY(f, "check the resolver in /etc/resolv.conf answers "
		    "(e.g. getent hosts %s)", host);
		REMEDY(f, "raise --timeout if the resolver is merely slow");
		return;
	}
	if (e == 0) {
		if (d->naddr == 0 && d->nfiltered > 0) {
			f = emit(c, "dns.no_address", RD_SEV_CRITICAL);
			TITLE(f, "%s has no IPv%d address", host,
			    d->family_wanted ? d->family_wanted : 4);
			EVID(f, "%s resolved to %d address%s, all of the other "
			    "family and dropped by -%d", host, d->nfiltered,
			    d->nfiltered == 1 ? "" : "es", d->family_wanted);
			REMEDY(f, "drop -%d (or the ?family= URL key) so the "
			    "address family %s has can be used",
			    d->family_wanted, host);
		}
		return;
	}
	switch (e) {
	case EAI_NONAME:
		f = emit(c, "dns.nxdomain", RD_SEV_CRITICAL);
		TITLE(f, "host name %s does not exist", host);
		EVID(f, "getaddrinfo(\"%s\") returned EAI_NONAME after %s", host,
		    ms(b, sizeof(b), elapsed(c, RD_STEP_DNS)));
		evid_source(c, f);
		REMEDY(f, "check the spelling of %s in %s", host,
		    c->cfg != NULL && c->cfg->source[0] ? c->cfg->source :
		    "the configuration");
		REMEDY(f, "internal names (*.internal, service names) resolve "
		    "only inside their own network: run redisdiag where the "
		    "app runs");
		break;
	case EAI_AGAIN:
	case EAI_FAIL:
	case EAI_SYSTEM:
	default:
#ifdef EAI_NODATA
		if (e == EAI_NODATA)
			goto noaddr;
#endif
#ifdef EAI_ADDRFAMILY
		if (e == EAI_ADDRFAMILY)
			goto noaddr;
#endif
		if (e == EAI_FAMILY)
			goto noaddr;
		f = emit(c, "dns.temporary", RD_SEV_CRITICAL);
		TITLE(f, "the resolver failed to look up %s", host);
		EVID(f, "getaddrinfo(\"%s\") returned %s", host, dns_eai_name(e));
		if (e == EAI_SYSTEM && d->gai_errno != 0)
			EVID(f, " (%s)", errno_name(d->gai_errno, b, sizeof(b)));
		EVID(f, "; the name server could not be reached or failed "
		    "(a temporary condition, not proof the name is wrong)");
		evid_source(c, f);
		REMEDY(f, "check /etc/resolv.conf and that its name server is "
		    "reachable from here; retry");
		REMEDY(f, "getent hosts %s shows what the system resolver "
		    "answers", host);
		break;
	}
	return;
noaddr:
	f = emit(c, "dns.no_address", RD_SEV_CRITICAL);
	TITLE(f, "%s exists but has no usable address", host);
	EVID(f, "getaddrinfo(\"%s\") returned %s", host, dns_eai_name(e));
	if (d->family_wanted)
		EVID(f, " for IPv%d", d->family_wanted);
	evid_source(c, f);
	if (d->family_wanted)
		REMEDY(f, "drop -%d (or ?family=): the name may have only "
		    "addresses of the other family", d->family_wanted);
	REMEDY(f, "check the DNS records of %s (A for IPv4, AAAA for IPv6)",
	    host);
}

/* ---- tcp ---- */

static void
attempt_text(const struct rd_attempt *a, char *buf, size_t sz)
{
	if (a->addr.family == 6 || strchr(a->addr.text, ':') != NULL)
		snprintf(buf, sz, "[%s]:%d", a->addr.text, a->port);
	else
		snprintf(buf, sz, "%s:%d", a->addr.text, a->port);
}

static void
r_tcp(struct rctx *c)
{
	const struct rd_tcp_obs *t = &c->obs->tcp;
	int i, nref = 0, nreset = 0, nunreach = 0, ntimeout = 0;
	const char *id;
	struct rd_finding *f;
	char a[300], b[32], eb[24];

	if (!t->attempted || t->winner >= 0)
		return;
	for (i = 0; i < t->nattempts && i < RD_MAX_ADDRS; i++) {
		const struct rd_attempt *at = &t->attempts[i];

		if (at->connected)
			continue;
		switch (at->errnum) {
		case ECONNREFUSED:
			nref++;
			break;
		case ECONNRESET:
		case ECONNABORTED:
			nreset++;
			break;
		case ETIMEDOUT:
		case 0:			/* abandoned at the deadline */
			ntimeout++;
			break;
		default:		/* EHOSTUNREACH, ENETUNREACH, EACCES ... */
			nunreach++;
			break;
		}
	}
	/* The most telling answer wins: a refusal proves the host is there
	 * and nothing listens; a reset proves something answered. */
	if (nref > 0)
		id = "tcp.refused";
	else if (nreset > 0)
		id = "tcp.reset";
	else if (nunreach > 0)
		id = "tcp.unreachable";
	else
		id = "tcp.timeout";

	f = emit(c, id, RD_SEV_CRITICAL);
	if (f == NULL)
		return;
	/* One address: name it; several: the configured host:port. */
	if (t->nattempts == 1)
		attempt_text(&t->attempts[0], a, sizeof(a));
	else
		snprintf(a, sizeof(a), "%s", c->target);

	if (strcmp(id, "tcp.refused") == 0)
		TITLE(f, "connection refused by %s", a);
	else if (strcmp(id, "tcp.reset") == 0)
		TITLE(f, "%s reset the connection", a);
	else if (strcmp(id, "tcp.unreachable") == 0)
		TITLE(f, "no route to %s", a);
	else
		TITLE(f, "connection to %s timed out", a);

	for (i = 0; i < t->nattempts && i < RD_MAX_ADDRS; i++) {
		const struct rd_attempt *at = &t->attempts[i];

		attempt_text(at, a, sizeof(a));
		EVID(f, "%s", i ? "; " : "");
		if (at->errnum == ECONNREFUSED)
			EVID(f, "%s refused the connection (ECONNREFUSED) after "
			    "%s; nothing listens there", a,
			    ms(b, sizeof(b), at->us));
		else if (at->errnum == 0 || at->abandoned)
			EVID(f, "%s did not answer within %s (abandoned)", a,
			    ms(b, sizeof(b), at->us));
		else
			EVID(f, "%s: %s after %s", a,
			    errno_name(at->errnum, eb, sizeof(eb)),
			    ms(b, sizeof(b), at->us));
	}
	if (t->nattempts == 0)
		EVID(f, "no connection to %s completed before the deadline",
		    c->target);
	evid_source(c, f);

	if (strcmp(id, "tcp.refused") == 0) {
		remedy_target(c, f);
		REMEDY(f, "start Redis on %s, or point REDIS_URL at the server "
		    "the app should use: REDIS_URL=redis://HOST:PORT",
		    c->target);
		REMEDY(f, "if Redis runs there, check its 'port' and 'bind' "
		    "settings (redis-cli CONFIG GET port)");
	} else if (strcmp(id, "tcp.reset") == 0) {
		REMEDY(f, "something at %s answers and resets: check that the "
		    "port belongs to Redis and that no proxy or firewall "
		    "resets the connection", c->target);
	} else if (strcmp(id, "tcp.unreachable") == 0) {
		remedy_target(c, f);
		REMEDY(f, "the network has no route to %s: check the address "
		    "is reachable from this network (VPC, peering, private "
		    "networking)", c->target);
		REMEDY(f, "if only IPv6 fails, try -4 (or ?family=4)");
	} else {
		remedy_target(c, f);
		REMEDY(f, "a firewall or security group likely drops packets "
		    "to %s: allow it from this host's network", c->target);
		REMEDY(f, "check the address is one this network can reach "
		    "(a private IP of another network never answers)");
	}
}

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
static const char *
other_protocol(const char *b)
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

static void
f_plaintext_port(struct rctx *c, const char *why)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	const struct rd_cross_obs *x = &c->obs->cross;
	struct rd_finding *f;

	f = emit(c, "tls.plaintext_port", RD_SEV_CRITICAL);
	TITLE(f, "TLS was spoken to a plaintext port at %s", c->peer);
	EVID(f, "%s", why);
	if (t->peer_first_bytes[0] != '\0')
		EVID(f, "; in reply to the ClientHello it sent \"%s\"",
		    t->peer_first_bytes);
	if (x->tried_plain && x->succeeded)
		EVID(f, "; a plaintext conversation on the same port worked%s%s",
		    x->detail[0] ? ": " : "", x->detail);
	evid_source(c, f);
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

	f = emit(c, "tls.client_cert_required", RD_SEV_CRITICAL);
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

	f = emit(c, "tls.sni_required", RD_SEV_CRITICAL);
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
	int i;

	if (v == X509_V_ERR_CERT_HAS_EXPIRED || v == X509_V_ERR_CERT_NOT_YET_VALID) {
		f = emit(c, "tls.cert_expired", RD_SEV_CRITICAL);
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

		f = emit(c, "tls.hostname_mismatch", RD_SEV_CRITICAL);
		TITLE(f, "the certificate of %s does not cover %s", c->peer,
		    asked);
		EVID(f, "asked for %s%s; verify result %s", asked,
		    v == X509_V_ERR_IP_ADDRESS_MISMATCH ? " (IP literal)" : "",
		    v == X509_V_OK ? "host name check failed" : name);
		evid_cert(f, t);
		for (i = 0; i < t->nsans && i < RD_MAX_SANS; i++)
			if (rd_has_prefix(t->sans[i], "DNS:"))
				break;
		if (i < t->nsans && i < RD_MAX_SANS)
			REMEDY(f, "connect with a name the certificate covers, "
			    "e.g. %s, in REDIS_URL", t->sans[i] + 4);
		REMEDY(f, "or reissue the certificate with subjectAltName "
		    "%s:%s", v == X509_V_ERR_IP_ADDRESS_MISMATCH ? "IP" : "DNS",
		    asked);
		return;
	}
	f = emit(c, "tls.cert_untrusted", RD_SEV_CRITICAL);
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

static void
r_tls(struct rctx *c)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	const struct rd_cross_obs *x = &c->obs->cross;
	struct rd_finding *f;
	bool peer_alert = t->alert > 0 && !t->alert_sent;
	char why[200];
	char b[32];

	if (!t->attempted)
		return;
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
	if (t->not_tls || lib_says_not_tls(t->lib_err)) {
		const char *other = other_protocol(t->peer_first_bytes);

		if (other != NULL && !(x->tried_plain && x->succeeded)) {
			f = emit(c, "proto.not_redis", RD_SEV_CRITICAL);
			TITLE(f, "%s answers %s, not Redis", c->peer, other);
			EVID(f, "in reply to a TLS ClientHello it sent \"%s\"",
			    t->peer_first_bytes);
			evid_source(c, f);
			REMEDY(f, "check the port: %s belongs to another "
			    "service", c->target);
			remedy_target(c, f);
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
		f = emit(c, "proto.timeout", RD_SEV_CRITICAL);
		TITLE(f, "%s accepted the connection but did not answer the "
		    "TLS handshake", c->peer);
		EVID(f, "no TLS handshake reply within %s",
		    ms(b, sizeof(b), elapsed(c, RD_STEP_TLS)));
		evid_source(c, f);
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
			    t->alert_desc[0] ? t->alert_desc : alert_name(t->alert));
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
		f = emit(c, "tcp.reset", RD_SEV_CRITICAL);
		TITLE(f, "%s reset the connection during the TLS handshake",
		    c->peer);
		EVID(f, "ECONNRESET after the ClientHello, before any TLS reply");
		evid_source(c, f);
		REMEDY(f, "check that %s is Redis's tls-port and that no "
		    "firewall or proxy resets TLS connections", c->target);
		return;
	}

	f = emit(c, "tls.handshake_failed", RD_SEV_CRITICAL);
	if (peer_alert) {
		const char *an = t->alert_desc[0] ? t->alert_desc :
		    alert_name(t->alert);

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
	evid_source(c, f);
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

static void
r_tls_insecure(struct rctx *c)
{
	const struct rd_config *cfg = c->cfg;
	const struct rd_tls_obs *t = c->obs != NULL ? &c->obs->tls : NULL;
	struct rd_finding *f;

	if (!((cfg != NULL && cfg->tls && cfg->insecure) ||
	    (t != NULL && t->attempted && t->insecure)))
		return;
	f = emit(c, "tls.insecure", RD_SEV_WARNING);
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

static void
r_tls_expiring(struct rctx *c)
{
	const struct rd_tls_obs *t = &c->obs->tls;
	struct rd_finding *f;

	if (!t->attempted || !t->have_cert || t->days_left < 0 ||
	    t->days_left >= 14)
		return;
	f = emit(c, "tls.cert_expiring", RD_SEV_WARNING);
	TITLE(f, "the certificate of %s expires in %d day%s", c->peer,
	    t->days_left, t->days_left == 1 ? "" : "s");
	EVID(f, "not after %s (%d days left); subject %s, issuer %s",
	    t->not_after, t->days_left, t->subject, t->issuer);
	REMEDY(f, "renew the server certificate before %s and reload Redis",
	    t->not_after);
}

/* ---- the conversation ---- */

static const char *const reply_cmd[] = { "the greeting", "AUTH", "SELECT",
    "PING", "INFO" };

static const struct rd_reply_obs *
reply_at(const struct rd_obs *o, int i)
{
	switch (i) {
	case 0:	return &o->greeting;
	case 1:	return &o->auth;
	case 2:	return &o->select;
	case 3:	return &o->ping;
	default: return &o->info;
	}
}

/* A reply slot that was used: something sent or something received. */
static bool
reply_used(const struct rd_reply_obs *r)
{
	return r->sent || r->kind != RD_R_NONE || r->closed || r->reset ||
	    r->not_resp || r->hostile || r->pending_error || r->timed_out;
}

static bool
tls_alert_bytes(const char *b)
{
	return (unsigned char)b[0] == 0x15 || rd_has_prefix(b, "\\x15");
}

/* A finding of an earlier stage that already explains why the
 * conversation did not happen. */
static bool
earlier_failure(struct rctx *c)
{
	size_t i;

	for (i = 0; i < c->fs->n; i++) {
		const char *id = c->fs->v[i].id;

		if (c->fs->v[i].sev == RD_SEV_CRITICAL &&
		    (rd_has_prefix(id, "dns.") || rd_has_prefix(id, "tcp.") ||
		    rd_has_prefix(id, "tls.") || rd_has_prefix(id, "proto.")))
			return true;
	}
	return false;
}

static void
f_tls_required(struct rctx *c, const char *cmd, const char *why)
{
	const struct rd_cross_obs *x = &c->obs->cross;
	struct rd_finding *f;

	f = emit(c, "proto.tls_required", RD_SEV_CRITICAL);
	TITLE(f, "plaintext was spoken to a TLS port at %s", c->peer);
	EVID(f, "%s %s", cmd, why);
	if (x->tried_tls && x->succeeded)
		EVID(f, "; a TLS handshake on the same port succeeded%s%s",
		    x->detail[0] ? ": " : "", x->detail);
	evid_source(c, f);
	REMEDY(f, "use rediss:// instead of redis:// (or set REDIS_TLS=true, "
	    "--tls) for %s", c->target);
	REMEDY(f, "managed Redis (Northflank, Upstash, Azure 6380, "
	    "ElastiCache in-transit) only accepts TLS");
}

static void
r_conversation(struct rctx *c)
{
	const struct rd_obs *o = c->obs;
	const struct rd_cross_obs *x = &o->cross;
	bool tls_proof = x->tried_tls && x->succeeded;
	struct rd_finding *f;
	char b[32];
	int i;

	if (earlier_failure(c))
		return;
	for (i = 0; i < 5; i++) {
		const struct rd_reply_obs *r = reply_at(o, i);
		const char *cmd = reply_cmd[i];

		if (!reply_used(r))
			continue;
		if (r->hostile) {
			f = emit(c, "proto.hostile_reply", RD_SEV_CRITICAL);
			TITLE(f, "%s sent a reply over redisdiag's limits", c->peer);
			EVID(f, "reply to %s: %s", cmd, r->hostile_why[0] ?
			    r->hostile_why : "over the size, depth or count limits");
			if (r->first_bytes[0] != '\0')
				EVID(f, "; it began \"%s\"", r->first_bytes);
			evid_source(c, f);
			REMEDY(f, "check that %s is a genuine Redis server; a "
			    "proxy or another service may be answering",
			    c->target);
			return;
		}
		if (r->not_resp) {
			const char *other = other_protocol(r->first_bytes);

			if (tls_alert_bytes(r->first_bytes)) {
				f_tls_required(c, cmd, "was answered with a TLS "
				    "alert record (0x15)");
				return;
			}
			if (tls_proof) {
				f_tls_required(c, cmd, "was answered with bytes "
				    "that are not RESP");
				return;
			}
			f = emit(c, "proto.not_redis", RD_SEV_CRITICAL);
			TITLE(f, "%s answers%s%s, not Redis", c->peer,
			    other ? " " : "", other ? other : "");
			EVID(f, "reply to %s was not RESP: \"%s\"", cmd,
			    r->first_bytes);
			evid_source(c, f);
			REMEDY(f, "check the port: %s belongs to another service",
			    c->target);
			remedy_target(c, f);
			return;
		}
		if (r->kind == RD_R_ERROR)
			return;		/* the server answered: r_replies */
		if (r->kind != RD_R_NONE)
			continue;
		if (i == 0 && !r->closed && !r->reset && !r->timed_out)
			continue;	/* nothing unasked: the normal case */
		if (i == 4)
			return;		/* INFO is optional; r_replies */
		if (r->reset) {
			if (tls_proof) {
				f_tls_required(c, cmd, "was answered with a "
				    "reset");
				return;
			}
			f = emit(c, "tcp.reset", RD_SEV_CRITICAL);
			TITLE(f, "%s reset the connection before any reply",
			    c->peer);
			EVID(f, "ECONNRESET after %s was sent, before any reply",
			    cmd);
			evid_source(c, f);
			REMEDY(f, "check that %s is Redis and that no proxy or "
			    "firewall resets idle or new connections",
			    c->target);
			return;
		}
		if (r->closed) {
			if (tls_proof || (c->cfg != NULL && !c->cfg->tls &&
			    x->tried_tls && x->succeeded)) {
				f_tls_required(c, cmd, "was answered by closing "
				    "the connection");
				return;
			}
			f = emit(c, "proto.closed", RD_SEV_CRITICAL);
			TITLE(f, "%s closed the connection without a reply",
			    c->peer);
			EVID(f, "EOF after %s was sent, before any reply", cmd);
			if (x->tried_tls && !x->succeeded)
				EVID(f, "; a TLS handshake on the same port "
				    "failed too");
			evid_source(c, f);
			REMEDY(f, "a TLS-only port closes plaintext connections: "
			    "try rediss:// for %s", c->target);
			REMEDY(f, "the server may drop clients it does not "
			    "allow (bind, firewall, proxy ACL): check its log");
			return;
		}
		if (r->timed_out || o->deadline_hit) {
			if (tls_proof) {
				f_tls_required(c, cmd, "got no reply");
				return;
			}
			f = emit(c, "proto.timeout", RD_SEV_CRITICAL);
			TITLE(f, "connected to %s, but no reply to %s before the "
			    "deadline", c->peer, cmd);
			EVID(f, "%s was sent; no reply within %s", cmd,
			    ms(b, sizeof(b), o->total_us > 0 ? o->total_us :
			    o->timeout_us));
			evid_source(c, f);
			REMEDY(f, "the server may be stalled (a long command, "
			    "a slow disk, swapping): check its latency and log");
			REMEDY(f, "a TLS port waits silently for a handshake: "
			    "try rediss:// if %s speaks TLS", c->target);
			return;
		}
		return;			/* not sent: the probe stopped earlier */
	}
}

/* ---- server replies ---- */

static void
f_reply(struct rctx *c, const char *id, int step, const struct rd_reply_obs *r)
{
	const struct rd_config *cfg = c->cfg;
	const char *cmd = reply_cmd[step];
	enum rd_severity sev = RD_SEV_CRITICAL;
	struct rd_finding *f;

	/* INFO and CONFIG are optional probe commands: a server that forbids
	 * them still serves the app.  A MOVED on a key-less command, or a
	 * READONLY, is advice about the client, not a refusal. */
	if (step == 4 && (strcmp(id, "auth.noperm") == 0 ||
	    strcmp(id, "server.cluster_mode") == 0 ||
	    strcmp(id, "server.readonly_replica") == 0))
		sev = RD_SEV_WARNING;
	if (strcmp(id, "server.readonly_replica") == 0)
		sev = RD_SEV_WARNING;
	if (strcmp(id, "server.cluster_mode") == 0 && step != 2)
		sev = RD_SEV_WARNING;	/* SELECT refused is a failure */
	/* A password sent to a server without one: strict clients (node-redis,
	 * redis-py) fail the connection, so it is a failure even though the
	 * server would still answer PING. */

	f = emit(c, id, sev);
	if (f == NULL)
		return;
	if (r->pending_error || step == 0)
		EVID(f, "%s wrote \"%s\" on connect, before any command",
		    c->peer, r->text);
	else
		EVID(f, "%s answered %s with \"%s\"", c->peer, cmd, r->text);

	if (strcmp(id, "auth.required") == 0) {
		TITLE(f, "%s requires a password; none was sent", c->peer);
		EVID(f, "; no password is configured");
		evid_source(c, f);
		REMEDY(f, "set the password: REDIS_URL=redis://:PASSWORD@%s "
		    "or REDIS_PASSWORD", c->target);
		remedy_target(c, f);
	} else if (strcmp(id, "auth.wrongpass") == 0) {
		TITLE(f, "%s rejected the %s", c->peer,
		    cfg != NULL && cfg->username ? "username or password" :
		    "password");
		if (cfg != NULL) {
			EVID(f, "; username %s", cfg->username ? cfg->username :
			    "(default)");
			EVID(f, "; password from %s",
			    cfg->f[RD_F_PASSWORD].source[0] ?
			    cfg->f[RD_F_PASSWORD].source : "?");
		}
		REMEDY(f, "use the current password for %s (check for a "
		    "rotated secret, or a stale REDIS_PASSWORD shadowing the "
		    "URL's)", c->target);
		if (cfg != NULL && cfg->username)
			REMEDY(f, "check the ACL user exists and is enabled: "
			    "ACL GETUSER %s", cfg->username);
		else
			REMEDY(f, "if the server uses ACL users, set the "
			    "username too: redis://USER:PASSWORD@host");
	} else if (strcmp(id, "auth.no_password_configured") == 0) {
		TITLE(f, "a password was sent to %s, which has none", c->peer);
		if (cfg != NULL)
			EVID(f, "; password from %s",
			    cfg->f[RD_F_PASSWORD].source[0] ?
			    cfg->f[RD_F_PASSWORD].source : "?");
		catalog_remedies(f);
		remedy_target(c, f);
	} else if (strcmp(id, "auth.noperm") == 0) {
		TITLE(f, "the user may not run %s on %s", cmd, c->peer);
		if (cfg != NULL)
			EVID(f, "; user %s", cfg->username ? cfg->username :
			    "default");
		if (sev == RD_SEV_WARNING)
			REMEDY(f, "not needed by the app; grant +info (ACL "
			    "SETUSER %s +info) for a full report",
			    cfg != NULL && cfg->username ? cfg->username :
			    "USER");
		else
			REMEDY(f, "grant the command: ACL SETUSER %s +%s",
			    cfg != NULL && cfg->username ? cfg->username :
			    "default", step == 1 ? "auth" : step == 2 ?
			    "select" : "ping");
	} else if (strcmp(id, "server.protected_mode") == 0) {
		TITLE(f, "%s refuses remote clients (protected mode)", c->peer);
		catalog_remedies(f);
	} else if (strcmp(id, "server.maxclients") == 0) {
		TITLE(f, "%s has reached its maximum number of clients", c->peer);
		catalog_remedies(f);
	} else if (strcmp(id, "server.loading") == 0) {
		TITLE(f, "%s is loading its dataset into memory", c->peer);
		catalog_remedies(f);
	} else if (strcmp(id, "server.busy") == 0) {
		TITLE(f, "%s is busy running a script or function", c->peer);
		catalog_remedies(f);
	} else if (strcmp(id, "server.masterdown") == 0) {
		TITLE(f, "%s is a replica that lost its master", c->peer);
		catalog_remedies(f);
	} else if (strcmp(id, "server.db_out_of_range") == 0) {
		TITLE(f, "%s has no database %d", c->peer, cfg != NULL ?
		    cfg->db : -1);
		if (cfg != NULL)
			EVID(f, "; db %d from %s", cfg->db,
			    cfg->f[RD_F_DB].source[0] ? cfg->f[RD_F_DB].source :
			    "?");
		catalog_remedies(f);
	} else if (strcmp(id, "server.cluster_mode") == 0) {
		TITLE(f, "%s is a cluster node; use a cluster client", c->peer);
		catalog_remedies(f);
	} else if (strcmp(id, "server.cluster_down") == 0) {
		TITLE(f, "the cluster of %s is down", c->peer);
		catalog_remedies(f);
	} else if (strcmp(id, "server.oom_risk") == 0) {
		TITLE(f, "%s is out of memory for writes", c->peer);
		catalog_remedies(f);
	} else if (strcmp(id, "server.persistence_error") == 0) {
		TITLE(f, "%s refuses writes after a failed save", c->peer);
		catalog_remedies(f);
	} else if (strcmp(id, "server.readonly_replica") == 0) {
		TITLE(f, "%s is a read-only replica", c->peer);
		catalog_remedies(f);
	}
}

static void
r_replies(struct rctx *c)
{
	const struct rd_obs *o = c->obs;
	struct rd_finding *f;
	const char *id;
	bool auth_failed = false;
	int i;

	for (i = 0; i < 5; i++) {
		const struct rd_reply_obs *r = reply_at(o, i);

		if (r->kind != RD_R_ERROR)
			continue;
		id = rules_classify_reply(r->text);
		if (id == NULL && r->prefix[0] != '\0')
			id = rules_classify_reply(r->prefix);
		/* NOAUTH after a failed AUTH is its consequence, not news. */
		if (id != NULL && strcmp(id, "auth.required") == 0 && auth_failed)
			continue;
		if (id != NULL) {
			if (rd_has_prefix(id, "auth.") &&
			    strcmp(id, "auth.noperm") != 0)
				auth_failed = true;
			f_reply(c, id, i, r);
			continue;
		}
		if (i == 4) {
			/* INFO renamed or disabled (managed services): the
			 * app does not need it. */
			f = emit(c, "auth.noperm", RD_SEV_WARNING);
			TITLE(f, "%s does not allow INFO", c->peer);
			EVID(f, "INFO answered \"%s\"", r->text);
			REMEDY(f, "not needed by the app; the server section of "
			    "this report stays empty");
			continue;
		}
		f = emit(c, "server.error", RD_SEV_CRITICAL);
		TITLE(f, "%s answered %s with an error", c->peer, reply_cmd[i]);
		EVID(f, "%s answered %s with \"%s\"", c->peer, reply_cmd[i],
		    r->text);
		if (i == 1 && c->cfg != NULL && c->cfg->username)
			REMEDY(f, "a server older than 6.0 has no ACL users: "
			    "drop the username (redis://:PASSWORD@host)");
		catalog_remedies(f);
	}
	/* INFO not allowed, noted by the probe without an error text. */
	if (o->server.info_denied && !findings_has(c->fs, "auth.noperm") &&
	    o->info.kind != RD_R_ERROR) {
		f = emit(c, "auth.noperm", RD_SEV_WARNING);
		TITLE(f, "the user may not run INFO on %s", c->peer);
		EVID(f, "INFO was refused; memory and client figures unknown");
		REMEDY(f, "not needed by the app; grant +info for a full report");
	}
}

/* ---- INFO ---- */

static int
pct(int64_t part, int64_t whole)
{
	return whole > 0 ? (int)(part * 100 / whole) : 0;
}

static void
r_server(struct rctx *c)
{
	const struct rd_server_obs *s = &c->obs->server;
	struct rd_finding *f;

	if (!s->info_ok)
		return;
	if (strcmp(s->role, "slave") == 0 || strcmp(s->role, "replica") == 0) {
		f = emit(c, "server.readonly_replica", RD_SEV_WARNING);
		TITLE(f, "%s is a read-only replica", c->peer);
		EVID(f, "INFO replication: role:%s", s->role);
		if (s->master_link_status[0] != '\0')
			EVID(f, ", master_link_status:%s", s->master_link_status);
		REMEDY(f, "writes will fail with READONLY: point the app at "
		    "the master (or the provider's primary endpoint)");
	}
	if (s->maxmemory > 0 && s->used_memory >= 0 &&
	    s->used_memory * 10 >= s->maxmemory * 9) {
		bool noevict = strcmp(s->maxmemory_policy, "noeviction") == 0;

		/* With noeviction the next writes fail with OOM: only a
		 * warning here, because reads and PING still work; an OOM
		 * reply (see the reply table) is critical. */
		f = emit(c, noevict ? "server.oom_risk" : "server.memory_pressure",
		    RD_SEV_WARNING);
		TITLE(f, "%s uses %d%% of maxmemory%s", c->peer,
		    pct(s->used_memory, s->maxmemory),
		    noevict ? " and evicts nothing" : "");
		EVID(f, "used_memory %lld of maxmemory %lld bytes (%d%%), "
		    "maxmemory_policy %s", (long long)s->used_memory,
		    (long long)s->maxmemory, pct(s->used_memory, s->maxmemory),
		    s->maxmemory_policy[0] ? s->maxmemory_policy : "?");
		if (s->evicted_keys > 0)
			EVID(f, ", evicted_keys %lld", (long long)s->evicted_keys);
		if (noevict)
			REMEDY(f, "writes fail with OOM once maxmemory is "
			    "reached: raise maxmemory, delete data, or use "
			    "an eviction policy (allkeys-lru) for a cache");
		else
			catalog_remedies(f);
	}
	if (s->maxclients_known && s->maxclients > 0 &&
	    s->connected_clients * 10 >= s->maxclients * 9) {
		f = emit(c, "server.client_pressure", RD_SEV_WARNING);
		TITLE(f, "%s has %lld of %lld clients connected", c->peer,
		    (long long)s->connected_clients, (long long)s->maxclients);
		EVID(f, "connected_clients %lld, maxclients %lld (%d%%)",
		    (long long)s->connected_clients, (long long)s->maxclients,
		    pct(s->connected_clients, s->maxclients));
		if (s->rejected_connections > 0)
			EVID(f, ", rejected_connections %lld",
			    (long long)s->rejected_connections);
		catalog_remedies(f);
	}
	if (strcmp(s->rdb_last_bgsave_status, "err") == 0 ||
	    strcmp(s->aof_last_write_status, "err") == 0) {
		f = emit(c, "server.persistence_error", RD_SEV_WARNING);
		TITLE(f, "the last save on %s failed", c->peer);
		EVID(f, "rdb_last_bgsave_status:%s, aof_last_write_status:%s; "
		    "with stop-writes-on-bgsave-error writes fail with MISCONF",
		    s->rdb_last_bgsave_status[0] ? s->rdb_last_bgsave_status :
		    "?", s->aof_last_write_status[0] ?
		    s->aof_last_write_status : "?");
		REMEDY(f, "fix the disk (space, permissions) and check the "
		    "server log for the failed save");
	}
	if (strcmp(s->mode, "cluster") == 0) {
		f = emit(c, "server.cluster_mode", RD_SEV_WARNING);
		TITLE(f, "%s is a cluster node; use a cluster client", c->peer);
		EVID(f, "INFO server: redis_mode:cluster");
		REMEDY(f, "use a cluster client (ioredis Redis.Cluster, "
		    "node-redis createCluster, redis-py RedisCluster); a plain "
		    "client gets MOVED for most keys");
	}
	if (strcmp(s->cluster_state, "fail") == 0) {
		f = emit(c, "server.cluster_down", RD_SEV_CRITICAL);
		TITLE(f, "the cluster of %s is down", c->peer);
		EVID(f, "CLUSTER INFO: cluster_state:fail");
		catalog_remedies(f);
	}
	if (s->loading == 1) {
		f = emit(c, "server.loading", RD_SEV_CRITICAL);
		TITLE(f, "%s is loading its dataset into memory", c->peer);
		EVID(f, "INFO persistence: loading:1");
		REMEDY(f, "wait for the load to finish; clients should retry "
		    "LOADING");
	}
}

static void
r_latency(struct rctx *c)
{
	const struct rd_latency_obs *l = &c->obs->latency;
	struct rd_finding *f;
	char a[32], b[32], d[32], e[32], g[32];

	if (l->samples <= 0 || c->opts == NULL ||
	    c->opts->latency_threshold_us <= 0 ||
	    l->p99_us <= c->opts->latency_threshold_us)
		return;
	f = emit(c, "latency.high", RD_SEV_WARNING);
	TITLE(f, "PING round trips to %s are slow (p99 %s)", c->peer,
	    ms(a, sizeof(a), l->p99_us));
	EVID(f, "%d PINGs: min %s, p50 %s, p99 %s, max %s; threshold %s",
	    l->samples, ms(a, sizeof(a), l->min_us), ms(b, sizeof(b), l->p50_us),
	    ms(d, sizeof(d), l->p99_us), ms(e, sizeof(e), l->max_us),
	    ms(g, sizeof(g), c->opts->latency_threshold_us));
	catalog_remedies(f);
}

/* ---- the table ---- */

static const struct {
	const char *name;
	void	(*fn)(struct rctx *);
	bool	 needs_obs;
} rules[] = {
	{ "dns",		r_dns,		true },
	{ "tcp",		r_tcp,		true },
	{ "tls",		r_tls,		true },
	{ "tls_insecure",	r_tls_insecure,	false },
	{ "tls_expiring",	r_tls_expiring,	true },
	{ "conversation",	r_conversation,	true },
	{ "replies",		r_replies,	true },
	{ "server",		r_server,	true },
	{ "latency",		r_latency,	true },
};

/* Replaces every occurrence of secret (at least 4 bytes long, so the text
 * never grows) by "****", in place. */
static void
scrub_one(char *buf, const char *secret)
{
	size_t n = strlen(secret);
	char *p;

	while ((p = strstr(buf, secret)) != NULL) {
		memcpy(p, "****", 4);
		memmove(p + 4, p + n, strlen(p + n) + 1);
	}
}

/* Belt and braces: no rule writes the password, but server replies and
 * first bytes are the server's words.  Scrub every finding. */
static void
scrub(struct rd_findings *fs, const char *pw)
{
	size_t i;
	int j;

	if (pw == NULL || strlen(pw) < 4)
		return;
	for (i = 0; i < fs->n; i++) {
		struct rd_finding *f = &fs->v[i];

		scrub_one(f->title, pw);
		scrub_one(f->evidence, pw);
		for (j = 0; j < f->nremedy; j++)
			scrub_one(f->remediation[j], pw);
	}
}

void
rules_eval(const struct rd_config *cfg, const struct rd_obs *obs,
    const struct rd_report_opts *opts, struct rd_findings *fs)
{
	struct rctx c;
	size_t i;

	rules_config(cfg, obs, opts, fs);

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.obs = obs;
	c.opts = opts;
	c.fs = fs;
	if (cfg != NULL)
		rd_hostport(c.target, sizeof(c.target), cfg->host, cfg->port);
	else
		snprintf(c.target, sizeof(c.target), "?");
	if (obs != NULL && obs->tcp.peer[0] != '\0')
		snprintf(c.peer, sizeof(c.peer), "%s", obs->tcp.peer);
	else
		snprintf(c.peer, sizeof(c.peer), "%s", c.target);

	/* An invalid configuration was never probed: only its own findings. */
	if (cfg == NULL || cfg->valid) {
		for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
			if (rules[i].needs_obs && obs == NULL)
				continue;
			rules[i].fn(&c);
		}
		rules_hello(cfg, obs, fs);
		rules_unix(cfg, obs, fs);
	}
	if (cfg != NULL)
		scrub(fs, cfg->password);
}
