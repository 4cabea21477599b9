# Shared by the shell tests: check NAME CONDITION... counts failures in $fails; contains FILE PATTERN.
fails=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}
contains() { grep -q -- "$2" "$1"; }
