#!/usr/bin/env bash
# The speed table of the README, every row against its peer, measured side by side in one run
# (the machine is shared and noisy: ratios of neighbours are what carry over). Each side runs at
# each thread count; a row's ratio compares each side at its best.
#
#   scripts/bench.sh [--quick] [--rows 2d,2d100,window,images,shapes]
#
# Peers: ../shared/bench/peer_jem2d.py (the official loop re-stated for 2D; needs python3-torch)
# and the official train_wrn_ebm.py through ../shared/bench/official/run_official_jem.py (needs
# JEM_OFFICIAL_DIR, see its README). A row whose peer is missing is skipped with the reason.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JEMLAB=${JEMLAB:-$ROOT/build/jemlab}
BENCH=${JEMLAB_BENCH_DIR:-$ROOT/../shared/bench}
PY=${PYTHON:-/usr/bin/python3}
ROWS=2d,2d100,window,images,shapes
QUICK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rows) ROWS=$2; shift ;;
    *) echo "usage: $0 [--quick] [--rows 2d,2d100,window,images,shapes]" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$JEMLAB" ] || { echo "no $JEMLAB: build first (scripts/build.sh)" >&2; exit 2; }
# Every row runs both sides with the kernels jemlab runs by itself on this CPU: OpenBLAS's own
# choice, or jemlab's where OpenBLAS picked a class below the CPU's (core/util/blas_kernels.h; a
# peer left to itself would then run OpenBLAS's). The 2D rows also run both sides with the
# environment's OPENBLAS_CORETYPE where one is set (one workplace set Haswell).
ENV_KERNELS=${OPENBLAS_CORETYPE:-}
unset OPENBLAS_CORETYPE
KERNELS_LINE=$("$JEMLAB" bench --iters 1 --warmup 0 2>/dev/null | grep -o 'OpenBLAS [^,]*')
OWN_KERNELS=$(echo "$KERNELS_LINE" | cut -d' ' -f2)
OPENBLAS_PICK=$(echo "$KERNELS_LINE" | sed -n -E 's/.*OpenBLAS picked ([A-Za-z0-9]+).*/\1/p')
[ -n "$OWN_KERNELS" ] && export OPENBLAS_CORETYPE=$OWN_KERNELS
KERNELS_NOTE=${OWN_KERNELS:-?}${OPENBLAS_PICK:+, where OpenBLAS alone picks $OPENBLAS_PICK}
echo "kernels: both sides OpenBLAS $KERNELS_NOTE"
[ "$ENV_KERNELS" = "$OWN_KERNELS" ] && ENV_KERNELS=
has_row() { [[ ",$ROWS," == *",$1,"* ]]; }
have_peer2d() { "$PY" -c "import torch" 2>/dev/null && [ -f "$BENCH/peer_jem2d.py" ]; }

