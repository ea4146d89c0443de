#!/bin/sh
test_description='the Dockerfile repository: jockey fetch over git://, file:// and a local path; stamps, cache, offline, errors'
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$TRASH/cache
# Every server here is on 127.0.0.1: no proxy in between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export GIT_CONFIG_NOSYSTEM=1
export HOME=$TRASH/home
mkdir -p "$HOME"
git config --global user.name jockey-test
git config --global user.email test@jockey.invalid
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# A free TCP port on 127.0.0.1 (closed again, so also usable as "unreachable").
free_port() {
	perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die; print $s->sockport, "\n"'
}

# daemon_start: serve $TRASH/srv on $GIT_PORT; sets GIT_URL (git://.../).
daemon_start() {
	GIT_PORT=${GIT_PORT:-$(free_port)}
	mkdir -p "$TRASH/srv"
	[ -d "$TRASH/srv/probe.git" ] || git init -q --bare "$TRASH/srv/probe.git"
	git daemon --base-path="$TRASH/srv" --export-all --listen=127.0.0.1 --port="$GIT_PORT" \
		--reuseaddr --detach --pid-file="$TRASH/daemon.pid" "$TRASH/srv" || return 1
	GIT_URL=git://127.0.0.1:$GIT_PORT
	i=0
	while ! git ls-remote "$GIT_URL/probe.git" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "git daemon did not start" >&2; return 1; }
		sleep 0.1
	done
}

