#!/usr/bin/env bats
# run-cost: 10 (seconds alone, idle: tests/run starts the slowest first)
# container.bats — the container recipe and its probes (issue 13), run as
# written: the Dockerfile's HEALTHCHECK command and the README's Kubernetes
# exec probes against a real redis-server on 127.0.0.1, a closed port and a
# blackhole; the README's `check --strict --quiet` one-liner against a
# healthy Redis on loopback inside a container (REDISDIAG_SYSROOT with a
# /.dockerenv: the seam container detection reads).  No Docker engine runs
# here, so the image itself is not built; the recipe is checked for what it
# promises (two stages, non-root, runtime libraries only), and its build
# stage is replayed in a scratch directory (its COPY set, its make line)
# with the packages of each stage checked against what the binary needs.

bats_require_minimum_version 1.5.0

load '../lib/fixtures'

setup_file() {
	fx_init
	fx_redis plain >/dev/null
	fx_blackhole bh >/dev/null
	FX_PORT_closed=$(fx_port)
	TOP="$BATS_TEST_DIRNAME/../.."
	DOCKERFILE="$TOP/scripts/container/Dockerfile"
	README="$TOP/README.md"
	CROOT="$BATS_FILE_TMPDIR/container-root"	# looks like a container
	HROOT="$BATS_FILE_TMPDIR/host-root"		# does not
	mkdir -p "$CROOT" "$HROOT" "$BATS_FILE_TMPDIR/bin"
	touch "$CROOT/.dockerenv"
	ln -sf "$RD" "$BATS_FILE_TMPDIR/bin/redisdiag"
	export FX_PORT_closed TOP DOCKERFILE README CROOT HROOT
}

teardown_file() {
	fx_teardown
}

# The HEALTHCHECK's CMD, continuation lines joined.
healthcheck_cmd() {
	sed -n '/^HEALTHCHECK/,/[^\\]$/p' "$DOCKERFILE" | sed 's/\\$//' | tr '\n' ' ' |
	    sed 's/.* CMD  *//; s/  *$//'
}

# in_env ROOT PORT CMD...: CMD with only PATH, the sysroot and the app's
# REDIS_HOST/REDIS_PORT (the way the container's environment names Redis).
in_env() {
	local root=$1 port=$2
	shift 2
	run --separate-stderr timeout 20 env -i PATH="$BATS_FILE_TMPDIR/bin:/usr/bin:/bin" \
	    REDISDIAG_SYSROOT="$root" REDIS_HOST=127.0.0.1 REDIS_PORT="$port" "$@"
}

@test "the README one-liner passes against a healthy Redis on 127.0.0.1 inside a container" {
	local line
	line=$(grep -m1 'check --strict --quiet' "$README" | sed 's/^ *//')
	[[ $line == 'redisdiag check --strict --quiet || echo "Redis not healthy"' ]]
	in_env "$CROOT" "$FX_PORT_plain" sh -c "$line"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# The finding is still there, as info: a sidecar is worth knowing.
	in_env "$CROOT" "$FX_PORT_plain" redisdiag check --format json
	[ "$status" -eq 0 ]
	jq -e '.environment.in_container == true' <<<"$output"
	jq -e '[.findings[] | select(.id == "config.localhost_in_container")][0].severity == "info"' <<<"$output"
	jq -e '.checklist[] | select(.id == "remote_host") | .status == "pass"' <<<"$output"
	# Not answering there is still critical.
	in_env "$CROOT" "$FX_PORT_closed" redisdiag check --format json
	[ "$status" -eq 2 ]
	jq -e '[.findings[] | select(.id == "config.localhost_in_container")][0].severity == "critical"' <<<"$output"
	in_env "$CROOT" "$FX_PORT_closed" sh -c "$line"
	[ "$output" = "Redis not healthy" ]
}

@test "the Dockerfile's HEALTHCHECK command, as written: 0 healthy, 1 (never 2) down, bounded" {
	local cmd t0 t1
	cmd=$(healthcheck_cmd)
	[[ $cmd == *"--quiet"* && $cmd == *"--timeout 800ms"* ]]
	for root in "$CROOT" "$HROOT"; do
		in_env "$root" "$FX_PORT_plain" sh -c "$cmd"
		[ "$status" -eq 0 ]
		[ -z "$output" ] && [ -z "$stderr" ]
		in_env "$root" "$FX_PORT_closed" sh -c "$cmd"
		[ "$status" -eq 1 ]
		[ -z "$output" ] && [ -z "$stderr" ]
	done
	# A connect that never completes ends at the 800 ms deadline: inside
	# the 1 s a probe gets (bound generous for a loaded machine).
	t0=$(date +%s%N)
	in_env "$HROOT" "$FX_PORT_bh" sh -c "$cmd"
	t1=$(date +%s%N)
	[ "$status" -eq 1 ]
	[ $(((t1 - t0) / 1000000)) -lt $((3000 * ${TEST_TIME_FACTOR:-1})) ]
	# The README shows the same HEALTHCHECK.
	grep -qF -- "CMD $cmd" "$README"
}

