/* cli.c — the command line's parser: reads argv through the one table of
 * options (cli_opts.c) and is the one place that checks their values and
 * combinations.  Errors are one line on stderr; the caller exits 3.
 * Values of -a and -u are never echoed (they may hold a secret). */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_int.h"
#include "parse.h"
#include "url.h"

/* The last error, kept for main's stand-in report (REDIS UNKNOWN - ...
 * under --format nagios); it never holds a secret, like the stderr line. */
static char last_err[320];

static void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
cli_err(const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
	n = strlen(last_err);
	if (n > 0 && last_err[n - 1] == '\n')
		last_err[n - 1] = '\0';
	fprintf(stderr, "redisdiag: %s\n", last_err);
}

const char *
cli_last_error(void)
{
	return last_err;
}

int
cli_peek_format(int argc, char **argv)
{
	const char *v = NULL;
	int k;

	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--") == 0)
			break;
		if (strcmp(argv[k], "--format") == 0 && k + 1 < argc)
			v = argv[++k];
		else if (strncmp(argv[k], "--format=", 9) == 0)
			v = argv[k] + 9;
	}
	return v != NULL ? cli_format_named(v) : -1;
}

/* A printable, bounded rendering of a user value for an error message. */
static void
quote(const char *s, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; s[i] != '\0' && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= 64) {
			o += (size_t)snprintf(buf + o, len - o, "...");
			break;
		}
		if (isprint(c))
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = '\0';
}

static int
bad_value(const struct opt *o, const char *val, const char *why)
{
	char name[32], q[300];

	cli_optname(o, name, sizeof(name));
	if (o->kind == V_SECRET || val == NULL) {
		cli_err("%s: %s\n", name, why);
	} else {
		quote(val, q, sizeof(q));
		cli_err("%s: %s: '%s'\n", name, why, q);
	}
	return -1;
}

/* The name of an unknown long option, for its error message, and nothing
 * that may be a secret glued to it: "--pass=s3cret", "--pass s3cret" (one
 * quoted word, explain text pasted as an argument) and "--passs3cret"
 * print as "--pass..." at most. */
static void
optword(const char *arg, char *buf, size_t len)
{
	char name[72];
	size_t i, n = strcspn(arg, "= \t\r\n");
	bool cut = arg[n] != '\0' && arg[n] != '=';

	if (n > 64) {
		n = 64;
		cut = true;
	}
	for (i = 0; i < cli_nopts; i++) {
		size_t k;

		if (cli_opts[i].kind != V_SECRET || cli_opts[i].name == NULL)
			continue;
		k = strlen(cli_opts[i].name);
		if (strncmp(arg, "--", 2) == 0 && n > k + 2 &&
		    strncmp(arg + 2, cli_opts[i].name, k) == 0) {
			n = k + 2;
			cut = true;
		}
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	quote(name, buf, len > 3 ? len - 3 : len);
	if (cut) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "...");
	}
}

/* True when s is well-formed UTF-8 (no overlongs, no surrogates). */
static int
valid_utf8(const unsigned char *s)
{
	while (*s != '\0') {
		static const unsigned int min[] = { 0, 0x80, 0x800, 0x10000 };
		int n, len;
		unsigned int cp;

		if (*s < 0x80) {
			s++;
			continue;
		} else if ((*s & 0xe0) == 0xc0) {
			n = 1;
			cp = *s & 0x1f;
		} else if ((*s & 0xf0) == 0xe0) {
			n = 2;
			cp = *s & 0x0f;
		} else if ((*s & 0xf8) == 0xf0) {
			n = 3;
			cp = *s & 0x07;
		} else
			return 0;
		len = n;
		for (s++; n > 0; n--, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (*s & 0x3f);
		}
		if (cp < min[len] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
	}
	return 1;
}

/* Checks a string value's shape; returns 0 or prints and returns -1. */
static int
check_string(const struct opt *o, const char *val)
{
	size_t i, n = strlen(val);

	if (n == 0)
		return bad_value(o, NULL, "empty value");
	if ((long long)n > o->max)
		return bad_value(o, NULL, "value too long");
	if (!valid_utf8((const unsigned char *)val))
		return bad_value(o, NULL, "value is not valid UTF-8");
	if (o->kind == V_SECRET)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)val[i];
		if (c < 0x20 || c == 0x7f)
			return bad_value(o, val, "control character in value");
		if (o->kind == V_HOST && (c == ' ' || c >= 0x80))
			return bad_value(o, val, "not a host name or address");
	}
	return 0;
}

