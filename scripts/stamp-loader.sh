#!/bin/sh
# Trunk post-build hook: writes the content-hashed module and wasm names into the
# stable-named loader (crm-call-widget.js), so hosts include one fixed URL while the
# heavy files stay cacheable forever.
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk}"
module=$(cd "$dir" && ls crm-call-widget-*.js | grep -v "_bg" | head -n 1)
wasm=$(cd "$dir" && ls crm-call-widget-*_bg.wasm | head -n 1)
[ -n "$module" ] && [ -n "$wasm" ] || { echo "stamp-loader: no widget module in $dir" >&2; exit 1; }
sed -i -e "s/__CCW_MODULE__/$module/" -e "s/__CCW_WASM__/$wasm/" "$dir/crm-call-widget.js"
# trunk leaves its own <link data-trunk rel="rust"> tag in the page; a host page has none.
sed -i '/data-trunk/d' "$dir/index.html"
# Compressed copies beside each file (.gz, .br), for servers that send them as they are.
node "$(dirname "$0")/compress.mjs" "$dir"
