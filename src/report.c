/* report.c — the findings list, the name tables, and report_finish():
 * from configuration, observations and findings to the checklist of SPEC
 * section 6, the verdict and the exit code of SPEC section 8.
 *
 * Exit codes are decided here and nowhere else:
 *   0  PONG, authenticated (warnings allowed; --strict makes them 1)
 *   1  the server answered but refused service (an error reply on the
 *      greeting, AUTH, SELECT or PING)
 *   2  no Redis conversation (DNS, TCP, TLS, protocol, timeout)
 *   3  invalid configuration, or nothing was attempted
 * env exits 0 when the configuration resolves and 3 when it does not;
 * explain takes the verdict of its worst finding.  Which checklist items a
 * finding explains and which verdict it stands for are its catalog row's
 * (catalog.c), never decided here by its id.  Pure: no I/O. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "clients.h"
#include "report.h"
#include "strutil.h"

const char *const rd_severity_names[] = { "info", "warning", "critical" };
const char *const rd_cl_status_names[] = { "skip", "pass", "fail", "warn" };
const char *const rd_verdict_names[] = { "ok", "warn", "rejecting",
    "unreachable", "no_attempt" };
const char *const rd_step_names[RD_STEP__COUNT] = { "config", "dns", "tcp",
    "tls", "hello", "auth", "select", "ping", "info", "latency" };
const char *const rd_status_names[] = { "skip", "ok", "warn", "fail" };

/* ---- findings ---- */

struct rd_finding *
findings_add(struct rd_findings *fs, const char *id, enum rd_severity sev)
{
	struct rd_finding *f;

	if (fs->n == fs->cap) {
		size_t ncap = fs->cap ? fs->cap * 2 : 8;
		struct rd_finding *v;

		v = reallocarray(fs->v, ncap, sizeof(*v));
		if (v == NULL)
			return NULL;
		fs->v = v;
		fs->cap = ncap;
	}
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%s", id);
	f->sev = sev;
	return f;
}

bool
findings_has(const struct rd_findings *fs, const char *id)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].id, id) == 0)
			return true;
	return false;
}

void
finding_evid(struct rd_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (f == NULL)
		return;
	va_start(ap, fmt);
	rd_vappendf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
}

void
finding_remedy(struct rd_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (f == NULL || f->nremedy >= RD_MAX_REMEDY)
		return;
	va_start(ap, fmt);
	vsnprintf(f->remediation[f->nremedy], sizeof(f->remediation[0]), fmt, ap);
	va_end(ap);
	f->nremedy++;
}

void
findings_free(struct rd_findings *fs)
{
	free(fs->v);
	fs->v = NULL;
	fs->n = fs->cap = 0;
}

/* Releases what the report owns: its findings and the --all-candidates
 * results (allocated by whoever filled r->cands).  cfg, obs and lines
 * belong to the caller. */
void
report_free(struct rd_report *r)
{
	findings_free(&r->findings);
	free(r->cands);
	r->cands = NULL;
	r->ncands = 0;
	free(r->topo);
	r->topo = NULL;
	free(r->alts);
	r->alts = NULL;
	r->nalts = 0;
}

/* ---- helpers ---- */

static bool
is_ip(const char *h)
{
	size_t i;
	bool dots = false;

	if (h == NULL || *h == '\0')
		return false;
	if (strchr(h, ':') != NULL)
		return true;		/* only IPv6 literals hold a colon */
	for (i = 0; h[i] != '\0'; i++) {
		if (h[i] == '.')
			dots = true;
		else if (h[i] < '0' || h[i] > '9')
			return false;
	}
	return dots;
}

