/* test_catalog.c — the one table of finding knowledge (catalog.c): every id
 * of SPEC section 7 (copied below) and the ids added since has an entry
 * with a title and a remedy; ids are unique; the helpers fill a finding
 * from it. */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_ids),
		cmocka_unit_test(test_added_ids),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_fill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
