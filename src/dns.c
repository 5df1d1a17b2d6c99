/* dns.c — getaddrinfo on an abandonable worker thread, -4/-6 filtering,
 * IP literals without a lookup. */
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
	return NULL;
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

/* Waits for the worker until the deadline; returns true when it answered. */
static bool
wait_job(struct dns_job *j, int64_t deadline_us)
{
	struct timespec ts;
	bool done;
	int64_t now_us = clock_now_us(), left = deadline_us - now_us;

	/* The condition variable waits on CLOCK_MONOTONIC too. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (left < 0)
		left = 0;
	ts.tv_sec += left / 1000000;
	ts.tv_nsec += (left % 1000000) * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&j->mu);
	while (!j->done) {
		if (pthread_cond_timedwait(&j->cv, &j->mu, &ts) == ETIMEDOUT)
			break;
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

	memset(obs, 0, sizeof(*obs));
	memset(res, 0, sizeof(*res));
	obs->attempted = true;
	obs->family_wanted = family;

	if (literal(host, port, family, obs, res))
		return res->n > 0 ? 0 : -1;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->host = strdup(host)) == NULL) {
		free(j);
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
	if (pthread_create(&tid, &pa, worker, j) != 0) {
		pthread_attr_destroy(&pa);
		j->refs = 1;
		job_release(j);
		obs->gai_err = EAI_SYSTEM;
		obs->gai_errno = EAGAIN;
		return -1;
	}
	pthread_attr_destroy(&pa);

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
