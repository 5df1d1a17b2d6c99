/* dns.c — getaddrinfo on an abandonable worker thread, -4/-6 filtering,
 * IP literals without a lookup.
 *
 * A lookup abandoned at the deadline keeps its thread (and the resolver's
 * UDP socket) until getaddrinfo returns, which against a stalled resolver
 * may be never.  `watch` probes again and again, so at most
 * DNS_MAX_PENDING workers run at once: when they are all still busy, a
 * new lookup waits for one of them until its own deadline and is then a
 * timeout (the resolver is not answering), never a failure of our own
 * making (no thread, no file descriptor left). */
#include <signal.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "dns.h"
#include "strutil.h"

/* Workers running, abandoned ones included, and the cap on them. */
#define DNS_MAX_PENDING	4
static pthread_mutex_t pending_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pending_cv = PTHREAD_COND_INITIALIZER;
static int pending;

/* A wait on a condition variable is not interrupted by a signal: wait in
 * slices this long, so a cancelled clock (SIGINT/SIGTERM) is seen. */
#define DNS_SLICE_US	50000

/* Shared by the caller and the worker; the last one to let go frees it. */
struct dns_job {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 refs;
	bool		 done;
	char		*host;
	struct addrinfo	 hints;
	struct rd_resolver rv;		/* copied: the caller's may go away */
	bool		 have_rv;
	struct addrinfo	*res;
	int		 err;
	int		 errnum;
};

const char *
dns_eai_name(int e)
{
	switch (e) {
	case 0:			return "";
	case EAI_NONAME:	return "EAI_NONAME";
	case EAI_AGAIN:		return "EAI_AGAIN";
	case EAI_FAIL:		return "EAI_FAIL";
	case EAI_FAMILY:	return "EAI_FAMILY";
	case EAI_SOCKTYPE:	return "EAI_SOCKTYPE";
	case EAI_SERVICE:	return "EAI_SERVICE";
	case EAI_MEMORY:	return "EAI_MEMORY";
	case EAI_SYSTEM:	return "EAI_SYSTEM";
	case EAI_BADFLAGS:	return "EAI_BADFLAGS";
	case EAI_OVERFLOW:	return "EAI_OVERFLOW";
#ifdef EAI_NODATA
	case EAI_NODATA:	return "EAI_NODATA";
#endif
#ifdef EAI_ADDRFAMILY
	case EAI_ADDRFAMILY:	return "EAI_ADDRFAMILY";
#endif
	default:		return "EAI_?";
	}
}

static void
job_release(struct dns_job *j)
{
	bool last;

	pthread_mutex_lock(&j->mu);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->mu);
	if (!last)
		return;
	if (j->res != NULL) {
		if (j->have_rv && j->rv.freeres != NULL)
			j->rv.freeres(j->rv.ctx, j->res);
		else
			freeaddrinfo(j->res);
	}
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j->host);
	free(j);
}

static void *
worker(void *arg)
{
	struct dns_job *j = arg;
	struct addrinfo *res = NULL;
	int err, errnum;

	errno = 0;
	if (j->have_rv)
		err = j->rv.resolve(j->rv.ctx, j->host, NULL, &j->hints, &res);
	else
		err = getaddrinfo(j->host, NULL, &j->hints, &res);
	errnum = err == EAI_SYSTEM ? errno : 0;

	pthread_mutex_lock(&j->mu);
	j->res = res;
	j->err = err;
	j->errnum = errnum;
	j->done = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	job_release(j);

	pthread_mutex_lock(&pending_mu);
	pending--;
	pthread_cond_broadcast(&pending_cv);
	pthread_mutex_unlock(&pending_mu);
	return NULL;
}

/* Absolute CLOCK_MONOTONIC time for a condition wait: the sooner of the
 * deadline and one slice from now. */
static void
slice_until(int64_t deadline_us, struct timespec *ts)
{
	int64_t left = clock_left_us(deadline_us);

	if (left > DNS_SLICE_US)
		left = DNS_SLICE_US;
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += left / 1000000;
	ts->tv_nsec += (left % 1000000) * 1000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Takes a worker slot, waiting for one until the deadline: true when
 * taken.  *busy says how many earlier lookups were still running. */
static bool
take_slot(int64_t deadline_us, int *busy)
{
	struct timespec ts;
	bool ok;

	pthread_mutex_lock(&pending_mu);
	*busy = pending;
	while (pending >= DNS_MAX_PENDING && clock_left_us(deadline_us) > 0) {
		slice_until(deadline_us, &ts);
		pthread_cond_timedwait(&pending_cv, &pending_mu, &ts);
	}
	ok = pending < DNS_MAX_PENDING;
	if (ok)
		pending++;
	pthread_mutex_unlock(&pending_mu);
	return ok;
}

static void
give_slot(void)
{
	pthread_mutex_lock(&pending_mu);
	pending--;
	pthread_cond_broadcast(&pending_cv);
	pthread_mutex_unlock(&pending_mu);
}

int
dns_pending(void)
{
	int n;

	pthread_mutex_lock(&pending_mu);
	n = pending;
	pthread_mutex_unlock(&pending_mu);
	return n;
}

/* Appends ai's address unless already there or filtered out. */
static void
add_addr(const struct sockaddr *sa, socklen_t salen, int port, int family,
    struct rd_dns_obs *obs, struct dns_result *res)
{
	struct dns_target t;
	char text[64];
	int fam, i;

	memset(&t, 0, sizeof(t));
	if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in *in = (struct sockaddr_in *)&t.ss;

		memcpy(in, sa, sizeof(*in));
		in->sin_port = htons((uint16_t)port);
		t.len = sizeof(*in);
		fam = 4;
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
	} else if (sa->sa_family == AF_INET6 &&
	    salen >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&t.ss;

		memcpy(in6, sa, sizeof(*in6));
		in6->sin6_port = htons((uint16_t)port);
		t.len = sizeof(*in6);
		fam = 6;
		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
	} else
		return;
	t.family = sa->sa_family;
	for (i = 0; i < obs->naddr; i++)
		if (strcmp(obs->addrs[i].text, text) == 0)
			return;
	if (family != 0 && family != fam) {
		obs->nfiltered++;
		return;
	}
	if (obs->naddr == RD_MAX_ADDRS)
		return;
	obs->addrs[obs->naddr].family = fam;
	snprintf(obs->addrs[obs->naddr].text,
	    sizeof(obs->addrs[obs->naddr].text), "%s", text);
	obs->naddr++;
	res->t[res->n++] = t;
}

