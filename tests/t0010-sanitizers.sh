#!/bin/sh
test_description='ASan + UBSan: the unit tests under the sanitizers, each fuzz target over its corpus and for 10 s'
. "$(dirname "$0")/lib.sh"

# clang and its sanitizer and libFuzzer runtime (Debian: clang,
# libclang-rt-14-dev; ./configure --install-deps installs both). Skip only
# when they are absent: everything else here must pass.
command -v clang >/dev/null 2>&1 || skip_all "no clang (./configure --install-deps installs it)"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' >"$TRASH/probe.c"
clang -fsanitize=fuzzer,address,undefined -o "$TRASH/probe" "$TRASH/probe.c" >/dev/null 2>&1 ||
	skip_all "clang has no sanitizer or libFuzzer runtime (apt-get install libclang-rt-14-dev)"

SAN=$TRASH/san
FUZZ_SECONDS=${JOCKEY_FUZZ_SECONDS:-10}
# A fixed seed, so that a CI run can be repeated; JOCKEY_FUZZ_SEED=0 lets libFuzzer pick one.
FUZZ_SEED=${JOCKEY_FUZZ_SEED:-1}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87

test_expect_success 'the library, the unit tests and the fuzz targets build with ASan + UBSan' '
	NINJA_FLAGS=-j2 "$TOP/tests/fuzz/build.sh" "$SAN" >build.log 2>&1 || { tail -n 30 build.log; false; } &&
	for t in "$SAN"/tests/unit/t-* "$SAN"/fuzz-*; do
		case $t in *.o|*.d) continue ;; esac
		nm "$t" | grep -q " __asan_init" && nm "$t" | grep -q " __ubsan_handle_" ||
			{ echo "$t: not instrumented"; false; }
	done
'

test_expect_success 'every unit test passes under ASan + UBSan, with no leak' '
	n=0 &&
	for t in "$SAN"/tests/unit/t-*; do
		case $t in *.o|*.d) continue ;; esac
		n=$((n + 1))
		(cd "$TOP" && "$t") >unit.out 2>&1 || { echo "$t failed ($?):"; tail -n 40 unit.out; false; }
		! grep -E "^not ok|ERROR: (Address|Leak)Sanitizer|runtime error:" unit.out ||
			{ echo "$t"; false; }
	done &&
	test "$n" -ge 10
'

# each target: replay the committed corpus (its crash regressions included),
# then fuzz from it for FUZZ_SECONDS in a scratch copy
for target in matrix state parse engine-stream profile; do
	test_expect_success "fuzz-$target: its corpus replays clean, then ${FUZZ_SECONDS}s of fuzzing find nothing" '
		corpus="$TOP/tests/fuzz/corpus/'$target'" &&
		test $(ls "$corpus" | wc -l) -ge 5 &&
		"$SAN/fuzz-'$target'" -runs=0 -close_fd_mask=2 "$corpus" >replay.log 2>&1 ||
			{ tail -n 40 replay.log; false; } &&
		test_grep "Done|INITED" replay.log &&
		rm -rf work && mkdir work && cp "$corpus"/* work/ &&
		dict= && { [ ! -f "$TOP/tests/fuzz/'$target'.dict" ] || dict=-dict=$TOP/tests/fuzz/'$target'.dict; } &&
		"$SAN/fuzz-'$target'" -max_total_time=$FUZZ_SECONDS -seed=$FUZZ_SEED -max_len=8192 -timeout=10 \
			-rss_limit_mb=2048 $dict -artifact_prefix="$TRASH/'$target'-" -close_fd_mask=2 \
			work >fuzz.log 2>&1 || { tail -n 60 fuzz.log; ls "$TRASH"/'$target'-* 2>/dev/null; false; } &&
		test_grep "^Done [0-9]+ runs" fuzz.log
	'
done

test_expect_success 'a sanitizer finding fails the run (the harness can fail)' '
	cat >bad.c <<-\EOF &&
	#include <stdlib.h>
	#include <string.h>
	int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);
	int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)
	{
		char *p = malloc(4);
		if (n > 0 && d[0] == 0x42)
			memcpy(p, d, n + 4); /* overflow */
		free(p);
		return 0;
	}
	EOF
	clang -g -fsanitize=fuzzer,address,undefined -o bad bad.c &&
	mkdir bad-corpus && printf "\102xyz" >bad-corpus/x &&
	test_must_fail ./bad -runs=0 bad-corpus >bad.log 2>&1 &&
	test_grep "ERROR: AddressSanitizer: heap-buffer-overflow" bad.log
'

test_done
