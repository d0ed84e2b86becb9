#!/usr/bin/python3
"""validate-json.py SCHEMA FILE... - validate JSON (or YAML) documents against a
JSON Schema with Debian's python3-jsonschema; print every error, exit 1 if any.
The schema's "$schema" chooses the draft (2020-12 when it names none): the
vendored SARIF schema is draft-04."""
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
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in sys.argv[2:]:
        for error in sorted(validator.iter_errors(load(path)), key=str):
            bad += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: /{where}: {error.message}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
