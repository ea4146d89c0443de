#!/bin/sh
test_description='profiles, the report side: compare --profile, flame graphs in report.html, ls and show'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# What is real and what is a fixture. Real: the run (the quickstart's shell
# benchmark on debian:bookworm and busybox:latest, and an echo cell, through
# a real engine), and every jockey command read here. Fixture: the
# profile.json and profile.folded files, which the run side (the matrix's
# 'profile:' key) writes and this script writes instead, from real
# recordings made here: 'perf record -g' of a shell loop, three times a
# cell (three "repetitions"), folded from 'perf script' by the Python
# below. The debian cell's loop runs this machine's own dash and glibc
# (Debian bookworm, the image's release: /usr/bin/dash, libc.so.6); the
# busybox cell's runs the busybox image's own static, stripped binary in a
# chroot of its exported root file system. The echo cell's profile says it
# is unavailable, in the run side's words.
command -v perf >/dev/null 2>&1 || skip_all "no perf installed"
command -v readelf >/dev/null 2>&1 || skip_all "no readelf (binutils)"
[ "$(id -u)" = 0 ] || skip_all "perf record of a chroot needs root"

OUT=$TRASH/out
export OUT
test_at_exit 'docker images -q --filter "label=jockey.dir=$OUT" | sort -u | xargs -r docker rmi -f'
DEB=debian-bookworm.shell.bridge
BB=busybox-latest.shell.bridge
ECHO=busybox-latest.echo.bridge
export DEB BB ECHO

# fold.py: 'perf script -F comm,ip,sym,dso' on stdin -> folded stacks, root
# first, "SYMBOL [DSO basename]" frames (docs/results.md).
cat >"$TRASH/fold.py" <<-\EOF
import collections, os, sys
def dso(d):
    d = d.strip().strip("()")
    if d.startswith("[kernel"): return "kernel"
    if d in ("", "[unknown]"): return "unknown"
    return os.path.basename(d)
stacks, comm, frames = collections.Counter(), None, []
def flush():
    if comm is not None and frames:
        stacks[";".join([comm] + frames[::-1])] += 1
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        flush(); comm, frames = None, []
    elif not line[0].isspace():
        flush(); comm, frames = line.strip(), []
    else:
        rest = (line.strip().split(None, 1) + ["[unknown] ([unknown])"])[1]
        i = rest.rfind(" (")
        sym, d = (rest[:i], rest[i + 1:]) if i >= 0 else (rest, "")
        frames.append("%s [%s]" % (sym.split("+0x")[0] or "[unknown]", dso(d)))
flush()
for s, n in sorted(stacks.items()):
    print(s, n)
EOF

# mkprofile.py CELLDIR ROOT REP.folded...: the cell's profile.json (shares
# per (process, dso, symbol), their min..max over the repetitions; a DSO
# whose file under ROOT has no .symtab is "stripped") and its profile.folded
# (the repetitions summed), as the run side writes them.
cat >"$TRASH/mkprofile.py" <<-\EOF
import collections, json, os, subprocess, sys
cell, root, reps = sys.argv[1], sys.argv[2], sys.argv[3:]
def stripped(dso):
    for d in ("bin", "usr/bin", "lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu"):
        path = os.path.join(root, d, dso)
        if os.path.isfile(path):
            out = subprocess.run(["readelf", "-S", "--wide", path], capture_output=True, text=True).stdout
            return ".symtab" not in out
    return False
merged, per_rep = collections.Counter(), []
for path in reps:
    selfc, totc, n = collections.Counter(), collections.Counter(), 0
    for line in open(path):
        stack, count = line.rstrip("\n").rsplit(" ", 1)
        count = int(count); n += count; merged[stack] += count
        frames = stack.split(";")
        proc = frames[0]
        key = lambda f: (proc,) + tuple(f[:-1].rsplit(" [", 1)[::-1])
        selfc[key(frames[-1])] += count
        for k in set(key(f) for f in frames[1:]):
            totc[k] += count
    per_rep.append((selfc, totc, n))
