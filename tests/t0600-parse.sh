#!/bin/sh
test_description='jockey parse: built-in parsers on real logs, samples.json, failed.json, exit codes'
. "$(dirname "$0")/lib.sh"

FIX=$TOP/tests/parse/fixtures

# make_cell ID PARSERS_JSON FIXTURE [METRICS_JSON]: cells/ID with parse.json and rep 1
make_cell() {
	mkdir -p "cells/$1/1"
	printf '{"schema": 1, "cell": "%s", "benchmark": "b", "parsers": %s}\n' "$1" "$2" >"cells/$1/parse.json"
	cp "$FIX/$3" "cells/$1/1/log"
	m='{"schema": 1, "exit_code": 0, "elapsed_s": 2.5, "metrics": {"cpu_s": 2.01,'
	m="$m"' "mem_peak_bytes": 22609920, "net_rx_bytes": 200, "net_scope": "container"}}'
	printf '%s\n' "${4:-$m}" >"cells/$1/1/metrics.json"
}

# metric FILE NAME: the value of metric NAME in a samples.json (written with
# one key per line: "name" then "value")
metric() {
	awk -v want="\"name\": \"$2\"," '
		index($0, want) { found = 1; next }
		found && /"value":/ { sub(/.*"value": /, ""); sub(/,$/, ""); print; exit }
	' "$1"
}

# has_metric FILE NAME VALUE
has_metric() {
	got=$(metric "$1" "$2")
	[ "$got" = "$3" ] && return 0
	echo "metric $2 in $1: got '$got', want '$3'" >&2
	sed 's/^/    /' "$1" >&2
	return 1
}

test_expect_success 'sysbench: samples.json with the metrics, elapsed_s and the resource totals' '
	make_cell c1 "[{\"kind\": \"builtin\", \"name\": \"sysbench\"}]" sysbench-cpu-container.log &&
	"$JOCKEY" parse cells/c1/1/log cells/c1/parse.json &&
	S=cells/c1/1/samples.json &&
	test_grep "\"schema\": 1" $S &&
	test_grep "\"cell\": \"c1\"" $S &&
	test_grep "\"rep\": 1" $S &&
	has_metric $S events_per_s 4206.2 &&
	has_metric $S total_events 21035 &&
	has_metric $S elapsed_s 2.5 &&
	has_metric $S cpu_s 2.01 &&
	has_metric $S mem_peak_bytes 22609920 &&
	has_metric $S net_rx_bytes 200 &&
	! test -e cells/c1/1/failed.json
'

for case in "stress-ng stress-ng.log vm_bogo_ops_s 47780.35" \
	"redis-benchmark redis-csv.log set_rps 23952.1" \
	"redis-benchmark redis-q.log lpush_rps 33333.33" \
	"ab ab.log requests_per_s 7390.57" \
	"wrk wrk-latency.log latency_p99_ms 8.53" \
	"fio fio.log randrw_write_iops 10038.48076" \
	"iperf3 iperf3.log retransmits 4" \
	"shell shell-busybox-latest.log loops_per_s 19.67"
do
	set -- $case
	test_expect_success "$1 parses $2 ($3)" "
		make_cell c-$2 '[{\"kind\": \"builtin\", \"name\": \"$1\"}]' $2 &&
		\"\$JOCKEY\" parse cells/c-$2/1/log cells/c-$2/parse.json &&
		has_metric cells/c-$2/1/samples.json $3 $4
	"
done

test_expect_success 'a parser that finds nothing: exit 1, failed.json, no samples.json' '
	make_cell c2 "[{\"kind\": \"builtin\", \"name\": \"wrk\"}]" sysbench-cpu.log &&
	echo stale >cells/c2/1/samples.json &&
	test_must_fail --code=1 "$JOCKEY" parse cells/c2/1/log cells/c2/parse.json 2>err &&
	test_grep "parser .wrk. found no metric in cells/c2/1/log" err &&
	test_grep "\"reason\": \"parser .wrk. found no metric in cells/c2/1/log\"" cells/c2/1/failed.json &&
	test_grep "\"cell\": \"c2\"" cells/c2/1/failed.json &&
	! test -e cells/c2/1/samples.json