static void sumf(struct rd_report *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets the summary, cut to fit. */
static void
sumf(struct rd_report *r, const char *fmt, ...)
{
	va_list ap;

	r->summary[0] = '\0';
	va_start(ap, fmt);
	rd_vappendf(r->summary, sizeof(r->summary), fmt, ap);
	va_end(ap);
}

static void set(struct rd_report *, enum rd_cl_id, enum rd_cl_status,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
set(struct rd_report *r, enum rd_cl_id id, enum rd_cl_status st,
    const char *fmt, ...)
{
	va_list ap;

	r->checklist[id].status = st;
	va_start(ap, fmt);
	vsnprintf(r->checklist[id].note, sizeof(r->checklist[id].note), fmt, ap);
	va_end(ap);
}

/* Marks item cl from the findings its catalog rows say explain it: the
 * worst of them (fail when critical, warn when a warning; info ones do
 * not count), among equals the one whose row comes first (the catalog is
 * in pipeline order).  Returns true when one was found. */
static bool
from_findings(struct rd_report *r, enum rd_cl_id cl)
{
	const struct rd_catalog_entry *e, *best_e = NULL;
	const struct rd_finding *f, *best = NULL;
	size_t i;

	for (i = 0; i < r->findings.n; i++) {
		f = &r->findings.v[i];
		e = catalog_find(f->id);
		if (f->sev == RD_SEV_INFO || !catalog_explains(f->id, cl))
			continue;
		if (best == NULL || f->sev > best->sev ||
		    (f->sev == best->sev && e < best_e)) {
			best = f;
			best_e = e;
		}
	}
	if (best == NULL)
		return false;
	set(r, cl, best->sev == RD_SEV_CRITICAL ? RD_CL_FAIL : RD_CL_WARN,
	    "%s", best->id);
	return true;
}

static const struct {
	const char *id, *title;
} cl_table[RD_CL__COUNT] = {
	{ "remote_host", "host is not loopback inside a container" },
	{ "password", "password configured when the server requires one" },
	{ "tls_scheme", "TLS (rediss://) for a remote endpoint" },
	{ "sni", "SNI is the remote host name" },
	{ "certificate", "server certificate verifies" },
	{ "env_reaches_app", "configuration comes from the environment" },
	{ "dns", "host name resolves" },
	{ "tcp", "TCP connection succeeds" },
	{ "tls_handshake", "TLS handshake succeeds" },
	{ "auth", "authentication accepted" },
	{ "ping", "PING answered with PONG" },
	{ "server_ready", "server ready to serve" },
	{ "memory_headroom", "memory below maxmemory" },
	{ "client_headroom", "clients below maxclients" },
};

/* The table, for renderers of a report report_finish() has not filled
 * (its ids and titles are the same for every report). */
const char *
report_cl_id(const struct rd_report *r, enum rd_cl_id cl)
{
	if (r->checklist[cl].id != NULL)
		return r->checklist[cl].id;
	return cl_table[cl].id;
}

const char *
report_cl_title(const struct rd_report *r, enum rd_cl_id cl)
{
	if (r->checklist[cl].title != NULL)
		return r->checklist[cl].title;
	return cl_table[cl].title;
}

static bool
got_pong(const struct rd_obs *o)
{
	/* Classified from the raw reply at the probe's door: the masked
	 * text may read "****" when the password is "PONG". */
	/* After an unasked reply the replies are shifted: no PONG counts. */
	return o != NULL && o->ping.pong && !o->unsolicited_seen;
}

/* A reply slot holding an error the server wrote. */
static bool
err_reply(const struct rd_reply_obs *r)
{
	return r->kind == RD_R_ERROR;
}

/* The AUTH failed the connection: an error reply the modelled client
 * does not log and go past (ioredis and redis-cli go past "no password
 * is set": their row's nopass_tolerated). */
static bool
auth_refused(const struct rd_config *cfg, const struct rd_obs *o)
{
	const char *id;

	if (!err_reply(&o->auth))
		return false;
	id = o->auth.class_id[0] != '\0' ? o->auth.class_id :
	    rules_classify_reply(o->auth.text);
	return !(cfg != NULL && cfg->model != NULL &&
	    cfg->model->nopass_tolerated && id != NULL &&
	    strcmp(id, "auth.no_password_configured") == 0);
}

/* HELLO went first and the server refused it: not "HELLO is not spoken
 * here" (the probe goes on in RESP2), but an error a later command would
 * have got the same (maxclients, LOADING; NOAUTH without a password). */
static bool
hello_refused(const struct rd_obs *o)
{
	return o->hello.attempted && err_reply(&o->hello.reply) &&
	    !o->hello.unsupported && !o->hello.auth_inside;
}

/* ---- the checklist ---- */

static void
checklist_config(struct rd_report *r)
{
	const struct rd_config *cfg = r->cfg;
	const struct rd_obs *o = r->obs;
	bool loop = config_host_is_loopback(cfg->host);
	bool pong = got_pong(o);
	bool remote = !loop && !cfg->unix_socket;	/* a socket is local */

	/* remote_host: measured from the configuration, as the rule that
	 * emits config.localhost_in_container does; a Redis that answered
	 * on loopback (a sidecar) passes (issue 13). */
	if (cfg->unix_socket)
		set(r, RD_CL_REMOTE_HOST, RD_CL_PASS, "Unix socket %s",
		    cfg->host);
	else if (loop && cfg->envi.in_container)
		set(r, RD_CL_REMOTE_HOST, pong ? RD_CL_PASS : RD_CL_FAIL,
		    "%s inside a container is the container itself%s", cfg->host,
		    pong ? "; a Redis answered there (a sidecar?)" : "");
	else if (loop)
		set(r, RD_CL_REMOTE_HOST, RD_CL_PASS, "loopback %s, not in a "
		    "container", cfg->host);
	else
		set(r, RD_CL_REMOTE_HOST, RD_CL_PASS, "%s", cfg->host);

	/* password */
	if (!from_findings(r, RD_CL_PASSWORD)) {
		if (cfg->password_set && pong)
			set(r, RD_CL_PASSWORD, RD_CL_PASS, "set and accepted");
		else if (cfg->password_set)
			set(r, RD_CL_PASSWORD, RD_CL_PASS, "set (from %s)",
			    cfg->f[RD_F_PASSWORD].source);
		else if (pong)
			set(r, RD_CL_PASSWORD, RD_CL_PASS, "not set; the server "
			    "requires none");
		else if (remote)
			set(r, RD_CL_PASSWORD, RD_CL_WARN, "not set; remote and "
			    "managed servers usually require one");
		else
			set(r, RD_CL_PASSWORD, RD_CL_SKIP, "not set; unknown "
			    "whether the server requires one");
	}

	/* tls_scheme */
	if (!from_findings(r, RD_CL_TLS_SCHEME)) {
		if (cfg->tls)
			set(r, RD_CL_TLS_SCHEME, RD_CL_PASS, "TLS on");
		else if (remote)
			set(r, RD_CL_TLS_SCHEME, RD_CL_WARN, "plaintext to remote "
			    "host %s", cfg->host);
		else
			set(r, RD_CL_TLS_SCHEME, RD_CL_PASS, "plaintext on "
			    "loopback");
	}

	/* sni */
	if (!cfg->tls)
		set(r, RD_CL_SNI, RD_CL_SKIP, "TLS off");
	else if (!from_findings(r, RD_CL_SNI)) {
		if (cfg->sni == NULL && is_ip(cfg->host))
			set(r, RD_CL_SNI, RD_CL_PASS, "none for IP literal %s",
			    cfg->host);
		else if (cfg->sni == NULL)
			set(r, RD_CL_SNI, RD_CL_WARN, "no SNI sent for host %s",
			    cfg->host);
		else if (cfg->host != NULL && strcasecmp(cfg->sni, cfg->host) == 0)
			set(r, RD_CL_SNI, RD_CL_PASS, "%s", cfg->sni);
		else
			set(r, RD_CL_SNI, RD_CL_WARN, "%s differs from host %s",
			    cfg->sni, cfg->host);
	}

	/* certificate */
	if (!cfg->tls)
		set(r, RD_CL_CERTIFICATE, RD_CL_SKIP, "TLS off");
	else if (!from_findings(r, RD_CL_CERTIFICATE)) {
		if (cfg->insecure)
			set(r, RD_CL_CERTIFICATE, RD_CL_WARN, "not verified "
			    "(--insecure)");
		else if (o != NULL && o->tls.attempted && o->tls.ok &&
		    o->tls.name_unchecked)
			set(r, RD_CL_CERTIFICATE, RD_CL_PASS, "chain verified; "
			    "the client checks no host name (%s)",
			    o->tls.hostname_match == 1 ? "it matches" :
			    "not compared");
		else if (o != NULL && o->tls.attempted && o->tls.ok)
			set(r, RD_CL_CERTIFICATE, RD_CL_PASS, "chain and host "
			    "name verified");
		else if (cfg->cacert != NULL || cfg->cacertdir != NULL)
			set(r, RD_CL_CERTIFICATE, RD_CL_PASS, "CA named: %s",
			    cfg->cacert ? cfg->cacert : cfg->cacertdir);
		else
			set(r, RD_CL_CERTIFICATE, RD_CL_SKIP, "not verified yet; "
			    "system trust store");
	}

	/* env_reaches_app */
	if (!from_findings(r, RD_CL_ENV_REACHES_APP)) {
		if (cfg->default_used || strcmp(cfg->source, "default") == 0)
			set(r, RD_CL_ENV_REACHES_APP, RD_CL_WARN, "nothing set; "
			    "built-in default 127.0.0.1:6379");
		else if (rd_has_prefix(cfg->source, "flag") ||
		    strstr(cfg->source, ":flag") != NULL)
			set(r, RD_CL_ENV_REACHES_APP, RD_CL_SKIP, "from %s; the "
			    "app's environment was not used", cfg->source);
		else
			set(r, RD_CL_ENV_REACHES_APP, RD_CL_PASS, "from %s",
			    cfg->source);
	}
}

static void
checklist_probe(struct rd_report *r)
{
	const struct rd_config *cfg = r->cfg;
	const struct rd_obs *o = r->obs;
	const struct rd_server_obs *s;
	bool pong = got_pong(o);

	/* Without observations (env), only what configuration decides. */
	if (o == NULL) {
		if (cfg != NULL && cfg->valid && is_ip(cfg->host))
			set(r, RD_CL_DNS, RD_CL_PASS, "IP literal; no lookup");
		else
			set(r, RD_CL_DNS, RD_CL_SKIP, "not probed");
		set(r, RD_CL_TCP, RD_CL_SKIP, "not probed");
		set(r, RD_CL_TLS_HANDSHAKE, RD_CL_SKIP, cfg != NULL && cfg->valid &&
		    !cfg->tls ? "TLS off" : "not probed");
		set(r, RD_CL_AUTH, RD_CL_SKIP, "not probed");
		set(r, RD_CL_PING, RD_CL_SKIP, "not probed");
		set(r, RD_CL_SERVER_READY, RD_CL_SKIP, "not probed");
		set(r, RD_CL_MEMORY_HEADROOM, RD_CL_SKIP, "not probed");
		set(r, RD_CL_CLIENT_HEADROOM, RD_CL_SKIP, "not probed");
		return;
	}
	s = &o->server;

	/* dns */
	if (!from_findings(r, RD_CL_DNS)) {
		if (o->dns.literal)
			set(r, RD_CL_DNS, RD_CL_PASS, "IP literal; no lookup");
		else if (o->dns.attempted && o->dns.naddr > 0)
			set(r, RD_CL_DNS, RD_CL_PASS, "%d address%s, first %s",
			    o->dns.naddr, o->dns.naddr == 1 ? "" : "es",
			    o->dns.addrs[0].text);
		else if (o->steps[RD_STEP_DNS].status == RD_ST_FAIL)
			set(r, RD_CL_DNS, RD_CL_FAIL, "%s",
			    o->steps[RD_STEP_DNS].err.code);
		else
			set(r, RD_CL_DNS, RD_CL_SKIP, "not reached");
	}

	/* tcp */
	if (!from_findings(r, RD_CL_TCP)) {
		if (o->tcp.attempted && o->tcp.winner >= 0)
			set(r, RD_CL_TCP, RD_CL_PASS, "connected to %s",
			    o->tcp.peer);
		else if (o->steps[RD_STEP_TCP].status == RD_ST_FAIL)
			set(r, RD_CL_TCP, RD_CL_FAIL, "%s",
			    o->steps[RD_STEP_TCP].err.code);
		else
			set(r, RD_CL_TCP, RD_CL_SKIP, "not reached");
	}

	/* tls_handshake */
	if (!from_findings(r, RD_CL_TLS_HANDSHAKE)) {
		if (!o->tls.attempted)
			set(r, RD_CL_TLS_HANDSHAKE, RD_CL_SKIP, cfg != NULL &&
			    !cfg->tls ? "TLS off" : "not reached");
		else if (o->tls.ok && o->tls.insecure)
			set(r, RD_CL_TLS_HANDSHAKE, RD_CL_WARN, "%s, %s, not "
			    "verified", o->tls.version, o->tls.cipher);
		else if (o->tls.ok)
			set(r, RD_CL_TLS_HANDSHAKE, RD_CL_PASS, "%s, %s",
			    o->tls.version, o->tls.cipher);
		else
			set(r, RD_CL_TLS_HANDSHAKE, RD_CL_FAIL, "%s",
			    o->steps[RD_STEP_TLS].err.code);
	}

	/* auth */
	if (!from_findings(r, RD_CL_AUTH)) {
		if (o->auth.sent && o->hello.auth_inside && o->auth.ok)
			set(r, RD_CL_AUTH, RD_CL_PASS, "AUTH inside HELLO %d: OK",
			    o->hello.proto_asked);
		else if (o->auth.sent && o->auth.kind == RD_R_STATUS)
			set(r, RD_CL_AUTH, RD_CL_PASS, "AUTH %s", o->auth.text);
		else if (o->auth.sent && err_reply(&o->auth))
			set(r, RD_CL_AUTH, RD_CL_FAIL, "AUTH refused");
		else if (!o->auth.sent && pong)
			set(r, RD_CL_AUTH, RD_CL_PASS, "not required");
		else if (o->auth.sent && (o->auth.kind == RD_R_NONE))
			set(r, RD_CL_AUTH, RD_CL_FAIL, "no reply to AUTH");
		else
			set(r, RD_CL_AUTH, RD_CL_SKIP, "not reached");
	}

	/* ping: measured; the findings that explain it only name themselves
	 * behind it (renderers). */
	if (pong)
		set(r, RD_CL_PING, RD_CL_PASS, "PONG in %.2f ms",
		    (double)o->steps[RD_STEP_PING].us / 1000.0);
	else if (o->ping.sent)
		set(r, RD_CL_PING, RD_CL_FAIL, "%s", o->ping.kind == RD_R_ERROR ?
		    o->ping.prefix : o->ping.timed_out ? "no reply" :
		    o->ping.closed ? "closed" : "no PONG");
	else
		set(r, RD_CL_PING, RD_CL_SKIP, "not reached");

	/* server_ready */
	if (!from_findings(r, RD_CL_SERVER_READY)) {
		if (pong)
			set(r, RD_CL_SERVER_READY, RD_CL_PASS, "%s%s%s",
			    s->role[0] ? "role " : "answers",
			    s->role[0] ? s->role : "", "");
		else
			set(r, RD_CL_SERVER_READY, RD_CL_SKIP, "not reached");
	}

	/* memory_headroom */
	if (!from_findings(r, RD_CL_MEMORY_HEADROOM)) {
		if (!s->info_ok)
			set(r, RD_CL_MEMORY_HEADROOM, RD_CL_SKIP, "INFO %s",
			    s->info_denied ? "not allowed" : "not read");
		else if (s->maxmemory <= 0)
			set(r, RD_CL_MEMORY_HEADROOM, RD_CL_PASS, "no maxmemory "
			    "limit; used %lld bytes", (long long)s->used_memory);
		else
			set(r, RD_CL_MEMORY_HEADROOM, RD_CL_PASS, "%lld of %lld "
			    "bytes", (long long)s->used_memory,
			    (long long)s->maxmemory);
	}

	/* client_headroom */
	if (!from_findings(r, RD_CL_CLIENT_HEADROOM)) {
		if (!s->info_ok || !s->maxclients_known)
			set(r, RD_CL_CLIENT_HEADROOM, RD_CL_SKIP, "maxclients "
			    "unknown");
		else
			set(r, RD_CL_CLIENT_HEADROOM, RD_CL_PASS, "%lld of %lld",
			    (long long)s->connected_clients,
			    (long long)s->maxclients);
	}
}

/* Without a configuration (explain), the findings alone decide the items
 * they explain; the rest is skip. */
static void
checklist_findings(struct rd_report *r)
{
	size_t i;

	for (i = 0; i < RD_CL__COUNT; i++)
		if (!from_findings(r, i))
			set(r, i, RD_CL_SKIP, "not in the text");
}

/* ---- verdict ---- */

static int
verdict_exit(enum rd_verdict v)
{
	switch (v) {
	case RD_V_OK:
	case RD_V_WARN:		return RD_EXIT_OK;
	case RD_V_REJECTING:	return RD_EXIT_REJECTING;
	case RD_V_UNREACHABLE:	return RD_EXIT_UNREACHABLE;
	case RD_V_NO_ATTEMPT:	break;
	}
	return RD_EXIT_NO_ATTEMPT;
}

static size_t
count_warnings(const struct rd_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->findings.n; i++)
		if (r->findings.v[i].sev >= RD_SEV_WARNING)
			n++;
	return n;
}

/* The finding that explains a failed run best: the first critical one of
 * the probe (its rules run in pipeline order), else any critical one. */
static const struct rd_finding *
culprit(const struct rd_report *r)
{
	size_t i;

	for (i = 0; i < r->findings.n; i++)
		if (r->findings.v[i].sev == RD_SEV_CRITICAL &&
		    catalog_is_probe_failure(r->findings.v[i].id))
			return &r->findings.v[i];
	for (i = 0; i < r->findings.n; i++)
		if (r->findings.v[i].sev == RD_SEV_CRITICAL)
			return &r->findings.v[i];
	return NULL;
}

static void
summary_warnings(struct rd_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->findings.n; i++) {
		if (r->findings.v[i].sev < RD_SEV_WARNING)
			continue;
		if (strlen(r->summary) + 2 >= sizeof(r->summary))
			return;
		rd_appendf(r->summary, sizeof(r->summary), "%s%s",
		    n++ ? ", " : "; warnings: ", r->findings.v[i].id);
	}
}

