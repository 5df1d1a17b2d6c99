#!/usr/bin/env bats
# variations.bats — SPEC 12's variations after the attempt as the
# application fails (issue 10): with the password another source holds
# after NOAUTH or WRONGPASS, without it when the server has none; each in
# alternatives[] with its verdict, the finding that says what to set, and
# the exit status the application's own attempt decided.  Real
# redis-server instances on loopback; the canary password must appear in
# no output format.

bats_require_minimum_version 1.5.0

PW='Variation-canary-pw-5Tq7'

load '../lib/fixtures'
load '../lib/cli'	# cli_setup_file, rd, rdv, has

setup_file() {
	cli_setup_file
	fx_redis_auth auth "$PW" >/dev/null
	fx_redis plain >/dev/null
	# a certificate for wrong.example.invalid only, from the test CA
	fx_redis_tls wrongname --tls-cert-file "$FX_WRONG_CERT" \
	    --tls-key-file "$FX_WRONG_KEY" >/dev/null
}

teardown_file() { fx_teardown; }

q() { echo "$output" | jq -r "$@"; }

# alt CHANGE: the verdict of the alternative named CHANGE ("" when none).
alt() { q --arg c "$1" '[.alternatives // [] | .[] | select(.change == $c) | .verdict] | join(",")'; }

# remedies ID: the remediation lines of finding ID, one a line.
remedies() { q --arg id "$1" '.findings[] | select(.id == $id) | .remediation[]'; }

# The exit status matches the report's, and the canary is nowhere.
sane() {
	[ "$(q .exit_code)" = "$status" ]
	[ "$(grep -cF "$PW" <<<"$output$stderr")" -eq 0 ]
}

@test "NOAUTH, NF_REDIS_PASSWORD unread behind REDIS_URL: 'with the password of NF_REDIS_PASSWORD' works; the fix names REDIS_PASSWORD and the ioredis option; exit 1" {
	rdv REDIS_URL="redis://127.0.0.1:$FX_PORT_auth" NF_REDIS_PASSWORD="$PW" -- \
	    check --format json
	sane
	[ "$status" -eq 1 ]
	[ "$(q .verdict)" = rejecting ]
	[ "$(q .config.client)" = ioredis@6 ]
	has auth.required
	[ "$(alt 'with the password of NF_REDIS_PASSWORD')" = ok ]
	# no TLS or candidate noise: the port answered in plaintext
	[ "$(q '.alternatives | length')" -eq 1 ]
	has config.alternative_works
	remedies config.alternative_works | grep -q '^ioredis: pass the password NF_REDIS_PASSWORD holds as its password option'
	remedies config.alternative_works | grep -q '^set REDIS_PASSWORD to the value of NF_REDIS_PASSWORD: NF_REDIS_\* are read only when neither REDIS_URL nor REDIS_HOST is set'
	remedies config.alternative_works | grep -qF "redis://:****@127.0.0.1:$FX_PORT_auth"
}

@test "the canary password appears in no output format (json, text, ndjson, nagios, prometheus, junit, --verbose trace)" {
	local fmt
	for fmt in json text ndjson nagios prometheus junit; do
		rdv REDIS_URL="redis://127.0.0.1:$FX_PORT_auth" NF_REDIS_PASSWORD="$PW" -- \
		    check --format "$fmt" --verbose
		[ "$status" -eq 1 ] || [ "$fmt" = nagios ]
		[ -n "$output" ]
		[ "$(grep -cF "$PW" <<<"$output")" -eq 0 ]
		[ "$(grep -cF "$PW" <<<"$stderr")" -eq 0 ]
	done
	# the variation ran in these too: the text report lists it
	rdv REDIS_URL="redis://127.0.0.1:$FX_PORT_auth" NF_REDIS_PASSWORD="$PW" -- check
	grep -q 'with the password of NF_REDIS_PASSWORD' <<<"$output"
}

