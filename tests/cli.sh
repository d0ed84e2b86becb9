#!/bin/sh
# cli.sh - the command line itself: help, usage errors, exit codes.
. "$srcdir/tests/lib.sh"

test_expect 'sgplan -h lists every command and exits 0' '
  run_sgplan -h; expect_status 0
  grep -q "^  check " "$TMP/stdout"
'
test_expect 'sgplan --help is the same as -h' '
  sgplan --help >a; sgplan -h >b; cmp a b
'
test_expect 'sgplan with no command prints usage to stderr and exits 2' '
  run_sgplan; expect_status 2
  grep -q "^usage: sgplan COMMAND" "$TMP/stderr"
  test ! -s "$TMP/stdout"
'
test_expect 'an unknown command is a usage error (exit 2)' '
  run_sgplan frobnicate; expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: unknown command '\''frobnicate'\'' (see '\''sgplan --help'\'')"
'
for cmd in check plan show graph script apply validate; do
  test_expect "sgplan $cmd -h shows its usage and exits 0" "
    run_sgplan $cmd -h; expect_status 0
    grep -q '^  sgplan $cmd \\[OPTION' \"\$TMP/stdout\"
  "
done
test_expect 'an unknown option is a usage error (exit 2)' '
  run_sgplan check --bogus "$srcdir/fixtures/compliant"; expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: unknown option '\''--bogus'\'' (see '\''sgplan check --help'\'')"
  test ! -s "$TMP/stdout"
'
test_expect 'a mistyped command is answered with the closest one' '
  run_sgplan chek "$srcdir/fixtures/compliant"; expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: unknown command '\''chek'\'': did you mean '\''check'\''? (see '\''sgplan --help'\'')"
  run_sgplan plna; expect_status 2
  grep -q "did you mean '\''plan'\''?" "$TMP/stderr"
  run_sgplan valid; expect_status 2
  grep -q "did you mean '\''validate'\''?" "$TMP/stderr"
  run_sgplan verison; expect_status 2
  grep -q "did you mean '\''version'\''?" "$TMP/stderr"
'
test_expect 'a mistyped long option is answered with the closest one of that command' '
  run_sgplan check --fromat json "$srcdir/fixtures/compliant"; expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: unknown option '\''--fromat'\'': did you mean '\''--format'\''? (see '\''sgplan check --help'\'')"
  run_sgplan plan --max-group-per-eni=3 "$srcdir/fixtures/compliant"; expect_status 2
  grep -q "did you mean '\''--max-groups-per-eni'\''?" "$TMP/stderr"
  run_sgplan validate --structur-only x.yaml; expect_status 2
  grep -q "did you mean '\''--structure-only'\''?" "$TMP/stderr"
'
test_expect 'an option value that looks like an option is a value, not a mistyped option' '
  run_sgplan plan --except --formt "$srcdir/fixtures/compliant"; expect_status 2
  grep -q "^sgplan: error: --except '\''--formt'\'' is not a security group" "$TMP/stderr"
  run_sgplan check -f --formt "$srcdir/fixtures/compliant"; expect_status 2
  grep -q "unknown format '\''--formt'\''" "$TMP/stderr"
'
test_expect 'GLib'\''s option errors speak in sgplan'\''s style' '
  run_sgplan plan --max-groups-per-eni x "$srcdir/fixtures/compliant"; expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: cannot parse integer value '\''x'\'' for --max-groups-per-eni (see '\''sgplan plan --help'\'')"
  run_sgplan check -f; expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: missing argument for -f (see '\''sgplan check --help'\'')"
'
for cmd in check plan show graph script apply validate; do
  test_expect "sgplan help $cmd is sgplan $cmd --help" "
    sgplan help $cmd >a; sgplan $cmd --help >b; cmp a b
    grep -q '^  sgplan $cmd \\[OPTION' a
  "
done
test_expect 'sgplan help alone is sgplan --help; help of an unknown command is a usage error' '
  sgplan help >a; sgplan --help >b; cmp a b
  run_sgplan help chek; expect_status 2
  grep -q "did you mean '\''check'\''?" "$TMP/stderr"
  test ! -s "$TMP/stdout"
  run_sgplan help check plan; expect_status 2
'
test_expect 'sgplan version, -V and --version print the version and exit 0' '
  sgplan version >a; sgplan -V >b; sgplan --version >c
  cmp a b; cmp a c
  grep -Eq "^sgplan [0-9]+\.[0-9]+\.[0-9]+$" a
