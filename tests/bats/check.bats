#!/usr/bin/env bats
# check.bats — `redisdiag check` against real redis-server instances on
# loopback (tests/lib/fixtures.bash): the "Must show" list of issue 4 for
# the probe.  Each test asserts the exit status, the finding ids and JSON
# fields, never prose.  Every run is bounded by timeout(1).

# run-cost: 12 (seconds alone, idle: tests/run starts the slowest first)

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# has

PW='Check-canary-pw-9Zx4'
ACLPW='Acl-canary-pw-3Kq8'

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	fx_redis_tls tls >/dev/null
	fx_redis_auth auth "$PW" >/dev/null
	fx_redis_tls mtls --tls-auth-clients yes >/dev/null
	fx_redis_tls wrongname --tls-cert-file "$FX_WRONG_CERT" \
	    --tls-key-file "$FX_WRONG_KEY" >/dev/null
	fx_redis_tls expired --tls-cert-file "$FX_EXPIRED_CERT" \
	    --tls-key-file "$FX_EXPIRED_KEY" >/dev/null
	fx_redis_replica replica "$FX_PORT_plain" >/dev/null
	fx_redis_maxclients maxc >/dev/null
	fx_blackhole bh >/dev/null
	fx_acl_user plain "$FX_PORT_plain" probe "$ACLPW" +ping +auth +select -info
	FX_PORT_closed=$(fx_port)
	export FX_PORT_closed
}

teardown_file() {
	fx_teardown
}

# chk ARGS...: `check --format json` in an empty environment (no REDIS_*,
# no SSL_CERT_FILE), bounded; JSON in $output, stderr in $stderr.  The
# JSON's exit_code must equal the process's exit status.
chk() {
	# The default deadline (5s) times TEST_TIME_FACTOR: valgrind on a
	# loaded machine needs more; a test's own --timeout comes later and wins.
	local f=${TEST_TIME_FACTOR:-1}
	run --separate-stderr env -i PATH="$PATH" HOME="${HOME:-/}" \
	    timeout $((30 * f)) "$RD" check --format json --timeout "$((5 * f))s" "$@"
	echo "status=$status" >&2
	echo "$output" | jq -c '{verdict, exit_code, findings: [.findings[].id],
	    steps: [.steps[] | "\(.name)=\(.status)"]}' >&2 || true
	[ "$(echo "$output" | jq -r .exit_code)" = "$status" ]
}

hasnt() {
	! has "$1"
}

# No finding of critical severity.
no_critical() {
	echo "$output" | jq -e 'all(.findings[]; .severity != "critical")' >/dev/null
}

step() {
	echo "$output" | jq -r --arg n "$1" '.steps[] | select(.name == $n) | .status'
}

@test "healthy plaintext: exit 0, every step up to latency ok, server facts" {
	chk -h 127.0.0.1 -p "$FX_PORT_plain"
	[ "$status" -eq 0 ]
	no_critical
	[ "$(step dns)" = ok ]
	[ "$(step tcp)" = ok ]
	[ "$(step tls)" = skip ]
	[ "$(step ping)" = ok ]
	[ "$(step info)" = ok ]
	[ "$(step latency)" = ok ]
	[ "$(echo "$output" | jq -r .server.version)" = "$(redis-server --version | sed 's/.*v=\([0-9.]*\).*/\1/')" ]
	[ "$(echo "$output" | jq -r .server.role)" = master ]
	[ "$(echo "$output" | jq -r .latency.samples)" -eq 10 ]
	[ "$(echo "$output" | jq '.latency.min_us <= .latency.p50_us and .latency.p50_us <= .latency.p99_us and .latency.p99_us <= .latency.max_us')" = true ]
	[ "$(echo "$output" | jq -r .tcp.attempts[0].connected)" = true ]
}

