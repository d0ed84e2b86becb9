#!/bin/sh
# fake-services-selftest.sh - checks the service APIs of tests/fake-ec2.py
# (ELBv2, classic ELB, RDS, ElastiCache, Lambda, EFS, VPC endpoints) against
# Debian's real AWS CLI v2, on fixtures/service-resources.
#
# Prints TAP.  The repository root comes from $srcdir (default ".").  Skips
# everything when SGPLAN_SKIP_AWS_CLI_TESTS is set or /usr/bin/aws (or
# /usr/bin/python3) is missing.  Talks to 127.0.0.1 only: every CLI call gets
# --endpoint-url http://127.0.0.1:PORT and the proxy variables are cleared.
# JMESPath literals (`[]`) and $LATEST are meant literally in single quotes:
# shellcheck disable=SC2016

srcdir=${srcdir:-.}
AWS=/usr/bin/aws
PY=/usr/bin/python3
FAKE="$srcdir/tests/fake-ec2.py"
FIX="$srcdir/fixtures/service-resources"

# CI runs this in its final make check; the distcheck before it sets
# SGPLAN_SKIP_AWS_CLI_TESTS=1 rather than spend minutes on the same calls twice.
if [ -n "${SGPLAN_SKIP_AWS_CLI_TESTS:-}" ]; then
  echo "1..0 # SKIP SGPLAN_SKIP_AWS_CLI_TESTS is set"
  exit 0
fi
if [ ! -x "$AWS" ] || [ ! -x "$PY" ]; then
  echo "1..0 # SKIP needs $AWS and $PY"
  exit 0
fi

SELFTEST=fake-services-selftest IDLE_TIMEOUT=180
. "$srcdir/tests/fake-selftest-lib.sh"

# aws_at PORT [--region R] SERVICE ARGS...: the real CLI against the fake
# (region eu-west-1 unless given first).
aws_at () {
  p=$1
  shift
  region=eu-west-1
  if [ "$1" = --region ]; then
    region=$2
    shift 2
  fi
  "$AWS" --region "$region" --endpoint-url "http://127.0.0.1:$p" --no-cli-pager "$@"
}

# run CMD...: sets $rc; stdout in $TMP/out, stderr in $TMP/err.
run () {
  rc=0
  "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
}

expect_rc () {
  if [ "$rc" -ne "$1" ]; then
    echo "expected exit status $1, got $rc"
    echo "stdout:"; cat "$TMP/out"
    echo "stderr:"; cat "$TMP/err"
    return 1
  fi
}

# expect_error CODE: the CLI failed (254) with the service's error CODE.
expect_error () {
  expect_rc 254 || return 1
  grep -q "An error occurred ($1) when calling" "$TMP/err" || { cat "$TMP/err"; return 1; }
}

# expect_out TEXT: stdout is exactly TEXT (and a newline).
expect_out () {
  printf '%s\n' "$1" >"$TMP/want"
  cmp -s "$TMP/want" "$TMP/out" || { echo "stdout:"; cat "$TMP/out"; echo "wanted:"; cat "$TMP/want"; return 1; }
}

# Checks in Python, so that values travel as argv and are compared exactly.
cat >"$TMP/check.py" <<'EOF'
import json, sys

def fail(msg):
    print(msg)
    sys.exit(1)

def log_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f]

cmd, args = sys.argv[1], sys.argv[2:]

if cmd == "same":
    # same FIXTURE KEY CLI-OUTPUT [KEY-THE-CLI-DROPS...]: the CLI printed the
    # fixture's documents under KEY exactly: same items, order, keys and values.
    # KEY-THE-CLI-DROPS are members newer than the CLI's service model.
    with open(args[0], encoding="utf-8") as f:
        want = json.load(f)[args[1]]
    with open(args[2], encoding="utf-8") as f:
        got = json.load(f)[args[1]]
    dropped = set(args[3:])
    want = [{k: v for k, v in w.items() if k not in dropped} for w in want]
    if got != want:
        fail("%s:\n got  %s\n want %s" % (args[1], json.dumps(got, indent=1),
                                          json.dumps(want, indent=1)))

elif cmd == "logline":
    # logline LOG N SERVICE ACTION EXTRAS-JSON PARAMS-JSON: line N is exactly that.
    path, idx, service, action, extras, params = args
    want = {"service": service, "action": action, "params": json.loads(params),
            "region": "eu-west-1", "access_key": "testing"}
    want.update(json.loads(extras))
    lines = log_lines(path)
    if len(lines) < int(idx):
        fail("log has %d lines, wanted line %s" % (len(lines), idx))
    got = lines[int(idx) - 1]
    if got != want:
        fail("log line %s:\n got  %s\n want %s" % (idx, json.dumps(got, sort_keys=True),
                                                  json.dumps(want, sort_keys=True)))

elif cmd == "calls":
    # calls LOG SERVICE:ACTION ...: the log holds exactly these calls, in order.
    got = ["%s:%s" % (l["service"], l["action"]) for l in log_lines(args[0])]
    if got != args[1:]:
        fail("calls:\n got  %s\n want %s" % (got, args[1:]))

