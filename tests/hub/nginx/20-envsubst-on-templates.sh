#!/bin/sh
# /etc/nginx/templates/NAME.template -> /etc/nginx/conf.d/NAME, with the
# environment's variables (only those defined, so nginx's own $vars stay)
# substituted. NGINX_ENVSUBST_TEMPLATE_DIR, _SUFFIX and
# NGINX_ENVSUBST_OUTPUT_DIR change the folders and the suffix.
set -e
ME=$(basename "$0")
dir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
out=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}

[ -d "$dir" ] || exit 0
if [ ! -w "$out" ]; then
	echo "$ME: ERROR: $dir exists, but $out is not writable" >&3
	exit 0
fi
vars=$(printf '${%s} ' $(env | cut -d= -f1))
find "$dir" -follow -type f -name "*$suffix" -print | while read -r t; do
	rel=${t#"$dir/"}
	dest=$out/${rel%"$suffix"}
	mkdir -p "$(dirname "$dest")"
	echo "$ME: Running envsubst on $t to $dest" >&3
	envsubst "$vars" <"$t" >"$dest"
done
