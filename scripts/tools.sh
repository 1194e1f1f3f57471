# shellcheck shell=bash
# Installs what Keypost's build and tests need, when it is missing. Sourced by build.sh,
# test.sh and demo.sh so that each works on a fresh machine; each step is skipped when already
# satisfied. Every probe here is written so that a missing tool is an answer, not an exit:
# the callers run under `set -euo pipefail`, where `$(missing-tool ...)` would end the script.
#
# Assumed present (checked by require_prereqs, which says how to get what is missing):
#   rustup with a stable toolchain (cargo, rustc), Node.js 20.19 or later with npm (ESLint
#   needs 20.19), Python 3;
#   apt-get (Debian/Ubuntu) for Chromium, only for the commands that run a browser.
# Installed by these functions when missing:
#   the wasm32-unknown-unknown target (rustup), the wasm-bindgen CLI of the exact crate
#   version (cargo install), the npm packages (npm ci), Debian's Chromium with its
#   translations and CJK fonts (apt-get), the shell linter (apt-get package shellcheck, for
#   make test only).

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Stops with a message that names what failed and what to run by hand.
die() {
  printf '\033[1;31mkeypost: %s\033[0m\n' "$*" >&2
  exit 1
}

have_cmd() { command -v "$1" >/dev/null 2>&1; }

# Where `cargo install` puts binaries: $CARGO_INSTALL_ROOT/bin, else $CARGO_HOME/bin, else
# ~/.cargo/bin. It is put first on PATH so a tool installed a moment ago is found even when
# the user's shell never had that folder on PATH.
cargo_bin_dir() { printf '%s/bin' "${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}"; }
case ":$PATH:" in
  *":$(cargo_bin_dir):"*) ;;
  *) PATH="$(cargo_bin_dir):$PATH" ;;
esac
export PATH

require_prereqs() {
  local missing=()
  have_cmd cargo || missing+=("cargo (Rust): install rustup from rustup.rs, then 'rustup default stable'")
  have_cmd rustup || missing+=("rustup: the wasm target is added with it; see rustup.rs")
  have_cmd python3 || missing+=("python3: 'apt-get install python3' (it packs the zip)")
  if have_cmd node; then
    # major * 1000 + minor: 20019 is 20.19, the oldest Node.js ESLint runs on.
    local version
    version=$(node -p 'const [a, b] = process.versions.node.split("."); a * 1000 + Number(b)' 2>/dev/null || echo 0)
    [ "${version:-0}" -ge 20019 ] 2>/dev/null \
      || missing+=("Node.js 20.19 or later (found $(node --version 2>/dev/null || echo '?')): 'apt-get install nodejs' or nodejs.org")
  else
    missing+=("Node.js 20.19 or later: 'apt-get install nodejs npm' or nodejs.org")
  fi
  have_cmd npm || missing+=("npm: 'apt-get install npm' (it comes with Node.js from nodejs.org)")
  if [ "${#missing[@]}" -gt 0 ]; then
    local m
    for m in "${missing[@]}"; do printf '\033[1;31mkeypost: missing %s\033[0m\n' "$m" >&2; done
    die "install the prerequisites above, then run the command again"
  fi
}

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "installing the Rust target wasm32-unknown-unknown (the core is compiled to WebAssembly)"
    rustup target add wasm32-unknown-unknown \
      || die "could not add the wasm32 target; run by hand: rustup target add wasm32-unknown-unknown"
  fi
}

# The version of the wasm-bindgen crate in Cargo.lock: the CLI must be exactly that version.
wasm_bindgen_wanted() {
  awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock
}

# The version the wasm-bindgen CLI on PATH reports, or nothing when there is none.
wasm_bindgen_found() {
  if have_cmd wasm-bindgen; then
    wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true
  fi
}

# Installs the wasm-bindgen CLI of version $1 with every transitive dependency pinned
# (--locked): the CLI writes the JavaScript glue that runs in the worker next to the DEK, so
# what builds it must not float. The CLI's own Cargo.lock (packaged in the crate) names
# webpki-roots 1.0.11, which the registry this project reaches does not have, so plain
# `cargo install --locked` fails here. scripts/wasm-bindgen-cli-<version>.lock is that same
# lock with only webpki-roots moved to 1.0.10 (`cargo update -p webpki-roots --precise 1.0.10`;
# every other version and checksum is upstream's), and the CLI is built --locked from the
# crate's source with it. Without such a file (a newer wasm-bindgen) the crate's own lock is used.
# --no-default-features leaves out the CLI's TLS stack (rustls and ring), which its test runner
# needs only to download WebDriver binaries: the wasm tests here run under Node. Measured on an
# idle 2-core machine: 136 s -> 120 s to install, and the runner runs the wasm tests the same.
install_wasm_bindgen_cli() {
  local want=$1 lock src tmp status=0
  lock="$(pwd)/scripts/wasm-bindgen-cli-$want.lock"
  if [ ! -f "$lock" ]; then
    cargo install --locked --force --no-default-features wasm-bindgen-cli --version "$want"
    return
  fi
  # The crate's source, through cargo itself: a throwaway package that depends on exactly
  # this version makes `cargo metadata` download it (checksummed by the registry index).
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/keypost-wbcli.XXXXXX")
  mkdir -p "$tmp/probe/src" "$tmp/cli"
  : >"$tmp/probe/src/lib.rs"
  printf '[package]\nname = "probe"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nwasm-bindgen-cli = "=%s"\n' \
    "$want" >"$tmp/probe/Cargo.toml"
  src=$(cargo metadata --format-version 1 --manifest-path "$tmp/probe/Cargo.toml" 2>/dev/null \
    | python3 -c 'import json, sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "wasm-bindgen-cli"))') \
    || status=1
  if [ "$status" = 0 ]; then
    cp -R "$(dirname "$src")/." "$tmp/cli/"
    cp "$lock" "$tmp/cli/Cargo.lock"
    CARGO_TARGET_DIR="$tmp/target" cargo install --locked --force --no-default-features \
      --path "$tmp/cli" || status=1
  fi
  rm -rf "$tmp"
  return "$status"
}

