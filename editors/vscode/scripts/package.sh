#!/usr/bin/env bash
# Builds copydesk-<version>.vsix in editors/vscode/.
#   COPYDESK_BIN=/path/to/copydesk  binary to ship inside the extension
#                                   (default: <repo>/target/release/copydesk if it exists;
#                                    COPYDESK_BIN=none ships no binary)
# Needs Node >= 22 (for @vscode/vsce) and `npm ci` done.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"

bin="${COPYDESK_BIN:-$repo/target/release/copydesk}"
rm -rf server
target_args=()
if [[ "$bin" != "none" && -x "$bin" ]]; then
  mkdir -p server
  cp "$bin" server/copydesk
  chmod 755 server/copydesk
  echo "package.sh: shipping $bin as server/copydesk"
  # A .vsix carrying a native binary is platform specific: say which platform.
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) target_args=(--target linux-x64) ;;
    Linux-aarch64) target_args=(--target linux-arm64) ;;
    Darwin-arm64) target_args=(--target darwin-arm64) ;;
    Darwin-x86_64) target_args=(--target darwin-x64) ;;
  esac
else
  echo "package.sh: shipping no server binary (the extension will use copydesk.server.path or PATH)"
fi

npm run --silent typecheck
# vsce runs the `vscode:prepublish` script (a production esbuild bundle) itself.
version="$(node -p 'require("./package.json").version')"
npx --no-install vsce package --no-dependencies --skip-license --allow-missing-repository \
  --no-rewrite-relative-links "${target_args[@]}" \
  --out "copydesk-$version.vsix"
echo "package.sh: built $here/copydesk-$version.vsix"
