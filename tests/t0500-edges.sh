#!/bin/sh
test_description='the engine edges: probe, build-image, run-cell, clean, against a real engine'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# The results folder: the JSON files gen would write, written by hand here.
R=$TRASH/results
mkdir -p "$R/base" "$R/images" "$R/stamps/ctx" "$R/cells" || exit 1
ENGINE=${DOCKER_HOST:-unix:///var/run/docker.sock}
export R ENGINE
# Everything this script makes in the shared engine carries its own tag.
TAGBASE=jockey-t0500-$$
export TAGBASE
test_at_exit 'docker ps -aq --filter "label=jockey.dir=$R" | xargs -r docker rm -f'
test_at_exit 'docker images -q --filter "label=jockey.dir=$R" | sort -u | xargs -r docker rmi -f'

# base_json SLUG REF NAME TAG PULL
base_json() {
	printf '{"schema":1,"ref":"%s","name":"%s","tag":"%s","pull":"%s","engine":"%s"}\n' \
		"$2" "$3" "$4" "$5" "$ENGINE" >"$R/base/$1.json"
}

# image_json KEY CONTEXT-OR-null BASE TAG
image_json() {
	ctx=null tree=null
	if [ "$2" != null ]; then ctx="\"$2\"" tree="\"stamps/ctx/$2.tree\""; fi
	cat >"$R/images/$1.json" <<EOF
{"schema":1,"key":"$1","context":$ctx,"tree_stamp":$tree,"repo_json":"repo.json",
 "base":"$3","base_stamp":"stamps/base/x.digest","build_args":{"GREETING":"hi there"},
 "tag":"$4","labels":{"jockey":"1","jockey.matrix":"t0500","jockey.dir":"$R","jockey.key":"$1"},
 "engine":"$ENGINE"}
EOF
}

# cell_json ID COMMAND-JSON TIMEOUT_MS [HOSTCONFIG-JSON]
cell_json() {
	hc=${4:-'{"network":"none","cpuset":null,"cpus":0,"memory":0,"runtime":null,"volumes":[],"privileged":false,"sysctls":{},"ulimits":[]}'}
	mkdir -p "$R/cells/$1"
	cat >"$R/cells/$1/run.json" <<EOF
{"schema":1,"cell":"$1","matrix":"t0500","engine":"$ENGINE","image":"busybox:latest",
 "benchmark":"b","host":"h","native":false,"timeout_ms":$3,"repeat":1,"warmup":0,
 "main":{"image_stamp":"stamps/img/busybox.id","command":$2,"env":{"ZED":"last","ALPHA":"first"}},
 "hostconfig":$hc,
 "labels":{"jockey":"1","jockey.matrix":"t0500","jockey.cell":"$1","jockey.dir":"$R"}}
EOF
}

# mtime FILE: modification time with nanoseconds.
mtime() { stat -c %y "$1"; }

# no_container CELL: the engine holds no container of that cell.
no_container() {
	left=$(docker ps -aq --filter "label=jockey.cell=$1" --filter "label=jockey.dir=$R")
	[ -z "$left" ] || { echo "containers left: $left" >&2; return 1; }
}

test_expect_success 'probe of a local base with pull never stamps its identity' '
	cd "$R" &&
	base_json debian-bookworm debian:bookworm debian bookworm never &&
	"$JOCKEY" probe base/debian-bookworm.json stamps/base/debian-bookworm.digest &&
	want=$(docker image inspect -f "{{if .RepoDigests}}{{index .RepoDigests 0}}{{else}}{{.Id}}{{end}}" debian:bookworm) &&
	echo "$want" >expect &&
	test_cmp expect stamps/base/debian-bookworm.digest
'

test_expect_success 'probe again leaves the stamp alone (restat)' '
	cd "$R" &&
	before=$(mtime stamps/base/debian-bookworm.digest) &&
	sleep 0.01 &&
	"$JOCKEY" probe base/debian-bookworm.json stamps/base/debian-bookworm.digest &&
	test "$before" = "$(mtime stamps/base/debian-bookworm.digest)"
'

test_expect_success 'probe with pull missing takes a present image as it is' '
	cd "$R" &&
	base_json busybox-latest busybox:latest busybox latest missing &&
	"$JOCKEY" probe base/busybox-latest.json stamps/base/busybox-latest.digest &&
	test_grep "^sha256:[0-9a-f]{64}$" stamps/base/busybox-latest.digest
'

test_expect_success 'probe of an absent base with pull never is a clear error' '
	cd "$R" &&
	base_json nosuch nosuch-t0500:1 nosuch-t0500 1 never &&
	test_must_fail --code=1 "$JOCKEY" probe base/nosuch.json stamps/base/nosuch.digest 2>err &&
	test_grep "^jockey: base image .nosuch-t0500:1. is not in the engine at .* and pull is .never.$" err &&
	! test -e stamps/base/nosuch.digest
'

if [ -n "${JOCKEY_TEST_REGISTRY:-}" ]; then
	REPO=$JOCKEY_TEST_REGISTRY/$TAGBASE/busybox
	export REPO
	test_at_exit 'docker rmi -f "$REPO:latest"'
	test_expect_success 'probe with pull missing pulls from a registry and stamps the repo digest' '
		cd "$R" &&
		docker tag busybox:latest "$REPO:latest" &&
		docker push -q "$REPO:latest" >/dev/null &&
		docker rmi "$REPO:latest" >/dev/null &&
		base_json reg "$REPO:latest" "$REPO" latest missing &&
		"$JOCKEY" probe base/reg.json stamps/base/reg.digest &&
		docker image inspect -f "{{index .RepoDigests 0}}" "$REPO:latest" >expect &&
		test_cmp expect stamps/base/reg.digest &&
		test_grep "^$REPO@sha256:[0-9a-f]{64}$" stamps/base/reg.digest
	'
	test_expect_success 'probe with pull always pulls again and keeps an unmoved stamp' '
		cd "$R" &&
		base_json reg "$REPO:latest" "$REPO" latest always &&
		before=$(mtime stamps/base/reg.digest) &&
		sleep 0.01 &&
		"$JOCKEY" probe base/reg.json stamps/base/reg.digest &&
		test "$before" = "$(mtime stamps/base/reg.digest)"
	'
	test_expect_success 'a pull that fails is an error with the engine message' '
		cd "$R" &&
		base_json regmiss "$REPO-absent:1" "$REPO-absent" 1 missing &&
		test_must_fail --code=1 "$JOCKEY" probe base/regmiss.json stamps/base/regmiss.digest 2>err &&
		test_grep "^jockey: pull .$REPO-absent:1.: engine: " err
	'
else
	test_skip 'probe pulls from a registry' 'no test registry'
fi

test_expect_success 'an unreachable engine is named in the error' '
	cd "$R" &&
	printf "{\"schema\":1,\"ref\":\"busybox:latest\",\"pull\":\"never\",\"engine\":\"unix://$TRASH/no.sock\"}" >base/gone.json &&
	test_must_fail --code=1 "$JOCKEY" probe base/gone.json stamps/base/gone.digest 2>err &&
	test_grep "cannot reach the engine at unix://$TRASH/no.sock: no socket at" err
'

test_expect_success 'build-image without a context stamps the base image id' '
	cd "$R" &&
	image_json busybox null busybox:latest "" &&
	"$JOCKEY" build-image images/busybox.json stamps/img/busybox.id &&
	docker image inspect -f "{{.Id}}" busybox:latest >expect &&
	test_cmp expect stamps/img/busybox.id
'

test_expect_success 'setup: a Dockerfile repo with one context' '
	mkdir -p repo/ctx &&
	cat >repo/ctx/Dockerfile <<-\EOF &&
	ARG BASE
	FROM $BASE
	ARG GREETING
	COPY hello.sh /hello.sh
	RUN echo "$GREETING" >/greeting
	CMD ["sh", "/hello.sh"]
	EOF
	echo "cat /greeting" >repo/ctx/hello.sh &&
	git -C repo init -q &&
	git -C repo add . &&
	git -C repo -c user.name=t -c user.email=t@t commit -qm ctx &&
	git -C repo rev-parse HEAD:ctx >"$R/stamps/ctx/ctx.tree" &&
	printf "{\"schema\":1,\"repo\":\"%s\",\"ref\":null,\"contexts\":[{\"name\":\"ctx\",\"path\":\"ctx\",\"stamp\":\"stamps/ctx/ctx.tree\"}]}\n" \
		"$TRASH/repo" >"$R/repo.json"
'

test_expect_success 'build-image with a context builds, tags, labels and logs' '
	cd "$R" &&
	image_json ctx.busybox-latest ctx busybox:latest "$TAGBASE/ctx:busybox-latest" &&
	"$JOCKEY" build-image images/ctx.busybox-latest.json stamps/img/ctx.busybox-latest.id &&
	docker image inspect -f "{{.Id}}" "$TAGBASE/ctx:busybox-latest" >expect &&
	test_cmp expect stamps/img/ctx.busybox-latest.id &&
	docker image inspect -f "{{index .Config.Labels \"jockey.key\"}}" "$TAGBASE/ctx:busybox-latest" >labels &&
	echo ctx.busybox-latest >expect && test_cmp expect labels &&
	test_grep "^Step 1/" images/ctx.busybox-latest.log &&
	test_grep "Successfully tagged $TAGBASE/ctx:busybox-latest" images/ctx.busybox-latest.log &&
	docker run --rm "$TAGBASE/ctx:busybox-latest" >out &&
	echo "hi there" >expect && test_cmp expect out
'

test_expect_success 'build-image again keeps the stamp (same id, restat)' '
	cd "$R" &&
	before=$(mtime stamps/img/ctx.busybox-latest.id) &&
	sleep 0.01 &&
	"$JOCKEY" build-image images/ctx.busybox-latest.json stamps/img/ctx.busybox-latest.id &&
	test "$before" = "$(mtime stamps/img/ctx.busybox-latest.id)"
'

test_expect_success 'a failing build is an error with the engine message and keeps its log' '
	cd "$TRASH" &&
	printf "ARG BASE\nFROM \$BASE\nRUN echo about to fail && exit 3\n" >repo/ctx/Dockerfile &&
	git -C repo -c user.name=t -c user.email=t@t commit -qam broken &&
	git -C repo rev-parse HEAD:ctx >"$R/stamps/ctx/ctx.tree" &&
	cd "$R" &&
	cp stamps/img/ctx.busybox-latest.id old.id &&
	test_must_fail --code=1 "$JOCKEY" build-image images/ctx.busybox-latest.json stamps/img/ctx.busybox-latest.id 2>err &&
	test_grep "^jockey: build .ctx.busybox-latest. on .busybox:latest.: engine: The command .* returned a non-zero code: 3" err &&
	test_grep "about to fail" images/ctx.busybox-latest.log &&
	test_cmp old.id stamps/img/ctx.busybox-latest.id
'

test_expect_success 'run-cell runs a container and writes log, metrics.json, metrics.tsv' '
	cd "$R" &&
	cell_json hello "[\"sh\",\"-c\",\"echo hello; sleep 0.1; echo to-stderr >&2; sleep 0.1; env | grep -e ^ALPHA= -e ^ZED= | sort\"]" 60000 &&
	"$JOCKEY" run-cell cells/hello/run.json 1 &&
	printf "hello\nto-stderr\nALPHA=first\nZED=last\n" >expect &&
	test_cmp expect cells/hello/1/log &&
	jq -e ".schema == 1 and .cell == \"hello\" and .rep == 1 and .exit_code == 0 and .timed_out == false and .oom_killed == false" cells/hello/1/metrics.json &&
	jq -e ".elapsed_s > 0 and .elapsed_s < 30" cells/hello/1/metrics.json &&
	jq -e ".metrics.cpu_s >= 0 and .metrics.mem_peak_bytes >= 0" cells/hello/1/metrics.json &&
	jq -e ".provenance.image == \"busybox:latest\" and (.provenance.image_id | startswith(\"sha256:\")) and .provenance.api_version != null and .provenance.kernel != null" cells/hello/1/metrics.json &&
	test_grep "^t_s" cells/hello/1/metrics.tsv &&
	! test -e cells/hello/1/failed.json &&
	no_container hello &&
	! ls cells/hello/1 | grep tmp
'

test_expect_success 'provenance is asked of the engine after a success, while the container goes' '
	cd "$R" &&
	cell_json prov "[\"true\"]" 60000 &&
	JOCKEY_TRACE_ENGINE=1 "$JOCKEY" run-cell cells/prov/run.json 1 2>err &&
	awk "/\/logs\?/ { l = NR } /\/info / { i = NR } END { exit !(l && i > l) }" err &&
	test $(grep -c "/info " err) = 1 &&
	jq -e ".exit_code == 0 and (.started | startswith(\"20\")) and (.finished | startswith(\"20\"))" cells/prov/1/metrics.json &&
	jq -e ".provenance | .engine_version != null and .os_type == \"linux\" and .ncpu > 0 and .mem_total_bytes > 0 and .cgroup_driver != null and .operating_system != null" cells/prov/1/metrics.json &&
	no_container prov
'

test_expect_success 'a command that exits at once: its exit code, times and log; no provenance asked' '
	cd "$R" &&
	cell_json quick "[\"sh\",\"-c\",\"echo quick; exit 7\"]" 60000 &&
	test_must_fail --code=1 env JOCKEY_TRACE_ENGINE=1 "$JOCKEY" run-cell cells/quick/run.json 1 2>err &&
	jq -e ".reason == \"exit code 7\" and .exit_code == 7 and .oom_killed == false and .timed_out == false" cells/quick/1/failed.json &&
	jq -e "(.started | startswith(\"20\")) and (.finished | startswith(\"20\"))" cells/quick/1/failed.json &&
	test_grep "^quick$" cells/quick/1/log.failed &&
	! grep "/info " err &&
	no_container quick
'

test_expect_success 'the container had the labels, name and cgroup parent of the run' '
	cd "$R" &&
	cell_json labels "[\"sh\",\"-c\",\"cat /proc/self/cgroup; sleep 2\"]" 60000 &&
	{ "$JOCKEY" run-cell cells/labels/run.json 3 & } &&
	sleep 1 &&
	docker ps --filter "label=jockey.cell=labels" --format "{{.Names}} {{.Label \"jockey.rep\"}}" >ps &&
	wait &&
	test_grep "^jockey-labels-3-[0-9]+ 3$" ps &&
	test_grep "/jockey-labels-3-[0-9]+/" cells/labels/3/log &&
	no_container labels
'

test_expect_success 'a failing command fails the edge: failed.json, log.failed, no outputs' '
	cd "$R" &&
	cell_json fail "[\"sh\",\"-c\",\"echo going down; exit 2\"]" 60000 &&
	test_must_fail --code=1 "$JOCKEY" run-cell cells/fail/run.json 1 2>err &&
	test_grep "cell .fail. rep 1 failed: exit code 2" err &&
	jq -e ".reason == \"exit code 2\" and .exit_code == 2 and .rep == 1" cells/fail/1/failed.json &&
	test_grep "going down" cells/fail/1/log.failed &&
	! test -e cells/fail/1/log && ! test -e cells/fail/1/metrics.json && ! test -e cells/fail/1/metrics.tsv &&
	no_container fail
'

test_expect_success 'a command the engine cannot start fails the cell with its reason' '
	cd "$R" &&
	cell_json nostart "[\"/no/such/benchmark\"]" 60000 &&
	test_must_fail --code=1 "$JOCKEY" run-cell cells/nostart/run.json 1 2>err &&
	jq -e "(.reason | startswith(\"cannot start: engine: \")) and .exit_code == null" cells/nostart/1/failed.json &&
	test_grep "/no/such/benchmark" cells/nostart/1/failed.json &&
	no_container nostart
'

test_expect_success 'a later success removes the stale failure' '
	cd "$R" &&
	cell_json fail "[\"true\"]" 60000 &&
	"$JOCKEY" run-cell cells/fail/run.json 1 &&
	! test -e cells/fail/1/failed.json && ! test -e cells/fail/1/log.failed &&
	test -e cells/fail/1/log && test -e cells/fail/1/metrics.json
'

test_expect_success 'a timeout kills the container within a few seconds' '
	cd "$R" &&
	cell_json slow "[\"sleep\",\"30\"]" 1000 &&
	t0=$(date +%s) &&
	test_must_fail --code=1 "$JOCKEY" run-cell cells/slow/run.json 1 2>err &&
	t1=$(date +%s) &&
	test $((t1 - t0)) -le 6 &&
	jq -e ".reason == \"timeout after 1s\" and .timed_out == true" cells/slow/1/failed.json &&
	! test -e cells/slow/1/metrics.json &&
	no_container slow
'

for sig in INT:130 TERM:143; do
	name=${sig%%:*} code=${sig#*:}
	test_expect_success "SIG$name during a run removes the container and exits $code" "
		cd \"\$R\" &&
		cell_json sig$name '[\"sleep\",\"30\"]' 60000 &&
		{ \"\$JOCKEY\" run-cell cells/sig$name/run.json 1 2>err & pid=\$!; } &&
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			docker ps -q --filter label=jockey.cell=sig$name | grep -q . && break
			sleep 0.25
		done &&
		docker ps -q --filter label=jockey.cell=sig$name | grep -q . &&
		kill -$name \$pid &&
		rc=0 && { wait \$pid || rc=\$?; } && test \$rc = $code &&
		test_grep interrupted err &&
		no_container sig$name &&
		! test -e cells/sig$name/1/log && ! test -e cells/sig$name/1/failed.json
	"
done

test_expect_success 'a memory limit is applied and an OOM kill fails the run' '
	cd "$R" &&
	cell_json oom "[\"sh\",\"-c\",\"cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; dd if=/dev/zero of=/dev/null bs=256M count=1\"]" 60000 \
		"{\"network\":\"none\",\"cpuset\":null,\"cpus\":0,\"memory\":33554432,\"runtime\":null,\"volumes\":[],\"privileged\":false,\"sysctls\":{},\"ulimits\":[]}" &&
	test_must_fail --code=1 "$JOCKEY" run-cell cells/oom/run.json 1 2>err &&
	jq -e ".reason == \"oom killed\" and .oom_killed == true" cells/oom/1/failed.json &&
	test_grep "^33554432$" cells/oom/1/log.failed &&
	no_container oom
'

test_expect_success 'cpuset, host network, ulimits and a read-only volume are applied' '
	cd "$R" &&
	mkdir -p "$TRASH/vol" && echo from-host >"$TRASH/vol/file" &&
	cell_json hostnet "[\"sh\",\"-c\",\"grep Cpus_allowed_list /proc/self/status; ls /sys/class/net | sort; ulimit -n; cat /data/file; touch /data/x 2>/dev/null || echo read-only\"]" 60000 \
		"{\"network\":\"host\",\"cpuset\":\"0\",\"cpus\":0.5,\"memory\":0,\"runtime\":null,\"volumes\":[{\"source\":\"$TRASH/vol\",\"target\":\"/data\",\"readonly\":true}],\"privileged\":false,\"sysctls\":{},\"ulimits\":[{\"name\":\"nofile\",\"soft\":1234,\"hard\":1234}]}" &&
	"$JOCKEY" run-cell cells/hostnet/run.json 1 &&
	test_grep "^Cpus_allowed_list:[[:space:]]+0$" cells/hostnet/1/log &&
	hostonly=$(ls /sys/class/net | grep -v -E "^(lo|eth0|veth.*)$" | head -n 1) &&
	if test -n "$hostonly"; then test_grep "^$hostonly$" cells/hostnet/1/log; fi &&
	test_grep "^1234$" cells/hostnet/1/log &&
	test_grep "^from-host$" cells/hostnet/1/log &&
	test_grep "^read-only$" cells/hostnet/1/log
'

test_expect_success 'a pair cell without its sides is refused, naming what it lacks' '
	cd "$R" &&
	cell_json pair "[\"true\"]" 1000 &&
	jq ". + {server: {}, client: {}}" cells/pair/run.json >t && mv t cells/pair/run.json &&
	test_must_fail --code=1 "$JOCKEY" run-cell cells/pair/run.json 1 2>err &&
	test_grep "no .server.\..image_stamp." err &&
	no_container pair
'

test_expect_success 'clean removes containers and networks left with the folder label' '
	cd "$R" &&
	docker create --label "jockey.dir=$R" --label jockey=1 --name "$TAGBASE-left" busybox:latest true >/dev/null &&
	docker create --label "jockey.dir=$TRASH/other" --name "$TAGBASE-other" busybox:latest true >/dev/null &&
	docker network create --label "jockey.dir=$R" "$TAGBASE-net" >/dev/null &&
	"$JOCKEY" clean "$R" >out &&
	test_grep "^removed container $TAGBASE-left$" out &&
	test_grep "^removed network $TAGBASE-net$" out &&
	! docker container inspect "$TAGBASE-left" >/dev/null 2>&1 &&
	docker container inspect "$TAGBASE-other" >/dev/null 2>&1 &&
	docker rm -f "$TAGBASE-other" >/dev/null &&
	docker image inspect "$TAGBASE/ctx:busybox-latest" >/dev/null
'

if mkdir /sys/fs/cgroup/pids/jockey-hello-9-999999 2>/dev/null; then
	test_expect_success 'clean removes the empty cgroup parents of the folder cells' '
		"$JOCKEY" clean "$R" >out &&
		test_grep "^removed cgroup /sys/fs/cgroup/pids/jockey-hello-9-999999$" out &&
		! test -d /sys/fs/cgroup/pids/jockey-hello-9-999999
	'
else
	test_skip 'clean removes the empty cgroup parents of the folder cells' 'no writable v1 pids hierarchy'
fi

test_expect_success 'no run left a container or a cgroup parent behind' '
	test -z "$(docker ps -aq --filter "label=jockey.dir=$R")" &&
	for c in $(ls "$R/cells"); do
		! ls -d /sys/fs/cgroup/*/jockey-$c-* /sys/fs/cgroup/jockey-$c-* 2>/dev/null | grep . || exit 1
	done
'

test_expect_success 'clean --all removes the folder images too' '
	cd "$R" &&
	"$JOCKEY" clean --all . >out &&
	test_grep "^removed image " out &&
	! docker image inspect "$TAGBASE/ctx:busybox-latest" >/dev/null 2>&1 &&
	docker image inspect busybox:latest >/dev/null
'

test_done
