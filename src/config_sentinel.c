/* config_sentinel.c — the sentinel part of a configuration (SPEC section
 * 13): the sentinels named by --sentinel HOST:PORT (with --master-name) or
 * by a redis+sentinel:// URL that won, the master's name, and the
 * sentinels' own AUTH (--sentinel-user, --sentinel-password), which is
 * separate from the master's as in ioredis (sentinelPassword) and redis-py
 * (sentinel_kwargs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "url.h"

/* "host:port", "[v6]:port", "host" (26379) into a. 0, or -1 with why. */
static int
parse_addr(const char *s, struct rd_sentinel_addr *a, char *why, size_t wsz)
{
	char buf[300];
	struct rd_url u;
	struct rd_url_err e;

	/* The URL parser knows hosts, brackets and ports already. */
	if (strlen(s) > 280) {
		snprintf(why, wsz, "longer than 280 bytes");
		return -1;
	}
	snprintf(buf, sizeof(buf), "redis://%s", s);
	if (url_parse(buf, &u, &e) == -1 || u.has_user || u.has_password ||
	    u.db >= 0 || u.nquery > 0 || u.host[0] == '\0') {
		snprintf(why, wsz, "not HOST:PORT%s%s", e.msg[0] ? ": " : "",
		    e.msg);
		return -1;
	}
	snprintf(a->host, sizeof(a->host), "%s", u.host);
	a->port = u.port > 0 ? u.port : RD_SENTINEL_PORT;
	return 0;
}

/* The target fields name the first sentinel. */
static void
first_as_target(struct ctx *x, const char *src)
{
	struct rd_config *c = x->c;
	char port[16];

	snprintf(port, sizeof(port), "%d", c->sentinels[0].port);
	cf_set_field(x, RD_F_HOST, c->sentinels[0].host, src);
	cf_set_field(x, RD_F_PORT, port, src);
	free(c->host);
	c->host = cf_dup_or_null(x, c->sentinels[0].host);
	c->port = c->sentinels[0].port;
	snprintf(c->source, sizeof(c->source), "%s", src);
	c->default_used = false;
	if (c->valid) {
		char buf[1024];

		url_format_redacted(c->tls, c->username, c->password_set,
		    c->host, c->port, c->db, buf, sizeof(buf));
		free(c->url_redacted);
		c->url_redacted = cf_dup_or_null(x, buf);
	}
}

/* The redis+sentinel:// URL --sentinel and --master-name stand for. */
static void
flags_url(struct rd_config *c)
{
	struct rd_url u;
	char buf[1200], *dup;
	int i;

	if (c->nsentinels == 0 || !c->valid)
		return;
	memset(&u, 0, sizeof(u));
	u.sentinel = true;
	u.tls = c->tls;
	u.has_password = c->password_set;
	if (c->username != NULL && strcmp(c->username, RD_MASK) == 0)
		u.user_only = u.has_user = true;
	else if (c->username != NULL && c->username[0] != '\0') {
		u.has_user = true;
		snprintf(u.user, sizeof(u.user), "%s", c->username);
	}
	u.nsentinels = c->nsentinels;
	for (i = 0; i < c->nsentinels; i++) {
		memcpy(u.sentinels[i].host, c->sentinels[i].host,
		    sizeof(u.sentinels[i].host));
		u.sentinels[i].port = c->sentinels[i].port;
	}
	snprintf(u.master, sizeof(u.master), "%s", c->master_name);
	u.db = c->db > 0 ? c->db : -1;
	url_redact(&u, buf, sizeof(buf));
	if ((dup = strdup(buf)) != NULL) {
		free(c->url_redacted);
		c->url_redacted = dup;
	}
}

/* The value of name when set and non-empty (the generic reading: an
 * empty variable is unset), its source into src. */
static const char *
env_val(struct ctx *x, const char *name, char *src, size_t sz)
{
	const struct rd_envvar *e = x->env != NULL ? envmap_get(x->env, name) :
	    NULL;

	if (e == NULL || e->value[0] == '\0')
		return NULL;
	cf_env_src(e, src, sz);
	return e->value;
}

