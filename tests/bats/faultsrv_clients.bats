#!/usr/bin/env bats
# faultsrv_clients.bats — `simulate --serve` as real clients see it
# (issue 14): many connections at once, a plaintext port that never
# answers a ClientHello, OOM on writes, the cluster state the scenario
# names; and, per scenario both can produce, whether each real client's
# error against the simulator is the one it prints against a real
# redis-server set up the same way.  Loopback only; every run bounded.

bats_require_minimum_version 1.5.0

setup_file() {
	RD=${REDISDIAG:-./redisdiag}
	[[ $RD == /* ]] || RD="$PWD/$RD"
	export RD
}

setup() {
	load ../lib/serve.bash
}

teardown() {
	sv_stop
}

# raw_ping FD: one inline PING on FD, the first reply line (<= 3 s).
raw_ping() {
	local fd=$1 line=
	printf 'PING\r\n' >&"$fd"
	IFS= read -r -t 3 line <&"$fd" || true
	printf '%s' "${line%$'\r'}"
}

@test "serve: a second connection is answered while a first one stays open" {
	local sc
	for sc in healthy noauth loading; do
		sv_start "$sc"
		exec 5<>"/dev/tcp/127.0.0.1/$SV_PORT" 6<>"/dev/tcp/127.0.0.1/$SV_PORT" \
		    7<>"/dev/tcp/127.0.0.1/$SV_PORT"
		a=$(raw_ping 5) b=$(raw_ping 6) c=$(raw_ping 7) a2=$(raw_ping 5)
		exec 5>&- 6>&- 7>&-
		echo "$sc: [$a] [$b] [$c] [$a2]" >&2
		[ -n "$a" ] && [ "$b" = "$a" ] && [ "$c" = "$a" ] && [ "$a2" = "$a" ]
		sv_stop
	done
}
