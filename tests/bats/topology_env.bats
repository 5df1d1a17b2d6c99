#!/usr/bin/env bats
# topology_env.bats — issue 11 / SPEC 13: REDIS_SENTINELS and
# REDIS_SENTINEL_MASTER (and the sentinels' own REDIS_SENTINEL_USERNAME /
# REDIS_SENTINEL_PASSWORD) in the profile that reads them, `generic`,
# against real sentinels on 127.0.0.1 (tests/lib/topology.bash): the same
# topology as --sentinel, the precedence (below -u/-h and REDIS_URL, above
# REDIS_HOST), and config.not_read_by_app in every other profile.

bats_require_minimum_version 1.5.0

SPW='Sentinel-env-canary-4Wd9'

load '../lib/fixtures'
load '../lib/cli'	# cli_setup_file, rd, rdv, has
load '../lib/topology'

setup_file() {
	cli_setup_file
	# s: 3 sentinels; a: one whose default user needs a password
	topo_sentinel_set mymaster "$SPW"
	# "127.0.0.1:P1, 127.0.0.1:P2,127.0.0.1:P3": a space after a comma is
	# dropped, as the applications that read it do
	LIST=$(sed 's/ /,/g; s/,/, /' <<<"$TOPO_SENTINELS_s")
	export APORT LIST
}

teardown_file() { fx_teardown; }

q() { echo "$output" | jq -r "$@"; }
hasnt() { ! has "$1"; }

# chk VAR=VALUE... -- ARGS: check --format json in exactly that
# environment; the report's exit code is the process's.
chk() {
	cli_split "$@"
	RD_TIMEOUT=30 rdv "${CLI_VARS[@]}" -- check --format json "${CLI_ARGS[@]}"
	echo "status=$status" >&2
	echo "$output" | jq -c '{verdict, exit_code, findings: [.findings[].id]}' >&2 || true
	[ "$(q .exit_code)" = "$status" ]
}

@test "generic: REDIS_SENTINELS + REDIS_SENTINEL_MASTER ask every sentinel and probe the master they name (exit 0); REDIS_HOST is shadowed" {
	chk REDIS_SENTINELS="$LIST" REDIS_SENTINEL_MASTER=mymaster REDIS_HOST=127.0.0.9 \
	    -- --profile generic
	[ "$status" -eq 0 ]
	[ "$(q .config.profile)" = generic ]
	[ "$(q .topology.mode)" = sentinel ]
	[ "$(q '.topology.sentinels | length')" -eq 3 ]
	[ "$(q '[.topology.sentinels[] | select(.knows_master and .reachable)] | length')" -eq 3 ]
	[ "$(q .topology.master.port)" -eq "$FX_PORT_m" ]
	[ "$(q .config.master_name)" = mymaster ]
	[ "$(q .config.sentinel_source)" = env:REDIS_SENTINELS ]
	[ "$(q '.config.sentinels | length')" -eq 3 ]
	[ "$(q .config.url_redacted)" = "$TOPO_SENTINEL_URL_s" ]
	[ "$(q '[.config.shadowed[] | select(.name == "REDIS_HOST")] | length')" -eq 1 ]
	for id in sentinel.unreachable sentinel.unknown_master sentinel.master_unreachable; do
		hasnt "$id"
	done
	# and the same through REDISDIAG_PROFILE
	chk REDISDIAG_PROFILE=generic REDIS_SENTINELS="$LIST" REDIS_SENTINEL_MASTER=mymaster --
	[ "$status" -eq 0 ]
	[ "$(q .topology.mode)" = sentinel ]
}

@test "generic: a wrong REDIS_SENTINEL_MASTER is sentinel.unknown_master (exit 1); --master-name overrides the variable" {
	chk REDIS_SENTINELS="$LIST" REDIS_SENTINEL_MASTER=nosuchmaster -- --profile generic
	[ "$status" -eq 1 ]
	has sentinel.unknown_master
	q '.findings[] | select(.id == "sentinel.unknown_master") | .remediation[]' | grep -q mymaster
	chk REDIS_SENTINELS="$LIST" REDIS_SENTINEL_MASTER=nosuchmaster -- \
	    --profile generic --master-name mymaster
	[ "$status" -eq 0 ]
	[ "$(q .config.master_name)" = mymaster ]
	[ "$(q '[.config.shadowed[] | select(.name == "REDIS_SENTINEL_MASTER")] | length')" -eq 1 ]
}

