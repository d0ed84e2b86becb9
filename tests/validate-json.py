#!/usr/bin/python3
"""validate-json.py SCHEMA FILE... - validate JSON (or YAML) documents against a
JSON Schema with Debian's python3-jsonschema; print every error, exit 1 if any."""
import json
import sys

import jsonschema


def load(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith((".yaml", ".yml")):
            import yaml  # python3-yaml
            return yaml.safe_load(f)
        return json.load(f)


def main():
    schema = load(sys.argv[1])
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in sys.argv[2:]:
        for error in sorted(validator.iter_errors(load(path)), key=str):
            bad += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: /{where}: {error.message}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
