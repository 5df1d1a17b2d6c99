/* simulate.c — `redisdiag simulate`: a fault server for every failure the
 * tool diagnoses, with the check pipeline run against it unchanged.
 *
 *   simulate --list            the scenario table (text or JSON)
 *   simulate NAME              start the server, check it, print the
 *                              report, stop, exit with the check's status
 *   simulate NAME --serve      print the URL (and the CA path for TLS) on
 *                              stdout, serve until SIGINT/SIGTERM, exit 0
 *
 * The client configuration is synthetic (scenarios.c): the caller's
 * environment and files are never read.  Certificates are made in memory;
 * the CA and client files a client needs by path live in a private temp
 * directory that is removed on every exit, signals included. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certgen.h"
#include "pipeline.h"
#include "commands.h"
#include "faultsrv.h"
#include "report.h"
#include "resolve.h"
#include "scenarios.h"

#define SIM_DEFAULT_TIMEOUT_US	(2 * 1000000LL)

/* The certificate files to remove if a signal ends a run early. */
static struct rd_certs *volatile sig_certs;

static void
on_signal(int sig)
{
	/* unlink() and rmdir() only: async-signal-safe. */
	if (sig_certs != NULL)
		certgen_unlink(sig_certs);
	_exit(128 + sig);
}

static void
quote(const char *s, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; s[i] != '\0' && o + 5 < len && i < 64; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isprint(c))
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = '\0';
}

static int
list(const struct rd_cli *cli)
{
	int rc;

	if (cli->ropts.quiet)
		return 0;
	rc = cli->ropts.format == RD_FMT_JSON ? render_scenarios_json(stdout) :
	    render_scenarios_text(stdout);
	return rc == 0 ? 0 : RD_EXIT_NO_ATTEMPT;
}

/* The server a scenario needs, with the command line's knobs on top. */
static void
server_config(const struct rd_scenario *sc, const struct rd_cli *cli,
    const struct rd_certs *certs, int version, struct fs_config *fs)
{
	*fs = sc->srv;
	fs->redis_version = version;
	fs->greeting = scenario_greeting(sc, version);
	fs->password = SC_SERVER_PASSWORD;
	fs->certs = certs;
	fs->listen_port = cli->serve_port;
	if (cli->delay_us > 0)
		fs->delay_us = cli->delay_us;
	if (cli->jitter_us > 0)
		fs->jitter_us = cli->jitter_us;
	if (cli->reset_after_us > 0)
		fs->reset_after_us = cli->reset_after_us;
	if (cli->close_after >= 0)
		fs->close_after = cli->close_after;
}

/* --serve: URL and CA path on stdout, then wait for SIGINT or SIGTERM,
 * which stay blocked (the server thread inherits the mask) so sigwait()
 * takes them and the normal cleanup runs. */
