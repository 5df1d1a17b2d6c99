/* rules_client.c — the findings of SPEC 11: what the modelled application
 * and its client do with the configuration (config.not_read_by_app,
 * config.loose_value, config.client_disagreement, client.*).
 *
 * They read the resolved configuration (config_app.c recorded the facts)
 * and, for client.family_restricted, the DNS observations.  Remedies name
 * the client's own option (the model row's opt_* columns) and the
 * variable to set in the application's environment. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "clients.h"
#include "profiles.h"
#include "report.h"

static struct rd_finding *
emit(struct rd_findings *fs, const char *id, enum rd_severity sev)
{
	struct rd_finding *f;

	if ((f = findings_add(fs, id, sev)) != NULL)
		catalog_title(f);
	return f;
}

static void
r_problem_kinds(const struct rd_config *cfg, struct rd_findings *fs)
{
	struct rd_finding *nr = NULL, *lv = NULL;
	const struct rd_problem *p;
	bool loose[RD_LOOSE_SPACE + 1] = { false };
	size_t i;

	for (i = 0; i < cfg->nproblems; i++) {
		p = &cfg->problems[i];
		if (p->kind == RD_P_NOT_READ) {
			if (nr == NULL)
				nr = emit(fs, "config.not_read_by_app", RD_SEV_WARNING);
			else
				finding_evid(nr, "; ");
			finding_evid(nr, "%s", p->detail);
			if (!strcmp(p->name, "REDIS_DB"))
				finding_remedy(nr, "the application reads no REDIS_DB: "
				    "put the database in the URL path (redis://host:port/2)");
			else if (!strcmp(p->name, "REDIS_TLS"))
				finding_remedy(nr, "the application reads no REDIS_TLS: "
				    "use a rediss:// URL in REDIS_URL");
			else if (!strcmp(p->name, "REDIS_USERNAME"))
				finding_remedy(nr, "the application reads no REDIS_USERNAME: "
				    "put the user in the URL (rediss://user:password@host:port)");
			else if (!strcmp(p->name, "REDIS_URL"))
				finding_remedy(nr, "the application reads no REDIS_URL: set "
				    "REDIS_HOST, REDIS_PORT and REDIS_PASSWORD");
			else
				finding_remedy(nr, "unset %s, or set what it means in a "
				    "variable the application reads", p->name);
		} else if (p->kind == RD_P_LOOSE) {
			if (lv == NULL)
				lv = emit(fs, "config.loose_value", RD_SEV_WARNING);
			else
				finding_evid(lv, "; ");
			finding_evid(lv, "%s", p->detail);
			loose[p->loose] = true;
		}
	}
	if (lv != NULL) {
		if (loose[RD_LOOSE_PORT])
			finding_remedy(lv, "write the port as digits only, e.g. "
			    "REDIS_PORT=%d", cfg->port > 0 ? cfg->port : 6379);
		if (loose[RD_LOOSE_DB])
			finding_remedy(lv, "write the database as a number: "
			    "redis://host:port/%d", cfg->db);
		if (loose[RD_LOOSE_SPACE])
			finding_remedy(lv, "strip the trailing newline or space from "
			    "the variable (a mounted secret often ends in one)");
		catalog_remedies(lv);
	}
}

static void
r_disagree(const struct rd_config *cfg, struct rd_findings *fs)
{
	struct rd_finding *f;
	size_t i;

	if (cfg->ndisagree == 0)
		return;
	f = emit(fs, "config.client_disagreement", RD_SEV_INFO);
	if (cfg->unix_socket)
		finding_evid(f, "as %s reads it: the Unix socket %s; ",
		    cfg->client_label, cfg->host);
	else
		finding_evid(f, "as %s reads it: %s:%d%s; ", cfg->client_label,
		    cfg->host != NULL ? cfg->host : "-", cfg->port, cfg->tls ?
		    " over TLS" : "");
	for (i = 0; i < cfg->ndisagree; i++)
		finding_evid(f, "%s%s %s", i ? "; " : "",
		    cfg->disagree[i].client, cfg->disagree[i].what);
	finding_remedy(f, "diagnose with the client the application really "
	    "uses: --client NAME[@VERSION] (env --list-clients)");
	catalog_remedies(f);
}

static const char *
app_var(const struct rd_config *cfg, const char *want)
{
	return cfg->profile != NULL && profile_reads(cfg->profile, want) ?
	    want : NULL;
}

static void
r_client(const struct rd_config *cfg, const struct rd_obs *obs,
    struct rd_findings *fs)
{
	const struct rd_client_model *m = cfg->model;
	struct rd_finding *f;
	char opt[160];
	int i, v4 = 0, v6 = 0;

	if (m == NULL || !cfg->valid || cfg->host == NULL)
		return;
	if (cfg->tls && cfg->sni == NULL && m->sni == RD_SNI_NONE &&
	    !config_host_is_ip(cfg->host) &&
	    strcmp(cfg->f[RD_F_SNI].source, "flag:--no-sni") != 0) {
		/* A handshake that worked without SNI: the server does not
		 * need it; say so, but as information. */
		f = emit(fs, "client.no_sni", obs != NULL &&
		    obs->steps[RD_STEP_TLS].status == RD_ST_OK ? RD_SEV_INFO :
		    RD_SEV_WARNING);
		finding_evid(f, "%s sends no TLS server name unless its option is "
		    "set (Node's tls.connect has no default); the host is %s: an "
		    "endpoint that routes by SNI cannot tell which service is "
		    "meant", cfg->client_label, cfg->host);
		snprintf(opt, sizeof(opt), m->opt_sni, cfg->host);
		finding_remedy(f, "%s: pass %s", m->name, opt);
		if (app_var(cfg, "REDIS_SNI_SERVERNAME"))
			finding_remedy(f, "set REDIS_SNI_SERVERNAME=%s in the "
			    "application's environment (the %s profile passes it "
			    "as the SNI option)", cfg->host, cfg->profile->name);
	}
	if (cfg->family == 4 && m->family == 4 && obs != NULL &&
	    obs->dns.attempted && !obs->dns.literal) {
		for (i = 0; i < obs->dns.naddr; i++)
			obs->dns.addrs[i].family == 4 ? v4++ : v6++;
		if (v4 == 0 && (v6 > 0 || obs->dns.nfiltered > 0)) {
			f = emit(fs, "client.family_restricted", RD_SEV_CRITICAL);
			finding_evid(f, "%s tries IPv4 only; %s has %s", cfg->client_label,
			    cfg->host, obs->dns.nfiltered > 0 ? "only IPv6 "
			    "addresses" : "no IPv4 address");
			finding_remedy(f, "%s: pass %s, or upgrade to ioredis 5.8.2 or "
			    "later (family 0 by default)", m->name, m->opt_family);
			finding_remedy(f, "or add ?family=0 to the application's "
			    "REDIS_URL (ioredis reads the query key)");
		}
	}
	if (cfg->user_only_url) {
		f = emit(fs, "client.user_only_url", RD_SEV_WARNING);
		finding_evid(f, "the URL's user info has no ':'; %s reads it as %s",
		    cfg->client_label, m->user_only == RD_UO_USER_EMPTY_PASSWORD ?
		    "a user name with an empty password (AUTH user \"\"), and that "
		    "empty password wins over the password option" :
		    m->user_only == RD_UO_USER_NO_AUTH ? "a user name and sends "
		    "no AUTH" : m->user_only == RD_UO_USER_OPTION_PASSWORD ?
		    "a user name, with the password option" :
		    m->user_only == RD_UO_IGNORED ? "nothing: it drops the user "
		    "info and sends the password option alone" : "the password");
		catalog_remedies(f);
	}
	if (cfg->scheme_case) {
		f = emit(fs, "client.scheme_case", m->scheme_tls_exact ?
		    RD_SEV_WARNING : RD_SEV_INFO);
		finding_evid(f, "the URL's scheme is not lower case; %s %s",
		    cfg->client_label, m->scheme_tls_exact ? "turns TLS on only "
		    "for the exact prefix rediss:// (REDISS:// is plaintext "
		    "for it; node-redis and redis-py lower the scheme)" :
		    "lowers it (ioredis would not)");
		catalog_remedies(f);
	}
	if (cfg->query_ignored[0] != '\0') {
		f = emit(fs, "client.query_ignored", RD_SEV_WARNING);
		finding_evid(f, "%s does not read %s in the URL", cfg->client_label,
		    cfg->query_ignored);
		if (strstr(cfg->query_ignored, "?ssl") || strstr(cfg->query_ignored, "?tls"))
			finding_remedy(f, "for TLS use a rediss:// URL (%s: %s)",
			    m->name, m->opt_tls);
		catalog_remedies(f);
	}
}

void
rules_client(const struct rd_config *cfg, const struct rd_obs *obs,
    struct rd_findings *fs)
{
	if (cfg == NULL)
		return;
	r_problem_kinds(cfg, fs);
	r_disagree(cfg, fs);
	r_client(cfg, obs, fs);
}
