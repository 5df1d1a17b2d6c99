/* render_json.c — the report as one JSON document (SPEC section 6), and
 * the ndjson stream made of the same pieces: the envelope, configuration,
 * steps, findings, checklist, candidates and explained lines here, the
 * observation sections in render_json_obs.c.
 *
 * The only renderer that includes cJSON (with render_json_obs.c,
 * render_watch.c and render_scenarios.c).  Like curl's -w table, every key
 * is always present and an unknown value is null, never a made-up 0 or "".
 * The password is never read here except to say whether one is set: its
 * field prints as "****". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "render_int.h"
#include "clients.h"
#include "profiles.h"
#include "report.h"
#include "strutil.h"
#include "version.h"

/* Small adders: NULL or "" strings, negative "unknown" numbers → null. */

void
json_str(cJSON *o, const char *k, const char *v)
{
	if (v == NULL || *v == '\0')
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddStringToObject(o, k, v);
}

/* Numbers are written as raw text where it is exact, as cJSON would
 * print them: its own printing does an snprintf and an sscanf back per
 * number, most of the time a large report (--targets, a cluster) takes to
 * print. */
static char *
dec(char *end, unsigned long long v)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	return end;
}

void
json_num(cJSON *o, const char *k, double v)
{
	char buf[32], *s;

	/* Integers below 1e15, which %1.15g prints whole; the range is
	 * checked before the cast (a larger double does not fit). */
	if (!isfinite(v) || fabs(v) >= 1e15 || v != (double)(long long)v) {
		cJSON_AddNumberToObject(o, k, v);
		return;
	}
	s = dec(buf + sizeof(buf), (unsigned long long)(v < 0 ? -v : v));
	if (v < 0)
		*--s = '-';
	cJSON_AddRawToObject(o, k, s);
}

/* Milliseconds with microsecond precision: 1234 µs → 1.234, 1500 → 1.5,
 * 2000 → 2 (the text %1.15g gives for us / 1000.0). */
void
json_ms(cJSON *o, const char *k, int64_t us)
{
	char buf[40], frac[4], *s;
	unsigned long long a = us < 0 ? -(unsigned long long)us :
	    (unsigned long long)us;
	int f = (int)(a % 1000), n = 3;

	if (a >= 1000000000000000ULL) {
		cJSON_AddNumberToObject(o, k, (double)us / 1000.0);
		return;
	}
	frac[0] = (char)('0' + f / 100);
	frac[1] = (char)('0' + f / 10 % 10);
	frac[2] = (char)('0' + f % 10);
	while (n > 0 && frac[n - 1] == '0')
		n--;
	frac[n] = '\0';
	/* buf: sign, integer part, '.', fraction. */
	s = dec(buf + sizeof(buf) - 5, a / 1000);
	if (us < 0 && a > 0)
		*--s = '-';
	if (n > 0) {
		size_t l = strlen(s);

		memmove(buf, s, l);
		buf[l] = '.';
		memcpy(buf + l + 1, frac, (size_t)n + 1);
		s = buf;
	}
	cJSON_AddRawToObject(o, k, s);
}

static void
add_num(cJSON *o, const char *k, double v)
{
	json_num(o, k, v);
}

/* v < 0 means unknown. */
void
json_known(cJSON *o, const char *k, int64_t v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, k);
	else
		json_num(o, k, (double)v);
}

static void
add_bool(cJSON *o, const char *k, bool v)
{
	cJSON_AddBoolToObject(o, k, v);
}

static cJSON *
json_tool(void)
{
	cJSON *o = cJSON_CreateObject();

	json_str(o, "name", RD_NAME);
	json_str(o, "version", RD_VERSION);
	return o;
}

static cJSON *
json_environment(const struct rd_envinfo *e)
{
	cJSON *o = cJSON_CreateObject(), *a;
	int i;

	add_bool(o, "in_container", e->in_container);
	a = cJSON_AddArrayToObject(o, "container_evidence");
	for (i = 0; i < e->nevidence && i < RD_MAX_EVIDENCE; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(e->evidence[i]));
	add_bool(o, "kubernetes", e->kubernetes);
	json_str(o, "platform", e->platform);
	return o;
}

