#!/usr/bin/env bats
# targets.bats — `redisdiag check --targets FILE` (SPEC section 14) against
# real redis-server instances on loopback: 24 targets (19 plain servers,
# one requiring a password that comes from the environment, one TLS, three
# closed ports), probed concurrently under one deadline.  Per-target
# results, the worst exit status, every format, the file's rules (no
# password in a URL, never echoed), and the one deadline against a
# blackhole.  Every wait is bounded.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'

NPLAIN=19

setup_file() {
	fx_init
	local i p
	: >"$BATS_FILE_TMPDIR/fleet"
	for ((i = 1; i <= NPLAIN; i++)); do
		p=$(fx_redis "p$i") || return 1
		echo "plain-$i redis://127.0.0.1:$p" >>"$BATS_FILE_TMPDIR/fleet"
	done
	fx_redis_auth auth 'fl33t-Secr3t' >/dev/null || return 1
	fx_redis_tls tls >/dev/null || return 1
	{
		echo "# a comment, and a blank line"
		echo
		echo "auth redis://127.0.0.1:$FX_PORT_auth password_env=FLEET_PW"
		echo "tls rediss://localhost:$FX_PORT_tls"
		for i in 1 2 3; do
			p=$(fx_port) || return 1
			echo "closed-$i redis://127.0.0.1:$p"
		done
	} >>"$BATS_FILE_TMPDIR/fleet"
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	FLEET="$BATS_FILE_TMPDIR/fleet"
	export ROOT FLEET
}

teardown_file() {
	fx_teardown
}

# prom_clean TEXT: promtool check metrics finds nothing.  The one
# complaint tolerated is about redisdiag_tls_cert_days_left, a metric of
# render_formats.c that SPEC section 15 replaces with
# redisdiag_tls_cert_not_after_timestamp_seconds (another change); once
# that lands the filter matches nothing.
prom_clean() {
	local out rc=0
	out=$(promtool check metrics <<<"$1" 2>&1) || rc=$?
	out=$(grep -v '^redisdiag_tls_cert_days_left use base unit "seconds" instead of "days"$' <<<"$out" | grep .) || true
	if [[ -n $out ]]; then
		echo "promtool (status $rc): $out"
		return 1
	fi
}

# rd ARGS...: the binary with an empty environment (no container
# evidence) but FLEET_PW, bounded; stdout in $output, stderr apart.
rd() {
	run --separate-stderr timeout 60 env -i PATH="$PATH" \
	    REDISDIAG_SYSROOT="$ROOT" FLEET_PW='fl33t-Secr3t' "$RD" "$@"
}

@test "json: one entry per target in targets[], per-target verdicts, worst exit status 2" {
	rd check --targets "$FLEET" --cacert "$FX_CA" --format json
	[ "$status" -eq 2 ]
	jq -e '.exit_code == 2 and .verdict == "unreachable"' <<<"$output"
	jq -e '.targets | length == 24' <<<"$output"
	jq -e '.counts.unreachable == 3 and (.counts.ok + .counts.warn) == 21' <<<"$output"
	jq -e '[.targets[] | select(.target.name | startswith("plain-")) | .verdict] | all(. == "ok")' <<<"$output"
	jq -e '[.targets[] | select(.target.name | startswith("closed-"))] | all(.verdict == "unreachable" and .exit_code == 2 and any(.findings[]; .id == "tcp.refused"))' <<<"$output"
	jq -e '.targets[] | select(.target.name == "tls") | .verdict == "ok" and .tls.version != null' <<<"$output"
	# Each report is a whole check report with its target's source line.
	jq -e '.targets[] | select(.target.name == "plain-1") | .config.source | test("^targets:.*:1$")' <<<"$output"
	jq -e '[.targets[].target.name] | unique | length == 24' <<<"$output"
}

@test "the password comes from the variable the file names, and never appears in any format" {
	local f
	for f in json ndjson text prometheus; do
		rd check --targets "$FLEET" --cacert "$FX_CA" --format "$f" --verbose
		[ "$status" -eq 2 ]
		[[ $output != *fl33t-Secr3t* ]]
		[[ $stderr != *fl33t-Secr3t* ]]
	done
	rd check --targets "$FLEET" --cacert "$FX_CA" --format json
	jq -e '.targets[] | select(.target.name == "auth") | .verdict == "ok" and .config.fields.password.value == "****" and .config.fields.password.source == "env:FLEET_PW"' <<<"$output"
	jq -e '.targets[] | select(.target.name == "auth") | any(.steps[]; .name == "auth" and .status == "ok")' <<<"$output"
}

@test "the password variable unset: that target is rejecting (auth.required), the run exits 2 still" {
	run --separate-stderr timeout 60 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    "$RD" check --targets "$FLEET" --cacert "$FX_CA" --format json
	[ "$status" -eq 2 ]
	jq -e '.targets[] | select(.target.name == "auth") | .verdict == "rejecting" and .exit_code == 1' <<<"$output"
	jq -e '.targets[] | select(.target.name == "auth") | any(.findings[]; .id == "auth.required")' <<<"$output"
	jq -e '.targets[] | select(.target.name == "auth") | any(.findings[]; .id == "config.invalid_value" and (.evidence | test("FLEET_PW")))' <<<"$output"
}

