#!/bin/sh
# script-services.sh - the scripts move service resources (load balancers,
# endpoints, mount targets, Lambda functions, databases, caches) with each
# service's own call, wait for the service to move their network interfaces
# before the default group's rules go, and undo it all.  Real AWS CLI against
# tests/fake-ec2.py (see script-lib.sh), which moves a resource's interfaces
# only --service-delay seconds after the call, as the services do.
. "$srcdir/tests/script-lib.sh"

D=sg-0d1e2f3a4b5c6d7e8      # fixtures/service-resources: the default group
OTHER=sg-0a11b22c33d44e55f  # another group of its VPC
ALB=arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web-alb/3c5e2f8a9d1b4e67
export SGPLAN_WAIT_INTERVAL=1

aws_fake () {
  /usr/bin/aws --endpoint-url "$SGPLAN_ENDPOINT_URL" --region eu-west-1 "$@"
}

# called SERVICE ACTION: how many such requests the fake received
called () {
  $py -c 'import json, sys
print(sum(1 for line in open("log.jsonl") for r in [json.loads(line)]
          if r.get("service") == sys.argv[1] and r["action"] == sys.argv[2] and not r.get("failed")))' "$1" "$2"
}

# service_changes: changing calls, whatever the service (no Describe, List, Get)
service_changes () {
  $py -c 'import json
print(sum(1 for line in open("log.jsonl") for r in [json.loads(line)]
          if not r["action"].startswith(("Describe", "List", "Get"))))'
}

# groups_now FILE: "ENI group..." per network interface, as the fake has them now
groups_now () {
  aws_fake ec2 describe-network-interfaces --output json >now.json
  $py -c 'import json, sys
for e in sorted(json.load(open(sys.argv[1]))["NetworkInterfaces"], key=lambda e: e["NetworkInterfaceId"]):
    print(e["NetworkInterfaceId"], *[g["GroupId"] for g in e["Groups"]])' now.json >"$1"
}

# groups_of EXPORT FILE: the same, from an export
groups_of () {
  $py -c 'import json, sys
for e in sorted(json.load(open(sys.argv[1] + "/network-interfaces.json"))["NetworkInterfaces"], key=lambda e: e["NetworkInterfaceId"]):
    print(e["NetworkInterfaceId"], *[g["GroupId"] for g in e["Groups"]])' "$1" >"$2"
}

rules_of_d () {
  aws_fake ec2 describe-security-group-rules --filters "Name=group-id,Values=$D" \
    --query 'length(SecurityGroupRules)' --output text
}

# small [alb]: small/, the fixture's default group used by its load balancer
# and its Lambda function only, or its load balancer only (fewer calls)
small () {
  mkdir small
  cp "$fixtures/service-resources/security-groups.json" "$fixtures/service-resources/load-balancers.json" small/
  if [ "${1:-}" != alb ]; then cp "$fixtures/service-resources/lambda-functions.json" small/; fi
  $py -c 'import json, sys
d = json.load(open(sys.argv[1] + "/service-resources/network-interfaces.json"))
kinds = ("ELB app/",) if sys.argv[2] == "alb" else ("ELB app/", "AWS Lambda VPC ENI-")
d["NetworkInterfaces"] = [e for e in d["NetworkInterfaces"] if e["Description"].startswith(kinds)]
json.dump(d, open("small/network-interfaces.json", "w"), indent=4)' "$fixtures" "${1:-}"
  sgplan plan small >cs.yaml
  sgplan script -o remediate.sh cs.yaml
  sgplan script --rollback -o rollback.sh cs.yaml
}

