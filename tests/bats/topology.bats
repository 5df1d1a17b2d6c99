#!/usr/bin/env bats
# run-cost: 19 (seconds alone, idle: tests/run starts the slowest first)
# topology.bats — issue 11: every node of a cluster and every sentinel,
# checked from here.  Real redis-server clusters (3 masters, made with
# redis-cli --cluster create) and sentinels (3, with a master and a
# replica) on 127.0.0.1 only (tests/lib/topology.bash).  "Unreachable" is
# a node announcing 127.0.0.2 while it binds 127.0.0.1 only, or a stopped
# master: never a private or public address.  Each test asserts exit
# status, finding ids and topology fields; every run is bounded.

bats_require_minimum_version 1.5.0

SPW='Sentinel-canary-pw-7Qe2'

load '../lib/fixtures'
load '../lib/cli'	# cli_setup_file, rd, rdv, has
load '../lib/topology'

setup_file() {
	cli_setup_file
	topo_cluster ok 3 0
	topo_cluster far 3 0
	topo_cluster holes 3 0
	topo_cluster_tls tls 3 0
	# far: its third node announces 127.0.0.2, which nothing binds.
	set -- $TOPO_PORTS_far
	FAR_SEED=$1 FAR_NODE=$3
	timeout 5 redis-cli -p "$FAR_NODE" CONFIG SET cluster-announce-ip 127.0.0.2 >/dev/null
	topo_wait_nodes "$FAR_SEED" "127\\.0\\.0\\.2:$FAR_NODE@"
	# holes: slots 0-99 taken away from the seed.
	set -- $TOPO_PORTS_holes
	HOLES_SEED=$1
	timeout 5 redis-cli -p "$HOLES_SEED" CLUSTER DELSLOTSRANGE 0 99 >/dev/null
	set -- $TOPO_PORTS_ok
	OK_SEED=$1
	# sentinels: a healthy set (s), one needing a password (a), and one
	# whose master is then stopped.
	topo_sentinel_set mymaster "$SPW"
	fx_redis dm >/dev/null
	topo_sentinels d 3 "$FX_PORT_dm" downmaster
	kill -TERM "$FX_PID_dm"
	for ((i = 0; i < 50; i++)); do
		timeout 1 redis-cli -p "$FX_PORT_dm" PING >/dev/null 2>&1 || break
		sleep 0.1
	done
	SCHEMA="$BATS_FILE_TMPDIR/schema.json"
	timeout 10 "$RD" schema >"$SCHEMA"
	export OK_SEED FAR_SEED FAR_NODE HOLES_SEED CLOSED SCHEMA APORT
}

teardown_file() {
	fx_teardown
}

# chk ARGS...: `check --format json` in an empty environment (rd: no
# container evidence either), bounded; the JSON's exit_code must equal the
# process's exit status.
chk() {
	RD_TIMEOUT=30 rd check --format json "$@"
	echo "status=$status" >&2
	echo "$output" | jq -c '{verdict, exit_code, findings: [.findings[].id],
	    topology: (.topology | del(.nodes?, .sentinels?))}' >&2 || true
	[ "$(echo "$output" | jq -r .exit_code)" = "$status" ]
}

hasnt() {
	! has "$1"
}

q() {
	echo "$output" | jq -r "$1"
}

# The report validates against the schema redisdiag prints.
valid() {
	python3 -c 'import jsonschema' 2>/dev/null || return 0
	echo "$output" | python3 -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator(s).validate(json.load(sys.stdin))' "$SCHEMA"
}

