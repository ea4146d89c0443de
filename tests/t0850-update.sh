#!/bin/sh
test_description='base image updates: probe against a real registry, exact partial reruns, dated tags, clean --keep'
. "$(dirname "$0")/lib.sh"
test_needs_engine
[ -n "${JOCKEY_TEST_REGISTRY:-}" ] || skip_all "the test bed has no registry"

REG=$JOCKEY_TEST_REGISTRY
NS=$REG/jockey-t0850-$$
OUT=$TRASH/proj/out
# The cell ids' image part: the slug of "$NS/NAME" and the tag.
SLUG=$(printf '%s' "$NS" | tr -c 'a-z0-9._-' '-')
export REG NS OUT SLUG
# Everything this script makes in the shared engine is named under $NS or
# labelled with our results folder.
# (Run last registered first: the images built on the bases go first.)
test_at_exit 'docker images --format "{{.Repository}}:{{.Tag}}" | grep "/jockey-t0850-$$/" | xargs -r docker rmi -f'
test_at_exit 'docker images -q --filter "label=jockey-t0850=$$" | sort -u | xargs -r docker rmi -f'
test_at_exit 'docker images -q --filter "label=jockey.dir=$OUT" | sort -u | xargs -r docker rmi -f'
test_at_exit '[ -s "$TRASH/reg2.pid" ] && kill "$(cat "$TRASH/reg2.pid")"'
test_at_exit '[ -s "$TRASH/reg3.pid" ] && kill "$(cat "$TRASH/reg3.pid")"'

# start_registry NAME [AUTH-YAML]: a registry of our own on a free port, for
# what the shared bed's registry cannot do (go down, ask for a password);
# sets $port, records its PID in $TRASH/NAME.pid.
start_registry() {
	port=$(python3 -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1])") &&
	mkdir -p "$TRASH/$1" &&
	printf "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n%s\n" \
		"$TRASH/$1" "$port" "${2:-}" >"$TRASH/$1.yml" &&
	(setsid docker-registry serve "$TRASH/$1.yml" >"$TRASH/$1.log" 2>&1 & echo $! >"$TRASH/$1.pid") &&
	for i in $(seq 100); do
		code=$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/v2/") &&
		case $code in 200|401) return 0 ;; esac
		sleep 0.1
	done
	return 1
}

# push_base NAME CONTENT: build a tiny image (busybox + /marker) and push it
# as $NS/NAME:1; prints nothing.
push_base() {
	mkdir -p "$TRASH/b-$1" &&
	printf 'FROM busybox:latest\nRUN echo %s >/marker\n' "$2" >"$TRASH/b-$1/Dockerfile" &&
	docker build -q --label "jockey-t0850=$$" -t "$NS/$1:1" "$TRASH/b-$1" >/dev/null &&
	docker push -q "$NS/$1:1" >/dev/null
}

# registry_digest NAME: the registry's digest of $NS/NAME:1.
registry_digest() {
	docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$NS/$1:1" |
		sed -n "s|^$NS/$1@||p" | head -n 1
}

ids() {
	python3 -c 'import json,sys; [print(c) for c in sorted(json.load(open(sys.argv[1]))[sys.argv[2]])]' "$1" "$2"
}

write_matrix() {
	cat >proj/m.yaml <<-EOF
	name: t0850
	dockerfiles: {repo: df}
	images:
	  - {name: $NS/base, tags: ["1"], pull: always}
	  - {name: $NS/other, tags: ["1"], pull: always}
	  - {name: $NS/pinned, tags: ["$PINNED"], pull: missing}
	defaults: {repeat: 1, timeout: 60s}
	benchmarks:
	  - name: hello
	    context: hello
	    command: [sh, -c, "echo value=\$(wc -c </marker)"]
	    parser: {regex: 'value=([0-9]+)', metric: value}
	  - name: asis
	    command: [sh, -c, "echo value=\$(wc -c </marker)"]
	    parser: {regex: 'value=([0-9]+)', metric: value}
	hosts:
	  - name: a
	  - name: b
	EOF
}

