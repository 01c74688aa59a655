#!/bin/sh
# Builds one of the widget's extra builds beside trunk's own (Genesys) one, into a trunk
# staging directory, as crm-call-widget-NAME-<hash>.js and crm-call-widget-NAME-<hash>_bg.wasm,
# and prints that name stem. The loader fetches a build by the widget's configuration:
#   ozonetel          features `ozonetel`: Ozonetel alone (no GWS, no CometD, no call controls)
#   genesys-ozonetel  features `genesys,ozonetel-dispositions`: Genesys telephony with
#                     dispositions recorded at Ozonetel
# Run by scripts/stamp-loader.sh (trunk's post-build hook), in trunk's profile.
#   scripts/extra-build.sh STAGING_DIR release|debug NAME FEATURES
set -eu
dir="$1"
profile="$2"
name="$3"
features="$4"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
release=""
[ "$profile" = release ] && release="--release"
# The same target directory as trunk's build: only the widget's own crate is rebuilt.
(cd "$root" && cargo build $release --offline --quiet --target wasm32-unknown-unknown --lib \
  --no-default-features --features "$features") >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="crm-call-widget-$name"
wasm-bindgen --target web --out-dir "$work" --out-name "$out" \
  "$target/wasm32-unknown-unknown/$profile/ccw.wasm" >&2
if [ "$profile" = release ]; then
  # As trunk does for its build (Trunk.toml, index.html: data-wasm-opt, data-wasm-opt-params).
  wasm-opt -Oz -Oz --gufa -Oz --one-caller-inline-max-function-size=20 --reorder-functions-by-name --low-memory-unused --strip-producers --strip-target-features "$work/${out}_bg.wasm" -o "$work/opt.wasm" >&2
  mv "$work/opt.wasm" "$work/${out}_bg.wasm"
fi
if command -v sha256sum >/dev/null; then sum="sha256sum"; else sum="shasum -a 256"; fi
hash=$(cat "$work/${out}_bg.wasm" "$work/$out.js" | $sum | cut -c1-16)
stem="$out-$hash"
cp "$work/$out.js" "$dir/$stem.js"
cp "$work/${out}_bg.wasm" "$dir/${stem}_bg.wasm"
echo "$stem"
