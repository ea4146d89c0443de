#!/bin/bash
# tests/testbed.sh: the real test bed for jockey's end-to-end tests: a Docker
# engine with debian:bookworm and busybox:latest (made without a registry, from
# Debian's package archive, the way the official images are), a distribution
# registry that is also the engine's registry mirror (a local Docker Hub: see
# 'hub'), and a git daemon.
#
#   tests/testbed.sh start     start what is not running yet (idempotent)
#   tests/testbed.sh hub [IMAGE...]
#                              build (when its cache key moved) and push the
#                              local Docker Hub's images, tests/hub/images:
#                              all, or those named (a folder of tests/hub or a
#                              repository: nginx, python, eclipse-temurin...)
#   tests/testbed.sh running   exit 0 when a bed started by this script is up
#                              (and count the caller as one of its users)
#   tests/testbed.sh env       print its environment (eval "$(tests/testbed.sh env)")
#   tests/testbed.sh stop      stop everything start started, by PID, once no
#                              other user is left (stop --force: at once)
#   tests/testbed.sh status    human-readable summary
#   tests/testbed.sh kill-engine
#                              kill -9 the private dockerd, as a crash would
#                              (its containers' records stay, as after a crash)
#   tests/testbed.sh restart-engine
#                              kill -9 it if it runs, then start it again
#
# Environment:
#   JOCKEY_TEST_STATE        state folder (default /var/tmp/jockey-testbed): caches
#                            (rootfs tarball, engine data-root) and runtime files
#   JOCKEY_TEST_DOCKER_HOST  use this engine instead of a private dockerd; it is
#                            never started or stopped here
#   JOCKEY_TEST_BRIDGE, JOCKEY_TEST_BRIDGE_CIDR, JOCKEY_TEST_POOL
#                            the private engine's bridge (jockeybr0,
#                            172.29.213.1/24) and its address pool (172.29.208.0/20)
#   JOCKEY_TEST_HUB_IMAGES   images 'start' makes current in the hub as well
#                            ("all", or names as for 'hub'); default none: tests
#                            that need hub images ask for them with 'hub'
#
# The local Docker Hub: the images of tests/hub/images (nginx, httpd, redis,
# memcached, python, eclipse-temurin, openjdk, postgres; debian and busybox)
# are built from Debian 12's packages on the bed's debian:bookworm and pushed
# to the registry as library/NAME:TAG. The private dockerd runs with
# --registry-mirror pointing at that registry, so 'docker pull nginx:latest'
# (and a jockey matrix naming nginx:latest) pulls from it. Each image is cached
# under a key: the hash of its folder, of its base's key, of its tags and of
# the candidate versions of its packages and their dependencies (apt-cache on
# this host: run apt-get update to see new ones). Its registry files are kept
# in CACHE/hub, which 'start' links into the fresh registry, so a warm start
# builds and pushes nothing; the builds themselves leave the engine, so that a
# pull really fetches from the registry.
#
# Several test runs may share one bed (the default state folder is per
# machine): 'start' and a successful 'running' record their caller (the parent
# process: tests/run or a test script) as a user, and 'stop' from one user
# leaves the bed up while others are alive; a small watcher stops it when the
# last of them has exited.
#
# The private dockerd runs with --iptables=false: with iptables on, dockerd
# starts by flushing the shared DOCKER and DOCKER-ISOLATION chains, which would
# drop the rules of an engine already running on this host. Instead this script
# adds its own NAT and FORWARD rules for the pool, tagged with the comment
# 'jockey-testbed:BRIDGE', and removes exactly those at stop. It also starts
# with an empty network store: see start_private_engine for why.
set -euo pipefail

STATE=${JOCKEY_TEST_STATE:-/var/tmp/jockey-testbed}
STATE=${STATE%/}
RUN=$STATE/run
LOG=$STATE/log
CACHE=$STATE/cache
SOCK=$STATE/docker.sock
EXEC_ROOT=$RUN/exec
ENV_FILE=$STATE/env
HUB_SRC=$(cd "$(dirname "$0")" && pwd)/hub
HUB_CACHE=$CACHE/hub
# Each state folder gets its own bridge, address block and iptables tag, so
# that beds in two state folders can run side by side: the default folder has
# slot 0 (jockeybr0, 172.29.213.1/24 in the pool 172.29.208.0/20), any other a
# slot 1-14 from a checksum of its path.
if [ "$STATE" = /var/tmp/jockey-testbed ]; then
	SLOT=0
else
	SLOT=$(($(printf '%s' "$STATE" | cksum | cut -d' ' -f1) % 14 + 1))
fi
BLOCK=$(((13 + SLOT) % 16 * 16))
BRIDGE=${JOCKEY_TEST_BRIDGE:-jockeybr$SLOT}
BRIDGE_CIDR=${JOCKEY_TEST_BRIDGE_CIDR:-172.29.$((BLOCK + 5)).1/24}
POOL=${JOCKEY_TEST_POOL:-172.29.$BLOCK.0/20}
RULE_TAG=jockey-testbed:$BRIDGE
ENGINE_TIMEOUT=60
STOP_TIMEOUT=60
PACKAGES="docker.io docker-registry debootstrap busybox-static git iproute2 iptables ca-certificates curl"
T0=$(date +%s.%N)

say() { echo "testbed: $*"; }
die() { echo "testbed: $*" >&2; exit 1; }

# since T: seconds since the timestamp T, one decimal.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }'; }

# shquote S: S as one POSIX shell word (the env file is read by sh, not only bash).
shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

need_root() {
	[ "$(id -u)" = 0 ] || die "$1 needs root (running as uid $(id -u))"
}

# pid_ours PIDFILE: the process recorded in PIDFILE is alive and is ours, that is
# its command line names a path under $STATE (guards against reused PIDs).
pid_ours() {
	local pid
	[ -s "$1" ] || return 1
	pid=$(cat "$1" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	cmdline_ours "$pid"
}

cmdline_ours() {
	local cmd
	cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
	[[ $cmd == *"$STATE/"* ]]
}

# launch PIDFILE LOGFILE CMD...: run CMD in the background in its own session,
# detached from our stdio and from every other descriptor we hold (the lock
# on fd 9, and whatever our caller inherited: a test harness's copies of
# ninja's output pipe, which a daemon restarted by a test would otherwise hold
# open, so that `ninja test` waits for it after the last test), and record its
# PID. The subshell is not a process group leader, so setsid execs in place.
launch() {
	local pidfile=$1 logfile=$2
	shift 2
	(
		for fd in /proc/$BASHPID/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] && [ "$fd" -lt 255 ] && eval "exec $fd>&-"
		done
		exec setsid "$@" </dev/null >>"$logfile" 2>&1
	) &
	echo $! >"$pidfile"
}