@test "healthy TLS with the test CA: exit 0, verified, SNI localhost, SANs" {
	# The default client (ioredis) sends no SNI: a warning, still exit 0.
	chk -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .tls.sni_sent)" = false ]
	echo "$output" | jq -e '[.findings[].id] | index("client.no_sni") != null'
	# The generic profile (SPEC section 4) sends the host name.
	chk -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA" --profile generic
	[ "$status" -eq 0 ]
	no_critical
	[ "$(step tls)" = ok ]
	[ "$(step ping)" = ok ]
	[ "$(echo "$output" | jq -r .tls.verify_code)" = 0 ]
	[ "$(echo "$output" | jq -r .tls.hostname_match)" = true ]
	[ "$(echo "$output" | jq -r .tls.sni)" = localhost ]
	[[ $(echo "$output" | jq -r .tls.version) == TLSv1.* ]]
	echo "$output" | jq -e '.tls.sans | index("DNS:localhost") != null' >/dev/null
	echo "$output" | jq -e '.tls.days_left > 0' >/dev/null
}

@test "requirepass without a password: auth.required, exit 1" {
	chk -h 127.0.0.1 -p "$FX_PORT_auth"
	[ "$status" -eq 1 ]
	has auth.required
	[ "$(echo "$output" | jq -r .verdict)" = rejecting ]
}

@test "wrong password: auth.wrongpass, exit 1, the password never shown" {
	chk -h 127.0.0.1 -p "$FX_PORT_auth" -a "wrong-$PW"
	[ "$status" -eq 1 ]
	has auth.wrongpass
	hasnt auth.required
	[[ $output != *"$PW"* ]]
	[[ $stderr != *"$PW"* ]]
}

@test "right password: exit 0" {
	chk -h 127.0.0.1 -p "$FX_PORT_auth" -a "$PW"
	[ "$status" -eq 0 ]
	[ "$(step auth)" = ok ]
	[[ $output != *"$PW"* ]]
	[[ $stderr != *"$PW"* ]]
}

@test "a password to a server without one: auth.no_password_configured" {
	# redis-py 4 sends AUTH PW and fails on the error: critical, exit 1.
	chk -h 127.0.0.1 -p "$FX_PORT_plain" -a "$PW" --client redis-py
	[ "$status" -eq 1 ]
	has auth.no_password_configured
	hasnt auth.wrongpass
	[ "$(echo "$output" | jq -r '.findings[] | select(.id == "auth.no_password_configured") | .severity')" = critical ]
	[[ $output != *"$PW"* ]]
	# ioredis 5 sends AUTH PW too, logs the error and goes on: a warning.
	chk -h 127.0.0.1 -p "$FX_PORT_plain" -a "$PW" --client ioredis@5
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.findings[] | select(.id == "auth.no_password_configured") | .severity')" = warning ]
	# The default client, ioredis 6, sends it inside HELLO 3 (AUTH default
	# PW), which a default user without a password accepts: no finding.
	chk -h 127.0.0.1 -p "$FX_PORT_plain" -a "$PW"
	[ "$status" -eq 0 ]
	hasnt auth.no_password_configured
	[[ $output != *"$PW"* ]]
}

@test "ACL user without INFO: check passes, auth.noperm warning" {
	chk -h 127.0.0.1 -p "$FX_PORT_plain" --user probe -a "$ACLPW"
	[ "$status" -eq 0 ]
	has auth.noperm
	[ "$(step ping)" = ok ]
	[ "$(echo "$output" | jq -r .server.info_denied)" = true ]
	[[ $output != *"$ACLPW"* ]]
}

@test "TLS without the CA: tls.cert_untrusted, exit 2" {
	chk -h localhost -p "$FX_PORT_tls" --tls
	[ "$status" -eq 2 ]
	has tls.cert_untrusted
	[ "$(echo "$output" | jq -r .tls.verify_code)" != 0 ]
	[ "$(echo "$output" | jq -r .tls.issuer)" = "CN=redisdiag test CA" ]
}

