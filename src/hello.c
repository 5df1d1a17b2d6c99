/* hello.c — the hello step (redis-cli's -2 and -3, SPEC section 15; and
 * the handshake of the clients that send HELLO 3 by default, SPEC 12):
 * HELLO <proto> [AUTH <user> <password>] on the connected socket, its
 * reply read and recorded.
 *
 * The reply is read here, not by hiredis: the distribution's hiredis
 * (0.14) has no RESP3 reader, and HELLO 3 answers with a RESP3 map.  For
 * the same reason a HELLO 3 that succeeded is followed by HELLO 2, so the
 * rest of the probe (AUTH, PING, INFO, latency) reads RESP2 as before; the
 * step says so.  RESP3 clients send AUTH inside HELLO (a server with a
 * password answers a bare HELLO with NOAUTH), so does this step when a
 * password is configured; with -2/-3 the auth step still runs AUTH after
 * it, and classifies a wrong password as it always does.  As the client
 * (rd_config.hello_as_client: node-redis, go-redis, ioredis 6) HELLO's
 * answer is the AUTH's, and a refused HELLO is what the client makes of
 * it (its row's hello_fallback).  The password is only ever written to
 * the socket; replies are scrubbed of it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"
#include "clock.h"
#include "hello.h"
#include "report.h"
#include "resp.h"
#include "strutil.h"

#define HELLO_MAX_REPLY	16384
#define HELLO_MAX_DEPTH	4
#define HELLO_MAX_ELEMS	256
#define HELLO_MAX_LINE	HELLO_MAX_REPLY	/* a DENIED greeting is ~1 KiB */

struct pst {
	struct rd_hello_obs *h;
	int	 elems;
};

/* The index of the '\r' of the CRLF that ends the line at pos; -2 when
 * more bytes are needed, -1 when the line is too long or malformed. */
static long
line_end(const char *b, size_t len, size_t pos)
{
	size_t i;

	for (i = pos; i < len; i++) {
		if (i - pos > HELLO_MAX_LINE)
			return -1;
		if (b[i] == '\r') {
			if (i + 1 == len)
				return -2;
			return b[i + 1] == '\n' ? (long)i : -1;
		}
		if (b[i] == '\n')
			return -1;
	}
	return len - pos > HELLO_MAX_LINE ? -1 : -2;
}

