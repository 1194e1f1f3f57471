#!/usr/bin/env bash
# Runs every test layer, installing what is missing first:
#   1. lint: cargo fmt --check, clippy (native and wasm32) with warnings as errors
#   2. the sans-IO core natively (cargo test)
#   3. the same tests compiled to wasm, under Node (wasm-bindgen-test)
#   4. the X sandbox's own tests (node --test)
#   5. the headless demo walk (make demo), then end to end: a sandbox build of the extension
#      in Debian's Chromium against the sandbox
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh

ensure_wasm_target
ensure_wasm_bindgen
ensure_node_modules
ensure_chromium
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt clippy

log "lint"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

log "core, native"
cargo test

log "core, wasm32 under Node"
cargo test --target wasm32-unknown-unknown

log "X sandbox"
node --test tests/sandbox/test/

export KEYPOST_SANDBOX_PORT="${KEYPOST_SANDBOX_PORT:-18787}"
log "make demo, headless (the scripted walk must succeed)"
KEYPOST_DEMO_PORT="$KEYPOST_SANDBOX_PORT" KEYPOST_DEMO_HEADLESS=1 bash scripts/demo.sh >target/demo.log 2>&1 \
  || { cat target/demo.log; exit 1; }

log "end to end in Chromium"
X_API_BASE="http://127.0.0.1:$KEYPOST_SANDBOX_PORT" KEYPOST_OUT=dist/sandbox-chrome bash scripts/build.sh
rm -rf target/e2e-profiles
node --test --test-concurrency=1 tests/e2e/

log "every profile the end-to-end tests used, scanned for keys and passphrases"
node --test tests/e2e-final/
