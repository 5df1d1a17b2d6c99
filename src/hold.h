/* hold.h — `watch --hold`: one connection kept open across probes and
 * PINGed at the interval, so that a connection that dies while idle (the
 * server's `timeout`, a NAT or load balancer idle timer, Azure's ten
 * minutes) is seen, with the idle time at which it died.
 *
 * The probe hands a connection over (rd_probe_opts.hold) when its
 * conversation ended well; from then on hold_wait() watches the socket
 * while watch waits for the next interval (an EOF or reset there is the
 * moment it died) and hold_ping() sends one PING under a deadline. */
#ifndef RD_HOLD_H
#define RD_HOLD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "resp.h"

struct rd_vault;

struct rd_hold {
	bool	 open;
	struct conn c;
	struct resp_reader *rr;
	int64_t	 opened_us;		/* when the probe handed it over */
	int64_t	 last_us;		/* its last reply: idle since then */
	int64_t	 pings;			/* PONGs on this connection */
};

/* What one hold_wait() or hold_ping() saw. */
struct rd_hold_event {
	bool	 pinged;		/* a PING was sent */
	bool	 pong;			/* ... and answered +PONG */
	int64_t	 rtt_us;
	bool	 died;			/* the connection is gone (closed, reset) */
	bool	 closed, reset, timed_out;
	bool	 while_idle;		/* it died between PINGs, not answering one */
	int64_t	 idle_us;		/* idle since its last reply when it died */
	int64_t	 age_us;		/* since it was opened */
	char	 text[128];		/* a reply other than PONG, masked */
};

/* Takes over c and rr (they are the hold's from now on). */
void	hold_adopt(struct rd_hold *, struct conn *c, struct resp_reader *rr);

/* Waits until until_us or a signal (SIGINT/SIGTERM open only inside the
 * wait, as waitmask says) watching the held connection: returns 1 when it
 * died meanwhile (*ev says how and after how long idle; the hold is then
 * closed), else 0. */
int	hold_wait(struct rd_hold *, int64_t until_us, const sigset_t *waitmask,
	    struct rd_hold_event *ev);

/* One PING on the held connection before deadline_us: 0 with ev->pong,
 * or -1 with ev saying what happened (the hold is closed unless the
 * server merely answered something else). */
int	hold_ping(struct rd_hold *, const struct rd_vault *, int64_t deadline_us,
	    struct rd_hold_event *ev);

void	hold_close(struct rd_hold *);

#endif
