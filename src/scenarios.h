/* scenarios.h — the simulate scenario table and the synthetic client
 * configuration each scenario hands to config_resolve().
 *
 * A scenario is one row: the server it needs (a struct fs_config), how the
 * client is configured (SC_* below, turned into an envmap, connection
 * flags, an envinfo and maybe a resolver seam), the finding id its report
 * must carry and the exit status a real failure of that kind gives.  The
 * caller's environment and files are never read or changed. */
#ifndef RD_SCENARIOS_H
#define RD_SCENARIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certgen.h"
#include "config.h"
#include "envdetect.h"
#include "envmap.h"
#include "faultsrv.h"
#include "probe.h"

/* The simulated server's password, and the wrong one wrongpass sends.
 * Not secrets: documented in --list so a person can use --serve. */
#define SC_SERVER_PASSWORD	"simulate"
#define SC_WRONG_PASSWORD	"not-the-password"
#define SC_NX_HOST		"redis.simulate.invalid"

/* Client configuration. */
#define SC_TLS		0x0001	/* rediss:// trusting the simulate CA */
#define SC_PASSWORD	0x0002	/* sends SC_SERVER_PASSWORD */
#define SC_WRONGPASS	0x0004	/* sends SC_WRONG_PASSWORD */
#define SC_DB16		0x0008	/* REDIS_DB=16 */
#define SC_CLIENT_CERT	0x0010	/* presents the simulate client certificate */
#define SC_DEAD_PORT	0x0020	/* points at the refusing port */
#define SC_CONTAINER	0x0040	/* synthetic envinfo: inside a container */
#define SC_HOST_VARS	0x0080	/* REDIS_HOST=127.0.0.1 + REDIS_PORT, not REDIS_URL */
#define SC_SHADOW_NF	0x0100	/* NF_REDIS_URL names the live server */
#define SC_NXDOMAIN	0x0200	/* SC_NX_HOST through a resolver saying EAI_NONAME */
#define SC_DNS_STALL	0x0400	/* SC_NX_HOST through a resolver that never answers */
#define SC_SNI_LOCALHOST 0x0800	/* --sni localhost */
#define SC_SENTINEL	0x1000	/* REDIS_URL=redis+sentinel://127.0.0.1:port/mymaster */
#define SC_WRONG_MASTER	0x2000	/* with SC_SENTINEL: /wrong-master instead */
#define SC_STRICT_AUTH	0x4000	/* as a client that fails on an AUTH error
				   (redis-py) unless --client names one: the
				   default, ioredis 6, sends the password inside
				   HELLO 3, which a server without one accepts */

struct rd_scenario {
	const char *name;
	const char *desc;		/* one line for --list */
	struct fs_config srv;		/* knobs, port and certs filled at run time */
	unsigned client;		/* SC_* */
	int64_t	 timeout_us;		/* default --timeout; 0: 2 s */
	const char *finding;		/* the id the report must carry; NULL: none */
	int	 exit_code;		/* what a real failure of this kind exits with */
	const char *verdict;
};

extern const struct rd_scenario rd_scenarios[];
extern const size_t rd_nscenarios;

/* The row called name, or NULL. */
const struct rd_scenario *scenario_find(const char *name);

/* True when the scenario's server or client speaks TLS (needs certs). */
bool	scenario_tls(const struct rd_scenario *);

/* The greeting in the wording of redis_version (5, 6 or 7). */
const char *scenario_greeting(const struct rd_scenario *, int redis_version);

/* The client side of one run, built for a server already listening. */
struct sc_client {
	struct rd_envmap env;
	struct rd_connflags flags;
	struct rd_envinfo envi;
	struct rd_resolver resolver;
	bool	 use_resolver;
	char	 url[300];		/* the URL --serve prints (no password) */
};

/* Fills *out for sc against port (live) and dead_port; certs may be NULL
 * for plaintext scenarios.  models (resolve_models() of the command line;
 * NULL: the generic profile) names the profile and client the run
 * resolves with, and the environment is written in the variables that
 * profile reads.  Returns 0, or -1 on allocation failure. */
int	scenario_client(const struct rd_scenario *sc, int port, int dead_port,
	    const struct rd_certs *certs, int64_t timeout_us,
	    const struct rd_connflags *models, struct sc_client *out);
void	scenario_client_free(struct sc_client *);

/* Wakes every resolver stalled by dns-stall so its thread can end, and
 * waits (at most 200 ms) until they have returned. */
void	scenario_release_stall(void);

/* --list: text (render_scenarios.c has the JSON). */
int	render_scenarios_text(FILE *);
int	render_scenarios_json(FILE *);

#endif
