#!/bin/sh
# manifest.sh - sgplan reads the manifest sgplan-collect writes next to an
# export (sgplan-collect.json): a complete one is named in check's report, a
# region it did not collect is a not-collected gap (check exits 1), and a
# damaged one is an error with file, line and column.
. "$srcdir/tests/lib.sh"

# export/111122223333/us-east-1/*.json from the compliant fixture, and a
# manifest with the given accounts' regions (ACCOUNT:REGION:STATUS ...) and
# FinishedAt (or null)
make_export () {
  finished=$1; shift
  mkdir -p export/111122223333/us-east-1
  cp "$srcdir/fixtures/compliant/"*.json export/111122223333/us-east-1/
  python3 - "$finished" "$@" >export/sgplan-collect.json <<'PY'
import json, sys
finished = None if sys.argv[1] == "null" else sys.argv[1]
accounts = {}
for spec in sys.argv[2:]:
    account, region, status = spec.split(":")
    entry = {"Region": region, "Status": status, "Files": ["security-groups.json"], "Services": {"lambda": "collected"}}
    if status == "failed":
        entry["Error"] = "An error occurred (RequestLimitExceeded) when calling the DescribeSecurityGroups operation"
    accounts.setdefault(account, []).append(entry)
print(json.dumps({"SgplanCollect": {"Version": "0.1.0", "CliVersion": "2.9.19",
    "StartedAt": "2026-12-01T10:00:00Z", "FinishedAt": finished,
    "Accounts": [{"AccountId": a, "Caller": "arn:aws:sts::%s:assumed-role/audit/s" % a, "Regions": r}
                 for a, r in accounts.items()]}}, indent=2))
PY
}

test_expect 'a complete manifest: check says so in one line and exits 0' '
  make_export 2026-12-01T10:05:00Z 111122223333:us-east-1:complete
  run_sgplan check export; expect_status 0
  grep -qx "export: collected by sgplan-collect 0.1.0 at 2026-12-01T10:05:00Z, 1 account, 1 region, complete" "$TMP/stdout"
  if grep -q "incomplete" "$TMP/stdout"; then false; fi
  run_sgplan check --format json export; expect_status 0
  python3 -c "import json,sys; d = json.load(open(sys.argv[1])); c = d[\"collections\"][0]; assert d[\"result\"] == \"compliant\" and c[\"complete\"] and c[\"regions\"] == 1 and c[\"manifest\"] == \"export/sgplan-collect.json\", c" "$TMP/stdout"
