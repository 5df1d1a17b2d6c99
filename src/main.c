/* main.c — parse the command line, settle output defaults, dispatch.
 *
 * Reads top to bottom: parse, decide format and colour, point stdout at
 * the -o temp file, run the command, rename the file into place, return
 * its exit status (SPEC section 8).  Usage errors exit 3; under --format
 * nagios, prometheus or junit a run that ended before any report (a usage
 * error) still prints one that says UNKNOWN / down (SPEC section 15). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "report.h"
#include "version.h"

/* NO_COLOR counts only when set to something (no-color.org); a dumb
 * terminal gets none either. */
static bool
want_color(const struct rd_cli *cli)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (cli->no_color || (nc != NULL && nc[0] != '\0'))
		return false;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDOUT_FILENO);
}

/* The report of a run that ended before its command printed one: no
 * attempt, exit 3, why in the summary. */
static void
standin(enum rd_format fmt, const char *command, const char *why)
{
	struct rd_report r;

	if (fmt != RD_FMT_NAGIOS && fmt != RD_FMT_PROMETHEUS &&
	    fmt != RD_FMT_JUNIT)
		return;
	memset(&r, 0, sizeof(r));
	r.command = command;
	r.verdict = RD_V_NO_ATTEMPT;
	r.exit_code = RD_EXIT_NO_ATTEMPT;
	r.opts.format = fmt;
	r.opts.warn.latency_us = r.opts.crit.latency_us = -1;
	r.opts.warn.memory_pct = r.opts.crit.memory_pct = -1;
	r.opts.warn.clients_pct = r.opts.crit.clients_pct = -1;
	r.opts.warn.cert_days = r.opts.crit.cert_days = -1;
	snprintf(r.summary, sizeof(r.summary), "%s", why);
	(void)report_render(&r, stdout);
}

/* -o's temp file while it is open.  A signal that ends the run (check
 * and env take the default action: a prompt exit, status 128+N, as a
 * signalled program) removes it first, so no partial file is left beside
 * FILE.  watch and serve install their own handlers, which stop them
 * gracefully, and restore these. */
static char sig_tmp[4200];
static const int fatal_sigs[] = { SIGINT, SIGTERM, SIGHUP };

static void
on_fatal_signal(int sig)
{
	(void)unlink(sig_tmp);
	signal(sig, SIG_DFL);
	raise(sig);		/* delivered when the handler returns */
}

/* Installs (or, with on false, removes) on_fatal_signal, leaving alone
 * a signal ignored at entry (nohup, a background job). */
