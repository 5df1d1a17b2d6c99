/* render_watch.c — the lines `redisdiag watch` prints: one compact JSON
 * object per probe and one summary object at the end, each on its own
 * line and flushed, so a log shipper or `jq --unbuffered` sees every probe
 * as it happens.  Readers only: the state machine lives in watch.c.
 *
 *   {"type":"probe","ts":..,"seq":1,"state":"up","verdict":"ok",
 *    "exit_code":0,"summary":..,"target":"127.0.0.1:6379","total_ms":1.234,
 *    "latency":{"p50_us":..,"p99_us":..}|null,"findings":["..."],
 *    "consecutive_failures":0}
 *   {"type":"summary","probes":3,"failures":0,"availability":1,
 *    "min_us":..,"p50_us":..,"p99_us":..,"max_us":.. (null when no probe
 *    succeeded),"state":"up","exit_code":0}
 *
 * Field names follow the watch_event and watch_summary definitions of
 * `redisdiag schema` (src/schema.json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "render_int.h"
#include "report.h"
#include "strutil.h"

/* One compact line, flushed: a log shipper sees every probe as it
 * happens.  Frees o; returns 0 or -1. */
static int
emit(cJSON *o, FILE *out)
{
	if (json_emit(o, out, false) == -1 || fflush(out) == EOF)
		return -1;
	return 0;
}

int
render_watch_event(const struct rd_watch_event *ev, FILE *out)
{
	const struct rd_report *r = ev->r;
	const struct rd_obs *obs = r != NULL ? r->obs : NULL;
	const struct rd_config *cfg = r != NULL ? r->cfg : NULL;
	cJSON *o, *a, *l;
	char target[300];
	size_t i;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddStringToObject(o, "type", "probe");
	json_str(o, "ts", ev->ts);
	cJSON_AddNumberToObject(o, "seq", (double)ev->seq);
	json_str(o, "state", ev->state);
	if (r != NULL) {
		cJSON_AddStringToObject(o, "verdict", rd_verdict_names[r->verdict]);
		cJSON_AddNumberToObject(o, "exit_code", r->exit_code);
		json_str(o, "summary", r->summary);
	} else {
		cJSON_AddNullToObject(o, "verdict");
		cJSON_AddNullToObject(o, "exit_code");
		cJSON_AddNullToObject(o, "summary");
	}
	if (cfg != NULL && cfg->host != NULL) {
		cJSON_AddStringToObject(o, "target", rd_hostport(target,
		    sizeof(target), cfg->host, cfg->port));
	} else
		cJSON_AddNullToObject(o, "target");
	/* Milliseconds with microsecond precision, as in the report. */
	if (obs != NULL && obs->total_us > 0)
		cJSON_AddNumberToObject(o, "total_ms",
		    (double)obs->total_us / 1000.0);
	else
		cJSON_AddNullToObject(o, "total_ms");
	if (obs != NULL && obs->latency.samples > 0) {
		l = cJSON_AddObjectToObject(o, "latency");
		cJSON_AddNumberToObject(l, "samples", obs->latency.samples);
		cJSON_AddNumberToObject(l, "p50_us", (double)obs->latency.p50_us);
		cJSON_AddNumberToObject(l, "p99_us", (double)obs->latency.p99_us);
	} else
		cJSON_AddNullToObject(o, "latency");
	a = cJSON_AddArrayToObject(o, "findings");
	for (i = 0; r != NULL && a != NULL && i < r->findings.n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(r->findings.v[i].id));
	cJSON_AddNumberToObject(o, "consecutive_failures",
	    ev->consecutive_failures);
	return emit(o, out);
}

int
render_hold_line(const struct rd_hold_line *h, FILE *out)
{
	cJSON *o, *f, *a;
	size_t i;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddStringToObject(o, "type", "hold");
	json_str(o, "ts", h->ts);
	cJSON_AddNumberToObject(o, "seq", (double)h->seq);
	json_str(o, "event", h->event);
	json_str(o, "target", h->target);
	cJSON_AddNumberToObject(o, "connection", (double)h->connection);
	json_known(o, "age_ms", h->age_us >= 0 ? h->age_us / 1000 : -1);
	json_known(o, "idle_ms", h->idle_us >= 0 ? h->idle_us / 1000 : -1);
	json_known(o, "rtt_us", h->rtt_us);
	if (h->finding != NULL) {
		f = cJSON_AddObjectToObject(o, "finding");
		json_str(f, "id", h->finding->id);
		json_str(f, "severity", rd_severity_names[h->finding->sev]);
		json_str(f, "title", h->finding->title);
		json_str(f, "evidence", h->finding->evidence);
		a = cJSON_AddArrayToObject(f, "remediation");
		for (i = 0; a != NULL && i < (size_t)h->finding->nremedy; i++)
			cJSON_AddItemToArray(a,
			    cJSON_CreateString(h->finding->remediation[i]));
	} else
		cJSON_AddNullToObject(o, "finding");
	return emit(o, out);
}

int
render_watch_summary(const struct rd_watch_summary *s, FILE *out)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddStringToObject(o, "type", "summary");
	cJSON_AddNumberToObject(o, "probes", (double)s->probes);
	cJSON_AddNumberToObject(o, "failures", (double)s->failures);
	cJSON_AddNumberToObject(o, "availability", s->availability);
	/* Flat, as the schema's watch_summary has them; null when no probe
	 * succeeded. */
	json_known(o, "min_us", s->min_us);
	json_known(o, "p50_us", s->p50_us);
	json_known(o, "p99_us", s->p99_us);
	json_known(o, "max_us", s->max_us);
	json_str(o, "state", s->state);
	cJSON_AddNumberToObject(o, "exit_code", s->exit_code);
	cJSON_AddNumberToObject(o, "reconnects", (double)s->reconnects);
	cJSON_AddNumberToObject(o, "idle_resets", (double)s->idle_resets);
	return emit(o, out);
}
