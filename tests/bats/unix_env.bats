#!/usr/bin/env bats
# unix_env.bats — a Unix socket named by the environment (issue 13):
# REDIS_URL=unix:///path[?db=N] with a password, probed over a real
# redis-server's socket the way each modelled client reads it, and the
# real clients (ioredis, node-redis from build/clients; redis-py from the
# distribution) read the same URLs to the same socket, db and password
# when they are installed.  No secret in any output; every run bounded.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# cli_setup_file, rdv

PW='Unix-canary-pw-4Rk9'

setup_file() {
	cli_setup_file
	export RD_TIMEOUT=30
	SOCK="$BATS_FILE_TMPDIR/r.sock"
	fx_redis usock --unixsocket "$SOCK" --unixsocketperm 700 \
	    --requirepass "$PW" >/dev/null
	export SOCK
}

teardown_file() {
	fx_teardown
}

no_secret() {
	[[ $output != *"$PW"* && $stderr != *"$PW"* ]]
}

step() {	# NAME: the status of that step
	jq -r --arg n "$1" '.steps[] | select(.name == $n) | .status' <<<"$output"
}

@test "REDIS_URL=unix:// with ?db= and REDIS_PASSWORD: the default profile (ioredis) probes the socket" {
	rdv REDIS_URL="unix://$SOCK?db=2" REDIS_PASSWORD="$PW" REDIS_HOST=cache -- \
	    check --format json
	[ "$status" -eq 0 ]
	no_secret
	jq -e --arg s "$SOCK" '.config.host == $s and .config.port == null and
	    .config.db == 2 and .config.password_set and
	    .config.fields.host.source == "url:REDIS_URL" and
	    .config.fields.password.source == "env:REDIS_PASSWORD" and
	    .config.url_redacted == "unix://\($s)?db=2"' <<<"$output"
	[ "$(step dns)" = skip ]
	[ "$(step tcp)" = ok ]
	[ "$(step auth)" = ok ]
	[ "$(step select)" = ok ]
	[ "$(step ping)" = ok ]
	# REDIS_HOST lost to the URL, as the application's || says.
	jq -e '[.config.shadowed[].name] | index("REDIS_HOST") != null' <<<"$output"
	# The text names the socket.
	rdv REDIS_URL="unix://$SOCK" REDIS_PASSWORD="$PW" -- check --format text
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "target Unix socket $SOCK (from url:REDIS_URL)"* ]]
	# ioredis reads a bare path as the socket too.
	rdv REDIS_URL="$SOCK" REDIS_PASSWORD="$PW" -- check --format json
	[ "$status" -eq 0 ]
	jq -e --arg s "$SOCK" '.config.host == $s' <<<"$output"
}

@test "a password in the unix:// URL: ioredis 5, node-redis, redis-py, go-redis send it; ioredis 6 cannot read it, and says so" {
	local c
	for c in ioredis@5.9.3 ioredis@5.3.2 node-redis redis-py go-redis; do
		rdv REDIS_URL="unix://:$PW@$SOCK" -- check --client "$c" --format json
		[ "$status" -eq 0 ] || { echo "$c: exit $status" >&2; return 1; }
		no_secret
		jq -e '.config.fields.password.source == "url:REDIS_URL"' <<<"$output"
		[ "$(step auth)" = ok ]
	done
	# ioredis 6 prepends redis:// and new URL() makes "//:PASS@/path" the
	# socket path (run: redis.options.path): no such socket, no AUTH.
	rdv REDIS_URL="unix://:$PW@$SOCK" -- check --format json
	[ "$status" -eq 3 ]
	no_secret
	jq -e '.findings[] | select(.id == "config.invalid_url") |
	    .evidence | test("ioredis@6: ioredis 6 takes the socket path as //USER:PASS@/path")' <<<"$output"
	jq -e '.config.disagreements[] | select(.client == "redis-py@4") | .differs == "connects"' <<<"$output"
	# Without the URL's password the server refuses: auth.required.
	rdv REDIS_URL="unix://$SOCK" -- check --format json
	[ "$status" -eq 1 ]
	jq -e '[.findings[].id] | index("auth.required") != null' <<<"$output"
}

