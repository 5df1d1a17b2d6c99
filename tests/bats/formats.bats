#!/usr/bin/env bats
# formats.bats — every --format of `check` and `env` from the command line:
# a closed loopback port (check: exit 2, tcp.refused) and a plain resolved
# configuration (env: exit 0).  Asserts what machines read: JSON fields
# with jq, exit_code equal to the status, ndjson lines that each parse,
# the nagios status word, prometheus samples, junit XML with a failure.
# The environment is emptied (env -i) so the caller's REDIS_* variables and
# the machine's container files cannot change the result.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'

CANARY='Fmt-canary-9q2x'

# CLOSED: connect is refused; ROOT: no container evidence; rd runs the
# binary with an empty environment (tests/lib/cli.bash).
setup_file() {
	cli_setup_file
}

teardown_file() {
	fx_teardown
}

check_closed() {
	rd check -h 127.0.0.1 -p "$CLOSED" --timeout 3s "$@"
}

@test "check --format json: exit 2, tcp.refused, exit_code equals the status" {
	check_closed --format json
	[ "$status" -eq 2 ]
	echo "$output" | jq -e . >/dev/null
	[ "$(echo "$output" | jq -r .exit_code)" = "$status" ]
	echo "$output" | jq -e '.verdict == "unreachable"'
	echo "$output" | jq -e '[.findings[].id] | index("tcp.refused") != null'
	echo "$output" | jq -e '.steps[] | select(.name == "tcp") | .status == "fail"'
	echo "$output" | jq -e '.steps[] | select(.name == "tcp") | .error.code != null'
	echo "$output" | jq -e '.steps | map(.name) == ["config","dns","tcp","tls","hello","auth","select","ping","info","latency"]'
	echo "$output" | jq -e '.tls == null and .server == null and .latency == null'
	echo "$output" | jq -e '.timings.tcp_ms | type == "number"'
	echo "$output" | jq -e '.timings.ping_ms == null'
	echo "$output" | jq -e '[.checklist[].id][:14] == ["remote_host","password","tls_scheme","sni","certificate","env_reaches_app","dns","tcp","tls_handshake","auth","ping","server_ready","memory_headroom","client_headroom"]'
	echo "$output" | jq -e '.checklist[] | select(.id == "tcp") | .status == "fail"'
	echo "$output" | jq -e '.schema_version and .tool.name == "redisdiag"'
}

@test "check: json is the default when stdout is not a terminal" {
	check_closed
	[ "$status" -eq 2 ]
	[ "$(echo "$output" | jq -r .exit_code)" = "2" ]
	echo "$output" | jq -e '.command == "check"'
}

@test "check --format ndjson: every line parses, the last is the report" {
	check_closed --format ndjson
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -ge 2 ]
	local l
	for l in "${lines[@]}"; do
		echo "$l" | jq -e 'type == "object" and (.type | type == "string")' >/dev/null
	done
	echo "${lines[-1]}" | jq -e '.type == "report" and .exit_code == 2'
	echo "$output" | jq -se '[.[] | select(.type == "finding") | .id] | index("tcp.refused") != null'
	echo "$output" | jq -se '[.[] | select(.type == "checklist")] | length >= 14'
}

@test "check --format nagios: REDIS CRITICAL with perfdata" {
	check_closed --format nagios
	[ "$status" -eq 2 ]
	[[ ${lines[0]} == "REDIS CRITICAL - "* ]]
	[[ ${lines[0]} == *" | "*"time="*"s;;;0"* ]]
	[[ $output == *"tcp.refused"* ]]
}

@test "check --format prometheus: redisdiag_up 0 and the finding" {
	check_closed --format prometheus
	[ "$status" -eq 2 ]
	# Every series has a target label (issue 13).
	grep -qx "redisdiag_up{target=\"127.0.0.1:$CLOSED\"} 0" <<<"$output"
	grep -qx "redisdiag_exit_code{target=\"127.0.0.1:$CLOSED\"} 2" <<<"$output"
	grep -qx '# TYPE redisdiag_up gauge' <<<"$output"
	grep -q '^redisdiag_finding{target="[^"]*",id="tcp.refused",severity="critical"} 1$' <<<"$output"
	grep -q '^redisdiag_step_duration_seconds{target="[^"]*",step="tcp"} [0-9.]*$' <<<"$output"
	# Every sample line: name, optional labels, a number.
	[ -z "$(grep -v '^#' <<<"$output" | grep -vE '^[a-z_]+(\{.*\})? -?[0-9.]+(e[-+]?[0-9]+)?$')" ]
}

@test "check --format junit: XML with a failure naming tcp.refused" {
	check_closed --format junit
	[ "$status" -eq 2 ]
	[[ ${lines[0]} == '<?xml version="1.0" encoding="UTF-8"?>' ]]
	[[ $output == *'<failure type="tcp.refused"'* ]]
	[ "$(grep -c '<testcase ' <<<"$output")" -ge 14 ]
	if command -v xmllint >/dev/null; then
		xmllint --noout - <<<"$output"
	else
		[ "$(grep -c '<testcase ' <<<"$output")" = "$(grep -c '</testcase>' <<<"$output")" ]
	fi
}

@test "check --format text: target, step, finding, checklist, verdict" {
	check_closed --format text
	[ "$status" -eq 2 ]
	[[ $output == *"target 127.0.0.1:$CLOSED (from flag:-h) plaintext"* ]]
	[[ $output == *"tcp.refused"* ]]
	[[ $output == *"remote_host"* ]]
	[[ $output == *"verdict unreachable (exit 2)"* ]]
	[[ $output != *$'\033'* ]]	# not a terminal: no colour
}

