#!/bin/sh
# fake-ec2-selftest.sh - checks tests/fake-ec2.py against Debian's real AWS CLI v2.
#
# Prints TAP.  The repository root comes from $srcdir (default ".").  Skips
# everything when /usr/bin/aws (or /usr/bin/python3) is missing.  Talks to
# 127.0.0.1 only: every CLI call gets --endpoint-url http://127.0.0.1:PORT and
# the proxy variables are cleared.

srcdir=${srcdir:-.}
AWS=/usr/bin/aws
PY=/usr/bin/python3
FAKE="$srcdir/tests/fake-ec2.py"
HOSTILE="$srcdir/fixtures/hostile-values"

if [ ! -x "$AWS" ]; then
  echo "1..0 # SKIP $AWS is not installed"
  exit 0
fi
if [ ! -x "$PY" ]; then
  echo "1..0 # SKIP $PY is not installed"
  exit 0
fi

SELFTEST=fake-ec2-selftest IDLE_TIMEOUT=120
. "$srcdir/tests/fake-selftest-lib.sh"

# ec2 PORT ARGS...: the real CLI against the fake, region us-east-1.
ec2 () {
  p=$1
  shift
  "$AWS" --region us-east-1 --endpoint-url "http://127.0.0.1:$p" --no-cli-pager ec2 "$@"
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

# Checks in Python, so that values travel as argv and are compared exactly.
cat >"$TMP/check.py" <<'EOF'
import json, os, re, sys

def fail(msg):
    print(msg)
    sys.exit(1)

def log_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f]

def atoms(fixture, group_id):
    """Summary strings of a group's rules, as the --query in the test makes them."""
    with open(fixture, encoding="utf-8") as f:
        doc = json.load(f)
    out = []
    for g in doc["SecurityGroups"]:
        if g["GroupId"] != group_id:
            continue
        for egress, key in ((False, "IpPermissions"), (True, "IpPermissionsEgress")):
            for p in g.get(key, []):
                peers = [(r["CidrIp"], r) for r in p.get("IpRanges", [])]
                peers += [(r["CidrIpv6"], r) for r in p.get("Ipv6Ranges", [])]
                peers += [(r["PrefixListId"], r) for r in p.get("PrefixListIds", [])]
                peers += [(r["GroupId"], r) for r in p.get("UserIdGroupPairs", [])]
                for peer, r in peers:
                    out.append("|".join([str(egress).lower(), p["IpProtocol"],
                                         str(p.get("FromPort", -1)), str(p.get("ToPort", -1)),
                                         peer, r.get("Description", "")]))
    return sorted(out)

cmd, args = sys.argv[1], sys.argv[2:]

if cmd == "logline":
    # logline LOG N ACTION REGION EXTRAS-JSON K1 V1 K2 V2 ...: line N is exactly that.
    path, idx, action, region, extras = args[:5]
    kv = args[5:]
    want = {"service": "ec2", "action": action, "params": dict(zip(kv[0::2], kv[1::2])),
            "region": None if region == "-" else region}
    want.update(json.loads(extras))
    want["access_key"] = "testing"  # the key the CLI signed with (AWS_ACCESS_KEY_ID)
    lines = log_lines(path)
    if len(lines) < int(idx):
        fail("log has %d lines, wanted line %s" % (len(lines), idx))
    got = lines[int(idx) - 1]
    if got != want:
        fail("log line %s:\n got  %s\n want %s" % (idx, json.dumps(got, ensure_ascii=False,
             sort_keys=True), json.dumps(want, ensure_ascii=False, sort_keys=True)))
    with open(path, encoding="utf-8") as f:
        raw = f.readlines()[int(idx) - 1]
    if raw != json.dumps(got, ensure_ascii=False, sort_keys=True) + "\n":
        fail("log line %s is not json.dumps(ensure_ascii=False, sort_keys=True): %r" % (idx, raw))

elif cmd == "actions":
    # actions LOG A1 A2 ...: the log holds exactly these actions, in order.
    got = [l["action"] for l in log_lines(args[0])]
    if got != args[1:]:
        fail("actions:\n got  %s\n want %s" % (got, args[1:]))

elif cmd == "regions":
    got = sorted({l["region"] for l in log_lines(args[0])}, key=str)
    if got != [args[1]]:
        fail("regions in log: %s" % got)

