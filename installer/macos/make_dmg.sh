#!/usr/bin/env bash
# Pack the .app bundle into a compressed disk image with a link to /Applications.
#   bash installer/macos/make_dmg.sh "dist/WeSemiBay Explorer.app" dist/WeSemiBay-Explorer-0.1.0.dmg
# (installer/build.py calls this on macOS after PyInstaller has made the .app.)
# The .app holds the same bundle as Linux and Windows (build.spec: seed data, assets, the
# Chinese font with its OFL.txt). Not built or tested on macOS yet (docs/packaging.md).
# The .app is ad-hoc signed by PyInstaller; for distribution outside your own machines,
# sign with a Developer ID and notarize (see docs/packaging.md).
set -euo pipefail
app="$1"
out="$2"
[ -d "$app" ] || { echo "make_dmg: $app: no such .app" >&2; exit 1; }
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$out"
hdiutil create -volname "WeSemiBay Explorer" -srcfolder "$stage" -fs HFS+ \
  -format UDZO -imagekey zlib-level=9 -ov "$out"
echo "made $out"
