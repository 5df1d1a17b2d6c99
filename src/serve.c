/* serve.c — `redisdiag serve`: a Prometheus exporter in the
 * blackbox-exporter pattern (SPEC section 14).
 *
 *   GET /probe?target=NAME   one full diagnosis of a named target, as the
 *                            Prometheus text of --format prometheus with
 *                            target and name labels
 *   GET /metrics             the exporter's own metrics (serve_metrics.c)
 *   GET /-/healthy           200 while serving, 503 while draining
 *
 * HTTP is libmicrohttpd's (one internal polling thread; no HTTP parsing
 * here).  A /probe request is never diagnosed on that thread: its
 * connection is suspended and the job queued for a pool of
 * --max-concurrency workers, each running the check pipeline in-process
 * through target_diagnose(); the worker resumes the connection with the
 * answer.  So at most --max-concurrency probes run at once, the rest wait
 * in the queue with their deadline already running, and /metrics and
 * /-/healthy answer at once whatever the probes do.
 *
 * Only named targets: the query string names a target of the file and
 * nothing else.  A URL, any other parameter (a password, say) or an
 * unknown name is a 4xx whose body never repeats what was sent.
 *
 * Signals are taken by the main thread alone (sigwait; every other
 * thread blocks them): SIGHUP reloads the targets file and --env-file (a
 * bad file keeps the targets loaded before), SIGTERM/SIGINT drain: stop
 * listening, let the probes running finish for up to 1.5 s, answer what
 * is left with 503, exit 0. */
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mhd.h"

#include "clock.h"
#include "commands.h"
#include "serve_int.h"
#include "strutil.h"
#include "targets.h"
#include "tls.h"
#include "version.h"

#define DRAIN_US	1500000		/* SIGTERM: the probes' grace */
#define QUEUE_MAX	4096		/* more waiting probes: 503 */
#define MIN_PROBE_US	10000		/* less time left: 503, not a probe */

/* What the targets resolve from, swapped whole by a reload.  A job
 * holds a reference, so a reload never frees a target a worker uses. */
struct fleet {
	struct rd_targets ts;
	struct rd_fleet_env fe;
	int	 refs;			/* under srv.mu */
};

/* One /probe: shared by the request (MHD's side) and the worker. */
struct job {
	struct fleet *fl;
	const struct rd_target *t;	/* in fl */
	struct MHD_Connection *conn;
	int64_t	 deadline_us;
	int	 refs;			/* under srv.mu */
	bool	 resumed;		/* the answer is decided */
	unsigned status;		/* HTTP status of the answer */
	char	*body;			/* malloc'd answer */
	size_t	 len;
	struct job *next;		/* the queue */
	struct job *cnext;		/* drain's list */
	bool	 orphan;		/* left the queue unstarted (drain) */
	struct job *anext, *aprev;	/* not yet resumed */
};

/* Per-request state (MHD's con_cls). */
struct req {
	struct job *job;
	bool	 seen;
};

struct srv {
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	struct job *qhead, *qtail, *active;
	size_t	 queued, running;
	bool	 stop, draining;
	struct fleet *cur;

	const struct rd_cli *cli;
	struct rd_report_opts ro;
	int64_t	 cap_us, offset_us;
	/* mu also guards the counters of serve_metrics.c. */
};

static struct srv S = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
};

/* ---- the targets ---------------------------------------------------- */

/* Loads the targets file (or the one default target) and the
 * environment.  NULL with err set on failure. */
static struct fleet *
fleet_load(const struct rd_cli *cli, char *err, size_t errlen)
{
	struct fleet *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (fleet_env_load(&cli->conn, cli->run.latency_samples, &f->fe, err,
	    errlen) == -1) {
		free(f);
		return NULL;
	}
	if (cli->targets != NULL) {
		if (targets_load(cli->targets, &f->ts, err, errlen) == -1) {
			fleet_env_free(&f->fe);
			free(f);
			return NULL;
		}
	} else if (targets_default(&f->ts) == -1) {
		snprintf(err, errlen, "out of memory");
		fleet_env_free(&f->fe);
		free(f);
		return NULL;
	}
	f->refs = 1;
	return f;
}

/* Drops a reference; called with S.mu held. */
static void
fleet_unref(struct fleet *f)
{
	if (f == NULL || --f->refs > 0)
		return;
	targets_free(&f->ts);
	fleet_env_free(&f->fe);
	free(f);
}

/* Drops a reference to j; called with S.mu held. */
static void
job_unref(struct job *j)
{
	if (--j->refs > 0)
		return;
	fleet_unref(j->fl);
	free(j->body);
	free(j);
}

