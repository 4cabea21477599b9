#!/usr/bin/env bash
# The README's second command (and .ci/run): install the packages, build, run the whole suite.
# Window tests run under Xvfb; the runner's threading tests also run under ThreadSanitizer, the
# unit suites under AddressSanitizer + UBSan, and each fuzzer briefly (see the README's Hardening).
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { echo "== $1 (at $SECONDS s)"; }  # each stage says when it started: CI's time per stage
scripts/install_deps.sh
stage "build"
scripts/build.sh
stage "test suite"
# One test at a time: the training tests use both cores (OpenMP), and two of them side by side
# ran several times slower than one after the other.
(cd build && xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure)

# The sanitizer builds use clang where present: it compiles the torch sources in a third of
# GCC's time, and its ASan build also links the fuzzers (coverage instrumentation is cheap).
clang=()
command -v clang++ >/dev/null && clang=(env CC=clang CXX=clang++)

# Unity builds, as scripts/build.sh's: the two sanitizer stages took 86 and 184 s with separate
# sources, 50 and 135 s with unity ones (clean clone, 2 cores).
unity=(-DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8)

stage "ThreadSanitizer: runner and snapshot hand-off, the whole lab"
"${clang[@]}" cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJEMLAB_SANITIZE=thread \
  "${unity[@]}" >/dev/null
cmake --build build-tsan --target test_runner_threads jemlab
# One OpenMP thread: libgomp is not instrumented, so its pool would only add false reports; the
# OpenMP runtimes' own calls into libc are suppressed for the same reason (tests/tsan.supp).
tsan=(env OMP_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp")
"${tsan[@]}" build-tsan/tests/test_runner_threads
# The lab itself: the window's thread, the runner and its helpers, llvmpipe (on the window's
# thread; its own threads' fences race, see the README's Hardening) for 300 frames of training.
# 800x500: on Debian 13 this build draws with Mesa's softpipe (gl_driver_isolation.h), 20 fps there.
"${tsan[@]}" xvfb-run -a -s "-screen 0 1600x1000x24" build-tsan/jemlab --frames 300 --size 800x500

stage "AddressSanitizer + UndefinedBehaviorSanitizer: unit suites"
fuzz=OFF
fuzz_probe=$(mktemp -d)
if [ ${#clang[@]} -gt 0 ] &&
    echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
    clang++ -x c++ -fsanitize=fuzzer,address,undefined -o "$fuzz_probe/probe" - 2>/dev/null; then
  fuzz=ON
fi
rm -rf "$fuzz_probe"
"${clang[@]}" cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJEMLAB_SANITIZE=address \
  -DJEMLAB_FUZZ=$fuzz "${unity[@]}" >/dev/null
cmake --build build-asan --target test_params test_images test_engine test_window_logic
# The training-quality tests (each minutes under ASan) only repeat code the others cover.
ASAN_SLOW='DivergenceGuard.TwentySeededUnstableRunsAreAllCaughtAndResume:EightGaussians.*'
ASAN_SLOW+=':ImageTraining.BaselineLearnsShapes:StabilityIndicators.AlarmBeforeTheGuardTripsAndNotOnAStableRun'
ASAN_SLOW+=':Training.JemOnTwoMoonsReachesNinetyFivePercent:Control.JemLearnsTheJointAndTheBaselineOnlyTheConditional'
ASAN_SLOW+=':RobustnessRun.*'  # trains two runs; Pgd.*, ImageRobustness.* and the runner's test cover the code
export UBSAN_OPTIONS=print_stacktrace=1
for t in test_params test_images test_window_logic; do build-asan/tests/$t --gtest_brief=1; done
build-asan/tests/test_engine --gtest_brief=1 --gtest_filter="-$ASAN_SLOW"

if [ $fuzz = ON ]; then
  stage "libFuzzer: every reader for 10 s"
  FUZZ_BUILD=build-asan scripts/fuzz.sh -max_total_time=10
else
  stage "libFuzzer: SKIPPED, clang++ cannot link -fsanitize=fuzzer (install clang, libclang-rt-dev, libomp-dev)"
fi
stage "done"
