#!/usr/bin/env bats
# valgrind.bats — issue 6: every path releases every allocation and every
# file descriptor, and touches no memory it should not.  The binary runs
# under valgrind (memcheck) against real redis-server instances on loopback
# (tests/lib/fixtures.bash) and against `simulate`'s fault server, over the
# paths that matter: check (plain, TLS, AUTH ok and wrong, untrusted CA,
# client certificate required, refused, invalid URL, --all-candidates),
# env in every format, explain (text and a stdin log), watch --count 2 and
# a spread of simulate scenarios.
#
# Each test asserts the tool's exit status, then reads valgrind's log:
#   - zero errors (ERROR SUMMARY), and --error-exitcode=99 never seen;
#   - zero leaks of any kind: definitely, indirectly, possibly lost and
#     still reachable are all 0 bytes;
#   - no file descriptor open at exit but 0, 1 and 2 (and the log file
#     valgrind itself opened).  Every fd above 2 is closed before valgrind
#     starts, so anything else left open is ours.
# A one-line summary per case goes to the TAP output ("# vg: ...").
#
# valgrind cannot run an ASan binary: when $REDISDIAG is instrumented (the
# suite's ASan pass), the plain ./redisdiag next to tests/ is used instead
# (and when there is none the tests skip, saying so).  They skip too when
# valgrind is not installed (scripts/install-deps --test installs it).
# --fair-sched=yes: valgrind runs one thread at a time, and by default the
# running one may keep running; on a loaded machine (the suite runs files
# side by side) the resolver's worker thread could then be starved until
# exit and its job reported as still reachable.  Taking turns is how the
# threads run outside valgrind.
# No suppression file is needed today: tests/valgrind.supp is used when it
# exists, and each entry there must say why it is outside our control.

# run-cost: 45 (seconds alone, idle: tests/run starts the slowest first)

bats_require_minimum_version 1.5.0

load '../lib/fixtures'
load '../lib/cli'	# has

PW='Vg-canary-pw-7Rt2'

setup_file() {
	command -v valgrind >/dev/null || return 0
	fx_init
	fx_redis plain >/dev/null
	fx_redis_tls tls >/dev/null
	fx_redis_auth auth "$PW" >/dev/null
	fx_redis_tls mtls --tls-auth-clients yes >/dev/null
	FX_PORT_closed=$(fx_port)
	VG_ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$VG_ROOT"
	# The binary valgrind runs: never an ASan build.
	VG_BIN=$RD
	if _instrumented "$VG_BIN"; then
		VG_BIN="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/redisdiag"
		if [[ ! -x $VG_BIN ]] || _instrumented "$VG_BIN"; then
			VG_BIN=
		fi
	fi
	export FX_PORT_closed VG_ROOT VG_BIN
}

teardown_file() {
	fx_teardown
}

_instrumented() {
	grep -qa -e __asan_init -e __ubsan_handle "$1" 2>/dev/null
}

setup() {
	VG_ENV=()
	command -v valgrind >/dev/null || skip "valgrind is not installed (scripts/install-deps --test)"
	[[ -n ${VG_BIN:-} ]] || skip "no uninstrumented ./redisdiag for valgrind (this pass runs an ASan build)"
}

# vg [-i STDIN_FILE] ARGS...: redisdiag ARGS under valgrind with an empty
# environment (plus VG_ENV=(NAME=value ...)) and every fd above 2 closed;
# bounded by timeout.  stdout in $output, stderr in $stderr, the log in
# $VG_LOG.
vg() {
	local in=/dev/null
	if [[ $1 == -i ]]; then
		in=$2
		shift 2
	fi
	VG_LOG="$BATS_TEST_TMPDIR/valgrind.log"
	rm -f "$VG_LOG"
	local supp=()
	[[ -f $BATS_TEST_DIRNAME/../valgrind.supp ]] &&
	    supp=("--suppressions=$BATS_TEST_DIRNAME/../valgrind.supp")
	run --separate-stderr bash -c '
		# Close every inherited fd above 2 (bats keeps 3 and more):
		# what is open at exit is then the program'"'"'s own.
		fds=()
		for f in /proc/$$/fd/*; do fds+=("${f##*/}"); done
		for n in "${fds[@]}"; do
			((n > 2)) && eval "exec $n>&-" 2>/dev/null
		done
		exec "$@"' _ \
	    timeout 180 env -i PATH="$PATH" HOME="${HOME:-/}" \
	    REDISDIAG_SYSROOT="$VG_ROOT" "${VG_ENV[@]}" \
	    valgrind --error-exitcode=99 --fair-sched=yes --leak-check=full \
	    --show-leak-kinds=all \
	    --errors-for-leak-kinds=definite,indirect,possible \
	    --track-fds=yes --num-callers=30 "${supp[@]}" \
	    --log-file="$VG_LOG" "$VG_BIN" "$@" <"$in"
	VG_ENV=()
}