/* Decides j's answer (the first to decide wins) and unlinks it from the
 * active list; called with S.mu held.  True when the caller must resume
 * the connection (after unlocking). */
static bool
job_answer(struct job *j, unsigned status, char *body, size_t len)
{
	if (j->resumed) {
		free(body);
		return false;
	}
	j->resumed = true;
	j->status = status;
	j->body = body;
	j->len = len;
	if (j->aprev != NULL)
		j->aprev->anext = j->anext;
	else if (S.active == j)
		S.active = j->anext;
	if (j->anext != NULL)
		j->anext->aprev = j->aprev;
	j->anext = j->aprev = NULL;
	return true;
}

static char *
text(const char *s, size_t *len)
{
	char *b = strdup(s);

	*len = b != NULL ? strlen(b) : 0;
	return b;
}

/* ---- the workers ------------------------------------------------------ */

static void *
worker_main(void *arg)
{
	struct rd_target_result res;
	struct job *j;
	char *body;
	size_t len;
	unsigned status;
	bool resume;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&S.mu);
		while (!S.stop && S.qhead == NULL)
			pthread_cond_wait(&S.work, &S.mu);
		if (S.qhead == NULL) {
			pthread_mutex_unlock(&S.mu);
			return NULL;
		}
		j = S.qhead;
		if ((S.qhead = j->next) == NULL)
			S.qtail = NULL;
		S.queued--;
		S.running++;
		pthread_mutex_unlock(&S.mu);

		status = MHD_HTTP_OK;
		if (j->deadline_us - clock_now_us() < MIN_PROBE_US) {
			/* It waited in the queue until the scrape timeout
			 * left no time: a probe now could only time out, and
			 * that would be a false "down". */
			status = MHD_HTTP_SERVICE_UNAVAILABLE;
			body = text("redisdiag: no time left for the probe "
			    "(too many scrapes at once; raise "
			    "--max-concurrency)\n", &len);
		} else {
			target_diagnose(j->t, &j->fl->fe, &S.ro, j->deadline_us,
			    &res);
			if (target_prometheus(&res, &body, &len) == -1) {
				status = MHD_HTTP_INTERNAL_SERVER_ERROR;
				body = text("redisdiag: out of memory\n", &len);
			}
			pthread_mutex_lock(&S.mu);
			serve_count_probe(res.r.verdict, res.us);
			pthread_mutex_unlock(&S.mu);
			target_result_free(&res);
		}

		pthread_mutex_lock(&S.mu);
		S.running--;
		resume = job_answer(j, status, body, len);
		pthread_mutex_unlock(&S.mu);
		if (resume)
			mhd.resume_connection(j->conn);
		pthread_mutex_lock(&S.mu);
		job_unref(j);
		pthread_cond_broadcast(&S.idle);
		pthread_mutex_unlock(&S.mu);
	}
}

/* ---- HTTP --------------------------------------------------------------- */

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned status, const char *ctype,
    char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	if (body == NULL) {
		body = text("", &len);
		if (body == NULL)
			return MHD_NO;
	}
	if ((r = mhd.create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(body);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	rc = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
	return rc;
}

static enum MHD_Result
answer_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	size_t len;
	char *b = text(msg, &len);

	return answer(c, status, "text/plain; charset=utf-8", b, len);
}

static enum MHD_Result
reject(struct MHD_Connection *c, enum reject why, unsigned status,
    const char *msg)
{
	pthread_mutex_lock(&S.mu);
	serve_count_reject(why);
	pthread_mutex_unlock(&S.mu);
	return answer_text(c, status, msg);
}

struct query {
	int	 ntarget, nother;
	const char *target;
};

static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct query *q = cls;

	(void)kind;
	if (key != NULL && strcmp(key, "target") == 0) {
		q->ntarget++;
		q->target = value;
	} else
		q->nother++;
	return MHD_YES;
}

/* The deadline: the scrape timeout Prometheus sends, less the offset,
 * capped by --timeout. */
static int64_t
deadline_of(struct MHD_Connection *c, int64_t now)
{
	const char *h = mhd.lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Prometheus-Scrape-Timeout-Seconds");
	int64_t us = S.cap_us;
	char *end;
	double s;

	if (h != NULL) {
		errno = 0;
		s = strtod(h, &end);
		if (errno == 0 && end != h && *end == '\0' && isfinite(s) &&
		    s > 0 && s < 86400) {
			int64_t t = (int64_t)(s * 1e6) - S.offset_us;

			/* An offset as large as the timeout itself leaves
			 * half of it. */
			if (t < (int64_t)(s * 1e6) / 2)
				t = (int64_t)(s * 1e6) / 2;
			if (t < us)
				us = t;
		}
	}
	return now + us;
}

