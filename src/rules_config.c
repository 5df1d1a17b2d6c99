/* rules_config.c — the configuration rules: config.* and provider.*.
 *
 * They read only the resolved configuration (and, when a probe ran, its
 * observations to sharpen a severity), so every rule is testable from a
 * synthetic envmap.  Evidence names variables and non-secret values; the
 * password is never read here except to say whether one is set.  Titles
 * and fixes that do not depend on the configuration are the catalog's
 * (catalog.c). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "report.h"
#include "rules_int.h"

struct rc {
	const struct rd_config *cfg;
	const struct rd_obs *obs;
	struct rd_findings *fs;
};

/* Adds finding id with title, or the catalog's title when title is NULL.
 * Returns NULL on allocation failure (EVID and REMEDY then do nothing). */
static struct rd_finding *
emit(struct rc *c, const char *id, enum rd_severity sev, const char *title)
{
	struct rd_finding *f;

	if ((f = findings_add(c->fs, id, sev)) == NULL)
		return NULL;
	if (title != NULL)
		snprintf(f->title, sizeof(f->title), "%.*s",
		    (int)sizeof(f->title) - 1, title);
	else
		catalog_title(f);
	return f;
}

static bool
shadowed(const struct rd_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nshadowed; i++)
		if (strcmp(cfg->shadowed[i].name, name) == 0)
			return true;
	return false;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* ---- problems: invalid URL, port, value, env-file; conflicts ---------- */

static void
r_problems(struct rc *c)
{
	/* Title and fix of each id are the catalog's. */
	static const struct {
		enum rd_problem_kind kind;
		const char *id;
	} map[] = {
		{ RD_P_INVALID_URL, "config.invalid_url" },
		{ RD_P_INVALID_PORT, "config.invalid_port" },
		{ RD_P_INVALID_VALUE, "config.invalid_value" },
		{ RD_P_CONFLICT, "config.conflict" },
		{ RD_P_ENV_FILE, "config.env_file" },
		{ RD_P_TLS_FILE, "config.tls_file" },
	};
	const struct rd_problem *p;
	struct rd_finding *f;
	size_t i, j;

	for (i = 0; i < c->cfg->nproblems; i++) {
		p = &c->cfg->problems[i];
		for (j = 0; j < sizeof(map) / sizeof(map[0]); j++) {
			if (map[j].kind != p->kind)
				continue;
			/* A TLS file's problem names the file in its title:
			 * the detail holds the flag, path and why. */
			f = emit(c, map[j].id, p->fatal ? RD_SEV_CRITICAL :
			    RD_SEV_WARNING, p->kind == RD_P_TLS_FILE ?
			    p->detail : NULL);
			EVID(f, "%s%s", p->detail, p->fatal ? "" :
			    p->kind == RD_P_CONFLICT ? "" :
			    " (not used for this connection)");
			if (p->kind == RD_P_CONFLICT)
				REMEDY(f, "unset %s, or make it equal to the "
				    "source that wins", p->name);
			catalog_remedies(f);
		}
	}
}

/* ---- shadowed ---------------------------------------------------------- */

static bool
names_server(const char *n)
{
	return strcmp(n, "REDIS_URL") == 0 || strcmp(n, "REDIS_HOST") == 0 ||
	    strcmp(n, "NF_REDIS_URL") == 0 || strcmp(n, "NF_REDIS_HOST") == 0;
}

