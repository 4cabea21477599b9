#!/usr/bin/env bash
# The CLI-only jemlab (-DJEMLAB_BUILD_WINDOW=OFF; jemlab-cli in a full build): the subcommands run,
# asking for the window says how to get one, and the binary links no GL, GLFW, ImGui or X library.
set -u
JEMLAB=${1:?usage: cli_only_test.sh path/to/jemlab-cli}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/check_helpers.sh"

"$JEMLAB" >"$T/lab.out" 2>&1
check "no subcommand: exit 2" test $? -eq 2
check "no subcommand: says why" contains "$T/lab.out" "built without the window (-DJEMLAB_BUILD_WINDOW=OFF): give a subcommand"
"$JEMLAB" train --iters 5 --n_train 200 --threads 1 --quiet --out "$T/run" >"$T/train.out" 2>&1
check "train exits 0" test $? -eq 0
"$JEMLAB" eval --ckpt "$T/run/last.ckpt" --eval test_clf >"$T/eval.out" 2>&1
check "eval reads the checkpoint" contains "$T/eval.out" "test accuracy 0\."
"$JEMLAB" sample --ckpt "$T/run/last.ckpt" --n 5 --n_steps 2 --out "$T/s.csv" >/dev/null 2>&1
check "sample writes 5 rows" test "$(wc -l <"$T/s.csv")" -eq 6
# Its own dependencies (Debian's libtorch may pull libGL in on its own: that is libtorch's package).
readelf -d "$JEMLAB" >"$T/needed.out" 2>&1
check "readelf reads it" contains "$T/needed.out" "NEEDED.*libc10"
check "needs no GL, GLFW, epoxy, ImGui or X library" bash -c "! grep NEEDED '$T/needed.out' | grep -Eiq 'libGL|libglfw|libepoxy|libX11|imgui'"

[ $fails -eq 0 ] && echo "all CLI-only checks passed"
exit $fails
