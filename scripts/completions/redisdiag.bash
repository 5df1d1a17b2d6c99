# redisdiag.bash — bash completion for redisdiag: subcommands, each
# subcommand's options (read from its own --help, so they never drift),
# --format values, files where an option takes a file, and scenario names
# from `redisdiag simulate --list`.  Installed by `make install` as
# $(PREFIX)/share/bash-completion/completions/redisdiag.

_redisdiag() {
	local cur prev cmd="" i bin
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	bin=${COMP_WORDS[0]}
	COMPREPLY=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		check | env | simulate | watch | explain | schema)
			cmd=${COMP_WORDS[i]}
			break
			;;
		esac
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "--help --version" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "check env simulate watch explain schema" -- "$cur")
		fi
		return 0
	fi

	case $prev in
	--format)
		mapfile -t COMPREPLY < <(compgen -W "json text ndjson nagios prometheus junit" -- "$cur")
		return 0
		;;
	--cacert | --cert | --key | --env-file | -o | --output)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
		;;
	--cacertdir)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return 0
		;;
	-s | --socket)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
		;;
	--redis-version)
		mapfile -t COMPREPLY < <(compgen -W "7 6 5" -- "$cur")
		return 0
		;;
	esac

	# "  -p PORT   ..." / "  --tls   ..." lines of the subcommand's help.
	local help opts="" takes=""
	help=$("$bin" "$cmd" --help 2>/dev/null)
	while read -r o arg _; do
		[[ $o == -* ]] || continue
		opts+=" $o"
		[[ $arg =~ ^[A-Z] ]] && takes+=" $o "
	done <<<"$help"
	# The value of an option that takes one: nothing to offer.
	if [[ $prev == -* && $takes == *" $prev "* ]]; then
		return 0
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	elif [[ $cmd == simulate ]]; then
		local names
		names=$("$bin" simulate --list --format text 2>/dev/null | awk '{print $1}')
		mapfile -t COMPREPLY < <(compgen -W "$names" -- "$cur")
	fi
	return 0
}

complete -F _redisdiag redisdiag