@test "the README's Kubernetes exec probes, as written: quiet, 0 healthy, non-zero down, inside timeoutSeconds" {
	local block n=0 argv t0 t1 to
	block=$(sed -n '/<!-- BEGIN k8s probes -->/,/<!-- END k8s probes -->/p' "$README")
	[ -n "$block" ]
	while read -r argv; do
		local -a cmd
		mapfile -t cmd < <(jq -r '.[]' <<<"$argv")
		[ "${cmd[0]}" = redisdiag ]
		in_env "$CROOT" "$FX_PORT_plain" "${cmd[@]}"
		[ "$status" -eq 0 ]
		[ -z "$output" ] && [ -z "$stderr" ]
		in_env "$CROOT" "$FX_PORT_closed" "${cmd[@]}"
		[ "$status" -ne 0 ]
		[ -z "$output" ] && [ -z "$stderr" ]
		t0=$(date +%s%N)
		in_env "$HROOT" "$FX_PORT_bh" "${cmd[@]}"
		t1=$(date +%s%N)
		[ "$status" -eq 2 ]
		[ $(((t1 - t0) / 1000000)) -lt $((3000 * ${TEST_TIME_FACTOR:-1})) ]
		n=$((n + 1))
	done < <(sed -n 's/^ *command: *//p' <<<"$block")
	[ "$n" -eq 2 ]
	# Every timeoutSeconds is 1 (the default) and the deadline fits in it.
	[ "$(grep -c 'timeoutSeconds: 1$' <<<"$block")" -eq 2 ]
	to=$(sed -n 's/.*"--timeout", "\([0-9]*\)ms".*/\1/p' <<<"$block" | sort -u)
	[ "$to" -lt 1000 ]
}

@test "the recipe: two stages, non-root, runtime libraries only, under scripts/" {
	[ -f "$DOCKERFILE" ]
	[ "$(grep -c '^FROM ' "$DOCKERFILE")" -eq 2 ]
	grep -q '^FROM .* AS build$' "$DOCKERFILE"
	# The runtime stage: after the second FROM.
	local rt
	rt=$(sed -n '/^FROM /h; /^FROM /!H; ${x;p}' "$DOCKERFILE")
	[[ $rt == *libhiredis0.14* && $rt == *libssl3* && $rt == *libcjson1* ]]
	[[ $rt != *-dev* && $rt != *build-essential* ]]
	grep -Eq '^USER [1-9][0-9]*' <<<"$rt"
	grep -q '^HEALTHCHECK ' <<<"$rt"
	# The top level stays src man tests scripts Makefile README.md.
	local top
	top=$(cd "$TOP" && git ls-files 2>/dev/null | grep -v '^\.' | cut -d/ -f1 | sort -u | tr '\n' ' ')
	[ -z "$top" ] || [ "$top" = "Makefile README.md man scripts src tests " ]
}

# pkg_of SONAME: the Debian package that holds the library the loader
# finds for SONAME (either side of the /usr merge).
pkg_of() {
	local p
	p=$(ldconfig -p | awk -v l="$1" '$1 == l && /x86-64/ { print $NF; exit }')
	[ -n "$p" ] || return 1
	{ dpkg-query -S "$p" || dpkg-query -S "$(readlink -f "$p")" ||
	    dpkg-query -S "/usr$p"; } 2>/dev/null | head -n1 | cut -d: -f1
}

@test "the recipe's build stage replayed outside Docker: its COPY set builds and installs what the runtime stage copies; the runtime packages hold every library" {
	command -v dpkg-query >/dev/null || skip "not a Debian system (the recipe is Debian 12's)"
	local w=$BATS_TEST_TMPDIR/stage src dst run f so pkg rt
	mkdir -p "$w/ctx" "$w/out"
	# The build stage's COPY lines (context path, destination in /src).
	while read -r src dst; do
		mkdir -p "$w/ctx/$(dirname "$dst")"
		cp -r "$TOP/$src" "$w/ctx/$dst"
	done < <(awk '/^FROM /{n++} n == 1 && /^COPY / { print $2, $3 }' "$DOCKERFILE")
	# Its RUN make ... line, /out and the core count made local.
	run=$(awk '/^FROM /{n++} n == 1 && /^RUN make/,/[^\\]$/' "$DOCKERFILE" |
	    sed 's/\\$//; s/^RUN //' | tr '\n' ' ')
	[[ $run == *"make install"* ]]
	run=${run//\/out/$w/out}
	run=${run//'$(nproc)'/2}
	(cd "$w/ctx" && timeout 600 bash -ec "$run") >"$w/build.log" 2>&1 ||
	    { tail -n 20 "$w/build.log" >&2; return 1; }
	# Every COPY --from=build source exists.
	for f in $(awk '/^COPY --from=build/ { print $3 }' "$DOCKERFILE"); do
		[ -e "$w$f" ] || { echo "the build stage makes no $f" >&2; return 1; }
	done
	"$w/out/usr/local/bin/redisdiag" --version
	# Each pkg-config package the Makefile asks for has its -dev package
	# in the build stage (the headers this machine happens to have are not
	# proof the image has them).
	local bs pc
	bs=$(awk '/^FROM /{n++} n == 1' "$DOCKERFILE")
	for pc in $(sed -n 's/^PKGS[[:space:]]*:=//p' "$TOP/Makefile"); do
		pkg=$(dpkg-query -S "$(pkg-config --variable=pcfiledir "$pc")/$pc.pc" |
		    head -n1 | cut -d: -f1)
		[[ $bs == *" $pkg "* ]] ||
		    { echo "$pc.pc is in $pkg, which the build stage does not install" >&2; return 1; }
	done
	# Each library the binary needs (and the one serve loads) comes from a
	# package the runtime stage installs, or from libc6 (in the base image).
	rt=$(sed -n '/^FROM /h; /^FROM /!H; ${x;p}' "$DOCKERFILE")
	for so in $(readelf -d "$w/out/usr/local/bin/redisdiag" |
	    awk '/NEEDED/ { gsub(/[][]/, "", $5); print $5 }') libmicrohttpd.so.12; do
		pkg=$(pkg_of "$so") || { echo "no package for $so" >&2; return 1; }
		[[ $pkg == libc6 || $rt == *" $pkg "* ]] ||
		    { echo "$so is in $pkg, which the runtime stage does not install" >&2; return 1; }
	done
}