static void
summary_finding(struct rd_report *r, const struct rd_finding *f,
    const char *fallback)
{
	if (f != NULL)
		sumf(r, "%.*s (%s)",
		    (int)(sizeof(r->summary) - sizeof(f->id) - 4), f->title,
		    f->id);
	else
		sumf(r, "%s", fallback);
}

static void
verdict_env(struct rd_report *r)
{
	const struct rd_config *cfg = r->cfg;
	char hp[300];

	if (cfg == NULL || !cfg->valid) {
		r->verdict = RD_V_NO_ATTEMPT;
		r->exit_code = RD_EXIT_NO_ATTEMPT;
		summary_finding(r, culprit(r), "invalid configuration");
		return;
	}
	r->verdict = count_warnings(r) > 0 ? RD_V_WARN : RD_V_OK;
	/* env only resolves: 0 whenever it did, unless --strict, which
	 * fails on warnings as it does in check (man page, env --help). */
	r->exit_code = r->verdict == RD_V_WARN && r->opts.strict ?
	    RD_EXIT_REJECTING : RD_EXIT_OK;
	rd_hostport(hp, sizeof(hp), cfg->host, cfg->port);
	sumf(r, "resolved %s%s from %s", hp,
	    cfg->tls ? " with TLS" : "", cfg->source[0] ? cfg->source : "?");
	summary_warnings(r);
}

