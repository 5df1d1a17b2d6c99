/* render_models.c — env --list-clients and env --list-profiles: the rows
 * of clients.c and profiles.c, as JSON (--format json) or text. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clients.h"
#include "profiles.h"
#include "render_int.h"
#include "report.h"

static const char *const readers[] = {
	[RD_UR_NODE_LEGACY] = "node url.parse", [RD_UR_NODE_WHATWG] = "node new URL (redis:// prepended)",
	[RD_UR_WHATWG] = "node new URL", [RD_UR_PYTHON] = "python urllib.parse",
	[RD_UR_GO] = "go net/url", [RD_UR_HIREDIS] = "redis-cli parseRedisUri",
	[RD_UR_STRICT] = "redisdiag url.c",
};
static const char *const user_only[] = {
	[RD_UO_USER_EMPTY_PASSWORD] = "user, empty password: AUTH user \"\"",
	[RD_UO_USER_NO_AUTH] = "user, no password: no AUTH",
	[RD_UO_USER_OPTION_PASSWORD] = "user, with the password option: AUTH user PASSWORD",
	[RD_UO_PASSWORD] = "the password: AUTH x",
	[RD_UO_IGNORED] = "dropped: AUTH PASSWORD with the password option alone",
};
static const char *const db_path[] = {
	[RD_DB_PARSEINT] = "parseInt: /abc is no SELECT, /1.5 is 1",
	[RD_DB_NUMBER] = "Number: /abc throws, /1.5 sends SELECT 1.5",
	[RD_DB_INT_OR_IGNORE] = "int() or ignored: /abc and /1.5 are 0",
	[RD_DB_STRICT] = "digits only, else an error",
};

static void
query_keys(unsigned q, char *buf, size_t sz)
{
	static const struct { unsigned bit; const char *k; } keys[] = {
		{ RD_Q_PASSWORD, "password" }, { RD_Q_DB, "db" }, { RD_Q_TLS, "tls" },
		{ RD_Q_SSL, "ssl" }, { RD_Q_FAMILY, "family" }, { RD_Q_PORT, "port" },
		{ RD_Q_USERNAME, "username" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((q & keys[i].bit) && !((q & RD_Q_EVERY_KEY) && keys[i].bit == RD_Q_SSL))
			n += (size_t)snprintf(buf + n, n < sz ? sz - n : 0, "%s%s",
			    n ? "," : "", keys[i].k);
	if (n == 0)
		snprintf(buf, sz, "none");
}

/* The handshake it sends by default, in words. */
static const char *
handshake(const struct rd_client_model *m)
{
	if (m->resp == 0)
		return "AUTH (RESP2, no HELLO)";
	return m->hello_fallback ? "HELLO 3 [AUTH user password]; AUTH when "
	    "HELLO is unknown" : "HELLO 3 [AUTH user password]; fails when "
	    "HELLO is unknown";
}

static cJSON *
client_json(const struct rd_client_model *m)
{
	cJSON *o = cJSON_CreateObject();
	char q[128], lab[48];

	json_str(o, "name", m->name);
	json_str(o, "model", client_label(m, lab, sizeof(lab)));
	json_str(o, "versions", m->version);
	json_str(o, "verified", m->verified);
	json_str(o, "language", m->language);
	json_str(o, "url_reader", readers[m->url]);
	cJSON_AddBoolToObject(o, "scheme_case_sensitive_tls", m->scheme_tls_exact);
	json_str(o, "user_only_url", user_only[m->user_only]);
	json_str(o, "merge", m->merge == RD_MERGE_URL_DEFINED ?
	    "a URL part that is present wins, empty included" :
	    "a URL part wins when non-empty");
	query_keys(m->query, q, sizeof(q));
	json_str(o, "query_keys", q);
	cJSON_AddBoolToObject(o, "query_tls_any_value", m->query_tls_truthy);
	json_str(o, "db_path", db_path[m->db_path]);
	cJSON_AddBoolToObject(o, "url_trimmed", m->url_trimmed);
	cJSON_AddBoolToObject(o, "bad_percent_escape_throws", m->pct_throws);
	cJSON_AddBoolToObject(o, "bracketed_bare_host_is_a_name", m->brackets_literal);
	cJSON_AddBoolToObject(o, "bracketed_bare_host_refused", m->brackets_refused);
	cJSON_AddBoolToObject(o, "url_bracketed_host_without_port_refused",
	    m->url_brackets_kept);
	cJSON_AddBoolToObject(o, "url_empty_port_is_0", m->empty_port_zero);
	cJSON_AddBoolToObject(o, "unix_url", m->unix_url);
	json_str(o, "default_sni", m->sni == RD_SNI_NONE ? "none" : "host name");
	cJSON_AddNumberToObject(o, "family", m->family);
	json_str(o, "verify", m->verify_host ? "chain and host name" : "chain only");
	json_str(o, "throws", m->throws);
	json_str(o, "construct", m->construct);
	json_str(o, "handshake", handshake(m));
	cJSON_AddBoolToObject(o, "hello_fallback", m->hello_fallback);
	cJSON_AddBoolToObject(o, "no_password_error_tolerated", m->nopass_tolerated);
	json_str(o, "cluster_api", m->cluster_api[0] ? m->cluster_api : NULL);
	cJSON_AddBoolToObject(o, "follows_moved", m->follows_moved);
	return o;
}

