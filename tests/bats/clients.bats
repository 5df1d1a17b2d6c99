#!/usr/bin/env bats
# clients.bats — client models and application profiles (issue 10, SPEC 11
# and 12): the differential test against the real client libraries, the
# incident end to end (SNI), the model tables, the new findings.

load '../lib/fixtures'

setup_file() {
	fx_init
}
teardown_file() { fx_teardown; }

rd() {	# rd VAR=VALUE... -- ARGS: redisdiag with exactly that environment
	local envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	run env -i PATH="$PATH" "${envs[@]}" "$RD" "$@"
}
jqr() { jq -r "$@" <<<"$output"; }
ids() { jq -r '[.findings[].id] | join(" ")' <<<"$output"; }

@test "differential: 3,000 environments, every modelled Node and Python client, zero divergences" {
	run env REDISDIAG="$RD" tests/diff/run 3000
	echo "$output"
	if [[ $status -eq 77 ]]; then skip "client libraries not installed (scripts/install-deps --test)"; fi
	[ "$status" -eq 0 ]
	# every client ran and agreed on every environment
	[ "$(grep -c ' 3000 environments, 3000 agree, 0 diverge' <<<"$output")" -eq 6 ]
}
