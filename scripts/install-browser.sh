#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/test_browser.py).
#
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root
# (apt-get); as another user it prints what to run and exits 0 so a test run
# can go on (the browser tests then skip with a reason).
# Playwright's own browser download does not work on these machines: the tests
# point Playwright at this executable instead.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM is already installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: not root; skipping. Run as root: apt-get update && apt-get install -y chromium chromium-driver" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium chromium-driver
echo "install-browser: installed $("$CHROMIUM" --version)"