static cJSON *
json_candidate(const struct rd_candidate *c)
{
	cJSON *o = cJSON_CreateObject();

	json_str(o, "name", c->name);
	json_str(o, "source", c->source);
	json_str(o, "host", c->host);
	json_known(o, "port", c->port > 0 ? c->port : -1);
	add_bool(o, "tls", c->tls);
	add_bool(o, "password_set", c->password_set);
	json_str(o, "url_redacted", c->url_redacted);
	add_bool(o, "valid", c->valid);
	json_str(o, "error", c->error);
	add_bool(o, "winner", c->winner);
	return o;
}

/* SPEC 11: the models, the AUTH the client sends, where the other models
 * would connect differently. */
static void
json_models(cJSON *o, const struct rd_config *cfg)
{
	cJSON *a, *e;
	size_t i;

	json_str(o, "profile", cfg->profile != NULL ? cfg->profile->name : NULL);
	json_str(o, "client", cfg->client_label);
	if (cfg->auth_sent) {
		e = cJSON_AddObjectToObject(o, "auth");
		/* "" when the client sends an empty user name (AUTH "" pw) */
		if (cfg->empty_user)
			cJSON_AddStringToObject(e, "username", "");
		else
			json_str(e, "username", cfg->username);
		/* "" is no secret: AUTH user "" is what the client sends. */
		cJSON_AddStringToObject(e, "password", !cfg->password_set ||
		    cfg->empty_password ? "" : RD_MASK);
	} else
		cJSON_AddNullToObject(o, "auth");
	/* The HELLO sent first (the client's own, or -2/-3); null: none. */
	if (cfg->resp > 0) {
		e = cJSON_AddObjectToObject(o, "hello");
		cJSON_AddNumberToObject(e, "proto", cfg->resp);
		cJSON_AddBoolToObject(e, "auth_inside", cfg->hello_as_client &&
		    cfg->auth_sent);
		cJSON_AddBoolToObject(e, "fallback", cfg->hello_as_client &&
		    cfg->model != NULL && cfg->model->hello_fallback);
	} else
		cJSON_AddNullToObject(o, "hello");
	a = cJSON_AddArrayToObject(o, "disagreements");
	for (i = 0; i < cfg->ndisagree; i++) {
		e = cJSON_CreateObject();
		json_str(e, "client", cfg->disagree[i].client);
		json_str(e, "differs", cfg->disagree[i].what);
		cJSON_AddItemToArray(a, e);
	}
}

