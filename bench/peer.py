#!/usr/bin/python3
"""peer.py EXPORT... - the EC2.2 analysis a user would write without sgplan.

The reference the benchmark compares sgplan with: standard library only.
For every VPC default security group in the export (files or folders of
AWS CLI JSON), print its EC2.2 status (FAILED when it has any rule), the
network interfaces that carry it and the rules of other groups that
reference it, as one JSON document sorted by group ID.
"""
import json
import os
import sys


def files(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    if name.endswith(".json"):
                        yield os.path.join(root, name)
        else:
            yield path


def main():
    groups, enis = {}, []
    for path in files(sys.argv[1:]):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for g in doc.get("SecurityGroups", []):
            groups[g["GroupId"]] = g
        enis.extend(doc.get("NetworkInterfaces", []))
    defaults = {gid: {"group_id": gid, "vpc_id": g.get("VpcId"), "account": g["OwnerId"],
                      "status": "FAILED" if g.get("IpPermissions") or g.get("IpPermissionsEgress") else "PASSED",
                      "network_interfaces": [], "referencing_rules": []}
                for gid, g in groups.items() if g.get("GroupName") == "default"}
    for e in enis:
        for g in e.get("Groups", []):
            if g["GroupId"] in defaults:
                defaults[g["GroupId"]]["network_interfaces"].append(e["NetworkInterfaceId"])
    for gid, g in groups.items():
        for direction, key in (("inbound", "IpPermissions"), ("outbound", "IpPermissionsEgress")):
            for p in g.get(key, []):
                for pair in p.get("UserIdGroupPairs", []):
                    target = pair.get("GroupId")
                    if target in defaults and target != gid:
                        defaults[target]["referencing_rules"].append(
                            {"group_id": gid, "direction": direction, "protocol": p["IpProtocol"],
                             "from_port": p.get("FromPort"), "to_port": p.get("ToPort")})
    out = [defaults[k] for k in sorted(defaults)]
    for d in out:
        d["network_interfaces"].sort()
    json.dump({"default_groups": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
