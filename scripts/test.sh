#!/usr/bin/env bash
# make test: every test layer, installing what is missing first. On 2 cores the layers overlap:
#   - beside everything else, in the background: ESLint, the TypeScript type-check, shellcheck,
#     the X sandbox's own tests and the pages' unit tests (tests/ui), all under Node;
#   - in the foreground, one cargo step after the other: fmt, clippy (natively, with the test
#     hooks, and the pages' core alone), the core's tests natively with the fuzz targets' smoke
#     runs, the sandbox build (wasm32, failing on any warning), then the same tests compiled to
#     wasm32 under Node (wasm-bindgen-test) and the release build with its zip checked against
#     an allow-list (tests/release/);
#   - from the sandbox build on, beside those: the end-to-end files in Chromium two at a time
#     (scripts/e2e.sh) with the byte scan of every profile they used, and the headless demo
#     walk on the same build.
# KEYPOST_FRESH_CHECK=1 (CI sets it) proves the fresh machine with this same run: the
# wasm-bindgen CLI is installed for real into an empty folder (target/fresh-tools) with every
# folder that holds one taken off PATH, node_modules must be absent and is installed by npm ci,
# and every later layer builds and tests with what was just installed. The CLI's install
# overlaps the lint and native steps, which do not need it.
# Every layer runs even when an earlier one failed (so one run shows every failure), except
# that nothing runs in Chromium without a build. The last line is "N passed, N failed",
# counted over every layer's own tests (a lint step or the demo walk counts as one).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
. scripts/tools.sh

started=$(date +%s)
logs=target/test-logs
rm -rf "$logs"
mkdir -p "$logs"

fresh="${KEYPOST_FRESH_CHECK:-0}"
fresh_problem=""
if [ "$fresh" = 1 ]; then
  # A fresh machine: no wasm-bindgen CLI and no node_modules/.bin reachable; cargo install's
  # root is an empty folder of this clone.
  export CARGO_INSTALL_ROOT="$PWD/target/fresh-tools"
  rm -rf "$CARGO_INSTALL_ROOT"
  mkdir -p "$CARGO_INSTALL_ROOT/bin" target/fresh-rust-bin
  for tool in cargo rustc rustup rustfmt cargo-fmt cargo-clippy clippy-driver; do
    src=$(command -v "$tool" || true)
    [ -n "$src" ] && ln -sf "$src" "target/fresh-rust-bin/$tool"
  done
  clean_path="$CARGO_INSTALL_ROOT/bin:$PWD/target/fresh-rust-bin"
  IFS=: read -r -a dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    [ -n "$d" ] || continue
    if [ -e "$d/wasm-bindgen" ] || [ -e "$d/wasm-bindgen-test-runner" ]; then continue; fi
    case "$d" in *node_modules*) continue ;; esac
    clean_path="$clean_path:$d"
  done
  export PATH="$clean_path"
  hash -r
  have_cmd wasm-bindgen && fresh_problem="wasm-bindgen is still reachable from the cleaned PATH"
  [ -e node_modules ] && fresh_problem="KEYPOST_FRESH_CHECK=1 needs a clean clone: node_modules exists"
  log "fresh machine: wasm-bindgen-cli goes into $CARGO_INSTALL_ROOT, npm packages into node_modules"
fi

require_prereqs
ensure_wasm_target
ensure_node_modules
ensure_chromium
ensure_shellcheck
if ! rustup component list --installed 2>/dev/null | grep -q '^rustfmt'; then
  log "installing rustfmt and clippy"
  rustup component add rustfmt clippy || die "run by hand: rustup component add rustfmt clippy"
fi

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

order=()

# layer NAME COMMAND...: runs a layer, its output shown and kept in $logs/NAME.log; its counts
# go to $logs/NAME.result. A layer that failed without a failed test (a compile error, a crash)
# counts as one failure; one that passed without counting any test counts as one pass (a lint
# step).
layer() {
  local name=$1 status=0 t0
  shift
  order+=("$name")
  t0=$(date +%s)
  log "$name"
  "$@" 2>&1 | tee "$logs/$name.log"
  status=${PIPESTATUS[0]}
  record "$name" "$status" "$(($(date +%s) - t0))"
  return "$status"
}

# The same in the background, its output only in its log (shown at the end when it failed).
# Waited for by wait_layers.
bg_pids=()
bg_layer() {
  local name=$1
  shift
  order+=("$name")
  (
    t0=$(date +%s)
    status=0
    ("$@") >"$logs/$name.log" 2>&1 || status=$?
    record "$name" "$status" "$(($(date +%s) - t0))"
  ) &
  bg_pids+=("$!")
}
wait_layers() {
  local pid
  for pid in "${bg_pids[@]}"; do wait "$pid" || true; done
  bg_pids=()
}

