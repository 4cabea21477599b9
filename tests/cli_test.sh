#!/usr/bin/env bash
# End-to-end runs of the jemlab CLI: files written, resume, clear errors on bad input.
set -u
JEMLAB=${1:?usage: cli_test.sh path/to/jemlab}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/check_helpers.sh"

# A short training run writes config.json, metrics.jsonl and a checkpoint.
"$JEMLAB" train --iters 30 --out "$T/run" --threads 1 --n_train 500 --batch_size 64 --eval_every 10 --quiet \
  >"$T/train.out" 2>&1
check "train exits 0" test $? -eq 0
check "config.json written" contains "$T/run/config.json" '"sgld_lr": 0.1'
check "30 metrics rows" test "$(wc -l <"$T/run/metrics.jsonl")" -eq 30
check "metrics carry every term" contains "$T/run/metrics.jsonl" '"step":30,"loss":.*"l_px":.*"acc":.*"f_data":.*"f_q":.*"gap":.*"grad_norm":.*"sgld_grad_norm":.*"wall_s":.*"test_acc":[0-9.]*,"test_nll":[0-9]'
check "checkpoint written" test -s "$T/run/last.ckpt"

# Resume continues the same run to 40 and appends metrics.
"$JEMLAB" train --iters 40 --out "$T/run" --resume "$T/run/last.ckpt" --quiet >"$T/resume.out" 2>&1
check "resume exits 0" test $? -eq 0
check "resume appended 10 rows" test "$(wc -l <"$T/run/metrics.jsonl")" -eq 40
check "resumed run kept its knobs" contains "$T/run/config.json" '"n_train": 500'
# --device with --resume moves the run there (onto the CPU it ran on here: no cross-device note).
"$JEMLAB" train --iters 42 --out "$T/run" --resume "$T/run/last.ckpt" --device cpu --quiet >"$T/resume_cpu.out" 2>&1
check "resume --device cpu exits 0" test $? -eq 0
check "resume --device cpu recorded" contains "$T/run/config.json" '"device": "cpu"'
check "same device: no cross-device note" sh -c "! grep -q 'another device' '$T/resume_cpu.out'"

# A config file, with flags on top.
echo '{"n_steps": 3, "dataset": "circles", "_description": "test"}' >"$T/cfg.json"
"$JEMLAB" train --config "$T/cfg.json" --n_steps 4 --iters 2 --out "$T/cfg" --threads 1 --n_train 200 --quiet >/dev/null 2>&1
check "config + flag" contains "$T/cfg/config.json" '"n_steps": 4'
check "config dataset" contains "$T/cfg/config.json" '"dataset": "circles"'

# Bad input: a clear message naming the problem, exit code 2, no crash.
expect_error() {  # expect_error NAME PATTERN ARGS...
  local name=$1 pattern=$2; shift 2
  "$JEMLAB" "$@" >"$T/err.out" 2>&1
  local code=$?
  check "$name: exit 2" test $code -eq 2
  check "$name: message" contains "$T/err.out" "$pattern"
}
expect_error "out of range" "sgld_lr: '0' is out of range (real in \[1e-06, 100\])" train --sgld_lr 0 --out "$T/x"
expect_error "unknown flag" "did you mean 'sgld_lr'" train --sgld_lrr 1 --out "$T/x"
expect_error "bad choice" "dataset: 'imagenet' is not a valid choice" train --dataset imagenet --out "$T/x"
echo '{"n_steps": "many"}' >"$T/bad.json"
expect_error "bad config" "bad.json: n_steps: expected a number" train --config "$T/bad.json" --out "$T/x"
echo 'not a checkpoint' >"$T/bad.ckpt"
expect_error "foreign checkpoint" "not a JEM Lab checkpoint" train --resume "$T/bad.ckpt" --out "$T/x"
head -c 2000 "$T/run/last.ckpt" >"$T/trunc.ckpt"
expect_error "truncated checkpoint" "truncated" train --resume "$T/trunc.ckpt" --out "$T/x"
command -v nvidia-smi >/dev/null ||
  expect_error "resume onto a missing GPU" "no CUDA GPU is available" train --resume "$T/run/last.ckpt" --device cuda --out "$T/x"
