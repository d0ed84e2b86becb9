#!/bin/sh
# bad-input.sh - every bad input gets exactly one clear error line, the
# documented exit status, and no output on stdout.
#
# Cases are in bad-input/cases: "STATUS<TAB>ARGS<TAB>EXPECTED STDERR", run
# from the bad-input folder so file names in errors are short and stable.
# Inputs that cannot live in git (deep nesting, unreadable files) are made here.
. "$srcdir/tests/lib.sh"

cases="$srcdir/tests/bad-input/cases"

# expect_error STATUS 'EXPECTED STDERR' ARGS...: run in the current folder.
expect_error () {
  want_status=$1 want_err=$2
  shift 2
  run_sgplan check "$@"
  printf '%s\n' "$want_err" >"$TMP/want"
  expect_status "$want_status" || return 1
  compare "$TMP/want" "$TMP/stderr" || return 1
  if [ -s "$TMP/stdout" ]; then
    echo "stdout is not empty:"; cat "$TMP/stdout"; return 1
  fi
}

while IFS='	' read -r want_status args want_err; do
  case $want_status in ''|'#'*) continue ;; esac
  test_expect "check $args: exit $want_status, '$want_err'" \
    "cd '$srcdir/tests/bad-input' && expect_error $want_status \"\$want_err\" $args"
done <"$cases"

test_expect 'a missing path is an I/O error (exit 2)' '
  expect_error 2 "sgplan: error: cannot read '\''no-such.json'\'': No such file or directory" no-such.json
'

test_expect 'nesting deeper than 1000 levels is rejected, not a crash' '
  { printf "{\"SecurityGroups\": "; head -c 5000 /dev/zero | tr "\0" "["; } >deep.json
  expect_error 3 "sgplan: error: '\''deep.json'\'':1:1019: nesting is too deep: at most 1000 levels of arrays and objects" deep.json
'

test_expect 'a file of 100000 nested arrays is rejected without exhausting the stack' '
  head -c 100000 /dev/zero | tr "\0" "[" >deeper.json
  run_sgplan check deeper.json
  expect_status 3
  grep -q "nesting is too deep" "$TMP/stderr"
'

# As root every file is readable: drop to nobody to make one that is not.
if [ "$(id -u)" -ne 0 ]; then
  test_expect 'an unreadable file is an I/O error (exit 2)' '
    cp "$srcdir/tests/bad-input/no-region.json" locked.json && chmod 000 locked.json
    expect_error 2 "sgplan: error: cannot read '\''locked.json'\'': Permission denied" locked.json
  '
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups "$SGPLAN_BIN" --version >/dev/null 2>&1; then
  test_expect 'an unreadable file is an I/O error (exit 2)' '
    chmod 755 "$TMP"
    cp "$srcdir/tests/bad-input/no-region.json" locked.json && chmod 000 locked.json
    SGPLAN="setpriv --reuid=65534 --regid=65534 --clear-groups $SGPLAN" expect_error 2 "sgplan: error: cannot read '\''locked.json'\'': Permission denied" locked.json
  '
else
  test_skip 'an unreadable file is an I/O error (exit 2)' 'cannot drop root privileges here'
fi

test_done