'
test_expect 'a region the manifest marks failed is a not-collected gap: check names it and exits 1' '
  make_export 2026-12-01T10:05:00Z 111122223333:us-east-1:complete 111122223333:eu-west-1:failed 444455556666:us-east-1:pending
  run_sgplan check export; expect_status 1
  grep -q "^  account 111122223333 in eu-west-1 was not collected: .export/sgplan-collect.json. says failed (An error occurred (RequestLimitExceeded)" "$TMP/stdout"
  grep -q "^  account 444455556666 in us-east-1 was not collected: .export/sgplan-collect.json. says pending$" "$TMP/stdout"
  grep -q "^    export: sgplan-collect --region eu-west-1 again with the same options, for account 111122223333" "$TMP/stdout"
  grep -qx "export: collected by sgplan-collect 0.1.0 at 2026-12-01T10:05:00Z, 2 accounts, 3 regions, 2 regions not collected" "$TMP/stdout"
  grep -qx "export incomplete: 2 gaps (see above)" "$TMP/stdout"
  run_sgplan check --format json export; expect_status 1
  python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d[\"result\"] == \"incomplete\", d[\"result\"]
gaps = [(g[\"kind\"], g[\"account\"], g[\"region\"], g[\"manifest\"]) for g in d[\"incomplete\"]]
assert gaps == [(\"not-collected\", \"111122223333\", \"eu-west-1\", \"export/sgplan-collect.json\"), (\"not-collected\", \"444455556666\", \"us-east-1\", \"export/sgplan-collect.json\")], gaps
assert not d[\"collections\"][0][\"complete\"] and d[\"collections\"][0][\"not_collected\"] == 2
" "$TMP/stdout"
'
test_expect 'gaps of a manifest count only in scope; plan refuses a region that was not collected' '
  make_export 2026-12-01T10:05:00Z 111122223333:us-east-1:complete 111122223333:eu-west-1:failed
  run_sgplan check --region us-east-1 export; expect_status 0
  run_sgplan plan export; expect_status 3
  grep -q "incomplete export: account 111122223333 in eu-west-1 was not collected" "$TMP/stderr"
  run_sgplan plan --region us-east-1 export; expect_status 0
'
test_expect 'an account or profile the run could not reach is a not-collected gap of the whole account' '
  make_export 2026-12-01T10:05:00Z 111122223333:us-east-1:complete
  python3 -c "import json, sys
m = json.load(open(sys.argv[1]))
m[\"SgplanCollect\"][\"Unreached\"] = [
    {\"AccountId\": \"444455556666\", \"Error\": \"An error occurred (AccessDenied) when calling the AssumeRole operation\"},
    {\"Profile\": \"staging\", \"Error\": \"The config profile (staging) could not be found\"}]
json.dump(m, open(sys.argv[1], \"w\"))" export/sgplan-collect.json
  run_sgplan check export; expect_status 1
  grep -q "^  account 444455556666 was not reached, none of its regions was collected: .export/sgplan-collect.json. says so (An error occurred (AccessDenied)" "$TMP/stdout"
  grep -q "^  profile .staging. was not reached, none of its regions was collected" "$TMP/stdout"
  grep -qx "export: collected by sgplan-collect 0.1.0 at 2026-12-01T10:05:00Z, 1 account, 1 region, 2 accounts not reached" "$TMP/stdout"
  run_sgplan check --format json export; expect_status 1
  python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d[\"result\"] == \"incomplete\", d[\"result\"]
kinds = sorted(g[\"kind\"] for g in d[\"incomplete\"])
assert kinds == [\"not-collected\", \"not-collected\"], d[\"incomplete\"]
" "$TMP/stdout"
  run_sgplan plan export; expect_status 3
'
test_expect 'a run that did not finish (FinishedAt null) is a gap of its own' '
  make_export null 111122223333:us-east-1:complete
  run_sgplan check export; expect_status 1
  grep -q "the run of sgplan-collect that wrote .export/sgplan-collect.json. did not finish" "$TMP/stdout"
  grep -qx "export: collected by sgplan-collect 0.1.0 at 2026-12-01T10:00:00Z, 1 account, 1 region, unfinished" "$TMP/stdout"
'
if /usr/bin/python3 -c "import jsonschema" 2>/dev/null; then
  test_expect 'check reports with manifests are valid against schemas/check.schema.json' '
    make_export 2026-12-01T10:05:00Z 111122223333:us-east-1:complete 111122223333:eu-west-1:failed
    sgplan check --format json export >partial.json || test $? = 1
    make_export null 111122223333:us-east-1:complete
    sgplan check --format json export >unfinished.json || test $? = 1
    /usr/bin/python3 "$srcdir/tests/validate-json.py" "$srcdir/schemas/check.schema.json" partial.json unfinished.json
  '
else
  test_skip 'check reports with manifests are valid against schemas/check.schema.json' 'python3-jsonschema is not installed'
fi

# bad manifests: the exact error, with file, line and column
bad_manifest () {
  mkdir -p export/111122223333/us-east-1
  cp "$srcdir/fixtures/compliant/"*.json export/111122223333/us-east-1/
  printf "%s" "$1" >export/sgplan-collect.json
  run_sgplan check export; expect_status 3
  if [ "$(cat "$TMP/stderr")" != "sgplan: error: 'export/sgplan-collect.json':$2" ]; then
    echo "expected: sgplan: error: 'export/sgplan-collect.json':$2"; echo "found:    $(cat "$TMP/stderr")"; return 1
  fi
}
test_expect 'a malformed manifest: the JSON error with line and column' '
  bad_manifest "{\"SgplanCollect\": {
  \"Version\": \"0.1.0\",,
}}" "2:22: expected a string (an object member'\''s name)"
'
test_expect 'a manifest that is not one, or misspells a status or a region' '
  bad_manifest "{\"Accounts\": []}" "1:1: expected an object {\"SgplanCollect\": {...}}, the manifest sgplan-collect writes"
  bad_manifest "{\"SgplanCollect\": {\"Version\": \"0.1.0\", \"StartedAt\": \"x\", \"Accounts\": [
 {\"AccountId\": \"111122223333\", \"Regions\": [{\"Region\": \"us-east-1\", \"Status\": \"done\"}]}]}}" \
    "2:78: \"Status\" must be complete, failed or pending: found \"done\""
  bad_manifest "{\"SgplanCollect\": {\"Version\": \"0.1.0\", \"StartedAt\": \"x\", \"Accounts\": [
 {\"AccountId\": \"111122223333\", \"Regions\": [{\"Region\": \"mars-1\", \"Status\": \"complete\"}]}]}}" \
    "2:55: \"Region\" must be a region name such as us-east-1: found \"mars-1\""
  bad_manifest "{\"SgplanCollect\": {\"Version\": \"0.1.0\", \"StartedAt\": \"x\", \"Accounts\": [{\"AccountId\": 1}]}}" \
    "1:85: \"AccountId\" must be a string"
  bad_manifest "{\"SgplanCollect\": {\"Version\": \"0.1.0\", \"Accounts\": []}}" \
    "1:19: expected \"StartedAt\" (a string)"
'
test_done
