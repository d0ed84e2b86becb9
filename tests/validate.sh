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
  test_expect "the plan of fixtures/$name is valid, and apply then rollback restores it" "
    sgplan plan '$fixtures/$name' >cs.yaml
    run_sgplan validate cs.yaml '$fixtures/$name'
    expect_status 0
    tail -n 1 \"\$TMP/stdout\" | grep -qx valid
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
test_expect 'validate without an export checks the change set alone and skips the rest' '
  sgplan plan "$fixtures/example" >cs.yaml
  run_sgplan validate cs.yaml
  expect_status 0
  grep -q "^  pass  inverses " "$TMP/stdout"
  grep -q "^  pass  rollback " "$TMP/stdout"
  grep -q "^  skip  connectivity   no export given$" "$TMP/stdout"
'
test_expect 'validate --format json reports every check by name' '
  sgplan plan "$fixtures/example" >cs.yaml
  sgplan validate --format json cs.yaml "$fixtures/example" >v.json
  $py -c "import json; d=json.load(open(\"v.json\")); assert d[\"valid\"] is True
names = [c[\"name\"] for c in d[\"checks\"]]
assert names == [\"schema\", \"inverses\", \"rollback\", \"fingerprint\", \"apply\", \"compliant\", \"connectivity\", \"rollback-exact\", \"after\"], names"
'

# expect_check EDIT FIXTURE CHECK PATTERN: the edited plan fails CHECK.
expect_check () {
  sgplan plan "$fixtures/$2" >cs.yaml
  $py "$srcdir/tests/edit-changeset.py" cs.yaml edited.yaml "$1"
  run_sgplan validate edited.yaml "$fixtures/$2"
  expect_status 1
  grep -q "^  FAIL  $3 " "$TMP/stdout" || { cat "$TMP/stdout"; return 1; }
  grep -q "$4" "$TMP/stdout" || { cat "$TMP/stdout"; return 1; }
  test "$(grep -c "^  FAIL" "$TMP/stdout")" = 1 || { cat "$TMP/stdout"; return 1; }
}

if [ $have_yaml = yes ]; then
  test_expect 'a step removed from the plan fails connectivity' '
    expect_check drop-step:7 example connectivity "eni-0654ebf9d0f4052ce loses in tcp 5432 eni eni-0d3652191bb282d5b"
  '
  test_expect 'a wrong inverse fails inverses' '
    expect_check wrong-inverse:6 example inverses "the inverse of step 6 is not its exact inverse"
  '
  test_expect 'a rule dropped from the copy fails connectivity' '
    expect_check drop-copied-rule plan-rule-kinds connectivity "loses out udp 123"
  '
  test_expect 'an ENI left on the default group fails compliant' '
    expect_check keep-on-default:8 example compliant "sg-0f952ef42c1d0286c is still on 1 network interface"
  '
  test_expect 'a rollback out of order fails rollback' '
    expect_check swap-rollback example rollback "rollback entry 1 undoes step 10"
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
  grep -q "^  FAIL  fingerprint    drift: .*; sg-048e6432506062cce$" "$TMP/stdout"
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
  grep -q "^  pass  after          the after export is the state the plan predicted (1 replacement group matched by tag)$" "$TMP/stdout"
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
  grep -q "^  FAIL  after          the account is not as the plan predicted: missing: eni eni-0d3652191bb282d5b groups" "$TMP/stdout"
'
test_expect '--after without the tagged replacement fails after' '
  sgplan plan "$fixtures/example" >cs.yaml
  run_sgplan validate cs.yaml "$fixtures/example" --after "$fixtures/example"
  expect_status 1
  grep -q "no group in the after export is tagged sgplan:replaces=sg-0f952ef42c1d0286c" "$TMP/stdout"
'
test_expect 'validate of a damaged change set fails schema; of a missing one is an I/O error' '
  run_sgplan validate "$srcdir/tests/bad-changeset/unknown-action.yaml"
  expect_status 1
  grep -q "^  FAIL  schema " "$TMP/stdout"
  run_sgplan validate no-such.yaml
  expect_status 2
'
test_expect 'validate with an invalid export is invalid input (exit 3)' '
  sgplan plan "$fixtures/example" >cs.yaml
  run_sgplan validate cs.yaml "$srcdir/tests/bad-input/malformed.json"
  expect_status 3
'

test_done
