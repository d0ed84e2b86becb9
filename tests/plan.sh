#!/bin/sh
# plan.sh - how `sgplan plan` and `sgplan show` behave: determinism, -o,
# option errors, exception files, and one clear error for each kind of bad
# change set (cases in bad-changeset/cases).
. "$srcdir/tests/lib.sh"

fixtures="$srcdir/fixtures"

test_expect 'plan gives byte-identical output on every run' '
  sgplan plan "$fixtures/plan-rule-kinds" >a
  sgplan plan "$fixtures/plan-rule-kinds" >b
  cmp a b
'
test_expect 'plan gives the same change set whatever the order of the arguments' '
  cd "$fixtures/plan-rule-kinds"
  sgplan plan security-groups.json network-interfaces.json >"$TMP/a"
  sgplan plan network-interfaces.json security-groups.json >"$TMP/b"
  cmp "$TMP/a" "$TMP/b"
'
test_expect 'plan -o writes the same change set to a file, and nothing to stdout' '
  sgplan plan "$fixtures/example" >expected
  sgplan plan -o out.yaml "$fixtures/example" >stdout
  cmp expected out.yaml
  test ! -s stdout
'
test_expect 'plan -o refuses to overwrite an input file, which stays as it was' '
  cp -r "$fixtures/example" ex
  cp ex/security-groups.json before.json
  run_sgplan plan -o ex/security-groups.json ex
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: refusing to write '\''ex/security-groups.json'\'': it is inside the export folder '\''ex'\'', which this command reads (a new file there would become part of the export)"
  cmp before.json ex/security-groups.json
'
test_expect 'plan -o leaves no file behind when the export is invalid' '
  run_sgplan plan -o out.yaml "$srcdir/tests/bad-input/malformed.json"
  expect_status 3
  test ! -e out.yaml
'
test_expect 'plan -o into a missing folder is an I/O error (exit 2)' '
  run_sgplan plan -o no/such/dir/out.yaml "$fixtures/example"
  expect_status 2
  grep -q "^sgplan: error: .*no/such/dir/out.yaml" "$TMP/stderr"
'
test_expect 'an unknown placeholder in --replacement-name is a usage error' '
  run_sgplan plan --replacement-name "x-{vpc}" "$fixtures/example"
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: --replacement-name '\''x-{vpc}'\'': unknown placeholder at '\''{vpc}'\'' (known: {vpc_id}, {group_id}, {account}, {region})"
'
test_expect 'a replacement name AWS would refuse is a usage error, before anything is read' '
  run_sgplan plan --replacement-name "sg-{vpc_id}" no-such-export
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: --replacement-name '\''sg-{vpc_id}'\'' does not make a valid security group name: it starts with '\''sg-'\''"
  run_sgplan plan --replacement-name "bad~name" "$fixtures/instances"
  expect_status 2
  grep -q "it has a character other than a-z" "$TMP/stderr"
  for name in default Default "{group_id}" ""; do
    run_sgplan plan --replacement-name "$name" "$fixtures/instances"
    expect_status 2
    test ! -s "$TMP/stdout"
  done
  run_sgplan plan --replacement-name "$(printf "%0250d-{vpc_id}" 0)" "$fixtures/instances"
  expect_status 2
  grep -q "longer than 255 characters" "$TMP/stderr"
'
test_expect 'a replacement name is unique in its VPC, compared without case' '
  sgplan plan "$fixtures/plan-quotas" >cs.yaml
  grep -q "group_name: \"vpc-0e2d4c6b8a0f1e3d5-default-replacement-3\"" cs.yaml
'
test_expect '--except with something that is not an ID is a usage error' '
  run_sgplan plan --except web-servers "$fixtures/example"
  expect_status 2
  test "$(cat "$TMP/stderr")" = "sgplan: error: --except '\''web-servers'\'' is not a security group, VPC or account ID"
