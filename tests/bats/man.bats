#!/usr/bin/env bats
# man.bats — the manual is lint-clean and documents every option, every
# subcommand and every finding id that the program and the contract name;
# its FINDINGS list is the catalog's (src/catalog.c, written by make man).

bats_require_minimum_version 1.5.0

RD=${REDISDIAG:-$BATS_TEST_DIRNAME/../../redisdiag}
[[ $RD == /* ]] || RD="$PWD/$RD"
MAN=$BATS_TEST_DIRNAME/../../man/redisdiag.1

@test "mandoc -Tlint -W warning reports nothing" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	run mandoc -Tlint -W warning "$MAN"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "every option in every subcommand's --help is in the manual" {
	local c o missing=()
	for c in check env simulate watch explain schema serve; do
		run --separate-stderr "$RD" "$c" --help
		[ "$status" -eq 0 ]
		for o in $(grep -oE '^  (-[A-Za-z0-9]|--[a-z][a-z0-9-]*)' <<<"$output"); do
			# mdoc writes --name as "Fl \-name" and -x as "Fl x".
			if [[ $o == --* ]]; then
				grep -qF "Fl \\${o#-}" "$MAN" || missing+=("$o")
			else
				grep -qE "Fl ${o#-}( |$)" "$MAN" || missing+=("$o")
			fi
		done
	done
	if ((${#missing[@]})); then
		echo "not in the manual: ${missing[*]}" >&2
		return 1
	fi
}

@test "every subcommand is in the SYNOPSIS" {
	local c
	for c in check env simulate watch explain schema serve; do
		grep -qE "^\.Cm $c$" "$MAN"
	done
}

@test "every finding id of the contract is in FINDINGS" {
	local id missing=()
	for id in config.default_used config.shadowed config.conflict \
	    config.invalid_url config.invalid_port config.localhost_in_container \
	    config.tls_recommended config.sni_ip config.sni_mismatch \
	    dns.nxdomain dns.temporary dns.timeout dns.no_address \
	    tcp.refused tcp.timeout tcp.unreachable tcp.reset \
	    tls.plaintext_port tls.handshake_failed tls.cert_untrusted \
	    tls.cert_expired tls.hostname_mismatch tls.client_cert_required \
	    tls.sni_required proto.tls_required proto.not_redis \
	    proto.hostile_reply proto.timeout proto.closed auth.required \
	    auth.wrongpass auth.no_password_configured auth.noperm \
	    server.protected_mode server.maxclients server.loading server.busy \
	    server.masterdown server.readonly_replica server.db_out_of_range \
	    server.memory_pressure server.oom_risk server.client_pressure \
	    server.persistence_error server.cluster_mode server.cluster_down \
	    latency.high tls.insecure tls.cert_expiring; do
		grep -qE "^\.It Li $id$" "$MAN" || missing+=("$id")
	done
	if ((${#missing[@]})); then
		echo "not in FINDINGS: ${missing[*]}" >&2
		return 1
	fi
}

@test "FINDINGS is the catalog's list, one entry per row (make man writes it)" {
	local gen=$BATS_TEST_DIRNAME/../../build/findings
	if [ ! -x "$gen" ]; then
		echo "build/findings is missing: make builds it" >&2
		return 1
	fi
	run --separate-stderr "$gen" <"$MAN"
	[ "$status" -eq 0 ]
	if ! diff -u "$MAN" - <<<"$output" >&2; then
		echo "man/redisdiag.1 is not the catalog's: run make man" >&2
		return 1
	fi
}
