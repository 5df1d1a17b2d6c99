/* config_cands.c — the further configurations the environment names
 * (REDIS_TLS_URL, KV_URL, the losing NF_REDIS_URL, ...), kept as
 * candidates for --all-candidates, and the secrets' one way into the vault
 * (secret.h): the configuration keeps slots and "****". */
#include "config_int.h"
#include "unixsock.h"

/* ---- candidates -------------------------------------------------------- */

static struct rd_candidate *
new_cand(struct ctx *x)
{
	struct rd_candidate *c;

	if (x->c->ncands >= MAX_CANDS) {
		x->c->ncands_cut++;
		return NULL;
	}
	if (cf_append((void **)&x->c->cands, &x->c->ncands, sizeof(*c)) == -1) {
		x->oom = true;
		return NULL;
	}
	c = &x->c->cands[x->c->ncands - 1];
	c->db = -1;
	c->secret = c->user_slot = -1;
	return c;
}

static const char *
layer_name(const struct ctx *x)
{
	static const char *names[] = { "flags", "REDIS_URL", "REDIS_HOST",
	    "NF_REDIS_URL", "NF_REDIS_HOST", "default" };

	return names[x->L];
}

/* Puts a secret into the vault: its slot, or -1 when s is unset or there
 * is no vault.  A vault that cannot take it makes the configuration
 * unusable (as allocation failure does): never probe without it. */
static int
keep_secret(struct ctx *x, const char *s)
{
	int slot;

	if (s == NULL || *s == '\0' || x->vault == NULL)
		return -1;
	if ((slot = vault_put(x->vault, s, strlen(s))) == -1)
		x->oom = true;
	return slot;
}

/* Replaces a field's secret value by "****", wiping it. */
static void
mask_field(struct ctx *x, struct rd_field *f)
{
	explicit_bzero(f->value, strlen(f->value));
	free(f->value);
	if ((f->value = strdup(RD_MASK)) == NULL)
		x->oom = true;
}

/* True when the resolved user name is a user-only URL's user info. */
static bool
user_is_secret(struct ctx *x, const char *user)
{
	const struct purl *lu = cf_lurl_ok(x);

	return (x->fu.ok && x->fu.u.user_only && strcmp(user, x->fu.u.user) == 0) ||
	    (lu != NULL && lu->u.user_only && strcmp(user, lu->u.user) == 0);
}

/* Moves the resolved secrets into the vault: the configuration keeps
 * password_set and slots, the fields "****" and their sources. */
void
cf_secrets_to_vault(struct ctx *x)
{
	struct rd_config *c = x->c;
	struct rd_field *pw = &c->f[RD_F_PASSWORD], *us = &c->f[RD_F_USERNAME];

	if (pw->value != NULL) {
		c->password_set = true;
		c->secret = keep_secret(x, pw->value);
		mask_field(x, pw);
	}
	if (us->value != NULL && user_is_secret(x, us->value)) {
		c->user_slot = keep_secret(x, us->value);
		mask_field(x, us);
	}
}

static void
cand_winner(struct ctx *x)
{
	struct rd_config *c = x->c;
	struct rd_candidate *k;

	if ((k = new_cand(x)) == NULL)
		return;
	snprintf(k->name, sizeof(k->name), "%s", layer_name(x));
	snprintf(k->source, sizeof(k->source), "%s", c->f[RD_F_HOST].source);
	k->winner = true;
	k->valid = c->valid;
	if (!c->valid) {
		snprintf(k->error, sizeof(k->error), "the configuration is invalid");
		return;
	}
	snprintf(k->host, sizeof(k->host), "%s", c->host);
	k->unix_socket = c->unix_socket;
	k->port = c->port;
	k->tls = c->tls;
	k->password_set = c->password_set;
	k->secret = c->secret;
	k->user_slot = c->user_slot;
	k->db = c->db;
	k->username = cf_dup_or_null(x, c->username);
	if (c->url_redacted != NULL)
		snprintf(k->url_redacted, sizeof(k->url_redacted), "%s",
		    c->url_redacted);
}

static void
cand_url(struct ctx *x, const struct rd_envvar *e)
{
	struct rd_candidate *k;
	struct rd_url u;
	struct rd_url_err err;
	const char *key;
	struct purl tmp;

	if ((k = new_cand(x)) == NULL)
		return;
	snprintf(k->name, sizeof(k->name), "%s", e->name);
	cf_env_src(e, k->source, sizeof(k->source));
	if (url_parse(e->value, &u, &err) == -1) {
		snprintf(k->error, sizeof(k->error), "%s (at byte %zu)", err.msg,
		    err.offset);
		return;
	}
	k->valid = true;
	snprintf(k->host, sizeof(k->host), "%s", u.host);
	k->unix_socket = u.unix_socket;
	k->port = u.unix_socket ? 0 : u.port > 0 ? u.port : RD_DEFAULT_PORT;
	tmp.u = u;
	k->tls = !u.unix_socket && (u.tls || cf_query_true(&tmp, &key));
	k->password_set = u.has_password;
	k->db = u.db;
	if (u.unix_socket && (key = url_query(&u, "db")) != NULL)
		k->db = (int)cf_strict_long(key, 0, 1000000);
	if (u.user_only) {
		k->user_slot = keep_secret(x, u.user);
		k->username = cf_dup_or_null(x, RD_MASK);
	} else
		k->username = cf_dup_or_null(x, u.has_user ? u.user : NULL);
	k->secret = u.has_password ? keep_secret(x, u.password) : -1;
	url_redact(&u, k->url_redacted, sizeof(k->url_redacted));
	if (u.unix_socket)
		unixsock_url(u.host, k->db, k->url_redacted,
		    sizeof(k->url_redacted));
	explicit_bzero(&u, sizeof(u));
	explicit_bzero(&tmp, sizeof(tmp));
}

