#!/usr/bin/env bash
# Make sure the distribution's Chromium is installed for the browser tests; print its path.
#
# Idempotent: when /usr/bin/chromium is missing and this is root, installs the `chromium`
# package with apt-get. The last line printed is the browser's path:
# `export HEDGEKIT_CHROMIUM=$(tools/chromium.sh | tail -1)`. Without it (not root, no
# apt-get) the browser tests fail and say so: they never skip.
set -euo pipefail

browser=/usr/bin/chromium
if [ ! -x "$browser" ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "chromium is not installed and cannot be installed here (needs root and apt-get)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq chromium >&2
fi
echo "$browser"