expect_error "missing config" "cannot open config file" train --config "$T/none.json" --out "$T/x"
expect_error "unknown command" "unknown command 'trian'" trian
expect_error "zero iters" "--iters: '0' is out of range (integer in \[1, 2147483647\])" train --iters 0 --out "$T/x"
expect_error "negative iters" "--iters: '-5' is out of range (integer in \[1, 2147483647\])" train --iters -5 --out "$T/x"
expect_error "iters beyond int" "--iters: '99999999999' is out of range" train --iters 99999999999 --out "$T/x"
expect_error "iters not a number" "--iters: '1e3' is not an integer" train --iters 1e3 --out "$T/x"
expect_error "sweep zero seeds" "--seeds: '0' is out of range (integer in \[1, 1000\])" sweep --param lr --values 1 --seeds 0
expect_error "sample negative steps" "--n_steps: '-1' is out of range" sample --ckpt "$T/run/last.ckpt" --n_steps -1
expect_error "eval NaN temperature" "--temperature: 'nan' is out of range" eval --ckpt "$T/run/last.ckpt" --eval OOD --temperature nan
expect_error "control zero samples" "--n_samples: '0' is out of range" control --n_samples 0
expect_error "bench negative warmup" "--warmup: '-1' is out of range" bench --warmup -1
echo '{"n_steps": 3, "lr": 0.01, "n_steps": 4}' >"$T/dup.json"
expect_error "duplicated config key" "dup.json: the key 'n_steps' is given twice" train --config "$T/dup.json" --out "$T/x"

# Requests past the memory available are refused with the estimate (a 16 GB budget, as on a
# small server), before anything is allocated: no OOM killer.
export JEMLAB_AVAILABLE_MB=16384
expect_error "sample too big for memory" "2000000000 chains of 2 values through model mlp needs about [0-9.]* GB of memory, more than the 17.2 GB available; ask for fewer samples" \
  sample --ckpt "$T/run/last.ckpt" --n 2000000000
expect_error "quadrature grid too big" "a 100000 x 100000 quadrature grid needs about 240.0 GB of memory" \
  eval --ckpt "$T/run/last.ckpt" --eval nll --res 100000
export JEMLAB_AVAILABLE_MB=1000
expect_error "image buffer past a 1 GB budget" "this run (buffer_size 1000000 x 768 values, batch_size 256, model cnn) needs about 3.2 GB of memory, more than the 1.0 GB available" \
  train --dataset shapes --model cnn --buffer_size 1000000 --out "$T/x" --threads 1 --iters 1
unset JEMLAB_AVAILABLE_MB

# A scheduler's SIGTERM: the run saves where it is, says so, and exits 143 (128 + 15), like Ctrl-C (130).
"$JEMLAB" train --iters 1000000 --out "$T/term" --threads 1 --n_train 500 --save_every 0 --quiet >"$T/term.out" 2>&1 &
TPID=$!
sleep 4
kill -TERM $TPID
wait $TPID
code=$?
check "SIGTERM exits 143" test $code -eq 143
check "SIGTERM names the step and the checkpoint" contains "$T/term.out" "terminated (SIGTERM) at step [0-9]*: saving $T/term/last.ckpt"
"$JEMLAB" eval --ckpt "$T/term/last.ckpt" --eval test_clf >"$T/term_eval.out" 2>&1
check "the SIGTERM checkpoint loads" contains "$T/term_eval.out" "test accuracy"

# A divergent run stops cleanly with the last good state saved (exit 3).
"$JEMLAB" train --iters 300 --sgld_lr 100 --lr 0.05 --guard_threshold 1e4 --n_train 500 --out "$T/div" --threads 1 \
  --quiet >"$T/div.out" 2>&1
code=$?
check "divergence exit 3" test $code -eq 3
check "divergence message" contains "$T/div.out" "divergence at step"
check "divergence checkpoint" test -s "$T/div/last.ckpt"

