#!/bin/sh
# tests/fuzz/run.sh: build the libFuzzer targets with clang (ASan + UBSan +
# LeakSanitizer; tests/fuzz/build.sh) and fuzz one of them, or each in turn.
#
#   tests/fuzz/run.sh TARGET|all [SECONDS] [LIBFUZZER-ARGS...]   (default 60 seconds)
#
# TARGET is matrix, state, parse, engine-stream or profile (tests/fuzz/fuzz-TARGET.c).
# Works in build/fuzz/: the binaries, a working corpus per target
# (corpus/TARGET, seeded from the committed tests/fuzz/corpus/TARGET and kept
# between runs) and any crash-*/leak-*/timeout-* input (TARGET-crash-...).
# Replay one: build/fuzz/fuzz-TARGET build/fuzz/TARGET-crash-... A finding,
# once fixed, goes into tests/fuzz/corpus/TARGET/ as crash-WHAT, so that CI
# (tests/t0010-sanitizers.sh) replays it. Needs clang (apt-get install clang
# libclang-rt-14-dev).
set -eu
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: tests/fuzz/run.sh TARGET|all [SECONDS] [LIBFUZZER-ARGS...]" >&2; exit 2; }
target=$1
secs=${2:-60}
shift
[ $# -gt 0 ] && shift
out=build/fuzz
tests/fuzz/build.sh "$out" >/dev/null
[ "$target" = all ] && target="matrix state parse engine-stream profile"
for t in $target; do
	[ -x "$out/fuzz-$t" ] || { echo "run.sh: no target '$t'" >&2; exit 2; }
	mkdir -p "$out/corpus/$t"
	cp tests/fuzz/corpus/"$t"/* "$out/corpus/$t/"
	dict=
	[ -f "tests/fuzz/$t.dict" ] && dict=-dict=tests/fuzz/$t.dict
	nice -n 10 "$out/fuzz-$t" -max_total_time="$secs" -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 $dict -artifact_prefix="$out/$t-" \
		-print_final_stats=1 -close_fd_mask=2 "$@" "$out/corpus/$t"
done
