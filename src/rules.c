/* rules.c — the probe rules: observations in, findings out.
 *
 * rules_eval() first runs the configuration rules (rules_config.c), then a
 * table of small rules, one concern each, in pipeline order: dns, tcp, tls,
 * the conversation, the server's replies, INFO, latency.  Each rule reads
 * (cfg, obs, opts) and emits at most a few findings with a stable id,
 * evidence made of what was observed (addresses, codes, values) and a
 * concrete remedy.  Titles name what was observed; a title that only names
 * the peer, and a remedy that holds whatever was observed, are the
 * catalog's (catalog.c, shared with explain), not repeated here; so are an
 * id's verdict, step and checklist items.  Classification is by code only: EAI_*, errno,
 * X509_V_ERR_*, TLS alert numbers, OpenSSL reason codes and the RESP error
 * prefix — never by an OS's wording, which differs between libcs.
 *
 * Nothing here touches the network or prints; every rule is testable from
 * a literal struct rd_obs (tests/unit/test_rules.c).  No secret reaches
 * a rule: the configuration holds none (secret.h) and the server's text
 * was masked at the probe's door.
 *
 * This file holds the rule table, the reply classifier and the helpers;
 * the rules are in rules_net.c, rules_tls.c and rules_reply.c. */
#include "rules_int.h"

struct rd_finding *
ru_emit(struct rctx *c, const char *id, enum rd_severity sev)
{
	if (findings_has(c->fs, id))
		return NULL;
	return findings_add(c->fs, id, sev);
}

/* "0.21 ms", "12.3 ms", "1503 ms" */
const char *
ru_reply_kind(const struct rd_reply_obs *r)
{
	switch (r->kind) {
	case RD_R_STATUS:	return "a status";
	case RD_R_ERROR:	return "an error";
	case RD_R_STRING:	return "a bulk string";
	case RD_R_INTEGER:	return "an integer";
	case RD_R_ARRAY:	return "an array";
	case RD_R_NIL:		return "a nil";
	default:		return "bytes";
	}
}

const char *
ru_ms(char *buf, size_t sz, int64_t us)
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
int64_t
ru_elapsed(const struct rctx *c, enum rd_step_id step)
{
	if (c->obs->steps[step].us > 0)
		return c->obs->steps[step].us;
	return c->obs->timeout_us;
}

/* ---- code names ---- */

/* The errno names are tcp.c's (EAI_* names dns.c's, dns_eai_name()); an
 * errno it does not name reads "errno N" in a finding, where its number
 * is all there is to go on. */
const char *
ru_errno_name(int e, char *buf, size_t sz)
{
	const char *n = tcp_errno_name(e);

	if (n[0] != '\0' && strcmp(n, "E?") != 0)
		return n;
	snprintf(buf, sz, "errno %d", e);
	return buf;
}

/* The alert names are tls.c's; an alert it does not name is "unknown" in
 * a finding rather than an empty word. */
const char *
ru_alert_name(int a)
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
void
ru_evid_source(struct rctx *c, struct rd_finding *f)
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
void
ru_remedy_target(struct rctx *c, struct rd_finding *f)
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

/* ---- the table ---- */

static const struct {
	const char *name;
	void	(*fn)(struct rctx *);
	bool	 needs_obs;
} rules[] = {
	{ "dns",		rule_dns,		true },
	{ "tcp",		rule_tcp,		true },
	{ "tls",		rule_tls,		true },
	{ "tls_insecure",	rule_tls_insecure,	false },
	{ "tls_name_unchecked",	rule_tls_name_unchecked, true },
	{ "tls_expiring",	rule_tls_expiring,	true },
	{ "conversation",	rule_conversation,	true },
	{ "replies",		rule_replies,	true },
	{ "server",		rule_server,	true },
	{ "health",		rule_health,	true },
	{ "latency",		rule_latency,	true },
};

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
}
