#!/usr/bin/env bash
# make e2e [F=name]: the end-to-end tests, the sandbox build of the extension in Debian's
# Chromium against the X sandbox, two files at a time; then the byte scan of every profile
# they used (tests/e2e-final/). Each file starts its own sandbox on a free port and points the
# build at it (tests/e2e/harness.mjs), so one build serves every file and any file runs alone:
#   make e2e                 every file
#   make e2e F=compose       tests/e2e/compose.test.mjs alone (F takes several: F="vault late")
# Installs what it needs, then builds dist/sandbox-chrome (incremental: seconds when nothing
# changed; make test builds it once and sets KEYPOST_E2E_BUILT=1).
# KEYPOST_E2E_JOBS (default 2) sets how many files run at once; KEYPOST_E2E_TAP names a TAP
# file for the counts (make test's).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
. scripts/tools.sh

ensure_build_and_browser

files=()
for f in "$@"; do
  case "$f" in
    */* | *.mjs) files+=("$f") ;;
    *) files+=("tests/e2e/$f.test.mjs") ;;
  esac
done
[ "${#files[@]}" -gt 0 ] || files=(tests/e2e/*.test.mjs)
for f in "${files[@]}"; do
  if [ ! -f "$f" ]; then
    names=(tests/e2e/*.test.mjs)
    names=("${names[@]#tests/e2e/}")
    die "no end-to-end file $f; the names are: ${names[*]%.test.mjs}"
  fi
done

# The sandbox build. Its compiled origin is the demo walk's sandbox (make test runs the walk on
# it); every e2e file overrides it at run time with its own sandbox's.
if [ "${KEYPOST_E2E_BUILT:-0}" != 1 ]; then
  X_API_BASE="http://127.0.0.1:${KEYPOST_SANDBOX_PORT:-18787}" KEYPOST_OUT=dist/sandbox-chrome bash scripts/build.sh
fi

tap="${KEYPOST_E2E_TAP:-target/e2e.tap}"
mkdir -p "$(dirname "$tap")"
rm -rf target/e2e-profiles
status=0
node --test --test-concurrency="${KEYPOST_E2E_JOBS:-2}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" "${files[@]}" || status=$?
grep -E '^# (pass|fail) ' "$tap" || true
# Whatever the files did, every profile they left is read for keys and passphrases.
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap.scan" tests/e2e-final/ || status=1
grep -E '^# (pass|fail) ' "$tap.scan" || true
exit "$status"
