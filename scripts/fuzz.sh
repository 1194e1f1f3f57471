#!/usr/bin/env bash
# make fuzz: runs every fuzz target (tests/keypost/fuzz.rs, proptest on the stable toolchain) for
# FUZZ_SECONDS seconds each (default 60), or only the targets named as arguments:
#   vault_record x_responses text_counter oauth1_signing messages
# Each prints "fuzz <target>: <cases> cases in <s> s, 0 findings"; a finding stops it with the
# minimal input that breaks it. make test runs a short smoke run of each (its fuzz-smoke layer).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
. scripts/tools.sh
require_prereqs

export FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(vault_record x_responses text_counter oauth1_signing messages)
log "fuzzing ${targets[*]} for ${FUZZ_SECONDS} s each"
cargo test --test keypost --no-run
results=()
status=0
for t in "${targets[@]}"; do
  out=$(cargo test --test keypost -- --ignored --exact --nocapture "fuzz::$t::$t" 2>&1) || status=1
  printf '%s\n' "$out" | grep -E '^fuzz |FINDING|minimal input|panicked' || true
  line=$(printf '%s\n' "$out" | grep -E "^fuzz $t: " | tail -1)
  results+=("${line:-fuzz $t: FAILED (see above)}")
done
log "summary"
printf '%s\n' "${results[@]}"
exit "$status"
