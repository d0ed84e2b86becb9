#!/bin/sh
# validate.sh - `sgplan apply` and `sgplan validate`: every fixture's plan is
# valid and applies; each kind of hand edit makes validate fail and name the
# right check; apply writes exports every command reads, and rollback
# restores the original exactly.
. "$srcdir/tests/lib.sh"

fixtures="$srcdir/fixtures"
py=/usr/bin/python3
have_yaml=no
if $py -c 'import yaml' 2>/dev/null; then have_yaml=yes; fi

fingerprint () { # the fingerprint check reports for an export
  sgplan check --format=json "$@" | sed -n 's/^  "fingerprint": "\(.*\)",$/\1/p'
}

for dir in "$fixtures"/*/; do
  name=$(basename "$dir")
  # a blocked group leaves EC2.2 undone: sound, but not plainly valid
  verdict=valid status=0
  case $name in peering|eni-kinds|service-exports) verdict='valid with blocked groups' status=5 ;; esac
  test_expect "the plan of fixtures/$name is $verdict, and apply then rollback restores it" "
    sgplan plan '$fixtures/$name' >cs.yaml
    run_sgplan validate cs.yaml '$fixtures/$name'
    expect_status $status
    tail -n 1 \"\$TMP/stdout\" | grep -qx '$verdict'
    sgplan apply cs.yaml '$fixtures/$name' -o applied
    sgplan apply --rollback cs.yaml applied -o restored
    test \"\$(fingerprint restored)\" = \"\$(fingerprint '$fixtures/$name')\"
  "
done

test_expect 'after apply, check finds every planned default group PASSED' '
  sgplan plan "$fixtures/plan-rule-kinds" >cs.yaml
  sgplan apply cs.yaml "$fixtures/plan-rule-kinds" -o applied
  run_sgplan check applied
  expect_status 0
  grep -q "^1 default group: 0 FAILED, 1 PASSED" "$TMP/stdout"
'
test_expect 'apply writes ACCOUNT/REGION/*.json that the AWS CLI shape readers accept' '
  sgplan plan "$fixtures/multi-account" >cs.yaml
  sgplan apply cs.yaml "$fixtures/multi-account" -o applied
  for f in 111122223333/us-east-1 111122223333/eu-west-1 444455556666/us-east-1 444455556666/eu-west-1; do
    test -f "applied/$f/security-groups.json" && test -f "applied/$f/network-interfaces.json"
    $py -m json.tool "applied/$f/security-groups.json" >/dev/null
  done
'
test_expect 'a replacement gets a deterministic ID, and its tag' '
  sgplan plan "$fixtures/example" >cs.yaml
  sgplan apply cs.yaml "$fixtures/example" -o a
  sgplan apply cs.yaml "$fixtures/example" -o b
  diff -r a b
  id=sg-$(printf "%s" "new:sg-0f952ef42c1d0286c" | sha256sum | cut -c1-17)
  grep -q "\"GroupId\": \"$id\"" a/111122223333/us-east-1/security-groups.json
  grep -q "\"Value\": \"sg-0f952ef42c1d0286c\"" a/111122223333/us-east-1/security-groups.json
'
test_expect 'apply on an export it does not fit names the step, exits 1 and writes nothing' '
  sgplan plan "$fixtures/example" >cs.yaml
  run_sgplan apply cs.yaml "$fixtures/instances" -o out
  expect_status 1
  grep -q "^sgplan: error: not applied, nothing written: step 1 (revoke-security-group-ingress) does not apply: expected group '\''sg-03a574ae284eed2d5'\'' to exist; it does not$" "$TMP/stderr"
  test ! -e out
  ! ls -a | grep -q "^\.out\."
'
test_expect 'apply refuses a folder that is not empty (exit 2)' '
  sgplan plan "$fixtures/example" >cs.yaml
  mkdir out && echo keep >out/file
  run_sgplan apply cs.yaml "$fixtures/example" -o out
  expect_status 2
  test "$(cat out/file)" = keep
'
test_expect 'apply --rollback on the original export fails at the first undo' '
  sgplan plan "$fixtures/example" >cs.yaml
  run_sgplan apply --rollback cs.yaml "$fixtures/example" -o out
  expect_status 1
  grep -q "the rollback of step 11 (authorize-security-group-egress) does not apply" "$TMP/stderr"
'
test_expect 'validate without an export is a usage error (exit 2) that names --structure-only' '
  sgplan plan "$fixtures/example" >cs.yaml
  run_sgplan validate cs.yaml
  expect_status 2
  grep -q "^sgplan: error: validate needs the export the plan was made from; --structure-only checks the change set alone$" "$TMP/stderr"
  test ! -s "$TMP/stdout"
'
test_expect 'validate --structure-only checks the change set alone and says what it did not check' '
  sgplan plan "$fixtures/example" >cs.yaml
  run_sgplan validate --structure-only cs.yaml
  expect_status 0
  grep -q "^  pass  inverses " "$TMP/stdout"
  grep -q "^  pass  rollback " "$TMP/stdout"
  grep -q "^  skip  connectivity    not checked: --structure-only, no export$" "$TMP/stdout"
  tail -n 1 "$TMP/stdout" | grep -q "^structure valid (structure only: not compared with an export, so drift, the preflight, the findings, the replay of every step, compliance, connectivity, groups and the rollback were not checked)$"
  sgplan validate --structure-only --format json cs.yaml >v.json
  $py -c "import json; d=json.load(open(\"v.json\")); assert d[\"structure_only\"] is True and d[\"verdict\"] == \"structure valid\", d"
  run_sgplan validate --structure-only cs.yaml "$fixtures/example"
  expect_status 2
'
test_expect 'validate --format json reports every check by name, and the verdict' '
  sgplan plan "$fixtures/example" >cs.yaml
  sgplan validate --format json cs.yaml "$fixtures/example" >v.json
  $py -c "import json; d=json.load(open(\"v.json\")); assert d[\"valid\"] is True and d[\"verdict\"] == \"valid\"
assert d[\"blocked\"] == [] and d[\"expired_exceptions\"] == [] and d[\"structure_only\"] is False
names = [c[\"name\"] for c in d[\"checks\"]]
assert names == [\"schema\", \"inverses\", \"rollback\", \"duplicates\", \"decisions\", \"replacements\", \"blocked\", \"fingerprint\", \"findings\", \"preflight\", \"apply\", \"compliant\", \"connectivity\", \"groups\", \"rollback-prefix\", \"rollback-exact\", \"after\"], names"
'
test_expect 'a plan with a blocked group is "valid with blocked groups" (exit 5), in text and JSON' '
  sgplan plan "$fixtures/eni-kinds" >cs.yaml
  run_sgplan validate cs.yaml "$fixtures/eni-kinds"
  expect_status 5
  grep -q "^  WARN  blocked         sg-0d4c3b2a1f0e9d8c7 is blocked: " "$TMP/stdout"
  tail -n 1 "$TMP/stdout" | grep -qx "valid with blocked groups"
  run_sgplan validate --format json cs.yaml "$fixtures/eni-kinds"
  expect_status 5
  $py -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"valid\"] is False and d[\"verdict\"] == \"valid with blocked groups\" and d[\"blocked\"] == [\"sg-0d4c3b2a1f0e9d8c7\"], d" "$TMP/stdout"
'
test_expect 'an exception that has expired since the plan is reported (exit 5); before it expires, valid' '
  sgplan plan --exceptions "$srcdir/tests/plan/exceptions.yaml" --date 2026-11-30 "$fixtures/example" >cs.yaml
  run_sgplan validate --date 2026-12-01 cs.yaml "$fixtures/example"
  expect_status 0
  run_sgplan validate --date 2027-02-01 cs.yaml "$fixtures/example"
  expect_status 5
  grep -q "^  WARN  blocked         the exception for sg-03a574ae284eed2d5 expired on 2027-01-31$" "$TMP/stdout"
  run_sgplan validate --date 2027-02-01 --format json cs.yaml "$fixtures/example"
  $py -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"expired_exceptions\"] == [\"sg-03a574ae284eed2d5\"], d" "$TMP/stdout"
  run_sgplan validate --date 2027-13-01 cs.yaml "$fixtures/example"
  expect_status 2
'
test_expect 'quota swaps that cannot avoid a moment without access are a warning, not valid (exit 5)' '
  sgplan plan --max-groups-per-eni 1 "$fixtures/instances" >cs.yaml
  run_sgplan validate cs.yaml "$fixtures/instances"
  expect_status 5
  grep -q "^  WARN  connectivity    only while network interfaces at the groups-per-ENI quota are swapped" "$TMP/stdout"
  tail -n 1 "$TMP/stdout" | grep -qx "valid with warnings"
'

if $py -c 'import jsonschema' 2>/dev/null; then
  test_expect 'every validate --format json verdict is valid against schemas/validation.schema.json' '
    sgplan plan "$fixtures/example" >cs.yaml
    sgplan plan "$fixtures/eni-kinds" >blocked.yaml
    sgplan validate --format json cs.yaml "$fixtures/example" >valid.json
    sgplan validate --format json --structure-only cs.yaml >structure.json
    sgplan validate --format json blocked.yaml "$fixtures/eni-kinds" >blocked.json || test $? = 5
    sgplan validate --format json cs.yaml "$fixtures/instances" >invalid.json || test $? = 1
    $py "$srcdir/tests/validate-json.py" "$srcdir/schemas/validation.schema.json" valid.json structure.json blocked.json invalid.json
  '
else
  test_skip 'every validate --format json verdict is valid against schemas/validation.schema.json' 'python3-jsonschema is not installed'
fi

# expect_check EDIT FIXTURE CHECKS PATTERN: the edited plan fails exactly
# CHECKS (space-separated), the first of them with PATTERN.
expect_check () {
  sgplan plan "$fixtures/$2" >cs.yaml
  $py "$srcdir/tests/edit-changeset.py" cs.yaml edited.yaml "$1"
  run_sgplan validate edited.yaml "$fixtures/$2"
  expect_status 1
  first=${3%% *}
  grep -q "^  FAIL  $first .*$4" "$TMP/stdout" || { cat "$TMP/stdout"; return 1; }
  test "$(sed -n "s/^  FAIL  \([a-z-]*\) .*/\1/p" "$TMP/stdout" | sort | tr "\n" " ")" = "$(echo $3 | tr " " "\n" | sort | tr "\n" " ")" || { cat "$TMP/stdout"; return 1; }
}

