/* probe_reply.c — one command and its reply: send, read under the
 * deadline, record what came back (through the door), and the error object
 * for a step whose command got no usable reply. */
#include "probe_int.h"

void
pr_record_reply(struct probe *p, struct rd_reply_obs *ro, const redisReply *r)
{
	const char *id;
	size_t n;

	switch (r->type) {
	case REDIS_REPLY_STATUS:
		ro->kind = RD_R_STATUS;
		break;
	case REDIS_REPLY_ERROR:
		ro->kind = RD_R_ERROR;
		break;
	case REDIS_REPLY_STRING:
		ro->kind = RD_R_STRING;
		break;
	case REDIS_REPLY_INTEGER:
		ro->kind = RD_R_INTEGER;
		snprintf(ro->text, sizeof(ro->text), "%lld", r->integer);
		return;
	case REDIS_REPLY_ARRAY:
		ro->kind = RD_R_ARRAY;
		snprintf(ro->text, sizeof(ro->text), "array of %zu elements",
		    r->elements);
		return;
	default:
		ro->kind = RD_R_NIL;
		return;
	}
	/* Raw first: what the reply is.  PONG is the status +PONG exactly,
	 * what every Redis and compatible server sends; "+pong", a bulk
	 * "PONG" or anything else is proto.unexpected_reply. */
	ro->pong = ro->kind == RD_R_STATUS && r->len == 4 &&
	    memcmp(r->str, "PONG", 4) == 0;
	ro->ok = ro->kind == RD_R_STATUS && r->len == 2 &&
	    memcmp(r->str, "OK", 2) == 0;
	if (ro->kind == RD_R_ERROR) {
		/* hiredis NUL-terminates str. */
		id = rules_classify_reply(r->str);
		n = strcspn(r->str, " ");
		if (id == NULL && n > 0 && n < sizeof(ro->prefix)) {
			char word[sizeof(ro->prefix)];

			memcpy(word, r->str, n);
			word[n] = '\0';
			id = rules_classify_reply(word);
		}
		if (id != NULL)
			rd_scopy(ro->class_id, sizeof(ro->class_id), id);
		pr_door(p, r->str, n, ro->prefix, sizeof(ro->prefix));
	}
	/* Then what a person may see of it. */
	pr_door(p, r->str, r->len, ro->text, sizeof(ro->text));
}

/* Reads until one reply is complete; dl may be "now" for only what is
 * pending.  Returns the reply (freed by the caller) or NULL with ro's
 * flags saying why. */
static redisReply *
read_reply(struct probe *p, struct rd_reply_obs *ro, int64_t dl)
{
	char buf[READ_CHUNK];
	redisReply *rep;
	ssize_t n;

	for (;;) {
		int g = resp_get(p->rr, &rep);

		if (g == 1) {
			pr_record_reply(p, ro, rep);
			return rep;
		}
		if (g == -1 || resp_status(p->rr) != RESP_OK) {
			if (resp_status(p->rr) == RESP_NOT_RESP)
				ro->not_resp = true;
			else {
				ro->hostile = true;
				rd_scopy(ro->hostile_why, sizeof(ro->hostile_why),
				    resp_why(p->rr));
			}
			pr_door_first(p, ro);
			p->dead = true;
			return NULL;
		}
		n = conn_read(&p->c, buf, sizeof(buf), dl);
		if (n > 0) {
			resp_feed(p->rr, buf, (size_t)n);
			continue;
		}
		if (n == 0)
			ro->closed = true;
		else if (errno == ETIMEDOUT)
			ro->timed_out = true;
		else if (errno == ECONNRESET)
			ro->reset = true;
		else {
			/* A TLS alert or error after the handshake: the
			 * server has ended the conversation. */
			if (p->c.ssl != NULL)
				tls_note_error(&p->obs->tls);
			ro->closed = true;
		}
		if (resp_nread(p->rr) > 0 && ro->first_bytes[0] == '\0')
			pr_door_first(p, ro);
		p->dead = true;
		return NULL;
	}
}

