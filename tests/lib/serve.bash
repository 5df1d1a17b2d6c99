# tests/lib/serve.bash — `redisdiag simulate --serve` for the client tests
# (faultsrv_clients.bats, scripts/capture-corpus): start one scenario in
# the background, learn its URL, stop it.  Loopback only; every wait is
# bounded.
#
#   sv_start NAME [simulate options]   sets SV_PID, SV_URL, SV_PORT, SV_CA
#   sv_stop                            SIGTERM, wait (<= 10 s), then KILL it
#                                      and the simulator under it

sv_start() {
	local name=$1 i dir=${BATS_TEST_TMPDIR:-${FX_DIR:-/tmp}}
	shift
	SV_OUT="$dir/sv-$name.out"
	: >"$SV_OUT"
	timeout -k 10 600 "$RD" simulate --serve "$@" "$name" >"$SV_OUT" \
	    2>"$dir/sv-$name.err" </dev/null 3>&- &
	SV_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '://' "$SV_OUT" 2>/dev/null && break
		kill -0 "$SV_PID" 2>/dev/null || break
		sleep 0.1
	done
	SV_URL=$(sed -n 1p "$SV_OUT")
	SV_CA=$(sed -n 2p "$SV_OUT")
	SV_PORT=${SV_URL##*:}
	[[ -n $SV_URL ]]
}

sv_stop() {
	local i
	[[ -n ${SV_PID:-} ]] || return 0
	kill -TERM "$SV_PID" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$SV_PID" 2>/dev/null || break
		sleep 0.1
	done
	# SV_PID is timeout(1): a KILL to it alone would leave a stuck
	# redisdiag behind (seen: an ASan build spinning in LeakSanitizer's
	# exit-time check, for an hour, across later runs).
	if kill -0 "$SV_PID" 2>/dev/null; then
		pkill -KILL -P "$SV_PID" 2>/dev/null || true
		kill -KILL "$SV_PID" 2>/dev/null || true
	fi
	wait "$SV_PID" 2>/dev/null || true
	SV_PID=
	return 0
}
