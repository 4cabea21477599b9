#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang into build-fuzz/, writes their seed
# corpora and runs each harness with the given libFuzzer flags (default: 20 s each).
#   scripts/fuzz.sh [LIBFUZZER_FLAGS...]     e.g. -max_total_time=600, or -runs=1000000
#   FUZZERS="idx config" scripts/fuzz.sh     only those harnesses (names without fuzz_)
#   FUZZ_BUILD=build-asan scripts/fuzz.sh    in a clang build configured with -DJEMLAB_FUZZ=ON
#                                            (scripts/test.sh shares its ASan build this way)
# Corpora grow in build-fuzz/corpus/NAME; a finding is saved in build-fuzz/crashes/ and the
# script fails with the harness's report. Reproduce: build-fuzz/tests/fuzz/fuzz_NAME FILE
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
[ ${#flags[@]} -eq 0 ] && flags=(-max_total_time=20)
B=${FUZZ_BUILD:-build-fuzz}
if [ ! -f "$B/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJEMLAB_FUZZ=ON \
    -DJEMLAB_BUILD_APP=OFF -DJEMLAB_BUILD_TESTS=OFF >/dev/null
fi
names=(${FUZZERS:-cifar svhn mat5 idx idx_gzip config preset points_csv session checkpoint})
cmake --build "$B" --target fuzz_seeds fuzz_checkpoint_seeds "${names[@]/#/fuzz_}"
"$B/tests/fuzz/fuzz_seeds" "$B/seeds" >/dev/null
"$B/tests/fuzz/fuzz_checkpoint_seeds" "$B/seeds"
mkdir -p "$B/crashes" "$B/logs"
rm -f "$B/logs/"*.result
# One harness: its summary line in $B/logs/NAME.result, exit 1 on a finding.
fuzz_one() {
  local h=$1 extra=() log="$B/logs/$1.log"
  case $h in
    config | preset | session) extra=(-dict="$B/seeds/json.dict") ;;
    # Fuzzed knobs may ask for a model or data set of gigabytes, as the schema allows: such
    # out-of-memory and slow inputs are skipped (fork mode), crashes and leaks still stop it.
    checkpoint)
      extra=(-fork=${FUZZ_JOBS:-1} -ignore_ooms=1 -ignore_timeouts=1 -rss_limit_mb=3072 -timeout=30) ;;
  esac
  mkdir -p "$B/corpus/$h"
  if ! UBSAN_OPTIONS=print_stacktrace=1 \
      "$B/tests/fuzz/fuzz_$h" "${flags[@]}" "${extra[@]}" -print_final_stats=1 \
      -artifact_prefix="$B/crashes/$h-" "$B/corpus/$h" "$B/seeds/$h" >"$log" 2>&1; then
    { tail -n 60 "$log"; echo "fuzz_$h: FINDING (input saved in $B/crashes/, full log $log)"; } >"$B/logs/$h.result"
    return 1
  fi
  local runs speed last
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")/s
  if [ -z "$runs" ]; then  # fork mode reports on its progress lines only
    last=$(grep -E '^#[0-9]+:' "$log" | tail -n 1)
    runs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    speed="$(sed -E 's/.*exec\/s ([0-9]+).*/\1/' <<<"$last")/s, $(grep -oE 'oom/timeout/crash: [0-9/]+' <<<"$last")"
  fi
  echo "fuzz_$h: $runs inputs, $speed, no finding" >"$B/logs/$h.result"
}
# Each harness is one process on one core: as many side by side as there are cores
# (FUZZ_PARALLEL), each for the whole time it is given.
parallel=${FUZZ_PARALLEL:-$(nproc)}
running=0
for h in "${names[@]}"; do
  if [ "$running" -ge "$parallel" ]; then wait -n || true; running=$((running - 1)); fi
  fuzz_one "$h" &
  running=$((running + 1))
done
wait || true
found=0
for h in "${names[@]}"; do
  cat "$B/logs/$h.result" 2>/dev/null || { echo "fuzz_$h: no result"; found=1; }
  grep -q ': FINDING' "$B/logs/$h.result" 2>/dev/null && found=1
done
exit $found