'
# colour: only on a terminal (script(1) gives the command one), never with
# NO_COLOR or TERM=dumb, never in a pipe or a file
on_tty () {
  script -qec "$*" /dev/null </dev/null
}
test_expect 'check, validate: colour on a terminal only, and never with NO_COLOR' '
  if ! command -v script >/dev/null; then echo "no script(1)"; false; fi
  esc=$(printf "\033")
  on_tty "$SGPLAN_BIN check $srcdir/fixtures/example" >tty.txt || true
  grep -q "${esc}\[1;31mFAILED${esc}\[0m" tty.txt
  NO_COLOR=1 on_tty "$SGPLAN_BIN check $srcdir/fixtures/example" >nocolor.txt || true
  if grep -q "$esc" nocolor.txt; then echo "colour with NO_COLOR"; false; fi
  TERM=dumb on_tty "$SGPLAN_BIN check $srcdir/fixtures/example" >dumb.txt || true
  if grep -q "$esc" dumb.txt; then echo "colour with TERM=dumb"; false; fi
  NO_COLOR= on_tty "$SGPLAN_BIN check $srcdir/fixtures/example" >empty.txt || true
  grep -q "$esc" empty.txt
  sgplan plan -o cs.yaml "$srcdir/fixtures/example"
  on_tty "$SGPLAN_BIN validate cs.yaml $srcdir/fixtures/example" >v.txt || true
  grep -q "${esc}\[32mpass${esc}\[0m" v.txt
  sgplan validate cs.yaml "$srcdir/fixtures/example" >v2.txt || true
  if grep -q "$esc" v2.txt; then echo "colour in a file"; false; fi
  # the same words without the colour
  tr -d "\r" <tty.txt | sed "s/${esc}\[[0-9;]*m//g" >plain.txt
  sgplan check "$srcdir/fixtures/example" >file.txt || true
  cmp plain.txt file.txt
'
test_expect 'check without an export is a usage error (exit 2)' '
  run_sgplan check; expect_status 2
'
test_expect 'check exits 0 when every default group PASSED' '
  run_sgplan check "$srcdir/fixtures/compliant"; expect_status 0
'
test_expect 'check exits 1 when a default group FAILED' '
  run_sgplan check "$srcdir/fixtures/unused-default"; expect_status 1
'
test_expect 'check reports the same state the same way whatever the argument order' '
  cd "$srcdir/fixtures/instances"
  sgplan check --format=json security-groups.json network-interfaces.json >"$TMP/a" || test $? -eq 1
  sgplan check --format=json network-interfaces.json security-groups.json >"$TMP/b" || test $? -eq 1
  cmp "$TMP/a" "$TMP/b"
'
test_expect 'a file named twice is read once' '
  cd "$srcdir/fixtures/instances"
  sgplan check . security-groups.json >"$TMP/a" || test $? -eq 1
  sgplan check . >"$TMP/b" || test $? -eq 1
  cmp "$TMP/a" "$TMP/b"
'
test_expect 'a full disk is an error, not silence' '
  if test -w /dev/full; then
    status=0; sgplan check "$srcdir/fixtures/compliant" >/dev/full 2>"$TMP/stderr" || status=$?
    expect_status 2
    grep -q "cannot write to standard output" "$TMP/stderr"
  fi
'
test_expect 'text from the export cannot drive the terminal' '
  mkdir -p us-east-1
  printf "%s" "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"GroupName\": \"default\", \"OwnerId\": \"111122223333\", \"VpcId\": \"vpc-1\", \"IpPermissions\": [{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\", \"Description\": \"\\u001b[2Jgone\\nfake line\"}]}], \"IpPermissionsEgress\": []}]}" >us-east-1/sg.json
  run_sgplan check us-east-1; expect_status 1
  if LC_ALL=C grep -q "$(printf "\033")" "$TMP/stdout"; then echo "raw escape in output"; false; fi
  grep -qF "\"\\u001b[2Jgone\\nfake line\"" "$TMP/stdout"
'
test_expect 'script of a missing change set is an I/O error (exit 2)' '
  run_sgplan script no-such.yaml
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: cannot read '\''no-such.yaml'\'': No such file or directory"
'
test_expect 'script refuses to write over its change set' '
  sgplan plan "$srcdir/fixtures/example" >cs.yaml
  cp cs.yaml before.yaml
  run_sgplan script -o cs.yaml cs.yaml
  expect_status 2
  cmp before.yaml cs.yaml
'
test_expect 'script of a damaged change set is invalid input (exit 3), with no output' '
  run_sgplan script "$srcdir/tests/bad-changeset/unknown-action.yaml"
  expect_status 3
  test ! -s "$TMP/stdout"
'
test_expect '--version prints the version' '
  sgplan --version | grep -q "^sgplan [0-9]"
'
test_expect '.ci/run runs exactly the test command of README.md' '
  readme_cmd=$(sed -n "/^Run the whole test suite:/,/^\`\`\`\$/p" "$srcdir/README.md" | sed -n "4p")
  test -n "$readme_cmd"
  test "$(tail -n 1 "$srcdir/.ci/run")" = "$readme_cmd"
'
if command -v groff >/dev/null; then
  test_expect 'the manuals (sgplan, sgplan-collect) render without warnings' '
    for page in sgplan sgplan-collect; do
      groff -t -mandoc -ww -z -Tutf8 "$srcdir/man/$page.1" 2>warnings
      test ! -s warnings || { echo "$page.1:"; cat warnings; false; }
    done
  '
else
  test_skip 'the manuals (sgplan, sgplan-collect) render without warnings' 'groff is not installed'
fi
test_done
