#!/bin/sh
# validate-scaling.sh [N] - how `sgplan validate` grows with its input.
#
# Builds four exports: one default group on N and on 4N network interfaces,
# and N and 4N rules (in other groups, 50 to a group) that reference a default
# group; plans each, then times `sgplan validate PLAN EXPORT` (CPU user+sys,
# wall clock and peak RSS, from /usr/bin/time -v; the best of REPEAT=3 runs)
# and prints the 4N/N ratios.
# validate reasons about group lists and rule sets symbolically, so the
# ratios should stay near 4 (the target is at most about 4.6).  Not part of
# `make check`: it measures, it does not assert.
#
# Run from the build tree (or set SGPLAN=/path/to/sgplan); N defaults to 4000.
set -eu

N=${1:-4000}
SGPLAN=${SGPLAN:-./sgplan}
TIME=/usr/bin/time
command -v python3 >/dev/null || { echo "python3 is needed to generate exports" >&2; exit 2; }
[ -x "$TIME" ] || { echo "$TIME is needed (Debian: apt-get install time)" >&2; exit 2; }
[ -x "$SGPLAN" ] || { echo "no sgplan at '$SGPLAN' (set SGPLAN)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sgplan-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# generate KIND COUNT DIR: an export in DIR/111122223333/us-east-1/
generate () {
  python3 - "$1" "$2" "$3" <<'PY'
import json, os, sys

kind, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
folder = os.path.join(out, "111122223333", "us-east-1")
os.makedirs(folder)
acct, vpc, d = "111122223333", "vpc-0a1b2c3d4e5f60718", "sg-0d0d0d0d0d0d0d0d0"


def group(gid, name, ingress, egress):
    return {"Description": name, "GroupName": name, "IpPermissions": ingress, "OwnerId": acct,
            "GroupId": gid, "IpPermissionsEgress": egress, "VpcId": vpc}


def pair(gid, description=None):
    p = {"GroupId": gid, "UserId": acct}
    if description:
        p["Description"] = description
    return p


def eni(i, groups):
    return {"AvailabilityZone": "us-east-1a", "Description": "", "InterfaceType": "interface",
            "Groups": [{"GroupId": g, "GroupName": n} for g, n in groups],
            "NetworkInterfaceId": "eni-%017x" % (i + 1), "OwnerId": acct, "RequesterManaged": False,
            "Status": "in-use", "SubnetId": "subnet-0a1b2c3d4e5f60718", "TagSet": [], "VpcId": vpc,
            "Attachment": {"InstanceId": "i-%017x" % (i + 1), "InstanceOwnerId": acct}}


allow_all_out = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                  "PrefixListIds": [], "UserIdGroupPairs": []}]
self_ref = [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
             "UserIdGroupPairs": [pair(d)]}]
groups = [group(d, "default", self_ref, allow_all_out)]
enis = []
if kind == "enis":
    # one default group on COUNT ENIs
    enis = [eni(i, [(d, "default")]) for i in range(count)]
else:
    # COUNT rules referencing the default group, 50 to a group; D on one ENI
    enis = [eni(0, [(d, "default")])]
    per = 50
    for k in range((count + per - 1) // per):
        n = min(per, count - k * per)
        ingress = [{"FromPort": 1000 + r, "IpProtocol": "tcp", "IpRanges": [], "Ipv6Ranges": [],
                    "PrefixListIds": [], "ToPort": 1000 + r, "UserIdGroupPairs": [pair(d, "rule %d" % r)]}
                   for r in range(n)]
        groups.append(group("sg-%017x" % (0x100000 + k), "app-%d" % k, ingress, allow_all_out))
with open(os.path.join(folder, "security-groups.json"), "w") as f:
    json.dump({"SecurityGroups": groups}, f)
with open(os.path.join(folder, "network-interfaces.json"), "w") as f:
    json.dump({"NetworkInterfaces": enis}, f)
PY
}

# measure NAME: prints "cpu wall rss_kb" for validate of $work/NAME, the
# best of $REPEAT runs (other work on the machine only ever adds time)
REPEAT=${REPEAT:-3}
measure () {
  "$SGPLAN" plan "$work/$1" >"$work/$1.yaml"
  : >"$work/$1.times"
  run=0
  while [ "$run" -lt "$REPEAT" ]; do
    run=$((run + 1))
    status=0
    "$TIME" -v -o "$work/$1.time" "$SGPLAN" validate "$work/$1.yaml" "$work/$1" >"$work/$1.out" || status=$?
    if [ "$status" -ne 0 ]; then
      echo "validate of $1 exited $status:" >&2
      cat "$work/$1.out" >&2
      exit 1
    fi
    awk -F': ' '
      /User time/ { user = $2 } /System time/ { sys = $2 }
      /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + t[i] }
      /Maximum resident set size/ { rss = $2 }
      END { printf "%.2f %.2f %d\n", user + sys, wall, rss }' "$work/$1.time" >>"$work/$1.times"
  done
  sort -n "$work/$1.times" | head -n 1
}

ratio () { awk -v a="$1" -v b="$2" 'BEGIN { if (a <= 0) a = 0.005; printf "%.2f", b / a }'; }

printf "%-34s %9s %9s %11s\n" "export" "cpu (s)" "wall (s)" "peak RSS"
for scenario in enis rules; do
  for size in "$N" $((4 * N)); do
    generate "$scenario" "$size" "$work/$scenario-$size"
  done
  read -r c1 w1 r1 <<MEASURED
$(measure "$scenario-$N")
MEASURED
  read -r c4 w4 r4 <<MEASURED
$(measure "$scenario-$((4 * N))")
MEASURED
  [ -n "$r1" ] && [ -n "$r4" ] || exit 1
  what=$([ "$scenario" = enis ] && echo "ENIs on one default group" || echo "rules referencing a default group")
  printf "%-34s %9s %9s %8s KB\n" "$N $what" "$c1" "$w1" "$r1"
  printf "%-34s %9s %9s %8s KB\n" "$((4 * N)) $what" "$c4" "$w4" "$r4"
  printf "%-34s %9s %9s %11s\n" "  ratio 4N/N" "$(ratio "$c1" "$c4")" "$(ratio "$w1" "$w4")" "$(ratio "$r1" "$r4")"
done
