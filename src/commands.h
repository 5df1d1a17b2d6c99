/* commands.h — one entry point per subcommand; each returns the exit status. */
#ifndef RD_COMMANDS_H
#define RD_COMMANDS_H

#include "cli.h"

int	cmd_check(const struct rd_cli *);	/* check.c */
int	cmd_env(const struct rd_cli *);		/* cmd_env.c */
int	cmd_simulate(const struct rd_cli *);	/* simulate.c */
int	cmd_watch(const struct rd_cli *);	/* watch.c */
int	cmd_explain(const struct rd_cli *);	/* explain.c */
int	cmd_check_targets(const struct rd_cli *);	/* cmd_targets.c */
int	cmd_serve(const struct rd_cli *);	/* serve.c */

#endif
