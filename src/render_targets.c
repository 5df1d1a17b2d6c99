/* render_targets.c — a fleet run (check --targets) in every format that
 * can hold many reports, and the Prometheus text of one target for
 * serve's /probe.
 *
 * Each target's own report is rendered by the ordinary renderers
 * (report_to_cjson, render_prometheus); this file only puts them
 * together: a targets[] array, one NDJSON line each, a table for a
 * person, one exposition whose metric families each appear once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "render_int.h"
#include "strutil.h"
#include "targets.h"
#include "version.h"

/* ---- JSON --------------------------------------------------------- */

static cJSON *
target_json(const struct rd_target_result *res)
{
	cJSON *doc, *t;

	if ((doc = report_to_cjson(&res->r)) == NULL)
		return NULL;
	if ((t = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(doc);
		return NULL;
	}
	json_str(t, "name", res->t.name);
	json_str(t, "source", res->t.line > 0 ? res->t.src : NULL);
	json_ms(t, "duration_ms", res->us);
	cJSON_AddItemToObject(doc, "target", t);
	return doc;
}

static int
worst(const struct rd_target_result *res, size_t n, int *verdict)
{
	size_t i;
	int ec = 0;

	*verdict = RD_V_OK;
	for (i = 0; i < n; i++) {
		if (res[i].r.exit_code > ec)
			ec = res[i].r.exit_code;
		if ((int)res[i].r.verdict > *verdict)
			*verdict = (int)res[i].r.verdict;
	}
	return ec;
}

static void
summary(const struct rd_target_result *res, size_t n, char *buf, size_t sz)
{
	size_t count[RD_V_NO_ATTEMPT + 1] = { 0 }, i;
	int v;

	for (i = 0; i < n; i++)
		count[res[i].r.verdict]++;
	snprintf(buf, sz, "%zu target%s:", n, n == 1 ? "" : "s");
	for (v = 0, i = 0; v <= RD_V_NO_ATTEMPT; v++)
		if (count[v] > 0)
			rd_appendf(buf, sz, "%s %zu %s", i++ > 0 ? "," : "",
			    count[v], rd_verdict_names[v]);
}

static int
render_fleet_json(const struct rd_target_result *res, size_t n,
    const char *path, int64_t wall_us, FILE *out)
{
	cJSON *doc, *tool, *arr, *counts, *t;
	size_t count[RD_V_NO_ATTEMPT + 1] = { 0 }, i;
	char sum[256];
	int verdict, ec, v;

	if ((doc = cJSON_CreateObject()) == NULL)
		return -1;
	ec = worst(res, n, &verdict);
	summary(res, n, sum, sizeof(sum));
	cJSON_AddStringToObject(doc, "schema_version", RD_SCHEMA_VERSION);
	tool = cJSON_AddObjectToObject(doc, "tool");
	if (tool != NULL) {
		cJSON_AddStringToObject(tool, "name", RD_NAME);
		cJSON_AddStringToObject(tool, "version", RD_VERSION);
	}
	cJSON_AddStringToObject(doc, "command", "check");
	json_str(doc, "targets_file", path);
	cJSON_AddStringToObject(doc, "verdict", rd_verdict_names[verdict]);
	json_num(doc, "exit_code", ec);
	cJSON_AddStringToObject(doc, "summary", sum);
	json_ms(doc, "duration_ms", wall_us);
	for (i = 0; i < n; i++)
		count[res[i].r.verdict]++;
	if ((counts = cJSON_AddObjectToObject(doc, "counts")) != NULL)
		for (v = 0; v <= RD_V_NO_ATTEMPT; v++)
			json_num(counts, rd_verdict_names[v],
			    (double)count[v]);
	if ((arr = cJSON_AddArrayToObject(doc, "targets")) == NULL) {
		cJSON_Delete(doc);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((t = target_json(&res[i])) == NULL) {
			cJSON_Delete(doc);
			return -1;
		}
		cJSON_AddItemToArray(arr, t);
	}
	return json_emit(doc, out, true);
}

static int
render_fleet_ndjson(const struct rd_target_result *res, size_t n, FILE *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (json_emit(target_json(&res[i]), out, false) == -1)
			return -1;
		fflush(out);
	}
	return 0;
}

/* ---- text: one row per target -------------------------------------- */

static int
render_fleet_text(const struct rd_target_result *res, size_t n,
    int64_t wall_us, FILE *out)
{
	size_t i, w = 6;
	char sum[256], what[256];
	int verdict, ec;

	for (i = 0; i < n; i++)
		if (strlen(res[i].t.name) > w)
			w = strlen(res[i].t.name);
	if (w > 40)
		w = 40;
	fprintf(out, "%-*s  %-11s  %9s  %s\n", (int)w, "TARGET", "VERDICT",
	    "TIME", "FINDING");
	for (i = 0; i < n; i++) {
		const struct rd_finding *f = target_top_finding(&res[i].r);

		if (f != NULL)
			snprintf(what, sizeof(what), "%s: %s", f->id, f->title);
		else
			snprintf(what, sizeof(what), "-");
		fprintf(out, "%-*.*s  %-11s  %7.1fms  %.100s\n", (int)w, (int)w,
		    res[i].t.name, rd_verdict_names[res[i].r.verdict],
		    (double)res[i].us / 1000.0, what);
	}
	ec = worst(res, n, &verdict);
	summary(res, n, sum, sizeof(sum));
	fprintf(out, "\n%s in %.1f ms; worst verdict %s (exit %d)\n", sum,
	    (double)wall_us / 1000.0, rd_verdict_names[verdict], ec);
	return ferror(out) ? -1 : 0;
}

