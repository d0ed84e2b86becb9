#!/bin/sh
# script-options.sh - the generated AWS CLI scripts' options and guards, run
# with Debian's real AWS CLI (/usr/bin/aws) against tests/fake-ec2.py on
# 127.0.0.1: the journal path, DRY_RUN, the preflight and SGPLAN_SKIP_PREFLIGHT,
# hostile values, per-account profiles.  (Split from script.sh so that the
# slow script tests run side by side under make -j.)
. "$srcdir/tests/script-lib.sh"

drift_db_rule () { # drifted/: the example, with a rule added to the db group
  drifted example "groups[\"sg-048e6432506062cce\"][\"IpPermissions\"].append(
    {\"IpProtocol\": \"tcp\", \"FromPort\": 5433, \"ToPort\": 5433, \"IpRanges\": [{\"CidrIp\": \"10.9.0.0/16\"}]})"
}

# sent_descriptions EXPORT WHAT: the descriptions the changing calls in
# log.jsonl sent are exactly the rule descriptions of the export, read from
# its JSON (each is copied to the replacement or re-pointed, then revoked).
sent_descriptions () {
  $py -c 'import json, sys
sg = json.load(open(sys.argv[1] + "/security-groups.json"))
want = {peer["Description"] for g in sg["SecurityGroups"] for key in ("IpPermissions", "IpPermissionsEgress")
        for perm in g[key] for kind in ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")
        for peer in perm[kind] if "Description" in peer}
calls = [json.loads(line) for line in open("log.jsonl")]
sent = {v for c in calls if not c["action"].startswith("Describe")
        for k, v in c["params"].items() if k.endswith(".Description")}
assert want and sent == want, (sys.argv[2], sorted(want - sent), sorted(sent - want))' "$1" "$2"
}

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
test_expect 'backslashes before quotes, lone and trailing backslashes reach AWS byte for byte, forward and back' '
  scripts shell-quoting
  rm -f /tmp/sgplan-pwned
  start_fake "$fixtures/shell-quoting"
  ./remediate.sh 2>stderr
  # the preflight compared what AWS answers with the script'\''s own words
  grep -q "preflight: the account matches the export" stderr
  grep -q "^sgplan: the account is in the planned end state$" stderr
  calls $(steps_of)
  sent_descriptions "$fixtures/shell-quoting" forward
  : >log.jsonl
  ./rollback.sh 2>/dev/null
  calls --rollback $(steps_of -r)
  sent_descriptions "$fixtures/shell-quoting" rollback
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
