#!/bin/sh
# coverage.sh - sgplan decides only where the export shows everything that
# uses a default group: which describe-* documents cover each account and
# region, the refusals of `plan` and the gaps `check` reports, the exit
# statuses CI relies on, and the exact copy of a described allow-all egress.
. "$srcdir/tests/lib.sh"

fixtures="$srcdir/fixtures"
ex="$fixtures/example"
py=/usr/bin/python3

# The example in ACCOUNT/REGION/ folders, without the network interfaces.
groups_only () {
  mkdir -p exp/111122223333/us-east-1
  cp "$ex/security-groups.json" exp/111122223333/us-east-1/
}

test_expect 'plan refuses security groups without network interfaces, naming account, region and command' '
  run_sgplan plan --region us-east-1 "$ex/security-groups.json"
  expect_status 3
  test ! -s "$TMP/stdout"
  test "$(cat "$TMP/stderr")" = "sgplan: error: incomplete export: account 111122223333 in us-east-1 has no describe-network-interfaces in the export: what uses its 2 FAILED default groups (sg-03a574ae284eed2d5, ...) is unknown; export it with: aws ec2 describe-network-interfaces --include-managed-resources --region us-east-1 --output json > 111122223333/us-east-1/network-interfaces.json (or --except the groups to leave them as they are)"
'
test_expect 'plan -o writes nothing for an incomplete export' '
  groups_only
  run_sgplan plan -o cs.yaml exp
  expect_status 3
  test ! -e cs.yaml
'
test_expect 'plan --format aws-cli writes no script for an incomplete export' '
  groups_only
  run_sgplan plan --format aws-cli -o run.sh exp
  expect_status 3
  test ! -e run.sh
'
test_expect 'an empty NetworkInterfaces list counts as exported: nothing is attached' '
  groups_only
  echo "{\"NetworkInterfaces\": []}" >exp/111122223333/us-east-1/network-interfaces.json
  sgplan plan exp >cs.yaml
  grep -q "decision: \"revoke\"" cs.yaml
'
test_expect 'an empty NetworkInterfaces list outside ACCOUNT/REGION folders covers the only account and --region' '
  cp "$ex/security-groups.json" sg.json
  echo "{\"NetworkInterfaces\": []}" >eni.json
  sgplan plan --region us-east-1 sg.json eni.json >cs.yaml
  grep -q "decision: \"revoke\"" cs.yaml
'
test_expect 'network interfaces of another region do not cover this one' '
  groups_only
  mkdir -p exp/111122223333/eu-west-1
  echo "{\"NetworkInterfaces\": []}" >exp/111122223333/eu-west-1/network-interfaces.json
  run_sgplan plan exp
  expect_status 3
  grep -q "account 111122223333 in us-east-1 has no describe-network-interfaces" "$TMP/stderr"
'
test_expect 'network interfaces of another account do not cover this one' '
  groups_only
  mkdir -p exp/444455556666/us-east-1
  echo "{\"NetworkInterfaces\": []}" >exp/444455556666/us-east-1/network-interfaces.json
  run_sgplan plan exp
  expect_status 3
  grep -q "account 111122223333 in us-east-1 has no describe-network-interfaces" "$TMP/stderr"
'
test_expect 'excepted groups need no network interfaces' '
  run_sgplan plan --region us-east-1 --except 111122223333 "$ex/security-groups.json"
  expect_status 0
  grep -q "excepted: 2" "$TMP/stdout"
'
test_expect 'plan refuses network interfaces without security groups: the VPC has no default group' '
  run_sgplan plan "$ex/network-interfaces.json"
  expect_status 3
  grep -q "^sgplan: error: incomplete export: vpc-08de18849c7977a5a (seen in eni-064a024a1fda888eb, account 111122223333, us-east-1) has no default security group in the export: its EC2.2 status is unknown; export it with: aws ec2 describe-security-groups --filters Name=vpc-id,Values=vpc-08de18849c7977a5a --region us-east-1 --output json" "$TMP/stderr"
