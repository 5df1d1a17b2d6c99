#!/usr/bin/env bats
# clients.bats — client models and application profiles (issue 10, SPEC 11
# and 12): the differential test against the real client libraries, the
# incident end to end (SNI), the model tables, the new findings.

load '../lib/fixtures'

setup_file() {
	fx_init
}
teardown_file() { fx_teardown; }

rd() {	# rd VAR=VALUE... -- ARGS: redisdiag with exactly that environment
	local envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	run env -i PATH="$PATH" "${envs[@]}" "$RD" "$@"
}
jqr() { jq -r "$@" <<<"$output"; }
ids() { jq -r '[.findings[].id] | join(" ")' <<<"$output"; }

@test "differential: 3,000 environments, every modelled Node, Python and Go (redigo) client, zero divergences" {
	run env REDISDIAG="$RD" tests/diff/run 3000
	echo "$output"
	if [[ $status -eq 77 ]]; then skip "client libraries not installed (scripts/install-deps --test)"; fi
	[ "$status" -eq 0 ]
	# every client ran and agreed on every environment
	[ "$(grep -c ' 3000 environments, 3000 agree, 0 diverge' <<<"$output")" -eq 7 ]
	grep -q '^redigo@1\.8\.3 .* 3000 agree, 0 diverge' <<<"$output"
}

