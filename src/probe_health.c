/* probe_health.c — the server's health beyond INFO, read after it on the
 * same connection where the server allows it: the idle timeout and
 * tcp-keepalive (what `watch --hold` sees die), notify-keyspace-events,
 * SLOWLOG (its length and the slowest entries' durations — never their
 * arguments, which can hold data) and LATENCY LATEST.  ACL users without
 * these commands and managed services that disable CONFIG answer with an
 * error: that leaves the value unknown and is never a failure. */
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

/* CONFIG GET name: the value (masked at the door) into buf, 0; -1 when
 * refused or absent. */
static int
config_get(struct probe *p, const char *name, char *buf, size_t sz)
{
	const char *argv[] = { "CONFIG", "GET", name };
	redisReply *rep;
	int rc = -1;

	if (p->dead || p->obs->server.config_denied)
		return -1;
	rep = ask(p, 3, argv, &p->obs->server.config_denied);
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY &&
	    rep->elements == 2 && rep->element[1]->type == REDIS_REPLY_STRING) {
		pr_door(p, rep->element[1]->str, rep->element[1]->len, buf, sz);
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
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
slowlog(struct probe *p, struct rd_server_obs *sv)
{
	const char *len_argv[] = { "SLOWLOG", "LEN" };
	const char *get_argv[] = { "SLOWLOG", "GET", "128" };
	int64_t d[128];
	redisReply *rep;
	size_t i, n = 0;

	if (p->dead)
		return;
	rep = ask(p, 2, len_argv, &sv->slowlog_denied);
	if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
		sv->slowlog_len = rep->integer;
	if (rep != NULL)
		freeReplyObject(rep);
	if (p->dead || sv->slowlog_denied || sv->slowlog_len <= 0)
		return;
	/* Entries are [id, time, duration µs, args, addr, name]: only the
	 * duration is read. */
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
latency_latest(struct probe *p, struct rd_server_obs *sv)
{
	const char *argv[] = { "LATENCY", "LATEST" };
	redisReply *rep;
	size_t i;

	if (p->dead)
		return;
	/* Entries are [event, time, latest ms, max ms]. */
	rep = ask(p, 2, argv, &sv->latency_denied);
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
	if (rep != NULL)
		freeReplyObject(rep);
}

void
pr_health(struct probe *p)
{
	struct rd_server_obs *sv = &p->obs->server;
	char v[64];

	if (config_get(p, "timeout", v, sizeof(v)) == 0)
		sv->cfg_timeout_s = seconds(v);
	if (config_get(p, "tcp-keepalive", v, sizeof(v)) == 0)
		sv->cfg_tcp_keepalive_s = seconds(v);
	if (config_get(p, "notify-keyspace-events", sv->notify_keyspace_events,
	    sizeof(sv->notify_keyspace_events)) == 0)
		sv->notify_known = true;
	slowlog(p, sv);
	latency_latest(p, sv);
}
