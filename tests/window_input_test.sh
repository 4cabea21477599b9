#!/usr/bin/env bash
# The real window driven by real X input (xdotool under Xvfb; ctest runs inside xvfb-run): drag
# to pan, wheel to zoom, click to launch an SGLD chain, the export buttons and F12, space to pause,
# S to step, Ctrl+= / Ctrl+0 to change the UI scale, Ctrl+Q to quit. Each effect is read back from the window's --report JSON, which also
# gives the panel and button rectangles to aim at. Files are kept in $JEMLAB_SHOTS/input.
set -u
JEMLAB=${1:?usage: window_input_test.sh path/to/jemlab path/to/window_pixels}
PIXELS=${2:?}
OUT=$(realpath -m "${JEMLAB_SHOTS:-$(mktemp -d)}/input")
if [ -z "${DISPLAY:-}" ]; then echo "no DISPLAY: run under xvfb-run -a" >&2; exit 1; fi
command -v xdotool >/dev/null || { echo "xdotool missing: scripts/install_deps.sh installs it" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"
REPORT=$OUT/report.json EXPORTS=$OUT/exports
export XDG_STATE_HOME=$OUT/state  # the session autosave goes there, not into the user's home

fails=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
get() { "$PIXELS" --get "$REPORT" "$1" 2>/dev/null; }
num() { awk "BEGIN { exit !($*) }"; }  # floating-point condition
xdo() { timeout 10 xdotool "$@"; }
# until SECONDS CONDITION...: polls the condition every 0.1 s; false once the time is up.
until_true() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}

# 1280x800: the smallest size the layout is meant for. 30 fps leaves a core to the trainer.
# --check-damage: every frame of this session under real input (hover, drags, zoom, clicks,
# tooltips) is also drawn whole and compared with the partly redrawn one; a difference exits 1.
# --layout-delay 30: each frame waits between its layout and its rendering, so that the resizes
# below land inside frames, as they do now and then on a loaded machine.
"$JEMLAB" --preset jem_default --threads 1 --size 1280x800 --fps 30 --report "$REPORT" \
  --export-dir "$EXPORTS" --check-damage --layout-delay 30 ${JEMLAB_INPUT_FLAGS:-} >"$OUT/jemlab.log" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null && { sleep 1; kill -9 "$PID" 2>/dev/null; }
  true
}
trap cleanup EXIT

WID=$(timeout 60 xdotool search --sync --name '^JEM Lab$' | head -1)
[ -n "$WID" ] || { fail "the window did not appear in 60 s"; cat "$OUT/jemlab.log"; exit 1; }
ok "window $WID appeared"
running() { [ "$(get /state)" = running ] && [ "$(get /step)" -gt 5 ] && get /panels/landscape_canvas >/dev/null; }
until_true 60 running || { fail "training did not start (report: $(cat "$REPORT" 2>/dev/null))"; exit 1; }
# Keys go to the focused window (no window manager under Xvfb to give it focus).
xdo windowfocus --sync "$WID" || fail "cannot focus the window"

read -r CX CY CW CH <<<"$(get /panels/landscape_canvas)"
view() { read -r X0 X1 Y0 Y1 <<<"$(get /view)"; }
# Data coordinates of a point on the canvas under the current view.
to_data() { awk -v px="$1" -v py="$2" -v cx="$CX" -v cy="$CY" -v cw="$CW" -v ch="$CH" \
  -v x0="$X0" -v x1="$X1" -v y0="$Y0" -v y1="$Y1" \
  'BEGIN { printf "%.6f %.6f\n", x0 + (px - cx) / cw * (x1 - x0), y1 - (py - cy) / ch * (y1 - y0) }'; }
settled() { local a b; a=$(get /view); sleep 0.3; b=$(get /view); [ "$a" = "$b" ]; }

# Drag to pan: the content follows the pointer, so the view box moves the other way.
view; V0="$X0 $X1 $Y0 $Y1"
DX=160 DY=80
PX=$(awk -v a="$CX" -v b="$CW" 'BEGIN { printf "%d", a + 0.35 * b }')
PY=$(awk -v a="$CY" -v b="$CH" 'BEGIN { printf "%d", a + 0.45 * b }')
xdo mousemove --window "$WID" "$PX" "$PY"; sleep 0.3
xdo mousedown 1; sleep 0.2
for i in 1 2 3 4 5 6 7 8 9 10; do
  xdo mousemove --window "$WID" $((PX + DX * i / 10)) $((PY + DY * i / 10)); sleep 0.05
