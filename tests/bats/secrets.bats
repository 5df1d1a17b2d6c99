#!/usr/bin/env bats
# secrets.bats — the canary test: one password, set through every source
# the configuration reads (flags -a and -u, REDIS_URL, REDIS_PASSWORD,
# NF_REDIS_URL, NF_REDIS_PASSWORD, REDISCLI_AUTH, --env-file), must appear
# nowhere in stdout or stderr, in any --format, on the success path and on
# every error path (malformed URLs around it, a bad port next to it,
# unusable env-files, conflicts), nor in its percent-encoded form.
# `check` against a closed loopback port gets the same treatment.

bats_require_minimum_version 1.5.0

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
rdrun() {
	local cmd=$1 fmt=$2 vars=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		vars+=("$1")
		shift
	done
	[ "${1:-}" = "--" ] && shift
	run --separate-stderr timeout 20 env -i PATH="$PATH" \
	    REDISDIAG_SYSROOT="$ROOT" "${vars[@]}" \
	    "$RD" "$cmd" --format "$fmt" --no-color --timeout 2s "$@"
	if [ "$status" -gt 3 ]; then
		echo "status $status for $cmd $fmt ${vars[*]} $*" >&2
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
		ef env REDIS_URL="$u"
		[ "$status" -eq 3 ]
		ef env -- -u "$u"
		[ "$status" -eq 3 ]
		ef env REDIS_HOST=cache NF_REDIS_URL="$u"
	done
}

@test "env: a URL in REDIS_HOST, a bad port next to a password" {
	ef env REDIS_HOST="redis://:$C@cache:6379"
	[ "$status" -eq 3 ]
	ef env REDIS_HOST=cache REDIS_PORT=6379abc REDIS_PASSWORD="$C"
	[ "$status" -eq 3 ]
	ef env NF_REDIS_HOST=cache NF_REDIS_PORT=0x18eb NF_REDIS_PASSWORD="$C"
	[ "$status" -eq 3 ]
	ef env REDIS_HOST=cache REDIS_DB=x REDIS_TLS=maybe REDISCLI_AUTH="$C"
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
