#!/bin/sh
test_description='jockey gen: golden build.ninja and JSON files, determinism, real ninja accepts and regenerates, jockey ls'
. "$(dirname "$0")/lib.sh"

# Goldens: tests/gen/NAME.yaml -> tests/gen/NAME.expect/ (every file gen
# writes, with the jockey path and the scratch folder replaced by @JOCKEY@ and
# @TRASH@, the images' tags' hash of that folder by @DIRHASH@, and the path
# of jockey-edge, or of jockey when there is none beside it, by @EDGE@).
# JOCKEY_UPDATE_GOLDEN=1 rewrites them from the current output.
GOLD=$TOP/tests/gen
REAL_JOCKEY=$(readlink -f "$JOCKEY")
REAL_TRASH=$(cd "$TRASH" && pwd -P)
export GOLD REAL_JOCKEY REAL_TRASH
# The engine of hosts without one comes from DOCKER_HOST: fix it.
unset DOCKER_HOST

command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"

# normalise DIR: copy DIR's files, paths made portable, into DIR.norm
# (.jockey-gen, gen's stamp, names mtimes and absolute paths: gen/stamp.h)
normalise() {
	rm -rf "$1.norm" && mkdir -p "$1.norm" &&
	(cd "$1" && find . -type f ! -name '.ninja_*' ! -name .jockey-gen | sort) | while read -r f; do
		mkdir -p "$1.norm/$(dirname "$f")" &&
		sed -e "s|$REAL_JOCKEY|@JOCKEY@|g" -e "s|$REAL_TRASH|@TRASH@|g" \
			-e "s|^\(  \"tag\": \"jockey/[^\"]*\)-[0-9a-f]\{8\}\",\$|\1-@DIRHASH@\",|" \
			-e "s|^edge = '@JOCKEY@\(-edge\)\{0,1\}'\$|edge = '@EDGE@'|" \
			"$1/$f" >"$1.norm/$f" || return 1
	done
}

# snapshot DIR: every file with its checksum and its mtime
snapshot() {
	(cd "$1" && find . -type f ! -name '.ninja_*' | sort | xargs stat -c '%n %Y.%y %s' && find . -type f ! -name '.ninja_*' | sort | xargs sha1sum)
}

for yaml in "$GOLD"/*.yaml; do
	name=$(basename "$yaml" .yaml)
	test_expect_success "golden: $name" '
		cp "$yaml" "$name.yaml" &&
		"$JOCKEY" gen -q -o "out/$name" "$name.yaml" &&
		normalise "out/$name" &&
		if [ "${JOCKEY_UPDATE_GOLDEN:-0}" = 1 ]; then
			rm -rf "$GOLD/$name.expect" && cp -r "out/$name.norm" "$GOLD/$name.expect"
		fi &&
		diff -r -u "$GOLD/$name.expect" "out/$name.norm"
	'
done

test_expect_success 'gen is deterministic: a second run rewrites nothing' '
	cp "$GOLD/basic.yaml" det.yaml &&
	"$JOCKEY" gen -o det det.yaml 2>first &&
	snapshot det >before &&
	sleep 1 &&
	"$JOCKEY" gen -o det det.yaml 2>second &&
	snapshot det >after &&
	test_cmp before after &&
	test_grep " 0 files written" second
'

test_expect_success 'gen from another folder with a relative -o names the same files' '
	mkdir -p sub &&
	(cd sub && "$JOCKEY" gen -q -o ../det ../det.yaml) &&
	snapshot det >again &&
	test_cmp before again
'

test_expect_success 'default folder is results/NAME under the current folder' '
	mkdir -p cwd && cp "$GOLD/basic.yaml" cwd/m.yaml &&
	(cd cwd && "$JOCKEY" gen -q m.yaml) &&
	test -f cwd/results/basic/build.ninja &&
	test_grep "^dir = .*/cwd/results/basic.$" cwd/results/basic/build.ninja
'

test_expect_success 'ninja -n accepts the file and plans every edge' '
	ninja -C det -n >plan &&
	test_grep "CELLS" plan && test_grep "RUN" plan && test_grep "PARSE" plan &&
	test_grep "AGGREGATE" plan && test_grep "FETCH" plan && test_grep "PROBE" plan &&
	test_grep "IMAGE" plan
