#!/usr/bin/env bats
# run-cost: 26 (seconds alone, idle: tests/run starts the slowest first)
# schema.bats — what `redisdiag schema` prints is the schema of what the
# tool really prints, checked with a real JSON Schema validator
# (python3-jsonschema, draft 2020-12) rather than by hand: the schema is
# itself valid and is exactly src/schema.json; the lines of `watch` (probe
# and summary) against a real redis-server and against a refused port;
# check in json and ndjson; env; explain; every simulate scenario; the
# scenario list.  Each run is bounded; the environment is emptied (env -i)
# so the caller's REDIS_* variables cannot change the result.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# rd: the binary in an empty environment, bounded
RD_TIMEOUT=30

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	CLOSED=$(fx_port)
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	SCHEMA="$BATS_FILE_TMPDIR/schema.json"
	timeout 10 "$RD" schema >"$SCHEMA"
	export CLOSED ROOT SCHEMA
}

teardown_file() {
	fx_teardown
}

setup() {
	python3 -c 'import jsonschema' 2>/dev/null ||
	    skip "python3-jsonschema is not installed (scripts/install-deps --test)"
}

# The validator: python3-jsonschema, the draft the schema names.
# validate.py SCHEMA DEF: every non-empty line of stdin is one JSON document
# valid against $defs/DEF of SCHEMA (DEF "report": the schema's root).
# Prints each error with the line number and where in the document.
VALIDATE_PY='
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
if sys.argv[2] != "report":
    # The $defs under a root of their own: "#/$defs/..." resolves the same.
    schema = {"$schema": schema["$schema"], "$defs": schema["$defs"],
              "$ref": "#/$defs/" + sys.argv[2]}
v = cls(schema)
n = bad = 0
for lineno, line in enumerate(sys.stdin, 1):
    if not line.strip():
        continue
    n += 1
    for e in v.iter_errors(json.loads(line)):
        bad += 1
        print("line %d at %s: %s" % (lineno, e.json_path, e.message[:300]))
if n == 0:
    print("no document to validate")
sys.exit(1 if bad or n == 0 else 0)
'

# schema_valid DEF <LINES: each line valid against $defs/DEF of $SCHEMA.
schema_valid() {
	python3 -c "$VALIDATE_PY" "$SCHEMA" "$1"
}

# Each line of $output, compact, one document per line.
lines() {
	jq -c . <<<"$output"
}

@test "schema: a valid draft 2020-12 schema, exactly src/schema.json" {
	rd schema
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") "$BATS_TEST_DIRNAME/../../src/schema.json"
	python3 -c '
import json, sys, jsonschema
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))' "$SCHEMA"
}

# watch_valid STATUS ARGS...: watch ARGS --count 2 --interval 10ms exits
# STATUS with two probe lines and the summary, each line valid as an
# ndjson_line and as its own definition (watch_event, watch_summary).
watch_valid() {
	local want=$1
	shift
	rd watch "$@" --count 2 --interval 10ms
	[ "$status" -eq "$want" ]
	[ "$(jq -r .type <<<"$output" | tr '\n' ,)" = "probe,probe,summary," ]
	lines | schema_valid ndjson_line
	grep '"type":"probe"' <<<"$output" | schema_valid watch_event
	tail -n1 <<<"$output" | schema_valid watch_summary
}

@test "schema: watch --count 2 against a real redis-server, every line valid" {
	watch_valid 0 -h 127.0.0.1 -p "$FX_PORT_plain"
	# Something to validate: a latency sample and a target on each probe.
	jq -se 'map(select(.type == "probe")) | all(.latency.samples >= 1 and .target != null)' <<<"$output"
}

@test "schema: watch --count 2 against a refused port, every line valid" {
	watch_valid 2 -h 127.0.0.1 -p "$CLOSED"
	jq -e '.p50_us == null and .state == "down"' <<<"$(tail -n1 <<<"$output")"
}

@test "schema: watch with an invalid configuration, every line valid" {
	rd watch -u 'redis://[::1' --count 2 --interval 10ms
	[ "$status" -eq 3 ]
	lines | schema_valid ndjson_line
}

@test "schema: a line that is neither a record nor a watch line is rejected" {
	# The validator and the oneOf are not vacuous.
	run ! schema_valid ndjson_line <<<'{"type":"probe","seq":0}'
	run ! schema_valid ndjson_line <<<'{"type":"summary"}'
	run ! schema_valid ndjson_line <<<'{"type":"nonsense","command":"check"}'
	run ! schema_valid report <<<'{"schema_version":"1.0"}'
}

@test "schema: check --format json and ndjson, healthy and refused, valid" {
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format json
	[ "$status" -eq 0 ]
	lines | schema_valid report
	rd check -h 127.0.0.1 -p "$CLOSED" --format json
	[ "$status" -eq 2 ]
	lines | schema_valid report
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format ndjson
	[ "$status" -eq 0 ]
	lines | schema_valid ndjson_line
	tail -n1 <<<"$output" | jq -c 'del(.type)' | schema_valid report
	rd check -h 127.0.0.1 -p "$CLOSED" --format ndjson --all-candidates
	[ "$status" -eq 2 ]
	lines | schema_valid ndjson_line
}

@test "schema: env and explain --format json, valid" {
	rd env -h 127.0.0.1 -p "$FX_PORT_plain" --format json
	[ "$status" -eq 0 ]
	lines | schema_valid report
	rd env -u 'redis://[::1' --format json
	lines | schema_valid report
	rd explain --format json 'Error: connect ECONNREFUSED 10.0.0.5:6379'
	lines | schema_valid report
	rd explain --format ndjson 'NOAUTH Authentication required.'
	lines | schema_valid ndjson_line
}

@test "schema: simulate --list and every scenario's report, valid" {
	rd simulate --list --format json
	[ "$status" -eq 0 ]
	lines | schema_valid scenario_list
	local s out="$BATS_TEST_TMPDIR/reports"
	: >"$out"
	for s in $(jq -r '.[].name' <<<"$output"); do
		rd simulate "$s" --format json
		[ "$status" -le 2 ] || { echo "simulate $s: exit $status"; return 1; }
		lines >>"$out"
	done
	[ "$(wc -l <"$out")" -ge 40 ]
	schema_valid report <"$out"
}
