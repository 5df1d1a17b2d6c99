/* envmap.c — the variables resolution reads, with their origin.
 *
 * A small array with linear lookup: a process environment holds a few
 * hundred entries at most and resolution reads a dozen names, so nothing
 * cleverer pays for itself. */
#include <stdlib.h>
#include <string.h>

#include "envmap.h"

/* Bound on entries, so a hostile env-file cannot grow the map without end. */
#define ENVMAP_MAX	100000

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
	size_t i, ncap;

	for (i = 0; i < m->n; i++) {
		e = &m->v[i];
		if (strcmp(e->name, name) == 0) {
			if (replace(&e->value, value) == -1 ||
			    replace(&e->origin, origin) == -1)
				return -1;
			return 0;
		}
	}
	if (m->n >= ENVMAP_MAX)
		return -1;
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
	return 0;
}

const struct rd_envvar *
envmap_get(const struct rd_envmap *m, const char *name)
{
	size_t i;

	if (m == NULL)
		return NULL;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
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
	m->v = NULL;
	m->n = m->cap = 0;
}
