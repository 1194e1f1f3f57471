#!/usr/bin/env bash
# make bench: builds what the benchmarks need, then runs bench/bench.mjs, which prints one table
# and writes bench/results.json (not committed). Installs its own tools as build.sh and test.sh
# do (the wasm target, wasm-bindgen, the npm packages, Debian's Chromium). Never fails: a row
# that cannot run says so in the table, and the exit status is 0 unless the build itself broke.
# Run it alone on the machine (it times things): flock /tmp/keypost-heavy.lock make bench.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
. scripts/tools.sh

ensure_build_and_browser

# 1. The release build (dist/chrome and its zip): sizes, and what Chromium loads.
bash scripts/build.sh
# 2. A sandbox build (test hooks): its wasm exports the signer that row 4 times in node.
X_API_BASE=http://127.0.0.1:18787 KEYPOST_OUT=dist/bench-hooks bash scripts/build.sh
# 3. The native ceilings (signing, Argon2id) and the queue seeder, same release profile.
cargo build --locked --release --example bench_native

status=0
node bench/bench.mjs || status=$?
[ "$status" = 0 ] || log "bench/bench.mjs stopped early (exit $status): see above"
exit 0
