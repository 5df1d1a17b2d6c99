/* envdetect.c — container and platform detection.
 *
 * Files are read under a root directory so tests can point the detection
 * at a fixture tree instead of the machine they run on.  Platform comes
 * from the variables each platform sets in every container it starts; a
 * platform that runs the app in a container also means "in a container",
 * since there too 127.0.0.1 is the app's own sandbox, not a Redis. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envdetect.h"

static void
evidence(struct rd_envinfo *o, const char *fmt, ...)
{
	va_list ap;

	if (o->nevidence >= RD_MAX_EVIDENCE)
		return;
	va_start(ap, fmt);
	vsnprintf(o->evidence[o->nevidence], sizeof(o->evidence[0]), fmt, ap);
	va_end(ap);
	o->nevidence++;
	o->in_container = true;
}

static bool
exists_under(const char *root, const char *path)
{
	char buf[4096];
	struct stat st;
	int n;

	n = snprintf(buf, sizeof(buf), "%s%s",
	    strcmp(root, "/") == 0 ? "" : root, path);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return false;
	return stat(buf, &st) == 0;
}

/* Reads at most cap-1 bytes of root+path into buf.  Returns 0 or -1. */
static int
read_under(const char *root, const char *path, char *buf, size_t cap)
{
	char p[4096];
	ssize_t r;
	size_t got = 0;
	int fd, n;

	n = snprintf(p, sizeof(p), "%s%s", strcmp(root, "/") == 0 ? "" : root,
	    path);
	if (n < 0 || (size_t)n >= sizeof(p))
		return -1;
	if ((fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	while (got + 1 < cap && (r = read(fd, buf + got, cap - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = '\0';
	return 0;
}

static void
detect_cgroup(const char *root, struct rd_envinfo *o)
{
	static const char *words[] = { "docker", "kubepods", "containerd",
	    "libpod" };
	char buf[16384];
	size_t i;

	if (read_under(root, "/proc/1/cgroup", buf, sizeof(buf)) == -1)
		return;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(buf, words[i]) != NULL) {
			evidence(o, "/proc/1/cgroup mentions %s", words[i]);
			return;
		}
}

static const struct {
	const char *var;
	const char *platform;
} platforms[] = {
	{ "NF_HOSTING_ENVIRONMENT", "northflank" },
	{ "NF_PROJECT_ID", "northflank" },
	{ "NF_SERVICE_ID", "northflank" },
	{ "NF_OBJECT_ID", "northflank" },
	{ "NF_DEPLOYMENT_ID", "northflank" },
	{ "DYNO", "heroku" },
	{ "RENDER", "render" },
	{ "RENDER_SERVICE_ID", "render" },
	{ "RAILWAY_ENVIRONMENT", "railway" },
	{ "RAILWAY_ENVIRONMENT_NAME", "railway" },
	{ "RAILWAY_PROJECT_ID", "railway" },
	{ "FLY_APP_NAME", "fly" },
	{ "K_SERVICE", "cloudrun" },
};

void
envdetect(const char *root, const struct rd_envmap *env, struct rd_envinfo *o)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	if (root == NULL || *root == '\0')
		root = "/";
	if (exists_under(root, "/.dockerenv"))
		evidence(o, "/.dockerenv exists");
	if (exists_under(root, "/run/.containerenv"))
		evidence(o, "/run/.containerenv exists");
	detect_cgroup(root, o);
	for (i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (envmap_value(env, platforms[i].var) != NULL) {
			snprintf(o->platform, sizeof(o->platform), "%s",
			    platforms[i].platform);
			evidence(o, "%s is set (%s)", platforms[i].var,
			    platforms[i].platform);
			break;
		}
	if (envmap_value(env, "KUBERNETES_SERVICE_HOST") != NULL) {
		o->kubernetes = true;
		evidence(o, "KUBERNETES_SERVICE_HOST is set (kubernetes)");
		if (o->platform[0] == '\0')
			snprintf(o->platform, sizeof(o->platform), "kubernetes");
	}
}
