#!/bin/sh
# Listen on [::]:80 too when the container has IPv6 and the default server
# is the image's own (untouched, and writable).
set -e
ME=$(basename "$0")
conf=/etc/nginx/conf.d/default.conf

[ -e /proc/net/if_inet6 ] || { echo "$ME: info: ipv6 not available" >&3; exit 0; }
[ -w "$conf" ] || { echo "$ME: info: $conf is not writable" >&3; exit 0; }
grep -q 'listen  *\[::\]:80;' "$conf" && { echo "$ME: info: IPv6 listen already enabled" >&3; exit 0; }
grep -q '^    listen       80;$' "$conf" || { echo "$ME: info: $conf differs from the image's; leaving it" >&3; exit 0; }
sed -i 's/^    listen       80;$/    listen       80;\n    listen  [::]:80;/' "$conf"
echo "$ME: info: Enabled listen on IPv6 in $conf" >&3
