#!/bin/sh
test_description='matrix loading: every bad matrix is refused with exactly its messages, and nothing is written; the good ones generate'
. "$(dirname "$0")/lib.sh"

BAD=$TOP/tests/matrix/bad
GOOD=$TOP/tests/matrix/good
export BAD GOOD

count=$(ls "$BAD"/*.yaml | wc -l)
test_expect_success "the bad corpus has at least 45 matrices ($count)" '
	test "$count" -ge 45
'

for yaml in "$BAD"/*.yaml; do
	name=$(basename "$yaml" .yaml)
	# FILE in the messages is the name as given: run from the corpus folder.
	test_expect_success "gen refuses $name with exit 2, its messages, no output" '
		cd "$BAD" &&
		test_must_fail --code=2 "$JOCKEY" gen -o "$TRASH/out-$name" "$name.yaml" \
			2>"$TRASH/$name.actual" &&
		test_cmp "$name.err" "$TRASH/$name.actual" &&
		! test -e "$TRASH/out-$name"
	'
done

for yaml in "$GOOD"/*.yaml "$TOP"/matrix/quickstart.yaml; do
	name=$(basename "$yaml" .yaml)
	test_expect_success "gen accepts $name" '
		"$JOCKEY" gen -o "$TRASH/good-$name" "$yaml" 2>"$TRASH/good-$name.err" &&
		test -f "$TRASH/good-$name/build.ninja" &&
		! grep -q "^jockey: .*:[0-9]*:[0-9]*: " "$TRASH/good-$name.err"
	'
done

test_expect_success 'FILE in a message is the path as given' '
	mkdir -p sub && cp "$BAD/14-duplicate-image.yaml" sub/m.yaml &&
	test_must_fail --code=2 "$JOCKEY" gen -o out-sub sub/m.yaml 2>actual &&
	sed "s|^jockey: 14-duplicate-image.yaml:|jockey: sub/m.yaml:|" \
		"$BAD/14-duplicate-image.err" >expect &&
	test_cmp expect actual &&
	! test -e out-sub
'

test_done
