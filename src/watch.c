/* watch.c — `redisdiag watch`: a heartbeat for the resolved connection.
 *
 * The configuration is resolved once; then every --interval (default 30s)
 * one full check_run() under its own --timeout deadline, and one JSON line
 * per probe (render_watch.c), flushed.
 *
 * State is debounced the way monitoring plugins debounce soft states: it
 * is "down" until a first probe succeeds (a server that never answered is
 * not up), then "up"; a failed probe (exit status other than 0) counts
 * towards --fail-after (default 2) consecutive failures, and only then is
 * the state "down"; the first success after "down" is "recovered", the
 * next "up".
 * Each line also carries the probe's own verdict and exit_code, so a
 * consumer that wants every failure does not have to wait for "down".
 *
 * --count N stops after N probes.  SIGINT/SIGTERM stop at once, whatever
 * --timeout says: the handler cancels the clock (clock_cancel), so the
 * probe's every wait, interrupted by the signal (no SA_RESTART), finds
 * nothing left and returns; that cut-short probe is neither printed nor
 * counted (its timeouts would be ours, not the server's).  During the wait
 * between probes the signals are blocked and unblocked only inside
 * ppoll(), so one cannot slip in between the check of the flag and the
 * wait.  Then a summary line (probes, failures, availability, latency
 * percentiles over the successful probes) and the exit status of the last
 * probe that ended by itself (3 when none did).
 *
 * --hold keeps the connection the first probe made (hold.h): each later
 * interval is one PING on it (a "hold" line; a probe for the counts and
 * the latency), the wait between watches the socket, and a connection
 * that dies while idle is a "hold" line with conn.idle_reset and the idle
 * time at which it died, the server's `timeout` when known, and the
 * reconnect a full probe on a new connection; reconnects and idle resets
 * are counted in the summary. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline.h"
#include "catalog.h"
#include "clock.h"
#include "hold.h"
#include "commands.h"
#include "report.h"
#include "resolve.h"

/* Latency samples kept for the summary: the most recent ones (a ring). */
#define WATCH_MAX_SAMPLES	100000

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
	clock_cancel();
}

struct ring {
	int64_t	*v;
	size_t	 n, next;
};

static void
ring_add(struct ring *g, int64_t us)
{
	if (g->v == NULL)
		return;
	g->v[g->next] = us;
	g->next = (g->next + 1) % WATCH_MAX_SAMPLES;
	if (g->n < WATCH_MAX_SAMPLES)
		g->n++;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[n], n > 0. */
static int64_t
pct(const int64_t *v, size_t n, int p)
{
	size_t k = ((size_t)p * n + 99) / 100;

	return v[k > 0 ? k - 1 : 0];
}

static void
summarise(const struct ring *g, struct rd_watch_summary *s)
{
	s->min_us = s->p50_us = s->p99_us = s->max_us = -1;
	if (g->n == 0 || g->v == NULL)
		return;
	qsort(g->v, g->n, sizeof(g->v[0]), cmp_i64);
	s->min_us = g->v[0];
	s->p50_us = pct(g->v, g->n, 50);
	s->p99_us = pct(g->v, g->n, 99);
	s->max_us = g->v[g->n - 1];
}

/* RFC 3339 UTC with milliseconds. */
static void
now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char b[24];
	int ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	ms = (int)((ts.tv_nsec / 1000000L) % 1000);
	snprintf(buf, len, "%.23s.%03dZ", b, ms);
}

/* The latency of one successful probe: its median PING round trip, or
 * the PING step when no latency samples were taken. */
static int64_t
probe_latency(const struct rd_obs *o)
{
	if (o->latency.samples > 0)
		return o->latency.p50_us;
	return o->steps[RD_STEP_PING].us;
}

/* Waits until deadline_us or a signal; SIGINT/SIGTERM are blocked but
 * for the inside of ppoll.  Never busy: each ppoll sleeps for what is
 * left. */
