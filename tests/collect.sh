#!/bin/bash
# collect.sh - sgplan-collect with Debian's real AWS CLI (/usr/bin/aws)
# against tests/fake-ec2.py on 127.0.0.1 (--per-account: each 12-digit
# folder is an account, chosen by the access key): named profiles, an
# organization with assumed roles (whose secrets never reach the disk), a
# region that keeps failing, one that fails once, a denied service, a run
# again that skips what is complete, and sgplan check and plan on the result.
. "$srcdir/tests/lib.sh"

collect=${SGPLAN_COLLECT:?SGPLAN_COLLECT must be set (make check sets it)}
py=/usr/bin/python3

test_expect 'sgplan-collect --version and --help; a bad option is a usage error (exit 2)' '
  test "$("$collect" --version)" = "sgplan-collect $(sed -n "s/^AC_INIT(\[sgplan\], \[\([^]]*\)\].*/\1/p" "$srcdir/configure.ac")"
  "$collect" --help >help.txt
  for option in --profile --organization --role-name --region --output --refresh --no-services --retries --jobs --endpoint-url --help --version; do
    grep -q -- "$option" help.txt || { echo "--help does not mention $option"; false; }
  done
  status=0; "$collect" --frobnicate 2>err || status=$?
  test $status = 2 && grep -q "unknown option .--frobnicate." err
  status=0; "$collect" --organization 2>err || status=$?
  test $status = 2 && grep -q -- "--organization needs --role-name" err
  status=0; "$collect" --region mars 2>err || status=$?
  test $status = 2 && grep -q "not a region name" err
'
if command -v shellcheck >/dev/null; then
  test_expect 'sgplan-collect passes shellcheck' 'shellcheck "$collect"'
else
  test_skip 'sgplan-collect passes shellcheck' 'shellcheck is not installed'
fi
test_expect 'every option is in the manual' '
  for option in profile organization role-name region output refresh no-services retries jobs endpoint-url help version; do
    grep -q "^\.It Fl .*-$option\b" "$srcdir/man/sgplan-collect.1" || { echo "man page lacks --$option"; false; }
  done
'

if [ -n "${SGPLAN_SKIP_AWS_CLI_TESTS:-}" ] || [ ! -x /usr/bin/aws ]; then
  why=${SGPLAN_SKIP_AWS_CLI_TESTS:+SGPLAN_SKIP_AWS_CLI_TESTS is set}
  for t in 'profiles: their accounts in one region, a denied service skipped; check and plan read the result' \
           'a run again skips complete regions; --refresh collects them again; a narrower run keeps the rest in the manifest' \
           'organization: assumed roles, enabled regions, a failing region named, no secret on disk' \
           'a region that fails once is retried and completes'; do
    test_skip "$t" "${why:-needs /usr/bin/aws (Debian awscli)}"
  done
  test_done
  exit
fi

# The CLI talks only to the fake, with throwaway credentials and no retries
# of its own; HOME is a folder of the test, searched for secrets afterwards.
export AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard AWS_PAGER=''
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 SGPLAN_AWS=/usr/bin/aws SGPLAN_COLLECT_BACKOFF=0
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION
unset AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

# accounts/: 111122223333 (us-east-1, eu-west-1) and 444455556666 (the
# same) from fixtures/multi-account, 555566667777 (eu-central-1) from
# fixtures/service-exports; profiles a (111122223333) and s (555566667777).
setup () {
  mkdir -p accounts/555566667777/eu-central-1 home
  cp -r "$srcdir/fixtures/multi-account/111122223333" "$srcdir/fixtures/multi-account/444455556666" accounts/
  cp "$srcdir/fixtures/service-exports/"*.json accounts/555566667777/eu-central-1/
  chmod -R u+w accounts
  printf "[a]\naws_access_key_id = AKIAFAKE111122223333\naws_secret_access_key = profile-secret-a\n[s]\naws_access_key_id = AKIAFAKE555566667777\naws_secret_access_key = profile-secret-s\n" >credentials
  printf "[profile a]\nregion = us-east-1\n[profile s]\nregion = eu-central-1\n" >config
  export HOME=$PWD/home AWS_CONFIG_FILE=$PWD/config AWS_SHARED_CREDENTIALS_FILE=$PWD/credentials
}