# serve NAME: `simulate NAME --serve` in the background; sets SERVE_PID,
# SERVE_PORT, SERVE_CA.  Waits at most 10 s.
serve() {
	local out="$BATS_TEST_TMPDIR/serve.out" i url
	: >"$out"
	timeout 60 "$RD" simulate --serve "$1" >"$out" 2>/dev/null </dev/null 3>&- &
	SERVE_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '://' "$out" && break
		sleep 0.1
	done
	url=$(sed -n 1p "$out")
	SERVE_PORT=${url##*:}
	SERVE_CA=$(sed -n 2p "$out")
	[ -n "$SERVE_PORT" ]
}
stop_serve() {
	kill -TERM "$SERVE_PID" 2>/dev/null || true
	wait "$SERVE_PID" 2>/dev/null || true
}

@test "the incident: sni-required, the default client (ioredis) sends no SNI: exit 2, the SNI alternative works, the fix names tls.servername and REDIS_SNI_SERVERNAME" {
	serve sni-required
	rd -- check -u "rediss://localhost:$SERVE_PORT" --cacert "$SERVE_CA" --format json --timeout 5s
	local st=$status out=$output
	[ "$st" -eq 2 ]
	[ "$(jqr .exit_code)" = 2 ]
	[ "$(jqr .config.client)" = ioredis@6 ]
	[ "$(jqr .tls.sni_sent)" = false ]
	[ "$(jqr '[.findings[].id] | index("client.no_sni") != null')" = true ]
	[ "$(jqr '[.findings[].id] | index("tls.sni_required") != null')" = true ]
	# the alternative "SNI = localhost" was probed under the same deadline and works
	[ "$(jqr '.alternatives[] | select(.change == "SNI = localhost") | .verdict' | grep -cE '^(ok|warn)$')" -eq 1 ]
	jqr '.findings[] | select(.id == "client.no_sni") | .remediation[]' | grep -q "ioredis: pass tls: { servername: 'localhost' }"
	jqr '.findings[] | select(.id == "client.no_sni") | .remediation[]' | grep -q 'REDIS_SNI_SERVERNAME=localhost'
	# redis-py sends the host name: the same server works, exit 0
	rd -- check -u "rediss://localhost:$SERVE_PORT" --cacert "$SERVE_CA" --format json --timeout 5s --client redis-py
	stop_serve
	[ "$status" -eq 0 ]
	[ "$(jqr .tls.sni)" = localhost ]
	[ "$(jqr '.alternatives // [] | length')" -eq 0 ]
	# REDIS_SNI_SERVERNAME is what the application reads: with it, ioredis works
}

@test "the healthy path makes one connection: no alternatives when the attempt as the application works" {
	local port
	port=$(fx_redis plainone)
	rd -- check -h 127.0.0.1 -p "$port" --format json --timeout 5s
	[ "$status" -eq 0 ]
	[ "$(jqr '.alternatives // [] | length')" -eq 0 ]
	[ "$(jqr '.tcp.attempts | length')" -eq 1 ]
	# the server saw one client connection (the probe's)
	[ "$(redis-cli -p "$port" INFO stats | tr -d '\r' | sed -n 's/^total_connections_received://p')" -eq 2 ]
}

@test "REDISS:// is plaintext for ioredis, TLS for node-redis and redis-py; client.scheme_case and config.client_disagreement say so" {
	rd REDIS_URL='REDISS://cache.example.com:6380' -- env --format json
	[ "$status" -eq 0 ]
	[ "$(jqr .config.tls)" = false ]
	[ "$(jqr '[.findings[].id] | index("client.scheme_case") != null')" = true ]
	jqr '.findings[] | select(.id == "config.client_disagreement") | .evidence' | grep -q 'node-redis@6 uses TLS'
	jqr '.findings[] | select(.id == "config.client_disagreement") | .evidence' | grep -q 'redis-py@4 uses TLS'
	rd REDIS_URL='REDISS://cache.example.com:6380' -- env --format json --client node-redis
	[ "$(jqr .config.tls)" = true ]
}

@test "redis://x@h: ioredis sends AUTH x \"\" and the URL's empty password wins over REDIS_PASSWORD" {
	rd REDIS_URL='redis://alice@cache.example.com' REDIS_PASSWORD=pw-env-1 -- env --format json
	[ "$status" -eq 0 ]
	[ "$(jqr .config.auth.password)" = "" ]
	[ "$(jqr .config.auth.username)" = '****' ]
	[ "$(jqr '[.findings[].id] | index("client.user_only_url") != null')" = true ]
	[[ $output != *pw-env-1* && $output != *alice* ]]
	# redis-py: the user with the password option
	rd REDIS_URL='redis://alice@cache.example.com' REDIS_PASSWORD=pw-env-1 -- env --format json --client redis-py
	[ "$(jqr .config.auth.password)" = '****' ]
	[ "$(jqr .config.fields.password.source)" = env:REDIS_PASSWORD ]
	# node-redis: no AUTH at all
	rd REDIS_URL='redis://alice@cache.example.com' REDIS_PASSWORD=pw-env-1 -- env --format json --client node-redis
	[ "$(jqr .config.auth)" = null ]
}

@test "query keys: ioredis reads ?tls=false as TLS and ignores ?ssl; variables the application never reads are listed" {
	rd REDIS_URL='redis://cache.example.com/0?tls=false' -- env --format json
	[ "$(jqr .config.tls)" = true ]
	[ "$(jqr .config.fields.tls.source)" = 'url:REDIS_URL?tls' ]
	rd REDIS_URL='redis://cache.example.com?ssl=true' REDIS_TLS=true REDIS_DB=2 REDIS_USERNAME=u -- env --format json
	[ "$(jqr .config.tls)" = false ]
	jqr '.findings[] | select(.id == "client.query_ignored") | .evidence' | grep -q '?ssl'
	[ "$(jqr '[.config.problems[] | select(.kind == "not_read_by_app") | .name] | sort | join(",")')" = REDIS_DB,REDIS_TLS,REDIS_USERNAME ]
	[ "$(jqr '[.findings[].id] | index("config.not_read_by_app") != null')" = true ]
}

@test "sloppy values the application uses are probed, not refused: a trailing newline, /abc as db, an empty port" {
	rd REDIS_URL=$'redis://cache.example.com:6380/abc\n' -- env --format json
	[ "$status" -eq 0 ]
	[ "$(jqr .config.port)" = 6380 ]
	[ "$(jqr .config.db)" = 0 ]
	[ "$(jqr .config.fields.db.as_read)" = 0 ]
	[ "$(jqr '[.findings[].id] | index("config.loose_value") != null')" = true ]
	rd REDIS_URL='redis://cache.example.com:' -- env --format json
	[ "$status" -eq 0 ]
	[ "$(jqr .config.port)" = 6379 ]
	rd REDIS_HOST=cache.example.com REDIS_PORT= -- env --format json
	[ "$status" -eq 0 ]
	[ "$(jqr .config.port)" = 6379 ]
	# a bracketed REDIS_HOST is looked up as a name, as Node does
	rd REDIS_HOST='[::1]' -- env --format json
	[ "$status" -eq 0 ]
	[ "$(jqr .config.host)" = '[::1]' ]
}

@test "env --list-clients and --list-profiles, JSON and text; unknown models are exit 3" {
	rd -- env --list-clients --format json
	[ "$status" -eq 0 ]
	[ "$(jqr '[.clients[].name] | unique | join(",")')" = go-redis,ioredis,node-redis,redigo,redis-cli,redis-py,redisdiag ]
	[ "$(jqr '.clients[] | select(.model == "ioredis@5.0-5.8.1") | .family')" = 4 ]
	[ "$(jqr '.clients[] | select(.model == "ioredis@6") | .verified')" = '6.0.0 (npm; run, source read)' ]
	rd -- env --list-profiles --format json
	[ "$(jqr '.profiles[] | select(.default) | .name')" = cacheservice ]
	[ "$(jqr '.profiles[] | select(.name == "python-getenv") | .client')" = redis-py ]
	rd -- env --list-clients --format text
	[[ $output == *"ioredis@6"* && $output == *"verified: 6.0.0"* ]]
	rd -- env --client nosuch --format json
	[ "$status" -eq 3 ]
	rd -- env --profile nosuch --format json
	[ "$status" -eq 3 ]
	rd REDISDIAG_PROFILE=python-getenv -- env --format json
	[ "$(jqr .config.client)" = redis-py@4 ]
	rd -- env --client ioredis@5.3.2 --format json
	[ "$(jqr .config.client)" = ioredis@5.0-5.8.1 ]
	[ "$(jqr .config.family)" = 4 ]
}