static int
set_format(struct rd_cli *cli, const struct opt *o, const char *val)
{
	int f = cli_format_named(val);

	if (f >= 0) {
		cli->ropts.format = (enum rd_format)f;
		cli->format_set = true;
		return 0;
	}
	return bad_value(o, val, "unknown format (json, text, ndjson, nagios, prometheus, junit)");
}

/* "latency=250ms,memory=90,clients=80%,cert_days=14" into t. */
static int
set_thresholds(const struct opt *o, const char *val, struct rd_thresholds *t)
{
	char buf[257], *save = NULL, *tok, *eq;
	const char *err;
	long long n;
	int64_t us;

	snprintf(buf, sizeof(buf), "%s", val);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		size_t len;

		if ((eq = strchr(tok, '=')) == NULL)
			return bad_value(o, val, "expected NAME=VALUE "
			    "(latency, memory, clients, cert_days)");
		*eq++ = '\0';
		if (strcmp(tok, "latency") == 0) {
			if (parse_duration(eq, &us, &err) == -1)
				return bad_value(o, val, err);
			t->latency_us = us;
			continue;
		}
		len = strlen(eq);
		if (len > 0 && eq[len - 1] == '%' &&
		    (strcmp(tok, "memory") == 0 || strcmp(tok, "clients") == 0))
			eq[len - 1] = '\0';
		if (strcmp(tok, "memory") == 0 || strcmp(tok, "clients") == 0) {
			if (parse_int(eq, 0, 100, &n, &err) == -1)
				return bad_value(o, val, err);
			if (tok[0] == 'm')
				t->memory_pct = (int)n;
			else
				t->clients_pct = (int)n;
		} else if (strcmp(tok, "cert_days") == 0) {
			if (parse_int(eq, 0, 100000, &n, &err) == -1)
				return bad_value(o, val, err);
			t->cert_days = (int)n;
		} else
			return bad_value(o, val, "unknown threshold (latency, "
			    "memory, clients, cert_days)");
	}
	return 0;
}

/* --label K=V: a Prometheus label name that is not one of ours. */
static int
add_label(struct rd_cli *cli, const struct opt *o, const char *val)
{
	static const char *const ours[] = { "target", "version", "command",
	    "host", "port", "tls", "source", "scenario", "verdict", "step",
	    "status", "id", "severity", "quantile", "job", "instance" };
	const char *eq = strchr(val, '=');
	size_t i, n = eq != NULL ? (size_t)(eq - val) : 0;
	int k;

	if (eq == NULL || n == 0)
		return bad_value(o, val, "expected K=V");
	for (i = 0; i < n; i++)
		if (!(isalpha((unsigned char)val[i]) || val[i] == '_' ||
		    (i > 0 && isdigit((unsigned char)val[i]))))
			return bad_value(o, val, "not a Prometheus label name "
			    "([a-zA-Z_][a-zA-Z0-9_]*)");
	if (n >= 2 && val[0] == '_' && val[1] == '_')
		return bad_value(o, val, "label names starting with __ are "
		    "reserved");
	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (strlen(ours[i]) == n && strncmp(val, ours[i], n) == 0)
			return bad_value(o, val, "label name used by redisdiag "
			    "itself");
	for (k = 0; k < cli->ropts.nlabels; k++)
		if (strlen(cli->ropts.labels[k].key) == n &&
		    strncmp(cli->ropts.labels[k].key, val, n) == 0)
			return bad_value(o, val, "label given twice");
	if (cli->ropts.nlabels >= RD_MAX_LABELS)
		return bad_value(o, val, "too many labels (8 at most)");
	if (n >= sizeof(cli->label_keys[0]))
		return bad_value(o, val, "label name too long");
	memcpy(cli->label_keys[cli->ropts.nlabels], val, n);
	cli->label_keys[cli->ropts.nlabels][n] = '\0';
	cli->ropts.labels[cli->ropts.nlabels].key =
	    cli->label_keys[cli->ropts.nlabels];
	cli->ropts.labels[cli->ropts.nlabels].value = eq + 1;
	cli->ropts.nlabels++;
	return 0;
}

