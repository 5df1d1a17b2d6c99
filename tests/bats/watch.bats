#!/usr/bin/env bats
# watch.bats — `redisdiag watch` against a real redis-server on loopback and
# a closed port: one JSON line per probe, the debounced state (up, down
# after --fail-after, recovered), the summary line, the exit status of the
# last probe, and SIGTERM in the middle of a run.  Every wait is bounded;
# background runs have a timeout guard and close bats' fd 3.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'

# rd (tests/lib/cli.bash): the binary with an empty environment, bounded.
RD_TIMEOUT=30

# CLOSED: connect is refused; ROOT: no container evidence.
setup_file() {
	cli_setup_file
	fx_redis plain >/dev/null
}

teardown_file() {
	fx_teardown
}

# Every line of $output parses as JSON.
all_lines_parse() {
	local l
	while IFS= read -r l; do
		jq -e . >/dev/null <<<"$l" || { echo "not JSON: $l"; return 1; }
	done <<<"$output"
}

# bg OUT ARGS...: watch in the background, stdout to OUT; sets BG_PID.
# timeout --foreground: a signal sent to timeout reaches watch once (else
# timeout forwards it to watch and again to its process group, and the
# second TERM can land after watch restored the default action: 143).
bg() {
	local out=$1
	shift
	timeout --foreground 60 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" "$RD" watch "$@" \
	    >"$out" 2>"$out.err" </dev/null 3>&- &
	BG_PID=$!
}

# bg_stop SIGNAL: signals the background watch and waits for it; its exit
# status in BG_RC.
bg_stop() {
	kill "-$1" "$BG_PID"
	BG_RC=0
	wait "$BG_PID" || BG_RC=$?
}

# wait_lines FILE N: until FILE has N lines (at most 15 s).
wait_lines() {
	local i
	for ((i = 0; i < 150; i++)); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "timed out waiting for $2 lines in $1"
	return 1
}

@test "watch --count 3 against a healthy server: 3 probe lines (up) + summary, exit 0" {
	rd watch -h 127.0.0.1 -p "$FX_PORT_plain" --interval 100ms --count 3
	[ "$status" -eq 0 ]
	all_lines_parse
	[ "$(wc -l <<<"$output")" -eq 4 ]
	probes=$(grep '"type":"probe"' <<<"$output")
	[ "$(wc -l <<<"$probes")" -eq 3 ]
	[ "$(jq -r .state <<<"$probes" | sort -u)" = up ]
	[ "$(jq -r .exit_code <<<"$probes" | sort -u)" = 0 ]
	[ "$(jq -r .seq <<<"$probes" | tr '\n' ,)" = "1,2,3," ]
	[ "$(jq -r .consecutive_failures <<<"$probes" | sort -u)" = 0 ]
	[ "$(jq -r .target <<<"$probes" | sort -u)" = "127.0.0.1:$FX_PORT_plain" ]
	jq -e '.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")' <<<"$(head -n1 <<<"$probes")"
	jq -e '.total_ms > 0 and .latency.p50_us >= 0 and .latency.p99_us >= .latency.p50_us' \
	    <<<"$(head -n1 <<<"$probes")"
	jq -e '.verdict == "ok" or .verdict == "warn"' <<<"$(head -n1 <<<"$probes")"
	jq -e '.findings | type == "array"' <<<"$(head -n1 <<<"$probes")"
	summary=$(tail -n1 <<<"$output")
	jq -e '.type == "summary" and .probes == 3 and .failures == 0 and .availability == 1' <<<"$summary"
	jq -e '.state == "up" and .exit_code == 0' <<<"$summary"
	jq -e '.min_us <= .p50_us and .p50_us <= .p99_us and .p99_us <= .max_us' <<<"$summary"
}

@test "watch a closed port with --fail-after 2: down from the 1st probe (it never answered), exit 2" {
	rd watch -h 127.0.0.1 -p "$CLOSED" --interval 100ms --count 3 --fail-after 2
	[ "$status" -eq 2 ]
	all_lines_parse
	probes=$(grep '"type":"probe"' <<<"$output")
	[ "$(jq -r .state <<<"$probes" | tr '\n' ,)" = "down,down,down," ]
	[ "$(jq -r .consecutive_failures <<<"$probes" | tr '\n' ,)" = "1,2,3," ]
	[ "$(jq -r .exit_code <<<"$probes" | sort -u)" = 2 ]
	jq -e '.findings | index("tcp.refused") != null' <<<"$(head -n1 <<<"$probes")"
	jq -e '.verdict == "unreachable" and .latency == null' <<<"$(head -n1 <<<"$probes")"
	summary=$(tail -n1 <<<"$output")
	jq -e '.type == "summary" and .probes == 3 and .failures == 3 and .availability == 0' <<<"$summary"
	jq -e '.state == "down" and .exit_code == 2 and .p50_us == null and .min_us == null' <<<"$summary"
}

