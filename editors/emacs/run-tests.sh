#!/usr/bin/env bash
# Batch test of the Eglot setup (copydesk.el): Debian's emacs-nox + elpa-eglot,
# checks that the duplicate-paragraph warning reaches Flymake.
#   COPYDESK_BIN=/path   server binary (default <repo>/target/release/copydesk, built if missing)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export DEBIAN_FRONTEND=noninteractive
started=$(date +%s)

missing=()
for p in emacs-nox elpa-eglot; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== emacs: apt-get install ${missing[*]}"
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi

if [[ -z "${COPYDESK_BIN:-}" ]]; then
  COPYDESK_BIN="$repo/target/release/copydesk"
  [[ -x "$COPYDESK_BIN" ]] || (cd "$repo" && cargo build --release)
fi
COPYDESK_BIN="$(cd "$(dirname "$COPYDESK_BIN")" && pwd)/$(basename "$COPYDESK_BIN")"
export COPYDESK_BIN
emacs --version | head -1
echo "== emacs: server: $COPYDESK_BIN"

cd "$here"
status=0
timeout --kill-after=10 120 emacs --batch -Q -L . -l test.el </dev/null || status=$?
echo "== emacs: finished in $(($(date +%s) - started)) s, exit $status"
exit $status