elif cmd == "enis":
    # enis CLI-OUTPUT ENI=G1,G2 ...: describe-network-interfaces printed exactly
    # these ENIs (in export order), each with exactly these groups in order.
    with open(args[0], encoding="utf-8") as f:
        got = [(e["NetworkInterfaceId"], ",".join(g["GroupId"] for g in e["Groups"]))
               for e in json.load(f)["NetworkInterfaces"]]
    want = [tuple(a.split("=", 1)) for a in args[1:]]
    if got != want:
        fail("ENIs:\n got  %s\n want %s" % (got, want))

else:
    fail("unknown check %s" % cmd)
EOF
check () {
  "$PY" "$TMP/check.py" "$@"
}

DEF=sg-0d1e2f3a4b5c6d7e8   # default
APP=sg-0a11b22c33d44e55f   # reports-db-clients
V1=sg-0f9e8d7c6b5a49382    # orders-api-v1
ALB=arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web-alb/3c5e2f8a9d1b4e67
VPCE=vpce-0c4d5e6f7a8b9c0d1
FSMT=fsmt-0a9b8c7d6e5f4a3b2
SA=subnet-0a1c4e7f9b2d5a8c1
SB=subnet-0b2d5f8a1c3e6b9d2
# The fixture's ENIs, by owner.
E_ALB1=eni-0a3f5c7e9b1d2f4a6 E_ALB2=eni-0b4a6d8f0c2e3a5b7 E_CLB=eni-0c5b7e9a1d3f4b6c8
E_VPCE=eni-0d6c8f0b2e4a5c7d9 E_EFS=eni-0e7d9a1c3f5b6d8e0
E_FN1=eni-0f8e0b2d4a6c7e9f1 E_FN2=eni-01a9f1c3e5b7d8f0a E_FNV1=eni-02b0a2d4f6c8e9a1b
E_RDS=eni-03c1b3e5a7d9f0b2c E_AURORA=eni-04d2c4f6b8e0a1c3d E_CACHE=eni-05e3d5a7c9f1b2d4e

# --- server 1: no delay; describe, modify, errors, log ------------------------
start_server one "$FIX" || true
P1=$port

t_describe () {
  [ -n "$P1" ] || return 1
  run aws_at "$P1" elbv2 describe-load-balancers --output json
  expect_rc 0 && check same "$FIX/load-balancers.json" LoadBalancers "$TMP/out" || return 1
  run aws_at "$P1" elb describe-load-balancers --output json
  expect_rc 0 && check same "$FIX/classic-load-balancers.json" LoadBalancerDescriptions \
    "$TMP/out" || return 1
  run aws_at "$P1" ec2 describe-vpc-endpoints --output json
  expect_rc 0 && check same "$FIX/vpc-endpoints.json" VpcEndpoints "$TMP/out" || return 1
  # DedicatedLogVolume and LoggingConfig are newer than the CLI's models.
  run aws_at "$P1" rds describe-db-instances --output json
  expect_rc 0 && check same "$FIX/db-instances.json" DBInstances "$TMP/out" \
    DedicatedLogVolume || return 1
  run aws_at "$P1" rds describe-db-clusters --output json
  expect_rc 0 && check same "$FIX/db-clusters.json" DBClusters "$TMP/out" || return 1
  run aws_at "$P1" elasticache describe-cache-clusters --show-cache-node-info --output json
  expect_rc 0 && check same "$FIX/cache-clusters.json" CacheClusters "$TMP/out" || return 1
  run aws_at "$P1" lambda list-functions --function-version ALL --output json
  expect_rc 0 && check same "$FIX/lambda-functions.json" Functions "$TMP/out" \
    LoggingConfig || return 1
  run aws_at "$P1" efs describe-mount-targets --file-system-id fs-0e1f2a3b4c5d6e7f8 --output json
  expect_rc 0 && check same "$FIX/mount-targets.json" MountTargets "$TMP/out" || return 1
  run aws_at "$P1" ec2 describe-network-interfaces --output json
  expect_rc 0 && check same "$FIX/network-interfaces.json" NetworkInterfaces "$TMP/out"
}
tap 'describe calls of every service print the export back exactly (all members, types, list names)' t_describe

