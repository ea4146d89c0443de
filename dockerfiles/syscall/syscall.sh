#!/bin/sh
# syscall.sh [SECONDS]: UnixBench's process and file tests, as shell loops
# that any POSIX userland runs (busybox's applets as well as GNU's), so that
# the rates compare the image's shell, tools, C library and linking:
#
#   spawn     ( : ) in a loop: the shell forks, the child exits, it waits
#   execl     the script execs sh on itself, 100 times a chain (as
#             UnixBench's execl execs itself): exec, the loader, shell start
#   pipe      dd of 512-byte blocks through a pipe into dd: MB/s
#   ctxsw     two shells pass a line back and forth over two FIFOs:
#             round trips a second (each is two switches)
#   copy      dd copies a 16 MiB file with 1 KiB buffers (UnixBench's
#             fstime): MB/s through the page cache
#
# Each test runs for SECONDS (default 3), then one line says all:
#
#   syscall: spawn_per_s=2400.00 execl_per_s=900.00 pipe_mb_per_s=250.00 ctxsw_per_s=9000.00 copy_mb_per_s=400.00
#
# Time comes from /proc/uptime (centiseconds), read without a fork.
set -eu

# the execl chain: exec again until the count is spent
if [ "${1:-}" = --execl ]; then
	if [ "$2" -gt 0 ]; then
		exec sh "$0" --execl $(($2 - 1))
	fi
	exit 0
fi

secs=${1:-3}
case $secs in '' | *[!0-9]*) echo "syscall.sh: SECONDS must be a whole number, not '$secs'" >&2; exit 2 ;; esac
tmp=${TMPDIR:-/tmp}/syscall.$$
mkdir -p "${TMPDIR:-/tmp}"
mkdir "$tmp"
trap 'rm -rf "$tmp"' EXIT

# tick: NOW = centiseconds since boot (no subshell)
tick() {
	read -r up _ </proc/uptime
	NOW=$((${up%.*} * 100 + 1${up#*.} - 100))
}

# rate COUNT CENTISECONDS [MUL DIV]: COUNT * MUL / DIV a second, as N.NN
rate() {
	r=$(($1 * ${3:-1} * 10000 / (${4:-1} * $2)))
	printf '%d.%02d' $((r / 100)) $((r % 100))
}

# spawn
n=0
tick
start=$NOW end=$((NOW + secs * 100))
while [ "$NOW" -lt "$end" ]; do
	i=0
	while [ $i -lt 50 ]; do
		(:)
		i=$((i + 1))
	done
	n=$((n + 50))
	tick
done
spawn=$(rate $n $((NOW - start)))

# execl: chains of 100 execs
n=0
tick
start=$NOW end=$((NOW + secs * 100))
while [ "$NOW" -lt "$end" ]; do
	sh "$0" --execl 100
	n=$((n + 101))
	tick
done
execl=$(rate $n $((NOW - start)))

# pipe: 20000 blocks of 512 bytes a round (10.24 MB)
n=0
tick
start=$NOW end=$((NOW + secs * 100))
while [ "$NOW" -lt "$end" ]; do
	dd if=/dev/zero bs=512 count=20000 2>/dev/null | dd of=/dev/null bs=512 2>/dev/null
	n=$((n + 1))
	tick
done
# MB (10^6 bytes) a second: 10.24 MB a round
pipe=$(rate $n $((NOW - start)) 1024 100)

# ctxsw: a line there and back over two FIFOs
mkfifo "$tmp/ping" "$tmp/pong"
(
	exec 3<"$tmp/ping" 4>"$tmp/pong"
	while read -r x <&3; do
		[ "$x" != q ] || break
		echo "$x" >&4
	done
) &
peer=$!
exec 5>"$tmp/ping" 6<"$tmp/pong"
n=0
tick
start=$NOW end=$((NOW + secs * 100))
while [ "$NOW" -lt "$end" ]; do
	i=0
	while [ $i -lt 50 ]; do
		echo 1 >&5
		read -r y <&6
		i=$((i + 1))
	done
	n=$((n + 50))
	tick
done
ctxsw=$(rate $n $((NOW - start)))
echo q >&5
exec 5>&- 6<&-
wait $peer

# copy: 16 MiB in 1 KiB blocks, then copied again and again
dd if=/dev/zero of="$tmp/src" bs=1024 count=16384 2>/dev/null
n=0
tick
start=$NOW end=$((NOW + secs * 100))
while [ "$NOW" -lt "$end" ]; do
	dd if="$tmp/src" of="$tmp/dst" bs=1024 2>/dev/null
	n=$((n + 1))
	tick
done
# 16 MiB = 16.777 MB a copy
copy=$(rate $n $((NOW - start)) 16777 1000)

echo "syscall: spawn_per_s=$spawn execl_per_s=$execl pipe_mb_per_s=$pipe ctxsw_per_s=$ctxsw copy_mb_per_s=$copy"