static void
r_shadowed(struct rc *c)
{
	const struct rd_config *cfg = c->cfg;
	const char *src = cfg->source;
	struct rd_finding *f;
	bool server = false, by_flag = strncmp(src, "flag:", 5) == 0;
	size_t i;

	if (cfg->nshadowed == 0)
		return;
	for (i = 0; i < cfg->nshadowed; i++)
		server |= names_server(cfg->shadowed[i].name);
	f = emit(c, "config.shadowed", server && !by_flag ? RD_SEV_WARNING :
	    RD_SEV_INFO, server ? NULL : "set variables have no effect");
	for (i = 0; i < cfg->nshadowed; i++)
		EVID(f, "%s%s: %s", i ? "; " : "", cfg->shadowed[i].name,
		    cfg->shadowed[i].reason);
	if (strstr(src, "REDIS_HOST") != NULL &&
	    (shadowed(cfg, "NF_REDIS_URL") || shadowed(cfg, "NF_REDIS_HOST"))) {
		REMEDY(f, "unset REDIS_HOST (and REDIS_PORT) so %s is used",
		    shadowed(cfg, "NF_REDIS_URL") ? "NF_REDIS_URL" :
		    "NF_REDIS_HOST");
		REMEDY(f, "or set REDIS_URL to the value of NF_REDIS_URL "
		    "(rediss://...) in the service's environment");
	}
	if (strstr(src, "REDIS_URL") != NULL && strstr(src, "NF_REDIS_URL") == NULL &&
	    shadowed(cfg, "REDIS_HOST"))
		REMEDY(f, "REDIS_HOST/REDIS_PORT have no effect while REDIS_URL is "
		    "set: remove them, or put that host into REDIS_URL");
	if (strstr(src, "REDIS_URL") != NULL && strstr(src, "NF_REDIS_URL") == NULL &&
	    (shadowed(cfg, "NF_REDIS_URL") || shadowed(cfg, "NF_REDIS_HOST")))
		REMEDY(f, "NF_REDIS_* are ignored while REDIS_URL is set: unset "
		    "REDIS_URL to use them, or make REDIS_URL equal NF_REDIS_URL");
	if (by_flag && server)
		REMEDY(f, "the command line overrides the environment: drop "
		    "-h/-u to see what the application itself resolves");
	if (f != NULL && f->nremedy == 0)
		catalog_remedies(f);
}

/* ---- default, loopback in a container ---------------------------------- */

static void
r_default(struct rc *c)
{
	struct rd_finding *f;

	if (!c->cfg->default_used)
		return;
	f = emit(c, "config.default_used", RD_SEV_WARNING, NULL);
	EVID(f, "none of -u, -h, REDIS_URL, REDIS_HOST, NF_REDIS_URL, "
	    "NF_REDIS_HOST is set (an empty variable counts as unset); port "
	    "%d from %s", c->cfg->port, c->cfg->f[RD_F_PORT].source);
	catalog_remedies(f);
}

static void
r_localhost(struct rc *c)
{
	const struct rd_config *cfg = c->cfg;
	bool failed = c->obs != NULL &&
	    c->obs->steps[RD_STEP_TCP].status == RD_ST_FAIL;
	struct rd_finding *f;
	int i;

	/* A Redis that answered PING on loopback is a sidecar (or the
	 * same pod): worth knowing, not a warning that fails --strict
	 * health checks against a healthy Redis (issue 13). */
	bool answered = c->obs != NULL && (c->obs->ping.kind == RD_R_STATUS ||
	    c->obs->ping.kind == RD_R_STRING) &&
	    strcasecmp(c->obs->ping.text, "PONG") == 0;

	if (!cfg->envi.in_container || !config_host_is_loopback(cfg->host))
		return;
	f = emit(c, "config.localhost_in_container", failed ? RD_SEV_CRITICAL :
	    answered ? RD_SEV_INFO : RD_SEV_WARNING, answered ?
	    "loopback host inside a container, and a Redis answered there "
	    "(a sidecar or the same pod)" : NULL);
	if (answered) {
		EVID(f, "host %s from %s answered PING inside a container "
		    "(evidence: ", cfg->host, cfg->source);
		for (i = 0; i < cfg->envi.nevidence; i++)
			EVID(f, "%s%s", i ? ", " : "", cfg->envi.evidence[i]);
		EVID(f, "); other containers cannot reach it at this address");
		REMEDY(f, "nothing to do when Redis is meant to run beside the "
		    "app (sidecar); otherwise point REDIS_HOST or REDIS_URL at "
		    "the Redis service's name");
		return;
	}
	EVID(f, "host %s from %s; inside a container it is the container "
	    "itself, not a Redis service; container evidence: ", cfg->host,
	    cfg->source);
	for (i = 0; i < cfg->envi.nevidence; i++)
		EVID(f, "%s%s", i ? ", " : "", cfg->envi.evidence[i]);
	if (failed)
		EVID(f, "; the TCP connection failed");
	if (shadowed(cfg, "NF_REDIS_URL"))
		REMEDY(f, "unset %s so NF_REDIS_URL (the addon) is used",
		    strstr(cfg->source, "REDIS_HOST") ? "REDIS_HOST" :
		    "the variable that names 127.0.0.1");
	catalog_remedies(f);
}

