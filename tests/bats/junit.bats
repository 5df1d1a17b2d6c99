#!/usr/bin/env bats
# run-cost: 14 (seconds alone, idle: tests/run starts the slowest first)
# junit.bats — `--format junit` against the Jenkins xunit plugin's JUnit
# schema (tests/data/jenkins-junit.xsd, xmllint from Debian's
# libxml2-utils), on every scenario and on check, env and explain; the
# same finding gets the same outcome in every command; latency.high has a
# testcase; configuration errors are <error>s; failures or errors appear
# exactly when the exit status is not 0.  Every run is bounded.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# rd: the binary in an empty environment, bounded
RD_TIMEOUT=30

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	FX_PORT_closed=$(fx_port)
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	XSD="$BATS_TEST_DIRNAME/../data/jenkins-junit.xsd"
	export FX_PORT_closed ROOT XSD
}

teardown_file() {
	fx_teardown
}

# valid: $output validates against the Jenkins schema.
valid() {
	local said
	said=$(xmllint --noout --schema "$XSD" - <<<"$output" 2>&1) || {
		echo "xmllint: $said" >&2
		return 1
	}
}

# count XPATH: a number from $output.
xp() {
	xmllint --xpath "$1" - <<<"$output"
}

# consistent STATUS: failures/errors agree with the exit status.
consistent() {
	local f e
	f=$(xp 'string(/testsuites/@failures)')
	e=$(xp 'string(/testsuites/@errors)')
	[ "$f" = "$(xp 'count(//testcase/failure)')" ]
	[ "$e" = "$(xp 'count(//testcase/error)')" ]
	[ "$(xp 'string(/testsuites/@tests)')" = "$(xp 'count(//testcase)')" ]
	case $1 in
	0) [ "$f" = 0 ] && [ "$e" = 0 ] ;;
	3) [ "$e" -gt 0 ] ;;
	*) [ "$f" -gt 0 ] && [ "$e" = 0 ] ;;
	esac
}

@test "the schema is the Jenkins one: it rejects <testsuites skipped=...>" {
	output='<?xml version="1.0"?><testsuites tests="1" skipped="0"><testsuite name="x" tests="1"><testcase name="a"/></testsuite></testsuites>'
	run xmllint --noout --schema "$XSD" - <<<"$output"
	[ "$status" -ne 0 ]
	output='<?xml version="1.0"?><testsuites tests="1"><testsuite name="x" tests="1" skipped="0"><testcase name="a"/></testsuite></testsuites>'
	run xmllint --noout --schema "$XSD" - <<<"$output"
	[ "$status" -eq 0 ]
}

@test "every scenario validates; failures or errors exactly when the exit status is not 0" {
	local names n=0 sc
	names=$(timeout 10 "$RD" simulate --list --format text | awk '{print $1}')
	for sc in $names; do
		run --separate-stderr timeout 30 env -i PATH="$PATH" "$RD" \
		    simulate "$sc" --format junit
		valid || { echo "scenario $sc" >&2; return 1; }
		consistent "$status" || { echo "scenario $sc: exit $status" >&2; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 30 ]
}

@test "check, env, explain, invalid configuration and usage errors validate" {
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format junit
	[ "$status" -eq 0 ]
	valid
	consistent 0
	rd check -h 127.0.0.1 -p "$FX_PORT_closed" --format junit
	[ "$status" -eq 2 ]
	valid
	consistent 2
	[ "$(xp 'count(//testcase[@name="tcp"]/failure[@type="tcp.refused"])')" = 1 ]
	rd env -h 10.1.2.3 -p 6380 --format junit
	[ "$status" -eq 0 ]
	valid
	consistent 0
	rd explain --format junit "WRONGPASS invalid username-password pair"
	valid
	consistent "$status"

	# Configuration errors are errors, not failures.
	rd check -u 'http://127.0.0.1:6379' --format junit
	[ "$status" -eq 3 ]
	valid
	consistent 3
	[ "$(xp 'count(//failure)')" = 0 ]
	[ "$(xp 'count(//error[contains(@type, "config.invalid_url")])')" -ge 1 ]
	rd env -u 'http://127.0.0.1:6379' --format junit
	[ "$status" -eq 3 ]
	valid
	consistent 3
	rd check --bogus --format junit
	[ "$status" -eq 3 ]
	valid
	consistent 3
	[ "$(xp 'count(//testcase[@name="configuration"]/error)')" = 1 ]
}

@test "the same warning is the same outcome in env and check (a pass with warning:, a failure under --strict)" {
	local cmd strict
	for cmd in env check; do
		for strict in "" --strict; do
			run --separate-stderr timeout 30 env -i PATH="$PATH" \
			    REDISDIAG_SYSROOT="$ROOT" REDIS_HOST=127.0.0.1 \
			    REDIS_PORT="$FX_PORT_plain" NF_REDIS_HOST=10.2.3.4 \
			    "$RD" "$cmd" --format junit $strict
			valid
			if [ -z "$strict" ]; then
				[ "$status" -eq 0 ]
				consistent 0
				[ "$(xp 'count(//testcase[@name="env_reaches_app"]/system-out[starts-with(., "warning:")])')" = 1 ]
			else
				[ "$status" -eq 1 ] || { echo "$cmd --strict: $status" >&2; return 1; }
				consistent 1
				[ "$(xp 'count(//testcase[@name="env_reaches_app"]/failure[@type="config.shadowed"])')" = 1 ]
			fi
		done
	done
}

@test "latency.high has a testcase (simulate slow)" {
	run --separate-stderr timeout 30 "$RD" simulate slow --format junit
	[ "$status" -eq 0 ]
	valid
	[ "$(xp 'count(//testcase[@name="latency"]/system-out[contains(., "latency.high")])')" = 1 ]
	run --separate-stderr timeout 30 "$RD" simulate slow --format junit --strict
	[ "$status" -eq 1 ]
	valid
	consistent 1
	[ "$(xp 'count(//testcase[@name="latency"]/failure[@type="latency.high"])')" = 1 ]
}
