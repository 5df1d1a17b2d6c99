/* probe.c — the staged probe under one absolute deadline.
 *
 * config → dns → tcp → tls → hello → auth → select → ping → info →
 * latency.  Each step records status, duration and an error object by
 * code; the connection facts go into struct rd_obs.  The probe judges
 * nothing and prints nothing: rules.c reads what it recorded. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "clock.h"
#include "conn.h"
#include "dns.h"
#include "info.h"
#include "hello.h"
#include "probe.h"
#include "resp.h"
#include "strutil.h"
#include "tcp.h"
#include "tls.h"
#include "unixsock.h"

#define READ_CHUNK	16384
#define LATENCY_DEFAULT	10

struct probe {
	const struct rd_config	*cfg;
	const struct rd_probe_opts *po;
	struct rd_obs		*obs;
	int64_t			 deadline;
	struct conn		 c;
	struct resp_reader	*rr;
	struct dns_result	 dres;
	bool			 dead;	/* the connection can carry no more */
	int			 ncmds;	/* commands sent so far */
};

static void
set_err(struct rd_step *s, const char *code, int errnum, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
set_err(struct rd_step *s, const char *code, int errnum, const char *name,
    const char *fmt, ...)
{
	va_list ap;

	s->err.set = true;
	rd_scopy(s->err.code, sizeof(s->err.code), code);
	s->err.errnum = errnum;
	rd_scopy(s->err.name, sizeof(s->err.name), name);
	va_start(ap, fmt);
	vsnprintf(s->err.message, sizeof(s->err.message), fmt, ap);
	va_end(ap);
}

static void
step_done(struct probe *p, enum rd_step_id id, enum rd_status st, int64_t t0)
{
	p->obs->steps[id].status = st;
	p->obs->steps[id].us = clock_now_us() - t0;
}

/* Replaces every occurrence of secret in s by "****". */
static void
redact(char *s, size_t sz, const char *secret)
{
	size_t sl;
	char *q;

	if (secret == NULL || (sl = strlen(secret)) == 0)
		return;
	while ((q = strstr(s, secret)) != NULL) {
		size_t rest = strlen(q + sl);

		if (sl >= 4) {
			memcpy(q, "****", 4);
			memmove(q + 4, q + sl, rest + 1);
		} else {
			if (strlen(s) + 4 - sl >= sz)
				q[0] = '\0';	/* no room: cut it off */
			else {
				memmove(q + 4, q + sl, rest + 1);
				memcpy(q, "****", 4);
			}
		}
	}
}

static bool
host_is_ip(const char *h)
{
	unsigned char b[16];
	char buf[64];

	h = rd_unbracket(h, buf, sizeof(buf));
	return inet_pton(AF_INET, h, b) == 1 || inet_pton(AF_INET6, h, b) == 1;
}

/* The host without IPv6 brackets, for certificate checks. */
static void
bare_host(const char *h, char *out, size_t outsz)
{
	if (rd_unbracket(h, out, outsz) != out)
		rd_scopy(out, outsz, h);
}

static void
record_reply(struct probe *p, struct rd_reply_obs *ro, const redisReply *r)
{
	const char *pw = p->cfg->password;
	char raw[256];
	size_t n;

	raw[0] = '\0';
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
	n = r->len < sizeof(raw) - 1 ? r->len : sizeof(raw) - 1;
	memcpy(raw, r->str, n);
	raw[n] = '\0';
	/* Never let a server echo the password back into the report. */
	redact(raw, sizeof(raw), pw);
	rd_printable(raw, strlen(raw), ro->text, sizeof(ro->text));
	if (ro->kind == RD_R_ERROR) {
		n = strcspn(raw, " ");
		if (n >= sizeof(ro->prefix))
			n = sizeof(ro->prefix) - 1;
		memcpy(ro->prefix, raw, n);
		ro->prefix[n] = '\0';
	}
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
			record_reply(p, ro, rep);
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
			rd_scopy(ro->first_bytes, sizeof(ro->first_bytes),
			    resp_first_bytes(p->rr));
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
			rd_scopy(ro->first_bytes, sizeof(ro->first_bytes),
			    resp_first_bytes(p->rr));
		p->dead = true;
		return NULL;
	}
}

/* Sends a command and reads its reply into ro. */
static redisReply *
command(struct probe *p, int argc, const char **argv, struct rd_reply_obs *ro)
{
	char *cmd = NULL;
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
	return read_reply(p, ro, p->deadline);
}