'

test_expect_success 'ninja -t targets all lists the phony targets' '
	ninja -C det -t targets all >targets &&
	for t in "cell:debian-bookworm.shell.bridge" "image:debian" "image:debian:bookworm" \
		"image:busybox:latest" "benchmark:shell" "benchmark:sysbench-cpu" \
		"host:bridge" "host:host-net" "all"; do
		grep -qxF "$t: phony" targets || { echo "missing $t" >&2; exit 1; }
	done &&
	ninja -C det -t query image:debian >q && test_grep "image:debian:bookworm" q
'

test_expect_success 'every plumbing command gets only paths and slugs' '
	sed -n "s/^  command = //p" det/build.ninja >cmds &&
	! grep -v "^\$jockey \|^\$edge " cmds &&
	grep -q "^\$edge run-cell " cmds && grep -q "^\$edge parse " cmds &&
	grep -q "run-cell \$in 1\$" cmds && grep -q "run-cell \$in 3\$" cmds &&
	grep -q "parse \$in conf/parse/shell.json # parsers [0-9a-f]\{16\}\$" cmds &&
	grep -q "^\$jockey cells \$in -- \$out\$" cmds && grep -q "^\$jockey images \$in -- \$out\$" cmds &&
	grep -q "probe \$in \$out" cmds && grep -q "build-image \$in \$out" cmds
'

test_expect_success 'touching the matrix regenerates once, then ninja is quiet' '
	ninja -C det build.ninja >/dev/null &&
	ninja -C det build.ninja >quiet1 && test_grep "no work to do" quiet1 &&
	sleep 1 && touch det.yaml &&
	ninja -C det build.ninja >regen && test_grep "GEN build.ninja" regen &&
	ninja -C det build.ninja >quiet2 && test_grep "no work to do" quiet2 &&
	ninja -C det -n >plan2 && ! grep -q "GEN" plan2
'

test_expect_success 'an edited matrix regenerates build.ninja through ninja' '
	sed "s/repeat: 2/repeat: 4/" det.yaml >det.new && mv det.new det.yaml &&
	ninja -C det build.ninja >regen2 && test_grep "GEN build.ninja" regen2 &&
	test_grep "^build cells/debian-bookworm.sysbench-cpu.bridge/4/log: run-cell.4 " det/build.ninja &&
	ninja -C det build.ninja >quiet3 && test_grep "no work to do" quiet3
'

# cells_cmds DIR TARGET...: the cells edges' commands among what TARGETs need
# (they also need images, so an engine: these tests run the edges themselves)
cells_cmds() {
	d=$1; shift
	ninja -C "$d" -t commands "$@" | grep " cells base/" | sort -u
}

test_expect_success 'the cells edge rewrites a cell from the axis files, byte for byte' '
	c=cells/debian-bookworm.shell.host-net &&
	ninja -C det -t query $c/run.json >q &&
	test_grep "^    | stamps/img/shell.debian-bookworm.id$" q &&
	cp det/$c/run.json run.want && cp det/$c/cell.json cell.want &&
	rm det/$c/run.json det/$c/cell.json &&
	cells_cmds det $c/run.json >cmd && test "$(wc -l <cmd)" = 1 &&
	(cd det && sh -e ../cmd) &&
	test_cmp run.want det/$c/run.json && test_cmp cell.want det/$c/cell.json &&
	test_grep "\"image_id\": null" det/$c/run.json &&
	mkdir -p det/stamps/img && echo sha256:0123abcd >det/stamps/img/shell.debian-bookworm.id &&
	(cd det && sh -e ../cmd) && rm det/stamps/img/shell.debian-bookworm.id &&
	test_grep "\"image_id\": \"sha256:0123abcd\"" det/$c/run.json &&
	(cd det && sh -e ../cmd) && test_cmp run.want det/$c/run.json &&
	test_cmp det/conf/parse/shell.json - <<-\EOF
	{
	  "benchmark": "shell",
	  "parsers": [
	    {
	      "better": "higher",
	      "kind": "regex",
	      "metric": "score",
	      "pattern": "score: ([0-9.]+)",
	      "unit": "ops"
	    }
	  ],
	  "schema": 1
	}
	EOF
