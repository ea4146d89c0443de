# bash completion for jockey: commands, options, matrix files, results
# folders, cell ids and patterns. Installed by `ninja install` into
# share/bash-completion/completions/jockey.
#
# It asks jockey itself what to offer, so it cannot fall behind the command
# table: the commands from `jockey help`, a command's options and operands
# from the usage line of `jockey help COMMAND` (an operand's name says what
# it is: MATRIX a .yaml file, DIR a folder, CELL and PATTERN cell ids), and
# the cells from `jockey ls --json`.

# _jockey_usage JOCKEY COMMAND: the usage line after "usage: jockey COMMAND".
_jockey_usage()
{
	"$1" help "$2" 2>/dev/null | sed -n '1s/^usage: jockey [^ ]* *//p'
}

# _jockey_parse USAGE: set _jockey_opts (every option), _jockey_valopts (the
# options that take a value, as " -o=DIR --shard=I/N ") and _jockey_operands
# (their names in order; the last ends in ... when it repeats).
_jockey_parse()
{
	local -a t
	local i raw w next
	read -r -a t <<<"$1"
	_jockey_opts= _jockey_valopts=' ' _jockey_operands=()
	for ((i = 0; i < ${#t[@]}; i++)); do
		raw=${t[i]}
		w=${raw//[\[\]]/}
		case $w in
		'' | '|' | --) ;;
		-*)
			_jockey_opts="$_jockey_opts $w"
			next=${t[i + 1]//[\[\]]/}
			if [[ $raw != *']' && $next == [A-Z]* ]]; then
				_jockey_valopts="$_jockey_valopts$w=$next "
				case $w in
				-o) _jockey_opts="$_jockey_opts --output" _jockey_valopts="$_jockey_valopts--output=$next " ;;
				-n) _jockey_opts="$_jockey_opts --lines" _jockey_valopts="$_jockey_valopts--lines=$next " ;;
				-j) _jockey_opts="$_jockey_opts --jobs" _jockey_valopts="$_jockey_valopts--jobs=$next " ;;
				esac
				i=$((i + 1))
			fi
			;;
		*) _jockey_operands+=("$w") ;;
		esac
	done
}

# _jockey_cells JOCKEY MATRIX [DIR]: cell ids, then a pattern for each of
# their images, benchmarks and hosts (debian-bookworm.*, *.sysbench.*, *.bridge).
_jockey_cells()
{
	local ids
	ids=$("$1" ls --json ${3:+-o "$3"} "$2" 2>/dev/null |
		sed -n 's/^ *"id": "\([^"]*\)",\{0,1\}$/\1/p')
	[ -n "$ids" ] || return
	printf '%s\n' "$ids"
	printf '%s\n' "$ids" | awk -F. 'NF >= 3 { print $1 ".*"; print "*." $2 ".*"; print "*." $NF }' | sort -u
}

# _jockey_dir_cells JOCKEY DIR: the cells of results folder DIR, through the
# matrix its matrix.json names (else the ids matrix.json lists).
_jockey_dir_cells()
{
	local m=$2/matrix.json path
	[ -f "$m" ] || return
	path=$(sed -n 's/^  "path": "\([^"]*\)",\{0,1\}$/\1/p' "$m")
	if [ -n "$path" ] && [ -f "$path" ]; then
		_jockey_cells "$1" "$path" "$2"
	else
		sed -n 's/^ *"id": "\([^"]*\)",\{0,1\}$/\1/p' "$m"
	fi
}

_jockey_complete_kind()
{
	local jockey=$1 kind=${2%...} cur=$3
	case $kind in
	MATRIX)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -f -X '!*.yml' -- "$cur")
			$(compgen -d -- "$cur"))
		;;
	DIR | DIR-A | DIR-B | SHARD-DIR | 'DIR|URL')
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		;;
	FILE | *_JSON | cells/*)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	COMMAND)
		COMPREPLY=($(compgen -W "$("$jockey" help 2>/dev/null | sed -n 's/^  \([a-z-]*\)  .*/\1/p')" -- "$cur"))
		;;
	PATTERN)
		[ -n "$_jockey_matrix" ] &&
			COMPREPLY=($(compgen -W "$(_jockey_cells "$jockey" "$_jockey_matrix" "$_jockey_dir")" -- "$cur"))
		;;
	CELL)
		[ -n "$_jockey_dir" ] &&
			COMPREPLY=($(compgen -W "$(_jockey_dir_cells "$jockey" "$_jockey_dir")" -- "$cur"))
		;;
	esac
}

_jockey()
{
	local jockey=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}
	local i w n=0 kind val dashdash=0 _jockey_opts _jockey_valopts _jockey_matrix= _jockey_dir=
	local -a _jockey_operands
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		_jockey_complete_kind "$jockey" COMMAND "$cur"
		return
	fi
	_jockey_parse "$(_jockey_usage "$jockey" "$cmd")"
	for ((i = 2; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((!dashdash)) && [[ $w == -- ]]; then
			dashdash=1
		elif ((!dashdash)) && [[ $w == -* ]]; then
			val=${_jockey_valopts#* $w=}
			if [[ $val != "$_jockey_valopts" && $w != *=* ]]; then
				i=$((i + 1))
				[[ $w == -o || $w == --output ]] && _jockey_dir=${COMP_WORDS[i]}
			fi
		else
			kind=${_jockey_operands[n]:-${_jockey_operands[${#_jockey_operands[@]} - 1]}}
			[[ $kind == MATRIX ]] && _jockey_matrix=$w
			[[ $kind == DIR ]] && _jockey_dir=$w
			n=$((n + 1))
		fi
	done
	w=${COMP_WORDS[COMP_CWORD - 1]}
	val=${_jockey_valopts#* $w=}
	if ((!dashdash)) && [[ $w == -* && $val != "$_jockey_valopts" ]]; then
		_jockey_complete_kind "$jockey" "${val%% *}" "$cur"
	elif ((!dashdash)) && [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$_jockey_opts --" -- "$cur"))
	elif ((${#_jockey_operands[@]})); then
		kind=${_jockey_operands[n]:-}
		if [ -z "$kind" ]; then
			kind=${_jockey_operands[${#_jockey_operands[@]} - 1]}
			[[ $kind == *... ]] || return 0
		fi
		_jockey_complete_kind "$jockey" "$kind" "$cur"
	fi
	return 0
}

complete -F _jockey jockey
