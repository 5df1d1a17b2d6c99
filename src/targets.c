/* targets.c — the targets file, the one adapter from a target to the
 * check pipeline, and the bounded concurrent runner (SPEC section 14).
 *
 * A target is resolved the way a single check resolves its
 * configuration: config_resolve() on the target's URL (as if given with
 * -u) and an environment holding only the credentials the target may
 * use.  So a password is read, held and masked exactly where the rest of
 * the tool does it, and this file never handles one beyond copying the
 * variable into that environment.  target_diagnose() is the only place
 * that calls the pipeline: re-pointing the fleet at another pipeline
 * entry point is a change of one function. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "clock.h"
#include "resolve.h"
#include "strutil.h"
#include "targets.h"
#include "url.h"

/* ---- the file ----------------------------------------------------- */

static bool
name_ok(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && strchr("._:-[]", *s) == NULL)
			return false;
	return n > 0 && n < RD_TARGET_NAME_MAX;
}

static bool
var_ok(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return n < 256;
}

/* Parses one non-blank line into *t.  Returns 0, or -1 with *why (a
 * static phrase: no value of the line in it). */
static int
parse_line(char *line, struct rd_target *t, const char **why)
{
	char *tok[8], *save = NULL, *p;
	struct rd_url u;
	struct rd_url_err uerr;
	char hp[300], host[300];
	int n = 0, i, ui;

	for (p = strtok_r(line, " \t", &save); p != NULL;
	    p = strtok_r(NULL, " \t", &save)) {
		if (n == 8) {
			*why = "too many words (NAME URL [password_env=VAR])";
			return -1;
		}
		tok[n++] = p;
	}
	ui = strstr(tok[0], "://") != NULL ? 0 : 1;
	if (ui >= n) {
		*why = "a name without a URL";
		return -1;
	}
	if (strstr(tok[ui], "://") == NULL) {
		*why = "the URL is missing (NAME URL)";
		return -1;
	}
	if (url_parse(tok[ui], &u, &uerr) == -1) {
		explicit_bzero(&u, sizeof(u));
		*why = "not a usable redis://, rediss:// or unix:// URL";
		return -1;
	}
	if (u.has_password) {
		explicit_bzero(&u, sizeof(u));
		*why = "the URL holds a password: put it in the environment "
		    "and name the variable with password_env=VAR";
		return -1;
	}
	for (i = 0; i < u.nquery; i++)
		if (u.query[i].secret) {
			explicit_bzero(&u, sizeof(u));
			*why = "the URL's query holds a secret: put it in the "
			    "environment and name the variable with "
			    "password_env=VAR";
			return -1;
		}
	for (i = ui + 1; i < n; i++) {
		if (strncmp(tok[i], "password_env=", 13) == 0 &&
		    var_ok(tok[i] + 13) && t->password_env[0] == '\0') {
			rd_scopy(t->password_env, sizeof(t->password_env),
			    tok[i] + 13);
			continue;
		}
		*why = strncmp(tok[i], "password_env=", 13) == 0 ?
		    "password_env= needs one variable name ([A-Za-z_][A-Za-z0-9_]*)" :
		    "unknown word after the URL (only password_env=VAR)";
		return -1;
	}
	if (ui == 1) {
		if (!name_ok(tok[0])) {
			*why = "a name is 1 to 127 of A-Z a-z 0-9 . _ : - [ ]";
			return -1;
		}
		rd_scopy(t->name, sizeof(t->name), tok[0]);
	} else if (u.unix_socket)
		rd_scopy(t->name, sizeof(t->name), u.host);	/* the path */
	else {
		snprintf(host, sizeof(host), "%s", u.host);
		rd_hostport(hp, sizeof(hp), host, u.port > 0 ? u.port :
		    RD_DEFAULT_PORT);
		rd_scopy(t->name, sizeof(t->name), hp);
	}
	if ((t->url = strdup(tok[ui])) == NULL) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

int
targets_load(const char *path, struct rd_targets *out, char *err,
    size_t errlen)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t len;
	int lineno = 0;
	const char *why = NULL;

	memset(out, 0, sizeof(*out));
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, errno == ENOENT ?
		    "no such file" : errno == EACCES ? "permission denied" :
		    "cannot be opened");
		return -1;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		struct rd_target t;
		char *s = line;

		lineno++;
		if (len > RD_TARGETS_LINE_MAX) {
			why = "line longer than 8192 bytes";
			break;
		}
		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
			s[--len] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		if (out->n == RD_TARGETS_MAX) {
			why = "more than 10000 targets";
			break;
		}
		memset(&t, 0, sizeof(t));
		t.line = lineno;
		snprintf(t.src, sizeof(t.src), "targets:%s:%d", path, lineno);
		if (parse_line(s, &t, &why) == -1)
			break;
		for (i = 0; i < out->n; i++)
			if (strcmp(out->v[i].name, t.name) == 0)
				break;
		if (i < out->n) {
			free(t.url);
			why = "a second target with the same name";
			break;
		}
		if (out->n % 64 == 0) {
			struct rd_target *v = realloc(out->v,
			    (out->n + 64) * sizeof(*v));
			if (v == NULL) {
				free(t.url);
				why = "out of memory";
				break;
			}
			out->v = v;
		}
		out->v[out->n++] = t;
	}
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	if (why == NULL && ferror(f))
		why = "read error";
	fclose(f);
	if (why == NULL && out->n == 0) {
		snprintf(err, errlen, "%s: no targets in the file", path);
		targets_free(out);
		return -1;
	}
	if (why != NULL) {
		snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
		targets_free(out);
		return -1;
	}
	if ((out->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		targets_free(out);
		return -1;
	}
	return 0;
}

