#!/usr/bin/env bash
# Release check: the README's test command (scripts/test.sh: the whole suite, window tests under
# Xvfb included) inside a Debian 13 "trixie" root made with debootstrap under build-debian13/
# (as root; sudo otherwise). The project goes in as a clean clone of HEAD, as CI sees it; the
# root is kept between runs (delete build-debian13/ for a fresh one). Each stage is timed.
#   scripts/test_in_debian13.sh            make or reuse the root, install, build, test
#   DEBIAN_MIRROR=http://... scripts/test_in_debian13.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || exec sudo -E "$0" "$@"
ROOT=$PWD/build-debian13/root
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
stage() { echo "== debian13: $1 ($(date +%T))"; }

if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
  stage "debootstrap trixie into $ROOT"
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
  mkdir -p "$ROOT"
  debootstrap --variant=minbase --include=ca-certificates trixie "$ROOT" "$MIRROR" >"$ROOT/../debootstrap.log"
fi
mounted=()
mount_in() {  # mount_in SOURCE TARGET [OPTIONS...]
  local target=$ROOT$2
  mountpoint -q "$target" || { mount "${@:3}" "$1" "$target"; mounted+=("$target"); }
}
cleanup() { for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" || true; done; }
trap cleanup EXIT
mount_in proc /proc -t proc
mount_in /dev /dev --bind
mount_in /dev/pts /dev/pts --bind
mount_in /sys /sys --bind
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

stage "clean clone of $(git rev-parse --short HEAD)"
rm -rf "$ROOT/src/jemlab"
mkdir -p "$ROOT/src"
git clone -q . "$ROOT/src/jemlab"

stage "scripts/test.sh inside trixie"
start=$(date +%s)
chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  /bin/bash -c 'cd /src/jemlab && cat /etc/debian_version && scripts/test.sh'
stage "passed in $(( $(date +%s) - start )) s"