elif cmd == "perms":
    # perms DESCRIPTION: --ip-permissions JSON carrying DESCRIPTION in every peer kind.
    d = args[0]
    print(json.dumps([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                       "IpRanges": [{"CidrIp": "192.0.2.0/24", "Description": d}],
                       "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32", "Description": d}],
                       "PrefixListIds": [{"PrefixListId": "pl-0123456789abcdef0",
                                          "Description": d}],
                       "UserIdGroupPairs": [{"GroupId": "sg-0fe0fe0fe0fe0fe0f",
                                             "UserId": "111122223333",
                                             "Description": d}]},
                      {"IpProtocol": "-1",
                       "UserIdGroupPairs": [{"GroupId": "sg-0de0de0de0de0de0d"}]}]))

elif cmd == "tags":
    # tags VALUE: --tag-specifications JSON with a hostile tag value.
    print(json.dumps([{"ResourceType": "security-group",
                       "Tags": [{"Key": "Name", "Value": "replacement"},
                                {"Key": "Note", "Value": args[0]}]}]))

elif cmd == "filters":
    # filters NAME VALUE ...: --filters JSON, one value per name.
    print(json.dumps([{"Name": k, "Values": [v]} for k, v in zip(args[0::2], args[1::2])]))

elif cmd == "rules":
    # rules FIXTURE GROUP CLI-OUTPUT: the CLI's sorted summaries match the export.
    want = atoms(args[0], args[1])
    with open(args[2], encoding="utf-8") as f:
        got = json.load(f)
    if got != want:
        fail("rules:\n got  %s\n want %s" % (json.dumps(got, ensure_ascii=False, indent=1),
                                             json.dumps(want, ensure_ascii=False, indent=1)))

elif cmd == "ruletypes":
    # ruletypes CLI-OUTPUT: full describe-security-group-rules output is well typed.
    with open(args[0], encoding="utf-8") as f:
        rules = json.load(f)["SecurityGroupRules"]
    if not rules:
        fail("no rules")
    ids = set()
    for r in rules:
        if not re.fullmatch(r"sgr-[0-9a-f]{17}", r["SecurityGroupRuleId"]):
            fail("bad rule id %r" % r["SecurityGroupRuleId"])
        ids.add(r["SecurityGroupRuleId"])
        if type(r["FromPort"]) is not int or type(r["ToPort"]) is not int:
            fail("ports are not numbers: %r" % r)
        if type(r["IsEgress"]) is not bool:
            fail("IsEgress is not a boolean: %r" % r)
        if r["GroupOwnerId"] != "111122223333" or r["Tags"] != []:
            fail("GroupOwnerId/Tags: %r" % r)
    if len(ids) != len(rules):
        fail("rule ids are not unique")

elif cmd == "description":
    # description FIXTURE CIDR: that IpRange's description and a newline, as bytes.
    with open(args[0], encoding="utf-8") as f:
        doc = json.load(f)
    for g in doc["SecurityGroups"]:
        for p in g["IpPermissions"]:
            for r in p["IpRanges"]:
                if r["CidrIp"] == args[1]:
                    sys.stdout.buffer.write((r["Description"] + "\n").encode("utf-8"))
                    sys.exit(0)
    fail("no such range")

elif cmd == "mkexport":
    # mkexport DIR: a small export with region folders, two documents in one
    # file, and a carriage return and an ESC in descriptions.
    root = args[0]
    def sg(gid, name, desc):
        return {"GroupId": gid, "GroupName": name, "Description": "d", "OwnerId": "111122223333",
                "VpcId": "vpc-0a", "Tags": [],
                "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                   "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": desc}],
                                   "Ipv6Ranges": [], "PrefixListIds": [],
                                   "UserIdGroupPairs": []}],
                "IpPermissionsEgress": []}
    os.makedirs(os.path.join(root, "111122223333", "us-east-1"))
    os.makedirs(os.path.join(root, "111122223333", "eu-west-1"))
    with open(os.path.join(root, "111122223333", "us-east-1", "security-groups.json"),
              "w", encoding="utf-8") as f:
        f.write(json.dumps({"SecurityGroups": [sg("sg-0aaaaaaaaaaaaaaaa", "a", "one")],
                            "NextToken": "x"}, indent=2))
        f.write("\n")
        f.write(json.dumps({"SecurityGroups": [sg("sg-0bbbbbbbbbbbbbbbb", "b",
                                                  "cr\rtab\tesc\x1b[0m end")]}))
    with open(os.path.join(root, "111122223333", "eu-west-1", "security-groups.json"),
              "w", encoding="utf-8") as f:
        json.dump({"SecurityGroups": [sg("sg-0cccccccccccccccc", "c", "eu")]}, f)