daemon_stop() {
	[ -f "$TRASH/daemon.pid" ] || return 0
	kill "$(cat "$TRASH/daemon.pid")" 2>/dev/null
	i=0
	while kill -0 "$(cat "$TRASH/daemon.pid")" 2>/dev/null && [ $i -lt 50 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	rm -f "$TRASH/daemon.pid"
}

# make_upstream NAME: a work repo $TRASH/NAME with contexts a/ and b/ and a
# folder other/ outside every context, pushed to the bare $TRASH/srv/NAME.git.
make_upstream() {
	mkdir -p "$TRASH/srv" &&
	git init -q "$TRASH/$1" &&
	(
		cd "$TRASH/$1" &&
		mkdir a b other &&
		printf 'FROM busybox\nCOPY run.sh /\n' >a/Dockerfile &&
		printf '#!/bin/sh\necho a\n' >a/run.sh && chmod 755 a/run.sh &&
		printf 'FROM busybox\n' >b/Dockerfile &&
		echo readme >other/README &&
		git add -A && git commit -qm one &&
		git init -q --bare "$TRASH/srv/$1.git" &&
		git remote add origin "$TRASH/srv/$1.git" &&
		git push -q origin main
	)
}

# commit_push NAME SHELL-CODE: run code in the work repo, commit everything, push.
commit_push() {
	(cd "$TRASH/$1" && eval "$2" && git add -A && git commit -qm "$2" && git push -q -f origin HEAD:main)
}

# write_repo_json DIR REPO REF(json) CONTEXT...: DIR/repo.json as jockey gen writes it.
write_repo_json() {
	d=$1 repo=$2 ref=$3
	shift 3
	mkdir -p "$d"
	{
		printf '{"schema":1,"repo":"%s","ref":%s,"contexts":[' "$repo" "$ref"
		sep=
		for c in "$@"; do
			printf '%s{"name":"%s","path":"%s","stamp":"stamps/ctx/%s.tree"}' "$sep" "$c" "$c" "$c"
			sep=,
		done
		printf ']}\n'
	} >"$d/repo.json"
}

# stamp_state DIR: every stamp's content, inode and mtime (ns), one per line,
# to compare runs: a stamp that is not rewritten keeps all three.
stamp_state() {
	for f in "$1"/stamps/repo.commit "$1"/stamps/ctx/*.tree; do
		[ -f "$f" ] || continue
		printf '%s %s %s\n' "${f#$1/}" "$(stat -c '%i %.9Y' "$f")" "$(tr '\n' ' ' <"$f")"
	done
}

# fetch DIR [ARGS...]: jockey fetch in DIR, stderr to DIR/err.
fetch() {
	d=$1
	shift
	(cd "$d" && "$JOCKEY" fetch "$@" repo.json 2>err)
	rc=$?
	cat "$d/err" >&2
	return $rc
}

# tree_of REPO REV:PATH
tree_of() {
	git -C "$1" rev-parse "$2"
}

command -v git >/dev/null 2>&1 || skip_all "git is not installed"
daemon_start || skip_all "git daemon did not start"
test_at_exit daemon_stop

# ---- remote repositories: git:// and file:// --------------------------------

remote_tests() { # LABEL URL NAME
	label=$1 url=$2 name=$3
	R=$TRASH/res-$label
	U=$TRASH/$name
	make_upstream "$name"

	test_expect_success "$label: the first fetch clones and stamps every context" '
		write_repo_json $R "$url" "\"main\"" a b &&
		fetch $R &&
		test_grep "cloning .* into .*/jockey/repos/$name-[0-9a-f]{16}\.git" $R/err &&
		echo $(git -C $U rev-parse main) >expect &&
		test_cmp expect $R/stamps/repo.commit &&
		tree_of $U main:a >expect && test_cmp expect $R/stamps/ctx/a.tree &&
		tree_of $U main:b >expect && test_cmp expect $R/stamps/ctx/b.tree &&
		test -d $XDG_CACHE_HOME/jockey/repos/$name-*.git/objects &&
		git --git-dir=$(echo $XDG_CACHE_HOME/jockey/repos/$name-*.git) rev-parse --is-bare-repository >bare &&
		echo true >expect && test_cmp expect bare
	'

	test_expect_success "$label: a second fetch does not clone again and rewrites nothing" '
		cfg=$(echo $XDG_CACHE_HOME/jockey/repos/$name-*.git/config) &&
		stat -c "%i %.9Y" $cfg >cfg.before &&
		stamp_state $R >before &&
		fetch $R &&
		! grep cloning $R/err &&
		stat -c "%i %.9Y" $cfg >cfg.after &&
		test_cmp cfg.before cfg.after &&
		stamp_state $R >after &&
		test_cmp before after
	'

	test_expect_success "$label: a commit in one context changes its stamp and no other" '
		stamp_state $R >before &&
		commit_push $name "echo more >>a/run.sh" &&
		fetch $R &&
		tree_of $U main:a >expect && test_cmp expect $R/stamps/ctx/a.tree &&
		stamp_state $R >after &&
		grep "^stamps/ctx/b.tree" before >b.before && grep "^stamps/ctx/b.tree" after >b.after &&
		test_cmp b.before b.after &&
		! test_cmp before after >/dev/null &&
		echo $(git -C $U rev-parse main) >expect && test_cmp expect $R/stamps/repo.commit
	'

	test_expect_success "$label: a commit outside every context changes only repo.commit" '
		stamp_state $R >before &&
		commit_push $name "echo more >>other/README" &&
		fetch $R &&
		stamp_state $R >after &&
		grep "^stamps/ctx/" before >ctx.before && grep "^stamps/ctx/" after >ctx.after &&
		test_cmp ctx.before ctx.after &&
		echo $(git -C $U rev-parse main) >expect && test_cmp expect $R/stamps/repo.commit
	'

	test_expect_success "$label: ref null (or HEAD) follows the remote HEAD" '
		write_repo_json $R-head "$url" null a &&
		fetch $R-head &&
		echo $(git -C $U rev-parse main) >expect && test_cmp expect $R-head/stamps/repo.commit &&
		write_repo_json $R-HEAD "$url" "\"HEAD\"" a &&
		fetch $R-HEAD && test_cmp expect $R-HEAD/stamps/repo.commit
	'

	test_expect_success "$label: a moved branch is picked up, a pinned commit does not move" '
		pin=$(git -C $U rev-parse main) &&
		write_repo_json $R-pin "$url" "\"$pin\"" a &&
		fetch $R-pin &&
		stamp_state $R-pin >pin.before &&
		commit_push $name "echo again >>a/run.sh" &&
		fetch $R && fetch $R-pin &&
		echo $(git -C $U rev-parse main) >expect && test_cmp expect $R/stamps/repo.commit &&
		tree_of $U main:a >expect && test_cmp expect $R/stamps/ctx/a.tree &&
		echo $pin >expect && test_cmp expect $R-pin/stamps/repo.commit &&
		stamp_state $R-pin >pin.after && test_cmp pin.before pin.after
	'

	test_expect_success "$label: a tag names its commit, a rewound branch is followed" '
		(cd $U && git tag -a -m v1 v1 HEAD~1 && git push -q origin v1) &&
		write_repo_json $R-tag "$url" "\"v1\"" a &&
		fetch $R-tag &&
		echo $(git -C $U rev-parse v1^{commit}) >expect && test_cmp expect $R-tag/stamps/repo.commit &&
		(cd $U && git push -q -f origin HEAD~1:main) &&
		fetch $R &&
		echo $(git -C $U rev-parse HEAD~1) >expect && test_cmp expect $R/stamps/repo.commit &&
		(cd $U && git push -q -f origin HEAD:main)
	'
}

remote_tests git "$GIT_URL/dfgit.git" dfgit
remote_tests file "file://$TRASH/srv/dffile.git" dffile
R=$TRASH/res-git
U=$TRASH/dfgit

test_expect_success 'the cache keeps no working files and names the URL without credentials' '
	ls $XDG_CACHE_HOME/jockey/repos >list &&
	test_grep "^dfgit-[0-9a-f]{16}\.git$" list &&
	test_grep "^dfgit-[0-9a-f]{16}\.lock$" list &&
	git --git-dir=$(echo $XDG_CACHE_HOME/jockey/repos/dfgit-*.git) config remote.origin.url >url &&
	echo "$GIT_URL/dfgit.git" >expect && test_cmp expect url
'

test_expect_success 'two concurrent fetches of a new cache clone it once' '
	make_upstream dfpar &&
	write_repo_json $TRASH/par1 "$GIT_URL/dfpar.git" "\"main\"" a b &&
	write_repo_json $TRASH/par2 "$GIT_URL/dfpar.git" "\"main\"" a b &&
	(fetch $TRASH/par1 2>/dev/null & fetch $TRASH/par2 2>/dev/null & wait) &&
	test "$(cat $TRASH/par1/err $TRASH/par2/err | grep -c cloning)" = 1 &&
	test_cmp $TRASH/par1/stamps/repo.commit $TRASH/par2/stamps/repo.commit &&
	test_cmp $TRASH/par1/stamps/ctx/a.tree $TRASH/par2/stamps/ctx/a.tree &&
	git --git-dir=$(echo $XDG_CACHE_HOME/jockey/repos/dfpar-*.git) fsck --no-dangling
'

test_expect_success 'with the server stopped, --offline uses the cache and says which commit' '
	daemon_stop &&
	stamp_state $R >before &&
	fetch $R --offline &&
	short=$(cut -c1-7 $R/stamps/repo.commit) &&
	test_grep "^jockey: offline: using .$GIT_URL/dfgit.git. at $short \(cached\)$" $R/err &&
	stamp_state $R >after && test_cmp before after
'

test_expect_success 'JOCKEY_OFFLINE=1 does the same, also for ref null' '
	JOCKEY_OFFLINE=1 fetch $R-head &&
	test_grep "offline: using" $R-head/err
'

test_expect_success 'a full commit id in the cache needs no network' '
	stamp_state $R-pin >before &&
	fetch $R-pin &&
	! grep -i "offline\|cloning" $R-pin/err &&
	stamp_state $R-pin >after && test_cmp before after
'

test_expect_success 'without --offline a stopped server is an error that keeps the stamps' '
	stamp_state $R >before &&
	test_must_fail --code=1 fetch $R &&
	test_grep "^jockey: cannot fetch .$GIT_URL/dfgit.git. \(ref .main.\): " $R/err &&
	stamp_state $R >after && test_cmp before after
'

test_expect_success '--offline without a cache is an error' '
	write_repo_json $TRASH/nocache "$GIT_URL/never.git" "\"main\"" a &&
	test_must_fail --code=1 fetch $TRASH/nocache --offline &&
	test_grep "offline: .$GIT_URL/never.git. was never fetched" $TRASH/nocache/err &&
	! test -e $TRASH/nocache/stamps
'

daemon_start || echo "Bail out! the git daemon did not restart"

# ---- under ninja: restat prunes the contexts that did not change --------------

N=$TRASH/nin
mkdir -p "$N"
write_repo_json "$N" "$GIT_URL/dfgit.git" '"main"' a b
cat >"$N/build.ninja" <<EOF
rule fetch
  command = "$JOCKEY" fetch repo.json
  restat = 1
build always: phony
build stamps/repo.commit stamps/ctx/a.tree stamps/ctx/b.tree: fetch repo.json | always
rule use
  command = cp \$in \$out && echo \$out >>ran
build use-a: use stamps/ctx/a.tree
build use-b: use stamps/ctx/b.tree
build use-commit: use stamps/repo.commit
EOF

test_expect_success 'ninja: the first build runs every consumer, the second none' '
	(cd $N && ninja >/dev/null && ninja >/dev/null) &&
	sort $N/ran >ran && printf "use-a\nuse-b\nuse-commit\n" >expect && test_cmp expect ran
'

test_expect_success 'ninja: a commit in a/ reruns only what reads a/ (and the commit)' '
	rm $N/ran &&
	commit_push dfgit "echo ninja >>a/run.sh" &&
	(cd $N && ninja >/dev/null) &&
	sort $N/ran >ran && printf "use-a\nuse-commit\n" >expect && test_cmp expect ran
'

test_expect_success 'ninja: a commit outside the contexts reruns no context consumer' '
	rm $N/ran &&
	commit_push dfgit "echo ninja >>other/README" &&
	(cd $N && ninja >/dev/null) &&
	sort $N/ran >ran && printf "use-commit\n" >expect && test_cmp expect ran
'

# ---- a local path: a subfolder of a work tree ---------------------------------

P=$TRASH/proj
L=$TRASH/res-local
git init -q "$P" && (
	cd "$P" && mkdir -p dockerfiles/a dockerfiles/b src &&
	printf 'FROM busybox\n' >dockerfiles/a/Dockerfile &&
	printf 'FROM busybox\nRUN true\n' >dockerfiles/b/Dockerfile &&
	echo code >src/main.c && echo '*.log' >.gitignore &&
	git add -A && git commit -qm one
)

# The tree 'git add -A' would give a folder, computed in a throwaway index.
worktree_tree() {
	cp "$P/.git/index" "$TRASH/idx.tmp" &&
	(cd "$P" && GIT_INDEX_FILE=$TRASH/idx.tmp git add -A "$1" &&
		GIT_INDEX_FILE=$TRASH/idx.tmp git write-tree --prefix="$1/")
}

test_expect_success 'local: a clean work tree stamps the committed trees' '
	write_repo_json $L "$P/dockerfiles" null a b &&
	fetch $L &&
	echo $(git -C $P rev-parse HEAD) >expect && test_cmp expect $L/stamps/repo.commit &&
	tree_of $P HEAD:dockerfiles/a >expect && test_cmp expect $L/stamps/ctx/a.tree &&
	tree_of $P HEAD:dockerfiles/b >expect && test_cmp expect $L/stamps/ctx/b.tree
'

test_expect_success 'local: an uncommitted edit changes its stamp, says dirty, leaves the index alone' '
	cp $P/.git/index index.before && stat -c "%i %.9Y" $P/.git/index >istat.before &&
	stamp_state $L >before &&
	echo "RUN echo edited" >>$P/dockerfiles/a/Dockerfile &&
	fetch $L &&
	worktree_tree dockerfiles/a >expect && test_cmp expect $L/stamps/ctx/a.tree &&
	tree_of $P HEAD:dockerfiles/a >committed && ! test_cmp committed $L/stamps/ctx/a.tree >/dev/null &&
	printf "%s\ndirty\n" $(git -C $P rev-parse HEAD) >expect && test_cmp expect $L/stamps/repo.commit &&
	stamp_state $L >after &&
	grep "^stamps/ctx/b" before >b.before && grep "^stamps/ctx/b" after >b.after && test_cmp b.before b.after &&
	cmp index.before $P/.git/index &&
	stat -c "%i %.9Y" $P/.git/index >istat.after && test_cmp istat.before istat.after &&
	git -C $P status --porcelain >status && echo " M dockerfiles/a/Dockerfile" >expect && test_cmp expect status
'

test_expect_success 'local: an ignored file changes nothing, an untracked one does' '
	stamp_state $L >before &&
	echo noise >$P/dockerfiles/b/build.log &&
	fetch $L &&
	stamp_state $L >after && test_cmp before after &&
	echo new >$P/dockerfiles/b/new.txt &&
	fetch $L &&
	worktree_tree dockerfiles/b >expect && test_cmp expect $L/stamps/ctx/b.tree &&
	tree_of $P HEAD:dockerfiles/b >committed && ! test_cmp committed $L/stamps/ctx/b.tree >/dev/null
'

test_expect_success 'local: a deleted file leaves the tree, an executable bit counts' '
	rm $P/dockerfiles/b/new.txt && printf "#!/bin/sh\n" >$P/dockerfiles/b/x.sh &&
	fetch $L && worktree_tree dockerfiles/b >expect && test_cmp expect $L/stamps/ctx/b.tree &&
	chmod 755 $P/dockerfiles/b/x.sh &&
	fetch $L && worktree_tree dockerfiles/b >expect2 && test_cmp expect2 $L/stamps/ctx/b.tree &&
	! test_cmp expect expect2 >/dev/null
'

test_expect_success 'local: edits outside the contexts are not dirty' '
	git -C $P checkout -q -- dockerfiles && rm -f $P/dockerfiles/b/x.sh &&
	echo edit >>$P/src/main.c &&
	fetch $L &&
	echo $(git -C $P rev-parse HEAD) >expect && test_cmp expect $L/stamps/repo.commit &&
	tree_of $P HEAD:dockerfiles/a >expect && test_cmp expect $L/stamps/ctx/a.tree
'

test_expect_success 'local: a ref ignores the work tree' '
	echo "RUN echo edited" >>$P/dockerfiles/a/Dockerfile &&
	(cd $P && git add src && git commit -qm two) &&
	write_repo_json $L-ref "$P/dockerfiles" "\"HEAD~1\"" a &&
	fetch $L-ref &&
	echo $(git -C $P rev-parse HEAD~1) >expect && test_cmp expect $L-ref/stamps/repo.commit &&
	tree_of $P HEAD~1:dockerfiles/a >expect && test_cmp expect $L-ref/stamps/ctx/a.tree &&
	git -C $P checkout -q -- dockerfiles
'

test_expect_success 'local: commits change the stamps of the contexts they touch, and only those' '
	git -C $P status --porcelain >status && test_must_fail test -s status &&
	fetch $L && stamp_state $L >before &&
	(cd $P && echo "RUN true" >>dockerfiles/b/Dockerfile && git commit -qam b) &&
	fetch $L && stamp_state $L >after &&
	tree_of $P HEAD:dockerfiles/b >expect && test_cmp expect $L/stamps/ctx/b.tree &&
	grep "^stamps/ctx/a" before >a.before && grep "^stamps/ctx/a" after >a.after && test_cmp a.before a.after &&
	echo $(git -C $P rev-parse HEAD) >expect && test_cmp expect $L/stamps/repo.commit &&
	(cd $P && echo more >>src/main.c && git commit -qam src) &&
	fetch $L && stamp_state $L >after2 &&
	grep "^stamps/ctx/" after >ctx.before && grep "^stamps/ctx/" after2 >ctx.after && test_cmp ctx.before ctx.after &&
	echo $(git -C $P rev-parse HEAD) >expect && test_cmp expect $L/stamps/repo.commit
'

test_expect_success 'local: a linked work tree (git worktree add) works too' '
	git -C $P worktree add -q $TRASH/wt2 -b wt2 &&
	idx=$(git -C $TRASH/wt2 rev-parse --git-path index) &&
	cp $idx wt-index.before &&
	echo "RUN echo wt" >>$TRASH/wt2/dockerfiles/a/Dockerfile &&
	write_repo_json $TRASH/res-wt "$TRASH/wt2/dockerfiles" null a &&
	fetch $TRASH/res-wt &&
	(cd $TRASH/wt2 && cp $idx $TRASH/idx.wt && GIT_INDEX_FILE=$TRASH/idx.wt git add -A dockerfiles/a &&
		GIT_INDEX_FILE=$TRASH/idx.wt git write-tree --prefix=dockerfiles/a/) >expect &&
	test_cmp expect $TRASH/res-wt/stamps/ctx/a.tree &&
	printf "%s\ndirty\n" $(git -C $TRASH/wt2 rev-parse HEAD) >expect && test_cmp expect $TRASH/res-wt/stamps/repo.commit &&
	cmp wt-index.before $idx
'

test_expect_success 'local: a relative path is relative to the results folder' '
	mkdir -p $TRASH/rel/out &&
	write_repo_json $TRASH/rel/out "../../proj/dockerfiles" "\"main\"" a &&
	fetch $TRASH/rel/out &&
	tree_of $P main:dockerfiles/a >expect && test_cmp expect $TRASH/rel/out/stamps/ctx/a.tree
'

# ---- errors: a clear message, exit 1, no stamp written or changed ---------------

E=$TRASH/res-err
CLOSED=$(free_port)
(cd "$U" && git checkout -q -b evil && ln -s ../../../etc/passwd a/escape && git add -A &&
	git commit -qm evil && git push -q origin evil && git checkout -q main)

# expect_error JSON-REPO JSON-REF CONTEXT MESSAGE-REGEX: start from good stamps
# in $E, point repo.json at the bad thing, and check fetch fails cleanly.
expect_error() {
	write_repo_json $E "$GIT_URL/dfgit.git" '"main"' "$3" 2>/dev/null
	mkdir -p $E/stamps/ctx && echo keep >$E/stamps/ctx/$3.tree && echo keep >$E/stamps/repo.commit &&
	stamp_state $E >$E/before &&
	write_repo_json $E "$1" "$2" "$3" &&
	test_must_fail --code=1 fetch $E &&
	test_grep "$4" $E/err &&
	stamp_state $E >$E/after && test_cmp $E/before $E/after
}

test_expect_success 'error: unreachable remote' '
	expect_error "git://127.0.0.1:$CLOSED/x.git" "\"main\"" a \
		"^jockey: cannot fetch .git://127.0.0.1:$CLOSED/x.git. \(ref .main.\): .+" &&
	! ls $XDG_CACHE_HOME/jockey/repos/x-*.git 2>/dev/null
'

test_expect_success 'error: unknown ref' '
	expect_error "$GIT_URL/dfgit.git" "\"nosuch\"" a "^jockey: unknown ref .nosuch. in .$GIT_URL/dfgit.git.$" &&
	expect_error "$P/dockerfiles" "\"nosuch\"" a "^jockey: unknown ref .nosuch. in .$P/dockerfiles.$"
'

test_expect_success 'error: missing context folder' '
	expect_error "$GIT_URL/dfgit.git" "\"main\"" zz \
		"^jockey: context .zz.: folder .zz. not found in .$GIT_URL/dfgit.git. at .main.$" &&
	expect_error "$P/dockerfiles" null zz "^jockey: context .zz.: folder .zz. not found in .$P/dockerfiles. at the work tree$"
'

test_expect_success 'error: no Dockerfile' '
	expect_error "$GIT_URL/dfgit.git" "\"main\"" other \
		"^jockey: context .other. in .$GIT_URL/dfgit.git. at .main. has no Dockerfile$"
'

test_expect_success 'error: a symlink or a context path leading outside' '
	expect_error "$GIT_URL/dfgit.git" "\"evil\"" a \
		"^jockey: context .a. in .$GIT_URL/dfgit.git. at .evil.: symlink .escape. -> .\.\./\.\./\.\./etc/passwd. leads outside the context$" &&
	expect_error "$P/dockerfiles" null ../src "path .\.\./src. leads outside the repository"
'

test_expect_success 'error: not a repository, unsupported scheme' '
	mkdir -p $TRASH/plain &&
	expect_error "$TRASH/plain" null a "^jockey: .$TRASH/plain. is not in a git repository: " &&
	expect_error "ftp://127.0.0.1/x.git" null a "unsupported URL scheme"
'

test_expect_success 'error: usage and a bad repo.json' '
	test_must_fail --code=2 "$JOCKEY" fetch 2>err && test_grep "^usage: jockey fetch" err &&
	test_must_fail --code=2 "$JOCKEY" fetch --bogus repo.json 2>err &&
	mkdir -p $TRASH/badjson && echo "{\"schema\":1,\"repo\":" >$TRASH/badjson/repo.json &&
	test_must_fail --code=1 fetch $TRASH/badjson &&
	test_grep "^jockey: repo.json:[0-9]+:[0-9]+: " $TRASH/badjson/err &&
	echo "{\"schema\":2,\"repo\":\"/x\",\"ref\":null,\"contexts\":[]}" >$TRASH/badjson/repo.json &&
	test_must_fail --code=1 fetch $TRASH/badjson &&
	test_grep "unsupported schema" $TRASH/badjson/err
'

test_expect_success 'credentials in the URL are never printed nor stored' '
	expect_error "git://user:s3cret@127.0.0.1:$CLOSED/x.git" "\"main\"" a "cannot fetch .git://\*\*\*@127.0.0.1:$CLOSED/x.git." &&
	expect_error "https://user:s3cret@127.0.0.1:$CLOSED/x.git" "\"main\"" a "cannot fetch .https://\*\*\*@127.0.0.1:$CLOSED/x.git." &&
	expect_error "https://tok3n@127.0.0.1:$CLOSED/x.git" "\"nosuch\"" a "https://\*\*\*@127.0.0.1" &&
	write_repo_json $TRASH/cred "git://user:s3cret@127.0.0.1:$GIT_PORT/dfgit.git" "\"nosuch\"" a &&
	test_must_fail fetch $TRASH/cred &&
	test_grep "unknown ref .nosuch. in .git://\*\*\*@127.0.0.1:$GIT_PORT/dfgit.git." $TRASH/cred/err &&
	write_repo_json $TRASH/cred "git://user:s3cret@127.0.0.1:$GIT_PORT/dfgit.git" "\"main\"" a &&
	fetch $TRASH/cred &&
	! grep -r "s3cret\|tok3n" $TRASH/cred/err $TRASH/cred/stamps $E/err &&
	! ls -R $XDG_CACHE_HOME | grep "s3cret\|tok3n" &&
	! grep -r -a "s3cret\|tok3n" $XDG_CACHE_HOME
'


# ---- authentication over smart HTTP: git http-backend behind Basic auth --------

cat >"$TRASH/httpd.py" <<'PY'
# A smart-HTTP git server for the tests: git http-backend as CGI, behind
# HTTP Basic auth with one user, or a token as user name with an empty
# password (argv: port root user password token).
import base64, http.server, subprocess, sys
port, root, user, password, token = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
basic = lambda s: "Basic " + base64.b64encode(s.encode()).decode()
good = (basic(f"{user}:{password}"), basic(f"{token}:"))
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def serve(self):
        if self.headers.get("Authorization") not in good:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b""
        if self.headers.get("Transfer-Encoding", "") == "chunked":
            while True:
                n = int(self.rfile.readline().strip(), 16)
                body += self.rfile.read(n) if n else b""
                self.rfile.readline()
                if n == 0:
                    break
        elif self.headers.get("Content-Length"):
            body = self.rfile.read(int(self.headers["Content-Length"]))
        path, _, query = self.path.partition("?")
        env = {"GIT_PROJECT_ROOT": root, "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": path,
               "QUERY_STRING": query, "REQUEST_METHOD": self.command, "REMOTE_USER": user,
               "CONTENT_TYPE": self.headers.get("Content-Type", ""), "CONTENT_LENGTH": str(len(body)),
               "GIT_HTTP_MAX_REQUEST_BUFFER": "100M", "PATH": "/usr/bin:/bin"}
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        head, _, data = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode().split("\r\n"):
            k, _, v = line.partition(": ")
            if k.lower() == "status":
                status = int(v.split()[0])
            elif k:
                headers.append((k, v))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = serve
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY

HTTP_PORT=$(free_port)
if command -v python3 >/dev/null 2>&1; then
	python3 "$TRASH/httpd.py" "$HTTP_PORT" "$TRASH/srv" alice s3cret-pw t0ken-42 >/dev/null 2>&1 &
	echo $! >"$TRASH/httpd.pid"
	test_at_exit 'kill $(cat "$TRASH/httpd.pid")'
	i=0
	until curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" 2>/dev/null || [ $i -ge 50 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	HTTP=http://127.0.0.1:$HTTP_PORT
	H=$TRASH/res-http

	test_expect_success 'auth: no credentials anywhere is a clear refusal' '
		write_repo_json $H "$HTTP/dfgit.git" "\"main\"" a &&
		test_must_fail --code=1 fetch $H &&
		test_grep "^jockey: authentication refused by .$HTTP/dfgit.git. \(ref .main.\): no credentials in the URL, ~/.git-credentials or the ssh agent$" $H/err &&
		! test -e $H/stamps
	'

	test_expect_success 'auth: wrong credentials in the URL are refused, and not printed' '
		write_repo_json $H "http://alice:wr0ng-pw@127.0.0.1:$HTTP_PORT/dfgit.git" "\"main\"" a &&
		test_must_fail --code=1 fetch $H &&
		test_grep "^jockey: authentication refused by .http://\*\*\*@127.0.0.1:$HTTP_PORT/dfgit.git. \(ref .main.\): the credentials were rejected$" $H/err &&
		! grep -r "wr0ng\|alice" $H/err &&
		! test -e $H/stamps
	'

	test_expect_success 'auth: credentials in the URL work and are stored nowhere' '
		write_repo_json $H "http://alice:s3cret-pw@127.0.0.1:$HTTP_PORT/dfgit.git" "\"main\"" a &&
		fetch $H &&
		tree_of $U main:a >expect && test_cmp expect $H/stamps/ctx/a.tree &&
		fetch $H &&
		! grep -r -a "s3cret" $H/err $H/stamps $XDG_CACHE_HOME &&
		! ls -R $XDG_CACHE_HOME | grep "s3cret\|alice"
	'

	test_expect_success 'auth: credentials in a matrix URL stay in the matrix: repo.json names it' '
		mkdir -p $TRASH/mcred && cd $TRASH/mcred &&
		cat >m.yaml <<-EOF &&
		name: mcred
		dockerfiles: {repo: "http://alice:s3cret-pw@127.0.0.1:$HTTP_PORT/dfgit.git", ref: main}
		images: [{name: busybox, tags: [latest], pull: never}]
		benchmarks: [{name: b, context: a, from: keep, command: ["true"]}]
		hosts: [{name: h}]
		EOF
		"$JOCKEY" gen -q -o out m.yaml &&
		! grep -r -a "s3cret" out &&
		test_grep "\"repo\": \"http://\*\*\*@127.0.0.1:$HTTP_PORT/dfgit.git\"" out/repo.json &&
		test_grep "\"credentials_from\": \"$TRASH/mcred/m.yaml\"" out/repo.json &&
		(cd out && "$JOCKEY" fetch repo.json 2>../err) &&
		tree_of $U main:a >expect && test_cmp expect out/stamps/ctx/a.tree &&
		! grep -r -a "s3cret" err out $XDG_CACHE_HOME &&
		sed "s/alice:s3cret-pw@127.0.0.1/alice:s3cret-pw@localhost/" m.yaml >m2 && mv m2 m.yaml &&
		(cd out && test_must_fail --code=1 "$JOCKEY" fetch repo.json 2>../err2) &&
		test_grep "names another one now: run jockey gen again" err2 &&
		! grep "s3cret" err2
	'

	test_expect_success 'auth: a token as the user name works and is stored nowhere' '
		write_repo_json $H-tok "http://t0ken-42@127.0.0.1:$HTTP_PORT/dfgit.git" "\"main\"" a &&
		fetch $H-tok &&
		tree_of $U main:a >expect && test_cmp expect $H-tok/stamps/ctx/a.tree &&
		! grep -r -a "t0ken" $H-tok/err $H-tok/stamps $XDG_CACHE_HOME
	'

	test_expect_success 'auth: ~/.git-credentials is read for a URL without them' '
		echo "http://bob:nope@127.0.0.1:1" >$HOME/.git-credentials &&
		echo "http://alice:s3cret-pw@127.0.0.1:$HTTP_PORT" >>$HOME/.git-credentials &&
		write_repo_json $H-file "$HTTP/dfgit.git" "\"main\"" a &&
		fetch $H-file &&
		tree_of $U main:a >expect && test_cmp expect $H-file/stamps/ctx/a.tree &&
		! grep -r -a "s3cret" $H-file &&
		rm $HOME/.git-credentials
	'
else
	test_skip 'auth: smart HTTP with Basic auth' 'python3 is not installed'
fi

test_done
