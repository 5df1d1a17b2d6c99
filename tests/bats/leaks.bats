#!/usr/bin/env bats
# leaks.bats — the ways a secret came back out through what a server says,
# each reproduced against a hostile listener or a real redis-server: an
# echo server that is not RESP, a reply that pads the secret past the old
# cut, AUTH renamed away on a real server (its error quotes the arguments),
# a password of "****" (masking used to loop), a password that is "PONG"
# (masking used to change the verdict), and a user-only URL.  Every output
# format and --verbose; no fragment of eight characters of the secret may
# appear anywhere.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'

RD=${REDISDIAG:-$BATS_TEST_DIRNAME/../../redisdiag}
[[ $RD == /* ]] || RD="$PWD/$RD"

FORMATS="json text ndjson nagios prometheus junit"

# The secrets here come through REDISCLI_AUTH, which the generic profile
# reads (the default application, cacheservice, does not).
export REDISDIAG_PROFILE=generic

setup_file() {
	fx_init
	export FX_DIR FX_PORTREG
}

teardown_file() {
	fx_teardown
}

# no_fragment SECRET: fails when any 8-byte fragment of SECRET (the whole
# of a shorter one) is in the last run's output or stderr.
no_fragment() {
	local s=$1 all="$output"$'\n'"${stderr:-}" n=8 i
	((${#s} < n)) && n=${#s}
	for ((i = 0; i + n <= ${#s}; i++)); do
		if [[ $all == *"${s:i:n}"* ]]; then
			echo "fragment '${s:i:n}' of the secret leaked: ${all:0:800}" >&2
			return 1
		fi
	done
}

# echo_server NAME MODE: tests/lib/echo-server on a free port (MODE echo:
# not RESP; pad: the secret across the old 255-byte cut).  Prints the port.
echo_server() {
	local name=$1 mode=$2 port i
	port=$(fx_port) || return 1
	"$BATS_TEST_DIRNAME/../lib/echo-server" "$port" "$mode" \
	    "$FX_DIR/$name.ready" </dev/null >>"$FX_DIR/$name.log" 2>&1 3>&- &
	fx_track $! perl
	for ((i = 0; i < 100; i++)); do
		[[ -s $FX_DIR/$name.ready ]] && break
		sleep 0.05
	done
	[[ -s $FX_DIR/$name.ready ]] || return 1
	echo "$port"
}

# every_format ARGS...: runs check in every format and with --verbose,
# asserting after each that $SECRET left no fragment.
every_format() {
	local f
	for f in $FORMATS; do
		run --separate-stderr "$RD" check "$@" --format "$f" --timeout 3s
		((status >= 1 && status <= 3)) || {
			echo "format $f: exit $status" >&2
			return 1
		}
		no_fragment "$SECRET"
	done
	run --separate-stderr "$RD" check "$@" --format json --verbose --timeout 3s
	no_fragment "$SECRET"
}

@test "an echo server that is not RESP never shows the password (json, text, ndjson, every format, --verbose)" {
	port=$(echo_server echo1 echo)
	SECRET=hunter2xyz-echo-canary
	REDISCLI_AUTH=$SECRET every_format -h 127.0.0.1 -p "$port"
	# And the raw reply was still seen and classified: not RESP.
	REDISCLI_AUTH=$SECRET run --separate-stderr "$RD" check -h 127.0.0.1 \
	    -p "$port" --format json --timeout 3s
	[ "$status" -eq 2 ]
	jq -e '[.findings[].id] | index("proto.not_redis")' <<<"$output"
	# The echoed bytes are there, masked.
	jq -e '[.. | strings | select(test("ECHO:"))] | length > 0' <<<"$output"
	jq -e '[.. | strings | select(test("\\*\\*\\*\\*"))] | length > 0' <<<"$output"
}

@test "passwords with a backslash, tab, newline or non-ASCII are masked in their escaped forms too" {
	port=$(echo_server echo2 echo)
	for SECRET in $'bs\\lash-canary-77' $'tab\there-canary-77' \
	    $'new\nline-canary-77' $'n\xc3\xb6n-ascii-canary-77'; do
		REDISCLI_AUTH=$SECRET every_format -h 127.0.0.1 -p "$port"
		# The escaped renderings of the whole secret never appear.
		esc=$(printf '%s' "$SECRET" | sed -e 's/\\/\\\\/g' -e 's/\t/\\t/g' | tr '\n' '~' | sed 's/~/\\n/g')
		[[ $output != *"$esc"* ]]
	done
}

@test "a reply that pads the password past 255 bytes is masked before it is cut" {
	port=$(echo_server pad1 pad)
	SECRET=PaddedCanary-0123456789
	REDISCLI_AUTH=$SECRET every_format -h 127.0.0.1 -p "$port"
}

@test "real redis-server with AUTH renamed away: a 160-character password does not come back in the error" {
	SECRET=$(printf 'L%.0s' {1..40}; printf 'ongCanary-%03d' {1..12})
	SECRET=${SECRET:0:160}
	[ "${#SECRET}" -eq 160 ]
	port=$(fx_redis renamed --rename-command AUTH "")
	REDISCLI_AUTH=$SECRET every_format -h 127.0.0.1 -p "$port"
	# The server's error reached the report (masked), and it is named.
	REDISCLI_AUTH=$SECRET run --separate-stderr "$RD" check -h 127.0.0.1 \
	    -p "$port" --format json --timeout 3s
	[ "$status" -eq 1 ]
	jq -e '.steps[] | select(.name == "auth") | .error.message | test("unknown command")' <<<"$output"
}

@test "real redis-server with AUTH renamed away: a 100-character --user and a 39-character password leak nothing" {
	SECRET=UserPassCanary-abcdefghijklmnopqrstuvw
	[ "${#SECRET}" -eq 38 ] || SECRET=${SECRET}x
	user=$(printf 'u%.0s' {1..100})
	port=$(fx_redis renamed2 --rename-command AUTH "")
	REDISCLI_AUTH=$SECRET every_format -h 127.0.0.1 -p "$port" --user "$user"
}

@test "a password of '****' ends (no masking loop) and leaks nothing, with --verbose, refused and echoed" {
	SECRET='****'
	run --separate-stderr timeout 10 "$RD" check -h 127.0.0.1 -p 1 -a '****' \
	    --verbose --format json --timeout 2s
	[ "$status" -eq 2 ]
	port=$(echo_server echo3 echo)
	run --separate-stderr timeout 10 "$RD" check -h 127.0.0.1 -p "$port" \
	    -a '****' --verbose --format json --timeout 2s
	[ "$status" -eq 2 ]
	jq -e '.verdict == "unreachable"' <<<"$output"
}

@test "a password that is PONG does not change the verdict (real redis-server --requirepass PONG)" {
	port=$(fx_redis pongpw --requirepass PONG)
	REDISCLI_AUTH=PONG run --separate-stderr "$RD" check -h 127.0.0.1 \
	    -p "$port" --format json --timeout 3s
	[ "$status" -eq 0 ]
	jq -e '.verdict == "ok" or .verdict == "warn"' <<<"$output"
	jq -e '.steps[] | select(.name == "ping") | .status == "ok"' <<<"$output"
}

@test "a user-only URL (redis://S3cret@h, a password to redis-cli) is shown as ****" {
	SECRET=S3cretUserOnly-canary
	for f in $FORMATS; do
		run --separate-stderr "$RD" env -u "redis://$SECRET@127.0.0.1:1" --format "$f"
		no_fragment "$SECRET"
	done
	run --separate-stderr "$RD" env -u "redis://$SECRET@127.0.0.1:1" --format json
	jq -e '.config.url_redacted == "redis://****@127.0.0.1:1/0"' <<<"$output"
	REDIS_URL="redis://$SECRET@127.0.0.1:1" every_format
	run --separate-stderr "$RD" env --format json
	[[ $output != *"$SECRET"* ]]
}
