/* test_dns.c — lookups abandoned at the deadline against a resolver that
 * never answers (the resolver seam): each one is a timeout, and however
 * many are abandoned, only a few worker threads stay behind. */
#include <dirent.h>
#include <netdb.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "dns.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool released;

/* Blocks until released (at most 30 s, so no thread outlives the test). */
static int
stall(void *ctx, const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	struct timespec until;

	(void)ctx; (void)host; (void)service; (void)hints;
	*res = NULL;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 30;
	pthread_mutex_lock(&mu);
	while (!released)
		if (pthread_cond_timedwait(&cv, &mu, &until) != 0)
			break;
	pthread_mutex_unlock(&mu);
	return EAI_AGAIN;
}

static int
threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
abandoned_lookups_are_bounded(void **state)
{
	struct rd_resolver rv = { stall, NULL, NULL };
	struct rd_dns_obs obs;
	struct dns_result res;
	int base = threads(), i, most = 0, n;

	(void)state;
	assert_true(base >= 1);
	for (i = 0; i < 60; i++) {
		assert_int_equal(dns_resolve("stall.invalid", 6379, 0, &rv,
		    clock_now_us() + 5000, &obs, &res), -1);
		/* A timeout, never a failure of our own making. */
		assert_true(obs.timed_out);
		assert_int_equal(obs.gai_err, 0);
		if ((n = threads()) > most)
			most = n;
	}
	/* 60 abandoned lookups, at most a handful of threads behind. */
	assert_in_range(most - base, 0, 8);

	pthread_mutex_lock(&mu);
	released = true;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < 200 && threads() > base; i++)
		usleep(10000);
	assert_int_equal(threads(), base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(abandoned_lookups_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
