#!/bin/bash
# docker-entrypoint.sh: the official postgres image's contract, written anew
# for the test bed. "postgres" (or an option, which runs postgres with it)
# started as root makes PGDATA and the socket folder postgres's and runs
# again as postgres; as postgres, an empty PGDATA is initialised first:
#   POSTGRES_PASSWORD        the superuser's password (required unless
#                            POSTGRES_HOST_AUTH_METHOD=trust)
#   POSTGRES_USER            the superuser (postgres)
#   POSTGRES_DB              a database made for it (POSTGRES_USER)
#   POSTGRES_INITDB_ARGS     more initdb arguments
#   POSTGRES_HOST_AUTH_METHOD  pg_hba's method for "host all all all"
#                            (scram-sha-256)
# Each may be given as VAR_FILE, a file holding the value (Docker secrets).
# Then /docker-entrypoint-initdb.d/*.sh are run (or sourced when not
# executable) and *.sql, *.sql.gz are fed to psql, against a server that
# listens on the unix socket only, which is stopped before the real start.
set -Eeo pipefail

# file_env VAR [DEFAULT]: set VAR from VAR or from the file VAR_FILE names.
file_env() {
	local var=$1 file=${1}_FILE def=${2:-} val
	if [ -n "${!var:-}" ] && [ -n "${!file:-}" ]; then
		echo >&2 "error: both $var and $file are set (but are exclusive)"
		exit 1
	fi
	val=$def
	if [ -n "${!var:-}" ]; then
		val=${!var}
	elif [ -n "${!file:-}" ]; then
		val=$(<"${!file}")
	fi
	export "$var"="$val"
	unset "$file"
}

# wants_help ARGS: postgres was asked for its version or help, not to serve.
wants_help() {
	local a
	for a; do
		case $a in
		-'?' | --help | --describe-config | -V | --version) return 0 ;;
		esac
	done
	return 1
}

setup_env() {
	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER postgres
	file_env POSTGRES_DB "$POSTGRES_USER"
	file_env POSTGRES_INITDB_ARGS
	: "${POSTGRES_HOST_AUTH_METHOD:=}"
	DATABASE_EXISTS=
	[ -s "$PGDATA/PG_VERSION" ] && DATABASE_EXISTS=1
	return 0
}

make_dirs() {
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	mkdir -p /var/run/postgresql || :
	chmod 03775 /var/run/postgresql || :
	if [ "$(id -u)" = 0 ]; then
		find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
		find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	fi
}

check_env() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		cat >&2 <<-'MSG'
		Error: Database is uninitialized and superuser password is not specified.
		       Set POSTGRES_PASSWORD to a non-empty value for the superuser, for
		       example "-e POSTGRES_PASSWORD=password" on "docker run", or
		       POSTGRES_HOST_AUTH_METHOD=trust to allow every connection
		       without a password (only for tests).
		MSG
		exit 1
	fi
	if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
		echo "WARNING: POSTGRES_HOST_AUTH_METHOD=trust: every connection is allowed without a password" >&2
	fi
}

init_database() {
	local pwfile
	pwfile=$(mktemp)
	printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
	# shellcheck disable=SC2086
	initdb --username="$POSTGRES_USER" --pwfile="$pwfile" $POSTGRES_INITDB_ARGS
	rm -f "$pwfile"
	printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >>"$PGDATA/pg_hba.conf"
}

# psql_run [DB [PSQL-ARGS...]]: psql as the superuser, SQL on stdin.
psql_run() {
	local db=${1:-$POSTGRES_DB}
	if [ $# -gt 0 ]; then shift; fi
	PGPASSWORD=$POSTGRES_PASSWORD psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc \
		--username "$POSTGRES_USER" --dbname "$db" "$@"
}

init_files() {
	local f
	for f in /docker-entrypoint-initdb.d/*; do
		case $f in
		*.sh)
			if [ -x "$f" ]; then
				echo "$0: running $f"
				"$f"
			else
				echo "$0: sourcing $f"
				# shellcheck disable=SC1090
				. "$f"
			fi
			;;
		*.sql) echo "$0: running $f"; psql_run <"$f" ;;
		*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | psql_run ;;
		*) [ ! -e "$f" ] || echo "$0: ignoring $f" ;;
		esac
	done
}

if [ "${1:0:1}" = - ]; then
	set -- postgres "$@"
fi

if [ "$1" = postgres ] && ! wants_help "$@"; then
	setup_env
	make_dirs
	if [ "$(id -u)" = 0 ]; then
		exec gosu postgres "${BASH_SOURCE[0]}" "$@"
	fi
	if [ -z "$DATABASE_EXISTS" ]; then
		check_env
		init_database
		pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
		if [ "$POSTGRES_DB" != postgres ]; then
			echo "CREATE DATABASE :\"db\";" | psql_run postgres -v db="$POSTGRES_DB"
		fi
		init_files
		pg_ctl -D "$PGDATA" -m fast -w stop
		echo
		echo 'PostgreSQL init process complete; ready for start up.'
		echo
	else
		echo
		echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
		echo
	fi
fi

exec "$@"
