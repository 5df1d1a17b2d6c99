#!/usr/bin/env bats
# parity.bats — the redis-cli flags of issue 13 against real redis-server
# instances: -t, --askpass, --no-auth-warning, --tls-ciphers,
# --tls-ciphersuites, -2/-3 (the hello step, its NOAUTH, WRONGPASS and
# "unknown command" replies), and -u against -h/-p: the last one wins.
# No secret in any output.  Every run is bounded.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# rd: the binary in an empty environment, bounded
RD_TIMEOUT=30

PW='Parity-canary-pw-7Hq2'

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	fx_redis_auth auth "$PW" >/dev/null
	fx_redis_tls tls13 --tls-ciphersuites TLS_AES_256_GCM_SHA384 >/dev/null
	fx_redis_tls tls12 --tls-protocols TLSv1.2 \
	    --tls-ciphers ECDHE-ECDSA-AES256-GCM-SHA384 >/dev/null
	fx_blackhole bh >/dev/null
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	export ROOT
}

teardown_file() {
	fx_teardown
}

no_secret() {
	[[ $output != *"$PW"* && $stderr != *"$PW"* ]]
}

@test "-t SECONDS is --timeout: a blackhole ends at the deadline" {
	local t0 t1
	t0=$(date +%s%N)
	rd check -h 127.0.0.1 -p "$FX_PORT_bh" -t 0.5 --format json
	t1=$(date +%s%N)
	[ "$status" -eq 2 ]
	jq -e '[.findings[].id] | index("tcp.timeout") != null' <<<"$output"
	[ $(((t1 - t0) / 1000000)) -lt $((4000 * ${TEST_TIME_FACTOR:-1})) ]
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" -t fast
	[ "$status" -eq 3 ]
}

@test "--askpass reads the password from stdin; it beats -a and REDISCLI_AUTH; never printed" {
	run --separate-stderr bash -c 'printf "%s\n" "$1" | timeout 30 env -i PATH="$PATH" \
	    REDISDIAG_SYSROOT="$2" REDISCLI_AUTH=wrong "$3" check -h 127.0.0.1 -p "$4" \
	    --askpass -a wrong-too --format json' _ "$PW" "$ROOT" "$RD" "$FX_PORT_auth"
	[ "$status" -eq 0 ]
	no_secret
	jq -e '.config.fields.password.source == "flag:--askpass" and .config.password_set' <<<"$output"
	[[ $stderr != *Warning* ]]
	run --separate-stderr bash -c 'printf "nope\n" | timeout 30 env -i PATH="$PATH" \
	    REDISDIAG_SYSROOT="$1" "$2" check -h 127.0.0.1 -p "$3" --askpass --format json' \
	    _ "$ROOT" "$RD" "$FX_PORT_auth"
	[ "$status" -eq 1 ]
	jq -e '[.findings[].id] | index("auth.wrongpass") != null' <<<"$output"
}

