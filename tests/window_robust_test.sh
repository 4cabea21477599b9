#!/usr/bin/env bash
# Window robustness, on its own Xvfb with a 3200x2200 screen: resized to 200x150 and 3000x2000,
# minimised and restored (x11_iconify does what a window manager would: Xvfb has none), started
# tiny, an OpenGL older than 3.3 and a GLSL older than 3.30 (Mesa's overrides on llvmpipe), a
# missing shaders folder. The window stays alive and draws at every size, sits idle while
# minimised, or says clearly what is missing and exits with code 2. Files in $JEMLAB_SHOTS/robust.
set -u
JEMLAB=${1:?usage: window_robust_test.sh path/to/jemlab path/to/window_pixels path/to/x11_iconify}
PIXELS=${2:?}
ICONIFY=${3:?}
if [ -z "${JEMLAB_ROBUST_XVFB:-}" ]; then
  JEMLAB_ROBUST_XVFB=1 exec xvfb-run -a -s "-screen 0 3200x2200x24" "$0" "$@"
fi
command -v xdotool >/dev/null || { echo "xdotool missing: scripts/install_deps.sh installs it" >&2; exit 1; }
OUT=$(realpath -m "${JEMLAB_SHOTS:-$(mktemp -d)}/robust")
rm -rf "$OUT" && mkdir -p "$OUT"
export XDG_STATE_HOME=$OUT/state
REPORT=$OUT/report.json

fails=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
not() { ! "$@"; }
until_true() { local end=$((SECONDS + $1)); shift; until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done; }
get() { "$PIXELS" --get "$REPORT" "$1" 2>/dev/null; }
xdo() { timeout 20 xdotool "$@"; }

"$JEMLAB" --threads 1 --size 1000x700 --fps 30 --report "$REPORT" --export-dir "$OUT/exports" \
  --autosave-every 0 >"$OUT/jemlab.log" 2>&1 &