static void
client_text(const struct rd_client_model *m, FILE *out)
{
	char q[128], lab[48];

	fprintf(out, "%s\n  verified: %s\n  URL: %s; REDISS:// is TLS: %s; "
	    "redis://x@h: %s\n  query keys: %s%s; db path: %s\n"
	    "  SNI by default: %s; families: %s; verifies: %s\n"
	    "  handshake: %s; \"no password is set\" to AUTH: %s\n"
	    "  cluster: %s\n"
	    "  throws: %s\n\n", client_label(m, lab, sizeof(lab)), m->verified,
	    readers[m->url], m->scheme_tls_exact ? "no (only rediss://)" : "yes",
	    user_only[m->user_only], (query_keys(m->query, q, sizeof(q)), q),
	    m->query_tls_truthy ? " (?tls=false is TLS)" : "", db_path[m->db_path],
	    m->sni == RD_SNI_NONE ? "none" : "the host name",
	    m->family == 4 ? "IPv4 only" : "both",
	    m->verify_host ? "chain and host name" : "chain only", handshake(m),
	    m->nopass_tolerated ? "logged, it goes on" : "the connection fails",
	    m->cluster_api[0] ? m->cluster_api : "none", m->throws);
}

static cJSON *
profile_json(const struct rd_profile *p)
{
	cJSON *o = cJSON_CreateObject(), *a;
	size_t i;

	json_str(o, "name", p->name);
	json_str(o, "summary", p->summary);
	json_str(o, "client", p->client);
	cJSON_AddBoolToObject(o, "default", p == profile_default());
	a = cJSON_AddArrayToObject(o, "reads");
	for (i = 0; rd_profile_known_vars[i] != NULL; i++)
		if (profile_reads(p, rd_profile_known_vars[i]))
			cJSON_AddItemToArray(a, cJSON_CreateString(rd_profile_known_vars[i]));
	json_str(o, "empty_variable", p->read == RD_READ_JS_OR ? "unset" : "a value");
	json_str(o, "code", p->code);
	return o;
}

int
render_models(enum rd_format fmt, bool clients, FILE *out)
{
	const struct rd_client_model *m;
	const struct rd_profile *p;
	cJSON *o, *a;
	size_t i, n;

	if (fmt != RD_FMT_JSON && fmt != RD_FMT_NDJSON) {
		if (clients)
			for (m = client_models(&n), i = 0; i < n; i++)
				client_text(&m[i], out);
		else
			for (p = profile_list(&n), i = 0; i < n; i++)
				fprintf(out, "%s%s (client %s)\n  %s\n\n", p[i].name,
				    &p[i] == profile_default() ? " [default]" : "",
				    p[i].client, p[i].summary);
		return fflush(out) == EOF ? -1 : 0;
	}
	o = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(o, clients ? "clients" : "profiles");
	if (clients)
		for (m = client_models(&n), i = 0; i < n; i++)
			cJSON_AddItemToArray(a, client_json(&m[i]));
	else
		for (p = profile_list(&n), i = 0; i < n; i++)
			cJSON_AddItemToArray(a, profile_json(&p[i]));
	return json_emit(o, out, fmt == RD_FMT_JSON);
}