@test "--env-file gives the password" {
	printf 'FLEET_PW=fl33t-Secr3t\n' >"$BATS_TEST_TMPDIR/.env"
	grep -E '^auth ' "$FLEET" >"$BATS_TEST_TMPDIR/one"
	run --separate-stderr timeout 60 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    "$RD" check --targets "$BATS_TEST_TMPDIR/one" --env-file "$BATS_TEST_TMPDIR/.env" --format json
	[ "$status" -eq 0 ]
	jq -e '.targets[0].config.fields.password.source | startswith("env-file:")' <<<"$output"
}

@test "exit status is the worst: all healthy 0, one rejecting 1, one closed 2" {
	grep -E '^plain-' "$FLEET" >"$BATS_TEST_TMPDIR/ok"
	rd check --targets "$BATS_TEST_TMPDIR/ok" --format json
	[ "$status" -eq 0 ]
	jq -e '.exit_code == 0 and (.targets | length) == 19' <<<"$output"
	{ cat "$BATS_TEST_TMPDIR/ok"; echo "noauth redis://127.0.0.1:$FX_PORT_auth"; } >"$BATS_TEST_TMPDIR/rej"
	rd check --targets "$BATS_TEST_TMPDIR/rej" --format json
	[ "$status" -eq 1 ]
	jq -e '.exit_code == 1 and .verdict == "rejecting"' <<<"$output"
	{ cat "$BATS_TEST_TMPDIR/rej"; grep -E '^closed-1 ' "$FLEET"; } >"$BATS_TEST_TMPDIR/un"
	rd check --targets "$BATS_TEST_TMPDIR/un" --format json
	[ "$status" -eq 2 ]
}

@test "ndjson: one whole report per target per line" {
	rd check --targets "$FLEET" --cacert "$FX_CA" --format ndjson
	[ "$status" -eq 2 ]
	[ "$(wc -l <<<"$output")" -eq 24 ]
	local l n=0
	while IFS= read -r l; do
		jq -e '.target.name != null and (.exit_code | type) == "number" and (.steps | length) > 0' <<<"$l" >/dev/null
		n=$((n + 1))
	done <<<"$output"
	[ "$n" -eq 24 ]
}

@test "text: a table, one row per target with verdict, the finding that matters and time" {
	rd check --targets "$FLEET" --cacert "$FX_CA" --format text
	[ "$status" -eq 2 ]
	[[ ${lines[0]} == TARGET*VERDICT*TIME*FINDING ]]
	grep -Eq '^plain-1 +ok +[0-9.]+ms +-$' <<<"$output"
	grep -Eq '^closed-2 +unreachable +[0-9.]+ms +tcp\.refused: ' <<<"$output"
	grep -Eq '^24 targets: .*3 unreachable in [0-9.]+ ms; worst verdict unreachable \(exit 2\)$' <<<"$output"
}

@test "prometheus: one exposition, promtool clean, target and name labels on every series" {
	command -v promtool >/dev/null || skip "promtool not installed (scripts/install-deps --test)"
	rd check --targets "$FLEET" --cacert "$FX_CA" --format prometheus
	[ "$status" -eq 2 ]
	prom_clean "$output"
	rd check --targets "$FLEET" --cacert "$FX_CA" --format prometheus
	[ "$(grep -c '^redisdiag_up{' <<<"$output")" -eq 24 ]
	grep -q '^redisdiag_up{name="closed-1",target="127.0.0.1:[0-9]*"} 0$' <<<"$output"
	grep -q '^redisdiag_up{name="auth",target="127.0.0.1:[0-9]*"} 1$' <<<"$output"
	# every sample has both labels
	! grep -v '^#' <<<"$output" | grep -v 'name="' | grep -q .
	! grep -v '^#' <<<"$output" | grep -v 'target="' | grep -q .
	[ "$(grep -c '^# TYPE redisdiag_up ' <<<"$output")" -eq 1 ]
}

@test "one deadline for all: blackholes end with --timeout, not one after the other" {
	local b1 b2 b3
	b1=$(fx_blackhole bh1) && b2=$(fx_blackhole bh2) && b3=$(fx_blackhole bh3)
	{
		grep -E '^plain-' "$FLEET"
		echo "bh1 redis://127.0.0.1:$b1"
		echo "bh2 redis://127.0.0.1:$b2"
		echo "bh3 redis://127.0.0.1:$b3"
	} >"$BATS_TEST_TMPDIR/bh"
	local t0 t1
	t0=$(date +%s%N)
	rd check --targets "$BATS_TEST_TMPDIR/bh" --timeout 1s --format json
	t1=$(date +%s%N)
	[ "$status" -eq 2 ]
	jq -e '[.targets[] | select(.target.name | startswith("bh"))] | length == 3 and all(.verdict == "unreachable")' <<<"$output"
	jq -e '[.targets[] | select(.target.name | startswith("plain-"))] | all(.verdict == "ok")' <<<"$output"
	# Sequentially the three would take 3 s; generous bound for a loaded box.
	[ $(((t1 - t0) / 1000000)) -lt $((2500 * ${TEST_TIME_FACTOR:-1})) ]
	# Even one at a time, every target gives up at the same deadline.
	t0=$(date +%s%N)
	rd check --targets "$BATS_TEST_TMPDIR/bh" --timeout 1s --max-concurrency 1 --format json
	t1=$(date +%s%N)
	[ "$status" -eq 2 ]
	[ $(((t1 - t0) / 1000000)) -lt $((2500 * ${TEST_TIME_FACTOR:-1})) ]
}