static enum MHD_Result
probe(struct MHD_Connection *c, struct req *rq)
{
	struct query q = { 0, 0, NULL };
	const struct rd_target *t;
	struct job *j;
	int64_t now = clock_now_us();

	mhd.get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_arg, &q);
	if (q.nother > 0 || q.ntarget != 1 || q.target == NULL ||
	    q.target[0] == '\0')
		return reject(c, RJ_BAD_QUERY, MHD_HTTP_BAD_REQUEST,
		    "redisdiag: /probe takes exactly one parameter, "
		    "target=NAME, a name from the targets file\n");
	if (strstr(q.target, "://") != NULL || strchr(q.target, '@') != NULL ||
	    strchr(q.target, '/') != NULL)
		return reject(c, RJ_URL, MHD_HTTP_BAD_REQUEST,
		    "redisdiag: target is a name from the targets file, "
		    "never a URL\n");
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "redisdiag: out of memory\n");

	pthread_mutex_lock(&S.mu);
	if (S.draining) {
		pthread_mutex_unlock(&S.mu);
		free(j);
		return reject(c, RJ_DRAINING, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "redisdiag: shutting down\n");
	}
	if ((t = targets_find(&S.cur->ts, q.target)) == NULL) {
		pthread_mutex_unlock(&S.mu);
		free(j);
		return reject(c, RJ_UNKNOWN, MHD_HTTP_NOT_FOUND,
		    "redisdiag: unknown target (the names are those of the "
		    "targets file)\n");
	}
	if (S.queued >= QUEUE_MAX) {
		pthread_mutex_unlock(&S.mu);
		free(j);
		return reject(c, RJ_BUSY, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "redisdiag: too many probes waiting\n");
	}
	j->fl = S.cur;
	j->fl->refs++;
	j->t = t;
	j->conn = c;
	j->deadline_us = deadline_of(c, now);
	j->refs = 2;			/* the request and the worker */
	rq->job = j;
	/* Suspended before a worker can resume it. */
	mhd.suspend_connection(c);
	if (S.qtail != NULL)
		S.qtail->next = j;
	else
		S.qhead = j;
	S.qtail = j;
	S.queued++;
	if ((j->anext = S.active) != NULL)
		S.active->aprev = j;
	S.active = j;
	pthread_cond_signal(&S.work);
	pthread_mutex_unlock(&S.mu);
	return MHD_YES;
}

/* The exporter's own metrics (serve_metrics.c). */
static enum MHD_Result
metrics(struct MHD_Connection *c)
{
	struct serve_gauges g;
	char *buf = NULL;
	size_t len = 0;
	FILE *o;

	if ((o = open_memstream(&buf, &len)) == NULL)
		return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "redisdiag: out of memory\n");
	pthread_mutex_lock(&S.mu);
	g.running = S.running;
	g.queued = S.queued;
	g.max_concurrency = S.cli->max_concurrency;
	g.targets = S.cur->ts.n;
	serve_metrics_counters(o, &g);
	pthread_mutex_unlock(&S.mu);
	serve_metrics_process(o);
	if (fclose(o) != 0) {
		free(buf);
		return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "redisdiag: out of memory\n");
	}
	return answer(c, MHD_HTTP_OK, "text/plain; version=0.0.4; "
	    "charset=utf-8", buf, len);
}

