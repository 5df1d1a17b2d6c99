/* test_catalog.c — the one table of finding knowledge (catalog.c): every id
 * of SPEC section 7 (copied below) and the ids added since has an entry
 * with a title, a remedy, a verdict, a step, checklist items and a man
 * text; ids are unique; the helpers fill a finding from it and answer for
 * an id from its row alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"

/* SPEC section 7's table, in its order. */
static const char *const spec_ids[] = {
	"config.default_used", "config.shadowed", "config.conflict",
	"config.invalid_url", "config.invalid_port",
	"config.localhost_in_container", "config.tls_recommended",
	"config.sni_ip", "config.sni_mismatch",
	"dns.nxdomain", "dns.temporary", "dns.timeout", "dns.no_address",
	"tcp.refused", "tcp.timeout", "tcp.unreachable", "tcp.reset",
	"tls.plaintext_port", "tls.handshake_failed", "tls.cert_untrusted",
	"tls.cert_expired", "tls.hostname_mismatch", "tls.client_cert_required",
	"tls.sni_required",
	"proto.tls_required", "proto.not_redis", "proto.hostile_reply",
	"proto.timeout", "proto.closed",
	"auth.required", "auth.wrongpass", "auth.no_password_configured",
	"auth.noperm",
	"server.protected_mode", "server.maxclients", "server.loading",
	"server.busy", "server.masterdown", "server.readonly_replica",
	"server.db_out_of_range", "server.memory_pressure", "server.oom_risk",
	"server.client_pressure", "server.persistence_error",
	"server.cluster_mode", "server.cluster_down",
	"latency.high", "tls.insecure", "tls.cert_expiring",
};

/* Emitted too, though not in the table: the rules' and explain's own, and
 * the provider hints SPEC section 7 names. */
static const char *const added_ids[] = {
	"server.error", "tcp.connect_failed", "config.invalid_value",
	"config.env_file", "config.candidate_works",
	"provider.northflank", "provider.elasticache", "provider.azure",
	"provider.upstash", "provider.railway", "provider.fly",
	"provider.render", "provider.memorystore", "provider.rediscloud",
	"provider.digitalocean", "provider.heroku",
};

static void
check_entry(const char *id)
{
	const struct rd_catalog_entry *e = catalog_find(id);

	if (e == NULL) {
		print_error("no catalog entry for %s\n", id);
		fail();
	}
	assert_string_equal(e->id, id);
	assert_non_null(e->title);
	assert_true(e->title[0] != '\0');
	assert_non_null(e->remedy[0]);
	assert_true(e->remedy[0][0] != '\0');
	assert_true(e->sev == RD_SEV_INFO || e->sev == RD_SEV_WARNING ||
	    e->sev == RD_SEV_CRITICAL);
	/* What a critical one makes the run: never ok, and warn only for
	 * advice that is never critical. */
	assert_true(e->verdict == RD_V_UNREACHABLE ||
	    e->verdict == RD_V_REJECTING || e->verdict == RD_V_NO_ATTEMPT ||
	    (e->verdict == RD_V_WARN && e->sev != RD_SEV_CRITICAL));
	assert_true(e->step == RD_CAT_NO_STEP ||
	    (e->step >= 0 && e->step < RD_STEP__COUNT));
	assert_int_equal(e->items & ~((1u << RD_CL__COUNT) - 1), 0);
	assert_true(e->title_at == NULL || strstr(e->title_at, "{peer}") != NULL);
	/* The manual's entry: mdoc text lines, no blank line, no trailing
	 * newline (man/findings.c adds it). */
	assert_non_null(e->man);
	assert_true(e->man[0] != '\0' && e->man[0] != '\n');
	assert_null(strstr(e->man, "\n\n"));
	assert_true(e->man[strlen(e->man) - 1] != '\n');
}

static void
test_spec_ids(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(spec_ids) / sizeof(spec_ids[0]); i++)
		check_entry(spec_ids[i]);
}

static void
test_added_ids(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(added_ids) / sizeof(added_ids[0]); i++)
		check_entry(added_ids[i]);
}

/* Unique ids; every entry well formed (a remedy after a NULL would never
 * be shown); titles and remedies fit a finding uncut. */