'

test_expect_success 'a later success removes failed.json' '
	printf "{\"schema\": 1, \"cell\": \"c2\", \"benchmark\": \"b\", \"parsers\": [{\"kind\": \"builtin\", \"name\": \"sysbench\"}]}\n" >cells/c2/parse.json &&
	"$JOCKEY" parse cells/c2/1/log cells/c2/parse.json &&
	test -e cells/c2/1/samples.json &&
	! test -e cells/c2/1/failed.json
'

test_expect_success 'regex parser: the last match, with its unit' '
	make_cell c3 "[{\"kind\": \"regex\", \"pattern\": \"avg: +(?<value>[0-9.]+)\", \"metric\": \"avg_ms\", \"unit\": \"ms\", \"better\": \"lower\"}]" sysbench-cpu.log &&
	"$JOCKEY" parse cells/c3/1/log cells/c3/parse.json &&
	has_metric cells/c3/1/samples.json avg_ms 0.25 &&
	test_grep "\"unit\": \"ms\"" cells/c3/1/samples.json
'

test_expect_success 'a bad regex fails with the offset' '
	make_cell c4 "[{\"kind\": \"regex\", \"pattern\": \"a(b\", \"metric\": \"x\", \"unit\": null, \"better\": \"higher\"}]" ab.log &&
	test_must_fail --code=1 "$JOCKEY" parse cells/c4/1/log cells/c4/parse.json 2>err &&
	test_grep "regex .a\\(b. at offset 3: missing closing parenthesis" err
'

test_expect_success 'command parser: argv plus the log path, JSON on stdout' '
	cat >count.sh <<-\EOF &&
	#!/bin/sh
	printf "{\"log_lines\": %d}\n" "$(wc -l <"$1")"
	EOF
	chmod +x count.sh &&
	make_cell c5 "[{\"kind\": \"command\", \"command\": [\"./count.sh\"]}]" ab.log &&
	"$JOCKEY" parse cells/c5/1/log cells/c5/parse.json &&
	has_metric cells/c5/1/samples.json log_lines "$(wc -l <"$FIX/ab.log")"
'

test_expect_success 'no parsers: elapsed_s and the totals only' '
	make_cell c6 "[]" ab.log &&
	"$JOCKEY" parse cells/c6/1/log cells/c6/parse.json &&
	has_metric cells/c6/1/samples.json elapsed_s 2.5 &&
	test "$(grep -c "\"name\":" cells/c6/1/samples.json)" = 4
'

test_expect_success 'host-scope network bytes are not the cell'"'"'s: left out' '
	make_cell c7 "[]" ab.log "{\"schema\": 1, \"elapsed_s\": 1, \"metrics\": {\"cpu_s\": 1, \"net_rx_bytes\": 99, \"net_scope\": \"host\"}}" &&
	"$JOCKEY" parse cells/c7/1/log cells/c7/parse.json &&
	! grep -q net_rx_bytes cells/c7/1/samples.json
'

test_expect_success 'a missing metrics.json fails the repetition' '
	make_cell c8 "[]" ab.log &&
	rm cells/c8/1/metrics.json &&
	test_must_fail --code=1 "$JOCKEY" parse cells/c8/1/log cells/c8/parse.json 2>err &&
	test_grep "cannot read .cells/c8/1/metrics.json." cells/c8/1/failed.json
'

test_expect_success 'usage errors exit 2' '
	test_must_fail --code=2 "$JOCKEY" parse cells/c1/1/log &&
	test_must_fail --code=2 "$JOCKEY" parse cells/c1/0/log cells/c1/parse.json 2>err &&
	test_grep "is not cells/ID/REP/log with REP from 1" err &&
	test_must_fail --code=2 "$JOCKEY" parse cells/c1/parse.json 1 2>err &&
	test_grep "is not cells/ID/REP/log" err &&
	echo "{\"schema\": 1}" >noparsers.json &&
	test_must_fail --code=1 "$JOCKEY" parse cells/c1/1/log noparsers.json 2>err &&
	test_grep "not a schema 1 parsers file" err
'

test_done