/* ---- TLS and SNI ------------------------------------------------------- */

/* True for addresses and names that stay inside a private network. */
static bool
private_host(const char *h)
{
	static const char *suffixes[] = { ".internal", ".local", ".lan",
	    ".svc", ".cluster.local", ".flycast", ".localdomain", ".home.arpa" };
	unsigned char a[16];
	size_t i;

	if (config_host_is_loopback(h))
		return true;
	if (inet_pton(AF_INET, h, a) == 1)
		return a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) ||
		    (a[0] == 100 && (a[1] & 0xc0) == 64);
	if (inet_pton(AF_INET6, h, a) == 1)
		return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
	if (strchr(h, '.') == NULL)
		return true;		/* a single label: a service name */
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends_with(h, suffixes[i]))
			return true;
	return false;
}

static void
r_tls(struct rc *c)
{
	const struct rd_config *cfg = c->cfg;
	struct rd_finding *f;

	/* A Unix socket never leaves the machine. */
	if (cfg->tls || cfg->unix_socket || private_host(cfg->host))
		return;
	f = emit(c, "config.tls_recommended", RD_SEV_WARNING, NULL);
	EVID(f, "host %s (from %s) is not on a private network and TLS is off "
	    "(tls from %s)%s", cfg->host, cfg->source, cfg->f[RD_F_TLS].source,
	    cfg->password_set ? "; the password would cross the network in clear" : "");
	REMEDY(f, "use a rediss:// URL: set REDIS_URL=rediss://...@%s:%d",
	    cfg->host, cfg->port);
	REMEDY(f, "or set REDIS_TLS=true (redisdiag: --tls), if the server "
	    "offers TLS on that port");
}

static void
r_sni(struct rc *c)
{
	const struct rd_config *cfg = c->cfg;
	struct rd_finding *f;

	if (!cfg->tls)
		return;
	if (cfg->sni != NULL && config_host_is_ip(cfg->sni)) {
		f = emit(c, "config.sni_ip", RD_SEV_WARNING, NULL);
		EVID(f, "SNI %s from %s; TLS server names must be host names "
		    "(RFC 6066), so clients drop it", cfg->sni,
		    cfg->f[RD_F_SNI].source);
		catalog_remedies(f);
	} else if (cfg->sni == NULL && config_host_is_ip(cfg->host) &&
	    strcmp(cfg->f[RD_F_SNI].source, "flag:--no-sni") != 0) {
		f = emit(c, "config.sni_ip", RD_SEV_INFO,
		    "host is an IP address: no SNI will be sent");
		EVID(f, "host %s from %s is an IP literal; a server or proxy "
		    "that routes by name will not know which service is meant",
		    cfg->host, cfg->source);
		REMEDY(f, "connect by host name, or set REDIS_SNI_SERVERNAME "
		    "(--sni) to the name on the certificate");
	}
	if (cfg->sni_explicit && cfg->sni != NULL && cfg->host != NULL &&
	    !config_host_is_ip(cfg->host) && !config_host_is_ip(cfg->sni) &&
	    strcasecmp(cfg->sni, cfg->host) != 0) {
		f = emit(c, "config.sni_mismatch", RD_SEV_WARNING, NULL);
		EVID(f, "SNI %s from %s, host %s from %s", cfg->sni,
		    cfg->f[RD_F_SNI].source, cfg->host, cfg->source);
		REMEDY(f, "unset REDIS_SNI_SERVERNAME (or drop --sni) unless "
		    "the server's certificate is for %s", cfg->sni);
	}
}

