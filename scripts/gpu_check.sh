#!/usr/bin/env bash
# The GPU check (issue 18), one command for a bare GPU machine with CUDA, CMake, ninja, a C++
# compiler and a python3 with torch: unpack the carried Debian packages into a prefix, build the
# CLI-only jemlab against torch's own LibTorch, run the CUDA tests, time WRN-28-10 at the official
# settings against both peers, then run the rest of the suite with what time is left. Every log,
# and summary.md with the table, goes to $OUT. Each stage stops at its own time budget, and the
# whole run at --budget seconds (default 480: one run fits the device's 15 minutes).
#   scripts/gpu_carry.sh <official JEM git dir>   # here, once: fills build-gpu/carry
#   scripts/gpu_check.sh                          # there, with build-gpu/carry carried
#   scripts/gpu_check.sh --rehearse               # here: the same stages on the CPU, from a
#                                                 # clean folder holding only the carried files
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
carry=$repo/build-gpu/carry
out=${OUT:-$repo/build-gpu/out}
budget=480 mode=gpu rehearse=0
# Stage budgets are sized for the GPU machine's 16 cores; the rehearsal's CPU (2 cores here) gets
# them scaled by --scale (default 16 / its cores).
scale=0
while [ $# -gt 0 ]; do
  case $1 in
    --rehearse) rehearse=1 ;;
    --cpu) mode=cpu ;;  # what --rehearse runs inside its clean folder
    --budget) budget=$2; shift ;;
    --scale) scale=$2; shift ;;
    --out) out=$2; shift ;;
    --carry) carry=$2; shift ;;
    *) echo "gpu_check: unknown option $1 (--rehearse, --budget S, --out DIR, --carry DIR)" >&2; exit 2 ;;
  esac
  shift
done
[ -d "$carry/debs" ] || { echo "gpu_check: no carried packages in $carry: run scripts/gpu_carry.sh first" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ "$rehearse" = 1 ]; then
  # Only what travels: the tracked and new files of the working tree, and the carry folder.
  clean=$(mktemp -d /tmp/jemlab-gpu-rehearsal.XXXXXX)
  (cd "$repo" && git ls-files -co --exclude-standard | tar -cf - -T -) | tar -xf - -C "$clean"
  mkdir -p "$clean/build-gpu" && cp -r "$carry" "$clean/build-gpu/carry"
  echo "gpu_check --rehearse: in $clean, logs in $out"
  exec "$clean/scripts/gpu_check.sh" --cpu --budget "$budget" --scale "$scale" --out "$out"
fi

if ! [ "$scale" -gt 0 ] 2>/dev/null; then
  scale=1
  [ "$mode" = cpu ] && scale=$(( (16 + $(nproc) - 1) / $(nproc) ))
fi
work=${GPU_CHECK_WORK:-$(mktemp -d /tmp/jemlab-gpu.XXXXXX)}
prefix=$work/prefix build=$work/build
t0=$SECONDS
: > "$out/stages.tsv"
export repo carry out mode work prefix build

# stage NAME SECONDS FUNCTION: runs FUNCTION under its budget (and what is left of the total),
# logging to $out/NAME.log and a line to stages.tsv. Returns FUNCTION's status (124: budget).
stage() {
  local name=$1 limit=$2 fn=$3 left=$((budget - (SECONDS - t0))) start=$SECONDS rc
  if [ "$left" -lt 10 ]; then
    printf '%s\tskipped: total budget spent\t0\t%s\n' "$name" "$limit" >> "$out/stages.tsv"
    echo "== $name: skipped (the total budget is spent)"
    return 125
  fi
  limit=$((limit * scale))
  [ "$limit" -gt "$left" ] && limit=$left
  echo "== $name (budget ${limit} s, at $((SECONDS - t0)) s)"
  timeout --kill-after=10 "$limit" bash -c "$fn" > "$out/$name.log" 2>&1
  rc=$?
  local verdict=ok
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && verdict="stopped at its budget"
  [ $rc -ne 0 ] && [ "$verdict" = ok ] && verdict="failed ($rc)"
  printf '%s\t%s\t%d\t%d\n' "$name" "$verdict" "$((SECONDS - start))" "$limit" >> "$out/stages.tsv"
  echo "   $verdict in $((SECONDS - start)) s; last lines:"
  tail -n 3 "$out/$name.log" | sed 's/^/   | /'
  return $rc
}

