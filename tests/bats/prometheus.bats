#!/usr/bin/env bats
# run-cost: 9 (seconds alone, idle: tests/run starts the slowest first)
# prometheus.bats — `--format prometheus` read by the real consumers
# (issue 13, SPEC section 15): `promtool check metrics` on every scenario
# of `simulate --list` and on check, env and explain; a node_exporter
# textfile directory holding two targets, one down, scraped with curl; the
# target and --label labels on every series; redisdiag_up on every exit
# status; -o FILE written atomically.  Consumers: Debian's prometheus
# (promtool) and prometheus-node-exporter.  Every wait is bounded.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# rd: the binary in an empty environment, bounded
RD_TIMEOUT=30

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	fx_redis_tls tls >/dev/null
	FX_PORT_closed=$(fx_port)
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	export FX_PORT_closed ROOT
}

teardown_file() {
	fx_teardown
}

# lint: promtool check metrics on $output; fails with what it said.
lint() {
	local said
	said=$(promtool check metrics <<<"$output" 2>&1) || {
		echo "promtool failed: $said" >&2
		return 1
	}
	if [[ -n $said ]]; then
		echo "promtool: $said" >&2
		return 1
	fi
}

# every_sample_has TEXT: every sample line of $output carries TEXT.
every_sample_has() {
	local bad
	bad=$(grep -v '^#' <<<"$output" | grep -vF -- "$1" || true)
	[[ -z $bad ]] || { echo "without $1: $bad" >&2; return 1; }
}

@test "promtool check metrics is clean on every scenario of simulate --list" {
	local names n=0 sc
	names=$(timeout 10 "$RD" simulate --list --format text | awk '{print $1}')
	[ -n "$names" ]
	for sc in $names; do
		run --separate-stderr timeout 30 env -i PATH="$PATH" "$RD" \
		    simulate "$sc" --format prometheus
		[ -n "$output" ] || { echo "$sc: no output" >&2; return 1; }
		lint || { echo "scenario $sc" >&2; return 1; }
		grep -Eq '^redisdiag_up\{target="[^"]+"\} [01]$' <<<"$output" ||
		    { echo "$sc: no redisdiag_up" >&2; return 1; }
		grep -q '^redisdiag_exit_code{[^}]*} '"$status"'$' <<<"$output"
		n=$((n + 1))
	done
	[ "$n" -ge 30 ]
}

@test "promtool: check against a real Redis, plain and TLS; cert expiry in seconds" {
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format prometheus
	[ "$status" -eq 0 ]
	lint
	grep -qx "redisdiag_up{target=\"127.0.0.1:$FX_PORT_plain\"} 1" <<<"$output"
	grep -q "^redisdiag_latency_seconds{target=\"127.0.0.1:$FX_PORT_plain\",quantile=\"0.99\"} [0-9.]*$" <<<"$output"
	grep -q '^# TYPE redisdiag_latency_seconds summary$' <<<"$output"
	grep -q '^redisdiag_latency_seconds_count{[^}]*} 10$' <<<"$output"
	grep -q '^# TYPE redisdiag_server_rejected_connections_total counter$' <<<"$output"
	every_sample_has "target=\"127.0.0.1:$FX_PORT_plain\""

	rd check -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA" --format prometheus
	[ "$status" -eq 0 ]
	lint
	[[ $output != *days_left* ]]
	local na want
	na=$(grep '^redisdiag_tls_cert_not_after_timestamp_seconds{' <<<"$output" | awk '{print $2}')
	want=$(date -u -d "$(openssl x509 -in "$FX_CERT" -noout -enddate | cut -d= -f2)" +%s)
	[ "$na" = "$want" ]
}

@test "promtool: env, explain, an invalid configuration and a usage error; redisdiag_up always there" {
	rd env -h 10.1.2.3 -p 6380 --format prometheus
	[ "$status" -eq 0 ]
	lint
	grep -qx 'redisdiag_up{target="10.1.2.3:6380"} 0' <<<"$output"

	rd explain --format prometheus "Error: connect ECONNREFUSED 127.0.0.1:6379"
	[ "$status" -eq 2 ]
	lint
	grep -qx 'redisdiag_up{target="127.0.0.1:6379"} 0' <<<"$output"
	rd explain --format prometheus "all is well"
	[ "$status" -eq 0 ]
	lint
	grep -qx 'redisdiag_up{target=""} 0' <<<"$output"

	rd check -h 127.0.0.1 -p "$FX_PORT_closed" --format prometheus
	[ "$status" -eq 2 ]
	lint
	grep -qx "redisdiag_up{target=\"127.0.0.1:$FX_PORT_closed\"} 0" <<<"$output"

	# Exit 3 used to print no redisdiag_up at all.
	rd check -u 'http://127.0.0.1:6379' --format prometheus
	[ "$status" -eq 3 ]
	lint
	grep -Eq '^redisdiag_up\{target="[^"]*"\} 0$' <<<"$output"
	grep -Eq '^redisdiag_exit_code\{target="[^"]*"\} 3$' <<<"$output"

	rd check --bogus --format prometheus
	[ "$status" -eq 3 ]
	lint
	grep -qx 'redisdiag_up{target=""} 0' <<<"$output"
	grep -qx 'redisdiag_exit_code{target=""} 3' <<<"$output"
}

