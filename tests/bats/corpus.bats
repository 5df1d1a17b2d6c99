#!/usr/bin/env bats
# corpus.bats — `redisdiag explain` against the words of real clients
# (issue 14): the corpus in tests/corpus/explain, captured by
# scripts/capture-corpus from ten clients made to fail on purpose against
# real redis-server instances and `simulate --serve`; the passwords
# clients put into their own error text; the summary of a long log.
# Reads files only: no client and no server is needed here.

bats_require_minimum_version 1.5.0

setup_file() {
	RD="${REDISDIAG:-./redisdiag}"
	case $RD in /*) ;; *) RD="$PWD/$RD" ;; esac
	export RD
	export CORPUS="$BATS_TEST_DIRNAME/../corpus/explain"
}

PW=S3cretPw-q7

# The forms of issue 14, each with the password in it.
secret_lines() {
	cat <<EOF2
[ioredis] Unhandled error event: ReplyError: WRONGPASS invalid username-password pair or user is disabled. command: { name: 'auth', args: [ '$PW' ] }
ReplyError: WRONGPASS invalid username-password pair or user is disabled. command: { name: 'auth', args: [ 'default', '$PW' ] }
ReplyError: WRONGPASS invalid username-password pair or user is disabled. command: { name: 'hello', args: [ '3', 'AUTH', 'default', '$PW' ] }
{"level":50,"err":{"type":"ReplyError","message":"NOAUTH Authentication required.","command":{"name":"auth","args":["$PW"]}}}
RedisException: NOAUTH Authentication required. config: array ( 'host' => 'cache', 'password' => '$PW', )
RedisException: NOAUTH Authentication required. Array ( [host] => cache [password] => $PW )
NOAUTH Authentication required. (Redis::CommandError) {:host=>"cache", :password=>"$PW"}
REDISCLI_AUTH=$PW redis-cli -h cache ping: (error) NOAUTH Authentication required.
REDIS_AUTH=$PW node app.js: ReplyError: NOAUTH Authentication required.
Error: connect ECONNREFUSED 127.0.0.1:6379 (cache:6379?auth=$PW&db=0)
{"host":"cache","auth":"$PW","msg":"ReplyError: NOAUTH Authentication required."}
PHP Fatal error: Uncaught RedisException: WRONGPASS invalid username-password pair in app.php: \$redis->auth('$PW')
<error><password>$PW</password><msg>NOAUTH Authentication required.</msg></error>
EOF2
}

@test "explain: no password that a client put into its own error text, in any format" {
	local f n
	for f in json text ndjson junit nagios prometheus; do
		run --separate-stderr timeout 20 "$RD" explain --format "$f" - < <(secret_lines)
		n=$(grep -o -- "$PW" <<<"$output$stderr" | wc -l)
		echo "$f: $n occurrences" >&2
		[ "$n" -eq 0 ]
		# every line was still recognised
		[ "$status" -ne 0 ]
	done
	run --separate-stderr timeout 20 "$RD" explain --format json - < <(secret_lines)
	[ "$(jq '.lines | length' <<<"$output")" -eq "$(secret_lines | wc -l)" ]
	jq -e '.lines[0].excerpt | contains("args: [ '"'****'"' ]")' <<<"$output"
	# one line as arguments too
	run --separate-stderr timeout 20 "$RD" explain --format json "$(secret_lines | sed -n 3p)"
	[[ $output != *"$PW"* ]]
	[ "$(jq -r '.findings[0].id' <<<"$output")" = auth.wrongpass ]
}

@test "explain: a summary with many ids lists them whole, never cut mid-word" {
	local lines
	lines=$(printf '%s\n' "Error: connect ECONNREFUSED 127.0.0.1:6379" \
	    "ReplyError: NOAUTH Authentication required." "WRONGPASS invalid username-password pair" \
	    "NOPERM this user has no permissions to run the 'get' command" \
	    "LOADING Redis is loading the dataset in memory" "BUSY Redis is busy running a script." \
	    "MASTERDOWN Link with MASTER is down" "-ERR max number of clients reached" \
	    "READONLY You can't write against a read only replica." \
	    "OOM command not allowed when used memory > 'maxmemory'." "MOVED 3999 127.0.0.1:6381" \
	    "CLUSTERDOWN Hash slot not served" "Error: getaddrinfo ENOTFOUND cache" \
	    "Error: getaddrinfo EAI_AGAIN cache" "Error: connect ETIMEDOUT 10.0.0.1:6379" \
	    "Error: read ECONNRESET" "self-signed certificate in certificate chain" \
	    "certificate has expired" "ERR_TLS_CERT_ALTNAME_INVALID" "wrong version number" \
	    "DENIED Redis is running in protected mode" "MISCONF Redis is configured to save RDB snapshots" \
	    "Protocol error, got \"H\" as reply type byte" "EHOSTUNREACH 10.0.0.9:6379")
	run --separate-stderr timeout 20 "$RD" explain --format json - <<<"$lines"
	local sum ids
	sum=$(jq -r .summary <<<"$output")
	echo "summary (${#sum} bytes): $sum" >&2
	[ "${#sum}" -gt 255 ]
	ids=$(jq -r '.lines[].id' <<<"$output" | sort -u)
	[ "$(wc -l <<<"$ids")" -ge 20 ]
	local id
	for id in $ids; do
		[[ $sum == *"$id x"[0-9]* ]]
	done
	[[ $sum =~ x[0-9]+$ ]]
}

# corpus_rows: every row of every corpus file (comments left out), the
# client file's name as a fifth column.
corpus_rows() {
	local f
	for f in "$CORPUS"/*.tsv; do
		grep -v '^#' "$f" | awk -F'\t' -v c="$(basename "$f" .tsv)" 'NF >= 4 {print $0 "\t" c}'
	done
}

@test "corpus: at least 500 lines from at least 10 clients, expected ids from the catalog" {
	local n clients ids id
	n=$(corpus_rows | wc -l)
	clients=$(ls "$CORPUS"/*.tsv | sed 's#.*/##; s/-[0-9][^-]*\.tsv$//' | sort -u | wc -l)
	echo "lines $n, clients $clients" >&2
	[ "$n" -ge 500 ]
	[ "$clients" -ge 10 ]
	# every expected id (either side of an ambiguous "G|F") is a finding
	# id the man page lists (it is generated from the catalog)
	ids=$(corpus_rows | cut -f1 | tr '|' '\n' | sort -u)
	for id in $ids; do
		grep -qF -- "$id" "$BATS_TEST_DIRNAME/../../man/redisdiag.1"
	done
}

