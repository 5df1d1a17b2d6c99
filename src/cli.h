/* cli.h — the parsed command line.
 *
 * cli_parse() reads argv through one table of options (cli_opts.c) and
 * checks option combinations in one place (cli.c).  It never touches the
 * environment. */
#ifndef RD_CLI_H
#define RD_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "pipeline.h"
#include "report.h"

enum rd_cmd {
	RD_CMD_NONE, RD_CMD_CHECK, RD_CMD_ENV, RD_CMD_SIMULATE, RD_CMD_WATCH,
	RD_CMD_EXPLAIN, RD_CMD_SCHEMA, RD_CMD_SERVE
};

struct rd_cli {
	enum rd_cmd cmd;
	const char *cmd_name;
	bool	 help, version;

	struct rd_connflags conn;
	struct rd_run_opts run;		/* how to run: samples (deadline and resolver are the command's) */
	struct rd_report_opts ropts;	/* how to judge and print */
	bool	 format_set;		/* --format given; else decided by isatty */
	bool	 no_color;
	const char *output;		/* -o FILE: written atomically by main */
	char	 label_keys[RD_MAX_LABELS][64];	/* --label names (values point into argv) */
	/* -u unix://[[user]:password@]/path: the parts (the password is a
	 * secret; cli_free wipes it). */
	char	 unix_path[108], unix_user[512], unix_pass[1024];

	/* watch */
	int64_t	 interval_us;		/* default 30s */
	int	 fail_after;		/* default 2 */
	int	 count;			/* 0 = until interrupted */
	bool	 hold;			/* watch --hold: one connection, PINGed */

	/* env */
	bool	 list_clients, list_profiles;
	const char *env_batch;		/* --env-batch FILE */

	/* simulate */
	const char *scenario;
	bool	 list;
	bool	 serve;
	int	 serve_port;		/* 0 = kernel's choice */
	int64_t	 delay_us, jitter_us, reset_after_us;
	long long close_after;		/* -1 = off */
	const char *redis_version;	/* reply wording: "7" (default) or "5" */

	/* explain: TEXT words joined by spaces, or "-" for stdin; NULL = stdin */
	const char *explain_text;
	char	*explain_joined;	/* owned */

	int	 verbose;

	/* check --targets, serve (SPEC section 14) */
	const char *targets;		/* --targets FILE */
	int	 max_concurrency;	/* default 32 */
	const char *listen;		/* serve --listen ADDR:PORT */
	int64_t	 timeout_offset_us;	/* serve: taken off the scrape timeout */
};

/* Parses argv into *cli.  Returns 0, or -1 after printing one line
 * "redisdiag: ..." on stderr (the caller exits 3).  A value given to -a or
 * -u is never echoed in an error message. */
int	cli_parse(int argc, char **argv, struct rd_cli *cli);

void	cli_free(struct rd_cli *cli);

/* The message of cli_parse()'s last error, without "redisdiag: " or the
 * newline; "" when none. */
const char *cli_last_error(void);

/* The --format named in argv (enum rd_format), or -1: for the stand-in
 * report of a command line that did not parse. */
int	cli_peek_format(int argc, char **argv);

/* Prints the usage of cli->cmd (or the general usage) to stdout. */
void	cli_usage(const struct rd_cli *cli);

#endif