elif cmd == "mkexport-check":
    # mkexport-check CLI-OUTPUT: CR and tab intact, ESC replaced by U+FFFD.
    with open(args[0], encoding="utf-8") as f:
        got = json.load(f)
    want = ["cr\rtab\tesc\ufffd[0m end"]
    if got != want:
        fail("got %r, want %r" % (got, want))

else:
    fail("unknown check %s" % cmd)
EOF
check () {
  "$PY" "$TMP/check.py" "$@"
}

# Hostile values: a quote, $(...), backticks, a backslash, a newline, a tab, non-ASCII.
# They are meant literally, never expanded.
GNAME="o'brien \"q\" \$(touch /tmp/fake-ec2-pwned) \`id\` ;#"
DESC="replacement for \$(id) 'x'
second line \\ café"
# shellcheck disable=SC2016
RDESC=$(printf 'it'"'"'s "q" $(touch /tmp/fake-ec2-pwned) `id` ; \\ back\n\tnew line caf\303\251 \342\230\225 %%s &amp; <x>')
# shellcheck disable=SC2016
TAGVAL='$(id) `id` "q" it'"'"'s'

# --- server 1: fixtures/hostile-values ----------------------------------------
start_server one "$HOSTILE" || true
P1=$port

t_create () {
  [ -n "$P1" ] || return 1
  run ec2 "$P1" create-security-group --group-name "$GNAME" --description "$DESC" \
    --vpc-id vpc-0ab0ab0ab0ab0ab0a --tag-specifications "$(check tags "$TAGVAL")" \
    --query GroupId --output text
  expect_rc 0 || return 1
  [ "$(cat "$TMP/out")" = sg-f0000000000000001 ] || { echo "GroupId: $(cat "$TMP/out")"; return 1; }
  check logline "$TMP/one.log" 1 CreateSecurityGroup us-east-1 '{}' \
    GroupName "$GNAME" GroupDescription "$DESC" VpcId vpc-0ab0ab0ab0ab0ab0a \
    TagSpecification.1.ResourceType security-group \
    TagSpecification.1.Tag.1.Key Name TagSpecification.1.Tag.1.Value replacement \
    TagSpecification.1.Tag.2.Key Note TagSpecification.1.Tag.2.Value "$TAGVAL"
}
tap 'create-security-group: GroupId sg-f0000000000000001; name, description, tags logged exactly' t_create

t_create2 () {
  run ec2 "$P1" create-security-group --group-name second --description second \
    --vpc-id vpc-0ab0ab0ab0ab0ab0a --query '[GroupId, Tags]' --output json
  expect_rc 0 || return 1
  [ "$(tr -d ' \n' <"$TMP/out")" = '["sg-f0000000000000002",null]' ] || { cat "$TMP/out"; return 1; }
}
tap 'create-security-group: the second create gets sg-f0000000000000002' t_create2

t_authorize () {
  run ec2 "$P1" authorize-security-group-ingress --group-id sg-f0000000000000001 \
    --ip-permissions "$(check perms "$RDESC")" --output json
  expect_rc 0 || return 1
  grep -q '"Return": true' "$TMP/out" || { cat "$TMP/out"; return 1; }
  check logline "$TMP/one.log" 3 AuthorizeSecurityGroupIngress us-east-1 '{}' \
    GroupId sg-f0000000000000001 \
    IpPermissions.1.IpProtocol tcp IpPermissions.1.FromPort 443 IpPermissions.1.ToPort 443 \
    IpPermissions.1.IpRanges.1.CidrIp 192.0.2.0/24 IpPermissions.1.IpRanges.1.Description "$RDESC" \
    IpPermissions.1.Ipv6Ranges.1.CidrIpv6 2001:db8::/32 \
    IpPermissions.1.Ipv6Ranges.1.Description "$RDESC" \
    IpPermissions.1.PrefixListIds.1.PrefixListId pl-0123456789abcdef0 \
    IpPermissions.1.PrefixListIds.1.Description "$RDESC" \
    IpPermissions.1.Groups.1.GroupId sg-0fe0fe0fe0fe0fe0f \
    IpPermissions.1.Groups.1.UserId 111122223333 \
    IpPermissions.1.Groups.1.Description "$RDESC" \
    IpPermissions.2.IpProtocol -1 IpPermissions.2.Groups.1.GroupId sg-0de0de0de0de0de0d
}
tap 'authorize-security-group-ingress: --ip-permissions logged exactly (UserIdGroupPairs as Groups.N)' t_authorize

