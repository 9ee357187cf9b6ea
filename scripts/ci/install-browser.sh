#!/usr/bin/env bash
# Installs Debian's Chromium for the real-browser tests (test/e2e), if it is not there yet.
# playwright-core drives it through executablePath /usr/bin/chromium; no browser is downloaded.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

fail() {
  echo "install-browser: $1" >&2
  echo "install-browser: the e2e tests (test/e2e) need Debian's chromium at $CHROMIUM." >&2
  exit 1
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "not root and no sudo: run 'apt-get install -y chromium' as root."
  SUDO="sudo"
fi

command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: install Chromium by hand so that $CHROMIUM exists."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "install-browser: installing Debian's chromium (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  fail "apt-get update failed (is the Debian mirror reachable?)."
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  fail "apt-get install chromium failed (see the lines above)."
fi

[ -x "$CHROMIUM" ] || fail "chromium was installed but $CHROMIUM is missing."
echo "install-browser: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed."
