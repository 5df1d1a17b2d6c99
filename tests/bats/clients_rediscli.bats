#!/usr/bin/env bats
# clients_rediscli.bats — the redis-cli row of the client models (issue 10,
# SPEC 11) against the REAL redis-cli (Debian redis-tools): for each URL
# shape that matters, `redis-cli -u URL PING` runs against a loopback
# capture listener (tests/lib/resp-capture: records the commands, answers
# +OK / +PONG), and the AUTH / SELECT it sent, and whether it began with a
# TLS ClientHello, must be what `redisdiag env -u URL --client redis-cli`
# says it would send.  Passwords are canaries (pwU: the URL, pwR:
# REDISCLI_AUTH, pwA: -a) and redisdiag prints only "****" and a source, so
# the comparison is by source.  Loopback only.

load '../lib/fixtures'

setup_file() {
	fx_init
	command -v redis-cli >/dev/null || skip "redis-cli missing (scripts/install-deps --test)"
	export CAP_PORT CAP_OUT="$FX_DIR/rediscli-capture.jsonl"
	CAP_PORT=$(fx_port)
	local ready="$FX_DIR/rediscli-capture.ready" i
	tests/lib/resp-capture "$CAP_PORT" "$CAP_OUT" "$ready" </dev/null >/dev/null 2>&1 3>&- &
	fx_track $! resp-capture
	for ((i = 0; i < 50; i++)); do [[ -s $ready ]] && break; sleep 0.1; done
	[[ -s $ready ]]
}
teardown_file() { fx_teardown; }

# sent ENV... -- ARGS: the real redis-cli with exactly that environment;
# prints what it sent on its one connection, one line: "tls", or the
# commands before PING as JSON arrays ("none" when it sent none).
sent() {
	local envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	: >"$CAP_OUT"
	env -i PATH="$PATH" "${envs[@]}" timeout 10 redis-cli --no-auth-warning "$@" PING \
	    </dev/null >/dev/null 2>&1 || true
	jq -sc 'if any(.[]; .tls) then "tls" else
	    [.[] | select(.cmd[0] != "PING") | .cmd] end' "$CAP_OUT"
}

# says CANARY_OF_URL ENV... -- ARGS: what redisdiag says redis-cli would
# send, in the same form; "exit 3" when it says redis-cli gives up.
says() {
	local url_pw=$1 envs=()
	shift
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	env -i PATH="$PATH" "${envs[@]}" "$RD" env --client redis-cli --format json "$@" \
	    </dev/null 2>/dev/null | jq -c --arg u "$url_pw" '
	    if .exit_code == 3 then "exit 3"
	    elif .config.tls then "tls" else
	    .config as $c
	    | ({"flag:-u": $u, "env:REDISCLI_AUTH": "pwR", "flag:-a": "pwA"}
	       [$c.fields.password.source] // "?") as $pw
	    | [ (if $c.auth then ["AUTH"] + (if $c.auth.username == null then [] else
	          [$c.auth.username] end) + [if $c.auth.password == "" then "" else $pw end]
	         else empty end),
	        (if $c.db > 0 then ["SELECT", ($c.db | tostring)] else empty end) ] end'
}

# same URL_CANARY ENV... -- ARGS: both agree (and print both for the log).
same() {
	local pw=$1
	shift
	local s w
	s=$(sent "$@")
	w=$(says "$pw" "$@")
	echo "redis-cli sent: $s"
	echo "redisdiag says: $w"
	[ -n "$s" ]
	[ "$s" = "$w" ]
}

u() { echo "redis://$1127.0.0.1:$CAP_PORT$2"; }

@test "redis-cli: redis://x@h (user only) is the password: AUTH x" {
	same x -- -u "$(u x@)"
	[ "$(sent -- -u "$(u x@)")" = '[["AUTH","x"]]' ]
}

@test "redis-cli: redis://:@h sends AUTH \"\" \"\" (an empty user and password, not no AUTH)" {
	same "" -- -u "$(u :@)"
	[ "$(sent -- -u "$(u :@)")" = '[["AUTH","",""]]' ]
}

@test "redis-cli: redis://:pw@h sends the empty user name: AUTH \"\" pw" {
	same pwU -- -u "$(u :pwU@)"
	[ "$(sent -- -u "$(u :pwU@)")" = '[["AUTH","","pwU"]]' ]
}

@test "redis-cli: redis://u:p@h/3 sends AUTH u p, then SELECT 3" {
	same pwU -- -u "$(u u:pwU@ /3)"
	[ "$(sent -- -u "$(u u:pwU@ /3)")" = '[["AUTH","u","pwU"],["SELECT","3"]]' ]
}

@test "redis-cli: a percent-encoded password is decoded (pw%40x is pw@x)" {
	same 'pw@x' -- -u "$(u u:pw%40x@)"
	[ "$(sent -- -u "$(u u:pw%40x@)")" = '[["AUTH","u","pw@x"]]' ]
}

@test "redis-cli: a bad %-escape makes it exit before connecting; redisdiag: exit 3" {
	[ "$(sent -- -u "$(u :pw%zz@)")" = '[]' ]
	[ "$(says "" -- -u "$(u :pw%zz@)")" = '"exit 3"' ]
}

@test "redis-cli: /abc as db is atoi: no SELECT; /1.5 is SELECT 1" {
	same "" -- -u "$(u "" /abc)"
	same "" -- -u "$(u "" /1.5)"
	[ "$(sent -- -u "$(u "" /1.5)")" = '[["SELECT","1"]]' ]
}

@test "redis-cli: REDISS:// (upper case) is TLS: it opens with a ClientHello" {
	same "" -- -u "REDISS://127.0.0.1:$CAP_PORT"
	[ "$(sent -- -u "REDISS://127.0.0.1:$CAP_PORT")" = '"tls"' ]
}

@test "redis-cli: query keys are not read (?db=5&password=pwQ: SELECT from the path only, no AUTH)" {
	same "" -- -u "$(u "" '/2?db=5&password=pwQ')"
	[ "$(sent -- -u "$(u "" '/2?db=5&password=pwQ')")" = '[["SELECT","2"]]' ]
}

@test "redis-cli: REDISCLI_AUTH is the password when the URL has none; -a (after -u) beats it; the URL's beats it" {
	same "" REDISCLI_AUTH=pwR -- -u "$(u)"
	[ "$(sent REDISCLI_AUTH=pwR -- -u "$(u)")" = '[["AUTH","pwR"]]' ]
	same "" REDISCLI_AUTH=pwR -- -u "$(u)" -a pwA
	[ "$(sent REDISCLI_AUTH=pwR -- -u "$(u)" -a pwA)" = '[["AUTH","pwA"]]' ]
	same pwU REDISCLI_AUTH=pwR -- -u "$(u :pwU@)"
	same "" REDISCLI_AUTH=pwR -- -u "$(u :@)"
}

@test "redisdiag check --client redis-cli probes as redis-cli: AUTH \"\" pw for redis://:pw@h" {
	: >"$CAP_OUT"
	run env -i PATH="$PATH" "$RD" check --client redis-cli -u "$(u :pwU@)" \
	    --timeout 5s --format json
	[ "$(jq -sc '[.[] | .cmd | select(.[0] == "AUTH")] | first' "$CAP_OUT")" = '["AUTH","","pwU"]' ]
}