@test "cluster healthy: every announced node probed and reachable, full coverage, one MOVED followed" {
	chk -h 127.0.0.1 -p "$OK_SEED"
	[ "$status" -eq 0 ]
	[ "$(q .topology.mode)" = cluster ]
	[ "$(q .topology.seed)" = "127.0.0.1:$OK_SEED" ]
	[ "$(q .topology.source)" = "CLUSTER SHARDS" ]
	[ "$(q .topology.cluster_state)" = ok ]
	[ "$(q '.topology.nodes | length')" -eq 3 ]
	[ "$(q '[.topology.nodes[] | select(.probed and .reachable)] | length')" -eq 3 ]
	[ "$(q '[.topology.nodes[] | select(.role == "master")] | length')" -eq 3 ]
	[ "$(q '[.topology.nodes[].slot_count] | add')" -eq 16384 ]
	[ "$(q '[.topology.nodes[] | select(.myself)] | .[0].endpoint.port')" -eq "$OK_SEED" ]
	[ "$(q .topology.slots.assigned)" -eq 16384 ]
	[ "$(q .topology.slots.ok)" -eq 16384 ]
	[ "$(q '.topology.slots.uncovered | length')" -eq 0 ]
	[ "$(q .topology.redirect.kind)" = MOVED ]
	[ "$(q .topology.redirect.port)" -ne "$OK_SEED" ]
	# The redirect target is one of the announced nodes.
	[ "$(q '.topology.redirect.port as $p | any(.topology.nodes[]; .endpoint.port == $p)')" = true ]
	# Every node got the staged steps: tcp and ping ok.
	[ "$(q '[.topology.nodes[].steps[] | select(.name == "ping" and .status == "ok")] | length')" -eq 3 ]
	# The default client (ioredis new Redis(url)) is not cluster-aware.
	has cluster.client_not_cluster_aware
	[ "$(q .topology.client_cluster_aware)" = false ]
	# one cause, one finding: not server.cluster_mode as well
	hasnt server.cluster_mode
	hasnt cluster.announced_unreachable
	hasnt cluster.slots_uncovered
	hasnt cluster.node_failed
	valid
}

@test "cluster: a seed given as localhost is the node announced at the 127.0.0.1 it reached, not dialled twice" {
	local before after
	before=$(timeout 5 redis-cli -p "$OK_SEED" INFO stats </dev/null | tr -d '\r' |
	    sed -n 's/^total_connections_received://p')
	chk -h localhost -p "$OK_SEED"
	after=$(timeout 5 redis-cli -p "$OK_SEED" INFO stats </dev/null | tr -d '\r' |
	    sed -n 's/^total_connections_received://p')
	[ "$status" -eq 0 ]
	[ "$(q '[.topology.nodes[] | select(.seed)] | length')" -eq 1 ]
	# Its endpoint stays the announced address, its result the run's own.
	[ "$(q '.topology.nodes[] | select(.seed) | .endpoint.host')" = 127.0.0.1 ]
	[ "$(q '.topology.nodes[] | select(.seed) | .endpoint.port')" -eq "$OK_SEED" ]
	[ "$(q '.topology.nodes[] | select(.seed) | .reachable')" = true ]
	# The check's one connection and the first INFO's own: no peer's.
	[ $((after - before)) -eq 2 ]
}

@test "cluster: a RESP2 client (no HELLO) finds the mode in INFO and reads the same topology" {
	chk -h 127.0.0.1 -p "$OK_SEED" --client redis-py@4
	[ "$(q '.steps[] | select(.name == "hello") | .status')" = skip ]
	[ "$(q .topology.mode)" = cluster ]
	[ "$(q .topology.cluster_state)" = ok ]
	[ "$(q .server.cluster_state)" = ok ]
	[ "$(q '[.topology.nodes[] | select(.reachable)] | length')" -eq 3 ]
	[ "$(q .topology.redirect.kind)" = MOVED ]
}

@test "cluster: a user that may not read the topology (-@cluster... -cluster) gets server.cluster_mode alone, not cluster.client_not_cluster_aware" {
	timeout 5 redis-cli -p "$OK_SEED" ACL SETUSER nocluster reset on '>Nocluster-pw-2' \
	    '~*' '&*' +@all -cluster </dev/null
	chk -h 127.0.0.1 -p "$OK_SEED" --user nocluster -a Nocluster-pw-2
	has server.cluster_mode
	hasnt cluster.client_not_cluster_aware
	[ "$(q .topology.mode)" = cluster ]
	[ "$(q '.topology.nodes // [] | length')" -eq 0 ]
}