@test "watch --fail-after 1: down on the first failure" {
	rd watch -h 127.0.0.1 -p "$CLOSED" --interval 100ms --count 1 --fail-after 1
	[ "$status" -eq 2 ]
	[ "$(head -n1 <<<"$output" | jq -r .state)" = down ]
}

@test "watch SIGTERM mid-run: summary line, exit status of the last probe" {
	out="$BATS_TEST_TMPDIR/term.out"
	bg "$out" -h 127.0.0.1 -p "$FX_PORT_plain" --interval 200ms
	wait_lines "$out" 2
	bg_stop TERM
	[ "$BG_RC" -eq 0 ]
	output=$(cat "$out")
	all_lines_parse
	summary=$(tail -n1 "$out")
	jq -e '.type == "summary" and .probes >= 2 and .failures == 0 and .exit_code == 0' <<<"$summary"
	[ "$(grep -c '"type":"probe"' "$out")" -eq "$(jq -r .probes <<<"$summary")" ]

	# Against a closed port the last probe failed: exit 2.  A new file:
	# the old one's lines could be seen before the shell truncates it.
	out2="$BATS_TEST_TMPDIR/int.out"
	bg "$out2" -h 127.0.0.1 -p "$CLOSED" --interval 200ms
	wait_lines "$out2" 1
	bg_stop INT
	[ "$BG_RC" -eq 2 ]
	jq -e '.type == "summary" and .exit_code == 2' <<<"$(tail -n1 "$out2")"
}

@test "watch SIGTERM during a long interval ends at once, not at the next probe" {
	out="$BATS_TEST_TMPDIR/long.out"
	bg "$out" -h 127.0.0.1 -p "$FX_PORT_plain" --interval 1h
	wait_lines "$out" 1
	bg_stop TERM
	# 124 would be the timeout guard: the interval was not interrupted.
	[ "$BG_RC" -eq 0 ]
	jq -e '.type == "summary" and .probes == 1' <<<"$(tail -n1 "$out")"
}

@test "watch recovered: down while the server is stopped, recovered once it starts" {
	port=$(fx_port)
	out="$BATS_TEST_TMPDIR/rec.out"
	bg "$out" -h 127.0.0.1 -p "$port" --interval 200ms --fail-after 2 --count 200
	wait_lines "$out" 2
	[ "$(sed -n 2p "$out" | jq -r .state)" = down ]
	# The fixture's starter on the port we reserved (it waits until ready).
	_fx_start late 0 "$port" >/dev/null
	# Bounded: 30 s here, 60 s by the guard.
	for ((i = 0; i < 300; i++)); do
		grep -q '"state":"recovered"' "$out" && break
		sleep 0.1
	done
	grep -q '"state":"recovered"' "$out"
	bg_stop TERM
	[ "$BG_RC" -eq 0 ]
	output=$(cat "$out")
	all_lines_parse
	states=$(grep '"type":"probe"' "$out" | jq -r .state | tr '\n' ' ')
	# down from the 1st failure (it never answered), recovered, then up.
	[[ $states == "down "* ]]
	[[ $states == *"down recovered"* ]]
	after=$(grep '"type":"probe"' "$out" | jq -r .state | sed -n '/recovered/,$p' | sed 1d | sort -u)
	[ -z "$after" ] || [ "$after" = up ]
	jq -e '.type == "summary" and .failures >= 2 and .availability > 0 and .availability < 1' \
	    <<<"$(tail -n1 "$out")"
}

@test "watch --quiet prints nothing; exit status of the last probe" {
	rd watch --quiet -h 127.0.0.1 -p "$CLOSED" --interval 100ms --count 2
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "watch with an invalid configuration: one line, summary, exit 3" {
	rd watch -u 'redis://[::1' --interval 100ms --count 2
	[ "$status" -eq 3 ]
	all_lines_parse
	jq -e '.type == "probe" and .verdict == "no_attempt" and .exit_code == 3' <<<"$(head -n1 <<<"$output")"
	jq -e '.type == "summary" and .exit_code == 3' <<<"$(tail -n1 <<<"$output")"
}