/* The error object for a command that got no usable reply. */
static void
reply_fail(struct probe *p, struct rd_step *s, const struct rd_reply_obs *ro,
    const char *what)
{
	const struct rd_tls_obs *t = &p->obs->tls;

	if (ro->timed_out) {
		p->obs->deadline_hit = true;
		set_err(s, "timeout", ETIMEDOUT, "ETIMEDOUT",
		    "no reply to %s before the deadline", what);
	} else if (ro->hostile)
		set_err(s, "hostile", 0, "", "reply to %s refused: %s", what,
		    ro->hostile_why);
	else if (ro->not_resp)
		set_err(s, "not_resp", 0, "", "the reply to %s is not RESP: %s",
		    what, ro->first_bytes);
	else if (p->c.ssl != NULL && t->alert >= 0 && !t->alert_sent)
		set_err(s, "tls_alert", t->alert, t->alert_desc,
		    "the server sent TLS alert %d (%s) instead of a reply to %s",
		    t->alert, t->alert_desc, what);
	else if (ro->reset)
		set_err(s, "ECONNRESET", ECONNRESET, "ECONNRESET",
		    "the server reset the connection before replying to %s",
		    what);
	else
		set_err(s, "closed", 0, "",
		    "the server closed the connection before replying to %s",
		    what);
}

static void
server_error(struct rd_step *s, const struct rd_reply_obs *ro,
    const char *what)
{
	set_err(s, ro->kind == RD_R_ERROR ? "server_error" : "unexpected",
	    0, ro->prefix, "%s: %s", what, ro->text);
}

/* Something the server wrote before we asked (DENIED, maxclients):
 * looked at without waiting. */
static void
greeting(struct probe *p)
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
		record_reply(p, g, rep);
		g->pending_error = g->kind == RD_R_ERROR;
		freeReplyObject(rep);
	}
}

/* When the first command got nothing but the server had spoken first,
 * that is its answer. */
static void
adopt_greeting(struct probe *p, struct rd_reply_obs *ro)
{
	const struct rd_reply_obs *g = &p->obs->greeting;
	bool sent = ro->sent;

	if (g->kind == RD_R_NONE || ro->kind != RD_R_NONE)
		return;
	*ro = *g;
	ro->sent = sent;
	ro->pending_error = g->kind == RD_R_ERROR;
}

static int
step_dns(struct probe *p)
{
	const struct rd_config *cfg = p->cfg;
	struct rd_dns_obs *d = &p->obs->dns;
	struct rd_step *s = &p->obs->steps[RD_STEP_DNS];
	int64_t t0 = clock_now_us();
	char list[256];
	int i, r;

	r = dns_resolve(cfg->host, cfg->port, cfg->family, p->po->resolver,
	    p->deadline, d, &p->dres);
	if (r == 0) {
		list[0] = '\0';
		for (i = 0; i < d->naddr; i++)
			rd_appendf(list, sizeof(list), "%s%s", i ? ", " : "",
			    d->addrs[i].text);
		snprintf(s->detail, sizeof(s->detail), "%s%s", list,
		    d->literal ? " (IP literal, no lookup)" : "");
		step_done(p, RD_STEP_DNS, RD_ST_OK, t0);
		return 0;
	}
	if (d->timed_out) {
		p->obs->deadline_hit = true;
		set_err(s, "timeout", ETIMEDOUT, "ETIMEDOUT",
		    "resolving %s did not finish before the deadline",
		    cfg->host);
	} else if (d->gai_err == EAI_SYSTEM)
		set_err(s, "EAI_SYSTEM", d->gai_err, "EAI_SYSTEM",
		    "resolving %s: system error %s", cfg->host,
		    tcp_errno_name(d->gai_errno));
	else if (d->gai_err != 0)
		set_err(s, dns_eai_name(d->gai_err), d->gai_err,
		    dns_eai_name(d->gai_err), "resolving %s: %s", cfg->host,
		    gai_strerror(d->gai_err));
	else if (d->literal)
		set_err(s, "no_address", 0, "", "%s is an IPv%d literal but "
		    "-%d was given", cfg->host, cfg->family == 6 ? 4 : 6,
		    cfg->family);
	else
		set_err(s, "no_address", 0, "", "%s has no IPv%d address "
		    "(%d dropped by -%d)", cfg->host, cfg->family,
		    d->nfiltered, cfg->family);
	step_done(p, RD_STEP_DNS, RD_ST_FAIL, t0);
	return -1;
}

static int
step_tcp(struct probe *p)
{
	struct rd_tcp_obs *t = &p->obs->tcp;
	struct rd_step *s = &p->obs->steps[RD_STEP_TCP];
	static const int pref[] = { ECONNREFUSED, ECONNRESET, EHOSTUNREACH,
	    ENETUNREACH };
	int64_t t0 = clock_now_us();
	int fd, i, k, e = 0;

	fd = tcp_connect(&p->dres, p->deadline, t);
	if (fd != -1) {
		p->c.fd = fd;
		snprintf(s->detail, sizeof(s->detail), "%s → %s (attempt %d "
		    "of %d)", t->local, t->peer, t->winner + 1, t->nattempts);
		step_done(p, RD_STEP_TCP, RD_ST_OK, t0);
		return 0;
	}
	if (t->timed_out) {
		p->obs->deadline_hit = true;
		set_err(s, "timeout", ETIMEDOUT, "ETIMEDOUT",
		    "connect to port %d did not complete before the deadline "
		    "(%d attempts)", p->cfg->port, t->nattempts);
	} else {
		/* The most telling errno of all attempts: a refusal says
		 * more than an unreachable IPv6 route. */
		for (k = 0; k < 4 && e == 0; k++)
			for (i = 0; i < t->nattempts; i++)
				if (t->attempts[i].errnum == pref[k])
					e = pref[k];
		if (e == 0 && t->nattempts > 0)
			e = t->attempts[0].errnum;
		set_err(s, tcp_errno_name(e), e, tcp_errno_name(e),
		    "connect to port %d: %s", p->cfg->port, strerror(e));
	}
	step_done(p, RD_STEP_TCP, RD_ST_FAIL, t0);
	return -1;
}