t_describe_narrow () {
  run aws_at "$P1" elbv2 describe-load-balancers --names web-alb --query 'LoadBalancers[].LoadBalancerArn' --output text
  expect_rc 0 && expect_out "$ALB" || return 1
  run aws_at "$P1" elb describe-load-balancers --load-balancer-names legacy-clb --query 'LoadBalancerDescriptions[].SecurityGroups[]' --output text
  expect_rc 0 && expect_out "$DEF" || return 1
  run aws_at "$P1" rds describe-db-instances --filters Name=db-cluster-id,Values=reports-aurora --query 'DBInstances[].DBInstanceIdentifier' --output text
  expect_rc 0 && expect_out reports-aurora-instance-1 || return 1
  run aws_at "$P1" elasticache describe-cache-clusters --cache-cluster-id orders-cache-001 --query 'CacheClusters[0].[ReplicationGroupId, length(CacheNodes || `[]`)]' --output text
  expect_rc 0 && expect_out "orders-cache	0" || return 1
  run aws_at "$P1" elasticache describe-replication-groups --replication-group-id orders-cache --query 'ReplicationGroups[0].[MemberClusters[0], NodeGroups[0].NodeGroupMembers[0].CurrentRole, ARN]' --output text
  expect_rc 0 && expect_out "orders-cache-001	primary	arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:orders-cache" || return 1
  run aws_at "$P1" lambda list-functions --query 'Functions[].Version' --output text
  expect_rc 0 && expect_out '$LATEST' || return 1
  run aws_at "$P1" lambda get-function-configuration --function-name orders-api --qualifier 1 --query 'VpcConfig.SecurityGroupIds' --output text
  expect_rc 0 && expect_out "$V1" || return 1
  run aws_at "$P1" lambda get-function-configuration --function-name "arn:aws:lambda:eu-west-1:111122223333:function:orders-api:\$LATEST" --query 'VpcConfig.SecurityGroupIds' --output text
  expect_rc 0 && expect_out "$DEF" || return 1
  run aws_at "$P1" efs describe-mount-targets --mount-target-id "$FSMT" --query 'MountTargets[].[NetworkInterfaceId, SecurityGroups]' --output text
  expect_rc 0 && expect_out "$E_EFS	None" || return 1
  run aws_at "$P1" efs describe-mount-target-security-groups --mount-target-id "$FSMT" --query 'SecurityGroups' --output text
  expect_rc 0 && expect_out "$DEF" || return 1
  run aws_at "$P1" ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0e5a7c3b9d1f24680 --query 'VpcEndpoints[].Groups[].GroupId' --output text
  expect_rc 0 && expect_out "$DEF"
}
tap 'describe by name/ID/filter; EFS groups come from the ENI, the mount target has none; published versions only with ALL' t_describe_narrow

t_modify () {
  run aws_at "$P1" elbv2 set-security-groups --load-balancer-arn "$ALB" --security-groups "$V1" "$APP" --query SecurityGroupIds --output text
  expect_rc 0 && expect_out "$V1	$APP" || return 1
  run aws_at "$P1" elb apply-security-groups-to-load-balancer --load-balancer-name legacy-clb --security-groups "$V1" --query SecurityGroups --output text
  expect_rc 0 && expect_out "$V1" || return 1
  run aws_at "$P1" ec2 modify-vpc-endpoint --vpc-endpoint-id "$VPCE" --add-security-group-ids "$V1" --query Return --output text
  expect_rc 0 && expect_out True || return 1
  run aws_at "$P1" ec2 modify-vpc-endpoint --vpc-endpoint-id "$VPCE" --remove-security-group-ids "$DEF" --query Return --output text
  expect_rc 0 && expect_out True || return 1
  run aws_at "$P1" rds modify-db-instance --db-instance-identifier orders-db --vpc-security-group-ids "$V1" --apply-immediately --query 'DBInstance.VpcSecurityGroups[].[VpcSecurityGroupId, Status]' --output text
  expect_rc 0 && expect_out "$V1	active" || return 1
  run aws_at "$P1" rds modify-db-cluster --db-cluster-identifier reports-aurora --vpc-security-group-ids "$V1" "$APP" --apply-immediately --query 'DBCluster.VpcSecurityGroups[].VpcSecurityGroupId' --output text
  expect_rc 0 && expect_out "$V1	$APP" || return 1
  run aws_at "$P1" elasticache modify-replication-group --replication-group-id orders-cache --security-group-ids "$V1" --apply-immediately --query 'ReplicationGroup.ReplicationGroupId' --output text
  expect_rc 0 && expect_out orders-cache || return 1
  run aws_at "$P1" lambda update-function-configuration --function-name orders-api --vpc-config "SubnetIds=$SA,$SB,SecurityGroupIds=$V1" --query '[VpcConfig.SecurityGroupIds[0], VpcConfig.VpcId, LastUpdateStatus, Version]' --output text
  expect_rc 0 && expect_out "$V1	vpc-0e5a7c3b9d1f24680	Successful	\$LATEST" || return 1
  run aws_at "$P1" efs modify-mount-target-security-groups --mount-target-id "$FSMT" --security-groups "$V1" "$APP"
  expect_rc 0 || return 1
  [ ! -s "$TMP/out" ] || { cat "$TMP/out"; return 1; }
}
tap 'every modify call succeeds and answers in the shape the CLI expects' t_modify