log_tail() {
	if [ -s "$1" ]; then
		echo "last lines of $1:"
		tail -n 25 "$1" | sed 's/^/    /'
	else
		echo "$1 is empty"
	fi
}

# wait_until SECONDS PIDFILE CMD...: poll CMD every 0.1s; fail after SECONDS or
# as soon as the process in PIDFILE (when not empty) is gone.
wait_until() {
	local deadline pidfile=$2
	deadline=$(($(date +%s) + $1))
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		# kill -0, not pid_ours: right after launch the PID may still be
		# the forked shell, whose command line is not the daemon's yet.
		[ -z "$pidfile" ] || kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || return 1
		sleep 0.1
	done
}

port_free() { [ -z "$(ss -Htln "( sport = :$1 )" 2>/dev/null)" ]; }

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# pick_port NAME: the port saved for NAME when still free, else a free one
# below the ephemeral range; saved so addresses stay stable across restarts.
pick_port() {
	local file=$STATE/port.$1 p tries=0
	if [ -s "$file" ]; then
		p=$(cat "$file")
		if [[ $p =~ ^[0-9]+$ ]] && port_free "$p"; then
			echo "$p"
			return
		fi
	fi
	while [ $tries -lt 200 ]; do
		p=$((20000 + RANDOM % 12000))
		if port_free "$p"; then
			echo "$p" >"$file"
			echo "$p"
			return
		fi
		tries=$((tries + 1))
	done
	die "no free TCP port found for the $1"
}

# --- packages ----------------------------------------------------------------

ensure_packages() {
	local missing="" p t
	t=$(date +%s.%N)
	for p in $PACKAGES; do
		if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
			missing="$missing $p"
		fi
	done
	if [ -z "$missing" ]; then
		return
	fi
	need_root "installing$missing"
	say "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >"$LOG/apt.log" 2>&1 || die "apt-get update failed; $(log_tail "$LOG/apt.log")"
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >>"$LOG/apt.log" 2>&1 ||
		die "apt-get install$missing failed; $(log_tail "$LOG/apt.log")"
	say "packages installed in $(since "$t")"
}

# --- engine ------------------------------------------------------------------

engine_host() {
	if [ -n "${JOCKEY_TEST_DOCKER_HOST:-}" ]; then
		echo "$JOCKEY_TEST_DOCKER_HOST"
	else
		echo "unix://$SOCK"
	fi
}

# dk ARGS: docker against the bed's engine.
dk() { docker -H "$(engine_host)" "$@"; }

engine_answers() {
	timeout 10 docker -H "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# unmount_under DIR: unmount everything mounted on or below DIR, deepest first,
# so that removing DIR can never reach into a mounted filesystem. (dockerd also
# bind-mounts its data-root onto itself, to make it a shared mount.)
unmount_under() {
	local m
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		done
}

# our_orphans: PIDs of the engine's own helpers (containerd, shims, proxies)
# whose command line names our runtime folder: only our dockerd starts those.
our_orphans() {
	local d pid cmd comm
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		comm=$(cat "$d/comm" 2>/dev/null) || continue
		case $comm in
		dockerd | containerd | containerd-shim* | docker-proxy | runc) ;;
		*) continue ;;
		esac
		cmd=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
		[[ $cmd == *"$RUN/"* ]] && echo "$pid"
	done
	return 0
}

# kill_wait SECONDS PID...: SIGTERM, wait, then SIGKILL what is left.
kill_wait() {
	local secs=$1 p left deadline
	shift
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null || true
	deadline=$(($(date +%s) + secs))
	while :; do
		left=
		for p in "$@"; do
			cmdline_ours "$p" && left="$left $p"
		done
		[ -n "$left" ] || return 0
		if [ "$(date +%s)" -ge "$deadline" ]; then
			say "still running after ${secs}s, sending SIGKILL to$left"
			# shellcheck disable=SC2086
			kill -KILL $left 2>/dev/null || true
			sleep 0.5
			return 0
		fi
		sleep 0.2
	done
}

# fw_rules: our iptables rules, one per line, as arguments after the chain.
fw_rules() {
	local out
	out=$(ip -4 route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1) }' | sort -u)
	echo "nat POSTROUTING -s $POOL ! -d $POOL -j MASQUERADE"
	echo "filter FORWARD -d $POOL -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
	echo "filter FORWARD -s $POOL -d $POOL -j ACCEPT"
	for dev in $out; do
		echo "filter FORWARD -s $POOL -o $dev -j ACCEPT"
	done
}

fw_add() {
	local table chain rest
	while read -r table chain rest; do
		# shellcheck disable=SC2086
		if ! iptables -w -t "$table" -C "$chain" $rest -m comment --comment "$RULE_TAG" 2>/dev/null; then
			# shellcheck disable=SC2086
			iptables -w -t "$table" -I "$chain" 1 $rest -m comment --comment "$RULE_TAG" ||
				die "cannot add iptables rule '-t $table $chain $rest'"
		fi
	done < <(fw_rules)
}

# fw_del: delete every rule tagged with our comment (also ones from an older
# default route), never anything else.
fw_del() {
	local table rule
	for table in nat filter; do
		# the version before slots tagged the rules of jockeybr0 'jockey-testbed'
		{ iptables -w -t "$table" -S 2>/dev/null || true; } |
			awk -v tag="$RULE_TAG" -v slot="$SLOT" '
				/^-A / && (index($0, "--comment " tag " ") || index($0, "--comment \"" tag "\" ") ||
					(slot == 0 && index($0, "--comment jockey-testbed ")))' |
			while read -r rule; do
				eval "iptables -w -t $table -D ${rule#-A }" 2>/dev/null || true
			done
	done
	return 0
}

bridge_owner() { cat "/sys/class/net/$BRIDGE/ifalias" 2>/dev/null || true; }

ensure_bridge() {
	local net other
	if [ -e "/sys/class/net/$BRIDGE" ]; then
		other=$(bridge_owner)
		[ -z "$other" ] || [ "$other" = "$STATE" ] ||
			die "bridge '$BRIDGE' belongs to the bed in '$other'; set JOCKEY_TEST_BRIDGE, JOCKEY_TEST_BRIDGE_CIDR and JOCKEY_TEST_POOL"
	else
		net=$(awk -v c="$BRIDGE_CIDR" 'BEGIN { split(c, a, "[./]"); printf "%d.%d.%d.0/%d", a[1], a[2], a[3], a[5] }')
		other=$(ip -4 route show "$net" 2>/dev/null)
		[ -z "$other" ] || die "cannot create bridge '$BRIDGE': $net is already routed ($other); set JOCKEY_TEST_BRIDGE_CIDR"
		ip link add "$BRIDGE" type bridge || die "cannot create bridge '$BRIDGE'"
	fi
	ip -4 addr show dev "$BRIDGE" | grep -qF " ${BRIDGE_CIDR} " ||
		ip addr add "$BRIDGE_CIDR" dev "$BRIDGE" || die "cannot give bridge '$BRIDGE' address $BRIDGE_CIDR"
	# the interface's alias names the state folder that owns it
	ip link set "$BRIDGE" alias "$STATE" up
	echo "$BRIDGE" >"$RUN/bridge"
}

