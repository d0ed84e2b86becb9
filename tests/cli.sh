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
for cmd in check plan show script apply validate; do
  test_expect "sgplan $cmd -h shows its usage and exits 0" "
    run_sgplan $cmd -h; expect_status 0
    grep -q '^  sgplan $cmd \\[OPTION' \"\$TMP/stdout\"
  "
done
test_expect 'an unknown option is a usage error (exit 2)' '
  run_sgplan check --bogus "$srcdir/fixtures/compliant"; expect_status 2
  grep -q "^sgplan: error: Unknown option --bogus (see '\''sgplan check --help'\'')$" "$TMP/stderr"
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
  test_expect 'the manual renders without warnings' '
    groff -t -mandoc -ww -z -Tutf8 "$srcdir/man/sgplan.1" 2>warnings
    test ! -s warnings || { cat warnings; false; }
  '
else
  test_skip 'the manual renders without warnings' 'groff is not installed'
fi
test_done