@test "clients that cannot read unix://: redigo and redis-cli, their own words, exit 3" {
	rdv REDIS_URL="unix://$SOCK" REDIS_PASSWORD="$PW" -- check --client redigo --format json
	[ "$status" -eq 3 ]
	jq -e '.findings[] | select(.id == "config.invalid_url") | .evidence | test("redigo@1: the scheme is not redis: or rediss:")' <<<"$output"
	rdv REDIS_URL="unix://$SOCK" REDIS_PASSWORD="$PW" -- check --client redis-cli --format json
	[ "$status" -eq 3 ]
	jq -e '.findings[] | select(.id == "config.invalid_url") | .evidence | test("Invalid URI scheme")' <<<"$output"
	# The real redis-cli agrees: -u unix:// is not a URI it takes.
	run timeout 5 redis-cli -u "unix://$SOCK" ping
	[ "$status" -ne 0 ]
	[[ $output == *"Invalid URI scheme"* ]]
	# node-redis tests the lower-case prefix: UNIX:// is a protocol error.
	rdv REDIS_URL="UNIX://$SOCK" -- env --client node-redis --format json
	[ "$status" -eq 3 ]
	# redis-py takes any case; a host before the path is ignored.
	rdv REDIS_URL="UNIX://h$SOCK" REDIS_PASSWORD="$PW" -- check --client redis-py --format json
	[ "$status" -eq 0 ]
}

@test "the generic profile: unix://[user:password@]/path?db=N (redis-py's form); malformed ones are config.invalid_url" {
	rdv REDIS_URL="unix://:$PW@$SOCK?db=1" REDIS_HOST=cache REDIS_PORT=7000 -- \
	    check --profile generic --format json
	[ "$status" -eq 0 ]
	no_secret
	jq -e --arg s "$SOCK" '.config.host == $s and .config.db == 1 and
	    .config.tls == false and .config.sni == null' <<<"$output"
	[ "$(step select)" = ok ]
	local bad
	for bad in "unix://relative.sock" "unix://cache$SOCK" "unix://:$PW@rel"; do
		rdv REDIS_URL="$bad" -- env --profile generic --format json
		[ "$status" -eq 3 ] || { echo "accepted $bad" >&2; return 1; }
		no_secret
		jq -e '[.findings[].id] | index("config.invalid_url") != null' <<<"$output"
	done
	# -u unix:// on the command line reads the same form (url.c).
	rdv -- check -u "unix://:$PW@$SOCK?db=3" --no-auth-warning --format json
	[ "$status" -eq 0 ]
	jq -e '.config.db == 3 and .config.fields.host.source == "flag:-u"' <<<"$output"
}

# reading CLIENT URL: "PATH DB pw|-" as redisdiag reads REDIS_URL=URL
# with --client CLIENT, or "unreadable" (exit 3).
reading() {
	rdv REDIS_URL="$2" -- env --client "$1" --format json
	if [ "$status" -eq 3 ]; then
		echo unreadable
	else
		jq -r '[.config.host, .config.db,
		    (if .config.password_set then "pw" else "-" end)] | join(" ")' <<<"$output"
	fi
}