static void
verdict_explain(struct rd_report *r)
{
	const struct rd_finding *worst = NULL;
	size_t i;

	if (r->no_input) {
		/* Nothing was examined, which is not "nothing found". */
		r->verdict = RD_V_NO_ATTEMPT;
		r->exit_code = RD_EXIT_NO_ATTEMPT;
		sumf(r, "no text to explain: give TEXT or pipe a log on stdin");
		return;
	}
	for (i = 0; i < r->findings.n; i++) {
		const struct rd_finding *f = &r->findings.v[i];

		if (worst == NULL || f->sev > worst->sev ||
		    (f->sev == worst->sev && f->sev == RD_SEV_CRITICAL &&
		    verdict_exit(catalog_verdict(f->id)) >
		    verdict_exit(catalog_verdict(worst->id))))
			worst = f;
	}
	if (worst == NULL) {
		r->verdict = RD_V_OK;
		sumf(r, "no known Redis "
		    "error recognised");
	} else if (worst->sev == RD_SEV_CRITICAL &&
	    catalog_is_probe_failure(worst->id)) {
		r->verdict = catalog_verdict(worst->id);
		summary_finding(r, worst, "");
	} else {
		r->verdict = worst->sev == RD_SEV_INFO ? RD_V_OK : RD_V_WARN;
		summary_finding(r, worst, "");
	}
	r->exit_code = verdict_exit(r->verdict);
	if (r->verdict == RD_V_WARN && r->opts.strict)
		r->exit_code = RD_EXIT_REJECTING;
}

