/* probe_health.c — the server's health beyond INFO, read after it on the
 * same connection where the server allows it: the idle timeout and
 * tcp-keepalive (what `watch --hold` sees die), notify-keyspace-events,
 * SLOWLOG (its length and the slowest entries' durations — never their
 * arguments, which can hold data) and LATENCY LATEST.  ACL users without
 * these commands and managed services that disable CONFIG answer with an
 * error: that leaves the value unknown and is never a failure.  They go in
 * the same write as INFO (pr_health_cmds, probe_steps.c): one round trip
 * for all of them. */
#include "probe_int.h"

/* One command: its reply when it is not an error (the caller frees it),
 * else NULL; *denied when the server refused it.  A conversation that
 * ended (no reply) leaves p->dead set. */
static redisReply *
ask(struct probe *p, int argc, const char **argv, bool *denied)
{
	struct rd_reply_obs ro;
	redisReply *rep;

	memset(&ro, 0, sizeof(ro));
	rep = pr_command(p, argc, argv, &ro);
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR) {
		*denied = true;
		freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

/* A CONFIG GET reply: the value (masked at the door) into buf, 0; -1 when
 * refused or absent.  An error reply sets config_denied. */
static int
config_value(struct probe *p, const redisReply *rep, char *buf, size_t sz)
{
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR)
		p->obs->server.config_denied = true;
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY ||
	    rep->elements != 2 || rep->element[1]->type != REDIS_REPLY_STRING)
		return -1;
	pr_door(p, rep->element[1]->str, rep->element[1]->len, buf, sz);
	return 0;
}

static int64_t
seconds(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && v >= 0 ? v : -1;
}

static int
cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x > y ? -1 : x < y;
}

static void
slowlog(struct probe *p, const redisReply *len, struct rd_server_obs *sv)
{
	const char *get_argv[] = { "SLOWLOG", "GET", "128" };
	int64_t d[128];
	redisReply *rep;
	size_t i, n = 0;

	if (len != NULL && len->type == REDIS_REPLY_ERROR)
		sv->slowlog_denied = true;
	if (len != NULL && len->type == REDIS_REPLY_INTEGER)
		sv->slowlog_len = len->integer;
	if (p->dead || sv->slowlog_denied || sv->slowlog_len <= 0)
		return;
	/* Entries are [id, time, duration µs, args, addr, name]: only the
	 * duration is read.  Asked only when there are some: the healthy
	 * path stays one round trip. */
	rep = ask(p, 3, get_argv, &sv->slowlog_denied);
	for (i = 0; rep != NULL && rep->type == REDIS_REPLY_ARRAY &&
	    i < rep->elements && n < sizeof(d) / sizeof(d[0]); i++) {
		const redisReply *e = rep->element[i];

		if (e->type == REDIS_REPLY_ARRAY && e->elements >= 3 &&
		    e->element[2]->type == REDIS_REPLY_INTEGER &&
		    e->element[2]->integer >= 0)
			d[n++] = e->element[2]->integer;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	qsort(d, n, sizeof(d[0]), cmp_desc);
	for (i = 0; i < n && i < RD_MAX_SLOW; i++)
		sv->slowlog_top_us[i] = d[i];
	sv->nslow = (int)i;
}

static void
latency_latest(struct probe *p, const redisReply *rep, struct rd_server_obs *sv)
{
	size_t i;

	if (rep != NULL && rep->type == REDIS_REPLY_ERROR)
		sv->latency_denied = true;
	/* Entries are [event, time, latest ms, max ms]. */
	for (i = 0; rep != NULL && rep->type == REDIS_REPLY_ARRAY &&
	    i < rep->elements && sv->nlatency_events < RD_MAX_LAT_EVENTS; i++) {
		const redisReply *e = rep->element[i];
		int k = sv->nlatency_events;

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 4 ||
		    e->element[0]->type != REDIS_REPLY_STRING ||
		    e->element[2]->type != REDIS_REPLY_INTEGER ||
		    e->element[3]->type != REDIS_REPLY_INTEGER)
			continue;
		pr_door(p, e->element[0]->str, e->element[0]->len,
		    sv->latency_events[k].event,
		    sizeof(sv->latency_events[k].event));
		sv->latency_events[k].latest_ms = e->element[2]->integer;
		sv->latency_events[k].max_ms = e->element[3]->integer;
		sv->nlatency_events++;
	}
}

static const char *const cfg_timeout[] = { "CONFIG", "GET", "timeout" };
static const char *const cfg_keepalive[] = { "CONFIG", "GET", "tcp-keepalive" };
static const char *const cfg_notify[] = { "CONFIG", "GET",
    "notify-keyspace-events" };
static const char *const slowlog_len[] = { "SLOWLOG", "LEN" };
static const char *const latency_latest_argv[] = { "LATENCY", "LATEST" };

void
pr_health_cmds(struct resp_cmd *c)
{
	c[0] = (struct resp_cmd){ 3, (const char **)cfg_timeout };
	c[1] = (struct resp_cmd){ 3, (const char **)cfg_keepalive };
	c[2] = (struct resp_cmd){ 3, (const char **)cfg_notify };
	c[3] = (struct resp_cmd){ 2, (const char **)slowlog_len };
	c[4] = (struct resp_cmd){ 2, (const char **)latency_latest_argv };
}

void
pr_health(struct probe *p, redisReply *const *reps)
{
	struct rd_server_obs *sv = &p->obs->server;
	char v[64];

	if (config_value(p, reps[0], v, sizeof(v)) == 0)
		sv->cfg_timeout_s = seconds(v);
	if (config_value(p, reps[1], v, sizeof(v)) == 0)
		sv->cfg_tcp_keepalive_s = seconds(v);
	if (config_value(p, reps[2], sv->notify_keyspace_events,
	    sizeof(sv->notify_keyspace_events)) == 0)
		sv->notify_known = true;
	latency_latest(p, reps[4], sv);
	slowlog(p, reps[3], sv);
}