done
sleep 0.2; xdo mouseup 1
until_true 5 settled
read -r A0 A1 B0 B1 <<<"$V0"; view
echo "     view before the drag $V0, after $X0 $X1 $Y0 $Y1"
check "drag right pans the view left by the dragged distance" \
  num "($A0 - $X0) > 0.85 * $DX / $CW * ($A1 - $A0) && ($A0 - $X0) < 1.15 * $DX / $CW * ($A1 - $A0)"
check "drag down pans the view up by the dragged distance" \
  num "($Y0 - $B0) > 0.85 * $DY / $CH * ($B1 - $B0) && ($Y0 - $B0) < 1.15 * $DY / $CH * ($B1 - $B0)"
check "the view keeps its size while panning" num "($X1 - $X0) / ($A1 - $A0) > 0.999 && ($X1 - $X0) / ($A1 - $A0) < 1.001"
check "a drag launches no chain" [ "$(get /launch_clicks)" = 0 ]

# Wheel up three notches over the canvas centre: the view shrinks by 1.2^3 about the cursor.
PX=$(awk -v a="$CX" -v b="$CW" 'BEGIN { printf "%d", a + 0.5 * b }')
PY=$(awk -v a="$CY" -v b="$CH" 'BEGIN { printf "%d", a + 0.5 * b }')
xdo mousemove --window "$WID" "$PX" "$PY"; sleep 0.3
view; H0=$(awk -v a="$Y0" -v b="$Y1" 'BEGIN { print b - a }'); read -r MX MY <<<"$(to_data "$PX" "$PY")"
xdo click --repeat 3 --delay 150 4
until_true 5 settled
view; H1=$(awk -v a="$Y0" -v b="$Y1" 'BEGIN { print b - a }'); read -r NX NY <<<"$(to_data "$PX" "$PY")"
echo "     view height $H0 -> $H1; point under the cursor ($MX, $MY) -> ($NX, $NY)"
check "wheel up zooms in (height x 1/1.2^3)" num "$H1 / $H0 > 0.5787 * 0.98 && $H1 / $H0 < 0.5787 * 1.02"
check "the point under the cursor stays put" num "($NX - $MX)^2 + ($NY - $MY)^2 < (0.01 * $H0)^2"

# Click: an SGLD chain starts at the data point under the pointer.
PX=$(awk -v a="$CX" -v b="$CW" 'BEGIN { printf "%d", a + 0.3 * b }')
PY=$(awk -v a="$CY" -v b="$CH" 'BEGIN { printf "%d", a + 0.7 * b }')
view; read -r MX MY <<<"$(to_data "$PX" "$PY")"
xdo mousemove --window "$WID" "$PX" "$PY"; sleep 0.3
xdo click 1
launched() { [ "$(get /launch_clicks)" = 1 ] && [ "$(get /launched_chains)" -ge 1 ] 2>/dev/null; }
check "a click launches an SGLD chain" until_true 10 launched
read -r LX LY <<<"$(get /launched_start)"
echo "     clicked at data ($MX, $MY), chain starts at (${LX:-?}, ${LY:-?})"
check "the chain starts where the click was" num "(${LX:-1e9} - $MX)^2 + (${LY:-1e9} - $MY)^2 < (0.01 * ($X1 - $X0))^2"

# The export buttons, by the rectangles the report gives; the controls column scrolls if needed.
n_exports() { get /exports | wc -w; }
click_button() {
  local r x y w h px0 py0 pw ph tries=0
  read -r px0 py0 pw ph <<<"$(get /panels/controls)"
  while :; do
    read -r x y w h <<<"$(get "/widgets/$1")"
    [ -n "${h:-}" ] && num "$y >= $py0 && $y + $h <= $py0 + $ph" && break
    [ $tries -ge 20 ] && { fail "button $1 not on screen"; return 1; }
    xdo mousemove --window "$WID" $((${px0%.*} + 40)) $((${py0%.*} + ${ph%.*} / 2)); xdo click 5; sleep 0.2
    tries=$((tries + 1))
  done
  xdo mousemove --window "$WID" "$(awk -v a="$x" -v b="$w" 'BEGIN { printf "%d", a + b / 2 }')" \
    "$(awk -v a="$y" -v b="$h" 'BEGIN { printf "%d", a + b / 2 }')"
  sleep 0.3; xdo click 1
}
last_export() { get /exports | tr ' ' '\n' | tail -1; }
exported() { [ "$(n_exports)" -ge "$1" ]; }

