#!/usr/bin/env bash
# The size profile: builds the widget's wasm with its function names kept, then prints the
# largest functions and the bytes per crate and per module of ours, before wasm-opt (what
# rustc and wasm-bindgen make) and after it (what ships: `wasm-opt` with the passes
# index.html gives the build; names kept only for this report). Needs twiggy (installed
# from crates.io on first use).
#   scripts/size-profile.sh [TOP=25] [BUILD=genesys|ozonetel|both]
# BUILD picks the Cargo features: the shipped Genesys build (default), the Ozonetel-only
# one, or both telephonies (what the tests build).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
TOP=${1:-25}
BUILD=${2:-genesys}
case "$BUILD" in
  genesys) features="--no-default-features --features genesys,genesys-dispositions" ;;
  ozonetel) features="--no-default-features --features ozonetel" ;;
  both) features="" ;;
  *) echo "BUILD must be genesys, ozonetel or both (got $BUILD)" >&2; exit 2 ;;
esac
setup
if ! command -v twiggy >/dev/null; then
  step "installing twiggy (once)"
  cargo install twiggy --locked
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
step "building the $BUILD wasm (release, names kept)"
# shellcheck disable=SC2086 # the features are words
cargo build --release --target wasm32-unknown-unknown --lib --quiet $features
wasm-bindgen --target web --out-dir "$out" --out-name widget --keep-debug \
  "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/ccw.wasm"
# The passes of the release build (index.html's data-wasm-opt="z" and data-wasm-opt-params).
params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' "$ROOT/index.html")
[ -n "$params" ] || { echo "no data-wasm-opt-params in index.html" >&2; exit 1; }
# shellcheck disable=SC2086 # the passes are words
wasm-opt -Oz $params -g --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$out/widget_bg.wasm" -o "$out/after.wasm"
for stage in before after; do
  file="$out/widget_bg.wasm"; [ "$stage" = after ] && file="$out/after.wasm"
  twiggy top -f csv "$file" > "$out/$stage.csv"
done
node "$ROOT/scripts/size-profile.mjs" "$out/before.csv" "$out/after.csv" "$TOP"