'
test_expect '--except of a VPC and of an account except their default groups' '
  sgplan plan --except vpc-0c36d134b5bd994ee "$fixtures/example" >cs.yaml
  test "$(grep -c "decision: \"excepted\"" cs.yaml)" = 1
  sgplan plan --except 111122223333 "$fixtures/example" >cs.yaml
  test "$(grep -c "decision: \"excepted\"" cs.yaml)" = 2
'
test_expect 'an exception that matches no default group is a warning' '
  sgplan plan --except sg-0123456789abcdef0 "$fixtures/example" >cs.yaml
  grep -q "the exception for sg-0123456789abcdef0 (command line) matches no default group in the export" cs.yaml
'
test_expect 'an exception is in force on its expiry date and ignored the day after' '
  printf -- "---\nexceptions:\n- id: sg-0f952ef42c1d0286c\n  reason: \"until the end of the month\"\n  expires: 2026-11-30\n" >ex.yaml
  sgplan plan --exceptions ex.yaml --date 2026-11-30 "$fixtures/example" >on.yaml
  grep -q "decision: \"excepted\"" on.yaml
  sgplan plan --exceptions ex.yaml --date 2026-12-01 "$fixtures/example" >after.yaml
  ! grep -q "decision: \"excepted\"" after.yaml
  grep -q "expired on 2026-11-30 and is ignored" after.yaml
'
test_expect 'an exceptions file without a reason is invalid input, with its position' '
  printf -- "---\nexceptions:\n- id: sg-0f952ef42c1d0286c\n" >ex.yaml
  run_sgplan plan --exceptions ex.yaml "$fixtures/example"
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '\''ex.yaml'\'':3:3: expected \"reason\": why sg-0f952ef42c1d0286c is excepted"
'
test_expect 'an exceptions file with a bad date is invalid input, with its position' '
  printf -- "---\nexceptions:\n- id: sg-0f952ef42c1d0286c\n  reason: x\n  expires: next week\n" >ex.yaml
  run_sgplan plan --exceptions ex.yaml "$fixtures/example"
  expect_status 3
  test "$(cat "$TMP/stderr")" = "sgplan: error: '\''ex.yaml'\'':5:12: \"expires\" must be a date, YYYY-MM-DD"
'
test_expect 'a bad --date is a usage error' '
  run_sgplan plan --date 2026-13-45 "$fixtures/example"
  expect_status 2
'
test_expect 'the change set records no date unless an exception expires' '
  sgplan plan --date 2030-01-01 "$fixtures/example" >a.yaml
  sgplan plan --date 2031-06-15 "$fixtures/example" >b.yaml
  cmp a.yaml b.yaml
  ! grep -q "^  date:" a.yaml
'
test_expect 'hostile values from the export reach the change set exactly' '
  sgplan plan "$fixtures/hostile-values" >cs.yaml
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import yaml" 2>/dev/null; then
    /usr/bin/python3 - "$fixtures/hostile-values/security-groups.json" cs.yaml <<PY
import json, sys, yaml
sg = json.load(open(sys.argv[1]))["SecurityGroups"]
cs = yaml.safe_load(open(sys.argv[2]))
evil = sg[0]["IpPermissions"][1]["IpRanges"][0]["Description"]
copied = [r for s in cs["default_groups"][0]["steps"] for r in s.get("rules", []) if r.get("description")]
assert copied and all(r["description"] == evil for r in copied), copied
assert cs["default_groups"][0]["findings"]["references"][0]["group_name"] == sg[1]["GroupName"]
PY
  fi
'
test_expect 'show escapes control characters and Markdown in hostile values' '
  sgplan plan "$fixtures/hostile-values" >cs.yaml
  sgplan show cs.yaml >shown.txt
  sgplan show --format=markdown cs.yaml >shown.md
  if LC_ALL=C grep -q "$(printf "\033")" shown.txt shown.md; then echo "raw escape"; false; fi
  grep -qF "# \\\\ back\\nnew line" shown.txt
  grep -q "^<details><summary>sg-0de0de0de0de0de0d in" shown.md
