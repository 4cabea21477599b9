#!/usr/bin/env bash
# Density truth on the analytic 2D sets (README, "Density truth"): each row trains one recipe with
# `jemlab train` and prints the exact KL(p_true || p_model) (8 Gaussians, checkerboard) or test NLL
# (moons, pinwheel) by quadrature at its last evaluation, with the iterations and the wall time.
# Usage: scripts/bench_density.sh [ROW_FILTER] (rows whose name contains it; default all).
# THREADS (default 2) threads per run; OUT (default runs/bench_density) for the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
JEMLAB=${JEMLAB:-build/jemlab}
THREADS=${THREADS:-2}
OUT=${OUT:-runs/bench_density}
filter=${1:-}
[ -x "$JEMLAB" ] || { echo "bench_density: $JEMLAB not built (scripts/build.sh)" >&2; exit 2; }
OFFICIAL=""
QUAD="--p_x_estimator quadrature --lr 3e-4 --batch_size 1024"
# The convergent preset (assets/presets/convergent_langevin.json).
CONV="--sampler mala --mala_target_accept 0.57 --sgld_lr 0.02 --n_steps 100 --reinit_freq 0 --lr 3e-4 --energy_reg_weight 0.1"
# name | dataset | iterations | knobs (the README's table; the convergent 8 Gaussians row takes ~40 min on 2 cores)
ROWS=(
  "8g-official|8gaussians|2000|$OFFICIAL"
  "8g-quadrature|8gaussians|3000|$QUAD"
  "8g-convergent|8gaussians|7000|$CONV"
  "8g-convergent-slow|8gaussians|8500|--resume $OUT/8g-convergent/last.ckpt --lr 1e-4"
  "cb-official|checkerboard|2000|$OFFICIAL"
  "cb-quadrature|checkerboard|2000|$QUAD"
  "cb-convergent|checkerboard|2500|$CONV"
  "moons-official|moons|2000|$OFFICIAL"
  "moons-quadrature|moons|2000|$QUAD"
  "moons-convergent|moons|2000|$CONV"
  "pinwheel-official|pinwheel|2000|$OFFICIAL"
  "pinwheel-quadrature|pinwheel|2000|$QUAD"
  "pinwheel-convergent|pinwheel|2000|$CONV"
)
printf '%-22s %-12s %6s %8s %10s %10s  %s\n' row dataset iters wall_s KL_nats test_NLL knobs
for row in "${ROWS[@]}"; do
  IFS='|' read -r name dataset iters knobs <<<"$row"
  [ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
  # shellcheck disable=SC2086  # knobs are words
  "$JEMLAB" train --dataset "$dataset" --iters "$iters" --eval_every 250 --probe_steps 0 --threads "$THREADS" \
    --out "$OUT/$name" --quiet $knobs >"$OUT.$name.log" 2>&1 || { echo "$name: jemlab train failed, see $OUT.$name.log"; continue; }
  python3 - "$OUT/$name/metrics.jsonl" "$name" "$dataset" "$iters" "$knobs" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ev = [r for r in rows if r.get("test_nll") is not None]
last = ev[-1] if ev else {}
fmt = lambda v: "-" if v is None else "%.4f" % v
print("%-22s %-12s %6s %8.1f %10s %10s  %s" % (sys.argv[2], sys.argv[3], sys.argv[4], rows[-1]["wall_s"],
      fmt(last.get("kl_true")), fmt(last.get("test_nll")), sys.argv[5] or "(official defaults)"))
PY
done
