/* probe.c — the staged probe under one absolute deadline.
 *
 * config → dns → tcp → tls → hello → auth → select → ping → info →
 * latency.  Each step records status, duration and an error object by
 * code; the connection facts go into struct rd_obs.  The probe judges
 * nothing and prints nothing: rules.c reads what it recorded.
 *
 * This file holds the run itself (dns, tcp, the order of the steps); the
 * other parts are probe_door.c, probe_reply.c, probe_tls.c and
 * probe_steps.c (probe_int.h). */
#include "probe_int.h"

void
pr_set_err(struct rd_step *s, const char *code, int errnum, const char *name,
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

void
pr_step_done(struct probe *p, enum rd_step_id id, enum rd_status st, int64_t t0)
{
	p->obs->steps[id].status = st;
	p->obs->steps[id].us = clock_now_us() - t0;
}

bool
pr_host_is_ip(const char *h)
{
	unsigned char b[16];
	char buf[64];

	h = rd_unbracket(h, buf, sizeof(buf));
	return inet_pton(AF_INET, h, b) == 1 || inet_pton(AF_INET6, h, b) == 1;
}

/* The host without IPv6 brackets, for certificate checks. */
void
pr_bare_host(const char *h, char *out, size_t outsz)
{
	if (rd_unbracket(h, out, outsz) != out)
		rd_scopy(out, outsz, h);
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
		pr_step_done(p, RD_STEP_DNS, RD_ST_OK, t0);
		return 0;
	}
	if (d->timed_out) {
		p->obs->deadline_hit = true;
		pr_set_err(s, "timeout", ETIMEDOUT, "ETIMEDOUT",
		    "resolving %s did not finish before the deadline",
		    cfg->host);
	} else if (d->gai_err == EAI_SYSTEM)
		pr_set_err(s, "EAI_SYSTEM", d->gai_err, "EAI_SYSTEM",
		    "resolving %s: system error %s", cfg->host,
		    tcp_errno_name(d->gai_errno));
	else if (d->gai_err != 0)
		pr_set_err(s, dns_eai_name(d->gai_err), d->gai_err,
		    dns_eai_name(d->gai_err), "resolving %s: %s", cfg->host,
		    gai_strerror(d->gai_err));
	else if (d->literal)
		pr_set_err(s, "no_address", 0, "", "%s is an IPv%d literal but "
		    "-%d was given", cfg->host, cfg->family == 6 ? 4 : 6,
		    cfg->family);
	else
		pr_set_err(s, "no_address", 0, "", "%s has no IPv%d address "
		    "(%d dropped by -%d)", cfg->host, cfg->family,
		    d->nfiltered, cfg->family);
	pr_step_done(p, RD_STEP_DNS, RD_ST_FAIL, t0);
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
		pr_step_done(p, RD_STEP_TCP, RD_ST_OK, t0);
		return 0;
	}
	if (t->timed_out) {
		p->obs->deadline_hit = true;
		pr_set_err(s, "timeout", ETIMEDOUT, "ETIMEDOUT",
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
		pr_set_err(s, tcp_errno_name(e), e, tcp_errno_name(e),
		    "connect to port %d: %s", p->cfg->port, strerror(e));
	}
	pr_step_done(p, RD_STEP_TCP, RD_ST_FAIL, t0);
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
	return ro->not_resp && ro->tls_alert_bytes;
}