t_modified () {
  run aws_at "$P1" elbv2 describe-load-balancers --query 'LoadBalancers[].SecurityGroups[]' --output text
  expect_rc 0 && expect_out "$V1	$APP" || return 1
  run aws_at "$P1" elb describe-load-balancers --query 'LoadBalancerDescriptions[].SecurityGroups[]' --output text
  expect_rc 0 && expect_out "$V1" || return 1
  run aws_at "$P1" ec2 describe-vpc-endpoints --query 'VpcEndpoints[].Groups[].[GroupId, GroupName]' --output text
  expect_rc 0 && expect_out "$V1	orders-api-v1" || return 1
  run aws_at "$P1" rds describe-db-instances --query 'DBInstances[].[DBInstanceIdentifier, join(`,`, VpcSecurityGroups[].VpcSecurityGroupId)]' --output text
  expect_rc 0 && expect_out "orders-db	$V1
reports-aurora-instance-1	$V1,$APP" || return 1
  run aws_at "$P1" rds describe-db-clusters --query 'DBClusters[].VpcSecurityGroups[].VpcSecurityGroupId' --output text
  expect_rc 0 && expect_out "$V1	$APP" || return 1
  run aws_at "$P1" elasticache describe-cache-clusters --query 'CacheClusters[].SecurityGroups[].[SecurityGroupId, Status]' --output text
  expect_rc 0 && expect_out "$V1	active" || return 1
  run aws_at "$P1" lambda list-functions --function-version ALL --query 'Functions[].[Version, join(`,`, VpcConfig.SecurityGroupIds)]' --output text
  expect_rc 0 && expect_out "\$LATEST	$V1
1	$V1" || return 1
  run aws_at "$P1" efs describe-mount-target-security-groups --mount-target-id "$FSMT" --query 'SecurityGroups' --output text
  expect_rc 0 && expect_out "$V1	$APP" || return 1
  # Without a delay the ENIs follow at once; the published version's ENI kept its group.
  run aws_at "$P1" ec2 describe-network-interfaces --output json
  expect_rc 0 && check enis "$TMP/out" "$E_ALB1=$V1,$APP" "$E_ALB2=$V1,$APP" "$E_CLB=$V1" \
    "$E_VPCE=$V1" "$E_EFS=$V1,$APP" "$E_FN1=$V1" "$E_FN2=$V1" "$E_FNV1=$V1" "$E_RDS=$V1" \
    "$E_AURORA=$V1,$APP" "$E_CACHE=$V1"
}
tap 'describe shows the new groups; the Aurora member follows its cluster; --service-delay 0 moves the ENIs at once' t_modified

t_errors () {
  run aws_at "$P1" elbv2 describe-load-balancers --names no-such-alb
  expect_error LoadBalancerNotFound || return 1
  run aws_at "$P1" elbv2 set-security-groups --load-balancer-arn "${ALB%/*}0" --security-groups "$DEF"
  expect_error LoadBalancerNotFound || return 1
  run aws_at "$P1" elbv2 set-security-groups --load-balancer-arn "$ALB" --security-groups sg-00000000000000000
  expect_error InvalidSecurityGroup || return 1
  run aws_at "$P1" elb describe-load-balancers --load-balancer-names no-such-clb
  expect_error LoadBalancerNotFound || return 1
  run aws_at "$P1" elb apply-security-groups-to-load-balancer --load-balancer-name no-such-clb --security-groups "$DEF"
  expect_error LoadBalancerNotFound || return 1
  run aws_at "$P1" ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-00000000000000000
  expect_error InvalidVpcEndpointId.NotFound || return 1
  run aws_at "$P1" ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-00000000000000000 --add-security-group-ids "$DEF"
  expect_error InvalidVpcEndpointId.NotFound || return 1
  run aws_at "$P1" rds describe-db-instances --db-instance-identifier no-such-db
  expect_error DBInstanceNotFound || return 1
  run aws_at "$P1" rds modify-db-instance --db-instance-identifier no-such-db --vpc-security-group-ids "$DEF"
  expect_error DBInstanceNotFound || return 1
  run aws_at "$P1" rds describe-db-clusters --db-cluster-identifier no-such-cluster
  expect_error DBClusterNotFoundFault || return 1
  run aws_at "$P1" rds modify-db-cluster --db-cluster-identifier no-such-cluster --vpc-security-group-ids "$DEF"
  expect_error DBClusterNotFoundFault || return 1
  run aws_at "$P1" rds modify-db-instance --db-instance-identifier reports-aurora-instance-1 --vpc-security-group-ids "$DEF"
  expect_error InvalidParameterCombination || return 1
  run aws_at "$P1" elasticache describe-cache-clusters --cache-cluster-id no-such-cache
  expect_error CacheClusterNotFound || return 1
  run aws_at "$P1" elasticache describe-replication-groups --replication-group-id no-such-group
  expect_error ReplicationGroupNotFoundFault || return 1
  run aws_at "$P1" elasticache modify-replication-group --replication-group-id no-such-group --security-group-ids "$DEF"
  expect_error ReplicationGroupNotFoundFault || return 1
  run aws_at "$P1" elasticache modify-cache-cluster --cache-cluster-id orders-cache-001 --security-group-ids "$DEF"
  expect_error InvalidParameterCombination || return 1
  run aws_at "$P1" lambda get-function-configuration --function-name no-such-function
  expect_error ResourceNotFoundException || return 1
  grep -q 'Function not found: arn:aws:lambda:eu-west-1:111122223333:function:no-such-function$' "$TMP/err" || { cat "$TMP/err"; return 1; }
  run aws_at "$P1" lambda update-function-configuration --function-name no-such-function --vpc-config "SubnetIds=$SA,SecurityGroupIds=$DEF"
  expect_error ResourceNotFoundException || return 1
  run aws_at "$P1" lambda update-function-configuration --function-name orders-api:1 --vpc-config "SubnetIds=$SA,SecurityGroupIds=$DEF"
  expect_error InvalidParameterValueException || return 1
  run aws_at "$P1" efs describe-mount-targets --mount-target-id fsmt-00000000000000000
  expect_error MountTargetNotFound || return 1
  run aws_at "$P1" efs describe-mount-targets --file-system-id fs-00000000000000000
  expect_error FileSystemNotFound || return 1
  run aws_at "$P1" efs describe-mount-target-security-groups --mount-target-id fsmt-00000000000000000
  expect_error MountTargetNotFound || return 1
  run aws_at "$P1" efs modify-mount-target-security-groups --mount-target-id fsmt-00000000000000000 --security-groups "$DEF"
  expect_error MountTargetNotFound || return 1
  run aws_at "$P1" efs modify-mount-target-security-groups --mount-target-id "$FSMT" --security-groups sg-00000000000000000
  expect_error SecurityGroupNotFound || return 1
  # None of the failed calls changed anything.
  run aws_at "$P1" rds describe-db-instances --query 'DBInstances[].VpcSecurityGroups[0].VpcSecurityGroupId' --output text
  expect_rc 0 && expect_out "$V1	$V1" || return 1
  run aws_at "$P1" lambda get-function-configuration --function-name orders-api:1 --query 'VpcConfig.SecurityGroupIds' --output text
  expect_rc 0 && expect_out "$V1"
}
tap 'unknown resources and groups: each service'"'"'s own error code, CLI exit 254, nothing changed' t_errors