# eval: every mode prints a table and writes JSON (CSV for bins and histograms).
C="$T/run/last.ckpt"
"$JEMLAB" eval --ckpt "$C" --eval test_clf >"$T/e1.out" 2>&1
check "eval test_clf" contains "$T/e1.out" "test accuracy 0\.[0-9]*   test NLL"
check "eval test_clf json" contains "$T/run/eval_test_clf.json" '"accuracy":'
"$JEMLAB" eval --ckpt "$C" --eval calibration --n_bins 10 --out "$T/ev" >"$T/e2.out" 2>&1
check "eval calibration ECE" contains "$T/e2.out" "^ECE 0\."
check "eval calibration csv" test "$(wc -l <"$T/ev/eval_calibration_bins.csv")" -eq 11
"$JEMLAB" eval --ckpt "$C" --eval OOD --ood_dataset circles --out "$T/ev" >"$T/e3.out" 2>&1
check "eval OOD table" contains "$T/e3.out" "^pxgrad   0\.[0-9]*"
check "eval OOD json" contains "$T/ev/eval_OOD.json" '"energy":'
check "eval OOD csv" contains "$T/ev/eval_OOD_hist.csv" "^score,bin_lo,bin_hi,test,circles"
"$JEMLAB" eval --ckpt "$C" --eval nll --res 64 --out "$T/ev" >"$T/e4.out" 2>&1
check "eval nll" contains "$T/e4.out" "^test NLL "
"$JEMLAB" eval --ckpt "$C" --eval logp_hist --out "$T/ev" >"$T/e5.out" 2>&1
check "eval logp_hist csv" contains "$T/ev/eval_logp_hist_hist.csv" "^score,bin_lo,bin_hi,test,uniform,shifted,rotated"
expect_error "eval bad mode" "unknown mode 'xyz'" eval --ckpt "$C" --eval xyz
expect_error "eval bad OOD set" "unknown OOD set 'svhn'" eval --ckpt "$C" --eval OOD --ood_dataset svhn
expect_error "eval no ckpt" "--ckpt FILE is required" eval --eval nll

# attack: robust accuracy per defence and eps; CSV, JSON and the chart; eps 0 is clean accuracy.
"$JEMLAB" attack --ckpt "$C" --eps 0,0.2,0.6 --attack_points 100 --n_steps_pgd_attack 10 --out "$T/atk" >"$T/a1.out" 2>&1
check "attack exits 0" test $? -eq 0
check "attack table" contains "$T/a1.out" "^purified  *[01]\.[0-9]*  *[01]\.[0-9]* .* steps of energy descent"
check "attack csv rows" test "$(wc -l <"$T/atk/attack.csv")" -eq 10
check "attack json" contains "$T/atk/attack.json" '"refined": {'
check "attack png" test -s "$T/atk/attack.png"
# Each defence's row: name, clean, then eps 0, 0.2, 0.6: eps 0 equals clean, and no gain with eps.
check "attack eps 0 is clean, no gain with eps" awk '/^(plain|refined|purified) / { n++; if ($2 != $3 || $4 > $3 || $5 > $4) bad = 1 }
  END { exit !(n == 3 && !bad) }' "$T/a1.out"
"$JEMLAB" attack --ckpt "$C" --distance l2 --eps 0.3 --attack_points 20 --n_steps_pgd_attack 3 --purify_steps 0 \
  --attack_through_defence --out "$T/atk2" >"$T/a2.out" 2>&1
check "attack l2 through the defence" contains "$T/a2.out" "each defence faces the plain classifier's adversarial and one through itself"
check "attack purification off" bash -c "! grep -q '^purified' '$T/a2.out'"
expect_error "attack training knob" "--lr is a training knob" attack --ckpt "$C" --lr 0.1
expect_error "attack bad eps" "eps: 'x' is not a radius" attack --ckpt "$C" --eps 0,x
expect_error "attack bad distance" "distance: 'l3' is not a valid choice" attack --ckpt "$C" --distance l3
expect_error "attack no ckpt" "--ckpt FILE is required" attack --eps 0.1