static enum MHD_Result
index_page(struct MHD_Connection *c)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *o;

	if ((o = open_memstream(&buf, &len)) == NULL)
		return MHD_NO;
	fprintf(o, "redisdiag %s exporter\n\n"
	    "/probe?target=NAME  diagnose a target (Prometheus text)\n"
	    "/metrics            the exporter's own metrics\n"
	    "/-/healthy          200 while serving\n\ntargets:\n", RD_VERSION);
	pthread_mutex_lock(&S.mu);
	for (i = 0; i < S.cur->ts.n; i++)
		fprintf(o, "  %s\n", S.cur->ts.v[i].name);
	pthread_mutex_unlock(&S.mu);
	if (fclose(o) != 0) {
		free(buf);
		return MHD_NO;
	}
	return answer(c, MHD_HTTP_OK, "text/plain; charset=utf-8", buf, len);
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct req *rq = *con_cls;
	struct job *j;
	enum MHD_Result rc;
	bool draining;

	(void)cls;
	(void)version;
	(void)upload;
	if (rq == NULL) {		/* the headers: wait for the body */
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size != 0) {	/* a body is ignored */
		*upload_size = 0;
		return MHD_YES;
	}
	if ((j = rq->job) != NULL) {	/* resumed: the answer is there */
		pthread_mutex_lock(&S.mu);
		rc = answer(c, j->status, j->status == MHD_HTTP_OK ?
		    "text/plain; version=0.0.4; charset=utf-8" :
		    "text/plain; charset=utf-8", j->body, j->len);
		j->body = NULL;
		pthread_mutex_unlock(&S.mu);
		return rc;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reject(c, RJ_METHOD, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "redisdiag: only GET\n");
	if (strcmp(url, "/probe") == 0)
		return probe(c, rq);
	if (strcmp(url, "/metrics") == 0)
		return metrics(c);
	if (strcmp(url, "/-/healthy") == 0) {
		pthread_mutex_lock(&S.mu);
		draining = S.draining;
		pthread_mutex_unlock(&S.mu);
		return draining ? answer_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "Shutting down\n") : answer_text(c, MHD_HTTP_OK,
		    "Healthy\n");
	}
	if (strcmp(url, "/") == 0)
		return index_page(c);
	return reject(c, RJ_NOT_FOUND, MHD_HTTP_NOT_FOUND,
	    "redisdiag: not found (/probe?target=NAME, /metrics, /-/healthy)\n");
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq == NULL)
		return;
	if (rq->job != NULL) {
		pthread_mutex_lock(&S.mu);
		job_unref(rq->job);
		pthread_cond_broadcast(&S.idle);
		pthread_mutex_unlock(&S.mu);
	}
	free(rq);
	*con_cls = NULL;
}

/* ---- the process ------------------------------------------------------- */

/* "127.0.0.1:9130", "[::1]:9130", "localhost:0".  Returns 0 with *ai
 * (freeaddrinfo), or -1. */
static int
listen_addr(const char *s, struct addrinfo **ai)
{
	struct addrinfo hints;
	char host[300];
	const char *colon = strrchr(s, ':');
	size_t n;

	if (colon == NULL || colon == s || colon[1] == '\0')
		return -1;
	n = (size_t)(colon - s);
	if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	return getaddrinfo(host, colon + 1, &hints, ai) == 0 ? 0 : -1;
}

static void
reload(const struct rd_cli *cli)
{
	struct fleet *f, *old;
	char err[512];

	if ((f = fleet_load(cli, err, sizeof(err))) == NULL) {
		pthread_mutex_lock(&S.mu);
		serve_count_reload(false);
		pthread_mutex_unlock(&S.mu);
		fprintf(stderr, "redisdiag: serve: reload failed, keeping the "
		    "targets loaded before: %s\n", err);
		return;
	}
	/* Certificate and CA files are read anew too. */
	tls_share_contexts(true);
	pthread_mutex_lock(&S.mu);
	old = S.cur;
	S.cur = f;
	fleet_unref(old);
	serve_count_reload(true);
	pthread_mutex_unlock(&S.mu);
	if (!cli->ropts.quiet)
		fprintf(stderr, "redisdiag: serve: reloaded %zu target%s\n",
		    f->ts.n, f->ts.n == 1 ? "" : "s");
}

/* Stops listening, waits up to DRAIN_US for the probes, answers the
 * rest with 503.  Returns how many probes were cut off. */
static size_t
drain(struct MHD_Daemon *d)
{
	struct timespec until;
	struct job *j, *cut = NULL;
	MHD_socket ls;
	int64_t end = clock_now_us() + DRAIN_US;
	size_t n = 0;

	pthread_mutex_lock(&S.mu);
	S.draining = true;
	pthread_mutex_unlock(&S.mu);
	if ((ls = mhd.quiesce_daemon(d)) != MHD_INVALID_SOCKET)
		close(ls);

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += DRAIN_US / 1000000;
	until.tv_nsec += (DRAIN_US % 1000000) * 1000;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&S.mu);
	while (S.active != NULL && clock_now_us() < end)
		if (pthread_cond_timedwait(&S.idle, &S.mu, &until) == ETIMEDOUT)
			break;
	/* What is left: queued jobs leave the queue (no worker will take
	 * them, so their worker reference goes too), running ones are
	 * answered now and their worker's answer is dropped. */
	for (j = S.qhead; j != NULL; j = j->next)
		j->orphan = true;
	S.qhead = S.qtail = NULL;
	S.queued = 0;
	while ((j = S.active) != NULL) {
		size_t len;
		char *b = text("redisdiag: shutting down\n", &len);

		job_answer(j, MHD_HTTP_SERVICE_UNAVAILABLE, b, len);
		j->cnext = cut;
		j->refs++;
		cut = j;
		n++;
	}
	pthread_mutex_unlock(&S.mu);
	while ((j = cut) != NULL) {
		cut = j->cnext;
		mhd.resume_connection(j->conn);
		pthread_mutex_lock(&S.mu);
		/* Ours, and the worker's when no worker had it. */
		j->refs -= j->orphan ? 1 : 0;
		job_unref(j);
		pthread_mutex_unlock(&S.mu);
	}
	return n;
}