static void
verdict_check(struct rd_report *r)
{
	const struct rd_config *cfg = r->cfg;
	const struct rd_obs *o = r->obs;
	bool refused, pong, auth_bad;
	const struct rd_finding *f, *u;
	char hp[300];

	if (cfg == NULL || !cfg->valid || o == NULL ||
	    (!o->dns.attempted && !o->dns.literal && !o->tcp.attempted)) {
		r->verdict = RD_V_NO_ATTEMPT;
		r->exit_code = RD_EXIT_NO_ATTEMPT;
		summary_finding(r, culprit(r), cfg != NULL && cfg->valid ?
		    "no connection was attempted" : "invalid configuration");
		return;
	}
	pong = got_pong(o);
	/* "Reachable, authenticated, PONG": an error on AUTH or SELECT is a
	 * refusal even when PING still answers (a password sent to a
	 * server without one: strict clients fail there; the client model
	 * says whether it goes past it, auth_refused). */
	auth_bad = auth_refused(cfg, o);
	/* ... and a client that stops at a refused HELLO (node-redis). */
	refused = err_reply(&o->greeting) || auth_bad ||
	    err_reply(&o->select) || err_reply(&o->ping) ||
	    o->hello.client_stops || hello_refused(o);
	/* A critical refusal found beside the PONG (cluster_state:fail:
	 * PING works, every key command fails with CLUSTERDOWN) is still a
	 * refusal of service. */
	f = u = NULL;
	for (size_t i = 0; i < r->findings.n && f == NULL; i++)
		if (r->findings.v[i].sev == RD_SEV_CRITICAL &&
		    catalog_verdict(r->findings.v[i].id) == RD_V_REJECTING)
			f = &r->findings.v[i];
	/* Likewise a critical "no conversation" found beside it: the seed of
	 * a cluster answers, but the nodes it sends the client to do not. */
	for (size_t i = 0; i < r->findings.n && u == NULL; i++)
		if (r->findings.v[i].sev == RD_SEV_CRITICAL &&
		    catalog_verdict(r->findings.v[i].id) == RD_V_UNREACHABLE)
			u = &r->findings.v[i];
	if (pong && f == NULL && u != NULL && !auth_bad &&
	    !err_reply(&o->select) && !o->hello.client_stops) {
		r->verdict = RD_V_UNREACHABLE;
		r->exit_code = RD_EXIT_UNREACHABLE;
		summary_finding(r, u, "no Redis conversation");
		return;
	}
	if (pong && !auth_bad && !err_reply(&o->select) && f == NULL &&
	    !o->hello.client_stops) {
		r->verdict = count_warnings(r) > 0 ? RD_V_WARN : RD_V_OK;
		r->exit_code = r->verdict == RD_V_WARN && r->opts.strict ?
		    RD_EXIT_REJECTING : RD_EXIT_OK;
		sumf(r, "PONG from %s in "
		    "%.1f ms", o->tcp.peer[0] ? o->tcp.peer : rd_hostport(hp,
		    sizeof(hp), cfg->host, cfg->port),
		    (double)(o->total_us > 0 ? o->total_us :
		    o->steps[RD_STEP_PING].us) / 1000.0);
		summary_warnings(r);
		return;
	}
	if (refused || (pong && f != NULL)) {
		r->verdict = RD_V_REJECTING;
		r->exit_code = RD_EXIT_REJECTING;
		/* Name the refusal, not a consequence of it. */
		summary_finding(r, f != NULL ? f : culprit(r),
		    "the server refused service");
		return;
	}
	r->verdict = RD_V_UNREACHABLE;
	r->exit_code = RD_EXIT_UNREACHABLE;
	summary_finding(r, culprit(r), "no Redis conversation");
}

void
report_finish(struct rd_report *r)
{
	size_t i;

	for (i = 0; i < RD_CL__COUNT; i++) {
		r->checklist[i].id = cl_table[i].id;
		r->checklist[i].title = cl_table[i].title;
		r->checklist[i].status = RD_CL_SKIP;
		r->checklist[i].note[0] = '\0';
	}
	if (r->cfg == NULL)
		checklist_findings(r);		/* explain */
	else if (r->cfg->valid) {
		checklist_config(r);
		checklist_probe(r);
	} else {
		for (i = 0; i < RD_CL__COUNT; i++)
			set(r, i, RD_CL_SKIP, "configuration invalid");
		set(r, RD_CL_ENV_REACHES_APP, RD_CL_FAIL, "configuration "
		    "invalid");
	}

	if (r->command != NULL && strcmp(r->command, "env") == 0)
		verdict_env(r);
	else if (r->command != NULL && strcmp(r->command, "explain") == 0)
		verdict_explain(r);
	else
		verdict_check(r);
	/* --format nagios: the plugin convention is the exit status. */
	if (r->opts.format == RD_FMT_NAGIOS)
		r->exit_code = report_nagios_state(r);
}
