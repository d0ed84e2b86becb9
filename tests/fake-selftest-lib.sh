# fake-selftest-lib.sh - what the self-tests of tests/fake-ec2.py share
# (fake-ec2-selftest.sh, fake-services-selftest.sh): the real CLI's
# environment (throw-away credentials, no configuration, 127.0.0.1 only), a
# temporary folder, TAP output and starting fakes.  The caller sets SELFTEST
# (its name), IDLE_TIMEOUT (seconds), PY and FAKE.

export LC_ALL=C.UTF-8
# The CLI must see only these throw-away credentials and no configuration.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
  AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2 AWS_USE_FIPS_ENDPOINT AWS_USE_DUALSTACK_ENDPOINT \
  AWS_CA_BUNDLE AWS_DEFAULT_OUTPUT AWS_DEFAULT_REGION AWS_REGION AWS_CLI_AUTO_PROMPT \
  AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
  AWS_CONTAINER_CREDENTIALS_FULL_URI \
  http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_PAGER=
# One attempt per call: the log then shows every request exactly once,
# even for an injected error code that botocore would retry.
export AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/$SELFTEST.XXXXXX") || exit 1
PIDS=
cleanup () {
  for p in $PIDS; do
    kill "$p" 2>/dev/null
  done
  for p in $PIDS; do
    wait "$p" 2>/dev/null
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
failed=0
# tap 'what it proves' FUNCTION: runs FUNCTION, its output shown as comments on failure.
tap () {
  n=$((n + 1))
  if "$2" >"$TMP/.tap" 2>&1; then
    echo "ok $n - $1"
  else
    failed=$((failed + 1))
    echo "not ok $n - $1"
    sed 's/^/# /' "$TMP/.tap"
  fi
}

nap () {
  sleep 0.1 2>/dev/null || sleep 1
}

# start_server NAME EXPORT [ARGS...]: starts the fake, logging to $TMP/NAME.log;
# sets $port and $pid.  Waits at most 15 s for the port file.
start_server () {
  name=$1 export_dir=$2
  shift 2
  rm -f "$TMP/$name.port"
  "$PY" "$FAKE" --export "$export_dir" --log "$TMP/$name.log" \
    --port-file "$TMP/$name.port" --idle-timeout "$IDLE_TIMEOUT" "$@" \
    >"$TMP/$name.out" 2>&1 &
  pid=$!
  PIDS="$PIDS $pid"
  port=
  i=0
  while [ $i -lt 150 ]; do
    if [ -s "$TMP/$name.port" ]; then
      port=$(cat "$TMP/$name.port")
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    nap
    i=$((i + 1))
  done
  echo "fake-ec2 $name did not start:"
  cat "$TMP/$name.out"
  return 1
}
