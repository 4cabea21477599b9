#!/usr/bin/env bash
# The Sweep tab under Xvfb (ctest runs inside xvfb-run): `--sweep` starts a sweep from the start
# settings, the capture waits until it finishes, and pixel checks find every metric's plot with
# the runs' dots and the means' line. The main training was paused for it. Bad --sweep input exits
# 2 naming the knob; the checker itself fails on a Sweep tab with no sweep.
# Screenshots are kept in $JEMLAB_SHOTS (default: a temporary folder).
set -u
JEMLAB=${1:?usage: window_sweep_test.sh path/to/jemlab path/to/window_pixels}
PIXELS=${2:?}
OUT=${JEMLAB_SHOTS:-$(mktemp -d)}
mkdir -p "$OUT"
if [ -z "${DISPLAY:-}" ]; then echo "no DISPLAY: run under xvfb-run -a" >&2; exit 1; fi
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# Two values x two seeds of 40 iterations: 4 rows. --frames 20 is a minimum: the capture waits.
echo "== sweep: jem_default, p_x_weight=0,1 seeds=2 iters=40"
if "$JEMLAB" --preset jem_default --sweep "p_x_weight=0,1 seeds=2 iters=40" --tab sweep --frames 20 \
  --screenshot "$OUT/sweep.png" --threads 1 --export-dir "$OUT/exports"; then
  "$PIXELS" "$OUT/sweep.png" --expect-tab sweep --expect-sweep 4 || fails=$((fails + 1))
  state=$("$PIXELS" --get "$OUT/sweep.png.json" /state)
  if [ "$state" = paused ]; then echo "ok   main training paused for the sweep"; else fail "main training $state during the sweep"; fi
else
  fail "jemlab exited non-zero with --sweep"
fi

# The checker must be able to fail: the Sweep tab without a sweep has no rows and no dots.
echo "== negative control: the Sweep tab without --sweep"
if "$JEMLAB" --preset jem_default --tab sweep --frames 10 --screenshot "$OUT/sweep_none.png" --threads 1 &&
  ! "$PIXELS" "$OUT/sweep_none.png" --expect-tab sweep --expect-sweep 4 >"$OUT/sweep_none.txt"; then
  echo "ok   the sweep checks fail without a sweep"
else
  fail "the sweep checks passed on a window without a sweep (or jemlab failed)"
fi

# Bad input: exit 2 before the window opens, with a message naming the knob or the form.
expect_bad() {
  local spec=$1 want=$2 msg rc
  msg=$("$JEMLAB" --preset jem_default --sweep "$spec" --frames 2 2>&1)
  rc=$?
  if [ $rc -eq 2 ] && echo "$msg" | grep -qF "$want"; then echo "ok   --sweep \"$spec\": $want"; else
    fail "--sweep \"$spec\" gave rc $rc: $msg"; fi
}
expect_bad "p_x_weight=0,lots" "p_x_weight: 'lots' is not a number"
expect_bad "p_x_weight=1,500" "p_x_weight: '500' is out of range"
expect_bad "no_such_knob=1,2" "no_such_knob"
expect_bad "p_x_weight=0,1 seeds=0" "seeds='0' must be a whole number"
expect_bad "p_x_weight" "is not NAME=VALUE"

# Real clicks (xdotool) by the rectangles of the --report, on a private Xvfb big enough for the
# whole window: Save CSV writes the rows to the export folder, "Resume main training" resumes it,
# and Cancel stops a sweep that would run for hours within seconds.
if command -v xdotool >/dev/null; then
  cat >"$OUT/clicks.sh" <<'CLICKS'
#!/usr/bin/env bash
JEMLAB=$1 PIXELS=$2 OUT=$3 SPEC=$4 BUTTONS=$5 WANT=$6
rm -rf "$OUT/click" && mkdir -p "$OUT/click" && cd "$OUT/click" || exit 1
"$JEMLAB" --preset jem_default --sweep "$SPEC" --tab sweep --report rep.json --export-dir ex --threads 1 \
  --restore-autosave no --autosave "$OUT/click/a.ckpt" --autosave-every 0 2>/dev/null &
pid=$!
wid=$(timeout 60 xdotool search --sync --name '^JEM Lab$' | head -1)
get() { "$PIXELS" --get rep.json "$1" 2>/dev/null; }
until_state() { for _ in $(seq 120); do [ "$(get /sweep_state)" = "$1" ] && return 0; sleep 0.5; done; return 1; }
until_state "$WANT" || echo "sweep never reached $WANT"
for b in $BUTTONS; do
  sleep 1
  read -r x y w h <<<"$(get "/widgets/$b")"
  timeout 10 xdotool mousemove --window "$wid" $((${x%.*} + ${w%.*} / 2)) $((${y%.*} + ${h%.*} / 2))
  sleep 0.4 && timeout 10 xdotool click 1
  [ "$b" = sweep_cancel ] && { until_state cancelled && echo "cancelled"; }
done
sleep 2
echo "state $(get /state) sweep $(get /sweep_state) exports $(get /exports)"
timeout 10 xdotool key --window "$wid" ctrl+q
wait $pid
CLICKS
  chmod +x "$OUT/clicks.sh"
  echo "== clicks: Save CSV, Resume main training"
  out=$(xvfb-run -a -s "-screen 0 1700x1100x24" "$OUT/clicks.sh" "$JEMLAB" "$PIXELS" "$OUT" "p_x_weight=0,1 iters=30" \
    "sweep_save_csv sweep_resume_main" done 2>&1)
  csv=$(ls "$OUT"/click/ex/jemlab-sweep-*.csv 2>/dev/null | head -1)
  if [ -n "$csv" ] && head -1 "$csv" | grep -q "^param,value,seed,accuracy,ece,auroc_px" && [ "$(wc -l <"$csv")" -eq 3 ]; then
    echo "ok   Save CSV wrote $(basename "$csv") with 2 rows"; else fail "Save CSV: $out"; fi
  if echo "$out" | grep -q "^state running"; then echo "ok   Resume main training resumed it"; else fail "resume: $out"; fi
  echo "== clicks: Cancel"
  t0=$(date +%s)
  out=$(xvfb-run -a -s "-screen 0 1700x1100x24" "$OUT/clicks.sh" "$JEMLAB" "$PIXELS" "$OUT" "p_x_weight=0,1 iters=1000000" \
    sweep_cancel running 2>&1)
  if echo "$out" | grep -q "^cancelled" && [ $(($(date +%s) - t0)) -lt 60 ]; then echo "ok   Cancel stops the sweep"; else
    fail "cancel: $out"; fi
else
  echo "skip clicks: xdotool missing (scripts/install_deps.sh installs it)"
fi

[ $fails -eq 0 ] && echo "sweep window tests passed" || echo "$fails sweep window test(s) failed"
exit $fails
