#!/usr/bin/env bash
# make demo: try Keypost without X keys. Builds a sandbox build (dist/demo-chrome, talking to
# the local X sandbox), starts the sandbox and Chromium with the extension loaded.
#   With a display ($DISPLAY set): the browser stays open and the sandbox's demo keys are
#   printed; paste them into the options page that opens. Ctrl+C ends the demo.
#   Without one (CI, a server): a scripted walk through setup, adding an account, posting a
#   text, an image and a thread; prints what the sandbox received and saves a screenshot of
#   each step into demo-output/.
# KEYPOST_DEMO_PORT (default 8787) moves the sandbox; KEYPOST_DEMO_HEADLESS=1 forces the walk.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/tools.sh
. scripts/tools.sh

ensure_build_and_browser

port="${KEYPOST_DEMO_PORT:-8787}"
X_API_BASE="http://127.0.0.1:$port" KEYPOST_OUT=dist/demo-chrome bash scripts/build.sh
KEYPOST_DEMO_PORT="$port" exec node scripts/demo.mjs
