#!/usr/bin/env bats
# run-cost: 13 (seconds alone, idle: tests/run starts the slowest first)
# nagios.bats — `--format nagios` read as Nagios/Icinga read it (issue 13,
# SPEC section 15): the first line and its perfdata parsed by
# Monitoring::Plugin::Performance (tests/lib/nagios-perfdata.pl, Debian's
# libmonitoring-plugin-perl), every value judged against its own ;warn;crit
# with Monitoring::Plugin::Threshold, and the state of every scenario of
# `simulate --list`: OK 0, WARNING 1, CRITICAL 2 (unreachable and
# rejecting), UNKNOWN 3 (no attempt, usage errors, which print
# "REDIS UNKNOWN - ..." on stdout).  --warning/--critical drive the state
# and the perfdata together.  Every run is bounded by timeout(1).

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# rd: the binary in an empty environment, bounded
RD_TIMEOUT=30

setup_file() {
	fx_init
	fx_redis plain --maxmemory 1gb >/dev/null
	fx_redis_tls tls >/dev/null
	FX_PORT_closed=$(fx_port)
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	PERF="$BATS_TEST_DIRNAME/../lib/nagios-perfdata.pl"
	export FX_PORT_closed ROOT PERF
}

teardown_file() {
	fx_teardown
}

# parse: the plugin output in $output through the Perl reader; sets
# WORD, FIELDS, PARSED, TSTATE.
parse() {
	local out
	out=$(perl "$PERF" <<<"$output") || { echo "not plugin output: ${lines[0]}" >&2; return 1; }
	WORD=$(awk '$1 == "word" {print $2}' <<<"$out")
	FIELDS=$(awk '$1 == "fields" {print $2}' <<<"$out")
	PARSED=$(awk '$1 == "parsed" {print $2}' <<<"$out")
	TSTATE=$(awk '$1 == "threshold_state" {print $2}' <<<"$out")
	PERFOUT=$out
}

word_of() {
	case $1 in 0) echo OK ;; 1) echo WARNING ;; 2) echo CRITICAL ;; *) echo UNKNOWN ;; esac
}

@test "every scenario: the plugin state follows the convention, perfdata parses, thresholds agree" {
	local list n=0 name verdict want
	list=$(timeout 10 "$RD" simulate --list --format json | jq -r '.[] | "\(.name) \(.verdict)"')
	[ -n "$list" ]
	while read -r name verdict; do
		case $verdict in
		ok) want=0 ;; warn) want=1 ;; rejecting | unreachable) want=2 ;; *) want=3 ;;
		esac
		run --separate-stderr timeout 30 env -i PATH="$PATH" "$RD" \
		    simulate "$name" --format nagios
		parse || { echo "scenario $name" >&2; return 1; }
		if [ "$status" -ne "$want" ] || [ "$WORD" != "$(word_of "$want")" ]; then
			echo "$name ($verdict): exit $status, ${lines[0]}" >&2
			return 1
		fi
		# Every perfdata field is one the consumer can read.
		[ "$FIELDS" = "$PARSED" ] || { echo "$name: $FIELDS fields, $PARSED parsed: ${lines[0]}" >&2; return 1; }
		# The perfdata never says worse than the state (the bug: a p99
		# over its warn field under "REDIS OK").
		[ "$TSTATE" -le "$status" ] || { echo "$name: perfdata $TSTATE, state $status" >&2; return 1; }
		# A healthy scenario is OK by its perfdata too.
		[ "$want" -ne 0 ] || [ "$TSTATE" -eq 0 ]
		n=$((n + 1))
	done <<<"$list"
	[ "$n" -ge 30 ]
}

@test "slow: latency_p99 over its warn field is WARNING, exit 1, in the state and the perfdata" {
	run --separate-stderr timeout 30 "$RD" simulate slow --format nagios
	[ "$status" -eq 1 ]
	parse
	[ "$WORD" = WARNING ]
	[ "$TSTATE" -eq 1 ]
	grep -q '^latency_p99 [0-9.e-]* s 0.1 -$' <<<"$PERFOUT"
}

