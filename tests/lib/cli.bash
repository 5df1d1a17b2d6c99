# cli.bash — shared bats helpers for running the binary under test: an
# empty environment, the container-detection seam, findings in a report.
# Servers, ports and certificates are fixtures.bash's.
#
#	load '../lib/fixtures'		# first, when cli_setup_file is used
#	load '../lib/cli'
#
# Functions
#   cli_setup_file
#	The setup_file of a file that runs the binary against loopback:
#	fx_init, then CLOSED (a port reserved by the fixtures and never
#	listened on: a connect is refused) and ROOT (an empty directory for
#	REDISDIAG_SYSROOT: no container evidence), both exported.
#
#   rd ARGS...
#	`run --separate-stderr` of $RD ARGS with an empty environment (PATH
#	and REDISDIAG_SYSROOT=${SYSROOT:-$ROOT} only, so the caller's REDIS_*
#	variables and the machine's container files change nothing),
#	bounded by RD_TIMEOUT seconds (default 20).
#
#   rdv VAR=VALUE... -- ARGS...
#	rd with the variables added to that environment.
#
#   cli_split VAR=VALUE... -- ARGS...
#	Sets CLI_VARS (the variables) and CLI_ARGS (the arguments after
#	"--"); without a "--" everything is a variable.
#
#   capture CMD ARGS...
#	Sets $status, $output and $stderr as `run --separate-stderr CMD
#	ARGS` does (trailing newlines dropped; no $lines), without run's own
#	cost of a few milliseconds a call: for loops of hundreds of runs.
#
#   has ID
#	The JSON report in $output has a finding ID.
#
# Beware: bats 1.8's `run` sets a variable i of its own (dynamic scope: a
# caller's local i too), so a loop `for ((i = 0; ...))` around a run never
# ends.  Loop on another name.

cli_split() {
	CLI_VARS=() CLI_ARGS=()
	while (($#)) && [[ $1 != -- ]]; do
		CLI_VARS+=("$1")
		shift
	done
	[[ ${1:-} == -- ]] && shift
	CLI_ARGS=("$@")
}

rdv() {
	cli_split "$@"
	run --separate-stderr timeout "${RD_TIMEOUT:-20}" env -i PATH="$PATH" \
	    REDISDIAG_SYSROOT="${SYSROOT:-$ROOT}" "${CLI_VARS[@]}" \
	    "$RD" "${CLI_ARGS[@]}"
}

rd() {
	rdv -- "$@"
}

capture() {
	local o=$BATS_TEST_TMPDIR/capture.out e=$BATS_TEST_TMPDIR/capture.err
	status=0
	"$@" >"$o" 2>"$e" || status=$?
	output=$(<"$o")
	stderr=$(<"$e")
}

has() {
	echo "$output" | jq -e --arg id "$1" 'any(.findings[]; .id == $id)' >/dev/null
}

cli_setup_file() {
	fx_init || return 1
	CLOSED=$(fx_port) || return 1
	ROOT="$BATS_FILE_TMPDIR/sysroot"
	mkdir -p "$ROOT"
	export CLOSED ROOT
}