@test "a password in a URL is refused, with the line named and the password never echoed" {
	printf 'ok redis://127.0.0.1:1\nbad redis://:hunter2-XYZ@127.0.0.1:6379\n' >"$BATS_TEST_TMPDIR/pw"
	rd check --targets "$BATS_TEST_TMPDIR/pw" --format json
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ $stderr == *"pw:2: the URL holds a password"*password_env=VAR* ]]
	[[ $stderr != *hunter2* ]]
	printf 'q redis://127.0.0.1:6379/?password=hunter2-XYZ\n' >"$BATS_TEST_TMPDIR/q"
	rd check --targets "$BATS_TEST_TMPDIR/q"
	[ "$status" -eq 3 ]
	[[ $stderr == *"q:1: the URL's query holds a secret"* ]]
	[[ $stderr != *hunter2* ]]
	printf 'u redis://hunter2-XYZ:@127.0.0.1:6379\n' >"$BATS_TEST_TMPDIR/u"
	rd check --targets "$BATS_TEST_TMPDIR/u"
	[[ $stderr != *hunter2* ]]
}

@test "file errors are usage errors (exit 3) naming file and line, never the value" {
	printf 'a redis://127.0.0.1:1\na redis://127.0.0.1:2\n' >"$BATS_TEST_TMPDIR/dup"
	rd check --targets "$BATS_TEST_TMPDIR/dup"
	[ "$status" -eq 3 ]
	[[ $stderr == *"dup:2: a second target with the same name"* ]]
	printf 'a redis://127.0.0.1:1 sekrit=zzz\n' >"$BATS_TEST_TMPDIR/word"
	rd check --targets "$BATS_TEST_TMPDIR/word"
	[ "$status" -eq 3 ]
	[[ $stderr == *"word:1: unknown word"* && $stderr != *zzz* ]]
	printf 'a http://notredis-zzz\n' >"$BATS_TEST_TMPDIR/scheme"
	rd check --targets "$BATS_TEST_TMPDIR/scheme"
	[ "$status" -eq 3 ]
	[[ $stderr != *notredis-zzz* ]]
	printf '# nothing\n' >"$BATS_TEST_TMPDIR/empty"
	rd check --targets "$BATS_TEST_TMPDIR/empty"
	[ "$status" -eq 3 ]
	[[ $stderr == *"no targets"* ]]
	rd check --targets "$BATS_TEST_TMPDIR/missing"
	[ "$status" -eq 3 ]
	[[ $stderr == *"no such file"* ]]
}

@test "connection options that name one target exclude --targets; nagios/junit are not fleet formats" {
	local o
	for o in "-u redis://127.0.0.1:1" "-h 127.0.0.1" "-p 1" "-a x" "--user u" "-n 1" "--sni x" "--all-candidates"; do
		# shellcheck disable=SC2086
		rd check --targets "$FLEET" $o
		[ "$status" -eq 3 ]
		[[ $stderr == *"and --targets exclude each other"* ]]
	done
	rd check --targets "$FLEET" --format nagios
	[ "$status" -eq 3 ]
	rd check --targets "$FLEET" --format junit
	[ "$status" -eq 3 ]
}

@test "an unnamed line is named host:port" {
	local url
	url=$(awk '$1 == "plain-1" { print $2 }' "$FLEET")
	echo "$url" >"$BATS_TEST_TMPDIR/anon"
	rd check --targets "$BATS_TEST_TMPDIR/anon" --format json
	[ "$status" -eq 0 ]
	jq -e --arg n "${url#redis://}" '.targets[0].target.name == $n' <<<"$output"
}

@test "--latency-samples reaches every target's probe (as in check)" {
	rd check --targets "$FLEET" --format json --latency-samples 3
	[ "$status" -eq 2 ]
	[ "$(jq '[.targets[] | select(.verdict == "ok" or .verdict == "warn") | .latency.samples] | unique' <<<"$output")" = "$(printf '[\n  3\n]')" ]
	rd check --targets "$FLEET" --format json --latency-samples 0
	[ "$(jq '[.targets[] | .steps[] | select(.name == "latency") | .status] | unique' <<<"$output")" = "$(printf '[\n  "skip"\n]')" ]
}
