#!/usr/bin/env bash
# libical for the feed tests (tests/events/test_feed_readers.py): Debian's gir1.2-ical-3.0, read through
# python3-gi by the system's /usr/bin/python3. Installs them with apt when missing; a few seconds.
set -euo pipefail

if /usr/bin/python3 -c 'import gi; gi.require_version("ICalGLib", "3.0")' 2>/dev/null; then
    exit 0
fi
echo "Installing gir1.2-ical-3.0 and python3-gi with apt" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
packages=(python3 python3-gi gir1.2-ical-3.0)
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null \
    || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; }
