#!/usr/bin/env bash
# Configures and builds JEM Lab into build/ (Release). Extra arguments go to cmake's configure step,
# e.g. -DCMAKE_PREFIX_PATH=/path/to/libtorch for a CUDA LibTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build
