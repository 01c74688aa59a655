#!/usr/bin/env bash
# Our Bayeux client (wasm, headless Chromium) against the official CometD server
# (tests/cometd-peer) and the simulator: tests/cometd_interop.rs.
#
#   scripts/cometd-interop.sh            # about a minute and a half once built
#
# Starts both servers on free loopback ports, passes their URLs at build time
# (CCW_COMETD_PEER_URL, CCW_SIM_URL), runs the test, stops the servers on exit.
# CCSIM_BIN overrides the simulator binary (default: built here with cargo).
# Exits non-zero when anything fails; prints the test output and, on failure, the
# servers' logs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

LOGS=$(mktemp -d)
PEER_PID="" SIM_PID=""
cleanup() {
  local pid
  for pid in $PEER_PID $SIM_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for_line PID LOG PATTERN: prints the URL after PATTERN once the process prints it.
wait_for_line() {
  local pid=$1 log=$2 pattern=$3
  for _ in $(seq 1 150); do
    if grep -q "^$pattern " "$log"; then
      sed -n "s/^$pattern \(http[^ ]*\).*/\1/p" "$log" | head -n 1
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "cometd-interop: '$pattern' never appeared:" >&2
  cat "$log" >&2
  return 1
}

if [ -n "${CCSIM_BIN:-}" ]; then
  SIM_BIN=$CCSIM_BIN
else
  cargo build -q -p ccsim
  SIM_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/ccsim"
fi

: >"$LOGS/peer.log"; : >"$LOGS/sim.log"
node tests/cometd-peer/server.mjs --port 0 --timeout 2000 --max-interval 5000 >"$LOGS/peer.log" 2>&1 &
PEER_PID=$!
"$SIM_BIN" --listen 127.0.0.1:0 --allow-loopback-origins \
  --cometd-timeout-ms 2000 --cometd-max-interval-ms 5000 >"$LOGS/sim.log" 2>&1 &
SIM_PID=$!
PEER_URL=$(wait_for_line "$PEER_PID" "$LOGS/peer.log" "cometd-peer listening on")
SIM_URL=$(wait_for_line "$SIM_PID" "$LOGS/sim.log" "ccsim listening on")

export CCW_COMETD_PEER_URL="$PEER_URL" CCW_SIM_URL="$SIM_URL"
export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
cargo test -q --no-run --target wasm32-unknown-unknown --test cometd_interop
# cargo's and the runner's progress lines are noise; the test lines and results stay.
cargo test --target wasm32-unknown-unknown --test cometd_interop -- ${CCW_INTEROP_ARGS:-} 2>&1 \
  | { grep -vE '^ *(Finished|Running|Compiling|Blocking|Executing)( |$)|^Set (timeout|WASM_BINDGEN_TEST_TIMEOUT)|^Running headless|^Try find|^Ok$|^Loading Wasm module|^$' || true; }
status=${PIPESTATUS[0]}

if [ "$status" -ne 0 ]; then
  echo "--- cometd-peer log" >&2; cat "$LOGS/peer.log" >&2
  echo "--- ccsim log" >&2; tail -n 50 "$LOGS/sim.log" >&2
fi
exit "$status"