total = sum(r[2] for r in per_rep)
keys = set(k for r in per_rep for k in r[0])
fns = []
for k in keys:
    self_s = [r[0][k] / r[2] for r in per_rep]
    tot_s = [r[1][k] / r[2] for r in per_rep]
    samples = sum(r[0][k] for r in per_rep)
    fns.append({"process": k[0], "dso": k[1], "dso_path": k[1], "symbol": k[2],
                "stripped": k[2] == "[unknown]" and stripped(k[1]),
                "samples": samples, "self": samples / total,
                "self_interval": [min(self_s), max(self_s)],
                "total": sum(r[1][k] for r in per_rep) / total,
                "total_interval": [min(tot_s), max(tot_s)]})
fns.sort(key=lambda f: (-f["self"], f["symbol"], f["dso"]))
json.dump({"cell": cell.rstrip("/").split("/")[-1], "event": "cpu-clock", "frequency": 999,
           "call_graph": "fp", "perf_version": "fixture of t0815",
           "repetitions": len(reps), "samples": total, "symfs": "fixture of t0815",
           "functions": fns[:200]}, open(cell + "/profile.json", "w"), indent=1)
with open(cell + "/profile.folded", "w") as f:
    for s, n in sorted(merged.items()):
        f.write("%s %d\n" % (s, n))
EOF

# record CELL SYMFS CMD...: three perf recordings of CMD, folded, into CELL's profile files
LOOP='i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done'
export LOOP
record() {
	cell=$1 symfs=$2
	shift 2
	for rep in 1 2 3; do
		perf record -q -F 999 -g -o "$TRASH/$cell.$rep.data" -- "$@" >/dev/null 2>&1 &&
		perf script -i "$TRASH/$cell.$rep.data" ${symfs:+--symfs "$symfs"} \
			--kallsyms /proc/kallsyms -F comm,ip,sym,dso 2>/dev/null |
			python3 "$TRASH/fold.py" >"$TRASH/$cell.$rep.folded" || return 1
	done
	python3 "$TRASH/mkprofile.py" "$OUT/cells/$cell" "${symfs:-/}" "$TRASH/$cell".[123].folded
}

test_expect_success 'setup: a real run of the shell benchmark on debian and busybox' '
	mkdir -p p/matrix && cp -R "$TOP/dockerfiles" p/ &&
	git -C p init -q && git -C p add -A &&
	git -C p -c user.name=t -c user.email=t@t commit -qm init &&
	cat >p/matrix/m.yaml <<-\EOF &&
	name: t0815
	dockerfiles: {repo: ../dockerfiles}
	images:
	  - {name: debian, tags: [bookworm], pull: never}
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 1, timeout: 120s}
	benchmarks:
	  - name: shell
	    context: shell
	    command: [sh, /bench/shell.sh, "1"]
	    parser: shell
	  - name: echo
	    images: [busybox]
	    command: [sh, -c, "echo value=1"]
	    parser: {regex: "value=([0-9]+)", metric: value}
	hosts:
	  - name: bridge
	EOF
	"$JOCKEY" run -o "$OUT" p/matrix/m.yaml >run.out 2>&1 &&
	test -d "$OUT/cells/$DEB" && test -d "$OUT/cells/$BB" && test -d "$OUT/cells/$ECHO"
'

test_expect_success 'without profiles: compare --profile says the cell ran without one' '
	test_must_fail --code=1 "$JOCKEY" compare --profile "$OUT" $DEB $BB 2>err &&
	test_grep "^jockey: cell .*/cells/$DEB. has no profile: no profile.json \(it ran without .profile:." err &&
	test_must_fail --code=1 "$JOCKEY" compare --profile "$OUT" nosuch $BB 2>err &&
	test_grep "^jockey: no cell .nosuch. in " err &&
	test_must_fail --code=1 "$JOCKEY" compare --profile "$OUT/cells/nosuch" "$OUT/cells/$BB" 2>err &&
	test_grep "^jockey: no cell folder .*/cells/nosuch.$" err &&
	test_must_fail --code=2 "$JOCKEY" compare --json "$OUT" 2>err &&
	test_grep "json and --lines go with --profile" err
