#!/usr/bin/env bash
# Packs what a bare GPU machine lacks into build-gpu/carry (ignored by git; under 64 MiB), for
# scripts/gpu_check.sh there: Debian's header and small library packages (downloaded, never
# installed), the benchmark peers of ../shared/bench, and the official JEM code.
#   scripts/gpu_carry.sh /path/to/official-JEM-git-dir   # the `fetch` of github:wgrathwohl/JEM
# Then, on the device machine: scripts/gpu_check.sh, with build-gpu/carry carried.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
carry=$repo/build-gpu/carry
official_git=${1:-${JEM_OFFICIAL_GIT:-}}
official_commit=3d01161547109b464eee87304f07b2dac8519d03
# Headers (and two small C libraries) of the CLI-only build. GoogleTest travels as source, built
# there by the machine's own compiler.
packages=(nlohmann-json3-dev googletest libstb-dev libstb0 zlib1g-dev zlib1g libgif-dev libgif7)

rm -rf "$carry"
mkdir -p "$carry/debs" "$carry/bench"
(cd "$carry/debs" && apt-get download "${packages[@]}")
cp -r "$repo/../shared/bench/." "$carry/bench/"
if [ -n "$official_git" ]; then
  mkdir -p "$carry/jem-official"
  # The code only: the repository's figures are not needed to run it.
  git --git-dir="$official_git" archive "$official_commit" -- '*.py' LICENSE | tar -x -C "$carry/jem-official"
else
  echo "gpu_carry: no official JEM git dir given: the official benchmark will be skipped" >&2
fi
du -sh "$carry"
