#!/usr/bin/env python3
"""`corun schema` is a valid JSON Schema (draft 2020-12) that accepts every
scenario corun accepts, and rejects most of those it refuses.

Every scenario under scenarios/ whose golden exit status is not 2 (it
compiles) must validate; a failure names the file and the schema's
complaint. Of the invalid ones (golden exit status 2), the count the schema
also rejects is printed: many are wrong in ways only the compiler can see
(an undefined name, an expression's syntax), so only a floor is required
(--min-invalid-rejected). The YAML is read as yaml-language-server reads
it: YAML 1.2 core scalars (plain `yes` is a string, `1e3` a number), keys
always strings, the `!expr` tag's scalar a string.

Needs /usr/bin/python3's python3-jsonschema and python3-yaml (Debian): a
missing module fails the test, it does not skip it.

  tests/cli/schema_validates.py --corun build/corun [--verbose]
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:  # a test that cannot run fails
    sys.exit(f"schema_validates: {e}; install python3-jsonschema and python3-yaml (apt-get install python3-jsonschema python3-yaml)")

ROOT = pathlib.Path(__file__).resolve().parents[2]

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
CORE_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
CORE_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
CORE_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
CORE_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$")


def core_scalar(node):
    v = node.value
    if node.style or node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                                      "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"):
        return v  # quoted, or tagged (!expr): a string
    if CORE_NULL.match(v):
        return None
    if CORE_BOOL.match(v):
        return v.lower() == "true"
    if CORE_INT.match(v):
        return int(v, 0) if not v.lstrip("+-").startswith("0") or v.lstrip("+-") in ("0",) or v[:2] in ("0o", "0x") else int(v, 10)
    if CORE_FLOAT.match(v):
        return float(v.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf").replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
    return v


def to_json(node):
    if isinstance(node, yaml.ScalarNode):
        return core_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [to_json(n) for n in node.value]
    out = {}
    for k, v in node.value:
        out[k.value if isinstance(k, yaml.ScalarNode) else json.dumps(to_json(k))] = to_json(v)
    return out


def load(path):
    with open(path, encoding="utf-8-sig") as f:
        node = yaml.compose(f, Loader=yaml.SafeLoader)
    return None if node is None else to_json(node)


def golden_exit(scenario):
    rel = scenario.relative_to(ROOT / "scenarios").with_suffix(".exit")
    p = ROOT / "golden" / rel
    return int(p.read_text().strip()) if p.exists() else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corun", required=True)
    ap.add_argument("--min-invalid-rejected", type=int, default=12,
                    help="how many of the invalid scenarios the schema must reject at least (default 12: all the structurally wrong ones today)")
    ap.add_argument("--verbose", action="store_true", help="list each invalid scenario the schema accepts")
    args = ap.parse_args()

    out = subprocess.run([args.corun, "schema"], capture_output=True, text=True, check=True).stdout
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    failures, valid, invalid, rejected, unreadable = [], 0, 0, 0, 0
    scenarios = sorted(p for p in (ROOT / "scenarios").rglob("*") if p.suffix in (".yaml", ".yml"))
    for path in scenarios:
        rel = path.relative_to(ROOT)
        status = golden_exit(path)
        try:
            doc = load(path)
        except (yaml.YAMLError, UnicodeDecodeError, ValueError) as e:
            if status != 2:
                failures.append(f"{rel}: PyYAML cannot read it: {e}")
            unreadable += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if status == 2:
            invalid += 1
            if errors:
                rejected += 1
            elif args.verbose:
                print(f"accepted though invalid: {rel}")
        else:
            valid += 1
            if errors:
                best = jsonschema.exceptions.best_match(errors)
                where = "/".join(str(p) for p in best.absolute_path)
                failures.append(f"{rel}: at /{where}: {best.message[:300]}")
    for f in failures:
        print("FAIL", f)
    print(f"{valid} valid scenarios checked, {len(failures)} rejected by the schema")
    print(f"{invalid} invalid scenarios (golden exit 2): the schema rejects {rejected}, accepts {invalid - rejected}"
          f" (and {unreadable} PyYAML cannot read)")
    if rejected < args.min_invalid_rejected:
        print(f"FAIL the schema rejects only {rejected} invalid scenarios; at least {args.min_invalid_rejected} expected")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
