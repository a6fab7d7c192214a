#!/usr/bin/env bash
# What the tests need beyond PyPI: Debian's Chromium (browser tests) and the npm ZPL renderer.
# Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

if [ -f tools/zpl-render/package-lock.json ] && [ ! -d tools/zpl-render/node_modules ]; then
  npm ci --prefix tools/zpl-render --no-audit --no-fund --silent
fi