@test "check --quiet prints nothing and keeps the status" {
	check_closed --quiet
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	check_closed --quiet --format text
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "check with an invalid URL: a report anyway, no_attempt, exit 3" {
	rd check -u 'http://127.0.0.1:6379' --format json
	[ "$status" -eq 3 ]
	echo "$output" | jq -e '.verdict == "no_attempt" and .exit_code == 3'
	echo "$output" | jq -e '.steps | length == 1 and .[0].name == "config" and .[0].status == "fail"'
	echo "$output" | jq -e '.tls == null and .server == null'
}

@test "env in every format: exit 0 and exit_code 0" {
	rd env -h 10.1.2.3 -p 6380 --format json
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.exit_code == 0 and .command == "env"'
	echo "$output" | jq -e '.steps | length == 1 and .[0].name == "config"'
	echo "$output" | jq -e '.tls == null and .server == null and .latency == null'
	echo "$output" | jq -e '.config.host == "10.1.2.3" and .config.port == 6380'

	rd env -h 10.1.2.3 -p 6380 --format ndjson
	[ "$status" -eq 0 ]
	local l
	for l in "${lines[@]}"; do
		echo "$l" | jq -e . >/dev/null
	done
	echo "${lines[-1]}" | jq -e '.type == "report" and .exit_code == 0'

	rd env -h 10.1.2.3 -p 6380 --format nagios
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "REDIS OK - "* ]]

	rd env -h 10.1.2.3 -p 6380 --format prometheus
	[ "$status" -eq 0 ]
	grep -qx 'redisdiag_exit_code{target="10.1.2.3:6380"} 0' <<<"$output"

	rd env -h 10.1.2.3 -p 6380 --format junit
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == '<?xml'* ]]
	if command -v xmllint >/dev/null; then
		xmllint --noout - <<<"$output"
	fi

	rd env -h 10.1.2.3 -p 6380 --format text
	[ "$status" -eq 0 ]
	[[ $output == *"10.1.2.3"* ]]

	rd env -h 10.1.2.3 -p 6380 --quiet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "no format prints the password" {
	local f
	for f in json ndjson text nagios prometheus junit; do
		run --separate-stderr timeout 20 env -i PATH="$PATH" \
		    REDISDIAG_SYSROOT="$ROOT" REDIS_PASSWORD="$CANARY" \
		    "$RD" check -h 127.0.0.1 -p "$CLOSED" --timeout 3s --format "$f"
		[ "$status" -eq 2 ]
		[[ $output != *"$CANARY"* ]]
		[[ $stderr != *"$CANARY"* ]]
	done
	rd check -h 127.0.0.1 -p "$CLOSED" -a "$CANARY" --format json
	[ "$status" -eq 2 ]
	[[ $output != *"$CANARY"* ]]
	[[ $stderr != *"$CANARY"* ]]
	echo "$output" | jq -e '.config.password_set == true and .config.fields.password.value == "****"'
}

@test "schema: valid JSON Schema with \$schema, versioned" {
	rd schema
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '."$schema" == "https://json-schema.org/draft/2020-12/schema"'
	echo "$output" | jq -e '.properties.schema_version.const | type == "string"'
	echo "$output" | jq -e '.required | index("exit_code") != null'
	echo "$output" | jq -e '."$defs" | has("watch_event") and has("scenario_list")'
}

@test "schema_version of a report equals the schema's" {
	rd schema
	local v
	v=$(echo "$output" | jq -r .properties.schema_version.const)
	check_closed --format json
	[ "$(echo "$output" | jq -r .schema_version)" = "$v" ]
}

# --all-candidates: the resolved configuration loses to a shadowed one
# that works; the report says which and what to change, and the exit
# status stays the resolved configuration's.
@test "check --all-candidates: names the working candidate, keeps exit 2" {
	local port
	port=$(fx_redis cand)
	run --separate-stderr timeout 20 env -i PATH="$PATH" \
	    REDISDIAG_SYSROOT="$ROOT" REDIS_HOST=127.0.0.1 REDIS_PORT="$CLOSED" \
	    NF_REDIS_URL="redis://127.0.0.1:$port" \
	    "$RD" check --all-candidates --timeout 3s --format json
	[ "$status" -eq 2 ]
	echo "$output" | jq -e '.exit_code == 2 and .verdict == "unreachable"'
	echo "$output" | jq -e '.candidates_probed | length == 1'
	echo "$output" | jq -e '.candidates_probed[0] | .name == "NF_REDIS_URL" and .verdict == "ok" and .exit_code == 0'
	echo "$output" | jq -e '.findings[] | select(.id == "config.candidate_works") | .remediation | any(test("unset REDIS_HOST"))'
}

# Every candidate is probed at the same time under the one deadline: three
# blackholes with --timeout 1s end in about 1 s, not 3 (generous bound).
@test "check --all-candidates: candidates share the one deadline" {
	fx_blackhole bh1
	fx_blackhole bh2
	fx_blackhole bh3
	local t0 t1
	t0=$(date +%s%N)
	run --separate-stderr timeout 20 env -i PATH="$PATH" \
	    REDISDIAG_SYSROOT="$ROOT" REDIS_HOST=127.0.0.1 REDIS_PORT="$FX_PORT_bh1" \
	    NF_REDIS_URL="redis://127.0.0.1:$FX_PORT_bh2" \
	    KV_URL="redis://127.0.0.1:$FX_PORT_bh3" \
	    "$RD" check --all-candidates --timeout 1s --format json
	t1=$(date +%s%N)
	[ "$status" -eq 2 ]
	echo "$output" | jq -e '.candidates_probed | length == 2'
	echo "$output" | jq -e '[.candidates_probed[].exit_code] == [2, 2]'
	[ $(( (t1 - t0) / 1000000 )) -lt 2500 ]
}