# lost KIND: bytes valgrind reports for a leak kind ("definitely", "still
# reachable", ...),
# 0 when the heap was all freed.
lost() {
	local n
	n=$(sed -n "s/.*$1[a-z ]*: \([0-9,]*\) bytes.*/\1/p" "$VG_LOG" | tail -n 1 | tr -d ,)
	echo "${n:-0}"
}

# vg_clean STATUS: the exit status, then the log: no error, no leak of any
# kind, no fd but 0, 1, 2 and the log.  Prints the log on failure.
vg_clean() {
	local want=$1 errs fds extra d i p r use
	echo "status=$status (want $want) stderr=$stderr" >&2
	[[ -s $VG_LOG ]] || { echo "no valgrind log" >&2; return 1; }
	errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$VG_LOG" | tail -n 1 | tr -d ,)
	d=$(lost definitely) i=$(lost indirectly) p=$(lost possibly)
	r=$(lost "still reachable")
	use=$(sed -n 's/.*in use at exit: \([0-9,]*\) bytes.*/\1/p' "$VG_LOG" | tail -n 1 | tr -d ,)
	if grep -q 'All heap blocks were freed' "$VG_LOG"; then
		d=0 i=0 p=0 r=0
	fi
	# "Open file descriptor 5: /path", "Open AF_INET socket 6: ...",
	# "Open file descriptor 7:" (a pipe); 0-2 and valgrind's log are fine.
	extra=$(grep -E 'Open .*(descriptor|socket) [0-9]+:' "$VG_LOG" |
	    grep -vF -- "$VG_LOG" |
	    sed -E 's/.*(descriptor|socket) ([0-9]+):.*/\2/' |
	    awk '$1 > 2' | sort -n | tr '\n' ' ')
	fds=$(sed -n 's/.*FILE DESCRIPTORS: \([0-9]*\) open.*/\1/p' "$VG_LOG" | tail -n 1)
	echo "# vg: $BATS_TEST_DESCRIPTION: exit=$status errors=${errs:-?}" \
	    "definite=$d indirect=$i possible=$p reachable=$r" \
	    "fds_open=${fds:-?} extra_fds=[${extra% }]" >&3
	if [[ $status -ne $want || ${errs:-x} != 0 || $d != 0 || $i != 0 ||
	    $p != 0 || $r != 0 || ${use:-x} != 0 || -n $extra || -z $fds ]]; then
		grep -v '^==[0-9]*== *$' "$VG_LOG" | head -n 120 >&2
		return 1
	fi
}

# --- check against real servers ------------------------------------------

@test "check healthy plaintext" {
	vg check -h 127.0.0.1 -p "$FX_PORT_plain" --timeout 60s --format json
	vg_clean 0
	[ "$(echo "$output" | jq -r .verdict)" = ok ]
}

@test "check healthy TLS with the CA" {
	vg check -h localhost -p "$FX_PORT_tls" --tls --cacert "$FX_CA" --timeout 60s --format json
	vg_clean 0
	[ "$(echo "$output" | jq -r .tls.verify_code)" = 0 ]
}

@test "check requirepass with the right password" {
	# REDISCLI_AUTH is read by the generic profile (redis-cli's way).
	VG_ENV=(REDISCLI_AUTH="$PW")
	vg check -h 127.0.0.1 -p "$FX_PORT_auth" --timeout 60s --format json --profile generic
	vg_clean 0
	[[ $output != *"$PW"* ]]
}

@test "check wrong password" {
	vg check -h 127.0.0.1 -p "$FX_PORT_auth" -a "wrong-$PW" --timeout 60s --format json
	vg_clean 1
	has auth.wrongpass
}

@test "check TLS untrusted (no CA)" {
	vg check -h localhost -p "$FX_PORT_tls" --tls --timeout 60s --format json
	vg_clean 2
	has tls.cert_untrusted
}

@test "check TLS client certificate required" {
	vg check -h localhost -p "$FX_PORT_mtls" --tls --cacert "$FX_CA" --timeout 60s --format json
	vg_clean 2
	has tls.client_cert_required
}

@test "check mTLS with a client certificate" {
	vg check -h localhost -p "$FX_PORT_mtls" --tls --cacert "$FX_CA" \
	    --cert "$FX_CLIENT_CERT" --key "$FX_CLIENT_KEY" --timeout 60s --format json
	vg_clean 0
}

@test "check refused" {
	vg check -h 127.0.0.1 -p "$FX_PORT_closed" --timeout 60s --format json
	vg_clean 2
	has tcp.refused
}

@test "check invalid URL: exit 3" {
	vg check -u "redis://:$PW@127.0.0.1:notaport" --format json
	vg_clean 3
	[[ $output != *"$PW"* && $stderr != *"$PW"* ]]
}

@test "check --all-candidates with a shadowed NF_REDIS_URL" {
	VG_ENV=(REDIS_HOST=127.0.0.1 REDIS_PORT="$FX_PORT_closed"
	    NF_REDIS_URL="redis://127.0.0.1:$FX_PORT_plain")
	vg check --all-candidates --timeout 60s --format json
	vg_clean 2
	echo "$output" | jq -e '.candidates_probed[0] | .name == "NF_REDIS_URL" and .exit_code == 0' >/dev/null
}