static void
test_table(void **state)
{
	const struct rd_catalog_entry *v;
	struct rd_finding f;
	size_t n, i, j;

	(void)state;
	v = catalog_entries(&n);
	assert_true(n >= sizeof(spec_ids) / sizeof(spec_ids[0]));
	for (i = 0; i < n; i++) {
		check_entry(v[i].id);
		assert_ptr_equal(catalog_find(v[i].id), &v[i]);
		for (j = i + 1; j < n; j++)
			if (strcmp(v[i].id, v[j].id) == 0) {
				print_error("%s twice\n", v[i].id);
				fail();
			}
		assert_true(strlen(v[i].title) < sizeof(f.title));
		for (j = 0; j < RD_MAX_REMEDY && v[i].remedy[j] != NULL; j++)
			assert_true(strlen(v[i].remedy[j]) <
			    sizeof(f.remediation[0]));
		for (; j < RD_MAX_REMEDY; j++)
			assert_null(v[i].remedy[j]);
	}
	assert_null(catalog_find("no.such_id"));
	assert_null(catalog_find(NULL));
}

/* catalog_title() and catalog_remedies() copy the entry; they append after
 * a rule's own remedy and never past RD_MAX_REMEDY. */
static void
test_fill(void **state)
{
	const struct rd_catalog_entry *e = catalog_find("server.busy");
	struct rd_findings fs = { 0 };
	struct rd_finding *f;
	int i, n;

	(void)state;
	assert_non_null(e);
	f = findings_add(&fs, "server.busy", RD_SEV_CRITICAL);
	assert_non_null(f);
	catalog_title(f);
	assert_string_equal(f->title, e->title);
	finding_remedy(f, "first, the rule's own");
	catalog_remedies(f);
	for (n = 0; n < RD_MAX_REMEDY && e->remedy[n] != NULL; n++)
		;
	assert_int_equal(f->nremedy, 1 + n);
	assert_string_equal(f->remediation[0], "first, the rule's own");
	for (i = 0; i < n; i++)
		assert_string_equal(f->remediation[1 + i], e->remedy[i]);
	for (i = 0; i < 2 * RD_MAX_REMEDY; i++)
		catalog_remedies(f);
	assert_int_equal(f->nremedy, RD_MAX_REMEDY);

	/* An unknown id leaves the finding alone; NULL is harmless. */
	f = findings_add(&fs, "no.such_id", RD_SEV_INFO);
	assert_non_null(f);
	catalog_title(f);
	catalog_remedies(f);
	assert_string_equal(f->title, "");
	assert_int_equal(f->nremedy, 0);
	catalog_title(NULL);
	catalog_remedies(NULL);
	findings_free(&fs);
}

/* The row decides by itself what used to be decided by the id's prefix
 * in four files; these are the cases where those files disagreed. */