static void
tls_opts_of(const struct rd_config *cfg, struct tls_opts *o, char *name,
    size_t namesz)
{
	memset(o, 0, sizeof(*o));
	o->sni = cfg->sni;
	if (cfg->sni_explicit && cfg->sni != NULL && cfg->sni[0] != '\0')
		rd_scopy(name, namesz, cfg->sni);
	else
		bare_host(cfg->host, name, namesz);
	o->expected_name = name;
	o->name_is_ip = host_is_ip(name);
	o->cacert = cfg->cacert;
	o->cacertdir = cfg->cacertdir;
	o->cert = cfg->cert;
	o->key = cfg->key;
	o->verify = !cfg->insecure;
	o->need_trust = true;	/* --insecure still says what it found */
	o->ciphers = cfg->tls_ciphers;
	o->ciphersuites = cfg->tls_ciphersuites;
}

/* The dns target the tcp step connected to. */
static const struct dns_target *
winner_target(struct probe *p)
{
	const struct rd_tcp_obs *t = &p->obs->tcp;
	const char *text;
	int i;

	if (t->winner < 0)
		return NULL;
	text = t->attempts[t->winner].addr.text;
	for (i = 0; i < p->obs->dns.naddr && i < p->dres.n; i++)
		if (strcmp(p->obs->dns.addrs[i].text, text) == 0)
			return &p->dres.t[i];
	return NULL;
}

/* Plaintext was dropped: does the port speak TLS? */
static void
cross_tls(struct probe *p)
{
	struct rd_cross_obs *x = &p->obs->cross;
	const struct dns_target *dt = winner_target(p);
	struct conn c = { .fd = -1 };
	struct rd_tls_obs t;
	struct rd_err err;
	struct tls_opts o;
	char name[256];

	if (dt == NULL || clock_left_us(p->deadline) == 0)
		return;
	x->attempted = x->tried_tls = true;
	if ((c.fd = tcp_connect_one(dt, p->deadline)) == -1) {
		snprintf(x->detail, sizeof(x->detail), "TLS retry: connect "
		    "failed (%s)", tcp_errno_name(errno));
		return;
	}
	memset(&t, 0, sizeof(t));
	memset(&err, 0, sizeof(err));
	tls_opts_of(p->cfg, &o, name, sizeof(name));
	o.verify = false;	/* the proof needs a handshake, not trust */
	o.need_trust = false;
	o.cert = o.key = NULL;
	o.cacert = o.cacertdir = NULL;
	if (tls_handshake(&c, &o, p->deadline, &t, &err) == 0) {
		x->succeeded = true;
		snprintf(x->detail, sizeof(x->detail), "TLS handshake "
		    "completed (%s)", t.version);
	} else
		snprintf(x->detail, sizeof(x->detail), "TLS retry failed: %.200s",
		    err.message);
	conn_close(&c);
}

/* TLS without SNI was refused: does the same handshake with the host
 * name as SNI get through?  (A proxy routing by SNI, a server requiring
 * it.) */
static void
cross_sni(struct probe *p)
{
	struct rd_cross_obs *x = &p->obs->cross;
	const struct dns_target *dt = winner_target(p);
	struct conn c = { .fd = -1 };
	struct rd_tls_obs t;
	struct rd_err err;
	struct tls_opts o;
	char name[256];

	if (dt == NULL || clock_left_us(p->deadline) == 0)
		return;
	tls_opts_of(p->cfg, &o, name, sizeof(name));
	if (o.name_is_ip)
		return;		/* no name to send */
	x->attempted = x->tried_sni = true;
	if ((c.fd = tcp_connect_one(dt, p->deadline)) == -1) {
		snprintf(x->detail, sizeof(x->detail), "TLS retry with SNI: "
		    "connect failed (%s)", tcp_errno_name(errno));
		return;
	}
	memset(&t, 0, sizeof(t));
	memset(&err, 0, sizeof(err));
	o.sni = name;
	o.verify = false;
	o.need_trust = false;
	if (tls_handshake(&c, &o, p->deadline, &t, &err) == 0) {
		x->succeeded = true;
		snprintf(x->detail, sizeof(x->detail), "TLS handshake with SNI "
		    "%.200s completed (%s)", name, t.version);
	} else
		snprintf(x->detail, sizeof(x->detail), "TLS retry with SNI "
		    "failed: %.200s", err.message);
	conn_close(&c);
}