# Wall seconds of a whole process (start-up included, as a user waits for it).
wall() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "FAIL"; return; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
# bench's last line: "<n> it/s", or "<n> ms/it" for slow models.
seconds_per_it() { awk '{ if ($2 == "ms/it") print $1 / 1000; else print 1 / $1 }'; }
its_per_s() { awk '{ if ($2 == "ms/it") printf "%.1f\n", 1000 / $1; else print $1 }'; }
best() { printf '%s\n' "$@" | grep -v FAIL | sort -g | head -1; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

TABLE=()
row() { TABLE+=("$(printf '| %s | %s | %s | %s |' "$1" "$2" "$3" "$4")"); }

# 2D: the default loop, whole process, 1 and 2 threads on each side, interleaved. Both sides
# link the same OpenBLAS, whose kernels move these times by half or more (core/util/blas_kernels.h):
# both run with jemlab's kernels, and where the environment set OPENBLAS_CORETYPE, both with that.
bench_2d() {
  local steps=$1 iters=$2 label=$3
  if ! have_peer2d; then echo "skip $label: no python3-torch or peer_jem2d.py"; return; fi
  local env_kernels=$ENV_KERNELS
  local ours=() peer=() ours_env=() peer_env=() th rep
  local peer_cmd=("$PY" "$BENCH/peer_jem2d.py" --warmup 20 --steps "$steps" --iters "$iters")
  for rep in 1 2; do
    for th in 1 2; do
      ours+=("$(wall "$JEMLAB" bench --iters "$iters" --warmup 20 --threads "$th" --n_steps "$steps")")
      peer+=("$(wall "${peer_cmd[@]}" --threads "$th")")
      echo "$label threads $th: jemlab ${ours[-1]} s, peer ${peer[-1]} s (OpenBLAS $KERNELS_NOTE)"
      if [ -n "$env_kernels" ]; then
        ours_env+=("$(wall env OPENBLAS_CORETYPE="$env_kernels" "$JEMLAB" bench --iters "$iters" --warmup 20 --threads "$th" --n_steps "$steps")")
        peer_env+=("$(wall env OPENBLAS_CORETYPE="$env_kernels" "${peer_cmd[@]}" --threads "$th")")
        echo "$label threads $th, both OPENBLAS_CORETYPE=$env_kernels: jemlab ${ours_env[-1]} s, peer ${peer_env[-1]} s"
      fi
    done
  done
  local o p
  o=$(best "${ours[@]}"); p=$(best "${peer[@]}")
  row "$label, $iters iterations, whole process, best of 1/2 threads, both OpenBLAS $KERNELS_NOTE" \
      "$(printf '%.2f s' "$o")" "$(printf '%.2f s' "$p")" "$(ratio "$p" "$o")x"
  if [ -n "$env_kernels" ]; then
    o=$(best "${ours_env[@]}"); p=$(best "${peer_env[@]}")
    row "same, both with this environment's OPENBLAS_CORETYPE=$env_kernels" "$(printf '%.2f s' "$o")" \
        "$(printf '%.2f s' "$p")" "$(ratio "$p" "$o")x"
  fi
}

# The window under Xvfb at its defaults (image models leave a core to drawing) beside the headless
# trainer at its own (every core) and at the window's thread count; the window's rates are its
# means from the 60th frame on (start-up left out).
bench_window() {
  local preset=$1 label=$2 frames=$3
  if ! command -v xvfb-run >/dev/null; then echo "skip $label: no xvfb-run"; return; fi
  local out head fps its
  out=$(xvfb-run -a -s "-screen 0 1600x1000x24" "$JEMLAB" --preset "$preset" --frames "$frames" 2>&1 |
        grep -E '^jemlab: [0-9]+ frames')
  fps=$(echo "$out" | sed -E 's/.*from frame [0-9]+ on: ([0-9.]+) fps.*/\1/')
  its=$(echo "$out" | sed -E 's/.*from frame [0-9]+ on: [0-9.]+ fps, ([0-9.]+) it\/s.*/\1/')
  head=$("$JEMLAB" bench --config "$ROOT/assets/presets/$preset.json" --iters 300 --warmup 20 2>/dev/null |
         tail -1 | its_per_s)
  # The window's trainer may have a core fewer (core/util/run_threads.h): headless at its count too.
  local threads same
  threads=$(echo "$out" | sed -E 's/.* ([0-9]+) trainer thread.*/\1/')
  same=$("$JEMLAB" bench --config "$ROOT/assets/presets/$preset.json" --iters 300 --warmup 20 \
         --threads "$threads" 2>/dev/null | tail -1 | its_per_s)
  # The window's work without the drawing: the Runner with its snapshots, evaluations and views.
  local runner
  runner=$("$JEMLAB" bench --runner --config "$ROOT/assets/presets/$preset.json" --iters 300 --warmup 20 \
           --threads "$threads" 2>/dev/null | tail -1 | its_per_s)
  echo "$label: $out; headless $head it/s, $same it/s at the window's thread count, $runner it/s in the Runner"
  row "$label" "$fps fps, $its it/s" \
      "headless $head it/s ($same at the window's threads; $runner with the window's work, no drawing)" \
      "$(echo "scale=0; 100 * $its / $head" | bc -l) % of headless ($(echo "scale=0; 100 * $its / $same" | bc -l) % at its threads, $(echo "scale=0; 100 * $its / $runner" | bc -l) % of the Runner's)"
}

bench_images() {
  local d=${JEM_OFFICIAL_DIR:-}
  if [ -z "$d" ] || ! "$PY" -c "import torch, torchvision" 2>/dev/null; then
    echo "skip images: set JEM_OFFICIAL_DIR and install python3-torchvision (../shared/bench/official/README.md)"; return
  fi
  local ours=() peer=() bf16=() rep
  for rep in 1 2; do
    ours+=("$("$JEMLAB" bench --config "$ROOT/assets/configs/cifar10_official.json" --model wrn-10-2 --device cpu \
              --threads 2 --iters 6 --warmup 2 2>/dev/null | tail -1 | seconds_per_it)")
    peer+=("$(cd "$BENCH/official" && OMP_NUM_THREADS=2 JEM_OFFICIAL_DIR=$d "$PY" run_official_jem.py --n_train 2000 \
              --n_test 500 --warmup 2 --timed_iters 6 -- --depth 10 --width 2 --n_steps 20 --batch_size 64 \
              --print_every 1 --n_epochs 1 --p_x_weight 1.0 --p_y_given_x_weight 1.0 --p_x_y_weight 0.0 --sigma .03 \
              --lr .0001 --optimizer adam --warmup_iters 1000 --n_valid 100 --save_dir /tmp/peer_out 2>/dev/null |
              tail -1 | sed -E 's/.*median_s_per_iter=([0-9.]+).*/\1/')")
    bf16+=("$("$JEMLAB" bench --config "$ROOT/assets/configs/cifar10_official.json" --model wrn-10-2 --device cpu \
              --threads 2 --iters 6 --warmup 2 --amp bf16 --channels_last true 2>/dev/null | tail -1 | seconds_per_it)")
    echo "images WRN-10-2: jemlab ${ours[-1]} s/it (bf16 + channels-last ${bf16[-1]}), official ${peer[-1]} s/it"
  done
  local o p
  o=$(best "${ours[@]}"); p=$(best "${peer[@]}")
  row "images CPU, WRN-10-2, batch 64, 20 SGLD steps, 2 threads" "$(printf '%.2f s/it' "$o")" \
      "$(printf '%.2f s/it (official)' "$p")" "$(ratio "$p" "$o")x"
  o=$(best "${bf16[@]}")
  row "same, jemlab with --amp bf16 --channels_last true (bf16 forward passes)" "$(printf '%.2f s/it' "$o")" \
      "$(printf '%.2f s/it (official, fp32)' "$p")" "$(ratio "$p" "$o")x"
}

iters=600; iters100=200; frames=600
[ $QUICK -eq 1 ] && iters=200 && iters100=60 && frames=240
has_row 2d && bench_2d 20 $iters "2D default"
has_row 2d100 && bench_2d 100 $iters100 "2D, 100-step chains"
has_row window && bench_window jem_default "window under Xvfb, 2D default" $frames
has_row images && bench_images
has_row shapes && bench_window shapes_images "window under Xvfb, small CNN on shapes" $frames
echo
echo "| workload | jemlab | peer | ratio |"
echo "|---|---|---|---|"
printf '%s\n' "${TABLE[@]}"
