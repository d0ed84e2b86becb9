#!/bin/sh
# scope.sh - check and plan limited to some accounts, regions, VPCs or
# default groups (--account, --region, --vpc, --group): the rest of the
# export is read and counts, only the default groups out of scope are left out.
. "$srcdir/tests/lib.sh"

ma="$srcdir/fixtures/multi-account"

# the default groups check reports, one per line
groups_of () {
  python3 -c 'import json, sys; print("\n".join(g["group_id"] for g in json.load(sys.stdin)["default_groups"]))'
}

test_expect 'check --account reports the default groups of that account only, and says so' '
  sgplan check --format json "$ma" >all.json || test $? = 1
  test "$(groups_of <all.json | wc -l)" = 6
  sgplan check --format json --account 444455556666 "$ma" >one.json || test $? = 1
  test "$(groups_of <one.json | tr "\n" " ")" = "sg-01bc280ef3adef8d8 sg-06439473439ca8075 sg-0c2d60d043d092382 "
  python3 -c "import json; s = json.load(open(\"one.json\"))[\"scope\"]; assert s == {\"accounts\": [\"444455556666\"], \"out_of_scope\": 3}, s"
  if grep -q "\"scope\"" all.json; then echo "scope in an unscoped report"; false; fi
  sgplan check --account 444455556666 "$ma" >one.txt || test $? = 1
  grep -q "^scope: account 444455556666 (3 other default groups of the export not shown)$" one.txt
  grep -q "^3 default groups: 2 FAILED, 1 PASSED" one.txt
'
test_expect 'every filter at once: a group is in scope when every list names it' '
  sgplan check --format json --account 444455556666 --region us-east-1 "$ma" >a.json || test $? = 1
  test "$(groups_of <a.json)" = sg-01bc280ef3adef8d8
  sgplan check --format json --region eu-west-1 --region us-east-1 --group sg-0997887146fb6e01d --group sg-06439473439ca8075 "$ma" >b.json || test $? = 1
  test "$(groups_of <b.json | tr "\n" " ")" = "sg-06439473439ca8075 sg-0997887146fb6e01d "
  vpc=$(python3 -c "import json; print(json.load(open(\"a.json\"))[\"default_groups\"][0][\"vpc_id\"])")
  sgplan check --format json --vpc "$vpc" "$ma" >c.json || test $? = 1
  test "$(groups_of <c.json)" = sg-01bc280ef3adef8d8
'
test_expect 'a scope that holds only PASSED default groups is compliant (exit 0)' '
  run_sgplan check --group sg-06439473439ca8075 "$ma"; expect_status 0
'
test_expect 'the order and repeats of the scope options change nothing' '
  sgplan check --format json --region us-east-1 --region eu-west-1 --region us-east-1 --account 111122223333 "$ma" >a.json || test $? = 1
  sgplan check --format json --account 111122223333 --region eu-west-1 --region us-east-1 "$ma" >b.json || test $? = 1
  cmp a.json b.json
  sgplan plan --region us-east-1 --region eu-west-1 --account 111122223333 "$ma" >a.yaml
  sgplan plan --account 111122223333 --region eu-west-1 --region us-east-1 --account 111122223333 "$ma" >b.yaml
  cmp a.yaml b.yaml
'
test_expect 'values that are not what their option names are usage errors (exit 2), before reading' '
  run_sgplan check --account 4444 no-such; expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: --account '\''4444'\'' is not an AWS account ID (12 digits)"
  run_sgplan plan --region us-east-1x no-such; expect_status 2
  grep -q "^sgplan: error: --region '\''us-east-1x'\'' is not an AWS region" "$TMP/stderr"
  run_sgplan plan --vpc sg-0123456789abcdef0 no-such; expect_status 2
  grep -q "is not a VPC ID" "$TMP/stderr"
  run_sgplan check --group vpc-0123456789abcdef0 no-such; expect_status 2
  grep -q "is not a security group ID" "$TMP/stderr"
'
test_expect 'a scope that matches no default group is an error that names it (exit 3)' '
  run_sgplan check --account 999999999999 "$ma"; expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: no default security group of the export is in scope (account 999999999999)"
  test ! -s "$TMP/stdout"
  run_sgplan plan --region ap-south-1 --account 111122223333 "$ma"; expect_status 3
  grep -q "in scope (account 111122223333, region ap-south-1)" "$TMP/stderr"
'
test_expect 'a gap out of scope blocks nothing; a gap in scope still does' '
  cp -r "$ma" exp
  rm exp/111122223333/us-east-1/network-interfaces.json
  run_sgplan plan exp; expect_status 3
  grep -q "incomplete export: account 111122223333 in us-east-1" "$TMP/stderr"
  run_sgplan plan --account 444455556666 exp; expect_status 0
  run_sgplan plan --account 111122223333 --region us-east-1 exp; expect_status 3
  sgplan check --format json --account 444455556666 exp >c.json || test $? = 1
  python3 -c "import json; assert json.load(open(\"c.json\"))[\"incomplete\"] == []"
'
test_expect 'a scoped plan records its scope, plans only those groups, validates, and show says so' '
  sgplan plan --account 444455556666 "$ma" >cs.yaml
  grep -q "^  scope:$" cs.yaml
  grep -q "^  default_groups: 3$" cs.yaml
  if grep -q "group_id: \"sg-0997887146fb6e01d\"" cs.yaml; then echo "out-of-scope group planned"; false; fi
  /usr/bin/python3 "$srcdir/tests/validate-json.py" "$srcdir/schemas/changeset.schema.json" cs.yaml
  sgplan validate cs.yaml "$ma" >v.txt
  tail -1 v.txt | grep -qx valid
  sgplan show cs.yaml >show.txt
  grep -q "^Scope: account 444455556666; the export'\''s other default groups are not in this plan.$" show.txt
  sgplan plan "$ma" >all.yaml
  if grep -q "scope" all.yaml; then echo "scope in an unscoped plan"; false; fi
'
test_expect 'a rule of an out-of-scope group that references a default group in scope still counts' '
  sgplan check --format json --group sg-01bc280ef3adef8d8 "$ma" >c.json || test $? = 1
  python3 -c "import json; g = json.load(open(\"c.json\"))[\"default_groups\"][0]; assert len(g[\"references\"]) == 1, g"
'
test_expect 'one --region is also the region of groups whose region the export does not tell' '
  run_sgplan check --region us-east-1 "$srcdir/fixtures/example/security-groups.json" "$srcdir/fixtures/example/network-interfaces.json"
  expect_status 1
  run_sgplan check --region us-east-1 --region eu-west-1 "$srcdir/fixtures/example/security-groups.json"
  expect_status 3
'
test_done