static void
guard_tmp(const char *tmp, bool on)
{
	struct sigaction sa, old;
	size_t i;

	if (on)
		snprintf(sig_tmp, sizeof(sig_tmp), "%s", tmp);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_fatal_signal : SIG_DFL;
	for (i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++) {
		if (sigaction(fatal_sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		(void)sigaction(fatal_sigs[i], &sa, NULL);
	}
}

/* -o FILE: stdout goes to a temp file beside FILE (a name the textfile
 * collector skips: it reads *.prom only), renamed over FILE when the
 * report was written whole.  Returns the saved stdout descriptor, or -1
 * after printing why. */
static int
output_open(const char *path, char *tmp, size_t sz)
{
	char dir[4096], base[4096];
	int fd, saved;

	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	if (snprintf(tmp, sz, "%s/.%s.XXXXXX", dirname(dir),
	    basename(base)) >= (int)sz) {
		fprintf(stderr, "redisdiag: -o: path too long\n");
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		fprintf(stderr, "redisdiag: -o: cannot create a file beside "
		    "%s: %s\n", path, strerror(errno));
		return -1;
	}
	(void)fchmod(fd, 0644);		/* a collector reads it as another user */
	fflush(stdout);
	if ((saved = dup(STDOUT_FILENO)) == -1 ||
	    dup2(fd, STDOUT_FILENO) == -1) {
		fprintf(stderr, "redisdiag: -o: %s\n", strerror(errno));
		if (saved != -1)
			close(saved);
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	guard_tmp(tmp, true);
	return saved;
}

/* Flushes, syncs and renames the temp file over path; returns 0, or -1
 * (temp removed, path untouched) after printing why. */
static int
output_close(const char *path, const char *tmp, int saved)
{
	int ok = fflush(stdout) != EOF && !ferror(stdout) &&
	    fsync(STDOUT_FILENO) == 0;
	int err = errno;

	guard_tmp(tmp, false);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	clearerr(stdout);
	if (ok && rename(tmp, path) == 0)
		return 0;
	if (ok)
		err = errno;
	fprintf(stderr, "redisdiag: -o %s: %s\n", path, strerror(err));
	unlink(tmp);
	return -1;
}

/* --askpass: one line from standard input, not echoed on a terminal (as
 * redis-cli's --askpass).  The secret stays in this buffer, wiped on exit.
 * Returns 0, or -1 after printing why. */
static char askpw[1024];

static int
ask_password(struct rd_connflags *conn)
{
	struct termios t, quiet;
	bool tty = isatty(STDIN_FILENO), restore = false, got;
	size_t n;

	if (tty) {
		fputs("Please input password: ", stderr);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &t) == 0) {
			quiet = t;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		}
	}
	got = fgets(askpw, sizeof(askpw), stdin) != NULL;
	if (!got)
		askpw[0] = '\0';
	if (restore)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	if (tty)
		fputc('\n', stderr);
	n = strcspn(askpw, "\r\n");
	if (askpw[n] == '\0' && n == sizeof(askpw) - 1) {
		explicit_bzero(askpw, sizeof(askpw));
		fprintf(stderr, "redisdiag: --askpass: password too long\n");
		return -1;
	}
	askpw[n] = '\0';
	/* It replaces -a and REDISCLI_AUTH, as in redis-cli 7.0: an empty
	 * line is the empty password (AUTH ""), the end of input none at
	 * all (no AUTH); resolve.c applies both. */
	conn->password = got ? askpw : NULL;
	return 0;
}

int
main(int argc, char **argv)
{
	struct rd_cli cli;
	char tmp[4200];
	int rc, werr, saved = -1, pf;

	/* A closed stdout or peer must give EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	/* One malloc arena for every thread: the probe threads (topology
	 * peers, --targets, serve's workers) live a few milliseconds and
	 * spend them waiting on sockets, and an arena each cost every one
	 * a 128 MB reservation, its trimming and fresh page faults. */
	mallopt(M_ARENA_MAX, 1);

	if (cli_parse(argc, argv, &cli) == -1) {
		char why[400];

		if ((pf = cli_peek_format(argc, argv)) >= 0) {
			snprintf(why, sizeof(why), "usage: %s", cli_last_error());
			standin((enum rd_format)pf, cli.cmd_name, why);
			fflush(stdout);
		}
		cli_free(&cli);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (cli.version || cli.help) {
		if (cli.version)
			printf("%s %s\n", RD_NAME, RD_VERSION);
		else
			cli_usage(&cli);
		rc = 0;
		goto out;
	}

	if (cli.conn.askpass && ask_password(&cli.conn) == -1) {
		cli_free(&cli);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (!cli.format_set)
		cli.ropts.format = isatty(STDOUT_FILENO) ? RD_FMT_TEXT : RD_FMT_JSON;
	if (cli.output != NULL) {
		cli.ropts.color = false;
		if ((saved = output_open(cli.output, tmp, sizeof(tmp))) == -1) {
			cli_free(&cli);
			return RD_EXIT_NO_ATTEMPT;
		}
	} else
		cli.ropts.color = want_color(&cli);

	switch (cli.cmd) {
	case RD_CMD_CHECK:
		rc = cli.targets != NULL ? cmd_check_targets(&cli) :
		    cmd_check(&cli);
		break;
	case RD_CMD_SERVE:	rc = cmd_serve(&cli); break;
	case RD_CMD_ENV:	rc = cmd_env(&cli); break;
	case RD_CMD_SIMULATE:	rc = cmd_simulate(&cli); break;
	case RD_CMD_WATCH:	rc = cmd_watch(&cli); break;
	case RD_CMD_EXPLAIN:	rc = cmd_explain(&cli); break;
	case RD_CMD_SCHEMA:
		(void)fputs(report_schema(), stdout);	/* checked below */
		rc = 0;
		break;
	default:
		rc = RD_EXIT_NO_ATTEMPT;
		break;
	}
	/* A command that gave up before its report (an unknown scenario, an
	 * unreadable --env-file) still answers in the monitoring formats. */
	if (rc == RD_EXIT_NO_ATTEMPT && !cli.ropts.quiet &&
	    !render_formats_printed())
		standin(cli.ropts.format, cli.cmd_name,
		    "no attempt (see standard error)");
	if (saved != -1 && output_close(cli.output, tmp, saved) == -1 &&
	    rc == 0)
		rc = RD_EXIT_NO_ATTEMPT;
	/* A report that did not reach stdout is not a success (curl and
	 * coreutils fail too): a write error -- a reader that went away
	 * (EPIPE), a full disk, a closed descriptor -- turns exit 0 into 3,
	 * the one status that claims nothing about the server.  A failed
	 * diagnosis keeps its own status.  The renderers have flushed
	 * already, so the error is in ferror(), not only in this fflush();
	 * a reader that closed the pipe chose to, and is not told.  errno
	 * is the failed write's unless this fflush() failed anew. */
out:
	werr = errno;
	if (fflush(stdout) == EOF)
		werr = errno;
	if (ferror(stdout)) {
		if (werr != EPIPE)
			fprintf(stderr, "redisdiag: cannot write to standard "
			    "output%s%s\n", werr != 0 ? ": " : "",
			    werr != 0 ? strerror(werr) : "");
		if (rc == 0)
			rc = RD_EXIT_NO_ATTEMPT;
	}
	cli_free(&cli);
	explicit_bzero(askpw, sizeof(askpw));
	return rc;
}
