#!/usr/bin/env python3
"""Writes the loader's big hostile inputs into a directory (they are too big,
or hold bytes too odd, to be checked in). Each file starts with the shared
directives (# expect-exit: ..., # expect-stderr: ...) that run_hostile.py reads,
except the few whose first bytes are the point (a BOM): those carry the
directives after it.

    python3 tests/hostile/gen_loader.py OUT_DIR
"""
import os
import sys


def directives(exit_code, stderr=(), stdout=()):
    lines = [f"# expect-exit: {exit_code}"]
    lines += [f"# expect-stderr: {s}" for s in stderr]
    lines += [f"# expect-stdout: {s}" for s in stdout]
    return "\n".join(lines) + "\n"


def many_definitions(n):
    body = "".join(f"  c{i}: [pass]\n" for i in range(n))
    return "coroutines:\n" + body + "  main:\n    - print: done\n"


def exception_chain(n):
    body = "".join(f"  E{i}: E{i - 1}\n" for i in range(1, n))
    return f"exceptions:\n  E0: Exception\n{body}coroutines:\n  main:\n    - raise: E{n - 1}('deep')\n"


def class_chain(n):
    body = "".join(f"  K{i}:\n    base: K{i - 1}\n" for i in range(1, n))
    return ("classes:\n  K0:\n    methods:\n      m:\n        sync: true\n        steps:\n          - return: 7\n"
            f"{body}coroutines:\n  main:\n    - print: \"{{K{n - 1}().m()}}\"\n")


def many_methods(n):
    body = "".join(f"      m{i}: [pass]\n" for i in range(n))
    return f"classes:\n  K:\n    methods:\n{body}coroutines:\n  main:\n    - print: done\n"


def many_steps(n):
    body = "".join(f"    - set: {{x{i % 50}: {i}}}\n" for i in range(n))
    return "coroutines:\n  main:\n" + body + "    - print: \"{x49}\"\n"


def many_params(n):
    params = ", ".join(f"p{i}" for i in range(n))
    args = ", ".join(str(i) for i in range(n))
    return (f"functions:\n  f:\n    params: [{params}]\n    steps:\n      - return: p{n - 1}\n"
            f"coroutines:\n  main:\n    - set:\n        r: !expr 'f({args})'\n    - print: \"{{r}}\"\n")


def long_list(n):
    return "coroutines:\n  main:\n    - set:\n        xs:\n" + "".join(f"          - {i}\n" for i in range(n)) + \
        "    - print: \"{len(xs)}\"\n"


def long_string(n):
    return "coroutines:\n  main:\n    - set:\n        s: !expr '\"" + "a" * n + "\"'\n    - print: \"{len(s)}\"\n"


def many_fstring_parts(n):
    return "coroutines:\n  main:\n    - set: {x: 1}\n    - set:\n        s: \"" + "{x}-" * n + "\"\n" \
           "    - print: \"{len(s)}\"\n"


def many_undefined_names(n):
    return "coroutines:\n  main:\n" + "".join(f"    - set: {{y: u{i}}}\n" for i in range(n))


def deep_flow_yaml(n):
    return "coroutines:\n  main:\n    - set:\n        x: " + "[" * n + "]" * n + "\n"


def deep_block_yaml(n):
    return "x:\n" + "".join(" " * i + "- \n" for i in range(n))


def deep_parentheses(n):
    return "coroutines:\n  main:\n    - set:\n        x: " + "(" * n + "1" + ")" * n + "\n"


def too_many_nodes(n):
    return "coroutines:\n  main:\n    - set:\n        xs: [" + "0," * n + "0]\n"


def nested_anchors(levels, leaf):
    head = "".join(" " * (2 * i + 2) + f"k{i}: &a{i}\n" for i in range(levels))
    return "x:\n" + head + " " * (2 * levels + 2) + "l: [" + ",".join(["0"] * leaf) + "]\n"


def long_line(n):
    return "coroutines:\n  main:\n    - set:\n        x: " + "+".join(["1"] * (n // 2)) + "\n"


CASES = {
    # name: (directives, text)
    "definitions_40000": (directives(0, stdout=["done"]), lambda: many_definitions(40_000)),
    "definitions_80000": (directives(0, stdout=["done"]), lambda: many_definitions(80_000)),
    "exception_chain_40000": (directives(1, stderr=["E39999: deep"]), lambda: exception_chain(40_000)),
    "class_chain_40000": (directives(0, stdout=["7"]), lambda: class_chain(40_000)),
    "methods_40000": (directives(0, stdout=["done"]), lambda: many_methods(40_000)),
    "steps_100000": (directives(0, stdout=["99999"]), lambda: many_steps(100_000)),
    "params_20000": (directives(0, stdout=["19999"]), lambda: many_params(20_000)),
    "list_200000": (directives(0, stdout=["200000"]), lambda: long_list(200_000)),
    "string_literal_1MB": (directives(0, stdout=["1000000"]), lambda: long_string(1_000_000)),
    "fstring_parts_40000": (directives(0, stdout=["80000"]), lambda: many_fstring_parts(40_000)),
    "undefined_names_40000": (directives(2, stderr=["undefined name 'u0'"]), lambda: many_undefined_names(40_000)),
    "deep_flow_yaml_100000": (directives(2, stderr=["nested too deeply"]), lambda: deep_flow_yaml(100_000)),
    "deep_block_yaml_3000": (directives(2, stderr=["nested too deeply"]), lambda: deep_block_yaml(3_000)),
    "deep_parentheses_100000": (directives(2, stderr=["too many nested parentheses"]), lambda: deep_parentheses(100_000)),
    "too_many_nodes": (directives(2, stderr=["the file has more than 1000000 YAML nodes"]), lambda: too_many_nodes(1_000_001)),
    "nested_anchors": (directives(2, stderr=["the YAML's anchors keep more than 1000000 nodes"]),
                       lambda: nested_anchors(150, 500_000)),
    "long_line_5MB": (directives(2, stderr=["expression is too long"]), lambda: long_line(5_000_000)),
}

# Files whose bytes are the point: written as bytes.
BYTE_CASES = {
    "not_utf8": directives(2, stderr=["not valid UTF-8: byte 0xe9", "(invalid continuation byte)"]).encode()
    + b'coroutines:\n  main:\n    - print: "caf\xe9"\n',
    "nul_byte": directives(2, stderr=["source code cannot contain null bytes"]).encode()
    + b'coroutines:\n  main:\n    - print: "a\x00b"\n',
    "utf8_bom": b"\xef\xbb\xbf" + directives(0, stdout=["caf\u00e9"]).encode()
    + 'coroutines:\n  main:\n    - print: "caf\u00e9"\n'.encode(),
}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_loader.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (head, make) in CASES.items():
        with open(os.path.join(out, name + ".yaml"), "w", encoding="utf-8") as f:
            f.write(head + make())
    for name, data in BYTE_CASES.items():
        with open(os.path.join(out, name + ".yaml"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