# Your own points: --dataset csv --data_file F in train, eval, sample and attack; a bad row is
# refused with its line number; a resume on a changed file is refused.
awk 'BEGIN { print "x0,x1,label"; for (i = 0; i < 300; i++) { k = i % 3; printf "%.4f,%.4f,%d\n", 3 * k + sin(i), cos(i * 1.3), k } }' >"$T/pts.csv"
"$JEMLAB" train --dataset csv --data_file "$T/pts.csv" --iters 40 --eval_every 20 --out "$T/csvrun" --threads 1 --quiet >"$T/csv.out" 2>&1
check "train on a csv exits 0" test $? -eq 0
check "csv config keeps the file" contains "$T/csvrun/config.json" "\"data_file\": \"$T/pts.csv\""
"$JEMLAB" eval --ckpt "$T/csvrun/last.ckpt" --eval nll --res 64 --out "$T/csvev" >"$T/csv_nll.out" 2>&1
check "eval nll on csv data: test NLL, no KL" bash -c "grep -q '^test NLL' '$T/csv_nll.out' && ! grep -q 'KL(p_true' '$T/csv_nll.out'"
"$JEMLAB" eval --ckpt "$T/csvrun/last.ckpt" --eval test_clf >"$T/csv_clf.out" 2>&1
check "eval test_clf on csv data: 60 test points" contains "$T/csv_clf.out" "(60 points)"
"$JEMLAB" attack --ckpt "$T/csvrun/last.ckpt" --eps 0,0.5 --attack_points 30 --n_steps_pgd_attack 3 --out "$T/csvatk" >"$T/csv_atk.out" 2>&1
check "attack on csv data" contains "$T/csv_atk.out" "^plain"
"$JEMLAB" sample --ckpt "$T/csvrun/last.ckpt" --n 10 --n_steps 2 >"$T/csv_s.csv" 2>/dev/null
check "sample from csv data" test "$(wc -l <"$T/csv_s.csv")" -eq 11
{ head -50 "$T/pts.csv"; echo "1.5,oops,1"; } >"$T/bad_pts.csv"
expect_error "csv bad row" "bad_pts.csv:51: x1 'oops' is not a finite number" train --dataset csv --data_file "$T/bad_pts.csv" --out "$T/x"
expect_error "csv without a file" "dataset csv reads your points from a file" train --dataset csv --out "$T/x"
expect_error "csv missing file" "cannot open the points file" train --dataset csv --data_file "$T/none.csv" --out "$T/x"
echo "0,0,0" >>"$T/pts.csv"
expect_error "csv changed since the checkpoint" "another version of" eval --ckpt "$T/csvrun/last.ckpt" --eval test_clf

# sample: CSV of samples from the buffer or fresh chains, optionally class-conditional.
"$JEMLAB" sample --ckpt "$C" --n 50 --n_steps 5 >"$T/s1.csv" 2>"$T/s1.err"
check "sample rows" test "$(wc -l <"$T/s1.csv")" -eq 51
check "sample header" contains "$T/s1.csv" "^x0,x1,label$"
"$JEMLAB" sample --ckpt "$C" --n 20 --n_steps 5 --class 1 --fresh --out "$T/s2.csv" 2>/dev/null
check "sample conditional" test "$(grep -c ',1$' "$T/s2.csv")" -eq 20
expect_error "sample bad class" "class: 9 is not a class" sample --ckpt "$C" --class 9

# control: the triple table, and the same as JSON.
"$JEMLAB" control --joint 0.4,0.3,0.2,0.1 --n_samples 20000 >"$T/c1.out" 2>&1
check "control table" contains "$T/c1.out" "^p(x=0)            0.7000"
"$JEMLAB" control --json --n_samples 20000 >"$T/c2.out" 2>&1
check "control json" contains "$T/c2.out" '"true":'
check "control json keys" bash -c "grep -q '\"baseline\":' '$T/c2.out' && grep -q '\"jem\":' '$T/c2.out' && grep -q '\"py_given_x\":' '$T/c2.out'"
expect_error "control bad joint" "expected 4 numbers" control --joint 0.5,0.5