/* After the reply to cmd: anything more already here was not asked for
 * (one command is in flight at a time).  Looks at what the reader holds
 * and, without waiting, at the socket (unless !sock).  Records the first
 * such reply and ends the conversation. */
static void
unsolicited(struct probe *p, const char *cmd, bool sock)
{
	struct rd_obs *o = p->obs;
	redisReply *rep = NULL;
	char buf[READ_CHUNK];
	ssize_t n;

	if (o->unsolicited_seen)
		return;
	if (resp_get(p->rr, &rep) != 1 && !resp_pending(p->rr)) {
		if (!sock)
			return;
		n = conn_read(&p->c, buf, sizeof(buf), 0);
		if (n <= 0)
			return;
		resp_feed(p->rr, buf, (size_t)n);
		if (resp_get(p->rr, &rep) != 1)
			rep = NULL;
	}
	o->unsolicited_seen = true;
	rd_scopy(o->unsolicited_after, sizeof(o->unsolicited_after), cmd);
	if (rep != NULL) {
		pr_record_reply(p, &o->unsolicited, rep);
		freeReplyObject(rep);
	} else
		pr_door_first(p, &o->unsolicited);
	p->dead = true;
}

static redisReply *
command(struct probe *p, int argc, const char **argv, struct rd_reply_obs *ro,
    bool sock)
{
	char *cmd = NULL;
	redisReply *rep;
	long len;
	int wr;

	if ((len = resp_format(&cmd, argc, argv)) < 0) {
		ro->closed = true;
		p->dead = true;
		return NULL;
	}
	wr = conn_write(&p->c, cmd, (size_t)len, p->deadline);
	resp_free_cmd(cmd, len);
	p->ncmds++;
	if (wr == -1) {
		if (errno == ETIMEDOUT) {
			ro->timed_out = true;
			p->dead = true;
			return NULL;
		}
		/* The server may have written an error and closed: read
		 * what is pending before concluding. */
		return read_reply(p, ro, clock_now_us());
	}
	ro->sent = true;
	rep = read_reply(p, ro, p->deadline);
	if (rep != NULL)
		unsolicited(p, argv[0], sock);
	return rep;
}

/* Sends a command and reads its reply into ro. */
redisReply *
pr_command(struct probe *p, int argc, const char **argv, struct rd_reply_obs *ro)
{
	return command(p, argc, argv, ro, true);
}

redisReply *
pr_command_held(struct probe *p, int argc, const char **argv,
    struct rd_reply_obs *ro)
{
	return command(p, argc, argv, ro, false);
}

/* Sends n commands in one write and reads their n replies in order: one
 * round trip instead of n (pipelining, which every Redis and compatible
 * server answers in order).  reps[i] is NULL where no reply came (and for
 * every command after it: the conversation has ended); ros[i] says why.
 * The unsolicited check runs once, after the last reply. */
void
pr_batch(struct probe *p, int n, const struct resp_cmd *cmds, redisReply **reps,
    struct rd_reply_obs *ros)
{
	char *buf;
	long len;
	int i, wr;

	for (i = 0; i < n; i++)
		reps[i] = NULL;
	if ((len = resp_format_n(&buf, n, cmds)) < 0) {
		ros[0].closed = true;
		p->dead = true;
		return;
	}
	wr = conn_write(&p->c, buf, (size_t)len, p->deadline);
	resp_free_cmd(buf, len);
	p->ncmds += n;
	if (wr == -1 && errno == ETIMEDOUT) {
		ros[0].timed_out = true;
		p->dead = true;
		return;
	}
	for (i = 0; i < n && !p->dead; i++) {
		ros[i].sent = wr != -1;
		/* A failed write: only what is pending may still be read. */
		reps[i] = read_reply(p, &ros[i], wr == -1 ? clock_now_us() :
		    p->deadline);
	}
	if (!p->dead && reps[n - 1] != NULL)
		unsolicited(p, cmds[n - 1].argv[0], true);
}