/* ---- provider hints ---------------------------------------------------- */

enum pcheck {
	P_NONE,
	P_NEEDS_TLS,			/* warning when TLS is off */
	P_AZURE,			/* 6379 plaintext disabled; TLS on 6380 */
	P_IPV6_ONLY,			/* warning unless family 6 */
	P_DO,				/* rediss on 25061 */
	P_HEROKU			/* self-signed certificates */
};

static const struct provider {
	const char *id;
	const char *suffix;		/* host suffix, or NULL */
	const char *prefix;		/* host prefix, or NULL */
	const char *platform;		/* only on this platform, or NULL */
	int	 max_labels;		/* host has at most this many labels; 0 any */
	enum pcheck check;
	const char *title;		/* NULL: the catalog's */
	const char *fix;		/* NULL: the catalog's */
} providers[] = {
	{ "provider.northflank", ".addon.code.run", NULL, NULL, 0, P_NEEDS_TLS,
	  NULL, NULL },
	{ "provider.elasticache", ".cache.amazonaws.com", NULL, NULL, 0, P_NONE,
	  NULL, NULL },
	{ "provider.azure", ".redis.cache.windows.net", NULL, NULL, 0, P_AZURE,
	  NULL, NULL },
	{ "provider.azure", ".redis.azure.net", NULL, NULL, 0, P_NEEDS_TLS,
	  "Azure Managed Redis",
	  "use rediss://:ACCESS_KEY@NAME.REGION.redis.azure.net:10000" },
	{ "provider.upstash", ".upstash.io", NULL, NULL, 0, P_NEEDS_TLS,
	  NULL, NULL },
	{ "provider.railway", ".railway.internal", NULL, NULL, 0, P_IPV6_ONLY,
	  NULL, NULL },
	{ "provider.railway", ".proxy.rlwy.net", NULL, NULL, 0, P_NONE,
	  "Railway public TCP proxy",
	  "inside Railway prefer the private REDIS_URL (*.railway.internal); "
	  "the proxy port is not 6379" },
	{ "provider.fly", ".flycast", NULL, NULL, 0, P_IPV6_ONLY,
	  NULL, NULL },
	{ "provider.fly", ".internal", NULL, "fly", 0, P_IPV6_ONLY,
	  "Fly.io .internal (private IPv6)",
	  NULL },
	/* <app>.internal; not host.docker.internal or GCP's long names */
	{ "provider.fly", ".internal", NULL, NULL, 2, P_IPV6_ONLY,
	  "Fly.io .internal (private IPv6)",
	  NULL },
	{ "provider.render", ".render.com", NULL, NULL, 0, P_NEEDS_TLS,
	  NULL, NULL },
	{ "provider.render", NULL, "red-", NULL, 1, P_NONE,
	  "Render Key Value (internal host)",
	  "red-* hosts resolve only for services in the same Render region "
	  "and workspace; elsewhere use the external rediss:// URL" },
	{ "provider.memorystore", ".memorystore.googleapis.com", NULL, NULL, 0,
	  P_NONE, NULL, NULL },
	{ "provider.memorystore", NULL, "10.", "cloudrun", 0, P_NONE,
	  "Google Cloud Memorystore (private IP)",
	  "reachable only over the VPC (Direct VPC egress or a Serverless VPC "
	  "Access connector); with in-transit encryption use rediss:// on 6378 "
	  "and --cacert server-ca.pem" },
	{ "provider.rediscloud", ".redis-cloud.com", NULL, NULL, 0, P_NONE,
	  NULL, NULL },
	{ "provider.rediscloud", ".redislabs.com", NULL, NULL, 0, P_NONE,
	  "Redis Cloud (redislabs.com)",
	  NULL },
	{ "provider.digitalocean", ".db.ondigitalocean.com", NULL, NULL, 0, P_DO,
	  NULL, NULL },
	{ "provider.heroku", ".compute-1.amazonaws.com", NULL, NULL, 0, P_HEROKU,
	  NULL, NULL },
	{ "provider.heroku", ".compute.amazonaws.com", NULL, "heroku", 0, P_HEROKU,
	  NULL, NULL },
};

