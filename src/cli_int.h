/* cli_int.h — what the two files of the command line share: the option
 * table, the subcommands and the formats with the help text made from
 * them (cli_opts.c), and the parser that reads argv through them (cli.c).
 * Not for other modules: cli.h is the command line's interface. */
#ifndef RD_CLI_INT_H
#define RD_CLI_INT_H

#include <stddef.h>

#include "cli.h"

/* Which subcommands accept an option. */
#define C_CHECK		0x01
#define C_ENV		0x02
#define C_SIM		0x04
#define C_WATCH		0x08
#define C_EXPLAIN	0x10
#define C_SCHEMA	0x20
#define C_SERVE		0x40
#define C_CONN		(C_CHECK | C_ENV | C_WATCH | C_SERVE)
#define C_REPORT	(C_CHECK | C_ENV | C_SIM | C_EXPLAIN)
#define C_ALL		0x7f

enum {
	O_USER = 256, O_TLS, O_SNI, O_NO_SNI, O_CACERT, O_CACERTDIR, O_CERT,
	O_KEY, O_INSECURE, O_TIMEOUT, O_ENV_FILE, O_ALL_CANDIDATES, O_FORMAT,
	O_STRICT, O_QUIET, O_NO_COLOR, O_LAT_SAMPLES, O_LAT_THRESHOLD,
	O_INTERVAL, O_FAIL_AFTER, O_COUNT, O_HOLD, O_LIST, O_SERVE, O_PORT, O_DELAY,
	O_JITTER, O_CLOSE_AFTER, O_RESET_AFTER, O_REDIS_VERSION, O_HELP,
	O_VERSION, O_VERBOSE, O_WARNING, O_CRITICAL, O_LABEL, O_ASKPASS,
	O_NO_AUTH_WARNING, O_TLS_CIPHERS, O_TLS_CIPHERSUITES, O_TARGETS,
	O_MAX_CONC, O_LISTEN, O_TIMEOUT_OFFSET, O_SENTINEL, O_MASTER_NAME,
	O_SENTINEL_USER, O_SENTINEL_PASSWORD, O_PROFILE, O_CLIENT,
	O_LIST_CLIENTS, O_LIST_PROFILES, O_ENV_BATCH
};

/* Value kinds, checked before an option's handler sees the value. */
enum vkind { V_NONE, V_STR, V_SECRET, V_PATH, V_HOST, V_INT, V_DUR };

struct opt {
	const char *name;	/* long name */
	int	 id;		/* short letter, or O_* */
	enum vkind kind;
	unsigned cmds;
	long long min, max;	/* V_INT bounds; V_STR/V_HOST: max length */
	const char *arg, *help;
};

/* The option table (cli_opts.c): cli_nopts rows, never more than
 * CLI_OPTS_MAX (the size of the parser's getopt arrays). */
#define CLI_OPTS_MAX	128
extern const struct opt cli_opts[];
extern const size_t cli_nopts;

/* A subcommand: the options it takes (a mask of C_*) and its help. */
struct cli_cmd {
	const char *name;
	enum rd_cmd cmd;
	unsigned mask;
	const char *args, *what;
};

/* The subcommand called name, or NULL. */
const struct cli_cmd *cli_cmd_named(const char *name);
/* The format called name (an enum rd_format), or -1. */
int	cli_format_named(const char *name);
/* An option's name as the user types it: "--tls", or "-p" when it has a
 * letter. */
void	cli_optname(const struct opt *o, char *buf, size_t len);

#endif
