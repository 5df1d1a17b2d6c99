/* explain.c — `redisdiag explain [TEXT | -]`: what a client's error means.
 *
 * TEXT (the words after explain), or stdin for "-" or no words: a single
 * pasted message or a whole log.  Every line is classified by the table in
 * explain_table.c; the report has one finding per distinct id (its count,
 * the first line's excerpt with secrets masked, the fixes), the checklist
 * items those findings decide, and r.lines[], one per classified line.
 *
 * Bounds: lines longer than EXPLAIN_LINE_MAX bytes are classified on their
 * first EXPLAIN_LINE_MAX bytes; at most EXPLAIN_MAX_LINES lines are read
 * (the summary says when input was cut); at most EXPLAIN_MAX_KEPT
 * classified lines are listed in r.lines (the counts cover all of them).
 *
 * Exit status (SPEC section 8, decided by report_finish for "explain"):
 *   2  the worst finding is a network, TLS or protocol failure
 *   1  the worst finding is a server refusal (auth., server.)
 *   0  nothing recognised: no known Redis error in the text.  A CI job
 *      that pipes a log through explain fails only when the log shows one.
 *   3  no text at all (empty argument, empty stdin) or unreadable input:
 *      nothing was examined, which is not the same as "nothing found". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "commands.h"
#include "config.h"
#include "explain.h"
#include "explain_int.h"
#include "report.h"
#include "strutil.h"

#define EXPLAIN_MAX_LINES	1000000L
#define EXPLAIN_MAX_KEPT	10000
#define EXPLAIN_MAX_IDS		64

struct idcount {
	char	 id[48];
	long	 count;
	struct rd_explain_line first;
};

struct scan {
	struct rd_explain_line *lines;		/* kept classified lines */
	size_t	 nlines, cap;
	struct idcount ids[EXPLAIN_MAX_IDS];	/* in order of first appearance */
	size_t	 nids;
	long	 nread;				/* lines read */
	long	 nclassified;
	long	 ncut;				/* lines longer than the bound */
	bool	 stopped;			/* EXPLAIN_MAX_LINES reached */
	bool	 any_bytes;
	bool	 oom;
	char	 prev_client[32];
	char	 cur[EXPLAIN_LINE_MAX + 1];
	size_t	 curlen;
	bool	 cur_cut;
};

static void
scan_line(struct scan *s)
{
	struct rd_explain_line l;
	char seen[32];
	size_t i;

	s->cur[s->curlen] = '\0';
	if (s->curlen > 0 && s->cur[s->curlen - 1] == '\r')
		s->cur[--s->curlen] = '\0';
	s->nread++;
	if (s->cur_cut)
		s->ncut++;
	if (explain_classify(s->cur, s->prev_client, &l, seen, sizeof(seen))) {
		l.lineno = (int)s->nread;
		s->nclassified++;
		for (i = 0; i < s->nids; i++)
			if (strcmp(s->ids[i].id, l.id) == 0)
				break;
		if (i == s->nids && s->nids < EXPLAIN_MAX_IDS) {
			snprintf(s->ids[i].id, sizeof(s->ids[i].id), "%s", l.id);
			s->ids[i].first = l;
			s->nids++;
		}
		if (i < s->nids)
			s->ids[i].count++;
		if (s->nlines < EXPLAIN_MAX_KEPT) {
			if (s->nlines == s->cap) {
				size_t ncap = s->cap ? s->cap * 2 : 64;
				void *v = reallocarray(s->lines, ncap, sizeof(*s->lines));
				if (v == NULL)
					s->oom = true;
				else {
					s->lines = v;
					s->cap = ncap;
				}
			}
			if (s->nlines < s->cap)
				s->lines[s->nlines++] = l;
		}
		if (l.client[0] != '\0')
			snprintf(s->prev_client, sizeof(s->prev_client), "%s", l.client);
	} else if (seen[0] != '\0')
		snprintf(s->prev_client, sizeof(s->prev_client), "%s", seen);
	s->curlen = 0;
	s->cur_cut = false;
	if (s->nread >= EXPLAIN_MAX_LINES)
		s->stopped = true;
}

/* Splits buf into lines; a line's bytes past the bound are dropped. */
static void
scan_feed(struct scan *s, const char *buf, size_t n)
{
	size_t i;

	if (n > 0)
		s->any_bytes = true;
	for (i = 0; i < n && !s->stopped; i++) {
		char c = buf[i];

		if (c == '\n') {
			scan_line(s);
			continue;
		}
		if (s->curlen >= EXPLAIN_LINE_MAX) {
			s->cur_cut = true;
			continue;
		}
		s->cur[s->curlen++] = c == '\0' ? ' ' : c;
	}
}

