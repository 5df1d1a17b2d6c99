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
}
