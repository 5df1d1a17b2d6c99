/* fuzz_envfile.c — libFuzzer target for env-file parsing and resolution.
 *
 * The bytes are a dotenv file: parse it, load the entries into an envmap
 * the way resolve.c does, resolve a configuration from it, run the
 * configuration rules, and check that a resolved configuration is whole
 * (host and port set, or a socket path) and an invalid one says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dotenv.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_dotenv d = { 0 };
	struct rd_dotenv_err err;
	struct rd_envmap m = { 0 };
	struct rd_envinfo ei = { .in_container = true };
	struct rd_connflags fl = { .db = -1 };
	struct rd_config c;
	struct rd_findings fs = { 0 };
	struct rd_report_opts o = { 0 };
	size_t i;

	if (dotenv_parse((const char *)data, size, &d, &err) == -1) {
		if (err.msg[0] == '\0')
			abort();
		dotenv_free(&d);
		return 0;
	}
	for (i = 0; i < d.n; i++)
		if (envmap_set(&m, d.v[i].name, d.v[i].value,
		    "env-file:fuzz.env:1") == -1)
			abort();
	dotenv_free(&d);
	if (config_resolve(&fl, &m, &ei, &c, NULL) == 0) {
		/* A Unix socket (REDIS_URL=unix:///path) is a path and no
		 * port; anything else a host and a port. */
		if (!c.valid || c.host == NULL)
			abort();
		if (c.unix_socket ? c.host[0] != '/' || c.port != 0 :
		    c.port < 1 || c.port > 65535)
			abort();
	} else {
		for (i = 0; i < c.nproblems; i++)
			if (c.problems[i].fatal)
				break;
		if (i == c.nproblems)
			abort();	/* invalid without a fatal problem */
	}
	rules_config(&c, NULL, &o, &fs);
	findings_free(&fs);
	config_free(&c);
	envmap_free(&m);
	return 0;
}
