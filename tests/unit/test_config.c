/* test_config.c — configuration resolution (SPEC section 4) and the
 * configuration rules, over a table of environment combinations.
 *
 * Each row is a synthetic envmap (with origins, so env-file entries are
 * covered), command-line flags and a container bit; it states the host,
 * port, TLS, SNI, password, db and their sources that must resolve, the
 * exact set of shadowed names, finding ids that must and must not appear,
 * and whether the configuration is valid.  Every row also checks that no
 * text the configuration or the rules produce contains a password. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "report.h"

/* Rows leave trailing fields zero, and F() lets a row override .db. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Woverride-init"

#define PW	"Canary-s3cr3t-XYZ"
#define PW2	"Canary-other-ABC"
#define NF_URL	"rediss://default:" PW "@master.redis--x7k2.addon.code.run:6379"

struct kv {
	const char *name, *value, *origin;	/* origin NULL = "env" */
};

struct row {
	const char *what;
	struct kv env[8];
	struct rd_connflags fl;
	bool	 container;
	/* expected */
	bool	 valid;
	const char *host;		/* NULL: not checked */
	int	 port;			/* 0: not checked */
	int	 tls;			/* -1: not checked */
	const char *sni;		/* NULL: not checked; "-" = none */
	const char *password;		/* NULL: not checked; "-" = none */
	int	 db;			/* -1: not checked */
	const char *src_host, *src_port, *src_pw, *src_tls;
	const char *shadowed;		/* exact set, "a,b"; NULL = not checked */
	const char *ids;		/* finding ids that must appear */
	const char *not_ids;		/* finding ids that must not appear */
	const char *cand;		/* a candidate name that must exist */
};

#define F(...)	{ .db = -1, __VA_ARGS__ }
#define EF(file, line)	"env-file:" file ":" #line