PID=$!
trap 'kill -9 "$PID" 2>/dev/null; true' EXIT
WID=$(timeout 60 xdotool search --sync --pid "$PID" --name '^JEM Lab$' | head -1)
[ -n "$WID" ] || { fail "no window in 60 s"; cat "$OUT/jemlab.log"; exit 1; }
running() { [ "$(get /state)" = running ] && [ "$(get /step)" -gt 5 ] 2>/dev/null; }
until_true 60 running || { fail "training did not start"; exit 1; }
xdo windowfocus --sync "$WID"
alive() { kill -0 "$PID" 2>/dev/null; }
# llvmpipe draws on the window's thread: its own threads' fences race (gl_driver_isolation.h).
llvmpipe_threads() { cat /proc/"$1"/task/*/comm 2>/dev/null | grep -c '^llvmpipe'; }
check "llvmpipe runs no rasteriser threads of its own (found $(llvmpipe_threads "$PID"))" \
  [ "$(llvmpipe_threads "$PID")" = 0 ]
# Frames go on: the report's frame counter moves (it is rewritten while training moves).
# (llvmpipe on one thread draws 3000x2000 at about a frame a second).
drawing() {
  local f; f=$(get /frame)
  later() { [ "$(get /frame)" -gt "${f:-0}" ] 2>/dev/null; }
  until_true 15 later
}
n_exports() { get /exports | wc -w; }
# screenshot NAME WxH: F12, then the new file must be a PNG of the window's size.
screenshot() {
  local n; n=$(n_exports)
  xdo key F12
  more() { [ "$(n_exports)" -gt "$n" ]; }
  if until_true 30 more; then
    cp "$(get /exports | tr ' ' '\n' | tail -1)" "$OUT/$1.png"
    check "F12 at $2 gives a $2 PNG" "$PIXELS" --image "$OUT/$1.png" --size "$2"
  else
    fail "F12 at $2 wrote nothing"
  fi
}
# resize W H: the window gets that size and goes on drawing.
resize() {
  local want="$1 $2"
  xdo windowsize "$WID" "$1" "$2"
  sized() { [ "$(get /window_size)" = "$want" ]; }
  check "resized to $1x$2" until_true 30 sized
  check "alive at $1x$2" alive
  check "frames go on at $1x$2" drawing
}

resize 200 150
screenshot tiny 200x150
resize 3000 2000
screenshot huge 3000x2000
resize 1000 700
screenshot normal 1000x700

# CPU seconds (in clock ticks) of the threads that draw: the main one (and llvmpipe's, if any).
ui_ticks() {
  local t sum=0
  for t in /proc/"$PID"/task/*; do
    if [ "${t##*/}" = "$PID" ] || grep -q '^llvmpipe' "$t/comm" 2>/dev/null; then
      sum=$((sum + $(awk '{ print $14 + $15 }' "$t/stat")))
    fi
  done
  echo $sum
}
ui_load() { local a b; a=$(ui_ticks); sleep 3; b=$(ui_ticks); echo $((b - a)); }  # ticks in 3 s (300 = a core)
VISIBLE=$(ui_load)
"$ICONIFY" "$WID" iconic
iconic() { [ "$(get /iconified)" = true ]; }
check "minimised: the report says so" until_true 10 iconic
S0=$(get /step)
MINIMISED=$(ui_load)
echo "     drawing threads' CPU over 3 s: visible $VISIBLE ticks, minimised $MINIMISED ticks (300 = one core)"
check "minimised, the frame loop sleeps (< 5% of a core)" [ "$MINIMISED" -lt 15 ]
trains() { [ "$(get /step)" -gt "$S0" ]; }
check "minimised, training goes on" until_true 10 trains
check "minimised, still alive" alive
"$ICONIFY" "$WID" normal
restored() { [ "$(get /iconified)" = false ]; }
check "restored" until_true 10 restored
check "restored: frames go on" drawing
xdo windowfocus --sync "$WID"  # unmapping dropped the focus; a window manager gives it back
screenshot restored 1000x700
xdo key ctrl+q
exited() { ! alive; }
if until_true 20 exited; then
  wait "$PID"; code=$?
  check "Ctrl+Q quits with code 0 after all that (got $code)" [ "$code" = 0 ]
else
  fail "Ctrl+Q did not close the window"
fi

# A user's LP_NUM_THREADS is kept, with a warning that names the race it brings back.
env LP_NUM_THREADS=2 "$JEMLAB" --threads 1 --frames 5 --autosave-every 0 >"$OUT/lp_threads.log" 2>&1
code=$?
check "LP_NUM_THREADS=2: the window still runs (exit $code)" [ "$code" = 0 ]
check "LP_NUM_THREADS=2: warns of llvmpipe's 2 threads and their fences" \
  grep -q "warning: llvmpipe draws on 2 threads of its own (LP_NUM_THREADS=2).*fence" "$OUT/lp_threads.log"
check "no such warning by default" not grep -q "llvmpipe draws on" "$OUT/jemlab.log"

# Started tiny.
check "a window started at 200x150 draws its frames and exits 0" \
  "$JEMLAB" --threads 1 --size 200x150 --frames 30 --screenshot "$OUT/tiny_start.png" --autosave-every 0
check "its screenshot is 200x150" "$PIXELS" --image "$OUT/tiny_start.png" --size 200x150

# A clear message and exit code 2 (not a crash) for what the window cannot work without.
expect_message() {  # expect_message NAME PATTERN COMMAND...
  local name=$1 pattern=$2; shift 2
  "$@" >"$OUT/$name.log" 2>&1
  local code=$?
  check "$name: exit code 2 (got $code)" [ "$code" = 2 ]
  check "$name: says '$pattern'" grep -q -- "$pattern" "$OUT/$name.log"
  sed -n 's/^/     /p' "$OUT/$name.log" | tail -2
}
expect_message gl30 "needs an OpenGL 3.3 core profile context, which the driver refused; it offers OpenGL 3.0.*MESA_GL_VERSION_OVERRIDE=3.0 is set" \
  env MESA_GL_VERSION_OVERRIDE=3.0 "$JEMLAB" --frames 5 --threads 1
