#!/bin/sh
# kv.sh HOST PORT [OPS]: the same SET and GET load on a redis or a memcached
# server, each measured with its own load generator (Debian has no client
# that speaks both: memtier_benchmark is not packaged):
#
#   redis      redis-benchmark -c 50 -n OPS -r 51200 -d 32 -t set,get
#              (keys "key:" and 12 digits: 16 bytes)
#   memcached  memaslap -T 1 -c 50 -x OPS, a SET-only then a GET-only
#              configuration (16-byte keys, 32-byte values), window 1k a
#              connection (its smallest: 51200 keys); the GET run first
#              stores its window, untimed, which memaslap still counts in
#              its Ops and TPS: the rate of a command is cmd_X * TPS / Ops
#
# Both clients are one thread with 50 connections, one request in flight on
# each. Waits up to 60 s for the port (the pair has no readiness check: the
# two servers listen on different ports). OPS defaults to 200000. Prints the
# tool's own output, then one line:
#
#   kv: server=redis set_per_s=41234.56 get_per_s=45678.90
set -eu

case ${1:-} in '' | -h | --help)
	echo "usage: kv.sh HOST PORT [OPS]" >&2
	exit 2
	;;
esac
host=$1
port=${2:?usage: kv.sh HOST PORT [OPS]}
ops=${3:-200000}

# the server's first answer: redis says +PONG to PING, memcached ERROR
i=0
while :; do
	answer=$(timeout 2 redis-cli -h "$host" -p "$port" ping 2>&1 || true)
	case $answer in
	PONG) kind=redis; break ;;
	*ERR*unknown* | *ERROR* | *"Protocol error"* | *"I/O error"*) kind=memcached; break ;;
	esac
	i=$((i + 1))
	[ $i -lt 600 ] || { echo "kv.sh: no server on $host:$port after 60 s ($answer)" >&2; exit 1; }
	sleep 0.1
done

# rate CMD: memaslap's output on stdin -> CMD's operations a second.
rate() {
	awk -v c="$1:" '$1 == c { n = $2 } /TPS:/ { for (i = 1; i < NF; i++) { if ($i == "Ops:") ops = $(i + 1); if ($i == "TPS:") tps = $(i + 1) } }
		END { if (ops > 0 && n != "") printf "%.2f\n", n * tps / ops }'
}

case $kind in
redis)
	out=$(redis-benchmark -h "$host" -p "$port" -c 50 -n "$ops" -r 51200 -d 32 -t set,get --csv)
	echo "$out"
	set_rate=$(echo "$out" | awk -F'"' '$2 == "SET" { print $4 }')
	get_rate=$(echo "$out" | awk -F'"' '$2 == "GET" { print $4 }')
	;;
memcached)
	cfg=$(mktemp -d)
	printf 'key\n16 16 1\nvalue\n32 32 1\ncmd\n0 1\n1 0\n' >"$cfg/set"
	printf 'key\n16 16 1\nvalue\n32 32 1\ncmd\n0 0\n1 1\n' >"$cfg/get"
	set_out=$(memcaslap -s "$host:$port" -T 1 -c 50 -w 1k -x "$ops" -F "$cfg/set")
	echo "$set_out"
	get_out=$(memcaslap -s "$host:$port" -T 1 -c 50 -w 1k -x "$ops" -F "$cfg/get")
	echo "$get_out"
	rm -rf "$cfg"
	set_rate=$(echo "$set_out" | rate cmd_set)
	get_rate=$(echo "$get_out" | rate cmd_get)
	;;
esac
[ -n "$set_rate" ] && [ -n "$get_rate" ] || { echo "kv.sh: no rate in the $kind client's output" >&2; exit 1; }
echo "kv: server=$kind set_per_s=$set_rate get_per_s=$get_rate"
