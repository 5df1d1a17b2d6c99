/* clock.c — monotonic time and deadline arithmetic, and the one switch
 * that ends every deadline at once (a signal asked us to stop). */
#include <signal.h>
#include <time.h>

#include "clock.h"

int64_t
clock_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static volatile sig_atomic_t cancelled;

void
clock_cancel(void)
{
	cancelled = 1;
}

bool
clock_cancelled(void)
{
	return cancelled != 0;
}

int64_t
clock_left_us(int64_t deadline_us)
{
	int64_t left;

	if (cancelled)
		return 0;
	left = deadline_us - clock_now_us();

	return left > 0 ? left : 0;
}

int
clock_left_ms(int64_t deadline_us)
{
	int64_t left = clock_left_us(deadline_us);

	if (left > (int64_t)1 << 30)
		return 1 << 30;
	return (int)((left + 999) / 1000);
}
