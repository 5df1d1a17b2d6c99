/* rules_unix.c — the connection findings of a Unix socket (-s, unix://).
 *
 * The tcp rule (rules.c) classifies the socket's one attempt by errno like
 * any connect; this pass, run after it, says it in a socket's terms: no
 * socket at the path (ENOENT, ENOTDIR: tcp.socket_missing), no permission
 * (EACCES, EPERM: tcp.socket_permission), nothing accepting (ECONNREFUSED:
 * tcp.refused, a stale socket file), each naming the path and the
 * redis.conf settings that put it there. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "report.h"
#include "rules_int.h"

void
rules_unix(const struct rd_config *cfg, const struct rd_obs *obs,
    struct rd_findings *fs)
{
	struct rd_finding *f = NULL;
	const char *path;
	size_t i;
	int e;

	if (cfg == NULL || !cfg->unix_socket || obs == NULL ||
	    !obs->tcp.attempted || obs->tcp.winner >= 0)
		return;
	for (i = 0; i < fs->n && f == NULL; i++)
		if (strncmp(fs->v[i].id, "tcp.", 4) == 0)
			f = &fs->v[i];
	if (f == NULL)
		return;
	path = cfg->host;
	e = obs->tcp.attempts[0].errnum;
	f->title[0] = f->evidence[0] = '\0';
	f->nremedy = 0;
	if (e == ENOENT || e == ENOTDIR) {
		snprintf(f->id, sizeof(f->id), "tcp.socket_missing");
		TITLE(f, "no Unix socket at %s", path);
		EVID(f, "connect(%s): ENOENT (from %s)", path, cfg->source);
	} else if (e == EACCES || e == EPERM) {
		snprintf(f->id, sizeof(f->id), "tcp.socket_permission");
		TITLE(f, "no permission to connect to the Unix socket %s", path);
		EVID(f, "connect(%s): %s (from %s)", path,
		    e == EACCES ? "EACCES" : "EPERM", cfg->source);
	} else if (e == ECONNREFUSED) {
		TITLE(f, "nothing accepts on the Unix socket %s", path);
		EVID(f, "connect(%s): ECONNREFUSED: the socket file exists but "
		    "no server listens on it (a stale file, or not a Redis "
		    "socket) (from %s)", path, cfg->source);
		REMEDY(f, "start redis-server with unixsocket %s, or point -s "
		    "at the socket it listens on (CONFIG GET unixsocket)", path);
		return;
	} else if (obs->tcp.timed_out) {
		TITLE(f, "the Unix socket %s did not accept before the deadline",
		    path);
		EVID(f, "connect(%s): the listen backlog stayed full (EAGAIN) "
		    "until the deadline (from %s)", path, cfg->source);
		REMEDY(f, "the server is overloaded or stopped accepting: check "
		    "redis-server's log and its tcp-backlog / somaxconn");
		return;
	} else {
		TITLE(f, "cannot connect to the Unix socket %s", path);
		EVID(f, "connect(%s): errno %d (from %s)", path, e, cfg->source);
	}
	catalog_remedies(f);
}