# --- what the stages run (each in its own bash, hence exported) ---------------------------------
find_python() {
  for py in "${PYTHON:-python3}" /usr/bin/python3; do
    "$py" -c 'import torch' 2>/dev/null && { echo "$py"; return; }
  done
  echo "gpu_check: no python3 with torch" >&2
  return 1
}
env_report() {
  date -u; uname -a; grep PRETTY_NAME /etc/os-release; nproc; free -g | head -2
  nvidia-smi || echo "no nvidia-smi"
  c++ --version | head -1; cmake --version | head -1; ninja --version
  "$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpu", torch.cuda.is_available(), torch.utils.cmake_prefix_path)'
}
unpack() {
  rm -rf "$prefix" && mkdir -p "$prefix"
  for deb in "$carry"/debs/*.deb; do
    if command -v dpkg-deb > /dev/null; then
      dpkg-deb -x "$deb" "$prefix"
    else  # a .deb is an ar archive holding data.tar.*
      "$py" - "$deb" "$prefix" <<'PY'
import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
pos = 8
while pos < len(data):
    name, size = data[pos:pos + 16].decode().strip(), int(data[pos + 48:pos + 58])
    body = data[pos + 60:pos + 60 + size]
    if name.startswith("data.tar"):
        tarfile.open(fileobj=io.BytesIO(body)).extractall(sys.argv[2])
    pos += 60 + size + (size & 1)
PY
    fi
    echo "unpacked $(basename "$deb")"
  done
  test -f "$prefix/usr/src/googletest/CMakeLists.txt" && test -f "$prefix/usr/include/nlohmann/json.hpp"
}
configure() {
  local torch_prefix link_flags=""
  torch_prefix=$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path)')
  [ -f "$torch_prefix/Torch/TorchConfig.cmake" ] || torch_prefix=""  # Debian's python: system LibTorch
  for d in ${torch_libs//:/ }; do link_flags="$link_flags -Wl,-rpath-link,$d"; done
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DJEMLAB_BUILD_WINDOW=OFF \
    -DCMAKE_PREFIX_PATH="${torch_prefix:+$torch_prefix;}$prefix/usr" \
    -DCMAKE_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu" -DCMAKE_INCLUDE_PATH="$prefix/usr/include" \
    -DJEMLAB_GTEST_SOURCE="$prefix/usr/src/googletest" -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DCMAKE_EXE_LINKER_FLAGS="$link_flags"
}
build_all() { ninja -C "$build" -j "$(nproc)"; }
cuda_tests() {
  "$build/tests/test_engine" --gtest_filter='Cuda*:CudaOnCpu*:Checkpoint*:CheckpointState*:CrossRelease*' \
    --gtest_output="xml:$out/cuda_tests.xml"
  local rc=$? skipped
  skipped=$(grep -c '<skipped' "$out/cuda_tests.xml" || true)
  if [ "$mode" = gpu ] && [ "$skipped" != 0 ]; then echo "gpu_check: $skipped CUDA tests skipped on a GPU machine"; return 1; fi
  return $rc
}
bench_jemlab() {  # knobs
  "$build/jemlab" bench --config "$repo/assets/configs/cifar10_official.json" --device "$device" \
    --data_dir "$work/no-data" --iters "$iters" --warmup "$warmup" "$@"
}
peer() { OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)} "$py" "$carry/bench/peer_jem_cifar.py" --depth "$depth" --width "$widen" --iters "$iters" --warmup "$warmup" --device "$device"; }
official() {
  [ -f "$carry/jem-official/train_wrn_ebm.py" ] || { echo "no official code carried"; return 1; }
  OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)} JEM_OFFICIAL_DIR="$carry/jem-official" "$py" "$carry/bench/official/run_official_jem.py" --fake_root "$work/fake_cifar" \
    --n_train 5000 --n_test 500 --warmup "$warmup" --timed_iters "$iters" -- --depth "$depth" --width "$widen" \
    --n_steps 20 --batch_size 64 --print_every 1 --n_epochs 1 --p_x_weight 1.0 --p_y_given_x_weight 1.0 \
    --p_x_y_weight 0.0 --sigma .03 --lr .0001 --optimizer adam --warmup_iters 1000 --n_valid 100 --save_dir "$work/official_out"
}
suite() { ctest --test-dir "$build" -j "$(nproc)" --timeout 120 -E '^Cuda' --output-on-failure; }
export -f find_python env_report unpack configure build_all cuda_tests bench_jemlab peer official suite

# summary.md: the table of figures and how each stage ended.
finish() {
  # ms per iteration from a log's last figure ("N ms/it", "N it/s" or the official median).
  ms_of() {
    [ -f "$out/$1.log" ] || return
    grep -Eo '[0-9.]+ (ms/it|it/s)|median_s_per_iter=[0-9.]+' "$out/$1.log" | tail -1 |
      awk '/ms\/it/ { print $1 } /it\/s/ { print 1000 / $1 } /median/ { sub(/.*=/, ""); print 1000 * $0 }'
  }
  local official_ms; official_ms=$(ms_of official)
  {
    echo "# gpu_check ($mode), $(date -u +%Y-%m-%d), $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || echo "no GPU")"
    echo
    echo "| run | ms/it | official / this | loss (jemlab: mean over the timed iterations) |"
    echo "|---|---|---|---|"
    for s in bench_fp32 bench_bf16 bench_channels_last bench_graphs bench_bf16_cl_graphs peer official live_cnn live_wrn_16_4; do
      local ms loss ratio=""
      ms=$(ms_of "$s")
      loss=$(grep -Eo 'mean loss [-0-9.na]+|loss [-0-9.na]+$' "$out/$s.log" 2>/dev/null | tail -1)
      [ -n "$ms" ] && [ -n "$official_ms" ] && [[ $s != live_* ]] && ratio=$(awk -v o="$official_ms" -v m="$ms" 'BEGIN { printf "%.2fx", o / m }')
      echo "| $s | ${ms:-none} | $ratio | ${loss:-} |"
    done
    echo
    echo "| stage | result | seconds | budget |"
    echo "|---|---|---|---|"
    awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$out/stages.tsv"
  } > "$out/summary.md"
  cat "$out/summary.md"
}

# --- the run ------------------------------------------------------------------------------------
py=$(find_python) || exit 2
if [ "$mode" = gpu ]; then
  device=cuda depth=28 widen=10 model=wrn-28-10 iters=20 warmup=3 live_iters=50
  [ -d /usr/local/cuda/bin ] && export PATH=/usr/local/cuda/bin:$PATH CUDAToolkit_ROOT=/usr/local/cuda
else
  device=cpu depth=10 widen=2 model=wrn-10-2 iters=2 warmup=1 live_iters=3
fi
# torch's own libraries and pip's CUDA ones beside it: the linker must see them to check
# libtorch_cuda, and the loader to run.
torch_libs=$("$py" -c 'import torch, os, glob; t = os.path.dirname(torch.__file__); print(":".join([t + "/lib"] + glob.glob(os.path.dirname(t) + "/nvidia/*/lib")))')
export LD_LIBRARY_PATH=${torch_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export py device depth widen model iters warmup torch_libs
echo "gpu_check ($mode): work $work, logs $out, budget $budget s, stage budgets x$scale"

stage env 20 env_report
stage unpack 30 unpack || { finish; exit 1; }
stage configure 90 configure || { finish; exit 1; }
stage build 300 build_all || { finish; exit 1; }
stage cuda_tests 120 cuda_tests
# WRN at the official settings (batch 64, 20 SGLD steps), each side by side in this run.
stage bench_fp32 60 "bench_jemlab --model $model"
stage bench_bf16 60 "bench_jemlab --model $model --amp bf16"
stage bench_channels_last 60 "bench_jemlab --model $model --channels_last"
stage bench_graphs 60 "bench_jemlab --model $model --cuda_graphs"
stage bench_bf16_cl_graphs 60 "bench_jemlab --model $model --amp bf16 --channels_last --cuda_graphs"
stage peer 90 peer
stage official 120 official
# Live-demo sizes: what a window training CIFAR live would get.
stage live_cnn 45 "iters=$live_iters; bench_jemlab --model cnn --width 64"
stage live_wrn_16_4 45 "iters=$live_iters; bench_jemlab --model wrn-16-4"
stage suite 240 suite
finish
echo "gpu_check: done in $((SECONDS - t0)) s"
