#!/usr/bin/env bats
# fixtures_selftest.bats — the shared fixtures work: servers come up plain
# and TLS, the generated certificates verify, and teardown leaves nothing.

load '../lib/fixtures'

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	fx_redis_tls tls >/dev/null
	fx_redis_tls mtls --tls-auth-clients yes >/dev/null
	fx_redis_auth auth s3cret-fixture >/dev/null
	fx_redis_maxclients full >/dev/null
	fx_blackhole hole >/dev/null
}

teardown_file() {
	fx_teardown
}

@test "plain server answers PING" {
	run fx_cli plain ping
	[ "$status" -eq 0 ]
	[ "$output" = PONG ]
}

@test "plain server listens on ::1 too when IPv6 is present" {
	[ "$FX_HAVE_IPV6" = 1 ] || skip "no ::1"
	run timeout 5 redis-cli -h ::1 -p "$FX_PORT_plain" ping
	[ "$output" = PONG ]
}

@test "TLS server answers PING with the generated CA" {
	run timeout 5 redis-cli -h 127.0.0.1 -p "$FX_PORT_tls" --tls --cacert "$FX_CA" ping
	[ "$status" -eq 0 ]
	[ "$output" = PONG ]
}

@test "TLS server certificate verifies for localhost and 127.0.0.1, not the wrong name" {
	run openssl verify -CAfile "$FX_CA" -verify_hostname localhost "$FX_CERT"
	[ "$status" -eq 0 ]
	run openssl verify -CAfile "$FX_CA" -verify_ip 127.0.0.1 "$FX_CERT"
	[ "$status" -eq 0 ]
	run openssl verify -CAfile "$FX_CA" -verify_hostname localhost "$FX_WRONG_CERT"
	[ "$status" -ne 0 ]
	run openssl verify -CAfile "$FX_OTHER_CA" "$FX_CERT"
	[ "$status" -ne 0 ]
	run openssl verify -CAfile "$FX_CA" "$FX_UNTRUSTED_CERT"
	[ "$status" -ne 0 ]
	run openssl verify -CAfile "$FX_CA" "$FX_EXPIRED_CERT"
	[ "$status" -ne 0 ]
	[[ "$output" == *expired* ]]
	run openssl verify -CAfile "$FX_CA" -purpose sslclient "$FX_CLIENT_CERT"
	[ "$status" -eq 0 ]
}

@test "plaintext PING to the TLS port gets no PONG" {
	run timeout 5 redis-cli -h 127.0.0.1 -p "$FX_PORT_tls" ping
	[ "$output" != PONG ]
}

@test "mutual TLS needs the client certificate" {
	run timeout 5 redis-cli -h 127.0.0.1 -p "$FX_PORT_mtls" --tls --cacert "$FX_CA" ping
	[ "$output" != PONG ]
	run fx_cli mtls ping
	[ "$output" = PONG ]
}

@test "requirepass server says NOAUTH without a password" {
	run timeout 5 redis-cli -h 127.0.0.1 -p "$FX_PORT_auth" ping
	[[ "$output" == NOAUTH* ]]
	run fx_cli auth ping
	[ "$output" = PONG ]
}

@test "ACL user with restricted rules" {
	fx_acl_user plain "$FX_PORT_plain" probe pw-probe +ping -info
	run timeout 5 redis-cli -h 127.0.0.1 -p "$FX_PORT_plain" --user probe --pass pw-probe --no-auth-warning ping
	[ "$output" = PONG ]
	run timeout 5 redis-cli -h 127.0.0.1 -p "$FX_PORT_plain" --user probe --pass pw-probe --no-auth-warning info
	[[ "$output" == NOPERM* ]]
}

@test "maxclients server refuses a second client" {
	run timeout 5 redis-cli -h 127.0.0.1 -p "$FX_PORT_full" ping
	[[ "$output" == *"max number of clients reached"* ]]
}

@test "blackhole port: a connect does not complete" {
	run timeout 1 bash -c "exec 5<>/dev/tcp/127.0.0.1/$FX_PORT_hole"
	[ "$status" -eq 124 ]
}

@test "replica of the plain server reports role:slave" {
	fx_redis_replica rep "$FX_PORT_plain" >/dev/null
	run fx_cli rep info replication
	[[ "$output" == *role:slave* ]]
}

@test "teardown stops everything it started and releases ports" {
	# A private instance, torn down inside this test.
	local dir=$BATS_TEST_TMPDIR/inner
	run bash -c '
		set -e
		BATS_FILE_TMPDIR="$1"; mkdir -p "$1"; cd "$2"
		source tests/lib/fixtures.bash
		fx_init >/dev/null
		fx_redis a >/dev/null
		fx_redis_tls b >/dev/null
		fx_redis_maxclients c >/dev/null
		fx_silent d >/dev/null
		cut -d" " -f1 "$FX_DIR/pids" >"$1/pids.out"
		cat "$FX_DIR/ports" >"$1/ports.out"
		fx_teardown
		[ ! -d "$FX_DIR" ]
	' _ "$dir" "$BATS_TEST_DIRNAME/../.."
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$dir/pids.out")" -ge 5 ]
	while read -r pid; do
		run kill -0 "$pid"
		[ "$status" -ne 0 ]
	done <"$dir/pids.out"
	while read -r p; do
		[ ! -e "$FX_PORTREG/$p" ]
	done <"$dir/ports.out"
}