@test "generic: REDIS_SENTINELS without REDIS_SENTINEL_MASTER, or with a malformed item, is a configuration error (exit 3)" {
	chk REDIS_SENTINELS="$LIST" -- --profile generic
	[ "$status" -eq 3 ]
	q '.config.problems[].detail' | grep -q 'REDIS_SENTINELS needs REDIS_SENTINEL_MASTER'
	chk REDIS_SENTINELS="127.0.0.1:$APORT,,x:y" REDIS_SENTINEL_MASTER=mymaster -- --profile generic
	[ "$status" -eq 3 ]
	q '.config.problems[].detail' | grep -q 'REDIS_SENTINELS: item 2 is empty'
}

@test "generic: REDIS_URL and the command line name the server above REDIS_SENTINELS, which is then shadowed" {
	chk REDIS_URL="redis://127.0.0.1:$FX_PORT_m" REDIS_SENTINELS="$LIST" \
	    REDIS_SENTINEL_MASTER=mymaster -- --profile generic
	[ "$status" -eq 0 ]
	[ "$(q '.topology.mode // "none"')" != sentinel ]
	[ "$(q .config.port)" -eq "$FX_PORT_m" ]
	q '.config.shadowed[] | select(.name == "REDIS_SENTINELS") | .reason' | grep -q 'REDIS_URL names the server'
	chk REDIS_SENTINELS="$LIST" REDIS_SENTINEL_MASTER=mymaster -- \
	    --profile generic -h 127.0.0.1 -p "$FX_PORT_m"
	[ "$status" -eq 0 ]
	[ "$(q '.topology.mode // "none"')" != sentinel ]
	q '.config.shadowed[] | select(.name == "REDIS_SENTINELS") | .reason' | grep -q 'the command line names the server'
}

@test "every other profile lists REDIS_SENTINELS and REDIS_SENTINEL_MASTER as config.not_read_by_app and asks no sentinel" {
	local p
	for p in cacheservice python-getenv; do
		chk REDIS_HOST=127.0.0.1 REDIS_PORT="$FX_PORT_m" REDIS_SENTINELS="$LIST" \
		    REDIS_SENTINEL_MASTER=mymaster -- --profile "$p"
		[ "$status" -eq 0 ]
		[ "$(q .config.profile)" = "$p" ]
		has config.not_read_by_app
		[ "$(q '[.config.problems[] | select(.kind == "not_read_by_app") | .name] | sort | join(",")')" = REDIS_SENTINELS,REDIS_SENTINEL_MASTER ]
		[ "$(q '.topology.mode // "none"')" != sentinel ]
		[ "$(q .config.port)" -eq "$FX_PORT_m" ]
	done
}

@test "generic: REDIS_SENTINEL_PASSWORD is the sentinels' own AUTH (sentinel.auth without it, exit 1); never printed; --sentinel-password wins" {
	chk REDIS_SENTINELS="127.0.0.1:$APORT" REDIS_SENTINEL_MASTER=mymaster -- --profile generic
	[ "$status" -eq 1 ]
	has sentinel.auth
	q '.findings[] | select(.id == "sentinel.auth") | .remediation[]' | grep -q REDIS_SENTINEL_PASSWORD
	chk REDIS_SENTINELS="127.0.0.1:$APORT" REDIS_SENTINEL_MASTER=mymaster \
	    REDIS_SENTINEL_PASSWORD="$SPW" -- --profile generic
	[ "$status" -eq 0 ]
	hasnt sentinel.auth
	[ "$(q .topology.sentinel_auth_sent)" = true ]
	[ "$(q .config.sentinel_password_set)" = true ]
	[ "$(q .topology.master.port)" -eq "$FX_PORT_m" ]
	[ "$(grep -cF "$SPW" <<<"$output$stderr")" -eq 0 ]
	# the master has no password: the sentinels' is not sent to it
	[ "$(q '.steps[] | select(.name == "auth") | .status')" = skip ]
	chk REDIS_SENTINELS="127.0.0.1:$APORT" REDIS_SENTINEL_MASTER=mymaster \
	    REDIS_SENTINEL_PASSWORD=not-the-one -- --profile generic --sentinel-password "$SPW"
	[ "$status" -eq 0 ]
	[ "$(q '[.config.shadowed[] | select(.name == "REDIS_SENTINEL_PASSWORD")] | length')" -eq 1 ]
	[ "$(grep -cF "$SPW" <<<"$output$stderr")" -eq 0 ]
}