@test "cluster: a node announcing 127.0.0.2 while bound to 127.0.0.1 is unreachable from here (exit 2)" {
	chk -h 127.0.0.1 -p "$FAR_SEED"
	[ "$status" -eq 2 ]
	[ "$(q .verdict)" = unreachable ]
	has cluster.announced_unreachable
	# The seed itself answered.
	[ "$(q '.steps[] | select(.name == "ping") | .status')" = ok ]
	[ "$(q '[.topology.nodes[] | select(.reachable)] | length')" -eq 2 ]
	[ "$(q '.topology.nodes[] | select(.announced.ip == "127.0.0.2") | .reachable')" = false ]
	[ "$(q '.topology.nodes[] | select(.announced.ip == "127.0.0.2") | .endpoint.port')" -eq "$FAR_NODE" ]
	[ "$(q '.topology.nodes[] | select(.announced.ip == "127.0.0.2") | .findings | index("tcp.refused") != null')" = true ]
	[ "$(q '.topology.nodes[] | select(.announced.ip == "127.0.0.2") | .steps[] | select(.name == "tcp") | .status')" = fail ]
	# Evidence names the address; the remedy the announce setting and natMap.
	q '.findings[] | select(.id == "cluster.announced_unreachable") | .evidence' | grep -q "127.0.0.2:$FAR_NODE"
	q '.findings[] | select(.id == "cluster.announced_unreachable") | .remediation[]' | grep -q cluster-announce-ip
	q '.findings[] | select(.id == "cluster.announced_unreachable") | .remediation[]' | grep -q natMap
	valid
}

@test "cluster text output draws the node table with the failing node" {
	RD_TIMEOUT=30 rd check -h 127.0.0.1 -p "$FAR_SEED" --format text --no-color
	[ "$status" -eq 2 ]
	echo "$output" | grep -Eq '^topology +cluster'
	echo "$output" | grep -Eq '^  node +role +announced +slots +from here'
	echo "$output" | grep -E "127\.0\.0\.2:$FAR_NODE" | grep -q 'unreachable (tcp.refused)'
	[ "$(echo "$output" | grep -Ec '^  [0-9a-f]{10} +master +127\.0\.0\.1:[0-9]+ +[0-9]+-[0-9]+ +(ok|warn)')" -eq 2 ]
}

@test "cluster: slots deleted on the seed are uncovered, listed as ranges (exit 1)" {
	chk -h 127.0.0.1 -p "$HOLES_SEED"
	[ "$status" -eq 1 ]
	has cluster.slots_uncovered
	[ "$(q .topology.slots.assigned)" -eq 16284 ]
	[ "$(echo "$output" | jq -c .topology.slots.uncovered)" = '[[0,99]]' ]
	[ "$(q .topology.cluster_state)" = fail ]
	q '.findings[] | select(.id == "cluster.slots_uncovered") | .evidence' | grep -q '0-99'
	valid
}

@test "sentinel healthy: every sentinel agrees, the master is probed fully, the replica reachable" {
	chk $TOPO_SENTINEL_ARGS_s --master-name mymaster
	[ "$status" -eq 0 ]
	[ "$(q .topology.mode)" = sentinel ]
	[ "$(q .topology.master_name)" = mymaster ]
	[ "$(q '.topology.sentinels | length')" -eq 3 ]
	[ "$(q '[.topology.sentinels[] | select(.knows_master and .reachable)] | length')" -eq 3 ]
	[ "$(q '[.topology.sentinels[] | .quorum | startswith("OK")] | all')" = true ]
	[ "$(q .topology.master.port)" -eq "$FX_PORT_m" ]
	[ "$(q .topology.master.reachable)" = true ]
	# The report's steps are the master's: it is what the app talks to.
	[ "$(q '.steps[] | select(.name == "latency") | .status')" = ok ]
	[ "$(q .server.role)" = master ]
	[ "$(q '.topology.replicas | length')" -eq 1 ]
	[ "$(q .topology.replicas[0].port)" -eq "$FX_PORT_r" ]
	[ "$(q .topology.replicas[0].reachable)" = true ]
	[ "$(q .config.master_name)" = mymaster ]
	[ "$(q '.config.sentinels | length')" -eq 3 ]
	for id in sentinel.unreachable sentinel.unknown_master sentinel.disagree \
	    sentinel.no_quorum sentinel.master_unreachable sentinel.auth; do
		hasnt "$id"
	done
	valid
}

