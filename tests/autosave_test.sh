#!/usr/bin/env bash
# The session autosave and the restore prompt, in the real window under Xvfb (ctest runs inside
# xvfb-run) with real X input (xdotool). A window training on circles autosaves every second into
# $XDG_STATE_HOME/jemlab/ and is killed (a crash); the next window, started on the default data,
# asks "Restore the session autosaved at ... (step N, dataset circles)?" and waits paused; Restore
# brings back circles at step >= N and trains on; Discard deletes the file and starts afresh.
# Files are kept in $JEMLAB_SHOTS/autosave.
set -u
JEMLAB=${1:?usage: autosave_test.sh path/to/jemlab path/to/window_pixels}
PIXELS=${2:?}
OUT=$(realpath -m "${JEMLAB_SHOTS:-$(mktemp -d)}/autosave")
if [ -z "${DISPLAY:-}" ]; then echo "no DISPLAY: run under xvfb-run -a" >&2; exit 1; fi
command -v xdotool >/dev/null || { echo "xdotool missing: scripts/install_deps.sh installs it" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"
export XDG_STATE_HOME=$OUT/state
AUTO=$XDG_STATE_HOME/jemlab/autosave.ckpt  # the default path, from XDG_STATE_HOME

fails=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
until_true() { local end=$((SECONDS + $1)); shift; until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done; }
xdo() { timeout 10 xdotool "$@"; }
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; true; }
trap cleanup EXIT

# start NAME ARGS...: a window with its own report; sets PID, WID, REPORT.
start() {
  local name=$1; shift
  REPORT=$OUT/$name.json
  "$JEMLAB" --threads 1 --size 1000x640 --fps 30 --report "$REPORT" --export-dir "$OUT/exports" "$@" \
    >"$OUT/$name.log" 2>&1 &
  PID=$!
  WID=$(timeout 60 xdotool search --sync --pid "$PID" --name '^JEM Lab$' | head -1)
  [ -n "$WID" ] || { fail "$name: no window in 60 s"; cat "$OUT/$name.log"; exit 1; }
  until_true 30 test -s "$REPORT" || { fail "$name: no report"; exit 1; }
}
get() { "$PIXELS" --get "$REPORT" "$1" 2>/dev/null; }
click() {  # click WIDGET: the centre of the rectangle the report gives, once it has settled
  local x y w h r tries=0
  # A popup that sizes itself to its text is laid out over its first frames.
  r=$(get "/widgets/$1"); sleep 0.6
  until [ -n "$r" ] && [ "$r" = "$(get "/widgets/$1")" ] || [ $tries -ge 30 ]; do
    r=$(get "/widgets/$1"); sleep 0.6; tries=$((tries + 1))
  done
  read -r x y w h <<<"$r"
  [ -n "${h:-}" ] || { fail "no widget $1 in the report"; return 1; }
  xdo mousemove --window "$WID" "$(awk -v a="$x" -v b="$w" 'BEGIN { printf "%d", a + b / 2 }')" \
    "$(awk -v a="$y" -v b="$h" 'BEGIN { printf "%d", a + b / 2 }')"
  sleep 0.3; xdo click 1
}

# 1. A session on circles autosaves every second; the file loads while the window runs.
start first --dataset circles --autosave-every 1
saved() { [ "$(get /autosaved_step)" -gt 0 ] 2>/dev/null && [ -s "$AUTO" ]; }
check "the running window autosaves into \$XDG_STATE_HOME/jemlab/" until_true 60 saved
check "no prompt without an autosave" [ -z "$(get /restore_prompt)" ]
loads() { "$JEMLAB" eval --ckpt "$AUTO" --eval test_clf --out "$OUT/ev" >"$OUT/eval.log" 2>&1; }
check "the autosave loads while the window runs (jemlab eval)" loads
first=$(get /autosaved_step)
twice() { [ "$(get /autosaved_step)" -gt "$first" ]; }
check "and is saved again a second later" until_true 20 twice
echo "     autosaved at step $first, then $(get /autosaved_step)"
S1=$(get /autosaved_step)
kill -9 "$PID"; wait "$PID" 2>/dev/null  # a crash: no exit save
temps() { find "$XDG_STATE_HOME" -name '*.tmp*' | wc -l; }
check "at most one temporary file beside it (a kill inside a save)" [ "$(temps)" -le 1 ]