@test "--askpass answered with an empty line sends AUTH \"\" as redis-cli does, not REDISCLI_AUTH; no answer sends no AUTH" {
	# The real redis-cli 7.0 first: an empty line is the empty password
	# (the server's WRONGPASS), though REDISCLI_AUTH holds the right one.
	run bash -c 'printf "\n" | REDISCLI_AUTH="$1" timeout 10 redis-cli -p "$2" \
	    --askpass ping 2>&1' _ "$PW" "$FX_PORT_auth"
	[[ $output == *"AUTH failed: WRONGPASS"* ]]
	run bash -c 'REDISCLI_AUTH="$1" timeout 10 redis-cli -p "$2" --askpass \
	    ping 2>&1 </dev/null' _ "$PW" "$FX_PORT_auth"
	[[ $output == *NOAUTH* && $output != *WRONGPASS* ]]
	# redisdiag the same, in both profiles.
	local prof
	for prof in generic cacheservice; do
		run --separate-stderr bash -c 'printf "\n" | timeout 30 env -i PATH="$PATH" \
		    REDISDIAG_SYSROOT="$2" REDISCLI_AUTH="$1" REDIS_PASSWORD="$1" "$3" \
		    check -h 127.0.0.1 -p "$4" --askpass -a "$1" --profile "$5" \
		    --format json' _ "$PW" "$ROOT" "$RD" "$FX_PORT_auth" "$prof"
		[ "$status" -eq 1 ]
		no_secret
		jq -e '[.findings[].id] | index("auth.wrongpass") != null' <<<"$output"
		jq -e '.config.auth.password == "" and .config.password_set and
		    .config.fields.password.source == "flag:--askpass"' <<<"$output"
		jq -e '[.config.shadowed[].name] | index("REDIS_PASSWORD") != null or
		    index("REDISCLI_AUTH") != null or index("flag:-a") != null' <<<"$output"
		run --separate-stderr bash -c 'timeout 30 env -i PATH="$PATH" \
		    REDISDIAG_SYSROOT="$2" REDISCLI_AUTH="$1" REDIS_PASSWORD="$1" "$3" \
		    check -h 127.0.0.1 -p "$4" --askpass --profile "$5" --format json \
		    </dev/null' _ "$PW" "$ROOT" "$RD" "$FX_PORT_auth" "$prof"
		[ "$status" -eq 1 ]
		no_secret
		jq -e '[.findings[].id] | index("auth.required") != null' <<<"$output"
		jq -e '.config.password_set == false and .config.auth == null' <<<"$output"
	done
}

@test "--no-auth-warning silences the -a warning, and only that" {
	rd check -h 127.0.0.1 -p "$FX_PORT_auth" -a "$PW" --format json
	[ "$status" -eq 0 ]
	[[ $stderr == *"Warning: Using a password"* ]]
	no_secret
	rd check -h 127.0.0.1 -p "$FX_PORT_auth" -a "$PW" --no-auth-warning --format json
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	no_secret
}

@test "--tls-ciphersuites (TLS 1.3) and --tls-ciphers (TLS 1.2) against servers that insist" {
	rd check -h localhost -p "$FX_PORT_tls13" --tls --cacert "$FX_CA" \
	    --tls-ciphersuites TLS_AES_256_GCM_SHA384 --format json
	[ "$status" -eq 0 ]
	jq -e '.tls.cipher == "TLS_AES_256_GCM_SHA384"' <<<"$output"
	rd check -h localhost -p "$FX_PORT_tls13" --tls --cacert "$FX_CA" \
	    --tls-ciphersuites TLS_AES_128_GCM_SHA256 --format json
	[ "$status" -eq 2 ]
	jq -e '[.findings[].id] | index("tls.handshake_failed") != null' <<<"$output"

	rd check -h localhost -p "$FX_PORT_tls12" --tls --cacert "$FX_CA" \
	    --tls-ciphers ECDHE-ECDSA-AES256-GCM-SHA384 --format json
	[ "$status" -eq 0 ]
	jq -e '.tls.version == "TLSv1.2" and .tls.cipher == "ECDHE-ECDSA-AES256-GCM-SHA384"' <<<"$output"
	rd check -h localhost -p "$FX_PORT_tls12" --tls --cacert "$FX_CA" \
	    --tls-ciphers ECDHE-ECDSA-AES128-GCM-SHA256 --format json
	[ "$status" -eq 2 ]
	jq -e '[.findings[].id] | index("tls.handshake_failed") != null' <<<"$output"

	rd check -h localhost -p "$FX_PORT_tls12" --tls --cacert "$FX_CA" \
	    --tls-ciphers NO-SUCH-CIPHER --format json
	[ "$status" -ne 0 ]
	jq -e '.steps[] | select(.name == "tls") | .error.code == "tls_ciphers"' <<<"$output"
}

