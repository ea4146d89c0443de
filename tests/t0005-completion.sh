#!/bin/sh
test_description='shell completion: source the bash one and ask it for candidates; the zsh one agrees'
. "$(dirname "$0")/lib.sh"

BASHCOMP=$TOP/runners/completion/jockey.bash
ZSHCOMP=$TOP/runners/completion/_jockey
export BASHCOMP ZSHCOMP

# comp WORD...: the candidates bash completion offers for the last WORD,
# sorted, one a line (COMP_WORDS/COMP_CWORD as bash sets them, then _jockey).
cat >"$TRASH/comp" <<-\EOF
#!/bin/bash
. "$BASHCOMP" || exit 1
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMPREPLY=()
_jockey jockey "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}" | sort
EOF
chmod +x "$TRASH/comp"

test_expect_success 'setup: a matrix, its results folder, jockey on PATH' '
	mkdir -p bin m && ln -s "$JOCKEY" bin/jockey &&
	cat >m/t.yaml <<-\EOF &&
	name: t0005
	images:
	  - {name: debian, tags: [bookworm], pull: never}
	  - {name: busybox, tags: [latest], pull: never}
	benchmarks:
	  - {name: cpu, command: [sh, -c, "echo 1"], parser: shell}
	  - {name: io, command: [sh, -c, "echo 1"], parser: shell}
	hosts:
	  - {name: bridge}
	  - {name: pinned, cpuset: "0"}
	EOF
	echo "name: x" >m/other.yml && echo x >m/notes.txt &&
	"$JOCKEY" gen -q -o out m/t.yaml
'
PATH=$TRASH/bin:$PATH
export PATH

test_expect_success 'commands: the porcelain of jockey help, no plumbing' '
	"$TRASH/comp" jockey "" >got &&
	"$JOCKEY" help | sed -n "s/^  \([a-z-]*\)  .*/\1/p" | sort >want &&
	test_cmp want got &&
	test_grep "^show\$" got && ! grep -q "^run-cell\$" got && ! grep -q "^schema\$" got &&
	"$TRASH/comp" jockey s >got && printf "show\n" >want && test_cmp want got &&
	"$TRASH/comp" jockey help r >got && printf "report\nrun\n" >want && test_cmp want got
'

test_expect_success 'options: from the command usage line' '
	"$TRASH/comp" jockey run - >got &&
	for o in -j --jobs -o --output --offline --shard --durations --; do
		grep -qx -e "$o" got || { echo "no $o"; cat got; return 1; }
	done &&
	"$TRASH/comp" jockey ls --j >got && printf -- "--json\n" >want && test_cmp want got &&
	"$TRASH/comp" jockey show - >got && printf -- "--\n--json\n--lines\n-n\n" >want && test_cmp want got
'

test_expect_success 'matrix files: .yaml and .yml and folders, not other files' '
	"$TRASH/comp" jockey gen m/ >got && printf "m/other.yml\nm/t.yaml\n" >want && test_cmp want got &&
	"$TRASH/comp" jockey run -o out m/t >got && printf "m/t.yaml\n" >want && test_cmp want got &&
	"$TRASH/comp" jockey ls o >got && printf "out\n" >want && test_cmp want got
'

test_expect_success 'an option value: -o takes a folder; init takes a folder' '
	"$TRASH/comp" jockey run -o o >got && printf "out\n" >want && test_cmp want got &&
	"$TRASH/comp" jockey init o >got && printf "out\n" >want && test_cmp want got
'