int
targets_default(struct rd_targets *out)
{
	memset(out, 0, sizeof(*out));
	if ((out->v = calloc(1, sizeof(*out->v))) == NULL)
		return -1;
	rd_scopy(out->v[0].name, sizeof(out->v[0].name), "default");
	out->n = 1;
	return 0;
}

const struct rd_target *
targets_find(const struct rd_targets *ts, const char *name)
{
	size_t i;

	for (i = 0; ts != NULL && i < ts->n; i++)
		if (strcmp(ts->v[i].name, name) == 0)
			return &ts->v[i];
	return NULL;
}

int
target_copy(struct rd_target *dst, const struct rd_target *src)
{
	*dst = *src;
	dst->url = NULL;
	if (src->url != NULL && (dst->url = strdup(src->url)) == NULL)
		return -1;
	return 0;
}

void
target_free(struct rd_target *t)
{
	free(t->url);
	t->url = NULL;
}

void
targets_free(struct rd_targets *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		target_free(&ts->v[i]);
	free(ts->v);
	free(ts->path);
	memset(ts, 0, sizeof(*ts));
}

/* ---- the environment ---------------------------------------------- */

int
fleet_env_load(const struct rd_connflags *flags, int latency_samples,
    struct rd_fleet_env *fe, char *err, size_t errlen)
{
	memset(fe, 0, sizeof(*fe));
	fe->flags = resolve_models(flags);	/* the application check reads as */
	fe->latency_samples = latency_samples;
	return resolve_envmap(flags->env_file, &fe->env, &fe->envi, err,
	    errlen);
}

void
fleet_env_free(struct rd_fleet_env *fe)
{
	envmap_free(&fe->env);
	memset(fe, 0, sizeof(*fe));
}

/* ---- one target ---------------------------------------------------- */

/* Copies variable name of fe's environment into m under the name as,
 * keeping where it came from.  Returns 0 (also when it is not set) or
 * -1 on allocation failure. */
static int
copy_var(struct rd_envmap *m, const struct rd_fleet_env *fe,
    const char *name, const char *as)
{
	const struct rd_envvar *e = envmap_get(&fe->env, name);
	char origin[RD_SOURCE_LEN];

	if (e == NULL)
		return 0;
	if (strcmp(e->origin, "env") == 0 && strcmp(name, as) != 0)
		snprintf(origin, sizeof(origin), "env:%s", name);
	else
		snprintf(origin, sizeof(origin), "%s", e->origin);
	return envmap_set(m, as, e->value, origin);
}

/* "flag:-u" is how config_resolve names a URL given on the command line;
 * here it came from the targets file. */
static void
relabel(struct rd_config *c, const struct rd_target *t)
{
	const char *src = t->src;
	int k;

	for (k = 0; k < RD_F__COUNT; k++)
		if (rd_has_prefix(c->f[k].source, "flag:-u"))
			rd_scopy(c->f[k].source, sizeof(c->f[k].source), src);
	if (rd_has_prefix(c->source, "flag:-u"))
		rd_scopy(c->source, sizeof(c->source), src);
}

/* Resolves t into *cfg.  Returns as config_resolve() does. */
static int
target_config(const struct rd_target *t, const struct rd_fleet_env *fe,
    struct rd_config *cfg, struct rd_vault *vault)
{
	struct rd_connflags fl = fe->flags;
	struct rd_envmap m = { 0 };
	int rc;

	if (t->url == NULL)		/* the environment's own target */
		return config_resolve(&fe->flags, &fe->env, &fe->envi, cfg,
		    vault);

