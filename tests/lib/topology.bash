# topology.bash — cluster and sentinel fixtures on loopback, on top of
# tests/lib/fixtures.bash (load that first and call fx_init).
#
#	load '../lib/fixtures'
#	load '../lib/topology'
#	setup_file() { fx_init; topo_cluster c 3 0; }
#
# Every server is a real redis-server started through the fixtures (its
# port reserved with fx_port, its pid tracked for fx_teardown), bound to
# 127.0.0.1 only.  Every wait is bounded.
#
# Functions
#   topo_cluster NAME MASTERS REPLICAS [redis-server args...]
#	Starts MASTERS * (1 + REPLICAS) cluster nodes NAME_1 ... (a long
#	cluster-node-timeout, so a node that announces an address nobody can
#	reach is not failed during a test; the bus port reserved with fx_port
#	as --cluster-port), joins them with
#	`redis-cli --cluster create ... --cluster-replicas REPLICAS
#	--cluster-yes` and waits (<= 15 s) until every node says
#	cluster_state:ok.  Exports TOPO_PORTS_NAME (space-separated, masters
#	first as redis-cli assigned them).
#   topo_cluster_tls NAME MASTERS REPLICAS [redis-server args...]
#	The same over TLS only (fx_redis_tls: --port 0, the fixtures'
#	localhost/127.0.0.1 certificate, tls-cluster and tls-replication).
#   topo_wait_nodes PORT PATTERN
#	Waits (<= 10 s) until CLUSTER NODES on PORT matches the extended
#	regular expression PATTERN.
#   topo_sentinels NAME COUNT MASTER_PORT MASTER_NAME [QUORUM]
#	Starts COUNT sentinels (redis-server --sentinel) monitoring
#	127.0.0.1:MASTER_PORT as MASTER_NAME (quorum default 2,
#	down-after-milliseconds 60000), waits (<= 15 s) until SENTINEL
#	CKQUORUM says OK on each.  Exports TOPO_SENTINELS_NAME ("127.0.0.1:P
#	..."), TOPO_SENTINEL_ARGS_NAME ("--sentinel 127.0.0.1:P ...") and
#	TOPO_SENTINEL_URL_NAME ("redis+sentinel://127.0.0.1:P,.../MASTER_NAME").
#   topo_sentinel_set MASTER_NAME PASSWORD
#	The sentinel test files' common set over a fresh master m with a
#	replica r: topo_sentinels s (3 sentinels), and a (one sentinel, quorum
#	1) whose default user then needs PASSWORD; exports APORT (a's port).

topo_cluster() { _topo_cluster 0 "$@"; }
topo_cluster_tls() { _topo_cluster 1 "$@"; }

# _topo_cluster TLS NAME MASTERS REPLICAS [args...]
_topo_cluster() {
	local tls=$1 name=$2 masters=$3 replicas=$4 i n port bus
	shift 4
	local -a ports=() addrs=() cli=() start=(fx_redis)
	if ((tls)); then
		start=(fx_redis_tls)
		cli=(--tls --cacert "$FX_CA")
		# The bus is mutual TLS: outgoing links present the client cert.
		set -- --tls-cluster yes --tls-replication yes \
		    --tls-client-cert-file "$FX_CLIENT_CERT" \
		    --tls-client-key-file "$FX_CLIENT_KEY" "$@"
	fi
	n=$((masters * (1 + replicas)))
	for ((i = 1; i <= n; i++)); do
		# The bus port is reserved too: port+10000 would land in the
		# ephemeral range, where anything may hold it.
		bus=$(fx_port) || return 1
		port=$("${start[@]}" "${name}_$i" --bind 127.0.0.1 --cluster-enabled yes \
		    --cluster-config-file nodes.conf --cluster-node-timeout 60000 \
		    --cluster-port "$bus" "$@") || return 1
		ports+=("$port")
		addrs+=("127.0.0.1:$port")
	done
	timeout 30 redis-cli "${cli[@]}" --cluster create "${addrs[@]}" \
	    --cluster-replicas "$replicas" --cluster-yes </dev/null \
	    >"$FX_DIR/${name}_create.log" 2>&1 || {
		echo "topology: cluster create failed:" >&2
		tail -n 20 "$FX_DIR/${name}_create.log" >&2
		return 1
	}
	for port in "${ports[@]}"; do
		for ((i = 0; i < 150; i++)); do
			timeout 5 redis-cli "${cli[@]}" -p "$port" CLUSTER INFO </dev/null 2>/dev/null |
			    grep -q '^cluster_state:ok' && break
			sleep 0.1
		done
		((i < 150)) || { echo "topology: node $port never ok" >&2; return 1; }
	done
	# Replicas attach after the slots are assigned.
	if ((replicas > 0)); then
		for ((i = 0; i < 150; i++)); do
			(($(timeout 5 redis-cli "${cli[@]}" -p "${ports[0]}" CLUSTER NODES </dev/null \
			    2>/dev/null | grep -c ' slave ') == masters * replicas)) && break
			sleep 0.1
		done
		((i < 150)) || { echo "topology: replicas never attached" >&2; return 1; }
	fi
	export "TOPO_PORTS_$name=${ports[*]}"
}