@test "a password only in --env-file, under a name the profile does not read: tried, source named, never printed" {
	printf 'NF_REDIS_PASSWORD=%s\n' "$PW" >"$BATS_TEST_TMPDIR/app.env"
	rdv REDIS_HOST=127.0.0.1 REDIS_PORT="$FX_PORT_auth" -- \
	    check --format json --env-file "$BATS_TEST_TMPDIR/app.env"
	sane
	[ "$status" -eq 1 ]
	has auth.required
	[ "$(alt 'with the password of NF_REDIS_PASSWORD')" = ok ]
}

@test "python-getenv never reads REDIS_URL: its password tried after NOAUTH; the fix is REDIS_PASSWORD and redis-py's password=" {
	rdv REDIS_HOST=127.0.0.1 REDIS_PORT="$FX_PORT_auth" \
	    REDIS_URL="redis://:$PW@127.0.0.1:$FX_PORT_auth" -- \
	    check --format json --profile python-getenv
	sane
	[ "$status" -eq 1 ]
	[ "$(q .config.client)" = redis-py@4 ]
	has auth.required
	[[ "$(alt 'with the password of REDIS_URL')" =~ ^(ok|warn)$ ]]
	remedies config.alternative_works | grep -q "^set REDIS_PASSWORD to the password in REDIS_URL's user info: the application never reads it"
	remedies config.alternative_works | grep -q '^redis-py: pass the password REDIS_URL holds as its password option'
}

