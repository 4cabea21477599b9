#!/usr/bin/env bash
# Installs the Debian packages JEM Lab builds, runs and tests with (sudo when not root), the set
# for the release /etc/os-release names: Debian 12 "bookworm" (LibTorch 1.13, ImGui 1.86,
# GLFW 3.3) or Debian 13 "trixie" (LibTorch 2.6, ImGui 1.90, GLFW 3.4). Does nothing when they are
# all present already.
set -euo pipefail
codename=unknown
[ -r /etc/os-release ] && codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-unknown}")
PKGS=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-openmp      # without OpenBLAS libtorch silently uses reference BLAS (6-8x slower)
  libimgui-dev libstb-dev libglfw3-dev libepoxy-dev libgl-dev
  libgif-dev                            # the animated GIF export of SGLD chains
  libgtest-dev nlohmann-json3-dev zlib1g-dev
  xvfb xauth libgl1-mesa-dri            # headless window tests
  xdotool                               # real mouse and key input in the window input test
  x11-utils                             # xprop: Xft.dpi for the HiDPI window test
  clang libclang-rt-dev libomp-dev      # the libFuzzer harnesses (tests/fuzz, scripts/fuzz.sh)
  libx11-dev                            # the window reads its pixels back from X (--check-damage); x11_iconify
)
# Both releases name every package alike (checked with apt-cache in a trixie root, see
# scripts/test_in_debian13.sh); the versions differ: trixie brings LibTorch 2.6, ImGui 1.90,
# GLFW 3.4, GoogleTest 1.16 and clang 19 behind the same names.
# JEMLAB_LIBTORCH=libtorch-cuda-dev: Debian 13's CUDA LibTorch (contrib) and toolkit instead of
# the CPU one (scripts/test_in_debian13.sh --cuda).
# oneDNN's headers for the Wide-ResNet's direct oneDNN drift: on Debian 12 they match the oneDNN
# LibTorch links (CMake checks; on Debian 13 they do not, 3.7 against LibTorch's 3.6, so they are
# not installed there).
[ "$codename" = trixie ] || PKGS+=(libdnnl-dev)
if [ "${JEMLAB_LIBTORCH:-libtorch-dev}" = libtorch-cuda-dev ]; then
  PKGS=("${PKGS[@]/#libtorch-dev/libtorch-cuda-dev}" nvidia-cuda-dev nvidia-cuda-toolkit)
fi
case $codename in
  bookworm | trixie) ;;
  *) echo "install_deps: '$codename' is neither Debian 12 (bookworm) nor 13 (trixie); trying the Debian 12 set" >&2 ;;
esac
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#PKGS[@]} packages for $codename present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "install_deps ($codename): installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