topo_wait_nodes() {
	local port=$1 pattern=$2 i
	for ((i = 0; i < 100; i++)); do
		timeout 5 redis-cli -p "$port" CLUSTER NODES </dev/null 2>/dev/null |
		    grep -Eq "$pattern" && return 0
		sleep 0.1
	done
	echo "topology: CLUSTER NODES on $port never matched $pattern" >&2
	return 1
}

topo_sentinels() {
	local name=$1 count=$2 mport=$3 mname=$4 quorum=${5:-2} i k port pid conf log
	local -a ports=()
	for ((i = 1; i <= count; i++)); do
		port=$(fx_port) || return 1
		conf="$FX_DIR/${name}_$i.conf"
		log="$FX_DIR/${name}_$i.log"
		printf '%s\n' "port $port" "bind 127.0.0.1" "dir $FX_DIR" \
		    "sentinel monitor $mname 127.0.0.1 $mport $quorum" \
		    "sentinel down-after-milliseconds $mname 60000" >"$conf"
		redis-server "$conf" --sentinel --daemonize no --logfile "$log" \
		    </dev/null >>"$log" 2>&1 3>&- &
		pid=$!
		fx_track "$pid" redis-server
		ports+=("$port")
	done
	for port in "${ports[@]}"; do
		for ((k = 0; k < 150; k++)); do
			timeout 5 redis-cli -p "$port" SENTINEL CKQUORUM "$mname" \
			    </dev/null 2>/dev/null | grep -q '^OK' && break
			sleep 0.1
		done
		((k < 150)) || { echo "topology: sentinel $port has no quorum" >&2; return 1; }
	done
	local list="" args="" url=""
	for port in "${ports[@]}"; do
		list+="${list:+ }127.0.0.1:$port"
		args+="${args:+ }--sentinel 127.0.0.1:$port"
		url+="${url:+,}127.0.0.1:$port"
	done
	export "TOPO_SENTINELS_$name=$list" "TOPO_SENTINEL_ARGS_$name=$args"
	export "TOPO_SENTINEL_URL_$name=redis+sentinel://$url/$mname"
}

topo_sentinel_set() {
	local mname=$1 pw=$2
	fx_redis m >/dev/null || return 1
	fx_redis_replica r "$FX_PORT_m" >/dev/null || return 1
	topo_sentinels s 3 "$FX_PORT_m" "$mname" || return 1
	topo_sentinels a 1 "$FX_PORT_m" "$mname" 1 || return 1
	APORT=${TOPO_SENTINELS_a##*:}
	[ "$(timeout 5 redis-cli -p "$APORT" ACL SETUSER default on ">$pw" </dev/null)" = OK ] || return 1
	export APORT
}