# start_fake [OPTION...]: the fake on accounts/, logging to log.jsonl
start_fake () {
  rm -f port
  $py "$srcdir/tests/fake-ec2.py" --export accounts --per-account --log log.jsonl --port-file port \
    --idle-timeout 60 --opt-in-region ap-east-1 --suspended-account 999988887777 "$@" &
  fake_pid=$!
  # each test is a subshell: the fake ends with it
  trap "kill $fake_pid 2>/dev/null || :" EXIT
  i=0
  while [ ! -s port ]; do
    i=$((i + 1)); [ $i -le 300 ] || { echo "the fake EC2 did not start"; return 1; }
    sleep 0.1
  done
  endpoint=http://127.0.0.1:$(cat port)
}

run_collect () {
  status=0
  "$collect" --endpoint-url "$endpoint" "$@" >stdout 2>stderr || status=$?
}

# manifest PYTHON: assert PYTHON about m, the manifest out/sgplan-collect.json,
# which is also valid against schemas/collect.schema.json
manifest () {
  if $py -c "import jsonschema" 2>/dev/null; then
    $py "$srcdir/tests/validate-json.py" "$srcdir/schemas/collect.schema.json" out/sgplan-collect.json
  fi
  $py -c "import json, sys
m = json.load(open(\"out/sgplan-collect.json\"))[\"SgplanCollect\"]
regions = {(a[\"AccountId\"], r[\"Region\"]): r for a in m[\"Accounts\"] for r in a[\"Regions\"]}
$1"
}

calls () { # requests in the log: calls [ACTION]
  grep -c "\"action\": \"${1:-}" log.jsonl || :
}

test_expect 'profiles: their accounts in one region, a denied service skipped; check and plan read the result' '
  setup
  start_fake --deny-service rds
  run_collect -p a -p s -r eu-central-1 -j 4 -o out
  cat stderr
  test $status = 0
  grep -q "^sgplan-collect: account 111122223333 region eu-central-1 (1 of 2)$" stderr
  grep -q "^sgplan-collect: account 555566667777 region eu-central-1 (2 of 2)$" stderr
  grep -q "does not know describe-network-interfaces --include-managed-resources" stderr
  for f in security-groups network-interfaces security-group-rules security-group-references lambda-functions elasticache-cache-clusters elbv2-load-balancers elb-load-balancers vpc-endpoints efs-mount-targets; do
    test -s out/555566667777/eu-central-1/$f.json || { echo "no $f.json"; false; }
  done
  test ! -e out/555566667777/eu-central-1/rds-db-instances.json
  if ls -A out/*/*/ | grep -q "\.json\."; then echo "temporary files left"; false; fi
  manifest "
assert m[\"FinishedAt\"] and m[\"CliVersion\"].startswith(\"2.\"), m
assert sorted(regions) == [(\"111122223333\", \"eu-central-1\"), (\"555566667777\", \"eu-central-1\")], sorted(regions)
assert all(r[\"Status\"] == \"complete\" for r in regions.values())
s = regions[(\"555566667777\", \"eu-central-1\")][\"Services\"]
assert s[\"rds\"] == \"skipped: AccessDenied\" and s[\"lambda\"] == \"collected\" and s[\"efs\"] == \"collected\", s
assert m[\"Accounts\"][1][\"Caller\"] == \"arn:aws:iam::555566667777:user/fake\"
"
  sgplan check out >check.txt || test $? = 1
  grep -q "^export: collected by sgplan-collect .*, 2 accounts, 2 regions, complete$" check.txt
  if grep -q "incomplete" check.txt; then cat check.txt; false; fi
  grep -q "lambda function" check.txt
  sgplan plan -o plan.yaml out
  sgplan validate plan.yaml out >/dev/null || test $? = 5
  cp -r out "$TMP/collected"
'
test_expect 'a run again skips complete regions; --refresh collects them again; a narrower run keeps the rest in the manifest' '
  setup
  cp -r "$TMP/collected" out
  start_fake
  run_collect -p a -p s -r eu-central-1 -o out
  test $status = 0
  grep -q "account 555566667777 region eu-central-1 (2 of 2): complete, skipped" stderr
  test "$(calls Describe)" = 0
  run_collect -p a -o out --no-services --refresh -r eu-central-1
  test $status = 0
  test "$(calls DescribeSecurityGroups)" = 1
  # the narrower run keeps what the earlier one collected: account
  # 555566667777, which it did not visit, is still in the manifest
  manifest "assert sorted(regions) == [(\"111122223333\", \"eu-central-1\"), (\"555566667777\", \"eu-central-1\")], sorted(regions)
assert all(r[\"Status\"] == \"complete\" for r in regions.values())
assert [a[\"AccountId\"] for a in m[\"Accounts\"]] == [\"111122223333\", \"555566667777\"], m[\"Accounts\"]"
  sgplan check out >check.txt || test $? = 1
  grep -q "^export: collected by sgplan-collect .*, 2 accounts, 2 regions, complete$" check.txt
'
test_expect 'organization: assumed roles, enabled regions, a failing region named, no secret on disk' '
  setup
  start_fake --fail-region eu-west-1
  export AWS_ACCESS_KEY_ID=AKIAFAKE111122223333 AWS_SECRET_ACCESS_KEY=manager-secret
  run_collect --organization --role-name Audit --no-services --retries 1 -j 4 -o out
  cat stderr
  test $status = 1
  grep -q "^sgplan-collect: organization: 3 active accounts$" stderr
  grep -q "^sgplan-collect:   account 111122223333 region eu-west-1: .*InternalError" stderr
  grep -q "^sgplan-collect:   account 444455556666 region eu-west-1: " stderr
  grep -q "account 444455556666 region eu-west-1: .*retrying (1 of 1)" stderr
  test -s out/444455556666/us-east-1/network-interfaces.json
  test -s out/555566667777/eu-central-1/security-groups.json
  test ! -e out/999988887777 && test ! -e out/111122223333/ap-east-1
  test ! -e out/444455556666/eu-west-1/security-groups.json
  # the member accounts were read with their assumed credentials
  grep "\"action\": \"DescribeSecurityGroups\"" log.jsonl | grep -q "\"access_key\": \"ASIAFAKE444455556666\""
  test "$(calls AssumeRole)" = 2
  for secret in sgplanFakeSecret sgplanFakeToken; do
    if grep -r -l "$secret" out home; then echo "$secret on disk"; false; fi
    if grep -q "$secret" stderr stdout; then echo "$secret printed"; false; fi
  done
  manifest "
assert regions[(\"444455556666\", \"eu-west-1\")][\"Status\"] == \"failed\" and \"InternalError\" in regions[(\"444455556666\", \"eu-west-1\")][\"Error\"]
assert regions[(\"444455556666\", \"us-east-1\")][\"Status\"] == \"complete\"
assert [a[\"Caller\"] for a in m[\"Accounts\"]][1] == \"arn:aws:sts::444455556666:assumed-role/Audit/sgplan-collect\"
"
  run_sgplan check out; expect_status 1
  grep -q "account 111122223333 in eu-west-1 was not collected: .out/sgplan-collect.json. says failed" "$TMP/stdout"
  grep -q "account 444455556666 in eu-west-1 was not collected" "$TMP/stdout"
  grep -q "^export: collected by sgplan-collect .*, 3 accounts, 5 regions, 2 regions not collected$" "$TMP/stdout"
  run_sgplan plan out; expect_status 3
  grep -q "was not collected" "$TMP/stderr"
'
test_expect 'a region that fails once is retried and completes' '
  setup
  start_fake --fail-region eu-west-1 --fail-times 1
  run_collect -p a -r eu-west-1 --no-services -o out
  cat stderr
  test $status = 0
  grep -q "account 111122223333 region eu-west-1: .*InternalError.*retrying (1 of 2)" stderr
  manifest "assert regions[(\"111122223333\", \"eu-west-1\")][\"Status\"] == \"complete\""
  test "$(grep -c "\"failed\": true" log.jsonl)" = 1
'
test_done
