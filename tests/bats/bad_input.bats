#!/usr/bin/env bats
# bad_input.bats — issue 6's bad input: every flag that takes a value, with
# an empty value, the largest value a command line can carry, a value that
# is not UTF-8, and (numbers and durations) values out of range; --timeout
# of -1, 0, 1e999, abc, 1.5.5s, 99999h.  Each is a usage error: exactly one
# line on stderr, nothing on stdout, exit 3, no crash (status >= 128), no
# hang (timeout 10).  A value of -a or -u is never echoed.
#
# The flags are read from the program itself (`redisdiag SUBCMD --help`),
# so a flag added later is covered without editing this file.
#
# About "1 MiB": Linux refuses an argv string longer than MAX_ARG_STRLEN
# (128 KiB) at execve() (E2BIG), so a 1 MiB value cannot reach the program
# on its command line at all; the largest one that can (128 KiB - 1) is
# used, and 1 MiB and 10 MiB inputs go through --env-file and stdin below.
#
# Then --env-file edge cases through the command line: a directory,
# /dev/zero, a FIFO, a 10 MiB file, NUL bytes, non-UTF-8 content: bounded
# in time and memory (peak RSS from /usr/bin/time when present).

# run-cost: 10 (seconds alone, idle: tests/run starts the slowest first)

bats_require_minimum_version 1.5.0

load '../lib/cli'	# capture

