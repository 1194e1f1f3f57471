#!/usr/bin/env bash
# make ui: the pages' unit tests (tests/ui, a fake chrome.* and the real locale files) and the
# X sandbox's own tests (tests/sandbox/test) under Node, without a browser or a build. Seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
. scripts/tools.sh
require_prereqs
ensure_node_modules
node --test tests/ui/ tests/sandbox/test/
