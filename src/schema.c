/* schema.c — the JSON Schema (draft 2020-12) of every document redisdiag
 * prints, as `redisdiag schema` shows it.
 *
 * The schema is data: src/schema.json, edited as JSON.  The build turns it
 * into the bytes of the array below (scripts/embed, a Makefile rule), so
 * the binary needs no file at run time.  tests/unit/test_render.c
 * validates rendered reports against it, tests/unit/test_schema.c checks
 * its enums against the C name tables, tests/bats/schema.bats validates
 * real runs with a real validator.  Versioned by schema_version
 * (RD_SCHEMA_VERSION, which test_schema compares): keys are only ever
 * added. */
#include "report.h"

static const char schema[] = {
#include "schema.json.inc"
};

const char *
report_schema(void)
{
	return schema;
}
