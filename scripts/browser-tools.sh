#!/usr/bin/env bash
# The tools of the browser gates (make test-browser): Debian's Chromium, a Java runtime for the Nu HTML
# Checker, Node.js for npm, LibreOffice (headless) and poppler's pdftotext for the yearly report's Word
# document; then axe-core and vnu-jar at the versions package-lock.json pins.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(nodejs npm)
# The yearly report's Word document is opened by LibreOffice (converted to PDF, read back with pdftotext).
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} with apt"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
    # vnu-jar's install script would look for Java online; the machine's Java runs it.
    CHROMEDRIVER_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund --ignore-scripts
    touch node_modules/.installed
fi
