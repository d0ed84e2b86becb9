#!/bin/sh
# script-live.sh - what the generated scripts check live: every user of each
# planned default group before the first change, each step's precondition
# just before it acts and its effect just after, and the end state.  Real
# AWS CLI against tests/fake-ec2.py (see script-lib.sh), which keeps the
# state the calls leave, so a second run sees what the first one did.
. "$srcdir/tests/script-lib.sh"

D=sg-02629d17b9a2f5321     # unused-default: the default group, planned "revoke"
WEB=sg-0fe5eb53230686b4e   # its VPC's other group
ENI=eni-05d855feda35512dd  # carries WEB only

test_expect 'an ENI attached to a revoke group after the export stops the run before any change' '
  scripts unused-default
  drifted unused-default "enis[\"$ENI\"][\"Groups\"].append({\"GroupId\": \"$D\", \"GroupName\": \"default\"})"
  start_fake drifted
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: drift: $ENI carries $D, which the plan does not expect$" stderr
  test "$(changes)" = 0
  ! ls sgplan-*.journal 2>/dev/null
'
test_expect 'a rule referencing a default group added after the export stops the run before any change' '
  scripts unused-default
  drifted unused-default "groups[\"$WEB\"][\"IpPermissions\"].append({\"IpProtocol\": \"tcp\", \"FromPort\": 8443, \"ToPort\": 8443,
    \"UserIdGroupPairs\": [{\"GroupId\": \"$D\", \"UserId\": \"111122223333\", \"Description\": \"new\"}]})"
  start_fake drifted
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: drift: $WEB has a rule that references $D, not in the export: inbound tcp 8443-8443 from $D \"new\"$" stderr
  test "$(changes)" = 0
