#!/usr/bin/env bats
# completions.bats — the bash and zsh completions (scripts/completions)
# loaded in real shells: bash registers `complete -p redisdiag` and offers
# subcommands, options from each subcommand's --help, --format values and
# the scenario names of `simulate --list`; zsh's compinit binds _redisdiag
# to redisdiag and the function offers the same words (its compadd and
# _describe replaced by printers, since no terminal drives it here).
# `make install` puts both where the shells look; `make uninstall` removes
# them.  zsh comes from Debian's zsh package.

bats_require_minimum_version 1.5.0

TOP="$BATS_TEST_DIRNAME/../.."
RD=${REDISDIAG:-$TOP/redisdiag}
[[ $RD == /* ]] || RD="$PWD/$RD"

setup() {
	BIN="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$BIN"
	ln -sf "$RD" "$BIN/redisdiag"
}

# bcomp WORDS...: the bash completions for the last word.
bcomp() {
	PATH="$BIN:$PATH" bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_redisdiag
		printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/scripts/completions/redisdiag.bash" "$@"
}

# zcomp WORDS...: the zsh completions for the last word.
zcomp() {
	PATH="$BIN:$PATH" zsh -f -c '
		fpath=("$1" $fpath); shift
		compadd() { local a; for a in "$@"; do [[ $a == -- ]] && continue; print -r -- "$a"; done }
		_describe() { local -a arr; arr=("${(@P)${@[-1]}}"); print -rl -- "${arr[@]%%:*}" }
		_files() { print -r -- "<files>" }
		autoload -Uz _redisdiag
		words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}
		_redisdiag' _ "$TOP/scripts/completions" "$@"
}

@test "bash: complete -p redisdiag after sourcing the completion" {
	run bash --norc --noprofile -c 'source "$1" && complete -p redisdiag' _ \
	    "$TOP/scripts/completions/redisdiag.bash"
	[ "$status" -eq 0 ]
	[ "$output" = "complete -F _redisdiag redisdiag" ]
}

@test "bash: subcommands, options, --format values, scenario names" {
	run bcomp redisdiag ""
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <<<"$output")" = "check env simulate watch explain schema " ]
	run bcomp redisdiag check --f
	[[ $output == *--format* ]]
	run bcomp redisdiag check --format ""
	[ "$(tr '\n' ' ' <<<"$output")" = "json text ndjson nagios prometheus junit " ]
	run bcomp redisdiag check --format pro
	[ "$output" = prometheus ]
	# Every option of check --help is offered.
	local o
	for o in $("$RD" check --help | sed -n 's/^  \(-[^ ]*\).*/\1/p'); do
		run bcomp redisdiag check "$o"
		grep -qxF -- "$o" <<<"$output" || { echo "not offered: $o" >&2; return 1; }
	done
	# Scenario names are those of simulate --list.
	run bcomp redisdiag simulate ""
	[ "$output" = "$("$RD" simulate --list --format text | awk '{print $1}')" ]
	run bcomp redisdiag simulate cert-
	[[ $output == *cert-expired* && $output != *healthy* ]]
	# The value of -p is the user's: nothing offered.
	run bcomp redisdiag check -p ""
	[ -z "$output" ]
}

@test "zsh: compinit binds _redisdiag to redisdiag" {
	command -v zsh >/dev/null || skip "zsh not installed"
	run zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D; print -r -- $_comps[redisdiag]' _ \
	    "$TOP/scripts/completions"
	[ "$status" -eq 0 ]
	[ "$output" = _redisdiag ]
	run zsh -n "$TOP/scripts/completions/_redisdiag"
	[ "$status" -eq 0 ]
}

@test "zsh: subcommands, options, --format values, scenario names" {
	command -v zsh >/dev/null || skip "zsh not installed"
	run zcomp redisdiag ""
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <<<"$output")" = "check env simulate watch explain schema " ]
	run zcomp redisdiag check --format ""
	[ "$(tr '\n' ' ' <<<"$output")" = "json text ndjson nagios prometheus junit " ]
	run zcomp redisdiag check -
	[[ $output == *--format* && $output == *--strict* && $output == *-u* ]]
	run zcomp redisdiag simulate ""
	[ "$output" = "$("$RD" simulate --list --format text | awk '{print $1}')" ]
	run zcomp redisdiag check --cacert ""
	[ "$output" = "<files>" ]
}

@test "make install puts the completions where bash-completion and zsh look; make uninstall removes them" {
	command -v make >/dev/null || skip "no make"
	[ -f "$TOP/Makefile" ] || skip "no source tree"
	local d="$BATS_TEST_TMPDIR/dest"
	run make -s -C "$TOP" install DESTDIR="$d" PREFIX=/usr
	[ "$status" -eq 0 ]
	[ -f "$d/usr/share/bash-completion/completions/redisdiag" ]
	[ -f "$d/usr/share/zsh/site-functions/_redisdiag" ]
	[ -x "$d/usr/bin/redisdiag" ]
	[ -f "$d/usr/share/man/man1/redisdiag.1" ]
	run make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/usr
	[ "$status" -eq 0 ]
	[ -z "$(find "$d" -type f)" ]
}