test_expect 'a full run moves every kind of service resource with its own call, waits for the services, and the rollback restores every interface' '
  sgplan plan "$fixtures/service-resources" >cs.yaml
  grep -q "^  decision: \"migrate\"$" cs.yaml
  sgplan script -o remediate.sh cs.yaml
  sgplan script --rollback -o rollback.sh cs.yaml
  # (long enough that the last service call leaves something to wait for: the
  # waiters after the Lambda, RDS and ElastiCache calls take time too)
  start_fake "$fixtures/service-resources" --service-delay 10
  ./remediate.sh 2>stderr
  grep -q "^sgplan: all steps done$" stderr
  grep -q "^sgplan: waiting for AWS services to move network interfaces off $D: " stderr
  for call in "elbv2 SetSecurityGroups" "elb ApplySecurityGroupsToLoadBalancer" \
              "ec2 ModifyVpcEndpoint" "efs ModifyMountTargetSecurityGroups" \
              "lambda UpdateFunctionConfiguration" "rds ModifyDBInstance" "rds ModifyDBCluster" \
              "elasticache ModifyReplicationGroup"; do
    test "$(called $call)" = 2 || { echo "$call: $(called $call) calls"; exit 1; }
  done
  test "$(called ec2 ModifyNetworkInterfaceAttribute)" = 0
  test "$(rules_of_d)" = 0
  groups_now now.txt
  ! grep -q " $D" now.txt
  ./rollback.sh 2>stderr
  grep -q "^sgplan: rollback complete$" stderr
  groups_of "$fixtures/service-resources" want.txt
  groups_now now.txt
  diff want.txt now.txt
  test "$(rules_of_d)" = 2
'
test_expect 'a run interrupted after a service call goes on where it stopped' '
  small
  start_fake small --fail-at 4
  ./remediate.sh 2>stderr && exit 1
  test "$(grep "^done " sgplan-*.journal | tr "\n" " ")" = "done 1 done 2 done 3 "
  grep -q "^sgplan: error: step 4 failed" stderr
  test "$(called elbv2 SetSecurityGroups)" = 1
  : >log.jsonl
  ./remediate.sh 2>stderr
  grep -q "^sgplan: all steps done$" stderr
  test "$(called elbv2 SetSecurityGroups)" = 1
  test "$(called lambda UpdateFunctionConfiguration)" = 2
  test "$(rules_of_d)" = 0
'
test_expect 'the rollback after a partial run undoes exactly what was done' '
  small
  start_fake small --fail-at 5
  ./remediate.sh 2>/dev/null && exit 1
  test "$(grep -c "^done " sgplan-*.journal)" = 4
  : >log.jsonl
  ./rollback.sh 2>stderr
  grep -q "^sgplan: rollback complete$" stderr
  test "$(called elbv2 SetSecurityGroups)" = 1
  test "$(called lambda UpdateFunctionConfiguration)" = 1
  test "$(called ec2 DeleteSecurityGroup)" = 1
  groups_of small want.txt
  groups_now now.txt
  diff want.txt now.txt
  test "$(aws_fake elbv2 describe-load-balancers --load-balancer-arns "$ALB" --query "LoadBalancers[0].SecurityGroups" --output text)" = "$D"
'
test_expect 'a service resource changed after the export stops the run before any change' '
  small
  start_fake small
  aws_fake elbv2 set-security-groups --load-balancer-arn "$ALB" --security-groups "$D" "$OTHER" >/dev/null
  : >log.jsonl
  status=0; ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: drift: elbv2-load-balancer $ALB has groups $OTHER $D, the export says $D$" stderr
  test "$(service_changes)" = 0
'
test_expect 'a service that has not moved its interfaces in time stops the run, and a later run waits on' '
  # (the load balancer alone: the wait for the Lambda update would outlast the delay)
  small alb
  start_fake small --service-delay 15
  status=0; SGPLAN_WAIT_TIMEOUT=1 ./remediate.sh 2>stderr || status=$?
  test $status = 1
  grep -q "^sgplan: timed out after 1s (SGPLAN_WAIT_TIMEOUT) waiting for AWS services to move network interfaces off $D: eni-" stderr
  grep -q "^sgplan: error: step 5: AWS services have not yet moved their network interfaces off $D: run this script again later to go on waiting$" stderr
  test "$(rules_of_d)" = 2
  ./remediate.sh 2>stderr
  grep -q "^sgplan: waiting for AWS services to move network interfaces off $D" stderr
  grep -q "^sgplan: all steps done$" stderr
  test "$(rules_of_d)" = 0
'
test_done
