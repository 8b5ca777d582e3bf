#!/bin/sh
# Build StegnoX.app (PyInstaller, Info.plist with image document types) and StegnoX-<version>-macos-<arch>.dmg.
# Runs on macOS only (the release workflow's macos job); it cannot run on the Linux dev machine.
#   sh packaging/macos/build_dmg.sh            (from the repository root, with the venv's python on PATH
#                                                or PYTHON=/path/to/python)
# Signing: set CODESIGN_IDENTITY to sign with a Developer ID (hardened runtime); otherwise PyInstaller's
# ad hoc signature stays (runs locally; Gatekeeper asks once on other Macs: right-click > Open).
set -eu
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
OUT=packaging/out
VERSION=$("$PYTHON" packaging/app_version.py)
ARCH=$(uname -m)
started=$(date +%s)

"$PYTHON" packaging/make_icons.py --out "$OUT/icons"
STEGNOX_ICON_DIR="$OUT/icons" "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/build" packaging/stegnox.spec
APP="$OUT/dist/StegnoX.app"
[ -x "$APP/Contents/MacOS/StegnoX" ] || { echo "PyInstaller did not produce $APP" >&2; exit 1; }
/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$APP/Contents/Info.plist" | grep -qx "$VERSION"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$APP"
fi
codesign --verify --deep --strict "$APP"

# The disk image: the app plus a link to /Applications to drag it onto.
STAGE="$OUT/dmg"
rm -rf "$STAGE" && mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="$OUT/StegnoX-$VERSION-macos-$ARCH.dmg"
rm -f "$DMG"
hdiutil create -volname "StegnoX $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
rm -rf "$STAGE"
echo "app: $APP ($(du -sh "$APP" | cut -f1)); dmg: $DMG ($(du -h "$DMG" | cut -f1)); $(( $(date +%s) - started )) s"