	/* Only what applies to every target stays from the command line. */
	fl.url = t->url;
	fl.host = NULL;
	fl.port = 0;
	fl.password = NULL;
	fl.user = NULL;
	fl.db = -1;
	fl.sni = NULL;
	fl.all_candidates = false;
	if (t->password_env[0] != '\0')
		rc = copy_var(&m, fe, t->password_env, "REDIS_PASSWORD");
	else
		rc = copy_var(&m, fe, "REDISCLI_AUTH", "REDISCLI_AUTH") |
		    copy_var(&m, fe, "REDIS_PASSWORD", "REDIS_PASSWORD");
	rc |= copy_var(&m, fe, "REDIS_USERNAME", "REDIS_USERNAME");
	if (rc != 0) {
		envmap_free(&m);
		memset(cfg, 0, sizeof(*cfg));
		config_add_problem(cfg, RD_P_INVALID_VALUE, "targets", true,
		    "out of memory");
		return -1;
	}
	rc = config_resolve(&fl, &m, &fe->envi, cfg, vault);
	envmap_free(&m);
	relabel(cfg, t);
	if (t->password_env[0] != '\0' &&
	    envmap_value(&fe->env, t->password_env) == NULL)
		config_add_problem(cfg, RD_P_INVALID_VALUE, t->password_env,
		    false, "%s (password_env of target %s, line %d) is not set "
		    "or empty: the target is probed without a password",
		    t->password_env, t->name, t->line);
	return rc;
}

int
target_diagnose(const struct rd_target *t, const struct rd_fleet_env *fe,
    const struct rd_report_opts *ro, int64_t deadline_us,
    struct rd_target_result *out)
{
	struct rd_run_opts run = { .deadline_us = deadline_us,
	    .latency_samples = fe->latency_samples,
	    .no_latency = fe->latency_samples == 0 };
	int64_t t0 = clock_now_us();

	memset(out, 0, sizeof(*out));
	out->r.command = "check";
	if (target_copy(&out->t, t) == -1 ||
	    (out->vault = vault_new()) == NULL ||
	    (out->obs = calloc(1, sizeof(*out->obs))) == NULL) {
		config_add_problem(&out->cfg, RD_P_INVALID_VALUE, "targets",
		    true, "out of memory");
		out->cfg.valid = false;
	} else
		(void)target_config(t, fe, &out->cfg, out->vault);
	/* The one pipeline (pipeline.c): an invalid configuration is a full
	 * report that says why, exit 3, as for check. */
	pipeline_run(&out->cfg, out->vault, &run, ro, out->obs, &out->r);
	out->us = clock_now_us() - t0;
	return out->r.exit_code;
}

void
target_result_free(struct rd_target_result *res)
{
	report_free(&res->r);
	free(res->obs);
	config_free(&res->cfg);
	vault_free(res->vault);
	target_free(&res->t);
	memset(res, 0, sizeof(*res));
}

const struct rd_finding *
target_top_finding(const struct rd_report *r)
{
	const struct rd_finding *best = NULL;
	size_t i;

	/* Highest severity first; on a tie, what the probe saw before what
	 * the configuration suggests. */
	for (i = 0; i < r->findings.n; i++) {
		const struct rd_finding *f = &r->findings.v[i];

		/* Advice (the server's idle timeout, its SLOWLOG) is in the
		 * report, not the one finding that matters. */
		if (f->sev == RD_SEV_INFO)
			continue;
		if (best == NULL || f->sev > best->sev || (f->sev == best->sev &&
		    rd_has_prefix(best->id, "config.") &&
		    !rd_has_prefix(f->id, "config.")))
			best = f;
	}
	return best;
}

/* ---- all targets --------------------------------------------------- */

struct runner {
	const struct rd_targets *ts;
	const struct rd_fleet_env *fe;
	const struct rd_report_opts *ro;
	int64_t	 deadline_us;
	struct rd_target_result *res;
	pthread_mutex_t mu;
	size_t	 next;
};

static void *
runner_main(void *arg)
{
	struct runner *rn = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&rn->mu);
		i = rn->next < rn->ts->n ? rn->next++ : rn->ts->n;
		pthread_mutex_unlock(&rn->mu);
		if (i == rn->ts->n)
			return NULL;
		target_diagnose(&rn->ts->v[i], rn->fe, rn->ro, rn->deadline_us,
		    &rn->res[i]);
	}
}

int
targets_run_all(const struct rd_targets *ts, const struct rd_fleet_env *fe,
    const struct rd_report_opts *ro, int max_conc, int64_t deadline_us,
    struct rd_target_result *res)
{
	struct runner rn = { ts, fe, ro, deadline_us, res,
	    PTHREAD_MUTEX_INITIALIZER, 0 };
	pthread_t *th;
	size_t i, nth = ts->n < (size_t)max_conc ? ts->n : (size_t)max_conc;
	size_t started = 0;
	int worst = 0;

	if (nth == 0)
		nth = 1;
	if ((th = calloc(nth, sizeof(*th))) != NULL)
		for (i = 0; i < nth; i++) {
			if (pthread_create(&th[i], NULL, runner_main, &rn) != 0)
				break;
			started++;
		}
	/* No thread at all: this one does the work. */
	if (started == 0)
		runner_main(&rn);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	for (i = 0; i < ts->n; i++)
		if (res[i].r.exit_code > worst)
			worst = res[i].r.exit_code;
	return worst;
}
