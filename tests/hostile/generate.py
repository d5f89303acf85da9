#!/usr/bin/env python3
"""Writes the hostile inputs too big to check in, as cases for run_hostile.py
(each starts with its `# expect-...` directives):

    tests/hostile/generate.py DIR

Rewritten only when missing or older than this script. Each generator is
small and says what the input stresses. Python 3 standard library only.
"""

import sys
from pathlib import Path


def header(expect_exit: int, *extra: str) -> str:
    return "".join(f"# {line}\n" for line in (f"expect-exit: {expect_exit}", *extra))


def many_coroutines(n: int = 40_000) -> str:
    """40,000 coroutine definitions: loading and compiling stay fast (linear)."""
    lines = [header(0, "expect-stdout: 39999 done"), "coroutines:\n"]
    for i in range(n - 1):
        lines.append(f"  c{i}:\n    params: [x]\n    steps:\n      - return: x + {i}\n")
    lines.append("  main:\n    steps:\n")
    lines.append(f"      - await: c{n - 2}(1)\n        as: r\n")
    lines.append('      - print: "{r} done"\n')
    return "".join(lines)


def too_big(mib: int = 17) -> str:
    """A 17 MiB scenario (a huge description): refused as too big before it is
    loaded, rather than parsed into a tree many times its size."""
    filler = ("x" * 1023 + "\n    ") * (mib * 1024)
    return (header(2) + "name: a scenario too big to load\ndescription: >-\n    " + filler +
            "\ncoroutines:\n  main:\n    steps:\n      - print: hi\n")


def deep_yaml(depth: int = 100_000) -> str:
    """YAML flow sequences nested 100,000 deep: a diagnostic, not a stack overflow."""
    return header(2) + "coroutines:\n  main:\n    steps:\n      - set: {x: " + "[" * depth + "]" * depth + "}\n"


def deep_expression(depth: int = 100_000) -> str:
    """An expression nested 100,000 parentheses deep (CPython: 'too many nested
    parentheses'): a diagnostic, not a stack overflow in the parser."""
    return header(2) + "coroutines:\n  main:\n    steps:\n      - set:\n          x: " + "(" * depth + "1" + ")" * depth + "\n"


def long_body(steps: int = 100_000) -> str:
    """A main of 100,000 steps: compiles and runs in linear time."""
    lines = [header(0, f"expect-stdout: total {sum(range(steps))}"), "coroutines:\n  main:\n    steps:\n",
             "      - set: {total: 0}\n"]
    lines += [f"      - set: {{total: total + {i}}}\n" for i in range(steps)]
    lines.append('      - print: "total {total}"\n')
    return "".join(lines)


GENERATORS = {
    "load/many_coroutines.yaml": many_coroutines,
    "load/too_big.yaml": too_big,
    "load/deep_yaml.yaml": deep_yaml,
    "load/deep_expression.yaml": deep_expression,
    "load/long_body.yaml": long_body,
}


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: generate.py DIR", file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    script_time = Path(__file__).stat().st_mtime
    for name, make in GENERATORS.items():
        path = out / name
        if path.exists() and path.stat().st_mtime >= script_time:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(make())
        tmp.replace(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