@test "the real clients read these URLs as redisdiag says (ioredis, node-redis lazy; redis-py connects and PINGs)" {
	local dir=${CLIENTS_DIR:-$BATS_TEST_DIRNAME/../../build/clients} u got want
	local urls=("unix://$SOCK?db=2" "unix://:$PW@$SOCK" "$SOCK")
	local ran=0 c sub
	for c in ioredis@6 ioredis@5.9.3 ioredis@5.3.2; do
		sub=ioredis-${c#ioredis@}
		[[ $sub == ioredis-6 ]] && sub=ioredis-6.0.0
		[[ -d $dir/$sub/node_modules/ioredis ]] || continue
		ran=1
		for u in "${urls[@]}"; do
			got=$(NODE_PATH=$dir/$sub/node_modules timeout 20 node -e '
			    const R = require("ioredis");
			    const r = new R(process.argv[1], { lazyConnect: true });
			    const o = r.options; r.disconnect();
			    const p = (o.path || "").replace(/^\/+/, "/");
			    console.log(p.includes("@") ? "unreadable" :
			        [p, o.db || 0, o.password ? "pw" : "-"].join(" "));' "$u")
			want=$(reading "$c" "$u")
			[ "$got" = "$want" ] || { echo "$c $u: ioredis '$got', redisdiag '$want'" >&2; return 1; }
		done
	done
	if [[ -d $dir/node-redis/node_modules/@redis/client ]]; then
		ran=1
		for u in "${urls[@]}"; do
			got=$(NODE_PATH=$dir/node-redis/node_modules timeout 20 node -e '
			    const { RedisClient } = require("@redis/client");
			    try {
			        const o = RedisClient.factory({})({ url: process.argv[1] }).options;
			        console.log([o.socket.path, o.database || 0, o.password ? "pw" : "-"].join(" "));
			    } catch (e) { console.log("unreadable"); }' "$u")
			want=$(reading node-redis "$u")
			[ "$got" = "$want" ] || { echo "node-redis $u: '$got', redisdiag '$want'" >&2; return 1; }
		done
	fi
	if /usr/bin/python3 -c 'import redis' 2>/dev/null; then
		ran=1
		# redis.from_url(url, password=...) as the cacheservice port
		# hands it: the URL's password wins; a real PING over the socket.
		run timeout 20 /usr/bin/python3 -c '
import sys, redis
r = redis.from_url(sys.argv[1], password=sys.argv[2])
print(r.ping(), r.connection_pool.connection_kwargs.get("db") or 0)' \
		    "unix://:$PW@$SOCK?db=4" wrong-option-pw
		[ "$status" -eq 0 ]
		[ "$output" = "True 4" ]
		rdv REDIS_URL="unix://:$PW@$SOCK?db=4" REDIS_PASSWORD=wrong-option-pw -- \
		    check --client redis-py --format json
		[ "$status" -eq 0 ]
		jq -e '.config.db == 4 and .config.fields.password.source == "url:REDIS_URL"' <<<"$output"
	fi
	((ran)) || skip "no client library installed (scripts/install-deps --test)"
}

@test "check --targets: a unix:// line is the socket, named by its path" {
	local f="$BATS_TEST_TMPDIR/targets"
	printf 'unix://%s\nsock unix://%s?db=1 password_env=SOCK_PW\n' "$SOCK" "$SOCK" >"$f"
	rdv SOCK_PW="$PW" -- check --targets "$f" --format ndjson
	no_secret
	jq -se --arg s "$SOCK" '[.[] | select(.target.name == "sock")] | length == 1 and
	    (.[0] | .exit_code == 0 and .config.host == $s and .config.db == 1)' <<<"$output"
	jq -se --arg s "$SOCK" '[.[] | select(.target.name == $s)] | length == 1 and
	    (.[0] | .config.host == $s and .config.port == null and .exit_code == 1)' <<<"$output"
}

@test "a failed check over the socket tries no TLS variation (a Unix socket has no TLS), and the spare password works" {
	rdv REDIS_URL="unix://$SOCK" NF_REDIS_PASSWORD="$PW" -- check --format json
	[ "$status" -eq 1 ]
	[ "$(jq -r '[.findings[].id] | index("auth.required") != null' <<<"$output")" = true ]
	[ "$(jq '[.alternatives[]? | select(.change | test("TLS"))] | length' <<<"$output")" -eq 0 ]
	# The password the profile does not read here would work.
	[ "$(jq -r '[.alternatives[] | select(.change | test("password")) | .verdict] | index("ok") != null' <<<"$output")" = true ]
	no_secret
}

@test "a socket that closes without a word: no 'TLS on' variation over a Unix socket" {
	local s="$BATS_TEST_TMPDIR/drop.sock" pid i
	# Accepts and closes at once, for at most 20 s.
	timeout 20 python3 -c '
import socket, sys
l = socket.socket(socket.AF_UNIX); l.bind(sys.argv[1]); l.listen(8)
while True:
    c, _ = l.accept(); c.close()
' "$s" &
	pid=$!
	for ((i = 0; i < 50; i++)); do [[ -S $s ]] && break; sleep 0.1; done
	rdv REDIS_URL="unix://$s" -- check --format json
	kill "$pid" 2>/dev/null || true
	[ "$status" -eq 2 ]
	[ "$(jq '[.alternatives[]? | select(.change | test("TLS"))] | length' <<<"$output")" -eq 0 ]
}