'

test_expect_success 'fixture: real perf recordings folded into the cells profile files' '
	id=$(docker create busybox:latest true) &&
	mkdir bbroot && docker export "$id" | tar -x -C bbroot && docker rm "$id" >/dev/null &&
	record $DEB "" sh -c "$LOOP" &&
	record $BB "$TRASH/bbroot" chroot "$TRASH/bbroot" /bin/sh -c "$LOOP" &&
	printf "{\"cell\": \"%s\", \"unavailable\": \"perf_event_paranoid is 3 (needs <= 1, or root)\"}\n" \
		$ECHO >"$OUT/cells/$ECHO/profile.json" &&
	head -n 3 "$OUT/cells/$BB/profile.folded" &&
	grep -q " \[libc.so.6\]" "$OUT/cells/$DEB/profile.folded" &&
	grep -q "^sh;.*\[unknown\] \[busybox\] [0-9]*$" "$OUT/cells/$BB/profile.folded"
'

test_expect_success 'compare --profile: the functions in order of their change, by DSO' '
	"$JOCKEY" compare --profile "$OUT" $DEB $BB >cmp.out && cat cmp.out &&
	test_grep "^A: $OUT/cells/$DEB \(3 reps, [0-9,]+ samples, cpu-clock\)$" cmp.out &&
	test_grep "^B: $OUT/cells/$BB \(3 reps, [0-9,]+ samples, cpu-clock\)$" cmp.out &&
	test_grep "^function +DSO +A +B +change +beyond both intervals$" cmp.out &&
	python3 - cmp.out "$OUT/cells/$DEB/profile.json" "$OUT/cells/$BB/profile.json" <<-\EOF
	import collections, json, re, sys
	row = re.compile(r"^(\S+) +(\S+)( \(stripped\))? +([0-9.]+)% +([0-9.]+)% +([-+][0-9.]+) pt +(yes|no)$")
	rows = [row.match(l.rstrip("\n")) for l in open(sys.argv[1]) if re.search(r" pt +(yes|no)$", l)]
	assert all(rows), rows
	# what the rows must be, from the files: self shares summed over processes, by (symbol, dso)
	def shares(path):
	    s = collections.Counter()
	    for f in json.load(open(path))["functions"]:
	        s[(f["symbol"], f["dso"])] += f["self"]
	    return s
	a, b = shares(sys.argv[2]), shares(sys.argv[3])
	want = sorted(set(a) | set(b), key=lambda k: (-abs(b[k] - a[k]), k))
	assert 2 <= len(rows) <= 20, rows
	got = [(r.group(1), r.group(2)) for r in rows]
	# the same functions in the same order, up to ties within 1e-9
	for g, w in zip(got, want):
	    assert abs(abs(b[g] - a[g]) - abs(b[w] - a[w])) < 1e-9, (g, w)
	assert got[0] == ("[unknown]", "busybox"), got[0]
	changes = [float(r.group(6)) for r in rows]
	assert rows[0].group(3) == " (stripped)", "busybox is not said to be stripped"
	assert all(abs(x) >= abs(y) for x, y in zip(changes, changes[1:])), changes
	libc = [g for g in got if g[1] == "libc.so.6"]
	assert libc, "no function of glibc in the diff: %s" % got
	print("# first:", got[0], "glibc:", libc[:3])
	EOF
'

test_expect_success 'compare --profile --json and cell folders as operands' '
	"$JOCKEY" compare --profile --json -n 3 "$OUT/cells/$DEB" "$OUT/cells/$BB" >cmp.json &&
	python3 -c "
