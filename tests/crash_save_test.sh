#!/usr/bin/env bash
# Crash-safe saves: processes killed with SIGKILL at random points while they write, many times.
# After every kill the file on disk must be whole and loadable, and the temporary files of killed
# writers must not pile up. Checkpoints: `jemlab train --save_every 1` (a 16 MB checkpoint each
# iteration, so most kills land inside a save). Window exports: a live PNG of the window, its
# sidecar JSON, the metrics CSV and the --report, rewritten every frame (needs DISPLAY: ctest runs
# under xvfb-run). CRASH_TRIALS and CRASH_SEED change the number of kills and their timing.
set -u
JEMLAB=${1:?usage: crash_save_test.sh path/to/jemlab path/to/window_pixels}
PIXELS=${2:?}
TRIALS=${CRASH_TRIALS:-30}
RANDOM=${CRASH_SEED:-$$}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state  # never the user's autosave
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ms_between() { echo $(($1 + RANDOM % ($2 - $1 + 1))); }  # a random delay in milliseconds
sleep_ms() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }
temps() { find "$1" -name '*.tmp*' | wc -l; }
# poll SECONDS PAUSE TEST...: runs `test TEST...` until it holds (false after SECONDS), PAUSE
# seconds apart (0: at once again, to catch a short-lived file).
poll() {
  local end=$((SECONDS + $1)) pause=$2
  shift 2
  until test "$@"; do
    [ $SECONDS -ge $end ] && return 1
    [ "$pause" = 0 ] || sleep "$pause"
  done
}
# started FILE: FILE was rewritten by the process just started, so that the random delay counts
# from its first save whatever the machine's load does to start-up.
started() { poll 60 0.05 "$1" -nt "$T/marker"; }
appears() { poll 10 0 -e "$1"; }  # appears FILE: FILE exists (a save's temporary file)

# --- Checkpoints -----------------------------------------------------------------------------
C=$T/ckpt
KNOBS=(--threads 1 --n_train 500 --batch_size 64 --n_steps 2 --buffer_size 1000000 --quiet)
"$JEMLAB" train --iters 5 --out "$C" "${KNOBS[@]}" >"$T/first.log" 2>&1 || { cat "$T/first.log"; exit 1; }
torn=0 bad=0
for i in $(seq 1 "$TRIALS"); do
  touch "$T/marker"; sleep 0.01
  "$JEMLAB" train --iters 100000000 --save_every 1 --out "$C" --resume "$C/last.ckpt" "${KNOBS[@]}" \
    >"$T/train.log" 2>&1 &
  pid=$!
  started "$C/last.ckpt" || fail "trial $i: no save in 60 s"
  # Odd trials kill at a random time (an iteration and a save every few tens of milliseconds);
  # even ones as soon as a save's temporary file appears, so that kills inside a save do not
  # hang on how long this disk takes to write and flush 16 MB.
  if ((i % 2)); then sleep_ms "$(ms_between 0 600)"; else appears "$C/last.ckpt.tmp.$pid"; fi
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ -e "$C/last.ckpt.tmp.$pid" ] && torn=$((torn + 1))  # the kill landed inside a save
  if ! "$JEMLAB" eval --ckpt "$C/last.ckpt" --eval test_clf --out "$T/ev" >"$T/eval.log" 2>&1; then
    fail "checkpoint after kill $i does not load: $(tail -1 "$T/eval.log")"
    bad=$((bad + 1))
    "$JEMLAB" train --iters 5 --out "$C" "${KNOBS[@]}" >/dev/null 2>&1  # go on from a fresh file
  fi
  # Each run removes the leftovers of dead writers before it saves: at most the last one's.
  [ "$(temps "$C")" -le 1 ] || fail "temporary files pile up after kill $i: $(ls "$C")"
done
echo "     checkpoints: $TRIALS kills during training with a save each iteration, $torn inside a save;" \
  "$((TRIALS - bad)) of $TRIALS left a loadable last.ckpt; $(temps "$C") temporary file(s) left"
[ "$torn" -ge $((TRIALS / 4)) ] || fail "only $torn of $TRIALS kills landed inside a save: the test is too weak"
# metrics.jsonl got rows past the last save and maybe half a line at each kill: a resume keeps
# the whole rows up to its checkpoint, so the file is one row per iteration, 1 to the step.
"$JEMLAB" train --iters 1 --out "$C" --resume "$C/last.ckpt" --quiet >"$T/last.log" 2>&1
STEP=$(sed -n 's/^step \([0-9]*\) .*/\1/p' "$T/last.log")
consecutive() { awk -F'[:,]' '$1 != "{\"step\"" || $2 != NR || substr($0, length($0)) != "}" { bad = 1 } END { exit bad }' "$1"; }
if consecutive "$C/metrics.jsonl" && [ "$(wc -l <"$C/metrics.jsonl")" = "${STEP:-x}" ]; then
  echo "ok   metrics.jsonl after $TRIALS kills and resumes: rows 1 to $STEP, whole and in order"
else
  fail "metrics.jsonl after the kills is not one whole row per iteration up to step ${STEP:-?}"
fi

# --- Window exports (live PNG, its sidecar, metrics CSV, report) -----------------------------
if [ -z "${DISPLAY:-}" ]; then echo "no DISPLAY: run under xvfb-run -a" >&2; exit 1; fi
W=$T/win
mkdir -p "$W"
WTRIALS=$(((TRIALS * 2 + 2) / 3))
shots=0
for i in $(seq 1 "$WTRIALS"); do
  touch "$T/marker"; sleep 0.01
  "$JEMLAB" --size 640x400 --fps 30 --threads 1 --autosave-every 0 --restore-autosave no \
    --screenshot "$W/live.png" --screenshot-every 1 --metrics-csv "$W/live.csv" --report "$W/report.json" \
    >"$T/win.log" 2>&1 &
  pid=$!
  started "$W/live.csv" || fail "window trial $i: no frame in 60 s"
  # The report is rewritten at most every 0.1 s, so it can come frames after the CSV: a kill
  # before its first write leaves none to check (seen twice in a row in the Debian 13 root).
  started "$W/report.json" || fail "window trial $i: no report in 60 s"
  sleep_ms "$(ms_between 0 1500)"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  ls "$W" | grep -q "\.tmp\.$pid$" && shots=$((shots + 1))
  "$PIXELS" --image "$W/live.png" --size 640x400 >"$T/png.log" 2>&1 ||
    fail "live PNG after kill $i: $(cat "$T/png.log")"
  "$PIXELS" --get "$W/live.png.json" /step >/dev/null 2>&1 || fail "PNG sidecar after kill $i is not JSON"
  "$PIXELS" --get "$W/report.json" /step >/dev/null 2>&1 || fail "report after kill $i is not JSON"
  { head -1 "$W/live.csv" | grep -q '^step,' && [ "$(tail -c 1 "$W/live.csv" | od -An -c | tr -d ' ')" = '\n' ]; } ||
    fail "metrics CSV after kill $i is not whole"
  # One temporary per file name at most (the last killed writer's), not one per kill.
  [ "$(temps "$W")" -le 4 ] || fail "temporary files pile up after window kill $i: $(ls "$W")"
done
echo "     window exports: $WTRIALS kills of a window rewriting its PNG, CSV and JSON every frame," \
  "$shots inside a write; every file whole after each; $(temps "$W") temporary file(s) left"
[ $fails -eq 0 ] && echo "crash-safe save test passed" || echo "$fails check(s) failed"
exit $fails
