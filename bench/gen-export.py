#!/usr/bin/python3
"""gen-export.py [options] OUT - write a synthetic, AWS-CLI-shaped export.

Deterministic: the same options and --seed give byte-identical files.  The
layout is what sgplan reads, OUT/ACCOUNT/REGION/{security-groups,
network-interfaces}.json, indented by 4 as `aws ... --output json` writes.

SHAPES
  org (default)   --accounts x --regions x --vpcs VPCs, each with --groups
                  security groups (the first is the VPC's default group) and
                  --enis network interfaces.  In every VPC a few ENIs carry the
                  default group and a few rules of other groups reference it,
                  so that plan has work to do.  At full size (10 x 4 x 5 VPCs,
                  50 groups and 2,500 ENIs each) the export is about 700 MB.
  one-default-enis N       one default group carried by N ENIs
  referencing-rules N      N rules in other groups (50 to a group) that reference a default group
  many-defaults N          N VPCs in one region, each default group referenced by 5 groups
  big-group N              one non-default group with N rules (one of them references the default group)
  multi-group-enis N       N ENIs, each on 5 groups (one of them a default group)
--scale F multiplies the org shape's groups and ENIs per VPC.
"""
import argparse
import json
import os
import random

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1",
           "ap-northeast-1", "sa-east-1", "ca-central-1"]


def hexid(rng, n=17):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


class Ids:
    """IDs unique in the whole export, derived from a counter (deterministic, cheap)."""

    def __init__(self):
        self.n = 0

    def next(self, prefix):
        self.n += 1
        return "%s-%017x" % (prefix, self.n)


def pair(group_id, account):
    return {"GroupId": group_id, "UserId": account}


def perm(protocol, from_port=None, to_port=None, cidrs=(), groups=(), description=None):
    p = {"IpProtocol": protocol}
    if from_port is not None:
        p["FromPort"] = from_port
        p["ToPort"] = to_port
    p["IpRanges"] = [dict({"CidrIp": c}, **({"Description": description} if description else {}))
                     for c in cidrs]
    p["Ipv6Ranges"] = []
    p["PrefixListIds"] = []
    p["UserIdGroupPairs"] = [dict(g, **({"Description": description} if description else {}))
                             for g in groups]
    return p


def default_group(gid, vpc, account):
    return {
        "Description": "default VPC security group",
        "GroupName": "default",
        "IpPermissions": [perm("-1", groups=[pair(gid, account)])],
        "OwnerId": account,
        "GroupId": gid,
        "IpPermissionsEgress": [perm("-1", cidrs=["0.0.0.0/0"])],
        "VpcId": vpc,
    }


def group(rng, gid, name, vpc, account, ingress):
    return {
        "Description": "%s tier" % name,
        "GroupName": name,
        "IpPermissions": ingress,
        "OwnerId": account,
        "GroupId": gid,
        "IpPermissionsEgress": [perm("-1", cidrs=["0.0.0.0/0"])],
        "Tags": [{"Key": "Name", "Value": name}, {"Key": "team", "Value": rng.choice(["web", "data", "ops"])}],
        "VpcId": vpc,
    }


def eni(rng, ids, account, region, vpc, subnet, groups, n):
    eni_id = ids.next("eni")
    ip = "10.%d.%d.%d" % (n // 65536 % 256, n // 256 % 256, n % 256)
    return {
        "Attachment": {
            "AttachTime": "2026-01-01T00:00:00+00:00",
            "AttachmentId": ids.next("eni-attach"),
            "DeleteOnTermination": True,
            "DeviceIndex": 0,
            "NetworkCardIndex": 0,
            "InstanceId": ids.next("i"),
            "InstanceOwnerId": account,
            "Status": "attached",
        },
        "AvailabilityZone": region + rng.choice("abc"),
        "Description": "",
        "Groups": [{"GroupName": name, "GroupId": gid} for gid, name in groups],
        "InterfaceType": "interface",
        "Ipv6Addresses": [],
        "MacAddress": "02:%02x:%02x:%02x:%02x:%02x" % tuple(rng.randrange(256) for _ in range(5)),
        "NetworkInterfaceId": eni_id,
        "OwnerId": account,
        "PrivateDnsName": "ip-%s.ec2.internal" % ip.replace(".", "-"),
        "PrivateIpAddress": ip,
        "PrivateIpAddresses": [{"Primary": True, "PrivateDnsName": "ip-%s.ec2.internal" % ip.replace(".", "-"),
                                "PrivateIpAddress": ip}],
        "RequesterManaged": False,
        "SourceDestCheck": True,
        "Status": "in-use",
        "SubnetId": subnet,
        "TagSet": [],
        "VpcId": vpc,
    }


def write(out, account, region, groups, enis):
    folder = os.path.join(out, account, region)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "security-groups.json"), "w") as f:
        json.dump({"SecurityGroups": groups}, f, indent=4)
        f.write("\n")
    with open(os.path.join(folder, "network-interfaces.json"), "w") as f:
        json.dump({"NetworkInterfaces": enis}, f, indent=4)
        f.write("\n")


