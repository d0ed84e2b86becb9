#!/usr/bin/python3
"""edit-changeset.py IN OUT EDIT - a hand edit of a change set, as a person
or a bad tool might make it, for the tests that prove validate catches it.
Each edit keeps the file well-formed (ids count up, preconditions match, and
unless the edit is about them, inverses and the rollback agree with the
steps) so that the check named in the test, not the schema, is what fails.

EDITS
  drop-step:N         remove step N; renumber; drop its rollback entry
  wrong-inverse:N     the inverse of modify step N puts the ENI back wrongly
  drop-copied-rule    remove the last rule of the replacement's outbound copy
  keep-on-default:N   modify step N (removing the default group) keeps it
  swap-rollback       exchange the first two rollback entries
  revoke-before-moves the default group's own revokes moved before its first ENI move
  refs-before-copies  the revokes of references to the default group moved before their copies
  swap-before-copies  an ENI swapped from the default group to the replacement in one step,
                      right after the create: before the replacement has rules (or is on others)
  drop-eni-move       both moves of the first ENI (add the replacement, remove the default) dropped
  copied-port:PORT    the first copied rule with ports gets from_port and to_port PORT
  drop-repointed      the authorize of the first re-pointed reference dropped
  alter-repointed     the first re-pointed reference gets another description
  repointed-owner     the first re-pointed reference gets another peer owner
  open-ssh:GROUP      an extra step authorizing tcp 22 from 0.0.0.0/0 on GROUP (in the preflight,
                      with no rules, as the tests' group has none)
  drop-rollback-entry the first rollback entry removed
  alter-rollback-entry the first rollback entry authorizes a rule with another description
  alter-precondition  the first modify step's precondition names other groups
  preflight-drop-eni  the first network interface dropped from the preflight
  preflight-drop-group the first group dropped from the preflight
  preflight-drop-rule the last rule of the first preflight group with rules dropped
  users-drop-eni      the first attached interface dropped from preflight.default_groups
  users-drop-ref      the first referencing rule dropped from preflight.default_groups
  users-add-references the first entry of preflight.default_groups claims an empty
                      describe-security-group-references answer the export does not have
  replacement-FIELD:VALUE the replacement's create (and its undo) gets vpc_id, region or account VALUE
  drop-tag            the replacement's create (and its undo) lose the sgplan:replaces tag
  name:NAME           the replacement is named NAME
  label:GROUP:DECISION the decision of GROUP becomes DECISION
  duplicate-step:N    step N is repeated right after itself
  drop-swap-warning:ENI the warnings that ENI is swapped in one call removed
  reword-swap-warning:ENI those warnings name ENI as "ENI/eth0" instead (still a mention)
"""
import sys

import yaml


class NoAliases(yaml.SafeDumper):
    """sgplan rejects YAML anchors; write shared objects out in full."""

    def ignore_aliases(self, data):
        return True


def steps(cs):
    return [s for g in cs["default_groups"] for s in g["steps"]]


def renumber(cs):
    old_to_new = {}
    for i, step in enumerate(steps(cs), 1):
        old_to_new[step["id"]] = i
        step["id"] = i
    cs["rollback"] = [dict(r, undoes=old_to_new[r["undoes"]]) for r in cs["rollback"] if r["undoes"] in old_to_new]
    cs["summary"]["steps"] = len(steps(cs))


def rebuild_rollback(cs):
    """Renumber, and make the rollback the inverses in reverse order again."""
    for i, step in enumerate(steps(cs), 1):
        step["id"] = i
    cs["rollback"] = [dict({"undoes": s["id"]}, **s["inverse"]) for s in reversed(steps(cs))]
    cs["summary"]["steps"] = len(steps(cs))


def find(cs, n):
    return next(s for s in steps(cs) if s["id"] == n)


def rollback_of(cs, n):
    return next(r for r in cs["rollback"] if r["undoes"] == n)


def group_of(cs, step):
    return next(g for g in cs["default_groups"] if any(s is step for s in g["steps"]))


def migrated(cs):
    return next(g for g in cs["default_groups"] if g["decision"] == "migrate")


def move_before(cs, moving, anchor):
    """Move the steps MOVING (same default group as ANCHOR) right before ANCHOR."""
    g = group_of(cs, anchor)
    rest = [s for s in g["steps"] if not any(s is m for m in moving)]
    i = next(k for k, s in enumerate(rest) if s is anchor)
    g["steps"] = rest[:i] + moving + rest[i:]
    rebuild_rollback(cs)