@test "wrong password, NOAUTH, LOADING are CRITICAL (exit 2), as the long text says" {
	local sc
	for sc in wrongpass noauth loading; do
		run --separate-stderr timeout 30 "$RD" simulate "$sc" --format nagios
		[ "$status" -eq 2 ] || { echo "$sc: $status ${lines[0]}" >&2; return 1; }
		[[ ${lines[0]} == "REDIS CRITICAL - "* ]]
		# the long text has the critical finding (simulate resolves as
		# the default ioredis: an info config.client_disagreement may
		# come first)
		printf '%s\n' "${lines[@]:1}" | grep -q '^critical '
	done
	# Other formats keep the section 8 codes.
	run --separate-stderr timeout 30 "$RD" simulate wrongpass --format json
	[ "$status" -eq 1 ]
	run --separate-stderr timeout 30 "$RD" simulate wrongpass --format prometheus
	[ "$status" -eq 1 ]
}

@test "usage errors: REDIS UNKNOWN - ... on stdout, exit 3" {
	local args
	for args in "check --bogus" "check -p 0" "check --warning latency=fast" \
	    "check --critical nonsense=1" "simulate no-such-scenario" \
	    "check --env-file /nonexistent/.env"; do
		# shellcheck disable=SC2086
		rd $args --format nagios
		[ "$status" -eq 3 ] || { echo "$args: exit $status" >&2; return 1; }
		[[ ${lines[0]} == "REDIS UNKNOWN - "* ]] || { echo "$args: '${lines[0]}'" >&2; return 1; }
		[ -n "$stderr" ]
	done
	rd check -u 'http://127.0.0.1:6379' --format nagios
	[ "$status" -eq 3 ]
	[[ ${lines[0]} == "REDIS UNKNOWN - "* ]]
	rd check -h 127.0.0.1 -p "$FX_PORT_closed" --format nagios
	[ "$status" -eq 2 ]
	[[ ${lines[0]} == "REDIS CRITICAL - "* ]]
}

@test "--warning/--critical latency drive the state and the perfdata fields" {
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format nagios
	[ "$status" -eq 0 ]
	parse
	[ "$WORD" = OK ] && [ "$TSTATE" -eq 0 ]
	grep -q '^latency_p99 [0-9.e-]* s 0.1 -$' <<<"$PERFOUT"

	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format nagios \
	    --warning latency=0.000001 --critical latency=1h
	[ "$status" -eq 1 ]
	parse
	[ "$WORD" = WARNING ] && [ "$TSTATE" -eq 1 ]
	grep -q '^latency_p99 [0-9.e-]* s 1e-06 3600$' <<<"$PERFOUT"

	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format nagios \
	    --critical latency=0.000001
	[ "$status" -eq 2 ]
	parse
	[ "$WORD" = CRITICAL ] && [ "$TSTATE" -eq 2 ]
}

@test "--warning/--critical memory, clients, cert_days: state equals what the thresholds say" {
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format nagios --warning memory=0
	[ "$status" -eq 1 ]
	parse
	[ "$TSTATE" -eq 1 ]
	grep -q '^memory_used [0-9.]* % 0 -$' <<<"$PERFOUT"
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format nagios --critical memory=0%
	[ "$status" -eq 2 ]
	parse
	[ "$TSTATE" -eq 2 ]
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format nagios --warning clients=0
	[ "$status" -eq 1 ]
	parse
	[ "$TSTATE" -eq 1 ]
	grep -q '^clients_used [0-9.]* % 0 -$' <<<"$PERFOUT"

	# The fixture's certificate has about 30 days left; "N:" alerts below N.
	rd check -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA" --format nagios
	[ "$status" -eq 0 ]
	parse
	[ "$TSTATE" -eq 0 ]
	grep -q '^cert_days [0-9]* ' <<<"$PERFOUT"
	rd check -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA" --format nagios \
	    --warning cert_days=60
	[ "$status" -eq 1 ]
	parse
	[ "$TSTATE" -eq 1 ]
	[[ ${lines[0]} == *"cert_days="*";60:;"* ]]
	rd check -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA" --format nagios \
	    --warning cert_days=90 --critical cert_days=60
	[ "$status" -eq 2 ]
	parse
	[ "$TSTATE" -eq 2 ]
}
