#!/bin/sh
# shell.sh [SECONDS]: a UnixBench-"shell"-style workload for any POSIX userland.
#
# Each loop runs the same text pipelines UnixBench's shell test does (sort, od,
# grep, tr, wc, sed) on a fixed input made at the start, so the work per loop
# is identical everywhere and the loop rate compares the userland's tools:
# busybox (musl, one binary) against GNU coreutils (glibc), for example.
# Loops until SECONDS (default 3) have passed, then prints one line that
# jockey's built-in "shell" parser reads:
#
#   shell: loops=42 elapsed_s=3.02 loops_per_s=13.90 sort_ms=21.19 od_ms=30.00 grep_ms=5.71 tr_ms=9.76 sed_ms=5.23
#
# *_ms is the mean time of that stage per loop. Time comes from /proc/uptime
# (10 ms resolution), because busybox's date has no sub-second format.
set -eu

secs=${1:-3}
case $secs in ''|*[!0-9]*) echo "shell.sh: SECONDS must be a whole number, not '$secs'" >&2; exit 2 ;; esac
# busybox's image has no /tmp
tmp=${TMPDIR:-/tmp}/shellbench.$$
mkdir -p "${TMPDIR:-/tmp}"
mkdir "$tmp"
trap 'rm -rf "$tmp"' EXIT

# centiseconds since boot
now() {
	read -r up _ </proc/uptime
	echo $(( ${up%.*} * 100 + 1${up#*.} - 100 ))
}

# the input: 4000 lines of words, the same on every system
i=0
while [ $i -lt 4000 ]; do
	echo "$i the quick brown fox $((i * 7919 % 4001)) jumps over the lazy dog $((i % 97)) zebra"
	i=$((i + 1))
done >"$tmp/in"

loops=0 sort_cs=0 od_cs=0 grep_cs=0 tr_cs=0 sed_cs=0
start=$(now)
end=$((start + secs * 100))
t=$start
while [ "$t" -lt "$end" ]; do
	a=$t
	sort -k 6 -n "$tmp/in" | sort -r >"$tmp/sorted"
	b=$(now)
	od -c "$tmp/sorted" | tail -n 100 >"$tmp/od"
	c=$(now)
	grep -c 'fox [0-9]*7 ' "$tmp/in" >"$tmp/grep"
	grep -v zebra "$tmp/sorted" | wc -l >>"$tmp/grep"
	d=$(now)
	tr 'a-z' 'A-Z' <"$tmp/in" | tr -d ' ' | wc -c >"$tmp/tr"
	e=$(now)
	sed -e 's/quick/slow/' -e 's/[0-9][0-9]*/N/g' "$tmp/sorted" | wc -l >"$tmp/sed"
	t=$(now)
	sort_cs=$((sort_cs + b - a))
	od_cs=$((od_cs + c - b))
	grep_cs=$((grep_cs + d - c))
	tr_cs=$((tr_cs + e - d))
	sed_cs=$((sed_cs + t - e))
	loops=$((loops + 1))
done
cs=$((t - start))

# hundredths, printed as N.NN without floating point
fmt() {
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}
# the mean of a stage per loop in ms: cs * 10 / loops, in hundredths
per_loop() {
	fmt $(($1 * 1000 / loops))
}
echo "shell: loops=$loops elapsed_s=$(fmt $cs) loops_per_s=$(fmt $((loops * 10000 / cs)))" \
	"sort_ms=$(per_loop $sort_cs) od_ms=$(per_loop $od_cs) grep_ms=$(per_loop $grep_cs)" \
	"tr_ms=$(per_loop $tr_cs) sed_ms=$(per_loop $sed_cs)"