/* The error object for a command that got no usable reply. */
void
pr_reply_fail(struct probe *p, struct rd_step *s, const struct rd_reply_obs *ro,
    const char *what)
{
	const struct rd_tls_obs *t = &p->obs->tls;

	if (ro->timed_out) {
		p->obs->deadline_hit = true;
		pr_set_err(s, "timeout", ETIMEDOUT, "ETIMEDOUT",
		    "no reply to %s before the deadline", what);
	} else if (ro->hostile)
		pr_set_err(s, "hostile", 0, "", "reply to %s refused: %s", what,
		    ro->hostile_why);
	else if (ro->not_resp)
		pr_set_err(s, "not_resp", 0, "", "the reply to %s is not RESP: %s",
		    what, ro->first_bytes);
	else if (p->c.ssl != NULL && t->alert >= 0 && !t->alert_sent)
		pr_set_err(s, "tls_alert", t->alert, t->alert_desc,
		    "the server sent TLS alert %d (%s) instead of a reply to %s",
		    t->alert, t->alert_desc, what);
	else if (ro->reset)
		pr_set_err(s, "ECONNRESET", ECONNRESET, "ECONNRESET",
		    "the server reset the connection before replying to %s",
		    what);
	else
		pr_set_err(s, "closed", 0, "",
		    "the server closed the connection before replying to %s",
		    what);
}

void
pr_server_error(struct rd_step *s, const struct rd_reply_obs *ro,
    const char *what)
{
	pr_set_err(s, ro->kind == RD_R_ERROR ? "server_error" : "unexpected",
	    0, ro->prefix, "%s: %s", what, ro->text);
}

/* Something the server wrote before we asked (DENIED, maxclients):
 * looked at without waiting. */
void
pr_greeting(struct probe *p)
{
	struct rd_reply_obs *g = &p->obs->greeting;
	char buf[READ_CHUNK];
	redisReply *rep;
	ssize_t n;

	n = conn_read(&p->c, buf, sizeof(buf), 0);
	if (n <= 0)
		return;		/* nothing pending; the commands will see */
	resp_feed(p->rr, buf, (size_t)n);
	if (resp_get(p->rr, &rep) == 1) {
		pr_record_reply(p, g, rep);
		g->pending_error = g->kind == RD_R_ERROR;
		freeReplyObject(rep);
	}
}

/* When the first command got nothing but the server had spoken first,
 * that is its answer. */
void
pr_adopt_greeting(struct probe *p, struct rd_reply_obs *ro)
{
	const struct rd_reply_obs *g = &p->obs->greeting;
	bool sent = ro->sent;

	if (g->kind == RD_R_NONE || ro->kind != RD_R_NONE)
		return;
	*ro = *g;
	ro->sent = sent;
	ro->pending_error = g->kind == RD_R_ERROR;
}

/* The end of AUTH, SELECT and PING: unless ok, records into the step the
 * server's error reply or why no reply came; frees rep; closes the step.
 * Returns 0 when ok, else -1. */
int
pr_step_end(struct probe *p, enum rd_step_id id, struct rd_reply_obs *ro,
    redisReply *rep, bool ok, const char *cmd, int64_t t0)
{
	struct rd_step *s = &p->obs->steps[id];

	if (ok && p->obs->unsolicited_seen) {
		ok = false;
		pr_set_err(s, "unsolicited", 0, "", "after the reply to %s "
		    "came another, unasked: %s", cmd,
		    p->obs->unsolicited.text[0] ? p->obs->unsolicited.text :
		    p->obs->unsolicited.first_bytes);
	} else if (!ok && ro->kind != RD_R_NONE)
		pr_server_error(s, ro, cmd);
	else if (!ok)
		pr_reply_fail(p, s, ro, cmd);
	if (rep != NULL)
		freeReplyObject(rep);
	pr_step_done(p, id, ok ? RD_ST_OK : RD_ST_FAIL, t0);
	return ok ? 0 : -1;
}
