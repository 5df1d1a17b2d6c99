#!/usr/bin/env bats
# sigpipe.bats — issue 6: SIGPIPE never kills the process, and a report
# that could not be written is never a silent success.
#
# A reader that goes away (EPIPE), a full device (ENOSPC) or a closed
# stdout (EBADF) ends the run promptly; the status is never 141 (death
# by SIGPIPE) nor any other signal.  A run whose diagnosis was ok (0)
# exits 3 instead, as curl (23) and coreutils (1) fail on a write error;
# a failed diagnosis keeps its own status (1 or 2).  EPIPE is the
# reader's choice and is not reported on stderr; other write errors are,
# in one line.
#
# `cmd | head -c 1` races the reader against the writer (a small report
# may be written whole before head exits), so those runs assert only that
# no signal killed the program.  The exact status is asserted with a
# pipe whose read end is closed before the program starts (closed_pipe:
# perl makes the pipe, closes the reader, then execs the program), where
# every write fails with EPIPE.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'

setup_file() {
	fx_init
	fx_redis up >/dev/null
}

teardown_file() {
	fx_teardown
}

# closed_pipe ARGS...: runs "$RD" ARGS with stdout a pipe nobody reads;
# bounded at 10 s.
closed_pipe() {
	run --separate-stderr timeout 10 perl -e '
		pipe(my $r, my $w) or die "pipe: $!";
		close($r);
		open(STDOUT, ">&", $w) or die "dup: $!";
		close($w);
		exec(@ARGV) or die "exec: $!";
	' -- "$RD" "$@"
}

# to WHERE ARGS...: runs "$RD" ARGS with stdout closed (WHERE "closed")
# or on /dev/full ("full"); bounded at 10 s.  (A redirection written on
# bats' run would apply to run itself, which captures the output anyway.)
to() {
	local where=$1
	shift
	run --separate-stderr bash -c '
		w=$1; shift
		case $w in
		closed) exec "$@" >&- ;;
		full) exec "$@" >/dev/full ;;
		esac' _ "$where" timeout 10 "$RD" "$@"
}

# not_killed STATUS: neither a signal nor the timeout.
not_killed() {
	if (($1 >= 124)); then
		echo "status $1: killed by a signal or hung" >&2
		return 1
	fi
}

@test "check ok, stdout a pipe with no reader: exit 3 (not 0, not 141), nothing on stderr for EPIPE" {
	local f
	for f in json text ndjson nagios prometheus junit; do
		closed_pipe check -h 127.0.0.1 -p "$FX_PORT_up" --format "$f" --timeout 5s
		not_killed "$status"
		[ "$status" -eq 3 ] || { echo "$f: status $status" >&2; false; }
		[ -z "$stderr" ] || { echo "$f: stderr: $stderr" >&2; false; }
	done
}

@test "check that fails, stdout a pipe with no reader: the diagnosis' status stays (2)" {
	local port
	port=$(fx_port)
	closed_pipe check -h 127.0.0.1 -p "$port" --format text --timeout 2s
	not_killed "$status"
	[ "$status" -eq 2 ]
}

@test "check --verbose: the trace still reaches stderr when stdout is gone" {
	closed_pipe check -h 127.0.0.1 -p "$FX_PORT_up" --format json --verbose --timeout 5s
	not_killed "$status"
	[ "$status" -eq 3 ]
	[[ $stderr == *"* > PING"* ]]
	[[ $stderr == *"* < +PONG"* ]]
}

@test "check | head -c 1 (text, json, large candidate list): never a signal" {
	local f i vars=()
	# Many further candidates make the text report long.
	for i in $(seq 1 12); do
		vars+=("REDIS_URL_$i=redis://127.0.0.1:$FX_PORT_up/$i")
	done
	for f in text json; do
		run bash -c '"$@" | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"' _ \
		    timeout 10 env "${vars[@]}" KV_URL="redis://127.0.0.1:$FX_PORT_up" \
		    "$RD" check -h 127.0.0.1 -p "$FX_PORT_up" --format "$f" --timeout 5s
		not_killed "$output"
		[ "$output" -le 3 ]
	done
}