# reap_containers: kill and delete the containers our engine's runc still knows
# (after dockerd died without stopping them); runc SIGKILLs all their processes.
reap_containers() {
	local root=$EXEC_ROOT/runtime-runc/moby id
	[ -d "$root" ] || return 0
	for id in $(runc --root "$root" list -q 2>/dev/null); do
		say "removing container $id left by a dead engine"
		runc --root "$root" delete --force "$id" >/dev/null 2>&1 || say "cannot delete container $id"
	done
}

# remove_network_bridges: delete the bridges of the user-defined networks our
# engine made (the store names them; dockerd leaves them at exit), so that
# none outlives the network store, which start empties.
remove_network_bridges() {
	local db=$STATE/docker/network/files/local-kv.db name
	[ -s "$db" ] || return 0
	{ grep -aoE '"BridgeName":"br-[0-9a-f]{12}"' "$db" || true; } | sed 's/.*:"//; s/"$//' | sort -u |
		while read -r name; do
			ip link show "$name" >/dev/null 2>&1 || continue
			ip link del "$name" && say "removed bridge $name of a network of the private engine"
		done
	return 0
}

# clean_engine_leftovers: after a crash, no dockerd of ours runs but its
# containerd, shims, mounts, pidfiles and socket may remain; clear them.
clean_engine_leftovers() {
	local pids
	reap_containers
	pids=$(our_orphans)
	if [ -n "$pids" ]; then
		say "stopping leftovers of a previous engine: ${pids//$'\n'/ }"
		# shellcheck disable=SC2086
		kill_wait 10 $pids
	fi
	unmount_under "$EXEC_ROOT"
	unmount_under "$STATE/docker"
	rm -rf --one-file-system "$EXEC_ROOT"
	rm -f "$RUN/dockerd.pid" "$SOCK"
}

start_private_engine() {
	local t host="unix://$SOCK" docker0_before
	need_root "a private dockerd"
	if pid_ours "$RUN/dockerd.pid"; then
		if wait_until "$ENGINE_TIMEOUT" "$RUN/dockerd.pid" engine_answers "$host"; then
			say "engine already running (pid $(cat "$RUN/dockerd.pid"))"
			engine_mirrors "$host" | grep -qxF "http://127.0.0.1:$(registry_port)/" ||
				say "warning: the engine's registry mirror is not the registry on port $(registry_port) (restart the bed)"
			return
		fi
		die "dockerd (pid $(cat "$RUN/dockerd.pid")) runs but did not answer within ${ENGINE_TIMEOUT}s; $(log_tail "$LOG/dockerd.log")"
	fi
	t=$(date +%s.%N)
	clean_engine_leftovers
	ensure_bridge
	fw_add
	mkdir -p "$STATE/docker" "$EXEC_ROOT"
	# A dockerd that finds its default "bridge" network from an earlier run
	# while --default-address-pool is set deletes the interface docker0 (moby's
	# removeDefaultBridgeInterface), which belongs to the host's engine.
	# Starting from an empty network store keeps it off that path; dockerd
	# rebuilds the store from its flags.
	remove_network_bridges
	rm -f "$STATE/docker/network/files/local-kv.db"
	docker0_before=$(docker0_state)
	# our own config file, so that /etc/docker/daemon.json (the host engine's)
	# does not apply; the registry is the mirror of Docker Hub (127.0.0.0/8 is
	# insecure, i.e. plain HTTP, by default)
	printf '{"registry-mirrors": ["http://127.0.0.1:%s"]}\n' "$(registry_port)" >"$RUN/daemon.json"
	: >"$LOG/dockerd.log"
	launch "$RUN/dockerd.pid" "$LOG/dockerd.log" dockerd \
		--config-file "$RUN/daemon.json" \
		--data-root "$STATE/docker" \
		--exec-root "$EXEC_ROOT" \
		--pidfile "$EXEC_ROOT/docker.pid" \
		-H "$host" \
		--bridge "$BRIDGE" \
		--default-address-pool "base=$POOL,size=24" \
		--iptables=false --ip-masq=false \
		--storage-driver overlay2
	if ! wait_until "$ENGINE_TIMEOUT" "$RUN/dockerd.pid" engine_answers "$host"; then
		pid_ours "$RUN/dockerd.pid" || die "dockerd exited before answering; $(log_tail "$LOG/dockerd.log")"
		die "dockerd did not answer within ${ENGINE_TIMEOUT}s; $(log_tail "$LOG/dockerd.log")"
	fi
	say "engine ready in $(since "$t") ($host, registry mirror http://127.0.0.1:$(registry_port))"
	docker0_check "$docker0_before"
}

# kill_engine: SIGKILL the private dockerd (what a crash does) and wait
# until it is gone.
kill_engine() {
	local pid i=0
	[ "$(running_engine | cut -d' ' -f1)" = private ] || die "only the bed's own dockerd can be killed"
	pid_ours "$RUN/dockerd.pid" || return 0
	pid=$(cat "$RUN/dockerd.pid")
	kill -KILL "$pid"
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	say "killed dockerd (pid $pid)"
}

# engine_mirrors HOST: the registry mirrors the engine uses, one a line.
engine_mirrors() {
	timeout 10 docker -H "$1" info --format '{{range .RegistryConfig.Mirrors}}{{println .}}{{end}}' 2>/dev/null
}

# docker0_state: "MAC ADDR..." of the host engine's docker0, empty when absent.
docker0_state() {
	[ -e /sys/class/net/docker0 ] || return 0
	echo "$(cat /sys/class/net/docker0/address)" \
		"$(ip -4 -o addr show dev docker0 | awk '{ print $4 }')"
}

# docker0_check BEFORE: should docker0 have vanished while our dockerd started,
# put it back as it was, so the host's engine keeps working, and say so.
docker0_check() {
	local mac addr
	[ -n "$1" ] && [ ! -e /sys/class/net/docker0 ] || return 0
	read -r mac addr <<<"$1"
	echo "testbed: warning: docker0 disappeared while the private dockerd started; restoring it ($mac $addr)" >&2
	ip link add docker0 type bridge &&
		ip link set docker0 address "$mac" &&
		{ [ -z "$addr" ] || ip addr add "$addr" dev docker0; } &&
		ip link set docker0 up ||
		echo "testbed: warning: could not restore docker0" >&2
}

