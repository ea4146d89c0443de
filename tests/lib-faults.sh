# lib-faults.sh: helpers of the fault-injection scripts (t0970, t0975),
# sourced after lib.sh.

# leftovers DIR: the containers and networks labelled with results folder DIR
leftovers() {
	docker ps -aq --filter "label=jockey.dir=$1"
	docker network ls -q --filter "label=jockey.dir=$1"
}

# retry CMD...: until CMD succeeds, 60 s at most
retry() {
	i=0
	until "$@"; do
		[ $i -lt 600 ] || { echo "gave up waiting for: $*" >&2; return 1; }
		sleep 0.1; i=$((i + 1))
	done
}

# samples_of RESULTS_JSON: "STATUS N" of the one cell's value metric
samples_of() {
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["cells"][0]; print(c["status"], len(c["metrics"].get("value", {}).get("samples", [])))' "$1"
}

# dead PID: PID has exited (gone, or a zombie its parent has not reaped yet);
# kill -9 returns before its target is dead, and on a loaded machine a check
# right after it can still find the process running
dead() {
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d " " -f 1)
	[ -z "$st" ] || [ "$st" = Z ]
}

# kill_session PID: SIGKILL every process group of PID's session (jockey,
# ninja and each edge, which ninja puts in a group of its own)
kill_session() {
	sid=$(ps -o sid= -p "$1" | tr -d " ")
	for g in $(ps -e -o sid=,pgid= | awk -v s="$sid" '$1 == s { print $2 }' | sort -u); do
		kill -9 -"$g" 2>/dev/null || :
	done
}

# $TRASH/badserver.py MODE: an HTTP server on 127.0.0.1 (its port on the
# first line of its output) that accepts and never answers (MODE hang) or
# answers 500 (MODE 500): a git server or a registry gone bad
cat >"$TRASH/badserver.py" <<-\EOF
	import socket, sys
	s = socket.socket()
	s.bind(("127.0.0.1", 0))
	s.listen(16)
	print(s.getsockname()[1], flush=True)
	held = []
	while True:
	    c, _ = s.accept()
	    if sys.argv[1] == "hang":
	        held.append(c)
	        continue
	    c.recv(65536)
	    c.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops\n")
	    c.close()
EOF
