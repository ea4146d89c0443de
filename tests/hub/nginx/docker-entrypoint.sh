#!/bin/sh
# docker-entrypoint.sh: the official nginx image's contract. When the command
# is nginx (or nginx-debug), run the executable *.sh and source the *.envsh
# in /docker-entrypoint.d/ in order, then exec the command.
# NGINX_ENTRYPOINT_QUIET_LOGS=1 silences the messages.
set -e

if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
	exec 3>&1
else
	exec 3>/dev/null
fi

entrypoint_log() { echo "$0: $*" >&3; }

if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
	if [ -n "$(find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -type f -print -quit 2>/dev/null)" ]; then
		entrypoint_log "/docker-entrypoint.d/ is not empty, will attempt to perform configuration"
		entrypoint_log "Looking for shell scripts in /docker-entrypoint.d/"
		for f in $(find /docker-entrypoint.d/ -follow -type f -print | sort -V); do
			case $f in
			*.envsh)
				if [ -x "$f" ]; then
					entrypoint_log "Sourcing $f"
					. "$f"
				else
					entrypoint_log "Ignoring $f, not executable"
				fi
				;;
			*.sh)
				if [ -x "$f" ]; then
					entrypoint_log "Launching $f"
					"$f"
				else
					entrypoint_log "Ignoring $f, not executable"
				fi
				;;
			*) entrypoint_log "Ignoring $f" ;;
			esac
		done
		entrypoint_log "Configuration complete; ready for start up"
	else
		entrypoint_log "No files found in /docker-entrypoint.d/, skipping configuration"
	fi
fi

exec "$@"