# 2. The next window asks, waits paused, and Restore resumes the saved session.
start second --autosave-every 1
asked() { [ -n "$(get /restore_prompt)" ]; }
check "the next start asks" until_true 30 asked
Q=$(get /restore_prompt)
echo "     prompt: $Q"
N=$(echo "$Q" | sed -n 's/.*(step \([0-9]*\), dataset circles)?$/\1/p')
check "the prompt names the time, step and dataset" \
  bash -c "echo '$Q' | grep -Eq '^Restore the session autosaved at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} \(step [0-9]+, dataset circles\)\?$'"
check "its step ($N) is the last autosave's or later ($S1)" [ "${N:-0}" -ge "$S1" ]
sleep 1
waiting() { [ "$(get /state)" = paused ] && [ "$(get /step)" = 0 ]; }
check "training waits for the answer (paused at step 0)" waiting
xdo windowfocus --sync "$WID"; xdo key F12
shot() { get /exports | grep -q screenshot; }
until_true 10 shot && cp "$(get /exports | tr ' ' '\n' | tail -1)" "$OUT/restore_prompt.png"
check "a screenshot of the prompt" test -s "$OUT/restore_prompt.png"
click restore_yes
restored() { [ -z "$(get /restore_prompt)" ] && [ "$(get /dataset)" = circles ] && [ "$(get /step)" -ge "${N:-1}" ]; }
check "Restore loads the session: dataset circles, step >= $N" until_true 30 restored
going() { [ "$(get /state)" = running ] && [ "$(get /step)" -gt $((N + 5)) ]; }
check "and training goes on from there (step $(get /step))" until_true 30 going
xdo key ctrl+q
exited() { ! kill -0 "$PID" 2>/dev/null; }
check "Ctrl+Q closes it" until_true 20 exited
wait "$PID" 2>/dev/null
LAST=$(get /step)
check "the new session's saves removed the crashed one's temporary file" [ "$(temps)" = 0 ]

# 3. The exit save is offered next time; Discard deletes it and starts afresh on the default data.
start third --autosave-every 1
check "the exit save is offered" until_true 30 asked
M=$(get /restore_prompt | sed -n 's/.*(step \([0-9]*\), dataset circles)?$/\1/p')
check "at the step the window closed at ($M >= $LAST)" [ "${M:-0}" -ge "$LAST" ]
click restore_no
fresh() { [ -z "$(get /restore_prompt)" ] && [ "$(get /dataset)" = moons ] && [ "$(get /state)" = running ]; }
check "Discard starts afresh on the default data" until_true 30 fresh
check "and deletes the autosave" until_true 5 test ! -e "$AUTO"
kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=

# 4. Headless: --restore-autosave yes restores without asking (and --frames never autosaves by itself).
"$JEMLAB" --frames 30 --threads 1 --dataset circles --autosave "$OUT/h.ckpt" --autosave-every 0.5 \
  --screenshot "$OUT/h1.png" >/dev/null 2>&1
check "--frames with --autosave FILE saves at exit" test -s "$OUT/h.ckpt"
"$JEMLAB" --frames 20 --threads 1 --autosave "$OUT/h.ckpt" --restore-autosave yes --screenshot "$OUT/h2.png" \
  >"$OUT/h2.log" 2>&1
REPORT=$OUT/h2.png.json
check "--restore-autosave yes restores it (dataset $(get /dataset))" [ "$(get /dataset)" = circles ]
rm -f "$AUTO"
"$JEMLAB" --frames 5 --threads 1 --screenshot "$OUT/h3.png" >/dev/null 2>&1
check "--frames alone writes no autosave" test ! -e "$AUTO"

echo "files in $OUT"
[ $fails -eq 0 ] && echo "autosave test passed" || echo "$fails check(s) failed"
exit $fails
