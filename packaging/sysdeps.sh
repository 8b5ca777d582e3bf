#!/bin/sh
# Make sure the shared libraries Qt needs are present. On Debian/Ubuntu as root they are
# installed with apt-get; elsewhere the exact package names are printed.
# Extra Debian packages can be passed as arguments (used by `make package`).
PKGS="libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0 fonts-dejavu-core $*"

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian-like: check the libraries themselves and name what is missing.
    missing=""
    for lib in libglib-2.0.so.0 libEGL.so.1 libGL.so.1 libX11.so.6 libdbus-1.so.3 libfontconfig.so.1 libfreetype.so.6 libxkbcommon.so.0; do
        ldconfig -p 2>/dev/null | grep -q "$lib" || missing="$missing $lib"
    done
    if [ -n "$missing" ]; then
        echo "StegnoX: Qt needs these shared libraries, which were not found:$missing" >&2
        echo "Install them with your system's package manager (on Debian/Ubuntu: $PKGS)." >&2
        exit 1
    fi
    exit 0
fi

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "StegnoX: installing system packages Qt needs:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
        apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $missing
    } || { echo "StegnoX: apt-get could not install:$missing" >&2; exit 1; }
else
    echo "StegnoX: Qt needs these system packages, which are not installed:$missing" >&2
    echo "Install them with:  sudo apt-get install$missing" >&2
    exit 1
fi