/* -u after -h/-p/-a/--user/-n: the last one wins, as in redis-cli, for
 * each part the URL names (a URL without a port leaves -p alone).  Flags
 * after -u beat it anyway (config_resolve ranks flags above the URL). */
static void
url_supersede(struct rd_connflags *c, const char *val)
{
	struct rd_url u;
	struct rd_url_err e;

	if (url_parse(val, &u, &e) == -1)
		return;			/* config_resolve reports it */
	if (u.host[0] != '\0')
		c->host = NULL;
	if (u.port > 0)
		c->port = 0;
	if (u.has_user)
		c->user = NULL;
	if (u.has_password)
		c->password = NULL;
	if (u.db >= 0)
		c->db = -1;
	explicit_bzero(u.password, sizeof(u.password));
}

/* -u unix://[[user]:password@]/path[?db=N] (redis-py's form, read by
 * url.c): the socket path, and the user, password and db it names, as if
 * given with -s, --user, -a and -n.  The value is never echoed (it may
 * hold a secret). */
static int
unix_url(struct rd_cli *cli, const struct opt *o, const char *val)
{
	struct rd_url u;
	struct rd_url_err e;
	long long db;
	const char *err;
	int rc = -1;

	if (url_parse(val, &u, &e) == -1) {
		bad_value(o, NULL, e.msg);
		goto out;
	}
	if (u.nquery > 1 || (u.nquery == 1 && strcmp(u.query[0].key, "db"))) {
		bad_value(o, NULL, "unix:// URL: only ?db=N is read");
		goto out;
	}
	if (u.nquery == 1 && parse_int(u.query[0].value, 0, 1000000, &db,
	    &err) == -1) {
		bad_value(o, NULL, "unix:// URL: ?db= is not a database number");
		goto out;
	}
	if (u.nquery == 1)
		cli->conn.db = (int)db;
	/* url.c bounds the path to sun_path (RD_URL_MAX_SOCKET). */
	memcpy(cli->unix_path, u.host, sizeof(cli->unix_path) - 1);
	cli->unix_path[sizeof(cli->unix_path) - 1] = '\0';
	if (u.has_user && snprintf(cli->unix_user, sizeof(cli->unix_user), "%s",
	    u.user) > 0)
		cli->conn.user = cli->unix_user;
	if (u.has_password && snprintf(cli->unix_pass, sizeof(cli->unix_pass),
	    "%s", u.password) > 0)
		cli->conn.password = cli->unix_pass;
	cli->conn.url = NULL;
	cli->conn.socket = cli->unix_path;
	cli->conn.socket_from = "flag:-u";
	rc = 0;
out:
	explicit_bzero(&u, sizeof(u));
	return rc;
}

