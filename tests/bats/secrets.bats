#!/usr/bin/env bats
# secrets.bats — the canary test: one password, set through every source
# the configuration reads (flags -a and -u, REDIS_URL, REDIS_PASSWORD,
# NF_REDIS_URL, NF_REDIS_PASSWORD, REDISCLI_AUTH, --env-file), must appear
# nowhere in stdout or stderr, in any --format, on the success path and on
# every error path (malformed URLs around it, a bad port next to it,
# unusable env-files, conflicts), nor in its percent-encoded form.
# `check` against a closed loopback port gets the same treatment.

# run-cost: 25 (seconds alone, idle: tests/run starts the slowest first)

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'

RD=${REDISDIAG:-$BATS_TEST_DIRNAME/../../redisdiag}
[[ $RD == /* ]] || RD="$PWD/$RD"

C=Canary-s3cr3t-XYZ
# A second canary with characters a URL must percent-encode.
C2='Can@ry:s3cr/t#Q'
C2ENC='Can%40ry%3As3cr%2Ft%23Q'

FORMATS="json text ndjson nagios prometheus junit"

setup() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT"
	: >"$ROOT/.dockerenv"
}

# clean: fails when the last run printed any form of a canary.
clean() {
	local all="$output"$'\n'"$stderr" s
	for s in "$C" "$C2" "$C2ENC" "s3cr3t" "s3cr/t" "s3cr%2Ft" "Can%40ry"; do
		if [[ $all == *"$s"* ]]; then
			echo "canary form '$s' leaked: ${all:0:600}" >&2
			return 1
		fi
	done
}

# rdrun CMD FORMAT VAR=VALUE... [-- ARGS...]: one run in a clean
# environment; the status must be 0..3 (never a crash).
# (rdv and cli_split: tests/lib/cli.bash.)
rdrun() {
	local cmd=$1 fmt=$2 vars args
	shift 2
	cli_split "$@"
	vars=("${CLI_VARS[@]}") args=("${CLI_ARGS[@]}")
	rdv "${vars[@]}" -- "$cmd" --format "$fmt" --no-color --timeout 2s "${args[@]}"
	if [ "$status" -gt 3 ]; then
		echo "status $status for $cmd $fmt ${vars[*]} ${args[*]}" >&2
		return 1
	fi
}

# every_format CMD VAR=VALUE... [-- ARGS...]
every_format() {
	local f
	for f in $FORMATS; do
		rdrun "$@" && clean || {
			echo "format $f: $*" >&2
			return 1
		}
	done
}

# A source's args need the format slot: every_format env FORMAT-less form.
ef() {
	local cmd=$1 f
	shift
	for f in $FORMATS; do
		rdrun "$cmd" "$f" "$@" || return 1
		clean || { echo "format $f: $cmd $*" >&2; return 1; }
	done
}

envfile() {
	printf '%s\n' "$@" >"$BATS_TEST_TMPDIR/s.env"
	echo "$BATS_TEST_TMPDIR/s.env"
}

@test "env: -a in every format (and the redis-cli warning carries no secret)" {
	ef env REDIS_HOST=cache -- -a "$C"
	[[ $stderr == *Warning* ]]
	ef env REDIS_HOST=cache -- -a "$C2"
}

@test "env: -u in every format" {
	ef env -- -u "rediss://user:$C@cache.example.com:6380/1"
	ef env -- -u "redis://:$C2ENC@cache:6379"
}

@test "env: REDIS_URL in every format" {
	ef env REDIS_URL="rediss://default:$C@cache.example.com:6380"
	ef env REDIS_URL="redis://:$C2ENC@cache:6379?password=$C"
}

@test "env: REDIS_PASSWORD in every format" {
	ef env REDIS_HOST=cache REDIS_PASSWORD="$C"
	ef env REDIS_HOST=cache REDIS_PASSWORD="$C2"
}

@test "env: NF_REDIS_URL, winning and shadowed, in every format" {
	ef env NF_REDIS_URL="rediss://default:$C@m.addon.code.run:6379"
	ef env REDIS_HOST=127.0.0.1 NF_REDIS_URL="rediss://default:$C2ENC@m.addon.code.run:6379"
}

@test "env: NF_REDIS_PASSWORD in every format" {
	ef env NF_REDIS_HOST=m.addon.code.run NF_REDIS_PASSWORD="$C"
	ef env REDIS_URL=redis://cache NF_REDIS_PASSWORD="$C2"
}

@test "env: REDISCLI_AUTH in every format" {
	ef env REDIS_HOST=cache REDISCLI_AUTH="$C"
	ef env REDIS_URL="redis://:$C2ENC@cache" REDISCLI_AUTH="$C"
}

@test "env: --env-file in every format" {
	local f
	f=$(envfile "REDIS_PASSWORD=$C" "REDIS_HOST=cache" "REDIS_URL=\"rediss://:$C2ENC@c.example.com\"")
	ef env -- --env-file "$f"
	f=$(envfile "export NF_REDIS_URL='rediss://default:$C@m.addon.code.run:6379'")
	ef env -- --env-file "$f"
}

@test "env: conflicts between secret sources name sources, not values" {
	ef env REDIS_URL="redis://:$C@cache" REDIS_PASSWORD="$C2"
	ef env NF_REDIS_HOST=cache NF_REDIS_PASSWORD="$C" REDIS_PASSWORD="$C2"
	ef env NF_REDIS_URL="redis://:$C@cache" NF_REDIS_PASSWORD="$C2"
}

@test "env: malformed URLs around the canary" {
	local u
	for u in "redis://:$C@cache:99999" "redis://:$C%zz@cache" \
	    "redis://:$C/x@cache" "http://:$C@cache" "redis://:$C@" \
	    "redis://:$C@[::1" "unix://:$C@/tmp/s" " redis://:$C@cache" \
	    "redis://:$C@ca che" "redis://:$C@cache/db$C" "redis://:$C@cache#$C" \
	    "redis://$C:$C@1.2.3"; do
		# The default profile's client reads some of these (ioredis
		# accepts a host with a space): no leak either way.
		ef env REDIS_URL="$u"
		ef env -- -u "$u"
		# unix:// is a Unix socket now, in -u and REDIS_URL alike
		# (issue 13): valid, still masked.
		ef env REDIS_URL="$u" -- --profile generic
		if [[ $u == unix://* ]]; then
			[ "$status" -eq 0 ]
		else
			[ "$status" -eq 3 ]
		fi
		ef env -- -u "$u" --profile generic
		if [[ $u == unix://* ]]; then
			[ "$status" -eq 0 ]
		else
			[ "$status" -eq 3 ]
		fi
		ef env REDIS_HOST=cache NF_REDIS_URL="$u"
	done
}

@test "env: a URL in REDIS_HOST, a bad port next to a password" {
	ef env REDIS_HOST="redis://:$C@cache:6379"
	[ "$status" -eq 3 ]
	# The default profile reads 6379abc as parseInt does (exit 0, flagged);
	# the generic profile refuses it.
	ef env REDIS_HOST=cache REDIS_PORT=6379abc REDIS_PASSWORD="$C"
	[ "$status" -eq 0 ]
	ef env REDIS_HOST=cache REDIS_PORT=6379abc REDIS_PASSWORD="$C" -- --profile generic
	[ "$status" -eq 3 ]
	ef env NF_REDIS_HOST=cache NF_REDIS_PORT=0x18eb NF_REDIS_PASSWORD="$C" -- --profile generic
	[ "$status" -eq 3 ]
	ef env REDIS_HOST=cache REDIS_DB=x REDIS_TLS=maybe REDISCLI_AUTH="$C" -- --profile generic
	[ "$status" -eq 3 ]
}

@test "env: unusable env-files around the canary" {
	local f
	f=$(envfile "REDIS_HOST=cache" "$C")
	ef env -- --env-file "$f"
	[ "$status" -eq 3 ]
	f=$(envfile "REDIS_PASSWORD=\"$C")
	ef env -- --env-file "$f"
	[ "$status" -eq 3 ]
	f=$(envfile "REDIS_PASSWORD='$C' trailing")
	ef env -- --env-file "$f"
	[ "$status" -eq 3 ]
	f=$(envfile "9$C=value")
	ef env -- --env-file "$f"
	[ "$status" -eq 3 ]
	ef env REDIS_PASSWORD="$C" -- --env-file "$BATS_TEST_TMPDIR"
	[ "$status" -eq 3 ]
	ef env REDIS_PASSWORD="$C" -- --env-file "$BATS_TEST_TMPDIR/missing.env"
	[ "$status" -eq 3 ]
}

@test "check against a closed loopback port: no canary from any source" {
	run --separate-stderr timeout 10 "$RD" check -h 127.0.0.1 -p 1 --timeout 2s --format json
	if [[ $status -eq 3 && $stderr == *"not yet available"* ]]; then
		skip "check is not yet available"
	fi
	local f
	f=$(envfile "REDIS_PASSWORD=$C" "REDIS_HOST=127.0.0.1" "REDIS_PORT=1")
	ef check -- -h 127.0.0.1 -p 1 -a "$C"
	ef check -- -u "redis://user:$C@127.0.0.1:1/0"
	ef check REDIS_URL="redis://:$C2ENC@127.0.0.1:1"
	ef check REDIS_HOST=127.0.0.1 REDIS_PORT=1 REDIS_PASSWORD="$C"
	ef check NF_REDIS_URL="redis://:$C@127.0.0.1:1"
	ef check NF_REDIS_HOST=127.0.0.1 NF_REDIS_PORT=1 NF_REDIS_PASSWORD="$C"
	ef check REDIS_HOST=127.0.0.1 REDIS_PORT=1 REDISCLI_AUTH="$C"
	ef check -- --env-file "$f"
	ef check REDIS_URL="redis://:$C@127.0.0.1:99999"
	[ "$status" -eq 3 ]
}

# --- issue 6's secret audit -------------------------------------------------
# scripts/secret-audit runs the whole matrix once (setup_file): the canary
# through every source (-a, -u, REDIS_URL, REDIS_PASSWORD, NF_REDIS_URL,
# NF_REDIS_PASSWORD, REDISCLI_AUTH, --env-file with variables and with a
# URL), for check, env, watch, simulate, explain and schema, every format
# and --verbose, on success paths (real redis-server, plain and TLS, with
# requirepass and an ACL user whose password is the canary) and failure
# paths (wrongpass, refused, timeout, TLS untrusted, TLS to plaintext and
# back, invalid URL, bad port, unusable env-file).  The tests below read
# its table: one per subcommand, so a leak names where it is.

setup_file() {
	AUDIT_OUT=$BATS_FILE_TMPDIR/audit.out
	AUDIT_STATUS=$BATS_FILE_TMPDIR/audit.status
	export AUDIT_OUT AUDIT_STATUS
	# The audit runs in the background while the tests above (which do
	# not read it) run; audit_wait waits for its status.  Six runs at a
	# time: most of the matrix waits (deadlines of 300 and 600 ms,
	# servers), little of it computes.  fd 3 is bats' own: closed.  Its
	# fixtures (fx_init puts them under BATS_FILE_TMPDIR) get a directory
	# of their own: its teardown must not remove this file's.
	(
		st=0
		export BATS_FILE_TMPDIR=$BATS_FILE_TMPDIR/audit
		mkdir -p "$BATS_FILE_TMPDIR"
		cd "$BATS_TEST_DIRNAME/../.." &&
		    REDISDIAG=$RD SA_JOBS=${SA_JOBS:-6} timeout 480 scripts/secret-audit \
		    >"$AUDIT_OUT" 2>&1 </dev/null || st=$?
		echo "$st" >"$AUDIT_STATUS.tmp" && mv "$AUDIT_STATUS.tmp" "$AUDIT_STATUS"
	) 3>&- &
	# For the --verbose tests: requirepass and an ACL user (plain),
	# requirepass (TLS).
	fx_init
	fx_redis vplain --requirepass "$C" >/dev/null
	fx_acl_user vplain "$FX_PORT_vplain" auditor "$C"
	fx_redis_tls vtls --requirepass "$C" >/dev/null
}

# audit_wait: until the background audit has written its status (it is
# bounded by timeout 480; this waits at most 500 s).
audit_wait() {
	local i
	for ((i = 0; i < 5000; i++)); do
		[ -s "$AUDIT_STATUS" ] && return 0
		sleep 0.1
	done
	echo "the audit did not finish" >&2
	return 1
}

teardown_file() {
	# The audit stops its own servers; it must be done first.
	audit_wait
	fx_teardown
}

# audit_rows CMD: the table rows of CMD (known gaps aside); fails when
# there are none, when any cell is not 0 (or "."), or when a run's status
# was not the one its path must give.
audit_rows() {
	local cmd=$1 rows bad
	audit_wait
	[ -s "$AUDIT_OUT" ] || { echo "the audit printed nothing" >&2; return 1; }
	rows=$(awk -v c="$cmd" '$2 == c && NF >= 12 && !/known gap/' "$AUDIT_OUT")
	[ -n "$rows" ] || { echo "no $cmd rows; audit output:" >&2; tail -n 20 "$AUDIT_OUT" >&2; return 1; }
	# Columns 4..11 are occurrence cells (six formats, "-", "v").
	bad=$(awk '{ for (i = 4; i <= 11; i++) if ($i != "0" && $i != ".") { print; next } }' <<<"$rows")
	if [ -n "$bad" ]; then
		echo "occurrences:" >&2
		echo "$bad" >&2
		grep -a "LEAK" "$AUDIT_OUT" | grep -v "KNOWN GAP" | head -n 5 >&2
		return 1
	fi
	bad=$(grep -v ' ok$' <<<"$rows" || true)
	if [ -n "$bad" ]; then
		echo "unexpected exit statuses:" >&2
		echo "$bad" >&2
		grep -a "^STATUS" "$AUDIT_OUT" | head -n 5 >&2
		return 1
	fi
}

@test "secret audit: it ran, and its last line is 'N combinations, 0 occurrences'" {
	audit_wait
	run cat "$AUDIT_STATUS"
	[ "$output" = 0 ] || { tail -n 30 "$AUDIT_OUT" >&2; false; }
	run tail -n 1 "$AUDIT_OUT"
	[[ $output =~ ^([0-9]+)\ combinations,\ 0\ occurrences$ ]]
	# The whole matrix, not a handful.
	[ "${BASH_REMATCH[1]}" -ge 1000 ]
}

@test "secret audit: check — every source, path and format, with and without --verbose" {
	audit_rows check
	# Success paths were reached for every source (plain, ACL, TLS).
	local p
	for p in ok-plain ok-acl ok-tls ok-tls-acl all-candidates wrongpass \
	    refused timeout tls-untrusted tls-to-plain plain-to-tls bad-port \
	    bad-envfile; do
		[ "$(awk -v p="$p" '$2 == "check" && $3 == p' "$AUDIT_OUT" | wc -l)" -eq 9 ] ||
		    { echo "check $p: not 9 sources" >&2; false; }
	done
	# An invalid URL exists only where a URL carries the password.
	[ "$(awk '$2 == "check" && $3 == "invalid-url"' "$AUDIT_OUT" | wc -l)" -eq 4 ]
}

@test "secret audit: env" {
	audit_rows env
}

@test "secret audit: watch --count 2 (with and without --verbose)" {
	audit_rows watch
}

@test "secret audit: simulate (the canary in the environment; flags it does not take)" {
	audit_rows simulate
}

@test "secret audit: schema" {
	audit_rows schema
}

@test "secret audit: explain — URLs (percent-encoded), -a, --pass=, AUTH [user], KEY=, JSON" {
	audit_rows explain
}

@test "secret audit: explain — a raw password inside a URL, a quoted password after 'password'" {
	# Found by the audit as gaps of explain's redaction, fixed since:
	# the URL user info ends at the token's last '@', and a quoted word
	# after a secret-naming word is masked.
	for text in "ReplyError: WRONGPASS invalid username-password pair; REDIS_URL was rediss://default:$C/x@cache.example.com:6380" \
	    "redis.exceptions.AuthenticationError: invalid username-password pair (password '$C')" \
	    "Error: connect ECONNREFUSED redis://u:p@$C/w@h:6379"; do
		run --separate-stderr "$RD" explain "$text" --format json
		[ "$status" -ne 3 ]
		[[ $output != *"$C"* && $stderr != *"$C"* ]]
		run --separate-stderr "$RD" explain --format text <<<"$text"
		[[ $output != *"$C"* && $stderr != *"$C"* ]]
	done
}

# --- --verbose: the trace is useful and never a secret ---------------------

@test "--verbose: a trace of '* ' lines on stderr; stdout is the same report" {
	# ioredis 5: a legacy AUTH (the default, ioredis 6, sends it inside
	# HELLO 3: below).
	run --separate-stderr timeout 20 "$RD" check -h 127.0.0.1 -p "$FX_PORT_vplain" \
	    --format json --verbose --timeout 5s --user auditor -a "$C" --client ioredis@5
	local verbose_status=$status
	[ "$status" -eq 0 ]
	jq -e '.exit_code == 0' <<<"$output" >/dev/null
	clean
	# Every line but redis-cli's -a warning is a trace line.
	[ -z "$(grep -v -e '^\* ' -e '^Warning: Using a password' <<<"$stderr")" ]
	[[ $stderr == *"* dns: 127.0.0.1 is an address literal"* ]]
	[[ $stderr == *"* tcp: trying 127.0.0.1:$FX_PORT_vplain"* ]]
	[[ $stderr == *"* tcp:   connected to 127.0.0.1:$FX_PORT_vplain"* ]]
	[[ $stderr == *"* > AUTH auditor ****"* ]]
	[[ $stderr == *"* < +OK"* ]]
	[[ $stderr == *"* > PING"* ]]
	[[ $stderr == *"* < +PONG"* ]]
	[[ $stderr == *"* > INFO"* ]]
	[[ $stderr == *"* info: redis 7"* ]]
	[[ $stderr == *"* latency: 10 samples"* ]]
	[[ $stderr == *"* verdict "*", exit 0"* ]]
	# The default client: the AUTH inside HELLO 3, and said so.
	run --separate-stderr timeout 20 "$RD" check -h 127.0.0.1 -p "$FX_PORT_vplain" \
	    --format json --verbose --timeout 5s --user auditor -a "$C"
	[ "$status" -eq 0 ]
	clean
	[[ $stderr == *"* hello: HELLO 3 AUTH <user> ****"* ]]
	[[ $stderr == *"* auth: AUTH inside HELLO 3 (<user> ****) → OK"* ]]
	[[ $stderr != *"* > AUTH"* ]]
	# Without --verbose: the same report, no trace.
	run --separate-stderr timeout 20 "$RD" check -h 127.0.0.1 -p "$FX_PORT_vplain" \
	    --format json --timeout 5s --user auditor -a "$C" --client ioredis@5
	[ "$status" -eq "$verbose_status" ]
	[[ $stderr != *"* "* ]]
}

@test "--verbose: AUTH without a user is 'AUTH ****'; WRONGPASS is shown as the server said it" {
	run --separate-stderr timeout 20 env -i PATH="$PATH" REDISCLI_AUTH="wrong-$C" \
	    "$RD" check -h 127.0.0.1 -p "$FX_PORT_vplain" --format text --verbose --timeout 5s \
	    --profile generic
	[ "$status" -eq 1 ]
	clean
	[[ $stderr == *"* > AUTH ****"* ]]
	[[ $stderr == *"* < -WRONGPASS"* ]]
	[[ $stderr == *"[error WRONGPASS"* ]]
}

@test "--verbose: TLS facts (version, cipher, SNI, verify result, subject, issuer, SANs)" {
	run --separate-stderr timeout 20 "$RD" check -u "rediss://:$C2ENC@localhost:$FX_PORT_vtls" \
	    --cacert "$FX_CA" --format json --verbose --timeout 5s --profile generic
	clean
	[[ $stderr == *"* tls: handshake with SNI localhost"* ]]
	[[ $stderr =~ \*\ tls:\ TLSv1\.[23],\ cipher\ [A-Z0-9_-]+ ]]
	[[ $stderr == *"* tls:   subject CN=localhost"* ]]
	[[ $stderr == *"* tls:   issuer  CN=redisdiag test CA"* ]]
	[[ $stderr == *"* tls:   san     DNS:localhost"* ]]
	[[ $stderr == *"* tls:   san     IP:127.0.0.1"* ]]
	[[ $stderr == *"days left"* ]]
	# The password of this run is wrong for the server (C2, not C):
	# the trace says so, masked.
	[[ $stderr == *"* > AUTH ****"* ]]
	# Untrusted: the verify result by name, and the alert we sent.
	run --separate-stderr timeout 20 "$RD" check -u "rediss://localhost:$FX_PORT_vtls" \
	    --format json --verbose --timeout 5s
	[ "$status" -eq 2 ]
	[[ $stderr == *"* tls: verify result X509_V_ERR_"* ]]
}

@test "--verbose: refused and timeout name the errno and the deadline" {
	local port
	port=$(fx_port)
	run --separate-stderr timeout 20 "$RD" check -h 127.0.0.1 -p "$port" -a "$C" \
	    --format json --verbose --timeout 2s
	[ "$status" -eq 2 ]
	clean
	[[ $stderr == *"failed after"*"ECONNREFUSED (errno 111)"* ]]
	fx_blackhole vhole >/dev/null
	run --separate-stderr timeout 20 "$RD" check -h 127.0.0.1 -p "$FX_PORT_vhole" -a "$C" \
	    --format json --verbose --timeout 300ms
	[ "$status" -eq 2 ]
	clean
	[[ $stderr == *"* deadline 300.000 ms"* ]]
	[[ $stderr == *"* tcp: no connection after"*"(deadline reached)"* ]]
}

@test "--verbose: simulate and watch trace too; an invalid configuration traces its problem" {
	# ioredis 5: a legacy AUTH; the default (ioredis 6) sends it inside
	# HELLO 3, and the trace says so.
	run --separate-stderr timeout 20 "$RD" simulate wrongpass --format json --verbose --client ioredis@5
	[ "$status" -eq 1 ]
	[[ $stderr == *"* redisdiag "*" simulate scenario wrongpass"* ]]
	[[ $stderr == *"* > AUTH ****"* ]]
	[[ $stderr == *"* < -WRONGPASS"* ]]
	run --separate-stderr timeout 20 "$RD" simulate wrongpass --format json --verbose
	[ "$status" -eq 1 ]
	[[ $stderr == *"* auth: AUTH inside HELLO: -WRONGPASS"* ]]
	run --separate-stderr timeout 20 env -i PATH="$PATH" "$RD" watch -h 127.0.0.1 -p 1 \
	    -a "$C" --count 2 --interval 50ms --timeout 1s --verbose
	[ "$status" -eq 2 ]
	clean
	[ "$(grep -c '^\* probe ' <<<"$stderr")" -eq 2 ]
	run --separate-stderr timeout 20 env -i PATH="$PATH" REDIS_URL="redis://:$C@127.0.0.1:99999" \
	    "$RD" check --format json --verbose
	[ "$status" -eq 3 ]
	clean
	[[ $stderr == *"* target unresolved"* ]]
	[[ $stderr == *"* finding config.invalid_url (critical)"* ]]
}
