#!/usr/bin/env bash
# The A/B tab under Xvfb (ctest runs inside xvfb-run): `--ab` starts run B beside A, and pixel
# checks find A's and B's fields and their energy difference (both signs) on the screenshot.
# Bad --ab input exits 2 naming the knob; the checker itself fails on a window without run B.
# Screenshots are kept in $JEMLAB_SHOTS (default: a temporary folder).
set -u
JEMLAB=${1:?usage: window_ab_test.sh path/to/jemlab path/to/window_pixels}
PIXELS=${2:?}
OUT=${JEMLAB_SHOTS:-$(mktemp -d)}
mkdir -p "$OUT"
if [ -z "${DISPLAY:-}" ]; then echo "no DISPLAY: run under xvfb-run -a" >&2; exit 1; fi
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# B samples with 5 SGLD steps instead of 20: same seed, one knob apart.
echo "== A/B: jem_default, B with n_steps=5"
if "$JEMLAB" --preset jem_default --ab "n_steps=5" --tab ab --frames 240 --screenshot "$OUT/ab.png" --threads 1; then
  "$PIXELS" "$OUT/ab.png" --expect-tab ab --expect-ab || fails=$((fails + 1))
else
  fail "jemlab exited non-zero with --ab"
fi

# The checker must be able to fail: the A/B tab without run B has no maps to find.
echo "== negative control: the A/B tab without --ab"
if "$JEMLAB" --preset jem_default --tab ab --frames 30 --screenshot "$OUT/ab_none.png" --threads 1 &&
  ! "$PIXELS" "$OUT/ab_none.png" --expect-tab ab --expect-ab >"$OUT/ab_none.txt"; then
  echo "ok   the A/B checks fail without run B"
else
  fail "the A/B checks passed on a window without run B (or jemlab failed)"
fi

# Bad differences: exit 2 before the window opens, with a message naming the knob.
check_bad() {
  local spec=$1 want=$2 msg code
  msg=$("$JEMLAB" --ab "$spec" --frames 1 2>&1)
  code=$?
  if [ $code -eq 2 ] && echo "$msg" | grep -q -- "$want"; then echo "ok   --ab \"$spec\": $msg"
  else fail "--ab \"$spec\": exit $code, message: $msg"; fi
}
check_bad "sgld_lrr=3" "sgld_lrr"
check_bad "sgld_lr=3,n_steps=abc" "n_steps"
check_bad "sgld_lr=-1" "sgld_lr"
check_bad "n_steps" "KNOB=VALUE"
check_bad "dataset=shapes" "image set"

echo "screenshots in $OUT"
[ $fails -eq 0 ] && echo "A/B window tests passed" || echo "$fails A/B window test(s) failed"
exit $fails
