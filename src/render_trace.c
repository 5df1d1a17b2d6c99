/* render_trace.c — --verbose: what happened on the wire, for a person
 * reading stderr the way they read `curl -v`.
 *
 * Every line starts with "* ".  Lines starting "* >" are what we sent,
 * "* <" what the server answered; the rest are facts: the resolved
 * settings and where each came from, every DNS address, every TCP attempt
 * with its start, duration and errno, the TLS facts (version, cipher, SNI,
 * verification, certificate subject/issuer/SANs/dates, alerts), the
 * cross-try, INFO's summary, the latency samples, each step's status and
 * time, and the verdict.  stdout stays the report.
 *
 * A reader like the other renderers: it decides nothing.  The report
 * holds no secret (the vault does, secret.h; server bytes were masked at
 * the probe's door), so there is nothing to scrub: AUTH shows as
 * "AUTH ****" or "AUTH user ****".  Control characters are escaped before
 * a line is written, so a server reply or a host name cannot smuggle one
 * into the terminal. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "tcp.h"
#include "version.h"

#define TRACE_LINE	2048

struct trace {
	FILE	*out;
};

/* One trace line: formatted, control characters escaped. */
static void tr(struct trace *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
tr(struct trace *t, const char *fmt, ...)
{
	char raw[TRACE_LINE], esc[TRACE_LINE * 4];
	size_t i, o = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	for (i = 0; raw[i] != '\0' && o + 5 < sizeof(esc); i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(esc + o, sizeof(esc) - o,
			    "\\x%02x", c);
		else
			esc[o++] = (char)c;
	}
	esc[o] = '\0';
	fprintf(t->out, "* %s\n", esc);
}

static const char *
dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

/* "1.234 ms" with microsecond precision. */
static const char *
ms(char *buf, size_t sz, int64_t us)
{
	const char *sign = us < 0 ? "-" : "";

	if (us < 0)
		us = -us;
	snprintf(buf, sz, "%s%lld.%03lld ms", sign, (long long)(us / 1000),
	    (long long)(us % 1000));
	return buf;
}

static const char *
errname(int e, char *buf, size_t sz)
{
	const char *n = tcp_errno_name(e);

	if (n[0] != '\0' && strcmp(n, "E?") != 0)
		snprintf(buf, sz, "%s (errno %d)", n, e);
	else
		snprintf(buf, sz, "errno %d", e);
	return buf;
}

/* host:port with IPv6 literals in brackets. */
static const char *
hostport(char *buf, size_t sz, const char *host, int port)
{
	bool v6 = host != NULL && strchr(host, ':') != NULL;

	snprintf(buf, sz, "%s%s%s:%d", v6 ? "[" : "", dash(host), v6 ? "]" : "",
	    port);
	return buf;
}

static void
trace_config(struct trace *t, const struct rd_report *r)
{
	const struct rd_config *cfg = r->cfg;
	char hp[300];
	size_t i;
	int k;

	if (cfg->host != NULL && cfg->port > 0)
		tr(t, "target %s from %s, %s", hostport(hp, sizeof(hp),
		    cfg->host, cfg->port), dash(cfg->source),
		    cfg->tls ? "TLS" : "plaintext");
	else
		tr(t, "target unresolved: the configuration is invalid");
	if (cfg->url_redacted != NULL)
		tr(t, "  url %s", cfg->url_redacted);
	for (k = 0; k < RD_F__COUNT; k++) {
		const struct rd_field *f = &cfg->f[k];

		if (f->value == NULL && f->source[0] == '\0')
			continue;
		tr(t, "  %-9s %s  (%s)", rd_field_names[k],
		    k == RD_F_PASSWORD && f->value != NULL ? "****" :
		    dash(f->value), dash(f->source));
	}
	if (cfg->tls)
		tr(t, "  tls: sni %s%s, verify %s%s%s%s%s%s%s", cfg->sni != NULL ?
		    cfg->sni : "(none)", cfg->sni_explicit ? " (explicit)" : "",
		    cfg->insecure ? "disabled (--insecure)" : "on",
		    cfg->cacert != NULL ? ", cacert " : "",
		    cfg->cacert != NULL ? cfg->cacert : "",
		    cfg->cacertdir != NULL ? ", cacertdir " : "",
		    cfg->cacertdir != NULL ? cfg->cacertdir : "",
		    cfg->cert != NULL ? ", client cert " : "",
		    cfg->cert != NULL ? cfg->cert : "");
	if (cfg->family != 0)
		tr(t, "  family IPv%d only", cfg->family);
	for (i = 0; i < cfg->nproblems; i++) {
		char pb[400];

		report_problem_text(&cfg->problems[i], pb, sizeof(pb));
		tr(t, "  problem (%s): %s", cfg->problems[i].fatal ? "fatal" :
		    "warning", pb);
	}
	for (i = 0; i < cfg->nshadowed; i++)
		tr(t, "  shadowed %s: %s", cfg->shadowed[i].name,
		    cfg->shadowed[i].reason);
	/* Query values are not printed: ?password= carries a secret. */
	for (i = 0; i < cfg->nquery; i++)
		tr(t, "  query ?%s in %s %s", cfg->query[i].key,
		    cfg->query[i].from, cfg->query[i].honoured ? "honoured" :
		    "ignored");
	for (i = 0; i < cfg->ncands; i++) {
		const struct rd_candidate *c = &cfg->cands[i];

		if (c->winner)
			continue;
		if (c->valid)
			tr(t, "  candidate %s: %s %s%s", c->name, hostport(hp,
			    sizeof(hp), c->host, c->port), c->tls ? "TLS" :
			    "plaintext", c->password_set ? ", password set" : "");
		else
			tr(t, "  candidate %s: unusable: %s", c->name,
			    dash(c->error));
	}
	if (cfg->envi.in_container || cfg->envi.platform[0] != '\0')
		tr(t, "  runs in %s%s%s", cfg->envi.in_container ?
		    "a container" : "no container",
		    cfg->envi.platform[0] != '\0' ? ", platform " : "",
		    cfg->envi.platform);
}

static void
trace_dns(struct trace *t, const struct rd_report *r)
{
	const struct rd_obs *o = r->obs;
	const struct rd_dns_obs *d = &o->dns;
	const struct rd_step *s = &o->steps[RD_STEP_DNS];
	char b[32];
	int i;

	if (!d->attempted && s->status == RD_ST_SKIP)
		return;
	if (d->literal) {
		tr(t, "dns: %s is an address literal; no lookup",
		    dash(r->cfg->host));
	} else {
		tr(t, "dns: resolving %s (%s)", dash(r->cfg->host),
		    d->family_wanted == 4 ? "IPv4 only" : d->family_wanted == 6 ?
		    "IPv6 only" : "A and AAAA");
	}
	for (i = 0; i < d->naddr && i < RD_MAX_ADDRS; i++)
		tr(t, "dns:   %s %s", d->addrs[i].family == 6 ? "AAAA" : "A   ",
		    d->addrs[i].text);
	if (d->nfiltered > 0)
		tr(t, "dns:   %d address%s dropped by -%d", d->nfiltered,
		    d->nfiltered == 1 ? "" : "es", d->family_wanted);
	if (s->err.set)
		tr(t, "dns: failed after %s: %s%s%s: %s", ms(b, sizeof(b), s->us),
		    s->err.code, s->err.errnum != 0 ? " " : "",
		    s->err.errnum != 0 ? s->err.name : "", s->err.message);
	else if (d->timed_out)
		tr(t, "dns: abandoned at the deadline after %s",
		    ms(b, sizeof(b), s->us));
	else
		tr(t, "dns: %d address%s in %s", d->naddr, d->naddr == 1 ? "" :
		    "es", ms(b, sizeof(b), s->us));
}

static void
trace_tcp(struct trace *t, const struct rd_report *r)
{
	const struct rd_tcp_obs *c = &r->obs->tcp;
	const struct rd_step *s = &r->obs->steps[RD_STEP_TCP];
	char b1[32], b2[32], hp[100], e[64];
	int i;

	if (!c->attempted)
		return;
	for (i = 0; i < c->nattempts && i < RD_MAX_ADDRS; i++) {
		const struct rd_attempt *a = &c->attempts[i];

		hostport(hp, sizeof(hp), a->addr.text, a->port);
		tr(t, "tcp: trying %s at +%s", hp, ms(b1, sizeof(b1),
		    a->start_us));
		if (a->connected)
			tr(t, "tcp:   connected to %s after %s%s", hp,
			    ms(b2, sizeof(b2), a->us), i == c->winner ?
			    " (winner)" : "");
		else if (a->abandoned)
			tr(t, "tcp:   abandoned %s after %s%s%s", hp,
			    ms(b2, sizeof(b2), a->us), a->errnum != 0 ? ": " : "",
			    a->errnum != 0 ? errname(a->errnum, e, sizeof(e)) : "");
		else
			tr(t, "tcp:   %s failed after %s: %s", hp,
			    ms(b2, sizeof(b2), a->us),
			    errname(a->errnum, e, sizeof(e)));
	}
	if (c->winner >= 0)
		tr(t, "tcp: connected %s -> %s in %s", dash(c->local),
		    dash(c->peer), ms(b1, sizeof(b1), s->us));
	else
		tr(t, "tcp: no connection after %s%s", ms(b1, sizeof(b1), s->us),
		    c->timed_out ? " (deadline reached)" : "");
}

static void
trace_tls(struct trace *t, const struct rd_report *r)
{
	const struct rd_tls_obs *l = &r->obs->tls;
	const struct rd_step *s = &r->obs->steps[RD_STEP_TLS];
	char b[32];
	int i;

	if (!l->attempted)
		return;
	tr(t, "tls: handshake %s%s%s, verification %s", l->sni_sent ?
	    "with SNI " : "without SNI", l->sni_sent ? l->sni : "",
	    l->client_cert_sent ? ", client certificate sent" : "",
	    l->insecure ? "disabled (--insecure)" : "on");
	if (l->version[0] != '\0')
		tr(t, "tls: %s, cipher %s", l->version, dash(l->cipher));
	if (l->cert_requested)
		tr(t, "tls: the server asked for a client certificate");
	if (l->have_cert) {
		tr(t, "tls: server certificate");
		tr(t, "tls:   subject %s", dash(l->subject));
		tr(t, "tls:   issuer  %s%s", dash(l->issuer), l->self_signed ?
		    " (self-signed)" : "");
		for (i = 0; i < l->nsans && i < RD_MAX_SANS; i++)
			tr(t, "tls:   san     %s", l->sans[i]);
		tr(t, "tls:   valid   %s .. %s (%d days left)",
		    dash(l->not_before), dash(l->not_after), l->days_left);
	}
	if (!l->insecure && (l->have_cert || l->verify_code != 0))
		tr(t, "tls: verify result %s (%ld)", dash(l->verify_name),
		    l->verify_code);
	if (l->hostname_match >= 0)
		tr(t, "tls: host name %s %s the certificate",
		    dash(l->expected_name), l->hostname_match ? "matches" :
		    "does NOT match");
	if (l->alert >= 0)
		tr(t, "tls: alert %d (%s) %s", l->alert, dash(l->alert_desc),
		    l->alert_sent ? "sent by us" : "received from the server");
	if (l->not_tls)
		tr(t, "tls: the peer answered with bytes that are not TLS: %s",
		    dash(l->peer_first_bytes));
	if (l->peer_closed)
		tr(t, "tls: the peer closed the connection during the handshake");
	if (l->peer_reset)
		tr(t, "tls: the peer reset the connection during the handshake");
	if (l->timed_out)
		tr(t, "tls: no handshake before the deadline");
	if (l->lib_err != 0)
		tr(t, "tls: openssl error %lu: %s", l->lib_err,
		    dash(l->lib_reason));
	tr(t, "tls: %s after %s", l->ok ? "established" : "failed",
	    ms(b, sizeof(b), s->us));
}

static const char *
kind_name(enum rd_reply_kind k)
{
	switch (k) {
	case RD_R_STATUS:	return "status";
	case RD_R_ERROR:	return "error";
	case RD_R_STRING:	return "bulk string";
	case RD_R_INTEGER:	return "integer";
	case RD_R_ARRAY:	return "array";
	case RD_R_NIL:		return "nil";
	default:		return "none";
	}
}

/* "* < ..." for one reply, or why there was none. */
static void
trace_reply(struct trace *t, const struct rd_reply_obs *ro, int64_t us)
{
	char b[32];

	if (ro->kind != RD_R_NONE) {
		const char *lead = ro->kind == RD_R_STATUS ? "+" :
		    ro->kind == RD_R_ERROR ? "-" : "";

		tr(t, "< %s%s  [%s%s%s, %s]", lead, ro->kind == RD_R_STRING ?
		    "(string)" : ro->kind == RD_R_NIL ? "(nil)" : ro->text,
		    kind_name(ro->kind), ro->prefix[0] != '\0' ? " " : "",
		    ro->prefix, ms(b, sizeof(b), us));
		if (ro->pending_error)
			tr(t, "  (the server wrote this before we asked)");
		return;
	}
	if (ro->timed_out)
		tr(t, "< nothing before the deadline  [%s]", ms(b, sizeof(b), us));
	else if (ro->reset)
		tr(t, "< connection reset (ECONNRESET)  [%s]", ms(b, sizeof(b), us));
	else if (ro->closed)
		tr(t, "< connection closed (EOF)  [%s]", ms(b, sizeof(b), us));
	else if (ro->hostile)
		tr(t, "< refused by our limits: %s; first bytes %s",
		    dash(ro->hostile_why), dash(ro->first_bytes));
	else if (ro->not_resp)
		tr(t, "< not RESP: first bytes %s", dash(ro->first_bytes));
	else
		tr(t, "< no reply");
}

static void
trace_conversation(struct trace *t, const struct rd_report *r)
{
	const struct rd_obs *o = r->obs;
	const struct rd_config *cfg = r->cfg;
	const struct rd_server_obs *sv = &o->server;
	const struct rd_latency_obs *lt = &o->latency;
	char b1[32], b2[32], b3[32], b4[32];
	bool talked = o->auth_sent || o->auth.sent || o->select.sent ||
	    o->ping.sent || o->greeting.kind != RD_R_NONE;

	if (o->greeting.kind != RD_R_NONE) {
		tr(t, "< (unasked) the server spoke first:");
		trace_reply(t, &o->greeting, 0);
	}
	if (talked && o->steps[RD_STEP_HELLO].detail[0] != '\0')
		tr(t, "hello: %s", dash(o->steps[RD_STEP_HELLO].detail));
	if (o->hello.auth_inside) {
		/* The client's HELLO carried the AUTH (hello.c). */
		const struct rd_step *as = &o->steps[RD_STEP_AUTH];

		tr(t, "auth: %s", as->status == RD_ST_OK ? dash(as->detail) :
		    as->err.message);
	} else if (o->auth_sent || o->auth.sent) {
		if (cfg->username != NULL && cfg->username[0] != '\0')
			tr(t, "> AUTH %s ****", cfg->username);
		else
			tr(t, "> AUTH ****");
		trace_reply(t, &o->auth, o->steps[RD_STEP_AUTH].us);
	} else if (talked && o->steps[RD_STEP_AUTH].detail[0] != '\0')
		tr(t, "auth: %s", o->steps[RD_STEP_AUTH].detail);
	if (o->select.sent) {
		tr(t, "> SELECT %d", cfg->db);
		trace_reply(t, &o->select, o->steps[RD_STEP_SELECT].us);
	}
	if (o->ping.sent) {
		tr(t, "> PING");
		trace_reply(t, &o->ping, o->steps[RD_STEP_PING].us);
	}
	if (o->info.sent) {
		tr(t, "> INFO");
		trace_reply(t, &o->info, o->steps[RD_STEP_INFO].us);
	}
	if (sv->info_ok) {
		tr(t, "info: redis %s, mode %s, role %s%s%s, uptime %llds, os %s",
		    dash(sv->version), dash(sv->mode), dash(sv->role),
		    sv->master_link_status[0] != '\0' ? ", master link " : "",
		    sv->master_link_status, (long long)sv->uptime_s,
		    dash(sv->os));
		tr(t, "info: memory used %lld, peak %lld, max %lld, policy %s",
		    (long long)sv->used_memory, (long long)sv->used_memory_peak,
		    (long long)sv->maxmemory, dash(sv->maxmemory_policy));
		tr(t, "info: clients %lld of %s%lld, rejected connections %lld, "
		    "evicted keys %lld", (long long)sv->connected_clients,
		    sv->maxclients_known ? "" : "?", (long long)sv->maxclients,
		    (long long)sv->rejected_connections,
		    (long long)sv->evicted_keys);
		tr(t, "info: loading %d, rdb last bgsave %s, aof %s (last write "
		    "%s), keyspace hits %lld misses %lld", sv->loading,
		    dash(sv->rdb_last_bgsave_status), sv->aof_enabled == 1 ?
		    "on" : sv->aof_enabled == 0 ? "off" : "?",
		    dash(sv->aof_last_write_status),
		    (long long)sv->keyspace_hits, (long long)sv->keyspace_misses);
		if (sv->cluster_state[0] != '\0')
			tr(t, "info: cluster_state %s", sv->cluster_state);
	} else if (sv->info_denied)
		tr(t, "info: INFO not permitted; server facts unknown");
	if (lt->samples > 0 || o->steps[RD_STEP_LATENCY].status != RD_ST_SKIP) {
		tr(t, "> PING x %d (latency)", lt->samples);
		if (lt->samples > 0)
			tr(t, "latency: %d samples: min %s, p50 %s, p99 %s, max %s",
			    lt->samples, ms(b1, sizeof(b1), lt->min_us),
			    ms(b2, sizeof(b2), lt->p50_us),
			    ms(b3, sizeof(b3), lt->p99_us),
			    ms(b4, sizeof(b4), lt->max_us));
	}
	if (o->cross.attempted)
		tr(t, "cross-try: %s%s%s: %s", o->cross.tried_tls ?
		    "TLS after plaintext was dropped" : o->cross.tried_plain ?
		    "plaintext after TLS failed" : "retry",
		    o->cross.tried_sni ? " (with the host name as SNI)" : "",
		    o->cross.succeeded ? ", worked" : ", failed",
		    dash(o->cross.detail));
}

static void
trace_steps(struct trace *t, const struct rd_report *r)
{
	struct rd_step st;
	char b[32], en[24];
	int i, n = r->obs != NULL ? RD_STEP__COUNT : 1;

	for (i = 0; i < n; i++) {
		report_step(r, (enum rd_step_id)i, &st);
		en[0] = '\0';
		if (st.err.errnum != 0)
			snprintf(en, sizeof(en), " #%d", st.err.errnum);
		if (st.status == RD_ST_SKIP && !st.err.set)
			continue;
		if (st.err.set)
			tr(t, "step %-8s %-4s %s  %s%s%s%s: %s", rd_step_names[i],
			    rd_status_names[st.status], ms(b, sizeof(b), st.us),
			    st.err.code, strcmp(st.err.name, st.err.code) != 0 &&
			    st.err.name[0] != '\0' ? " " : "",
			    strcmp(st.err.name, st.err.code) != 0 ? st.err.name : "",
			    en, st.err.message);
		else
			tr(t, "step %-8s %-4s %s%s%s", rd_step_names[i],
			    rd_status_names[st.status], ms(b, sizeof(b), st.us),
			    st.detail[0] != '\0' ? "  " : "", st.detail);
	}
}

int
render_trace(const struct rd_report *r, FILE *out)
{
	struct trace t;
	char b[32];
	size_t i;

	memset(&t, 0, sizeof(t));
	t.out = out;

	tr(&t, "%s %s %s%s%s", RD_NAME, RD_VERSION, dash(r->command),
	    r->scenario != NULL ? " scenario " : "",
	    r->scenario != NULL ? r->scenario : "");
	if (r->cfg != NULL)
		trace_config(&t, r);
	if (r->obs != NULL) {
		tr(&t, "deadline %s (--timeout) for the whole run",
		    ms(b, sizeof(b), r->obs->timeout_us > 0 ? r->obs->timeout_us :
		    r->obs->deadline_us - r->obs->start_us));
		trace_dns(&t, r);
		trace_tcp(&t, r);
		trace_tls(&t, r);
		trace_conversation(&t, r);
	}
	trace_steps(&t, r);
	for (i = 0; i < r->ncands && r->cands != NULL; i++)
		tr(&t, "candidate %s probed: %s (exit %d): %s",
		    r->cands[i].cand != NULL ? r->cands[i].cand->name : "-",
		    rd_verdict_names[r->cands[i].verdict],
		    r->cands[i].exit_code, r->cands[i].summary);
	for (i = 0; i < r->findings.n; i++)
		tr(&t, "finding %s (%s)", r->findings.v[i].id,
		    rd_severity_names[r->findings.v[i].sev]);
	if (r->obs != NULL)
		tr(&t, "verdict %s, exit %d, total %s%s", rd_verdict_names[r->verdict],
		    r->exit_code, ms(b, sizeof(b), r->obs->total_us),
		    r->obs->deadline_hit ? ", the deadline cut a step off" : "");
	else
		tr(&t, "verdict %s, exit %d", rd_verdict_names[r->verdict],
		    r->exit_code);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
