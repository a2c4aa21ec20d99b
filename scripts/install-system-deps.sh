#!/usr/bin/env bash
# System packages for running WeSemiBay Explorer from source on Debian/Ubuntu:
# Qt's xcb platform plugin libraries (a real window), a CJK font (Chinese names),
# and Xvfb/xdotool for driving a real window without a screen.
set -euo pipefail
SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 \
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 \
  fonts-wqy-microhei xvfb xauth xdotool >/dev/null
