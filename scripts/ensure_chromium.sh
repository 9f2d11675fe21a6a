#!/usr/bin/env bash
# Make sure Debian's chromium and chromium-driver are installed (the explorer's browser test,
# tests/explore/test_explore_browser.py, drives them headless).  No-op when both are there; installs
# with apt-get when run as root; otherwise prints what to do and exits 0 (the browser test then skips,
# naming the missing path).
set -u
BROWSER="${PTFT_CHROMIUM:-/usr/bin/chromium}"
DRIVER="${PTFT_CHROMEDRIVER:-/usr/bin/chromedriver}"
if [ -x "$BROWSER" ] && [ -x "$DRIVER" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: installing chromium and chromium-driver with apt-get" >&2
    if apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
       { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium chromium-driver >/dev/null 2>&1; }; then
        exit 0
    fi
    echo "ensure_chromium: apt-get install chromium chromium-driver failed" >&2
    exit 0
fi
echo "ensure_chromium: $BROWSER or $DRIVER not found; install them with" >&2
echo "    sudo apt-get install chromium chromium-driver" >&2
echo "(or set PTFT_CHROMIUM and PTFT_CHROMEDRIVER to a chromium and its matching chromedriver)" >&2
exit 0
