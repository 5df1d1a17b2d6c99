#!/usr/bin/env bats
# reliability.bats — issue 14's defects, one test each, against real
# listeners on loopback: signals end long-running commands at once, files
# and the environment are read under the deadline, the candidate list is
# not cut silently, hostile replies are named, every output is valid
# UTF-8.  Every wait is bounded; background runs have a timeout guard and
# close bats' fd 3.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	fx_silent silent >/dev/null
	CLOSED=$(fx_port)
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	export CLOSED ROOT
}

teardown_file() {
	fx_teardown
}

rd() {
	run --separate-stderr timeout 60 env -i PATH="$PATH" \
	    REDISDIAG_SYSROOT="$ROOT" "$RD" "$@"
}

# bg OUT ARGS...: the binary in the background (guard 60 s); sets BG_PID.
bg() {
	local out=$1
	shift
	timeout 60 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" "$RD" "$@" \
	    >"$out" 2>"$out.err" </dev/null 3>&- &
	BG_PID=$!
}

# ended_within PID SECONDS: the process is gone within SECONDS (bounded).
ended_within() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "process $1 still running after $2 s"
	return 1
}

# --- signals ---------------------------------------------------------------

@test "watch against a silent server, --timeout 24h: TERM and INT each end it at once with the summary" {
	for sig in TERM INT; do
		out="$BATS_TEST_TMPDIR/silent.$sig"
		bg "$out" watch -h 127.0.0.1 -p "$FX_PORT_silent" --timeout 24h --interval 1h
		sleep 1		# inside the probe: connected, waiting for a reply
		kill -"$sig" "$BG_PID"
		ended_within "$BG_PID" 3
		rc=0
		wait "$BG_PID" || rc=$?
		[ "$rc" -ne 124 ]
		jq -e '.type == "summary"' <<<"$(tail -n1 "$out")"
	done
}

@test "check against a silent server, --timeout 24h: TERM ends it at once" {
	out="$BATS_TEST_TMPDIR/check.silent"
	bg "$out" check -h 127.0.0.1 -p "$FX_PORT_silent" --timeout 24h
	sleep 1
	kill -TERM "$BG_PID"
	ended_within "$BG_PID" 3
}

@test "simulate --serve: TERM and INT end it at once" {
	for sig in TERM INT; do
		out="$BATS_TEST_TMPDIR/serve.$sig"
		port=$(fx_port)
		bg "$out" simulate healthy --serve --listen-port "$port"
		sleep 1
		kill -"$sig" "$BG_PID"
		ended_within "$BG_PID" 3
	done
}

# --- options ---------------------------------------------------------------

@test "-46, -64 and -4 -6 are refused (exit 3): the two families exclude each other" {
	for a in "-46" "-64" "-4 -6" "-6 -4"; do
		# shellcheck disable=SC2086
		rd check $a -h 127.0.0.1 -p "$FX_PORT_plain"
		[ "$status" -eq 3 ]
		[[ $stderr == *"-4 and -6 exclude each other"* ]]
	done
}