t_log () {
  check logline "$TMP/one.log" 21 elbv2 SetSecurityGroups '{}' \
    "{\"LoadBalancerArn\": \"$ALB\", \"SecurityGroups.member.1\": \"$V1\", \"SecurityGroups.member.2\": \"$APP\"}" || return 1
  check logline "$TMP/one.log" 22 elb ApplySecurityGroupsToLoadBalancer '{}' \
    "{\"LoadBalancerName\": \"legacy-clb\", \"SecurityGroups.member.1\": \"$V1\"}" || return 1
  check logline "$TMP/one.log" 23 ec2 ModifyVpcEndpoint '{}' \
    "{\"VpcEndpointId\": \"$VPCE\", \"AddSecurityGroupId.1\": \"$V1\"}" || return 1
  check logline "$TMP/one.log" 24 ec2 ModifyVpcEndpoint '{}' \
    "{\"VpcEndpointId\": \"$VPCE\", \"RemoveSecurityGroupId.1\": \"$DEF\"}" || return 1
  # botocore names an RDS/ElastiCache list member after the model (not "member").
  check logline "$TMP/one.log" 25 rds ModifyDBInstance '{}' \
    "{\"DBInstanceIdentifier\": \"orders-db\", \"VpcSecurityGroupIds.VpcSecurityGroupId.1\": \"$V1\", \"ApplyImmediately\": \"true\"}" || return 1
  check logline "$TMP/one.log" 26 rds ModifyDBCluster '{}' \
    "{\"DBClusterIdentifier\": \"reports-aurora\", \"VpcSecurityGroupIds.VpcSecurityGroupId.1\": \"$V1\", \"VpcSecurityGroupIds.VpcSecurityGroupId.2\": \"$APP\", \"ApplyImmediately\": \"true\"}" || return 1
  check logline "$TMP/one.log" 27 elasticache ModifyReplicationGroup '{}' \
    "{\"ReplicationGroupId\": \"orders-cache\", \"SecurityGroupIds.SecurityGroupId.1\": \"$V1\", \"ApplyImmediately\": \"true\"}" || return 1
  check logline "$TMP/one.log" 28 lambda UpdateFunctionConfiguration '{}' \
    "{\"FunctionName\": \"orders-api\", \"VpcConfig\": {\"SubnetIds\": [\"$SA\", \"$SB\"], \"SecurityGroupIds\": [\"$V1\"]}}" || return 1
  check logline "$TMP/one.log" 29 efs ModifyMountTargetSecurityGroups '{}' \
    "{\"MountTargetId\": \"$FSMT\", \"SecurityGroups\": [\"$V1\", \"$APP\"]}" || return 1
  check logline "$TMP/one.log" 7 lambda ListFunctions '{}' '{"FunctionVersion": "ALL"}' || return 1
  check logline "$TMP/one.log" 16 lambda GetFunctionConfiguration '{}' \
    '{"FunctionName": "orders-api", "Qualifier": "1"}' || return 1
  check logline "$TMP/one.log" 19 efs DescribeMountTargetSecurityGroups '{}' \
    "{\"MountTargetId\": \"$FSMT\"}" || return 1
  check logline "$TMP/one.log" 50 rds ModifyDBInstance '{"error": "InvalidParameterCombination"}' \
    "{\"DBInstanceIdentifier\": \"reports-aurora-instance-1\", \"VpcSecurityGroupIds.VpcSecurityGroupId.1\": \"$DEF\"}" || return 1
  check logline "$TMP/one.log" 55 lambda GetFunctionConfiguration '{"error": "ResourceNotFoundException"}' \
    '{"FunctionName": "no-such-function"}'
}
tap 'log: service, action, Query parameters as sent; REST path, query and JSON body as params; errors' t_log

