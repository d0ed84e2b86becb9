# script-lib.sh - helpers shared by the script tests (script.sh, script-live.sh):
# generated AWS CLI scripts run with Debian's real AWS CLI (/usr/bin/aws)
# against tests/fake-ec2.py on 127.0.0.1, which records every EC2 Query API
# request and keeps the state the calls leave.
. "$srcdir/tests/lib.sh"

fixtures="$srcdir/fixtures"
py=/usr/bin/python3
# CI runs these in its final make check; the distcheck before it sets
# SGPLAN_SKIP_AWS_CLI_TESTS=1 rather than spend minutes on the same calls twice.
if [ -n "${SGPLAN_SKIP_AWS_CLI_TESTS:-}" ]; then
  echo "1..0 # SKIP SGPLAN_SKIP_AWS_CLI_TESTS is set"
  exit 0
fi
if [ ! -x /usr/bin/aws ] || ! $py -c 'import yaml' 2>/dev/null; then
  echo "1..0 # SKIP needs /usr/bin/aws (Debian's awscli) and python3-yaml"
  exit 0
fi

# The CLI talks only to the fake, with throwaway credentials and no retries.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_MAX_ATTEMPTS=1
export AWS_RETRY_MODE=standard AWS_PAGER='' NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy AWS_PROFILE AWS_DEFAULT_PROFILE
export SGPLAN_AWS=/usr/bin/aws
unset DRY_RUN SGPLAN_SKIP_PREFLIGHT SGPLAN_JOURNAL

# start_fake EXPORT [OPTION...]: a fake EC2 logging to ./log.jsonl; sets
# SGPLAN_ENDPOINT_URL.  It stops with the test (trap) or when idle.
start_fake () {
  export_dir=$1
  shift
  rm -f port log.jsonl
  $py "$srcdir/tests/fake-ec2.py" --export "$export_dir" --log log.jsonl --port-file port \
    --idle-timeout 60 "$@" &
  fake_pid=$!
  trap 'kill $fake_pid 2>/dev/null || :' EXIT
  wait_for_port port "the fake EC2"
  SGPLAN_ENDPOINT_URL=http://127.0.0.1:$(cat port)
  export SGPLAN_ENDPOINT_URL
}

# ec2 ARGS...: the real CLI against the fake, as someone changing the account
# behind the script's back.
ec2 () {
  /usr/bin/aws --endpoint-url "$SGPLAN_ENDPOINT_URL" --region us-east-1 ec2 "$@" >/dev/null
}

# scripts FIXTURE: cs.yaml, remediate.sh and rollback.sh in this folder.
scripts () {
  sgplan plan "$fixtures/$1" >cs.yaml
  sgplan script -o remediate.sh cs.yaml
  sgplan script --rollback -o rollback.sh cs.yaml
}

# drifted FIXTURE PYTHON: drifted/, a copy of the fixture's export, edited by
# PYTHON with `groups` and `enis` (by ID) and save() at hand.
drifted () {
  mkdir drifted && cp "$fixtures/$1"/*.json drifted/
  $py -c 'import json, sys
sg, ni = "drifted/security-groups.json", "drifted/network-interfaces.json"
g, n = json.load(open(sg)), json.load(open(ni))
groups = {x["GroupId"]: x for x in g["SecurityGroups"]}
enis = {x["NetworkInterfaceId"]: x for x in n["NetworkInterfaces"]}
def save():
    json.dump(g, open(sg, "w")); json.dump(n, open(ni, "w"))
exec(sys.argv[1])
save()' "$2"
}

steps_of () { # the IDs of all steps of cs.yaml, in order (or reversed with -r)
  $py -c 'import sys, yaml
ids = [s["id"] for g in yaml.safe_load(open("cs.yaml"))["default_groups"] for s in g["steps"]]
print(" ".join(map(str, reversed(ids) if sys.argv[1:] == ["-r"] else ids)))' "$@"
}

calls () { # check-calls.py on this test's files
  $py "$srcdir/tests/check-calls.py" cs.yaml log.jsonl sgplan-*.journal "$@"
}

changes () { # how many changing calls the fake received
  grep -vc '"action": "Describe' log.jsonl || :
}