static void
test_row_answers(void **state)
{
	static const struct {
		const char *id;
		enum rd_verdict verdict;
		int step;
		unsigned items;
	} rows[] = {
		{ "dns.nxdomain", RD_V_UNREACHABLE, RD_STEP_DNS, RD_CL_BIT(RD_CL_DNS) },
		{ "proto.closed", RD_V_UNREACHABLE, RD_CAT_NO_STEP,
		  RD_CL_BIT(RD_CL_PING) },
		{ "proto.tls_required", RD_V_UNREACHABLE, RD_CAT_NO_STEP,
		  RD_CL_BIT(RD_CL_TLS_SCHEME) | RD_CL_BIT(RD_CL_TLS_HANDSHAKE) |
		  RD_CL_BIT(RD_CL_PING) },
		/* a certificate that does not verify fails the handshake too */
		{ "tls.cert_untrusted", RD_V_UNREACHABLE, RD_STEP_TLS,
		  RD_CL_BIT(RD_CL_CERTIFICATE) | RD_CL_BIT(RD_CL_TLS_HANDSHAKE) },
		{ "tls.insecure", RD_V_UNREACHABLE, RD_STEP_TLS,
		  RD_CL_BIT(RD_CL_CERTIFICATE) },
		{ "auth.required", RD_V_REJECTING, RD_STEP_AUTH,
		  RD_CL_BIT(RD_CL_PASSWORD) | RD_CL_BIT(RD_CL_AUTH) },
		/* NOPERM comes after authentication was accepted */
		{ "auth.noperm", RD_V_REJECTING, RD_STEP_INFO, 0 },
		/* an unclassified refusal: the server did not serve */
		{ "server.error", RD_V_REJECTING, RD_STEP_INFO,
		  RD_CL_BIT(RD_CL_SERVER_READY) },
		{ "server.db_out_of_range", RD_V_REJECTING, RD_STEP_SELECT,
		  RD_CL_BIT(RD_CL_SERVER_READY) },
		{ "server.maxclients", RD_V_REJECTING, RD_STEP_INFO,
		  RD_CL_BIT(RD_CL_SERVER_READY) | RD_CL_BIT(RD_CL_CLIENT_HEADROOM) },
		/* an invalid configuration fails env_reaches_app */
		{ "config.invalid_url", RD_V_NO_ATTEMPT, RD_STEP_CONFIG,
		  RD_CL_BIT(RD_CL_ENV_REACHES_APP) },
		{ "config.localhost_in_container", RD_V_NO_ATTEMPT,
		  RD_STEP_CONFIG, RD_CL_BIT(RD_CL_REMOTE_HOST) },
		{ "latency.high", RD_V_WARN, RD_STEP_LATENCY, 0 },
		{ "provider.upstash", RD_V_WARN, RD_STEP_CONFIG, 0 },
	};
	size_t i;
	int cl;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(catalog_verdict(rows[i].id), rows[i].verdict);
		assert_int_equal(catalog_is_probe_failure(rows[i].id),
		    rows[i].verdict == RD_V_UNREACHABLE ||
		    rows[i].verdict == RD_V_REJECTING);
		assert_int_equal(catalog_step(rows[i].id), rows[i].step);
		for (cl = 0; cl < RD_CL__COUNT; cl++)
			assert_int_equal(catalog_explains(rows[i].id, cl),
			    (rows[i].items & RD_CL_BIT(cl)) != 0);
	}
	/* An id without a row explains nothing and stops nothing. */
	assert_int_equal(catalog_verdict("no.such_id"), RD_V_NO_ATTEMPT);
	assert_false(catalog_is_probe_failure("no.such_id"));
	assert_int_equal(catalog_step("no.such_id"), RD_CAT_NO_STEP);
	for (cl = 0; cl < RD_CL__COUNT; cl++)
		assert_false(catalog_explains("no.such_id", cl));
}

/* The row's verdict agrees with its step: a probe failure belongs to a
 * network or conversation step, a configuration one to the config step. */
static void
test_verdict_step(void **state)
{
	const struct rd_catalog_entry *v;
	size_t n, i;

	(void)state;
	v = catalog_entries(&n);
	for (i = 0; i < n; i++) {
		switch (v[i].verdict) {
		case RD_V_UNREACHABLE:
			assert_true(v[i].step == RD_STEP_DNS ||
			    v[i].step == RD_STEP_TCP || v[i].step == RD_STEP_TLS ||
			    v[i].step == RD_CAT_NO_STEP);
			break;
		case RD_V_REJECTING:
			assert_true(v[i].step >= RD_STEP_HELLO &&
			    v[i].step <= RD_STEP_INFO);
			break;
		case RD_V_NO_ATTEMPT:
			assert_int_equal(v[i].step, RD_STEP_CONFIG);
			break;
		default:
			assert_true(v[i].step != RD_CAT_NO_STEP);
			break;
		}
	}
}

/* title_at puts the peer where "{peer}" is; a row without one gives its
 * title; an unknown id or NULL is left alone. */
static void
test_title_at(void **state)
{
	struct rd_findings fs = { 0 };
	struct rd_finding *f;

	(void)state;
	f = findings_add(&fs, "server.cluster_down", RD_SEV_CRITICAL);
	assert_non_null(f);
	catalog_title_at(f, "10.0.0.5:6379");
	assert_string_equal(f->title, "the cluster of 10.0.0.5:6379 is down");
	f = findings_add(&fs, "server.loading", RD_SEV_CRITICAL);
	assert_non_null(f);
	catalog_title_at(f, "[::1]:6379");
	assert_string_equal(f->title, "[::1]:6379 is loading its dataset into "
	    "memory");
	f = findings_add(&fs, "dns.nxdomain", RD_SEV_CRITICAL);
	assert_non_null(f);
	catalog_title_at(f, "x:1");
	assert_string_equal(f->title, catalog_find("dns.nxdomain")->title);
	f = findings_add(&fs, "no.such_id", RD_SEV_INFO);
	assert_non_null(f);
	catalog_title_at(f, "x:1");
	assert_string_equal(f->title, "");
	catalog_title_at(NULL, "x:1");
	findings_free(&fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_ids),
		cmocka_unit_test(test_added_ids),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_row_answers),
		cmocka_unit_test(test_verdict_step),
		cmocka_unit_test(test_title_at),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