/* REDIS_SENTINELS="h1:p1,h2:p2" with REDIS_SENTINEL_MASTER=name (Mastodon's
 * and Zammad's variables), read by the generic profile only: below the
 * command line and REDIS_URL, above REDIS_HOST and NF_REDIS_*.  Returns
 * true when they name the sentinels. */
static bool
env_sentinels(struct ctx *x)
{
	struct rd_config *c = x->c;
	char src[RD_SOURCE_LEN], msrc[RD_SOURCE_LEN], why[200], item[300];
	const char *list = env_val(x, "REDIS_SENTINELS", src, sizeof(src));
	const char *master = env_val(x, "REDIS_SENTINEL_MASTER", msrc,
	    sizeof(msrc));
	const char *p, *end;
	static const char *const lost[] = { "REDIS_HOST", "REDIS_PORT",
	    "NF_REDIS_URL", "NF_REDIS_HOST", "NF_REDIS_PORT", NULL };
	size_t n, i;

	if (c->profile == NULL || !c->profile->generic)
		return false;
	if (list == NULL) {
		if (master != NULL)
			cf_shadow(x, "REDIS_SENTINEL_MASTER", "REDIS_SENTINELS "
			    "is not set: no sentinel to ask");
		return false;
	}
	if (x->L <= L_URL) {
		/* -u, -h or REDIS_URL names the server. */
		cf_shadow(x, "REDIS_SENTINELS", "%s names the server",
		    x->L == L_URL ? "REDIS_URL" : "the command line");
		if (master != NULL)
			cf_shadow(x, "REDIS_SENTINEL_MASTER", "%s names the "
			    "server", x->L == L_URL ? "REDIS_URL" :
			    "the command line");
		return false;
	}
	for (p = list; *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(end - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		snprintf(item, sizeof(item), "%.*s", (int)(n < 290 ? n : 290), p);
		if (c->nsentinels >= RD_MAX_SENTINEL_ADDRS) {
			config_add_problem(c, RD_P_INVALID_VALUE, "REDIS_SENTINELS",
			    false, "REDIS_SENTINELS: more than %d sentinels; "
			    "the first %d are asked", RD_MAX_SENTINEL_ADDRS,
			    RD_MAX_SENTINEL_ADDRS);
			break;
		}
		if (n == 0 || parse_addr(item, &c->sentinels[c->nsentinels],
		    why, sizeof(why)) == -1) {
			config_add_problem(c, RD_P_INVALID_VALUE, "REDIS_SENTINELS",
			    true, "REDIS_SENTINELS: item %d is %s (the form is "
			    "HOST[:PORT],HOST[:PORT]...)", c->nsentinels + 1,
			    n == 0 ? "empty" : why);
			continue;
		}
		c->nsentinels++;
	}
	snprintf(c->sentinel_source, sizeof(c->sentinel_source), "%s", src);
	if (x->fl->master_name != NULL && x->fl->master_name[0] != '\0') {
		snprintf(c->master_name, sizeof(c->master_name), "%s",
		    x->fl->master_name);
		if (master != NULL)
			cf_shadow(x, "REDIS_SENTINEL_MASTER", "overridden by "
			    "flag:--master-name");
	} else if (master != NULL)
		snprintf(c->master_name, sizeof(c->master_name), "%s", master);
	else
		config_add_problem(c, RD_P_INVALID_VALUE, "REDIS_SENTINELS", true,
		    "REDIS_SENTINELS needs REDIS_SENTINEL_MASTER (the name of "
		    "the master the sentinels monitor)");
	for (i = 0; lost[i] != NULL; i++)
		if (env_val(x, lost[i], msrc, sizeof(msrc)) != NULL)
			cf_shadow(x, lost[i], "REDIS_SENTINELS names the server "
			    "(the master the sentinels name)");
	if (c->nsentinels > 0)
		first_as_target(x, src);
	return true;
}

/* The sentinels' own credentials from the environment, in the profiles
 * that read REDIS_SENTINELS (Zammad's REDIS_SENTINEL_USERNAME and
 * REDIS_SENTINEL_PASSWORD); the flags win. */
static void
env_sentinel_auth(struct ctx *x)
{
	struct rd_config *c = x->c;
	const struct rd_connflags *fl = x->fl;
	char src[RD_SOURCE_LEN];
	const char *v;

	if (c->profile == NULL || !c->profile->generic || c->nsentinels == 0)
		return;
	if ((v = env_val(x, "REDIS_SENTINEL_USERNAME", src, sizeof(src))) != NULL) {
		if (fl->sentinel_user != NULL)
			cf_shadow(x, "REDIS_SENTINEL_USERNAME", "overridden by "
			    "flag:--sentinel-user");
		else
			snprintf(c->sentinel_user, sizeof(c->sentinel_user),
			    "%s", v);
	}
	if ((v = env_val(x, "REDIS_SENTINEL_PASSWORD", src, sizeof(src))) != NULL) {
		if (fl->sentinel_password != NULL && fl->sentinel_password[0])
			cf_shadow(x, "REDIS_SENTINEL_PASSWORD", "overridden by "
			    "flag:--sentinel-password");
		else if (x->vault != NULL &&
		    (c->sentinel_secret = vault_put(x->vault, v, strlen(v))) == -1)
			x->oom = true;
	}
}

void
cf_sentinel(struct ctx *x)
{
	const struct rd_connflags *fl = x->fl;
	struct rd_config *c = x->c;
	const struct purl *lu = cf_lurl_ok(x);
	char why[200], buf[1200];
	int i;

	if (fl->nsentinels > 0) {
		for (i = 0; i < fl->nsentinels && i < RD_MAX_SENTINEL_ADDRS; i++) {
			if (parse_addr(fl->sentinels[i], &c->sentinels[c->nsentinels],
			    why, sizeof(why)) == -1) {
				config_add_problem(c, RD_P_INVALID_VALUE,
				    "flag:--sentinel", true, "--sentinel %s", why);
				continue;
			}
			c->nsentinels++;
		}
		snprintf(c->sentinel_source, sizeof(c->sentinel_source),
		    "flag:--sentinel");
		if (fl->master_name == NULL || fl->master_name[0] == '\0')
			config_add_problem(c, RD_P_INVALID_VALUE,
			    "flag:--sentinel", true, "--sentinel needs "
			    "--master-name NAME (the master the sentinels monitor)");
		else
			snprintf(c->master_name, sizeof(c->master_name), "%s",
			    fl->master_name);
		if (c->nsentinels > 0 && fl->url == NULL && fl->host == NULL)
			first_as_target(x, "flag:--sentinel");
		flags_url(c);
	} else if (lu != NULL && lu->u.sentinel) {
		for (i = 0; i < lu->u.nsentinels; i++) {
			snprintf(c->sentinels[i].host, sizeof(c->sentinels[i].host),
			    "%s", lu->u.sentinels[i].host);
			c->sentinels[i].port = lu->u.sentinels[i].port;
		}
		c->nsentinels = lu->u.nsentinels;
		snprintf(c->sentinel_source, sizeof(c->sentinel_source), "%s",
		    lu->src);
		snprintf(c->master_name, sizeof(c->master_name), "%s",
		    fl->master_name != NULL && fl->master_name[0] != '\0' ?
		    fl->master_name : lu->u.master);
		url_redact(&lu->u, buf, sizeof(buf));
		free(c->url_redacted);
		c->url_redacted = cf_dup_or_null(x, buf);
	} else if (env_sentinels(x)) {
		flags_url(c);
	} else if (fl->master_name != NULL && fl->master_name[0] != '\0') {
		config_add_problem(c, RD_P_INVALID_VALUE, "flag:--master-name",
		    true, "--master-name needs --sentinel HOST:PORT or a "
		    "redis+sentinel:// URL");
	}
	if (fl->sentinel_user != NULL)
		snprintf(c->sentinel_user, sizeof(c->sentinel_user), "%s",
		    fl->sentinel_user);
	/* On the command line it is as visible as -a: main warns. */
	if (fl->sentinel_password != NULL && fl->sentinel_password[0] != '\0')
		c->password_on_cmdline = true;
	if (fl->sentinel_password != NULL && fl->sentinel_password[0] != '\0' &&
	    x->vault != NULL) {
		c->sentinel_secret = vault_put(x->vault, fl->sentinel_password,
		    strlen(fl->sentinel_password));
		if (c->sentinel_secret == -1)
			x->oom = true;
	}
	env_sentinel_auth(x);
}
