#!/usr/bin/env bash
# The README's first command: install the packages, build, and open the lab on the default 2D demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh
exec build/jemlab "$@"
