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

# ends_clean SIGNAL STATUS ARGS...: killed, then the status a shell sees
# (timeout(1) passes its child's signal death on as 128+N), within 5 s of
# the signal, and nothing left in the -o directory.
ends_clean() {
	local sig=$1 want=$2 dir=$BATS_TEST_TMPDIR/out
	shift 2
	killed "$sig" -h 127.0.0.1 -p "$FX_PORT_mute" --timeout 40s \
	    --format prometheus -o "$dir/redis.prom" "$@"
	[ "$status" -eq "$want" ] || { echo "$sig: exit $status" >&2; return 1; }
	[ "$secs" -le 5 ]
	[ -z "$(ls -A "$dir")" ]
}

@test "SIGTERM mid-probe: exit 143 at once, no output file, no temp file" {
	ends_clean TERM 143
}

@test "SIGINT mid-probe: exit 130, nothing left; --all-candidates as prompt" {
	ends_clean INT 130
	# Worker threads in their own waits end as promptly.
	ends_clean TERM 143 --all-candidates
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
