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
