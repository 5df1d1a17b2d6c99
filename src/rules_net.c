/* rules_net.c — the rules for DNS and TCP: EAI_* codes, errno of every
 * attempt, families, the deadline (rules.c says how rules are written). */
#include "rules_int.h"

/* ---- dns ---- */

/* An IP literal of one family while -4/-6 asked for the other. */
static void
f_literal_family(struct rctx *c, const char *lit)
{
	const struct rd_dns_obs *d = &c->obs->dns;
	int want = d->family_wanted == 6 ? 6 : 4, has = want == 6 ? 4 : 6;
	struct rd_finding *f;

	f = ru_emit(c, "dns.no_address", RD_SEV_CRITICAL);
	TITLE(f, "%s is an IPv%d address but IPv%d was asked for", lit, has,
	    want);
	EVID(f, "%s is an IPv%d literal but -%d was given", lit, has, want);
	ru_evid_source(c, f);
	REMEDY(f, "drop -%d (or the ?family= URL key): %s can only be "
	    "reached over IPv%d", want, lit, has);
	REMEDY(f, "or give an IPv%d address (or a host name with one) "
	    "instead of %s", want, lit);
}

void
rule_dns(struct rctx *c)
{
	const struct rd_dns_obs *d = &c->obs->dns;
	const char *host = c->cfg != NULL && c->cfg->host ? c->cfg->host : "?";
	struct rd_finding *f;
	char b[32], b2[256];
	int e = d->gai_err;

	if (!d->attempted)
		return;
	if (d->literal) {
		/* No lookup, but -4/-6 can still leave nothing to use. */
		if (d->naddr == 0 && d->nfiltered > 0)
			f_literal_family(c, rd_unbracket(host, b2, sizeof(b2)));
		return;
	}
	if (d->timed_out) {
		f = ru_emit(c, "dns.timeout", RD_SEV_CRITICAL);
		TITLE(f, "resolving %s did not finish before the deadline", host);
		EVID(f, "getaddrinfo(\"%s\") was still running after %s, "
		    "when the deadline passed", host,
		    ru_ms(b, sizeof(b), ru_elapsed(c, RD_STEP_DNS)));
		if (d->stalled > 0)
			EVID(f, "; %d earlier lookup%s still unanswered", d->stalled,
			    d->stalled == 1 ? " was" : "s were");
		ru_evid_source(c, f);
		REMEDY(f, "check the resolver in /etc/resolv.conf answers "
		    "(e.g. getent hosts %s)", host);
		REMEDY(f, "raise --timeout if the resolver is merely slow");
		return;
	}
	if (e == 0) {
		if (d->naddr == 0 && d->nfiltered > 0) {
			f = ru_emit(c, "dns.no_address", RD_SEV_CRITICAL);
			TITLE(f, "%s has no IPv%d address", host,
			    d->family_wanted ? d->family_wanted : 4);
			EVID(f, "%s resolved to %d address%s, all of the other "
			    "family and dropped by -%d", host, d->nfiltered,
			    d->nfiltered == 1 ? "" : "es", d->family_wanted);
			REMEDY(f, "drop -%d (or the ?family= URL key) so the "
			    "address family %s has can be used",
			    d->family_wanted, host);
		}
		return;
	}
	switch (e) {
	case EAI_NONAME:
		f = ru_emit(c, "dns.nxdomain", RD_SEV_CRITICAL);
		TITLE(f, "host name %s does not exist", host);
		EVID(f, "getaddrinfo(\"%s\") returned EAI_NONAME after %s", host,
		    ru_ms(b, sizeof(b), ru_elapsed(c, RD_STEP_DNS)));
		ru_evid_source(c, f);
		REMEDY(f, "check the spelling of %s in %s", host,
		    c->cfg != NULL && c->cfg->source[0] ? c->cfg->source :
		    "the configuration");
		REMEDY(f, "internal names (*.internal, service names) resolve "
		    "only inside their own network: run redisdiag where the "
		    "app runs");
		break;
	case EAI_AGAIN:
	case EAI_FAIL:
	case EAI_SYSTEM:
	default:
#ifdef EAI_NODATA
		if (e == EAI_NODATA)
			goto noaddr;
#endif
#ifdef EAI_ADDRFAMILY
		if (e == EAI_ADDRFAMILY)
			goto noaddr;
#endif
		if (e == EAI_FAMILY)
			goto noaddr;
		f = ru_emit(c, "dns.temporary", RD_SEV_CRITICAL);
		TITLE(f, "the resolver failed to look up %s", host);
		EVID(f, "getaddrinfo(\"%s\") returned %s", host, dns_eai_name(e));
		if (e == EAI_SYSTEM && d->gai_errno != 0)
			EVID(f, " (%s)", ru_errno_name(d->gai_errno, b, sizeof(b)));
		EVID(f, "; the name server could not be reached or failed "
		    "(a temporary condition, not proof the name is wrong)");
		ru_evid_source(c, f);
		REMEDY(f, "check /etc/resolv.conf and that its name server is "
		    "reachable from here; retry");
		REMEDY(f, "getent hosts %s shows what the system resolver "
		    "answers", host);
		break;
	}
	return;
noaddr:
	f = ru_emit(c, "dns.no_address", RD_SEV_CRITICAL);
	TITLE(f, "%s exists but has no usable address", host);
	EVID(f, "getaddrinfo(\"%s\") returned %s", host, dns_eai_name(e));
	if (d->family_wanted)
		EVID(f, " for IPv%d", d->family_wanted);
	ru_evid_source(c, f);
	if (d->family_wanted)
		REMEDY(f, "drop -%d (or ?family=): the name may have only "
		    "addresses of the other family", d->family_wanted);
	REMEDY(f, "check the DNS records of %s (A for IPv4, AAAA for IPv6)",
	    host);
}

