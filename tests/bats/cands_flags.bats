#!/usr/bin/env bats
# cands_flags.bats — check --all-candidates probes every candidate with the
# command-line options a single check uses (issue 13): -2/-3 (the hello
# step in each candidate's steps), --tls-ciphers, --tls-ciphersuites,
# --cacert, --user, -a, -n; against real redis-server instances on
# loopback.  A cipher the TLS fixtures refuse fails every candidate.
# Every run is bounded; no secret in any output.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# cli_setup_file, rdv

PW='Cands-canary-pw-9Lm3'

setup_file() {
	cli_setup_file
	export RD_TIMEOUT=30
	# Two servers where only the ACL user "app" gets in.
	local acl=(--requirepass "other-$PW" --user app on ">$PW" '~*' '&*' '+@all')
	fx_redis aclA "${acl[@]}" >/dev/null
	fx_redis aclB "${acl[@]}" >/dev/null
	fx_redis_tls tlsA --tls-ciphersuites TLS_AES_256_GCM_SHA384 >/dev/null
	fx_redis_tls tlsB --tls-ciphersuites TLS_AES_256_GCM_SHA384 >/dev/null
	fx_redis_tls t12A --tls-protocols TLSv1.2 \
	    --tls-ciphers ECDHE-ECDSA-AES256-GCM-SHA384 >/dev/null
	fx_redis_tls t12B --tls-protocols TLSv1.2 \
	    --tls-ciphers ECDHE-ECDSA-AES256-GCM-SHA384 >/dev/null
}

teardown_file() {
	fx_teardown
}

no_secret() {
	[[ $output != *"$PW"* && $stderr != *"$PW"* ]]
}

# cstep CANDIDATE STEP: that step's status in that candidate's probe.
cstep() {
	jq -r --arg c "$1" --arg s "$2" '.candidates_probed[] | select(.name == $c) |
	    .steps[] | select(.name == $s) | .status' <<<"$output"
}

@test "--user, -a, -n and -3 reach every candidate: HELLO, AUTH as the user, SELECT in each" {
	local env=(REDIS_URL="redis://127.0.0.1:$FX_PORT_aclA"
	    REDIS_TLS_URL="redis://127.0.0.1:$FX_PORT_aclB"
	    KV_URL="redis://127.0.0.1:$FX_PORT_aclB/0")
	rdv "${env[@]}" -- check --all-candidates --user app -a "$PW" -n 2 -3 \
	    --no-auth-warning --timeout 10s --format json
	[ "$status" -eq 0 ]
	no_secret
	[ "$(jq '.candidates_probed | length' <<<"$output")" -eq 2 ]
	local c
	for c in REDIS_TLS_URL KV_URL; do
		[ "$(cstep "$c" hello)" = ok ] || { echo "$c: no HELLO" >&2; return 1; }
		[ "$(cstep "$c" auth)" = ok ]
		[ "$(cstep "$c" select)" = ok ]
		[ "$(cstep "$c" ping)" = ok ]
		jq -e --arg c "$c" '.candidates_probed[] | select(.name == $c) | .verdict == "ok"' <<<"$output"
	done
	# -2 sends HELLO 2 (as redis-cli does) to every candidate too;
	# neither -2 nor -3: the client's own handshake everywhere (the
	# default, ioredis 6: HELLO 3 with the AUTH inside it), no SELECT
	# without -n.
	rdv "${env[@]}" -- check --all-candidates --user app -a "$PW" -2 \
	    --no-auth-warning --timeout 10s --format json
	[ "$status" -eq 0 ]
	[ "$(cstep REDIS_TLS_URL hello)" = ok ]
	rdv "${env[@]}" -- check --all-candidates --user app -a "$PW" \
	    --no-auth-warning --timeout 10s --format json
	[ "$status" -eq 0 ]
	[ "$(cstep REDIS_TLS_URL hello)" = ok ]
	[ "$(cstep REDIS_TLS_URL auth)" = ok ]
	[ "$(cstep REDIS_TLS_URL select)" = skip ]
	# Without --user the candidates send AUTH as the default user: refused.
	rdv "${env[@]}" -- check --all-candidates -a "$PW" --no-auth-warning \
	    --timeout 10s --format json
	[ "$status" -ne 0 ]
	no_secret
	[ "$(cstep REDIS_TLS_URL auth)" = fail ]
	[ "$(cstep KV_URL auth)" = fail ]
}

@test "--tls-ciphersuites and --tls-ciphers reach every candidate: one the fixtures refuse fails them all" {
	local env=(REDIS_URL="rediss://localhost:$FX_PORT_tlsA"
	    REDIS_TLS_URL="rediss://localhost:$FX_PORT_tlsB")
	rdv "${env[@]}" -- check --all-candidates --cacert "$FX_CA" \
	    --tls-ciphersuites TLS_AES_256_GCM_SHA384 --timeout 10s --format json
	[ "$status" -eq 0 ]
	[ "$(cstep REDIS_TLS_URL tls)" = ok ]
	rdv "${env[@]}" -- check --all-candidates --cacert "$FX_CA" \
	    --tls-ciphersuites TLS_AES_128_GCM_SHA256 --timeout 10s --format json
	[ "$status" -eq 2 ]
	[ "$(jq -r '.steps[] | select(.name == "tls") | .status' <<<"$output")" = fail ]
	[ "$(cstep REDIS_TLS_URL tls)" = fail ]
	jq -e '.candidates_probed[] | .verdict != "ok"' <<<"$output"

	env=(REDIS_URL="rediss://localhost:$FX_PORT_t12A"
	    REDIS_TLS_URL="rediss://localhost:$FX_PORT_t12B")
	rdv "${env[@]}" -- check --all-candidates --cacert "$FX_CA" \
	    --tls-ciphers ECDHE-ECDSA-AES256-GCM-SHA384 --timeout 10s --format json
	[ "$status" -eq 0 ]
	[ "$(cstep REDIS_TLS_URL tls)" = ok ]
	rdv "${env[@]}" -- check --all-candidates --cacert "$FX_CA" \
	    --tls-ciphers ECDHE-ECDSA-AES128-GCM-SHA256 --timeout 10s --format json
	[ "$status" -eq 2 ]
	[ "$(cstep REDIS_TLS_URL tls)" = fail ]
	# --cacert reaches them too: without it the chain does not verify.
	rdv "${env[@]}" -- check --all-candidates --timeout 10s --format json
	[ "$status" -eq 2 ]
	[ "$(cstep REDIS_TLS_URL tls)" = fail ]
}

@test "a unix:// candidate is probed over its socket" {
	local sock="$BATS_FILE_TMPDIR/c.sock"
	fx_redis csock --unixsocket "$sock" --unixsocketperm 700 >/dev/null
	rdv REDIS_URL="redis://127.0.0.1:$FX_PORT_aclA" REDIS_SOCKET_URL="unix://$sock" -- \
	    check --all-candidates --user app -a "$PW" --no-auth-warning \
	    --timeout 10s --format json
	[ "$status" -eq 0 ]
	jq -e --arg s "$sock" '.candidates_probed[] | select(.name == "REDIS_SOCKET_URL") |
	    .host == $s and .port == null and .url_redacted == "unix://\($s)"' <<<"$output"
	[ "$(cstep REDIS_SOCKET_URL dns)" = skip ]
	[ "$(cstep REDIS_SOCKET_URL tcp)" = ok ]
}
