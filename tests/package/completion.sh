#!/usr/bin/env bash
# The bash completion (cli/amtscope.bash-completion) against the CLI itself:
# every command `amtscope --help` lists and every option `amtscope CMD --help`
# lists is offered, every option offered is one the CLI documents, and a few
# option values complete to what the CLI accepts. Run through the real
# completion function with COMP_WORDS, as bash would.
set -euo pipefail
AMTSCOPE=${AMTSCOPE:-build/cli/amtscope}
SRCDIR=${SRCDIR:-.}
script=$(realpath "$SRCDIR/cli/amtscope.bash-completion")
AMTSCOPE=$(realpath "$AMTSCOPE")
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# with WITH_BASH_COMPLETION=1 the bash-completion package's helpers are
# loaded first (the script then uses _init_completion), as in a user's shell
complete_words() { # word... (the last one is being completed)
	bash --norc --noprofile -c '
		[ "${WITH_BASH_COMPLETION:-0}" = 1 ] && . /usr/share/bash-completion/bash_completion
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="${COMP_WORDS[*]}"; COMP_LINE=${COMP_LINE// = /=}; COMP_LINE=${COMP_LINE% =}
		[ "${COMP_WORDS[COMP_CWORD]}" = "=" ] && COMP_LINE+="="
		COMP_POINT=${#COMP_LINE}
		_amtscope "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$script" "$AMTSCOPE" "$@"
}

# the commands of `amtscope --help`
commands=$("$AMTSCOPE" --help | sed -n '/^commands:/,/^$/p' | awk 'NF && $1 != "commands:" {print $1}')
[ -n "$commands" ] || bad "no commands parsed from amtscope --help"
offered=$(complete_words "")
for c in $commands; do
	grep -qx -- "$c" <<<"$offered" || bad "command $c (amtscope --help) is not completed"
done

for c in $commands; do
	help=$("$AMTSCOPE" "$c" --help)
	documented=$(grep -oE -- '(^|[ ,|\[])(-[A-Za-z]|--[a-z][a-z0-9-]*)\b' <<<"$help" |
		grep -oE -- '-[A-Za-z]$|--[a-z][a-z0-9-]*' | sort -u)
	[ -n "$documented" ] || bad "$c: no options parsed from its --help"
	# an option the help text only mentions in passing (e.g. "user rules
	# (--rules FILE)" in rules --help) is one the command itself rejects
	real=""
	for o in $documented; do
		msg=$(timeout 10 "$AMTSCOPE" "$c" "$o" </dev/null 2>&1 >/dev/null || true)
		grep -qiE "unrecognized option|unknown option|invalid option" <<<"$msg" || real+="$o"$'\n'
	done
	documented=$(sort -u <<<"$real" | sed '/^$/d')
	offered=$( (complete_words "$c" "-"; complete_words "$c" "--") | sort -u)
	for o in $documented; do
		grep -qx -- "$o" <<<"$offered" || bad "$c: $o is in '$c --help' but not in the completion"
	done
	for o in $offered; do
		[ "$o" = --help ] && continue
		grep -qx -- "$o" <<<"$documented" || bad "$c: the completion offers $o, which '$c --help' does not list"
	done
done

expect() { # expected-words... -- words
	local want=() got
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	shift
	got=$(complete_words "$@" | sort | tr '\n' ' ')
	[ "$got" = "$(printf '%s\n' "${want[@]}" | sort | tr '\n' ' ')" ] || bad "completing '$*': got '$got', want '${want[*]}'"
}
value_checks() {
expect text json jsonl ecs html -- analyze --format ""
expect text json -- decode --format ""
expect text json html -- check --format ""
expect error warning info never -- analyze --fail-on ""
# bash splits --format=j at the '=' into three words
expect json jsonl -- analyze --format = j
expect error warning info never -- analyze --fail-on = ""
expect text json jsonl ecs html -- analyze --format =
expect --max-flows --max-flow-bytes -- analyze --max-flow
ids=$("$AMTSCOPE" logs --list-formats | awk '{print $1}' | grep '^rpc' | sort | tr '\n' ' ')
got=$(complete_words logs --log-format rpc | sort | tr '\n' ' ')
[ -n "$ids" ] && [ "$got" = "$ids" ] || bad "--log-format rpc completed to '$got', want '$ids'"

# a capture after -r: only captures and folders
rm -rf "${tmp:?}"/* && mkdir "$tmp/dir" && touch "$tmp/a.pcap" "$tmp/b.pcapng" "$tmp/c.txt"
got=$(cd "$tmp" && complete_words analyze -r "" | sort | tr '\n' ' ')
[ "$got" = "a.pcap b.pcapng dir/ " ] || bad "-r completed to '$got'"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
WITH_BASH_COMPLETION=0 value_checks
if [ -f /usr/share/bash-completion/bash_completion ]; then
	export WITH_BASH_COMPLETION=1
	value_checks
else
	echo "note: bash-completion not installed; checked without its helpers only"
fi

[ $fail -eq 0 ] && echo "ok: completion matches the CLI's commands and options"
exit $fail
