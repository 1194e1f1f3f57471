#!/usr/bin/env bash
# Builds the extension: release wasm -> wasm-bindgen --target web -> dist/chrome (unpacked,
# loadable with "Load unpacked") and dist/keypost-<version>.zip (release builds only).
# X_API_BASE (default https://api.x.com) sets the X API origin the build talks to; a sandbox
# build differs from a release build in nothing else. KEYPOST_OUT puts the unpacked build
# elsewhere (the tests build a sandbox copy into dist/sandbox-chrome and make no zip).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
. scripts/tools.sh

export X_API_BASE="${X_API_BASE:-https://api.x.com}"
require_prereqs
ensure_wasm_target
ensure_wasm_bindgen
ensure_node_modules

version=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)
log "building keypost $version for $X_API_BASE"
# A build for any API origin but X's is a test build: it gets the test hooks.
features=()
[ "$X_API_BASE" = https://api.x.com ] || features=(--features test-hooks)
# --locked: the build uses exactly the crate versions Cargo.lock names, never newer ones.
# KEYPOST_DENY_WARNINGS=1 (make test) fails the build on any warning of Keypost's own code:
# the wasm32 builds are the lint of what compiles only there (clippy runs natively).
cargo_build() {
  local out status=0
  out=$(mktemp "${TMPDIR:-/tmp}/keypost-build.XXXXXX")
  if ! cargo build --locked --target wasm32-unknown-unknown --lib "$@" 2>&1 | tee "$out"; then status=1; fi
  if [ "$status" = 0 ] && [ "${KEYPOST_DENY_WARNINGS:-0}" = 1 ] && grep -q '^warning: .keypost. ' "$out"; then
    echo "keypost: the build above has warnings (KEYPOST_DENY_WARNINGS=1)" >&2
    status=1
  fi
  rm -f "$out"
  return "$status"
}
cargo_build --release "${features[@]}"

out="${KEYPOST_OUT:-dist/chrome}"
rm -rf "$out"
mkdir -p "$out"
cp -R extension/. "$out/"
# What only the tests use leaves a release build: the background's block marked "test builds
# only" (the e2e tests' handle on the context-menu handler).
if [ "${#features[@]}" -eq 0 ]; then
  sed -i '/^\/\/ BEGIN test builds only/,/^\/\/ END test builds only/d' "$out/background.js"
  if grep -q 'keypostShare' "$out/background.js"; then
    echo "keypost: the test-only block is still in $out/background.js" >&2
    exit 1
  fi
fi
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$out/pkg" \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/keypost.wasm"
# A second copy of the glue under another URL: a second module instance the background can
# switch to when the first one traps (extension/background.js). Both load the same wasm.
cp "$out/pkg/keypost.js" "$out/pkg/keypost_spare.js"
# The pages' small core (extension/lib/core.js loads it): the same crate without its default
# `worker` feature, so only the pure functions of src/page.rs and what they use (no vault,
# scheduler or network code). Optimised for speed, not size: it counts at every keystroke, and
# opt-level 3 counts 2.4x faster than "z" for 9% more gzip bytes (make bench, docs/PERFORMANCE.md).
# Its own cargo profile (`page` in Cargo.toml), so both builds keep their compiled dependencies.
cargo_build --profile page --no-default-features
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$out/pkg" \
  --out-name keypost_page "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/page/keypost.wasm"
node scripts/manifest.mjs "$out/manifest.json" "$version" "$X_API_BASE"
node scripts/locales.mjs extension/_locales "$out"

# Only a release build (X's API, no test hooks, the release folder) makes the zip: a sandbox
# build must never leave a file named like a release (it would ship the test messages and a
# host permission for the sandbox).
if [ "$out" != dist/chrome ] || [ "${#features[@]}" -ne 0 ]; then
  log "$out ready for $X_API_BASE (a test build: no zip)"
  exit 0
fi
zip="dist/keypost-$version.zip"
rm -f "$zip"
python3 - "$out" "$zip" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(src):
        for f in sorted(files):
            path = os.path.join(root, f)
            z.write(path, os.path.relpath(path, src))
PY
log "dist/chrome ready ($(du -sh "$out" | cut -f1)); wasm $(stat -c %s "$out/pkg/keypost_bg.wasm") bytes, pages' wasm $(stat -c %s "$out/pkg/keypost_page_bg.wasm") bytes; $zip"
