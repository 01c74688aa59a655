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
# The wasm-opt passes of trunk's build, as index.html gives them.
wasm_opt_params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' "$root/index.html")
[ -n "$wasm_opt_params" ] || { echo "extra-build: no data-wasm-opt-params in index.html" >&2; exit 1; }
# The same target directory as trunk's build: only the widget's own crate is rebuilt.
(cd "$root" && cargo build $release --offline --quiet --target wasm32-unknown-unknown --lib \
  --no-default-features --features "$features") >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="crm-call-widget-$name"
wasm-bindgen --target web --out-dir "$work" --out-name "$out" \
  "$target/wasm32-unknown-unknown/$profile/ccw.wasm" >&2
if [ "$profile" = release ]; then
  # As trunk does for its build: `-Oz` (index.html's data-wasm-opt) and then the passes
  # index.html's data-wasm-opt-params lists, read from there so the builds cannot drift.
  # shellcheck disable=SC2086 # the passes are words
  wasm-opt -Oz $wasm_opt_params "$work/${out}_bg.wasm" -o "$work/opt.wasm" >&2
  mv "$work/opt.wasm" "$work/${out}_bg.wasm"
fi
if command -v sha256sum >/dev/null; then sum="sha256sum"; else sum="shasum -a 256"; fi
hash=$(cat "$work/${out}_bg.wasm" "$work/$out.js" | $sum | cut -c1-16)
stem="$out-$hash"
cp "$work/$out.js" "$dir/$stem.js"
cp "$work/${out}_bg.wasm" "$dir/${stem}_bg.wasm"
echo "$stem"