@test "redis://x@h: ioredis sends AUTH x \"\", WRONGPASS; REDIS_PASSWORD without the URL's user works, the fix says the URL's user info replaces it" {
	rdv REDIS_URL="redis://x@127.0.0.1:$FX_PORT_auth" REDIS_PASSWORD="$PW" -- \
	    check --format json
	sane
	[ "$status" -eq 1 ]
	has auth.wrongpass
	[ "$(alt "with the password of REDIS_PASSWORD instead, without the URL's user")" = warn ]
	[ "$(alt 'without the password (no AUTH)')" = rejecting ]
	remedies config.alternative_works | grep -q "^REDIS_PASSWORD is read, but REDIS_URL's credentials replace it (ioredis@6): drop the user info from REDIS_URL"
}

@test "a password sent to a server without one (redis-py fails the connection): 'without the password' works; the fix unsets REDIS_PASSWORD" {
	rdv REDIS_HOST=127.0.0.1 REDIS_PORT="$FX_PORT_plain" REDIS_PASSWORD="$PW" -- \
	    check --format json --profile python-getenv
	sane
	[ "$status" -eq 1 ]
	has auth.no_password_configured
	[ "$(alt 'without the password (no AUTH)')" = ok ]
	[ "$(q '[.alternatives[] | select(.change | startswith("with the password"))] | length')" -eq 0 ]
	remedies config.alternative_works | grep -q '^redis-py: pass no password'
	remedies config.alternative_works | grep -q '^unset REDIS_PASSWORD'
}

@test "no password variation when the failure is not about the password (refused), none when the attempt works" {
	rdv REDIS_HOST=127.0.0.1 REDIS_PORT="$CLOSED" REDIS_PASSWORD="$PW" \
	    NF_REDIS_PASSWORD=other-canary -- check --format json
	sane
	[ "$status" -eq 2 ]
	[ "$(q '[.alternatives // [] | .[] | select(.change | test("password"))] | length')" -eq 0 ]
	rdv REDIS_HOST=127.0.0.1 REDIS_PORT="$FX_PORT_auth" REDIS_PASSWORD="$PW" \
	    NF_REDIS_PASSWORD=other-canary -- check --format json
	sane
	[ "$status" -eq 0 ]
	[ "$(q '.alternatives // [] | length')" -eq 0 ]
}

# ---- SPEC 12: verification the way the client does it -------------------

@test "a certificate for another name: the default ioredis checks the host name (Node's checkServerIdentity against the host, no SNI sent): tls.hostname_mismatch, exit 2" {
	rd check -h localhost -p "$FX_PORT_wrongname" --tls --cacert "$FX_CA" \
	    --format json --timeout 5s
	sane
	[ "$status" -eq 2 ]
	[ "$(q .config.client)" = ioredis@6 ]
	has tls.hostname_mismatch
	[ "$(q .tls.sni_sent)" = false ]
	[ "$(q .tls.hostname_checked)" = true ]
	[ "$(q .tls.hostname_match)" = false ]
}

@test "the same server with --client redis-py (check_hostname False in 4.x): the chain is verified, the name not; exit 0 with client.hostname_unchecked" {
	rd check -h localhost -p "$FX_PORT_wrongname" --tls --cacert "$FX_CA" \
	    --format json --timeout 5s --client redis-py
	sane
	[ "$status" -eq 0 ]
	[ "$(q .verdict)" = warn ]
	[ "$(q .config.client)" = redis-py@4 ]
	has client.hostname_unchecked
	[ "$(q '[.findings[] | select(.id == "tls.hostname_mismatch")] | length')" -eq 0 ]
	[ "$(q .tls.ok)" = true ]
	[ "$(q .tls.verify_name)" = X509_V_OK ]
	[ "$(q .tls.hostname_checked)" = false ]
	[ "$(q .tls.hostname_match)" = false ]
	q '.findings[] | select(.id == "client.hostname_unchecked") | .title' |
	    grep -q 'does not cover localhost; redis-py@4 connects anyway'
	q '.findings[] | select(.id == "client.hostname_unchecked") | .remediation[]' |
	    grep -q 'ssl_check_hostname=True'
	q '.steps[] | select(.name == "tls") | .detail' | grep -q 'host name not checked'
	q '.checklist[] | select(.id == "certificate") | .status' | grep -qx warn
	# an untrusted chain still fails for redis-py: only the name is skipped
	rd check -h localhost -p "$FX_PORT_wrongname" --tls --cacert "$FX_OTHER_CA" \
	    --format json --timeout 5s --client redis-py
	[ "$status" -eq 2 ]
	has tls.cert_untrusted
}

@test "the real redis-py connects to that server with its defaults (the model's claim), and fails once it checks the name" {
	/usr/bin/python3 -c 'import redis' 2>/dev/null || skip "python3-redis not installed (scripts/install-deps --test)"
	local py='import redis, sys
r = redis.Redis(host="localhost", port=int(sys.argv[1]), ssl=True,
    ssl_ca_certs=sys.argv[2], socket_connect_timeout=5, socket_timeout=5,
    **({"ssl_check_hostname": True} if sys.argv[3] == "1" else {}))
print(r.ping())'
	run timeout 20 /usr/bin/python3 -c "$py" "$FX_PORT_wrongname" "$FX_CA" 0
	[ "$status" -eq 0 ]
	[ "$output" = True ]
	run timeout 20 /usr/bin/python3 -c "$py" "$FX_PORT_wrongname" "$FX_CA" 1
	[ "$status" -ne 0 ]
	grep -qi 'hostname mismatch' <<<"$output"
}

@test "the real redis-cli (hiredis: chain only) answers PONG through that certificate too, and redisdiag --client redis-cli agrees (exit 0)" {
	run timeout 10 redis-cli -h localhost -p "$FX_PORT_wrongname" --tls \
	    --cacert "$FX_CA" PING </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = PONG ]
	# an untrusted chain is refused by it
	run timeout 10 redis-cli -h localhost -p "$FX_PORT_wrongname" --tls \
	    --cacert "$FX_OTHER_CA" PING </dev/null
	[ "$output" != PONG ]
	rd check -h localhost -p "$FX_PORT_wrongname" --tls --cacert "$FX_CA" \
	    --format json --timeout 5s --client redis-cli
	sane
	[ "$status" -eq 0 ]
	has client.hostname_unchecked
}