static cJSON *
json_config(const struct rd_config *cfg)
{
	cJSON *o = cJSON_CreateObject(), *fields, *f, *a, *e;
	size_t i;
	int k;

	json_str(o, "host", cfg->host);
	json_known(o, "port", cfg->port > 0 ? cfg->port : -1);
	add_bool(o, "tls", cfg->tls);
	json_str(o, "sni", cfg->sni);
	json_str(o, "username", cfg->username);
	add_bool(o, "password_set", cfg->password_set);
	json_known(o, "db", cfg->db);
	json_str(o, "url_redacted", cfg->url_redacted);
	json_str(o, "source", cfg->source);

	fields = cJSON_AddObjectToObject(o, "fields");
	for (k = 0; k < RD_F__COUNT; k++) {
		const struct rd_field *fd = &cfg->f[k];

		/* A secret's field holds "****" (secret.h). */
		f = cJSON_AddObjectToObject(fields, rd_field_names[k]);
		json_str(f, "value", fd->value);
		json_str(f, "source", fd->source);
		if (fd->as_read != NULL)
			cJSON_AddStringToObject(f, "as_read", fd->as_read);
	}
	json_models(o, cfg);

	a = cJSON_AddArrayToObject(o, "shadowed");
	for (i = 0; i < cfg->nshadowed; i++) {
		e = cJSON_CreateObject();
		json_str(e, "name", cfg->shadowed[i].name);
		json_str(e, "reason", cfg->shadowed[i].reason);
		cJSON_AddItemToArray(a, e);
	}
	a = cJSON_AddArrayToObject(o, "candidates");
	for (i = 0; i < cfg->ncands; i++)
		cJSON_AddItemToArray(a, json_candidate(&cfg->cands[i]));
	add_num(o, "candidates_cut", (double)cfg->ncands_cut);

	/* Added keys (SPEC: add freely). */
	a = cJSON_AddArrayToObject(o, "problems");
	for (i = 0; i < cfg->nproblems; i++) {
		e = cJSON_CreateObject();
		json_str(e, "kind", render_problem_kind(cfg->problems[i].kind));
		json_str(e, "name", cfg->problems[i].name);
		json_str(e, "detail", cfg->problems[i].detail);
		add_bool(e, "fatal", cfg->problems[i].fatal);
		cJSON_AddItemToArray(a, e);
	}
	a = cJSON_AddArrayToObject(o, "query");
	for (i = 0; i < cfg->nquery; i++) {
		const struct rd_query_key *q = &cfg->query[i];

		e = cJSON_CreateObject();
		json_str(e, "from", q->from);
		json_str(e, "key", q->key);
		json_str(e, "value", q->value);	/* a secret's is "****" (url.c) */
		add_bool(e, "honoured", q->honoured);
		json_str(e, "note", q->note);
		cJSON_AddItemToArray(a, e);
	}
	add_bool(o, "valid", cfg->valid);
	add_bool(o, "default_used", cfg->default_used);
	json_known(o, "family", cfg->family > 0 ? cfg->family : -1);
	add_bool(o, "insecure", cfg->insecure);
	json_str(o, "cacert", cfg->cacert);
	json_str(o, "cacertdir", cfg->cacertdir);
	json_str(o, "cert", cfg->cert);
	json_str(o, "key", cfg->key);
	if (cfg->timeout_us > 0)
		json_ms(o, "timeout_ms", cfg->timeout_us);
	else
		cJSON_AddNullToObject(o, "timeout_ms");
	json_str(o, "env_file", cfg->env_file);
	if (cfg->nsentinels > 0) {
		json_str(o, "master_name", cfg->master_name);
		a = cJSON_AddArrayToObject(o, "sentinels");
		for (i = 0; i < (size_t)cfg->nsentinels; i++) {
			cJSON *e = cJSON_CreateObject();

			json_str(e, "host", cfg->sentinels[i].host);
			add_num(e, "port", cfg->sentinels[i].port);
			cJSON_AddItemToArray(a, e);
		}
		json_str(o, "sentinel_source", cfg->sentinel_source);
		json_str(o, "sentinel_username", cfg->sentinel_user);
		add_bool(o, "sentinel_password_set", cfg->sentinel_secret >= 0);
	}
	return o;
}

cJSON *
json_error(const struct rd_err *err)
{
	cJSON *o;

	if (!err->set)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	json_str(o, "code", err->code);
	if (err->errnum != 0)
		add_num(o, "errno", err->errnum);
	else
		cJSON_AddNullToObject(o, "errno");
	json_str(o, "name", err->name);
	json_str(o, "message", err->message);
	return o;
}