# chk_env VAR=VALUE... -- ARGS...: chk with OpenSSL's trust-store
# variables set (they are OpenSSL's, not redisdiag's configuration).
chk_env() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	run --separate-stderr env -i PATH="$PATH" HOME="${HOME:-/}" "${envs[@]}" \
	    timeout 30 "$RD" check --format json "$@"
	echo "status=$status" >&2
	[ "$(echo "$output" | jq -r .exit_code)" = "$status" ]
}

@test "system trust: the CA in a bundle file (SSL_CERT_FILE) is found when the directory has nothing" {
	cat "$FX_OTHER_CA" "$FX_CA" >"$FX_DIR/bundle.pem"
	mkdir -p "$FX_DIR/emptydir"
	chk_env SSL_CERT_FILE="$FX_DIR/bundle.pem" SSL_CERT_DIR="$FX_DIR/emptydir" -- \
	    -h localhost -p "$FX_PORT_tls" --tls
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .tls.verify_code)" = 0 ]
	# Neither has it: untrusted, as before.
	chk_env SSL_CERT_FILE="$FX_OTHER_CA" SSL_CERT_DIR="$FX_DIR/emptydir" -- \
	    -h localhost -p "$FX_PORT_tls" --tls
	[ "$status" -eq 2 ]
	has tls.cert_untrusted
}

@test "system trust: the CA in a hashed directory (SSL_CERT_DIR) is found without a bundle" {
	command -v openssl >/dev/null || skip "openssl not installed"
	mkdir -p "$FX_DIR/hashdir"
	cp "$FX_CA" "$FX_DIR/hashdir/ca.pem"
	openssl rehash "$FX_DIR/hashdir" >/dev/null 2>&1 || skip "openssl rehash failed"
	chk_env SSL_CERT_FILE="$FX_DIR/no-such-bundle.pem" SSL_CERT_DIR="$FX_DIR/hashdir" -- \
	    -h localhost -p "$FX_PORT_tls" --tls
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .tls.verify_code)" = 0 ]
}

@test "--insecure: connects, tls.insecure, still says what verification found" {
	chk -h localhost -p "$FX_PORT_tls" --tls --insecure
	[ "$status" -eq 0 ]
	has tls.insecure
	[ "$(echo "$output" | jq -r .tls.verify_code)" != 0 ]
}

@test "certificate for another name: tls.hostname_mismatch with its SANs" {
	chk -h localhost -p "$FX_PORT_wrongname" --tls --cacert "$FX_CA"
	[ "$status" -eq 2 ]
	has tls.hostname_mismatch
	[ "$(echo "$output" | jq -r .tls.hostname_match)" = false ]
	echo "$output" | jq -e '.tls.sans | index("DNS:wrong.example.invalid") != null' >/dev/null
}

@test "expired certificate: tls.cert_expired" {
	chk -h localhost -p "$FX_PORT_expired" --tls --cacert "$FX_CA"
	[ "$status" -eq 2 ]
	has tls.cert_expired
	echo "$output" | jq -e '.tls.days_left < 0' >/dev/null
}

@test "tls-auth-clients yes without a client certificate: tls.client_cert_required" {
	chk -h localhost -p "$FX_PORT_mtls" --tls --cacert "$FX_CA"
	[ "$status" -eq 2 ]
	has tls.client_cert_required
	[ "$(echo "$output" | jq -r .tls.client_cert_sent)" = false ]
}

@test "tls-auth-clients yes with a client certificate: exit 0" {
	chk -h localhost -p "$FX_PORT_mtls" --tls --cacert "$FX_CA" \
	    --cert "$FX_CLIENT_CERT" --key "$FX_CLIENT_KEY"
	[ "$status" -eq 0 ]
	hasnt tls.client_cert_required
	[ "$(echo "$output" | jq -r .tls.client_cert_sent)" = true ]
	[ "$(step ping)" = ok ]
}

@test "plaintext to the TLS port: proto.tls_required, proven by a handshake" {
	chk -h 127.0.0.1 -p "$FX_PORT_tls"
	[ "$status" -eq 2 ]
	has proto.tls_required
	[ "$(echo "$output" | jq -r .cross_try.tried_tls)" = true ]
	[ "$(echo "$output" | jq -r .cross_try.succeeded)" = true ]
}