click_button panel_png && check "Panel PNG exports a file" until_true 10 exported 1
F=$(last_export)
check "panel PNG is the landscape canvas: $F" "$PIXELS" --image "$F" --size "${CW%.*}x${CH%.*}"
click_button chain_gif && check "Chain GIF exports a file" until_true 10 exported 2
F=$(last_export)
check "chain GIF is an animated GIF: $F" "$PIXELS" --image "$F" --min-frames 10
click_button metrics_csv && check "Metrics CSV exports a file" until_true 10 exported 3
F=$(last_export)
csv_ok() { head -1 "$1" | grep -q '^step,' && [ "$(wc -l <"$1")" -gt 5 ]; }
check "metrics CSV has a header and rows: $F" csv_ok "$F"
xdo key F12; until_true 10 exported 4; sleep 1.2  # a new second: a new time stamp
xdo key F12; until_true 10 exported 5; xdo key F12
check "F12 three times: three screenshots" until_true 10 exported 6
SHOTS=$(get /exports | tr ' ' '\n' | grep screenshot | sort -u)
check "three distinct screenshot files, none overwritten" [ "$(echo "$SHOTS" | wc -l)" = 3 ]
for f in $SHOTS; do check "screenshot $f is the 1280x800 window" "$PIXELS" --image "$f" --size 1280x800; done
full_path_shown() { case "$(get /export_status)" in "wrote $EXPORTS/"*) true ;; *) false ;; esac; }
check "the status line shows the full path" full_path_shown
in_export_dir() { local f; for f in $(get /exports); do [ "$(dirname "$f")" = "$EXPORTS" ] && [ -s "$f" ] || return 1; done; }
check "every export is a non-empty file in --export-dir" in_export_dir
check "six exports, six names (none overwritten)" [ "$(get /exports | tr ' ' '\n' | sort -u | wc -l)" = 6 ]
cp "$(echo "$SHOTS" | tail -1)" "$OUT/window_1280x800.png"
cp "$(echo "$SHOTS" | tail -1).json" "$OUT/window_1280x800.png.json"
check "the 1280x800 screenshot passes the pixel checks" "$PIXELS" "$OUT/window_1280x800.png" --expect-boundary

# Space pauses (the step counter stops), S steps once, space resumes.
state_is() { [ "$(get /state)" = "$1" ]; }
xdo key space
check "space pauses" until_true 10 state_is paused
S1=$(get /step); sleep 1.5; S2=$(get /step)
check "paused: the step counter stays at $S1 (now $S2)" [ "$S1" = "$S2" ]
xdo key s
stepped() { [ "$(get /step)" = $((S1 + 1)) ]; }
check "S runs exactly one iteration" until_true 10 stepped
sleep 0.5; check "and stays paused" [ "$(get /step)" = $((S1 + 1)) ]
xdo key space
moving() { state_is running && [ "$(get /step)" -gt $((S1 + 10)) ]; }
check "space resumes training" until_true 15 moving

# The Robustness tab: it attacks a random test point at the first look; then, with the tab open, a
# click on the landscape attacks the test point nearest it instead of launching a chain, and
# "Attack a random point" attacks another.
read -r x y w h <<<"$(get /widgets/tab_robustness)"
xdo mousemove --window "$WID" "$(awk -v a="$x" -v b="$w" 'BEGIN { printf "%d", a + b / 2 }')" \
  "$(awk -v a="$y" -v b="$h" 'BEGIN { printf "%d", a + b / 2 }')"