static int
literal(const char *host, int port, int family, struct rd_dns_obs *obs,
    struct dns_result *res)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	char buf[64];

	/* "[::1]" as a host is an IPv6 literal too. */
	host = rd_unbracket(host, buf, sizeof(buf));
	memset(&in, 0, sizeof(in));
	memset(&in6, 0, sizeof(in6));
	if (inet_pton(AF_INET, host, &in.sin_addr) == 1) {
		in.sin_family = AF_INET;
		obs->literal = true;
		add_addr((struct sockaddr *)&in, sizeof(in), port, family,
		    obs, res);
		return 1;
	}
	if (inet_pton(AF_INET6, host, &in6.sin6_addr) == 1) {
		in6.sin6_family = AF_INET6;
		obs->literal = true;
		add_addr((struct sockaddr *)&in6, sizeof(in6), port, family,
		    obs, res);
		return 1;
	}
	return 0;
}

/* Waits for the worker until the deadline (or a cancelled clock);
 * returns true when it answered. */
static bool
wait_job(struct dns_job *j, int64_t deadline_us)
{
	struct timespec ts;
	bool done;

	pthread_mutex_lock(&j->mu);
	while (!j->done && clock_left_us(deadline_us) > 0) {
		slice_until(deadline_us, &ts);
		pthread_cond_timedwait(&j->cv, &j->mu, &ts);
	}
	done = j->done;
	pthread_mutex_unlock(&j->mu);
	return done;
}

int
dns_resolve(const char *host, int port, int family,
    const struct rd_resolver *resolver, int64_t deadline_us,
    struct rd_dns_obs *obs, struct dns_result *res)
{
	struct dns_job *j;
	pthread_condattr_t ca;
	pthread_attr_t pa;
	pthread_t tid;
	struct addrinfo *ai;
	sigset_t all, old;
	int busy, rc;

	memset(obs, 0, sizeof(*obs));
	memset(res, 0, sizeof(*res));
	obs->attempted = true;
	obs->family_wanted = family;

	if (literal(host, port, family, obs, res))
		return res->n > 0 ? 0 : -1;

	if (!take_slot(deadline_us, &busy)) {
		/* Every worker is still waiting for the resolver. */
		obs->timed_out = true;
		obs->stalled = busy;
		return -1;
	}
	obs->stalled = busy;
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->host = strdup(host)) == NULL) {
		free(j);
		give_slot();
		obs->gai_err = EAI_MEMORY;
		return -1;
	}
	/* Both families always: -4/-6 filter afterwards, so the report can
	 * say how many addresses the filter dropped. */
	j->hints.ai_family = AF_UNSPEC;
	j->hints.ai_socktype = SOCK_STREAM;
	j->hints.ai_protocol = IPPROTO_TCP;
	if (resolver != NULL && resolver->resolve != NULL) {
		j->rv = *resolver;
		j->have_rv = true;
	}
	j->refs = 2;
	pthread_mutex_init(&j->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cv, &ca);
	pthread_condattr_destroy(&ca);

	pthread_attr_init(&pa);
	pthread_attr_setdetachstate(&pa, PTHREAD_CREATE_DETACHED);
	/* The worker never takes SIGINT/SIGTERM: the caller's waits must
	 * see them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&tid, &pa, worker, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&pa);
	if (rc != 0) {
		j->refs = 1;
		job_release(j);
		give_slot();
		obs->gai_err = EAI_SYSTEM;
		obs->gai_errno = EAGAIN;
		return -1;
	}

	if (!wait_job(j, deadline_us)) {
		obs->timed_out = true;
		job_release(j);
		return -1;
	}
	obs->gai_err = j->err;
	obs->gai_errno = j->errnum;
	if (j->err == 0)
		for (ai = j->res; ai != NULL; ai = ai->ai_next)
			if (ai->ai_addr != NULL)
				add_addr(ai->ai_addr, ai->ai_addrlen, port,
				    family, obs, res);
	job_release(j);
	return res->n > 0 ? 0 : -1;
}