/* TLS failed on non-TLS bytes or a close: does the port speak plaintext? */
static void
cross_plain(struct probe *p)
{
	struct rd_cross_obs *x = &p->obs->cross;
	const struct dns_target *dt = winner_target(p);
	struct rd_reply_obs ro;
	struct probe q;
	redisReply *rep;
	const char *argv[] = { "PING" };

	if (dt == NULL || clock_left_us(p->deadline) == 0)
		return;
	x->attempted = x->tried_plain = true;
	q = *p;
	memset(&q.c, 0, sizeof(q.c));
	q.dead = false;
	if ((q.c.fd = tcp_connect_one(dt, p->deadline)) == -1) {
		snprintf(x->detail, sizeof(x->detail), "plaintext retry: "
		    "connect failed (%s)", tcp_errno_name(errno));
		return;
	}
	if ((q.rr = resp_reader_new(NULL)) == NULL) {
		conn_close(&q.c);
		return;
	}
	memset(&ro, 0, sizeof(ro));
	rep = command(&q, 1, argv, &ro);
	if (rep != NULL) {
		x->succeeded = true;
		snprintf(x->detail, sizeof(x->detail), "%s%.200s reply in "
		    "plaintext", ro.kind == RD_R_ERROR ? "-" :
		    ro.kind == RD_R_STATUS ? "+" : "", ro.text);
		freeReplyObject(rep);
	} else
		snprintf(x->detail, sizeof(x->detail), "plaintext retry got "
		    "no reply (%s)", ro.timed_out ? "timeout" : ro.reset ?
		    "reset" : ro.not_resp ? "not RESP" : "closed");
	if (ro.timed_out)
		p->obs->deadline_hit = true;
	resp_reader_free(q.rr);
	conn_close(&q.c);
}

/* The plaintext PING raced against a TLS handshake that has heard
 * nothing.  A plaintext Redis given a ClientHello usually waits for the
 * newline it lacks and says nothing, so silence alone would cost the whole
 * deadline; a TLS server answers within a round trip.  After a grace the
 * probe asks the same address in plaintext on a second connection: a RESP
 * reply there proves the port speaks plaintext and ends the TLS attempt.
 * A server that answers the ClientHello in time never sees it. */
enum side_state { SIDE_OFF, SIDE_CONNECTING, SIDE_SENDING, SIDE_READING,
	SIDE_DONE };

struct side {
	enum side_state	 st;
	int		 fd;
	char		*cmd;		/* "PING" in RESP */
	long		 len, off;
	struct resp_reader *rr;
	struct rd_reply_obs ro;
	int		 errnum;	/* the connect's failure */
	bool		 replied;	/* a RESP reply: proof of plaintext */
	bool		 abandoned;	/* the TLS handshake finished first */
};

/* ServerHello is due one round trip after the ClientHello; the connect
 * took one.  Wait a few of them, never less than a slow server's crypto
 * needs, never more than half the time left (the proof needs the rest). */
#define SIDE_GRACE_MIN_US	150000
#define SIDE_GRACE_RTTS		4

static int64_t
side_grace(const struct probe *p, int64_t now)
{
	const struct rd_tcp_obs *t = &p->obs->tcp;
	int64_t g = SIDE_GRACE_MIN_US, half = (p->deadline - now) / 2;

	if (t->winner >= 0 &&
	    t->attempts[t->winner].us * SIDE_GRACE_RTTS > g)
		g = t->attempts[t->winner].us * SIDE_GRACE_RTTS;
	return g < half ? g : half;
}

static bool
side_active(const struct side *sd)
{
	return sd->st == SIDE_CONNECTING || sd->st == SIDE_SENDING ||
	    sd->st == SIDE_READING;
}

static short
side_events(const struct side *sd)
{
	return sd->st == SIDE_READING ? POLLIN : POLLOUT;
}

static void
side_start(struct probe *p, struct side *sd)
{
	const struct dns_target *dt = winner_target(p);
	const char *argv[] = { "PING" };
	struct rd_cross_obs *x = &p->obs->cross;
	bool connected;

	sd->st = SIDE_DONE;
	if (dt == NULL)
		return;
	x->attempted = x->tried_plain = true;
	if ((sd->rr = resp_reader_new(NULL)) == NULL ||
	    (sd->len = resp_format(&sd->cmd, 1, argv)) < 0) {
		sd->errnum = ENOMEM;
		return;
	}
	if ((sd->fd = tcp_start_one(dt, &connected)) == -1) {
		sd->errnum = errno;
		return;
	}
	sd->st = connected ? SIDE_SENDING : SIDE_CONNECTING;
}