@test "-3 and -2: the hello step runs and is reported" {
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" -3 --format json
	[ "$status" -eq 0 ]
	jq -e '.steps[] | select(.name == "hello") | .status == "ok" and (.detail | test("^HELLO 3 → redis [0-9.]+, proto 3"))' <<<"$output"
	jq -e '.server.version | length > 0' <<<"$output"	# INFO still read (RESP2 again)
	jq -e '.latency.samples == 10' <<<"$output"
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" -2 --format json
	[ "$status" -eq 0 ]
	jq -e '.steps[] | select(.name == "hello") | .status == "ok" and (.detail | test("proto 2"))' <<<"$output"
	# Without -2/-3 the client's own handshake: ioredis 6 (the default
	# client) sends HELLO 3; redis-py 4 none (the step is skipped).
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format json
	jq -e '.steps[] | select(.name == "hello") | .status == "ok"' <<<"$output"
	jq -e '.config.hello == {"proto": 3, "auth_inside": false, "fallback": true}' <<<"$output"
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --client redis-py --format json
	jq -e '.steps[] | select(.name == "hello") | .status == "skip"' <<<"$output"
	jq -e '.config.hello == null' <<<"$output"
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" -2 -3
	[ "$status" -eq 3 ]
}

@test "-3 with a password: HELLO 3 AUTH; NOAUTH without one, WRONGPASS with a wrong one" {
	rd check -h 127.0.0.1 -p "$FX_PORT_auth" -3 -a "$PW" --no-auth-warning --format json
	[ "$status" -eq 0 ]
	no_secret
	jq -e '.steps[] | select(.name == "hello") | .status == "ok" and (.detail | test("AUTH <user> \\*\\*\\*\\*"))' <<<"$output"

	rd check -h 127.0.0.1 -p "$FX_PORT_auth" -3 --format json
	[ "$status" -eq 1 ]
	jq -e '.steps[] | select(.name == "hello") | .status == "fail" and .error.name == "NOAUTH"' <<<"$output"
	jq -e '[.findings[].id] | index("auth.required") != null' <<<"$output"

	rd check -h 127.0.0.1 -p "$FX_PORT_auth" -3 -a wrong --no-auth-warning --format json
	[ "$status" -eq 1 ]
	jq -e '.steps[] | select(.name == "hello") | .error.name == "WRONGPASS"' <<<"$output"
	[ "$(jq '[.findings[] | select(.id == "auth.wrongpass")] | length' <<<"$output")" = 1 ]
}

