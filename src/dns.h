/* dns.h — name resolution that can be abandoned at the deadline.
 *
 * getaddrinfo() (or the probe's resolver seam) runs on a detached worker
 * thread; the caller waits on a condition variable until the absolute
 * deadline and walks away if the answer is late.  The worker and the
 * caller share a reference-counted job, so whichever finishes last frees
 * it and the late answer. */
#ifndef RD_DNS_H
#define RD_DNS_H

#include <stdint.h>
#include <sys/socket.h>

#include "obs.h"
#include "probe.h"

struct dns_target {
	int		 family;	/* AF_INET or AF_INET6 */
	struct sockaddr_storage ss;
	socklen_t	 len;
};

struct dns_result {
	int		 n;
	struct dns_target t[RD_MAX_ADDRS];	/* parallel to obs->addrs */
};

/* Resolves host for port, keeping family (0, 4, 6) and recording every
 * address into *obs (attempted, literal, gai_err, gai_errno, timed_out,
 * addrs, nfiltered) and the usable ones into *res.  resolver may be NULL.
 * Returns 0 when at least one address is usable, -1 otherwise (obs says
 * why).  Never blocks past deadline_us. */
int	dns_resolve(const char *host, int port, int family,
	    const struct rd_resolver *resolver, int64_t deadline_us,
	    struct rd_dns_obs *obs, struct dns_result *res);

/* Lookups whose worker is still running (abandoned ones included); never
 * more than a small cap. */
int	dns_pending(void);

/* "EAI_NONAME" for an EAI_* code, "EAI_?" when unknown. */
const char *dns_eai_name(int);

#endif
