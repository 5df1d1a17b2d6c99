/* resolve.c — configuration from the real process.
 *
 * The only file besides main.c that reads the process environment: it
 * copies environ into an envmap, overlays --env-file (file values win, with
 * origin "env-file:PATH:LINE"), detects the container under
 * $REDISDIAG_SYSROOT (default "/"; the tests' seam) and hands everything to
 * config_resolve().  The TLS files the flags name are checked here, by
 * stat() alone (a pipe can be read only once: the probe reads it, under
 * its deadline): one that does not exist, cannot be read or is of the
 * wrong type is a usage error, as an unreadable --env-file is. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dotenv.h"
#include "profiles.h"
#include "envdetect.h"
#include "resolve.h"

extern char **environ;

/* Reads path whole into a malloc'd buffer (at most RD_DOTENV_MAX_BYTES).
 * Returns 0, or -1 with *why set to a static phrase. */
static int
slurp(const char *path, char **buf, size_t *len, const char **why)
{
	struct stat st;
	ssize_t r;
	size_t got = 0;
	int fd;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		*why = errno == ENOENT ? "no such file" : errno == EACCES ?
		    "permission denied" : "cannot be opened";
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return -1;
	}
	if (st.st_size > RD_DOTENV_MAX_BYTES) {
		close(fd);
		*why = "larger than 1 MiB";
		return -1;
	}
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		*why = "out of memory";
		return -1;
	}
	while (got < (size_t)st.st_size &&
	    (r = read(fd, *buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	*len = got;
	return 0;
}

/* Overlays the env-file on m.  Returns 0, or -1 with detail filled (a
 * line number and what is wrong, never a value). */
static int
overlay_env_file(struct rd_envmap *m, const char *path, char *detail,
    size_t dlen)
{
	struct rd_dotenv d = { 0 };
	struct rd_dotenv_err err;
	const char *why;
	char origin[RD_SOURCE_LEN], *buf;
	size_t len, i;
	int rc = 0;

	if (slurp(path, &buf, &len, &why) == -1) {
		snprintf(detail, dlen, "--env-file %s: %s", path, why);
		return -1;
	}
	if (dotenv_parse(buf, len, &d, &err) == -1) {
		snprintf(detail, dlen, "--env-file %s: line %d: %s", path,
		    err.line, err.msg);
		rc = -1;
	}
	for (i = 0; rc == 0 && i < d.n; i++) {
		snprintf(origin, sizeof(origin), "env-file:%s:%d", path,
		    d.v[i].line);
		if (envmap_set(m, d.v[i].name, d.v[i].value, origin) == -1) {
			snprintf(detail, dlen, "--env-file %s: out of memory",
			    path);
			rc = -1;
		}
	}
	for (i = 0; i < d.n; i++)
		explicit_bzero(d.v[i].value, strlen(d.v[i].value));
	dotenv_free(&d);
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

struct rd_connflags
resolve_models(const struct rd_connflags *flags)
{
	struct rd_connflags f = *flags;
	const char *v;

	if (f.profile == NULL)
		f.profile = (v = getenv("REDISDIAG_PROFILE")) != NULL && *v ?
		    v : profile_default()->name;
	if (f.client == NULL && (v = getenv("REDISDIAG_CLIENT")) != NULL && *v)
		f.client = v;
	return f;
}

/* "NAME=HEX" → name, value; -1 when the pair is malformed. */
static int
unhex_pair(char *tok, char **name, char **value)
{
	char *eq = strchr(tok, '='), *r, *w;
	unsigned hi, lo;

	if (eq == NULL || eq == tok)
		return -1;
	*eq = '\0';
	*name = tok;
	*value = w = eq + 1;
	for (r = eq + 1; r[0] && r[1]; r += 2) {
		if (sscanf(r, "%1x%1x", &hi, &lo) != 2)
			return -1;
		*w++ = (char)(hi * 16 + lo);
	}
	if (*r != '\0')
		return -1;
	*w = '\0';
	return 0;
}

/* Adds config.tls_file for a TLS path that cannot be used. */
static void
check_tls_file(struct rd_config *out, const char *flag, const char *path,
    bool want_dir)
{
	struct stat st;
	const char *why = NULL;
	char name[32];

	if (path == NULL)
		return;
	if (*path == '\0')
		why = "empty path";
	else if (stat(path, &st) == -1)
		why = errno == ENOENT ? "no such file" : errno == EACCES ?
		    "permission denied" : errno == ENOTDIR ?
		    "a component of the path is not a directory" :
		    "cannot be examined";
	else if (want_dir && !S_ISDIR(st.st_mode))
		why = "not a directory";
	else if (!want_dir && S_ISDIR(st.st_mode))
		why = "a directory, not a file";
	else if (access(path, want_dir ? R_OK | X_OK : R_OK) == -1)
		why = "permission denied";
	if (why == NULL)
		return;
	snprintf(name, sizeof(name), "flag:%s", flag);
	config_add_problem(out, RD_P_TLS_FILE, name, true, "%s %s: %s", flag,
	    path, why);
	out->valid = false;
}

/* -s SOCKET (or a unix:// -u): the target is the socket, above every
 * other source, as in redis-cli (config_use_socket). */
static void
apply_socket(const struct rd_connflags *fl, struct rd_config *c)
{
	if (fl->socket != NULL && c->valid)
		config_use_socket(c, fl->socket, fl->socket_from != NULL ?
		    fl->socket_from : "flag:-s");
}

/* --askpass: what was typed is the password (config_use_askpass); a
 * typed password never was on the command line. */
static void
apply_askpass(const struct rd_connflags *fl, struct rd_config *c)
{
	if (!fl->askpass || !c->valid)
		return;
	if (fl->password == NULL || *fl->password == '\0')
		config_use_askpass(c, fl->password);
	snprintf(c->f[RD_F_PASSWORD].source,
	    sizeof(c->f[RD_F_PASSWORD].source), "flag:--askpass");
}

int
resolve_pairs(const struct rd_connflags *flags, char *line,
    struct rd_config *out, struct rd_vault *vault)
{
	struct rd_envmap m = { 0 };
	struct rd_connflags f = resolve_models(flags);
	char *save = NULL, *tok, *name, *value;
	int rc = 0;

	for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r\n", &save))
		if (unhex_pair(tok, &name, &value) == -1 ||
		    envmap_set(&m, name, value, "env") == -1)
			rc = -1;
	if (rc == -1) {
		envmap_free(&m);
		memset(out, 0, sizeof(*out));
		config_add_problem(out, RD_P_ENV_FILE, "--env-batch", true,
		    "--env-batch: a line is not NAME=HEX pairs");
		return -1;
	}
	rc = config_resolve(&f, &m, NULL, out, vault);
	envmap_free(&m);
	return rc;
}

int
resolve_process(const struct rd_connflags *flags_in, struct rd_config *out,
    struct rd_vault *vault)
{
	struct rd_connflags fl = resolve_models(flags_in);
	const struct rd_connflags *flags = &fl;
	struct rd_envmap m = { 0 };
	struct rd_envinfo envi;
	const char *root;
	char detail[320];
	bool file_bad = false;
	int rc;

	if (envmap_from_environ(&m, environ) == -1) {
		envmap_free(&m);
		memset(out, 0, sizeof(*out));
		config_add_problem(out, RD_P_ENV_FILE, "environment", true,
		    "out of memory reading the environment");
		return -1;
	}
	if (flags->env_file != NULL &&
	    overlay_env_file(&m, flags->env_file, detail, sizeof(detail)) == -1)
		file_bad = true;
	if ((root = getenv("REDISDIAG_SYSROOT")) == NULL || *root == '\0')
		root = "/";
	envdetect(root, &m, &envi);
	rc = config_resolve(flags, &m, &envi, out, vault);
	envmap_free(&m);
	out->no_auth_warning = flags->no_auth_warning || flags->askpass;
	out->tls_ciphers = flags->tls_ciphers;
	out->tls_ciphersuites = flags->tls_ciphersuites;
	/* out->resp: config_resolve (the flag, else the client's own). */
	apply_socket(flags, out);
	apply_askpass(flags, out);
	/* A file the user named and we could not read is never ignored:
	 * the configuration it was meant to give is unknown. */
	if (file_bad) {
		config_add_problem(out, RD_P_ENV_FILE, "flag:--env-file", true,
		    "%s", detail);
		out->valid = false;
		rc = -1;
	}
	check_tls_file(out, "--cacert", flags->cacert, false);
	check_tls_file(out, "--cacertdir", flags->cacertdir, true);
	check_tls_file(out, "--cert", flags->cert, false);
	check_tls_file(out, "--key", flags->key, false);
	if (!out->valid)
		rc = -1;
	return rc;
}

void
resolve_warnings(const struct rd_config *cfg, bool quiet)
{
	if (quiet || !cfg->password_on_cmdline || cfg->no_auth_warning)
		return;
	fprintf(stderr, "Warning: Using a password with '-a' or '-u' option on "
	    "the command line interface may not be safe.\n");
}

bool
resolve_env_file_error(const struct rd_config *cfg)
{
	size_t i;

	bool env_file = false;

	for (i = 0; i < cfg->nproblems; i++) {
		if (cfg->problems[i].kind != RD_P_ENV_FILE &&
		    cfg->problems[i].kind != RD_P_TLS_FILE)
			continue;
		fprintf(stderr, "redisdiag: %s\n", cfg->problems[i].detail);
		env_file |= cfg->problems[i].kind == RD_P_ENV_FILE;
	}
	return env_file;
}

int
resolve_envmap(const char *env_file, struct rd_envmap *m,
    struct rd_envinfo *envi, char *detail, size_t dlen)
{
	const char *root;

	memset(m, 0, sizeof(*m));
	snprintf(detail, dlen, "out of memory reading the environment");
	if (envmap_from_environ(m, environ) == -1 || (env_file != NULL &&
	    overlay_env_file(m, env_file, detail, dlen) == -1)) {
		envmap_free(m);
		return -1;
	}
	if ((root = getenv("REDISDIAG_SYSROOT")) == NULL || *root == '\0')
		root = "/";
	envdetect(root, m, envi);
	detail[0] = '\0';
	return 0;
}