'
test_expect 'a VPC that references a default group after the export stops the run before any change' '
  # describe-security-group-references answered for the migrated group (in
  # account 444455556666): none then; the plan records that, the script checks it
  mkdir -p planned/444455556666/us-east-1 && cp "$fixtures/peering"/*.json planned/
  echo "{\"SecurityGroupReferenceSet\": []}" >planned/444455556666/us-east-1/security-group-references.json
  sgplan plan planned >cs.yaml
  grep -q "^    references: \[\]$" cs.yaml
  sgplan script -o remediate.sh cs.yaml
  cp -r planned drifted
  $py -c "import json; p = \"drifted/security-group-references.json\"; d = json.load(open(p))
d[\"SecurityGroupReferenceSet\"].append({\"GroupId\": \"sg-05d941ca4684d377b\",
  \"ReferencingVpcId\": \"vpc-0123456789abcdef0\", \"VpcPeeringConnectionId\": \"pcx-0123456789abcdef0\"})
json.dump(d, open(p, \"w\"))"
  start_fake drifted
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: drift: the VPCs that reference sg-05d941ca4684d377b are \[vpc-0123456789abcdef0 pcx-0123456789abcdef0\]; the export says \[\]$" stderr
  test "$(changes)" = 0
'
test_expect 'a precondition changed between an interrupted run and its resume stops the run at that step' '
  scripts unused-default
  start_fake "$fixtures/unused-default" --fail-at 2
  ./remediate.sh 2>/dev/null && exit 1
  test "$(grep "^done " sgplan-*.journal)" = "done 1"
  ec2 revoke-security-group-egress --group-id $D --ip-permissions "IpProtocol=-1,Ipv6Ranges=[{CidrIpv6=::/0}]"
  : >log.jsonl
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: step 2: $D no longer has some of the rules it revokes:$" stderr
  grep -q "^sgplan:   outbound all traffic to ::/0$" stderr
  grep -q "^sgplan: error: step 2: the account is not as this step expects" stderr
  test "$(changes)" = 0
'
test_expect 'an ENI that joins a migrated default group before the resumed run revokes its rules stops it' '
  scripts example
  start_fake "$fixtures/example" --fail-at 10
  ./remediate.sh 2>/dev/null && exit 1
  ec2 modify-network-interface-attribute --network-interface-id eni-0f67523a8daddd343 \
    --groups sg-034afe5be2fc77b07 sg-0f952ef42c1d0286c
  : >log.jsonl
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: drift: eni-0f67523a8daddd343 carries sg-0f952ef42c1d0286c, which the plan does not expect$" stderr
  grep -q "^sgplan: error: step 10: the account is not as this step expects" stderr
  test "$(changes)" = 0
'
test_expect 'a second run after success changes nothing and confirms the end state; a rule put back makes it fail' '
  scripts unused-default
  start_fake "$fixtures/unused-default"
  ./remediate.sh 2>/dev/null
  : >log.jsonl
  ./remediate.sh 2>stderr
  test "$(changes)" = 0
  grep -q "^sgplan: the account is in the planned end state$" stderr
  ec2 authorize-security-group-egress --group-id $D --ip-permissions "IpProtocol=-1,Ipv6Ranges=[{CidrIpv6=::/0}]"
  : >log.jsonl
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan:   $D has outbound all traffic to ::/0, not expected$" stderr
  grep -q "^sgplan: error: the account is not in the planned end state" stderr
  test "$(changes)" = 0
'
test_expect 'a revoke that AWS carries out only in part stops the run, naming the rule left behind' '
  scripts unused-default
  start_fake "$fixtures/unused-default" --revoke-keeps-ipv6
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: step 2: after the call $D still has:$" stderr
  grep -q "^sgplan:   outbound all traffic to ::/0$" stderr
  ! grep -q "all steps done" stderr
'
test_expect 'a run killed between create-security-group and its journal line: the next run adopts the group' '
  scripts example
  start_fake "$fixtures/example" --fail-at 4
  ./remediate.sh 2>/dev/null && exit 1
  grep -q "^group new:sg-0f952ef42c1d0286c sg-f0000000000000001$" sgplan-*.journal
  sed -i "/^group /d; /^done 3$/d" sgplan-*.journal
  : >log.jsonl
  ./remediate.sh 2>stderr
  grep -q "^sgplan: step 3: adopting sg-f0000000000000001, tagged by an earlier run" stderr
  ! grep -q CreateSecurityGroup log.jsonl
  grep -q "^group new:sg-0f952ef42c1d0286c sg-f0000000000000001$" sgplan-*.journal
  calls 4 5 6 7 8 9 10 11
  grep -q "^sgplan: the account is in the planned end state$" stderr
'
test_expect 'a second rollback finds every undo in place and changes nothing' '
  scripts unused-default
  start_fake "$fixtures/unused-default"
  ./remediate.sh 2>/dev/null
  ./rollback.sh 2>/dev/null
  sed -i "/^undone /d" sgplan-*.journal
  : >log.jsonl
  ./rollback.sh 2>stderr
  test "$(changes)" = 0
  grep -q "^sgplan: undo of step 1: already done: $D has its rules$" stderr
'

# egress_rules GROUP: its live outbound rules, one line each, sorted:
# "PROTOCOL CIDR4 CIDR6 DESCRIPTION" with null for what is absent.
egress_rules () {
  /usr/bin/aws --endpoint-url "$SGPLAN_ENDPOINT_URL" --region us-east-1 ec2 describe-security-group-rules \
    --filters "Name=group-id,Values=$1" --output json \
    --query 'SecurityGroupRules[?IsEgress].[IpProtocol, CidrIpv4, CidrIpv6, Description]' |
    $py -c 'import json, sys; print("\n".join(sorted(" ".join(str(v) for v in r) for r in json.load(sys.stdin))))'
}

test_expect 'a described allow-all egress rule is copied exactly by the real CLI, and rolled back' '
  scripts egress-description
  start_fake "$fixtures/egress-description"
  ./remediate.sh 2>stderr
  grep -q "all steps done" stderr
  calls $(steps_of)
  N=$(sed -n "s/^group new:sg-[0-9a-f]* //p" sgplan-*.journal)
  test -n "$N"
  printf "%s\n" "-1 0.0.0.0/0 None office egress" "-1 None ::/0 office egress v6" >want
  egress_rules "$N" >found
  compare want found
  : >log.jsonl
  ./rollback.sh 2>stderr
  grep -q "rollback complete" stderr
  calls --rollback $(steps_of -r)
  egress_rules sg-002f2be7dd2566981 >found
  compare want found
'
# Terminal control sequences in values: everything the scripts print is
# escaped as sgplan's own output is, whether it comes from the export (the
# values the script embeds), from AWS (the rules it reads live) or from the
# AWS CLI (its messages).
TD=sg-0e1e1e1e1e1e1e1e1    # terminal-escapes: the default group
TW=sg-0e2e2e2e2e2e2e2e2    # its VPC's other group, whose rule references TD
# no_raw_controls FILE: FILE (UTF-8) has no C0 control but newline, no DEL, no
# C1 control and no Unicode format character such as U+202E.
no_raw_controls () {
  $py -c 'import sys, unicodedata
text = open(sys.argv[1], "rb").read().decode("utf-8")
bad = sorted({"U+%04X" % ord(c) for c in text
              if (ord(c) < 32 and c != "\n") or 127 <= ord(c) < 160 or unicodedata.category(c) == "Cf"})
assert not bad, "raw control or format characters: " + " ".join(bad)' "$1"
}

test_expect 'drift: the rules the export has and those AWS has are printed with control characters escaped' '
  scripts terminal-escapes
  # live, the rule has another description: CR, DEL, the C1 control CSI and
  # U+202E, which EC2 XML carries (ESC and BEL it cannot: the fake, like any
  # XML answer, turns them into U+FFFD)
  drifted terminal-escapes "groups[\"$TD\"][\"IpPermissions\"][1][\"IpRanges\"][0][\"Description\"] = \"live\" + chr(13) + chr(127) + chr(0x9b) + \"2J\" + chr(0x202e) + \"evil\""
  start_fake drifted
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  test "$(changes)" = 0
  no_raw_controls stderr
  grep -qxF "sgplan:   $TD lacks inbound tcp 443-443 from 192.0.2.0/24 \"office \\u001b[31mred\\u001b[0m \\u001b]0;pwned title\\u0007 bell\\u0007 cr\\rover\"" stderr
  grep -qxF "sgplan:   $TD has inbound tcp 443-443 from 192.0.2.0/24 \"live\\r\\u007f\\u009b2J\\u202eevil\", not expected" stderr
  grep -qxF "sgplan:   $TD lacks outbound all traffic to 0.0.0.0/0 \"egress \\u001b]0;pwned title\\u0007\\u0007\\r\\u001b[2J\\nsecond line\"" stderr
  grep -qxF "sgplan: drift: $TW no longer has its rule that references $TD: inbound tcp 80-80 from $TD \"ref \\u001b[5m\\u001b]0;pwned title\\u0007 \\u202eevil\\u202c \\u0007\\rend\"" stderr
'
test_expect 'a step whose effect AWS does not show prints the rules it lacks escaped' '
  scripts terminal-escapes
  start_fake "$fixtures/terminal-escapes"
  # past the preflight: the copy of the rules is sent with ESC and BEL, read
  # back with U+FFFD in their place
  status=0; SGPLAN_SKIP_PREFLIGHT=1 ./remediate.sh 2>stderr || status=$?
  test $status = 1
  no_raw_controls stderr
  grep -q "^sgplan: step 3: after the call sg-[0-9a-f]* lacks:$" stderr
  grep -qxF "sgplan:   inbound tcp 443 from 192.0.2.0/24 \"office \\u001b[31mred\\u001b[0m \\u001b]0;pwned title\\u0007 bell\\u0007 cr\\rover\"" stderr
'
test_expect 'what the AWS CLI writes to standard error is printed escaped' '
  scripts terminal-escapes
  # an AWS CLI whose message quotes a hostile value
  printf "#!/bin/sh\nprintf \"An error occurred: \\\\033]0;pwned\\\\007 bell\\\\007 cr\\\\r \\\\302\\\\233 \\\\342\\\\200\\\\256 done\\\\n\" >&2\nexit 254\n" >aws
  chmod +x aws
  ./aws 2>raw || :
  ! no_raw_controls raw
  status=0; SGPLAN_AWS=./aws ./remediate.sh 2>stderr || status=$?
  test $status = 1
  no_raw_controls stderr
  grep -qxF "An error occurred: \\u001b]0;pwned\\u0007 bell\\u0007 cr\\r \\u009b \\u202e done" stderr
  grep -q "^sgplan: drift: cannot read the rules of $TD$" stderr
'
test_done
