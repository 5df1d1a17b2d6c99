/* probe_int.h — what the parts of the probe share (probe.c, probe_door.c,
 * probe_reply.c, probe_tls.c, probe_steps.c).  Not for other modules:
 * probe.h is the probe's interface. */
#ifndef RD_PROBE_INT_H
#define RD_PROBE_INT_H

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "clock.h"
#include "conn.h"
#include "dns.h"
#include "hold.h"
#include "hello.h"
#include "info.h"
#include "probe.h"
#include "report.h"
#include "resp.h"
#include "secret.h"
#include "strutil.h"
#include "tcp.h"
#include "tls.h"
#include "unixsock.h"

#define READ_CHUNK	16384
#define LATENCY_DEFAULT	10

/* One probe run: what every step reads and writes. */
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

/* Each returns or records as its definition's comment says. */
void	pr_set_err(struct rd_step *s, const char *code, int errnum,
	    const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

void	pr_step_done(struct probe *p, enum rd_step_id id, enum rd_status st, int64_t t0);

void	pr_door(const struct probe *p, const void *raw, size_t len, char *out,
    size_t outsz);

void	pr_door_server(const struct probe *p, struct rd_server_obs *sv);

/* CONFIG GET timeout, tcp-keepalive, notify-keyspace-events, SLOWLOG and
 * LATENCY LATEST into p->obs->server, each where the server allows it. */
#define PR_HEALTH_N	5	/* commands of pr_health_cmds */
void	pr_health_cmds(struct resp_cmd *c);
void	pr_health(struct probe *p, redisReply *const *reps);

void	pr_door_tls(const struct probe *p, struct rd_tls_obs *t);

void	pr_door_cluster(const struct probe *p, struct rd_cluster_obs *cl);

void	pr_door_sentinel(const struct probe *p, struct rd_sentinel_obs *so);

/* The seed's topology: a cluster node's nodes (the peers start as soon as
 * they are read) or a sentinel's answers.  Run before pr_step_info() when
 * pr_said_cluster() (the HELLO reply said mode cluster), else after it. */
void	pr_step_topology(struct probe *p);
bool	pr_said_cluster(const struct probe *p);

void	pr_door_first(const struct probe *p, struct rd_reply_obs *ro);

bool	pr_host_is_ip(const char *h);

void	pr_bare_host(const char *h, char *out, size_t outsz);

void	pr_record_reply(struct probe *p, struct rd_reply_obs *ro, const redisReply *r);

redisReply *pr_command(struct probe *p, int argc, const char **argv, struct rd_reply_obs *ro);
/* pr_command whose check for replies nobody asked for looks only at what
 * the reader already holds, not at the socket: for a series of commands
 * (the latency PINGs) whose last one is sent with pr_command. */
redisReply *pr_command_held(struct probe *p, int argc, const char **argv,
	    struct rd_reply_obs *ro);
void	pr_batch(struct probe *p, int n, const struct resp_cmd *cmds,
	    redisReply **reps, struct rd_reply_obs *ros);

void	pr_reply_fail(struct probe *p, struct rd_step *s, const struct rd_reply_obs *ro,
    const char *what);

void	pr_server_error(struct rd_step *s, const struct rd_reply_obs *ro,
    const char *what);

void	pr_greeting(struct probe *p);

void	pr_adopt_greeting(struct probe *p, struct rd_reply_obs *ro);

void	pr_cross_tls(struct probe *p);

void	pr_cross_sni(struct probe *p);

void	pr_cross_plain(struct probe *p);

int	pr_step_tls(struct probe *p);

int	pr_step_end(struct probe *p, enum rd_step_id id, struct rd_reply_obs *ro,
    redisReply *rep, bool ok, const char *cmd, int64_t t0);

int	pr_step_auth(struct probe *p);

int	pr_step_select(struct probe *p);

int	pr_step_ping(struct probe *p);

void	pr_step_info(struct probe *p);

void	pr_step_latency(struct probe *p);

#endif
