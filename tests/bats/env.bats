#!/usr/bin/env bats
# env.bats — `redisdiag env` from the command line: which settings resolve
# from where (SPEC section 4), what is shadowed, the exit status (0 when a
# configuration resolves, 3 when it does not), the incident inside a fake
# container, --env-file over the environment, and invalid URLs and ports.
#
# Every run starts from `env -i` so the caller's environment cannot leak
# in, and container detection looks at a fixture root through
# REDISDIAG_SYSROOT, never at the machine running the tests.

bats_require_minimum_version 1.5.0

load '../lib/cli'

RD=${REDISDIAG:-$BATS_TEST_DIRNAME/../../redisdiag}
[[ $RD == /* ]] || RD="$PWD/$RD"

NF_URL='rediss://default:pw-nf@master.redis--x7k2.addon.code.run:6379'

setup() {
	ROOT=$BATS_TEST_TMPDIR/root		# no container markers
	mkdir -p "$ROOT"
	BOX=$BATS_TEST_TMPDIR/box		# looks like a Docker container
	mkdir -p "$BOX"
	: >"$BOX/.dockerenv"
}

# rd VAR=VALUE... -- ARGS...: runs env with a clean environment, JSON
# (rdv and cli_split: tests/lib/cli.bash).
rd() {
	cli_split "$@"
	RD_TIMEOUT=10 rdv "${CLI_VARS[@]}" -- env --format json "${CLI_ARGS[@]}"
}

# jqr FILTER: evaluates FILTER on the last JSON output.
jqr() {
	jq -r "$1" <<<"$output"
}

@test "nothing set: defaults, config.default_used, exit 0" {
	# The default profile's client (ioredis) defaults to localhost;
	# the generic profile (SPEC section 4) to 127.0.0.1.
	rd --
	[ "$status" -eq 0 ]
	[ "$(jqr .config.host)" = localhost ]
	[ "$(jqr .config.profile)" = cacheservice ]
	[ "$(jqr .config.client)" = ioredis@6 ]
	[ "$(jqr '[.findings[].id] | index("config.default_used") != null')" = true ]
	rd -- --profile generic
	[ "$status" -eq 0 ]
	[ "$(jqr .exit_code)" = 0 ]
	[ "$(jqr .config.host)" = 127.0.0.1 ]
	[ "$(jqr .config.port)" = 6379 ]
	[ "$(jqr .config.fields.host.source)" = default ]
	[ "$(jqr '[.findings[].id] | index("config.default_used") != null')" = true ]
	[ "$(jqr .environment.in_container)" = false ]
}

@test "the incident: REDIS_HOST=127.0.0.1 shadows NF_REDIS_URL in a container" {
	SYSROOT=$BOX rd REDIS_HOST=127.0.0.1 NF_REDIS_URL="$NF_URL" \
	    NF_HOSTING_ENVIRONMENT=production --
	[ "$status" -eq 0 ]
	[ "$(jqr .config.host)" = 127.0.0.1 ]
	[ "$(jqr .config.fields.host.source)" = env:REDIS_HOST ]
	[ "$(jqr '.config.shadowed[] | select(.name == "NF_REDIS_URL") | .name')" = NF_REDIS_URL ]
	[ "$(jqr '[.findings[].id] | index("config.shadowed") != null')" = true ]
	[ "$(jqr '[.findings[].id] | index("config.localhost_in_container") != null')" = true ]
	[ "$(jqr .environment.in_container)" = true ]
	[ "$(jqr .environment.platform)" = northflank ]
	[ "$(jqr '.environment.container_evidence | index("/.dockerenv exists") != null')" = true ]
	[ "$(jqr '.checklist[] | select(.id == "remote_host") | .status')" = fail ]
	# the losing addon is a candidate with its own host and TLS
	[ "$(jqr '.config.candidates[] | select(.name == "NF_REDIS_URL") | .tls')" = true ]
	[ "$(jqr '.config.candidates[] | select(.name == "NF_REDIS_URL") | .winner')" = false ]
	# the remediation says which variable to unset
	jqr '.findings[] | select(.id == "config.shadowed") | .remediation[]' | grep -q 'unset REDIS_HOST'
}

@test "the incident outside a container: no localhost finding" {
	rd REDIS_HOST=127.0.0.1 NF_REDIS_URL="$NF_URL" --
	[ "$status" -eq 0 ]
	[ "$(jqr '[.findings[].id] | index("config.localhost_in_container")')" = null ]
}

@test "container detection: /run/.containerenv, /proc/1/cgroup, KUBERNETES_SERVICE_HOST" {
	mkdir -p "$ROOT/run"
	: >"$ROOT/run/.containerenv"
	rd REDIS_HOST=localhost --
	[ "$(jqr .environment.in_container)" = true ]
	rm "$ROOT/run/.containerenv"
	mkdir -p "$ROOT/proc/1"
	echo '0::/kubepods/besteffort/pod1234' >"$ROOT/proc/1/cgroup"
	rd REDIS_HOST=localhost --
	[ "$(jqr .environment.in_container)" = true ]
	jqr '.environment.container_evidence[]' | grep -q kubepods
	echo '0::/' >"$ROOT/proc/1/cgroup"
	rd REDIS_HOST=localhost KUBERNETES_SERVICE_HOST=10.0.0.1 --
	[ "$(jqr .environment.kubernetes)" = true ]
	[ "$(jqr .environment.platform)" = kubernetes ]
	[ "$(jqr '[.findings[].id] | index("config.localhost_in_container") != null')" = true ]
}

@test "NF only: NF_REDIS_URL resolves with TLS and SNI" {
	# ioredis (the default client) sends no SNI: client.no_sni says so.
	rd NF_REDIS_URL="$NF_URL" --
	[ "$status" -eq 0 ]
	[ "$(jqr .config.sni)" = null ]
	[ "$(jqr '[.findings[].id] | index("client.no_sni") != null')" = true ]
	jqr '.findings[] | select(.id == "client.no_sni") | .remediation[]' | grep -q 'REDIS_SNI_SERVERNAME=master.redis--x7k2.addon.code.run'
	rd NF_REDIS_URL="$NF_URL" -- --profile generic
	[ "$status" -eq 0 ]
	[ "$(jqr .config.host)" = master.redis--x7k2.addon.code.run ]
	[ "$(jqr .config.tls)" = true ]
	[ "$(jqr .config.sni)" = master.redis--x7k2.addon.code.run ]
	[ "$(jqr .config.password_set)" = true ]
	[ "$(jqr .config.fields.host.source)" = url:NF_REDIS_URL ]
	[ "$(jqr .config.url_redacted)" = 'rediss://default:****@master.redis--x7k2.addon.code.run:6379/0' ]
	[ "$(jqr '[.findings[].id] | index("provider.northflank") != null')" = true ]
}

@test "REDIS_URL wins; REDIS_HOST, REDIS_PORT, NF_* are shadowed with reasons" {
	rd REDIS_URL=redis://cache.internal:6380/2 REDIS_HOST=other REDIS_PORT=6390 \
	    NF_REDIS_URL="$NF_URL" --
	[ "$status" -eq 0 ]
	[ "$(jqr .config.host)" = cache.internal ]
	[ "$(jqr .config.port)" = 6380 ]
	[ "$(jqr .config.db)" = 2 ]
	[ "$(jqr .config.fields.port.source)" = url:REDIS_URL ]
	[ "$(jqr '[.config.shadowed[].name] | sort | join(",")')" = NF_REDIS_URL,REDIS_HOST,REDIS_PORT ]
	[ -n "$(jqr '.config.shadowed[] | select(.name == "REDIS_HOST") | .reason')" ]
}

@test "an empty variable counts as unset" {
	rd REDIS_URL= REDIS_HOST=cache --
	[ "$status" -eq 0 ]
	[ "$(jqr .config.host)" = cache ]
	jqr '.config.shadowed[] | select(.name == "REDIS_URL") | .reason' | grep -q empty
}

@test "flags beat the environment; sources say flag:" {
	rd REDIS_URL=redis://cache:6379 -- -h flag.example -p 7001
	[ "$status" -eq 0 ]
	[ "$(jqr .config.host)" = flag.example ]
	[ "$(jqr .config.fields.host.source)" = flag:-h ]
	[ "$(jqr .config.fields.port.source)" = flag:-p ]
	[ "$(jqr '.config.shadowed[] | select(.name == "REDIS_URL") | .name')" = REDIS_URL ]
}

@test "--env-file overrides the environment; sources name the file and line" {
	local f=$BATS_TEST_TMPDIR/app.env
	printf '# app settings\nexport REDIS_HOST=from-file\nREDIS_PORT="6390" # quoted\n' >"$f"
	rd REDIS_HOST=from-env REDIS_PORT=1111 -- --env-file "$f"
	[ "$status" -eq 0 ]
	[ "$(jqr .config.host)" = from-file ]
	[ "$(jqr .config.port)" = 6390 ]
	[ "$(jqr .config.fields.host.source)" = "env-file:$f:2" ]
	[ "$(jqr .config.fields.port.source)" = "env-file:$f:3" ]
}

@test "a malformed --env-file: exit 3, one line naming the line" {
	local f=$BATS_TEST_TMPDIR/bad.env
	printf 'A=1\nnot an assignment\n' >"$f"
	rd -- --env-file "$f"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ $stderr == *"line 2"* ]]
}

@test "a bad URL: exit 3, config.invalid_url says where" {
	# ioredis 6 (new URL) throws on port 99999: the application cannot start.
	rd REDIS_URL='redis://cache:99999' --
	[ "$status" -eq 3 ]
	jqr '.findings[] | select(.id == "config.invalid_url") | .evidence' | grep -q 'ioredis@6: TypeError: Invalid URL'
	rd REDIS_URL='redis://cache:99999' -- --profile generic
	[ "$status" -eq 3 ]
	[ "$(jqr .exit_code)" = 3 ]
	[ "$(jqr .config.valid)" = false ]
	[ "$(jqr '[.findings[].id] | index("config.invalid_url") != null')" = true ]
	jqr '.findings[] | select(.id == "config.invalid_url") | .evidence' | grep -q 'at byte 14'
	rd REDIS_URL='redis-socket:///run/redis.sock' -- --profile generic
	[ "$status" -eq 3 ]
	jqr '.findings[] | select(.id == "config.invalid_url") | .evidence' | grep -q 'not supported yet'
	rd -- -u 'http://cache:6379' --profile generic
	[ "$status" -eq 3 ]
	[ "$(jqr '[.findings[].id] | index("config.invalid_url") != null')" = true ]
}

@test "ports the application reads loosely: resolved as parseInt reads them, flagged, exit 0" {
	# Never refuse what the application would use (SPEC 11).
	local p want
	for p in '6379abc:6379' ' 6379:6379' '0x18eb:6379' '6379.5:6379' '0:6379' '6379 :6379' '6380abc:6380'; do
		want=${p##*:}
		rd REDIS_HOST=cache REDIS_PORT="${p%:*}" --
		[ "$status" -eq 0 ]
		[ "$(jqr .config.port)" = "$want" ]
		[ "$(jqr .config.fields.port.value)" = "${p%:*}" ]
		[ "$(jqr .config.fields.port.as_read)" = "$want" ]
		[ "$(jqr '[.findings[].id] | index("config.loose_value") != null')" = true ]
	done
	# parseInt(v, 10) reads 0 for 0x18eb, then || falls back to 6379
	rd REDIS_HOST=cache REDIS_PORT=0x18eb --
	jqr '.findings[] | select(.id == "config.loose_value") | .evidence' | grep -q '"0x18eb" is read as 6379'
	# 70000: no client can connect there: exit 3
	rd REDIS_HOST=cache REDIS_PORT=70000 --
	[ "$status" -eq 3 ]
	[ "$(jqr '[.findings[].id] | index("config.invalid_port") != null')" = true ]
	# python-getenv: int() raises on 6379abc (the service dies), accepts " 6379 "
	rd REDIS_HOST=cache REDIS_PORT=6379abc -- --profile python-getenv
	[ "$status" -eq 3 ]
	jqr '.findings[] | select(.id == "config.invalid_port") | .evidence' | grep -q 'int() raises'
	rd REDIS_HOST=cache REDIS_PORT=' 6379 ' -- --profile python-getenv
	[ "$status" -eq 0 ]
	[ "$(jqr .config.port)" = 6379 ]
}

@test "generic profile: ports a parseInt would read differently: exit 3, both readings" {
	local p
	for p in 6379abc ' 6379' 0x18eb 6379.5 70000; do
		rd REDIS_HOST=cache REDIS_PORT="$p" -- --profile generic
		[ "$status" -eq 3 ]
		[ "$(jqr '[.findings[].id] | index("config.invalid_port") != null')" = true ]
	done
	rd REDIS_HOST=cache REDIS_PORT=6379abc -- --profile generic
	jqr '.findings[] | select(.id == "config.invalid_port") | .evidence' | grep -q 'parseInt reads 6379'
	# parseInt(v, 10): the radix is given, so 0x18eb is 0
	rd REDIS_HOST=cache REDIS_PORT=0x18eb -- --profile generic
	jqr '.findings[] | select(.id == "config.invalid_port") | .evidence' | grep -q 'parseInt reads 0'
}

@test "a bad REDIS_PORT behind REDIS_URL is a warning, exit 0" {
	rd REDIS_URL=redis://cache:6380 REDIS_PORT=abc -- --profile generic
	[ "$status" -eq 0 ]
	[ "$(jqr '.findings[] | select(.id == "config.invalid_port") | .severity')" = warning ]
}

@test "password conflicts are findings naming both sources, never the values" {
	rd REDIS_URL='redis://:url-pass-1@cache' REDIS_PASSWORD=env-pass-2 --
	[ "$status" -eq 0 ]
	[ "$(jqr '[.findings[].id] | index("config.conflict") != null')" = true ]
	jqr '.findings[] | select(.id == "config.conflict") | .evidence' | grep -q REDIS_PASSWORD
	[[ $output != *url-pass-1* && $output != *env-pass-2* ]]
}

@test "IPv6 literal and percent-encoded credentials" {
	rd REDIS_URL='rediss://us%40er:p%40ss@[::1]:6380/1' --
	[ "$status" -eq 0 ]
	[ "$(jqr .config.host)" = ::1 ]
	[ "$(jqr .config.username)" = us@er ]
	[ "$(jqr .config.sni)" = null ]
	[ "$(jqr .config.url_redacted)" = 'rediss://us%40er:****@[::1]:6380/1' ]
	[[ $output != *p@ss* && $output != *p%40ss* ]]
}

@test "REDISCLI_AUTH is a password source" {
	rd REDIS_HOST=cache REDISCLI_AUTH=cli-auth-x REDIS_PASSWORD=other -- --profile generic
	[ "$status" -eq 0 ]
	[ "$(jqr .config.fields.password.source)" = env:REDISCLI_AUTH ]
	[ "$(jqr .config.password_set)" = true ]
}

@test "-a warns on stderr the way redis-cli does" {
	rd REDIS_HOST=cache -- -a secret-a-1
	[ "$status" -eq 0 ]
	[[ $stderr == *"Warning: Using a password with '-a' or '-u' option"* ]]
	[[ $stderr != *secret-a-1* ]]
	rd REDIS_HOST=cache -- -a secret-a-1 --quiet
	[ -z "$stderr" ]
	[ -z "$output" ]
}

@test "further candidates: REDIS_TLS_URL, REDIS_PRIVATE_URL, KV_URL" {
	rd REDIS_URL=redis://main:6379 REDIS_TLS_URL=rediss://tls.example.com:6380 \
	    REDIS_PRIVATE_URL=redis://priv.internal:6379 KV_URL=redis://kv:1234 --
	[ "$(jqr '.config.candidates | length')" = 4 ]
	[ "$(jqr '.config.candidates[0].winner')" = true ]
	[ "$(jqr '.config.candidates[] | select(.name == "REDIS_TLS_URL") | .tls')" = true ]
	[ "$(jqr '.config.candidates[] | select(.name == "KV_URL") | .port')" = 1234 ]
}

@test "provider hint: Azure on the non-TLS port" {
	rd REDIS_URL='redis://:k@x.redis.cache.windows.net:6379' --
	[ "$(jqr '.findings[] | select(.id == "provider.azure") | .severity')" = warning ]
	jqr '.findings[] | select(.id == "provider.azure") | .remediation[]' | grep -q 6380
}

@test "text format shows each setting with its source" {
	run --separate-stderr timeout 10 env -i PATH="$PATH" REDISDIAG_SYSROOT="$ROOT" \
	    REDIS_HOST=cache.internal "$RD" env --format text --no-color
	[ "$status" -eq 0 ]
	[[ $output == *"env:REDIS_HOST"* ]]
}