# bench: the last line is "<number> it/s".
"$JEMLAB" bench --iters 3 --warmup 1 --threads 1 >"$T/bench.out" 2>&1
check "bench exits 0" test $? -eq 0
check "bench last line" bash -c "tail -n 1 '$T/bench.out' | grep -Eq '^[0-9]+(\.[0-9]+)? it/s$'"
# The bench line names the BLAS kernels, as OPENBLAS_CORETYPE chose them.
if grep -q 'OpenBLAS' "$T/bench.out"; then
  OPENBLAS_CORETYPE=Haswell "$JEMLAB" bench --iters 1 --warmup 0 --threads 1 >"$T/bench_haswell.out" 2>&1
  check "bench names the OpenBLAS kernels" contains "$T/bench_haswell.out" "OpenBLAS Haswell,"
  # Left to itself OpenBLAS 0.3.21 ran SSE3 kernels on a Xeon it did not know; jemlab then has it
  # pick again by the CPU's features, so the kernels are of the CPU's class. A user's choice stands.
  env -u OPENBLAS_CORETYPE "$JEMLAB" bench --iters 1 --warmup 0 --threads 1 >"$T/bench_own.out" 2>&1
  if grep -qw avx512bw /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo; then
    check "bench kernels of the CPU's class" contains "$T/bench_own.out" "OpenBLAS \(SkylakeX\|Cooperlake\|SapphireRapids\)"
  elif grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
    check "bench kernels of the CPU's class" contains "$T/bench_own.out" "OpenBLAS \(Haswell\|Zen\|SkylakeX\|Cooperlake\)"
  fi
  OPENBLAS_CORETYPE=Prescott "$JEMLAB" bench --iters 1 --warmup 0 --threads 1 >"$T/bench_prescott.out" 2>&1
  check "bench keeps the user's kernels" contains "$T/bench_prescott.out" "OpenBLAS Prescott,"
fi

# Help lists every knob with its range.
"$JEMLAB" train --help >"$T/help.out"
check "help lists knobs" contains "$T/help.out" "--reinit_freq real in \[0, 1\], default 0.05"

# Image data: train a small CNN on the generated shapes, evaluate it, draw PNG sample grids.
I="$T/img"
"$JEMLAB" train --dataset shapes --model cnn --width 16 --batch_size 16 --n_steps 3 --buffer_size 64 --n_train 300 \
  --n_test 64 --iters 6 --eval_every 3 --threads 1 --out "$I" --quiet >"$T/i1.out" 2>&1
check "image train exits 0" test $? -eq 0
check "image metrics" contains "$I/metrics.jsonl" '"step":6,.*"test_acc":[0-9.]*'
"$JEMLAB" eval --ckpt "$I/last.ckpt" --eval OOD --ood_dataset interp >"$T/i2.out" 2>&1
check "image OOD vs interp" contains "$T/i2.out" "test set (64) vs interp (64)"
"$JEMLAB" eval --ckpt "$I/last.ckpt" --eval logp_hist >"$T/i3.out" 2>&1
check "image logp_hist sets" contains "$I/eval_logp_hist_hist.csv" "^score,bin_lo,bin_hi,test,noise,constant,interp"
expect_error "image nll refused" "needs 2D data" eval --ckpt "$I/last.ckpt" --eval nll
"$JEMLAB" sample --ckpt "$I/last.ckpt" --n 8 --n_steps 2 --out "$T/uncond.png" >"$T/i4.out" 2>&1
check "uncond_samples PNG" bash -c "head -c 8 '$T/uncond.png' | od -An -c | grep -q 'P   N   G'"
"$JEMLAB" sample --ckpt "$I/last.ckpt" --n 4 --cond --n_steps 2 --out "$T/cond.png" >"$T/i5.out" 2>&1
check "cond_samples: one row per class" contains "$T/i5.out" "wrote 16 samples (one row per class)"
expect_error "missing CIFAR files" "data_batch_1.bin" train --dataset cifar10 --model cnn --data_dir "$T/nodata" --out "$T/x"
"$JEMLAB" bench --dataset cifar10 --model cnn --width 16 --batch_size 8 --n_steps 2 --buffer_size 64 --iters 2 \
  --warmup 1 --threads 1 --data_dir "$T/nodata" >"$T/ib.out" 2>&1
check "image bench falls back to CIFAR-shaped noise" contains "$T/ib.out" "timing on CIFAR-shaped random data"
check "image bench last line" bash -c "tail -n 1 '$T/ib.out' | grep -Eq '^[0-9]+(\.[0-9]+)? ms/it$'"