RD=${REDISDIAG:-$BATS_TEST_DIRNAME/../../redisdiag}
[[ $RD == /* ]] || RD="$PWD/$RD"

CANARY='BadInput-Canary-7c1e'
# With the canary and "--pass=" in front, still under 128 KiB.
BIG=$(head -c 131000 /dev/zero | tr '\0' 9)
SUBCMDS="check env simulate watch explain schema"

# flags SUBCMD: prints "FLAG METAVAR" for every value-taking option in
# SUBCMD --help (lines "  -p PORT   help..." / "  --timeout DUR  help...").
flags() {
	"$RD" "$1" --help | awk '
		/^  -/ && $2 ~ /^[A-Z][A-Z_]*$/ { print $1, $2 }'
}

# operand SUBCMD: what the subcommand needs besides the option to reach
# option checking (simulate needs a scenario).
operand() {
	case $1 in
	simulate) echo healthy ;;
	esac
}

FAILS=()

# usage_error DESC ARGS...: records a failure unless the run is a usage
# error: exit 3, stdout empty, one non-empty "redisdiag: " line on stderr,
# no signal, within 10 s.  The canary must not be echoed.
usage_error() {
	local desc=$1
	shift
	capture timeout 10 "$RD" "$@"
	if ((status >= 124)); then
		FAILS+=("$desc: status $status (crash, signal or hang)")
	elif ((status != 3)); then
		FAILS+=("$desc: status $status, expected 3; stderr: ${stderr:0:200}")
	elif [[ -n $output ]]; then
		FAILS+=("$desc: stdout not empty: ${output:0:200}")
	elif [[ -z $stderr || $stderr == *$'\n'* || $stderr != "redisdiag: "* ]]; then
		FAILS+=("$desc: stderr is not one 'redisdiag: ' line: ${stderr:0:300}")
	elif [[ $stderr == *"$CANARY"* ]]; then
		FAILS+=("$desc: the value was echoed: ${stderr:0:200}")
	elif ((${#stderr} > 400)); then
		FAILS+=("$desc: stderr is ${#stderr} bytes, not bounded")
	fi
	return 0
}

report() {
	if ((${#FAILS[@]})); then
		printf '%s\n' "${FAILS[@]}" | head -n 40 >&2
		echo "${#FAILS[@]} failures" >&2
		return 1
	fi
}

@test "--help of every subcommand lists value-taking flags to test (the list is not empty)" {
	local n=0 c
	for c in check env watch simulate explain; do
		run flags "$c"
		[ "$status" -eq 0 ]
		[ -n "$output" ] || { echo "no value-taking flag in $c --help" >&2; false; }
		n=$((n + $(wc -l <<<"$output")))
	done
	# check alone has -u -h -p -a --user -n --sni --cacert --cacertdir
	# --cert --key --timeout --env-file --format and more.
	[ "$n" -ge 30 ]
	run flags check
	for f in -u -h -p -a --user -n --timeout --env-file --format; do
		grep -q -- "^$f " <<<"$output" || { echo "missing $f" >&2; false; }
	done
}

@test "every value-taking flag of every subcommand: empty, 128 KiB, non-UTF-8" {
	local c flag meta op v
	for c in $SUBCMDS; do
		op=$(operand "$c")
		while read -r flag meta; do
			[[ -n $flag ]] || continue
			# Other values may be quoted back (bounded, escaped);
			# a password or URL never.
			v=x
			[[ $meta == PASSWORD || $meta == URL ]] && v=$CANARY
			usage_error "$c $flag ''" "$c" $op "$flag" ''
			usage_error "$c $flag 128KiB" "$c" $op "$flag" "$v$BIG"
			usage_error "$c $flag non-UTF-8" "$c" $op "$flag" "$v"$'\xff\xfe'
			# The same glued to a long option: --flag=VALUE.
			if [[ $flag == --* ]]; then
				usage_error "$c $flag= non-UTF-8" "$c" $op "$flag=$v"$'\xff\xfe'
			fi
		done < <(flags "$c")
	done
	report
}

@test "numeric flags: out of range, negative, overflowing, not a number" {
	local c flag meta op v
	for c in $SUBCMDS; do
		op=$(operand "$c")
		while read -r flag meta; do
			case $meta in
			PORT|DB|N|BYTES) ;;
			*) continue ;;
			esac
			for v in -1 99999999999999999999 1e3 0x10 abc ' 1' '1 ' 12abc 1.5 +-1; do
				usage_error "$c $flag '$v'" "$c" $op "$flag" "$v"
			done
		done < <(flags "$c")
	done
	# Bounds that are not the type's: ports and counts.
	usage_error "-p 0" check -p 0
	usage_error "-p 65536" check -p 65536
	usage_error "-n 1000001" check -n 1000001
	usage_error "--latency-samples 1001" check --latency-samples 1001
	usage_error "--fail-after 0" watch --fail-after 0
	usage_error "--count 0" watch --count 0
	usage_error "--listen-port 65536" simulate healthy --serve --listen-port 65536
	report
}

@test "duration flags: negative, huge, not a duration, malformed" {
	local c flag meta op v
	for c in $SUBCMDS; do
		op=$(operand "$c")
		while read -r flag meta; do
			[[ $meta == DUR ]] || continue
			for v in -1 -5ms 1e999 99999h 25h 2562048h abc 1.5.5s 5parsecs \
			    1. .s ms 1s2 9223372036854775807s 0x10s ' 1s'; do
				usage_error "$c $flag '$v'" "$c" $op "$flag" "$v"
			done
		done < <(flags "$c")
	done
	report
}

@test "--timeout -1, 0, 1e999, abc, 1.5.5s, 99999h: one line, exit 3" {
	local c v op
	for c in check env watch simulate; do
		op=$(operand "$c")
		for v in -1 0 0s 0ms 1e999 abc 1.5.5s 99999h ''; do
			usage_error "$c --timeout '$v'" "$c" $op --timeout "$v"
		done
	done
	report
}

# no_echo DESC ARGS...: any status 0..3 within 10 s (a password may
# hold control characters; a URL with them is a configuration error with
# a report), and the canary nowhere in stdout or stderr.
no_echo() {
	local desc=$1
	shift
	capture timeout 10 "$RD" "$@"
	if ((status > 3)); then
		FAILS+=("$desc: status $status")
	elif [[ $output$stderr == *"$CANARY"* ]]; then
		FAILS+=("$desc: the value was echoed")
	fi
	return 0
}

@test "-a and -u values are never echoed, whatever is wrong with them" {
	local c v more
	for c in check env watch; do
		more=()
		[[ $c == watch ]] && more=(--count 1)
		for v in "$CANARY"$'\xff' "$CANARY$BIG"; do
			usage_error "$c -a" "$c" -a "$v"
			usage_error "$c --pass=" "$c" "--pass=$v"
			usage_error "$c -u" "$c" -u "redis://:$v@127.0.0.1:6379"
			usage_error "$c --url=" "$c" "--url=redis://u:$v@127.0.0.1"
		done
		v="$CANARY"$'\x01\x1b[31m'
		no_echo "$c -a control" "$c" -a "$v" -p 1 --timeout 1s "${more[@]}"
		no_echo "$c -u control" "$c" -u "redis://:$v@127.0.0.1:1" --timeout 1s "${more[@]}"
		# A good secret next to a bad option or operand.
		usage_error "$c -a + bad -p" "$c" -a "$CANARY" -p 0
		usage_error "$c -u + bad --timeout" "$c" -u "redis://:$CANARY@h" --timeout abc
		usage_error "$c -a + operand" "$c" -a "$CANARY" extra
		usage_error "$c --pass glued to a typo" "$c" "--passs$CANARY"
		usage_error "$c --pass with a space" "$c" "--pass $CANARY"
		usage_error "$c --password=" "$c" "--password=$CANARY"
	done
	# Options a subcommand does not take.
	usage_error "explain -a" explain -a "$CANARY" "NOAUTH"
	usage_error "simulate -u" simulate healthy -u "redis://:$CANARY@h"
	usage_error "schema -a" schema -a "$CANARY"
	report
}

# --- --env-file edge cases --------------------------------------------------

# envfile_run DESC WANT SUBCMD ARGS...: bounded in time (10 s) and memory
# (peak RSS under 64 MiB when /usr/bin/time can say); the status must be
# WANT ("any" for 0..3), never a signal.  WANT 3 is a usage error (one
# line on stderr); "3r" a configuration the file made invalid (exit 3,
# the report says why).
envfile_run() {
	local desc=$1 want=$2 rss
	shift 2
	local tf=$BATS_TEST_TMPDIR/time.out
	if [[ -x /usr/bin/time ]]; then
		run --separate-stderr /usr/bin/time -o "$tf" -f '%M' \
		    timeout 10 "$RD" "$@"
	else
		run --separate-stderr timeout 10 "$RD" "$@"
	fi
	if ((status >= 124)); then
		FAILS+=("$desc: status $status (crash, signal or hang)")
		return 0
	fi
	if [[ $want == 3r ]]; then
		((status == 3)) || FAILS+=("$desc: status $status, expected 3")
	elif [[ $want == any ]]; then
		((status <= 3)) || FAILS+=("$desc: status $status")
	elif ((status != want)); then
		FAILS+=("$desc: status $status, expected $want; stderr: ${stderr:0:200}")
	fi
	if [[ $want == 3 ]] && [[ -z $stderr || $stderr == *$'\n'* ]]; then
		FAILS+=("$desc: not one line on stderr: ${stderr:0:300}")
	fi
	if [[ -s $tf ]]; then
		rss=$(tail -n 1 "$tf")
		# ASan's shadow memory is not the program's; its build is
		# checked for time and status only.
		if [[ $rss =~ ^[0-9]+$ && $RD != *asan* ]] && ((rss > 65536)); then
			FAILS+=("$desc: peak RSS $rss KiB")
		fi
	fi
	return 0
}

@test "--env-file: a directory, /dev/zero, a FIFO, /dev/stdin, 10 MiB: exit 3, bounded" {
	local d=$BATS_TEST_TMPDIR c
	mkfifo "$d/fifo"
	head -c 10485760 /dev/zero | tr '\0' a >"$d/big10"
	{ printf 'REDIS_PASSWORD='; head -c 10485760 /dev/zero | tr '\0' p; printf '\n'; } >"$d/big10pw"
	for c in env check "watch --count 1"; do
		# shellcheck disable=SC2086
		{
			envfile_run "$c dir" 3 $c --env-file "$d" --timeout 1s
			envfile_run "$c /dev/zero" 3 $c --env-file /dev/zero --timeout 1s
			envfile_run "$c fifo" 3 $c --env-file "$d/fifo" --timeout 1s
			envfile_run "$c /dev/stdin" 3 $c --env-file /dev/stdin --timeout 1s </dev/zero
			envfile_run "$c 10 MiB" 3 $c --env-file "$d/big10" --timeout 1s
			envfile_run "$c 10 MiB password" 3 $c --env-file "$d/big10pw" --timeout 1s
			envfile_run "$c missing" 3 $c --env-file "$d/missing" --timeout 1s
		}
	done
	# The password in the 10 MiB file is never printed in part.
	report
}

@test "--env-file: NUL bytes and non-UTF-8 content: a clear status, bounded" {
	local d=$BATS_TEST_TMPDIR c
	printf 'REDIS_HOST=127.0.0.1\nREDIS_PORT=1\0junk\nREDIS_PASSWORD=x\n' >"$d/nul"
	printf '\0\0\0\0' >"$d/allnul"
	printf 'REDIS_HOST=\xff\xfe\x80\n' >"$d/host8"
	printf 'REDIS_HOST=127.0.0.1\nREDIS_PORT=1\nREDIS_PASSWORD=\xff\xfe\xc3\x28\n' >"$d/pw8"
	printf '\xef\xbb\xbfREDIS_HOST=127.0.0.1\nREDIS_PORT=1\n' >"$d/bom"
	printf 'REDIS_\xffHOST=127.0.0.1\n' >"$d/name8"
	for c in env check "watch --count 1"; do
		# shellcheck disable=SC2086
		{
			envfile_run "$c NUL" 3 $c --env-file "$d/nul" --timeout 1s
			envfile_run "$c all NUL" 3 $c --env-file "$d/allnul" --timeout 1s
			envfile_run "$c non-UTF-8 host" 3r $c --env-file "$d/host8" --timeout 1s
			envfile_run "$c non-UTF-8 password" any $c --env-file "$d/pw8" --timeout 1s
			envfile_run "$c BOM" any $c --env-file "$d/bom" --timeout 1s
			envfile_run "$c non-UTF-8 name" any $c --env-file "$d/name8" --timeout 1s
		}
	done
	report
}

@test "explain: 1 MiB and 10 MiB on stdin, one line without a newline: bounded, no crash" {
	local d=$BATS_TEST_TMPDIR
	head -c 1048576 /dev/zero | tr '\0' x >"$d/1m"
	{ head -c 10485760 /dev/zero | tr '\0' y; echo " NOAUTH Authentication required."; } >"$d/10m"
	printf '\xff\xfe\x00\x80NOAUTH\x00' >"$d/bin"
	envfile_run "explain 1 MiB line" any explain - <"$d/1m"
	envfile_run "explain 10 MiB line" any explain - <"$d/10m"
	envfile_run "explain binary" any explain - <"$d/bin"
	envfile_run "explain /dev/zero (bounded read)" any explain - < <(head -c 20000000 /dev/zero)
	report
}