@test "sentinel: a redis+sentinel:// URL gives the same topology" {
	chk -u "$TOPO_SENTINEL_URL_s"
	[ "$status" -eq 0 ]
	[ "$(q .topology.mode)" = sentinel ]
	[ "$(q .config.url_redacted)" = "$TOPO_SENTINEL_URL_s" ]
	[ "$(q .topology.master.port)" -eq "$FX_PORT_m" ]
	[ "$(q '[.topology.sentinels[] | select(.knows_master)] | length')" -eq 3 ]
}

@test "sentinel: a wrong master name is sentinel.unknown_master naming the one they monitor (exit 1)" {
	chk -u "${TOPO_SENTINEL_URL_s%/*}/nosuchmaster"
	[ "$status" -eq 1 ]
	has sentinel.unknown_master
	[ "$(q '[.topology.sentinels[] | select(.answer == "nil")] | length')" -eq 3 ]
	[ "$(q .topology.master)" = null ]
	q '.findings[] | select(.id == "sentinel.unknown_master") | .remediation[]' | grep -q mymaster
	valid
}

@test "sentinel: a stopped master behind sentinels is sentinel.master_unreachable (exit 2)" {
	chk $TOPO_SENTINEL_ARGS_d --master-name downmaster
	[ "$status" -eq 2 ]
	has sentinel.master_unreachable
	has tcp.refused
	[ "$(q .topology.master.port)" -eq "$FX_PORT_dm" ]
	[ "$(q .topology.master.reachable)" = false ]
	[ "$(q '.steps[] | select(.name == "tcp") | .status')" = fail ]
	[ "$(q '[.topology.sentinels[] | select(.knows_master)] | length')" -eq 3 ]
	valid
}

@test "sentinel: one sentinel that does not answer is a warning; the others still decide (exit 0)" {
	chk $TOPO_SENTINEL_ARGS_s --sentinel "127.0.0.1:$CLOSED" --master-name mymaster
	[ "$status" -eq 0 ]
	has sentinel.unreachable
	[ "$(q '.findings[] | select(.id == "sentinel.unreachable") | .severity')" = warning ]
	[ "$(q '.topology.sentinels[3].reachable')" = false ]
	[ "$(q '.topology.sentinels[3].findings | index("tcp.refused") != null')" = true ]
	[ "$(q .topology.master.reachable)" = true ]
}

@test "sentinel: --sentinel without --master-name, and --master-name alone, are usage errors (exit 3)" {
	chk --sentinel "127.0.0.1:$CLOSED"
	[ "$status" -eq 3 ]
	chk -h 127.0.0.1 -p "$CLOSED" --master-name x
	[ "$status" -eq 3 ]
}

@test "sentinel auth is separate: the master's password is not sent to sentinels" {
	chk $TOPO_SENTINEL_ARGS_s --master-name mymaster -a Master-pw-not-for-sentinels
	# The master has no password: AUTH to it fails, not to the sentinels.
	[ "$(q '[.topology.sentinels[] | select(.knows_master)] | length')" -eq 3 ]
	[ "$(q .topology.sentinel_auth_sent)" = false ]
	[ "$(q .config.sentinel_password_set)" = false ]
	hasnt sentinel.auth
}

@test "watch: a cluster target's findings ride every probe line" {
	RD_TIMEOUT=30 rd watch -h 127.0.0.1 -p "$FAR_SEED" --count 1 --interval 100ms
	[ "$status" -eq 2 ]
	echo "$output" | head -n1 | jq -e '.findings | index("cluster.announced_unreachable") != null'
}

