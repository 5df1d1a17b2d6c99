#!/usr/bin/env bats
# handshake.bats — the handshake each client model sends, and what it makes
# of the server's answer, against the REAL clients side by side: ioredis
# 6.0.0 / 5.9.3 / 5.3.2 and node-redis 6.3.1 (npm, under build/clients:
# scripts/install-deps --test), redis-py 4.3.4 (/usr/bin/python3, Debian
# python3-redis) and redis-cli 7.0 (Debian redis-tools), each asked for
# PING against real redis-server instances on 127.0.0.1:
#   plain    no password: a password the application passes is the
#            "no password configured" AUTH error (ioredis and redis-cli
#            log it and go on; redis-py fails), or accepted inside HELLO 3
#            (AUTH default PW: a default user without a password takes any)
#   nohello  the same with HELLO renamed away (a server without HELLO):
#            ioredis 6 falls back to AUTH, node-redis fails
#   auth     requirepass: HELLO 3 AUTH with the right and a wrong password
# and redisdiag check --client X must agree with whether the real client
# got PONG (exit 0 or not), with the verdict and severities the model
# gives.  Plus a real 3-node cluster: cluster.client_not_cluster_aware's
# remedy names the client's own cluster API.  No secret in redisdiag's
# output.  Every run is bounded.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/topology'

