#!/bin/sh
test_description='aggregate: an incremental aggregate (its cache of collected cells) writes what a full one does'
. "$(dirname "$0")/lib.sh"
test_needs_engine
test "$(id -u)" = 0 || skip_all "native runs need root (chroot, mount)"

# Native cells of busybox: each repetition is a few milliseconds.
export XDG_CACHE_HOME="$TRASH/cache"
mkdir -p "$TRASH/p" && cat >"$TRASH/p/m.yaml" <<'EOF2' || exit 1
name: incr
images:
  - {name: busybox, tags: [latest], pull: never}
defaults: {repeat: 2, timeout: 60s}
benchmarks:
  - name: echo
    command: [sh, -c, 'echo "score: $H"; echo "other: 7"']
    parser: {regex: 'score: ([0-9.]+)', metric: score}
  - name: again
    repeat: 3
    warmup: 1
    command: [sh, -c, 'echo "score=2"']
    parser: {regex: 'score=([0-9.]+)', metric: score}
hosts:
  - {name: h1, native: true, env: {H: "1"}}
  - {name: h2, native: true, env: {H: "2"}}
  - {name: h3, native: true, env: {H: "3"}}
EOF2

C=busybox-latest.echo.h2
OUTS="results.json results.csv summary.md report.html"

# Keep what the incremental aggregate wrote, aggregate again without the
# cache, and compare the two byte for byte.
same_as_full() {
	mkdir -p inc && for f in $OUTS; do cp out/$f inc/$f || return 1; done &&
	test -s out/stamps/aggregate.cache &&
	rm out/stamps/aggregate.cache &&
	"$JOCKEY" aggregate out &&
	for f in $OUTS; do cmp inc/$f out/$f || return 1; done
}

# The cache line of cell $1 (its key and what was collected).
line() { grep "^$1	" out/stamps/aggregate.cache; }

test_expect_success 'a run, then an aggregate from the cache: the same files' '
	cd p &&
	"$JOCKEY" run -o out m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	test $(grep -vc "^jockey aggregate cache" out/stamps/aggregate.cache) = 6 &&
	"$JOCKEY" aggregate out && same_as_full
'

test_expect_success 'one cell rerun: its new samples, the others from the cache' '
	cd p &&
	line busybox-latest.echo.h1 >h1.before && line $C >c.before &&
	old=$(jq -c ".cells[] | select(.id == \"$C\") | .metrics.elapsed_s.samples" out/results.json) &&
	rm out/cells/$C/1/samples.json out/cells/$C/1/log &&
	"$JOCKEY" run -o out m.yaml >run2.out 2>&1 || { cat run2.out; false; } &&
	grep -q "1 ran" run2.out &&
	line busybox-latest.echo.h1 >h1.after && line $C >c.after &&
	test_cmp h1.before h1.after && ! cmp -s c.before c.after &&
	new=$(jq -c ".cells[] | select(.id == \"$C\") | .metrics.elapsed_s.samples" out/results.json) &&
	test "$old" != "$new" &&
	v=$(jq "[.metrics[] | select(.name == \"elapsed_s\")][0].value" out/cells/$C/1/samples.json) &&
	jq -e ".cells[] | select(.id == \"$C\") | .metrics.elapsed_s.samples[0] == $v" out/results.json &&
	same_as_full
'

test_expect_success 'an unchanged cell comes from the cache, not from its files' '
	cd p &&
	"$JOCKEY" aggregate out &&
	sed "/^busybox-latest.echo.h1	/s/\"status\":\"done\"/\"status\":\"from-the-cache\"/" \
		out/stamps/aggregate.cache >cache && mv cache out/stamps/aggregate.cache &&
	"$JOCKEY" aggregate out &&
	jq -e ".cells[] | select(.id == \"busybox-latest.echo.h1\") | .status == \"from-the-cache\"" out/results.json &&
	touch out/cells/busybox-latest.echo.h1/1/samples.json &&
	"$JOCKEY" aggregate out &&
	jq -e ".cells[] | select(.id == \"busybox-latest.echo.h1\") | .status == \"done\"" out/results.json
'

test_expect_success 'a deleted cell: never run, as a full aggregate says' '
	cd p &&
	rm -r out/cells/$C &&
	"$JOCKEY" aggregate out &&
	jq -e ".cells[] | select(.id == \"$C\") | .status == \"never run\" and .reps_done == 0" out/results.json &&
	same_as_full
'

test_expect_success 'a deleted repetition of a cell with a warmup: partial' '
	cd p &&
	rm -r out/cells/busybox-latest.again.h3/3 &&
	"$JOCKEY" aggregate out &&
	jq -e ".cells[] | select(.id == \"busybox-latest.again.h3\") | .status == \"partial\" and .reps_done == 3" out/results.json &&
	same_as_full
'

test_expect_success 'a parser change: reparsed samples, not the cached ones' '
	cd p &&
	sed "s/score: (/other: (/" m.yaml >m2.yaml &&
	! cmp -s m.yaml m2.yaml && cp m2.yaml m.yaml &&
	"$JOCKEY" run -o out m.yaml >run3.out 2>&1 || { cat run3.out; false; } &&
	jq -e "[.cells[] | select(.benchmark == \"echo\") | .metrics.score.samples[]] | unique == [7]" out/results.json &&
	same_as_full
'

test_expect_success 'a damaged cache is ignored and written anew' '
	cd p &&
	printf "jockey aggregate cache 1\tnot this one\nx\ty\t{\n" >out/stamps/aggregate.cache &&
	"$JOCKEY" aggregate out && same_as_full
'

test_done
