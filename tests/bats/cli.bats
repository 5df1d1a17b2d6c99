#!/usr/bin/env bats
# cli.bats — the baseline every command line owes its users (pg_isready's
# tests): help and version work; an unknown option, an unknown command, a
# missing or bad value give exactly one line on stderr and exit 3, never a
# crash or a hang; a password given on the command line is never echoed.
# Then the last two of pg_isready's five: fails without a server, passes
# with one.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'

RD=${REDISDIAG:-$BATS_TEST_DIRNAME/../../redisdiag}
[[ $RD == /* ]] || RD="$PWD/$RD"

# The largest single argument Linux lets execve() carry is 128 KiB - 1
# (MAX_ARG_STRLEN); a 1 MiB argv value cannot reach the program at all.
# 1 MiB values are tested through --env-file below.
BIG=$(head -c 131071 /dev/zero | tr '\0' 9)

# usage_error ARGS...: exit 3, nothing on stdout, exactly one non-empty
# line on stderr that starts with "redisdiag: ".  Bounded: a hang fails.
usage_error() {
	run --separate-stderr timeout 10 "$RD" "$@"
	if [ "$status" -ne 3 ]; then
		local a="$*"
		echo "expected exit 3, got $status for: ${a:0:200}" >&2
		echo "stderr: ${stderr:0:300}" >&2
		return 1
	fi
	if [ -n "$output" ]; then
		echo "stdout not empty: ${output:0:300}" >&2
		return 1
	fi
	if [ -z "$stderr" ] || [[ $stderr == *$'\n'* ]]; then
		echo "stderr is not exactly one line: ${stderr:0:300}" >&2
		return 1
	fi
	[[ $stderr == "redisdiag: "* ]]
}

# help_ok ARGS...: exit 0, usage on stdout, nothing on stderr.
help_ok() {
	run --separate-stderr timeout 10 "$RD" "$@"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ $output == *usage:* ]]
}

@test "--help exits 0 and lists every command" {
	help_ok --help
	for c in check env simulate watch explain schema; do
		[[ $output == *"$c"* ]]
	done
}

@test "--version exits 0 and prints 'redisdiag VERSION'" {
	run --separate-stderr timeout 10 "$RD" --version
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ $output =~ ^redisdiag\ [0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "SUBCOMMAND --help exits 0 for every subcommand" {
	for c in check env simulate watch explain schema; do
		help_ok "$c" --help
		[[ $output == *"redisdiag $c"* ]]
	done
}

@test "check --help lists the connection options" {
	help_ok check --help
	for o in -u -h -p -a --user -n --tls --sni --no-sni --cacert --cacertdir \
	    --cert --key --insecure -4 -6 --timeout --env-file --format --strict; do
		[[ $output == *" $o"* ]] || { echo "missing $o" >&2; false; }
	done
}

@test "no command at all is a usage error" {
	usage_error
}

@test "an unknown option exits 3 with one line" {
	usage_error --bogus
	usage_error check --bogus
	usage_error env -Z
}

@test "an unknown command exits 3 with one line" {
	usage_error bogus
	[[ $stderr == *bogus* ]]
}

@test "a missing value exits 3 with one line" {
	usage_error check -p
	usage_error check --timeout
	usage_error check --format
	usage_error env -h
}

@test "an option of another subcommand exits 3" {
	usage_error env --interval 1s
	usage_error check --serve
	usage_error explain -p 6379
}

@test "-p abc, -p 0, -p 70000, -p '', -p ' 6379', -p 6379abc exit 3" {
	usage_error check -p abc
	usage_error check -p 0
	usage_error check -p 70000
	usage_error check -p ''
	usage_error check -p ' 6379'
	usage_error check -p 6379abc
	usage_error check -p -1
	usage_error check -p 99999999999999999999999
}

@test "--timeout -1, 0, 1e999, abc, '' exit 3" {
	usage_error check --timeout -1
	usage_error check --timeout 0
	usage_error check --timeout 1e999
	usage_error check --timeout abc
	usage_error check --timeout ''
	usage_error check --timeout 1.
	usage_error check --timeout 5parsecs
}

@test "--format xml exits 3" {
	usage_error check --format xml
	usage_error env --format ''
}

@test "-h '' exits 3" {
	usage_error check -h ''
	usage_error env -h ''
}

@test "-h with the largest argv value (128 KiB) exits 3, no crash" {
	usage_error check -h "$BIG"
	# The message is bounded, not a copy of the value.
	[ "${#stderr}" -lt 400 ]
}

@test "-h with a non-UTF-8 value exits 3, printed escaped" {
	usage_error check -h $'\xff\xfe\x80'
	[[ $stderr != *$'\xff'* ]]
}

@test "-h with a control character exits 3" {
	usage_error check -h $'host\x1b[31m'
	[[ $stderr != *$'\x1b'* ]]
}

# Every value-taking option, with a subcommand that accepts it: an empty,
# a 128 KiB and (where the value is not a path) a non-UTF-8 value.
VALUE_OPTS=(
	"check -u" "check -h" "check -p" "check -a" "check --user" "check -n"
	"check --sni" "check --cacert" "check --cacertdir" "check --cert"
	"check --key" "check --timeout" "check --env-file" "check --format"
	"check --latency-samples" "check --latency-threshold"
	"watch --interval" "watch --fail-after" "watch --count"
	"simulate --delay" "simulate --jitter" "simulate --close-after"
	"simulate --reset-after" "simulate --redis-version"
)

@test "every value-taking option: an empty value exits 3" {
	local spec
	for spec in "${VALUE_OPTS[@]}"; do
		# shellcheck disable=SC2086
		usage_error $spec '' || { echo "failed: $spec ''" >&2; return 1; }
	done
}

@test "every value-taking option: a 128 KiB value exits 3" {
	local spec
	for spec in "${VALUE_OPTS[@]}"; do
		# shellcheck disable=SC2086
		usage_error $spec "$BIG" || { echo "failed: $spec BIG" >&2; return 1; }
		[ "${#stderr}" -lt 400 ]
	done
}

@test "every non-path option: a non-UTF-8 value exits 3" {
	local spec
	for spec in "${VALUE_OPTS[@]}"; do
		case $spec in
		*--cacert*|*--cert|*--key|*--env-file|*" -a"|*" -u") continue ;;
		esac
		# shellcheck disable=SC2086
		usage_error $spec $'\xff\xfe' || { echo "failed: $spec non-UTF-8" >&2; return 1; }
	done
}

@test "integer options: out of range exits 3" {
	usage_error check -n -1
	usage_error check -n 1000001
	usage_error check --latency-samples 1001
	usage_error watch --fail-after 0
	usage_error watch --count 0
	usage_error simulate --serve --listen-port 65536 healthy
}

@test "duration options: negative, zero or huge exits 3" {
	usage_error watch --interval -1
	usage_error watch --interval 1e999
	usage_error check --latency-threshold -5ms
	usage_error simulate --delay abc healthy
}

@test "option combinations: --sni with --no-sni, --cert without --key, -4 with -6" {
	usage_error check --sni a.example --no-sni
	usage_error check --cert /nonexistent/c.pem
	usage_error check -4 -6
}

@test "an unexpected operand exits 3" {
	usage_error check extra
	usage_error env one two
}

@test "-a value is never echoed on a usage error" {
	local canary=CanaryPw-7f3a9c
	usage_error check -a "$canary" --bogus
	[[ $stderr != *"$canary"* ]]
	usage_error check -a "$canary" -p abc
	[[ $stderr != *"$canary"* ]]
	usage_error check --pass="$canary" --bogus
	[[ $stderr != *"$canary"* ]]
	usage_error check --pass "$canary" extra
	[[ $stderr != *"$canary"* ]]
	# A typo that glues the value to an unknown long option.
	usage_error check --password="$canary"
	[[ $stderr != *"$canary"* ]]
	usage_error check -a ''
	usage_error check -a "$canary${BIG:0:100000}"
	[[ $stderr != *"$canary"* ]]
}

@test "-u value with a password is never echoed on a usage error" {
	local canary=CanaryPw-u-51e2
	usage_error check -u "redis://user:$canary@127.0.0.1:6379" --bogus
	[[ $stderr != *"$canary"* ]]
	usage_error check -u "redis://:$canary@127.0.0.1:6379" -p 0
	[[ $stderr != *"$canary"* ]]
	usage_error check --url="rediss://:$canary@127.0.0.1:6379" extra
	[[ $stderr != *"$canary"* ]]
}

@test "a 1 MiB value through --env-file: no crash, no hang, status 0..3" {
	local f=$BATS_TEST_TMPDIR/big.env
	{ printf 'REDIS_HOST='; head -c 1048576 /dev/zero | tr '\0' h; printf '\n'; } >"$f"
	run --separate-stderr timeout 20 "$RD" env --env-file "$f" --format json
	[ "$status" -le 3 ]
	{ printf 'REDIS_PORT='; head -c 1048576 /dev/zero | tr '\0' 7; printf '\n'; } >"$f"
	run --separate-stderr timeout 20 "$RD" env --env-file "$f" --format json
	[ "$status" -le 3 ]
	{ printf 'REDIS_URL=redis://'; head -c 1048576 /dev/zero | tr '\0' a; printf ':6379\n'; } >"$f"
	run --separate-stderr timeout 20 "$RD" env --env-file "$f" --format json
	[ "$status" -le 3 ]
	{ printf 'REDIS_HOST=\xff\xfe\x80\n'; } >"$f"
	run --separate-stderr timeout 20 "$RD" env --env-file "$f" --format json
	[ "$status" -le 3 ]
}

@test "a missing --env-file exits 3: one line on stderr, at most a report saying so" {
	run --separate-stderr timeout 10 "$RD" env --env-file /nonexistent/redisdiag.env --format json
	[ "$status" -eq 3 ]
	[ -n "$stderr" ]
	[[ $stderr != *$'\n'* ]]
	# A report on stdout is allowed (configuration errors are reported),
	# and then says the same exit code.
	if [ -n "$output" ]; then
		[ "$(jq -r .exit_code <<<"$output")" = 3 ]
	fi
}

@test "a closed stdout does not kill the process with SIGPIPE" {
	run bash -c '"$1" --help | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$RD"
	[ "$output" -lt 128 ]
}

# pg_isready's last two: fails without a server, passes with one.

check_available() {
	run --separate-stderr timeout 10 "$RD" check -h 127.0.0.1 -p 1 --timeout 2s --format json
	if [[ $status -eq 3 && $stderr == *"not yet available"* ]]; then
		skip "check is not yet available"
	fi
}

@test "check without a server exits 2 (tcp.refused)" {
	check_available
	fx_init
	local port
	port=$(fx_port)
	run --separate-stderr timeout 10 "$RD" check -h 127.0.0.1 -p "$port" --timeout 2s --format json
	fx_teardown
	[ "$status" -eq 2 ]
	[ "$(jq -r .exit_code <<<"$output")" = 2 ]
	jq -e '[.findings[].id] | index("tcp.refused")' <<<"$output" >/dev/null
}

@test "check with a server exits 0" {
	check_available
	fx_init
	fx_redis up >/dev/null
	run --separate-stderr timeout 10 "$RD" check -h 127.0.0.1 -p "$FX_PORT_up" --timeout 5s --format json
	fx_teardown
	[ "$status" -eq 0 ]
	[ "$(jq -r .exit_code <<<"$output")" = 0 ]
	[ "$(jq -r .verdict <<<"$output")" = ok ] || [ "$(jq -r .verdict <<<"$output")" = warn ]
}