@test "-3 against a Redis 5 (no HELLO): server.hello_unsupported, a warning; PING still works" {
	local out="$BATS_TEST_TMPDIR/serve.out" pid url i
	timeout 60 "$RD" simulate healthy --serve --redis-version 5 >"$out" 2>/dev/null 3>&- &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		url=$(head -n1 "$out" 2>/dev/null || true)
		[[ $url == redis://* ]] && break
		sleep 0.05
	done
	rd check -u "$url" -3 --format json
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[ "$status" -eq 0 ]
	jq -e '.verdict == "warn"' <<<"$output"
	jq -e '[.findings[] | select(.id == "server.hello_unsupported")][0].severity == "warning"' <<<"$output"
	jq -e '.steps[] | select(.name == "ping") | .status == "ok"' <<<"$output"
}

@test "-u and -h/-p: the last one wins, as in redis-cli" {
	local p=$FX_PORT_plain
	rd check -p 1 -u "redis://127.0.0.1:$p" --format json
	[ "$status" -eq 0 ]
	jq -e ".config.port == $p" <<<"$output"
	rd check -u "redis://127.0.0.1:$p" -p 1 --format json
	[ "$status" -eq 2 ]
	jq -e '.config.port == 1' <<<"$output"
	# A URL without a port leaves an earlier -p alone.
	rd check -p "$p" -u "redis://127.0.0.1" --format json
	[ "$status" -eq 0 ]
	jq -e ".config.port == $p" <<<"$output"
	rd check -h 10.255.255.1 -u "redis://127.0.0.1:$p" --format json
	[ "$status" -eq 0 ]
	jq -e '.config.host == "127.0.0.1"' <<<"$output"
}

# --- Unix sockets: -s SOCKET and unix:// -------------------------------------

@test "-s SOCKET: the probe over a Unix socket, no DNS, no TLS advice, the socket as the target" {
	local sock="$BATS_FILE_TMPDIR/redis.sock"
	fx_redis usock --unixsocket "$sock" --unixsocketperm 700 >/dev/null
	rd check -s "$sock" --format json
	[ "$status" -eq 0 ]
	jq -e --arg s "$sock" '.config.host == $s and .config.fields.host.source == "flag:-s"' <<<"$output"
	jq -e --arg s "unix://$sock" '.config.url_redacted == $s' <<<"$output"
	jq -e '.steps[] | select(.name == "dns") | .status == "skip"' <<<"$output"
	jq -e '.steps[] | select(.name == "tcp") | .status == "ok"' <<<"$output"
	jq -e '[.findings[].id] | index("config.tls_recommended") == null' <<<"$output"
	jq -e '.checklist[] | select(.id == "tls_scheme" or .id == "remote_host") | .status == "pass"' <<<"$output"
	jq -e '.latency.samples == 10' <<<"$output"
	# -s beats -h and -p, as in redis-cli; what it beat is shadowed.
	rd check -s "$sock" -h 10.255.255.1 -p 1 --format json
	[ "$status" -eq 0 ]
	jq -e --arg s "$sock" '.config.host == $s' <<<"$output"
	jq -e '[.config.shadowed[].name] | index("flag:-h") != null' <<<"$output"
	# In every format; the text names the socket.
	rd check -s "$sock" --format text
	[[ ${lines[0]} == "target Unix socket $sock (from flag:-s)"* ]]
	rd check -s "$sock" --format prometheus
	grep -qx "redisdiag_up{target=\"$sock\"} 1" <<<"$output"
	# And -3 over it.
	rd check -s "$sock" -3 --format json
	[ "$status" -eq 0 ]
	jq -e '.steps[] | select(.name == "hello") | .status == "ok"' <<<"$output"
	# env and watch resolve it too.
	rd env -s "$sock" --format json
	[ "$status" -eq 0 ]
	jq -e --arg s "$sock" '.config.host == $s' <<<"$output"
	rd watch -s "$sock" --count 1
	[ "$status" -eq 0 ]
	[ "$(head -n1 <<<"$output" | jq -r .state)" = up ]
}

@test "unix:// URLs: path, ?db=, a password that is never printed" {
	local sock="$BATS_FILE_TMPDIR/auth.sock"
	fx_redis usockauth --unixsocket "$sock" --unixsocketperm 700 --requirepass "$PW" >/dev/null
	rd check -u "unix://:$PW@$sock?db=2" --no-auth-warning --format json
	[ "$status" -eq 0 ]
	no_secret
	jq -e --arg s "unix://$sock?db=2" '.config.url_redacted == $s and .config.db == 2 and .config.password_set' <<<"$output"
	jq -e '.steps[] | select(.name == "select") | .status == "ok"' <<<"$output"
	rd check -u "unix://$sock" --format json
	[ "$status" -eq 1 ]
	jq -e '[.findings[].id] | index("auth.required") != null' <<<"$output"
	# Malformed: usage errors that echo nothing of the value.
	local bad
	for bad in "unix://relative.sock" "unix://$sock?foo=1" "unix://$sock?db=x"; do
		rd check -u "$bad:$PW"
		[ "$status" -eq 3 ] || { echo "accepted $bad" >&2; return 1; }
		no_secret
	done
	rd check -s "$sock" --tls
	[ "$status" -eq 3 ]
}

@test "a Unix socket that is not there, or a stale file: tcp.socket_missing, tcp.refused" {
	rd check -s "$BATS_FILE_TMPDIR/none.sock" --format json
	[ "$status" -eq 2 ]
	jq -e '[.findings[].id] | index("tcp.socket_missing") != null' <<<"$output"
	jq -e '.steps[] | select(.name == "tcp") | .error.code == "ENOENT"' <<<"$output"
	: >"$BATS_FILE_TMPDIR/stale.sock"
	rd check -s "$BATS_FILE_TMPDIR/stale.sock" --format json
	[ "$status" -eq 2 ]
	jq -e '[.findings[].id] | index("tcp.refused") != null' <<<"$output"
	jq -e '.findings[] | select(.id == "tcp.refused") | .title | test("Unix socket")' <<<"$output"
}