'

test_expect_success 'the images edge rewrites images/KEY.json from the recipe and the base, byte for byte' '
	for k in shell.busybox-latest shell.debian-bookworm sysbench.debian-bookworm; do
		cp det/images/$k.json $k.want && rm det/images/$k.json || exit 1
	done &&
	ninja -C det images/shell.busybox-latest.json images/sysbench.debian-bookworm.json >imgout &&
	test_grep "IMAGES conf/image/shell.json base/busybox-latest.json base/debian-bookworm.json" imgout &&
	for k in shell.busybox-latest shell.debian-bookworm sysbench.debian-bookworm; do
		test_cmp $k.want det/images/$k.json || exit 1
	done &&
	ninja -C det images/shell.debian-bookworm.json >none && test_grep "no work to do" none
'

test_expect_success 'a host change rewrites only that host'"'"'s cells' '
	ninja -C det -t targets all | sed -n "s/^\(cells\/[^:]*\/run.json\): cells$/\1/p" >cellfiles &&
	test "$(wc -l <cellfiles)" = 5 &&
	cells_cmds det $(cat cellfiles) >cmds && test "$(wc -l <cmds)" = 3 &&
	(cd det && sh -e ../cmds) &&
	for f in $(cat cellfiles); do stat -c "%Y.%y $f" det/$f; done >before &&
	sleep 1 &&
	sed "s/C.UTF-8/en_US.UTF-8/" det.yaml >det.new && mv det.new det.yaml &&
	"$JOCKEY" gen -q -o det det.yaml &&
	(cd det && sh -e ../cmds) &&
	for f in $(cat cellfiles); do stat -c "%Y.%y $f" det/$f; done >after &&
	diff before after | sed -n "s/^> .* //p" | sort >changed &&
	printf "%s\n" cells/debian-bookworm.shell.host-net/run.json \
		cells/debian-bookworm.sysbench-cpu.host-net/run.json >want &&
	test_cmp want changed &&
	test_grep "en_US.UTF-8" det/cells/debian-bookworm.shell.host-net/run.json
'

# grid_matrix NAME BENCHMARKS HOSTS [LINE]: a matrix of debian:{a,b,c} x bN x hN
# (hN sets H=N), with LINE added at the top level
grid_matrix() {
	echo "name: $1"
	echo "dockerfiles: {repo: ./dockerfiles}"
	[ -n "${4:-}" ] && echo "$4"
	echo "images: [{name: debian, tags: [a, b, c]}]"
	echo "benchmarks:"
	for b in $(seq 1 "$2"); do echo "  - {name: b$b, context: ctx, command: [run, \"$b\"]}"; done
	echo "hosts:"
	for h in $(seq 1 "$3"); do echo "  - {name: h$h, env: {H: \"$h\"}}"; done
}

test_expect_success 'above 2000 cells gen leaves the cell files to the cells edges' '
	grid_matrix big 30 25 >big.yaml &&
	"$JOCKEY" gen -o big big.yaml 2>bigerr &&
	test_grep "2250 cells" bigerr &&
	test ! -e big/cells && test ! -e big/images &&
	find big -type f | sort >files && test "$(wc -l <files)" -le 100 &&
	test_grep "^big/conf/image/ctx.json$" files &&
	cells_cmds big cells/debian-a.b7.h3/run.json >cmd && (cd big && sh -e ../cmd) &&
	test_grep "\"H\": \"3\"" big/cells/debian-a.b7.h3/run.json &&
	test_grep "\"7\"" big/cells/debian-a.b7.h3/run.json &&
	test_grep "stamps/img/ctx.debian-a.id" big/cells/debian-a.b7.h3/run.json &&
	test -f big/cells/debian-a.b7.h3/cell.json && test -f big/conf/parse/b7.json &&
	grep "debian-a.b7.h3/run.json .*: cells base/debian-a.json conf/bench/b7.json conf/host/h1.json" big/build.ninja >edge &&
	test "$(wc -l <edge)" = 1 && test_grep "conf/host/h25.json" edge &&
	grep -qF "build cells\$:debian-a.b7: phony cell\$:debian-a.b7.h1 " big/build.ninja

