#!/bin/sh
# docker-entrypoint.sh: the official memcached image's contract: an option as
# the first argument runs memcached with it.
set -e
case ${1:-} in
-*) set -- memcached "$@" ;;
esac
exec "$@"
