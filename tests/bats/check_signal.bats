#!/usr/bin/env bats
# check_signal.bats — SIGTERM and SIGINT in the middle of a check's probe
# (issue 13): the run stops at once and ends as a signalled program (exit
# status 143 / 130), and -o FILE leaves neither FILE nor its temp file
# behind.  The probe waits on a server that accepts and never answers, under
# a --timeout far longer than the test's bound.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'

setup_file() {
	fx_init
	fx_silent mute >/dev/null
}

teardown_file() {
	fx_teardown
}

# killed SIGNAL ARGS...: starts `redisdiag check ARGS` with SIGNAL at its
# default disposition (a background job of a script ignores SIGINT), waits
# until the probe has begun (the -o temp file exists), sends SIGNAL, and
# sets status and secs (how long it took to end after the signal).
killed() {
	local sig=$1 dir=$BATS_TEST_TMPDIR/out pid i t0
	shift
	mkdir -p "$dir"
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' timeout 60 env -i PATH="$PATH" \
	    "$RD" check "$@" >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		compgen -G "$dir/.*.prom.*" >/dev/null && break
		sleep 0.05
	done
	sleep 0.2			# in the probe's wait
	t0=$(date +%s%N)
	kill -"$sig" "$pid"
	status=0
	wait "$pid" || status=$?
	secs=$(( ($(date +%s%N) - t0) / 1000000000 ))
}

@test "SIGTERM mid-probe: exit 143 at once, no output file, no temp file" {
	local dir=$BATS_TEST_TMPDIR/out
	killed TERM -h 127.0.0.1 -p "$FX_PORT_mute" --timeout 40s \
	    --format prometheus -o "$dir/redis.prom"
	# timeout(1) passes the child's signal death on as 128+N.
	[ "$status" -eq 143 ]
	[ "$secs" -le 5 ]
	[ -z "$(ls -A "$dir")" ]
}

@test "SIGINT mid-probe: exit 130, nothing left; --all-candidates as prompt" {
	local dir=$BATS_TEST_TMPDIR/out
	killed INT -h 127.0.0.1 -p "$FX_PORT_mute" --timeout 40s \
	    --format prometheus -o "$dir/redis.prom"
	[ "$status" -eq 130 ]
	[ "$secs" -le 5 ]
	[ -z "$(ls -A "$dir")" ]
	# --all-candidates (worker threads in their own waits) ends as promptly.
	killed TERM -h 127.0.0.1 -p "$FX_PORT_mute" --timeout 40s --all-candidates \
	    --format prometheus -o "$dir/redis.prom"
	[ "$status" -eq 143 ]
	[ "$secs" -le 5 ]
	[ -z "$(ls -A "$dir")" ]
}

@test "a check that finishes replaces FILE whole: the signal guard is gone after it" {
	local dir=$BATS_TEST_TMPDIR/out
	mkdir -p "$dir"
	run timeout 30 env -i PATH="$PATH" "$RD" check -h 127.0.0.1 \
	    -p "$FX_PORT_mute" --timeout 1s --format prometheus -o "$dir/redis.prom"
	[ "$status" -eq 2 ]
	[ "$(ls -A "$dir")" = redis.prom ]
	grep -q '^redisdiag_up{target="127.0.0.1:'"$FX_PORT_mute"'"} 0$' "$dir/redis.prom"
}
