/* cli_opts.c — the command line's tables: every option with its value
 * kind, bounds and the subcommands that take it, the subcommands, the
 * report formats, and the --help text made from them.  cli.c parses argv
 * through these tables (cli_int.h). */
#include <stdio.h>
#include <string.h>

#include "cli_int.h"

#define C_UNIX_PATH_MAX	108		/* sizeof(sockaddr_un.sun_path) */

const struct opt cli_opts[] = {
	{ "url", 'u', V_SECRET, C_CONN, 0, 4096, "URL", "redis:// or rediss:// URL" },
	{ "host", 'h', V_HOST, C_CONN, 0, 255, "HOST", "server host name or address" },
	{ "socket", 's', V_PATH, C_CONN, 0, C_UNIX_PATH_MAX - 1, "SOCKET", "Unix socket path (beats -h and -p, as in redis-cli)" },
	{ "port", 'p', V_INT, C_CONN, 1, 65535, "PORT", "server port" },
	{ "pass", 'a', V_SECRET, C_CONN, 0, 4096, "PASSWORD", "password (visible to other users; prefer REDISCLI_AUTH)" },
	{ "user", O_USER, V_STR, C_CONN, 0, 512, "NAME", "ACL user name" },
	{ "db", 'n', V_INT, C_CONN, 0, 1000000, "DB", "database number" },
	{ "tls", O_TLS, V_NONE, C_CONN, 0, 0, NULL, "use TLS" },
	{ "sni", O_SNI, V_HOST, C_CONN, 0, 255, "NAME", "TLS server name to send" },
	{ "no-sni", O_NO_SNI, V_NONE, C_CONN, 0, 0, NULL, "send no TLS server name" },
	{ "cacert", O_CACERT, V_PATH, C_CONN, 0, 4096, "FILE", "CA certificate bundle to trust" },
	{ "cacertdir", O_CACERTDIR, V_PATH, C_CONN, 0, 4096, "DIR", "directory of CA certificates" },
	{ "cert", O_CERT, V_PATH, C_CONN, 0, 4096, "FILE", "client certificate" },
	{ "key", O_KEY, V_PATH, C_CONN, 0, 4096, "FILE", "client private key" },
	{ "insecure", O_INSECURE, V_NONE, C_CONN, 0, 0, NULL, "do not verify the server certificate" },
	{ NULL, '4', V_NONE, C_CONN, 0, 0, NULL, "IPv4 only" },
	{ NULL, '6', V_NONE, C_CONN, 0, 0, NULL, "IPv6 only" },
	{ "timeout", O_TIMEOUT, V_DUR, C_CONN | C_SIM, 0, 0, "DUR", "deadline for the whole run, DNS included (default 5s)" },
	{ NULL, 't', V_DUR, C_CONN | C_SIM, 0, 0, "SECONDS", "as --timeout (redis-cli's -t)" },
	{ "askpass", O_ASKPASS, V_NONE, C_CONN, 0, 0, NULL, "read the password from standard input, hidden on a terminal (beats -a and REDISCLI_AUTH)" },
	{ "no-auth-warning", O_NO_AUTH_WARNING, V_NONE, C_CONN, 0, 0, NULL, "no warning for a password on the command line" },
	{ "tls-ciphers", O_TLS_CIPHERS, V_STR, C_CONN, 0, 2048, "LIST", "TLS 1.2 cipher list (OpenSSL syntax)" },
	{ "tls-ciphersuites", O_TLS_CIPHERSUITES, V_STR, C_CONN, 0, 2048, "LIST", "TLS 1.3 ciphersuites (OpenSSL syntax)" },
	{ NULL, '2', V_NONE, C_CONN, 0, 0, NULL, "HELLO 2 (RESP2) before AUTH; the hello step runs" },
	{ NULL, '3', V_NONE, C_CONN, 0, 0, NULL, "HELLO 3 (RESP3) before AUTH; the hello step runs" },
	{ "env-file", O_ENV_FILE, V_PATH, C_CONN, 0, 4096, "FILE", "dotenv file whose values override the environment" },
	{ "sentinel", O_SENTINEL, V_STR, C_CONN, 0, 300, "HOST:PORT", "a sentinel to ask (repeatable; with --master-name)" },
	{ "master-name", O_MASTER_NAME, V_STR, C_CONN, 0, 255, "NAME", "the master the sentinels monitor" },
	{ "sentinel-user", O_SENTINEL_USER, V_STR, C_CONN, 0, 127, "NAME", "ACL user for the sentinels (separate from --user)" },
	{ "sentinel-password", O_SENTINEL_PASSWORD, V_SECRET, C_CONN, 0, 4096, "PASSWORD", "password for the sentinels (separate from -a)" },
	{ "profile", O_PROFILE, V_STR, C_CONN | C_SIM, 0, 64, "NAME", "application profile: cacheservice (default), python-getenv, generic" },
	{ "client", O_CLIENT, V_STR, C_CONN | C_SIM, 0, 64, "NAME[@VER]", "client library model: ioredis (default), node-redis, redis-py, ..." },
	{ "list-clients", O_LIST_CLIENTS, V_NONE, C_ENV, 0, 0, NULL, "list the client models" },
	{ "list-profiles", O_LIST_PROFILES, V_NONE, C_ENV, 0, 0, NULL, "list the application profiles" },
	{ "env-batch", O_ENV_BATCH, V_PATH, C_ENV, 0, 4096, "FILE", "for tests: one environment per line (NAME=HEX ...), one JSON report each" },
	{ "all-candidates", O_ALL_CANDIDATES, V_NONE, C_CHECK, 0, 0, NULL, "probe every discovered configuration" },
	{ "format", O_FORMAT, V_STR, C_REPORT, 0, 32, "FMT", "json|text|ndjson|nagios|prometheus|junit" },
	{ "output", 'o', V_PATH, C_REPORT, 0, 4096, "FILE", "write the report to FILE atomically (temp file + rename)" },
	{ "label", O_LABEL, V_STR, C_REPORT, 0, 512, "K=V", "prometheus: add label K=V to every series (repeatable)" },
	{ "warning", O_WARNING, V_STR, C_REPORT, 0, 256, "T=V,...", "nagios WARNING thresholds: latency=DUR, memory=PCT, clients=PCT, cert_days=N" },
	{ "critical", O_CRITICAL, V_STR, C_REPORT, 0, 256, "T=V,...", "nagios CRITICAL thresholds (same keys as --warning)" },
	{ "strict", O_STRICT, V_NONE, C_CHECK | C_SIM | C_ENV | C_SERVE, 0, 0, NULL, "warnings fail the run (exit 1)" },
	{ "quiet", O_QUIET, V_NONE, C_ALL, 0, 0, NULL, "print nothing; the exit status says it all" },
	{ "no-color", O_NO_COLOR, V_NONE, C_ALL, 0, 0, NULL, "no colour in text output (also NO_COLOR)" },
	{ "latency-samples", O_LAT_SAMPLES, V_INT, C_CHECK | C_SIM | C_WATCH | C_SERVE, 0, 1000, "N", "PINGs in the latency step (default 10; 0: no latency step)" },
	{ "latency-threshold", O_LAT_THRESHOLD, V_DUR, C_CHECK | C_SIM | C_WATCH | C_SERVE, 0, 0, "DUR", "p99 above this is latency.high (default 100ms)" },
	{ "interval", O_INTERVAL, V_DUR, C_WATCH, 0, 0, "DUR", "time between probes (default 30s)" },
	{ "fail-after", O_FAIL_AFTER, V_INT, C_WATCH, 1, 1000000, "N", "consecutive failures before down (default 2)" },
	{ "count", O_COUNT, V_INT, C_WATCH, 1, 100000000, "N", "stop after N probes" },
	{ "hold", O_HOLD, V_NONE, C_WATCH, 0, 0, NULL, "keep one connection open and PING it at the interval (idle resets)" },
	{ "list", O_LIST, V_NONE, C_SIM, 0, 0, NULL, "list the scenarios" },
	{ "serve", O_SERVE, V_NONE, C_SIM, 0, 0, NULL, "keep the fault server running and print its URL" },
	{ "listen-port", O_PORT, V_INT, C_SIM, 1, 65535, "PORT", "with --serve: port to listen on" },
	{ "delay", O_DELAY, V_DUR, C_SIM, 0, 0, "DUR", "delay before every reply" },
	{ "jitter", O_JITTER, V_DUR, C_SIM, 0, 0, "DUR", "random extra delay up to DUR" },
	{ "close-after", O_CLOSE_AFTER, V_INT, C_SIM, 0, 1LL << 40, "BYTES", "close after writing BYTES" },
	{ "reset-after", O_RESET_AFTER, V_DUR, C_SIM, 0, 0, "DUR", "reset connections after DUR" },
	{ "redis-version", O_REDIS_VERSION, V_STR, C_SIM, 0, 8, "V", "reply wording of Redis V (7, 6 or 5)" },
	{ "targets", O_TARGETS, V_PATH, C_CHECK | C_SERVE, 0, 4096, "FILE", "many named targets, one per line: [NAME] URL [password_env=VAR]" },
	{ "max-concurrency", O_MAX_CONC, V_INT, C_CHECK | C_SERVE, 1, 1024, "N", "probes at the same time (default 32)" },
	{ "listen", O_LISTEN, V_STR, C_SERVE, 0, 300, "ADDR:PORT", "address to serve on (default 127.0.0.1:9130)" },
	{ "timeout-offset", O_TIMEOUT_OFFSET, V_DUR, C_SERVE, 0, 0, "DUR", "taken off Prometheus' scrape timeout (default 250ms)" },
	{ "verbose", O_VERBOSE, V_NONE, C_ALL, 0, 0, NULL, "more detail on stderr" },
	{ "help", O_HELP, V_NONE, C_ALL, 0, 0, NULL, "this help" },
	{ "version", O_VERSION, V_NONE, C_ALL, 0, 0, NULL, "print the version" },
};
const size_t cli_nopts = sizeof(cli_opts) / sizeof(cli_opts[0]);

