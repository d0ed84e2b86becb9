#!/bin/sh
# journey.sh - README.md's journey, run as written (tests/readme-run.py): its
# `$` lines with Debian's real AWS CLI (/usr/bin/aws) against tests/fake-ec2.py
# (account 111122223333 holding fixtures/example in us-east-1) and
# tests/fake-securityhub.py on 127.0.0.1, through an `aws` on PATH that adds
# --endpoint-url; sgplan and sgplan-collect are the built ones.
. "$srcdir/tests/lib.sh"

py=/usr/bin/python3
if [ -n "${SGPLAN_SKIP_AWS_CLI_TESTS:-}" ]; then
  echo "1..0 # SKIP SGPLAN_SKIP_AWS_CLI_TESTS is set"
  exit 0
fi
if [ ! -x /usr/bin/aws ]; then
  echo "1..0 # SKIP needs /usr/bin/aws (Debian's awscli)"
  exit 0
fi

work=$TMP/journey
mkdir -p "$work/accounts/111122223333/us-east-1" "$work/bin" "$work/home" "$work/run"
cp "$srcdir/fixtures/example/"*.json "$work/accounts/111122223333/us-east-1/"
chmod -R u+w "$work/accounts"
cd "$work" || exit 1

# The CLI talks only to the fakes, with throwaway credentials of profile prod.
printf '[prod]\naws_access_key_id = AKIAFAKE111122223333\naws_secret_access_key = journey-secret\n' >credentials
printf '[profile prod]\nregion = us-east-1\n' >config
export HOME="$work/home" AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
export AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard AWS_PAGER=''
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 SGPLAN_COLLECT_BACKOFF=0 SOURCE_DATE_EPOCH=1764547200
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION
unset AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
unset SGPLAN_AWS SGPLAN_ENDPOINT_URL DRY_RUN SGPLAN_SKIP_PREFLIGHT SGPLAN_JOURNAL NO_COLOR

$py "$srcdir/tests/fake-ec2.py" --export accounts --per-account --log ec2.jsonl --port-file ec2.port \
  --idle-timeout 300 &
ec2_pid=$!
$py "$srcdir/tests/fake-securityhub.py" --log securityhub.jsonl --port-file securityhub.port \
  --idle-timeout 300 &
sh_pid=$!
trap 'kill $ec2_pid $sh_pid 2>/dev/null; rm -rf "$TMP"' EXIT
i=0
while [ ! -s ec2.port ] || [ ! -s securityhub.port ]; do
  i=$((i + 1))
  [ $i -le 300 ] || { echo "Bail out! the fakes did not start"; exit 1; }
  sleep 0.1
done

# `aws` as the README's reader has it, but pointed at the fakes.
cat >bin/aws <<WRAPPER
#!/bin/sh
for arg; do
  case \$arg in
    securityhub) exec /usr/bin/aws --endpoint-url http://127.0.0.1:$(cat securityhub.port) "\$@" ;;
  esac
done
exec /usr/bin/aws --endpoint-url http://127.0.0.1:$(cat ec2.port) "\$@"
WRAPPER
chmod +x bin/aws
ln -s "$SGPLAN_BIN" bin/sgplan
ln -s "${SGPLAN_COLLECT:?SGPLAN_COLLECT must be set (make check sets it)}" bin/sgplan-collect
PATH="$work/bin:$PATH"
export PATH

# The journey's TAP, then what the fakes saw: one test each.
cd run || exit 1
$py "$srcdir/tests/readme-run.py" "$srcdir/README.md" >"$work/journey.tap"
status=$?
cd "$work" || exit 1
n=$(sed -n 's/^1\.\.//p' journey.tap)
sed '1d' journey.tap
test_count=$n
[ $status = 0 ] || test_failed=$((test_failed + 1))

test_expect 'the journey changed the fake account: every default group PASSED there' '
  grep -q "\"action\": \"RevokeSecurityGroupEgress\"" "$work/ec2.jsonl"
  grep -q "\"action\": \"ModifyNetworkInterfaceAttribute\"" "$work/ec2.jsonl"
'
test_expect 'Security Hub received the 2 findings, both RESOLVED' '
  $py -c "import json, sys
seen = [f for line in open(sys.argv[1]) for f in json.loads(line).get(\"findings\", [])]
assert len(seen) == 2, seen
assert all(f[\"Workflow\"][\"Status\"] == \"RESOLVED\" for f in seen), seen" "$work/securityhub.jsonl"
'
if $py -c "import jsonschema" 2>/dev/null; then
  test_expect 'both manifests are valid against schemas/collect.schema.json' '
    $py "$srcdir/tests/validate-json.py" "$srcdir/schemas/collect.schema.json" \
      "$work/run/export/sgplan-collect.json" "$work/run/export-after/sgplan-collect.json"
  '
else
  test_skip 'both manifests are valid against schemas/collect.schema.json' 'python3-jsonschema is not installed'
fi
test_expect 'the profile secret reached no file the journey wrote' '
  ! grep -rq journey-secret "$work/run" "$work/home"
'
test_done