t_modify () {
  run ec2 "$P1" modify-network-interface-attribute --network-interface-id eni-0ee0ee0ee0ee0ee0e \
    --groups sg-f0000000000000001 sg-0fe0fe0fe0fe0fe0f
  expect_rc 0 || return 1
  check logline "$TMP/one.log" 4 ModifyNetworkInterfaceAttribute us-east-1 '{}' \
    NetworkInterfaceId eni-0ee0ee0ee0ee0ee0e \
    SecurityGroupId.1 sg-f0000000000000001 SecurityGroupId.2 sg-0fe0fe0fe0fe0fe0f
}
tap 'modify-network-interface-attribute: --groups sent as SecurityGroupId.N, in order' t_modify

t_dryrun () {
  run ec2 "$P1" revoke-security-group-egress --group-id sg-0de0de0de0de0de0d \
    --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' --dry-run
  echo "exit status for DryRunOperation: $rc"
  [ "$rc" -ne 0 ] || return 1
  expect_rc 254 || return 1
  grep -q 'DryRunOperation' "$TMP/err" || { cat "$TMP/err"; return 1; }
  check logline "$TMP/one.log" 5 RevokeSecurityGroupEgress us-east-1 '{}' \
    DryRun true GroupId sg-0de0de0de0de0de0d \
    IpPermissions.1.IpProtocol -1 IpPermissions.1.IpRanges.1.CidrIp 0.0.0.0/0
}
tap '--dry-run: CLI exits 254 with DryRunOperation; the request is logged with DryRun=true' t_dryrun

RULES_Q="sort(SecurityGroupRules[].join('|', [to_string(IsEgress), IpProtocol, to_string(FromPort), to_string(ToPort), CidrIpv4 || CidrIpv6 || PrefixListId || ReferencedGroupInfo.GroupId, Description || '']))"

t_rules () {
  run ec2 "$P1" describe-security-group-rules --filters Name=group-id,Values=sg-0de0de0de0de0de0d \
    --query "$RULES_Q" --output json
  expect_rc 0 || return 1
  check rules "$HOSTILE/security-groups.json" sg-0de0de0de0de0de0d "$TMP/out" || return 1
  run ec2 "$P1" describe-security-group-rules --filters Name=group-id,Values=sg-0fe0fe0fe0fe0fe0f \
    --query "$RULES_Q" --output json
  expect_rc 0 || return 1
  check rules "$HOSTILE/security-groups.json" sg-0fe0fe0fe0fe0fe0f "$TMP/out"
}
tap 'describe-security-group-rules: every atomic rule of the export, per group' t_rules

t_rule_bytes () {
  run ec2 "$P1" describe-security-group-rules --filters Name=group-id,Values=sg-0de0de0de0de0de0d \
    --query "SecurityGroupRules[?CidrIpv4=='192.0.2.0/24'].Description | [0]" --output text
  expect_rc 0 || return 1
  check description "$HOSTILE/security-groups.json" 192.0.2.0/24 >"$TMP/want" || return 1
  cmp "$TMP/want" "$TMP/out" || { od -c "$TMP/out" | head -20; return 1; }
}
tap 'describe-security-group-rules: the hostile description comes back byte for byte' t_rule_bytes

t_rule_types () {
  run ec2 "$P1" describe-security-group-rules --filters Name=group-id,Values=sg-0de0de0de0de0de0d \
    --output json
  expect_rc 0 || return 1
  check ruletypes "$TMP/out"
}
tap 'describe-security-group-rules: ports are numbers, IsEgress boolean, sgr- IDs unique' t_rule_types