static void
scan_end(struct scan *s)
{
	if (!s->stopped && (s->curlen > 0 || s->cur_cut))
		scan_line(s);
}

/* Reads fd to the end (or the line bound).  Returns 0 or -1 (errno). */
static int
scan_fd(struct scan *s, int fd)
{
	char buf[65536];
	ssize_t n;

	while (!s->stopped) {
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		scan_feed(s, buf, (size_t)n);
	}
	scan_end(s);
	return 0;
}

static const struct idcount *
find_id(const struct scan *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nids; i++)
		if (strcmp(s->ids[i].id, id) == 0)
			return &s->ids[i];
	return NULL;
}

/* One finding per distinct id, in order of first appearance. */
static void
add_findings(const struct scan *s, struct rd_report *r)
{
	bool specific_net = false;
	size_t i;

	for (i = 0; i < s->nids; i++) {
		const char *id = s->ids[i].id;
		/* A cause of "no Redis conversation" that names itself. */
		if (strcmp(id, "tcp.connect_failed") != 0 &&
		    catalog_verdict(id) == RD_V_UNREACHABLE)
			specific_net = true;
	}
	for (i = 0; i < s->nids; i++) {
		const struct idcount *c = &s->ids[i];
		const struct rd_explain_line *l = &c->first;
		const struct rd_catalog_entry *k = catalog_find(c->id);
		struct rd_finding *f;
		char where[300] = "";

		/* "Could not connect" says less than the cause printed with
		 * it; the lines stay listed, the finding goes. */
		if (strcmp(c->id, "tcp.connect_failed") == 0 && specific_net)
			continue;
		f = findings_add(&r->findings, c->id, k != NULL ? k->sev :
		    RD_SEV_CRITICAL);
		if (f == NULL)
			return;
		snprintf(f->title, sizeof(f->title), "%s", k != NULL ?
		    k->title : c->id);
		if (l->host[0] != '\0')
			snprintf(where, sizeof(where), l->port > 0 ?
			    (strchr(l->host, ':') ? ", target [%s]:%d" : ", target %s:%d") :
			    ", target %s", l->host, l->port);
		snprintf(f->evidence, sizeof(f->evidence),
		    "%ld line%s, first at line %d%s%s%s%s: %s", c->count,
		    c->count == 1 ? "" : "s", l->lineno,
		    l->client[0] ? " (client " : "", l->client,
		    l->client[0] ? ")" : "", where, l->excerpt);
		/* A loopback target is the incident of SPEC section 1: inside
		 * a container, 127.0.0.1 is the container itself. */
		if (l->host[0] != '\0' && config_host_is_loopback(l->host) &&
		    (strcmp(c->id, "tcp.refused") == 0 ||
		    strcmp(c->id, "tcp.timeout") == 0 ||
		    strcmp(c->id, "tcp.connect_failed") == 0))
			finding_remedy(f, "The client connects to %s, a loopback "
			    "address: inside a container that is the container "
			    "itself. Point REDIS_URL / REDIS_HOST at the Redis "
			    "service and check no variable shadows it (redisdiag "
			    "env).", l->host);
		for (const struct ex_ambiguity *a = ex_ambiguities; a->id != NULL; a++)
			if (strcmp(a->id, c->id) == 0)
				finding_remedy(f, "%s", a->note);
		catalog_remedies(f);
	}
}

/* The target renderers show: the host and port of the worst finding's
 * first line, else of any classified line.  Returns false when no line
 * named a host. */
static bool
synth_config(const struct scan *s, const struct rd_report *r,
    struct rd_config *cfg)
{
	const struct rd_explain_line *l = NULL;
	bool tls = false;
	size_t i;

	for (i = 0; i < r->findings.n && l == NULL; i++) {
		const struct idcount *c;
		if (r->findings.v[i].sev != RD_SEV_CRITICAL)
			continue;
		if ((c = find_id(s, r->findings.v[i].id)) != NULL &&
		    c->first.host[0] != '\0')
			l = &c->first;
	}
	for (i = 0; i < s->nids && l == NULL; i++)
		if (s->ids[i].first.host[0] != '\0')
			l = &s->ids[i].first;
	if (l == NULL)
		return false;
	for (i = 0; i < s->nids; i++)
		if (catalog_step(s->ids[i].id) == RD_STEP_TLS ||
		    strstr(s->ids[i].first.excerpt, "rediss://") != NULL)
			tls = true;