@test "--label k=v lands on every series; bad or reserved names are usage errors" {
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format prometheus \
	    --label env=prod --label name=cache
	[ "$status" -eq 0 ]
	lint
	every_sample_has 'env="prod",name="cache"'
	local bad
	for bad in target=x quantile=1 __x=1 1x=2 noequals =v env=a; do
		rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format prometheus \
		    --label env=prod --label "$bad"
		[ "$status" -eq 3 ] || { echo "accepted --label $bad" >&2; return 1; }
		[[ $stderr == *"--label"* ]]
	done
}

@test "-o FILE: written by rename, no temp file left, the old content replaced whole" {
	local d="$BATS_TEST_TMPDIR/tf"
	mkdir -p "$d"
	echo 'stale 1' >"$d/redis.prom"
	ino_before=$(stat -c %i "$d/redis.prom")
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format prometheus -o "$d/redis.prom"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(ls -A "$d")" = redis.prom ]
	[ "$(stat -c %i "$d/redis.prom")" != "$ino_before" ]	# renamed, not rewritten
	[ "$(stat -c %a "$d/redis.prom")" = 644 ]
	output=$(cat "$d/redis.prom")
	lint
	[[ $output != *stale* ]]
	grep -qx "redisdiag_up{target=\"127.0.0.1:$FX_PORT_plain\"} 1" <<<"$output"

	# A down target is written too (exit 2): its up 0 is the point.
	rd check -h 127.0.0.1 -p "$FX_PORT_closed" --format prometheus -o "$d/redis.prom"
	[ "$status" -eq 2 ]
	[ "$(ls -A "$d")" = redis.prom ]
	grep -q ' 0$' <(grep '^redisdiag_up' "$d/redis.prom")

	# A directory that does not exist: exit 3, nothing created.
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format prometheus -o "$d/nope/x.prom"
	[ "$status" -eq 3 ]
	[[ $stderr == *"-o"* ]]
	[ ! -e "$d/nope" ]
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --quiet -o "$d/x.prom"
	[ "$status" -eq 3 ]
}

@test "node_exporter textfile collector: two targets, one down, both scraped" {
	local d="$BATS_TEST_TMPDIR/textfile" port log pid i body code
	mkdir -p "$d"
	rd check -h 127.0.0.1 -p "$FX_PORT_plain" --format prometheus -o "$d/cache.prom"
	[ "$status" -eq 0 ]
	rd check -h 127.0.0.1 -p "$FX_PORT_closed" --format prometheus -o "$d/sessions.prom"
	[ "$status" -eq 2 ]

	port=$(fx_port)
	log="$BATS_TEST_TMPDIR/node_exporter.log"
	prometheus-node-exporter --collector.disable-defaults --collector.textfile \
	    --collector.textfile.directory="$d" \
	    --web.listen-address="127.0.0.1:$port" >"$log" 2>&1 3>&- &
	pid=$!
	echo "$pid prometheus-node" >>"$FX_DIR/pids"
	for ((i = 0; i < 100; i++)); do
		code=$(curl -s -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' \
		    --max-time 2 "http://127.0.0.1:$port/metrics" || true)
		[ "$code" = 200 ] && break
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[ "$code" = 200 ]
	body=$(cat "$BATS_TEST_TMPDIR/body")
	grep -qx "redisdiag_up{target=\"127.0.0.1:$FX_PORT_plain\"} 1" <<<"$body"
	grep -qx "redisdiag_up{target=\"127.0.0.1:$FX_PORT_closed\"} 0" <<<"$body"
	grep -qx 'node_textfile_scrape_error 0' <<<"$body"
	# ("! grep" would not fail a bats test.)
	[ "$(grep -c 'was collected before' "$log")" = 0 ]
	[ "$(grep -c 'level=error' "$log")" = 0 ]
	# The down target's finding is there for its alert (node_exporter
	# sorts the labels by name).
	grep '^redisdiag_finding{' <<<"$body" | grep -F "target=\"127.0.0.1:$FX_PORT_closed\"" |
	    grep -qF 'id="tcp.refused"'
}

@test "the man page documents every metric the renderer can print" {
	local top="$BATS_TEST_DIRNAME/../.." m
	local src="$top/src/render_formats.c" man="$top/man/redisdiag.1"
	[ -f "$src" ] || skip "no source tree"
	for m in $(grep -o '"redisdiag_[a-z_]*"' "$src" | tr -d '"' | sort -u); do
		grep -q "$m" "$man" || { echo "undocumented: $m" >&2; return 1; }
	done
	# and the example alert rules parse as Prometheus rules.
	command -v promtool >/dev/null
	sed -n '/^# BEGIN redisdiag alert rules/,/^# END redisdiag alert rules/p' "$man" |
	    sed '1d;$d' >"$BATS_TEST_TMPDIR/rules.yml"
	[ -s "$BATS_TEST_TMPDIR/rules.yml" ]
	promtool check rules "$BATS_TEST_TMPDIR/rules.yml"
}