sleep 0.3; xdo click 1
attacked() { [ -n "$(get /attack_start)" ]; }
check "the Robustness tab attacks a point at its first look" until_true 20 attacked
A0=$(get /attack_start) CLICKS=$(get /launch_clicks)
PX=$(awk -v a="$CX" -v b="$CW" 'BEGIN { printf "%d", a + 0.62 * b }')
PY=$(awk -v a="$CY" -v b="$CH" 'BEGIN { printf "%d", a + 0.38 * b }')
xdo mousemove --window "$WID" "$PX" "$PY"; sleep 0.3; xdo click 1
moved_from() { [ -n "$(get /attack_start)" ] && [ "$(get /attack_start)" != "$1" ]; }
check "a click on the landscape attacks the nearest test point" until_true 15 moved_from "$A0"
echo "     attacked point: $A0 at the first look, $(get /attack_start) after the click"
check "and launches no chain" [ "$(get /launch_clicks)" = "$CLICKS" ]
A1=$(get /attack_start)
read -r x y w h <<<"$(get /widgets/attack_random)"
xdo mousemove --window "$WID" "$(awk -v a="$x" -v b="$w" 'BEGIN { printf "%d", a + b / 2 }')" \
  "$(awk -v a="$y" -v b="$h" 'BEGIN { printf "%d", a + b / 2 }')"
sleep 0.3; xdo click 1
check "Attack a random point attacks another" until_true 15 moved_from "$A1"
echo "     attacked point: $A1, then $(get /attack_start)"
read -r x y w h <<<"$(get /widgets/tab_curves)"
xdo mousemove --window "$WID" "$(awk -v a="$x" -v b="$w" 'BEGIN { printf "%d", a + b / 2 }')" \
  "$(awk -v a="$y" -v b="$h" 'BEGIN { printf "%d", a + b / 2 }')"
sleep 0.3; xdo click 1

# Draw a dataset: the draw mode's brush of class 0 on the left, class 1 on the right, then "Train
# on these points": the run restarts on them, four fifths of them the training split.
click_widget() {  # click_widget NAME: the centre of a widget the report gives
  local x y w h
  read -r x y w h <<<"$(get "/widgets/$1")"
  [ -n "${h:-}" ] || { fail "widget $1 not on screen"; return 1; }
  xdo mousemove --window "$WID" "$(awk -v a="$x" -v b="$w" 'BEGIN { printf "%d", a + b / 2 }')" \
    "$(awk -v a="$y" -v b="$h" 'BEGIN { printf "%d", a + b / 2 }')"
  sleep 0.3; xdo click 1; sleep 0.3
}
stroke() {  # stroke FX0 FY FX1: a drag across the canvas at fractions of its size
  local x0 y x1 i
  x0=$(awk -v a="$CX" -v b="$CW" -v f="$1" 'BEGIN { printf "%d", a + f * b }')
  y=$(awk -v a="$CY" -v b="$CH" -v f="$2" 'BEGIN { printf "%d", a + f * b }')
  x1=$(awk -v a="$CX" -v b="$CW" -v f="$3" 'BEGIN { printf "%d", a + f * b }')
  xdo mousemove --window "$WID" "$x0" "$y"; sleep 0.2; xdo mousedown 1
  for i in 1 2 3 4 5 6 7 8 9 10; do xdo mousemove --window "$WID" $((x0 + (x1 - x0) * i / 10)) "$y"; sleep 0.05; done
  sleep 0.2; xdo mouseup 1; sleep 0.3
}
click_widget draw_mode
read -r CX CY CW CH <<<"$(get /panels/landscape_canvas)"  # the draw toolbar moved the canvas down
click_widget draw_class_0 && stroke 0.15 0.5 0.35
click_widget draw_class_1 && stroke 0.65 0.5 0.85
DRAWN=$(get /drawn_points)
check "two strokes drew points (${DRAWN:-0})" num "${DRAWN:-0} >= 20"
S_BEFORE=$(get /step)
click_widget draw_apply
on_drawn() { [ "$(get /dataset)" = csv ] && [ "$(get /step)" -lt "$S_BEFORE" ] 2>/dev/null; }
check "Train on these points restarts the run on them" until_true 20 on_drawn
WANT=$(awk -v n="$DRAWN" 'BEGIN { t = int(n / 5); if (t < 2) t = 2; print n - t }')
check "four fifths of the $DRAWN drawn points train (want $WANT, got $(get /train_points))" [ "$(get /train_points)" = "$WANT" ]
N=$(n_exports); sleep 2; xdo key F12  # the drawn data training, for a person to look at
until_true 10 exported $((N + 1)) && cp "$(last_export)" "$OUT/drawn_points.png"
click_widget draw_mode

