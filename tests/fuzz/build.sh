#!/bin/sh
# tests/fuzz/build.sh: build jockey's library code, the unit tests and the
# libFuzzer targets with clang, AddressSanitizer and UndefinedBehaviorSanitizer
# (and the fuzzer's coverage instrumentation), into OUT (default build/fuzz).
#
#   tests/fuzz/build.sh [OUT]
#
# Writes OUT/build.ninja and runs ninja on it (incremental, in parallel):
#   OUT/tests/unit/t-*     the unit tests, run them from the top of the tree
#   OUT/fuzz-TARGET        one per tests/fuzz/fuzz-TARGET.c
# UBSan stops at the first report (-fno-sanitize-recover), so a finding is a
# failure. Needs clang and its runtime (Debian: clang, libclang-rt-14-dev).
set -eu
cd "$(dirname "$0")/../.."
out=${1:-build/fuzz}
command -v clang >/dev/null 2>&1 || {
	echo "build.sh: clang not found; install it with: apt-get install clang libclang-rt-14-dev" >&2
	exit 1
}
mkdir -p "$out/build"
printf '#define JOCKEY_VERSION "%s"\n' "$(cat VERSION)" >"$out/version.tmp"
cmp -s "$out/version.tmp" "$out/build/version.h" || mv "$out/version.tmp" "$out/build/version.h"
rm -f "$out/version.tmp"
pkgs="yaml-0.1 libcurl jansson libgit2 libarchive libpcre2-8"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
{
	echo "cflags = -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer $san -fsanitize=fuzzer-no-link -Wall -Wextra -Wno-unused-parameter -I. -I$out $(pkg-config --cflags $pkgs)"
	echo "libs = $(pkg-config --libs $pkgs) -lm -lpthread"
	echo "rule cc"
	echo "  command = clang -MMD -MF \$out.d \$cflags -c \$in -o \$out"
	echo "  depfile = \$out.d"
	echo "  description = CC \$out"
	echo "rule link"
	echo "  command = clang $san -o \$out \$in \$libs"
	echo "  description = LINK \$out"
	echo "rule fuzz"
	echo "  command = clang $san -fsanitize=fuzzer -o \$out \$in \$libs"
	echo "  description = LINK \$out"
	echo "rule embed"
	echo "  command = sh runners/report/embed.sh \$in > \$out.tmp && mv \$out.tmp \$out"
	objs=
	for src in $(find base gen runners -name '*.c' ! -path 'runners/edge/*' ! -path 'runners/sampler/*' | LC_ALL=C sort); do
		case $src in runners/main.c|runners/run/native_null.c) continue ;; esac
		echo "build $out/${src%.c}.o: cc $src || $out/build/version.h"
		objs="$objs $out/${src%.c}.o"
	done
	echo "build $out/assets.c: embed runners/report/report.css runners/report/report.js runners/report/lifecycle.js runners/report/flame.js | runners/report/embed.sh"
	echo "build $out/assets.o: cc $out/assets.c"
	objs="$objs $out/assets.o"
	for src in tests/unit/t-*.c; do
		echo "build $out/${src%.c}.o: cc $src || $out/build/version.h"
		echo "build $out/${src%.c}: link $out/${src%.c}.o$objs"
	done
	for src in tests/fuzz/fuzz-*.c; do
		t=$(basename "$src" .c)
		echo "build $out/$t.o: cc $src || $out/build/version.h"
		# a target that includes a .c file (to reach its static functions)
		# links everything but that file's object
		fobjs=$objs
		for inc in $(sed -n 's/^#include "\(.*\)\.c"$/\1/p' "$src"); do
			fobjs=$(printf '%s\n' $objs | grep -vx "$out/$inc.o" | tr '\n' ' ')
		done
		echo "build $out/$t: fuzz $out/$t.o $fobjs"
	done
} >"$out/build.ninja.tmp"
mv "$out/build.ninja.tmp" "$out/build.ninja"
exec ninja -f "$out/build.ninja" ${NINJA_FLAGS:-}
