# lib.sh - TAP helpers for sgplan's shell tests (sourced).
#
#   test_expect 'states what it proves' 'shell commands'
# runs the commands in a subshell with `set -e` semantics per command list;
# a failing command fails the test and its output is shown as TAP comments.

: "${srcdir:?srcdir must be set (make check sets it)}"
: "${SGPLAN_BIN:?SGPLAN_BIN must be set (make check sets it)}"
SGPLAN=${SGPLAN:-$SGPLAN_BIN}
export LC_ALL=C.UTF-8

test_count=0
test_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sgplan-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# sgplan under the test wrapper (valgrind when configured).
sgplan () {
  # shellcheck disable=SC2086
  $SGPLAN "$@"
}

test_expect () {
  test_count=$((test_count + 1))
  # each test starts in a folder of its own
  mkdir -p "$TMP/t$test_count"
  # not in an if: there set -e would be ignored, even inside the subshell,
  # and only the last command would count
  (cd "$TMP/t$test_count" && eval "set -e; $2") >"$TMP/.out" 2>&1
  if [ $? = 0 ]; then
    echo "ok $test_count - $1"
  else
    test_failed=$((test_failed + 1))
    echo "not ok $test_count - $1"
    sed 's/^/# /' "$TMP/.out"
  fi
}

test_skip () {
  test_count=$((test_count + 1))
  echo "ok $test_count - $1 # SKIP $2"
}

test_done () {
  echo "1..$test_count"
  [ "$test_failed" -eq 0 ]
}

# Runs sgplan with arguments; stores exit status in $status, stdout in
# $TMP/stdout, stderr in $TMP/stderr.
run_sgplan () {
  status=0
  sgplan "$@" >"$TMP/stdout" 2>"$TMP/stderr" || status=$?
}

expect_status () {
  if [ "$status" -ne "$1" ]; then
    echo "expected exit status $1, got $status"
    echo "stderr:"; cat "$TMP/stderr"
    return 1
  fi
}

# wait_for_port FILE WHAT: wait (10 s at most) until the fake server WHAT,
# just started, has written its port to FILE.
wait_for_port () {
  i=0
  while [ ! -s "$1" ]; do
    i=$((i + 1))
    [ $i -le 100 ] || { echo "$2 did not start"; return 1; }
    sleep 0.1
  done
}

# compare EXPECTED-FILE ACTUAL-FILE: a unified diff on mismatch.
compare () {
  diff -u "$1" "$2"
}