'
test_expect 'plan refuses a VPC whose default group is missing from the export' '
  mkdir exp && cp "$ex/network-interfaces.json" exp/
  $py -c "import json; d = json.load(open(\"$ex/security-groups.json\"))
d[\"SecurityGroups\"] = [g for g in d[\"SecurityGroups\"] if g[\"GroupId\"] != \"sg-03a574ae284eed2d5\"]
json.dump(d, open(\"exp/security-groups.json\", \"w\"))"
  run_sgplan plan exp
  expect_status 3
  grep -q "incomplete export: vpc-0c36d134b5bd994ee (seen in sg-" "$TMP/stderr"
'
test_expect 'check reports an incomplete scope in text, still shows what it can, and exits 1' '
  run_sgplan check --region us-east-1 "$ex/security-groups.json"
  expect_status 1
  grep -q "^  attached network interfaces: unknown (the export has no describe-network-interfaces for account 111122223333 in us-east-1)$" "$TMP/stdout"
  grep -q "^incomplete export: nothing can be decided about these until they are exported$" "$TMP/stdout"
  grep -q "^    export: aws ec2 describe-network-interfaces --include-managed-resources --region us-east-1 --output json" "$TMP/stdout"
  grep -q "^export incomplete: 1 gap (see above)$" "$TMP/stdout"
'
test_expect 'check --format json lists the gaps and says the result is not compliant' '
  sgplan check --format json --region us-east-1 "$ex/security-groups.json" >c.json || test $? = 1
  $py -c "import json; d = json.load(open(\"c.json\"))
assert d[\"result\"] == \"not-compliant\", d[\"result\"]
assert d[\"summary\"][\"incomplete\"] == 1
gap, = d[\"incomplete\"]
assert gap[\"kind\"] == \"no-network-interfaces\" and gap[\"account\"] == \"111122223333\" and gap[\"region\"] == \"us-east-1\", gap
assert gap[\"failed_default_groups\"] == 2
assert gap[\"command\"].startswith(\"aws ec2 describe-network-interfaces --include-managed-resources\")
assert all(g[\"interfaces_known\"] is False for g in d[\"default_groups\"])"
'
test_expect 'check of a compliant export with a VPC whose default group is missing exits 1 (incomplete)' '
  mkdir exp
  $py -c "import json; d = json.load(open(\"$fixtures/compliant/security-groups.json\"))
g = dict(d[\"SecurityGroups\"][0], GroupId=\"sg-0aaaaaaaaaaaaaaaa\", GroupName=\"web\", VpcId=\"vpc-0bbbbbbbbbbbbbbbb\")
d[\"SecurityGroups\"].append(g)
json.dump(d, open(\"exp/security-groups.json\", \"w\"))"
  cp "$fixtures/compliant/network-interfaces.json" exp/ 2>/dev/null || echo "{\"NetworkInterfaces\": []}" >exp/network-interfaces.json
  run_sgplan check --format json --region us-east-1 exp
  expect_status 1
  $py -c "import json; d = json.load(open(\"$TMP/stdout\"))
assert d[\"result\"] == \"incomplete\", d[\"result\"]
assert d[\"summary\"][\"failed\"] == 0
gap, = d[\"incomplete\"]
assert gap[\"kind\"] == \"no-default-group\" and gap[\"vpc_id\"] == \"vpc-0bbbbbbbbbbbbbbbb\" and gap[\"seen_in\"] == \"sg-0aaaaaaaaaaaaaaaa\", gap"
'
test_expect 'check of a complete compliant export exits 0 with result compliant' '
  run_sgplan check --format json "$fixtures/compliant"
  expect_status 0
  grep -q "\"result\": \"compliant\"" "$TMP/stdout"
'
test_expect 'check of an export without any default group is an error (exit 3)' '
  echo "{\"SecurityGroups\": []}" >empty.json
  run_sgplan check --region us-east-1 empty.json
  expect_status 3
  test ! -s "$TMP/stdout"
  test "$(cat "$TMP/stderr")" = "sgplan: error: no default security group in the export: nothing to check (export '\''aws ec2 describe-security-groups'\'' for every account and region)"
'
test_expect 'check of network interfaces alone is an error (exit 3)' '
  run_sgplan check "$ex/network-interfaces.json"
  expect_status 3
  grep -q "no default security group in the export" "$TMP/stderr"
'
test_expect 'plan warns when a migrated group has no describe-security-group-references data' '
  sgplan plan "$fixtures/referenced" >cs.yaml
  grep -q "the export has no describe-security-group-references for account 111122223333 in us-east-1: rules in peered VPCs of other accounts that reference sg-002f2be7dd2566981 cannot be seen" cs.yaml
'
test_expect 'plan warns about references only for the account and region without them' '
  sgplan plan "$fixtures/peering" >cs.yaml
  grep -q "no describe-security-group-references for account 444455556666 in us-east-1" cs.yaml
  ! grep -q "no describe-security-group-references for account 111122223333" cs.yaml
'
test_expect 'plan --detailed-exitcode: 4 when changes are planned, summary outcome changes' '
  run_sgplan plan --detailed-exitcode "$fixtures/referenced"
  expect_status 4
  grep -q "^  outcome: \"changes\"$" "$TMP/stdout"
'
test_expect 'plan --detailed-exitcode: 0 when there is nothing to do' '
  run_sgplan plan --detailed-exitcode "$fixtures/compliant"
  expect_status 0
  grep -q "^  outcome: \"nothing-to-do\"$" "$TMP/stdout"
'
test_expect 'plan --detailed-exitcode: 1 when a group is blocked, even with other changes' '
  run_sgplan plan --detailed-exitcode "$fixtures/eni-kinds"
  expect_status 1
  grep -q "^  outcome: \"blocked\"$" "$TMP/stdout"
'
test_expect 'plan --detailed-exitcode: 0 when every failed group is excepted' '
  run_sgplan plan --detailed-exitcode --except 111122223333 "$ex"
  expect_status 0
'
test_expect 'plan without --detailed-exitcode exits 0 whatever it planned' '
  run_sgplan plan "$fixtures/eni-kinds"
  expect_status 0
'
test_expect 'plan --detailed-exitcode --format aws-cli exits the same way' '
  run_sgplan plan --detailed-exitcode --format aws-cli -o run.sh "$fixtures/referenced"
  expect_status 4
  test -s run.sh
'
test_expect 'a described allow-all egress rule is copied exactly: plan, validate, apply and roll back' '
  eg="$fixtures/egress-description"
  sgplan plan "$eg" >cs.yaml
  sgplan validate cs.yaml "$eg" >v.txt
  sgplan apply cs.yaml "$eg" -o after
  sgplan check --format json after >after.json || test $? = 1
  $py -c "import json; d = json.load(open(\"after.json\"))
import glob
groups = json.load(open(glob.glob(\"after/*/*/security-groups.json\")[0]))[\"SecurityGroups\"]
n, = [g for g in groups if any(t[\"Key\"] == \"sgplan:replaces\" for t in g.get(\"Tags\", []))]
out = n[\"IpPermissionsEgress\"]
assert len(out) == 1 and out[0][\"IpProtocol\"] == \"-1\", out
assert out[0][\"IpRanges\"] == [{\"CidrIp\": \"0.0.0.0/0\", \"Description\": \"office egress\"}], out
assert out[0][\"Ipv6Ranges\"] == [{\"CidrIpv6\": \"::/0\", \"Description\": \"office egress v6\"}], out
assert d[\"result\"] == \"compliant\", d[\"result\"]"
  sgplan apply --rollback cs.yaml after -o back
  sgplan check --format json back >back.json || test $? = 1
  sgplan check --format json "$eg" >orig.json || test $? = 1
  $py -c "import json; a = json.load(open(\"back.json\")); b = json.load(open(\"orig.json\"))
assert a[\"fingerprint\"] == b[\"fingerprint\"], (a[\"fingerprint\"], b[\"fingerprint\"])"
'

test_expect 'apply writes network interfaces only where the export had them, so its output is as complete as its input' '
  groups_only
  sgplan plan --except 111122223333 exp >cs.yaml
  sgplan apply cs.yaml exp -o out
  test -f out/111122223333/us-east-1/security-groups.json
  test ! -e out/111122223333/us-east-1/network-interfaces.json
  run_sgplan check out
  expect_status 1
  grep -q "^export incomplete: 1 gap" "$TMP/stdout"
'
test_expect 'apply keeps an empty NetworkInterfaces list and an empty references answer' '
  groups_only
  echo "{\"NetworkInterfaces\": []}" >exp/111122223333/us-east-1/network-interfaces.json
  echo "{\"SecurityGroupReferenceSet\": []}" >exp/111122223333/us-east-1/security-group-references.json
  sgplan plan exp >cs.yaml
  sgplan apply cs.yaml exp -o out
  test "$(cat out/111122223333/us-east-1/network-interfaces.json | tr -d " \n")" = "{\"NetworkInterfaces\":[]}"
  test "$(cat out/111122223333/us-east-1/security-group-references.json | tr -d " \n")" = "{\"SecurityGroupReferenceSet\":[]}"
  sgplan check --format json out >c.json
  grep -q "\"result\": \"compliant\"" c.json
  grep -q "\"references_known\": true" c.json
'
test_expect 'apply keeps the service exports, an empty one too, and writes none that the input lacked' '
  groups_only
  echo "{\"NetworkInterfaces\": []}" >exp/111122223333/us-east-1/network-interfaces.json
  echo "{\"DBInstances\": [], \"Marker\": null}" >exp/111122223333/us-east-1/rds-db-instances.json
  cp "$srcdir/fixtures/service-exports/lambda-functions.json" exp/lambda-functions.json
  sgplan plan exp >cs.yaml
  sgplan apply cs.yaml exp -o out
  test "$(cat out/111122223333/us-east-1/rds-db-instances.json | tr -d " \n")" = "{\"DBInstances\":[]}"
  grep -q "\"FunctionArn\": \"arn:aws:lambda:eu-central-1:555566667777:function:orders-api:3\"" \
    out/555566667777/eu-central-1/lambda-functions.json
  test ! -e out/111122223333/us-east-1/vpc-endpoints.json
  test ! -e out/111122223333/us-east-1/lambda-functions.json
  sgplan apply --rollback cs.yaml out -o back
  test "$(sgplan check --format json back | grep fingerprint)" = "$(sgplan check --format json exp | grep fingerprint)"
'
test_expect 'apply gives service resources the groups their steps give them: the output plans to nothing, the rollback gives the export back' '
  sgplan plan "$fixtures/service-resources" >cs.yaml
  sgplan apply cs.yaml "$fixtures/service-resources" -o out
  run_sgplan plan --detailed-exitcode out
  expect_status 0
  # every service export names the replacement where it named the default group
  for f in lambda-functions elbv2-load-balancers elb-load-balancers vpc-endpoints rds-db-instances rds-db-clusters \
           elasticache-cache-clusters; do
    ! grep -q sg-0d1e2f3a4b5c6d7e8 out/111122223333/eu-west-1/$f.json || { echo "$f still names the default group"; exit 1; }
  done
  # the published version keeps its own groups
  grep -q "\"sg-0f9e8d7c6b5a49382\"" out/111122223333/eu-west-1/lambda-functions.json
  sgplan apply --rollback cs.yaml out -o back
  test "$(sgplan check --format json back | grep fingerprint)" = \
       "$(sgplan check --format json "$fixtures/service-resources" | grep fingerprint)"
'
test_done
