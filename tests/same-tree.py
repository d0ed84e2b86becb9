#!/usr/bin/python3
"""same-tree.py A B - exit 0 when two YAML/JSON files hold the same tree
(the change set's YAML and JSON forms must differ only in syntax)."""
import json
import sys

import yaml


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f) if path.endswith(".json") else yaml.safe_load(f)


a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    print(f"{sys.argv[1]} and {sys.argv[2]} differ")
    sys.exit(1)