static int
serve(const struct rd_scenario *sc, const struct fs_config *fs,
    const struct rd_certs *certs, sigset_t *set)
{
	struct faultsrv *srv;
	struct sc_client cl;
	char err[256];
	int sig;

	if (faultsrv_start(fs, &srv, err, sizeof(err)) == -1) {
		fprintf(stderr, "redisdiag: simulate: %s\n", err);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (scenario_client(sc, faultsrv_port(srv), faultsrv_dead_port(srv),
	    certs, 0, NULL, &cl) == -1) {
		faultsrv_stop(srv);
		fprintf(stderr, "redisdiag: simulate: out of memory\n");
		return RD_EXIT_NO_ATTEMPT;
	}
	printf("%s\n", cl.url);
	if (scenario_tls(sc))
		printf("%s\n", certs->ca_path);
	fflush(stdout);
	fprintf(stderr, "redisdiag: simulate: serving '%s' on 127.0.0.1:%d "
	    "until SIGINT or SIGTERM\n", sc->name, faultsrv_port(srv));
	scenario_client_free(&cl);
	while (sigwait(set, &sig) != 0)
		;
	faultsrv_stop(srv);
	return 0;
}

/* One check against the running server. */
static int
run(const struct rd_cli *cli, const struct rd_scenario *sc,
    const struct fs_config *fs, const struct rd_certs *certs)
{
	struct faultsrv *srv;
	struct sc_client cl;
	struct rd_config cfg;
	struct rd_vault *vault;
	struct rd_obs *obs;
	struct rd_report r;
	struct rd_run_opts run = cli->run;
	/* The application check reads as: --profile/--client, the
	 * REDISDIAG_* variables, else the default profile and its client. */
	const struct rd_connflags models = resolve_models(&cli->conn);
	char err[256];
	int64_t timeout;
	int rc;

	timeout = cli->conn.timeout_us > 0 ? cli->conn.timeout_us :
	    sc->timeout_us > 0 ? sc->timeout_us : SIM_DEFAULT_TIMEOUT_US;
	obs = calloc(1, sizeof(*obs));
	vault = vault_new();
	if (obs == NULL || vault == NULL) {
		fprintf(stderr, "redisdiag: simulate: out of memory\n");
		free(obs);
		vault_free(vault);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (faultsrv_start(fs, &srv, err, sizeof(err)) == -1) {
		fprintf(stderr, "redisdiag: simulate: %s\n", err);
		free(obs);
		vault_free(vault);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (scenario_client(sc, faultsrv_port(srv), faultsrv_dead_port(srv),
	    certs, timeout, &models, &cl) == -1) {
		faultsrv_stop(srv);
		free(obs);
		vault_free(vault);
		fprintf(stderr, "redisdiag: simulate: out of memory\n");
		return RD_EXIT_NO_ATTEMPT;
	}

	memset(&cfg, 0, sizeof(cfg));
	memset(&r, 0, sizeof(r));
	r.command = "simulate";
	r.scenario = sc->name;
	/* A scenario row that does not resolve is our bug: the pipeline
	 * reports it (exit 3) rather than crash. */
	(void)config_resolve(&cl.flags, &cl.env, &cl.envi, &cfg, vault);
	run.resolver = cl.use_resolver ? &cl.resolver : NULL;
	pipeline_run(&cfg, vault, &run, &cli->ropts, obs, &r);
	/* The server stops before printing: nothing outlives the check. */
	faultsrv_stop(srv);
	scenario_release_stall();
	if (cli->verbose)
		(void)render_trace(&r, stderr);
	rc = r.exit_code;
	(void)report_render(&r, stdout);
	report_free(&r);
	config_free(&cfg);
	vault_free(vault);
	scenario_client_free(&cl);
	free(obs);
	return rc;
}

int
cmd_simulate(const struct rd_cli *cli)
{
	const struct rd_scenario *sc;
	struct rd_certs certs;
	struct fs_config fs;
	struct sigaction sa;
	sigset_t set;
	char err[256], q[300];
	int rc, version;

	if (cli->list)
		return list(cli);
	if ((sc = scenario_find(cli->scenario)) == NULL) {
		quote(cli->scenario, q, sizeof(q));
		fprintf(stderr, "redisdiag: simulate: unknown scenario '%s' "
		    "(try simulate --list)\n", q);
		return RD_EXIT_NO_ATTEMPT;
	}
	if (cli->serve && (sc->client & (SC_NXDOMAIN | SC_DNS_STALL))) {
		fprintf(stderr, "redisdiag: simulate: '%s' has no server to "
		    "serve: its fault is in the client's resolver\n", sc->name);
		return RD_EXIT_NO_ATTEMPT;
	}
	version = cli->redis_version != NULL ? cli->redis_version[0] - '0' : 7;

	memset(&certs, 0, sizeof(certs));
	if (cli->serve) {
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
	} else {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	if (scenario_tls(sc)) {
		if (certgen_make(&certs, err, sizeof(err)) == -1 ||
		    certgen_write(&certs, NULL, err, sizeof(err)) == -1) {
			fprintf(stderr, "redisdiag: simulate: certificates: %s\n",
			    err);
			certgen_free(&certs);
			return RD_EXIT_NO_ATTEMPT;
		}
		sig_certs = &certs;
	}
	server_config(sc, cli, scenario_tls(sc) ? &certs : NULL, version, &fs);
	if (cli->serve)
		rc = serve(sc, &fs, &certs, &set);
	else
		rc = run(cli, sc, &fs, &certs);
	sig_certs = NULL;
	certgen_free(&certs);
	return rc;
}