static int
apply(struct rd_cli *cli, const struct opt *o, const char *val)
{
	long long n = 0;
	int64_t us = 0;
	const char *err;

	switch (o->kind) {
	case V_STR: case V_SECRET: case V_PATH: case V_HOST:
		if (check_string(o, val) == -1)
			return -1;
		break;
	case V_INT:
		if (parse_int(val, o->min, o->max, &n, &err) == -1)
			return bad_value(o, val, err);
		break;
	case V_DUR:
		if (parse_duration(val, &us, &err) == -1)
			return bad_value(o, val, err);
		break;
	case V_NONE:
		break;
	}

	switch (o->id) {
	case 'u':
		if (strncasecmp(val, "unix://", 7) == 0)
			return unix_url(cli, o, val);
		cli->conn.url = val;
		cli->conn.socket = NULL;
		url_supersede(&cli->conn, val);
		break;
	case 's':
		cli->conn.socket = val;
		cli->conn.socket_from = "flag:-s";
		break;
	case 'h': cli->conn.host = val; break;
	case 'p': cli->conn.port = (int)n; break;
	case 'a': cli->conn.password = val; break;
	case 'n': cli->conn.db = (int)n; break;
	case '4': case '6':
		/* -4 -6, -46, -6 -4: the later one would silently win. */
		if (cli->conn.family != 0 && cli->conn.family != o->id - '0') {
			cli_err("-4 and -6 exclude each other\n");
			return -1;
		}
		cli->conn.family = o->id - '0';
		break;
	case O_USER: cli->conn.user = val; break;
	case O_TLS: cli->conn.tls = true; break;
	case O_SNI: cli->conn.sni = val; break;
	case O_NO_SNI: cli->conn.no_sni = true; break;
	case O_CACERT: cli->conn.cacert = val; break;
	case O_CACERTDIR: cli->conn.cacertdir = val; break;
	case O_CERT: cli->conn.cert = val; break;
	case O_KEY: cli->conn.key = val; break;
	case O_INSECURE: cli->conn.insecure = true; break;
	case O_TIMEOUT: case 't': cli->conn.timeout_us = us; break;
	case O_ASKPASS: cli->conn.askpass = true; break;
	case O_NO_AUTH_WARNING: cli->conn.no_auth_warning = true; break;
	case O_TLS_CIPHERS: cli->conn.tls_ciphers = val; break;
	case O_TLS_CIPHERSUITES: cli->conn.tls_ciphersuites = val; break;
	case '2': cli->conn.resp = 2; break;
	case '3': cli->conn.resp = 3; break;
	case O_ENV_FILE: cli->conn.env_file = val; break;
	case O_ALL_CANDIDATES: cli->conn.all_candidates = true; break;
	case O_SENTINEL:
		if (cli->conn.nsentinels >= 16)
			return bad_value(o, val, "more than 16 sentinels");
		cli->conn.sentinels[cli->conn.nsentinels++] = val;
		break;
	case O_MASTER_NAME: cli->conn.master_name = val; break;
	case O_SENTINEL_USER: cli->conn.sentinel_user = val; break;
	case O_SENTINEL_PASSWORD: cli->conn.sentinel_password = val; break;
	case O_PROFILE: cli->conn.profile = val; break;
	case O_CLIENT: cli->conn.client = val; break;
	case O_LIST_CLIENTS: cli->list_clients = true; break;
	case O_LIST_PROFILES: cli->list_profiles = true; break;
	case O_ENV_BATCH: cli->env_batch = val; break;
	case O_FORMAT: return set_format(cli, o, val);
	case O_STRICT: cli->ropts.strict = true; break;
	case O_QUIET: cli->ropts.quiet = true; break;
	case O_NO_COLOR: cli->no_color = true; break;
	case O_LAT_SAMPLES:
		/* 0: no latency step at all (the probe's own 0 means its
		 * default, which the user did not ask for). */
		cli->run.latency_samples = (int)n;
		cli->run.no_latency = n == 0;
		break;
	case O_LAT_THRESHOLD: cli->ropts.latency_threshold_us = us; break;
	case O_INTERVAL: cli->interval_us = us; break;
	case O_FAIL_AFTER: cli->fail_after = (int)n; break;
	case O_COUNT: cli->count = (int)n; break;
	case O_HOLD: cli->hold = true; break;
	case O_LIST: cli->list = true; break;
	case O_SERVE: cli->serve = true; break;
	case O_PORT: cli->serve_port = (int)n; break;
	case O_DELAY: cli->delay_us = us; break;
	case O_JITTER: cli->jitter_us = us; break;
	case O_CLOSE_AFTER: cli->close_after = n; break;
	case O_RESET_AFTER: cli->reset_after_us = us; break;
	case O_REDIS_VERSION:
		if (strcmp(val, "7") != 0 && strcmp(val, "6") != 0 &&
		    strcmp(val, "5") != 0)
			return bad_value(o, val, "unknown version (7, 6 or 5)");
		cli->redis_version = val;
		break;
	case O_VERBOSE: cli->verbose++; break;
	case 'o': cli->output = val; break;
	case O_LABEL: return add_label(cli, o, val);
	case O_WARNING: return set_thresholds(o, val, &cli->ropts.warn);
	case O_CRITICAL: return set_thresholds(o, val, &cli->ropts.crit);
	case O_TARGETS: cli->targets = val; break;
	case O_MAX_CONC: cli->max_concurrency = (int)n; break;
	case O_LISTEN: cli->listen = val; break;
	case O_TIMEOUT_OFFSET: cli->timeout_offset_us = us; break;
	case O_HELP: cli->help = true; break;
	case O_VERSION: cli->version = true; break;
	}
	return 0;
}

