#!/usr/bin/env bash
# The fresh-machine path, proven: clones the committed HEAD into a temporary folder and runs
# `make build` there in an environment with no wasm-bindgen CLI on PATH (cargo install's root
# points at an empty temporary folder) and no node_modules, then checks that the build
# installed both for real and produced dist/chrome and the zip. Nothing is stubbed: the real
# `cargo install` and `npm ci` run. About 5 minutes on 2 cores. make test runs it when
# KEYPOST_FRESH_CHECK=1 (CI sets it); uncommitted changes are not part of what it checks.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
. scripts/tools.sh

fail() {
  printf '\033[1;31mfresh-machine check: %s\033[0m\n' "$*" >&2
  exit 1
}

repo=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keypost-fresh.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
git clone --quiet --no-hardlinks "$repo" "$tmp/keypost"

# A PATH without any folder that holds a wasm-bindgen CLI or a node_modules/.bin. rustup's
# proxies (cargo, rustc, rustup) usually live beside an installed wasm-bindgen in
# ~/.cargo/bin, so they are linked into a folder of their own first.
mkdir -p "$tmp/rust-bin" "$tmp/cargo-root"
for tool in cargo rustc rustup; do
  src=$(command -v "$tool") || fail "$tool is not on PATH"
  ln -s "$src" "$tmp/rust-bin/$tool"
done
clean_path="$tmp/rust-bin"
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] || continue
  if [ -e "$d/wasm-bindgen" ] || [ -e "$d/wasm-bindgen-test-runner" ]; then continue; fi
  case "$d" in *node_modules*) continue ;; esac
  clean_path="$clean_path:$d"
done

run_fresh() {
  env -u CARGO_TARGET_DIR PATH="$clean_path" CARGO_INSTALL_ROOT="$tmp/cargo-root" "$@"
}
if run_fresh bash -c 'command -v wasm-bindgen' >/dev/null; then
  fail "wasm-bindgen is still reachable from the cleaned PATH"
fi
[ ! -e "$tmp/keypost/node_modules" ] || fail "the clone already has node_modules"

log "fresh machine: make build in a clean clone, without wasm-bindgen and node_modules"
(cd "$tmp/keypost" && run_fresh make build) || fail "make build failed on the fresh path (see above)"

want=$(wasm_bindgen_wanted)
got=$("$tmp/cargo-root/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)
[ "$got" = "$want" ] || fail "wasm-bindgen-cli $want was not installed into the empty install root (found '${got:-nothing}')"
[ -x "$tmp/cargo-root/bin/wasm-bindgen-test-runner" ] || fail "wasm-bindgen-test-runner was not installed"
[ -d "$tmp/keypost/node_modules/playwright-core" ] || fail "npm ci did not install the npm packages"
[ -f "$tmp/keypost/dist/chrome/manifest.json" ] || fail "dist/chrome has no manifest.json"
[ -s "$tmp/keypost/dist/chrome/pkg/keypost_bg.wasm" ] || fail "dist/chrome has no compiled core"
version=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)
[ -s "$tmp/keypost/dist/keypost-$version.zip" ] || fail "dist/keypost-$version.zip was not made"
echo "fresh machine: installed wasm-bindgen-cli $got and the npm packages; built dist/chrome and dist/keypost-$version.zip"