static cJSON *
json_steps(const struct rd_report *r)
{
	cJSON *a = cJSON_CreateArray(), *o;
	struct rd_step st;
	int i, n;

	/* Without observations only the configuration was looked at. */
	n = r->obs != NULL ? RD_STEP__COUNT : 1;
	for (i = 0; i < n; i++) {
		report_step(r, (enum rd_step_id)i, &st);
		o = cJSON_CreateObject();
		json_str(o, "name", rd_step_names[i]);
		json_str(o, "status", rd_status_names[st.status]);
		if (st.status == RD_ST_SKIP || (r->obs == NULL && st.us == 0))
			cJSON_AddNullToObject(o, "duration_ms");
		else
			json_ms(o, "duration_ms", st.us);
		cJSON_AddItemToObject(o, "error", json_error(&st.err));
		json_str(o, "detail", st.detail);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
json_finding(const struct rd_finding *f)
{
	cJSON *o = cJSON_CreateObject(), *a;
	int i;

	json_str(o, "id", f->id);
	json_str(o, "severity", rd_severity_names[f->sev]);
	json_str(o, "title", f->title);
	json_str(o, "evidence", f->evidence);
	a = cJSON_AddArrayToObject(o, "remediation");
	for (i = 0; i < f->nremedy && i < RD_MAX_REMEDY; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(f->remediation[i]));
	return o;
}

static cJSON *
json_cl_item(const struct rd_report *r, enum rd_cl_id i)
{
	cJSON *o = cJSON_CreateObject();

	json_str(o, "id", report_cl_id(r, i));
	json_str(o, "title", report_cl_title(r, i));
	json_str(o, "status", rd_cl_status_names[r->checklist[i].status]);
	json_str(o, "note", r->checklist[i].note);
	return o;
}

static cJSON *
json_cand_result(const struct rd_cand_result *c)
{
	cJSON *o = cJSON_CreateObject(), *a;
	size_t i;

	if (c->cand != NULL) {
		json_str(o, "name", c->cand->name);
		json_str(o, "source", c->cand->source);
		json_str(o, "host", c->cand->host);
		json_known(o, "port", c->cand->port > 0 ? c->cand->port : -1);
		add_bool(o, "tls", c->cand->tls);
		json_str(o, "url_redacted", c->cand->url_redacted);
	}
	json_str(o, "verdict", rd_verdict_names[c->verdict]);
	add_num(o, "exit_code", c->exit_code);
	json_str(o, "summary", c->summary);
	a = cJSON_AddArrayToObject(o, "steps");
	for (i = 0; c->probed && i < RD_STEP__COUNT; i++) {
		cJSON *e = cJSON_CreateObject();

		json_str(e, "name", rd_step_names[i]);
		json_str(e, "status", rd_status_names[c->steps[i]]);
		cJSON_AddItemToArray(a, e);
	}
	return o;
}

static cJSON *
json_line(const struct rd_explain_line *l)
{
	cJSON *o = cJSON_CreateObject();

	add_num(o, "lineno", l->lineno);
	json_str(o, "id", l->id);
	json_str(o, "client", l->client);
	json_str(o, "host", l->host);
	json_known(o, "port", l->port > 0 ? l->port : -1);
	json_str(o, "excerpt", l->excerpt);
	return o;
}

cJSON *
report_to_cjson(const struct rd_report *r)
{
	cJSON *o, *a;
	size_t i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	json_str(o, "schema_version", RD_SCHEMA_VERSION);
	cJSON_AddItemToObject(o, "tool", json_tool());
	json_str(o, "command", r->command);
	json_str(o, "verdict", rd_verdict_names[r->verdict]);
	add_num(o, "exit_code", r->exit_code);
	json_str(o, "summary", r->summary);
	if (r->cfg != NULL) {
		cJSON_AddItemToObject(o, "environment",
		    json_environment(&r->cfg->envi));
		cJSON_AddItemToObject(o, "config", json_config(r->cfg));
	} else {
		cJSON_AddNullToObject(o, "environment");
		cJSON_AddNullToObject(o, "config");
	}
	cJSON_AddItemToObject(o, "steps", json_steps(r));
	json_observations(o, r->obs);
	a = cJSON_AddArrayToObject(o, "findings");
	for (i = 0; i < r->findings.n; i++)
		cJSON_AddItemToArray(a, json_finding(&r->findings.v[i]));
	a = cJSON_AddArrayToObject(o, "checklist");
	for (i = 0; i < RD_CL__COUNT; i++)
		cJSON_AddItemToArray(a, json_cl_item(r, (enum rd_cl_id)i));
	if (r->alts != NULL) {
		a = cJSON_AddArrayToObject(o, "alternatives");
		for (i = 0; i < r->nalts; i++) {
			cJSON *e = cJSON_CreateObject();

			json_str(e, "change", r->alts[i].change);
			json_str(e, "verdict", rd_verdict_names[r->alts[i].verdict]);
			cJSON_AddNumberToObject(e, "exit_code", r->alts[i].exit_code);
			json_str(e, "summary", r->alts[i].summary);
			cJSON_AddItemToArray(a, e);
		}
	}
	if (r->cands != NULL) {
		a = cJSON_AddArrayToObject(o, "candidates_probed");
		for (i = 0; i < r->ncands; i++)
			cJSON_AddItemToArray(a, json_cand_result(&r->cands[i]));
	}
	if (r->topo != NULL)
		cJSON_AddItemToObject(o, "topology", json_topology(r->topo));
	if (r->scenario != NULL)
		json_str(o, "scenario", r->scenario);
	if (r->lines != NULL || (r->command != NULL &&
	    strcmp(r->command, "explain") == 0)) {
		a = cJSON_AddArrayToObject(o, "lines");
		for (i = 0; i < r->nlines && r->lines != NULL; i++)
			cJSON_AddItemToArray(a, json_line(&r->lines[i]));
	}
	return o;
}

int
json_emit(cJSON *o, FILE *out, bool pretty)
{
	char *s;
	int rc;

	if (o == NULL)
		return -1;
	/* One buffer the size of a typical report: cJSON_Print starts at
	 * 256 bytes and copies on every doubling. */
	s = cJSON_PrintBuffered(o, 16384, pretty);
	cJSON_Delete(o);
	if (s == NULL)
		return -1;
	/* Keys and values may hold bytes someone else wrote (a variable's
	 * name, a log line): the sanitizer makes the document UTF-8. */
	rc = rd_fput_clean(out, s, strlen(s), true) == -1 ||
	    fputc('\n', out) == EOF ? -1 : 0;
	cJSON_free(s);
	return rc;
}

int
render_json(const struct rd_report *r, FILE *out, bool pretty)
{
	return json_emit(report_to_cjson(r), out, pretty);
}

/*
 * ndjson: an event stream for log pipelines, one compact object per line,
 * each carrying "type" and the command so a line stands alone:
 *
 *   {"type":"step", "name", "status", "duration_ms", "error", "detail"}   per step
 *   {"type":"finding", "id", "severity", "title", "evidence", "remediation"}
 *   {"type":"checklist", "id", "title", "status", "note"}                 per item
 *   {"type":"candidate", ...}                          per --all-candidates probe
 *   {"type":"line", ...}                               per explained line
 *   {"type":"report", ...the whole JSON document...}   last line
 *
 * The last line is the complete report, so `tail -n1 | jq` gives exactly
 * what --format json gives, and `jq 'select(.type=="finding")'` the rest.
 */
static int
emit_typed(cJSON *o, const char *type, const char *command, FILE *out)
{
	cJSON *t;

	if (o == NULL)
		return -1;
	/* "type" and "command" first, then the item's own keys. */
	t = cJSON_CreateObject();
	json_str(t, "type", type);
	json_str(t, "command", command);
	while (o->child != NULL) {
		cJSON *c = cJSON_DetachItemViaPointer(o, o->child);

		/* The report's own "command" is already there. */
		if (c->string == NULL || cJSON_HasObjectItem(t, c->string))
			cJSON_Delete(c);
		else
			cJSON_AddItemToObject(t, c->string, c);
	}
	cJSON_Delete(o);
	return json_emit(t, out, false);
}

int
render_ndjson(const struct rd_report *r, FILE *out)
{
	cJSON *doc, *steps, *it;
	const char *cmd = r->command;
	size_t i;

	if ((doc = report_to_cjson(r)) == NULL)
		return -1;
	steps = cJSON_GetObjectItemCaseSensitive(doc, "steps");
	cJSON_ArrayForEach(it, steps)
		if (emit_typed(cJSON_Duplicate(it, true), "step", cmd, out) == -1)
			goto fail;
	for (i = 0; i < r->findings.n; i++)
		if (emit_typed(json_finding(&r->findings.v[i]), "finding", cmd,
		    out) == -1)
			goto fail;
	for (i = 0; i < RD_CL__COUNT; i++)
		if (emit_typed(json_cl_item(r, (enum rd_cl_id)i), "checklist",
		    cmd, out) == -1)
			goto fail;
	for (i = 0; r->cands != NULL && i < r->ncands; i++)
		if (emit_typed(json_cand_result(&r->cands[i]), "candidate", cmd,
		    out) == -1)
			goto fail;
	for (i = 0; r->lines != NULL && i < r->nlines; i++)
		if (emit_typed(json_line(&r->lines[i]), "line", cmd, out) == -1)
			goto fail;
	return emit_typed(doc, "report", cmd, out);
fail:
	cJSON_Delete(doc);
	return -1;
}
