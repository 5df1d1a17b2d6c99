/* probe_tls.c — the tls step and the plaintext/TLS cross-try (SPEC
 * section 5): a second plaintext connection raced beside a handshake that
 * may be talking to a plaintext port, and the retries with TLS, SNI or
 * plaintext after a failure. */
#include "probe_int.h"

static void
tls_opts_of(const struct rd_config *cfg, int64_t deadline, struct tls_opts *o,
    char *name, size_t namesz)
{
	memset(o, 0, sizeof(*o));
	o->files_deadline_us = deadline;
	o->sni = cfg->sni;
	if (cfg->sni_explicit && cfg->sni != NULL && cfg->sni[0] != '\0')
		rd_scopy(name, namesz, cfg->sni);
	else
		pr_bare_host(cfg->host, name, namesz);
	o->expected_name = name;
	o->name_is_ip = pr_host_is_ip(name);
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

/* A cross-try's handshake on a new connection to the address the tcp
 * step won, verification off (the proof needs a handshake, not trust).
 * try names the attempt ("TLS retry"), done what completed ("TLS
 * handshake with SNI h"), in x->detail. */
static void
cross_handshake(struct probe *p, const struct dns_target *dt,
    struct tls_opts *o, const char *try, const char *done)
{
	struct rd_cross_obs *x = &p->obs->cross;
	struct conn c = { .fd = -1 };
	struct rd_tls_obs t;
	struct rd_err err;

	if ((c.fd = tcp_connect_one(dt, p->deadline)) == -1) {
		snprintf(x->detail, sizeof(x->detail), "%s: connect failed "
		    "(%s)", try, tcp_errno_name(errno));
		return;
	}
	memset(&t, 0, sizeof(t));
	memset(&err, 0, sizeof(err));
	o->verify = false;
	o->need_trust = false;
	if (tls_handshake(&c, o, p->deadline, &t, &err) == 0) {
		x->succeeded = true;
		snprintf(x->detail, sizeof(x->detail), "%.220s completed (%s)",
		    done, t.version);
	} else
		snprintf(x->detail, sizeof(x->detail), "%s failed: %.200s", try,
		    err.message);
	conn_close(&c);
}

/* Plaintext was dropped: does the port speak TLS? */
void
pr_cross_tls(struct probe *p)
{
	const struct dns_target *dt = winner_target(p);
	struct tls_opts o;
	char name[256];

	if (dt == NULL || clock_left_us(p->deadline) == 0)
		return;
	p->obs->cross.attempted = p->obs->cross.tried_tls = true;
	tls_opts_of(p->cfg, p->deadline, &o, name, sizeof(name));
	o.cert = o.key = NULL;
	o.cacert = o.cacertdir = NULL;
	cross_handshake(p, dt, &o, "TLS retry", "TLS handshake");
}

/* TLS without SNI was refused: does the same handshake with the host
 * name as SNI get through?  (A proxy routing by SNI, a server requiring
 * it.) */
void
pr_cross_sni(struct probe *p)
{
	const struct dns_target *dt = winner_target(p);
	struct tls_opts o;
	char name[256], done[300];

	if (dt == NULL || clock_left_us(p->deadline) == 0)
		return;
	tls_opts_of(p->cfg, p->deadline, &o, name, sizeof(name));
	if (o.name_is_ip)
		return;		/* no name to send */
	p->obs->cross.attempted = p->obs->cross.tried_sni = true;
	o.sni = name;
	snprintf(done, sizeof(done), "TLS handshake with SNI %.200s", name);
	cross_handshake(p, dt, &o, "TLS retry with SNI", done);
}

/* TLS failed on non-TLS bytes or a close: does the port speak plaintext? */
void
pr_cross_plain(struct probe *p)
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
	rep = pr_command(&q, 1, argv, &ro);
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
			pr_record_reply(p, &sd->ro, rep);
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

int
pr_step_tls(struct probe *p)
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
	tls_opts_of(p->cfg, p->deadline, &o, name, sizeof(name));
	if (tls_begin(&p->c, &o, t, &s->err) == -1) {
		pr_step_done(p, RD_STEP_TLS, RD_ST_FAIL, t0);
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
		pr_set_err(s, "no_tls_answer", 0, "", "no TLS answer after %lld "
		    "ms, while a plaintext PING on a second connection was "
		    "answered", (long long)((clock_now_us() - t0) / 1000));
	side_end(p, &sd);
	if (ret == 0) {
		snprintf(s->detail, sizeof(s->detail), "%s %.64s%s%.150s",
		    t->version, t->cipher, t->sni_sent ? ", SNI " : ", no SNI",
		    t->sni_sent ? t->sni : "");
		pr_step_done(p, RD_STEP_TLS, RD_ST_OK, t0);
		return 0;
	}
	if (t->timed_out && clock_left_us(p->deadline) == 0)
		p->obs->deadline_hit = true;
	pr_step_done(p, RD_STEP_TLS, RD_ST_FAIL, t0);
	return -1;
}