int
cmd_serve(const struct rd_cli *cli)
{
	struct MHD_Daemon *d;
	struct addrinfo *ai = NULL;
	const union MHD_DaemonInfo *info;
	pthread_t *th;
	sigset_t set;
	struct timespec until;
	char err[512], host[NI_MAXHOST];
	int i, nth = 0, sig, port = 0;
	size_t cut;
	bool stuck = false;

	if (mhd_load(err, sizeof(err)) == -1) {
		fprintf(stderr, "redisdiag: serve: %s\n", err);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (listen_addr(cli->listen, &ai) == -1) {
		fprintf(stderr, "redisdiag: --listen: not ADDR:PORT or cannot "
		    "be resolved\n");
		return RD_EXIT_NO_ATTEMPT;
	}
	S.cli = cli;
	S.ro = cli->ropts;
	S.cap_us = cli->conn.timeout_us > 0 ? cli->conn.timeout_us :
	    RD_DEFAULT_TIMEOUT_US;
	S.offset_us = cli->timeout_offset_us;
	serve_metrics_start();
	if ((S.cur = fleet_load(cli, err, sizeof(err))) == NULL) {
		fprintf(stderr, "redisdiag: serve: %s%s\n",
		    cli->targets != NULL ? "--targets " : "", err);
		freeaddrinfo(ai);
		return RD_EXIT_NO_ATTEMPT;
	}
	tls_share_contexts(true);

	/* Every thread started from here on blocks the signals; this one
	 * takes them with sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if ((th = calloc((size_t)cli->max_concurrency, sizeof(*th))) != NULL)
		for (; nth < cli->max_concurrency; nth++)
			if (pthread_create(&th[nth], NULL, worker_main, NULL) != 0)
				break;
	if (nth == 0) {
		fprintf(stderr, "redisdiag: serve: cannot start the workers\n");
		freeaddrinfo(ai);
		free(th);
		return RD_EXIT_NO_ATTEMPT;
	}
	d = mhd.start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
	    (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL,
	    handler, NULL,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4096,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "redisdiag: serve: cannot listen on %s\n",
		    cli->listen);
		freeaddrinfo(ai);
		pthread_mutex_lock(&S.mu);
		S.stop = true;
		pthread_cond_broadcast(&S.work);
		pthread_mutex_unlock(&S.mu);
		for (i = 0; i < nth; i++)
			pthread_join(th[i], NULL);
		free(th);
		return RD_EXIT_NO_ATTEMPT;
	}
	if ((info = mhd.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) != NULL)
		port = info->port;
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL,
	    0, NI_NUMERICHOST) != 0)
		rd_scopy(host, sizeof(host), "?");
	freeaddrinfo(ai);
	if (!cli->ropts.quiet)
		fprintf(stderr, "redisdiag: serve: listening on http://%s%s%s:%d/ "
		    "(%zu target%s, %d workers)\n", strchr(host, ':') ? "[" :
		    "", host, strchr(host, ':') ? "]" : "", port, S.cur->ts.n,
		    S.cur->ts.n == 1 ? "" : "s", nth);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP)
			reload(cli);
		else
			break;
	}

	cut = drain(d);
	/* Give the answers just queued a moment to leave. */
	usleep(cut > 0 ? 100000 : 0);
	mhd.stop_daemon(d);
	pthread_mutex_lock(&S.mu);
	S.stop = true;
	pthread_cond_broadcast(&S.work);
	pthread_mutex_unlock(&S.mu);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 300 * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	for (i = 0; i < nth; i++)
		if (pthread_timedjoin_np(th[i], NULL, &until) != 0)
			stuck = true;
	if (!cli->ropts.quiet)
		fprintf(stderr, "redisdiag: serve: stopped%s\n", cut > 0 ?
		    " (probes still running were answered 503)" : "");
	if (stuck) {
		/* A worker is still inside a probe that only its deadline
		 * ends: leave without waiting for it (and without running
		 * exit handlers under its feet). */
		fflush(stdout);
		fflush(stderr);
		_exit(0);
	}
	free(th);
	tls_share_contexts(false);
	pthread_mutex_lock(&S.mu);
	fleet_unref(S.cur);
	S.cur = NULL;
	pthread_mutex_unlock(&S.mu);
	return 0;
}
