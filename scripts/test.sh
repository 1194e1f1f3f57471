#!/usr/bin/env bash
# make test: every test layer, installing what is missing first.
#   0. (KEYPOST_FRESH_CHECK=1, as CI sets it) a clean clone builds with no wasm-bindgen CLI and
#      no node_modules, installing them for real (scripts/fresh-check.sh)
#   1. lint: cargo fmt --check, clippy (native and wasm32) with warnings as errors, shellcheck,
#      ESLint and the TypeScript type-check of the JavaScript (JSDoc types, tsc --noEmit)
#   2. the sans-IO core natively (cargo test)
#   3. the fuzz targets' smoke runs (tests/fuzz.rs); the same tests compiled to wasm, under
#      Node (wasm-bindgen-test), also as a sandbox build (--features test-hooks)
#   4. the release build, whose zip is checked against an allow-list (tests/release/); the
#      X sandbox's own tests, and the pages' unit tests without a browser (tests/ui:
#      every string localised in both languages, the stores and helpers), with node --test
#   5. the headless demo walk (make demo), then end to end: a sandbox build of the extension
#      in Debian's Chromium against the sandbox (axe-core's accessibility checks included),
#      then a byte scan of every profile it used
# Every layer runs even when an earlier one failed (so one run shows every failure), except
# that nothing runs in Chromium without a build. The last line is "N passed, N failed",
# counted over every layer's own tests (a lint step or the demo walk counts as one).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
. scripts/tools.sh

require_prereqs
ensure_wasm_target
ensure_wasm_bindgen
ensure_node_modules
ensure_chromium
ensure_shellcheck
if ! rustup component list --installed 2>/dev/null | grep -q '^rustfmt'; then
  log "installing rustfmt and clippy"
  rustup component add rustfmt clippy || die "run by hand: rustup component add rustfmt clippy"
fi

logs=target/test-logs
rm -rf "$logs"
mkdir -p "$logs"
passed=0
failed=0
report=()

# Counts what a log says passed and failed: cargo's and wasm-bindgen-test's "test result:"
# lines, and node's TAP "# pass"/"# fail" lines.
count() {
  awk '
    /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
    /^# pass / { p += $3 }
    /^# fail / { f += $3 }
    END { printf "%d %d\n", p, f }
  ' "$1"
}

# layer NAME COMMAND...: runs a layer, its output shown and kept in $logs/NAME.log, and adds
# its counts. A layer that failed without a failed test (a compile error, a crash) counts as
# one failure; one that passed without counting any test counts as one pass (a lint step).
layer() {
  local name=$1 status=0 p f
  shift
  log "$name"
  "$@" 2>&1 | tee "$logs/$name.log"
  status=${PIPESTATUS[0]}
  read -r p f < <(count "$logs/$name.log")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$status" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then p=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  report+=("$(printf '%-28s %6d passed %4d failed%s' "$name" "$p" "$f" "$([ "$status" -ne 0 ] && echo '  (exit '"$status"')')")")
  return "$status"
}

# node's test runner: a readable report on the terminal, TAP in the log for the counts.
node_tests() {
  local tap=$1 status=0
  shift
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" "$@" || status=$?
  grep -E '^# (pass|fail) ' "$tap" || true
  return "$status"
}

if [ "${KEYPOST_FRESH_CHECK:-0}" = 1 ]; then
  layer fresh-machine-build bash scripts/fresh-check.sh || true
fi

layer cargo-fmt cargo fmt --all -- --check || true
layer clippy-native cargo clippy --all-targets -- -D warnings || true
layer clippy-test-hooks cargo clippy --all-targets --features test-hooks -- -D warnings || true
layer clippy-wasm32 cargo clippy --lib --target wasm32-unknown-unknown --all-features -- -D warnings || true
# The pages' small core (src/page.rs alone, without the default `worker` feature).
layer clippy-page-wasm32 cargo clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings || true
layer shellcheck shellcheck -x scripts/*.sh .ci/run || true
# The JavaScript: node_modules' own copies (npm ci above), never a download by npx.
layer eslint node_modules/.bin/eslint --max-warnings 0 . || true
typecheck() {
  local status=0
  node_modules/.bin/tsc -p tsconfig.json || status=1 # extension/: the pages and the worker
  node_modules/.bin/tsc -p tests/tsconfig.json || status=1 # the tests, the sandbox, scripts/
  return "$status"
}
layer typecheck typecheck || true

layer core-native cargo test || true
# The fuzz targets (tests/fuzz.rs), a smoke run of FUZZ_CASES (2,000) cases each; make fuzz
# runs them for longer.
layer fuzz-smoke cargo test --test fuzz -- --ignored --nocapture || true
layer core-wasm32 cargo test --target wasm32-unknown-unknown || true
# The sandbox build's exports (sign_authorization, the test messages), as the e2e tests use them.
layer core-wasm32-test-hooks cargo test --target wasm32-unknown-unknown --features test-hooks --test wasm_bindings || true
layer x-sandbox node_tests "$logs/sandbox.tap" tests/sandbox/test/ || true
layer ui-unit node_tests "$logs/ui.tap" tests/ui/ || true

# The release build (X's API, no test hooks) and its zip: only what the extension loads, and
# no test export (tests/release/).
release_zip() {
  bash scripts/build.sh || return 1
  node_tests "$logs/release.tap" tests/release/
}
layer release-zip release_zip || true

export KEYPOST_SANDBOX_PORT="${KEYPOST_SANDBOX_PORT:-18787}"
demo_walk() {
  KEYPOST_DEMO_PORT="$KEYPOST_SANDBOX_PORT" KEYPOST_DEMO_HEADLESS=1 bash scripts/demo.sh
}
layer demo-walk demo_walk || true

e2e() {
  X_API_BASE="http://127.0.0.1:$KEYPOST_SANDBOX_PORT" KEYPOST_OUT=dist/sandbox-chrome bash scripts/build.sh \
    || return 1
  rm -rf target/e2e-profiles
  node_tests "$logs/e2e.tap" --test-concurrency=1 tests/e2e/
}
if layer end-to-end e2e; then
  layer profile-scan node_tests "$logs/scan.tap" tests/e2e-final/ || true
else
  report+=("profile-scan                 skipped: the end-to-end layer failed")
  failed=$((failed + 1))
fi

log "summary"
printf '%s\n' "${report[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
