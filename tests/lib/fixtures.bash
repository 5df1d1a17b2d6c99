# fixtures.bash — shared bats fixtures: real redis-server instances on
# loopback, plain and TLS, with certificates generated per test file.
#
# Usage in a .bats file:
#
#	load '../lib/fixtures'
#	setup_file()    { fx_init; fx_redis plain; fx_redis_tls tls; }
#	teardown_file() { fx_teardown; }
#	@test "healthy" { run "$RD" check -p "$FX_PORT_plain" --format json; ... }
#
# Everything a function sets is exported, so values set in setup_file are
# visible in the tests (bats runs each test in its own process).  Servers
# and helper processes are recorded in files under $FX_DIR, so calling a
# function inside $(...) still gets it cleaned up by fx_teardown.
#
# Functions
#   fx_init
#	Call from setup_file.  Makes the private directory $FX_DIR and
#	generates, with openssl (EC P-256, 30 days):
#	  $FX_CA $FX_CA_KEY            test CA
#	  $FX_CERT $FX_KEY             server cert for DNS:localhost,
#	                               IP:127.0.0.1, IP:::1 (CN localhost)
#	  $FX_WRONG_CERT $FX_WRONG_KEY server cert for wrong.example.invalid only
#	  $FX_CLIENT_CERT $FX_CLIENT_KEY client cert (clientAuth) from $FX_CA
#	  $FX_OTHER_CA $FX_OTHER_CA_KEY  an unrelated CA
#	  $FX_UNTRUSTED_CERT $FX_UNTRUSTED_KEY  localhost cert signed by OTHER_CA
#	  $FX_EXPIRED_CERT $FX_EXPIRED_KEY      localhost cert, expired in 2020
#	  $FX_EXPIRING_CERT $FX_EXPIRING_KEY    localhost cert, 5 days left
#	Also sets RD="${REDISDIAG:-./redisdiag}" (absolute) and FX_HAVE_IPV6
#	(1 when ::1 is configured on lo, else 0).
#
#   fx_port
#	Prints a free loopback port in 20000..32767 (below the ephemeral
#	range), reserved in a registry shared by concurrently running test
#	files ($FX_PORTREG); fx_teardown releases it.
#
#   fx_redis NAME [redis-server args...]
#	Starts redis-server on 127.0.0.1 (and ::1 when present) on a free port,
#	--save '' --appendonly no, data in $FX_DIR/NAME, log $FX_DIR/NAME.log,
#	waits (<= 5 s) until it is ready, and sets FX_PORT_NAME and FX_PID_NAME.
#	Prints the port.  Extra args come last, so they override defaults.
#	NAME must be usable in a variable name ([A-Za-z0-9_]).
#	"--requirepass P" among the args is remembered for fx_cli.
#
#   fx_redis_tls NAME [args...]
#	The same with --port 0 --tls-port P and $FX_CERT/$FX_KEY/$FX_CA,
#	--tls-auth-clients no.  Override with args, for example
#	--tls-auth-clients yes, or --tls-cert-file "$FX_WRONG_CERT"
#	--tls-key-file "$FX_WRONG_KEY".
#
#   fx_redis_auth NAME PASSWORD [args...]     fx_redis with --requirepass
#   fx_redis_replica NAME PRIMARY_PORT [args...]
#	fx_redis with --replicaof 127.0.0.1 PRIMARY_PORT (the replica is ready
#	as a server; it need not have finished syncing).
#   fx_redis_maxclients NAME
#	fx_redis with --maxclients 1 plus a helper process holding the only
#	slot; returns once a new client gets "max number of clients reached".
#
#   fx_cli NAME [redis-cli args...]
#	redis-cli against server NAME with its TLS flags (CA, SNI localhost)
#	and admin password; bounded by a 5 s timeout.
#
#   fx_acl_user NAME PORT USER PASS [rules...]
#	ACL SETUSER USER on PORT (server NAME, for its TLS and password):
#	resets the user, then "on >PASS" and the rules (default: +@all ~*).
#	Example: fx_acl_user plain "$FX_PORT_plain" probe s3cret +ping +auth
#	+select -info.
#
#   fx_hold NAME PORT
#	Opens a TCP connection to 127.0.0.1:PORT held by a background process
#	until fx_teardown.
#
#   fx_blackhole NAME
#	A listener (perl) on a free port whose accept queue is full and which
#	never accepts: a connect to it never completes.  Sets FX_PORT_NAME.
#
#   fx_silent NAME
#	A listener (perl) that accepts and never writes a byte.
#	Sets FX_PORT_NAME.
#
#   fx_track PID COMM   (also _fx_track)
#	Have fx_teardown stop a process the test started itself (an openssl
#	s_server, ...).  COMM is its /proc/PID/comm, checked before the kill
#	so that a reused pid is never hit.
#
#   _fx_start NAME TLS PORT [args...]
#	The worker behind fx_redis: start redis-server NAME on a given PORT
#	(from fx_port), TLS 0 or 1.  For a server that must come up late on a
#	port chosen earlier.
#
#   fx_teardown
#	Call from teardown_file.  Stops every server and helper (TERM, then
#	KILL after 3 s), releases ports, removes $FX_DIR.  Nothing survives.
#
# All waits are bounded.  Nothing here touches anything but loopback.

