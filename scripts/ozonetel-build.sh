#!/bin/sh
# Builds the Ozonetel-only widget (Cargo features: `ozonetel` alone — no GWS, no CometD, no
# call controls) into a trunk staging directory, beside trunk's own Genesys build, as
# crm-call-widget-ozonetel-<hash>.js and crm-call-widget-ozonetel-<hash>_bg.wasm, and
# prints that name stem. The loader fetches it for widgets whose telephony is "ozonetel".
# Run by scripts/stamp-loader.sh (trunk's post-build hook), in trunk's profile.
#   scripts/ozonetel-build.sh STAGING_DIR [release|debug]
set -eu
dir="$1"
profile="${2:-debug}"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
release=""
[ "$profile" = release ] && release="--release"
# The same target directory as trunk's build: only the widget's own crate is rebuilt.
(cd "$root" && cargo build $release --offline --quiet --target wasm32-unknown-unknown --lib \
  --no-default-features --features ozonetel) >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-bindgen --target web --out-dir "$work" --out-name crm-call-widget-ozonetel \
  "$target/wasm32-unknown-unknown/$profile/ccw.wasm" >&2
if [ "$profile" = release ]; then
  # As trunk does for its build (Trunk.toml, index.html: data-wasm-opt, data-wasm-opt-params).
  wasm-opt -Oz -Oz --low-memory-unused --strip-producers --strip-target-features "$work/crm-call-widget-ozonetel_bg.wasm" -o "$work/opt.wasm" >&2
  mv "$work/opt.wasm" "$work/crm-call-widget-ozonetel_bg.wasm"
fi
if command -v sha256sum >/dev/null; then sum="sha256sum"; else sum="shasum -a 256"; fi
hash=$(cat "$work/crm-call-widget-ozonetel_bg.wasm" "$work/crm-call-widget-ozonetel.js" | $sum | cut -c1-16)
stem="crm-call-widget-ozonetel-$hash"
cp "$work/crm-call-widget-ozonetel.js" "$dir/$stem.js"
cp "$work/crm-call-widget-ozonetel_bg.wasm" "$dir/${stem}_bg.wasm"
echo "$stem"