@test "a matching certificate with --client redis-py: no finding, the checklist says the client checks no host name" {
	fx_redis_tls goodname >/dev/null
	rd check -h localhost -p "$FX_PORT_goodname" --tls --cacert "$FX_CA" \
	    --format json --timeout 5s --client redis-py
	sane
	[ "$status" -eq 0 ]
	[ "$(q '[.findings[] | select(.id == "client.hostname_unchecked")] | length')" -eq 0 ]
	[ "$(q .tls.hostname_match)" = true ]
	q '.checklist[] | select(.id == "certificate") | .note' | grep -q 'the client checks no host name (it matches)'
}

# ---- simulate and check --targets resolve as check does ------------------

@test "simulate resolves with the default profile and client, honours --profile/--client and REDISDIAG_PROFILE; every scenario keeps its finding" {
	rd simulate healthy --format json
	sane
	[ "$status" -eq 0 ]
	[ "$(q .config.profile)" = cacheservice ]
	[ "$(q .config.client)" = ioredis@6 ]
	# db 16 in the URL's path: cacheservice reads no REDIS_DB
	rd simulate db-out-of-range --format json
	[ "$status" -eq 1 ]
	has server.db_out_of_range
	[ "$(q '[.findings[] | select(.id == "config.not_read_by_app")] | length')" -eq 0 ]
	# python-getenv reads no URL: REDIS_HOST/REDIS_PORT, REDIS_DB, REDIS_PASSWORD
	rd simulate db-out-of-range --format json --profile python-getenv
	[ "$status" -eq 1 ]
	[ "$(q .config.profile)" = python-getenv ]
	[ "$(q .config.client)" = redis-py@4 ]
	[ "$(q .config.fields.db.source)" = env:REDIS_DB ]
	has server.db_out_of_range
	rd simulate wrongpass --format json --profile python-getenv
	[ "$status" -eq 1 ]
	has auth.wrongpass
	rd simulate healthy-tls --format json --profile python-getenv
	[ "$status" -eq 0 ]
	[ "$(q .tls.ok)" = true ]
	rdv REDISDIAG_PROFILE=generic -- simulate healthy --format json
	[ "$(q .config.profile)" = generic ]
	rd simulate noauth --format json --client node-redis
	[ "$status" -eq 1 ]
	[ "$(q .config.client)" = node-redis@6 ]
	has auth.required
	# an unknown model is a usage error of the run, as for check
	rd simulate healthy --format json --client nosuch
	[ "$status" -eq 3 ]
}

@test "simulate cert-wrong-host: the default ioredis fails on the name (exit 2); --client redis-py connects and says client.hostname_unchecked (exit 0)" {
	rd simulate cert-wrong-host --format json
	[ "$status" -eq 2 ]
	has tls.hostname_mismatch
	rd simulate cert-wrong-host --format json --client redis-py
	[ "$status" -eq 0 ]
	has client.hostname_unchecked
}

@test "check --targets resolves every target with the default profile and client, and with --profile/--client" {
	printf 'p redis://127.0.0.1:%s\na redis://127.0.0.1:%s\n' "$FX_PORT_plain" \
	    "$FX_PORT_auth" >"$BATS_TEST_TMPDIR/fleet"
	rd check --targets "$BATS_TEST_TMPDIR/fleet" --format json
	[ "$status" -eq 1 ]
	[ "$(q '[.targets[].config.profile] | unique | join(",")')" = cacheservice ]
	[ "$(q '[.targets[].config.client] | unique | join(",")')" = ioredis@6 ]
	rd check --targets "$BATS_TEST_TMPDIR/fleet" --format json --profile python-getenv
	[ "$(q '[.targets[].config.profile] | unique | join(",")')" = python-getenv ]
	[ "$(q '[.targets[].config.client] | unique | join(",")')" = redis-py@4 ]
	rdv REDISDIAG_CLIENT=node-redis -- check --targets "$BATS_TEST_TMPDIR/fleet" --format json
	[ "$(q '[.targets[].config.client] | unique | join(",")')" = node-redis@6 ]
}
