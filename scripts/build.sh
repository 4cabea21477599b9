#!/usr/bin/env bash
# Configures and builds JEM Lab into build/ (Release). Extra arguments go to cmake's configure step,
# e.g. -DCMAKE_PREFIX_PATH=/path/to/libtorch for a CUDA LibTorch, or -DCMAKE_UNITY_BUILD=OFF.
# A unity build (8 sources a translation unit) parses the torch headers an eighth as often: a
# build from scratch took 100 s instead of 233 s on 2 cores, and trains as fast.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 "$@" >/dev/null
cmake --build build