# A sweep: one row per value and seed, and the plot.
"$JEMLAB" sweep --param p_x_weight --values 0,1 --seeds 2 --iters 15 --n_train 300 --batch_size 32 --n_steps 5 \
  --threads 1 --out "$T/sweep" >"$T/sw.out" 2>&1
check "sweep exits 0" test $? -eq 0
check "sweep csv: header + 4 rows" test "$(wc -l <"$T/sweep/sweep.csv")" -eq 5
check "sweep csv: seeds of each value" test "$(grep -c '^p_x_weight,1,[12],0\.[0-9]*,' "$T/sweep/sweep.csv")" -eq 2
check "sweep png" bash -c "head -c 8 '$T/sweep/sweep.png' | od -An -c | grep -q 'P   N   G'"
expect_error "sweep bad value" "p_x_weight: 'lots' is not a number" sweep --param p_x_weight --values 1,lots
# SIGTERM mid-sweep: the run in flight is dropped, the finished ones (none here) are written, exit 143.
"$JEMLAB" sweep --param p_x_weight --values 0,1 --iters 1000000 --n_train 300 --threads 1 --out "$T/sweep_term" \
  >"$T/swt.out" 2>&1 &
SPID=$!
sleep 4
kill -TERM $SPID
wait $SPID
check "sweep SIGTERM exits 143" test $? -eq 143
check "sweep SIGTERM names the run" contains "$T/swt.out" "terminated (SIGTERM) during run 1 of 2 (p_x_weight = 0, seed 1): writing the 0 finished run(s)"
check "sweep SIGTERM csv: the header" test "$(cat "$T/sweep_term/sweep.csv" | wc -l)" -eq 1
check "sweep SIGTERM says where" contains "$T/swt.out" "wrote $T/sweep_term/sweep.csv and $T/sweep_term/sweep.png (0 of 2 runs"

# Density truth: the two estimators and MALA in one sweep on 8 Gaussians, with the KL columns filled;
# eval nll reports exp(f) and the chains' exp(beta f); quadrature on images is refused by name.
"$JEMLAB" sweep --param p_x_estimator --values sgld,quadrature --iters 20 --dataset 8gaussians --n_train 400 \
  --batch_size 32 --n_steps 5 --sampler mala --sgld_lr 0.01 --quadrature_res 32 --probe_steps 5 --threads 1 \
  --out "$T/dsweep" >"$T/dsw.out" 2>&1
check "density sweep exits 0" test $? -eq 0
check "density sweep: kl columns" contains "$T/dsweep/sweep.csv" "^param,value,seed,accuracy,ece,auroc_px,test_nll,kl_true,kl_chains,mmd2,probe_kl,"
check "density sweep: quadrature row with a KL" contains "$T/dsweep/sweep.csv" "^p_x_estimator,quadrature,1,[0-9.]*,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,[0-9]"
"$JEMLAB" train --iters 20 --dataset 8gaussians --n_train 400 --batch_size 32 --n_steps 5 --eval_every 10 --probe_steps 5 \
  --threads 1 --out "$T/g8" --quiet >/dev/null 2>&1
check "metrics carry the density-truth figures" contains "$T/g8/metrics.jsonl" '"step":20,.*"kl_chains":[0-9].*"mmd2":[0-9].*"buffer_kl":[0-9].*"probe_kl":[0-9].*"probe_kl_floor":[0-9]'
"$JEMLAB" eval --ckpt "$T/g8/last.ckpt" --eval nll --res 64 --out "$T/g8ev" >"$T/g8ev.out" 2>&1
check "eval nll: both densities" contains "$T/g8ev.out" "exp(f)/Z  *exp(beta f)"
check "eval nll: the chains' beta" contains "$T/g8ev.out" "beta = 2000: chains sample exp(2000 f)"
check "eval nll json: chains" contains "$T/g8ev/eval_nll.json" '"chains"'
expect_error "quadrature on images" "p_x_estimator: quadrature needs 2D data" train --dataset shapes --model cnn \
  --p_x_estimator quadrature --iters 1 --out "$T/x"

if [ $fails -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "all CLI checks passed"