def vpc_contents(rng, ids, account, region, n_groups, n_enis, on_default=0.02, referencing=2):
    """Groups and ENIs of one VPC: a default group, NGROUPS-1 others, NENIS ENIs."""
    vpc = ids.next("vpc")
    subnet = ids.next("subnet")
    default_id = ids.next("sg")
    groups = [default_group(default_id, vpc, account)]
    others = []
    for k in range(n_groups - 1):
        gid = ids.next("sg")
        ingress = [perm("tcp", 443, 443, cidrs=["10.0.0.0/8"])]
        if others:
            ingress.append(perm("tcp", 8080, 8080, groups=[pair(others[-1][0], account)]))
        if k < referencing:
            ingress.append(perm("tcp", 5432, 5432, groups=[pair(default_id, account)],
                                description="from hosts still on the default group"))
        name = "app-%d" % k
        groups.append(group(rng, gid, name, vpc, account, ingress))
        others.append((gid, name))
    enis = []
    for n in range(n_enis):
        if rng.random() < on_default:
            on = [(default_id, "default")]
        else:
            on = [rng.choice(others)] if others else [(default_id, "default")]
        enis.append(eni(rng, ids, account, region, vpc, subnet, on, n))
    return groups, enis


def org(out, rng, a):
    ids = Ids()
    for i in range(a.accounts):
        account = "%012d" % (111122220000 + i)
        for region in REGIONS[:a.regions]:
            groups, enis = [], []
            for _ in range(a.vpcs):
                g, e = vpc_contents(rng, ids, account, region, max(2, int(a.groups * a.scale)),
                                    int(a.enis * a.scale))
                groups += g
                enis += e
            write(out, account, region, groups, enis)


def shape(out, rng, name, n):
    ids = Ids()
    account, region = "111122223333", "us-east-1"
    if name == "one-default-enis":
        groups, enis = vpc_contents(rng, ids, account, region, 2, n, on_default=1.0, referencing=1)
    elif name == "referencing-rules":
        vpc, subnet, default_id = ids.next("vpc"), ids.next("subnet"), ids.next("sg")
        groups = [default_group(default_id, vpc, account)]
        for k in range(0, n, 50):
            rules = [perm("tcp", 1000 + j, 1000 + j, groups=[pair(default_id, account)])
                     for j in range(min(50, n - k))]
            groups.append(group(rng, ids.next("sg"), "ref-%d" % k, vpc, account, rules))
        enis = [eni(rng, ids, account, region, vpc, subnet, [(default_id, "default")], 0)]
    elif name == "many-defaults":
        groups, enis = [], []
        for _ in range(n):
            g, e = vpc_contents(rng, ids, account, region, 6, 2, on_default=0.5, referencing=5)
            groups += g
            enis += e
    elif name == "big-group":
        vpc, subnet, default_id = ids.next("vpc"), ids.next("subnet"), ids.next("sg")
        big_id = ids.next("sg")
        rules = [perm("tcp", k % 65536, k % 65536, cidrs=["10.%d.%d.0/24" % (k // 256 % 256, k % 256)])
                 for k in range(n)]
        rules.append(perm("tcp", 22, 22, groups=[pair(default_id, account)]))
        groups = [default_group(default_id, vpc, account), group(rng, big_id, "big", vpc, account, rules)]
        enis = [eni(rng, ids, account, region, vpc, subnet, [(default_id, "default")], 0),
                eni(rng, ids, account, region, vpc, subnet, [(big_id, "big")], 1)]
    elif name == "multi-group-enis":
        vpc, subnet, default_id = ids.next("vpc"), ids.next("subnet"), ids.next("sg")
        others = [(ids.next("sg"), "g%d" % k) for k in range(8)]
        groups = [default_group(default_id, vpc, account)]
        groups += [group(rng, gid, nm, vpc, account, [perm("tcp", 443, 443, cidrs=["10.0.0.0/8"])])
                   for gid, nm in others]
        enis = [eni(rng, ids, account, region, vpc, subnet, [(default_id, "default")] + rng.sample(others, 4), k)
                for k in range(n)]
    else:
        raise SystemExit("unknown shape %r" % name)
    write(out, account, region, groups, enis)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--shape", default="org")
    p.add_argument("-n", type=int, default=1000, help="size of a pathological shape")
    p.add_argument("--accounts", type=int, default=10)
    p.add_argument("--regions", type=int, default=4)
    p.add_argument("--vpcs", type=int, default=5)
    p.add_argument("--groups", type=int, default=50)
    p.add_argument("--enis", type=int, default=2500)
    p.add_argument("--scale", type=float, default=1.0)
    a = p.parse_args()
    rng = random.Random(a.seed)
    if a.shape == "org":
        org(a.out, rng, a)
    else:
        shape(a.out, rng, a.shape, a.n)


if __name__ == "__main__":
    main()
