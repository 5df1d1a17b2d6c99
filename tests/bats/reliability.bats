#!/usr/bin/env bats
# run-cost: 10 (seconds alone, idle: tests/run starts the slowest first)
# reliability.bats — issue 14's defects, one test each, against real
# listeners on loopback: signals end long-running commands at once, files
# and the environment are read under the deadline, the candidate list is
# not cut silently, hostile replies are named, every output is valid
# UTF-8.  Every wait is bounded; background runs have a timeout guard and
# close bats' fd 3.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# rd: the binary in an empty environment, bounded
RD_TIMEOUT=60

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	fx_redis_tls tls >/dev/null
	fx_silent silent >/dev/null
	for m in pong-lower pong-bulk status-other array integer extra-status \
	    extra-error tls-badlen badutf8; do
		hostile "$m" >/dev/null
	done
	CLOSED=$(fx_port)
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	export CLOSED ROOT
}

# hostile MODE: tests/lib/hostile-server on a free port; sets
# H_<mode with _ for -> to the port.
hostile() {
	local mode=$1 name=${1//-/_} port i
	port=$(fx_port) || return 1
	"$BATS_TEST_DIRNAME/../lib/hostile-server" "$port" "$mode" \
	    "$FX_DIR/h_$name.ready" </dev/null >>"$FX_DIR/h_$name.log" 2>&1 3>&- &
	fx_track $! perl
	for ((i = 0; i < 100; i++)); do
		[[ -s $FX_DIR/h_$name.ready ]] && break
		sleep 0.05
	done
	[[ -s $FX_DIR/h_$name.ready ]] || return 1
	export "H_$name=$port"
}

teardown_file() {
	fx_teardown
}

# bg OUT ARGS...: the binary in the background (guard 60 s); sets BG_PID.
bg() {
	local out=$1
	shift
	timeout 60 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" "$RD" "$@" \
	    >"$out" 2>"$out.err" </dev/null 3>&- &
	BG_PID=$!
}

# ended_within PID SECONDS: the process is gone within SECONDS (bounded).
ended_within() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "process $1 still running after $2 s"
	return 1
}

# --- signals ---------------------------------------------------------------

@test "watch against a silent server, --timeout 24h: TERM and INT each end it at once with the summary" {
	for sig in TERM INT; do
		out="$BATS_TEST_TMPDIR/silent.$sig"
		bg "$out" watch -h 127.0.0.1 -p "$FX_PORT_silent" --timeout 24h --interval 1h
		sleep 1		# inside the probe: connected, waiting for a reply
		kill -"$sig" "$BG_PID"
		ended_within "$BG_PID" 3
		rc=0
		wait "$BG_PID" || rc=$?
		[ "$rc" -ne 124 ]
		jq -e '.type == "summary"' <<<"$(tail -n1 "$out")"
	done
}

@test "check against a silent server, --timeout 24h: TERM ends it at once" {
	out="$BATS_TEST_TMPDIR/check.silent"
	bg "$out" check -h 127.0.0.1 -p "$FX_PORT_silent" --timeout 24h
	sleep 1
	kill -TERM "$BG_PID"
	ended_within "$BG_PID" 3
}

@test "simulate --serve: TERM and INT end it at once" {
	for sig in TERM INT; do
		out="$BATS_TEST_TMPDIR/serve.$sig"
		port=$(fx_port)
		bg "$out" simulate healthy --serve --listen-port "$port"
		sleep 1
		kill -"$sig" "$BG_PID"
		ended_within "$BG_PID" 3
	done
}

# --- options ---------------------------------------------------------------

@test "-46, -64 and -4 -6 are refused (exit 3): the two families exclude each other" {
	for a in "-46" "-64" "-4 -6" "-6 -4"; do
		# shellcheck disable=SC2086
		rd check $a -h 127.0.0.1 -p "$FX_PORT_plain"
		[ "$status" -eq 3 ]
		[[ $stderr == *"-4 and -6 exclude each other"* ]]
	done
}

# --- files and the environment under the deadline ---------------------------

@test "--cacert from a slow pipe, --timeout 1s: ends at the deadline, tls.file_unusable, exit 2" {
	run --separate-stderr timeout 6 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    "$RD" check -h localhost -p "$FX_PORT_tls" --tls \
	    --cacert <(sleep 8; cat "$FX_CA") --timeout 1s --format json
	[ "$status" -ne 124 ]
	[ "$status" -eq 2 ]
	jq -e '[.findings[].id] | index("tls.file_unusable") != null' <<<"$output"
	jq -e '.findings[] | select(.id == "tls.file_unusable") | .evidence | test("deadline")' <<<"$output"
	jq -e '[.findings[].id] | index("proto.timeout") == null' <<<"$output"
}