test_expect_success 'setup: three bases in the registry and a project' '
	push_base base one &&
	push_base other two &&
	push_base pinned three &&
	PINNED=$(registry_digest pinned) &&
	test -n "$PINNED" &&
	echo "$PINNED" >pinned.digest &&
	mkdir -p proj/df/hello &&
	printf "ARG BASE\nFROM \$BASE\nRUN cp /marker /copied\n" >proj/df/hello/Dockerfile &&
	git -C proj/df init -q && git -C proj/df add -A &&
	git -C proj/df -c user.name=t -c user.email=t@t commit -qm init &&
	write_matrix
'
PINNED=$(cat "$TRASH/pinned.digest" 2>/dev/null)
export PINNED

test_expect_success 'the first run runs every cell' '
	cd proj &&
	"$JOCKEY" run -o out m.yaml >run1.out 2>&1 || { cat run1.out; false; } &&
	ids out/run.json ran >ran && test $(wc -l <ran) = 12 &&
	cat out/stamps/base/*.digest >digests &&
	test_grep "^$NS/base@sha256:[0-9a-f]{64}$" digests &&
	test_grep "^$NS/pinned@$PINNED$" digests
'

test_expect_success 'build-image records its inputs and gives a dated tag' '
	cd proj/out &&
	f=$(ls images/hello.*base-1.inputs.json) &&
	python3 - "$f" <<-\EOF
	import json, sys, re
	i = json.load(open(sys.argv[1]))
	assert i["image_id"].startswith("sha256:"), i
	assert re.match(r"^.*/base@sha256:[0-9a-f]{64}$", i["base_digest"]), i
	assert re.match(r"^[0-9a-f]{40}$", i["tree"]), i
	assert len(i["tags"]) == 2, i
	assert re.match(r"^jockey/hello:.*-1-[0-9a-f]{8}$", i["tags"][0]), i
	assert re.match(r"^jockey/hello:.*-1-[0-9a-f]{8}-[0-9]{8}-[0-9a-f]{12}$", i["tags"][1]), i
	assert i["tags"][1].endswith(i["base_digest"].split("sha256:")[1][:12]), i
	EOF
	# the pinned base makes a key too long for a dated tag as it is: cut and hashed
	python3 - images/hello.*pinned-sha256-*.inputs.json <<-\EOF &&
	import json, sys, re
	t = json.load(open(sys.argv[1]))["tags"][1].split(":", 1)[1]
	assert len(t) <= 128 and re.match(r"^.{89}-[0-9a-f]{16}-[0-9]{8}-[0-9a-f]{12}$", t), t
	EOF
	tag=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"tags\"][1])" "$f") &&
	docker image inspect -f "{{.Id}}" "$tag" >id &&
	test_cmp id "stamps/img/$(basename "$f" .inputs.json).id"
'

test_expect_success 'nothing moved: ls says done everywhere, a rerun runs nothing' '
	cd proj &&
	"$JOCKEY" ls --probe -o out m.yaml >ls0 &&
	! grep -v " done$" ls0 &&
	"$JOCKEY" run -o out m.yaml >run2.out 2>&1 &&
	ids out/run.json ran >ran && test_must_be_empty ran
'

test_expect_success 'push new content under base:1 and pinned:1' '
	old=$(registry_digest base) && echo "$old" >old.digest &&
	push_base base changed &&
	push_base pinned changed-too &&
	new=$(registry_digest base) && echo "$new" >new.digest &&
	test "$old" != "$new"
'