/* Moves the side on after poll() said its socket is ready. */
static void
side_io(struct probe *p, struct side *sd)
{
	char buf[READ_CHUNK];
	redisReply *rep;
	ssize_t n;
	int e;

	if (sd->st == SIDE_CONNECTING) {
		if ((e = tcp_so_error(sd->fd)) != 0) {
			sd->errnum = e;
			sd->st = SIDE_DONE;
			return;
		}
		sd->st = SIDE_SENDING;
	}
	if (sd->st == SIDE_SENDING) {
		n = send(sd->fd, sd->cmd + sd->off, (size_t)(sd->len - sd->off),
		    MSG_NOSIGNAL);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n > 0)
			sd->off += n;
		if (n > 0 && sd->off < sd->len)
			return;
		/* Sent, or refused: either way, what the server wrote (an
		 * error before closing) is read next. */
		sd->ro.sent = n > 0;
		sd->st = SIDE_READING;
		return;
	}
	if (sd->st != SIDE_READING)
		return;
	n = recv(sd->fd, buf, sizeof(buf), 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		resp_feed(sd->rr, buf, (size_t)n);
		if (resp_get(sd->rr, &rep) == 1) {
			record_reply(p, &sd->ro, rep);
			freeReplyObject(rep);
			sd->replied = true;
			sd->st = SIDE_DONE;
		} else if (resp_status(sd->rr) != RESP_OK) {
			sd->ro.not_resp = resp_status(sd->rr) == RESP_NOT_RESP;
			sd->ro.hostile = !sd->ro.not_resp;
			sd->st = SIDE_DONE;
		}
		return;
	}
	if (n == 0)
		sd->ro.closed = true;
	else if (errno == ECONNRESET)
		sd->ro.reset = true;
	else
		sd->ro.closed = true;
	sd->st = SIDE_DONE;
}

/* After the TLS attempt failed without a word of TLS: the side carries
 * on alone, as the cross-try would, until it is done or the deadline. */
static void
side_finish(struct probe *p, struct side *sd)
{
	struct pollfd pf;
	int r;

	while (side_active(sd)) {
		pf.fd = sd->fd;
		pf.events = side_events(sd);
		pf.revents = 0;
		r = poll(&pf, 1, clock_left_ms(p->deadline));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			sd->ro.timed_out = true;
			p->obs->deadline_hit = true;
			break;
		}
		side_io(p, sd);
	}
}

/* Records what the side found into obs.cross and releases it. */
static void
side_end(struct probe *p, struct side *sd)
{
	struct rd_cross_obs *x = &p->obs->cross;
	const struct rd_reply_obs *ro = &sd->ro;

	if (sd->st == SIDE_OFF)
		return;
	if (sd->replied) {
		x->succeeded = true;
		snprintf(x->detail, sizeof(x->detail), "%s%.200s reply in "
		    "plaintext", ro->kind == RD_R_ERROR ? "-" :
		    ro->kind == RD_R_STATUS ? "+" : "", ro->text);
	} else if (sd->abandoned)
		snprintf(x->detail, sizeof(x->detail), "plaintext PING on a "
		    "second connection abandoned: the peer answered in TLS");
	else if (sd->errnum != 0)
		snprintf(x->detail, sizeof(x->detail), "plaintext PING on a "
		    "second connection: connect failed (%s)",
		    tcp_errno_name(sd->errnum));
	else
		snprintf(x->detail, sizeof(x->detail), "plaintext PING on a "
		    "second connection got no reply (%s)", ro->timed_out ? "timeout" : ro->reset ?
		    "reset" : ro->not_resp ? "not RESP" : ro->hostile ?
		    "over the reply limits" : "closed");
	if (sd->fd != -1)
		close(sd->fd);
	sd->fd = -1;
	resp_free_cmd(sd->cmd, sd->len);
	sd->cmd = NULL;
	resp_reader_free(sd->rr);
	sd->rr = NULL;
}

/* One poll over the handshake and, once started, the side.  Returns
 * tls_advance's 1 or -1, or 0 when the side proved plaintext. */
static int
race(struct probe *p, struct side *sd, int64_t side_at)
{
	struct pollfd pf[2];
	short ev;
	int r;

	while ((r = tls_advance(&p->c, &ev)) == 0) {
		int64_t until = p->deadline;
		nfds_t n = 1;

		if (tls_peer_answered(&p->c)) {
			/* It speaks TLS: the plaintext question is moot. */
			side_at = 0;
			if (side_active(sd)) {
				sd->abandoned = true;
				sd->st = SIDE_DONE;
			}
		}
		if (side_at != 0 && sd->st == SIDE_OFF) {
			if (clock_now_us() >= side_at)
				side_start(p, sd);
			else if (side_at < until)
				until = side_at;
		}
		if (clock_left_us(p->deadline) == 0) {
			tls_stop(&p->c, 0);
			return -1;
		}
		pf[0].fd = p->c.fd;
		pf[0].events = ev;
		pf[0].revents = 0;
		if (side_active(sd)) {
			pf[1].fd = sd->fd;
			pf[1].events = side_events(sd);
			pf[1].revents = 0;
			n = 2;
		}
		if (poll(pf, n, clock_left_ms(until)) == -1) {
			if (errno == EINTR)
				continue;
			tls_stop(&p->c, errno);
			return -1;
		}
		if (n == 2 && pf[1].revents != 0) {
			side_io(p, sd);
			if (sd->replied) {
				tls_stop(&p->c, 0);
				return 0;
			}
		}
	}
	if (r == 1 && side_active(sd)) {
		sd->abandoned = true;
		sd->st = SIDE_DONE;
	}
	return r;
}