@test "rediss:// to the plaintext port: tls.plaintext_port, proven by PONG" {
	chk -u "rediss://localhost:$FX_PORT_plain" --cacert "$FX_CA" --timeout 2s
	[ "$status" -eq 2 ]
	has tls.plaintext_port
	[ "$(echo "$output" | jq -r .cross_try.tried_plain)" = true ]
	[ "$(echo "$output" | jq -r .cross_try.succeeded)" = true ]
}

@test "rediss:// to a silent plaintext Redis: proven by a raced PING, long before the deadline" {
	local t0 t1
	t0=$(date +%s%N)
	chk -u "rediss://127.0.0.1:$FX_PORT_plain" --timeout 10s
	t1=$(date +%s%N)
	[ "$status" -eq 2 ]
	has tls.plaintext_port
	[ "$(echo "$output" | jq -r .cross_try.tried_plain)" = true ]
	[ "$(echo "$output" | jq -r .cross_try.succeeded)" = true ]
	# Redis waits for a newline the ClientHello may lack (the race
	# proves it: no_tls_answer) or answers -ERR at once (not_tls).
	[[ $(echo "$output" | jq -r '.steps[] | select(.name == "tls") | .error.code') =~ ^(no_tls_answer|not_tls)$ ]]
	# Not half the deadline (5 s) as before the race: generous bound.
	[ $(((t1 - t0) / 1000000)) -lt $((3000 * ${TEST_TIME_FACTOR:-1})) ]
}

# _conns NAME: total_connections_received of a fixture server.
_conns() {
	fx_cli "$1" INFO stats | tr -d '\r' | sed -n 's/^total_connections_received://p'
}

@test "a healthy TLS server sees exactly one connection (no plaintext side)" {
	local before after
	before=$(_conns tls)
	chk -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA"
	[ "$status" -eq 0 ]
	after=$(_conns tls)
	if [ "${TEST_TIME_FACTOR:-1}" -lt 4 ]; then
		# The check's connection and the second INFO's own.
		[ $((after - before)) -eq 2 ]
		[ "$(echo "$output" | jq -r .cross_try)" = null ]
	else
		# Under valgrind the handshake itself can outlast the 150 ms
		# grace: the plaintext side may start, but it must be dropped
		# once TLS answers, and never count as a success.
		[ $((after - before)) -ge 2 ] && [ $((after - before)) -le 3 ]
		[[ $(echo "$output" | jq -r '.cross_try // {} | .succeeded // false') = false ]]
		[[ $(echo "$output" | jq -r '.cross_try.detail // "abandoned"') == *abandoned* ]]
	fi
}

@test "a TLS server that answers late still passes; the plaintext side is dropped" {
	local port log="$FX_DIR/slowtls.log"
	port=$(fx_port)
	# A loopback proxy that holds each chunk from the TLS server 400 ms:
	# the ServerHello arrives after the plaintext race has started.
	timeout 60 perl -MIO::Socket::INET -MIO::Select -e '
		my ($lp, $up) = @ARGV;
		my $ls = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
		    LocalPort => $lp, Listen => 8, ReuseAddr => 1) or die;
		print STDOUT "ready\n"; STDOUT->flush;
		$SIG{CHLD} = "IGNORE";
		while (my $c = $ls->accept) {
			next if fork;
			my $u = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			    PeerPort => $up) or exit 1;
			my $sel = IO::Select->new($c, $u);
			for (1 .. 200) {
				for my $r ($sel->can_read(0.5)) {
					sysread($r, my $b, 65536) or exit 0;
					if ($r == $u) { select(undef, undef, undef, 0.4); syswrite($c, $b) }
					else { syswrite($u, $b) }
				}
			}
			exit 0;
		}' "$port" "$FX_PORT_tls" </dev/null >"$log" 2>&1 3>&- &
	_fx_track "$!" perl
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$log" && break
		sleep 0.05
	done
	chk -h localhost -p "$port" --tls --cacert "$FX_CA" --timeout 15s \
	    --latency-samples 1 --profile generic
	[ "$status" -eq 0 ]
	[ "$(step tls)" = ok ]
	[ "$(step ping)" = ok ]
	hasnt tls.plaintext_port
	[ "$(echo "$output" | jq -r .cross_try.tried_plain)" = true ]
	[ "$(echo "$output" | jq -r .cross_try.succeeded)" = false ]
}