# UI scale changes while running (HiDPI: a monitor of another scale goes the same way): Ctrl+=
# twice zooms by 1.25^2, fonts and columns follow (the side columns' minimum is 300 x scale, so
# the controls column widens by more than 1.3x at 1280 wide),
# Ctrl+0 returns to the monitor's scale.
W0=$(get /panels/controls | awk '{ print $3 }')
xdo key ctrl+equal; xdo key ctrl+equal
scaled() { num "$(get /ui_scale) > 1.55 && $(get /ui_scale) < 1.57"; }
check "Ctrl+= twice: UI scale 1.5625 (now $(get /ui_scale))" until_true 10 scaled
wider() { num "$(get /panels/controls | awk '{ print $3 }') > $W0 * 1.3"; }
check "the controls column grew with the scale ($W0 -> $(get /panels/controls | awk '{ print $3 }') px)" until_true 10 wider
xdo key ctrl+0
unscaled() { num "$(get /ui_scale) == 1"; }
check "Ctrl+0: back to the monitor's scale" until_true 10 unscaled
narrow_again() { num "$(get /panels/controls | awk '{ print $3 }') == $W0"; }
check "the controls column is back to $W0 px" until_true 10 narrow_again

# The window resized, then unmapped and mapped again (its pixels lost): --check-damage also reads
# every frame back from the X server; a window left stale anywhere fails the run.
frames_go_on() {
  local f; f=$(get /frame)
  later() { [ "$(get /frame)" -gt "$((${f:-0} + 5))" ] 2>/dev/null; }
  until_true 20 later
}
# Six resizes in quick succession: some land between a frame's layout and its rendering.
for size in "1200 760" "1240 780" "1160 740" "1300 820" "1220 790" "1280 800"; do
  xdo windowsize "$WID" $size; sleep 0.1
done
check "frames go on after six resizes, at 1280x800" frames_go_on
xdo windowunmap --sync "$WID"; xdo windowmap --sync "$WID"
check "frames go on after the window was mapped again" frames_go_on

# Ctrl+Q closes the window cleanly (exit code 0, a final report).
xdo windowfocus --sync "$WID"
xdo key ctrl+q
exited() { ! kill -0 "$PID" 2>/dev/null; }
if until_true 20 exited; then
  wait "$PID"; code=$?
  check "Ctrl+Q quits with code 0 (got $code)" [ "$code" = 0 ]
  check "the last report says the window exited" [ "$(get /exiting)" = true ]
  check "every frame drawn in part equals its whole redraw ($(grep -o 'damage check: .*' "$OUT/jemlab.log"))" \
    grep -q 'damage check: [1-9][0-9]* frames compared with a whole redraw, 0 differed' "$OUT/jemlab.log"
  check "some frames were laid out before a resize ($(grep -o '[0-9]* frames laid out before a resize' "$OUT/jemlab.log"))" \
    grep -q ' [1-9][0-9]* frames laid out before a resize' "$OUT/jemlab.log"
  check "the X server showed every frame as drawn ($(grep -o 'window check .*' "$OUT/jemlab.log"))" \
    grep -q 'window check (.*): [1-9][0-9]* frames read back from the X server, 0 differed' "$OUT/jemlab.log"
  [ -z "${JEMLAB_INPUT_FLAGS:-}" ] && check "on llvmpipe only the damage is copied to the window, without swaps" \
    grep -q 'window check (damage copied without swaps)' "$OUT/jemlab.log"
  # The back buffer's size is checked before each copy: the X server then refuses none.
  check "the X server refused no copy" grep -q ', 0 copies refused by the server' "$OUT/jemlab.log"
else
  fail "Ctrl+Q did not close the window in 20 s"
fi
echo "files in $OUT"
[ $fails -eq 0 ] && echo "window input test passed" || { echo "$fails check(s) failed"; tail -5 "$OUT/jemlab.log"; }
exit $fails