t_eni () {
  run ec2 "$P1" describe-network-interfaces --network-interface-ids eni-0ee0ee0ee0ee0ee0e \
    --query 'NetworkInterfaces[0].Groups[].GroupId' --output text
  expect_rc 0 || return 1
  # as modify-network-interface-attribute (t_modify) left them: the fake keeps state
  printf 'sg-f0000000000000001\tsg-0fe0fe0fe0fe0fe0f\n' >"$TMP/want"
  cmp "$TMP/want" "$TMP/out" || { cat "$TMP/out"; return 1; }
  run ec2 "$P1" describe-network-interfaces --network-interface-ids eni-0ee0ee0ee0ee0ee0e \
    --query 'NetworkInterfaces[0].[VpcId, SubnetId, OwnerId, Status, InterfaceType, RequesterManaged, Groups[1].GroupName]' \
    --output json
  expect_rc 0 || return 1
  # shellcheck disable=SC2016
  "$PY" -c 'import json,sys; v=json.load(open(sys.argv[1])); sys.exit(v != ["vpc-0ab0ab0ab0ab0ab0a","subnet-0cc0cc0cc0cc0cc0c","111122223333","in-use","interface",False,"web'"'"'; $(reboot) `halt` \"x\""])' "$TMP/out" \
    || { cat "$TMP/out"; return 1; }
}
tap 'describe-network-interfaces: the groups in order (as modified), and the ENI'"'"'s fields' t_eni

t_eni_missing () {
  run ec2 "$P1" describe-network-interfaces --network-interface-ids eni-0000000000000dead
  expect_rc 254 || return 1
  grep -q 'InvalidNetworkInterfaceID.NotFound' "$TMP/err" || { cat "$TMP/err"; return 1; }
}
tap 'describe-network-interfaces: an unknown ID is InvalidNetworkInterfaceID.NotFound' t_eni_missing

t_groups () {
  # Shorthand cannot carry this name (the CLI's parser trips on the quote): JSON can.
  run ec2 "$P1" describe-security-groups \
    --filters "$(check filters vpc-id vpc-0ab0ab0ab0ab0ab0a group-name "web'; \$(reboot) \`halt\` \"x\"")" \
    --query 'SecurityGroups[].GroupId' --output text
  expect_rc 0 || return 1
  [ "$(cat "$TMP/out")" = sg-0fe0fe0fe0fe0fe0f ] || { cat "$TMP/out"; cat "$TMP/one.log"; return 1; }
  run ec2 "$P1" describe-security-groups --filters Name=vpc-id,Values=vpc-0ab0ab0ab0ab0ab0a \
    Name=group-name,Values=nothing-like-it --query 'length(SecurityGroups)' --output text
  expect_rc 0 || return 1
  [ "$(cat "$TMP/out")" = 0 ] || { cat "$TMP/out"; return 1; }
  run ec2 "$P1" describe-security-groups --group-ids sg-0de0de0de0de0de0d \
    --query 'SecurityGroups[0].[GroupName, Description, Tags[1].Value]' --output json
  expect_rc 0 || return 1
  grep -q 'rm -rf / # \\\\ back\\nnew line' "$TMP/out" || { cat "$TMP/out"; return 1; }
}
tap 'describe-security-groups: vpc-id + group-name filters, empty when none match, GroupId.N' t_groups

t_log1 () {
  check actions "$TMP/one.log" CreateSecurityGroup CreateSecurityGroup \
    AuthorizeSecurityGroupIngress ModifyNetworkInterfaceAttribute RevokeSecurityGroupEgress \
    DescribeSecurityGroupRules DescribeSecurityGroupRules DescribeSecurityGroupRules \
    DescribeSecurityGroupRules DescribeNetworkInterfaces DescribeNetworkInterfaces \
    DescribeNetworkInterfaces DescribeSecurityGroups DescribeSecurityGroups \
    DescribeSecurityGroups || return 1
  check regions "$TMP/one.log" us-east-1 || return 1
  check logline "$TMP/one.log" 6 DescribeSecurityGroupRules us-east-1 '{}' \
    Filter.1.Name group-id Filter.1.Value.1 sg-0de0de0de0de0de0d || return 1
  check logline "$TMP/one.log" 12 DescribeNetworkInterfaces us-east-1 \
    '{"error": "InvalidNetworkInterfaceID.NotFound"}' NetworkInterfaceId.1 eni-0000000000000dead
}
tap 'log: one line per request, in order, region from the credential scope' t_log1