test_expect_success 'run --offline moves nothing and runs nothing' '
	cd proj &&
	cat out/stamps/base/*.digest >before &&
	"$JOCKEY" run --offline -o out m.yaml >off.out 2>&1 || { cat off.out; false; } &&
	ids out/run.json ran >ran && test_must_be_empty ran &&
	! grep "^jockey: base .* moved" off.out &&
	cat out/stamps/base/*.digest >after &&
	test_cmp before after &&
	"$JOCKEY" ls -o out m.yaml >ls-noprobe && ! grep -v " done$" ls-noprobe
'

test_expect_success 'ls --probe names exactly the cells on base:1, with the moved digest' '
	cd proj &&
	"$JOCKEY" ls --probe -o out m.yaml >ls1 &&
	cat ls1 &&
	old=$(cut -c8-19 ../old.digest) new=$(cut -c8-19 ../new.digest) &&
	grep " stale: " ls1 | cut -d" " -f1 | sort >stale &&
	printf "%s\n" $SLUG-base-1.asis.a $SLUG-base-1.asis.b \
		$SLUG-base-1.hello.a $SLUG-base-1.hello.b | sort >expect &&
	test_cmp expect stale &&
	for c in $(cat stale); do
		test_grep "^$c .* stale: base $NS/base:1 moved sha256:$old.* -> sha256:$new" ls1 || return 1
	done &&
	"$JOCKEY" ls --json -o out m.yaml >ls1.json &&
	python3 - ls1.json "$(cat ../old.digest)" "$(cat ../new.digest)" <<-\EOF
	import json, sys
	cells = json.load(open(sys.argv[1]))
	stale = [c for c in cells if c["stale"]]
	assert len(stale) == 4, stale
	for c in stale:
	    r = c["reasons"]
	    assert len(r) == 1 and r[0]["kind"] == "base", r
	    assert r[0]["from"].endswith(sys.argv[2]) and r[0]["to"].endswith(sys.argv[3]), r
	EOF
'

test_expect_success 'jockey run rebuilds only the images on base:1 and reruns exactly those cells' '
	cd proj &&
	ls out/cells/*/1/samples.json >/dev/null &&
	cp -R out/cells cells.before &&
	"$JOCKEY" run -o out m.yaml >run3.out 2>&1 || { cat run3.out; false; } &&
	ids out/run.json ran >ran &&
	test_cmp stale ran &&
	ids out/run.json fresh >fresh && test $(wc -l <fresh) = 8 &&
	grep "IMAGE " run3.out | sed "s/.*IMAGE //" | sort >built &&
	printf "stamps/img/%s.id\n" asis.$SLUG-base-1 hello.$SLUG-base-1 | sort >expect &&
	test_cmp expect built &&
	for c in $(cat ran); do
		# "changed\n" is 8 bytes: the new base is in the rebuilt image
		test_grep "^value=8$" out/cells/$c/1/log || return 1
	done &&
	test_grep "^value=4$" out/cells/$SLUG-other-1.hello.a/1/log &&
	"$JOCKEY" ls -o out m.yaml >ls2 && ! grep -v " done$" ls2 &&
	# The summary names the moved base, including a move that ls --probe
	# found first, and run.json lists it in "moved_bases".
	old=$(cut -c8-19 ../old.digest) new=$(cut -c8-19 ../new.digest) &&
	test_grep "^jockey: base $NS/base:1 moved sha256:$old.* -> sha256:$new" run3.out &&
	test $(grep -c "^jockey: base .* moved" run3.out) = 1 &&
	python3 -c "import json,sys; m = json.load(open(sys.argv[1]))[\"moved_bases\"]; assert [b[\"ref\"] for b in m] == [sys.argv[2]], m" \
		out/run.json "$NS/base:1" &&
	# the history keeps the first result of each rerun cell and adds the new one
	test -f out/history.jsonl &&
	for c in $(cat ran); do
		test $(grep -c "\"cell\":\"$c\"" out/history.jsonl) = 2 || return 1
	done &&
	test $(grep -c "\"cell\":\"$SLUG-other-1.hello.a\"" out/history.jsonl) = 1
'

test_expect_success 'the new image got its own dated tag; the old image is kept' '
	cd proj/out &&
	f=$(ls images/hello.*base-1.inputs.json) &&
	docker images -q --filter "label=jockey.dir=$OUT" --filter "label=jockey.key=$(basename "$f" .inputs.json)" | sort -u >imgs &&
	test $(wc -l <imgs) = 2
'

test_expect_success 'the pinned base never moved' '
	cd proj &&
	echo "$NS/pinned@$PINNED" >expect &&
	test_cmp expect out/stamps/base/$SLUG-pinned-sha256-*.digest
'

