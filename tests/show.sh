#!/bin/sh
# show.sh - `sgplan show`: JSON for tools (valid against
# schemas/show.schema.json), Markdown fit for a pull-request comment (its
# structure checked by tests/markdown-check.py, as GitHub reads it; at most
# --max-size characters; untrusted names cannot break out of it) and colour
# in the text on a terminal only.
. "$srcdir/tests/lib.sh"

golden="$srcdir/tests/golden/plan"
py=/usr/bin/python3
check_md="$py $srcdir/tests/markdown-check.py"
have_schema=no
if $py -c 'import jsonschema' 2>/dev/null; then have_schema=yes; fi

test_expect 'show --format json of every golden change set is valid against schemas/show.schema.json' "
  for f in '$golden'/*.plan.yaml; do
    sgplan show --format json \"\$f\" >\"\$(basename \"\$f\" .plan.yaml).json\"
  done
  cd '$srcdir/fixtures'
  sgplan plan --account 111122223333 --region us-east-1 -o \"\$TMP/scoped.yaml\" multi-account
  sgplan show --format=json \"\$TMP/scoped.yaml\" >\"\$OLDPWD/scoped.json\"
  cd \"\$OLDPWD\"
  if [ $have_schema = yes ]; then $py '$srcdir/tests/validate-json.py' '$srcdir/schemas/show.schema.json' *.json; fi
  $py - <<'PY'
import json
d = json.load(open('scoped.json'))
assert d['scope'] == {'accounts': ['111122223333'], 'regions': ['us-east-1'],
                      'text': 'account 111122223333, region us-east-1'}, d['scope']
assert 'scope' not in json.load(open('example.json'))
PY
"
test_expect 'show --format json says what the change set says: totals, order, every step once, names' "
  sgplan plan -o cs.yaml '$srcdir/fixtures/multi-account' '$srcdir/fixtures/example'
  sgplan show --format json cs.yaml >show.json
  $py - <<'PY'
import hashlib, json, yaml
cs = yaml.safe_load(open('cs.yaml'))
show = json.load(open('show.json'))
assert show['format'] == 'sgplan-show' and show['version'] == 1
assert show['change_set']['fingerprint'] == cs['fingerprint']
assert show['change_set']['sha256'] == hashlib.sha256(open('cs.yaml', 'rb').read()).hexdigest()
for k in ('default_groups', 'compliant', 'revoke', 'migrate', 'blocked', 'excepted', 'steps', 'warnings'):
    assert show['totals'][k] == cs['summary'][k], k
assert show['totals']['rollback_steps'] == len(cs['rollback'])
keys = [(g['account'], g['region'], g['vpc_id'], g['group_id']) for g in show['default_groups']]
assert keys == sorted(keys), keys
ids = sorted(s['id'] for g in show['default_groups'] for s in g['steps'])
assert ids == list(range(1, cs['summary']['steps'] + 1)), ids
groups = {g['group_id']: g for g in show['default_groups']}
g = groups['sg-0f952ef42c1d0286c']
assert g['decision'] == 'migrate' and g['replacement']['group_name'].endswith('-default-replacement')
assert g['interfaces'][0]['instance_id'] == 'i-081e3a2fda2ee362d'
assert g['interfaces'][0]['kind'] == 'ec2-instance'
assert g['references'][0]['group_name'] == 'db'
steps = {s['id']: s for s in g['steps']}
assert any(s['action'] == 'modify-network-interface-attribute'
           and s['network_interface_id'] == 'eni-0d3652191bb282d5b' for s in steps.values())
PY
"
test_expect 'show --format json is the same for the YAML and the JSON form of a change set' "
  cd '$srcdir/fixtures'
  sgplan plan -o \"\$OLDPWD/cs.yaml\" example
  sgplan plan --format json -o \"\$OLDPWD/cs.json\" example
  cd \"\$OLDPWD\"
  sgplan show -f json cs.yaml | grep -v '\"path\": \"cs\\.\\|\"sha256\": \"[0-9a-f]*\",\$' >a || true
  sgplan show -f json cs.json | grep -v '\"path\": \"cs\\.\\|\"sha256\": \"[0-9a-f]*\",\$' >b || true
  test -s a
  compare a b
"

test_expect 'show --format markdown of every golden change set passes tests/markdown-check.py' "
  for f in '$golden'/*.plan.yaml; do
    sgplan show --format markdown \"\$f\" >out.md
    $check_md --max-size 65536 out.md >stats || { echo \"\$f\"; false; }
    grep -q '\"shortened\": false' stats
  done
"
test_expect 'Markdown: bold warnings, headings and summaries without backslash escapes, groups in order' "
  sgplan show --format markdown '$golden/example.plan.yaml' >out.md
  grep -qx '\\*\\*Warnings\\*\\*' out.md
  if grep -q '\\\\\\*\\\\\\*Warnings' out.md; then echo 'escaped **Warnings**'; false; fi
  grep -qx '<details><summary>sg-0f952ef42c1d0286c in vpc-08de18849c7977a5a (111122223333, us-east-1): <b>migrate</b> to &quot;vpc-08de18849c7977a5a-default-replacement&quot; (1 attached interface, 1 referencing rule)</summary>' out.md
  # one row per group, ordered by account, region and VPC
  grep -n '^| 111122223333 | us-east-1 | vpc-' out.md | cut -d'|' -f4 >vpcs
  sort -c vpcs
  test \$(wc -l <vpcs) = 2
  grep -q '^| sg-048e6432506062cce | db | 111122223333 |' out.md
  grep -q '^| eni-0d3652191bb282d5b | ec2-instance | ec2 instance i-081e3a2fda2ee362d |\$' out.md
"

# A group name, a rule description and a Lambda ENI's function name that try
# every way out of the structure.
hostile_fixture () {
  $py - "$srcdir/fixtures/hostile-values" "$1" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
evil = "</details></summary><script>alert(1)</script> | a|b `x` ``y`` **b** _i_ [l](javascript:x) &amp; # h\n\n- li\n</details>"
sg = json.load(open(os.path.join(src, "security-groups.json")))
for g in sg["SecurityGroups"]:
    if g["GroupName"] != "default":
        g["GroupName"] = evil
    for p in g["IpPermissions"]:
        for pair in p["UserIdGroupPairs"]:
            pair["Description"] = evil[:255]
json.dump(sg, open(os.path.join(dst, "security-groups.json"), "w"), indent=4)
eni = json.load(open(os.path.join(src, "network-interfaces.json")))
lam = json.loads(json.dumps(eni["NetworkInterfaces"][0]))
lam.update({"NetworkInterfaceId": "eni-0aa0aa0aa0aa0aa0a", "InterfaceType": "lambda", "RequesterManaged": True,
            "RequesterId": "AROAEXAMPLE:abc", "Description": "AWS Lambda VPC ENI-" + evil.replace("\n", " ")})
lam.pop("Attachment", None)
eni["NetworkInterfaces"].append(lam)
json.dump(eni, open(os.path.join(dst, "network-interfaces.json"), "w"), indent=4)
PY
}
test_expect 'Markdown: untrusted names (</details>, |, backticks, newlines, <script>) cannot break out' "
  hostile_fixture hostile
  sgplan plan -o cs.yaml hostile
  sgplan show --format markdown cs.yaml >out.md
  $check_md out.md
  test \$(grep -c '<details>' out.md) = 1
  test \$(grep -c '</details>' out.md) = 1
  test \"\$(grep -c '^</details>\$' out.md)\" = 1
  if grep -q '<script' out.md; then echo 'raw <script>'; false; fi
  grep -q '&lt;/details>&lt;/summary>&lt;script>' out.md
  grep -q 'a\\\\|b' out.md
  # the same names, whole, in JSON
  sgplan show --format json cs.yaml >show.json
  $py -c 'import json,sys; d=json.load(open(\"show.json\")); r=d[\"default_groups\"][0][\"references\"][0]; assert r[\"group_name\"].startswith(\"</details>\"), r'
"

test_expect 'Markdown of 300 default groups fits in a comment: summary whole, details of the biggest left out' "
  $py '$srcdir/bench/gen-export.py' --accounts 3 --regions 2 --vpcs 50 --groups 4 --enis 6 org >/dev/null
  sgplan plan -o cs.yaml org
  sgplan show --format markdown cs.yaml >out.md
  $check_md --max-size 65536 out.md >stats
  cat stats
  grep -q '\"shortened\": true' stats
  # the table of groups is whole: 300 rows
  test \$(grep -c '^| 11112222000[0-9] | ' out.md) = 300
  details=\$(grep -c '^<details>' out.md)
  test \"\$details\" -gt 0
  grep -q \"^\\*\\*Shortened\\*\\* to fit in 65536 characters: details of \$((300 - details)) of 300 default groups (the biggest) are left out. The whole plan: \\\`sgplan show --format markdown --max-size 0 cs.yaml\\\`\\\$\" out.md
  # without a limit: every group has its details
  sgplan show --format markdown --max-size 0 cs.yaml >full.md
  $check_md full.md >stats
  grep -q '\"details\": 300' stats
  grep -q '\"shortened\": false' stats
  # a smaller limit keeps fewer details, and still holds
  sgplan show --format markdown --max-size 40000 cs.yaml >small.md
  $check_md --max-size 40000 small.md >/dev/null
"
test_expect '--max-size: a number of 0 or more, for markdown only; too small for the summary is an error' "
  run_sgplan show --format markdown --max-size -1 '$golden/example.plan.yaml'; expect_status 2
  test \"\$(cat \"\$TMP/stderr\")\" = 'sgplan: error: --max-size must be 0 (no limit) or more'
  run_sgplan show --max-size 100 '$golden/example.plan.yaml'; expect_status 2
  test \"\$(cat \"\$TMP/stderr\")\" = 'sgplan: error: --max-size is for --format markdown'
  run_sgplan show --format markdown --max-size 100 '$golden/example.plan.yaml'; expect_status 2
  grep -q '^sgplan: error: the summary alone is [0-9]* characters, more than --max-size 100\$' \"\$TMP/stderr\"
  test ! -s \"\$TMP/stdout\"
  run_sgplan show --format markdown --max-size 2000 '$golden/example.plan.yaml'; expect_status 0
  $check_md --max-size 2000 \"\$TMP/stdout\" | grep -q '\"shortened\": true'
"
test_expect 'an unknown show format names the three' "
  run_sgplan show --format html '$golden/example.plan.yaml'; expect_status 2
  test \"\$(cat \"\$TMP/stderr\")\" = \"sgplan: error: unknown format 'html' (expected text, markdown or json)\"
"

# colour: only on a terminal (script(1) gives the command one)
on_tty () {
  script -qec "$*" /dev/null </dev/null
}
test_expect 'show text: decisions and signs coloured on a terminal only, never with NO_COLOR or TERM=dumb' "
  if ! command -v script >/dev/null; then echo 'no script(1)'; false; fi
  esc=\$(printf '\\033')
  on_tty \"\$SGPLAN_BIN show $golden/example.plan.yaml\" >tty.txt
  grep -q \"\${esc}\\[33mmigrate\${esc}\\[0m\" tty.txt
  grep -q \"^  \${esc}\\[32m+\${esc}\\[0m \\[3\\] create security group\" tty.txt
  grep -q \"^  \${esc}\\[33m~\${esc}\\[0m \\[6\\]\" tty.txt
  grep -q \"^  \${esc}\\[31m-\${esc}\\[0m \\[1\\] revoke\" tty.txt
  grep -q \"\${esc}\\[1;33mWarnings:\${esc}\\[0m\" tty.txt
  NO_COLOR=1 on_tty \"\$SGPLAN_BIN show $golden/example.plan.yaml\" >nocolor.txt
  if grep -q \"\$esc\" nocolor.txt; then echo 'colour with NO_COLOR'; false; fi
  TERM=dumb on_tty \"\$SGPLAN_BIN show $golden/example.plan.yaml\" >dumb.txt
  if grep -q \"\$esc\" dumb.txt; then echo 'colour with TERM=dumb'; false; fi
  # the same words without the colour
  tr -d '\\r' <tty.txt | sed \"s/\${esc}\\[[0-9;]*m//g\" >plain.txt
  cmp plain.txt '$golden/example.show.txt'
  # Markdown and JSON are never coloured
  on_tty \"\$SGPLAN_BIN show --format markdown $golden/example.plan.yaml\" >md.txt
  on_tty \"\$SGPLAN_BIN show --format json $golden/example.plan.yaml\" >json.txt
  if grep -q \"\$esc\" md.txt json.txt; then echo 'colour in markdown or json'; false; fi
  on_tty \"\$SGPLAN_BIN show $golden/plan-quotas.plan.yaml\" >blocked.txt
  tr -d '\\r' <blocked.txt | sed \"s/\${esc}\\[[0-9;]*m//g\" | cmp - '$golden/plan-quotas.show.txt'
"
test_done