t_log_calls () {
  check calls "$TMP/one.log" elbv2:DescribeLoadBalancers elb:DescribeLoadBalancers \
    ec2:DescribeVpcEndpoints rds:DescribeDBInstances rds:DescribeDBClusters \
    elasticache:DescribeCacheClusters lambda:ListFunctions efs:DescribeMountTargets \
    ec2:DescribeNetworkInterfaces \
    elbv2:DescribeLoadBalancers elb:DescribeLoadBalancers rds:DescribeDBInstances \
    elasticache:DescribeCacheClusters elasticache:DescribeReplicationGroups \
    lambda:ListFunctions lambda:GetFunctionConfiguration lambda:GetFunctionConfiguration \
    efs:DescribeMountTargets efs:DescribeMountTargetSecurityGroups ec2:DescribeVpcEndpoints \
    elbv2:SetSecurityGroups elb:ApplySecurityGroupsToLoadBalancer ec2:ModifyVpcEndpoint \
    ec2:ModifyVpcEndpoint rds:ModifyDBInstance rds:ModifyDBCluster \
    elasticache:ModifyReplicationGroup lambda:UpdateFunctionConfiguration \
    efs:ModifyMountTargetSecurityGroups \
    elbv2:DescribeLoadBalancers elb:DescribeLoadBalancers ec2:DescribeVpcEndpoints \
    rds:DescribeDBInstances rds:DescribeDBClusters elasticache:DescribeCacheClusters \
    lambda:ListFunctions efs:DescribeMountTargetSecurityGroups ec2:DescribeNetworkInterfaces \
    elbv2:DescribeLoadBalancers elbv2:SetSecurityGroups elbv2:SetSecurityGroups \
    elb:DescribeLoadBalancers elb:ApplySecurityGroupsToLoadBalancer \
    ec2:DescribeVpcEndpoints ec2:ModifyVpcEndpoint rds:DescribeDBInstances \
    rds:ModifyDBInstance rds:DescribeDBClusters rds:ModifyDBCluster rds:ModifyDBInstance \
    elasticache:DescribeCacheClusters elasticache:DescribeReplicationGroups \
    elasticache:ModifyReplicationGroup elasticache:ModifyCacheCluster \
    lambda:GetFunctionConfiguration lambda:UpdateFunctionConfiguration \
    lambda:UpdateFunctionConfiguration efs:DescribeMountTargets efs:DescribeMountTargets \
    efs:DescribeMountTargetSecurityGroups efs:ModifyMountTargetSecurityGroups \
    efs:ModifyMountTargetSecurityGroups rds:DescribeDBInstances lambda:GetFunctionConfiguration
}
tap 'log: one line per request, in order, each with its service' t_log_calls

# --- server 2: --service-delay; the ENIs follow late ---------------------------
DELAY=20
start_server two "$FIX" --service-delay "$DELAY" || true
P2=$port

