#!/usr/bin/env bats
# simulate.bats — `redisdiag simulate`: every scenario's report carries the
# finding id that names it, its verdict and the exit status a real failure
# of that kind gives (SPEC 9, issue 5; hostile servers of issue 6); --list;
# --serve end to end with redis-cli; clean exits.  Every run is bounded by
# timeout(1) and every wait loop by a count.  Nothing but loopback.

# run-cost: 14 (seconds alone, idle: tests/run starts the slowest first)

bats_require_minimum_version 1.5.0

load '../lib/cli'	# has

# Every listed scenario runs once, in setup_file, a few at a time (most
# of them wait on a deadline, not on a CPU); the tests read those runs.
SIM_JOBS=4

# sim_opts NAME: the options a scenario's run takes (dns-stall's stub
# resolver would stall for the whole default deadline).
sim_opts() {
	case $1 in
	dns-stall) echo --timeout 500ms ;;
	esac
}

# sim_store NAME: `simulate --format json` of NAME, bounded, with an empty
# environment (simulate must not need or read one), into $SIM_DIR/NAME/
# (out, err, status).
sim_store() {
	local n=$1 d=$SIM_DIR/$1 st=0
	mkdir -p "$d"
	# shellcheck disable=SC2046 # sim_opts is split into words on purpose
	env -i PATH="$PATH" timeout 30 "$RD" simulate --format json \
	    $(sim_opts "$n") "$n" </dev/null >"$d/out" 2>"$d/err" || st=$?
	echo "$st" >"$d/status"
}