static void
wait_until(int64_t deadline_us, const sigset_t *block,
    const sigset_t *waitmask)
{
	struct timespec ts;
	sigset_t old;
	int64_t left;

	sigprocmask(SIG_BLOCK, block, &old);
	while (!stop_signal && (left = clock_left_us(deadline_us)) > 0) {
		ts.tv_sec = (time_t)(left / 1000000);
		ts.tv_nsec = (long)(left % 1000000) * 1000;
		if (ppoll(NULL, 0, &ts, waitmask) == -1 && errno != EINTR)
			break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* The conn.idle_reset finding of a held connection that died. */
static void
idle_reset_finding(const struct rd_hold_event *ev, int64_t conn_no,
    int64_t srv_timeout_s, struct rd_finding *f)
{
	memset(f, 0, sizeof(*f));
	rd_scopy(f->id, sizeof(f->id), "conn.idle_reset");
	f->sev = RD_SEV_WARNING;
	snprintf(f->title, sizeof(f->title), "the held connection was %s "
	    "after %.1f s idle", ev->reset ? "reset" : "closed by the peer",
	    (double)ev->idle_us / 1e6);
	snprintf(f->evidence, sizeof(f->evidence), "connection %lld, open "
	    "%.1f s, %s %.1f s after its last reply%s", (long long)conn_no,
	    (double)ev->age_us / 1e6, ev->reset ? "ECONNRESET" : "EOF",
	    (double)ev->idle_us / 1e6, ev->while_idle ? ", while idle" :
	    ", when the next PING was sent");
	if (srv_timeout_s > 0)
		rd_appendf(f->evidence, sizeof(f->evidence), "; the server's "
		    "timeout is %lld s (CONFIG GET timeout)",
		    (long long)srv_timeout_s);
	else if (srv_timeout_s == 0)
		rd_appendf(f->evidence, sizeof(f->evidence), "; the server's "
		    "timeout is 0 (never): something between closed it (NAT, "
		    "load balancer, proxy)");
	catalog_remedies(f);
}

/* An --env-file that cannot be used is a usage error, as in env: one
 * line on stderr, exit 3.  The report on stdout still says why. */
/* One probe line on stdout.  Returns false when it could not be written. */
static bool
print_event(int64_t seq, const char *state, int consec,
    const struct rd_report *r)
{
	struct rd_watch_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq = seq;
	now_rfc3339(ev.ts, sizeof(ev.ts));
	ev.state = state;
	ev.consecutive_failures = consec;
	ev.r = r;
	return render_watch_event(&ev, stdout) == 0;
}

int
cmd_watch(const struct rd_cli *cli)
{
	struct rd_config cfg;
	struct rd_vault *vault;
	struct rd_obs *obs = NULL;
	struct rd_report r;
	struct rd_run_opts run = cli->run;
	struct rd_watch_summary sum;
	struct sigaction sa, old_int, old_term;
	sigset_t block, oldmask;
	struct ring lat = { NULL, 0, 0 };
	const char *state = "up";
	int64_t seq = 0, failures = 0, start;
	int consec = 0, last_rc = RD_EXIT_NO_ATTEMPT, rc;
	struct rd_hold hold;
	struct rd_hold_event hev;
	struct rd_hold_line hl;
	struct rd_finding hf;
	int64_t conns = 0, idle_resets = 0, srv_timeout = -1;
	char target[300];
	bool ever_up = false;		/* some probe has succeeded */
	bool quiet = cli->ropts.quiet, out_ok = true;

	/* A heartbeat probes as the application, nothing more: no SPEC 12
	 * variations after a failed probe (check does those). */
	run.no_alternatives = true;

	memset(&cfg, 0, sizeof(cfg));
	memset(&hold, 0, sizeof(hold));
	hold.c.fd = -1;
	vault = vault_new();
	if (vault == NULL || (obs = calloc(1, sizeof(*obs))) == NULL ||
	    (lat.v = calloc(WATCH_MAX_SAMPLES, sizeof(int64_t))) == NULL) {
		fprintf(stderr, "redisdiag: watch: out of memory\n");
		free(obs);
		vault_free(vault);
		return RD_EXIT_NO_ATTEMPT;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART: ppoll must return */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &block, &oldmask);
	/* The mask inside ppoll: what we had, with our two signals open. */
	sigset_t waitmask = oldmask;
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);

	if (resolve_process(&cli->conn, &cfg, vault) == -1 || !cfg.valid) {
		/* Nothing to probe: one line that says why, and the summary. */
		memset(&r, 0, sizeof(r));
		r.command = "watch";
		pipeline_run(&cfg, vault, &run, &cli->ropts, obs, &r);
		resolve_warnings(&cfg, quiet);
		resolve_env_file_error(&cfg);
		seq = 1;
		failures = 1;
		consec = 1;
		state = "down";
		last_rc = RD_EXIT_NO_ATTEMPT;
		if (cli->verbose)
			(void)render_trace(&r, stderr);
		if (!quiet)
			out_ok = print_event(seq, state, consec, &r);
		report_free(&r);
		goto summary;
	}
	resolve_warnings(&cfg, quiet);

	rd_hostport(target, sizeof(target), cfg.host, cfg.port);
	for (;;) {
		start = clock_now_us();
		if (cli->hold && hold.open) {
			/* One PING on the held connection. */
			rc = hold_ping(&hold, vault, start + cfg.timeout_us, &hev);
			if (stop_signal)
				break;
			memset(&hl, 0, sizeof(hl));
			now_rfc3339(hl.ts, sizeof(hl.ts));
			hl.target = target;
			hl.connection = conns;
			hl.age_us = hev.age_us;
			hl.idle_us = hev.died ? hev.idle_us : -1;
			hl.rtt_us = rc == 0 ? hev.rtt_us : -1;
			if (rc == 0) {
				seq++;
				last_rc = RD_EXIT_OK;
				state = strcmp(state, "down") == 0 ?
				    "recovered" : "up";
				ever_up = true;
				consec = 0;
				ring_add(&lat, hev.rtt_us);
				hl.seq = seq;
				hl.event = "pong";
				if (!quiet && out_ok)
					out_ok = render_hold_line(&hl, stdout) == 0;
				goto next;
			}
			/* It failed: say how, then a probe on a new one. */
			hl.seq = seq;
			if (hev.died && (hev.closed || hev.reset)) {
				idle_resets++;
				idle_reset_finding(&hev, conns, srv_timeout, &hf);
				hl.finding = &hf;
				hl.event = "reset";
			} else
				hl.event = hev.timed_out ? "timeout" : "reply";
			hold_close(&hold);
			if (!quiet && out_ok)
				out_ok = render_hold_line(&hl, stdout) == 0;
		}
		memset(obs, 0, sizeof(*obs));
		memset(&r, 0, sizeof(r));
		r.command = "watch";
		run.deadline_us = 0;	/* each probe its own --timeout */
		run.hold = cli->hold ? &hold : NULL;
		rc = pipeline_run(&cfg, vault, &run, &cli->ropts, obs, &r);
		if (stop_signal) {
			/* Cut short by us: not the server's result. */
			report_free(&r);
			break;
		}
		last_rc = rc;
		seq++;
		if (hold.open) {
			conns++;
			if (obs->server.cfg_timeout_s >= 0)
				srv_timeout = obs->server.cfg_timeout_s;
		}

		if (last_rc == RD_EXIT_OK) {
			state = strcmp(state, "down") == 0 ? "recovered" : "up";
			ever_up = true;
			consec = 0;
			ring_add(&lat, probe_latency(obs));
		} else {
			failures++;
			consec++;
			/* A server that never answered is down from its
			 * first failure: the debounce is for one that was up. */
			if (consec >= cli->fail_after || !ever_up)
				state = "down";
			else if (strcmp(state, "recovered") == 0)
				state = "up";
		}

		if (cli->verbose) {
			fprintf(stderr, "* probe %lld\n", (long long)seq);
			(void)render_trace(&r, stderr);
		}
		/* A reader that went away (EPIPE) ends the watch. */
		if (!quiet && out_ok)
			out_ok = print_event(seq, state, consec, &r);
		report_free(&r);
next:
		if (!out_ok || stop_signal ||
		    (cli->count > 0 && seq >= cli->count))
			break;
		if (!cli->hold) {
			wait_until(start + cli->interval_us, &block, &waitmask);
			if (stop_signal)
				break;
			continue;
		}
		/* The wait watches the held connection: it may die idle. */
		sigprocmask(SIG_BLOCK, &block, NULL);
		while (!stop_signal && clock_left_us(start + cli->interval_us) > 0)
			if (hold_wait(&hold, start + cli->interval_us, &waitmask,
			    &hev) == 1) {
				idle_resets++;
				idle_reset_finding(&hev, conns, srv_timeout, &hf);
				memset(&hl, 0, sizeof(hl));
				now_rfc3339(hl.ts, sizeof(hl.ts));
				hl.seq = seq;
				hl.event = "reset";
				hl.target = target;
				hl.connection = conns;
				hl.age_us = hev.age_us;
				hl.idle_us = hev.idle_us;
				hl.rtt_us = -1;
				hl.finding = &hf;
				if (!quiet && out_ok)
					out_ok = render_hold_line(&hl, stdout) == 0;
			}
		sigprocmask(SIG_UNBLOCK, &block, NULL);
		if (stop_signal || !out_ok)
			break;
	}

summary:
	memset(&sum, 0, sizeof(sum));
	sum.probes = seq;
	sum.failures = failures;
	sum.availability = seq > 0 ? (double)(seq - failures) / (double)seq : 0;
	summarise(&lat, &sum);
	sum.state = state;
	sum.exit_code = last_rc;
	sum.reconnects = conns > 0 ? conns - 1 : 0;
	sum.idle_resets = idle_resets;
	if (!quiet && out_ok)
		(void)render_watch_summary(&sum, stdout);

	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	hold_close(&hold);
	free(lat.v);
	free(obs);
	config_free(&cfg);
	vault_free(vault);
	return last_rc;
}
