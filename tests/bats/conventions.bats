#!/usr/bin/env bats
# conventions.bats — the small conventions of issue 13 that users already
# run: colour by no-color.org (only a non-empty NO_COLOR counts) and
# TERM=dumb, on a real terminal (script(1) gives one); env --strict fails
# on warnings as its help says; simulate --help names every version it
# accepts; watch is down, not up, until a probe succeeds.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'

setup_file() {
	fx_init
	FX_PORT_closed=$(fx_port)
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	export FX_PORT_closed ROOT
}

teardown_file() {
	fx_teardown
}

# on_tty VAR=VALUE...: `env -h 10.0.0.1` in text on a pseudo-terminal,
# with only PATH, the sysroot and the given variables; output in $output.
on_tty() {
	run timeout 20 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" "$@" \
	    script -qec "'$RD' env -h 10.0.0.1" /dev/null
}

@test "colour: NO_COLOR empty keeps it, non-empty NO_COLOR and TERM=dumb drop it" {
	on_tty TERM=xterm
	[ "$status" -eq 0 ]
	[[ $output == *$'\033['* ]]
	on_tty TERM=xterm NO_COLOR=
	[ "$status" -eq 0 ]
	[[ $output == *$'\033['* ]]
	on_tty TERM=xterm NO_COLOR=1
	[[ $output != *$'\033['* ]]
	on_tty TERM=dumb
	[[ $output != *$'\033['* ]]
	[[ $output == *"10.0.0.1"* ]]
}

@test "env --strict: warnings fail the run (exit 1), as env --help and the man page say" {
	run --separate-stderr timeout 20 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    "$RD" env --help
	[[ $output == *"--strict"*"warnings fail the run (exit 1)"* ]]
	# REDIS_HOST shadows NF_REDIS_HOST: config.shadowed, a warning.
	run --separate-stderr timeout 20 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    REDIS_HOST=127.0.0.1 NF_REDIS_HOST=10.2.3.4 "$RD" env --format json
	[ "$status" -eq 0 ]
	jq -e '.verdict == "warn"' <<<"$output"
	run --separate-stderr timeout 20 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    REDIS_HOST=127.0.0.1 NF_REDIS_HOST=10.2.3.4 "$RD" env --format json --strict
	[ "$status" -eq 1 ]
	jq -e '.exit_code == 1' <<<"$output"
	# No warning: 0 under --strict too.
	run --separate-stderr timeout 20 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    "$RD" env -h 10.0.0.1 --format json --strict
	[ "$status" -eq 0 ]
	jq -e '.verdict == "ok" and .exit_code == 0' <<<"$output"
}

@test "simulate --help names every --redis-version it accepts" {
	run timeout 20 "$RD" simulate --help
	[ "$status" -eq 0 ]
	[[ $output == *"(7, 6 or 5)"* ]]
	local v
	for v in 7 6 5; do
		run --separate-stderr timeout 30 "$RD" simulate noauth --redis-version "$v" --format json
		[ "$status" -eq 1 ]
	done
	run --separate-stderr timeout 30 "$RD" simulate noauth --redis-version 4
	[ "$status" -eq 3 ]
}

@test "watch: a server that never answered is down from its first probe" {
	run --separate-stderr timeout 30 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    "$RD" watch -h 127.0.0.1 -p "$FX_PORT_closed" --interval 100ms --count 1 --fail-after 3
	[ "$status" -eq 2 ]
	[ "$(head -n1 <<<"$output" | jq -r .state)" = down ]
	[ "$(tail -n1 <<<"$output" | jq -r .state)" = down ]
}