# explain: the cluster and sentinel clients' own errors name the topology
# finding, not the ECONNREFUSED their lines end with.
@test "explain: cluster and sentinel client errors" {
	local line id
	while IFS='|' read -r id line; do
		rd explain --format json "$line"
		echo "$id <- $line: $(echo "$output" | jq -c '[.lines[0].id, .exit_code]')" >&2
		[ "$(echo "$output" | jq -r '.lines[0].id')" = "$id" ]
		[ "$(echo "$output" | jq -r .exit_code)" = "$status" ]
		[ "$status" -ne 0 ]
	done <<'LINES'
cluster.announced_unreachable|[ioredis] Unhandled error event: ClusterAllFailedError: Failed to refresh slots cache.
cluster.announced_unreachable|ReplyError: Too many Cluster redirections. Last error: Error: connect ECONNREFUSED 172.17.0.3:6379
cluster.announced_unreachable|redis.exceptions.ClusterError: TTL exhausted.
cluster.announced_unreachable|redis.clients.jedis.exceptions.JedisClusterMaxAttemptsException: No more cluster attempts left.
sentinel.unknown_master|redis.sentinel.MasterNotFoundError: No master found for 'mymaster'
sentinel.unknown_master|ReplyError: ERR No such master with that name
sentinel.unreachable|[ioredis] Unhandled error event: Error: All sentinels are unreachable. Retrying from scratch after 10ms. Last error: Error: connect ECONNREFUSED 127.0.0.1:26379
sentinel.unreachable|redis: all sentinels specified in configuration are unreachable
sentinel.unreachable|redis.clients.jedis.exceptions.JedisConnectionException: All sentinels down, cannot determine where is mymaster master is running...
LINES
	# The host the ioredis line names is extracted.
	rd explain --format json \
	    "ReplyError: Too many Cluster redirections. Last error: Error: connect ECONNREFUSED 172.17.0.3:6379"
	[ "$(echo "$output" | jq -r '.lines[0].host')" = 172.17.0.3 ]
	[ "$(echo "$output" | jq -r '.lines[0].port')" = 6379 ]
}

@test "mode detection: a sentinel's port used as the Redis address is a sentinel, with the masters it monitors (exit 1)" {
	local first=${TOPO_SENTINELS_s%% *}
	chk -h 127.0.0.1 -p "${first##*:}"
	[ "$status" -eq 1 ]
	[ "$(q .server.mode)" = sentinel ]
	[ "$(q .topology.mode)" = sentinel ]
	[ "$(q .topology.sentinels[0].seed)" = true ]
	[ "$(q .topology.sentinels[0].known_masters)" = mymaster ]
	has sentinel.unknown_master
	q '.findings[] | select(.id == "sentinel.unknown_master") | .remediation[0]' | grep -q "redis+sentinel://127.0.0.1:${first##*:}/mymaster"
	valid
}

@test "--all-candidates with a cluster seed: the target's topology, the candidates' verdicts" {
	RD_TIMEOUT=30 rdv REDIS_URL="redis://127.0.0.1:$OK_SEED" \
	    KV_URL="redis://127.0.0.1:$CLOSED" -- check --all-candidates --format json
	[ "$status" -eq 0 ]
	[ "$(q .topology.mode)" = cluster ]
	[ "$(q '[.topology.nodes[] | select(.reachable)] | length')" -eq 3 ]
	[ "$(q '.candidates_probed | length')" -ge 1 ]
	[ "$(q '.candidates_probed[] | select(.name == "KV_URL") | .verdict')" = unreachable ]
}

# tls_cli ARGS...: redis-cli over TLS to 127.0.0.1, bounded.
tls_cli() {
	timeout 5 redis-cli --tls --cacert "$FX_CA" -h 127.0.0.1 "$@" </dev/null
}

