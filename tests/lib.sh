# lib.sh: sourced by every tests/tNNNN-*.sh script; speaks TAP (git's t/test-lib.sh
# in small).
#
#   test_description='what this script covers'
#   . "$(dirname "$0")/lib.sh"
#   test_needs_engine        # start (or reuse) the test bed: engine, registry, git server
#   test_expect_success 'name' 'shell code'
#   test_done
#
# Each script runs in its own scratch folder $TRASH (removed at exit unless
# JOCKEY_TEST_KEEP=1); the jockey under test is $JOCKEY, from the top of the tree.

set -u
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$TEST_DIR/.." && pwd)
JOCKEY=${JOCKEY:-$TOP/jockey}
TESTBED=$TEST_DIR/testbed.sh
export TOP JOCKEY TESTBED
test_name=$(basename "$0" .sh)
TRASH=${JOCKEY_TEST_TMP:-/tmp}/jockey-trash.$test_name.$$
rm -rf "$TRASH" && mkdir -p "$TRASH" || exit 1
test_count=0
test_failed=0
test_cleanups=
testbed_started_here=0

# Run shell code at exit (after the tests), last registered first.
test_at_exit() {
	test_cleanups="$1
$test_cleanups"
}

test_exit_trap() {
	code=$?
	set +e
	if [ -n "$test_cleanups" ]; then
		eval "$test_cleanups" >/dev/null 2>&1
	fi
	if [ "$testbed_started_here" = 1 ]; then
		"$TESTBED" stop >/dev/null 2>&1
	fi
	if [ "${JOCKEY_TEST_KEEP:-0}" = 1 ]; then
		echo "# kept $TRASH"
	else
		rm -rf "$TRASH"
	fi
	exit $code
}
trap test_exit_trap EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { echo "# $*"; }

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# test_expect_success NAME CODE: run CODE in a subshell in $TRASH; ok when it exits 0.
test_expect_success() {
	test_count=$((test_count + 1))
	out=$TRASH/.test-output
	# Not in an if: there set -e would be ignored inside the subshell too.
	(cd "$TRASH" && eval "set -e; $2") >"$out" 2>&1
	if [ $? = 0 ]; then
		echo "ok $test_count - $1"
		[ "${JOCKEY_TEST_VERBOSE:-0}" = 1 ] && sed 's/^/#   /' "$out"
	else
		echo "not ok $test_count - $1"
		test_failed=$((test_failed + 1))
		# On stderr too, so that prove shows why in a CI log without -v.
		{
			echo "# $test_name: not ok $test_count - $1"
			printf '%s\n' "$2" | sed 's/^/#   | /'
			tail -n 40 "$out" | sed 's/^/#   /'
		} | tee /dev/stderr
	fi
	return 0
}

# test_skip NAME REASON
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" = 0 ] && exit 0
	exit 1
}

# test_must_fail [--code=N] CMD...: CMD exits non-zero (exactly N when given) and
# was not killed by a signal.
test_must_fail() {
	want=
	case $1 in --code=*) want=${1#--code=}; shift ;; esac
	"$@" && { echo "expected failure, got success: $*" >&2; return 1; }
	code=$?
	if [ $code -gt 128 ]; then echo "died of a signal ($code): $*" >&2; return 1; fi
	if [ -n "$want" ] && [ "$code" != "$want" ]; then
		echo "expected exit $want, got $code: $*" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL: files equal, else show the diff.
test_cmp() {
	diff -u "$1" "$2"
}

# test_must_be_empty FILE: FILE exists and is empty, else show it.
test_must_be_empty() {
	test -f "$1" || { echo "'$1' is missing" >&2; return 1; }
	test -s "$1" || return 0
	echo "'$1' is not empty:" >&2
	sed 's/^/    /' "$1" >&2
	return 1
}

# test_grep PATTERN FILE: grep -E that shows the file when it fails.
test_grep() {
	grep -E -e "$1" "$2" >/dev/null && return 0
	echo "no line matches '$1' in $2:" >&2
	sed 's/^/    /' "$2" >&2
	return 1
}

# headless_chromium NAME ARG...: run Chromium headless on ARG... (a
# --dump-dom or --screenshot and a file:// URL), its profile in $TRASH/NAME,
# for at most 120 s: report.html's tests render the page with it.
headless_chromium() {
	hc_dir=$1
	shift
	timeout 120 "${chromium:-chromium}" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --hide-scrollbars --user-data-dir="$TRASH/$hc_dir" "$@"
}

# test_needs_engine: start the test bed (or reuse the one tests/run started) and
# import its environment: DOCKER_HOST, JOCKEY_TEST_REGISTRY, JOCKEY_TEST_GIT_URL,
# JOCKEY_TEST_GIT_ROOT. Skips the script when the bed cannot start and
# JOCKEY_TEST_REQUIRE_ENGINE is not 1 (CI sets it: there a missing bed fails).
test_needs_engine() {
	test_engine_available || skip_all "the test bed did not start"
}

# test_engine_available: as test_needs_engine, but returns 1 instead of
# skipping the script, for a script whose first tests need no engine: it
# has printed results already, so it must skip the rest one by one (a
# "1..0" plan after them would be a bad plan).
test_engine_available() {
	if ! "$TESTBED" running >/dev/null 2>&1; then
		if ! "$TESTBED" start >"$TRASH/.testbed.log" 2>&1; then
			sed 's/^/# testbed: /' "$TRASH/.testbed.log"
			if [ "${JOCKEY_TEST_REQUIRE_ENGINE:-0}" = 1 ]; then
				echo "Bail out! the test bed did not start"
				exit 1
			fi
			return 1
		fi
		testbed_started_here=1
	fi
	eval "$("$TESTBED" env)"
}