# --- server 2: --fail-at 1 -----------------------------------------------------
start_server two "$HOSTILE" --fail-at 1 --fail-code InvalidGroup.InUse || true
P2=$port

t_failat () {
  [ -n "$P2" ] || return 1
  run ec2 "$P2" describe-security-groups --query 'length(SecurityGroups)' --output text
  expect_rc 0 || return 1
  run ec2 "$P2" delete-security-group --group-id sg-0de0de0de0de0de0d --dry-run
  expect_rc 254 || return 1
  run ec2 "$P2" delete-security-group --group-id sg-0de0de0de0de0de0d
  echo "exit status for the injected failure: $rc"
  expect_rc 254 || return 1
  grep -q '(InvalidGroup.InUse)' "$TMP/err" || { cat "$TMP/err"; return 1; }
  run ec2 "$P2" create-security-group --group-name n --description d --query GroupId --output text
  expect_rc 0 || return 1
  [ "$(cat "$TMP/out")" = sg-f0000000000000001 ] || { cat "$TMP/out"; return 1; }
  check actions "$TMP/two.log" DescribeSecurityGroups DeleteSecurityGroup DeleteSecurityGroup \
    CreateSecurityGroup || return 1
  check logline "$TMP/two.log" 3 DeleteSecurityGroup us-east-1 \
    '{"failed": true, "error": "InvalidGroup.InUse"}' GroupId sg-0de0de0de0de0de0d || return 1
  check logline "$TMP/two.log" 4 CreateSecurityGroup us-east-1 '{}' \
    GroupName n GroupDescription d
}
tap '--fail-at 1: the first mutating call (not Describe, not DryRun) fails with --fail-code' t_failat

# --- server 3: region folders, concatenated documents, CR and ESC --------------
check mkexport "$TMP/export"
start_server three "$TMP/export" || true
P3=$port

t_regions () {
  [ -n "$P3" ] || return 1
  run ec2 "$P3" describe-security-groups --query 'SecurityGroups[].GroupId' --output text
  expect_rc 0 || return 1
  printf 'sg-0aaaaaaaaaaaaaaaa\tsg-0bbbbbbbbbbbbbbbb\n' >"$TMP/want"
  cmp "$TMP/want" "$TMP/out" || { cat "$TMP/out"; return 1; }
  rc=0
  "$AWS" --region eu-west-1 --endpoint-url "http://127.0.0.1:$P3" ec2 describe-security-groups \
    --query 'SecurityGroups[].GroupId' --output text >"$TMP/out" 2>"$TMP/err" || rc=$?
  expect_rc 0 || return 1
  [ "$(cat "$TMP/out")" = sg-0cccccccccccccccc ] || { cat "$TMP/out"; return 1; }
}
tap 'export: every document of a file is read; region folders scope what a region sees' t_regions

t_cr () {
  run ec2 "$P3" describe-security-group-rules --filters Name=group-id,Values=sg-0bbbbbbbbbbbbbbbb \
    --query 'SecurityGroupRules[].Description' --output json
  expect_rc 0 || return 1
  check mkexport-check "$TMP/out"
}
tap 'XML: a carriage return and a tab survive; ESC (not XML) arrives as U+FFFD' t_cr

t_sigterm () {
  kill "$pid" || return 1
  i=0
  while kill -0 "$pid" 2>/dev/null; do
    [ $i -lt 100 ] || { echo "still running 10 s after SIGTERM"; return 1; }
    nap
    i=$((i + 1))
  done
}
tap 'SIGTERM stops the server' t_sigterm

# --- server 4: idle timeout ----------------------------------------------------
t_idle () {
  start_server four "$HOSTILE" --idle-timeout 1 || return 1
  i=0
  while kill -0 "$pid" 2>/dev/null; do
    [ $i -lt 150 ] || { echo "still running 15 s into a 1 s idle timeout"; return 1; }
    nap
    i=$((i + 1))
  done
}
tap '--idle-timeout: the server stops by itself' t_idle

echo "1..$n"
[ "$failed" -eq 0 ]