@test "explain - < a big log | head -c 1: never a signal, ends promptly" {
	local log=$BATS_TEST_TMPDIR/big.log i
	{
		for ((i = 0; i < 2000; i++)); do
			echo "2024-05-01T10:00:00Z app[$i]: Error: connect ECONNREFUSED 127.0.0.1:6379"
			echo "2024-05-01T10:00:01Z app[$i]: ReplyError: NOAUTH Authentication required."
			echo "2024-05-01T10:00:02Z app[$i]: nothing to see here"
		done
	} >"$log"
	for f in text json ndjson junit; do
		run bash -c 'timeout 10 "$1" explain --format "$2" - <"$3" | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"' \
		    _ "$RD" "$f" "$log"
		not_killed "$output"
		# The log names failures: 1 or 2, or 3 if stdout failed first.
		[ "$output" -ge 1 ] && [ "$output" -le 3 ]
	done
	# With the reader gone before the first byte: the status stays the
	# diagnosis' (ECONNREFUSED: 2).
	closed_pipe explain --format text - <"$log"
	not_killed "$status"
	[ "$status" -eq 2 ]
}

@test "simulate healthy --format text | head -c 1: never a signal; closed pipe: exit 3" {
	run bash -c 'timeout 10 "$1" simulate healthy --format text | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$RD"
	not_killed "$output"
	[ "$output" -eq 0 ] || [ "$output" -eq 3 ]
	closed_pipe simulate healthy --format text
	not_killed "$status"
	[ "$status" -eq 3 ]
	closed_pipe simulate --list
	not_killed "$status"
	[ "$status" -eq 3 ]
}

@test "watch with a closed stdout (>&-) ends by itself, promptly, exit 3" {
	# No --count: only the write error can end it.
	to closed watch -h 127.0.0.1 -p "$FX_PORT_up" --interval 100ms --timeout 2s
	not_killed "$status"
	[ "$status" -eq 3 ]
	[[ $stderr == *"cannot write to standard output"* ]]
	[ "$(grep -c . <<<"$stderr")" -eq 1 ]
}

@test "watch into a pipe with no reader ends by itself, exit 3; a failing target keeps 2" {
	local port
	closed_pipe watch -h 127.0.0.1 -p "$FX_PORT_up" --interval 100ms --timeout 2s
	not_killed "$status"
	[ "$status" -eq 3 ]
	port=$(fx_port)
	closed_pipe watch -h 127.0.0.1 -p "$port" --interval 100ms --timeout 2s
	not_killed "$status"
	[ "$status" -eq 2 ]
}

@test "env, schema, --help, --version into a pipe with no reader: exit 3, never a signal" {
	closed_pipe env -h 127.0.0.1 --format json
	not_killed "$status"
	[ "$status" -eq 3 ]
	closed_pipe schema
	not_killed "$status"
	[ "$status" -eq 3 ]
	closed_pipe --help
	not_killed "$status"
	[ "$status" -eq 3 ]
	closed_pipe --version
	not_killed "$status"
	[ "$status" -eq 3 ]
}

@test "a full device (ENOSPC) and a closed stdout: exit 3 and one line on stderr" {
	if [ ! -w /dev/full ]; then
		skip "/dev/full is not available"
	fi
	to full check -h 127.0.0.1 -p "$FX_PORT_up" --format json
	not_killed "$status"
	[ "$status" -eq 3 ]
	[[ $stderr == "redisdiag: cannot write to standard output"* ]]
	to closed schema
	[ "$status" -eq 3 ]
	[[ $stderr == "redisdiag: cannot write to standard output"* ]]
	to full simulate healthy --format text
	[ "$status" -eq 3 ]
}