# wait_topology PORT JQ: bounded wait (<= 10 s) until the seed's topology as
# redisdiag reads it satisfies JQ.
wait_topology() {
	local port=$1 expr=$2 i
	for ((i = 0; i < 100; i++)); do
		timeout 10 "$RD" check -h 127.0.0.1 -p "$port" --tls --cacert "$FX_CA" \
		    --format json 2>/dev/null | jq -e "$expr" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

@test "TLS cluster healthy: every node probed over TLS on its announced tls-port" {
	set -- $TOPO_PORTS_tls
	chk -h 127.0.0.1 -p "$1" --tls --cacert "$FX_CA"
	[ "$status" -eq 0 ]
	[ "$(q '[.topology.nodes[] | select(.reachable and .announced.tls_port != null)] | length')" -eq 3 ]
	[ "$(q '[.topology.nodes[].steps[] | select(.name == "tls" and .status == "ok")] | length')" -ge 2 ]
	hasnt cluster.tls_port_mismatch
	hasnt cluster.hostname_mismatch
	valid
}

@test "TLS cluster: a node announcing a host name its certificate does not cover is cluster.hostname_mismatch (exit 2)" {
	set -- $TOPO_PORTS_tls
	local seed=$1 node=$3
	[ "$(tls_cli -p "$node" CONFIG SET tls-cert-file "$FX_WRONG_CERT" tls-key-file "$FX_WRONG_KEY")" = OK ]
	# redis-cli checks the chain, not the name: it still gets in.
	[ "$(tls_cli -p "$node" CONFIG SET cluster-announce-hostname localhost)" = OK ]
	wait_topology "$seed" 'any(.topology.nodes[]; .announced.hostname == "localhost")'
	chk -h 127.0.0.1 -p "$seed" --tls --cacert "$FX_CA"
	[ "$status" -eq 2 ]
	has cluster.hostname_mismatch
	[ "$(q '.topology.nodes[] | select(.announced.hostname == "localhost") | .sni')" = localhost ]
	[ "$(q '.topology.nodes[] | select(.announced.hostname == "localhost") | .findings | index("tls.hostname_mismatch") != null')" = true ]
	hasnt cluster.announced_unreachable
	valid
}

@test "TLS cluster: a node announcing a plaintext port as its tls-port is cluster.tls_port_mismatch (exit 2)" {
	set -- $TOPO_PORTS_tls
	local seed=$1 node=$2 plain
	plain=$(fx_port)
	[ "$(tls_cli -p "$node" CONFIG SET port "$plain")" = OK ]
	[ "$(tls_cli -p "$node" CONFIG SET cluster-announce-tls-port "$plain")" = OK ]
	wait_topology "$seed" "any(.topology.nodes[]; .announced.tls_port == $plain)"
	chk -h 127.0.0.1 -p "$seed" --tls --cacert "$FX_CA"
	[ "$status" -eq 2 ]
	has cluster.tls_port_mismatch
	[ "$(q ".topology.nodes[] | select(.announced.tls_port == $plain) | .findings | index(\"tls.plaintext_port\") != null")" = true ]
	q '.findings[] | select(.id == "cluster.tls_port_mismatch") | .evidence' | grep -q "127.0.0.1:$plain"
	q '.findings[] | select(.id == "cluster.tls_port_mismatch") | .remediation[]' | grep -q tls-port
	valid
}

@test "sentinel auth: a sentinel that needs a password is sentinel.auth without one (exit 1), and answers with --sentinel-password" {
	chk --sentinel "127.0.0.1:$APORT" --master-name mymaster
	[ "$status" -eq 1 ]
	has sentinel.auth
	[ "$(q '.findings[] | select(.id == "sentinel.auth") | .severity')" = critical ]
	q '.findings[] | select(.id == "sentinel.auth") | .remediation[]' | grep -q -- --sentinel-password
	[ "$(q .topology.sentinel_auth_sent)" = false ]
	chk --sentinel "127.0.0.1:$APORT" --master-name mymaster --sentinel-password "$SPW"
	[ "$status" -eq 0 ]
	hasnt sentinel.auth
	[ "$(q .topology.sentinel_auth_sent)" = true ]
	[ "$(q .config.sentinel_password_set)" = true ]
	[ "$(q .topology.master.port)" -eq "$FX_PORT_m" ]
	[[ $output != *"$SPW"* ]]
	[[ $stderr != *"$SPW"* ]]
}
