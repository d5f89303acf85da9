#!/usr/bin/env python3
"""Tests that carry their own expected output (issue 15): a scenario's
`expect:` block and Markdown documents whose ```yaml corun blocks are
checked against the ```output block after them.

  * expect: passes, fails with a diff, is rewritten by --update with every
    byte outside the block unchanged (comments, quoting, key order, the lines
    after it), is never rewritten under CI or --ci, and cannot be combined
    with golden files; `corun run` ignores it and `corun export` drops it;
    a malformed one is an error at its line:col.
  * Markdown: each block is one test (summary, --list, -k by its heading or
    `name:`, --junit); a failure names the output block's line with a
    unified diff; a block without an output block must exit 0; --update
    rewrites the output blocks' content only; an error in a block is
    reported at the document's line:col; --md DIR finds documents;
    `corun export x.md` turns each block into its Python program.

Each case builds files in a temporary directory and runs corun there.
Python 3 standard library only.

    literate.py --corun build/corun
"""

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

TIMEOUT = 60
failures = []


def run(corun, args, cwd, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CORUN_UPDATE", "NO_COLOR", "FORCE_COLOR",
                                                            "CLICOLOR_FORCE", "GITHUB_ACTIONS")}
    env.update(env_extra or {})
    r = subprocess.run([corun] + args, cwd=cwd, capture_output=True, timeout=TIMEOUT, env=env,
                       stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def check(name, got, exit_code, stdout=(), stderr=(), stdout_is=None, absent=()):
    code, out, err = got
    problems = []
    if code != exit_code:
        problems.append(f"exit {code}, expected {exit_code}")
    problems += [f"stdout lacks {s!r}" for s in stdout if s not in out]
    problems += [f"stderr lacks {s!r}" for s in stderr if s not in err]
    problems += [f"output has {s!r}" for s in absent if s in out or s in err]
    if stdout_is is not None and out != stdout_is:
        problems.append(f"stdout is {out!r}, expected {stdout_is!r}")
    if problems:
        failures.append(name)
        print(f"FAIL {name}: " + "; ".join(problems))
        print("  stdout: " + out.replace("\n", "\n          "))
        print("  stderr: " + err.replace("\n", "\n          "))
    else:
        print(f"ok   {name}")


def same(name, actual, expected):
    if actual == expected:
        print(f"ok   {name}")
    else:
        failures.append(name)
        print(f"FAIL {name}:\n--- expected\n{expected}\n--- actual\n{actual}")


INLINE = '''# A comment above, kept.
name: 'two prints'   # quoted the old way
coroutines:
  main:
    steps:
      - print: "one"
      - print: "two"
expect:
  stdout: |
    one
    two
# A comment after the block, kept.
options: {seed: 1}
'''


def inline_expect(corun, tmp):
    d = tmp / "inline"
    d.mkdir()
    (d / "two.yaml").write_text(INLINE)
    check("expect: passes", run(corun, ["test", "two.yaml"], d), 0, stdout=["1 passed, 0 failed"])
    check("corun run ignores expect:", run(corun, ["run", "two.yaml"], d), 0, stdout_is="one\ntwo\n")
    code, out, _ = run(corun, ["export", "two.yaml"], d)
    check("corun export drops expect:", (code, out, ""), 0, absent=["expect", "stdout"])
    if "__golden__" in os.listdir(d):
        failures.append("expect: wrote golden files")

    wrong = INLINE.replace("    two\n", "    three\n")
    (d / "two.yaml").write_text(wrong)
    check("expect: fails with a diff", run(corun, ["test", "two.yaml"], d), 1,
          stdout=["FAIL two.yaml", "--- two.yaml (expect: stdout)", "+++ actual stdout", "-three", "+two",
                  "to accept the new output: corun test --update two.yaml", "0 passed, 1 failed"])
    check("--update under CI refuses", run(corun, ["test", "--update", "two.yaml"], d, {"CI": "true"}), 1,
          stderr=["refusing to update golden files (--update): CI is set"])
    check("--update --ci refuses", run(corun, ["test", "--update", "--ci", "two.yaml"], d), 1,
          stderr=["--ci is given"])
    same("refused updates leave the file", (d / "two.yaml").read_text(), wrong)
    check("--update rewrites the block", run(corun, ["test", "--update", "two.yaml"], d), 0,
          stdout=["updated two.yaml (expect:)", "0 golden files updated, 1 block updated"])
    same("--update: every byte outside the block unchanged", (d / "two.yaml").read_text(), INLINE)
    check("then it passes", run(corun, ["test", "two.yaml"], d), 0, stdout=["1 passed"])
    if any(p.name.startswith(".two.yaml.tmp") for p in d.iterdir()):
        failures.append("a temporary file was left")
        print("FAIL --update left a temporary file")

    # stderr, exit, output without a final newline, and a block at the end.
    raising = ('coroutines:\n  main:\n    steps:\n      - call: print("no newline", end="")\n'
               '      - raise: ValueError("boom")\nexpect:\n  stdout: ""\n')
    (d / "raises.yaml").write_text(raising)
    check("stderr and exit differ", run(corun, ["test", "raises.yaml"], d), 1,
          stdout=["--- raises.yaml (expect: stderr)", "+ValueError: boom", "exit status: expected 0, got 1"])
    check("--update writes stdout, stderr and exit", run(corun, ["test", "-u", "raises.yaml"], d), 0,
          stdout=["updated raises.yaml (expect:)"])
    text = (d / "raises.yaml").read_text()
    same("the block keeps the lines before it", text[:text.index("expect:")], raising[:raising.index("expect:")])
    for piece in ("  stdout: |-\n    no newline\n", "  stderr: |\n    Traceback (most recent call last):\n",
                  "  exit: 1\n"):
        if piece not in text:
            failures.append("rendered block")
            print(f"FAIL the new block lacks {piece!r}:\n{text}")
    check("the rewritten block passes", run(corun, ["test", "raises.yaml"], d), 0, stdout=["1 passed"])

    # Texts no plain block scalar holds: leading spaces, blank lines of
    # spaces, several final newlines, a control character, quotes.
    odd = ('coroutines:\n  main:\n    steps:\n      - print: "  indented"\n      - print: "   "\n'
           '      - call: print("tab\\there \\"quoted\\" \\x01\\n")\nexpect:\n  stdout: ""\n')
    (d / "odd.yaml").write_text(odd)
    check("odd text: --update", run(corun, ["test", "-u", "odd.yaml"], d), 0, stdout=["1 block updated"])
    check("odd text: the rewritten block reads back exactly", run(corun, ["test", "odd.yaml"], d), 0,
          stdout=["1 passed"])
    if 'stdout: "  indented' not in (d / "odd.yaml").read_text():
        failures.append("odd text quoted")
        print("FAIL odd text was not double-quoted:\n" + (d / "odd.yaml").read_text())

    # An expect: block and golden files: keep one.
    s = tmp / "both" / "scenarios"
    s.mkdir(parents=True)
    (s / "two.yaml").write_text(INLINE)
    (tmp / "both" / "golden").mkdir()
    (tmp / "both" / "golden" / "two.out").write_text("one\ntwo\n")
    check("expect: and golden files: an error naming both", run(corun, ["test", "scenarios"], tmp / "both"), 1,
          stdout=["has both an expect: block and golden files (golden/two.out); keep one"])

    # A malformed block is the compiler's error, at its position.
    (d / "bad.yaml").write_text('coroutines:\n  main:\n    steps:\n      - print: "x"\nexpect:\n  stdout: "x\\n"\n'
                                '  exitt: 1\n')
    check("unknown key in expect: at its line:col", run(corun, ["run", "bad.yaml"], d), 2,
          stderr=["bad.yaml:7:3: error: unknown key 'exitt' in `expect`; did you mean 'exit'?"])
    (d / "bad2.yaml").write_text('coroutines:\n  main:\n    steps:\n      - print: "x"\nexpect:\n  stdout: "x\\n"\n'
                                 '  exit: many\n')
    check("a bad exit in expect:", run(corun, ["run", "bad2.yaml"], d), 2,
          stderr=["bad2.yaml:7:9: error: `exit` is the expected exit status"])


DOC = '''# A tutorial

Some prose, with `code` and a list:

- one
- two

## Hello

```yaml corun
coroutines:
  main:
    steps:
      - print: "hello"
```

It prints:

```output
hello
```

## Named by its key

```yaml corun
name: counting
coroutines:
  main:
    steps:
      - for: i
        in: range(3)
        steps:
          - print: "{i}"
```

```output
0
1
2
```

## Runs only

```yaml corun
coroutines:
  main:
    steps:
      - sleep: 1
```

Trailing prose.
'''


def markdown(corun, tmp):
    d = tmp / "md"
    d.mkdir()
    doc = d / "tutorial.md"
    doc.write_text(DOC)
    check("a document's blocks pass", run(corun, ["test", "-v", "tutorial.md"], d), 0,
          stdout=["PASS tutorial.md::Hello", "PASS tutorial.md::counting", "PASS tutorial.md::Runs only",
                  "3 passed, 0 failed"])
    check("--list: one line a block", run(corun, ["test", "--list", "tutorial.md"], d), 0,
          stdout_is="tutorial.md::Hello\ntutorial.md::counting\ntutorial.md::Runs only\n")
    check("-k by the name", run(corun, ["test", "-k", "count*", "tutorial.md"], d), 0,
          stdout=["1 passed, 0 failed, 2 skipped (-k)"])
    code, out, err = run(corun, ["test", "--junit", "j.xml", "tutorial.md"], d)
    names = sorted(c.get("name") for c in ET.parse(d / "j.xml").getroot().iter("testcase"))
    same("--junit: a case a block", names, ["tutorial.md::Hello", "tutorial.md::Runs only", "tutorial.md::counting"])
    check("--md DIR finds the document", run(corun, ["test", "--md", "."], d), 0, stdout=["3 passed"])

    wrong = DOC.replace("0\n1\n2\n", "0\n2\n1\n")
    doc.write_text(wrong)
    line = wrong.splitlines().index("```output", wrong.splitlines().index("name: counting")) + 1
    check("a wrong output block: its line and a diff", run(corun, ["test", "tutorial.md"], d), 1,
          stdout=["FAIL tutorial.md::counting", f"tutorial.md:{line}: the output differs",
                  f"--- tutorial.md:{line} (```output)", "+++ actual stdout", " 0\n-2\n 1\n+2\n",
                  "2 passed, 1 failed"])
    check("--update under CI does not write", run(corun, ["test", "-u", "tutorial.md"], d, {"CI": "1"}), 1,
          stderr=["CI is set"])
    same("...the document unchanged", doc.read_text(), wrong)
    check("--update rewrites the output block", run(corun, ["test", "-u", "tutorial.md"], d), 0,
          stdout=[f"updated tutorial.md:{line}"])
    same("--update: the prose and the other blocks byte for byte", doc.read_text(), DOC)

    # A block whose output block is missing must exit 0; its errors are at
    # the document's line:col.
    broken = DOC.replace("      - sleep: 1\n", "      - sleep: 1\n      - frobnicate: 2\n")
    doc.write_text(broken)
    lines = broken.splitlines()
    bad = lines.index("      - frobnicate: 2") + 1
    check("an error in a block: the document's line:col", run(corun, ["test", "tutorial.md"], d), 1,
          stdout=["FAIL tutorial.md::Runs only", "must exit 0", f"tutorial.md:{bad}:9: error: unknown step"])
    check("corun run --block LINE runs one block", run(corun, ["run", "tutorial.md", "--block",
                                                               str(lines.index("name: counting"))], d),
          0, stdout_is="0\n1\n2\n")
    check("corun run x.md with several blocks asks which", run(corun, ["run", "tutorial.md"], d), 2,
          stderr=["say which with --block LINE"])
    check("corun export x.md: the error at its line", run(corun, ["export", "tutorial.md"], d), 2,
          stderr=[f"tutorial.md:{bad}:9: error:"])
    doc.write_text(DOC)
    (d / "one.md").write_text("Just one:\n\n```yaml corun\ncoroutines:\n  main:\n    - print: \"only\"\n```\n")
    check("corun run x.md with one block runs it", run(corun, ["run", "one.md"], d), 0, stdout_is="only\n")
    check("corun run --block at no block", run(corun, ["run", "one.md", "--block", "1"], d), 2,
          stderr=["no ```yaml corun block opens at line 1 (they open at 3)"])

    # Fences indented in a list item: the scenario keeps its columns, the
    # output block is compared and rewritten at its fence's indentation.
    listed = ("1. A step:\n\n   ```yaml corun\n   coroutines:\n     main:\n       - print: \"a\"\n"
              "       - call: print(\"b\", end=\"\")\n   ```\n\n   ```output\n   a\n   x\n   ```\n2. Next.\n")
    (d / "listed.md").write_text(listed)
    check("an indented output block: compared without its indentation", run(corun, ["test", "listed.md"], d), 1,
          stdout=["-x\n+b\n"])
    check("an indented output block: --update", run(corun, ["test", "-u", "listed.md"], d), 0,
          stdout=["1 block updated"])
    same("...rewritten at its indentation", (d / "listed.md").read_text(), listed.replace("   x\n", "   b\n"))
    (d / "listed.md").write_text(listed.replace('print: \"a\"', 'frob: 1'))
    check("an indented block's error: the document's column", run(corun, ["run", "listed.md"], d), 2,
          stderr=["listed.md:6:10: error: unknown step"])

    code, out, err = run(corun, ["export", "tutorial.md"], d)
    check("corun export x.md", (code, out, err), 0,
          stdout=["# A tutorial\n\nSome prose", "## Hello\n\n```python\n", 'print("hello")',
                  "It prints:\n\n```output\nhello\n```\n", "Trailing prose.\n"], absent=["yaml corun"])
    prose = [l for l in DOC.splitlines() if not l.startswith((" ", "coroutines:", "name:", "```yaml corun"))]
    for l in prose:
        if l not in out.splitlines():
            failures.append("export prose")
            print(f"FAIL corun export x.md lost the line {l!r}")
            break
    # Each program runs under CPython and prints its output block.
    blocks, cur = [], None
    for l in out.splitlines(keepends=True):
        if l == "```python\n":
            cur = []
        elif l == "```\n" and cur is not None:
            blocks.append("".join(cur))
            cur = None
        elif cur is not None:
            cur.append(l)
    outs = [subprocess.run([sys.executable, "-c", b], capture_output=True, text=True, timeout=TIMEOUT).stdout
            for b in blocks]
    same("the exported programs print the output blocks under CPython", outs, ["hello\n", "0\n1\n2\n", ""])

    (d / "open.md").write_text("# x\n\n```yaml corun\ncoroutines: {}\n")
    check("an unclosed block: its line", run(corun, ["test", "open.md"], d), 1,
          stdout=["open.md:3: the ```yaml corun block is never closed"])
    (d / "none.md").write_text("# Nothing to test\n\n```yaml\nx: 1\n```\n")
    check("a document without a corun block, named: a usage error", run(corun, ["test", "none.md"], d), 2,
          stderr=["has no ```yaml corun block"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corun", required=True)
    args = ap.parse_args()
    corun = str(Path(args.corun).resolve())
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for part in (inline_expect, markdown):
            part(corun, tmp)
    if failures:
        print(f"{len(failures)} failed: {', '.join(failures)}")
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