_Static_assert(sizeof(cli_opts) / sizeof(cli_opts[0]) <= CLI_OPTS_MAX,
    "the option table outgrew CLI_OPTS_MAX");

static const struct cli_cmd cmds[] = {
	{ "check", RD_CMD_CHECK, C_CHECK, "[conn options] [report options]", "diagnose the resolved connection" },
	{ "env", RD_CMD_ENV, C_ENV, "[conn options] [report options]", "resolved configuration and provenance; no network" },
	{ "simulate", RD_CMD_SIMULATE, C_SIM, "SCENARIO [--serve] [report options] | --list", "run a check against a built-in fault server" },
	{ "watch", RD_CMD_WATCH, C_WATCH, "[conn options] [--interval DUR] [--fail-after N] [--count N] [--hold]", "heartbeat, one JSON line per probe" },
	{ "explain", RD_CMD_EXPLAIN, C_EXPLAIN, "[TEXT | -]", "classify a client's error message or a whole log" },
	{ "schema", RD_CMD_SCHEMA, C_SCHEMA, "", "print the JSON Schema of every report" },
	{ "serve", RD_CMD_SERVE, C_SERVE, "[--listen ADDR:PORT] [--targets FILE] [--max-concurrency N]", "Prometheus exporter: /probe?target=NAME, /metrics, /-/healthy" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char *const formats[] = {
	[RD_FMT_JSON] = "json", [RD_FMT_TEXT] = "text",
	[RD_FMT_NDJSON] = "ndjson", [RD_FMT_NAGIOS] = "nagios",
	[RD_FMT_PROMETHEUS] = "prometheus", [RD_FMT_JUNIT] = "junit",
};

const struct cli_cmd *
cli_cmd_named(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (strcmp(name, cmds[i].name) == 0)
			return &cmds[i];
	return NULL;
}

int
cli_format_named(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(name, formats[i]) == 0)
			return (int)i;
	return -1;
}

void
cli_optname(const struct opt *o, char *buf, size_t len)
{
	if (o->name != NULL && (o->id >= 256 || o->id == 0))
		snprintf(buf, len, "--%s", o->name);
	else
		snprintf(buf, len, "-%c", o->id);
}

void
cli_usage(const struct rd_cli *cli)
{
	unsigned mask = C_ALL;
	char name[32], left[64];
	size_t i;

	if (cli->cmd == RD_CMD_NONE) {
		printf("usage: redisdiag COMMAND [options]\n\n"
		    "Diagnose why an application cannot reach its Redis.\n\n"
		    "Commands:\n");
		for (i = 0; i < NCMDS; i++)
			printf("  %-10s %s\n", cmds[i].name, cmds[i].what);
		printf("\nredisdiag COMMAND --help shows a command's options.\n"
		    "Exit status: 0 ok, 1 server refuses service, 2 unreachable, "
		    "3 bad configuration or usage.\n");
		return;
	}
	for (i = 0; i < NCMDS; i++)
		if (cmds[i].cmd == cli->cmd) {
			printf("usage: redisdiag %s %s\n\n%s.\n\nOptions:\n",
			    cmds[i].name, cmds[i].args, cmds[i].what);
			mask = cmds[i].mask;
		}
	for (i = 0; i < cli_nopts; i++) {
		if (!(cli_opts[i].cmds & mask))
			continue;
		cli_optname(&cli_opts[i], name, sizeof(name));
		snprintf(left, sizeof(left), "%s%s%s", name,
		    cli_opts[i].arg ? " " : "",
		    cli_opts[i].arg ? cli_opts[i].arg : "");
		printf("  %-22s %s\n", left, cli_opts[i].help);
	}
}