: "${FX_PORTREG:=${TMPDIR:-/tmp}/redisdiag-fx-ports}"
export FX_PORTREG

_fx_die() {
	echo "fixtures: $*" >&2
	return 1
}

# openssl, quietly; on failure show what it said.
_fx_ssl() {
	local out
	if ! out=$(timeout 20 openssl "$@" 2>&1 </dev/null); then
		echo "fixtures: openssl $1 failed: $out" >&2
		return 1
	fi
}

# _fx_leaf OUT CN SANS EKU CA CAKEY [extra x509 args]
_fx_leaf() {
	local out=$1 cn=$2 sans=$3 eku=$4 ca=$5 cakey=$6
	shift 6
	local ext="$FX_DIR/certs/$out.ext"
	{
		echo "basicConstraints=critical,CA:FALSE"
		echo "keyUsage=critical,digitalSignature,keyEncipherment"
		echo "extendedKeyUsage=$eku"
		[[ -n $sans ]] && echo "subjectAltName=$sans"
	} >"$ext"
	_fx_ssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$FX_DIR/certs/$out.key" -out "$FX_DIR/certs/$out.csr" \
	    -subj "/CN=$cn" || return 1
	_fx_ssl x509 -req -in "$FX_DIR/certs/$out.csr" -CA "$ca" -CAkey "$cakey" \
	    -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
	    -extfile "$ext" -out "$FX_DIR/certs/$out.crt" "$@" || return 1
}

_fx_ca() {
	local out=$1 cn=$2
	_fx_ssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -days 30 -subj "/CN=$cn" \
	    -keyout "$FX_DIR/certs/$out.key" -out "$FX_DIR/certs/$out.crt" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign"
}

