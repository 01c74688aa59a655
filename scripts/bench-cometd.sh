#!/usr/bin/env bash
# Benchmark: a burst of messages delivered by our Bayeux client (wasm, release build +
# wasm-opt -Oz, as the widget ships) vs by the official JavaScript client (npm `cometd`),
# in one headless Chromium page against the official server (npm `cometd-nodejs-server`).
# Prints msgs/s medians and the ratio (target: ours >= official, ratio >= 1.0).
#
#   scripts/bench-cometd.sh [--count 2000] [--sizes 0,1000] [--runs 21] [--warmup 2] [--verbose]
#
# Builds tests/cometd_bench.rs as a wasm test target, runs wasm-bindgen on it into
# bench/cometd/pkg/, starts tests/cometd-peer/server.mjs (API + page port) and drives
# bench/cometd/index.html with Playwright (bench/cometd/run.mjs).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

LOG=$(mktemp)
PEER_PID=""
cleanup() {
  if [ -n "$PEER_PID" ]; then kill "$PEER_PID" 2>/dev/null || true; wait "$PEER_PID" 2>/dev/null || true; fi
  rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Our client as a wasm module for the page.
WASM=$(cargo test --release --no-run --target wasm32-unknown-unknown --test cometd_bench \
         --message-format=json 2>"$LOG" \
       | sed -n 's/.*"reason":"compiler-artifact".*"name":"cometd_bench".*"filenames":\["\([^"]*\.wasm\)"\].*/\1/p' \
       | tail -n 1) || { cat "$LOG" >&2; exit 1; }
if [ -z "$WASM" ]; then cat "$LOG" >&2; echo "bench-cometd: no wasm artifact for cometd_bench" >&2; exit 1; fi
PKG="$ROOT/bench/cometd/pkg"
rm -rf "$PKG"
wasm-bindgen --target web --no-typescript --out-name ours --out-dir "$PKG" "$WASM"
if command -v wasm-opt >/dev/null; then
  wasm-opt -Oz --one-caller-inline-max-function-size=20 --reorder-functions-by-name "$PKG/ours_bg.wasm" -o "$PKG/ours_bg.wasm"
fi

# 2. The official server with its default timings, and the page on a second port.
: >"$LOG"
node tests/cometd-peer/server.mjs --port 0 --page-port 0 --timeout 30000 --max-interval 10000 >"$LOG" 2>&1 &
PEER_PID=$!
API="" PAGE=""
for _ in $(seq 1 150); do
  API=$(sed -n 's/^cometd-peer listening on \(http[^ ]*\).*/\1/p' "$LOG")
  PAGE=$(sed -n 's/^cometd-peer page on \(http[^ ]*\).*/\1/p' "$LOG")
  [ -n "$API" ] && [ -n "$PAGE" ] && break
  kill -0 "$PEER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$API" ] || [ -z "$PAGE" ]; then cat "$LOG" >&2; echo "bench-cometd: the peer did not start" >&2; exit 1; fi

# 3. The measurement.
node bench/cometd/run.mjs --api "$API" --page "$PAGE" "$@"
