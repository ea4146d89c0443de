#!/bin/sh
test_description='docs/matrix.schema.json: written from the loader tables, checked with Debian python3-jsonschema'
. "$(dirname "$0")/lib.sh"

# Debian's python3 (not a pyenv or venv one first in PATH) holds Debian's jsonschema.
PY=/usr/bin/python3
SCHEMA=$TOP/docs/matrix.schema.json
BAD=$TOP/tests/matrix/bad
export PY SCHEMA BAD
if ! "$PY" -c 'import jsonschema, yaml' 2>/dev/null; then
	skip_all 'needs python3-jsonschema and python3-yaml (configure --install-deps)'
fi

cat >"$TRASH/validate.py" <<-\EOF
import json, sys, yaml, jsonschema
v = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
bad = 0
for f in sys.argv[2:]:
    errs = list(v.iter_errors(yaml.safe_load(open(f, "rb"))))
    print(("INVALID " if errs else "valid ") + f + (": " + errs[0].message if errs else ""))
    bad += bool(errs)
sys.exit(1 if bad else 0)
EOF

test_expect_success 'the committed schema is what jockey schema writes' '
	"$JOCKEY" schema >schema.json &&
	test_cmp "$SCHEMA" schema.json
'

test_expect_success 'it is a valid draft-07 schema, keyed by the loader tables' '
	"$PY" - "$SCHEMA" <<-\EOF
	import json, sys, jsonschema
	s = json.load(open(sys.argv[1]))
	jsonschema.Draft7Validator.check_schema(s)
	p = s["properties"]
	assert list(p) == ["name", "dockerfiles", "images", "benchmarks", "hosts", "include",
	                   "exclude", "baseline", "defaults", "parallel", "order"], list(p)
	assert s["required"] == ["name", "images", "benchmarks", "hosts"]
	host = p["hosts"]["items"]["properties"]
	assert host["apply_to"]["enum"] == ["both", "server", "client"]
	assert "nofile" in host["ulimits"]["propertyNames"]["enum"]
	bench = p["benchmarks"]["items"]["properties"]
	rep = bench["repeat"]["anyOf"]  # N, or {min, max, precision, metric}
	assert rep[0]["minimum"] == 1 and rep[0]["maximum"] == 100000
	assert list(rep[1]["properties"]) == ["min", "max", "precision", "metric"]
	assert "ready" not in bench, "ready goes inside server"
	assert bench["timeout"]["description"].startswith("how long one repetition")
	EOF
'

test_expect_success 'the shipped and the good test matrices validate' '
	"$PY" validate.py "$SCHEMA" "$TOP"/matrix/*.yaml "$TOP"/tests/matrix/good/*.yaml >out &&
	cat out && test "$(grep -c "^valid " out)" -ge 8
'

test_expect_success 'the shipped matrices name the schema and still load as before' '
	for m in "$TOP"/matrix/*.yaml; do
		head -1 "$m" | grep -qx "# yaml-language-server: \$schema=../docs/matrix.schema.json" ||
			{ echo "no schema line in $m"; return 1; }
		"$JOCKEY" gen -q -o "gen-$(basename "$m" .yaml)" "$m" || return 1
	done &&
	grep -qx "# yaml-language-server: \$schema=../docs/matrix.schema.json" "$TOP/docs/matrix.md"
'

# The bad matrices whose problem is one of shape, type, range or choice: the
# schema refuses each. (The others are problems across entries, of YAML
# syntax or of what a value names; only jockey gen reports those.)
SCHEMA_LEVEL='02-empty-file 03-not-a-map 04-unknown-top-key 05-unknown-key-no-suggestion
06-missing-name 07-bad-matrix-name 09-images-not-list 10-no-images 11-image-no-tags
12-empty-tags 13-tags-string 21-bad-pull 22-command-string 23-command-nested 24-bad-duration
25-zero-timeout 26-repeat-zero 27-repeat-not-int 28-warmup-negative 29-unknown-parser
30-parser-regex-no-metric 33-parser-regex-and-command 36-ready-on-client 37-ready-none-or-two
38-ready-port-range 39-ready-on-plain 42-benchmark-name-slash 43-host-name-dollar 47-bad-memory
48-bad-cpus 50-bad-volume 51-bad-ulimits 53-bad-apply-to 54-bad-bool 61-empty-selector
63-baseline-ambiguous 64-bad-defaults 65-parallel-zero 66-repo-bad-scheme 71-multiple-errors
73-env-bad 76-build-args-bad 77-sysctls-null 79-ulimit-soft-unlimited 81-null-values
82-parser-command-extra 83-includes-bad-shape 85-dockerfiles-not-map
89-images-restriction-empty 93-from-mode 95-profile'
export SCHEMA_LEVEL

test_expect_success 'the schema-level bad matrices do not validate, each for its reason' '
	for b in $SCHEMA_LEVEL; do
		test -f "$BAD/$b.yaml" || { echo "missing $b"; return 1; }
		test_must_fail "$PY" validate.py "$SCHEMA" "$BAD/$b.yaml" >>bad.out || return 1
	done &&
	cat bad.out &&
	test_grep "04-unknown-top-key.yaml: .benchmark. does not match any of the regexes: .\^x-." bad.out &&
	test_grep "21-bad-pull.yaml: .alway. is not one of \[.missing., .always., .never.\]" bad.out &&
	test_grep "26-repeat-zero.yaml: 0 is not valid under any of the given schemas" bad.out &&
	test_grep "38-ready-port-range.yaml: 70000 is greater than the maximum of 65535" bad.out &&
	test_grep "93-from-mode.yaml: .rebased. is not one of" bad.out
'

test_expect_success 'and jockey gen refuses every one of them too' '
	for b in $SCHEMA_LEVEL; do
		test_must_fail --code=2 "$JOCKEY" gen -o "out-$b" "$BAD/$b.yaml" 2>/dev/null || return 1
	done
'

test_done