if [ $have_yaml = yes ]; then
  test_expect 'a re-pointed reference dropped from the plan fails groups, naming the step' '
    expect_check drop-step:7 example groups "after step 7 (modify-network-interface-attribute), sg-048e6432506062cce no longer allows inbound tcp 5432 from sg-0f952ef42c1d0286c"
  '
  test_expect 'a wrong inverse fails inverses' '
    expect_check wrong-inverse:6 example inverses "the inverse of step 6 is not its exact inverse"
  '
  test_expect 'a rule dropped from the copy fails groups, naming what the replacement lacks' '
    expect_check drop-copied-rule plan-rule-kinds groups "after the plan new:sg-0d1e2f3a4b5c6d7e8 lacks outbound udp 123"
  '
  test_expect 'an ENI left on the default group fails compliant' '
    expect_check keep-on-default:8 example compliant "sg-0f952ef42c1d0286c is still on 1 network interface"
  '
  test_expect 'a rollback out of order fails rollback' '
    expect_check swap-rollback example rollback "rollback entry 1 undoes step 10"
  '
  test_expect 'the default group revoked before its ENIs move fails connectivity at that step' '
    expect_check revoke-before-moves example connectivity "after step 6 (revoke-security-group-ingress), eni-0d3652191bb282d5b loses inbound all traffic from sg-0f952ef42c1d0286c"
  '
  test_expect 'old references revoked before their copies exist fail groups at that step' '
    expect_check refs-before-copies example groups "after step 7 (revoke-security-group-ingress), sg-048e6432506062cce no longer allows inbound tcp 5432 from sg-0f952ef42c1d0286c"
  '
  test_expect 'an ENI taken off the default group before the replacement is ready fails connectivity' '
    expect_check swap-before-copies instances connectivity "after step 2 (modify-network-interface-attribute), eni-0a929432dcae8b49b loses inbound all traffic from sg-036be720ae6065a01"
  '
  test_expect 'a dropped ENI move fails connectivity (and compliant: the ENI stays on the default group)' '
    expect_check drop-eni-move instances "connectivity compliant" "eni-0a929432dcae8b49b loses inbound all traffic from sg-036be720ae6065a01"
  '
  test_expect 'a changed port in a copied rule fails groups, naming the step' '
    expect_check copied-port:2222 plan-rule-kinds groups "step 2 (authorize-security-group-ingress) gives new:sg-0d1e2f3a4b5c6d7e8 inbound tcp 2222 from 203.0.113.0/24 \"bastion ssh\", which sg-0d1e2f3a4b5c6d7e8 does not have"
  '
  test_expect 'a dropped re-pointed reference fails groups' '
    expect_check drop-repointed example groups "after step 7 (modify-network-interface-attribute), sg-048e6432506062cce no longer allows inbound tcp 5432"
  '
  test_expect 'an altered re-pointed reference fails groups' '
    expect_check alter-repointed example groups "after step 8 (modify-network-interface-attribute), sg-048e6432506062cce no longer allows inbound tcp 5432"
  '
  test_expect 'a changed peer owner in a re-pointed reference fails groups' '
    expect_check repointed-owner example groups "sg-048e6432506062cce no longer allows inbound tcp 5432 from sg-0f952ef42c1d0286c"
  '
  test_expect 'an extra step opening tcp 22 on a group without ENIs fails groups, naming the step' '
    expect_check open-ssh:sg-0d7d7d7d7d7d7d7d7 plan-quotas groups "step 10 (authorize-security-group-ingress) gives sg-0d7d7d7d7d7d7d7d7 inbound tcp 22 from 0.0.0.0/0, which the export does not have"
  '
  test_expect 'a deleted rollback step fails rollback' '
    expect_check drop-rollback-entry example rollback "the rollback has 10 entries for 11 steps"
  '
  test_expect 'an altered rollback step fails rollback' '
    expect_check alter-rollback-entry example rollback "rollback entry 1 is not the inverse of step 11"
  '
  test_expect 'an altered precondition fails schema' '
    expect_check alter-precondition example schema "this precondition does not match the step"
  '
  test_expect 'a network interface dropped from the preflight fails preflight' '
    expect_check preflight-drop-eni example preflight "step 6 changes eni-0d3652191bb282d5b, which the preflight does not compare"
  '
  test_expect 'a group dropped from the preflight fails preflight' '
    expect_check preflight-drop-group example preflight "step 1 changes sg-03a574ae284eed2d5, which the preflight does not compare"
  '
  test_expect 'a rule dropped from the preflight fails preflight' '
    expect_check preflight-drop-rule example preflight "the preflight.s rules of group sg-03a574ae284eed2d5 (1) are not its rules in the export (2)"
  '
  test_expect 'an interface dropped from the users of a default group in the preflight fails preflight' '
    expect_check users-drop-eni referenced preflight "preflight lists 0 network interfaces on sg-002f2be7dd2566981; the export has 1, among them eni-0a9d6baa95474c46a"
  '
  test_expect 'a referencing rule dropped from the users of a default group in the preflight fails preflight' '
    expect_check users-drop-ref referenced preflight "preflight lists 2 rules referencing sg-002f2be7dd2566981; the export has 3, among them inbound tcp 8080 from sg-002f2be7dd2566981 .legacy cron hosts still in default SG. of sg-034ccefc34f475444"
  '
  test_expect 'references claimed in the preflight that the export lacks fail preflight' '
    expect_check users-add-references referenced preflight "preflight has describe-security-group-references for sg-002f2be7dd2566981, but the export does not have them"
  '
  test_expect 'a replacement in another VPC fails replacements' '
    expect_check replacement-vpc_id:vpc-0c36d134b5bd994ee example replacements "step 3 creates new:sg-0f952ef42c1d0286c in vpc-0c36d134b5bd994ee"
  '
  test_expect 'a replacement in another region fails replacements' '
    expect_check replacement-region:us-west-2 example replacements "(account 111122223333, us-west-2); sg-0f952ef42c1d0286c is in vpc-08de18849c7977a5a (account 111122223333, us-east-1)"
  '
  test_expect 'a replacement in another account fails replacements' '
    expect_check replacement-account:444455556666 example replacements "(account 444455556666, us-east-1); sg-0f952ef42c1d0286c is in"
  '
  test_expect 'a replacement without the sgplan:replaces tag fails replacements' '
    expect_check drop-tag example replacements "without the tag sgplan:replaces=sg-0f952ef42c1d0286c"
  '
  test_expect 'a replacement name AWS refuses fails replacements' '
    expect_check name:sg-evil example replacements "names new:sg-0f952ef42c1d0286c .sg-evil., which AWS refuses: it starts with .sg-."
  '
  test_expect 'a decision label that contradicts the steps fails decisions' '
    expect_check label:sg-0f952ef42c1d0286c:revoke example decisions "sg-0f952ef42c1d0286c is labelled revoke, which only revokes its own rules, but step 3 is create-security-group"
  '
  test_expect 'a blocked label on a group with steps fails decisions' '
    expect_check label:sg-03a574ae284eed2d5:blocked example decisions "sg-03a574ae284eed2d5 is labelled blocked, which changes nothing, but has step 1"
  '
  test_expect 'a duplicated step fails duplicates' '
    expect_check duplicate-step:6 example duplicates "step 7 (modify-network-interface-attribute) repeats step 6"
  '
  test_expect 'a quota swap the plan does not warn about fails connectivity, not a warning' '
    sgplan plan --max-groups-per-eni 1 "$fixtures/instances" >cs.yaml
    $py "$srcdir/tests/edit-changeset.py" cs.yaml edited.yaml drop-swap-warning:eni-0a929432dcae8b49b
    run_sgplan validate edited.yaml "$fixtures/instances"
    expect_status 1
    grep -q "^  FAIL  connectivity    2 network interfaces lose access: after step 3 (modify-network-interface-attribute), eni-0a929432dcae8b49b loses" "$TMP/stdout"
  '
  test_expect 'a quota swap warning that names the ENI inside a longer word still counts' '
    sgplan plan --max-groups-per-eni 1 "$fixtures/instances" >cs.yaml
    $py "$srcdir/tests/edit-changeset.py" cs.yaml edited.yaml reword-swap-warning:eni-0a929432dcae8b49b
    grep -q "eni-0a929432dcae8b49b/eth0 already has" edited.yaml
    run_sgplan validate edited.yaml "$fixtures/instances"
    expect_status 5
    grep -q "^  WARN  connectivity    only while network interfaces at the groups-per-ENI quota are swapped" "$TMP/stdout"
  '