/* The conversation after the connection (and TLS) is up. */
static void
converse(struct probe *p)
{
	const struct rd_reply_obs *first;
	bool plain = !p->cfg->tls;

	pr_greeting(p);
	/* -2 / -3, or the client's own: HELLO first, as RESP3 clients do
	 * (hello.c) — unless the server spoke first: those bytes are in the
	 * reader the later commands read, not in HELLO's. */
	if (!p->dead && p->cfg->resp > 0 && resp_nread(p->rr) == 0 &&
	    hello_step(&p->c, p->deadline, p->cfg, p->po->vault, p->obs) == -1)
		p->dead = true;
	pr_step_auth(p);
	if (!p->dead && p->cfg->db > 0)
		pr_step_select(p);
	if (!p->dead && pr_step_ping(p) == 0) {
		/* A cluster node that said so in its HELLO reply: its nodes
		 * first, so they are probed while this connection reads INFO
		 * and times its latency. */
		bool early = p->po->sentinel_master == NULL &&
		    pr_said_cluster(p);

		if (early)
			pr_step_topology(p);
		if (!p->dead && !p->po->no_info)
			pr_step_info(p);
		if (!early)
			pr_step_topology(p);
		if (!p->dead && !p->po->no_latency)
			pr_step_latency(p);
	}

	/* A TLS server that refused us after the handshake (TLS 1.3 sends
	 * certificate_required on the first read): the tls step failed. */
	if (!plain && p->obs->tls.alert >= 0 && !p->obs->tls.alert_sent &&
	    p->obs->steps[RD_STEP_TLS].status == RD_ST_OK) {
		struct rd_step *s = &p->obs->steps[RD_STEP_TLS];

		s->status = RD_ST_FAIL;
		p->obs->tls.ok = false;
		pr_set_err(s, "tls_alert", p->obs->tls.alert,
		    p->obs->tls.alert_desc, "the server sent TLS alert %d (%s) "
		    "after the handshake", p->obs->tls.alert,
		    p->obs->tls.alert_desc);
	}

	first = p->obs->hello.attempted ? &p->obs->hello.reply :
	    p->obs->auth_sent ? &p->obs->auth :
	    p->cfg->db > 0 ? &p->obs->select : &p->obs->ping;
	if (plain && !p->po->no_cross_try && !p->cfg->unix_socket &&
	    p->obs->greeting.kind ==
	    RD_R_NONE && dropped_plaintext(first)) {
		conn_close(&p->c);
		pr_cross_tls(p);
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
		pr_set_err(&obs->steps[RD_STEP_CONFIG], "invalid", 0, "",
		    "the configuration cannot be used");
		goto out;
	}
	obs->steps[RD_STEP_CONFIG].status = RD_ST_OK;

	if (cfg->unix_socket) {		/* -s, unix:// (unixsock.c) */
		if ((p.c.fd = unixsock_connect(cfg->host, p.deadline, obs)) == -1)
			goto out;
	} else if (step_dns(&p) == -1 || step_tcp(&p) == -1)
		goto out;
	if (cfg->tls && pr_step_tls(&p) == -1) {
		const struct rd_tls_obs *t = &obs->tls;

		conn_close(&p.c);
		if (po->no_cross_try)
			goto out;
		if (!t->sni_sent && t->verify_code == 0 && !t->not_tls &&
		    !t->timed_out && ((t->alert >= 0 && !t->alert_sent) ||
		    (!t->have_cert && (t->peer_closed || t->peer_reset))))
			pr_cross_sni(&p);
		if (!obs->cross.succeeded && !obs->cross.tried_plain &&
		    (t->not_tls || t->peer_closed ||
		    t->peer_reset || (t->timed_out &&
		    clock_left_us(p.deadline) > 0)))
			pr_cross_plain(&p);
		goto out;
	}
	if ((p.rr = resp_reader_new(NULL)) == NULL) {
		pr_set_err(&obs->steps[RD_STEP_PING], "ENOMEM", ENOMEM, "ENOMEM",
		    "out of memory");
		obs->steps[RD_STEP_PING].status = RD_ST_FAIL;
		goto out;
	}
	converse(&p);
	/* watch --hold: a conversation that ended well keeps its
	 * connection; the hold owns it (and the reader) from here. */
	if (po->hold != NULL && !p.dead && p.c.fd != -1 && obs->ping.pong &&
	    !obs->unsolicited_seen && !obs->cross.attempted &&
	    obs->steps[RD_STEP_PING].status == RD_ST_OK) {
		hold_adopt(po->hold, &p.c, p.rr);
		p.rr = NULL;
	}
out:
	pr_door_tls(&p, &obs->tls);
	resp_reader_free(p.rr);
	conn_close(&p.c);
	obs->total_us = clock_now_us() - obs->start_us;
}
