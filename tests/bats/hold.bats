#!/usr/bin/env bats
# hold.bats — `watch --hold` against real redis-server instances on
# loopback: a server with `timeout 2` closes the held connection while it
# idles (conn.idle_reset with the idle time at which it died, reconnects
# counted, server.idle_timeout from CONFIG GET); one with no timeout keeps
# it for every PING.  And the health depth of check: CONFIG GET timeout /
# tcp-keepalive / notify-keyspace-events, SLOWLOG durations (never their
# arguments), LATENCY LATEST, fragmentation, hit rate with its inputs,
# each NOPERM-tolerant.  Every wait is bounded.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# rd: the binary in an empty environment, bounded
RD_TIMEOUT=60

setup_file() {
	fx_init
	fx_redis idle2 --timeout 2 >/dev/null
	fx_redis keep >/dev/null
	fx_redis health --slowlog-log-slower-than 0 --latency-monitor-threshold 1 >/dev/null
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	export ROOT
}

teardown_file() {
	fx_teardown
}

@test "watch --hold, server timeout 2, interval 5s: the reset, its idle time, the reconnect" {
	rd watch -h 127.0.0.1 -p "$FX_PORT_idle2" --hold --interval 5s --count 2
	[ "$status" -eq 0 ]
	echo "$output"
	resets=$(grep '"type":"hold"' <<<"$output" | jq -c 'select(.event == "reset")')
	[ -n "$resets" ]
	first=$(head -n1 <<<"$resets")
	jq -e '.finding.id == "conn.idle_reset"' <<<"$first"
	# Redis closes a client idle for more than `timeout` whole seconds
	# (its clock has a one-second grain) in its 10 Hz cron: the connection
	# dies 2 to about 3 s after its last reply, before the next PING at 5 s.
	jq -e '.idle_ms >= 1900 and .idle_ms <= 4500' <<<"$first"
	jq -e '.finding.evidence | test("timeout is 2 s")' <<<"$first"
	jq -e '.connection == 1' <<<"$first"
	probe=$(grep '"type":"probe"' <<<"$output" | head -n1)
	jq -e '.findings | index("server.idle_timeout") != null' <<<"$probe"
	summary=$(tail -n1 <<<"$output")
	jq -e '.type == "summary" and .idle_resets >= 1 and .reconnects >= 1 and .failures == 0' <<<"$summary"
}

@test "watch --hold against a server without timeout: one connection, every PING a pong" {
	rd watch -h 127.0.0.1 -p "$FX_PORT_keep" --hold --interval 200ms --count 5
	[ "$status" -eq 0 ]
	[ "$(grep -c '"type":"probe"' <<<"$output")" -eq 1 ]
	holds=$(grep '"type":"hold"' <<<"$output")
	[ "$(wc -l <<<"$holds")" -eq 4 ]
	[ "$(jq -r .event <<<"$holds" | sort -u)" = pong ]
	[ "$(jq -r .connection <<<"$holds" | sort -u)" = 1 ]
	jq -e '.rtt_us >= 0' <<<"$(head -n1 <<<"$holds")"
	jq -e '.probes == 5 and .reconnects == 0 and .idle_resets == 0' <<<"$(tail -n1 <<<"$output")"
}

@test "watch --hold: TERM during the held wait ends it at once with the summary" {
	out="$BATS_TEST_TMPDIR/hold.out"
	timeout 60 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" "$RD" watch \
	    -h 127.0.0.1 -p "$FX_PORT_keep" --hold --interval 1h >"$out" 2>/dev/null </dev/null 3>&- &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	jq -e '.type == "summary" and .probes == 1' <<<"$(tail -n1 "$out")"
}

@test "check: CONFIG GET timeout, tcp-keepalive and notify-keyspace-events" {
	rd check -h 127.0.0.1 -p "$FX_PORT_idle2" --format json
	[ "$status" -eq 0 ]
	jq -e '.server.config.timeout_s == 2 and .server.config.tcp_keepalive_s == 300' <<<"$output"
	jq -e '.server.config.notify_keyspace_events == "" and .server.config.denied == false' <<<"$output"
	jq -e '.findings[] | select(.id == "server.idle_timeout") | .remediation | join(" ") | test("health_check_interval")' <<<"$output"
	jq -e '[.findings[].id] | index("server.keyspace_events_off") != null' <<<"$output"
	# Without a timeout, no idle_timeout finding; with events on, none.
	fx_cli keep CONFIG SET notify-keyspace-events Ex >/dev/null
	rd check -h 127.0.0.1 -p "$FX_PORT_keep" --format json
	jq -e '.server.config.timeout_s == 0' <<<"$output"
	jq -e '[.findings[].id] | (index("server.idle_timeout") == null and index("server.keyspace_events_off") == null)' <<<"$output"
	jq -e '.server.config.notify_keyspace_events | test("E") and test("x")' <<<"$output"
}

@test "check: SLOWLOG durations without their arguments, LATENCY LATEST, fragmentation, hit rate and its inputs" {
	canary="Sl0wCanary$RANDOM"
	fx_cli health SET k "$canary" >/dev/null
	fx_cli health GET k >/dev/null
	fx_cli health GET nokey >/dev/null
	# A command slower than the 1 ms latency-monitor-threshold (DEBUG is
	# disabled by default in Redis 7).
	fx_cli health EVAL "local i=0 while i<3000000 do i=i+1 end return i" 0 >/dev/null
	rd check -h 127.0.0.1 -p "$FX_PORT_health" --format json
	[ "$status" -eq 0 ]
	jq -e '.server.slowlog.len > 0 and (.server.slowlog.slowest_us | length) > 0' <<<"$output"
	jq -e '.server.slowlog.slowest_us[0] >= .server.slowlog.slowest_us[-1]' <<<"$output"
	jq -e '[.server.latency_latest.events[].event] | index("command") != null' <<<"$output"
	jq -e '.findings[] | select(.id == "server.slowlog") | .evidence | test("slowest")' <<<"$output"
	jq -e '[.findings[].id] | index("server.latency_events") != null' <<<"$output"
	jq -e '.server.mem_fragmentation_ratio > 0' <<<"$output"
	jq -e '.server.keyspace_hits >= 1 and .server.keyspace_misses >= 1' <<<"$output"
	jq -e '(.server.hit_rate - (.server.keyspace_hits / (.server.keyspace_hits + .server.keyspace_misses))) | fabs < 0.0001' <<<"$output"
	# The arguments (the value SET) are never read, let alone printed.
	for f in json text ndjson junit prometheus nagios; do
		rd check -h 127.0.0.1 -p "$FX_PORT_health" --format "$f" -v
		[[ $output != *"$canary"* && $stderr != *"$canary"* ]]
	done
}

@test "check: a user without CONFIG, SLOWLOG and LATENCY still passes, those facts unknown" {
	fx_acl_user health "$FX_PORT_health" probe pw +ping +auth +info +select
	rd check -h 127.0.0.1 -p "$FX_PORT_health" --user probe -a pw --format json
	[ "$status" -eq 0 ]
	jq -e '.server.config.denied and .server.config.timeout_s == null' <<<"$output"
	jq -e '.server.slowlog.denied and .server.slowlog.len == null' <<<"$output"
	jq -e '.server.latency_latest.denied' <<<"$output"
	jq -e '[.findings[] | select(.severity == "critical")] | length == 0' <<<"$output"
}