/* A strict decimal (an optional '-'), bounded; -1 when it is not one. */
static int
decimal(const char *s, size_t n, long long *out)
{
	long long v = 0;
	size_t i = 0;
	bool neg = false;

	if (n > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == n || n - i > 18)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

static void
copy_text(char *dst, size_t sz, const char *src, size_t n)
{
	rd_printable(src, n, dst, sz);
}

/* One field of the HELLO map. */
static void
field(struct rd_hello_obs *h, const char *key, const char *val)
{
	long long n;

	if (strcmp(key, "server") == 0)
		rd_scopy(h->server, sizeof(h->server), val);
	else if (strcmp(key, "version") == 0)
		rd_scopy(h->version, sizeof(h->version), val);
	else if (strcmp(key, "mode") == 0)
		rd_scopy(h->mode, sizeof(h->mode), val);
	else if (strcmp(key, "role") == 0)
		rd_scopy(h->role, sizeof(h->role), val);
	else if (strcmp(key, "proto") == 0 &&
	    decimal(val, strlen(val), &n) == 0 && n >= 0 && n < 100)
		h->proto = (int)n;
	else if (strcmp(key, "id") == 0 && decimal(val, strlen(val), &n) == 0)
		h->id = n;
}

/* Parses the value at pos; its scalar text (if it is one) into out.
 * Returns the position after it, -2 for more bytes, -1 when refused. */
static long
value(const char *b, size_t len, size_t pos, int depth, struct pst *ps,
    char *out, size_t outsz)
{
	long e, p, r;
	long long n;
	char type, key[64], child[128];
	int i;

	out[0] = '\0';
	if (pos >= len)
		return -2;
	type = b[pos];
	if ((e = line_end(b, len, pos + 1)) < 0)
		return e;
	switch (type) {
	case '+': case '-': case ':': case ',': case '#': case '(': case '_':
		if (type == ':' && decimal(b + pos + 1, (size_t)e - pos - 1,
		    &n) == -1)
			return -1;
		copy_text(out, outsz, b + pos + 1, (size_t)e - pos - 1);
		if (depth == 0) {
			struct rd_reply_obs *ro = &ps->h->reply;

			ro->kind = type == '-' ? RD_R_ERROR : type == ':' ?
			    RD_R_INTEGER : type == '_' ? RD_R_NIL : RD_R_STATUS;
			rd_scopy(ro->text, sizeof(ro->text), out);
		}
		return e + 2;
	case '$': case '=': case '!':
		if (decimal(b + pos + 1, (size_t)e - pos - 1, &n) == -1 ||
		    n < -1 || n > HELLO_MAX_REPLY || (n == -1 && type != '$'))
			return -1;
		if (n == -1) {
			if (depth == 0)
				ps->h->reply.kind = RD_R_NIL;
			return e + 2;
		}
		if ((size_t)e + 2 + (size_t)n + 2 > len)
			return -2;
		if (b[e + 2 + n] != '\r' || b[e + 3 + n] != '\n')
			return -1;
		/* A verbatim string starts "txt:". */
		p = type == '=' && n >= 4 ? 4 : 0;
		copy_text(out, outsz, b + e + 2 + p, (size_t)(n - p));
		if (depth == 0) {
			struct rd_reply_obs *ro = &ps->h->reply;

			ro->kind = type == '!' ? RD_R_ERROR : RD_R_STRING;
			rd_scopy(ro->text, sizeof(ro->text), out);
		}
		return e + 2 + (long)n + 2;
	case '*': case '~': case '>': case '%': case '|':
		if (decimal(b + pos + 1, (size_t)e - pos - 1, &n) == -1 ||
		    n < -1 || n > HELLO_MAX_ELEMS || depth >= HELLO_MAX_DEPTH)
			return -1;
		if (type == '%' || type == '|')
			n *= 2;
		if ((ps->elems += (n > 0 ? (int)n : 0)) > HELLO_MAX_ELEMS)
			return -1;
		if (depth == 0 && type != '|') {
			ps->h->reply.kind = RD_R_ARRAY;
			snprintf(ps->h->reply.text, sizeof(ps->h->reply.text),
			    "%s of %lld elements", type == '%' ? "map" : "array",
			    type == '%' ? n / 2 : n);
		}
		p = e + 2;
		key[0] = '\0';
		for (i = 0; i < n; i++) {
			r = value(b, len, (size_t)p, depth + 1, ps, child,
			    sizeof(child));
			if (r < 0)
				return r;
			/* The top-level map (or RESP2 array) of pairs. */
			if (depth == 0 && type != '|') {
				if (i % 2 == 0)
					rd_scopy(key, sizeof(key), child);
				else
					field(ps->h, key, child);
			}
			p = r;
		}
		/* An attribute comes before the reply it describes. */
		if (type == '|' && depth == 0)
			return value(b, len, (size_t)p, 0, ps, out, outsz);
		return p;
	default:
		return -1;
	}
}

long
hello_parse(const char *buf, size_t len, struct rd_hello_obs *h)
{
	struct rd_hello_obs t;
	struct pst ps;
	char top[256];
	long r;
	size_t n;

	memset(&t, 0, sizeof(t));
	t.id = -1;
	ps.h = &t;
	ps.elems = 0;
	r = value(buf, len, 0, 0, &ps, top, sizeof(top));
	if (r == -2)
		return len > HELLO_MAX_REPLY ? -1 : 0;
	if (r < 0)
		return -1;
	/* Keep what the caller set up (attempt, protocol asked, auth). */
	t.attempted = h->attempted;
	t.proto_asked = h->proto_asked;
	t.with_auth = h->with_auth;
	t.switched_back = h->switched_back;
	t.as_client = h->as_client;
	t.reply.sent = h->reply.sent;
	if (t.reply.kind == RD_R_ERROR) {
		n = strcspn(t.reply.text, " ");
		if (n >= sizeof(t.reply.prefix))
			n = sizeof(t.reply.prefix) - 1;
		memcpy(t.reply.prefix, t.reply.text, n);
		t.reply.prefix[n] = '\0';
	}
	*h = t;
	return r;
}

/* The door (secret.h), as for every reply: classified raw, then every
 * text a server wrote is masked of the run's secrets. */
static void
door(struct rd_hello_obs *h, const struct rd_vault *v)
{
	const char *id;

	if (h->reply.kind == RD_R_ERROR &&
	    (id = rules_classify_reply(h->reply.text)) != NULL)
		rd_scopy(h->reply.class_id, sizeof(h->reply.class_id), id);
	vault_mask_str(v, h->reply.text, sizeof(h->reply.text));
	vault_mask_str(v, h->reply.prefix, sizeof(h->reply.prefix));
	vault_mask_str(v, h->reply.first_bytes, sizeof(h->reply.first_bytes));
	vault_mask_str(v, h->server, sizeof(h->server));
	vault_mask_str(v, h->version, sizeof(h->version));
	vault_mask_str(v, h->mode, sizeof(h->mode));
	vault_mask_str(v, h->role, sizeof(h->role));
}

/* What has been read and not yet parsed: a second pipelined reply may
 * arrive with the first. */
struct inbuf {
	char	*buf;
	size_t	 have;
};

/* Reads one reply into h, from what in holds and then the socket; what
 * follows it stays in in.  Returns 0, or -1 with h's flags (closed, reset,
 * timed_out, not_resp) saying why. */
static int
read_one(struct conn *c, int64_t dl, struct inbuf *in, struct rd_hello_obs *h,
    const struct rd_vault *v)
{
	long r;
	ssize_t n;

	for (;;) {
		if ((r = hello_parse(in->buf, in->have, h)) > 0)
			break;
		if (r < 0 || in->have == HELLO_MAX_REPLY) {
			h->reply.not_resp = true;
			/* A TLS alert record (content type 21, version 3.x):
			 * plaintext was spoken to a TLS port. */
			h->reply.tls_alert_bytes = in->have >= 2 &&
			    in->buf[0] == 0x15 && in->buf[1] == 0x03;
			rd_printable(in->buf, in->have < 40 ? in->have : 40,
			    h->reply.first_bytes, sizeof(h->reply.first_bytes));
			door(h, v);
			return -1;
		}
		n = conn_read(c, in->buf + in->have, HELLO_MAX_REPLY - in->have,
		    dl);
		if (n > 0) {
			in->have += (size_t)n;
			continue;
		}
		if (n == 0)
			h->reply.closed = true;
		else if (errno == ETIMEDOUT)
			h->reply.timed_out = true;
		else if (errno == ECONNRESET)
			h->reply.reset = true;
		else
			h->reply.closed = true;
		return -1;
	}
	memmove(in->buf, in->buf + r, in->have - (size_t)r);
	in->have -= (size_t)r;
	door(h, v);
	return 0;
}

/* Sends the first argc1 words of argv as one command and, when argc2 > 0,
 * the next argc2 words as a second one in the same write (pipelined: one
 * round trip); then reads the first reply into h.  Returns 0, or -1 with
 * h's flags saying why. */
static int
exchange(struct conn *c, int64_t dl, int argc1, int argc2, const char **argv,
    struct inbuf *in, struct rd_hello_obs *h, const struct rd_vault *v)
{
	const struct resp_cmd cmds[2] = { { argc1, argv },
	    { argc2, argv + argc1 } };
	char *cmd;
	long len;
	int wr;

	/* It holds the password that went inside HELLO: wiped once sent. */
	if ((len = resp_format_n(&cmd, argc2 > 0 ? 2 : 1, cmds)) < 0)
		return -1;
	wr = conn_write(c, cmd, (size_t)len, dl);
	resp_free_cmd(cmd, len);
	if (wr == -1) {
		if (errno == ETIMEDOUT)
			h->reply.timed_out = true;
		else
			h->reply.closed = true;
		return -1;
	}
	h->reply.sent = true;
	return read_one(c, dl, in, h, v);
}

/* The step failed: code, an error's first word, and "WHAT: DETAIL"
 * (cut to fit: the reply slot keeps the whole text). */
static void
fail(struct rd_step *s, const char *code, const char *name, const char *what,
    const char *detail)
{
	char msg[600];

	s->status = RD_ST_FAIL;
	s->err.set = true;
	rd_scopy(s->err.code, sizeof(s->err.code), code);
	rd_scopy(s->err.name, sizeof(s->err.name), name);
	snprintf(msg, sizeof(msg), "%s: %s", what, detail);
	rd_scopy(s->err.message, sizeof(s->err.message), msg);
}

bool
hello_reply_unsupported(const struct rd_reply_obs *r)
{
	/* Text, not a code: a pre-6 server answers HELLO with a plain ERR
	 * whose only distinguishing part is its wording ("ERR unknown command
	 * 'HELLO'...").  Kept knowingly: there is no error code to match
	 * instead. */
	return r->kind == RD_R_ERROR && (strcmp(r->prefix, "NOPROTO") == 0 ||
	    (strcmp(r->prefix, "ERR") == 0 &&
	    strstr(r->text, "unknown command") != NULL));
}

/* The client's own HELLO (rd_config.hello_as_client) answered: when it
 * carried the AUTH, its answer is the auth step's — an error there is the
 * client's AUTH error (WRONGPASS, NOAUTH), an answer is "authenticated".
 * Unsupported: a client that falls back sends its legacy AUTH next (the
 * auth step); one that does not stops (node-redis: the connection fails). */
static void
as_client_outcome(const struct rd_config *cfg, struct rd_obs *obs)
{
	struct rd_hello_obs *h = &obs->hello;
	struct rd_step *a = &obs->steps[RD_STEP_AUTH];
	char msg[300];

	if (h->unsupported) {
		h->client_stops = cfg->model != NULL && !cfg->model->hello_fallback;
		if (h->client_stops)
			snprintf(a->detail, sizeof(a->detail), "not sent: %s does "
			    "not fall back to RESP2 when HELLO is refused",
			    cfg->model->name);
		return;
	}
	if (!h->with_auth)
		return;
	h->auth_inside = true;
	obs->auth = h->reply;
	obs->auth_sent = true;
	memset(a, 0, sizeof(*a));
	if (h->reply.kind == RD_R_ERROR) {
		snprintf(msg, sizeof(msg), "-%s", h->reply.text);
		fail(a, "server_error", h->reply.prefix, "AUTH inside HELLO", msg);
		return;
	}
	obs->auth.ok = true;
	a->status = RD_ST_OK;
	snprintf(a->detail, sizeof(a->detail), "AUTH inside HELLO %d (%s) → OK",
	    h->proto_asked, cfg->user_slot >= 0 || (cfg->username != NULL &&
	    cfg->username[0] != '\0') ? "<user> ****" : "default ****");
}

int
hello_step(struct conn *c, int64_t deadline_us, const struct rd_config *cfg,
    const struct rd_vault *v, struct rd_obs *obs)
{
	struct rd_hello_obs *h = &obs->hello;
	struct rd_step *s = &obs->steps[RD_STEP_HELLO];
	const char *argv[7];
	char proto[4];
	int argc = 0, rc, back_rc = 0;
	struct rd_hello_obs back;
	struct inbuf in = { NULL, 0 };
	int64_t t0 = clock_now_us();
	/* The password leaves the vault only to be sent. */
	const char *pw = cfg->password_set ? vault_reveal(v, cfg->secret, NULL) :
	    NULL;
	const char *user = cfg->user_slot >= 0 ? vault_reveal(v, cfg->user_slot,
	    NULL) : cfg->username;

	memset(h, 0, sizeof(*h));
	h->attempted = true;
	h->id = -1;
	h->proto_asked = cfg->resp == 3 ? 3 : 2;
	h->as_client = cfg->hello_as_client;
	/* As the client: the AUTH it sends, an empty password included
	 * (ioredis 6: redis://x@h is HELLO 3 AUTH x ""). */
	if (h->as_client && pw == NULL && cfg->auth_sent && (cfg->empty_password ||
	    !cfg->password_set))
		pw = "";
	if (h->as_client && !cfg->auth_sent && !cfg->password_set)
		pw = NULL;
	snprintf(proto, sizeof(proto), "%d", h->proto_asked);
	argv[argc++] = "HELLO";
	argv[argc++] = proto;
	if (pw) {
		argv[argc++] = "AUTH";
		argv[argc++] = user != NULL && user[0] != '\0' ? user : "default";
		argv[argc++] = pw;
		h->with_auth = true;
	}
	memset(s, 0, sizeof(*s));
	/* HELLO 3 goes with the HELLO 2 that follows it (see the top of
	 * this file) in one write: one round trip, as the client's own. */
	if (h->proto_asked == 3) {
		argv[argc] = "HELLO";
		argv[argc + 1] = "2";
	}
	if ((in.buf = malloc(HELLO_MAX_REPLY)) == NULL)
		return -1;
	rc = exchange(c, deadline_us, argc, h->proto_asked == 3 ? 2 : 0, argv,
	    &in, h, v);
	if (rc == 0 && h->proto_asked == 3) {
		/* The HELLO 2 reply, read now whatever HELLO 3 got, so no
		 * later command reads it as its own. */
		memset(&back, 0, sizeof(back));
		back.id = -1;
		back_rc = read_one(c, deadline_us, &in, &back, v);
	}
	free(in.buf);
	if (rc == -1) {
		const struct rd_reply_obs *ro = &h->reply;

		fail(s, ro->timed_out ? "timeout" : ro->reset ? "reset" :
		    ro->not_resp ? "not_resp" : "closed", "", "HELLO",
		    ro->timed_out ? "no reply before the deadline" : ro->reset ?
		    "connection reset" : ro->not_resp ? "the reply is not RESP" :
		    "connection closed without a reply");
		s->us = clock_now_us() - t0;
		return -1;
	}
	if (h->reply.kind == RD_R_ERROR) {
		char msg[300];

		snprintf(msg, sizeof(msg), "-%s", h->reply.text);
		fail(s, "server_error", h->reply.prefix, "HELLO", msg);
		s->us = clock_now_us() - t0;
		h->unsupported = hello_reply_unsupported(&h->reply);
		if (h->as_client)
			as_client_outcome(cfg, obs);
		return 0;		/* RESP2 as before: the probe goes on */
	}
	if (h->as_client)
		as_client_outcome(cfg, obs);
	s->status = RD_ST_OK;
	snprintf(s->detail, sizeof(s->detail), "HELLO %d%s → %s %s, proto %d%s%s%s%s",
	    h->proto_asked, h->with_auth ? " AUTH <user> ****" : "",
	    h->server[0] ? h->server : "?", h->version[0] ? h->version : "?",
	    h->proto, h->mode[0] ? ", " : "", h->mode, h->role[0] ? " " : "",
	    h->role);
	if (h->proto_asked == 3) {
		/* Back to RESP2 for hiredis (see the top of this file). */
		size_t l;

		if (back_rc == -1 || back.reply.kind == RD_R_ERROR) {
			fail(s, "switch_back", "", "HELLO 3 worked, but HELLO 2 "
			    "after it did not", back.reply.text[0] ?
			    back.reply.text : "no reply");
			s->us = clock_now_us() - t0;
			return -1;
		}
		h->switched_back = true;
		l = strlen(s->detail);
		snprintf(s->detail + l, sizeof(s->detail) - l, "; then HELLO 2 "
		    "(the rest of the probe reads RESP2)");
	}
	s->us = clock_now_us() - t0;
	return 0;
}