# A certificate valid only in 2020: openssl x509 cannot backdate, openssl
# ca can (-startdate/-enddate) with a minimal config.
_fx_expired() {
	local d="$FX_DIR/certs/ca-db"
	mkdir -p "$d"
	: >"$d/index.txt"
	cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = fx
[ fx ]
database = $d/index.txt
new_certs_dir = $d
serial = $d/serial
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[ anything ]
commonName = supplied
[ ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
EOF
	echo 01 >"$d/serial"
	_fx_ssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$FX_DIR/certs/expired.key" -out "$FX_DIR/certs/expired.csr" \
	    -subj "/CN=localhost" || return 1
	_fx_ssl ca -batch -config "$d/ca.cnf" -extensions ext -notext \
	    -cert "$FX_CA" -keyfile "$FX_CA_KEY" \
	    -startdate 20200101000000Z -enddate 20200201000000Z \
	    -in "$FX_DIR/certs/expired.csr" -out "$FX_DIR/certs/expired.crt"
}

fx_init() {
	local base=${BATS_FILE_TMPDIR:-}
	if [[ -n $base ]]; then
		FX_DIR="$base/fx"
		mkdir -p "$FX_DIR" || return 1
	else
		FX_DIR=$(mktemp -d "${TMPDIR:-/tmp}/redisdiag-fx.XXXXXX") || return 1
	fi
	chmod 700 "$FX_DIR"
	mkdir -p "$FX_DIR/certs" "$FX_PORTREG" 2>/dev/null
	: >"$FX_DIR/pids"
	: >"$FX_DIR/ports"
	export FX_DIR

	RD=${REDISDIAG:-./redisdiag}
	[[ $RD == /* ]] || RD="$PWD/$RD"
	export RD
	if [[ -r /proc/net/if_inet6 ]] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; then
		FX_HAVE_IPV6=1
	else
		FX_HAVE_IPV6=0
	fi
	export FX_HAVE_IPV6

	local c="$FX_DIR/certs"
	_fx_ca ca "redisdiag test CA" || return 1
	_fx_ca other-ca "unrelated test CA" || return 1
	export FX_CA="$c/ca.crt" FX_CA_KEY="$c/ca.key"
	export FX_OTHER_CA="$c/other-ca.crt" FX_OTHER_CA_KEY="$c/other-ca.key"
	_fx_leaf server localhost "DNS:localhost,IP:127.0.0.1,IP:::1" serverAuth \
	    "$FX_CA" "$FX_CA_KEY" -days 30 || return 1
	_fx_leaf wrong wrong.example.invalid "DNS:wrong.example.invalid" serverAuth \
	    "$FX_CA" "$FX_CA_KEY" -days 30 || return 1
	_fx_leaf client redisdiag-client "" clientAuth \
	    "$FX_CA" "$FX_CA_KEY" -days 30 || return 1
	_fx_leaf untrusted localhost "DNS:localhost,IP:127.0.0.1,IP:::1" serverAuth \
	    "$FX_OTHER_CA" "$FX_OTHER_CA_KEY" -days 30 || return 1
	_fx_leaf expiring localhost "DNS:localhost,IP:127.0.0.1,IP:::1" serverAuth \
	    "$FX_CA" "$FX_CA_KEY" -days 5 || return 1
	export FX_CERT="$c/server.crt" FX_KEY="$c/server.key"
	export FX_WRONG_CERT="$c/wrong.crt" FX_WRONG_KEY="$c/wrong.key"
	export FX_CLIENT_CERT="$c/client.crt" FX_CLIENT_KEY="$c/client.key"
	export FX_UNTRUSTED_CERT="$c/untrusted.crt" FX_UNTRUSTED_KEY="$c/untrusted.key"
	export FX_EXPIRING_CERT="$c/expiring.crt" FX_EXPIRING_KEY="$c/expiring.key"
	_fx_expired || return 1
	export FX_EXPIRED_CERT="$c/expired.crt" FX_EXPIRED_KEY="$c/expired.key"
	chmod 600 "$c"/*.key
}

# Is something listening on 127.0.0.1/::1 port $1?  ss when present (no
# connection made), else a bash /dev/tcp probe bounded by timeout.
_fx_port_busy() {
	local p=$1
	if command -v ss >/dev/null 2>&1; then
		[[ -n $(ss -Htan "sport = :$p" 2>/dev/null) ]]
		return
	fi
	timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null
}

fx_port() {
	local i p owner
	[[ -n ${FX_DIR:-} ]] || _fx_die "fx_port: call fx_init first" || return 1
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 12768))
		if ! mkdir "$FX_PORTREG/$p" 2>/dev/null; then
			# Reserved: reclaim it if its owner's directory is gone.
			owner=$(cat "$FX_PORTREG/$p/owner" 2>/dev/null) || continue
			[[ -n $owner && ! -d $owner ]] || continue
			rm -rf "$FX_PORTREG/$p"
			mkdir "$FX_PORTREG/$p" 2>/dev/null || continue
		fi
		echo "$FX_DIR" >"$FX_PORTREG/$p/owner"
		if _fx_port_busy "$p"; then
			rm -rf "$FX_PORTREG/$p"
			continue
		fi
		echo "$p" >>"$FX_DIR/ports"
		echo "$p"
		return 0
	done
	_fx_die "fx_port: no free port after 200 tries"
}

# _fx_track PID COMM: remember a process for fx_teardown.
_fx_track() {
	echo "$1 $2" >>"$FX_DIR/pids"
}
fx_track() { _fx_track "$@"; }

_fx_alive() {
	local st
	[[ -r /proc/$1/stat ]] || return 1
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[[ -n $st && $st != Z && $st != X ]]
}

# _fx_wait_ready NAME PID PORT LOG: the log says it is ready (Redis 7
# writes "Ready to accept connections"), bounded at 5 s.
_fx_wait_ready() {
	local name=$1 pid=$2 log=$4 i
	for ((i = 0; i < 100; i++)); do
		if grep -q 'Ready to accept connections' "$log" 2>/dev/null; then
			return 0
		fi
		if ! _fx_alive "$pid"; then
			echo "fixtures: redis-server $name exited; log:" >&2
			tail -n 20 "$log" >&2 2>/dev/null
			return 1
		fi
		sleep 0.05
	done
	echo "fixtures: redis-server $name not ready after 5 s; log:" >&2
	tail -n 20 "$log" >&2 2>/dev/null
	return 1
}

# _fx_start NAME TLS PORTARGS... -- USERARGS...
_fx_start() {
	local name=$1 tls=$2 port=$3
	shift 3
	local pass="" a prev=""
	[[ $name =~ ^[A-Za-z0-9_]+$ ]] || _fx_die "bad fixture name '$name'" || return 1
	[[ -n ${FX_DIR:-} ]] || _fx_die "call fx_init first" || return 1
	for a in "$@"; do
		[[ $prev == --requirepass ]] && pass=$a
		prev=$a
	done
	local bind=(127.0.0.1)
	((FX_HAVE_IPV6)) && bind+=(-::1)
	mkdir -p "$FX_DIR/$name"
	local log="$FX_DIR/$name.log"
	: >"$log"
	local portargs
	if ((tls)); then
		portargs=(--port 0 --tls-port "$port" --tls-cert-file "$FX_CERT"
		    --tls-key-file "$FX_KEY" --tls-ca-cert-file "$FX_CA"
		    --tls-auth-clients no)
	else
		portargs=(--port "$port")
	fi
	# fd 3 is bats' output channel: a child holding it hangs bats.
	redis-server --bind "${bind[@]}" "${portargs[@]}" --save '' \
	    --appendonly no --daemonize no --dir "$FX_DIR/$name" \
	    --logfile "$log" --protected-mode no "$@" \
	    </dev/null >>"$log" 2>&1 3>&- &
	local pid=$!
	_fx_track "$pid" redis-server
	_fx_wait_ready "$name" "$pid" "$port" "$log" || return 1
	export "FX_PORT_$name=$port" "FX_PID_$name=$pid" "FX_TLS_$name=$tls"
	export "FX_PASS_$name=$pass"
	echo "$name $port $tls" >>"$FX_DIR/servers"
	echo "$port"
}

fx_redis() {
	local name=$1 port
	shift
	port=$(fx_port) || return 1
	_fx_start "$name" 0 "$port" "$@" >/dev/null || return 1
	echo "$port"
}

fx_redis_tls() {
	local name=$1 port
	shift
	port=$(fx_port) || return 1
	_fx_start "$name" 1 "$port" "$@" >/dev/null || return 1
	echo "$port"
}

fx_redis_auth() {
	local name=$1 pass=$2
	shift 2
	fx_redis "$name" --requirepass "$pass" "$@"
}

fx_redis_replica() {
	local name=$1 primary=$2
	shift 2
	fx_redis "$name" --replicaof 127.0.0.1 "$primary" "$@"
}

fx_cli() {
	local name=$1
	shift
	local pv="FX_PORT_$name" tv="FX_TLS_$name" av="FX_PASS_$name"
	local port=${!pv:-} tls=${!tv:-0} pass=${!av:-}
	[[ -n $port ]] || _fx_die "fx_cli: no server '$name'" || return 1
	local args=(-h 127.0.0.1 -p "$port")
	((tls)) && args+=(--tls --cacert "$FX_CA" --sni localhost
	    --cert "$FX_CLIENT_CERT" --key "$FX_CLIENT_KEY")
	if [[ -n $pass ]]; then
		REDISCLI_AUTH=$pass timeout 5 redis-cli "${args[@]}" "$@" </dev/null
	else
		timeout 5 redis-cli "${args[@]}" "$@" </dev/null
	fi
}

fx_acl_user() {
	local name=$1 port=$2 user=$3 pass=$4
	shift 4
	local rules=("$@")
	((${#rules[@]})) || rules=(+@all '~*')
	local pv="FX_PORT_$name"
	[[ ${!pv:-} == "$port" ]] || _fx_die "fx_acl_user: $name is not on port $port" || return 1
	local out
	out=$(fx_cli "$name" ACL SETUSER "$user" reset on ">$pass" "${rules[@]}" 2>&1)
	[[ $out == OK ]] || _fx_die "fx_acl_user: ACL SETUSER said: $out"
}

fx_hold() {
	local name=$1 port=$2
	(exec 4<>"/dev/tcp/127.0.0.1/$port" && exec sleep 600) \
	    </dev/null >/dev/null 2>&1 3>&- &
	local pid=$!
	_fx_track "$pid" sleep
	export "FX_HOLD_$name=$pid"
}

fx_redis_maxclients() {
	local name=$1 port i out
	shift
	fx_redis "$name" --maxclients 1 "$@" >/dev/null || return 1
	local pv="FX_PORT_$name"
	port=${!pv}
	fx_hold "$name" "$port"
	for ((i = 0; i < 50; i++)); do
		out=$(timeout 2 redis-cli -h 127.0.0.1 -p "$port" ping 2>&1 </dev/null)
		[[ $out == *"max number of clients reached"* ]] && { echo "$port"; return 0; }
		sleep 0.05
	done
	_fx_die "fx_redis_maxclients: the held slot never filled (last reply: $out)"
}

# _fx_perl_listener NAME MODE: MODE blackhole or silent.
_fx_perl_listener() {
	local name=$1 mode=$2 port i
	command -v perl >/dev/null || _fx_die "perl is needed for $mode" || return 1
	port=$(fx_port) || return 1
	: >"$FX_DIR/$name.ready"
	perl -MSocket -MFcntl -MIO::Select -e '
		my ($port, $mode, $ready) = @ARGV;
		socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
		setsockopt($s, SOL_SOCKET, SO_REUSEADDR, 1);
		bind($s, pack_sockaddr_in($port, inet_aton("127.0.0.1")))
		    or die "bind: $!";
		# Backlog 0: the accept queue holds one connection.
		listen($s, 0) or die "listen: $!";
		my @keep;
		if ($mode eq "blackhole") {
			# Fill the queue and never accept: the kernel drops
			# further SYNs, so connects hang until their timeout.
			for (1 .. 3) {
				socket(my $c, PF_INET, SOCK_STREAM, 0) or last;
				my $fl = fcntl($c, F_GETFL, 0);
				fcntl($c, F_SETFL, $fl | O_NONBLOCK);
				connect($c, pack_sockaddr_in($port,
				    inet_aton("127.0.0.1")));
				push @keep, $c;
				select(undef, undef, undef, 0.05);
			}
		}
		open(my $f, ">", $ready) or die; print $f "ok\n"; close $f;
		my $end = time + 600;
		while (time < $end) {
			if ($mode eq "silent") {
				my $sel = IO::Select->new($s);
				if ($sel->can_read(1)) {
					my $c; push @keep, $c if accept($c, $s);
				}
			} else {
				sleep 1;
			}
		}
		' "$port" "$mode" "$FX_DIR/$name.ready" \
	    </dev/null >>"$FX_DIR/$name.log" 2>&1 3>&- &
	local pid=$!
	_fx_track "$pid" perl
	for ((i = 0; i < 100; i++)); do
		[[ -s $FX_DIR/$name.ready ]] && break
		_fx_alive "$pid" || break
		sleep 0.05
	done
	[[ -s $FX_DIR/$name.ready ]] || _fx_die "$mode listener $name did not start" || return 1
	export "FX_PORT_$name=$port" "FX_PID_$name=$pid"
	echo "$port"
}

fx_blackhole() { _fx_perl_listener "$1" blackhole; }
fx_silent() { _fx_perl_listener "$1" silent; }

fx_teardown() {
	[[ -n ${FX_DIR:-} && -d $FX_DIR ]] || return 0
	local pid comm i left
	local -a pids=()
	while read -r pid comm; do
		[[ -n $pid ]] || continue
		# Only what we started: a reused pid runs something else.
		[[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm"* ]] || continue
		pids+=("$pid")
		kill -TERM "$pid" 2>/dev/null
	done <"$FX_DIR/pids"
	for ((i = 0; i < 60; i++)); do
		left=0
		for pid in "${pids[@]}"; do
			_fx_alive "$pid" && left=1
		done
		((left)) || break
		sleep 0.05
	done
	for pid in "${pids[@]}"; do
		_fx_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	done
	# Reap our own children (no-op for others'); all are dead now.
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	local p
	while read -r p; do
		[[ -n $p ]] && rm -rf "${FX_PORTREG:?}/$p"
	done <"$FX_DIR/ports"
	rm -rf "$FX_DIR"
	return 0
}
