#!/usr/bin/env bash
# Release check for servers: configures build-cli/ with -DJEMLAB_BUILD_WINDOW=OFF while hiding
# pkg-config's modules and OpenGL from CMake (so nothing of the window can be found), builds it
# and runs its test suite: the unit suites, the CLI end-to-end test, the CLI-only checks and the
# soak. The full suite (scripts/test.sh) links and tests jemlab-cli, the same CLI-only binary,
# on every run; this script proves the configure and build need no GL, GLFW, ImGui or X package.
set -euo pipefail
cd "$(dirname "$0")/.."
no_modules=$(mktemp -d)
trap 'rm -rf "$no_modules"' EXIT
PKG_CONFIG_LIBDIR="$no_modules" PKG_CONFIG_PATH="" cmake -S . -B build-cli -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DJEMLAB_BUILD_WINDOW=OFF -DCMAKE_DISABLE_FIND_PACKAGE_OpenGL=ON -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON "$@" \
  >"$no_modules/configure.log" 2>&1 || { cat "$no_modules/configure.log"; exit 1; }
# The window's find_package calls are REQUIRED: CMake refuses a disabled REQUIRED package, so a
# configure that succeeds here looked for neither OpenGL nor pkg-config (nor ImGui, GLFW, epoxy,
# X11, which are found through pkg-config).
cmake --build build-cli
if readelf -d build-cli/jemlab | grep NEEDED | grep -Eiq 'libGL|libglfw|libepoxy|libX11|imgui'; then
  echo "build-cli/jemlab needs a window library:" >&2
  readelf -d build-cli/jemlab | grep NEEDED >&2
  exit 1
fi
(cd build-cli && ctest --output-on-failure)
