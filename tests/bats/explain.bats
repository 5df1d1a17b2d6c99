#!/usr/bin/env bats
# explain.bats — `redisdiag explain` from the command line: a pasted message
# as arguments, a whole log on stdin, secrets in the pasted text, empty
# input, exit status by the worst finding.  No network: explain only reads.

bats_require_minimum_version 1.5.0

CANARY='Explain-canary-7Hq2'

setup_file() {
	RD="${REDISDIAG:-./redisdiag}"
	case $RD in /*) ;; *) RD="$PWD/$RD" ;; esac
	export RD
}

# rd ARGS...: bounded, stdout in $output, stderr in $stderr.
rd() {
	run --separate-stderr timeout 20 "$RD" "$@"
}

@test "explain ECONNREFUSED: tcp.refused, exit 2, host and port in JSON" {
	rd explain --format json "Error: connect ECONNREFUSED 127.0.0.1:6379"
	[ "$status" -eq 2 ]
	[ "$(jq -r .command <<<"$output")" = explain ]
	[ "$(jq -r .verdict <<<"$output")" = unreachable ]
	[ "$(jq -r .exit_code <<<"$output")" = 2 ]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = tcp.refused ]
	[ "$(jq -r '.findings | length' <<<"$output")" = 1 ]
	[ "$(jq -r '.lines[0].host' <<<"$output")" = 127.0.0.1 ]
	[ "$(jq -r '.lines[0].port' <<<"$output")" = 6379 ]
	[ "$(jq -r '.lines[0].client' <<<"$output")" = node ]
	[ "$(jq -r '.config.host' <<<"$output")" = 127.0.0.1 ]
	[ "$(jq -r '.config.port' <<<"$output")" = 6379 ]
	[ "$(jq -r '.config.source' <<<"$output")" = explain ]
	[ "$(jq -r '.checklist[] | select(.id=="tcp") | .status' <<<"$output")" = fail ]
	[ "$(jq -r '.checklist | length' <<<"$output")" = 14 ]
}

@test "explain words given unquoted are joined" {
	rd explain --format json Error: getaddrinfo ENOTFOUND redis
	[ "$status" -eq 2 ]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = dns.nxdomain ]
	[ "$(jq -r '.lines[0].host' <<<"$output")" = redis ]
}

@test "explain a server refusal: exit 1" {
	rd explain --format json "ReplyError: NOAUTH Authentication required."
	[ "$status" -eq 1 ]
	[ "$(jq -r .verdict <<<"$output")" = rejecting ]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = auth.required ]
	[ "$(jq -r '.checklist[] | select(.id=="password") | .status' <<<"$output")" = fail ]
}

@test "explain READONLY, OOM, MISCONF map to their server ids" {
	rd explain --format json "(error) READONLY You can't write against a read only replica."
	[ "$status" -eq 1 ]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = server.readonly_replica ]
	rd explain --format json "OOM command not allowed when used memory > 'maxmemory'."
	[ "$status" -eq 1 ]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = server.oom_risk ]
	rd explain --format json "MISCONF Redis is configured to save RDB snapshots"
	[ "$status" -eq 1 ]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = server.persistence_error ]
}

@test "explain a log on stdin: every line classified, counts by id, worst exit" {
	log="$BATS_TEST_TMPDIR/app.log"
	cat >"$log" <<-'EOF'
	2024-05-01T12:00:00.000Z info starting worker
	[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379
	[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379
	redis.exceptions.AuthenticationError: Authentication required.
	GET /healthz 200 1.2ms
	dial tcp: lookup redis on 127.0.0.11:53: no such host
	[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379
	EOF
	run --separate-stderr bash -c 'timeout 20 "$RD" explain --format json - <"$1"' _ "$log"
	[ "$status" -eq 2 ]
	[ "$(jq -r '.lines | length' <<<"$output")" = 5 ]
	[ "$(jq -r '[.lines[] | select(.id=="tcp.refused")] | length' <<<"$output")" = 3 ]
	[ "$(jq -r '[.lines[].lineno] | join(",")' <<<"$output")" = 2,3,4,6,7 ]
	[ "$(jq -r '[.findings[].id] | join(",")' <<<"$output")" = tcp.refused,auth.required,dns.nxdomain ]
	jq -e '.findings[0].evidence | startswith("3 lines, first at line 2")' <<<"$output"
	jq -e '.summary | contains("5 of 7 lines classified") and contains("tcp.refused x3")' <<<"$output"
	[ "$(jq -r '.exit_code' <<<"$output")" = 2 ]
}

@test "explain with no operand reads stdin" {
	run --separate-stderr bash -c 'printf "%s\n" "WRONGPASS invalid username-password pair" | timeout 20 "$RD" explain --format json'
	[ "$status" -eq 1 ]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = auth.wrongpass ]
}

@test "explain never echoes a password from the pasted text" {
	rd explain --format json "Error: connect ECONNREFUSED 10.0.0.9:6379 url=redis://app:${CANARY}@10.0.0.9:6379"
	[ "$status" -eq 2 ]
	[[ $output != *"$CANARY"* ]]
	[[ $stderr != *"$CANARY"* ]]
	jq -e '.lines[0].excerpt | contains("redis://app:****@10.0.0.9")' <<<"$output"

	# Every format, and a log with the other forms of a pasted secret.
	log="$BATS_TEST_TMPDIR/secret.log"
	{
		echo "$ redis-cli -h cache -a $CANARY ping"
		echo "AUTH failed: WRONGPASS invalid username-password pair (AUTH $CANARY)"
		echo "REDIS_PASSWORD=$CANARY Error: connect ECONNREFUSED 127.0.0.1:6379"
		echo "cache:6380,password=$CANARY,ssl=True It was not possible to connect to the redis server(s). UnableToConnect"
		echo "redis.exceptions.ConnectionError: Error 111 connecting to rediss://default:$CANARY@cache:6380. Connection refused."
	} >"$log"
	for fmt in json text ndjson nagios prometheus junit; do
		run --separate-stderr bash -c 'timeout 20 "$RD" explain --format "$1" <"$2"' _ "$fmt" "$log"
		[ "$status" -eq 2 ]
		[[ $output != *"$CANARY"* ]]
		[[ $stderr != *"$CANARY"* ]]
	done
}

@test "explain unrecognised text: exit 0, verdict ok, no findings" {
	rd explain --format json "everything is fine here"
	[ "$status" -eq 0 ]
	[ "$(jq -r .verdict <<<"$output")" = ok ]
	[ "$(jq -r '.findings | length' <<<"$output")" = 0 ]
	[ "$(jq -r '.lines | length' <<<"$output")" = 0 ]
	[ "$(jq -r .config <<<"$output")" = null ]
}

@test "explain empty input: exit 3 no_attempt, stdin and argument alike" {
	run --separate-stderr bash -c 'timeout 20 "$RD" explain --format json </dev/null'
	[ "$status" -eq 3 ]
	[ "$(jq -r .verdict <<<"$output")" = no_attempt ]
	[ "$(jq -r .exit_code <<<"$output")" = 3 ]
	rd explain --format json ""
	[ "$status" -eq 3 ]
	[ "$(jq -r .verdict <<<"$output")" = no_attempt ]
}

@test "explain --quiet prints nothing and keeps the exit status" {
	rd explain --quiet "dial tcp 10.0.0.5:6379: i/o timeout"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "explain bounds: a 1 MiB line and 200k lines end quickly and classify" {
	big="$BATS_TEST_TMPDIR/big.log"
	{
		printf 'NOAUTH Authentication required. '
		head -c 1048576 /dev/zero | tr '\0' 'x'
		printf '\n'
		yes 'Error: connect ECONNREFUSED 127.0.0.1:6379' | head -n 200000
	} >"$big"
	run --separate-stderr bash -c 'timeout 60 "$RD" explain --format json <"$1"' _ "$big"
	[ "$status" -eq 2 ]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = auth.required ]
	jq -e '.summary | contains("200001 of 200001 lines classified")' <<<"$output"
	# lines[] is bounded; the counts cover everything.
	[ "$(jq -r '.lines | length' <<<"$output")" -le 10000 ]
	[ "$(jq -r '.lines[0].excerpt | length' <<<"$output")" -lt 200 ]
}

@test "explain TLS errors: plaintext port, untrusted, hostname" {
	rd explain --format json "Error: write EPROTO 140105462535104:error:1408F10B:SSL routines:ssl3_get_record:wrong version number"
	[ "$status" -eq 2 ]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = tls.plaintext_port ]
	rd explain --format json "Error: self signed certificate in certificate chain"
	[ "$(jq -r '.findings[0].id' <<<"$output")" = tls.cert_untrusted ]
	[ "$(jq -r '.checklist[] | select(.id=="certificate") | .status' <<<"$output")" = fail ]
	rd explain --format json "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames"
	[ "$(jq -r '.findings[0].id' <<<"$output")" = tls.hostname_mismatch ]
}