	memset(cfg, 0, sizeof(*cfg));
	cfg->db = -1;
	cfg->valid = true;
	cfg->tls = tls;
	cfg->port = l->port > 0 ? l->port : RD_DEFAULT_PORT;
	snprintf(cfg->source, sizeof(cfg->source), "explain");
	if ((cfg->host = strdup(l->host)) == NULL ||
	    (cfg->f[RD_F_HOST].value = strdup(l->host)) == NULL ||
	    asprintf(&cfg->f[RD_F_PORT].value, "%d", cfg->port) == -1) {
		cfg->f[RD_F_PORT].value = NULL;
		return false;
	}
	snprintf(cfg->f[RD_F_HOST].source, RD_SOURCE_LEN, "explain:line %d",
	    l->lineno);
	if (l->port > 0)
		snprintf(cfg->f[RD_F_PORT].source, RD_SOURCE_LEN,
		    "explain:line %d", l->lineno);
	else
		snprintf(cfg->f[RD_F_PORT].source, RD_SOURCE_LEN, "default");
	return true;
}

static void
synth_free(struct rd_config *cfg)
{
	free(cfg->host);
	free(cfg->f[RD_F_HOST].value);
	free(cfg->f[RD_F_PORT].value);
}

/* "...; 3 of 120 lines: tcp.refused x2, auth.required x1".  An item is
 * added whole or not at all, never cut mid-word: what does not fit is
 * counted in a closing "and N more ids" (room for it is kept). */
static void
summary_counts(const struct scan *s, struct rd_report *r)
{
	const size_t cap = sizeof(r->summary);
	char item[96], tail[64] = "";
	size_t i, len, left = 0, room;

	rd_appendf(r->summary, cap, "; %ld of %ld line%s classified",
	    s->nclassified, s->nread, s->nread == 1 ? "" : "s");
	if (s->stopped)
		snprintf(tail, sizeof(tail), "; input cut after %ld lines",
		    EXPLAIN_MAX_LINES);
	for (i = 0; i < s->nids; i++) {
		snprintf(item, sizeof(item), "%s%s x%ld", i ? ", " : ": ",
		    s->ids[i].id, s->ids[i].count);
		len = strlen(r->summary);
		room = cap - 1 - len;
		/* keep room for ", and 64 more ids" and the tail */
		if (left == 0 && strlen(item) + 24 + strlen(tail) <= room)
			rd_appendf(r->summary, cap, "%s", item);
		else
			left++;
	}
	if (left > 0)
		rd_appendf(r->summary, cap, ", and %zu more id%s", left,
		    left == 1 ? "" : "s");
	rd_appendf(r->summary, cap, "%s", tail);
}

int
cmd_explain(const struct rd_cli *cli)
{
	struct rd_report r;
	struct rd_config cfg;
	struct scan *s;
	bool have_cfg;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		fprintf(stderr, "redisdiag: explain: out of memory\n");
		return RD_EXIT_NO_ATTEMPT;
	}
	if (cli->explain_text != NULL) {
		scan_feed(s, cli->explain_text, strlen(cli->explain_text));
		scan_end(s);
	} else {
		if (isatty(STDIN_FILENO) && !cli->ropts.quiet)
			fprintf(stderr, "redisdiag: explain: reading the text "
			    "from stdin (end with Ctrl-D)\n");
		if (scan_fd(s, STDIN_FILENO) == -1) {
			fprintf(stderr, "redisdiag: explain: cannot read stdin: %s\n",
			    strerror(errno));
			free(s->lines);
			free(s);
			return RD_EXIT_NO_ATTEMPT;
		}
	}
	if (s->oom) {
		fprintf(stderr, "redisdiag: explain: out of memory\n");
		free(s->lines);
		free(s);
		return RD_EXIT_NO_ATTEMPT;
	}

	memset(&r, 0, sizeof(r));
	r.command = "explain";
	r.opts = cli->ropts;
	r.lines = s->lines;
	r.nlines = s->nlines;
	r.no_input = !s->any_bytes;
	add_findings(s, &r);

	/* report_finish decides explain's checklist from the findings alone
	 * when cfg is NULL; the synthetic target is attached afterwards so it
	 * is shown but does not pretend a configuration was checked. */
	r.cfg = NULL;
	report_finish(&r);
	if (!r.no_input)
		summary_counts(s, &r);
	have_cfg = synth_config(s, &r, &cfg);
	if (have_cfg)
		r.cfg = &cfg;

	rc = r.exit_code;
	if (report_render(&r, stdout) == -1 && rc == RD_EXIT_OK)
		rc = RD_EXIT_NO_ATTEMPT;
	if (have_cfg)
		synth_free(&cfg);
	report_free(&r);
	free(s->lines);
	free(s);
	return rc;
}
