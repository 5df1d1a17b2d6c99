#!/usr/bin/env bash
# redis-cli driver (tests/lib/clients/README): Debian's redis-tools.
# redis-cli has no read timeout of its own: timeout(1) bounds each run,
# and a killed run prints nothing.
if [[ ${1:-} == --version ]]; then
	redis-cli --version | awk '{print $2}'
	exit 0
fi
a=(-h "$RC_HOST" -p "$RC_PORT")
if [[ ${RC_TLS:-} == 1 ]]; then
	a+=(--tls --sni "${RC_SNI:-$RC_HOST}")
	[[ -n ${RC_CA:-} ]] && a+=(--cacert "$RC_CA")
	[[ -n ${RC_CERT:-} ]] && a+=(--cert "$RC_CERT" --key "$RC_KEY")
fi
[[ -n ${RC_USER:-} ]] && a+=(--user "$RC_USER")
t=${RC_TIMEOUT:-1.5}
unset REDISCLI_AUTH
for c in "GET corpus:k" "SET corpus:k v"; do
	# shellcheck disable=SC2086
	out=$(env ${RC_PASS:+REDISCLI_AUTH="$RC_PASS"} timeout "$(awk -v t="$t" 'BEGIN{print t*2}')" \
	    redis-cli "${a[@]}" $c 2>&1 </dev/null)
	# what a command printed on success (OK, (nil), a value) is no error
	while IFS= read -r l; do
		case $l in
		''|OK|'(nil)'|'"'*|v) echo ok ;;
		*) printf '%s\n' "$l" ;;
		esac
	done <<<"$out"
done