setup_file() {
	RD=${REDISDIAG:-./redisdiag}
	[[ $RD == /* ]] || RD="$PWD/$RD"
	SIM_DIR=$BATS_FILE_TMPDIR/sim
	LIST=$SIM_DIR/list.json
	export RD SIM_DIR LIST
	mkdir -p "$SIM_DIR"
	"$RD" simulate --list --format json >"$LIST"
	# name finding verdict exit_code, one line per scenario ("-": none).
	jq -r '.[] | "\(.name) \(.finding // "-") \(.verdict) \(.exit_code)"' \
	    "$LIST" >"$SIM_DIR/rows"
	local n
	for n in $(jq -r '.[].name' "$LIST"); do
		while (($(jobs -rp | wc -l) >= SIM_JOBS)); do
			wait -n || true
		done
		sim_store "$n" 3>&- &
	done
	wait
}

# sim NAME [simulate options]: `simulate --format json`, bounded, with an
# empty environment (simulate must not need or read one).  The JSON's
# exit_code must equal the process status.
sim() {
	local name=$1
	shift
	run --separate-stderr env -i PATH="$PATH" \
	    timeout 30 "$RD" simulate --format json "$@" "$name"
	echo "status=$status stderr=$stderr" >&2
	echo "$output" | jq -c '{verdict, exit_code, scenario,
	    findings: [.findings[].id]}' >&2 || true
	[ "$(echo "$output" | jq -r .exit_code)" = "$status" ]
}

# stored NAME: the run of NAME setup_file made, into $output, $stderr and
# $status as sim sets them.
stored() {
	local d=$SIM_DIR/$1
	[ -s "$d/status" ] || { echo "$1: setup_file has no run of it" >&2; return 1; }
	status=$(<"$d/status")
	output=$(<"$d/out")
	stderr=$(<"$d/err")
}

# report_is NAME ID VERDICT STATUS: the report in $output (status $status)
# is NAME's, from simulate, with that exit status (the JSON's exit_code
# too) and verdict, and carries ID.  ID "-" means no critical finding at
# all (the baselines).  One jq for all of it: this runs once per scenario
# and row.
report_is() {
	local name=$1 id=$2 verdict=$3 code=$4 got
	got=$(jq -r --arg id "$id" '"\(.exit_code) \(.verdict) \(.command) \(.scenario) \(
	    if $id == "-" then all(.findings[]; .severity != "critical")
	    else any(.findings[]; .id == $id) end)",
	    ({verdict, exit_code, scenario, findings: [.findings[].id]} | tojson)' \
	    <<<"$output") || got=
	echo "$name: status=$status stderr=$stderr report: ${got#*$'\n'}" >&2
	[ "$status" -eq "$code" ]
	[ "${got%%$'\n'*}" = "$code $verdict simulate $name true" ]
}

# scenario NAME ID VERDICT STATUS: the contract of one row of the table
# below: NAME's run carries it, and the row in --list says the same.
scenario() {
	local name=$1 id=$2 verdict=$3 code=$4
	stored "$name"
	report_is "$name" "$id" "$verdict" "$code"
	[ "$(awk -v n="$name" '$1 == n { print $2, $3, $4 }' "$SIM_DIR/rows")" = "$id $verdict $code" ]
}

# serve NAME [options]: `simulate --serve` in the background; sets
# SERVE_PID, SERVE_URL and (TLS) SERVE_CA.  Waits at most 10 s.
# timeout --foreground: stop_serve's signal reaches the server once (see
# watch.bats's bg).
serve() {
	local name=$1 i
	shift
	SERVE_OUT="$BATS_TEST_TMPDIR/serve.out"
	: >"$SERVE_OUT"
	timeout --foreground 60 "$RD" simulate --serve "$@" "$name" >"$SERVE_OUT" \
	    2>"$BATS_TEST_TMPDIR/serve.err" </dev/null 3>&- &
	SERVE_PID=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$SERVE_OUT" ] && grep -q '://' "$SERVE_OUT" && break
		sleep 0.1
	done
	SERVE_URL=$(sed -n 1p "$SERVE_OUT")
	SERVE_CA=$(sed -n 2p "$SERVE_OUT")
	[ -n "$SERVE_URL" ]
}

# stop_serve SIGNAL: signals the server, waits (<= 10 s), asserts exit 0
# and that nothing is left: no process, no listener, no temp directory.
stop_serve() {
	local sig=$1 i rc port
	port=${SERVE_URL##*:}
	kill "-$sig" "$SERVE_PID"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$SERVE_PID" 2>/dev/null
	rc=0
	wait "$SERVE_PID" || rc=$?
	[ "$rc" -eq 0 ]
	run timeout 5 redis-cli -h 127.0.0.1 -p "$port" PING
	[[ $output != *PONG* ]]
	if [ -n "${SERVE_CA:-}" ]; then
		[ ! -e "$SERVE_CA" ]
		[ ! -e "$(dirname "$SERVE_CA")" ]
	fi
}

# --- the table ------------------------------------------------------------

@test "every listed scenario has a test in this file, and SPEC 9's are listed" {
	run -0 "$RD" simulate --list --format json
	local names n
	names=$(echo "$output" | jq -r '.[].name')
	for n in $names; do
		grep -Eq "(^	|\{ )scenario $n " "$BATS_TEST_FILENAME"
	done
	for n in healthy refused blackhole silent reset slow dns-nxdomain \
	    tls-to-plaintext plaintext-to-tls cert-untrusted cert-expired \
	    cert-wrong-host client-cert-required sni-required noauth wrongpass \
	    no-password-configured noperm protected-mode maxclients loading \
	    busy masterdown readonly-replica oom db-out-of-range cluster-moved \
	    cluster-down not-redis hostile-reply localhost-in-container \
	    shadowed-nf-vars garbage bulk-2g bulk-huge deep-nesting long-line \
	    drip tls-garbage close-mid-reply endless-ping dns-stall \
	    cluster-announce-unreachable cluster-slots-uncovered \
	    sentinel-wrong-master sentinel-master-unreachable; do
		echo "$names" | grep -qx -- "$n"
	done
}

# The loop: a scenario added to the table in src/scenarios.c is run and
# checked here before anyone writes its row below.
@test "every listed scenario: its report carries the listed finding, verdict and exit status" {
	local n id verdict code k=0
	while read -r n id verdict code; do
		stored "$n"
		report_is "$n" "$id" "$verdict" "$code"
		k=$((k + 1))
	done <"$SIM_DIR/rows"
	[ "$k" -ge 44 ]
}

@test "--list: text, one line per scenario with a description" {
	run -0 "$RD" simulate --list --format text
	local want
	want=$("$RD" simulate --list --format json | jq length)
	[ "$(echo "$output" | wc -l)" -eq "$want" ]
	[ "$(echo "$output" | awk 'NF < 2' | wc -l)" -eq 0 ]
	echo "$output" | grep -q '^healthy '
}

@test "--list: JSON array with name, description, finding, exit_code, verdict, tls" {
	run -0 "$RD" simulate --list --format json
	echo "$output" | jq -e 'length >= 44 and all(.[]; (.name|type) == "string"
	    and (.description|type) == "string" and (.exit_code|type) == "number"
	    and (.verdict|type) == "string" and (.tls|type) == "boolean")' >/dev/null
	[ "$(echo "$output" | jq '[.[].name] | unique | length')" = "$(echo "$output" | jq length)" ]
}

@test "unknown scenario: one line on stderr, exit 3" {
	run --separate-stderr "$RD" simulate --format json no-such-scenario
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$(echo "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr == redisdiag:* ]]
}

@test "dns scenarios have no server to serve: exit 3" {
	run --separate-stderr timeout 10 "$RD" simulate --serve dns-nxdomain
	[ "$status" -eq 3 ]
}

# --- one row per scenario ----------------------------------------------------
# Each row pins the finding id, verdict and exit status SPEC 9 gives the
# scenario: its run (made in setup_file) carries them and --list says the
# same.  A row is a one-line test so that a failure names its scenario.

@test "healthy: ok, exit 0" {
	scenario healthy - ok 0
	[ "$(echo "$output" | jq -r .server.version)" = 7.0.15 ]
	[ "$(echo "$output" | jq -r .latency.samples)" -eq 10 ]
}

@test "healthy-tls: ok over TLS, exit 0" {
	scenario healthy-tls - ok 0
	[ "$(echo "$output" | jq -r .config.tls)" = true ]
}

@test "mtls: client certificate presented, ok, exit 0" { scenario mtls - ok 0; }
@test "refused: tcp.refused, exit 2" { scenario refused tcp.refused unreachable 2; }
@test "blackhole: connect hangs until the deadline: tcp.timeout, exit 2" { scenario blackhole tcp.timeout unreachable 2; }
@test "silent: proto.timeout, exit 2" { scenario silent proto.timeout unreachable 2; }
@test "reset: tcp.reset, exit 2" { scenario reset tcp.reset unreachable 2; }
@test "slow: latency.high, warn, exit 0" { scenario slow latency.high warn 0; }
@test "not-redis: proto.not_redis, exit 2" { scenario not-redis proto.not_redis unreachable 2; }
@test "hostile-reply: proto.hostile_reply, exit 2" { scenario hostile-reply proto.hostile_reply unreachable 2; }
@test "dns-nxdomain: dns.nxdomain through the resolver seam, exit 2" { scenario dns-nxdomain dns.nxdomain unreachable 2; }
@test "dns-stall: dns.timeout, exit 2" { scenario dns-stall dns.timeout unreachable 2; }
@test "tls-to-plaintext: tls.plaintext_port, exit 2" { scenario tls-to-plaintext tls.plaintext_port unreachable 2; }
@test "plaintext-to-tls: proto.tls_required, exit 2" { scenario plaintext-to-tls proto.tls_required unreachable 2; }
@test "cert-untrusted: tls.cert_untrusted, exit 2" { scenario cert-untrusted tls.cert_untrusted unreachable 2; }
@test "cert-expired: tls.cert_expired, exit 2" { scenario cert-expired tls.cert_expired unreachable 2; }
@test "cert-wrong-host: tls.hostname_mismatch, exit 2" { scenario cert-wrong-host tls.hostname_mismatch unreachable 2; }
@test "client-cert-required: tls.client_cert_required, exit 2" { scenario client-cert-required tls.client_cert_required unreachable 2; }
@test "sni-required: tls.sni_required, exit 2" { scenario sni-required tls.sni_required unreachable 2; }
@test "noauth: auth.required, rejecting, exit 1" { scenario noauth auth.required rejecting 1; }
@test "wrongpass: auth.wrongpass, exit 1; the password never shows" {
	scenario wrongpass auth.wrongpass rejecting 1
	[[ $output != *not-the-password* ]]
	[[ $stderr != *not-the-password* ]]
}

@test "no-password-configured: auth.no_password_configured, exit 1" { scenario no-password-configured auth.no_password_configured rejecting 1; }
@test "noperm: auth.noperm warning, check passes with exit 0" { scenario noperm auth.noperm warn 0; }
@test "protected-mode: server.protected_mode, exit 1" { scenario protected-mode server.protected_mode rejecting 1; }
@test "maxclients: server.maxclients, exit 1" { scenario maxclients server.maxclients rejecting 1; }
@test "loading: server.loading, exit 1" { scenario loading server.loading rejecting 1; }
@test "busy: server.busy, exit 1" { scenario busy server.busy rejecting 1; }
@test "masterdown: server.masterdown, exit 1" { scenario masterdown server.masterdown rejecting 1; }
@test "readonly-replica: server.readonly_replica, exit 0" {
	scenario readonly-replica server.readonly_replica warn 0
	[ "$(echo "$output" | jq -r .server.role)" = slave ]
}

@test "oom: server.oom_risk, exit 0" { scenario oom server.oom_risk warn 0; }
@test "db-out-of-range: server.db_out_of_range, exit 1" { scenario db-out-of-range server.db_out_of_range rejecting 1; }
@test "cluster-moved: cluster.client_not_cluster_aware (not also server.cluster_mode: one cause, one finding); the node it announces refuses, exit 2" { scenario cluster-moved cluster.client_not_cluster_aware unreachable 2; has cluster.announced_unreachable; [ "$(jq '[.findings[] | select(.id == "server.cluster_mode")] | length' <<<"$output")" -eq 0 ]; }
@test "cluster-down: server.cluster_down (PING still answers), exit 1" { scenario cluster-down server.cluster_down rejecting 1; }
@test "cluster-slot-unserved: server.cluster_down (Hash slot not served), exit 1" { scenario cluster-slot-unserved server.cluster_down rejecting 1; }
@test "cluster-announce-unreachable: cluster.announced_unreachable, exit 2" {
	scenario cluster-announce-unreachable cluster.announced_unreachable unreachable 2
	[ "$(echo "$output" | jq -r .topology.mode)" = cluster ]
	[ "$(echo "$output" | jq -r '.topology.nodes[] | select(.announced.ip == "127.0.0.2") | .reachable')" = false ]
	[ "$(echo "$output" | jq -r '[.topology.nodes[] | select(.reachable)] | length')" -eq 1 ]
	[ "$(echo "$output" | jq -r .topology.redirect.host)" = 127.0.0.2 ]
}
@test "cluster-slots-uncovered: cluster.slots_uncovered, exit 1" {
	scenario cluster-slots-uncovered cluster.slots_uncovered rejecting 1
	[ "$(echo "$output" | jq -c .topology.slots.uncovered)" = '[[16284,16383]]' ]
}
@test "sentinel-wrong-master: sentinel.unknown_master, exit 1" {
	scenario sentinel-wrong-master sentinel.unknown_master rejecting 1
	[ "$(echo "$output" | jq -r .topology.sentinels[0].answer)" = nil ]
	[ "$(echo "$output" | jq -r .topology.sentinels[0].known_masters)" = mymaster ]
}
@test "sentinel-master-unreachable: sentinel.master_unreachable, exit 2" {
	scenario sentinel-master-unreachable sentinel.master_unreachable unreachable 2
	[ "$(echo "$output" | jq -r .topology.master.reachable)" = false ]
	[ "$(echo "$output" | jq -r .topology.sentinels[0].knows_master)" = true ]
}
@test "localhost-in-container: config.localhost_in_container, exit 2" {
	scenario localhost-in-container config.localhost_in_container unreachable 2
	[ "$(echo "$output" | jq -r .environment.in_container)" = true ]
}

@test "shadowed-nf-vars: config.shadowed (NF_REDIS_URL behind REDIS_HOST), exit 2" {
	scenario shadowed-nf-vars config.shadowed unreachable 2
	echo "$output" | jq -e 'any(.config.shadowed[]; .name == "NF_REDIS_URL")' >/dev/null
	has tcp.refused
}

@test "garbage: proto.not_redis, exit 2" { scenario garbage proto.not_redis unreachable 2; }
@test "bulk-2g: proto.hostile_reply, exit 2" { scenario bulk-2g proto.hostile_reply unreachable 2; }
@test "bulk-huge: proto.hostile_reply, exit 2" { scenario bulk-huge proto.hostile_reply unreachable 2; }
@test "deep-nesting: proto.hostile_reply, exit 2" { scenario deep-nesting proto.hostile_reply unreachable 2; }
@test "long-line: proto.hostile_reply, exit 2" { scenario long-line proto.hostile_reply unreachable 2; }
@test "endless-ping: proto.hostile_reply, exit 2" { scenario endless-ping proto.hostile_reply unreachable 2; }
@test "drip: proto.timeout, exit 2" { scenario drip proto.timeout unreachable 2; }
@test "tls-garbage: proto.not_redis, exit 2" { scenario tls-garbage proto.not_redis unreachable 2; }
@test "close-mid-reply: proto.closed, exit 2" { scenario close-mid-reply proto.closed unreachable 2; }

# --- knobs and wording --------------------------------------------------------

@test "--delay on healthy: latency.high" {
	sim healthy --delay 150ms --timeout 10s
	[ "$status" -eq 0 ]
	has latency.high
}

@test "--close-after 3 on healthy: the reply is cut, exit 2" {
	sim healthy --close-after 3
	[ "$status" -eq 2 ]
	echo "$output" | jq -e 'any(.findings[]; .id | startswith("proto.") or startswith("tcp."))' >/dev/null
}

@test "every report format works for a scenario" {
	local f
	for f in json text ndjson nagios prometheus junit; do
		run timeout 30 "$RD" simulate --format "$f" noauth
		# nagios: the plugin convention, rejecting is CRITICAL (issue 13).
		if [ "$f" = nagios ]; then
			[ "$status" -eq 2 ]
		else
			[ "$status" -eq 1 ]
		fi
		[ -n "$output" ]
	done
}

@test "--strict: a warning scenario exits 1" {
	sim noperm --strict
	[ "$status" -eq 1 ]
}

# --- --serve end to end ---------------------------------------------------------

@test "--serve noauth: redis-cli sees NOAUTH; SIGTERM exits 0, nothing left" {
	serve noauth
	[[ $SERVE_URL == redis://127.0.0.1:* ]]
	run timeout 5 redis-cli -u "$SERVE_URL" PING
	[[ $output == *"NOAUTH Authentication required."* ]]
	run timeout 5 redis-cli -u "$SERVE_URL" --pass simulate PING
	[[ $output == *PONG* ]]
	stop_serve TERM
}

@test "--serve wrongpass with --redis-version 5: the old wording" {
	serve wrongpass --redis-version 5
	run timeout 5 redis-cli -u "$SERVE_URL" --no-auth-warning --pass nope PING
	[[ $output == *"ERR invalid password"* ]]
	stop_serve TERM
}

@test "--serve no-password-configured: Redis 7 and Redis 5 wording" {
	serve no-password-configured
	run timeout 5 redis-cli -u "$SERVE_URL" --no-auth-warning --pass x PING
	[[ $output == *"ERR AUTH <password> called without any password configured for the default user."* ]]
	stop_serve TERM
	serve no-password-configured --redis-version 5
	run timeout 5 redis-cli -u "$SERVE_URL" --no-auth-warning --pass x PING
	[[ $output == *"ERR Client sent AUTH, but no password is set"* ]]
	stop_serve TERM
}

@test "--serve cert-expired: CA path printed, TLS with redis-cli, SIGINT exits 0, temp dir removed" {
	serve cert-expired
	[[ $SERVE_URL == rediss://127.0.0.1:* ]]
	[ -f "$SERVE_CA" ]
	[ "$(stat -c %a "$(dirname "$SERVE_CA")")" = 700 ]
	run timeout 5 redis-cli -h 127.0.0.1 -p "${SERVE_URL##*:}" --tls --cacert "$SERVE_CA" PING
	[[ $output == *"certificate verify failed"* ]]
	stop_serve INT
}

@test "--serve sni-required: no SNI is rejected, SNI localhost is served" {
	serve sni-required
	local port=${SERVE_URL##*:}
	run timeout 5 redis-cli -h 127.0.0.1 -p "$port" --tls --cacert "$SERVE_CA" PING
	[[ $output != *PONG* ]]
	run timeout 5 redis-cli -h 127.0.0.1 -p "$port" --tls --cacert "$SERVE_CA" --sni localhost PING
	[[ $output == *PONG* ]]
	stop_serve TERM
}

@test "--serve --listen-port: serves on the asked port" {
	local port i
	# A free port: bind-and-release by a throwaway serve, then reuse it.
	serve healthy
	port=${SERVE_URL##*:}
	stop_serve TERM
	serve healthy --listen-port "$port"
	[ "$SERVE_URL" = "redis://127.0.0.1:$port" ]
	run timeout 5 redis-cli -p "$port" PING
	[ "$output" = PONG ]
	stop_serve TERM
}

@test "--serve cluster-moved: keys are MOVED to a port that refuses" {
	serve cluster-moved
	run timeout 5 redis-cli -u "$SERVE_URL" GET foo
	[[ $output == "MOVED 12182 127.0.0.1:"* ]]
	local dead=${output##*:}
	run timeout 5 redis-cli -p "$dead" PING
	[[ $output == *"Connection refused"* ]]
	stop_serve TERM
}

@test "SPEC order: options after the scenario name work too" {
	run --separate-stderr timeout 30 "$RD" simulate noauth --format json
	[ "$status" -eq 1 ]
	echo "$output" | jq -e 'any(.findings[]; .id == "auth.required")' >/dev/null
	serve_after() {
		SERVE_OUT="$BATS_TEST_TMPDIR/serve.out"
		timeout --foreground 60 "$RD" simulate healthy --serve >"$SERVE_OUT" 2>/dev/null </dev/null 3>&- &
		SERVE_PID=$!
		local i
		for ((i = 0; i < 100; i++)); do
			grep -q '://' "$SERVE_OUT" && break
			sleep 0.1
		done
		SERVE_URL=$(sed -n 1p "$SERVE_OUT")
		SERVE_CA=
	}
	serve_after
	run timeout 5 redis-cli -u "$SERVE_URL" PING
	[ "$output" = PONG ]
	stop_serve TERM
}

@test "--reset-after with --delay: the connection is reset before the reply" {
	sim healthy --reset-after 50ms --delay 100ms
	[ "$status" -eq 2 ]
	has tcp.reset
}

@test "--serve blackhole: a client's connect does not complete" {
	serve blackhole
	# redis-cli's own connect timeout (-t) ends it: no PONG, no refusal.
	run timeout 10 redis-cli -t 1 -u "$SERVE_URL" PING
	[[ $output != *PONG* ]]
	[[ $output != *refused* ]]
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID"
}

# A port that spoke plaintext (a reply to HELLO, RESP or not) is not
# tried with TLS: against a server that then waits, that variation ran
# into the deadline and the check took the whole --timeout.
@test "a plaintext port that answered HELLO gets no 'TLS on' variation, and the check ends long before --timeout" {
	local n t0
	for n in not-redis close-mid-reply; do
		t0=$SECONDS
		run --separate-stderr timeout 60 "$RD" simulate "$n" --timeout 20s --format json
		(( SECONDS - t0 < 10 ))
		[ "$(jq '[.alternatives[]? | select(.change == "TLS on")] | length' <<<"$output")" -eq 0 ]
	done
}