def on_step_and_undo(cs, step, fn):
    """Apply FN to STEP, its inverse and its rollback entry (rules: same edit)."""
    fn(step)
    fn(step["inverse"])
    fn(rollback_of(cs, step["id"]))


def repointed(cs):
    g = migrated(cs)
    new = g["replacement"]["group_id"]
    return next(s for s in g["steps"] if s["action"].startswith("authorize") and s["group_id"] != new)


def create_step(cs):
    return next(s for s in steps(cs) if s["action"] == "create-security-group")


def main():
    src, dst, edit = sys.argv[1:4]
    cs = yaml.safe_load(open(src, encoding="utf-8"))
    name, _, arg = edit.partition(":")
    if name == "drop-step":
        for g in cs["default_groups"]:
            g["steps"] = [s for s in g["steps"] if s["id"] != int(arg)]
        renumber(cs)
    elif name == "wrong-inverse":
        inv = find(cs, int(arg))["inverse"]
        inv["groups_after"] = list(reversed(inv["groups_after"])) + ["sg-0123456789abcdef0"]
    elif name == "drop-copied-rule":
        step = next(s for s in steps(cs) if s["action"] == "authorize-security-group-egress"
                    and s["group_id"].startswith("new:"))
        for target in (step, step["inverse"], rollback_of(cs, step["id"])):
            target["rules"].pop()
    elif name == "keep-on-default":
        step = find(cs, int(arg))
        for target, key in ((step, "groups_after"), (step["inverse"], "groups_before"),
                            (rollback_of(cs, step["id"]), "groups_before")):
            target[key] = list(step["groups_before"])
        step["inverse"]["precondition"]["groups"] = list(step["groups_before"])
        rollback_of(cs, step["id"])["precondition"]["groups"] = list(step["groups_before"])
    elif name == "swap-rollback":
        cs["rollback"][0], cs["rollback"][1] = cs["rollback"][1], cs["rollback"][0]
    elif name == "revoke-before-moves":
        g = migrated(cs)
        own = [s for s in g["steps"] if s["action"].startswith("revoke") and s["group_id"] == g["group_id"]]
        first_move = next(s for s in g["steps"] if s["action"] == "modify-network-interface-attribute")
        move_before(cs, own, first_move)
    elif name == "refs-before-copies":
        g = migrated(cs)
        old = [s for s in g["steps"] if s["action"].startswith("revoke") and s["group_id"] != g["group_id"]]
        move_before(cs, old, repointed(cs))
    elif name == "swap-before-copies":
        g = migrated(cs)
        d, new = g["group_id"], g["replacement"]["group_id"]
        add = next(s for s in g["steps"] if s["action"] == "modify-network-interface-attribute")
        eni = add["network_interface_id"]
        g["steps"] = [s for s in g["steps"] if s.get("network_interface_id") != eni or s is add]
        add["groups_after"] = [new if x == d else x for x in add["groups_before"]]
        add["inverse"]["groups_before"] = list(add["groups_after"])
        add["inverse"]["groups_after"] = list(add["groups_before"])
        add["inverse"]["precondition"]["groups"] = list(add["groups_after"])
        g["steps"].remove(add)
        g["steps"].insert(1, add)
        rebuild_rollback(cs)
    elif name == "drop-eni-move":
        g = migrated(cs)
        eni = next(s for s in g["steps"] if s["action"] == "modify-network-interface-attribute")["network_interface_id"]
        g["steps"] = [s for s in g["steps"] if s.get("network_interface_id") != eni]
        rebuild_rollback(cs)
    elif name == "copied-port":
        def ported(r):
            return r["protocol"] in ("tcp", "udp") and "from_port" in r
        step = next(s for s in steps(cs) if s["action"].startswith("authorize") and s["group_id"].startswith("new:")
                    and any(ported(r) for r in s["rules"]))
        i = next(k for k, r in enumerate(step["rules"]) if ported(r))

        def port(s):
            s["rules"][i]["from_port"] = s["rules"][i]["to_port"] = int(arg)
        on_step_and_undo(cs, step, port)
    elif name == "drop-repointed":
        step = repointed(cs)
        group_of(cs, step)["steps"].remove(step)
        rebuild_rollback(cs)
    elif name in ("alter-repointed", "repointed-owner"):
        key, value = ("description", "edited by hand") if name == "alter-repointed" else ("peer_owner_id", "999999999999")

        def alter(s):
            s["rules"][0][key] = value
        on_step_and_undo(cs, repointed(cs), alter)
    elif name == "open-ssh":
        g = migrated(cs)
        rule = {"direction": "inbound", "protocol": "tcp", "from_port": 22, "to_port": 22,
                "peer_kind": "cidr4", "peer": "0.0.0.0/0"}
        where = {"account": g["owner_id"], "region": g["region"]}
        inverse = dict(action="revoke-security-group-ingress", **where, group_id=arg, rules=[rule],
                       precondition={"rules": "present"})
        g["steps"].append(dict(id=0, purpose="open ssh", action="authorize-security-group-ingress", **where,
                               group_id=arg, rules=[rule], precondition={"rules": "absent"}, inverse=inverse))
        cs["preflight"]["groups"].append(dict(group_id=arg, **where, rules=[]))
        cs["preflight"]["groups"].sort(key=lambda e: e["group_id"])
        rebuild_rollback(cs)
    elif name == "drop-rollback-entry":
        cs["rollback"].pop(0)
    elif name == "alter-rollback-entry":
        cs["rollback"][0]["rules"][0]["description"] = "edited by hand"
    elif name == "alter-precondition":
        step = next(s for s in steps(cs) if s["action"] == "modify-network-interface-attribute")
        step["precondition"]["groups"] = ["sg-0123456789abcdef0"]
    elif name == "preflight-drop-eni":
        cs["preflight"]["network_interfaces"].pop(0)
    elif name == "preflight-drop-group":
        cs["preflight"]["groups"].pop(0)
    elif name == "preflight-drop-rule":
        next(e for e in cs["preflight"]["groups"] if e["rules"])["rules"].pop()
    elif name == "users-drop-eni":
        next(u for u in cs["preflight"]["default_groups"] if u["attached_interfaces"])["attached_interfaces"].pop(0)
    elif name == "users-add-references":
        cs["preflight"]["default_groups"][0]["references"] = []
    elif name == "users-drop-ref":
        next(u for u in cs["preflight"]["default_groups"] if u["referencing_rules"])["referencing_rules"].pop(0)
    elif name.startswith("replacement-"):
        field = name[len("replacement-"):]

        def move(s):
            s[field] = arg
            if field == "vpc_id" and "in_vpc" in s["precondition"]:
                s["precondition"]["in_vpc"] = arg
        on_step_and_undo(cs, create_step(cs), move)
    elif name == "drop-tag":
        def untag(s):
            s["tags"] = []
        on_step_and_undo(cs, create_step(cs), untag)
    elif name == "name":
        step = create_step(cs)
        old = step["group_name"]

        def rename(s):
            s["group_name"] = arg
            if "no_group_named" in s["precondition"]:
                s["precondition"]["no_group_named"] = arg
        on_step_and_undo(cs, step, rename)
        for g in cs["default_groups"]:
            if g.get("replacement", {}).get("group_name") == old:
                g["replacement"]["group_name"] = arg
    elif name == "label":
        group, _, decision = arg.partition(":")
        next(g for g in cs["default_groups"] if g["group_id"] == group)["decision"] = decision
    elif name == "duplicate-step":
        step = find(cs, int(arg))
        g = group_of(cs, step)
        i = next(k for k, s in enumerate(g["steps"]) if s is step)
        g["steps"].insert(i + 1, yaml.safe_load(yaml.safe_dump(step)))
        rebuild_rollback(cs)
    elif name in ("drop-swap-warning", "reword-swap-warning"):
        for owner in [cs] + cs["default_groups"]:
            about = [w for w in owner["warnings"] if w.startswith(arg + " ") and "swapped" in w]
            assert owner is cs or not about or len(about) == 1, about
            owner["warnings"] = [w if w not in about else None if name == "drop-swap-warning"
                                 else arg + "/eth0" + w[len(arg):] for w in owner["warnings"]]
            owner["warnings"] = [w for w in owner["warnings"] if w is not None]
    else:
        sys.exit(f"unknown edit {edit}")
    with open(dst, "w", encoding="utf-8") as f:
        yaml.dump(cs, f, Dumper=NoAliases, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main()