# Mesa then refuses a 3.3 core context too (the check of GLSL >= 3.30 is for drivers that do not).
expect_message glsl130 "needs an OpenGL 3.3 core profile context, which the driver refused.*MESA_GLSL_VERSION_OVERRIDE=130 is set" \
  env MESA_GLSL_VERSION_OVERRIDE=130 "$JEMLAB" --frames 5 --threads 1
expect_message no_shaders "the shaders folder /nonexistent (--shaders) does not exist" \
  "$JEMLAB" --frames 5 --threads 1 --shaders /nonexistent
expect_message no_shaders_env "the shaders folder /nonexistent (\$JEMLAB_SHADERS) does not exist" \
  env JEMLAB_SHADERS=/nonexistent "$JEMLAB" --frames 5 --threads 1
EMPTY=$OUT/empty_shaders && mkdir -p "$EMPTY"
expect_message empty_shaders "view_quad.vert: cannot read shader file" "$JEMLAB" --frames 5 --threads 1 --shaders "$EMPTY"

# expect_exit NAME PID REPORT LOG AUTOSAVE CODE MESSAGE KILL...: once the window at PID trains,
# KILL... runs (a signal to it, its X server killed); then its exit code, message and autosave.
trains() { [ "$("$PIXELS" --get "$1" /step 2>/dev/null)" -gt 20 ] 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }
expect_exit() {
  local name=$1 pid=$2 report=$3 log=$4 auto=$5 want=$6 message=$7 code; shift 7
  if ! until_true 60 trains "$report"; then fail "$name: the window did not train"; kill -9 "$pid"; return; fi
  "$@"
  if ! until_true 30 gone "$pid"; then fail "$name: the window did not exit in 30 s"; kill -9 "$pid"; return; fi
  wait "$pid"; code=$?
  check "$name: exit code $want (got $code)" [ "$code" = "$want" ]
  check "$name: says '$message'" grep -q "$message" "$log"
  check "$name: the autosave is written" test -s "$auto"
}

# SIGTERM (a logout, a scheduler): the window closes as by Ctrl+Q, exit code 143, autosave written.
"$JEMLAB" --threads 1 --size 1000x700 --report "$OUT/term_report.json" --autosave "$OUT/term.ckpt" \
  --restore-autosave no >"$OUT/term.log" 2>&1 &
TPID=$!
expect_exit SIGTERM "$TPID" "$OUT/term_report.json" "$OUT/term.log" "$OUT/term.ckpt" 143 \
  "terminated (SIGTERM): the window closes" kill -TERM "$TPID"

# The X server goes away under the lab (a closed remote session): Xlib exits the process. The
# trainer is stopped and the autosave written first; exit code 1, not an abort in torch's teardown.
Xvfb -displayfd 3 -screen 0 1280x800x24 3>"$OUT/xkill_display" >/dev/null 2>&1 &
XPID=$!
if until_true 10 test -s "$OUT/xkill_display"; then
  DISPLAY=:$(cat "$OUT/xkill_display") "$JEMLAB" --threads 1 --size 1000x700 --report "$OUT/xkill_report.json" \
    --autosave "$OUT/xkill.ckpt" --restore-autosave no >"$OUT/xkill.log" 2>&1 &
  KPID=$!
  expect_exit "X server gone" "$KPID" "$OUT/xkill_report.json" "$OUT/xkill.log" "$OUT/xkill.ckpt" 1 \
    "writing the autosave first" kill "$XPID"
else
  fail "no second Xvfb"
fi
kill -9 "$XPID" 2>/dev/null

echo "files in $OUT"
[ $fails -eq 0 ] && echo "window robustness test passed" || echo "$fails check(s) failed"
exit $fails