import json, sys
o = json.load(open(\"cmp.json\"))
f = o[\"functions\"]
assert len(f) == 3 and f[0][\"symbol\"] == \"[unknown]\" and f[0][\"dso\"] == \"busybox\", f
assert f[0][\"a\"] == 0 and f[0][\"delta\"] > 0.5 and f[0][\"beyond\"] is True, f[0]
assert f[0][\"stripped\"] is True, f[0]
assert o[\"a\"].endswith(\"/cells/$DEB\"), o
"
'

test_expect_success 'an unavailable profile: compare says why and fails' '
	test_must_fail --code=1 "$JOCKEY" compare --profile "$OUT" $ECHO $BB 2>err &&
	test_grep "^jockey: cell .*/cells/$ECHO. has no profile: perf_event_paranoid is 3 \(needs <= 1, or root\)$" err
'

test_expect_success 'ls and show say each profile' '
	"$JOCKEY" ls -o "$OUT" p/matrix/m.yaml >ls.out && cat ls.out &&
	test_grep "^$DEB .* done  profile: 3 reps, [0-9,]+ samples$" ls.out &&
	test_grep "^$BB .* done  profile: 3 reps, [0-9,]+ samples$" ls.out &&
	test_grep "^$ECHO .* done  profile: unavailable: perf_event_paranoid is 3 \(needs <= 1, or root\)$" ls.out &&
	"$JOCKEY" show "$OUT" $BB >show.out &&
	test_grep "^  profile    3 reps, [0-9,]+ samples$" show.out &&
	test_grep "^  profile.folded +$OUT/cells/$BB/profile.folded$" show.out &&
	"$JOCKEY" show "$OUT" $ECHO >show.out &&
	test_grep "^  profile    unavailable: perf_event_paranoid is 3" show.out &&
	"$JOCKEY" ls --json -o "$OUT" p/matrix/m.yaml >ls.json &&
	test_grep "\"profile\": \"unavailable: perf_event_paranoid is 3" ls.json
'

test_expect_success 'report.html: a flame graph per profiled cell, the diff beside the numbers' '
	"$JOCKEY" report "$OUT" >report.out 2>&1 &&
	python3 - "$OUT/report.html" "$OUT/cells/$DEB/profile.folded" <<-\EOF
	import html, json, re, sys
	page = open(sys.argv[1]).read()
	svgs = re.findall(r"<svg class=\"flame\" id=\"flame-([^\"]+)\".*?</svg>", page, re.S)
	assert svgs == ["busybox-latest.shell.bridge", "debian-bookworm.shell.bridge"], svgs
	deb = re.search(r"<svg class=\"flame\" id=\"flame-debian.*?</svg>", page, re.S).group(0)
	heights = [int(h) for h in re.findall(r"<svg class=\"flame\"[^>]* height=\"([0-9]+)\"", page)]
	assert max(heights) < 1000, heights
	# every frame of at least 0.5% of the samples is drawn, no smaller one
	total, frames = 0, {}
	for line in open(sys.argv[2]):
	    stack, n = line.rsplit(" ", 1)
	    total += int(n)
	    parts = []
	    for f in stack.split(";"):  # a run of the same unresolved frame is drawn as one
	        if not (parts[1:] and f == parts[-1] and f.startswith("[unknown]")):
	            parts.append(f)
	    for i in range(1, len(parts) + 1):
	        k = ";".join(parts[:i])
	        frames[k] = frames.get(k, 0) + int(n)
	drawn = re.findall(r"data-n=\"([^\"]*)\" data-v=\"([0-9]+)\"", deb)
	big = [k for k, v in frames.items() if v >= total * 0.005]  # a parent holds its children
	assert len(drawn) == len(big) + 1, (len(drawn), len(big))
	assert drawn[0] == ("all", str(total)), drawn[0]
	assert any("[libc.so.6]" in html.unescape(n) for n, v in drawn), "no glibc frame drawn"
	assert "class=\"f glibc\"" in deb, "glibc frames are not coloured as glibc"
	assert "id=\"flame-search\"" in page and "frames below 0.5% are left out" in page
	assert "profile: unavailable: perf_event_paranoid is 3" in page
	data = json.loads(re.search(r"<script type=\"application/json\" id=\"data\">(.*?)</script>",
	                            page, re.S).group(1))
	cells = {c["id"]: c for c in data["cells"]}
	# no baseline: the first profiled cell of the benchmark (by id) is the one compared with
	deb = cells["debian-bookworm.shell.bridge"]
	assert deb["profile_diff"]["against"] == "busybox-latest.shell.bridge", deb.get("profile_diff")
	top = deb["profile_diff"]["functions"][0]
	assert (top["symbol"], top["dso"]) == ("[unknown]", "busybox") and top["delta"] < -0.5, top
	assert len(deb["profile_diff"]["functions"]) <= 10
	assert "profile_diff" not in cells["busybox-latest.shell.bridge"]
	assert cells["busybox-latest.echo.bridge"]["profile"]["unavailable"].startswith("perf_event")
	print("# report.html: %d bytes, %d frames drawn of the debian cell" % (len(page), len(drawn)))
	EOF
'

# headless Chromium: the page draws without an error, the diff table beside
# the shell benchmark's charts, and a search (report.html?flame=TEXT) marks
# the frames of glibc and gives their share
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	test_skip 'report.html: the diff table and the flame search in Chromium' 'no chromium'
else
	test_expect_success 'report.html: the diff table and the flame search in Chromium' '
		headless_chromium chr1 --enable-logging=stderr --v=0 --dump-dom "file://$OUT/report.html?flame=libc.so.6" >dom.html 2>chromium.log &&
		{ ! grep -E "CONSOLE|Uncaught|SyntaxError|TypeError|ReferenceError" chromium.log || exit 1; } &&
		test_grep "data-status=\"ok\"" dom.html &&
		test_grep "<h4>Hot-function changes: $DEB \(B\) against $BB \(A\)</h4>" dom.html &&
		test_grep "<table class=\"profdiff\">.*<td class=\"l\">\[unknown\]</td><td class=\"l\">busybox \(stripped\)</td>" dom.html &&
		test_grep "<g class=\"f glibc match\" data-n=\"[^\"]* \[libc.so.6\]\"" dom.html &&
		! grep -q "<g class=\"f other match\"" dom.html &&
		test_grep "<span id=\"flame-matched\">matched: $BB [0-9.]+%, $DEB [1-9][0-9]?\.[0-9]%</span>" dom.html
	'
fi

# Once the run side is there (the matrix knows 'profile:'), the same on
# profiles it wrote itself: no fixture at all.
if "$JOCKEY" schema | grep -q '"profile"'; then
	test_expect_success 'real profiles (profile: in the matrix): compare, ls and report read them' '
		sed "s/^    parser: shell$/    parser: shell\n    profile: {repeat: 2}/" p/matrix/m.yaml >p/matrix/prof.yaml &&
		grep -q "profile: {repeat: 2}" p/matrix/prof.yaml &&
		"$JOCKEY" run -o real p/matrix/prof.yaml >run-real.out 2>&1 &&
		"$JOCKEY" ls -o real p/matrix/prof.yaml >ls-real.out && cat ls-real.out &&
		test_grep "^$DEB .* done  profile: 2 reps, [0-9,]+ samples$" ls-real.out &&
		test_grep "^$BB .* done  profile: 2 reps, [0-9,]+ samples$" ls-real.out &&
		"$JOCKEY" compare --profile -n 5 real $DEB $BB >cmp-real.out && cat cmp-real.out &&
		sed -n 5p cmp-real.out | grep -E "^\[unknown\] +busybox \(stripped\) +0\.00% " &&
		grep -E " libc\.so\.6( \(stripped\))? +[1-9][0-9]?\.[0-9]+% +[0-9.]+% +-" cmp-real.out &&
		test $(grep -c "<svg class=\"flame\"" real/report.html) = 2
	'
else
	test_skip 'real profiles (profile: in the matrix): compare, ls and report read them' 'no profile: key in this jockey yet'
fi

test_done
