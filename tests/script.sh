#!/bin/sh
# script.sh - generated AWS CLI scripts run with Debian's real AWS CLI
# (/usr/bin/aws) against tests/fake-ec2.py on 127.0.0.1, which records every
# EC2 Query API request and keeps the state the calls leave.
# tests/check-calls.py, reading the change set on its own, checks that the
# changing calls are exactly the plan's steps (or, for a rollback, their
# inverses), in order, with every value unchanged.  What the scripts check
# live is in script-live.sh.
. "$srcdir/tests/script-lib.sh"

drift_db_rule () { # drifted/: the example, with a rule added to the db group
  drifted example "groups[\"sg-048e6432506062cce\"][\"IpPermissions\"].append(
    {\"IpProtocol\": \"tcp\", \"FromPort\": 5433, \"ToPort\": 5433, \"IpRanges\": [{\"CidrIp\": \"10.9.0.0/16\"}]})"
}

if command -v shellcheck >/dev/null; then
  for dir in "$fixtures"/*/; do
    name=$(basename "$dir")
    test_expect "shellcheck finds nothing in the scripts of fixtures/$name" "
      scripts $name
      shellcheck remediate.sh rollback.sh
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
test_expect 'the journal path can be set, and a journal of another plan is refused' '
  scripts example
  start_fake "$fixtures/example"
  printf "# sgplan journal 0000\ndone 1\n" >other.journal
  status=0; SGPLAN_JOURNAL=other.journal ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "other.journal is not the journal of this plan" stderr
  test "$(changes)" = 0
'
test_expect 'DRY_RUN=1 adds --dry-run to every call, counts DryRunOperation as success, writes no journal' '
  scripts example
  start_fake "$fixtures/example"
  DRY_RUN=1 ./remediate.sh 2>stderr
  calls --dry-run dry-run-steps
  ! ls sgplan-*.journal 2>/dev/null
  grep -q "dry run: not run, it needs new:sg-0f952ef42c1d0286c, which a real run creates" stderr
'
test_expect 'preflight stops before the first change when a group'\''s rules drifted' '
  scripts example
  drift_db_rule
  start_fake drifted
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: drift: the rules of sg-048e6432506062cce are not those of the export$" stderr
  test "$(changes)" = 0
  ! ls sgplan-*.journal 2>/dev/null
'
test_expect 'preflight stops when a network interface'\''s groups drifted' '
  scripts example
  drifted example "enis[\"eni-0d3652191bb282d5b\"][\"Groups\"].append({\"GroupId\": \"sg-048e6432506062cce\", \"GroupName\": \"db\"})"
  start_fake drifted
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: drift: eni-0d3652191bb282d5b has groups" stderr
  test "$(changes)" = 0
'
test_expect 'SGPLAN_SKIP_PREFLIGHT=1 goes on despite drift' '
  scripts example
  drift_db_rule
  start_fake drifted
  SGPLAN_SKIP_PREFLIGHT=1 ./remediate.sh 2>stderr
  grep -q "preflight skipped" stderr
  ! grep -q "\"action\": \"Describe" log.jsonl
  calls $(steps_of)
'
test_expect 'hostile values reach AWS unchanged and nothing in them is executed' '
  scripts hostile-values
  rm -f /tmp/sgplan-pwned
  start_fake "$fixtures/hostile-values"
  ./remediate.sh 2>stderr
  grep -q "preflight: the account matches the export" stderr
  calls $(steps_of)
  : >log.jsonl
  ./rollback.sh 2>/dev/null
  calls --rollback $(steps_of -r)
  test ! -e /tmp/sgplan-pwned
'
test_expect 'each account'\''s calls use the profile SGPLAN_PROFILE_<ACCOUNT> names' '
  scripts multi-account
  printf "[profile one]\naws_access_key_id = AKIDACCOUNTONE\naws_secret_access_key = x\n[profile two]\naws_access_key_id = AKIDACCOUNTTWO\naws_secret_access_key = y\n" >config
  start_fake "$fixtures/multi-account"
  AWS_CONFIG_FILE=$PWD/config SGPLAN_PROFILE_111122223333=one SGPLAN_PROFILE_444455556666=two ./remediate.sh 2>/dev/null
  calls $(steps_of)
  $py -c "import json, yaml
steps = {s[\"id\"]: s for g in yaml.safe_load(open(\"cs.yaml\"))[\"default_groups\"] for s in g[\"steps\"]}
keys = {\"111122223333\": \"AKIDACCOUNTONE\", \"444455556666\": \"AKIDACCOUNTTWO\"}
calls = [json.loads(l) for l in open(\"log.jsonl\")]
changing = [c for c in calls if not c[\"action\"].startswith(\"Describe\")]
assert len(changing) == len(steps)
for n, c in zip(sorted(steps), changing):
    assert c[\"access_key\"] == keys[steps[n][\"account\"]], (n, c[\"access_key\"])
assert all(c[\"access_key\"] in keys.values() for c in calls)"
'

test_done