ensure_wasm_bindgen() {
  local want have
  want=$(wasm_bindgen_wanted)
  [ -n "$want" ] || die "Cargo.lock names no wasm-bindgen version; run 'cargo generate-lockfile'"
  have=$(wasm_bindgen_found)
  if [ "$have" = "$want" ] && have_cmd wasm-bindgen-test-runner; then
    return 0
  fi
  log "installing wasm-bindgen-cli $want into $(cargo_bin_dir) (it turns the compiled core into the" \
    "extension's JavaScript glue and runs the wasm tests; found: ${have:-none}; a few minutes on 2 cores)"
  install_wasm_bindgen_cli "$want" \
    || die "installing wasm-bindgen-cli failed; run by hand: cargo install --locked wasm-bindgen-cli --version $want"
  hash -r
  have=$(wasm_bindgen_found)
  [ "$have" = "$want" ] \
    || die "wasm-bindgen-cli $want was installed but '$(command -v wasm-bindgen || echo wasm-bindgen)' reports '${have:-nothing}'; put $(cargo_bin_dir) first on PATH"
}

# The packages the commands call directly; any one missing (or a lock file newer than the
# install) means node_modules is not what package-lock.json says, and npm ci puts it right.
NODE_TOOLS=(playwright-core eslint typescript axe-core parse5 esbuild crypto-js)

ensure_node_modules() {
  local pkg stale=0
  for pkg in "${NODE_TOOLS[@]}"; do [ -f "node_modules/$pkg/package.json" ] || stale=1; done
  [ package-lock.json -nt node_modules/.package-lock.json ] && stale=1
  if [ "$stale" = 1 ]; then
    log "installing the npm packages (npm ci): playwright-core drives Chromium in the tests," \
      "oauth-1.0a and twitter-text are the references the tests compare with (make bench too," \
      "with crypto-js, bundled by esbuild, as the peer extension's stack), eslint and" \
      "typescript lint and type-check the JavaScript, axe-core checks accessibility, parse5" \
      "reads the pages' HTML in the localisation test"
    npm ci --no-audit --no-fund || die "npm ci failed; run by hand: npm ci"
  fi
}

# Installs Debian packages (as root, or through sudo).
apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    have_cmd sudo || die "installing $* needs root; run by hand as root: apt-get install $*"
    sudo="sudo"
  fi
  have_cmd apt-get || die "apt-get not found: install $* with your system's package manager"
  $sudo apt-get update -qq || die "apt-get update failed; run by hand: apt-get update"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null \
    || die "installing $* failed; run by hand: apt-get install $*"
}

# Whether a Debian package is installed (a missing dpkg answers no).
have_deb() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

ensure_chromium() {
  if ! have_cmd chromium; then
    log "installing Debian's Chromium (the demo and the end-to-end tests run the extension in it)"
    apt_install chromium
  fi
  # The accessibility test runs the extension in Simplified Chinese too: Debian's Chromium
  # takes --lang=zh-CN (and chrome.i18n picks zh_CN) only with its translations installed,
  # and Chinese text needs a CJK font to be drawn (and measured for contrast).
  local missing=() deb
  for deb in chromium-l10n fonts-noto-cjk; do have_deb "$deb" || missing+=("$deb"); done
  if [ "${#missing[@]}" -gt 0 ] && have_cmd dpkg; then
    log "installing ${missing[*]} (Chromium's Chinese UI and CJK fonts, for the tests in Simplified Chinese)"
    apt_install "${missing[@]}"
  fi
}

ensure_shellcheck() {
  if ! have_cmd shellcheck; then
    log "installing shellcheck (lints the build and test scripts)"
    apt_install shellcheck
  fi
}

# Everything a command that builds the extension and runs it in Chromium needs.
ensure_build_and_browser() {
  require_prereqs
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_node_modules
  ensure_chromium
}