/* A host/port pair that lost (REDIS_HOST behind REDIS_URL, NF_REDIS_HOST
 * behind REDIS_HOST ...). */
static void
cand_pair(struct ctx *x, enum var_id h, enum var_id p, enum var_id pw,
    bool tls)
{
	struct rd_candidate *k;
	struct rd_url_err err;
	const struct rd_envvar *e = envmap_get(x->env, var_names[h]);
	long port = RD_DEFAULT_PORT;

	if ((k = new_cand(x)) == NULL)
		return;
	snprintf(k->name, sizeof(k->name), "%s", var_names[h]);
	cf_env_src(e, k->source, sizeof(k->source));
	if (x->v[p].value != NULL &&
	    (port = cf_strict_long(x->v[p].value, 1, 65535)) < 0) {
		snprintf(k->error, sizeof(k->error), "%s is not a port",
		    var_names[p]);
		return;
	}
	if (url_check_host(x->v[h].value, &err) == -1) {
		snprintf(k->error, sizeof(k->error), "%s: %s", var_names[h],
		    err.msg);
		return;
	}
	k->valid = true;
	snprintf(k->host, sizeof(k->host), "%s", x->v[h].value);
	k->port = (int)port;
	k->tls = tls;
	k->secret = keep_secret(x, x->v[pw].value);
	k->password_set = x->v[pw].value != NULL && *x->v[pw].value != '\0';
	url_format_redacted(tls, NULL, k->password_set, k->host, k->port, -1,
	    k->url_redacted, sizeof(k->url_redacted));
}

static bool
names_redis_url(const struct rd_envvar *e)
{
	size_t n = strlen(e->name);

	if (e->value[0] == '\0')
		return false;
	if (n < 3 || strcmp(e->name + n - 3, "URL") != 0)
		return false;
	return strstr(e->name, "REDIS") != NULL || strcmp(e->name, "KV_URL") == 0 ||
	    strncasecmp(e->value, "redis://", 8) == 0 ||
	    strncasecmp(e->value, "rediss://", 9) == 0;
}

void
cf_candidates(struct ctx *x)
{
	const char *won = x->L == L_URL ? "REDIS_URL" :
	    x->L == L_NF_URL ? "NF_REDIS_URL" : NULL;
	size_t i;

	cand_winner(x);
	for (i = 0; x->env != NULL && i < x->env->n; i++) {
		const struct rd_envvar *e = &x->env->v[i];

		if (names_redis_url(e) && (won == NULL || strcmp(e->name, won)))
			cand_url(x, e);
	}
	if (x->v[V_HOST].value != NULL && x->L < L_HOST)
		cand_pair(x, V_HOST, V_PORT, V_PASSWORD, cf_tls_var(x) == 1);
	if (x->v[V_NF_HOST].value != NULL && x->L < L_NF_HOST)
		cand_pair(x, V_NF_HOST, V_NF_PORT, V_NF_PASSWORD, false);
}

/* ---- spare passwords (SPEC 12: "with the password") ----------------- */

static void
spare(struct ctx *x, const char *name, const char *src, const char *pw,
    bool url)
{
	struct rd_config *c = x->c;
	struct rd_spare_pw *s;
	int slot;
	size_t i;

	/* A full vault only loses the variation, not the configuration. */
	if (c->nspare_pw >= RD_MAX_SPARE_PW || pw == NULL || *pw == '\0' ||
	    (slot = vault_put(x->vault, pw, strlen(pw))) == -1 ||
	    (c->password_set && slot == c->secret))
		return;
	for (i = 0; i < c->nspare_pw; i++)
		if (c->spare_pw[i].secret == slot)
			return;		/* the same secret under another name */
	s = &c->spare_pw[c->nspare_pw++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->source, sizeof(s->source), "%s", src);
	s->secret = slot;
	s->url = url;
	s->read_by_app = c->profile != NULL && profile_reads(c->profile, name);
}

/* The passwords the environment holds besides the one the client sends:
 * the password variables (whether the profile reads them or they lost),
 * then the other candidates' URLs.  Each goes into the vault (the door
 * masks it even when it is never sent). */
void
cf_spare_passwords(struct ctx *x)
{
	static const char *const vars[] = { "REDIS_PASSWORD",
	    "NF_REDIS_PASSWORD", "REDISCLI_AUTH", NULL };
	const struct rd_envvar *e;
	char src[RD_SOURCE_LEN];
	size_t i;

	if (x->vault == NULL || !x->c->valid)
		return;
	for (i = 0; vars[i] != NULL; i++) {
		if (x->env == NULL || (e = envmap_get(x->env, vars[i])) == NULL)
			continue;
		cf_env_src(e, src, sizeof(src));
		spare(x, e->name, src, e->value, false);
	}
	for (i = 0; i < x->c->ncands; i++) {
		const struct rd_candidate *k = &x->c->cands[i];
		const char *pw;

		if (k->winner || k->secret < 0 ||
		    (pw = vault_reveal(x->vault, k->secret, NULL)) == NULL)
			continue;
		spare(x, k->name, k->source, pw, true);
	}
}