ensure_engine() {
	local host
	host=$(engine_host)
	if [ -n "${JOCKEY_TEST_DOCKER_HOST:-}" ]; then
		engine_answers "$host" || die "the engine at '$host' (JOCKEY_TEST_DOCKER_HOST) does not answer: $(timeout 10 docker -H "$host" version 2>&1 | tail -n 1)"
		echo "external $host" >"$RUN/engine"
		say "using engine $host"
	else
		echo "private $host" >"$RUN/engine"
		start_private_engine
	fi
}

# --- base images -------------------------------------------------------------

# debian_mirror SUITE: the first archive URI apt uses for SUITE.
debian_mirror() {
	local suite=$1 uri=""
	if [ -r /etc/apt/sources.list.d/debian.sources ]; then
		uri=$(awk -v s="$suite" '
			/^[ \t]*$/ { if (u != "" && ok) { print u; exit } u = ""; ok = 0; next }
			/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
			END { if (u != "" && ok) print u }' /etc/apt/sources.list.d/debian.sources | head -n 1)
	fi
	if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
		uri=$(awk -v s="$suite" '$1 == "deb" && $0 !~ /\[/ && $3 == s { print $2; exit }' /etc/apt/sources.list)
	fi
	echo "${uri:-}"
}

# rootfs_finish DIR MIRROR SECURITY: what debuerreotype does to an official image
# beyond debootstrap: apt configured for containers, sources like the host's,
# caches and logs empty, no services started by package installs.
rootfs_finish() {
	local r=$1 mirror=$2 security=$3
	cat >"$r/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
	echo 'Acquire::Languages "none";' >"$r/etc/apt/apt.conf.d/docker-no-languages"
	echo 'Acquire::GzipIndexes "true";' >"$r/etc/apt/apt.conf.d/docker-gzip-indexes"
	printf 'Apt::AutoRemove::SuggestsImportant "false";\n' >"$r/etc/apt/apt.conf.d/docker-autoremove-suggests"
	echo 'force-unsafe-io' >"$r/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
	printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
	chmod 755 "$r/usr/sbin/policy-rc.d"
	rm -f "$r/etc/apt/sources.list"
	cat >"$r/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb \
		"$r"/var/log/apt/* "$r"/var/log/dpkg.log "$r"/var/log/bootstrap.log "$r"/var/log/alternatives.log \
		"$r"/tmp/* "$r"/root/.bash_history
	mkdir -p "$r/var/lib/apt/lists/partial"
	: >"$r/etc/machine-id"
	rm -f "$r/etc/resolv.conf" "$r/etc/hostname"
	echo 'debian' >"$r/etc/hostname"
}

# debian_tarball: the bookworm minbase rootfs, debootstrapped once and cached.
debian_tarball() {
	local tarball=$CACHE/debian-bookworm-minbase.tar.gz mirror security dir t
	if [ -s "$tarball" ]; then
		echo "$tarball"
		return
	fi
	need_root "debootstrap"
	mirror=$(debian_mirror bookworm)
	mirror=${mirror:-http://deb.debian.org/debian}
	security=$(debian_mirror bookworm-security)
	security=${security:-http://deb.debian.org/debian-security}
	dir=$STATE/tmp/rootfs
	mkdir -p "$STATE/tmp"
	unmount_under "$dir"
	rm -rf --one-file-system "$dir"
	t=$(date +%s.%N)
	say "debootstrap --variant=minbase bookworm from $mirror (once; cached in $CACHE)" >&2
	if ! debootstrap --variant=minbase --components=main bookworm "$dir" "$mirror" >"$LOG/debootstrap.log" 2>&1; then
		unmount_under "$dir"
		rm -rf --one-file-system "$dir"
		die "debootstrap failed; $(log_tail "$LOG/debootstrap.log")"
	fi
	unmount_under "$dir"
	rootfs_finish "$dir" "$mirror" "$security"
	tar --numeric-owner --xattrs -C "$dir" -cf - . | gzip -1 >"$tarball.tmp"
	mv "$tarball.tmp" "$tarball"
	rm -rf --one-file-system "$dir"
	say "debian rootfs made in $(since "$t")" >&2
	echo "$tarball"
}

# busybox_tarball: /bin/busybox (static) on scratch, every applet linked in /bin.
busybox_tarball() {
	local dir=$STATE/tmp/busybox applet
	rm -rf --one-file-system "$dir"
	mkdir -p "$dir/bin" "$dir/etc" "$dir/root" "$dir/tmp" "$dir/home" "$dir/var/spool/mail" "$dir/var/www"
	chmod 1777 "$dir/tmp"
	chmod 700 "$dir/root"
	cp /bin/busybox "$dir/bin/busybox"
	for applet in $(/bin/busybox --list); do
		[ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
	done
	cat >"$dir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
	cat >"$dir/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:root
mail:x:8:
www-data:x:33:
operator:x:37:
staff:x:50:
users:x:100:
nogroup:x:65534:
EOF
	tar --numeric-owner -C "$dir" -cf "$STATE/tmp/busybox.tar" .
	rm -rf --one-file-system "$dir"
	echo "$STATE/tmp/busybox.tar"
}

ensure_images() {
	local host t tarball
	host=$(engine_host)
	if ! docker -H "$host" image inspect debian:bookworm >/dev/null 2>&1; then
		t=$(date +%s.%N)
		tarball=$(debian_tarball)
		docker -H "$host" import \
			-c 'CMD ["bash"]' \
			-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			-m 'debootstrap --variant=minbase bookworm (jockey test bed)' \
			"$tarball" debian:bookworm >/dev/null || die "docker import of debian:bookworm failed"
		say "image debian:bookworm imported in $(since "$t")"
	fi
	if ! docker -H "$host" image inspect busybox:latest >/dev/null 2>&1; then
		t=$(date +%s.%N)
		tarball=$(busybox_tarball)
		docker -H "$host" import -c 'CMD ["sh"]' -m 'busybox-static (jockey test bed)' \
			"$tarball" busybox:latest >/dev/null || die "docker import of busybox:latest failed"
		rm -f "$tarball"
		say "image busybox:latest imported in $(since "$t")"
	fi
}

# --- registry and git daemon -------------------------------------------------

registry_port() { sed -n 's/^  addr: 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$RUN/registry.yml" 2>/dev/null; }

registry_answers() { curl -fsS -m 5 "http://127.0.0.1:$1/v2/" >/dev/null 2>&1; }

ensure_registry() {
	local port t
	if pid_ours "$RUN/registry.pid" && registry_answers "$(registry_port)"; then
		say "registry already running on 127.0.0.1:$(registry_port)"
		return
	fi
	t=$(date +%s.%N)
	port=$(pick_port registry)
	mkdir -p "$STATE/registry"
	hub_link_cache
	cat >"$RUN/registry.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $STATE/registry
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: jockey-testbed-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
EOF
	: >"$LOG/registry.log"
	launch "$RUN/registry.pid" "$LOG/registry.log" docker-registry serve "$RUN/registry.yml"
	wait_until 20 "$RUN/registry.pid" registry_answers "$port" ||
		die "the registry did not answer on 127.0.0.1:$port (within 20s); $(log_tail "$LOG/registry.log")"
	say "registry ready on 127.0.0.1:$port in $(since "$t")"
}

git_port() { tr '\0' '\n' 2>/dev/null <"/proc/$(cat "$RUN/gitd.pid" 2>/dev/null)/cmdline" | sed -n 's/^--port=//p'; }

ensure_gitd() {
	local port t
	if pid_ours "$RUN/gitd.pid" && tcp_open 127.0.0.1 "$(git_port)"; then
		say "git daemon already running on 127.0.0.1:$(git_port)"
		return
	fi
	t=$(date +%s.%N)
	port=$(pick_port git)
	mkdir -p "$STATE/git"
	: >"$LOG/gitd.log"
	launch "$RUN/gitd.pid" "$LOG/gitd.log" "$(git --exec-path)/git-daemon" --reuseaddr --base-path="$STATE/git" \
		--export-all --enable=receive-pack --informative-errors \
		--listen=127.0.0.1 --port="$port" "$STATE/git"
	wait_until 20 "$RUN/gitd.pid" tcp_open 127.0.0.1 "$port" ||
		die "the git daemon did not accept on 127.0.0.1:$port (within 20s); $(log_tail "$LOG/gitd.log")"
	say "git daemon ready on 127.0.0.1:$port in $(since "$t")"
}

write_env() {
	{
		echo "export DOCKER_HOST=$(shquote "$(engine_host)")"
		echo "export JOCKEY_TEST_REGISTRY=$(shquote "127.0.0.1:$(registry_port)")"
		# the same registry, as the engine's Docker Hub mirror (tests/testbed.sh hub)
		echo "export JOCKEY_TEST_HUB=$(shquote "127.0.0.1:$(registry_port)")"
		echo "export JOCKEY_TEST_GIT_URL=$(shquote "git://127.0.0.1:$(git_port)")"
		echo "export JOCKEY_TEST_GIT_ROOT=$(shquote "$STATE/git")"
		echo "export JOCKEY_TEST_STATE=$(shquote "$STATE")"
	} >"$ENV_FILE.tmp"
	mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# --- the local Docker Hub ------------------------------------------------------

# hub_table: tests/hub/images without comments: FOLDER FROM VERSION-OF REPO:TAG...
hub_table() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HUB_SRC/images"; }

# hub_field FOLDER N: field N of the folder's line.
hub_field() { hub_table | awk -v f="$1" -v n="$2" '$1 == f { print $n; exit }'; }

# hub_folders NAME...: the folders NAME (a folder, a repository or "all")
# stands for, with the folders they are built FROM, in the table's order.
hub_folders() {
	local want="" n f from more=1
	for n in "$@"; do
		if [ "$n" = all ]; then
			want="$want $(hub_table | awk '{ printf "%s ", $1 }')"
			continue
		fi
		f=$(hub_table | awk -v n="$n" '
			$1 == n { print $1; next }
			{ for (i = 4; i <= NF; i++) { split($i, a, ":"); if (a[1] == n) { print $1; next } } }' | tr '\n' ' ')
		[ -n "$f" ] || die "no image '$n' in $HUB_SRC/images (folders: $(hub_table | awk '{ printf "%s ", $1 }'))"
		want="$want $f"
	done
	while [ $more = 1 ]; do
		more=0
		for f in $want; do
			from=$(hub_field "$f" 2)
			case " $want " in
			*" $from "*) ;;
			*) [ "$from" = - ] || [ "$from" = debian ] || { want="$want $from" && more=1; } ;;
			esac
		done
	done
	hub_table | awk '{ print $1 }' | while read -r f; do
		case " $want " in *" $f "*) echo "$f" ;; esac
	done
}

# hub_version PACKAGE: the upstream part of the version apt would install
# ("1:2.4.57-2" -> "2.4.57"), with '+' made '_' for a tag.
hub_version() {
	local v
	v=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }')
	case $v in '' | '(none)') die "hub: apt-cache knows no version of '$1' (apt-get update?)" ;; esac
	echo "$v" | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//' -e 's/+/_/g'
}

# hub_tags VERSION REPO:TAG...: the tags with {v}, {v2} and {v1} filled in.
hub_tags() {
	local v=$1 v1 v2 t
	shift
	v1=${v%%.*}
	v2=$(echo "$v" | cut -d. -f1-2)
	for t; do
		t=${t//\{v\}/$v}
		t=${t//\{v2\}/$v2}
		echo "${t//\{v1\}/$v1}"
	done
}

# hub_packages FOLDER: the Debian packages its Dockerfile installs.
hub_packages() { sed -n 's/^ARG HUB_PACKAGES="\(.*\)"$/\1/p' "$HUB_SRC/$1/Dockerfile"; }

# hub_apt_versions PACKAGE...: "NAME VERSION" of each and of everything it
# depends on, as apt-get on this host would choose them.
hub_apt_versions() {
	[ $# -gt 0 ] || return 0
	{ apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "$@" 2>/dev/null | grep -v '^[ <]' | sort -u |
		xargs -r apt-cache policy 2>/dev/null | awk '/^[^ ]/ { p = $1 } /Candidate:/ { print p, $2 }'; } || true
}

# hub_tree FOLDER: a hash of the folder's files, names, modes and contents.
hub_tree() {
	(cd "$HUB_SRC/$1" && find . -type f -printf '%m %p\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-64
}

sha() { sha256sum | cut -c1-64; }

# hub_line_tags FOLDER: the folder's REPO:TAG words, placeholders unfilled.
hub_line_tags() { hub_table | awk -v f="$1" '$1 == f { for (i = 4; i <= NF; i++) printf "%s ", $i }'; }

# hub_key FOLDER BASEKEY: set HUB_VERSION, HUB_TAGS and HUB_KEY of the folder.
# The key hashes the folder's files, its base's key, its tags and the
# versions apt would install of its packages and of all they depend on. The
# walk over the dependencies (and apt-cache itself, half a second a call
# here) runs only when the folder, its base, its line or apt's lists moved:
# the key and version are kept under a fingerprint of those.
hub_key() {
	local f=$1 fp file=$HUB_CACHE/keys/$1 pkg
	fp=$( { hub_tree "$f"; echo "$2"; hub_table | awk -v f="$f" '$1 == f'
		stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* 2>/dev/null; } | sha)
	if [ -s "$file" ] && [ "$(sed -n 1p "$file")" = "$fp" ]; then
		HUB_KEY[$f]=$(sed -n 2p "$file")
		HUB_VERSION[$f]=$(sed -n 3p "$file")
		# shellcheck disable=SC2046
		HUB_TAGS[$f]=$(hub_tags "${HUB_VERSION[$f]}" $(hub_line_tags "$f") | tr '\n' ' ')
		return
	fi
	pkg=$(hub_field "$f" 3)
	HUB_VERSION[$f]=
	[ "$pkg" = - ] || HUB_VERSION[$f]=$(hub_version "$pkg")
	[ "$pkg" = - ] || [ -n "${HUB_VERSION[$f]}" ] || die "hub: no version of '$pkg' for $f"
	# shellcheck disable=SC2046
	HUB_TAGS[$f]=$(hub_tags "${HUB_VERSION[$f]}" $(hub_line_tags "$f") | tr '\n' ' ')
	# shellcheck disable=SC2046
	HUB_KEY[$f]=$( { hub_tree "$f"; echo "$2"; echo "${HUB_TAGS[$f]}"
		hub_apt_versions $(hub_packages "$f"); } | sha | cut -c1-16)
	mkdir -p "$HUB_CACHE/keys"
	printf '%s\n%s\n%s\n' "$fp" "${HUB_KEY[$f]}" "${HUB_VERSION[$f]}" >"$file.tmp"
	mv "$file.tmp" "$file"
}

hub_port() { registry_port; }

# hub_digest REPO:TAG: the manifest digest the registry serves for library/REPO:TAG.
hub_digest() {
	curl -fsSI -m 10 -H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
		"http://127.0.0.1:$(hub_port)/v2/library/${1%%:*}/manifests/${1#*:}" 2>/dev/null |
		sed -n 's/^Docker-Content-Digest: *\(sha256:[0-9a-f]*\).*/\1/ip'
}

# hub_served FOLDER KEY: the registry serves each tag with the digest recorded
# when KEY was pushed.
hub_served() {
	local rec=$HUB_CACHE/$1.served ref dig
	[ -s "$rec" ] && [ "$(head -n 1 "$rec")" = "key $2" ] || return 1
	while read -r ref dig; do
		[ "$(hub_digest "$ref")" = "$dig" ] || return 1
	done < <(tail -n +2 "$rec")
}

# hub_image FOLDER: the engine's image the folder pushes.
hub_image() {
	case $1 in
	debian) echo debian:bookworm ;;
	busybox) echo busybox:latest ;;
	*) echo "jockey-hub/$1:${HUB_KEY[$1]}" ;;
	esac
}

# hub_need_local FOLDER: the folder's image is in the engine: built, or, when
# the registry serves it (a cache without the engine's data), pulled.
hub_need_local() {
	local f=$1 img from base ref t
	img=$(hub_image "$f")
	dk image inspect "$img" >/dev/null 2>&1 && return 0
	if hub_served "$f" "${HUB_KEY[$f]}"; then
		ref=127.0.0.1:$(hub_port)/library/$(sed -n '2{s/ .*//;p}' "$HUB_CACHE/$f.served")
		dk pull -q "$ref" >>"$LOG/hub.log" 2>&1 && dk tag "$ref" "$img" && dk rmi "$ref" >/dev/null 2>&1 && return 0
	fi
	from=$(hub_field "$f" 2)
	if [ "$from" = debian ]; then
		base=debian:bookworm
	else
		hub_need_local "$from"
		base=$(hub_image "$from")
	fi
	t=$(date +%s.%N)
	say "hub: building $f on $base (log: $LOG/hub-$f.log)"
	dk build --build-arg "BASE=$base" --build-arg "HUB_VERSION=${HUB_VERSION[$f]}" \
		--label "jockey-hub.key=${HUB_KEY[$f]}" -t "$img" "$HUB_SRC/$f" >"$LOG/hub-$f.log" 2>&1 ||
		die "hub: the build of $f failed; $(log_tail "$LOG/hub-$f.log")"
	HUB_BUILT="$HUB_BUILT $f"
	say "hub: built $f in $(since "$t")"
}

# hub_push FOLDER: push the folder's image under each of its tags, record the
# digests, and keep the registry's files of it in the cache.
hub_push() {
	local f=$1 img ref reg t rec
	img=$(hub_image "$f")
	reg=127.0.0.1:$(hub_port)/library
	t=$(date +%s.%N)
	rec=$HUB_CACHE/$f.served
	rm -f "$rec"
	for ref in ${HUB_TAGS[$f]}; do
		if ! { dk tag "$img" "$reg/$ref" && dk push -q "$reg/$ref" >>"$LOG/hub.log" 2>&1; }; then
			die "hub: push of $reg/$ref failed; $(log_tail "$LOG/hub.log")"
		fi
	done
	{
		echo "key ${HUB_KEY[$f]}"
		for ref in ${HUB_TAGS[$f]}; do
			echo "$ref $(hub_digest "$ref")"
		done
	} >"$rec.tmp"
	# the engine keeps the image under its own name only: the Hub names are
	# pulled through the mirror, and a digest under another name would show
	# in RepoDigests (which the tests compare with jockey's probe)
	for ref in ${HUB_TAGS[$f]}; do
		dk rmi "$reg/$ref" >/dev/null 2>&1 || true
	done
	mv "$rec.tmp" "$rec"
	for ref in $(tail -n +2 "$rec" | sed 's/:.*//' | sort -u); do
		hub_snapshot "$ref"
	done
	HUB_PUSHED="$HUB_PUSHED $f"
	say "hub: pushed $f as ${HUB_TAGS[$f]} in $(since "$t")"
}

# hub_snapshot REPO: the cache's copy of library/REPO: the tags the records
# name, their manifests and blobs (hard links: blobs are never rewritten).
hub_snapshot() {
	local r=$1 reg=$STATE/registry/docker/registry/v2 c=$HUB_CACHE/registry/docker/registry/v2
	local tmp rec ref dig d hex
	tmp=$c/repositories/library/.$r.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp/_layers/sha256" "$tmp/_manifests/revisions/sha256" "$tmp/_manifests/tags"
	for rec in "$HUB_CACHE"/*.served; do
		[ -s "$rec" ] || continue
		while read -r ref dig; do
			[ "${ref%%:*}" = "$r" ] || continue
			hex=${dig#sha256:}
			mkdir -p "$tmp/_manifests/tags/${ref#*:}/current" "$tmp/_manifests/tags/${ref#*:}/index/sha256/$hex" \
				"$tmp/_manifests/revisions/sha256/$hex"
			printf '%s' "$dig" >"$tmp/_manifests/tags/${ref#*:}/current/link"
			printf '%s' "$dig" >"$tmp/_manifests/tags/${ref#*:}/index/sha256/$hex/link"
			printf '%s' "$dig" >"$tmp/_manifests/revisions/sha256/$hex/link"
			for d in "$dig" $(grep -oE '"digest": *"sha256:[0-9a-f]{64}"' \
				"$reg/blobs/sha256/${hex:0:2}/$hex/data" | grep -oE 'sha256:[0-9a-f]{64}'); do
				hex=${d#sha256:}
				if [ "$d" != "$dig" ]; then
					mkdir -p "$tmp/_layers/sha256/$hex"
					printf '%s' "$d" >"$tmp/_layers/sha256/$hex/link"
				fi
				if [ ! -e "$c/blobs/sha256/${hex:0:2}/$hex/data" ]; then
					mkdir -p "$c/blobs/sha256/${hex:0:2}/$hex"
					ln -f "$reg/blobs/sha256/${hex:0:2}/$hex/data" "$c/blobs/sha256/${hex:0:2}/$hex/data"
				fi
			done
		done < <(tail -n +2 "$rec")
	done
	rm -rf "$c/repositories/library/$r"
	mv "$tmp" "$c/repositories/library/$r"
}

# hub_gc: remove the cached blobs no cached repository names.
hub_gc() {
	local c=$HUB_CACHE/registry/docker/registry/v2 hex
	[ -d "$c/blobs/sha256" ] || return 0
	comm -23 <(find "$c/blobs/sha256" -mindepth 2 -maxdepth 2 -type d -printf '%f\n' | sort) \
		<(find "$c/repositories" -name link -exec cat {} + 2>/dev/null | grep -oE '[0-9a-f]{64}' | sort -u) |
		while read -r hex; do
			rm -rf "${c:?}/blobs/sha256/${hex:0:2}/$hex"
		done
}

# hub_link_cache: give a registry about to start the hub's files from the
# cache: blobs as hard links, the small link files as copies (the registry
# rewrites those in place when a tag moves).
hub_link_cache() {
	local c=$HUB_CACHE/registry/docker/registry/v2 reg=$STATE/registry/docker/registry/v2
	[ -d "$c/repositories" ] || return 0
	mkdir -p "$reg"
	if ! { cp -alf "$c/blobs" "$reg/" && cp -a "$c/repositories" "$reg/"; }; then
		say "warning: cannot link the hub's cache into the registry; 'hub' pushes again"
	fi
}

# hub_ensure NAME...: make the named hub images current in the registry.
hub_ensure() {
	local f from t built pushed restored
	declare -gA HUB_KEY HUB_VERSION HUB_TAGS
	HUB_BUILT="" HUB_PUSHED="" HUB_RESTORED=""
	t=$(date +%s.%N)
	[ -s "$HUB_SRC/images" ] || die "no $HUB_SRC/images"
	mkdir -p "$HUB_CACHE"
	[ $# -gt 0 ] || set -- all
	for f in $(hub_folders "$@"); do
		from=$(hub_field "$f" 2)
		case $from in
		-)
			# the bed's own debian and busybox: keyed by their image id
			HUB_VERSION[$f]=
			# shellcheck disable=SC2046
			HUB_TAGS[$f]=$(hub_tags "" $(hub_line_tags "$f") | tr '\n' ' ')
			HUB_KEY[$f]=$(dk image inspect -f '{{.Id}}' "$(hub_image "$f")" | sed 's/^sha256://' | cut -c1-16)
			;;
		debian) hub_key "$f" "$(dk image inspect -f '{{json .RootFS.Layers}}' debian:bookworm)" ;;
		*) hub_key "$f" "${HUB_KEY[$from]}" ;;
		esac
		[ -n "${HUB_KEY[$f]}" ] || die "hub: no cache key for $f"
		hub_served "$f" "${HUB_KEY[$f]}" && continue
		# a tag the cache holds with this key but the registry serves no more
		# (a test pushed over it): the cache's files put it back
		if [ "$(sed -n 1p "$HUB_CACHE/$f.served" 2>/dev/null)" = "key ${HUB_KEY[$f]}" ]; then
			hub_link_cache
			if hub_served "$f" "${HUB_KEY[$f]}"; then
				HUB_RESTORED="$HUB_RESTORED $f"
				say "hub: restored the tags of $f from the cache"
				continue
			fi
		fi
		hub_need_local "$f"
		hub_push "$f"
	done
	# The builds leave the engine: the registry (and its cache) holds them, and
	# a pull of nginx:latest should fetch its layers from the registry, as on
	# a machine that never built it. A later build pulls the base it needs.
	dk images --format '{{.Repository}}:{{.Tag}}' | grep '^jockey-hub/' |
		xargs -r docker -H "$(engine_host)" rmi >/dev/null 2>&1 || true
	hub_gc
	built=$(echo "$HUB_BUILT" | wc -w)
	pushed=$(echo "$HUB_PUSHED" | wc -w)
	restored=$(echo "$HUB_RESTORED" | wc -w)
	say "hub ready in $(since "$t"): $built built, $pushed pushed, $restored restored," \
		"$(($(hub_folders "$@" | wc -l) - pushed - restored)) current (library/... on 127.0.0.1:$(hub_port))"
}

# --- users -------------------------------------------------------------------

USERS=$RUN/users

# proc_start PID: when PID started (field 22 of /proc/PID/stat), which tells
# a process from a later one that got the same PID.
proc_start() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null; }

# user_add: record our caller as a user of the bed.
user_add() {
	local st
	st=$(proc_start "$PPID") || return 0
	[ -n "$st" ] || return 0
	if mkdir -p "$USERS" 2>/dev/null; then
		echo "$st" >"$USERS/$PPID" 2>/dev/null || true
	fi
}

user_drop() { rm -f "$USERS/$PPID"; }

# users_alive: the PIDs of recorded users still running (dead ones are pruned).
users_alive() {
	local f pid
	for f in "$USERS"/*; do
		[ -e "$f" ] || continue
		pid=${f##*/}
		if [ "$(proc_start "$pid")" = "$(cat "$f" 2>/dev/null)" ]; then
			echo "$pid"
		else
			rm -f "$f"
		fi
	done
	return 0
}

# watch_users: launch (once) the watcher that stops the bed when its users are gone.
watch_users() {
	if pid_ours "$RUN/watcher.pid"; then
		return
	fi
	JOCKEY_TEST_STATE=$STATE launch "$RUN/watcher.pid" "$LOG/watcher.log" \
		"$(readlink -f "$0")" stop-when-unused "$STATE/"
}

cmd_stop_when_unused() {
	while :; do
		sleep 1
		lock
		[ -e "$RUN" ] || exit 0
		[ -n "$(users_alive)" ] || break
		exec 9>&-
	done
	rm -f "$RUN/watcher.pid"
	say "last user gone; stopping"
	stop_now
}

# --- subcommands -------------------------------------------------------------

lock() {
	mkdir -p "$STATE"
	exec 9>"$STATE/lock"
	flock -w 900 9 || die "another start/stop holds $STATE/lock for 15 minutes"
}

# running_engine: the engine line ("private URL" or "external URL") of the bed.
running_engine() { cat "$RUN/engine" 2>/dev/null; }

is_running() {
	local kind host
	read -r kind host < <(running_engine) || return 1
	[ -s "$ENV_FILE" ] || return 1
	if [ "$kind" = private ]; then
		pid_ours "$RUN/dockerd.pid" || return 1
	fi
	engine_answers "$host" || return 1
	pid_ours "$RUN/registry.pid" || return 1
	pid_ours "$RUN/gitd.pid" || return 1
}

cmd_start() {
	local kind host want
	if [ ${#STATE} -gt 60 ]; then
		die "state folder '$STATE' is too long (${#STATE} > 60 characters) for the unix sockets below it"
	fi
	lock
	mkdir -p "$RUN" "$LOG" "$CACHE" "$STATE/git" "$STATE/tmp"
	if read -r kind host < <(running_engine); then
		want=$(engine_host)
		if [ "$host" != "$want" ] && { is_running || pid_ours "$RUN/dockerd.pid"; }; then
			die "a bed on engine '$host' is up in $STATE; stop it before starting one on '$want' (or set JOCKEY_TEST_STATE)"
		fi
	fi
	if pid_ours "$RUN/watcher.pid"; then
		kill_wait 5 "$(cat "$RUN/watcher.pid")"
		say "cancelled the stop that waited for the last user"
	fi
	ensure_packages
	# the registry first: the engine names it as its mirror
	ensure_registry
	ensure_engine
	ensure_images
	ensure_gitd
	write_env
	user_add
	if [ -n "${JOCKEY_TEST_HUB_IMAGES:-}" ]; then
		# shellcheck disable=SC2086
		hub_ensure $JOCKEY_TEST_HUB_IMAGES
	fi
	say "ready in $(since "$T0"); eval \"\$($0 env)\" or . $ENV_FILE"
}

cmd_stop() {
	local others
	lock
	user_drop
	if [ "${1:-}" != --force ]; then
		others=$(users_alive)
		if [ -n "$others" ]; then
			watch_users
			say "still used by pid(s) ${others//$'\n'/ }; it stops when they have exited (stop --force stops it now)"
			return 0
		fi
	fi
	stop_now
}

# stop_now: stop everything start started; the caller holds the lock.
stop_now() {
	local kind="" host="" pids
	if [ -s "$RUN/bridge" ]; then
		BRIDGE=$(cat "$RUN/bridge")
		RULE_TAG=jockey-testbed:$BRIDGE
	fi
	if pid_ours "$RUN/watcher.pid" && [ "$(cat "$RUN/watcher.pid")" != $$ ]; then
		kill_wait 5 "$(cat "$RUN/watcher.pid")"
	fi
	read -r kind host < <(running_engine) || true
	if pid_ours "$RUN/gitd.pid"; then
		kill_wait 10 "$(cat "$RUN/gitd.pid")"
		say "git daemon stopped"
	fi
	if pid_ours "$RUN/registry.pid"; then
		kill_wait 10 "$(cat "$RUN/registry.pid")"
		say "registry stopped"
	fi
	if pid_ours "$RUN/dockerd.pid"; then
		need_root "stopping the private dockerd"
		kill_wait "$STOP_TIMEOUT" "$(cat "$RUN/dockerd.pid")"
		say "engine stopped"
	fi
	# the containers, containerd and shims of our dockerd, should it have died
	# or been killed
	reap_containers
	pids=$(our_orphans)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill_wait 10 $pids
	fi
	unmount_under "$EXEC_ROOT"
	unmount_under "$STATE/docker"
	if [ "$kind" = private ] || [ -e "$RUN/bridge" ]; then
		remove_network_bridges
		fw_del
		if [ -e "/sys/class/net/$BRIDGE" ] && { [ -z "$(bridge_owner)" ] || [ "$(bridge_owner)" = "$STATE" ]; }; then
			ip link del "$BRIDGE" || say "cannot remove bridge '$BRIDGE'"
		fi
	fi
	[ "$kind" != external ] || say "engine $host left running (not ours)"
	# registry storage and served repositories are test data, not caches
	rm -rf --one-file-system "$RUN" "$STATE/tmp" "$STATE/registry" "$STATE/git"
	rm -f "$SOCK" "$ENV_FILE"
	say "stopped in $(since "$T0")"
}

cmd_status() {
	local kind="" host=""
	echo "state:    $STATE"
	if ! read -r kind host < <(running_engine); then
		echo "bed:      not started"
		return 1
	fi
	if engine_answers "$host"; then
		echo "engine:   $kind $host (up, $(docker -H "$host" version --format '{{.Server.Version}}' 2>/dev/null))"
	else
		echo "engine:   $kind $host (DOWN)"
	fi
	if pid_ours "$RUN/registry.pid"; then
		echo "registry: 127.0.0.1:$(registry_port) (pid $(cat "$RUN/registry.pid"))"
	else
		echo "registry: DOWN"
	fi
	if pid_ours "$RUN/gitd.pid"; then
		echo "git:      git://127.0.0.1:$(git_port) from $STATE/git (pid $(cat "$RUN/gitd.pid"))"
	else
		echo "git:      DOWN"
	fi
	echo "hub:      $(for f in "$HUB_CACHE"/*.served; do [ -s "$f" ] && basename "$f" .served; done 2>/dev/null | tr '\n' ' ')(cached; tests/testbed.sh hub)"
	echo "caches:   $(du -sh "$CACHE" "$STATE/docker" 2>/dev/null | awk '{ printf "%s %s  ", $2, $1 }')"
	echo "users:    $(users_alive | tr '\n' ' ')"
	if is_running; then
		echo "bed:      running"
	else
		echo "bed:      not running"
		return 1
	fi
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop "${2:-}" ;;
stop-when-unused) cmd_stop_when_unused ;;
running)
	# wait for a start or stop in progress, then count the caller as a user
	[ -e "$RUN" ] || exit 1
	lock
	is_running
	user_add
	;;
env)
	is_running || die "no test bed is running in $STATE (tests/testbed.sh start)"
	cat "$ENV_FILE"
	;;
status) cmd_status ;;
kill-engine)
	lock
	kill_engine
	;;
restart-engine)
	lock
	kill_engine
	start_private_engine
	;;
hub)
	shift
	is_running || die "no test bed is running in $STATE (tests/testbed.sh start)"
	lock
	hub_ensure "$@"
	;;
*)
	echo "usage: $0 start|running|env|hub [IMAGE...]|stop [--force]|status|kill-engine|restart-engine" >&2
	exit 2
	;;
esac