static const struct row rows[] = {
	/* ---- the incident ---- */
	{ "incident: REDIS_HOST=127.0.0.1 shadows NF_REDIS_URL in a container",
	  { { "REDIS_HOST", "127.0.0.1" }, { "NF_REDIS_URL", NF_URL } }, F(), true,
	  true, "127.0.0.1", 6379, 0, "-", "-", 0,
	  "env:REDIS_HOST", "default", NULL, NULL, "NF_REDIS_URL",
	  "config.shadowed,config.localhost_in_container", "config.default_used",
	  "NF_REDIS_URL" },
	{ "incident outside a container: no localhost finding",
	  { { "REDIS_HOST", "127.0.0.1" }, { "NF_REDIS_URL", NF_URL } }, F(), false,
	  true, "127.0.0.1", 6379, 0, NULL, "-", -1,
	  "env:REDIS_HOST", NULL, NULL, NULL, "NF_REDIS_URL",
	  "config.shadowed", "config.localhost_in_container", NULL },
	{ "incident with NF password and port too: all NF_* shadowed",
	  { { "REDIS_HOST", "localhost" }, { "NF_REDIS_URL", NF_URL },
	    { "NF_REDIS_HOST", "master.redis--x7k2.addon.code.run" },
	    { "NF_REDIS_PORT", "6379" }, { "NF_REDIS_PASSWORD", PW } }, F(), true,
	  true, "localhost", 6379, 0, NULL, "-", -1,
	  "env:REDIS_HOST", NULL, NULL, NULL,
	  "NF_REDIS_URL,NF_REDIS_HOST,NF_REDIS_PORT,NF_REDIS_PASSWORD",
	  "config.shadowed,config.localhost_in_container", NULL, "NF_REDIS_HOST" },
	/* ---- Northflank only ---- */
	{ "NF_REDIS_URL alone: the addon, TLS, SNI = host",
	  { { "NF_REDIS_URL", NF_URL } }, F(), true,
	  true, "master.redis--x7k2.addon.code.run", 6379, 1,
	  "master.redis--x7k2.addon.code.run", PW, 0,
	  "url:NF_REDIS_URL", "url:NF_REDIS_URL", "url:NF_REDIS_URL",
	  "url:NF_REDIS_URL", "", "provider.northflank",
	  "config.shadowed,config.tls_recommended,config.localhost_in_container",
	  NULL },
	{ "NF_REDIS_HOST/PORT/PASSWORD without TLS",
	  { { "NF_REDIS_HOST", "master.redis--x7k2.addon.code.run" },
	    { "NF_REDIS_PORT", "6380" }, { "NF_REDIS_PASSWORD", PW } }, F(), false,
	  true, "master.redis--x7k2.addon.code.run", 6380, 0, "-", PW, -1,
	  "env:NF_REDIS_HOST", "env:NF_REDIS_PORT", "env:NF_REDIS_PASSWORD",
	  "default", "", "provider.northflank,config.tls_recommended", NULL, NULL },
	{ "NF_REDIS_PORT beats REDIS_PORT (conflict)",
	  { { "NF_REDIS_HOST", "cache" }, { "NF_REDIS_PORT", "7000" },
	    { "REDIS_PORT", "7001" } }, F(), false,
	  true, "cache", 7000, 0, NULL, "-", -1,
	  "env:NF_REDIS_HOST", "env:NF_REDIS_PORT", NULL, NULL, "REDIS_PORT",
	  "config.conflict,config.shadowed", "config.tls_recommended", NULL },
	{ "NF_REDIS_PASSWORD beats REDIS_PASSWORD (conflict)",
	  { { "NF_REDIS_HOST", "cache" }, { "NF_REDIS_PASSWORD", PW },
	    { "REDIS_PASSWORD", PW2 } }, F(), false,
	  true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, "env:NF_REDIS_PASSWORD", NULL, "REDIS_PASSWORD",
	  "config.conflict", NULL, NULL },
	{ "NF_REDIS_PASSWORD equal to REDIS_PASSWORD: nothing lost",
	  { { "NF_REDIS_HOST", "cache" }, { "NF_REDIS_PASSWORD", PW },
	    { "REDIS_PASSWORD", PW } }, F(), false,
	  true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, "env:NF_REDIS_PASSWORD", NULL, "", NULL,
	  "config.conflict,config.shadowed", NULL },
	{ "NF_REDIS_URL names the server: NF_REDIS_HOST and REDIS_PORT shadowed",
	  { { "NF_REDIS_URL", "redis://nf.example.net:7777" },
	    { "NF_REDIS_HOST", "other" }, { "REDIS_PORT", "6379" } }, F(), false,
	  true, "nf.example.net", 7777, 0, NULL, "-", -1,
	  "url:NF_REDIS_URL", "url:NF_REDIS_URL", NULL, NULL,
	  "NF_REDIS_HOST,REDIS_PORT", "config.shadowed,config.tls_recommended",
	  NULL, "NF_REDIS_HOST" },
	{ "only NF_REDIS_PORT: default host, NF port",
	  { { "NF_REDIS_PORT", "6390" } }, F(), false,
	  true, "127.0.0.1", 6390, 0, NULL, "-", -1,
	  "default", "env:NF_REDIS_PORT", NULL, NULL, "", "config.default_used",
	  NULL, NULL },
	/* ---- REDIS_URL and the REDIS_HOST group ---- */
	{ "REDIS_URL over NF_*",
	  { { "REDIS_URL", "redis://r.example.com:6379" }, { "NF_REDIS_URL", NF_URL },
	    { "NF_REDIS_PASSWORD", PW } }, F(), false,
	  true, "r.example.com", 6379, 0, NULL, "-", -1,
	  "url:REDIS_URL", "url:REDIS_URL", NULL, NULL,
	  "NF_REDIS_URL,NF_REDIS_PASSWORD", "config.shadowed,config.tls_recommended",
	  NULL, "NF_REDIS_URL" },
	{ "REDIS_URL set: REDIS_HOST and REDIS_PORT shadowed",
	  { { "REDIS_URL", "redis://10.1.2.3:6380" }, { "REDIS_HOST", "other" },
	    { "REDIS_PORT", "6381" } }, F(), false,
	  true, "10.1.2.3", 6380, 0, NULL, "-", -1,
	  "url:REDIS_URL", "url:REDIS_URL", NULL, NULL, "REDIS_HOST,REDIS_PORT",
	  "config.shadowed", "config.tls_recommended", "REDIS_HOST" },
	{ "REDIS_URL without a port: 6379, REDIS_PORT does not fill",
	  { { "REDIS_URL", "redis://cache" }, { "REDIS_PORT", "6380" } }, F(), false,
	  true, "cache", 6379, 0, NULL, "-", -1,
	  "url:REDIS_URL", "url:REDIS_URL", NULL, NULL, "REDIS_PORT",
	  "config.shadowed", NULL, NULL },
	{ "URL password vs REDIS_PASSWORD: conflict, the URL wins",
	  { { "REDIS_URL", "redis://:" PW "@cache" }, { "REDIS_PASSWORD", PW2 } },
	  F(), false, true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, "url:REDIS_URL", NULL, "REDIS_PASSWORD", "config.conflict",
	  NULL, NULL },
	{ "URL password equal to REDIS_PASSWORD: no conflict",
	  { { "REDIS_URL", "redis://:" PW "@cache" }, { "REDIS_PASSWORD", PW } },
	  F(), false, true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, "url:REDIS_URL", NULL, "", NULL, "config.conflict", NULL },
	{ "REDIS_PASSWORD fills a URL without a password",
	  { { "REDIS_URL", "redis://cache:6379" }, { "REDIS_PASSWORD", PW } },
	  F(), false, true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, "env:REDIS_PASSWORD", NULL, "", NULL, "config.conflict", NULL },
	{ "URL user vs REDIS_USERNAME: conflict",
	  { { "REDIS_URL", "redis://alice:" PW "@cache" },
	    { "REDIS_USERNAME", "bob" } }, F(), false,
	  true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, NULL, NULL, "REDIS_USERNAME", "config.conflict", NULL, NULL },
	{ "URL /2 vs REDIS_DB=3: conflict, db 2",
	  { { "REDIS_URL", "redis://cache/2" }, { "REDIS_DB", "3" } }, F(), false,
	  true, "cache", 6379, 0, NULL, "-", 2,
	  NULL, NULL, NULL, NULL, "REDIS_DB", "config.conflict", NULL, NULL },
	{ "REDIS_DB fills a URL without a db",
	  { { "REDIS_URL", "redis://cache" }, { "REDIS_DB", "5" } }, F(), false,
	  true, "cache", 6379, 0, NULL, "-", 5,
	  NULL, NULL, NULL, NULL, "", NULL, "config.conflict", NULL },
	{ "REDIS_HOST group: host, port, password, db, TLS, SNI",
	  { { "REDIS_HOST", "redis.example.com" }, { "REDIS_PORT", "6380" },
	    { "REDIS_PASSWORD", PW }, { "REDIS_DB", "4" }, { "REDIS_TLS", "yes" } },
	  F(), false, true, "redis.example.com", 6380, 1, "redis.example.com", PW, 4,
	  "env:REDIS_HOST", "env:REDIS_PORT", "env:REDIS_PASSWORD", "env:REDIS_TLS",
	  "", NULL, "config.tls_recommended,config.shadowed", NULL },
	/* ---- empty variables ---- */
	{ "empty REDIS_URL counts as unset",
	  { { "REDIS_URL", "" }, { "REDIS_HOST", "cache" } }, F(), false,
	  true, "cache", 6379, 0, NULL, "-", -1,
	  "env:REDIS_HOST", NULL, NULL, NULL, "REDIS_URL", NULL, NULL, NULL },
	{ "empty REDIS_HOST: defaults, reported",
	  { { "REDIS_HOST", "" }, { "REDIS_PASSWORD", "" } }, F(), false,
	  true, "127.0.0.1", 6379, 0, NULL, "-", 0,
	  "default", "default", NULL, "default", "REDIS_HOST,REDIS_PASSWORD",
	  "config.default_used", NULL, NULL },
	{ "empty REDIS_HOST lets NF_REDIS_URL in",
	  { { "REDIS_HOST", "" }, { "NF_REDIS_URL", NF_URL } }, F(), false,
	  true, "master.redis--x7k2.addon.code.run", 6379, 1, NULL, PW, -1,
	  "url:NF_REDIS_URL", NULL, NULL, NULL, "REDIS_HOST", NULL, NULL, NULL },
	{ "nothing set: 127.0.0.1:6379, default_used",
	  { { "HOME", "/root" } }, F(), false,
	  true, "127.0.0.1", 6379, 0, "-", "-", 0,
	  "default", "default", NULL, "default", "", "config.default_used",
	  "config.shadowed,config.tls_recommended", NULL },
	/* ---- malformed URLs ---- */
	{ "REDIS_URL with port 99999: invalid",
	  { { "REDIS_URL", "redis://:" PW "@cache:99999" }, { "REDIS_HOST", "x" } },
	  F(), false, false, NULL, 0, -1, NULL, NULL, -1,
	  NULL, NULL, NULL, NULL, NULL, "config.invalid_url", "config.default_used",
	  NULL },
	{ "REDIS_URL http://: invalid",
	  { { "REDIS_URL", "http://cache:6379" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_url", NULL, NULL },
	/* ---- unix:// in the environment (issue 13) ---- */
	{ "REDIS_URL unix://: the socket, its ?db= and password, REDIS_HOST shadowed",
	  { { "REDIS_URL", "unix://:" PW "@/run/redis.sock?db=3" },
	    { "REDIS_HOST", "cache" } }, F(), false,
	  true, "/run/redis.sock", 0, 0, "-", PW, 3, "url:REDIS_URL",
	  "url:REDIS_URL", "url:REDIS_URL", NULL, NULL, NULL,
	  "config.invalid_url,config.tls_recommended", NULL },
	{ "cacheservice/ioredis: unix:// with REDIS_PASSWORD as the option",
	  { { "REDIS_URL", "unix:///run/redis.sock?db=2" }, { "REDIS_PASSWORD", PW } },
	  F(.profile = "cacheservice"), false,
	  true, "/run/redis.sock", 0, 0, "-", PW, 2, "url:REDIS_URL",
	  NULL, "env:REDIS_PASSWORD", NULL, NULL, NULL, "config.invalid_url", NULL },
	{ "cacheservice/ioredis: a bare /path is a socket too",
	  { { "REDIS_URL", "/run/redis.sock" } }, F(.profile = "cacheservice"), false,
	  true, "/run/redis.sock", 0, 0, "-", "-", 0, "url:REDIS_URL",
	  NULL, NULL, NULL, NULL, NULL, "config.invalid_url", NULL },
	{ "cacheservice/ioredis 5: the URL's password",
	  { { "REDIS_URL", "unix://:" PW "@/run/redis.sock" } },
	  F(.profile = "cacheservice", .client = "ioredis@5.9.3"), false,
	  true, "/run/redis.sock", 0, 0, "-", PW, 0, "url:REDIS_URL",
	  NULL, "url:REDIS_URL", NULL, NULL, NULL, NULL, NULL },
	{ "cacheservice/ioredis 6: user info in a unix:// URL becomes the path",
	  { { "REDIS_URL", "unix://:" PW "@/run/redis.sock" } },
	  F(.profile = "cacheservice"), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_url", NULL, NULL },
	{ "cacheservice/redigo: no unix:// (DialURL's scheme check)",
	  { { "REDIS_URL", "unix:///run/redis.sock" } },
	  F(.profile = "cacheservice", .client = "redigo"), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_url", NULL, NULL },
	{ "REDIS_URL bad percent-encoding in the password",
	  { { "REDIS_URL", "redis://:" PW "%G1@cache" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_url", NULL, NULL },
	{ "bad -u is fatal even with a good REDIS_URL",
	  { { "REDIS_URL", "redis://cache" } }, F(.url = "redis://:" PW "@h:0"), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_url", NULL, NULL },
	{ "a bad NF_REDIS_URL behind REDIS_HOST is only a warning",
	  { { "REDIS_HOST", "cache" }, { "NF_REDIS_URL", "rediss://:" PW "@h:x" } },
	  F(), false, true, "cache", 6379, 0, NULL, "-", -1,
	  NULL, NULL, NULL, NULL, "NF_REDIS_URL", "config.invalid_url,config.shadowed",
	  NULL, NULL },
	{ "REDIS_HOST holding a URL: invalid",
	  { { "REDIS_HOST", "redis://:" PW "@cache:6379" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_value", NULL, NULL },
	/* ---- ports ---- */
	{ "REDIS_PORT=6379abc: parseInt reads 6379",
	  { { "REDIS_HOST", "cache" }, { "REDIS_PORT", "6379abc" },
	    { "REDIS_PASSWORD", PW } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_port", NULL, NULL },
	{ "REDIS_PORT=' 6379'",
	  { { "REDIS_HOST", "cache" }, { "REDIS_PORT", " 6379" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_port", NULL, NULL },
	{ "REDIS_PORT=0x18eb",
	  { { "REDIS_HOST", "cache" }, { "REDIS_PORT", "0x18eb" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_port", NULL, NULL },
	{ "REDIS_PORT=6379.5",
	  { { "REDIS_HOST", "cache" }, { "REDIS_PORT", "6379.5" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_port", NULL, NULL },
	{ "REDIS_PORT=70000",
	  { { "REDIS_HOST", "cache" }, { "REDIS_PORT", "70000" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_port", NULL, NULL },
	{ "NF_REDIS_PORT=abc in NF mode",
	  { { "NF_REDIS_HOST", "cache" }, { "NF_REDIS_PORT", "abc" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_port", NULL, NULL },
	{ "a bad REDIS_PORT behind REDIS_URL is a warning, still valid",
	  { { "REDIS_URL", "redis://cache:6380" }, { "REDIS_PORT", "abc" } },
	  F(), false, true, "cache", 6380, 0, NULL, "-", -1,
	  NULL, "url:REDIS_URL", NULL, NULL, "REDIS_PORT",
	  "config.invalid_port,config.shadowed", NULL, NULL },
	{ "-p overrides a bad REDIS_PORT",
	  { { "REDIS_HOST", "cache" }, { "REDIS_PORT", "6379abc" } },
	  F(.port = 7000), false, true, "cache", 7000, 0, NULL, "-", -1,
	  NULL, "flag:-p", NULL, NULL, "REDIS_PORT", "config.invalid_port", NULL,
	  NULL },
	/* ---- IPv6 ---- */
	{ "IPv6 literal URL, plaintext",
	  { { "REDIS_URL", "redis://[::1]:6380/1" } }, F(), false,
	  true, "::1", 6380, 0, "-", "-", 1, NULL, NULL, NULL, NULL, "", NULL,
	  "config.sni_ip,config.tls_recommended", NULL },
	{ "IPv6 literal rediss: no SNI, config.sni_ip",
	  { { "REDIS_URL", "rediss://[2001:db8::7]:6380" } }, F(), false,
	  true, "2001:db8::7", 6380, 1, "-", "-", -1, NULL, NULL, NULL, NULL, "",
	  "config.sni_ip", NULL, NULL },
	{ "REDIS_HOST=::1",
	  { { "REDIS_HOST", "::1" } }, F(), true,
	  true, "::1", 6379, 0, NULL, "-", -1, NULL, NULL, NULL, NULL, "",
	  "config.localhost_in_container", NULL, NULL },
	{ "REDIS_HOST=[fd00::5] loses its brackets",
	  { { "REDIS_HOST", "[fd00::5]" } }, F(), false,
	  true, "fd00::5", 6379, 0, NULL, "-", -1, NULL, NULL, NULL, NULL, "",
	  NULL, "config.tls_recommended", NULL },
	/* ---- percent-encoded credentials ---- */
	{ "percent-encoded user and password",
	  { { "REDIS_URL", "redis://us%40er:p%40ss%3Aw%2Fx@cache" } }, F(), false,
	  true, "cache", 6379, 0, NULL, "p@ss:w/x", -1, NULL, NULL, "url:REDIS_URL",
	  NULL, "", NULL, NULL, NULL },
	/* ---- flags over the environment ---- */
	{ "-h/-p over REDIS_URL",
	  { { "REDIS_URL", "redis://:" PW "@cache" }, { "REDIS_PASSWORD", PW2 } },
	  F(.host = "flag.example", .port = 7001), false,
	  true, "flag.example", 7001, 0, NULL, PW2, -1,
	  "flag:-h", "flag:-p", "env:REDIS_PASSWORD", NULL, "REDIS_URL",
	  "config.shadowed", "config.conflict", NULL },
	{ "-u over REDIS_URL",
	  { { "REDIS_URL", "redis://cache" } },
	  F(.url = "rediss://u:" PW "@flag.example:6390/3"), false,
	  true, "flag.example", 6390, 1, "flag.example", PW, 3,
	  "flag:-u", "flag:-u", "flag:-u", "flag:-u", "REDIS_URL", NULL, NULL, NULL },
	{ "-a over REDIS_PASSWORD: override, not conflict",
	  { { "REDIS_HOST", "cache" }, { "REDIS_PASSWORD", PW2 } },
	  F(.password = PW), false, true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, "flag:-a", NULL, "REDIS_PASSWORD", NULL, "config.conflict",
	  NULL },
	{ "--tls, -n, --user over the environment",
	  { { "REDIS_HOST", "cache" }, { "REDIS_DB", "2" }, { "REDIS_USERNAME", "u" } },
	  F(.tls = true, .db = 9, .user = "admin"), false,
	  true, "cache", 6379, 1, "cache", "-", 9, NULL, NULL, NULL, "flag:--tls",
	  "REDIS_DB,REDIS_USERNAME", NULL, NULL, NULL },
	/* ---- REDISCLI_AUTH ---- */
	{ "REDISCLI_AUTH over the URL's password",
	  { { "REDIS_URL", "redis://:" PW2 "@cache" }, { "REDISCLI_AUTH", PW } },
	  F(), false, true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, "env:REDISCLI_AUTH", NULL, "REDIS_URL", NULL, "config.conflict",
	  NULL },
	{ "-a over REDISCLI_AUTH",
	  { { "REDIS_HOST", "cache" }, { "REDISCLI_AUTH", PW2 } },
	  F(.password = PW), false, true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, "flag:-a", NULL, "REDISCLI_AUTH", NULL, NULL, NULL },
	{ "REDISCLI_AUTH over REDIS_PASSWORD and NF_REDIS_PASSWORD",
	  { { "NF_REDIS_HOST", "cache" }, { "NF_REDIS_PASSWORD", PW2 },
	    { "REDIS_PASSWORD", PW2 }, { "REDISCLI_AUTH", PW } },
	  F(), false, true, "cache", 6379, 0, NULL, PW, -1,
	  NULL, NULL, "env:REDISCLI_AUTH", NULL, "NF_REDIS_PASSWORD,REDIS_PASSWORD",
	  NULL, "config.conflict", NULL },
	/* ---- env-file ---- */
	{ "env-file entry: source names the file and line",
	  { { "REDIS_HOST", "cache", EF(".env", 3) }, { "REDIS_PORT", "6390", EF(".env", 4) } },
	  F(), false, true, "cache", 6390, 0, NULL, "-", -1,
	  "env-file:.env:3", "env-file:.env:4", NULL, NULL, "", NULL, NULL, NULL },
	{ "env-file over the process environment",
	  { { "REDIS_HOST", "from-env" }, { "REDIS_HOST", "from-file", EF(".env", 2) } },
	  F(), false, true, "from-file", 6379, 0, NULL, "-", -1,
	  "env-file:.env:2", NULL, NULL, NULL, "", NULL, NULL, NULL },
	{ "URL from an env-file",
	  { { "REDIS_URL", "rediss://:" PW "@cache.example.com:6380", EF("/tmp/a.env", 1) } },
	  F(), false, true, "cache.example.com", 6380, 1, "cache.example.com", PW, -1,
	  "url:REDIS_URL (env-file:/tmp/a.env:1)", NULL,
	  "url:REDIS_URL (env-file:/tmp/a.env:1)", NULL, "", NULL, NULL, NULL },
	/* ---- TLS, SNI, query keys ---- */
	{ "REDIS_TLS=maybe: invalid",
	  { { "REDIS_HOST", "cache" }, { "REDIS_TLS", "maybe" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_value", NULL, NULL },
	{ "rediss:// with REDIS_TLS=false: TLS on, REDIS_TLS shadowed",
	  { { "REDIS_URL", "rediss://cache.example.com" }, { "REDIS_TLS", "false" } },
	  F(), false, true, "cache.example.com", 6379, 1, NULL, "-", -1,
	  NULL, NULL, NULL, "url:REDIS_URL", "REDIS_TLS", NULL, NULL, NULL },
	{ "?ssl=true turns TLS on",
	  { { "REDIS_URL", "redis://cache.example.com?ssl=true&family=6" } }, F(), false,
	  true, "cache.example.com", 6379, 1, "cache.example.com", "-", -1,
	  NULL, NULL, NULL, "url:REDIS_URL", "", NULL, "config.tls_recommended", NULL },
	{ "REDIS_SNI_SERVERNAME differs from the host",
	  { { "REDIS_URL", "rediss://cache.example.com" },
	    { "REDIS_SNI_SERVERNAME", "other.example.com" } }, F(), false,
	  true, "cache.example.com", 6379, 1, "other.example.com", "-", -1,
	  NULL, NULL, NULL, NULL, "", "config.sni_mismatch", NULL, NULL },
	{ "REDIS_SNI_SERVERNAME with TLS off is shadowed",
	  { { "REDIS_HOST", "cache" }, { "REDIS_SNI_SERVERNAME", "x.example" } },
	  F(), false, true, "cache", 6379, 0, "-", "-", -1,
	  NULL, NULL, NULL, NULL, "REDIS_SNI_SERVERNAME", NULL, NULL, NULL },
	{ "--no-sni",
	  { { "REDIS_URL", "rediss://cache.example.com" } }, F(.no_sni = true), false,
	  true, "cache.example.com", 6379, 1, "-", "-", -1,
	  NULL, NULL, NULL, NULL, "", NULL, "config.sni_ip", NULL },
	{ "--sni with an IP literal",
	  { { "REDIS_URL", "rediss://cache.example.com" } }, F(.sni = "10.0.0.1"), false,
	  true, "cache.example.com", 6379, 1, "10.0.0.1", "-", -1,
	  NULL, NULL, NULL, NULL, "", "config.sni_ip", NULL, NULL },
	{ "REDIS_DB=abc: invalid",
	  { { "REDIS_HOST", "cache" }, { "REDIS_DB", "abc" } }, F(), false,
	  false, NULL, 0, -1, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "config.invalid_value", NULL, NULL },
	/* ---- providers ---- */
	{ "Azure on 6379: the 6379-vs-6380 trap",
	  { { "REDIS_URL", "redis://:" PW "@my.redis.cache.windows.net:6379" } },
	  F(), false, true, "my.redis.cache.windows.net", 6379, 0, NULL, PW, -1,
	  NULL, NULL, NULL, NULL, "", "provider.azure,config.tls_recommended",
	  NULL, NULL },
	{ "Upstash without TLS",
	  { { "UPSTASH_REDIS_URL", "rediss://default:" PW "@eu1-x.upstash.io:6379" },
	    { "REDIS_URL", "redis://default:" PW "@eu1-x.upstash.io:6379" } },
	  F(), false, true, "eu1-x.upstash.io", 6379, 0, NULL, PW, -1,
	  NULL, NULL, NULL, NULL, "", "provider.upstash", NULL, "UPSTASH_REDIS_URL" },
	{ "Railway private network without family 6",
	  { { "REDIS_URL", "redis://default:" PW "@redis.railway.internal:6379" },
	    { "REDIS_PUBLIC_URL", "redis://default:" PW "@x.proxy.rlwy.net:12345" } },
	  F(), false, true, "redis.railway.internal", 6379, 0, NULL, PW, -1,
	  NULL, NULL, NULL, NULL, "", "provider.railway", "config.tls_recommended",
	  "REDIS_PUBLIC_URL" },
	{ "DigitalOcean plaintext",
	  { { "REDIS_URL", "redis://default:" PW "@db-redis-x.db.ondigitalocean.com:25061" } },
	  F(), false, true, NULL, 25061, 0, NULL, NULL, -1,
	  NULL, NULL, NULL, NULL, "", "provider.digitalocean", NULL, NULL },
	{ "ElastiCache, Fly, candidates: REDIS_TLS_URL and KV_URL listed",
	  { { "REDIS_URL", "redis://master.x.cache.amazonaws.com:6379" },
	    { "REDIS_TLS_URL", "rediss://:" PW "@h.example.com:6380" },
	    { "KV_URL", "redis://kv.flycast:6379" } }, F(), false,
	  true, "master.x.cache.amazonaws.com", 6379, 0, NULL, "-", -1,
	  NULL, NULL, NULL, NULL, "", "provider.elasticache", NULL, "KV_URL" },
	{ "Fly .flycast without family 6",
	  { { "REDIS_URL", "redis://my-redis.flycast:6379" } }, F(), false,
	  true, "my-redis.flycast", 6379, 0, NULL, "-", -1,
	  NULL, NULL, NULL, NULL, "", "provider.fly", "config.tls_recommended", NULL },
	{ "Render internal host",
	  { { "REDIS_HOST", "red-abc123" } }, F(), false,
	  true, "red-abc123", 6379, 0, NULL, "-", -1,
	  NULL, NULL, NULL, NULL, "", "provider.render", NULL, NULL },
	{ "REDIS_TLS=maybe does not matter under rediss://",
	  { { "REDIS_URL", "rediss://cache.example.com" }, { "REDIS_TLS", "maybe" } },
	  F(), false, true, "cache.example.com", 6379, 1, NULL, "-", -1,
	  NULL, NULL, NULL, "url:REDIS_URL", "", "config.invalid_value", NULL, NULL },
	{ "host.docker.internal is not Fly, and it is private",
	  { { "REDIS_HOST", "host.docker.internal" } }, F(), true,
	  true, "host.docker.internal", 6379, 0, NULL, "-", -1,
	  NULL, NULL, NULL, NULL, "", NULL,
	  "provider.fly,config.tls_recommended,config.localhost_in_container", NULL },
	{ "Fly <app>.internal without family 6",
	  { { "REDIS_URL", "redis://my-redis.internal:6379" } }, F(), false,
	  true, "my-redis.internal", 6379, 0, NULL, "-", -1,
	  NULL, NULL, NULL, NULL, "", "provider.fly", NULL, NULL },
	{ "Fly <app>.internal with ?family=6: no warning-level hint needed",
	  { { "REDIS_URL", "redis://my-redis.internal:6379?family=6" } }, F(), false,
	  true, "my-redis.internal", 6379, 0, NULL, "-", -1,
	  NULL, NULL, NULL, NULL, "", "provider.fly", NULL, NULL },
	{ "red-team.example.com is not Render",
	  { { "REDIS_HOST", "red-team.example.com" } }, F(), false,
	  true, "red-team.example.com", 6379, 0, NULL, "-", -1,
	  NULL, NULL, NULL, NULL, "", "config.tls_recommended", "provider.render",
	  NULL },
	{ "Redis Cloud",
	  { { "REDIS_URL", "redis://default:" PW "@redis-1.c1.us-east-1-2.ec2.redis-cloud.com:16379" } },
	  F(), false, true, NULL, 16379, 0, NULL, NULL, -1,
	  NULL, NULL, NULL, NULL, "", "provider.rediscloud", NULL, NULL },
};

static bool
in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static void
check_ids(size_t i, const struct rd_findings *fs, const char *list, bool want)
{
	char buf[512], *tok, *save;

	if (list == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (findings_has(fs, tok) != want)
			fail_msg("row %zu (%s): finding %s %s", i, rows[i].what, tok,
			    want ? "missing" : "unexpected");
}

static void
check_shadowed(size_t i, const struct rd_config *c)
{
	char buf[512], *tok, *save;
	size_t k, want = 0;

	if (rows[i].shadowed == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s", rows[i].shadowed);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		want++;
		for (k = 0; k < c->nshadowed; k++)
			if (strcmp(c->shadowed[k].name, tok) == 0)
				break;
		if (k == c->nshadowed)
			fail_msg("row %zu (%s): %s not shadowed", i, rows[i].what, tok);
	}
	for (k = 0; k < c->nshadowed; k++)
		if (!in_list(rows[i].shadowed, c->shadowed[k].name))
			fail_msg("row %zu (%s): %s shadowed unexpectedly (%s)", i,
			    rows[i].what, c->shadowed[k].name, c->shadowed[k].reason);
	assert_int_equal(c->nshadowed, want);
}

static void
no_secret(size_t i, const char *s)
{
	if (s != NULL && strstr(s, "Canary") != NULL)
		fail_msg("row %zu (%s): secret in '%s'", i, rows[i].what, s);
}

/* Every text a renderer could print, except the password field itself. */
static void
check_secrets(size_t i, const struct rd_config *c, const struct rd_findings *fs)
{
	size_t k;
	int j;

	for (k = 0; k < RD_F__COUNT; k++) {
		no_secret(i, c->f[k].source);
		no_secret(i, c->f[k].value);	/* the password's too: "****" */
	}
	no_secret(i, c->url_redacted);
	no_secret(i, c->source);
	for (k = 0; k < c->nshadowed; k++)
		no_secret(i, c->shadowed[k].reason);
	for (k = 0; k < c->nproblems; k++)
		no_secret(i, c->problems[k].detail);
	for (k = 0; k < c->nquery; k++)
		no_secret(i, c->query[k].value);
	for (k = 0; k < c->ncands; k++) {
		no_secret(i, c->cands[k].url_redacted);
		no_secret(i, c->cands[k].error);
		no_secret(i, c->cands[k].host);
	}
	for (k = 0; k < fs->n; k++) {
		no_secret(i, fs->v[k].title);
		no_secret(i, fs->v[k].evidence);
		for (j = 0; j < fs->v[k].nremedy; j++)
			no_secret(i, fs->v[k].remediation[j]);
	}
}

static void
check_str(size_t i, const char *what, const char *want, const char *got)
{
	if (want == NULL)
		return;
	if (strcmp(want, "-") == 0) {
		if (got != NULL)
			fail_msg("row %zu (%s): %s is set, want none", i,
			    rows[i].what, what);
		return;
	}
	if (got == NULL || strcmp(want, got) != 0)
		fail_msg("row %zu (%s): %s is '%s', want '%s'", i, rows[i].what,
		    what, strcmp(what, "password") == 0 ? "(secret)" :
		    got ? got : "(null)", strcmp(what, "password") == 0 ?
		    "(secret)" : want);
}

static void
check_row(size_t i)
{
	const struct row *r = &rows[i];
	struct rd_envmap m = { 0 };
	struct rd_envinfo ei;
	struct rd_config c;
	struct rd_vault *v;
	struct rd_findings fs = { 0 };
	struct rd_report_opts o = { 0 };
	size_t k;
	int rc;

	for (k = 0; k < 8 && r->env[k].name != NULL; k++)
		assert_int_equal(envmap_set(&m, r->env[k].name, r->env[k].value,
		    r->env[k].origin ? r->env[k].origin : "env"), 0);
	memset(&ei, 0, sizeof(ei));
	if (r->container) {
		ei.in_container = true;
		snprintf(ei.evidence[0], sizeof(ei.evidence[0]), "/.dockerenv exists");
		ei.nevidence = 1;
	}
	assert_non_null(v = vault_new());
	rc = config_resolve(&r->fl, &m, &ei, &c, v);
	if (c.valid != r->valid || (rc == 0) != r->valid)
		fail_msg("row %zu (%s): valid %d rc %d, want %d (%s)", i, r->what,
		    c.valid, rc, r->valid, c.nproblems ? c.problems[0].detail : "");
	rules_config(&c, NULL, &o, &fs);
	if (r->valid) {
		check_str(i, "host", r->host, c.host);
		if (r->port)
			assert_int_equal(c.port, r->port);
		if (r->tls >= 0 && c.tls != (r->tls == 1))
			fail_msg("row %zu (%s): tls %d", i, r->what, c.tls);
		check_str(i, "sni", r->sni, c.sni);
		/* The password is in the vault; the configuration says only
		 * that one is set, and its field holds "****". */
		check_str(i, "password", r->password, vault_reveal(v, c.secret,
		    NULL));
		if (r->password != NULL)
			assert_int_equal(c.password_set,
			    strcmp(r->password, "-") != 0);
		if (r->password != NULL && strcmp(r->password, "-") != 0) {
			check_str(i, "password field", "****",
			    c.f[RD_F_PASSWORD].value);
		}
		if (r->db >= 0)
			assert_int_equal(c.db, r->db);
	}
	check_str(i, "host source", r->src_host, c.f[RD_F_HOST].source);
	check_str(i, "port source", r->src_port, c.f[RD_F_PORT].source);
	check_str(i, "password source", r->src_pw, c.f[RD_F_PASSWORD].source);
	check_str(i, "tls source", r->src_tls, c.f[RD_F_TLS].source);
	check_shadowed(i, &c);
	check_ids(i, &fs, r->ids, true);
	check_ids(i, &fs, r->not_ids, false);
	if (r->cand != NULL) {
		for (k = 0; k < c.ncands; k++)
			if (strcmp(c.cands[k].name, r->cand) == 0 &&
			    !c.cands[k].winner)
				break;
		if (k == c.ncands)
			fail_msg("row %zu (%s): no candidate %s", i, r->what, r->cand);
	}
	if (c.ncands > 0)
		assert_true(c.cands[0].winner);
	check_secrets(i, &c, &fs);
	findings_free(&fs);
	config_free(&c);
	vault_free(v);
	envmap_free(&m);
}

static void
test_table(void **state)
{
	size_t i;

	assert_true(sizeof(rows) / sizeof(rows[0]) >= 40);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(i);
}

/* The incident with a probe that failed: the loopback finding turns
 * critical. */
static void
test_incident_probe_failed(void **state)
{
	struct rd_envmap m = { 0 };
	struct rd_envinfo ei = { .in_container = true, .nevidence = 1,
	    .evidence = { "/.dockerenv exists" } };
	struct rd_connflags fl = { .db = -1 };
	struct rd_config c;
	struct rd_findings fs = { 0 };
	struct rd_report_opts o = { 0 };
	static struct rd_obs obs;
	size_t k;

	envmap_set(&m, "REDIS_HOST", "127.0.0.1", "env");
	envmap_set(&m, "NF_REDIS_URL", NF_URL, "env");
	assert_int_equal(config_resolve(&fl, &m, &ei, &c, NULL), 0);
	obs.steps[RD_STEP_TCP].status = RD_ST_FAIL;
	rules_config(&c, &obs, &o, &fs);
	for (k = 0; k < fs.n; k++)
		if (strcmp(fs.v[k].id, "config.localhost_in_container") == 0)
			assert_int_equal(fs.v[k].sev, RD_SEV_CRITICAL);
	assert_true(findings_has(&fs, "config.localhost_in_container"));
	/* the remediation names the variable to unset */
	for (k = 0; k < fs.n; k++)
		if (strcmp(fs.v[k].id, "config.shadowed") == 0)
			assert_non_null(strstr(fs.v[k].remediation[0],
			    "unset REDIS_HOST"));
	findings_free(&fs);
	config_free(&c);
	envmap_free(&m);
}

/* SPEC 12's "with the password": the passwords the environment holds
 * besides the one sent, by name and vault slot only, each once. */
static void
test_spare_passwords(void **state)
{
	struct rd_envmap m = { 0 };
	struct rd_connflags fl = { .db = -1, .profile = "cacheservice" };
	struct rd_config c;
	struct rd_vault *v = vault_new();
	const char *s;
	size_t k, len;

	(void)state;
	assert_non_null(v);
	envmap_set(&m, "REDIS_URL", "redis://:" PW "@h.example.com:6380", "env");
	envmap_set(&m, "REDIS_PASSWORD", PW, "env");	/* the same: no spare */
	envmap_set(&m, "NF_REDIS_PASSWORD", PW2, "env-file:.env:3");
	envmap_set(&m, "REDIS_TLS_URL", "rediss://:" PW2 "@h.example.com:6390", "env");
	envmap_set(&m, "REDISCLI_AUTH", "Canary-cli-QRS", "env");
	assert_int_equal(config_resolve(&fl, &m, NULL, &c, v), 0);
	assert_true(c.password_set);
	/* NF_REDIS_PASSWORD, and REDIS_TLS_URL's is the same secret */
	assert_int_equal(c.nspare_pw, 2);
	assert_string_equal(c.spare_pw[0].name, "NF_REDIS_PASSWORD");
	assert_string_equal(c.spare_pw[0].source, "env-file:.env:3");
	assert_false(c.spare_pw[0].url);
	assert_true(c.spare_pw[0].read_by_app);	/* the NF_ fallback */
	assert_string_equal(c.spare_pw[1].name, "REDISCLI_AUTH");
	assert_false(c.spare_pw[1].read_by_app);	/* cacheservice never reads it */
	for (k = 0; k < c.nspare_pw; k++) {
		assert_int_not_equal(c.spare_pw[k].secret, c.secret);
		assert_non_null(s = vault_reveal(v, c.spare_pw[k].secret, &len));
		assert_null(strstr(c.spare_pw[k].name, PW2));
		assert_null(strstr(c.spare_pw[k].source, PW2));
	}
	config_free(&c);

	/* No vault (env): nothing to try, nothing kept. */
	assert_int_equal(config_resolve(&fl, &m, NULL, &c, NULL), 0);
	assert_int_equal(c.nspare_pw, 0);
	config_free(&c);
	envmap_free(&m);
	vault_free(v);
}

static void
test_query_keys(void **state)
{
	struct rd_envmap m = { 0 };
	struct rd_connflags fl = { .db = -1 };
	struct rd_config c;
	size_t k;
	int honoured = 0;

	envmap_set(&m, "REDIS_URL", "redis://h.example.com?tls=true&family=6&db=3"
	    "&password=" PW "&foo=bar", "env");
	assert_int_equal(config_resolve(&fl, &m, NULL, &c, NULL), 0);
	assert_true(c.tls);
	assert_int_equal(c.family, 6);
	assert_int_equal(c.db, 3);
	assert_int_equal(c.nquery, 5);
	for (k = 0; k < c.nquery; k++) {
		honoured += c.query[k].honoured;
		assert_null(strstr(c.query[k].value, "Canary"));
	}
	assert_int_equal(honoured, 3);
	config_free(&c);
	envmap_free(&m);
}

static void
test_host_predicates(void **state)
{
	assert_true(config_host_is_loopback("localhost"));
	assert_true(config_host_is_loopback("LOCALHOST."));
	assert_true(config_host_is_loopback("127.0.0.53"));
	assert_true(config_host_is_loopback("::1"));
	assert_true(config_host_is_loopback("[::1]"));
	assert_true(config_host_is_loopback("0.0.0.0"));
	assert_false(config_host_is_loopback("10.0.0.1"));
	assert_false(config_host_is_loopback("redis"));
	assert_false(config_host_is_loopback(NULL));
	assert_true(config_host_is_ip("10.0.0.1"));
	assert_true(config_host_is_ip("fe80::1%eth0"));
	assert_true(config_host_is_ip("[::1]"));
	assert_false(config_host_is_ip("redis.example.com"));
	assert_false(config_host_is_ip("1.2.3"));
	assert_string_equal(rd_field_names[RD_F_PASSWORD], "password");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_incident_probe_failed),
		cmocka_unit_test(test_query_keys),
		cmocka_unit_test(test_spare_passwords),
		cmocka_unit_test(test_host_predicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
