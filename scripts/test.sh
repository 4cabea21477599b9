#!/usr/bin/env bash
# The README's second command (and .ci/run): install the packages, build, run the whole suite.
# Window tests run under Xvfb; the runner's threading tests also run under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh
echo "== test suite"
(cd build && xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure)

echo "== ThreadSanitizer: runner and snapshot hand-off"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJEMLAB_SANITIZE=thread \
  -DJEMLAB_BUILD_APP=OFF >/dev/null
cmake --build build-tsan --target test_engine
# One OpenMP thread: libgomp is not instrumented, so its pool would only add false reports.
OMP_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  build-tsan/tests/test_engine --gtest_filter='Runner.*:MetricsHistory.*'