/* ---- tcp ---- */

static void
attempt_text(const struct rd_attempt *a, char *buf, size_t sz)
{
	if (a->addr.family == 6 || strchr(a->addr.text, ':') != NULL)
		snprintf(buf, sz, "[%s]:%d", a->addr.text, a->port);
	else
		snprintf(buf, sz, "%s:%d", a->addr.text, a->port);
}

void
rule_tcp(struct rctx *c)
{
	const struct rd_tcp_obs *t = &c->obs->tcp;
	int i, nref = 0, nreset = 0, nunreach = 0, ntimeout = 0;
	const char *id;
	struct rd_finding *f;
	char a[300], b[32], eb[24];

	if (!t->attempted || t->winner >= 0)
		return;
	for (i = 0; i < t->nattempts && i < RD_MAX_ADDRS; i++) {
		const struct rd_attempt *at = &t->attempts[i];

		if (at->connected)
			continue;
		switch (at->errnum) {
		case ECONNREFUSED:
			nref++;
			break;
		case ECONNRESET:
		case ECONNABORTED:
			nreset++;
			break;
		case ETIMEDOUT:
		case 0:			/* abandoned at the deadline */
			ntimeout++;
			break;
		default:		/* EHOSTUNREACH, ENETUNREACH, EACCES ... */
			nunreach++;
			break;
		}
	}
	/* The most telling answer wins: a refusal proves the host is there
	 * and nothing listens; a reset proves something answered. */
	if (nref > 0)
		id = "tcp.refused";
	else if (nreset > 0)
		id = "tcp.reset";
	else if (nunreach > 0)
		id = "tcp.unreachable";
	else
		id = "tcp.timeout";

	f = ru_emit(c, id, RD_SEV_CRITICAL);
	if (f == NULL)
		return;
	/* One address: name it; several: the configured host:port. */
	if (t->nattempts == 1)
		attempt_text(&t->attempts[0], a, sizeof(a));
	else
		snprintf(a, sizeof(a), "%s", c->target);

	if (strcmp(id, "tcp.refused") == 0)
		TITLE(f, "connection refused by %s", a);
	else if (strcmp(id, "tcp.reset") == 0)
		TITLE(f, "%s reset the connection", a);
	else if (strcmp(id, "tcp.unreachable") == 0)
		TITLE(f, "no route to %s", a);
	else
		TITLE(f, "connection to %s timed out", a);

	for (i = 0; i < t->nattempts && i < RD_MAX_ADDRS; i++) {
		const struct rd_attempt *at = &t->attempts[i];

		attempt_text(at, a, sizeof(a));
		EVID(f, "%s", i ? "; " : "");
		if (at->errnum == ECONNREFUSED)
			EVID(f, "%s refused the connection (ECONNREFUSED) after "
			    "%s; nothing listens there", a,
			    ru_ms(b, sizeof(b), at->us));
		else if (at->errnum == 0 || at->abandoned)
			EVID(f, "%s did not answer within %s (abandoned)", a,
			    ru_ms(b, sizeof(b), at->us));
		else
			EVID(f, "%s: %s after %s", a,
			    ru_errno_name(at->errnum, eb, sizeof(eb)),
			    ru_ms(b, sizeof(b), at->us));
	}
	if (t->nattempts == 0)
		EVID(f, "no connection to %s completed before the deadline",
		    c->target);
	ru_evid_source(c, f);

	if (strcmp(id, "tcp.refused") == 0) {
		ru_remedy_target(c, f);
		REMEDY(f, "start Redis on %s, or point REDIS_URL at the server "
		    "the app should use: REDIS_URL=redis://HOST:PORT",
		    c->target);
		REMEDY(f, "if Redis runs there, check its 'port' and 'bind' "
		    "settings (redis-cli CONFIG GET port)");
	} else if (strcmp(id, "tcp.reset") == 0) {
		REMEDY(f, "something at %s answers and resets: check that the "
		    "port belongs to Redis and that no proxy or firewall "
		    "resets the connection", c->target);
	} else if (strcmp(id, "tcp.unreachable") == 0) {
		ru_remedy_target(c, f);
		REMEDY(f, "the network has no route to %s: check the address "
		    "is reachable from this network (VPC, peering, private "
		    "networking)", c->target);
		REMEDY(f, "if only IPv6 fails, try -4 (or ?family=4)");
	} else {
		ru_remedy_target(c, f);
		REMEDY(f, "a firewall or security group likely drops packets "
		    "to %s: allow it from this host's network", c->target);
		REMEDY(f, "check the address is one this network can reach "
		    "(a private IP of another network never answers)");
	}
}
