# Shared steps of ./dev, ./test and the benchmark commands: install what is missing
# (idempotently), build the widget and the simulator, start and stop the simulator.
# Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
TRUNK_SERIES="0.21"

step() { printf '\n==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' "$ROOT/Cargo.toml"
}

# Installs the wasm target, wasm-bindgen-cli (at the pinned version), trunk, Debian's
# Chromium + ChromeDriver and the npm packages — each only when it is missing.
setup() {
  local wb; wb=$(wasm_bindgen_version)
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "installing the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\$"; then
    step "installing wasm-bindgen-cli $wb (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$wb" --force
  fi
  if ! trunk --version 2>/dev/null | grep -q "^trunk $TRUNK_SERIES\."; then
    step "installing trunk $TRUNK_SERIES (about ten minutes, once)"
    cargo install trunk --version "~$TRUNK_SERIES" --locked --force
  fi
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    step "installing Debian's Chromium and ChromeDriver"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  local want have=""
  want=$(sha256sum "$ROOT/package-lock.json" | cut -c1-64)
  [ -f "$ROOT/node_modules/.ccw-lock-sha" ] && have=$(cat "$ROOT/node_modules/.ccw-lock-sha")
  if [ "$want" != "$have" ]; then
    step "installing npm packages (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$ROOT/node_modules/.ccw-lock-sha"
  fi
}

# Release build of the widget into dist/ (wasm-opt -Oz through trunk).
build_widget() {
  step "building the widget (trunk build --release)"
  (cd "$ROOT" && trunk build --release --offline)
}

build_sim() {
  step "building the simulator"
  (cd "$ROOT" && cargo build -p ccsim)
}

# start_sim ADDR [flags…]: starts target/debug/ccsim in the background, waits until it
# listens, and sets SIM_PID and SIM_URL.
start_sim() {
  local addr=$1; shift
  local log; log=$(mktemp)
  "$ROOT/target/debug/ccsim" --listen "$addr" "$@" >"$log" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 100); do
    if grep -q "^ccsim listening on " "$log"; then
      SIM_URL=$(sed -n 's/^ccsim listening on \(http[^ ]*\).*/\1/p' "$log" | head -n 1)
      return 0
    fi
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the simulator did not start:" >&2; cat "$log" >&2
  return 1
}

stop_sim() {
  if [ -n "${SIM_PID:-}" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""; fi
}