'

test_expect_success 'two results folders of one matrix tag their images apart' '
	"$JOCKEY" gen -q -o two1 det.yaml && "$JOCKEY" gen -q -o two2 det.yaml &&
	sed -n "s/^  \"tag\": \"\(.*\)\",$/\1/p" two1/images/shell.busybox-latest.json >tag1 &&
	sed -n "s/^  \"tag\": \"\(.*\)\",$/\1/p" two2/images/shell.busybox-latest.json >tag2 &&
	test_grep "^jockey/shell:busybox-latest-[0-9a-f]{8}$" tag1 &&
	test_grep "^jockey/shell:busybox-latest-[0-9a-f]{8}$" tag2 &&
	! test_cmp tag1 tag2 2>/dev/null &&
	"$JOCKEY" gen -q -o two1 det.yaml && sed -n "s/^  \"tag\": \"\(.*\)\",$/\1/p" two1/images/shell.busybox-latest.json >tag1b &&
	test_cmp tag1 tag1b
'

test_expect_success 'above 20,000 cells the cell:ID targets live in cells.ninja' '
	grid_matrix huge 100 70 "defaults: {repeat: 2}" >huge.yaml &&
	"$JOCKEY" gen -o huge huge.yaml 2>hugeerr && test_grep "21000 cells" hugeerr &&
	! grep -q "^build cell\\$:" huge/build.ninja &&
	test "$(grep -c "^build cell\\$:" huge/cells.ninja)" = 21000 &&
	ninja -C huge -f cells.ninja -t query cell:debian-b.b7.h3 >q &&
	test_grep "^    cells/debian-b.b7.h3/1/samples.json$" q &&
	test_grep "^    cells/debian-b.b7.h3/2/samples.json$" q &&
	ninja -C huge -t query host:h3 >qh &&
	test_grep "^    cells/debian-b.b7.h3/2/samples.json$" qh &&
	ninja -C huge -t query cells:debian-b.b7 >qc &&
	test_grep "^    cells/debian-b.b7.h70/1/samples.json$" qc &&
	ninja -C huge -f cells.ninja -n cell:debian-b.b7.h3 >plan &&
	test_grep "RUN cells/debian-b.b7.h3/run.json 2" plan &&
	! grep -q "RUN cells/debian-b.b7.h4/" plan &&
	head -4 det/cells.ninja | tail -1 >inc && echo "include build.ninja" >inc.want && test_cmp inc.want inc &&
	ninja -C det -f cells.ninja -t query cell:debian-bookworm.shell.bridge >/dev/null
'

test_expect_success 'names with dots that interleave two groups: each run of a group gets its own target' '
	cat >il.yaml <<-\EOF &&
	name: il
	images: [{name: a, tags: ["1"], pull: never}]
	benchmarks:
	  - {name: b, command: ["true"]}
	  - {name: b.c, command: ["true"]}
	hosts: [{name: a}, {name: z}]
	EOF
	"$JOCKEY" gen -q -o il il.yaml &&
	ninja -C il -t query benchmark:b >q &&
	test_grep "^    cells:a-1.b$" q && test_grep "^    cells:a-1.b:2$" q &&
	ninja -C il -t query cells:a-1.b:2 >q2 && test_grep "^    cell:a-1.b.z$" q2 &&
	ninja -C il -t query cells:a-1.b.c >q3 && test_grep "^    cell:a-1.b.c.a$" q3 &&
	test_grep "^    cell:a-1.b.c.z$" q3
'

test_expect_success 'an invalid matrix: exit 2 and nothing written' '
	printf "name: bad\nimages: [{name: x, tagz: [1]}]\n" >bad.yaml &&
	test_must_fail --code=2 "$JOCKEY" gen -o badout bad.yaml 2>err &&
	test ! -e badout &&
	test_grep "bad.yaml:2" err
'