# _silent_listener LOG: accepts connections and never writes (its own:
# fixtures' fx_silent drops what it accepts).  Prints its port.
_silent_listener() {
	local port i
	port=$(fx_port) || return 1
	timeout 30 perl -MIO::Socket::INET -e '
		my $ls = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
		    LocalPort => $ARGV[0], Listen => 8, ReuseAddr => 1) or die;
		print STDOUT "ready\n"; STDOUT->flush;
		my @keep;
		while (my $c = $ls->accept) { push @keep, $c }' "$port" \
	    </dev/null >"$1" 2>&1 3>&- &
	_fx_track "$!" perl
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$1" 2>/dev/null && break
		sleep 0.05
	done
	echo "$port"
}

@test "TLS to a port that accepts and never speaks: proto.timeout at --timeout 1s" {
	local t0 t1 port
	port=$(_silent_listener "$FX_DIR/silent.log")
	t0=$(date +%s%N)
	chk -h 127.0.0.1 -p "$port" --tls --timeout 1s
	t1=$(date +%s%N)
	[ "$status" -eq 2 ]
	has proto.timeout
	hasnt tls.plaintext_port
	# The raced plaintext PING got nothing either.
	[ "$(echo "$output" | jq -r .cross_try.tried_plain)" = true ]
	[ "$(echo "$output" | jq -r .cross_try.succeeded)" = false ]
	[ $(((t1 - t0) / 1000000)) -lt $((5000 * ${TEST_TIME_FACTOR:-1})) ]
	[ $(((t1 - t0) / 1000000)) -ge 900 ]
}

@test "closed port: tcp.refused, exit 2" {
	chk -h 127.0.0.1 -p "$FX_PORT_closed"
	[ "$status" -eq 2 ]
	has tcp.refused
	[ "$(echo "$output" | jq -r .tcp.attempts[0].errno)" != null ]
	[ "$(echo "$output" | jq -r .verdict)" = unreachable ]
}

@test "a replica: server.readonly_replica" {
	chk -h 127.0.0.1 -p "$FX_PORT_replica"
	has server.readonly_replica
	[ "$(echo "$output" | jq -r .server.role)" = slave ]
}

@test "database 99: server.db_out_of_range, exit 1" {
	chk -u "redis://127.0.0.1:$FX_PORT_plain/99"
	[ "$status" -eq 1 ]
	has server.db_out_of_range
	[ "$(step select)" = fail ]
}

@test "maxclients reached: server.maxclients, exit 1, not a reset" {
	chk -h 127.0.0.1 -p "$FX_PORT_maxc"
	[ "$status" -eq 1 ]
	has server.maxclients
	hasnt tcp.reset
	hasnt proto.closed
}

@test "-6 with an IPv4 literal: dns.no_address, exit 2" {
	chk -h 127.0.0.1 -6 -p "$FX_PORT_plain"
	[ "$status" -eq 2 ]
	[ "$(step dns)" = fail ]
	[ "$(step tcp)" = skip ]
	[ "$(echo "$output" | jq -r .dns.filtered)" = 1 ]
	[ "$(echo "$output" | jq -r .dns.literal)" = true ]
	has dns.no_address
	[ "$(echo "$output" | jq -r '.findings[] | select(.id == "dns.no_address") | .severity')" = critical ]
	[ "$(echo "$output" | jq -r .verdict)" = unreachable ]
}

