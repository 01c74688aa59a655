#!/bin/sh
# Trunk post-build hook: builds the widget's two other builds (Ozonetel alone; Genesys with
# dispositions at Ozonetel) beside trunk's (Genesys) one, and writes the content-hashed
# module and wasm names of all three into the stable-named loader
# (crm-call-widget.js), so hosts include one fixed URL while the heavy files stay
# cacheable forever. The Hindi half of the catalog (www/i18n/hi.json,
# generated from src/i18n.rs) is copied beside them under a content-hashed name too: the
# loader fetches it only for a Hindi widget.
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk}"
# trunk's build is the Genesys one (index.html: data-cargo-features="genesys,genesys-dispositions").
module=$(cd "$dir" && ls crm-call-widget-*.js | grep -v "_bg" | head -n 1)
wasm=$(cd "$dir" && ls crm-call-widget-*_bg.wasm | head -n 1)
[ -n "$module" ] && [ -n "$wasm" ] || { echo "stamp-loader: no widget module in $dir" >&2; exit 1; }
# The other builds beside it.
profile="${TRUNK_PROFILE:-debug}"
ozonetel=$(sh "$(dirname "$0")/extra-build.sh" "$dir" "$profile" ozonetel ozonetel)
genesys_ozonetel=$(sh "$(dirname "$0")/extra-build.sh" "$dir" "$profile" genesys-ozonetel genesys,ozonetel-dispositions)
hindi_src="$(dirname "$0")/../www/i18n/hi.json"
[ -s "$hindi_src" ] || { echo "stamp-loader: no Hindi catalog at $hindi_src" >&2; exit 1; }
if command -v sha256sum >/dev/null; then sum=$(sha256sum "$hindi_src"); else sum=$(shasum -a 256 "$hindi_src"); fi
hindi="crm-call-widget-hi-$(printf '%s' "$sum" | cut -c1-16).json"
cp "$hindi_src" "$dir/$hindi"
sed -i -e "s/__CCW_MODULE__/$module/" -e "s/__CCW_WASM__/$wasm/" -e "s/__CCW_HI__/$hindi/" \
  -e "s/__CCW_OZONETEL_MODULE__/$ozonetel.js/" -e "s/__CCW_OZONETEL_WASM__/${ozonetel}_bg.wasm/" \
  -e "s/__CCW_GENESYS_OZONETEL_MODULE__/$genesys_ozonetel.js/" -e "s/__CCW_GENESYS_OZONETEL_WASM__/${genesys_ozonetel}_bg.wasm/" \
  "$dir/crm-call-widget.js"
# trunk leaves its own <link data-trunk rel="rust"> tag in the page; a host page has none.
sed -i '/data-trunk/d' "$dir/index.html"
# A release build: short import and export names in each build (wasm and module alike), its
# functions ordered for the compressors (body-order.mjs), then its JavaScript minified (the
# loader and each build's module).
if [ "$profile" = release ]; then
  node "$(dirname "$0")/short-names.mjs" "$dir" "${module%.js}"
  node "$(dirname "$0")/short-names.mjs" "$dir" "$ozonetel"
  node "$(dirname "$0")/short-names.mjs" "$dir" "$genesys_ozonetel"
  for stem in "${module%.js}" "$ozonetel" "$genesys_ozonetel"; do
    node "$(dirname "$0")/body-order.mjs" "$dir/${stem}_bg.wasm"
  done
  node "$(dirname "$0")/minify.mjs" "$dir"
fi
# Compressed copies beside each file (.gz, .br), for servers that send them as they are.
node "$(dirname "$0")/compress.mjs" "$dir"
