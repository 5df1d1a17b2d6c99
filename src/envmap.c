/* envmap.c — the variables resolution reads, with their origin.
 *
 * An array in insertion order (the report lists variables in that order)
 * with an open-addressing hash of the names beside it: a process
 * environment usually holds a few hundred entries, but a hostile or
 * careless one holds 100,000, and a linear lookup per insert made the
 * import quadratic (25 s, before any deadline started).  The process
 * environment is bounded by the kernel (ARG_MAX), so it is taken whole;
 * the bound below is for the maps others build (an --env-file is read
 * through resolve.c's 1 MiB limit). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envmap.h"

/* FNV-1a: names are short and not chosen to collide with each other by
 * anyone but the person running the tool. */
static size_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot holding name, or the free slot where it would go. */
static size_t
slot(const struct rd_envmap *m, const char *name)
{
	size_t i = hash(name) & (m->icap - 1);

	while (m->idx[i] != 0 && strcmp(m->v[m->idx[i] - 1].name, name) != 0)
		i = (i + 1) & (m->icap - 1);
	return i;
}

/* Keeps idx more than twice as large as n + 1. */
static int
grow_index(struct rd_envmap *m)
{
	size_t *old = m->idx, ocap = m->icap, ncap, i;

	if (m->icap > 2 * (m->n + 1))
		return 0;
	ncap = m->icap ? m->icap * 2 : 128;
	while (ncap <= 2 * (m->n + 1))
		ncap *= 2;
	if ((m->idx = calloc(ncap, sizeof(*m->idx))) == NULL) {
		m->idx = old;
		return -1;
	}
	m->icap = ncap;
	for (i = 0; i < ocap; i++)
		if (old[i] != 0)
			m->idx[slot(m, m->v[old[i] - 1].name)] = old[i];
	free(old);
	return 0;
}

static int
replace(char **slot, const char *s)
{
	char *d;

	if ((d = strdup(s)) == NULL)
		return -1;
	free(*slot);
	*slot = d;
	return 0;
}

int
envmap_set(struct rd_envmap *m, const char *name, const char *value,
    const char *origin)
{
	struct rd_envvar *e, *nv;
	size_t ncap, k;

	if (grow_index(m) == -1)
		return -1;
	k = slot(m, name);
	if (m->idx[k] != 0) {
		e = &m->v[m->idx[k] - 1];
		if (replace(&e->value, value) == -1 ||
		    replace(&e->origin, origin) == -1)
			return -1;
		return 0;
	}
	if (m->n == m->cap) {
		ncap = m->cap ? m->cap * 2 : 64;
		if ((nv = reallocarray(m->v, ncap, sizeof(*nv))) == NULL)
			return -1;
		m->v = nv;
		m->cap = ncap;
	}
	e = &m->v[m->n];
	e->name = strdup(name);
	e->value = strdup(value);
	e->origin = strdup(origin);
	if (e->name == NULL || e->value == NULL || e->origin == NULL) {
		free(e->name);
		free(e->value);
		free(e->origin);
		return -1;
	}
	m->n++;
	m->idx[k] = m->n;
	return 0;
}

const struct rd_envvar *
envmap_get(const struct rd_envmap *m, const char *name)
{
	size_t i;

	if (m == NULL || m->icap == 0)
		return NULL;
	i = slot(m, name);
	return m->idx[i] != 0 ? &m->v[m->idx[i] - 1] : NULL;
}

const char *
envmap_value(const struct rd_envmap *m, const char *name)
{
	const struct rd_envvar *e;

	if ((e = envmap_get(m, name)) == NULL || e->value[0] == '\0')
		return NULL;
	return e->value;
}

int
envmap_from_environ(struct rd_envmap *m, char **env)
{
	char name[256];
	const char *eq;
	size_t len;

	for (; env != NULL && *env != NULL; env++) {
		/* Entries without '=' or with absurd names are not variables
		 * any application could read by name; skip them. */
		if ((eq = strchr(*env, '=')) == NULL)
			continue;
		len = (size_t)(eq - *env);
		if (len == 0 || len >= sizeof(name))
			continue;
		memcpy(name, *env, len);
		name[len] = '\0';
		if (envmap_set(m, name, eq + 1, "env") == -1)
			return -1;
	}
	return 0;
}

void
envmap_free(struct rd_envmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].value);
		free(m->v[i].origin);
	}
	free(m->v);
	free(m->idx);
	m->v = NULL;
	m->idx = NULL;
	m->n = m->cap = m->icap = 0;
}