test_expect_success 'two contexts with one slug: exit 2, where, nothing written' '
	cat >coll.yaml <<-\EOF &&
	name: coll
	dockerfiles: {repo: ./dockerfiles}
	images: [{name: debian, tags: [bookworm, bullseye]}]
	benchmarks:
	  - {name: one, context: ctx/a, command: [x]}
	  - {name: two, context: ctx-a, command: [y]}
	hosts: [{name: bridge}]
	EOF
	test_must_fail --code=2 "$JOCKEY" gen -o collout coll.yaml 2>err &&
	test ! -e collout &&
	echo "jockey: coll.yaml:6:5: context '"'"'ctx-a'"'"' has the same key '"'"'ctx-a'"'"' as context '"'"'ctx/a'"'"' (line 5): their images and stamps would overwrite each other; rename one" >want &&
	test_cmp want err
'

test_expect_success 'usage errors exit 2' '
	test_must_fail --code=2 "$JOCKEY" gen &&
	test_must_fail --code=2 "$JOCKEY" gen a.yaml b.yaml &&
	test_must_fail --code=2 "$JOCKEY" ls
'

test_expect_success 'paths with spaces, quotes and dollars survive ninja and the shell' '
	mkdir -p "we ird \$x '"'"'q'"'"'" &&
	cp "$GOLD/basic.yaml" "we ird \$x '"'"'q'"'"'/m y.yaml" &&
	"$JOCKEY" gen -q -o "o ut/\$d" "we ird \$x '"'"'q'"'"'/m y.yaml" &&
	ninja -C "o ut/\$d" -n >/dev/null &&
	ninja -C "o ut/\$d" build.ninja >r1 && test_grep "no work to do|GEN" r1 &&
	sleep 1 && touch "we ird \$x '"'"'q'"'"'/m y.yaml" &&
	ninja -C "o ut/\$d" build.ninja >r2 && test_grep "GEN build.ninja" r2 &&
	ninja -C "o ut/\$d" build.ninja >r3 && test_grep "no work to do" r3 &&
	test_grep "we ird" "o ut/\$d/matrix.json"
'

test_expect_success 'jockey ls: never run, partial, failed, done' '
	cp "$GOLD/basic.yaml" ls.yaml &&
	"$JOCKEY" gen -q -o lsout ls.yaml &&
	d=lsout/cells &&
	mkdir -p $d/debian-bookworm.shell.bridge/1 $d/debian-bookworm.shell.bridge/2 $d/debian-bookworm.shell.bridge/3 \
		$d/debian-bookworm.sysbench-cpu.bridge/1 $d/debian-bookworm.sysbench-cpu.bridge/2 \
		$d/busybox-latest.shell.bridge/2 &&
	for r in 1 2 3; do echo "{\"metrics\":[]}" >$d/debian-bookworm.shell.bridge/$r/samples.json; done &&
	echo "{\"metrics\":[]}" >$d/debian-bookworm.sysbench-cpu.bridge/1/samples.json &&
	echo "{\"schema\":1,\"reason\":\"exit code 3\"}" >$d/busybox-latest.shell.bridge/2/failed.json &&
	"$JOCKEY" ls -o lsout ls.yaml >ls.out &&
	cat ls.out &&
	test $(wc -l <ls.out) = 5 &&
	test_grep "^debian-bookworm.shell.bridge +debian:bookworm +shell +bridge +done$" ls.out &&
	test_grep "^debian-bookworm.sysbench-cpu.bridge +debian:bookworm +sysbench-cpu +bridge +partial 1/2$" ls.out &&
	test_grep "^busybox-latest.shell.bridge +busybox:latest +shell +bridge +failed last time: exit code 3$" ls.out &&
	test_grep "^debian-bookworm.shell.host-net .* never run$" ls.out
'

test_expect_success 'jockey ls --json' '
	"$JOCKEY" ls --json -o lsout ls.yaml >ls.json &&
	perl -MJSON::PP -e "
		local \$/; my \$a = decode_json(<STDIN>);
		die qq(count\n) unless @\$a == 5;
		my %s = map { \$_->{id} => \$_ } @\$a;
		die qq(done\n) unless \$s{q(debian-bookworm.shell.bridge)}{state} eq q(done);
		die qq(failed\n) unless \$s{q(busybox-latest.shell.bridge)}{failed_reason} eq q(exit code 3);
		die qq(reps\n) unless \$s{q(debian-bookworm.shell.bridge)}{reps} == 3;
	" <ls.json
'

test_done