else
  test_skip 'hand-edited change sets fail the right check' 'python3-yaml is not installed'
fi

test_expect 'an export changed after planning fails fingerprint, naming the group' '
  sgplan plan "$fixtures/example" >cs.yaml
  mkdir changed && cp "$fixtures/example"/*.json changed/
  sed "s/\"TEMP migration host - remove after cutover\"/\"edited by hand\"/" "$fixtures/example/security-groups.json" >changed/security-groups.json
  run_sgplan validate cs.yaml changed
  expect_status 1
  grep -q "^  FAIL  fingerprint     drift: .*; sg-048e6432506062cce$" "$TMP/stdout"
'
test_expect '--after with the predicted state passes, replacements matched by tag' '
  sgplan plan "$fixtures/example" >cs.yaml
  sgplan apply cs.yaml "$fixtures/example" -o applied
  # AWS gives the replacement its own ID: rename it everywhere
  fake=$(grep -o "sg-[0-9a-f]*" applied/111122223333/us-east-1/security-groups.json | sort -u | grep -v "^sg-0" | head -n 1)
  test -n "$fake"
  mkdir real && sed "s/$fake/sg-0aaaabbbbccccdddd/g" applied/111122223333/us-east-1/security-groups.json >real/security-groups.json
  sed "s/$fake/sg-0aaaabbbbccccdddd/g" applied/111122223333/us-east-1/network-interfaces.json >real/network-interfaces.json
  run_sgplan validate cs.yaml "$fixtures/example" --after real
  expect_status 0
  grep -q "^  pass  after           the after export is the state the plan predicted (1 replacement group matched by tag)$" "$TMP/stdout"
'
test_expect '--after that differs from the prediction fails after' '
  sgplan plan "$fixtures/example" >cs.yaml
  sgplan apply cs.yaml "$fixtures/example" -o applied
  mkdir real && cp applied/111122223333/us-east-1/*.json real/
  $py -c "import json; p=\"real/network-interfaces.json\"; d=json.load(open(p))
e=[e for e in d[\"NetworkInterfaces\"] if e[\"NetworkInterfaceId\"]==\"eni-0d3652191bb282d5b\"][0]
e[\"Groups\"].append({\"GroupId\": \"sg-0f952ef42c1d0286c\", \"GroupName\": \"default\"})
json.dump(d, open(p, \"w\"))"
  run_sgplan validate cs.yaml "$fixtures/example" --after real
  expect_status 1
  grep -q "^  FAIL  after           the account is not as the plan predicted: missing: eni eni-0d3652191bb282d5b groups" "$TMP/stdout"
'
test_expect '--after with a rule changed by hand fails after, naming the rule both ways' '
  sgplan plan "$fixtures/example" >cs.yaml
  sgplan apply cs.yaml "$fixtures/example" -o applied
  mkdir real && cp applied/111122223333/us-east-1/*.json real/
  sed "s/\"corp VPN\"/\"changed by hand\"/" applied/111122223333/us-east-1/security-groups.json >real/security-groups.json
  run_sgplan validate cs.yaml "$fixtures/example" --after real
  expect_status 1
  grep -qx "  FAIL  after           the account is not as the plan predicted: missing: group sg-02979695b61ea6880 rule inbound tcp 22 from 198.51.100.0/24 owner=- peering=- description=corp VPN; unexpected: group sg-02979695b61ea6880 rule inbound tcp 22 from 198.51.100.0/24 owner=- peering=- description=changed by hand" "$TMP/stdout"
'
test_expect '--after without the tagged replacement fails after' '
  sgplan plan "$fixtures/example" >cs.yaml
  run_sgplan validate cs.yaml "$fixtures/example" --after "$fixtures/example"
  expect_status 1
  grep -q "no group in the after export is tagged sgplan:replaces=sg-0f952ef42c1d0286c" "$TMP/stdout"
'
test_expect 'validate of a damaged change set fails schema; of a missing one is an I/O error' '
  run_sgplan validate --structure-only "$srcdir/tests/bad-changeset/unknown-action.yaml"
  expect_status 1
  grep -q "^  FAIL  schema " "$TMP/stdout"
  run_sgplan validate --structure-only no-such.yaml
  expect_status 2
  grep -q "no-such.yaml" "$TMP/stderr"
'
test_expect 'a change set as sgplan writes it but with a bad value fails schema, at the right line and column' '
  sgplan plan "$fixtures/example" >cs.yaml
  sed "0,/action: \"revoke-security-group-ingress\"/s//action: \"revoke-everything\"/" cs.yaml >edited.yaml
  line=$(grep -n "revoke-everything" edited.yaml | cut -d: -f1)
  column=$(sed -n "${line}p" edited.yaml | awk "{ print index(\$0, \"\\\"\") }")
  run_sgplan validate --structure-only edited.yaml
  expect_status 1
  grep -qx "  FAIL  schema          .edited.yaml.:$line:$column: unknown action \"revoke-everything\"" "$TMP/stdout"
'
test_expect 'a change set indented by two spaces is not one (libyaml reads "  ---" as text, not a document start)' '
  sgplan plan "$fixtures/example" >cs.yaml
  { printf "  "; cat cs.yaml; } >indented.yaml
  run_sgplan validate --structure-only indented.yaml
  expect_status 1
  grep -qx "  FAIL  schema          .indented.yaml.:2:7: mapping values are not allowed in this context" "$TMP/stdout"
  { printf "\n\n"; cat cs.yaml; } >blank-lines.yaml
  run_sgplan validate --structure-only blank-lines.yaml
  expect_status 0
'
test_expect 'validate with an invalid export is invalid input (exit 3)' '
  sgplan plan "$fixtures/example" >cs.yaml
  run_sgplan validate cs.yaml "$srcdir/tests/bad-input/malformed.json"
  expect_status 3
'

test_done
