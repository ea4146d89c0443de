#!/bin/sh
# tests/fuzz/run.sh: build the matrix loader's libFuzzer harness with clang
# (ASan + UBSan + LeakSanitizer) and fuzz it.
#
#   tests/fuzz/run.sh [SECONDS] [LIBFUZZER-ARGS...]     (default 60 seconds)
#
# Works in build/fuzz/: the binary, the corpus (seeded from tests/matrix/ and
# matrix/ and kept between runs) and any crash-*/leak-*/timeout-* input.
# Replay one: build/fuzz/fuzz-matrix build/fuzz/crash-...
# Needs clang (apt-get install clang).
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
[ $# -gt 0 ] && shift
command -v clang >/dev/null 2>&1 || {
	echo "run.sh: clang not found; install it with: apt-get install clang" >&2
	exit 1
}
out=build/fuzz
mkdir -p "$out/corpus"
clang -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I. $(pkg-config --cflags yaml-0.1 libpcre2-8) \
	tests/fuzz/fuzz-matrix.c gen/matrix/*.c base/util.c base/buf.c base/slug.c \
	base/strmap.c base/path.c \
	$(pkg-config --libs yaml-0.1 libpcre2-8) -lm -o "$out/fuzz-matrix"
for f in $(find tests/matrix matrix -name '*.yaml'); do
	cp "$f" "$out/corpus/seed-$(printf '%s' "$f" | tr '/' '_')"
done
exec nice -n 10 "$out/fuzz-matrix" -max_total_time="$secs" -max_len=4096 -timeout=10 \
	-rss_limit_mb=2048 -dict=tests/fuzz/matrix.dict -artifact_prefix="$out/" \
	-print_final_stats=1 -close_fd_mask=2 "$@" "$out/corpus"