@test "corpus: at least 98 % of the lines classified as the fault that produced them" {
	local rows got total ok rate
	rows="$BATS_TEST_TMPDIR/rows"
	corpus_rows >"$rows"
	run --separate-stderr timeout 60 "$RD" explain --format json - < <(cut -f4 "$rows")
	echo "$output" >"$BATS_TEST_TMPDIR/out.json"
	# lineno -> id
	jq -r '.lines[] | "\(.lineno)\t\(.id)"' "$BATS_TEST_TMPDIR/out.json" >"$BATS_TEST_TMPDIR/got"
	# An ambiguous row "G|F" (scripts/capture-corpus says when) is right
	# with either id.
	awk -F'\t' 'NR == FNR { got[$1] = $2; next }
	    { n++; g = (FNR in got) ? got[FNR] : "-"; c[$5]++; hit = 0
	      k = split($1, alt, "|"); for (i = 1; i <= k; i++) if (alt[i] == g) hit = 1
	      if (hit) { ok++; okc[$5]++ } else print "MISS\t" $5 "\t" $2 "/" $3 "\texpected " $1 "\tgot " g "\t" $4 > "/dev/stderr" }
	    END { for (k in c) printf "client %s: %d of %d\n", k, okc[k], c[k] > "/dev/stderr"
	      printf "%d %d\n", ok, n }' 2>&3 "$BATS_TEST_TMPDIR/got" "$rows" >"$BATS_TEST_TMPDIR/rate"
	read -r ok total <"$BATS_TEST_TMPDIR/rate"
	echo "classified as expected: $ok of $total" >&2
	[ "$total" -ge 500 ]
	[ $((ok * 100)) -ge $((total * 98)) ]
}

@test "corpus: explain - over the whole corpus summarises the counts it lists" {
	local sum n ncl
	run --separate-stderr timeout 60 "$RD" explain --format json - < <(corpus_rows | cut -f4)
	sum=$(jq -r .summary <<<"$output")
	echo "$sum" >&2
	n=$(corpus_rows | wc -l)
	ncl=$(jq '.lines | length' <<<"$output")
	[[ $sum == *"$ncl of $n lines classified"* ]]
	# every id's count in the summary is the number of lines listed with it
	while read -r cnt id; do
		[[ $sum == *"$id x$cnt"* ]]
	done < <(jq -r '.lines[].id' <<<"$output" | sort | uniq -c)
	# and each finding's evidence carries the same count
	while read -r cnt id; do
		jq -e --arg id "$id" --arg c "$cnt" 'any(.findings[]; .id == $id and
		    (.evidence | startswith($c + " line"))) or ($id == "tcp.connect_failed")' <<<"$output" >/dev/null
	done < <(jq -r '.lines[].id' <<<"$output" | sort | uniq -c)
}