@test "check text format, verbose" {
	vg check -h 127.0.0.1 -p "$FX_PORT_plain" --timeout 60s --format text --no-color --verbose
	vg_clean 0
}

# --- env, explain, watch ----------------------------------------------------

@test "env in every format, with an env file" {
	local f ef="$BATS_TEST_TMPDIR/app.env"
	printf 'REDIS_URL=redis://:%s@cache.internal:6380/2\nREDIS_TLS=false\n' "$PW" >"$ef"
	for f in json text ndjson nagios prometheus junit; do
		VG_ENV=(NF_REDIS_URL="redis://127.0.0.1:1" REDIS_PASSWORD="$PW")
		vg env --env-file "$ef" --format "$f"
		# nagios: the plugin state; config.shadowed is WARNING (issue 13).
		if [ "$f" = nagios ]; then vg_clean 1; else vg_clean 0; fi
		[[ $output != *"$PW"* ]]
	done
}

@test "explain a pasted message (text)" {
	vg explain --format text "Error: connect ECONNREFUSED 127.0.0.1:6379"
	vg_clean 2
}

@test "explain a log on stdin (json)" {
	local log="$BATS_TEST_TMPDIR/app.log"
	{
		echo "2024-01-01 Error: connect ECONNREFUSED 10.0.0.9:6379"
		echo "ReplyError: NOAUTH Authentication required."
		echo "WRONGPASS invalid username-password pair or user is disabled."
		echo "nothing to see here"
		echo "Error: getaddrinfo ENOTFOUND redis"
	} >"$log"
	vg -i "$log" explain --format json -
	vg_clean 2
	has auth.required
}

@test "watch --count 2" {
	vg watch -h 127.0.0.1 -p "$FX_PORT_plain" --count 2 --interval 100ms --timeout 30s
	vg_clean 0
	[ "$(echo "$output" | grep -c .)" -ge 2 ]
}

# --- simulate: the fault server and the check in one process ---------------

# sim NAME STATUS [options]: simulate NAME under valgrind, clean, STATUS.
sim() {
	local name=$1 want=$2
	shift 2
	vg simulate --format json "$@" "$name"
	vg_clean "$want"
	[ "$(echo "$output" | jq -r .scenario)" = "$name" ]
}

@test "simulate healthy" { sim healthy 0 --timeout 60s; }
@test "simulate healthy-tls" { sim healthy-tls 0 --timeout 60s; }
@test "simulate silent --timeout 300ms" { sim silent 2 --timeout 300ms; has proto.timeout; }
@test "simulate reset" { sim reset 2 --timeout 60s; has tcp.reset; }
@test "simulate not-redis" { sim not-redis 2 --timeout 60s; has proto.not_redis; }
@test "simulate hostile-reply" { sim hostile-reply 2 --timeout 60s; has proto.hostile_reply; }
@test "simulate long-line" { sim long-line 2 --timeout 60s; has proto.hostile_reply; }
@test "simulate deep-nesting" { sim deep-nesting 2 --timeout 60s; has proto.hostile_reply; }
@test "simulate bulk-huge" { sim bulk-huge 2 --timeout 60s; has proto.hostile_reply; }
@test "simulate tls-garbage" { sim tls-garbage 2 --timeout 60s; has proto.not_redis; }
@test "simulate close-mid-reply" { sim close-mid-reply 2 --timeout 60s; has proto.closed; }
@test "simulate cert-expired" { sim cert-expired 2 --timeout 60s; has tls.cert_expired; }
@test "simulate sni-required" { sim sni-required 2 --timeout 60s; has tls.sni_required; }
@test "simulate dns-nxdomain" { sim dns-nxdomain 2 --timeout 60s; has dns.nxdomain; }
@test "simulate cluster-moved" { sim cluster-moved 2 --timeout 60s; has cluster.client_not_cluster_aware; }
# Topology: one thread per announced node or sentinel (issue 11).
@test "simulate cluster-announce-unreachable" { sim cluster-announce-unreachable 2 --timeout 60s; has cluster.announced_unreachable; }
@test "simulate sentinel-master-unreachable" { sim sentinel-master-unreachable 2 --timeout 60s; has sentinel.master_unreachable; }
@test "simulate wrongpass" { sim wrongpass 1 --timeout 60s; has auth.wrongpass; }
@test "simulate plaintext-to-tls" { sim plaintext-to-tls 2 --timeout 60s; has proto.tls_required; }
@test "simulate dns-stall --timeout 500ms (a lookup abandoned at the deadline)" { sim dns-stall 2 --timeout 500ms; has dns.timeout; }
@test "simulate blackhole --timeout 300ms" { sim blackhole 2 --timeout 300ms; has tcp.timeout; }
@test "simulate drip --timeout 500ms" { sim drip 2 --timeout 500ms; has proto.timeout; }
@test "simulate endless-ping" { sim endless-ping 2 --timeout 60s; has proto.hostile_reply; }
