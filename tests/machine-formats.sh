#!/bin/sh
# machine-formats.sh - the reports for other tools: check --format asff
# (Security Hub) and sarif (code scanning), validate --format junit (CI):
# valid against their schemas on every fixture, located, deterministic,
# scoped like the other formats, safe with hostile values; and the ASFF
# batching loop of README.md run with the real AWS CLI against
# tests/fake-securityhub.py.
. "$srcdir/tests/lib.sh"

fixtures="$srcdir/fixtures"
py=/usr/bin/python3
schema_check () { $py "$srcdir/tests/validate-json.py" "$@"; }
asff_schema="$srcdir/tests/asff.schema.json"
sarif_schema="$srcdir/tests/sarif/sarif-2.1.0-rtm.5.json"
export SOURCE_DATE_EPOCH=1767225600 # 2026-01-01T00:00:00Z

# every fixture with default groups: one ASFF finding per default group, one
# SARIF result per FAILED one, and the same exit status as the text report
test_expect 'asff and sarif of every fixture: valid, one finding per default group, a result per FAILED one' '
  for f in "$fixtures"/*/; do
    name=$(basename "$f")
    s=0; sgplan check -f json "$f" >$name.json || s=$?
    a=0; sgplan check -f asff "$f" >$name.asff || a=$?
    r=0; sgplan check -f sarif "$f" >$name.sarif || r=$?
    test $s = $a && test $s = $r
    schema_check "$asff_schema" $name.asff
    schema_check "$sarif_schema" $name.sarif
    $py - $name <<"EOF"
import json, sys
n = sys.argv[1]
report, asff, sarif = (json.load(open(n + x)) for x in (".json", ".asff", ".sarif"))
groups = report["default_groups"]
assert [f["Resources"][0]["Details"]["AwsEc2SecurityGroup"]["GroupId"] for f in asff] == [g["group_id"] for g in groups], n
for f, g in zip(asff, groups):
    assert f["Compliance"]["Status"] == g["status"], n
    assert f["Workflow"]["Status"] == ("NEW" if g["status"] == "FAILED" else "RESOLVED")
    assert f["Severity"]["Label"] == ("HIGH" if g["status"] == "FAILED" else "INFORMATIONAL")
    assert f["CreatedAt"] == f["UpdatedAt"] == "2026-01-01T00:00:00.000Z"
    assert f["AwsAccountId"] == g["owner_id"] and f["Region"] == g["region"]
    assert f["Id"] == "arn:aws:ec2:%s:%s:security-group/%s/sgplan/EC2.2" % (g["region"], g["owner_id"], g["group_id"])
results = sarif["runs"][0]["results"]
assert [x["properties"]["group"] for x in results] == [g["group_id"] for g in groups if g["status"] == "FAILED"], n
assert len(sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]) == len(report["incomplete"]), n
EOF
  done
'

# the region of a result is the first character of the group'"'"'s object, in
# the file the group was read from, relative to the export argument
test_expect 'each SARIF result points at the line and column of its group'"'"'s object' '
  for f in example multi-account hostile-values eni-kinds service-exports; do
    (cd "$srcdir" && sgplan check -f sarif "fixtures/$f") >$f.sarif || :
    $py - $f.sarif "$srcdir" <<"EOF"
import json, os, sys
sarif = json.load(open(sys.argv[1]))
os.chdir(sys.argv[2])
results = sarif["runs"][0]["results"]
assert results
for r in results:
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    uri = loc["artifactLocation"]["uri"]
    assert uri.startswith("fixtures/"), uri
    lines = open(uri, encoding="utf-8").read().split("\n")
    line = lines[loc["region"]["startLine"] - 1]
    rest = line[loc["region"]["startColumn"] - 1:] + "\n" + "\n".join(lines[loc["region"]["startLine"]:])
    obj, _ = json.JSONDecoder().raw_decode(rest)
    assert obj["GroupId"] == r["properties"]["group"] and obj["GroupName"] == "default", (uri, obj.get("GroupId"))
    assert r["partialFingerprints"]["sgplanDefaultGroup/v1"] == "%s/%s/%s" % (
        r["properties"]["account"], r["properties"]["region"], r["properties"]["group"])
EOF
  done
'

test_expect 'positions are found in compact, CRLF and multi-byte text, and in a file of pages' '
  mkdir e && $py - "$fixtures/example" e <<"EOF"
import json, sys
src, out = sys.argv[1:]
sg = json.load(open(src + "/security-groups.json"))
groups = sg["SecurityGroups"]
for g in groups:
    g["Description"] = "caf\u00e9 \u65e5\u672c " + g["Description"]
half = len(groups) // 2
with open(out + "/sg.json", "w", encoding="utf-8", newline="\r\n") as f:
    f.write(json.dumps({"SecurityGroups": groups[:half]}, ensure_ascii=False) + "\n")
    f.write(json.dumps({"SecurityGroups": groups[half:]}, ensure_ascii=False, indent=3) + "\n")
EOF
  cp "$fixtures/example/network-interfaces.json" e/
  sgplan check -f sarif e >e.sarif || :
  $py - e.sarif <<"EOF"
import json, sys
sarif = json.load(open(sys.argv[1]))
text = open("e/sg.json", encoding="utf-8", newline="").read()
lines = text.split("\n")
results = sarif["runs"][0]["results"]
assert len(results) == 2
for r in results:
    reg = r["locations"][0]["physicalLocation"]["region"]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "e/sg.json"
    rest = lines[reg["startLine"] - 1][reg["startColumn"] - 1:] + "\n" + "\n".join(lines[reg["startLine"]:])
    obj, _ = json.JSONDecoder().raw_decode(rest)
    assert obj["GroupId"] == r["properties"]["group"], obj["GroupId"]
EOF
'

test_expect 'an absolute export path gives file: URIs; paths with spaces are escaped' '
  mkdir "with space" && cp "$fixtures/example"/*.json "with space"/
  sgplan check -f sarif "$PWD/with space" >abs.sarif || :
  grep -q "\"uri\": \"file://$(pwd | sed "s/ /%20/g")/with%20space/security-groups.json\"" abs.sarif
  ! grep -q uriBaseId abs.sarif
  sgplan check -f sarif "with space" >rel.sarif || :
  grep -q "\"uri\": \"with%20space/security-groups.json\"" rel.sarif
  schema_check "$sarif_schema" abs.sarif rel.sarif
'

test_expect 'the new formats are byte-identical run after run, whatever the thread count' '
  for f in asff sarif; do
    SGPLAN_THREADS=1 sgplan check -f $f "$fixtures/multi-account" >1.$f || :
    SGPLAN_THREADS=8 sgplan check -f $f "$fixtures/multi-account" >2.$f || :
    cmp 1.$f 2.$f
  done
  sgplan plan "$fixtures/example" >cs.yaml
  sgplan validate -f junit cs.yaml "$fixtures/example" >1.xml
  SGPLAN_THREADS=1 sgplan validate -f junit cs.yaml "$fixtures/example" >2.xml
  cmp 1.xml 2.xml
'

test_expect 'ASFF times come from SOURCE_DATE_EPOCH, else now; a bad one is a usage error' '
  SOURCE_DATE_EPOCH=0 sgplan check -f asff "$fixtures/compliant" >zero.asff
  grep -q "\"CreatedAt\": \"1970-01-01T00:00:00.000Z\"" zero.asff
  year=$(date -u +%Y)
  env -u SOURCE_DATE_EPOCH "$SGPLAN_BIN" check -f asff "$fixtures/compliant" >now.asff
  grep -q "\"UpdatedAt\": \"$year-" now.asff
  run_sgplan check -f asff "$fixtures/compliant"
  expect_status 0
  SOURCE_DATE_EPOCH=yesterday "$SGPLAN_BIN" check -f asff "$fixtures/compliant" 2>err && exit 1
  grep -qx "sgplan: error: SOURCE_DATE_EPOCH \"yesterday\" is not a number of seconds since 1970" err
'

test_expect 'scope options narrow asff and sarif as they narrow the text report' '
  m="$fixtures/multi-account"
  for scope in "--account 444455556666" "--region eu-west-1" "--account 111122223333 --region us-east-1"; do
    # shellcheck disable=SC2086
    sgplan check -f json $scope "$m" >s.json || :
    # shellcheck disable=SC2086
    sgplan check -f asff $scope "$m" >s.asff || :
    # shellcheck disable=SC2086
    sgplan check -f sarif $scope "$m" >s.sarif || :
    $py -c "import json
r, a, s = (json.load(open(x)) for x in (\"s.json\", \"s.asff\", \"s.sarif\"))
ids = [g[\"group_id\"] for g in r[\"default_groups\"]]
assert ids and [f[\"Resources\"][0][\"Details\"][\"AwsEc2SecurityGroup\"][\"GroupId\"] for f in a] == ids
assert [x[\"properties\"][\"group\"] for x in s[\"runs\"][0][\"results\"]] == [g[\"group_id\"] for g in r[\"default_groups\"] if g[\"status\"] == \"FAILED\"]"
  done
  g=$($py -c "import json; print(json.load(open(\"s.asff\"))[0][\"Resources\"][0][\"Details\"][\"AwsEc2SecurityGroup\"][\"GroupId\"])")
  v=$($py -c "import json; print(json.load(open(\"s.asff\"))[0][\"Resources\"][0][\"Details\"][\"AwsEc2SecurityGroup\"][\"VpcId\"])")
  sgplan check -f asff --group $g "$m" >g.asff || :
  sgplan check -f sarif --vpc $v "$m" >v.sarif || :
  test "$($py -c "import json; print(len(json.load(open(\"g.asff\"))))")" = 1
  test "$($py -c "import json; print(len(json.load(open(\"v.sarif\"))[\"runs\"][0][\"results\"]))")" -le 1
  run_sgplan check -f sarif --account 999999999999 "$m"
  expect_status 3
  test ! -s "$TMP/stdout"
'

test_expect 'nothing to report: a compliant export has PASSED findings, no SARIF result, exit 0' '
  sgplan check -f asff "$fixtures/compliant" >c.asff
  sgplan check -f sarif "$fixtures/compliant" >c.sarif
  $py -c "import json
a = json.load(open(\"c.asff\")); s = json.load(open(\"c.sarif\"))
assert a and all(f[\"Compliance\"][\"Status\"] == \"PASSED\" and f[\"Workflow\"][\"Status\"] == \"RESOLVED\" for f in a)
assert s[\"runs\"][0][\"results\"] == []"
  schema_check "$sarif_schema" c.sarif
  echo "{\"SecurityGroups\": []}" >none.json
  run_sgplan check -f asff none.json
  expect_status 3
  test ! -s "$TMP/stdout"
'

test_expect 'gaps of the export are SARIF notifications with the command that exports them' '
  mkdir gap && cp "$fixtures/example/security-groups.json" gap/
  run_sgplan check -f sarif --region us-east-1 gap
  expect_status 1
  grep -q "\"level\": \"warning\"" "$TMP/stdout"
  grep -q "incomplete export: account 111122223333 in us-east-1 has no describe-network-interfaces" "$TMP/stdout"
  grep -q "export: aws ec2 describe-network-interfaces" "$TMP/stdout"
  schema_check "$sarif_schema" "$TMP/stdout"
'

test_expect 'hostile values stay data in asff and sarif; long lists of users are cut short' '
  for f in hostile-values terminal-escapes shell-quoting; do
    sgplan check -f asff "$fixtures/$f" >h.asff || :
    sgplan check -f sarif "$fixtures/$f" >h.sarif || :
    schema_check "$asff_schema" h.asff
    schema_check "$sarif_schema" h.sarif
  done
  # 300 referencing groups: the description names 5 and counts the rest
  $py - <<"EOF"
import json
groups = [{"GroupId": "sg-%017x" % 1, "GroupName": "default", "OwnerId": "111122223333", "VpcId": "vpc-1",
           "Description": "d", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
           "IpPermissionsEgress": []}]
for i in range(2, 302):
    groups.append({"GroupId": "sg-%017x" % i, "GroupName": "g%d <&\"\u0001" % i + "\u00e9" * 400, "OwnerId": "111122223333",
                   "VpcId": "vpc-1", "Description": "d", "IpPermissionsEgress": [],
                   "IpPermissions": [{"IpProtocol": "tcp", "FromPort": i, "ToPort": i,
                                      "UserIdGroupPairs": [{"GroupId": "sg-%017x" % 1, "UserId": "111122223333"}]}]})
json.dump({"SecurityGroups": groups}, open("many.json", "w"))
json.dump({"NetworkInterfaces": []}, open("enis.json", "w"))
EOF
  sgplan check -f asff --region us-east-1 many.json enis.json >many.asff || :
  schema_check "$asff_schema" many.asff
  grep -q "used by 300 rules of other groups (sg-00000000000000002 inbound tcp 2, .*, 295 more)" many.asff
'

test_expect 'junit: well-formed, one testcase per check with the JSON report'"'"'s names and counts' '
  for f in example service-enis plan-quotas; do
    sgplan plan "$fixtures/$f" >cs.yaml || :
    s=0; sgplan validate -f json cs.yaml "$fixtures/$f" >v.json || s=$?
    j=0; sgplan validate -f junit cs.yaml "$fixtures/$f" >v.xml || j=$?
    test $s = $j
    $py - <<"EOF"
import json
import xml.etree.ElementTree as ET
report = json.load(open("v.json"))
root = ET.parse("v.xml").getroot()
assert root.tag == "testsuites"
suites = root.findall("testsuite")
assert len(suites) == 1
suite = suites[0]
cases = suite.findall("testcase")
checks = report["checks"]
assert [c.get("name") for c in cases] == [c["name"] for c in checks]
assert all(c.get("classname") == "sgplan.validate" and c.get("time") == "0" for c in cases)
for node in (root, suite):
    assert int(node.get("tests")) == len(cases)
    assert int(node.get("failures")) == sum(c.find("failure") is not None for c in cases) == sum(c["status"] == "fail" for c in checks)
    assert int(node.get("skipped")) == sum(c.find("skipped") is not None for c in cases) == sum(c["status"] == "skip" for c in checks)
    assert node.get("errors") == "0"
for case, check in zip(cases, checks):
    assert case.find("system-out").text == "%s: %s" % ({"pass": "pass", "fail": "FAIL", "warn": "WARN", "skip": "skip"}[check["status"]], check["detail"])
props = {p.get("name"): p.get("value") for p in suite.find("properties")}
assert props == {"change_set": "cs.yaml", "verdict": report["verdict"]}
EOF
  done
  sgplan validate -f junit --structure-only cs.yaml >s.xml
  $py -c "import xml.etree.ElementTree as ET; s = ET.parse(\"s.xml\").getroot()[0]; assert int(s.get(\"skipped\")) > 5"
'

test_expect 'junit: failures carry message and body; hostile names and control characters stay well-formed XML' '
  sgplan plan "$fixtures/hostile-values" >h.yaml
  $py "$srcdir/tests/edit-changeset.py" h.yaml bad.yaml alter-repointed
  hostile=$(printf "a<&\"'"'"'\001\033\177\342\200\256]]>")
  $py "$srcdir/tests/edit-changeset.py" h.yaml "$hostile.yaml" "open-ssh:$hostile"
  for cs in bad.yaml "$hostile.yaml"; do
    run_sgplan validate -f junit "$cs" "$fixtures/hostile-values"
    expect_status 1
    $py - "$TMP/stdout" "$cs" <<"EOF"
import sys
import xml.etree.ElementTree as ET
text = open(sys.argv[1], encoding="utf-8").read()
assert not any(ord(c) < 32 and c not in "\t\n" for c in text), "raw control character"
root = ET.fromstring(text)
suite = root[0]
assert suite.find("properties")[0].get("value") == sys.argv[2].replace("\x01", "\\u0001").replace("\x1b", "\\u001b").replace("\x7f", "\\u007f").replace("\u202e", "\\u202e")
fails = [c.find("failure") for c in suite.findall("testcase") if c.find("failure") is not None]
assert fails and int(suite.get("failures")) == len(fails)
for f in fails:
    assert f.get("message") and f.text == f.get("message") and f.get("type").startswith("sgplan.")
if sys.argv[2] != "bad.yaml":
    assert any("a<&\"" + chr(39) + "\\u0001\\u001b\\u007f\\u202e]]>" in f.text for f in fails), [f.text for f in fails]
else:
    assert any("\n" in f.text and "&" in f.text and "it" + chr(39) + "s" in f.text for f in fails)
EOF
  done
'

test_expect 'the new formats are in --help and in the message for an unknown format' '
  sgplan check --help | grep -q "text (default), json, asff (Security Hub) or sarif (code scanning)"
  sgplan validate --help | grep -q "text (default), json or junit"
  run_sgplan check -f xml "$fixtures/example"
  expect_status 2
  grep -qx "sgplan: error: unknown format '"'"'xml'"'"' (expected text, json, asff or sarif)" "$TMP/stderr"
  run_sgplan validate -f sarif cs.yaml "$fixtures/example"
  expect_status 2
  grep -qx "sgplan: error: unknown format '"'"'sarif'"'"' (expected text, json or junit)" "$TMP/stderr"
'

test_expect 'the schemas catch what they should (a finding without Title, a SARIF result with a bad level)' '
  sgplan check -f asff "$fixtures/example" >x.asff || :
  sgplan check -f sarif "$fixtures/example" >x.sarif || :
  $py -c "import json; a = json.load(open(\"x.asff\")); del a[0][\"Title\"]; json.dump(a, open(\"y.asff\", \"w\"))"
  $py -c "import json; s = json.load(open(\"x.sarif\")); s[\"runs\"][0][\"results\"][0][\"level\"] = \"fatal\"; json.dump(s, open(\"y.sarif\", \"w\"))"
  ! schema_check "$asff_schema" y.asff >/dev/null
  ! schema_check "$sarif_schema" y.sarif >/dev/null
'

# --- the real AWS CLI against the fake Security Hub -------------------------
if [ -n "${SGPLAN_SKIP_AWS_CLI_TESTS:-}" ] || [ ! -x /usr/bin/aws ] || ! command -v jq >/dev/null; then
  test_skip 'the README batching loop imports every finding with the real AWS CLI' \
    'SGPLAN_SKIP_AWS_CLI_TESTS is set, or no /usr/bin/aws or jq'
  test_skip 'one request of more than 100 findings is refused, as by Security Hub' \
    'SGPLAN_SKIP_AWS_CLI_TESTS is set, or no /usr/bin/aws or jq'
  test_done
  exit
fi

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_MAX_ATTEMPTS=1
export AWS_RETRY_MODE=standard AWS_PAGER='' NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy AWS_PROFILE AWS_DEFAULT_PROFILE

# start_fake: a fake Security Hub logging to ./log.jsonl; sets endpoint.
start_fake () {
  rm -f port log.jsonl
  $py "$srcdir/tests/fake-securityhub.py" --log log.jsonl --port-file port --idle-timeout 60 &
  fake_pid=$!
  trap 'kill $fake_pid 2>/dev/null || :; rm -rf "$TMP"' EXIT
  wait_for_port port "the fake Security Hub"
  endpoint=http://127.0.0.1:$(cat port)
}

# An organisation: 2 accounts x 2 regions x 60 VPCs, 240 default groups,
# every other one FAILED.
organisation () {
  $py - <<"EOF"
import json, os
n = 0
for account in ("111122223333", "444455556666"):
    for region in ("us-east-1", "eu-west-1"):
        d = "org/%s/%s" % (account, region)
        os.makedirs(d)
        groups = []
        for v in range(60):
            n += 1
            groups.append({"GroupId": "sg-%017x" % n, "GroupName": "default", "OwnerId": account,
                           "VpcId": "vpc-%017x" % n, "Description": "default VPC security group",
                           "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [
                               {"GroupId": "sg-%017x" % n, "UserId": account}]}] if n % 2 else [],
                           "IpPermissionsEgress": []})
        json.dump({"SecurityGroups": groups}, open(d + "/security-groups.json", "w"), indent=4)
        json.dump({"NetworkInterfaces": []}, open(d + "/network-interfaces.json", "w"))
EOF
}

test_expect 'the README batching loop imports every finding with the real AWS CLI' '
  organisation
  start_fake
  sgplan check --format asff org >findings.json || :
  test "$(jq length findings.json)" = 240
  # the loop exactly as README.md has it, with the CLI pointed at the fake
  aws () { /usr/bin/aws --endpoint-url "$endpoint" "$@"; }
  awk "/^<!-- asff-batches -->/ { on = 1; next } on && /^\`\`\`sh/ { inside = 1; next } inside && /^\`\`\`/ { exit } inside" \
    "$srcdir/README.md" | sed "s|EXPORT|org|" >loop.sh
  grep -q "batch-import-findings" loop.sh
  . ./loop.sh
  $py - <<"EOF"
import json
calls = [json.loads(l) for l in open("log.jsonl")]
assert all(c["count"] <= 100 and not c["failed"] and "refused" not in c for c in calls), calls
assert sorted(c["count"] for c in calls) == [60, 60, 60, 60], [c["count"] for c in calls]
ids = [f["Id"] for c in calls for f in c["findings"]]
assert len(ids) == len(set(ids)) == 240
for c in calls:
    assert {f["AwsAccountId"] for f in c["findings"]} == {c["findings"][0]["AwsAccountId"]}
    assert {f["Region"] for f in c["findings"]} == {c["region"]}
EOF
'

test_expect 'one request of more than 100 findings is refused, as by Security Hub' '
  organisation
  start_fake
  sgplan check --format asff --account 111122223333 org >findings.json || :
  test "$(jq length findings.json)" = 120
  ! /usr/bin/aws --endpoint-url "$endpoint" --region us-east-1 securityhub batch-import-findings \
    --findings file://findings.json 2>err
  grep -q InvalidInputException err
  jq ".[0:100]" findings.json >first.json
  /usr/bin/aws --endpoint-url "$endpoint" --region us-east-1 securityhub batch-import-findings \
    --findings file://first.json --query FailedCount --output text >failed
  # the first 100 span both regions: those of eu-west-1 fail in us-east-1
  test "$(cat failed)" = 40
'

test_done