@test "-4 with an IPv6 literal: dns.no_address, exit 2" {
	chk -h ::1 -4 -p "$FX_PORT_plain"
	[ "$status" -eq 2 ]
	[ "$(step dns)" = fail ]
	has dns.no_address
	[ "$(echo "$output" | jq -r .dns.filtered)" = 1 ]
}

# _sni_server LOG: openssl s_server that logs the SNI it receives and
# exits after one connection.  Prints its port.
_sni_server() {
	local port
	port=$(fx_port) || return 1
	timeout 20 openssl s_server -accept "127.0.0.1:$port" \
	    -cert "$FX_CERT" -key "$FX_KEY" -cert2 "$FX_CERT" -key2 "$FX_KEY" \
	    -servername localhost -tlsextdebug -naccept 1 -rev \
	    </dev/null >"$1" 2>&1 3>&- &
	_fx_track "$!" openssl
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q ACCEPT "$1" 2>/dev/null && break
		sleep 0.05
	done
	echo "$port"
}

@test "the SNI a TLS server receives is the host name" {
	local log="$FX_DIR/sni-name.log" port i
	port=$(_sni_server "$log")
	# The generic profile; the default client (ioredis) sends none.
	chk -h localhost -p "$port" --tls --cacert "$FX_CA" --timeout 3s --profile generic
	for ((i = 0; i < 40; i++)); do
		grep -q 'Hostname in TLS extension' "$log" && break
		sleep 0.05
	done
	grep -q 'Hostname in TLS extension: "localhost"' "$log"
	[ "$(echo "$output" | jq -r .tls.sni_sent)" = true ]
}

@test "the default client (ioredis) sends no SNI to the server; --client redis-py sends the host" {
	local log="$FX_DIR/sni-default.log" port i
	port=$(_sni_server "$log")
	chk -h localhost -p "$port" --tls --cacert "$FX_CA" --timeout 3s
	sleep 0.2
	if grep -q 'Hostname in TLS extension' "$log"; then return 1; fi
	[ "$(echo "$output" | jq -r .tls.sni_sent)" = false ]
	[ "$(echo "$output" | jq -r .config.client)" = ioredis@6 ]
	local log2="$FX_DIR/sni-py.log"
	port=$(_sni_server "$log2")
	chk -h localhost -p "$port" --tls --cacert "$FX_CA" --timeout 3s --client redis-py
	for ((i = 0; i < 40; i++)); do
		grep -q 'Hostname in TLS extension' "$log2" && break
		sleep 0.05
	done
	grep -q 'Hostname in TLS extension: "localhost"' "$log2"
}

@test "no SNI is sent for an IP literal" {
	local log="$FX_DIR/sni-ip.log" port
	port=$(_sni_server "$log")
	chk -h 127.0.0.1 -p "$port" --tls --cacert "$FX_CA" --timeout 3s
	# The handshake happened (the certificate covers IP:127.0.0.1) ...
	[ "$(echo "$output" | jq -r .tls.hostname_match)" = true ]
	sleep 0.2
	# ... and carried no server_name extension.
	# ("! cmd" does not fail a bats test; say it explicitly.)
	if grep -q 'server name' "$log"; then return 1; fi
	if grep -q 'Hostname in TLS extension' "$log"; then return 1; fi
	[ "$(echo "$output" | jq -r .tls.sni_sent)" = false ]
}

@test "accept queue full: tcp.timeout at --timeout 1s (generous bound)" {
	local t0 t1
	t0=$(date +%s%N)
	chk -h 127.0.0.1 -p "$FX_PORT_bh" --timeout 1s
	t1=$(date +%s%N)
	[ "$status" -eq 2 ]
	has tcp.timeout
	[ "$(echo "$output" | jq -r .tcp.timed_out)" = true ]
	# Ends at the deadline, not at the kernel's connect timeout.
	[ $(((t1 - t0) / 1000000)) -lt $((5000 * ${TEST_TIME_FACTOR:-1})) ]
	[ $(((t1 - t0) / 1000000)) -ge 900 ]
}
