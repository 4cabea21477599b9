#!/usr/bin/env bash
# Release check: the README's test command (scripts/test.sh: the whole suite, window tests under
# Xvfb included) inside a Debian 13 "trixie" root made with debootstrap under build-debian13/
# (as root; sudo otherwise). The project goes in as a clean clone of HEAD, as CI sees it; the
# root is kept between runs (delete build-debian13/ for a fresh one). Each stage is timed.
#   scripts/test_in_debian13.sh            make or reuse the root, install, build, test
#   DEBIAN_MIRROR=http://... scripts/test_in_debian13.sh
#   scripts/test_in_debian13.sh --cuda     the CLI-only build against Debian 13's CUDA LibTorch 2.6
#                                          (contrib) in build-debian13-cuda/, and its suite: the
#                                          CUDA code compiles and links, and its tests skip cleanly
#                                          without a GPU
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || exec sudo -E "$0" "$@"
CUDA=0
[ "${1:-}" = --cuda ] && CUDA=1
ROOT=$PWD/build-debian13/root
[ $CUDA = 1 ] && ROOT=$PWD/build-debian13-cuda/root
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

in_root() { chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
start=$(date +%s)
if [ $CUDA = 1 ]; then
  stage "CUDA LibTorch: packages"
  echo "deb $MIRROR trixie main contrib non-free non-free-firmware" > "$ROOT/etc/apt/sources.list"
  # nvidia-cudnn is an installer that downloads cuDNN from NVIDIA: here it only has to be
  # configured, and the library it would fetch is stubbed (no GPU code runs without a GPU).
  in_root /bin/bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nvidia-cudnn || true
    echo "exit 0" > /var/lib/dpkg/info/nvidia-cudnn.postinst && dpkg --configure -a
    cd /src/jemlab && JEMLAB_LIBTORCH=libtorch-cuda-dev scripts/install_deps.sh'
  lib=$ROOT/usr/lib/x86_64-linux-gnu
  if ! [ -e "$lib/libcudnn.so.9" ]; then
    nm -D --undefined-only "$lib/libtorch_cuda.so" | awk '$2 ~ /^cudnn/ { sub(/@.*/, "", $2); print "int " $2 "(void) { return 1; }" }' |
      sort -u > "$ROOT/tmp/cudnn_stub.c"
    echo 'libcudnn.so.9 { global: *; };' > "$ROOT/tmp/cudnn.map"
    in_root gcc -shared -fPIC -o /usr/lib/x86_64-linux-gnu/libcudnn.so.9 -Wl,-soname,libcudnn.so.9 \
      -Wl,--version-script=/tmp/cudnn.map /tmp/cudnn_stub.c
  fi
  stage "CLI-only build against the CUDA LibTorch, and its suite"
  in_root /bin/bash -c 'cd /src/jemlab && cmake -S . -B build-cuda -G Ninja -DJEMLAB_BUILD_WINDOW=OFF | grep jemlab &&
    ninja -C build-cuda && ctest --test-dir build-cuda -j 2 --timeout 600 --output-on-failure &&
    build-cuda/tests/test_engine --gtest_filter="Cuda*" | tail -8'
else
  stage "scripts/test.sh inside trixie"
  in_root /bin/bash -c 'cd /src/jemlab && cat /etc/debian_version && scripts/test.sh'
fi
stage "passed in $(( $(date +%s) - start )) s"