record() {
  local name=$1 status=$2 seconds=$3 p f
  read -r p f < <(count "$logs/$name.log")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$status" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then p=1; fi
  echo "$p $f $status $seconds" >"$logs/$name.result"
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

# ----- beside everything: the JavaScript layers (node_modules' own tools, never npx) -----
bg_layer shellcheck shellcheck -x scripts/*.sh .ci/run
bg_layer eslint node_modules/.bin/eslint --max-warnings 0 .
typecheck() {
  local status=0
  node_modules/.bin/tsc -p tsconfig.json || status=1 # extension/: the pages and the worker
  node_modules/.bin/tsc -p tests/tsconfig.json || status=1 # the tests, the sandbox, scripts/
  return "$status"
}
bg_layer typecheck typecheck
bg_layer x-sandbox node_tests "$logs/sandbox.tap" tests/sandbox/test/
bg_layer ui-unit node_tests "$logs/ui.tap" tests/ui/

# The wasm-bindgen CLI, when missing (always on a fresh machine): its install overlaps the
# cargo steps below that do not need it.
wasm_bindgen_ready() {
  ensure_wasm_bindgen
  if [ "$fresh" = 1 ]; then
    local want got
    want=$(wasm_bindgen_wanted)
    got=$("$CARGO_INSTALL_ROOT/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)
    [ "$got" = "$want" ] || { echo "wasm-bindgen-cli $want was not installed into $CARGO_INSTALL_ROOT (found '${got:-nothing}')"; return 1; }
    [ -x "$CARGO_INSTALL_ROOT/bin/wasm-bindgen-test-runner" ] || { echo "wasm-bindgen-test-runner was not installed"; return 1; }
    [ -z "$fresh_problem" ] || { echo "$fresh_problem"; return 1; }
    [ -f node_modules/playwright-core/package.json ] || { echo "npm ci did not install the npm packages"; return 1; }
    echo "fresh machine: installed wasm-bindgen-cli $got into an empty folder and the npm packages"
  fi
}
wb_pid=""
if [ "$fresh" = 1 ] || [ "$(wasm_bindgen_found)" != "$(wasm_bindgen_wanted)" ] || ! have_cmd wasm-bindgen-test-runner; then
  name=$([ "$fresh" = 1 ] && echo fresh-machine-tools || echo wasm-bindgen-install)
  bg_layer "$name" wasm_bindgen_ready
  wb_pid=${bg_pids[-1]}
  wb_layer=$name
fi

# ----- the cargo steps, one at a time -----
layer cargo-fmt cargo fmt --all -- --check || true
# --all-targets with the test hooks covers the native lib, tests and examples without them too.
# Natively only: the code is the same for wasm32 but for one cfg'd line (msg_core's trap), and
# the wasm32 builds below fail on any compiler warning (KEYPOST_DENY_WARNINGS), so a wasm32
# clippy pass (2.5 minutes of dependency checks on a clean clone) would add nothing.
layer clippy-native cargo clippy --all-targets --features test-hooks -- -D warnings || true
# The pages' small core (src/page.rs alone, without the default `worker` feature).
layer clippy-page cargo clippy --lib --no-default-features -- -D warnings || true
layer core-native cargo test || true
# The fuzz targets, a smoke run of FUZZ_CASES (2,000) cases each; make fuzz runs them longer.
layer fuzz-smoke cargo test --test keypost -- --ignored --nocapture fuzz:: || true

# Everything below needs the wasm-bindgen CLI.
wb_ok=1
if [ -n "$wb_pid" ]; then
  log "waiting for $wb_layer"
  wait "$wb_pid" || true
  read -r _ wb_failed _ _ <"$logs/$wb_layer.result"
  if [ "$wb_failed" -ne 0 ]; then
    wb_ok=0
    cat "$logs/$wb_layer.log"
  fi
  hash -r
fi

export KEYPOST_DENY_WARNINGS=1
built=0
if [ "$wb_ok" = 1 ]; then
  # The sandbox build, once, for the demo walk and every e2e file.
  if layer sandbox-build env X_API_BASE="http://127.0.0.1:18787" KEYPOST_OUT=dist/sandbox-chrome bash scripts/build.sh; then
    built=1
  fi
fi

if [ "$built" = 1 ]; then
  # The end-to-end files (mostly waiting on timers and the sandbox) and the demo walk run
  # beside the wasm32 tests and the release build.
  bg_layer end-to-end env KEYPOST_E2E_BUILT=1 KEYPOST_E2E_TAP="$logs/e2e.tap" bash scripts/e2e.sh
  bg_layer demo-walk env KEYPOST_DEMO_PORT=18787 KEYPOST_DEMO_HEADLESS=1 \
    KEYPOST_DEMO_EXTENSION_DIR=dist/sandbox-chrome node scripts/demo.mjs
else
  order+=(end-to-end)
  echo "0 1 1 0" >"$logs/end-to-end.result"
  echo "skipped: no build" >"$logs/end-to-end.log"
fi

if [ "$wb_ok" = 1 ]; then
  layer core-wasm32 cargo test --target wasm32-unknown-unknown || true
  # The sandbox build's exports (sign_authorization, the test messages), as the e2e tests use them.
  layer core-wasm32-test-hooks cargo test --target wasm32-unknown-unknown --features test-hooks --test wasm_bindings || true
  # The release build (X's API, no test hooks) and its zip: only what the extension loads, and
  # no test export (tests/release/).
  release_zip() {
    bash scripts/build.sh || return 1
    node_tests "$logs/release.tap" tests/release/
  }
  layer release-zip release_zip || true
fi

if [ "$built" = 1 ]; then log "waiting for the end-to-end files"; fi
wait_layers

log "summary"
passed=0
failed=0
for name in "${order[@]}"; do
  [ -f "$logs/$name.result" ] || continue
  read -r p f status seconds <"$logs/$name.result"
  passed=$((passed + p))
  failed=$((failed + f))
  printf '%-26s %6d passed %4d failed %5d s%s\n' "$name" "$p" "$f" "$seconds" \
    "$([ "$status" -ne 0 ] && echo "  (exit $status, log: $logs/$name.log)")"
done
# A background layer that failed shows its log here (the foreground ones showed theirs).
for name in shellcheck eslint typecheck x-sandbox ui-unit demo-walk end-to-end; do
  if [ -f "$logs/$name.result" ] && [ "$(cut -d' ' -f3 "$logs/$name.result")" != 0 ]; then
    log "$name failed:"
    tail -n 200 "$logs/$name.log"
  fi
done
echo "make test took $(($(date +%s) - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