# still_old WHAT ENI=GROUPS...: right after WHAT changed, describe-network-
# interfaces with a group-id filter for the old groups' first group still
# finds exactly these ENIs of the resource, with their old groups; and all of
# it happened within the delay (else the check would prove nothing).
still_old () {
  what=$1
  shift
  ids=
  first=
  for a in "$@"; do
    ids="$ids${ids:+,}${a%%=*}"
    [ -n "$first" ] || first=${a#*=}
  done
  run aws_at "$P2" ec2 describe-network-interfaces \
    --filters "Name=group-id,Values=${first%%,*}" "Name=network-interface-id,Values=$ids" --output json
  expect_rc 0 || return 1
  check enis "$TMP/out" "$@" || { echo "($what)"; return 1; }
  t1=$(date +%s)
  [ $((t1 - t0)) -lt "$DELAY" ] || { echo "$what: too slow to check the delay ($((t1 - t0)) s)"; return 1; }
}

t_delay_before () {
  [ -n "$P2" ] || return 1
  t0=$(date +%s)
  run aws_at "$P2" elbv2 set-security-groups --load-balancer-arn "$ALB" --security-groups "$V1"
  expect_rc 0 && still_old elbv2 "$E_ALB1=$DEF" "$E_ALB2=$DEF" || return 1
  run aws_at "$P2" elbv2 describe-load-balancers --query 'LoadBalancers[].SecurityGroups[]' --output text
  expect_rc 0 && expect_out "$V1" || return 1
  t0=$(date +%s)
  run aws_at "$P2" elb apply-security-groups-to-load-balancer --load-balancer-name legacy-clb --security-groups "$V1"
  expect_rc 0 && still_old elb "$E_CLB=$DEF" || return 1
  t0=$(date +%s)
  run aws_at "$P2" ec2 modify-vpc-endpoint --vpc-endpoint-id "$VPCE" --add-security-group-ids "$V1" --remove-security-group-ids "$DEF"
  expect_rc 0 && still_old vpce "$E_VPCE=$DEF" || return 1
  t0=$(date +%s)
  run aws_at "$P2" efs modify-mount-target-security-groups --mount-target-id "$FSMT" --security-groups "$V1"
  expect_rc 0 && still_old efs "$E_EFS=$DEF" || return 1
  run aws_at "$P2" efs describe-mount-target-security-groups --mount-target-id "$FSMT" --query SecurityGroups --output text
  expect_rc 0 && expect_out "$V1" || return 1
  t0=$(date +%s)
  run aws_at "$P2" lambda update-function-configuration --function-name orders-api --vpc-config "SubnetIds=$SA,$SB,SecurityGroupIds=$V1" --query LastUpdateStatus --output text
  expect_rc 0 && expect_out InProgress || return 1
  still_old lambda "$E_FN1=$DEF" "$E_FN2=$DEF" || return 1
  run aws_at "$P2" lambda update-function-configuration --function-name orders-api --vpc-config "SubnetIds=$SA,SecurityGroupIds=$DEF"
  expect_error ResourceConflictException || return 1
  run aws_at "$P2" lambda get-function-configuration --function-name orders-api --query '[LastUpdateStatus, VpcConfig.SecurityGroupIds[0]]' --output text
  expect_rc 0 && expect_out "InProgress	$V1" || return 1
  t0=$(date +%s)
  run aws_at "$P2" rds modify-db-instance --db-instance-identifier orders-db --vpc-security-group-ids "$V1" --apply-immediately
  expect_rc 0 && still_old rds "$E_RDS=$DEF" || return 1
  t0=$(date +%s)
  run aws_at "$P2" rds modify-db-cluster --db-cluster-identifier reports-aurora --vpc-security-group-ids "$APP" --apply-immediately
  expect_rc 0 && still_old aurora "$E_AURORA=$DEF,$APP" || return 1
  t0=$(date +%s)
  run aws_at "$P2" elasticache modify-replication-group --replication-group-id orders-cache --security-group-ids "$V1" --apply-immediately
  expect_rc 0 && still_old elasticache "$E_CACHE=$DEF" || return 1
  echo "$t0" >"$TMP/t-last"
}
tap "--service-delay $DELAY: right after each change its ENIs still carry the old groups (group-id filter); Lambda refuses a second update meanwhile" t_delay_before

t_delay_after () {
  [ -s "$TMP/t-last" ] || return 1
  # Wait out the delay of the last change (at most 3 times the delay).
  i=0
  while :; do
    run aws_at "$P2" ec2 describe-network-interfaces --filters "Name=group-id,Values=$DEF" --query 'length(NetworkInterfaces)' --output text
    expect_rc 0 || return 1
    [ "$(cat "$TMP/out")" != 0 ] || break
    [ $i -lt $((DELAY * 3)) ] || { echo "the ENIs never moved"; return 1; }
    sleep 1
    i=$((i + 1))
  done
  t1=$(date +%s)
  [ $((t1 - $(cat "$TMP/t-last"))) -ge $((DELAY - 1)) ] || { echo "moved before the delay"; return 1; }
  run aws_at "$P2" ec2 describe-network-interfaces --output json
  expect_rc 0 && check enis "$TMP/out" "$E_ALB1=$V1" "$E_ALB2=$V1" "$E_CLB=$V1" \
    "$E_VPCE=$V1" "$E_EFS=$V1" "$E_FN1=$V1" "$E_FN2=$V1" "$E_FNV1=$V1" "$E_RDS=$V1" \
    "$E_AURORA=$APP" "$E_CACHE=$V1" || return 1
  run aws_at "$P2" ec2 describe-network-interfaces --filters "Name=group-id,Values=$V1" --query 'length(NetworkInterfaces)' --output text
  expect_rc 0 && expect_out 10 || return 1
  run aws_at "$P2" lambda wait function-updated --function-name orders-api
  expect_rc 0 || return 1
  run aws_at "$P2" lambda get-function-configuration --function-name orders-api --query LastUpdateStatus --output text
  expect_rc 0 && expect_out Successful
}
tap "--service-delay $DELAY: after it every ENI carries its resource's new groups; lambda wait function-updated ends" t_delay_after

# --- server 3: --fail-at hits a service call ----------------------------------
start_server three "$FIX" --fail-at 2 --fail-code AccessDenied || true
P3=$port

t_failat () {
  [ -n "$P3" ] || return 1
  run aws_at "$P3" rds describe-db-instances --query 'length(DBInstances)' --output text
  expect_rc 0 || return 1
  run aws_at "$P3" elbv2 set-security-groups --load-balancer-arn "$ALB" --security-groups "$V1"
  expect_rc 0 || return 1
  run aws_at "$P3" rds modify-db-instance --db-instance-identifier orders-db --vpc-security-group-ids "$V1" --apply-immediately
  expect_error AccessDenied || return 1
  run aws_at "$P3" lambda update-function-configuration --function-name orders-api --vpc-config "SubnetIds=$SA,SecurityGroupIds=$V1" --query 'VpcConfig.SecurityGroupIds' --output text
  expect_rc 0 && expect_out "$V1" || return 1
  run aws_at "$P3" rds describe-db-instances --db-instance-identifier orders-db --query 'DBInstances[].VpcSecurityGroups[].VpcSecurityGroupId' --output text
  expect_rc 0 && expect_out "$DEF" || return 1
  check calls "$TMP/three.log" rds:DescribeDBInstances elbv2:SetSecurityGroups \
    rds:ModifyDBInstance lambda:UpdateFunctionConfiguration rds:DescribeDBInstances || return 1
  check logline "$TMP/three.log" 3 rds ModifyDBInstance '{"failed": true, "error": "AccessDenied"}' \
    "{\"DBInstanceIdentifier\": \"orders-db\", \"VpcSecurityGroupIds.VpcSecurityGroupId.1\": \"$V1\", \"ApplyImmediately\": \"true\"}"
}
tap '--fail-at 2: the second changing call (a service call) fails, changes nothing; the next goes on' t_failat

t_failat_rest () {
  start_server four "$FIX" --fail-at 1 || return 1
  run aws_at "$port" efs modify-mount-target-security-groups --mount-target-id "$FSMT" --security-groups "$V1"
  expect_error UnauthorizedOperation || return 1
  run aws_at "$port" efs describe-mount-target-security-groups --mount-target-id "$FSMT" --query SecurityGroups --output text
  expect_rc 0 && expect_out "$DEF" || return 1
  check logline "$TMP/four.log" 1 efs ModifyMountTargetSecurityGroups \
    '{"failed": true, "error": "UnauthorizedOperation"}' \
    "{\"MountTargetId\": \"$FSMT\", \"SecurityGroups\": [\"$V1\"]}"
}
tap '--fail-at 1: a failing REST call (EFS) answers in the REST error format' t_failat_rest

# --- server 5: region folders ---------------------------------------------------
mkdir -p "$TMP/export/111122223333/eu-west-1"
cp "$FIX"/*.json "$TMP/export/111122223333/eu-west-1/"

t_regions () {
  start_server five "$TMP/export" || return 1
  for call in "elbv2 describe-load-balancers --query length(LoadBalancers)" \
      "elb describe-load-balancers --query length(LoadBalancerDescriptions)" \
      "ec2 describe-vpc-endpoints --query length(VpcEndpoints)" \
      "rds describe-db-instances --query length(DBInstances)" \
      "rds describe-db-clusters --query length(DBClusters)" \
      "elasticache describe-cache-clusters --query length(CacheClusters)" \
      "elasticache describe-replication-groups --query length(ReplicationGroups)" \
      "lambda list-functions --function-version ALL --query length(Functions)"; do
    # shellcheck disable=SC2086
    run aws_at "$port" --region us-east-1 $call --output text
    if ! expect_rc 0 || ! expect_out 0; then
      echo "us-east-1: $call"
      return 1
    fi
  done
  run aws_at "$port" rds describe-db-clusters --query 'DBClusters[].DBClusterIdentifier' --output text
  expect_rc 0 && expect_out reports-aurora || return 1
  run aws_at "$port" lambda list-functions --function-version ALL --query 'Functions[].Version' --output text
  expect_rc 0 && expect_out '$LATEST	1' || return 1
  run aws_at "$port" --region us-east-1 efs describe-mount-target-security-groups --mount-target-id "$FSMT"
  expect_error MountTargetNotFound || return 1
  run aws_at "$port" --region us-east-1 lambda get-function-configuration --function-name orders-api
  expect_error ResourceNotFoundException
}
tap 'export: a service document under a region folder is only visible to that region' t_regions

# --- server 6: a hyperplane ENI shared by two functions -----------------------
mkdir -p "$TMP/shared"
cp "$FIX"/*.json "$TMP/shared/"
"$PY" - "$TMP/shared/lambda-functions.json" <<'EOF'
import json, sys
path = sys.argv[1]
doc = json.load(open(path))
twin = dict(doc["Functions"][0])
twin["FunctionName"] = "orders-worker"
twin["FunctionArn"] = twin["FunctionArn"].replace("orders-api", "orders-worker")
doc["Functions"].append(twin)
json.dump(doc, open(path, "w"), indent=4)
EOF

t_shared () {
  start_server six "$TMP/shared" || return 1
  # orders-worker has the same subnets and groups as orders-api: the ENIs named
  # after orders-api serve both, so they keep the default group until both moved.
  run aws_at "$port" lambda update-function-configuration --function-name orders-api --vpc-config "SubnetIds=$SA,$SB,SecurityGroupIds=$V1"
  expect_rc 0 || return 1
  run aws_at "$port" ec2 describe-network-interfaces --network-interface-ids "$E_FN1" "$E_FN2" --output json
  expect_rc 0 && check enis "$TMP/out" "$E_FN1=$DEF" "$E_FN2=$DEF" || return 1
  run aws_at "$port" lambda update-function-configuration --function-name orders-worker --vpc-config "SubnetIds=$SA,$SB,SecurityGroupIds=$V1"
  expect_rc 0 || return 1
  run aws_at "$port" ec2 describe-network-interfaces --network-interface-ids "$E_FN1" "$E_FN2" --output json
  expect_rc 0 && check enis "$TMP/out" "$E_FN1=$V1" "$E_FN2=$V1"
}
tap 'Lambda: a hyperplane ENI shared by two functions moves only when the last of them moved' t_shared

echo "1..$n"
[ "$failed" -eq 0 ]