static int
step_tls(struct probe *p)
{
	struct rd_step *s = &p->obs->steps[RD_STEP_TLS];
	struct rd_tls_obs *t = &p->obs->tls;
	struct side sd;
	struct tls_opts o;
	char name[256];
	int64_t t0 = clock_now_us(), side_at = 0;
	int r, ret;

	memset(&sd, 0, sizeof(sd));
	sd.fd = -1;
	tls_opts_of(p->cfg, &o, name, sizeof(name));
	if (tls_begin(&p->c, &o, t, &s->err) == -1) {
		step_done(p, RD_STEP_TLS, RD_ST_FAIL, t0);
		return -1;
	}
	if (!p->po->no_cross_try)
		side_at = t0 + side_grace(p, t0);
	r = race(p, &sd, side_at);
	/* TLS failed without a word of TLS (silence, a close, a reset,
	 * bytes that are not TLS): the side is the cross-try, let it end. */
	if (r == -1 && side_active(&sd))
		side_finish(p, &sd);
	ret = tls_end(&p->c, &o, p->deadline, t, &s->err);
	if (r == 0)
		set_err(s, "no_tls_answer", 0, "", "no TLS answer after %lld "
		    "ms, while a plaintext PING on a second connection was "
		    "answered", (long long)((clock_now_us() - t0) / 1000));
	side_end(p, &sd);
	if (ret == 0) {
		snprintf(s->detail, sizeof(s->detail), "%s %.64s%s%.150s",
		    t->version, t->cipher, t->sni_sent ? ", SNI " : ", no SNI",
		    t->sni_sent ? t->sni : "");
		step_done(p, RD_STEP_TLS, RD_ST_OK, t0);
		return 0;
	}
	if (t->timed_out && clock_left_us(p->deadline) == 0)
		p->obs->deadline_hit = true;
	step_done(p, RD_STEP_TLS, RD_ST_FAIL, t0);
	return -1;
}

/* Did a plaintext conversation die the way a TLS port kills it? */
static bool
dropped_plaintext(const struct rd_reply_obs *ro)
{
	if (ro->kind != RD_R_NONE || ro->timed_out || ro->hostile)
		return false;
	if (ro->closed || ro->reset)
		return true;
	/* A TLS alert record: content type 21, version 3.x. */
	return ro->not_resp && strncmp(ro->first_bytes, "\\x15\\x03", 8) == 0;
}

/* The end of AUTH, SELECT and PING: unless ok, records into the step the
 * server's error reply or why no reply came; frees rep; closes the step.
 * Returns 0 when ok, else -1. */
static int
step_end(struct probe *p, enum rd_step_id id, struct rd_reply_obs *ro,
    redisReply *rep, bool ok, const char *cmd, int64_t t0)
{
	struct rd_step *s = &p->obs->steps[id];

	if (!ok && ro->kind != RD_R_NONE)
		server_error(s, ro, cmd);
	else if (!ok)
		reply_fail(p, s, ro, cmd);
	if (rep != NULL)
		freeReplyObject(rep);
	step_done(p, id, ok ? RD_ST_OK : RD_ST_FAIL, t0);
	return ok ? 0 : -1;
}

static int
step_auth(struct probe *p)
{
	const struct rd_config *cfg = p->cfg;
	struct rd_step *s = &p->obs->steps[RD_STEP_AUTH];
	struct rd_reply_obs *ro = &p->obs->auth;
	const char *argv[3];
	int argc = 0;
	int64_t t0 = clock_now_us();
	redisReply *rep;
	bool ok;

	if (cfg->password == NULL || cfg->password[0] == '\0') {
		rd_scopy(s->detail, sizeof(s->detail), "no password configured");
		return 0;
	}
	argv[argc++] = "AUTH";
	if (cfg->username != NULL && cfg->username[0] != '\0')
		argv[argc++] = cfg->username;
	argv[argc++] = cfg->password;
	p->obs->auth_sent = true;
	rep = command(p, argc, argv, ro);
	adopt_greeting(p, ro);
	ok = rep != NULL && ro->kind == RD_R_STATUS &&
	    strcmp(rep->str, "OK") == 0;
	if (ok)
		snprintf(s->detail, sizeof(s->detail), "AUTH %s**** → OK",
		    argc == 3 ? "<user> " : "");
	return step_end(p, RD_STEP_AUTH, ro, rep, ok, "AUTH", t0);
}

static int
step_select(struct probe *p)
{
	struct rd_step *s = &p->obs->steps[RD_STEP_SELECT];
	struct rd_reply_obs *ro = &p->obs->select;
	char db[16];
	const char *argv[] = { "SELECT", db };
	int64_t t0 = clock_now_us();
	redisReply *rep;
	bool ok;

	if (p->cfg->db <= 0) {
		rd_scopy(s->detail, sizeof(s->detail), "database 0");
		return 0;
	}
	snprintf(db, sizeof(db), "%d", p->cfg->db);
	rep = command(p, 2, argv, ro);
	adopt_greeting(p, ro);
	ok = rep != NULL && ro->kind == RD_R_STATUS;
	if (ok)
		snprintf(s->detail, sizeof(s->detail), "SELECT %s → OK", db);
	return step_end(p, RD_STEP_SELECT, ro, rep, ok, "SELECT", t0);
}