/* ---- Prometheus ----------------------------------------------------- */

/* One target's Prometheus text, every series labelled with its name. */
int
target_prometheus(const struct rd_target_result *res, char **buf,
    size_t *len)
{
	struct rd_report r = res->r;
	FILE *f;
	int rc;

	*buf = NULL;
	*len = 0;
	if ((f = open_memstream(buf, len)) == NULL)
		return -1;
	r.opts.name_label = res->t.name;
	rc = render_prometheus(&r, f);
	if (fclose(f) != 0 || rc == -1) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return 0;
}

/* One metric family: its comment lines once, then every target's
 * samples.  Families keep the order of their first appearance. */
struct family {
	char	 name[128];
	char	*head;			/* "# HELP ...\n# TYPE ...\n" */
	size_t	 headlen;
	FILE	*body;
	char	*bodybuf;
	size_t	 bodylen;
	size_t	 owner;			/* the target that brought it */
};

/* Each family is its own allocation: its memory stream holds the
 * addresses of bodybuf and bodylen, which must not move. */
static struct family *
family_get(struct family ***fs, size_t *n, const char *name, size_t nlen,
    size_t owner)
{
	struct family *f, **v;
	size_t i;

	if (nlen >= sizeof(f->name))
		nlen = sizeof(f->name) - 1;
	for (i = 0; i < *n; i++)
		if (strlen((*fs)[i]->name) == nlen &&
		    memcmp((*fs)[i]->name, name, nlen) == 0)
			return (*fs)[i];
	if ((v = realloc(*fs, (*n + 1) * sizeof(*v))) == NULL)
		return NULL;
	*fs = v;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	memcpy(f->name, name, nlen);
	f->owner = owner;
	if ((f->body = open_memstream(&f->bodybuf, &f->bodylen)) == NULL) {
		free(f);
		return NULL;
	}
	v[(*n)++] = f;
	return f;
}

static int
render_fleet_prometheus(const struct rd_target_result *res, size_t n,
    FILE *out)
{
	struct family **fs = NULL, *cur = NULL;
	size_t nf = 0, i, k;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		char *text, *p, *end, *nl;
		size_t len;

		if (target_prometheus(&res[i], &text, &len) == -1) {
			rc = -1;
			break;
		}
		cur = NULL;
		for (p = text, end = text + len; p < end; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end;
			if (strncmp(p, "# HELP ", 7) == 0 ||
			    strncmp(p, "# TYPE ", 7) == 0) {
				char *nm = p + 7;
				size_t nlen = strcspn(nm, " \n");

				if (cur == NULL || strlen(cur->name) != nlen ||
				    memcmp(cur->name, nm, nlen) != 0)
					cur = family_get(&fs, &nf, nm, nlen, i);
				if (cur == NULL) {
					rc = -1;
					break;
				}
			}
			if (cur == NULL)
				continue;
			if (*p == '#') {
				/* A family's comments come once, from the
				 * target that first had it. */
				char *h;

				if (cur->owner != i)
					continue;
				if ((h = realloc(cur->head, cur->headlen +
				    (size_t)(nl - p) + 1)) == NULL) {
					rc = -1;
					break;
				}
				memcpy(h + cur->headlen, p, (size_t)(nl - p));
				cur->headlen += (size_t)(nl - p);
				h[cur->headlen++] = '\n';
				cur->head = h;
				continue;
			}
			if (nl > p) {
				fwrite(p, 1, (size_t)(nl - p), cur->body);
				fputc('\n', cur->body);
			}
		}
		free(text);
	}
	for (k = 0; k < nf; k++) {
		fclose(fs[k]->body);
		if (rc == 0) {
			if (fs[k]->head != NULL)
				fwrite(fs[k]->head, 1, fs[k]->headlen, out);
			fwrite(fs[k]->bodybuf, 1, fs[k]->bodylen, out);
		}
		free(fs[k]->head);
		free(fs[k]->bodybuf);
		free(fs[k]);
	}
	free(fs);
	return rc == 0 && !ferror(out) ? 0 : -1;
}

/* What render_clean() calls for the fleet's text formats. */
struct fleet_args {
	const struct rd_target_result *res;
	size_t	 n;
	int64_t	 wall_us;
};

static int
c_fleet_text(const void *arg, FILE *out)
{
	const struct fleet_args *a = arg;

	return render_fleet_text(a->res, a->n, a->wall_us, out);
}

static int
c_fleet_prom(const void *arg, FILE *out)
{
	const struct fleet_args *a = arg;

	return render_fleet_prometheus(a->res, a->n, out);
}

int
targets_render(const struct rd_target_result *res, size_t n,
    const char *path, int64_t wall_us, const struct rd_report_opts *ro,
    FILE *out)
{
	struct fleet_args a = { res, n, wall_us };
	int rc;

	if (ro->quiet)
		return 0;
	/* Text and Prometheus through the one sanitizer, as for one report. */
	switch (ro->format) {
	case RD_FMT_TEXT:
		rc = render_clean(out, c_fleet_text, &a);
		break;
	case RD_FMT_NDJSON:
		rc = render_fleet_ndjson(res, n, out);
		break;
	case RD_FMT_PROMETHEUS:
		rc = render_clean(out, c_fleet_prom, &a);
		break;
	default:
		rc = render_fleet_json(res, n, path, wall_us, out);
		break;
	}
	if (fflush(out) == EOF)
		rc = -1;
	return rc;
}