test_expect_success 'a registry that is down: a warning, the last digest, no failed run' '
	cd proj &&
	start_registry reg2 &&
	R2=127.0.0.1:$port/jockey-t0850-$$/down &&
	docker tag "$NS/other:1" "$R2:1" && docker push -q "$R2:1" >/dev/null &&
	mkdir -p down/base down/stamps/base &&
	printf "{\"schema\":1,\"ref\":\"%s:1\",\"name\":\"%s\",\"tag\":\"1\",\"pull\":\"always\",\"engine\":\"%s\"}\n" \
		"$R2" "$R2" "$DOCKER_HOST" >down/base/d.json &&
	"$JOCKEY" probe down/base/d.json down/stamps/base/d.digest &&
	cp down/stamps/base/d.digest d.before &&
	kill "$(cat "$TRASH/reg2.pid")" && : >"$TRASH/reg2.pid" &&
	sleep 0.5 &&
	"$JOCKEY" probe down/base/d.json down/stamps/base/d.digest 2>err &&
	test_grep "^jockey: base image .$R2:1.: cannot ask the registry .*keeping the last known digest $R2@sha256:" err &&
	test_cmp d.before down/stamps/base/d.digest &&
	rm down/stamps/base/d.digest &&
	test_must_fail --code=1 "$JOCKEY" probe down/base/d.json down/stamps/base/d.digest 2>err2 &&
	test_grep "no earlier digest to keep" err2 &&
	docker rmi "$R2:1" >/dev/null
'

# htpasswd: apache2-utils, in the list of configure --install-deps. Under CI a
# missing one fails instead of skipping.
if command -v htpasswd >/dev/null 2>&1; then
test_expect_success 'a registry with a password: credentials from DOCKER_CONFIG, never written down' '
	cd proj &&
	htpasswd -Bbn tuser "pw-t0850-$$" >"$TRASH/htpasswd" &&
	start_registry reg3 "$(printf "auth:\n  htpasswd:\n    realm: t\n    path: %s" "$TRASH/htpasswd")" &&
	R3=127.0.0.1:$port/jockey-t0850-$$/auth &&
	export DOCKER_CONFIG="$TRASH/dc" &&
	echo "pw-t0850-$$" | docker login -u tuser --password-stdin "127.0.0.1:$port" >/dev/null 2>&1 &&
	docker tag "$NS/other:1" "$R3:1" && docker push -q "$R3:1" >/dev/null &&
	docker rmi "$R3:1" >/dev/null &&
	mkdir -p auth &&
	cat >auth/m.yaml <<-EOF &&
	name: t0850-auth
	dockerfiles: {repo: ../df}
	images:
	  - {name: $R3, tags: ["1"], pull: always}
	defaults: {repeat: 1, timeout: 60s}
	benchmarks:
	  - name: asis
	    command: [sh, -c, "echo value=\$(wc -c </marker)"]
	    parser: {regex: "value=([0-9]+)", metric: value}
	hosts: [{name: a}]
	EOF
	"$JOCKEY" run -o auth/out auth/m.yaml >auth.out 2>&1 || { cat auth.out; false; } &&
	ids auth/out/run.json ran >ran && test $(wc -l <ran) = 1 &&
	test_grep "^$R3@sha256:" auth/out/stamps/base/*.digest &&
	secret=$(printf "tuser:pw-t0850-$$" | base64) &&
	! grep -rl -e "pw-t0850-$$" -e "$secret" auth/out auth.out &&
	rm auth/out/stamps/base/*.digest &&
	DOCKER_CONFIG="$TRASH/none" test_must_fail --code=1 "$JOCKEY" probe auth/out/base/*.json auth/out/stamps/base/x.digest 2>err &&
	test_grep "no basic auth credentials|unauthorized" err &&
	! test_grep "no earlier digest" err &&
	docker rmi -f "$R3:1" >/dev/null
'
elif [ "${CI:-}" = true ]; then
	test_expect_success 'a registry with a password' 'echo "no htpasswd: ./configure --install-deps installs apache2-utils"; false'
else
	test_skip 'a registry with a password' 'no htpasswd (apache2-utils)'
fi

test_expect_success 'clean --keep 0 removes the old image but not the stamped one' '
	cd proj &&
	f=$(ls out/images/hello.*base-1.inputs.json) && key=$(basename "$f" .inputs.json) &&
	"$JOCKEY" clean --keep 0 out >clean.out &&
	test_grep "^removed image jockey/hello:.*-[0-9]{8}-[0-9a-f]{12}$" clean.out &&
	docker images -q --filter "label=jockey.dir=$OUT" --filter "label=jockey.key=$key" | sort -u >imgs &&
	test $(wc -l <imgs) = 1 &&
	docker image inspect -f "{{.Id}}" "$(cat imgs)" >id &&
	test_cmp id out/stamps/img/$key.id &&
	"$JOCKEY" clean --keep 0 out >clean2.out &&
	! grep "removed image" clean2.out
'

test_done
