/* test_schema.c — the embedded JSON Schema (src/schema.json, report_schema())
 * against the C tables it repeats, so neither can change alone: every enum
 * of $defs that names a C table holds exactly that table's names (verdict,
 * severity, step name and status, checklist status, configuration problem
 * kind, --format), the checklist's prefixItems are the checklist ids in
 * their order, every catalog finding id matches finding_id's pattern, the
 * version is RD_SCHEMA_VERSION, and every $ref resolves.
 *
 * Whether real output validates is tests/bats/schema.bats' job (a real
 * validator) and test_render.c's (rendered literal reports). */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "catalog.h"
#include "cli.h"
#include "obs.h"
#include "render_int.h"
#include "report.h"

static cJSON *schema;

static int
setup(void **state)
{
	(void)state;
	schema = cJSON_Parse(report_schema());
	return schema == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	cJSON_Delete(schema);
	return 0;
}

/* o's member key; fails the test when there is none. */
static const cJSON *
get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL)
		fail_msg("schema: no \"%s\"", key);
	return v;
}

static const cJSON *
def(const char *name)
{
	return get(get(schema, "$defs"), name);
}

/* The enum of $defs/name holds exactly names[0..n): as many, each once.
 * Order is the schema's to choose, except where ordered says it is the
 * table's. */
static void
assert_enum(const char *name, const char *const *names, size_t n, bool ordered)
{
	const cJSON *e = get(def(name), "enum"), *it;
	size_t i = 0, k;

	if ((size_t)cJSON_GetArraySize(e) != n)
		fail_msg("$defs/%s: %d values, the C table has %zu", name,
		    cJSON_GetArraySize(e), n);
	cJSON_ArrayForEach(it, e) {
		if (!cJSON_IsString(it))
			fail_msg("$defs/%s: a value that is not a string", name);
		for (k = 0; k < n; k++)
			if (strcmp(it->valuestring, names[k]) == 0)
				break;
		if (k == n)
			fail_msg("$defs/%s: \"%s\" is in no C table", name,
			    it->valuestring);
		if (ordered && k != i)
			fail_msg("$defs/%s: \"%s\" at %zu, the C table has it at %zu",
			    name, it->valuestring, i, k);
		i++;
	}
}

static void
test_version(void **state)
{
	const char *id = get(schema, "$id")->valuestring;
	size_t n = strlen(id), v = strlen(RD_SCHEMA_VERSION);

	(void)state;
	assert_string_equal(get(schema, "$schema")->valuestring,
	    "https://json-schema.org/draft/2020-12/schema");
	assert_string_equal(get(get(get(schema, "properties"), "schema_version"),
	    "const")->valuestring, RD_SCHEMA_VERSION);
	/* "urn:redisdiag:schema:1.0" */
	assert_true(n > v && id[n - v - 1] == ':');
	assert_string_equal(id + n - v, RD_SCHEMA_VERSION);
}

static void
test_name_tables(void **state)
{
	(void)state;
	assert_enum("verdict", rd_verdict_names, RD_V_NO_ATTEMPT + 1, false);
	assert_enum("severity", rd_severity_names, RD_SEV_CRITICAL + 1, false);
	assert_enum("checklist_status", rd_cl_status_names, RD_CL_WARN + 1, false);
	assert_enum("step_status", rd_status_names, RD_ST_FAIL + 1, false);
	/* Steps run, and are listed, in the table's order. */
	assert_enum("step_name", rd_step_names, RD_STEP__COUNT, true);
}

static void
test_problem_kinds(void **state)
{
	const char *names[RD_P_NOT_READ + 1];
	int k;

	(void)state;
	for (k = 0; k <= RD_P_NOT_READ; k++)
		names[k] = render_problem_kind((enum rd_problem_kind)k);
	assert_enum("problem_kind", names, RD_P_NOT_READ + 1, false);
}

/* The format table is cli_opts.c's own: each name of $defs/format must parse
 * as --format and give the format at its index. */
static void
test_formats(void **state)
{
	const cJSON *e = get(def("format"), "enum"), *it;
	int i = 0;

	(void)state;
	assert_int_equal(cJSON_GetArraySize(e), RD_FMT_JUNIT + 1);
	cJSON_ArrayForEach(it, e) {
		char *argv[] = { (char *)"redisdiag", (char *)"check",
		    (char *)"--format", it->valuestring, NULL };
		struct rd_cli cli;

		memset(&cli, 0, sizeof(cli));
		if (cli_parse(4, argv, &cli) != 0)
			fail_msg("$defs/format: \"%s\" is no --format", it->valuestring);
		if ((int)cli.ropts.format != i)
			fail_msg("$defs/format: \"%s\" at %d, --format gives %d",
			    it->valuestring, i, (int)cli.ropts.format);
		cli_free(&cli);
		i++;
	}
}

static void
test_checklist_order(void **state)
{
	const cJSON *cl = get(get(schema, "properties"), "checklist");
	const cJSON *prefix = get(cl, "prefixItems"), *it;
	static struct rd_report r;	/* not finished: report_cl_id's table */
	int i = 0;

	(void)state;
	assert_int_equal(cJSON_GetArraySize(prefix), RD_CL__COUNT);
	assert_int_equal(get(cl, "minItems")->valueint, RD_CL__COUNT);
	cJSON_ArrayForEach(it, prefix) {
		const char *want = report_cl_id(&r, (enum rd_cl_id)i);
		const cJSON *id = get(get(get(it, "properties"), "id"), "const");

		if (strcmp(id->valuestring, want) != 0)
			fail_msg("checklist prefixItems[%d]: \"%s\", the table has \"%s\"",
			    i, id->valuestring, want);
		assert_string_equal(get(it, "$ref")->valuestring,
		    "#/$defs/checklist_item");
		i++;
	}
}

static void
test_finding_ids(void **state)
{
	const char *pat = get(def("finding_id"), "pattern")->valuestring;
	const struct rd_catalog_entry *e;
	regex_t re;
	size_t n, i;

	(void)state;
	assert_int_equal(regcomp(&re, pat, REG_EXTENDED | REG_NOSUB), 0);
	e = catalog_entries(&n);
	assert_true(n > 0);
	for (i = 0; i < n; i++)
		if (regexec(&re, e[i].id, 0, NULL, 0) != 0) {
			regfree(&re);
			fail_msg("finding id %s does not match %s", e[i].id, pat);
		}
	regfree(&re);
}

/* Every "$ref" under v names a member of $defs; returns how many. */
static int
check_refs(const cJSON *v)
{
	const cJSON *it;
	int n = 0;

	if (cJSON_IsString(v) && v->string != NULL &&
	    strcmp(v->string, "$ref") == 0) {
		if (strncmp(v->valuestring, "#/$defs/", 8) != 0 ||
		    cJSON_GetObjectItemCaseSensitive(get(schema, "$defs"),
		    v->valuestring + 8) == NULL)
			fail_msg("$ref %s resolves to nothing", v->valuestring);
		return 1;
	}
	cJSON_ArrayForEach(it, v)
		n += check_refs(it);
	return n;
}

static void
test_refs_resolve(void **state)
{
	(void)state;
	assert_true(check_refs(schema) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_name_tables),
		cmocka_unit_test(test_problem_kinds),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_checklist_order),
		cmocka_unit_test(test_finding_ids),
		cmocka_unit_test(test_refs_resolve),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
