#!/bin/sh
# docker-entrypoint.sh: the official redis image's contract. An option or a
# config file as the first argument runs redis-server with it; redis-server
# started as root gets the files of its working folder (/data) and runs as
# the user redis.
set -e

case ${1:-} in
-* | *.conf) set -- redis-server "$@" ;;
esac

if [ "${1:-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec gosu redis "$0" "$@"
fi

# The official build turns protected mode off by default; Debian's keeps it
# on, which refuses clients from other containers. Say "no" unless the
# command line or the config file says something.
if [ "${1:-}" = redis-server ]; then
	set_here=
	for a in "$@"; do
		case $a in *protected-mode*) set_here=1 ;; esac
	done
	case ${2:-} in
	*.conf) grep -qE '^[[:space:]]*protected-mode' "$2" 2>/dev/null && set_here=1 ;;
	esac
	[ -n "$set_here" ] || set -- "$@" --protected-mode no
fi

umask 0077
exec "$@"
