#!/usr/bin/env bash
# Installs the Debian packages tests and benchmarks run, when a file they own is missing:
#   bash scripts/ci/install-debian-packages.sh /usr/bin/chromium:chromium /usr/bin/wrk:wrk
# Chromium is driven by playwright-core (no browser is downloaded); wrk drives `npm run bench`;
# Go and dqlite's headers and Go source build the mirrored database's node (src/node/dqlite).
# One `apt-get update` at most; nothing at all when every binary is there.
set -euo pipefail

fail() {
  echo "install-debian-packages: $1" >&2
  exit 1
}

missing=()
for pair in "$@"; do
  binary=${pair%%:*}
  package=${pair#*:}
  [ -e "$binary" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "not root and no sudo: run 'apt-get install -y ${missing[*]}' as root."
  SUDO="sudo"
fi
command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: install ${missing[*]} by hand."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "install-debian-packages: installing ${missing[*]} (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  fail "apt-get update failed (is the Debian mirror reachable?)."
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  fail "apt-get install ${missing[*]} failed (see the lines above)."
fi
for pair in "$@"; do
  [ -e "${pair%%:*}" ] || fail "${pair#*:} was installed but ${pair%%:*} is missing."
done
echo "install-debian-packages: ${missing[*]} installed."
