#!/bin/sh
# What the browser tests (tests/browser/) and `make screenshots` need beyond the Python packages:
#   - Debian's Chromium at /usr/bin/chromium (Playwright drives it with executable_path;
#     no browser is ever downloaded: never run `playwright install`);
#   - axe-core, decap-server and Decap CMS from the npm registry, into node_modules/
#     (scripts/install-cms.sh: the browser tests drive the editing page too);
#   - poppler-utils (pdftotext, pdfinfo), with which the leak tests read PDFs back.
# `make test` runs this once (stamp: node_modules/.browser-deps); run it again at will.
set -eu
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
    echo "Installing Debian's chromium (and fonts for its pages) with apt-get..."
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-liberation >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null | grep -q . || { echo "error: /usr/bin/chromium does not run" >&2; exit 1; }

# poppler's pdftotext and pdfinfo: the leak tests read PDFs with them, not with the build's own reader.
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
    echo "Installing Debian's poppler-utils (pdftotext, pdfinfo) with apt-get..."
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >/dev/null
fi

sh scripts/install-cms.sh
test -f node_modules/axe-core/axe.min.js
