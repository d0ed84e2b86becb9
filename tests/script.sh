#!/bin/sh
# script.sh - generated AWS CLI scripts run with Debian's real AWS CLI
# (/usr/bin/aws) against tests/fake-ec2.py on 127.0.0.1, which records every
# EC2 Query API request and keeps the state the calls leave.
# tests/check-calls.py, reading the change set on its own, checks that the
# changing calls are exactly the plan's steps (or, for a rollback, their
# inverses), in order, with every value unchanged.  What the scripts check
# live is in script-live.sh.
. "$srcdir/tests/script-lib.sh"

if command -v shellcheck >/dev/null; then
  for dir in "$fixtures"/*/; do
    name=$(basename "$dir")
    # every severity, info (SC1003 and co.) included
    test_expect "shellcheck --severity=style finds nothing in the scripts of fixtures/$name" "
      scripts $name
      shellcheck --severity=style remediate.sh rollback.sh
    "
  done
else
  test_skip 'shellcheck finds nothing in the generated scripts' 'shellcheck is not installed'
fi

test_expect 'plan --format aws-cli writes the script sgplan script writes' '
  sgplan plan --format aws-cli "$fixtures/example" >direct.sh
  sgplan plan "$fixtures/example" >cs.yaml
  sgplan script cs.yaml >via.sh
  cmp direct.sh via.sh
'
test_expect 'script -o writes an executable file' '
  scripts example
  test -x remediate.sh && test -x rollback.sh
'
test_expect 'the script header says what it does, the fingerprint, dry run and rollback' '
  scripts example
  fp=$(sed -n "s/^fingerprint: \"\(.*\)\"$/\1/p" cs.yaml)
  grep -q "^# Plan fingerprint: $fp$" remediate.sh
  grep -q "^# Plan: 1 to migrate, 1 to revoke, 0 blocked, 0 excepted, 0 compliant; 11 steps.$" remediate.sh
  grep -q "^# Dry run:   DRY_RUN=1" remediate.sh
  grep -q "^# Roll back: sgplan script --rollback" remediate.sh
'
test_expect 'the forward script makes exactly the plan'\''s calls, after a preflight' '
  scripts example
  start_fake "$fixtures/example"
  ./remediate.sh 2>stderr
  calls $(steps_of)
  head -n 1 log.jsonl | grep -q "\"action\": \"Describe"
  grep -q "preflight: the account matches the export" stderr
  test "$(grep -c "^done " sgplan-*.journal)" = 11
  grep -q "^group new:sg-0f952ef42c1d0286c sg-f0000000000000001$" sgplan-*.journal
'
test_expect 'every call carries the region of its step' '
  scripts multi-account
  start_fake "$fixtures/multi-account"
  ./remediate.sh 2>stderr
  calls $(steps_of)
'
test_expect 'the rollback script undoes every step, newest first' '
  scripts plan-rule-kinds
  start_fake "$fixtures/plan-rule-kinds"
  ./remediate.sh 2>/dev/null
  : >log.jsonl
  ./rollback.sh 2>stderr
  calls --rollback $(steps_of -r)
  grep -q "rollback complete" stderr
  test "$(grep -c "^undone " sgplan-*.journal)" = 14
'
test_expect 'a second run of a finished script changes nothing' '
  scripts example
  start_fake "$fixtures/example"
  ./remediate.sh 2>/dev/null
  : >log.jsonl
  ./remediate.sh 2>stderr
  test "$(changes)" = 0
  grep -q "step 11: done before" stderr
'
test_expect 'a run that fails half-way stops at the failing step and says how to go on' '
  scripts example
  start_fake "$fixtures/example" --fail-at 4
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status -ne 0
  grep -q "^sgplan: error: step 4 failed" stderr
  calls 1 2 3 4
  test "$(grep "^done " sgplan-*.journal | tr "\n" " ")" = "done 1 done 2 done 3 "
'
test_expect 'running it again resumes after the last completed step' '
  scripts example
  start_fake "$fixtures/example" --fail-at 4
  ./remediate.sh 2>/dev/null || :
  : >log.jsonl
  ./remediate.sh 2>stderr
  grep -q "resuming from" stderr
  calls 4 5 6 7 8 9 10 11
'
test_expect 'rollback after a partial run undoes exactly the steps that ran' '
  scripts plan-rule-kinds
  start_fake "$fixtures/plan-rule-kinds" --fail-at 6
  ./remediate.sh 2>/dev/null || :
  : >log.jsonl
  ./rollback.sh 2>stderr
  calls --rollback 5 4 3 2 1
  : >log.jsonl
  ./rollback.sh 2>/dev/null
  test "$(changes)" = 0
'
test_expect 'rollback with no journal does nothing and says so' '
  scripts example
  start_fake "$fixtures/example"
  ./rollback.sh 2>stderr
  test "$(changes)" = 0
  grep -q "nothing ran, nothing to undo" stderr
'
test_done