@test "--cacert on a FIFO that no one writes ends at the deadline" {
	mkfifo "$BATS_TEST_TMPDIR/ca.fifo"
	run --separate-stderr timeout 6 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    "$RD" check -h localhost -p "$FX_PORT_tls" --tls \
	    --cacert "$BATS_TEST_TMPDIR/ca.fifo" --timeout 1s --format json
	[ "$status" -eq 2 ]
	jq -e '.summary | test("tls.file_unusable")' <<<"$output"
}

@test "a missing --cacert, --cacertdir, --cert or --key is a usage error naming the file, in check and env" {
	for a in "--cacert /nonexistent/ca.pem" "--cacertdir /nonexistent/dir" \
	    "--cert /nonexistent/c.pem --key $FX_CLIENT_KEY" "--cert $FX_CLIENT_CERT --key /nonexistent/k.pem"; do
		f=${a#* }; f=${f%% *}
		[[ $a == "--cert $FX_CLIENT_CERT"* ]] && f=/nonexistent/k.pem
		for cmd in check env; do
			# shellcheck disable=SC2086
			rd $cmd -h localhost -p "$FX_PORT_tls" --tls $a --format json
			[ "$status" -eq 3 ]
			[[ $stderr == *"$f: no such file"* ]]
			jq -e --arg f "$f" '.summary | contains($f)' <<<"$output"
			jq -e '[.findings[].id] == ["config.tls_file"] or ([.findings[].id] | index("config.tls_file") != null)' <<<"$output"
			jq -e '[.findings[].id] | index("tls.handshake_failed") == null' <<<"$output"
		done
	done
	# A file where a directory is wanted, and the reverse.
	rd check --tls --cacertdir "$FX_CA" --format json
	[ "$status" -eq 3 ]
	[[ $stderr == *"not a directory"* ]]
	rd check --tls --cacert "$BATS_TEST_TMPDIR" --format json
	[ "$status" -eq 3 ]
	[[ $stderr == *"a directory, not a file"* ]]
}

@test "the CA and client certificate still work when read through the deadline reader" {
	rd check -h localhost -p "$FX_PORT_tls" --tls --cacert <(cat "$FX_CA") --format json
	[ "$status" -eq 0 ]
	jq -e '.tls.verify_code == 0 or .tls.verified == true or .verdict == "ok" or .verdict == "warn"' <<<"$output"
	rd check -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA" \
	    --cert "$FX_CLIENT_CERT" --key "$FX_CLIENT_KEY" --format json
	[ "$status" -eq 0 ]
	# A key that does not belong to the certificate is named.
	rd check -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA" \
	    --cert "$FX_CLIENT_CERT" --key "$FX_KEY" --format json
	[ "$status" -eq 2 ]
	jq -e '.findings[] | select(.id == "tls.file_unusable") | .evidence | test("does not match")' <<<"$output"
}

# manyenv N ARGS...: the binary with N extra variables V0..V(N-1)=1.
manyenv() {
	local n=$1
	shift
	run --separate-stderr timeout 10 python3 -c '
import os, sys
env = {"PATH": os.environ["PATH"], "REDISDIAG_SYSROOT": sys.argv[2]}
for i in range(int(sys.argv[1])):
    env["V%d" % i] = "1"
os.execve(sys.argv[3], sys.argv[3:], env)' "$n" "$ROOT" "$RD" "$@"
}

@test "99,990 environment variables with --timeout 1s: the import does not outlive the deadline" {
	manyenv 99990 check -h 127.0.0.1 -p "$CLOSED" --timeout 1s --format json
	# 124: the 10 s guard (it took 16-25 s when the import was quadratic).
	[ "$status" -eq 2 ]
	jq -e '.summary | test("tcp.refused")' <<<"$output"
}

@test "over 100,000 environment variables and no --env-file: never config.env_file" {
	manyenv 100010 check -h 127.0.0.1 -p "$CLOSED" --timeout 1s --format json
	[ "$status" -eq 2 ]
	jq -e '[.findings[].id] | index("config.env_file") == null' <<<"$output"
	[[ $stderr != *"out of memory"* ]]
	manyenv 100010 env -h 127.0.0.1 -p "$CLOSED" --format json
	[ "$status" -eq 0 ]
}

# --- --all-candidates --------------------------------------------------------

@test "--all-candidates with 50 *_REDIS_URL variables, only the 41st working: it is probed and named" {
	run --separate-stderr timeout 30 python3 -c '
import os, sys
env = {"PATH": os.environ["PATH"], "REDISDIAG_SYSROOT": sys.argv[1],
       "REDIS_HOST": "127.0.0.1", "REDIS_PORT": sys.argv[2]}
for i in range(1, 51):
    port = sys.argv[3] if i == 41 else sys.argv[2]
    env["APP%02d_REDIS_URL" % i] = "redis://127.0.0.1:%s" % port
os.execve(sys.argv[4], sys.argv[4:], env)' "$ROOT" "$CLOSED" "$FX_PORT_plain" \
	    "$RD" check --all-candidates --timeout 5s --format json
	[ "$status" -eq 2 ]
	jq -e '.candidates_probed | length == 50' <<<"$output"
	jq -e '[.candidates_probed[] | select(.verdict == "ok" or .verdict == "warn") | .name] == ["APP41_REDIS_URL"]' <<<"$output"
	jq -e '.findings[] | select(.id == "config.candidate_works") | .title | test("APP41_REDIS_URL")' <<<"$output"
}

# --- classification: the reply to PING ---------------------------------------

@test "PING answered with anything but +PONG: proto.unexpected_reply, the ping step fails, exit 2, the summary says so" {
	for m in pong_lower pong_bulk status_other array integer; do
		pv="H_$m"
		rd check -h 127.0.0.1 -p "${!pv}" --timeout 3s --format json
		echo "mode $m: status $status" >&2
		[ "$status" -eq 2 ]
		jq -e '.summary | test("proto.unexpected_reply")' <<<"$output"
		jq -e '.summary | test("^PONG") | not' <<<"$output"
		jq -e '.steps[] | select(.name == "ping") | .status == "fail"' <<<"$output"
		jq -e '.findings[] | select(.id == "proto.unexpected_reply") | .severity == "critical"' <<<"$output"
		jq -e '.checklist[] | select(.id == "ping") | .status == "fail"' <<<"$output"
	done
}

@test "unsolicited data after +PONG (+EXTRA, -ERR junk): proto.unsolicited_reply, exit 2, INFO not fed the stray reply" {
	for m in extra_status extra_error; do
		pv="H_$m"
		rd check -h 127.0.0.1 -p "${!pv}" --timeout 3s --format json
		echo "mode $m: status $status" >&2
		[ "$status" -eq 2 ]
		jq -e '.summary | test("proto.unsolicited_reply")' <<<"$output"
		jq -e '.findings[] | select(.id == "proto.unsolicited_reply") | .evidence | test("EXTRA|ERR junk")' <<<"$output"
		jq -e '.server == null or .server.version != "EXTRA"' <<<"$output"
	done
}

@test "a TLS record header with a bad length from the server is tls.handshake_failed, not tls.plaintext_port" {
	rd check -h 127.0.0.1 -p "$H_tls_badlen" --tls --insecure --timeout 3s --format json
	[ "$status" -eq 2 ]
	jq -e '[.findings[].id] | index("tls.handshake_failed") != null' <<<"$output"
	jq -e '[.findings[].id] | index("tls.plaintext_port") == null' <<<"$output"
}

# --- all output is valid UTF-8 -----------------------------------------------

# utf8_json: $output is UTF-8 and parses as JSON in Python (a strict reader).
utf8_json() {
	python3 -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8"))' <<<"$output"
}

@test "explain with a \\xff byte: JSON parses in Python, junit in xmllint, every format is UTF-8" {
	in=$'ECONNREFUSED 127.0.0.1:6379 \xff\x01\n'
	run --separate-stderr "$RD" explain - --format json <<<"$in"
	utf8_json
	jq -e '.lines[0].excerpt | test("\\\\xff")' <<<"$output"
	run --separate-stderr "$RD" explain - --format junit <<<"$in"
	xmllint --noout - <<<"$output"
	for f in text ndjson nagios prometheus; do
		run --separate-stderr "$RD" explain - --format "$f" <<<"$in"
		iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null
		[[ $output != *$'\x01'* ]] || [ "$f" = ndjson ]
	done
}

@test "a variable NAME with \\xff: env and check JSON parse, junit is XML" {
	for cmd in env "check --all-candidates --timeout 2s"; do
		# shellcheck disable=SC2086
		run --separate-stderr timeout 30 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
		    $'APP\xff_REDIS_URL=redis://127.0.0.1:'"$CLOSED" \
		    "$RD" $cmd -h 127.0.0.1 -p "$CLOSED" --format json
		[ -n "$output" ]
		utf8_json
		jq -e '[.config.candidates[].name] | index("APP\\xff_REDIS_URL") != null' <<<"$output"
	done
	run --separate-stderr timeout 30 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    $'APP\xff_REDIS_URL=redis://127.0.0.1:'"$CLOSED" \
	    "$RD" check --all-candidates -h 127.0.0.1 -p "$CLOSED" --timeout 2s --format junit
	xmllint --noout - <<<"$output"
}

@test "a server error with bytes that are not UTF-8: every format is UTF-8" {
	for f in json ndjson text junit nagios prometheus; do
		rd check -h 127.0.0.1 -p "$H_badutf8" --timeout 3s --format "$f"
		iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null
	done
	rd check -h 127.0.0.1 -p "$H_badutf8" --timeout 3s --format json
	utf8_json
}