'
test_expect 'the preflight lists the references of each planned default group from the export, and only its own' '
  mkdir -p exp/111122223333/us-east-1
  cp "$fixtures/example/"*.json exp/111122223333/us-east-1/
  printf "%s\n" "{\"SecurityGroupReferenceSet\": [" \
    "{\"GroupId\": \"sg-0f952ef42c1d0286c\", \"ReferencingVpcId\": \"vpc-0c36d134b5bd994ee\", \"VpcPeeringConnectionId\": \"pcx-0000000000000000b\"}," \
    "{\"GroupId\": \"sg-03a574ae284eed2d5\", \"ReferencingVpcId\": \"vpc-08de18849c7977a5a\", \"VpcPeeringConnectionId\": \"pcx-0000000000000000a\"}," \
    "{\"GroupId\": \"sg-048e6432506062cce\", \"ReferencingVpcId\": \"vpc-0c36d134b5bd994ee\", \"VpcPeeringConnectionId\": \"pcx-0000000000000000c\"}," \
    "{\"GroupId\": \"sg-0f952ef42c1d0286c\", \"ReferencingVpcId\": \"vpc-0c36d134b5bd994ee\", \"TransitGatewayId\": \"tgw-0000000000000000d\"}]}" \
    >exp/111122223333/us-east-1/security-group-references.json
  sgplan plan exp >cs.yaml
  awk "/^preflight:/ { p = 1 } p && /^  default_groups:/ { d = 1 } d && /^[a-z]/ { d = 0 }
       d && /^  - group_id|referencing_vpc|peering_id|transit_gateway_id/" cs.yaml >got
  printf "%s\n" "  - group_id: \"sg-03a574ae284eed2d5\"" \
    "    - referencing_vpc: \"vpc-08de18849c7977a5a\"" "      peering_id: \"pcx-0000000000000000a\"" \
    "  - group_id: \"sg-0f952ef42c1d0286c\"" \
    "    - referencing_vpc: \"vpc-0c36d134b5bd994ee\"" "      transit_gateway_id: \"tgw-0000000000000000d\"" \
    "    - referencing_vpc: \"vpc-0c36d134b5bd994ee\"" "      peering_id: \"pcx-0000000000000000b\"" >want
  compare want got
'

while IFS='	' read -r want_status file want_err; do
  case $want_status in ''|'#'*) continue ;; esac
  test_expect "show $file: exit $want_status, '$want_err'" "
    cd '$srcdir/tests/bad-changeset'
    run_sgplan show '$file'
    printf '%s\n' \"\$want_err\" >\"\$TMP/want\"
    expect_status $want_status
    compare \"\$TMP/want\" \"\$TMP/stderr\"
    test ! -s \"\$TMP/stdout\"
  "
done <"$srcdir/tests/bad-changeset/cases"

test_expect 'a Lambda function that allows IPv6 in dual-stack subnets keeps it: the change set, the script and apply say so' '
  cp -r "$fixtures/service-enis" ex
  sed -i "s/\"Ipv6AllowedForDualStack\": false/\"Ipv6AllowedForDualStack\": true/" ex/lambda-functions.json
  grep -q "\"Ipv6AllowedForDualStack\": true" ex/lambda-functions.json
  sgplan plan ex >cs.yaml
  # the 2 steps of the function, their inverses and their 2 rollback entries
  test "$(grep -c "^ *ipv6_allowed_for_dual_stack: true$" cs.yaml)" = 6
  sgplan script cs.yaml >remediate.sh
  test "$(grep -c ",Ipv6AllowedForDualStack=true\" >/dev/null$" remediate.sh)" = 2
  sgplan apply cs.yaml ex -o out
  grep -q "\"Ipv6AllowedForDualStack\": true" out/111122223333/eu-west-1/lambda-functions.json
  # without it, nothing is said
  sgplan plan "$fixtures/service-enis" >plain.yaml
  ! grep -q ipv6_allowed_for_dual_stack plain.yaml
'
test_done