test_expect_success 'cell ids and patterns from jockey ls --json, after the matrix' '
	"$TRASH/comp" jockey run m/t.yaml -o out "" >got &&
	"$JOCKEY" ls --json -o out m/t.yaml | sed -n "s/^ *\"id\": \"\(.*\)\",\$/\1/p" >ids &&
	test "$(wc -l <ids)" = 8 &&
	for id in $(cat ids); do grep -qx -e "$id" got || { echo "no $id"; return 1; }; done &&
	for p in "debian-bookworm.*" "busybox-latest.*" "*.cpu.*" "*.io.*" "*.bridge" "*.pinned"; do
		grep -qxF -e "$p" got || { echo "no pattern $p"; return 1; }
	done &&
	test "$(wc -l <got)" = 14 &&
	"$TRASH/comp" jockey run m/t.yaml deb >got &&
	printf "debian-bookworm.*\ndebian-bookworm.cpu.bridge\ndebian-bookworm.cpu.pinned\ndebian-bookworm.io.bridge\ndebian-bookworm.io.pinned\n" >want &&
	test_cmp want got &&
	"$TRASH/comp" jockey run -o out m/t.yaml -- "*.p" >got && printf "*.pinned\n" >want && test_cmp want got
'

test_expect_success 'jockey show DIR CELL: the cells of the results folder' '
	"$TRASH/comp" jockey show out busybox-latest.c >got &&
	printf "busybox-latest.cpu.bridge\nbusybox-latest.cpu.pinned\n" >want && test_cmp want got &&
	"$TRASH/comp" jockey show o >got && printf "out\n" >want && test_cmp want got
'

test_expect_success 'no candidates past the last operand' '
	"$TRASH/comp" jockey ls m/t.yaml "" >got && test "$(cat got)" = ""
'

test_expect_success 'ninja install puts both where bash-completion and zsh look' '
	(cd "$TOP" && DESTDIR="$TRASH/dest" ninja install >/dev/null) &&
	prefix=$(sed -n "s/^prefix = //p" "$TOP/build.ninja") &&
	cmp "$BASHCOMP" "dest$prefix/share/bash-completion/completions/jockey" &&
	cmp "$ZSHCOMP" "dest$prefix/share/zsh/site-functions/_jockey"
'

if command -v zsh >/dev/null 2>&1; then
	test_expect_success 'zsh: the same reading of the words' '
		zsh -n "$ZSHCOMP" &&
		zsh -c ". \"\$ZSHCOMP\"
			w() { _jockey_what jockey jockey \"\$@\"; print -r -- \"\$REPLY \$_jockey_matrix \$_jockey_dir\"; }
			w \"\"; w run -o out m/t.yaml \"\"; w show out \"\"; w gen \"\"; w run -o \"\"; w ls --j" >got &&
		printf "command  \nPATTERN m/t.yaml out\nCELL  out\nMATRIX  \nDIR  \nopts  \n" >want &&
		test_cmp want got &&
		zsh -c ". \"\$ZSHCOMP\"; _jockey_cells jockey m/t.yaml out" | sort >zgot &&
		"$TRASH/comp" jockey run m/t.yaml -o out "" >bgot && test_cmp bgot zgot
	'
	test_expect_success 'zsh: an interactive shell (zpty) completes through fpath and compinit' '
		mkdir -p fp && cp "$ZSHCOMP" fp/ &&
		cat >zt.zsh <<-\EOF &&
		# zt.zsh LINE WANT: type LINE and a tab into an interactive zsh, wait
		# (up to 30 s) until its screen shows WANT
		zmodload zsh/zpty || exit 1
		zpty z "TERM=dumb zsh -f -i"
		zpty -w z "fpath=($PWD/fp \$fpath); autoload -Uz compinit; compinit -u; PS1=\"RE\"\"ADY> \""
		wait_for() {
			local out= chunk i
			for i in {1..150}; do
				while zpty -r -t z chunk; do out+=$chunk; done
				[[ $out == *$1* ]] && return 0
				sleep 0.2
			done
			print -r -- "$out"
			return 1
		}
		wait_for "READY> " || exit 1
		zpty -w -n z "$1"$'"'"'\t'"'"'
		wait_for "$2"; r=$?
		zpty -d z
		exit $r
		EOF
		zsh -f zt.zsh "jockey sh" "jockey show " &&
		zsh -f zt.zsh "jockey show out busybox-latest.c" "jockey show out busybox-latest.cpu."
	'
else
	test_skip 'zsh: the same reading of the words' 'no zsh'
fi

test_done