static void
defaults(struct rd_cli *cli)
{
	memset(cli, 0, sizeof(*cli));
	cli->conn.db = -1;
	cli->ropts.format = RD_FMT_JSON;
	cli->run.latency_samples = 10;
	cli->ropts.latency_threshold_us = 100000;
	cli->interval_us = 30 * 1000000LL;
	cli->fail_after = 2;
	cli->close_after = -1;
	cli->redis_version = "7";
	cli->ropts.warn.latency_us = cli->ropts.crit.latency_us = -1;
	cli->ropts.warn.memory_pct = cli->ropts.crit.memory_pct = -1;
	cli->ropts.warn.clients_pct = cli->ropts.crit.clients_pct = -1;
	cli->ropts.warn.cert_days = cli->ropts.crit.cert_days = -1;
	cli->max_concurrency = 32;
	cli->listen = "127.0.0.1:9130";
	cli->timeout_offset_us = 250000;
}

/* Joins argv[from..argc) with spaces (explain TEXT given unquoted). */
static char *
join(int argc, char **argv, int from)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (i = from; i < argc; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int
cli_parse(int argc, char **argv, struct rd_cli *cli)
{
	struct option lopts[CLI_OPTS_MAX + 1];
	char sopts[CLI_OPTS_MAX * 2 + 2], name[32];
	size_t i, nl = 0, ns = 0;
	unsigned mask = C_ALL;
	int c, first = 1;

	defaults(cli);

	/* The subcommand comes first; --help and --version work without it. */
	if (argc > 1 && argv[1][0] != '-') {
		const struct cli_cmd *cmd = cli_cmd_named(argv[1]);

		if (cmd == NULL) {
			char q[300];
			quote(argv[1], q, sizeof(q));
			cli_err("unknown command '%s' (try --help)\n", q);
			return -1;
		}
		cli->cmd = cmd->cmd;
		cli->cmd_name = cmd->name;
		mask = cmd->mask;
		first = 2;
	}

	sopts[ns++] = ':';	/* report a missing argument as ':' */
	for (i = 0; i < cli_nopts; i++) {
		if (cli_opts[i].name != NULL) {
			lopts[nl].name = cli_opts[i].name;
			lopts[nl].has_arg = cli_opts[i].kind == V_NONE ?
			    no_argument : required_argument;
			lopts[nl].flag = NULL;
			lopts[nl].val = cli_opts[i].id;
			nl++;
		}
		if (cli_opts[i].id < 256) {
			sopts[ns++] = (char)cli_opts[i].id;
			if (cli_opts[i].kind != V_NONE)
				sopts[ns++] = ':';
		}
	}
	memset(&lopts[nl], 0, sizeof(lopts[nl]));
	sopts[ns] = '\0';

	optind = first;
	opterr = 0;
	while ((c = getopt_long(argc, argv, sopts, lopts, NULL)) != -1) {
		const struct opt *o = NULL;

		if (c == '?' || c == ':') {
			const char *what = c == '?' ? "unknown option" :
			    "option needs a value";
			if (optopt != 0 && optopt < 256)
				cli_err("%s -%c (try --help)\n",
				    what, optopt);
			else {
				char q[300];
				optword(argv[optind - 1], q, sizeof(q));
				cli_err("%s '%s' (try --help)\n",
				    what, q);
			}
			return -1;
		}
		for (i = 0; i < cli_nopts; i++)
			if (cli_opts[i].id == c)
				o = &cli_opts[i];
		if (!(o->cmds & mask)) {
			cli_optname(o, name, sizeof(name));
			cli_err("%s is not an option of '%s' (try %s --help)\n",
			    name, cli->cmd_name ? cli->cmd_name : "redisdiag",
			    cli->cmd_name ? cli->cmd_name : "");
			return -1;
		}
		if (apply(cli, o, optarg) == -1)
			return -1;
	}

	if (cli->help || cli->version)
		return 0;
	if (cli->cmd == RD_CMD_NONE) {
		cli_err("no command given (try --help)\n");
		return -1;
	}

	/* Operands, and combinations, checked in one place. */
	switch (cli->cmd) {
	case RD_CMD_SIMULATE:
		if (optind < argc)
			cli->scenario = argv[optind++];
		if (optind < argc) {
			cli_err("simulate takes one scenario (try simulate --list)\n");
			return -1;
		}
		if (!cli->list && cli->scenario == NULL) {
			cli_err("simulate needs a scenario (try simulate --list)\n");
			return -1;
		}
		if (cli->serve_port != 0 && !cli->serve) {
			cli_err("--listen-port needs --serve\n");
			return -1;
		}
		break;
	case RD_CMD_EXPLAIN:
		if (optind < argc) {
			if (optind == argc - 1 && strcmp(argv[optind], "-") == 0)
				cli->explain_text = NULL;
			else {
				if ((cli->explain_joined = join(argc, argv, optind)) == NULL) {
					cli_err("out of memory\n");
					return -1;
				}
				cli->explain_text = cli->explain_joined;
			}
		}
		break;
	default:
		if (optind < argc) {
			char q[300];
			quote(argv[optind], q, sizeof(q));
			cli_err("unexpected argument '%s' (try %s --help)\n",
			    q, cli->cmd_name);
			return -1;
		}
		break;
	}

	/* One latency threshold: --warning latency= is latency.high's too,
	 * so the nagios state, its perfdata and the findings agree. */
	if (cli->ropts.warn.latency_us >= 0)
		cli->ropts.latency_threshold_us = cli->ropts.warn.latency_us;
	if (cli->output != NULL && cli->ropts.quiet) {
		cli_err("-o and --quiet exclude each other\n");
		return -1;
	}
	{
		/* -2 -3 together: the later one would silently win. */
		int n2 = 0, n3 = 0, k;
		for (k = 1; k < argc; k++) {
			n2 += strcmp(argv[k], "-2") == 0;
			n3 += strcmp(argv[k], "-3") == 0;
		}
		if (n2 && n3) {
			cli_err("-2 and -3 exclude each other\n");
			return -1;
		}
	}
	if (cli->conn.socket != NULL && (cli->conn.tls || cli->conn.sni != NULL)) {
		cli_err("a Unix socket (-s, unix://) takes no --tls or --sni\n");
		return -1;
	}
	if (cli->targets != NULL) {
		/* Each target's URL is its connection; these would apply to
		 * every target at once. */
		const struct rd_connflags *f = &cli->conn;
		const char *one = f->url != NULL ? "-u" : f->host != NULL ?
		    "-h" : f->port != 0 ? "-p" : f->password != NULL ? "-a" :
		    f->user != NULL ? "--user" : f->db >= 0 ? "-n" :
		    f->sni != NULL ? "--sni" : f->all_candidates ?
		    "--all-candidates" : NULL;

		if (one != NULL) {
			cli_err("%s and --targets exclude each other (each "
			    "target's URL is its connection; passwords come "
			    "from the environment)\n", one);
			return -1;
		}
		if (cli->ropts.format == RD_FMT_NAGIOS ||
		    cli->ropts.format == RD_FMT_JUNIT) {
			cli_err("--targets reports as json, ndjson, text or "
			    "prometheus\n");
			return -1;
		}
	}
	if (cli->conn.sni != NULL && cli->conn.no_sni) {
		cli_err("--sni and --no-sni exclude each other\n");
		return -1;
	}
	if ((cli->conn.cert == NULL) != (cli->conn.key == NULL)) {
		cli_err("--cert and --key go together\n");
		return -1;
	}
	return 0;
}

void
cli_free(struct rd_cli *cli)
{
	explicit_bzero(cli->unix_pass, sizeof(cli->unix_pass));
	free(cli->explain_joined);
	cli->explain_joined = NULL;
}