static int
step_ping(struct probe *p)
{
	struct rd_step *s = &p->obs->steps[RD_STEP_PING];
	struct rd_reply_obs *ro = &p->obs->ping;
	const char *argv[] = { "PING" };
	int64_t t0 = clock_now_us();
	redisReply *rep;
	bool ok;

	rep = command(p, 1, argv, ro);
	adopt_greeting(p, ro);
	ok = rep != NULL && ro->kind == RD_R_STATUS &&
	    strcmp(rep->str, "PONG") == 0;
	if (ok)
		rd_scopy(s->detail, sizeof(s->detail), "PONG");
	return step_end(p, RD_STEP_PING, ro, rep, ok, "PING", t0);
}

static void
step_info(struct probe *p)
{
	struct rd_step *s = &p->obs->steps[RD_STEP_INFO];
	struct rd_reply_obs *ro = &p->obs->info;
	struct rd_server_obs *sv = &p->obs->server;
	const char *argv[] = { "INFO" };
	const char *cargv[] = { "CLUSTER", "INFO" };
	int64_t t0 = clock_now_us();
	redisReply *rep;
	enum rd_status st = RD_ST_FAIL;

	rep = command(p, 1, argv, ro);
	if (rep != NULL && rep->type == REDIS_REPLY_STRING) {
		info_parse(rep->str, rep->len, sv);
		sv->info_ok = true;
		snprintf(s->detail, sizeof(s->detail), "redis %s, %s, %s",
		    sv->version[0] ? sv->version : "?",
		    sv->mode[0] ? sv->mode : "?", sv->role[0] ? sv->role : "?");
		st = RD_ST_OK;
	} else if (ro->kind == RD_R_ERROR) {
		/* ACLs and managed services forbid INFO: not fatal. */
		sv->info_denied = strcmp(ro->prefix, "NOPERM") == 0 ||
		    strcmp(ro->prefix, "ERR") == 0;
		server_error(s, ro, "INFO");
		st = RD_ST_WARN;
	} else if (ro->kind != RD_R_NONE)
		server_error(s, ro, "INFO");
	else
		reply_fail(p, s, ro, "INFO");
	if (rep != NULL)
		freeReplyObject(rep);

	if (st == RD_ST_OK && strcmp(sv->mode, "cluster") == 0 && !p->dead) {
		struct rd_reply_obs cro;

		memset(&cro, 0, sizeof(cro));
		rep = command(p, 2, cargv, &cro);
		if (rep != NULL && rep->type == REDIS_REPLY_STRING)
			info_parse(rep->str, rep->len, sv);
		if (rep != NULL)
			freeReplyObject(rep);
		if (cro.timed_out) {
			reply_fail(p, s, &cro, "CLUSTER INFO");
			st = RD_ST_FAIL;
		}
	}
	step_done(p, RD_STEP_INFO, st, t0);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted samples. */
static int64_t
pct(const int64_t *v, int n, int q)
{
	int k = (n * q + 99) / 100;

	if (k < 1)
		k = 1;
	return v[k - 1];
}

static void
step_latency(struct probe *p)
{
	struct rd_step *s = &p->obs->steps[RD_STEP_LATENCY];
	struct rd_latency_obs *l = &p->obs->latency;
	const char *argv[] = { "PING" };
	int64_t t0 = clock_now_us(), *v;
	int want = p->po->latency_samples, n = 0;

	if (want <= 0)
		want = LATENCY_DEFAULT;
	if (want > RD_MAX_SAMPLES)
		want = RD_MAX_SAMPLES;
	if ((v = calloc((size_t)want, sizeof(*v))) == NULL) {
		set_err(s, "ENOMEM", ENOMEM, "ENOMEM", "out of memory");
		step_done(p, RD_STEP_LATENCY, RD_ST_FAIL, t0);
		return;
	}
	while (n < want) {
		struct rd_reply_obs ro;
		redisReply *rep;
		int64_t t = clock_now_us();
		bool pong;

		memset(&ro, 0, sizeof(ro));
		rep = command(p, 1, argv, &ro);
		pong = rep != NULL && ro.kind == RD_R_STATUS &&
		    strcmp(rep->str, "PONG") == 0;
		if (rep != NULL)
			freeReplyObject(rep);
		if (!pong) {
			if (ro.kind != RD_R_NONE)
				server_error(s, &ro, "PING");
			else
				reply_fail(p, s, &ro, "PING");
			break;
		}
		v[n++] = clock_now_us() - t;
	}
	l->samples = n;
	if (n > 0) {
		qsort(v, (size_t)n, sizeof(*v), cmp_i64);
		l->min_us = v[0];
		l->p50_us = pct(v, n, 50);
		l->p99_us = pct(v, n, 99);
		l->max_us = v[n - 1];
		for (int i = 0; i < n; i++)
			l->sum_us += v[i];
		snprintf(s->detail, sizeof(s->detail), "%d PINGs: min %lld µs, "
		    "p50 %lld µs, p99 %lld µs, max %lld µs", n,
		    (long long)l->min_us, (long long)l->p50_us,
		    (long long)l->p99_us, (long long)l->max_us);
	}
	free(v);
	step_done(p, RD_STEP_LATENCY, n == want ? RD_ST_OK : RD_ST_FAIL, t0);
}

/* The conversation after the connection (and TLS) is up. */
static void
converse(struct probe *p)
{
	const struct rd_reply_obs *first;
	bool plain = !p->cfg->tls;

	greeting(p);
	/* -2 / -3: HELLO first, as RESP3 clients do (hello.c). */
	if (!p->dead && p->cfg->resp > 0 &&
	    hello_step(&p->c, p->deadline, p->cfg, p->obs) == -1)
		p->dead = true;
	step_auth(p);
	if (!p->dead && p->cfg->db > 0)
		step_select(p);
	if (!p->dead && step_ping(p) == 0) {
		step_info(p);
		if (!p->dead)
			step_latency(p);
	}

	/* A TLS server that refused us after the handshake (TLS 1.3 sends
	 * certificate_required on the first read): the tls step failed. */
	if (!plain && p->obs->tls.alert >= 0 && !p->obs->tls.alert_sent &&
	    p->obs->steps[RD_STEP_TLS].status == RD_ST_OK) {
		struct rd_step *s = &p->obs->steps[RD_STEP_TLS];

		s->status = RD_ST_FAIL;
		p->obs->tls.ok = false;
		set_err(s, "tls_alert", p->obs->tls.alert,
		    p->obs->tls.alert_desc, "the server sent TLS alert %d (%s) "
		    "after the handshake", p->obs->tls.alert,
		    p->obs->tls.alert_desc);
	}

	first = p->obs->auth_sent ? &p->obs->auth :
	    p->cfg->db > 0 ? &p->obs->select : &p->obs->ping;
	if (plain && !p->po->no_cross_try && !p->cfg->unix_socket &&
	    p->obs->greeting.kind ==
	    RD_R_NONE && dropped_plaintext(first)) {
		conn_close(&p->c);
		cross_tls(p);
	}
}

void
probe_run(const struct rd_config *cfg, const struct rd_probe_opts *po,
    struct rd_obs *obs)
{
	struct probe p;
	int i;

	memset(obs, 0, sizeof(*obs));
	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.po = po;
	p.obs = obs;
	p.deadline = po->deadline_us;
	p.c.fd = -1;
	obs->start_us = clock_now_us();
	obs->deadline_us = po->deadline_us;
	obs->timeout_us = cfg->timeout_us;
	obs->tls.alert = -1;
	obs->tls.hostname_match = -1;
	obs->tcp.winner = -1;
	info_init(&obs->server);
	for (i = 0; i < RD_STEP__COUNT; i++)
		obs->steps[i].status = RD_ST_SKIP;
	rd_scopy(obs->steps[RD_STEP_HELLO].detail,
	    sizeof(obs->steps[RD_STEP_HELLO].detail), "not needed (RESP2)");

	if (!cfg->valid || cfg->host == NULL) {
		obs->steps[RD_STEP_CONFIG].status = RD_ST_FAIL;
		set_err(&obs->steps[RD_STEP_CONFIG], "invalid", 0, "",
		    "the configuration cannot be used");
		goto out;
	}
	obs->steps[RD_STEP_CONFIG].status = RD_ST_OK;

	if (cfg->unix_socket) {		/* -s, unix:// (unixsock.c) */
		if ((p.c.fd = unixsock_connect(cfg->host, p.deadline, obs)) == -1)
			goto out;
	} else if (step_dns(&p) == -1 || step_tcp(&p) == -1)
		goto out;
	if (cfg->tls && step_tls(&p) == -1) {
		const struct rd_tls_obs *t = &obs->tls;

		conn_close(&p.c);
		if (po->no_cross_try)
			goto out;
		if (!t->sni_sent && t->verify_code == 0 && !t->not_tls &&
		    !t->timed_out && ((t->alert >= 0 && !t->alert_sent) ||
		    (!t->have_cert && (t->peer_closed || t->peer_reset))))
			cross_sni(&p);
		if (!obs->cross.succeeded && !obs->cross.tried_plain &&
		    (t->not_tls || t->peer_closed ||
		    t->peer_reset || (t->timed_out &&
		    clock_left_us(p.deadline) > 0)))
			cross_plain(&p);
		goto out;
	}
	if ((p.rr = resp_reader_new(NULL)) == NULL) {
		set_err(&obs->steps[RD_STEP_PING], "ENOMEM", ENOMEM, "ENOMEM",
		    "out of memory");
		obs->steps[RD_STEP_PING].status = RD_ST_FAIL;
		goto out;
	}
	converse(&p);
out:
	resp_reader_free(p.rr);
	conn_close(&p.c);
	obs->total_us = clock_now_us() - obs->start_us;
}