static bool
provider_match(const struct provider *p, const struct rd_config *cfg)
{
	const char *h = cfg->host, *q;
	int labels = 1;

	if (p->platform != NULL && strcmp(cfg->envi.platform, p->platform) != 0)
		return false;
	for (q = h; *q; q++)
		labels += *q == '.';
	if (p->max_labels > 0 && labels > p->max_labels)
		return false;
	if (p->suffix != NULL)
		return ends_with(h, p->suffix) && strlen(h) > strlen(p->suffix);
	return strncasecmp(h, p->prefix, strlen(p->prefix)) == 0;
}

/* The severity a provider hint gets from what the config does wrong. */
static enum rd_severity
provider_check(const struct provider *p, const struct rd_config *cfg,
    char *why, size_t len)
{
	why[0] = '\0';
	switch (p->check) {
	case P_NEEDS_TLS:
		if (!cfg->tls) {
			snprintf(why, len, "; TLS is off but this service "
			    "expects rediss://");
			return RD_SEV_WARNING;
		}
		break;
	case P_AZURE:
		if (cfg->port == 6379) {
			snprintf(why, len, "; port 6379 is the non-TLS port, "
			    "disabled by default: TLS listens on 6380");
			return RD_SEV_WARNING;
		}
		if (!cfg->tls) {
			snprintf(why, len, "; TLS is off");
			return RD_SEV_WARNING;
		}
		break;
	case P_IPV6_ONLY:
		if (cfg->family != 6) {
			snprintf(why, len, "; family %d: IPv4 lookups of this "
			    "name find nothing", cfg->family);
			return RD_SEV_WARNING;
		}
		break;
	case P_DO:
		if (!cfg->tls || cfg->port != 25061) {
			snprintf(why, len, "; expected rediss:// on port 25061");
			return RD_SEV_WARNING;
		}
		break;
	case P_HEROKU:
		if (cfg->tls && !cfg->insecure) {
			snprintf(why, len, "; TLS with verification on: the "
			    "self-signed certificate will not verify");
			return RD_SEV_WARNING;
		}
		break;
	case P_NONE:
		break;
	}
	return RD_SEV_INFO;
}

static void
r_providers(struct rc *c)
{
	const struct rd_config *cfg = c->cfg;
	const struct provider *p;
	struct rd_finding *f;
	enum rd_severity sev;
	char why[160];
	size_t i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
		p = &providers[i];
		if (!provider_match(p, cfg))
			continue;
		sev = provider_check(p, cfg, why, sizeof(why));
		f = emit(c, p->id, sev, p->title);
		EVID(f, "host %s (from %s), port %d, TLS %s%s", cfg->host,
		    cfg->source, cfg->port, cfg->tls ? "on" : "off", why);
		if (p->fix != NULL)
			REMEDY(f, "%s", p->fix);
		else
			catalog_remedies(f);
		break;			/* one hint per host */
	}
}

void
rules_config(const struct rd_config *cfg, const struct rd_obs *obs,
    const struct rd_report_opts *opts, struct rd_findings *fs)
{
	struct rc c = { cfg, obs, fs };

	if (cfg == NULL)
		return;
	r_problems(&c);
	r_shadowed(&c);
	rules_client(cfg, obs, fs);
	/* The rest judge a server that resolved. */
	if (!cfg->valid || cfg->host == NULL)
		return;
	r_default(&c);
	r_localhost(&c);
	r_tls(&c);
	r_sni(&c);
	r_providers(&c);
}
