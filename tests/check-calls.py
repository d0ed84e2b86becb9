#!/usr/bin/python3
"""check-calls.py CHANGESET LOG JOURNAL [--rollback] [--dry-run] STEP... | dry-run-steps

Checks that the changing EC2 calls in LOG (written by tests/fake-ec2.py) are
exactly the calls of the change set's steps STEP... in that order (with
--rollback: the inverses of those steps), each with every value as the
change set has it.  It reads the change set itself and decodes the EC2 Query
parameters the AWS CLI sent, independently of sgplan's C code, so it is an
oracle for the scripts.  Replacement IDs (new:sg-...) are resolved through
the journal.  Prints each difference; exits 1 if there is any."""
import json
import re
import sys

import yaml

ACTIONS = {
    "create-security-group": "CreateSecurityGroup",
    "delete-security-group": "DeleteSecurityGroup",
    "authorize-security-group-ingress": "AuthorizeSecurityGroupIngress",
    "authorize-security-group-egress": "AuthorizeSecurityGroupEgress",
    "revoke-security-group-ingress": "RevokeSecurityGroupIngress",
    "revoke-security-group-egress": "RevokeSecurityGroupEgress",
    "modify-network-interface-attribute": "ModifyNetworkInterfaceAttribute",
}
INVERSE = {
    "create-security-group": "delete-security-group",
    "delete-security-group": "create-security-group",
    "authorize-security-group-ingress": "revoke-security-group-ingress",
    "authorize-security-group-egress": "revoke-security-group-egress",
    "revoke-security-group-ingress": "authorize-security-group-ingress",
    "revoke-security-group-egress": "authorize-security-group-egress",
    "modify-network-interface-attribute": "modify-network-interface-attribute",
}


def indexed(params, prefix):
    """{n: {rest: value}} for keys PREFIX.n.rest."""
    out = {}
    for key, value in params.items():
        m = re.fullmatch(re.escape(prefix) + r"\.(\d+)(?:\.(.*))?", key)
        if m:
            out.setdefault(int(m.group(1)), {})[m.group(2) or ""] = value
    return [out[n] for n in sorted(out)]


def sent_rules(params):
    """Atomic rules decoded from IpPermissions.N.* as the CLI sends them."""
    rules = set()
    for perm in indexed(params, "IpPermissions"):
        proto = perm["IpProtocol"]
        ports = (int(perm["FromPort"]), int(perm["ToPort"])) if "FromPort" in perm else (None, None)
        for kind, key, peer_key in (("cidr4", "IpRanges", "CidrIp"), ("cidr6", "Ipv6Ranges", "CidrIpv6"),
                                    ("prefix-list", "PrefixListIds", "PrefixListId"),
                                    ("group", "Groups", "GroupId")):
            for peer in indexed(perm, key):
                rules.add((proto, ports, kind, peer[peer_key], peer.get("UserId"),
                           peer.get("VpcPeeringConnectionId"), peer.get("Description")))
    return rules


def planned_rules(step, resolve):
    rules = set()
    for r in step["rules"]:
        ports = (r["from_port"], r["to_port"]) if "from_port" in r else (None, None)
        rules.add((r["protocol"], ports, r["peer_kind"], resolve(r["peer"]),
                   r.get("peer_owner_id") if r["peer_kind"] == "group" else None,
                   r.get("peering_id"), r.get("description")))
    return rules


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rollback = "--rollback" in sys.argv
    dry_run = "--dry-run" in sys.argv
    changeset, log, journal = args[:3]
    cs = yaml.safe_load(open(changeset, encoding="utf-8"))
    steps = {s["id"]: s for g in cs["default_groups"] for s in g["steps"]}
    if args[3:] == ["dry-run-steps"]:
        # a dry run calls every step but those that need a replacement's real ID
        def needs_new(s):
            body = {k: v for k, v in s.items() if k not in ("inverse", "purpose", "precondition")}
            return s["action"] != "create-security-group" and "new:" in json.dumps(body)
        wanted = [n for n in sorted(steps) if not needs_new(steps[n])]
    else:
        wanted = [int(n) for n in args[3:]]
    new_ids = {}
    try:
        for line in open(journal, encoding="utf-8"):
            parts = line.split()
            if parts[0] == "group":
                new_ids[parts[1]] = parts[2]
    except FileNotFoundError:
        pass

    def resolve(gid):
        return new_ids.get(gid, gid) if gid.startswith("new:") else gid

    calls = [json.loads(line) for line in open(log, encoding="utf-8")]
    calls = [c for c in calls if not c["action"].startswith("Describe")]
    problems = []
    if len(calls) != len(wanted):
        problems.append(f"{len(calls)} changing calls, expected {len(wanted)}: "
                        + ", ".join(c["action"] for c in calls))
    for n, call in zip(wanted, calls):
        step = steps[n]
        if rollback:
            step = dict(step["inverse"])
        action = ACTIONS[step["action"]]
        p = call["params"]
        where = f"step {n} ({action})"
        if call["action"] != action:
            problems.append(f"{where}: the call was {call['action']}")
            continue
        if call["region"] != step["region"]:
            problems.append(f"{where}: region {call['region']}, expected {step['region']}")
        if (p.get("DryRun") == "true") != dry_run:
            problems.append(f"{where}: DryRun is {p.get('DryRun')}")
        expect = {}
        if step["action"] == "create-security-group":
            expect = {"GroupName": step["group_name"], "GroupDescription": step["description"],
                      "VpcId": step["vpc_id"], "TagSpecification.1.ResourceType": "security-group"}
            for i, tag in enumerate(step["tags"], 1):
                expect[f"TagSpecification.1.Tag.{i}.Key"] = tag["key"]
                expect[f"TagSpecification.1.Tag.{i}.Value"] = tag["value"]
        elif step["action"] == "delete-security-group":
            expect = {"GroupId": resolve(step["group_id"])}
        elif step["action"] == "modify-network-interface-attribute":
            expect = {"NetworkInterfaceId": step["network_interface_id"]}
            for i, g in enumerate(step["groups_after"], 1):
                expect[f"SecurityGroupId.{i}"] = resolve(g)
        else:
            expect = {"GroupId": resolve(step["group_id"])}
            got, want = sent_rules(p), planned_rules(step, resolve)
            if got != want:
                problems.append(f"{where}: rules sent {sorted(got, key=str)}, planned {sorted(want, key=str)}")
            p = {k: v for k, v in p.items() if not k.startswith("IpPermissions.")}
        p = {k: v for k, v in p.items() if k != "DryRun"}
        if p != expect:
            problems.append(f"{where}: parameters {p}, expected {expect}")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
