#!/usr/bin/python3
"""edit-changeset.py IN OUT EDIT - a hand edit of a change set, as a person
or a bad tool might make it, for the tests that prove validate catches it.
Each edit keeps the file well-formed (ids count up, preconditions match) so
that the check named in the test, not the schema, is what fails.

EDITS
  drop-step:N        remove step N; renumber; drop its rollback entry
  wrong-inverse:N    the inverse of modify step N puts the ENI back wrongly
  drop-copied-rule   remove the last rule of the replacement's outbound copy
  keep-on-default:N  modify step N (removing the default group) keeps it
  swap-rollback      exchange the first two rollback entries
"""
import sys

import yaml


def steps(cs):
    return [s for g in cs["default_groups"] for s in g["steps"]]


def renumber(cs):
    old_to_new = {}
    for i, step in enumerate(steps(cs), 1):
        old_to_new[step["id"]] = i
        step["id"] = i
    cs["rollback"] = [dict(r, undoes=old_to_new[r["undoes"]]) for r in cs["rollback"] if r["undoes"] in old_to_new]
    cs["summary"]["steps"] = len(steps(cs))


def find(cs, n):
    return next(s for s in steps(cs) if s["id"] == n)


def rollback_of(cs, n):
    return next(r for r in cs["rollback"] if r["undoes"] == n)


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
    else:
        sys.exit(f"unknown edit {edit}")
    with open(dst, "w", encoding="utf-8") as f:
        yaml.safe_dump(cs, f, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main()