PW='Hs-canary-pw-3kX9'

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	fx_redis nohello --rename-command HELLO '' >/dev/null
	fx_redis_auth auth "$PW" >/dev/null
	topo_cluster c 3 0
	set -- $TOPO_PORTS_c
	C_SEED=$1
	CL=${CLIENTS_DIR:-$BATS_TEST_DIRNAME/../../build/clients}
	[[ $CL == /* ]] || CL="$PWD/$CL"
	D="$BATS_FILE_TMPDIR/drivers"
	mkdir -p "$D"
	# One PING each: "PONG", or "FAIL <error>"; exit 0 only on PONG.
	cat >"$D/ioredis.js" <<'EOF'
const Redis = require(process.argv[2]);
const e = process.env;
const o = { host: '127.0.0.1', port: +e.P, lazyConnect: true, retryStrategy: () => null,
	maxRetriesPerRequest: 0, connectTimeout: 3000 };
if (e.PW) o.password = e.PW;
const r = new Redis(o);
r.on('error', () => {});
const done = (s, c) => { console.log(s); r.disconnect(); process.exit(c); };
r.connect().then(() => r.ping()).then((v) => done(String(v), v === 'PONG' ? 0 : 1),
	(err) => done('FAIL ' + err.message, 1));
setTimeout(() => done('FAIL timeout', 2), 5000);
EOF
	cat >"$D/node-redis.js" <<'EOF'
const { createClient } = require(process.argv[2]);
const e = process.env;
const o = { socket: { host: '127.0.0.1', port: +e.P, reconnectStrategy: false, connectTimeout: 3000 } };
if (e.PW) o.password = e.PW;
const c = createClient(o);
c.on('error', () => {});
const done = (s, k) => { console.log(s); process.exit(k); };
c.connect().then(() => c.ping()).then((v) => done(String(v), v === 'PONG' ? 0 : 1),
	(err) => done('FAIL ' + err.message, 1));
setTimeout(() => done('FAIL timeout', 2), 5000);
EOF
	cat >"$D/redis-py.py" <<'EOF'
import os, sys
import redis
r = redis.Redis(host="127.0.0.1", port=int(os.environ["P"]),
                password=os.environ.get("PW") or None, socket_connect_timeout=3,
                socket_timeout=3)
try:
    v = r.ping()
except Exception as e:
    print("FAIL", type(e).__name__, e)
    sys.exit(1)
print("PONG" if v is True else "FAIL %r" % (v,))
sys.exit(0 if v is True else 1)
EOF
	export C_SEED CL D
}

teardown_file() {
	fx_teardown
}

have_clients() {
	local d
	for d in ioredis-6.0.0 ioredis-5.9.3 ioredis-5.3.2 node-redis; do
		[[ -d $CL/$d/node_modules ]] || skip "$CL/$d missing (scripts/install-deps --test)"
	done
	/usr/bin/python3 -c 'import redis' 2>/dev/null || skip "python3-redis missing"
	command -v node >/dev/null || skip "node missing"
}

# real CLIENT PORT [PW]: the real client's PING; REAL_OUT its line,
# REAL_OK 1 on PONG.
real() {
	local c=$1 out st=0
	local -x P=$2 PW=${3:-}
	case $c in
	ioredis@6) out=$(timeout 20 node "$D/ioredis.js" "$CL/ioredis-6.0.0/node_modules/ioredis" 2>/dev/null) || st=$? ;;
	ioredis@5.9.3) out=$(timeout 20 node "$D/ioredis.js" "$CL/ioredis-5.9.3/node_modules/ioredis" 2>/dev/null) || st=$? ;;
	ioredis@5.3.2) out=$(timeout 20 node "$D/ioredis.js" "$CL/ioredis-5.3.2/node_modules/ioredis" 2>/dev/null) || st=$? ;;
	node-redis) out=$(timeout 20 node "$D/node-redis.js" "$CL/node-redis/node_modules/redis" 2>/dev/null) || st=$? ;;
	redis-py) out=$(timeout 20 /usr/bin/python3 "$D/redis-py.py" 2>/dev/null) || st=$? ;;
	redis-cli) out=$(timeout 20 redis-cli -h 127.0.0.1 -p "$P" ${PW:+-a "$PW"} --no-auth-warning PING 2>/dev/null) || st=$? ;;
	esac
	REAL_OUT=$out
	REAL_OK=0
	[[ $st -eq 0 && $out == PONG ]] && REAL_OK=1
	return 0
}

# diag CLIENT PORT [PW]: redisdiag check --client CLIENT in an environment
# holding only the cacheservice variables (the app passes REDIS_PASSWORD).
diag() {
	local c=$1 p=$2 pw=${3:-} model=$1
	[[ $c == redis-cli || $c == redis-py || $c == node-redis ]] || model=$c
	run --separate-stderr timeout 30 env -i PATH="$PATH" REDISDIAG_SYSROOT=/nonexistent \
	    REDIS_HOST=127.0.0.1 REDIS_PORT="$p" ${pw:+REDIS_PASSWORD="$pw"} \
	    "$RD" check --client "$model" --format json --timeout 10s
	[[ $output != *"$PW"* && $stderr != *"$PW"* ]]
	[ "$(jq -r .exit_code <<<"$output")" = "$status" ]
}
# outcome REAL_OK VERDICT: the real client's result and redisdiag's verdict.
outcome() {
	[ "$REAL_OK" -eq "$1" ]
	[ "$(jq -r .verdict <<<"$output")" = "$2" ]
}
sev() { jq -r --arg id "$1" '[.findings[] | select(.id == $id) | .severity] | join(",")' <<<"$output"; }
step() { jq -r --arg n "$1" '.steps[] | select(.name == $n) | .status' <<<"$output"; }

# agree CLIENT PORT [PW]: both run; redisdiag exits 0 exactly when the real
# client got PONG.
agree() {
	real "$@"
	diag "$@"
	echo "$1 on port $2: real client '${REAL_OUT:0:160}' (PONG: $REAL_OK); redisdiag exit $status, $(jq -c '[.verdict, [.findings[] | "\(.id)/\(.severity)"]]' <<<"$output")" >&2
	if [[ $REAL_OK -eq 1 ]]; then [ "$status" -eq 0 ]; else [ "$status" -ne 0 ]; fi
}

@test "no password on the server, the app passes one: each real client's PONG (or failure) is redisdiag's exit, client by client" {
	have_clients
	local p=$FX_PORT_plain
	# ioredis 6 and node-redis: HELLO 3 AUTH default PW, which a default
	# user without a password accepts: PONG, and redisdiag ok.
	agree ioredis@6 "$p" x
	outcome 1 ok
	[ "$(step hello)" = ok ]
	[ "$(step auth)" = ok ]
	jq -e '.config.hello == {"proto": 3, "auth_inside": true, "fallback": true}' <<<"$output"
	[ -z "$(sev auth.no_password_configured)" ]
	agree node-redis "$p" x
	[ "$REAL_OK" -eq 1 ]
	jq -e '.config.hello == {"proto": 3, "auth_inside": true, "fallback": false}' <<<"$output"
	jq -e '.steps[] | select(.name == "auth") | .detail | test("inside HELLO 3")' <<<"$output"
	# ioredis 5.x and redis-cli: AUTH x, the error logged, PONG: redisdiag
	# warn (exit 0), the finding a warning that says the client goes on,
	# the remedy still "drop the password".
	for c in ioredis@5.9.3 ioredis@5.3.2 redis-cli; do
		agree "$c" "$p" x
		outcome 1 warn
		[ "$(sev auth.no_password_configured)" = warning ]
		jq -e '.findings[] | select(.id == "auth.no_password_configured") | .evidence | test("goes on")' <<<"$output"
		jq -e '[.findings[] | select(.id == "auth.no_password_configured") | .remediation[]] | any(test("pass no|remove the password"))' <<<"$output"
		jq -e '.config.hello == null' <<<"$output"
		jq -e '.alternatives | length == 0' <<<"$output"
	done
	# --strict makes the warning an exit 1, as every warning.
	run timeout 30 env -i PATH="$PATH" REDIS_HOST=127.0.0.1 REDIS_PORT="$p" REDIS_PASSWORD=x \
	    "$RD" check --client ioredis@5 --strict --format json
	[ "$status" -eq 1 ]
	# redis-py 4: ResponseError: redisdiag rejecting, critical.
	agree redis-py "$p" x
	outcome 0 rejecting
	[ "$(sev auth.no_password_configured)" = critical ]
	jq -e '.findings[] | select(.id == "auth.no_password_configured") | .evidence | test("fails the connection")' <<<"$output"
}

@test "a server without HELLO: ioredis 6 falls back to AUTH (PONG), node-redis fails; redisdiag agrees for every client" {
	have_clients
	local p=$FX_PORT_nohello c
	run timeout 5 redis-cli -p "$p" HELLO 3
	[[ $output == *"unknown command"* ]]	# the fixture has no HELLO
	agree ioredis@6 "$p" x
	outcome 1 warn
	[ "$(sev server.hello_unsupported)" = warning ]
	[ "$(sev auth.no_password_configured)" = warning ]
	jq -e '.findings[] | select(.id == "server.hello_unsupported") | .evidence | test("falls back")' <<<"$output"
	[ "$(step auth)" = fail ]	# the legacy AUTH after the refused HELLO
	# The password the unknown-command error echoes is masked.
	[[ $output != *"'x'"* ]] || jq -e '.findings[] | select(.id == "server.hello_unsupported") | .evidence | test("\\*\\*\\*\\*")' <<<"$output"
	agree node-redis "$p" x
	outcome 0 rejecting
	[ "$(sev server.hello_unsupported)" = critical ]
	[ "$(step auth)" = skip ]	# node-redis sends nothing after it
	jq -e '[.findings[] | select(.id == "server.hello_unsupported") | .remediation[]] | any(test("node-redis: pass RESP: 2"))' <<<"$output"
	# Without a password: a bare HELLO 3, the same outcomes.
	agree node-redis "$p"
	[ "$REAL_OK" -eq 0 ]
	agree ioredis@6 "$p"
	outcome 1 warn
	for c in ioredis@5.9.3 redis-cli redis-py; do
		agree "$c" "$p" x
	done
}

@test "HELLO 3 AUTH against requirepass: the right password works, a wrong one is auth.wrongpass once, for the real clients and redisdiag" {
	have_clients
	local p=$FX_PORT_auth c
	for c in ioredis@6 node-redis ioredis@5.9.3 redis-py redis-cli; do
		agree "$c" "$p" "$PW"
		outcome 1 ok
		agree "$c" "$p" wrong-pw
		[ "$REAL_OK" -eq 0 ]
		[ "$(jq '[.findings[] | select(.id == "auth.wrongpass")] | length' <<<"$output")" -eq 1 ]
	done
	# node-redis: the AUTH went inside HELLO; its step says so.
	agree node-redis "$p" "$PW"
	jq -e '.steps[] | select(.name == "hello") | .detail | test("^HELLO 3 AUTH <user> \\*\\*\\*\\*")' <<<"$output"
	jq -e '.checklist[] | select(.id == "auth") | .status == "pass"' <<<"$output"
}

@test "a cluster seed: cluster.client_not_cluster_aware names each client's own cluster API, not another's" {
	local c want other
	for c in ioredis node-redis redis-py go-redis redigo; do
		case $c in
		ioredis) want='new Redis\.Cluster' other='createCluster|RedisCluster|NewClusterClient' ;;
		node-redis) want='createCluster' other='Redis\.Cluster|RedisCluster|NewClusterClient' ;;
		redis-py) want='RedisCluster' other='createCluster|Redis\.Cluster|NewClusterClient' ;;
		go-redis) want='NewClusterClient' other='createCluster|Redis\.Cluster|RedisCluster' ;;
		redigo) want='redisc' other='createCluster|Redis\.Cluster|RedisCluster|NewClusterClient' ;;
		esac
		run --separate-stderr timeout 30 env -i PATH="$PATH" REDISDIAG_SYSROOT=/nonexistent \
		    "$RD" check -h 127.0.0.1 -p "$C_SEED" --client "$c" --format json --timeout 10s
		echo "$c: exit $status $(jq -c '[.findings[] | select(.id == "cluster.client_not_cluster_aware") | .remediation]' <<<"$output")" >&2
		[ "$status" -eq 0 ]
		jq -e '.topology.client_cluster_aware == false' <<<"$output"
		jq -e --arg w "$want" --arg o "$other" '[.findings[] | select(.id == "cluster.client_not_cluster_aware")] |
		    length == 1 and (.[0].remediation | any(test($w))) and (.[0].remediation | all(test($o) | not))' <<<"$output"
		jq -e --arg c "$c" '.findings[] | select(.id == "cluster.client_not_cluster_aware") | .evidence | contains($c)' <<<"$output"
	done
	# redis-cli: its -c.
	run timeout 30 env -i PATH="$PATH" "$RD" check -h 127.0.0.1 -p "$C_SEED" --client redis-cli --format json
	jq -e '[.findings[] | select(.id == "cluster.client_not_cluster_aware") | .remediation[]] | any(test("redis-cli -c"))' <<<"$output"
}
