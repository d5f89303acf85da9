#!/usr/bin/env python3
"""Deterministic mutation fuzzer for corun's input: bad input never crashes
and never hangs.

Seeds are every scenarios/**/*.yaml.  Each iteration takes one seed and
applies one to three mutations (YAML-structural, language-level, or raw
bytes), writes the result to a temporary folder and runs

    corun run FILE --max-steps 200000

with a timeout.  An input fails when

  * corun is killed by a signal or exits with a status outside {0, 1, 2, 3}
    (status >= 128 counts as a signal too), or does not finish in time;
  * stderr mentions "terminate called", "Assertion", "AddressSanitizer",
    "Segmentation" (or another sanitizer report);
  * the status is 2 and stderr's first line is not
    `file:line:col: error: ...` (or `FILE: error: ...` when no position is
    known), or names a line that is not in the file.

Failing inputs are kept, minimised (line-based delta debugging, then
shrinking long repeated runs inside lines), and reported with the command
that reproduces them.  The run ends with `N passed, N failed` and exits 1 on
any failure.

Every input is derived from (--seed, iteration number) alone, so a run is
reproducible and independent of --jobs.  Python 3 standard library only.
"""

import argparse
import concurrent.futures
import os
import re
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

KEYS = [
    # top level
    "name", "description", "coroutines", "functions", "exceptions", "classes",
    "main", "options", "debug", "seed", "fields", "methods", "sync", "params",
    # verbs and modifiers
    "print", "sleep", "block", "await", "set", "call", "task", "gather",
    "cancel", "raise", "return", "try", "except", "else", "finally", "if",
    "then", "while", "for", "in", "steps", "async_for", "async_with",
    "timeout", "task_group", "wait_for", "wait", "as", "group",
    "return_exceptions", "msg", "from", "type", "return_when", "pass",
    "break", "continue", "yield",
]
BARE_WORDS = ["pass", "break", "continue", "raise", "return", "yield", "print",
              "sleep", "await", "gather", "try"]
RANDOM_WORDS = [
    "foo", "x", "_", "__init__", "__aenter__", "__aexit__", "self", "None",
    "True", "async", "lambda", "import", "del", "global", "nonlocal", "class",
    "def", "with", "del", "assert", "Ellipsis", "__class__", "名前", "naïve",
    "a" * 300, "0abc", "-", "1", "", "main", "asyncio", "time", "random",
]
NAMES = ["x", "y", "i", "t", "name", "delay", "result", "results", "main",
         "task", "self", "asyncio", "time", "random", "undefined_name",
         "print", "len", "str", "ValueError", "Exception", "BaseException",
         "CancelledError", "KeyboardInterrupt", "SystemExit"]
TOKENS = [
    "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "+", "-", "*", "/",
    "//", "%", "**", "@", "<", ">", "==", "!=", "<=", ">=", "=", ":=", "->",
    "not", "and", "or", "in", "is", "if", "else", "for", "lambda", "await",
    "yield", "async", "None", "True", "False", "...", "0", "1", "-1", "2.5",
    "1e999", "0x", "0b2", "1_000", "1__0", "1.2.3", "'", '"', 'f"', "f'",
    '"s"', "'s'", "!r", "!s", "\\", "`", "$", "?", "#", "~", "^", "&", "|",
    "<<", ">>",
] + NAMES

INT_MIN = "(-9223372036854775807-1)"
INT_MAX = "9223372036854775807"

BAD_EXPRESSIONS = [
    # division, calls and subscripts of the wrong things
    "1/0", "1//0", "1%0", "1.0/0", "0.0**-1", "0**-1", "divmod(1, 0)",
    "None()", "None.x", "None[0]", "(1)()", "'s'()", "x[10**9]",
    "[1, 2][10**9]", "'abc'[10**18]", "'abc'[" + INT_MIN + "]",
    "[1, 2][::0]", "[1, 2][::" + INT_MIN + "]", "[1, 2][" + INT_MIN + ":]",
    "{1: 2}[[1]]", "{[1]: 2}", "dict(a=1)['b']", "max([])", "min()",
    "sum([[1]], [])", "zip(*5)", "isinstance(1, 1)", "type(type)",
    "type(1)(2)", "print(print)", "repr(repr)", "len(5)", "int('x')",
    "int('9' * 30)", "int(1e300)", "int(float('nan'))", "int(float('inf'))",
    "float('nan')", "float('-inf')", "float('x')", "round(1e308, -400)",
    "round(1.5, 10**9)", "round(float('nan'))", "round(float('inf'))",
    "abs(" + INT_MIN + ")", "-" + INT_MIN, INT_MIN + " // -1",
    INT_MIN + " % -1", INT_MIN + " * -1", INT_MAX + " + 1", "2**63",
    "2**64", "2**-1", "10**-400", "10**10**10", "(-2)**0.5", "1 << 64",
    "1 >> -1", "-1 << 63", "9" * 400, "1e309", "-1e309", "1" + "0" * 5000 + ".0",
    "0x" + "f" * 100, "1e-400", "range(" + INT_MIN + ", " + INT_MAX + ")",
    "len(range(" + INT_MIN + ", " + INT_MAX + "))", "range(0, 10, 0)",
    "list(range(" + INT_MAX + "))", "'x' * 10**18", "[0] * 10**18",
    "'ab' * -1", "'ab' * " + INT_MIN, "[0] * 10**9", "(1,) * 10**10",
    "sorted([float('nan'), 1, 2])", "sorted([1, 'a'])", "sorted(None)",
    "str(10**18)", "str(" + INT_MIN + ")", "hash([])", "{**x}", "[*x]",
    "*x", "**x", "x := 1", "lambda: 1", "yield 1", "await x", "f'{x=}'",
    "ExceptionGroup('a', [])", "ExceptionGroup('a', [1])",
    "ExceptionGroup('a', [ValueError()])", "BaseException()",
    "KeyboardInterrupt()", "SystemExit(1)", "GeneratorExit()",
    "StopIteration()", "StopAsyncIteration()", "asyncio.CancelledError()",
    "Exception(Exception(Exception()))", "x.__class__", "x.__dict__",
    "__import__('os')", "self", "self.self", "main", "main()",
    "asyncio.run(main())", "asyncio.sleep", "asyncio.sleep(-1)",
    "asyncio.sleep(float('nan'))", "asyncio.sleep(1e300)",
    "asyncio.sleep(10**18)", "asyncio.get_running_loop().create_future()",
    "asyncio.current_task().cancel()", "asyncio.current_task()",
    "asyncio.current_task().result()", "asyncio.all_tasks()",
    "asyncio.gather()", "asyncio.gather(*[])", "asyncio.gather(1)",
    "asyncio.create_task(1)", "asyncio.create_task(main())",
    "asyncio.wait_for(main(), -1)", "asyncio.shield(None)",
    "asyncio.Queue(maxsize=-1)", "asyncio.Lock()", "asyncio.Future()",
    "asyncio.Future().result()", "asyncio.Future().set_result(1)",
    "time.sleep(-1)", "time.sleep(float('nan'))", "time.sleep(1e300)",
    "time.time() * 1e308", "random.randint(10, 1)",
    "random.uniform(1e308, -1e308)", "random.seed(-1)", "random.choice([])",
    "random.randint(" + INT_MIN + ", " + INT_MAX + ")",
    "[x for x in x]", "[x for x in range(3) for y in x]",
    "{k: v for k, v in 5}", "(i for i in range(10**9))",
    "sum(i for i in range(10**7))", "1 if else 2", "1 if 2", "a.b.c.d()",
    "f(**{1: 2})", "f(x=1, x=2)", "f(x=1, 2)", "print(end=None, sep=5)",
    "'%s' % ()", "'{}'.format()", "'abc'.format(**{})", "b'x'", "r'\\x'",
    "'\\N{NOPE}'", "'\\x'", "'\\u12'", "0o9", "1_", "1__0", "1e", ".",
    "x.", "x..y", "f(,)", "(,)", "[,]", "{,}", "{:}", "()()", "[][0]",
    "not", "x not", "is not", "1 < 2 < ", "-", "+", "~", "@",
]

# Templates (quoted scalars and print:) that abuse braces and format specs.
BAD_TEMPLATES = [
    "{", "}", "{x", "x}", "{}", "{ }", "{x!}", "{x!z}", "{x:}", "{x:{}}",
    "{x:{y:{z}}}", "{{{x}}}", "{{", "}}{{", "{x:.1000000f}",
    "{x:>1000000000}", "{x:>99999999999999999999}", "{1:.99999999999f}",
    "{1e300:f}", "{float('nan'):d}", "{1:q}", "{'a':d}", "{1:,_}",
    "{x=}", "{x!r:}", "{'}'}", "{'{'}", "{\"{\"}", "{x[}", "{x(}",
    "{" * 200 + "x" + "}" * 200, "{f'{x}'}", "{f'{f\"{x}\"}'}",
    "{1/0}", "{None()}", "{x[10**9]}", "{'x' * 10**18}",
    "{" + "(" * 5000 + "1" + ")" * 5000 + "}", "\\", "\\x", "\\u",
    "\udcff", "\x00", "é{x}ñ", "{名前}", "\u202e{x}", "\t{x}\t",
]

WEIRD_NUMBERS = [
    "-1", "-0.5", "-1e300", "float('nan')", "float('inf')", "float('-inf')",
    "1e300", "1e-300", "10**18", "9223372036.854775807", INT_MAX, INT_MIN,
    "0", "-0.0", "'1'", "\"1\"", "None", "[]", "True", "2**62", "1e20",
    "18446744073.709551616", "4.9e-324", "-9223372036.854775808", "nan",
    "inf", ".inf", "-.inf", ".nan", "0x10", "1_000_000_000_000",
]

# ---------------------------------------------------------------------------
# Text helpers.  Inputs are handled as str decoded with surrogateescape, so
# arbitrary bytes round-trip.
# ---------------------------------------------------------------------------


def to_bytes(s):
    return s.encode("utf-8", "surrogateescape")


def from_bytes(b):
    return b.decode("utf-8", "surrogateescape")


def byte_str(values):
    return from_bytes(bytes(values))


KEY_LINE = re.compile(r"^(?P<pre>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w]*)(?P<colon>\s*:)(?P<rest>.*)$")
class _ValueMatch:
    def __init__(self, pre, val):
        self._groups = {"pre": pre, "val": val}

    def group(self, name):
        return self._groups[name]


class _ValueLine:
    """`key: value` lines (also `- key: value`); val has no trailing comment.

    Written without a backtracking regex over the value: mutated lines can
    be hundreds of kilobytes long."""
    _pre = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"][^:#\n]{0,200}?:[ \t]+(?=\S)")

    def match(self, line):
        m = self._pre.match(line)
        if not m:
            return None
        val = line[m.end():]
        cut = val.find(" #")
        if cut >= 0:
            val = val[:cut]
        val = val.rstrip()
        if not val:
            return None
        return _ValueMatch(m.group(0), val)


VALUE_LINE = _ValueLine()
BARE_LINE = re.compile(r"^(?P<pre>\s*-\s+)(?P<word>[A-Za-z_]\w*)\s*$")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.])")
IDENT = re.compile(r"[A-Za-z_]\w*")
QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")


def pick_line(r, lines, pattern=None):
    idx = [i for i, l in enumerate(lines) if pattern is None or pattern.match(l)]
    return r.choice(idx) if idx else None


def near_miss(r, word):
    if not word:
        return r.choice(KEYS)
    ops = ["del", "swap", "dup", "sub", "case", "underscore", "plural", "space"]
    op = r.choice(ops)
    i = r.randrange(len(word))
    if op == "del" and len(word) > 1:
        return word[:i] + word[i + 1:]
    if op == "swap" and len(word) > 1:
        i = min(i, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == "dup":
        return word[:i] + word[i] + word[i:]
    if op == "sub":
        return word[:i] + r.choice("abcdefghijklmnopqrstuvwxyz_") + word[i + 1:]
    if op == "case":
        return word.upper() if r.random() < 0.5 else word.capitalize()
    if op == "underscore":
        return word[:i] + "_" + word[i:]
    if op == "plural":
        return word + "s"
    return word[:i] + " " + word[i:]


def random_tokens(r):
    n = r.randint(1, 12)
    return " ".join(r.choice(TOKENS) for _ in range(n))


def bad_expression(r, names):
    kind = r.randrange(10)
    if kind == 0:
        return random_tokens(r)
    if kind == 1:  # unbalanced brackets
        opener = r.choice("([{")
        return r.choice([
            "f(", "x)", "[1, 2", "{1: ", "a[", "f(a,", "((1)", "(1))",
            opener * r.randint(1, 5) + "x",
            "x" + r.choice(")]}") * r.randint(1, 5),
        ])
    if kind == 2:  # unterminated strings
        return r.choice(['"abc', "'abc", 'f"{x', 'f"{', 'f"}"', '"""',
                         "'''", 'f"{x!z}"', "f'{x:{y:{z}}}'", 'f"{"',
                         "f'{'}'", '"\\', "'a\\'", 'f"{x!r:>{10**9}}"'])
    if kind == 3:  # deep nesting
        n = r.choice([100, 1000, 5000, 20000])
        return r.choice([
            "(" * n + "1" + ")" * n,
            "(" * n + "1",
            "[" * n + "]" * n,
            "-" * n + "1",
            "not " * n + "x",
            "x" + ".a" * n,
            "x" + "[0]" * n,
            "f" + "()" * n,
            "2**" * n + "2",
            "1 if 1 else " * n + "1",
            "+".join(["1"] * n),
            "f(" * n + ")" * n,
            "{'a': " * n + "1" + "}" * n,
            "[x for x in " * n + "y" + "]" * n,
            "f'{" * min(n, 300) + "x" + "}'" * min(n, 300),
            "lambda: " * n + "1",
        ])
    if kind == 4:  # a call to something the scenario defines (recursion)
        if names:
            nm = r.choice(names)
            return r.choice([nm + "()", nm + "(1, 2, 3)", nm, nm + "(" + nm + "())",
                             "[" + nm + "() for i in range(10**6)]",
                             "list(" + nm + "() for i in range(1000))",
                             nm + "(x=" + nm + ")"])
        return "main()"
    if kind == 5:
        return r.choice(WEIRD_NUMBERS)
    if kind == 6:
        return '"' + r.choice(BAD_TEMPLATES) + '"'
    return r.choice(BAD_EXPRESSIONS)


# ---------------------------------------------------------------------------
# Mutations: each takes (rng, text, context) and returns new text.
# ---------------------------------------------------------------------------


def m_delete_line(r, s, ctx):
    lines = s.split("\n")
    if len(lines) > 1:
        i = r.randrange(len(lines))
        n = r.choice([1, 1, 1, 2, 3, 5])
        del lines[i:i + n]
    return "\n".join(lines)


def m_duplicate_line(r, s, ctx):
    lines = s.split("\n")
    i = r.randrange(len(lines))
    n = r.choice([1, 1, 2, 4])
    lines[i:i] = lines[i:i + n] * r.choice([1, 1, 2, 50])
    return "\n".join(lines)


def m_swap_lines(r, s, ctx):
    lines = s.split("\n")
    if len(lines) > 1:
        i, j = r.randrange(len(lines)), r.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def m_indentation(r, s, ctx):
    lines = s.split("\n")
    i = r.randrange(len(lines))
    body = lines[i].lstrip(" ")
    cur = len(lines[i]) - len(body)
    new = max(0, cur + r.choice([-4, -2, -1, 1, 2, 3, 4, 8])) if r.random() < 0.8 else r.randint(0, 40)
    lines[i] = " " * new + body
    return "\n".join(lines)


def m_tab(r, s, ctx):
    lines = s.split("\n")
    i = r.randrange(len(lines))
    l = lines[i]
    if r.random() < 0.5:
        lines[i] = "\t" + l.lstrip(" ") if r.random() < 0.5 else "\t" + l
    else:
        p = r.randrange(len(l) + 1)
        lines[i] = l[:p] + "\t" + l[p:]
    return "\n".join(lines)


def m_truncate(r, s, ctx):
    b = to_bytes(s)
    return from_bytes(b[:r.randrange(len(b) + 1)])


def m_insert_char(r, s, ctx):
    ch = r.choice(["{", "[", ":", ": ", "}", "]", ",", "#", "? ", "- ", "|",
                   ">", "%", "@", "`", '"', "'", "&", "*", "!", "\\", " #",
                   "{{", "[[", "::", ":{"])
    p = r.randrange(len(s) + 1)
    return s[:p] + ch + s[p:]


def m_anchor_alias(r, s, ctx):
    lines = s.split("\n")
    variant = r.randrange(6)
    i = pick_line(r, lines, VALUE_LINE)
    if i is None:
        return s + "\n*a\n"
    m = VALUE_LINE.match(lines[i])
    name = r.choice(["a", "a", "x", "main", "é"])
    if variant == 0:  # anchor a value, alias it from another value
        lines[i] = m.group("pre") + "&" + name + " " + m.group("val")
        j = pick_line(r, lines, VALUE_LINE)
        if j is not None:
            m2 = VALUE_LINE.match(lines[j])
            lines[j] = m2.group("pre") + "*" + name
    elif variant == 1:  # alias of an unknown anchor
        lines[i] = m.group("pre") + "*" + name
    elif variant == 2:  # duplicated anchor
        lines[i] = m.group("pre") + "&" + name + " &" + name + " " + m.group("val")
    elif variant == 3:  # merge key
        pre = re.match(r"^\s*", lines[i]).group(0)
        lines.insert(i, pre + "<<: *" + name)
    elif variant == 4:  # anchor a whole step list and reuse it (aliases of blocks)
        k = pick_line(r, lines, re.compile(r"^\s*(steps|main|then|else|finally|try)\s*:\s*$"))
        if k is not None:
            lines[k] = lines[k].rstrip() + " &" + name
            j = pick_line(r, lines, VALUE_LINE)
            if j is not None:
                m2 = VALUE_LINE.match(lines[j])
                lines[j] = m2.group("pre") + "*" + name
    else:  # anchor on a key, alias as a key
        lines[i] = re.sub(r"^(\s*(?:-\s+)?)", lambda mm: mm.group(1) + "&" + name + " ", lines[i], count=1)
        j = pick_line(r, lines, KEY_LINE)
        if j is not None:
            m2 = KEY_LINE.match(lines[j])
            lines[j] = m2.group("pre") + "*" + name + " " + m2.group("colon") + m2.group("rest")
    return "\n".join(lines)


def m_billion_laughs(r, s, ctx):
    depth = r.choice([6, 8, 10, 12])
    width = r.choice([4, 9])
    block = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for d in range(1, depth):
        block.append("l%d: &l%d [" % (d, d) + ", ".join(["*l%d" % (d - 1)] * width) + "]")
    top = "\n".join(block)
    where = r.randrange(3)
    if where == 0:
        return top + "\n" + s
    if where == 1:
        return s + "\n" + top + "\n"
    # use the expansion as a value inside the scenario too
    lines = s.split("\n")
    i = pick_line(r, lines, VALUE_LINE)
    if i is not None:
        m = VALUE_LINE.match(lines[i])
        lines[i] = m.group("pre") + "*l%d" % (depth - 1)
    return top + "\n" + "\n".join(lines)


def m_tag(r, s, ctx):
    tag = r.choice(["!expr ", "!expr ", "!!str ", "!!int ", "!!float ", "!!null ",
                    "!!map ", "!!seq ", "!!bool ", "!foo ", "!<tag:yaml.org,2002:str> ",
                    "!!binary ", "! ", "!expr !expr ", "!e%78pr ", "!<!expr> ",
                    "!!python/object:os.system "])
    lines = s.split("\n")
    if r.random() < 0.7:
        i = pick_line(r, lines, VALUE_LINE)
        if i is not None:
            m = VALUE_LINE.match(lines[i])
            lines[i] = m.group("pre") + tag + m.group("val")
            return "\n".join(lines)
    p = r.randrange(len(s) + 1)
    return s[:p] + tag + s[p:]


def m_document(r, s, ctx):
    v = r.randrange(7)
    if v == 0:
        lines = s.split("\n")
        lines.insert(r.randrange(len(lines) + 1), r.choice(["---", "...", "--- |", "--- !expr", "---\t", "--- #"]))
        return "\n".join(lines)
    if v == 1:
        return s + "\n---\n" + s
    if v == 2:
        return "---\n" + s + "\n...\n"
    if v == 3:
        return r.choice(["%YAML 1.2\n---\n", "%YAML 1.1\n%YAML 1.1\n---\n",
                         "%TAG ! tag:example.com,2000:\n---\n", "%FOO bar\n---\n",
                         "%YAML 9.9\n---\n", "%\n"]) + s
    if v == 4:
        return "---\n---\n" + s
    if v == 5:
        return s + "\n---\n"
    return "--- " + s


def m_long_line(r, s, ctx):
    n = r.choice([5000, 100000, 300000])
    lines = s.split("\n")
    v = r.randrange(6)
    if v == 0:
        new = "    - print: \"" + "a" * n + "\""
    elif v == 1:
        new = "    - print: " + "{x}" * (n // 3)
    elif v == 2:
        new = "    - set: {" + "v" * n + ": 1}"
    elif v == 3:
        new = "    - sleep: " + "+".join(["1"] * (n // 2))
    elif v == 4:
        new = "#" + "x" * n
    else:
        i = pick_line(r, lines, VALUE_LINE)
        if i is None:
            return s + "\n" + "a" * n
        m = VALUE_LINE.match(lines[i])
        lines[i] = m.group("pre") + m.group("val") + " " * n + "x" * (n // 10)
        return "\n".join(lines)
    lines.insert(r.randrange(len(lines) + 1), new)
    return "\n".join(lines)


def m_deep_nesting(r, s, ctx):
    n = r.choice([1000, 10000, 100000])
    v = r.randrange(8)
    if v == 0:
        blob = "[" * n
    elif v == 1:
        blob = "{" * n
    elif v == 2:
        blob = "[" * n + "]" * n
    elif v == 3:
        blob = "{a: " * n + "1" + "}" * n
    elif v == 4:
        blob = "- " * min(n, 10000) + "x"
    elif v == 5:  # block mappings indented one more each line
        k = min(n, 2000)
        blob = "\n".join(" " * d + "k%d:" % d for d in range(k)) + " x"
    elif v == 6:  # deeply nested steps (try inside try ...)
        k = min(n // 10, 1000)
        out = []
        for d in range(k):
            out.append("  " * (d + 2) + "- try:")
        out.append("  " * (k + 3) + "- pass")
        return s.rstrip("\n") + "\n  deep:\n" + "\n".join(out) + "\n"
    else:
        blob = "[" * n + "x" + "]" * (n // 2)
    lines = s.split("\n")
    i = pick_line(r, lines, VALUE_LINE)
    if i is not None and r.random() < 0.7:
        m = VALUE_LINE.match(lines[i])
        lines[i] = m.group("pre") + blob
        return "\n".join(lines)
    lines.insert(r.randrange(len(lines) + 1), blob)
    return "\n".join(lines)


def m_replace_key(r, s, ctx):
    lines = s.split("\n")
    i = pick_line(r, lines, KEY_LINE)
    if i is None:
        return s
    m = KEY_LINE.match(lines[i])
    key = m.group("key")
    v = r.random()
    if v < 0.5:
        new = near_miss(r, key)
    elif v < 0.8:
        new = r.choice(KEYS)
    else:
        new = r.choice(RANDOM_WORDS)
    lines[i] = m.group("pre") + new + m.group("colon") + m.group("rest")
    return "\n".join(lines)


def m_bare_word(r, s, ctx):
    lines = s.split("\n")
    i = pick_line(r, lines, KEY_LINE)
    if i is None:
        return s
    m = KEY_LINE.match(lines[i])
    pre = m.group("pre")
    if "-" not in pre:
        pre = pre + "- "
    word = r.choice(BARE_WORDS) if r.random() < 0.7 else near_miss(r, r.choice(BARE_WORDS))
    if r.random() < 0.5:
        lines[i] = pre + word
    else:
        lines.insert(i, pre + word)
    return "\n".join(lines)


def m_replace_value(r, s, ctx):
    lines = s.split("\n")
    i = pick_line(r, lines, VALUE_LINE)
    if i is None:
        return s
    m = VALUE_LINE.match(lines[i])
    val = m.group("val")
    if val.startswith(("'", '"')) and r.random() < 0.5:
        q = val[0]
        new = q + r.choice(BAD_TEMPLATES).replace(q, q + q if q == "'" else "\\" + q) + q
    else:
        new = bad_expression(r, ctx["names"])
        if r.random() < 0.3:
            new = "!expr " + repr(new)
    lines[i] = m.group("pre") + new
    return "\n".join(lines)


INJECT_STEPS = [
    'print: "{{{e}}}"', "set: {{v: {e}}}", "call: {e}", "sleep: {e}", "block: {e}",
    "await: {e}", "return: {e}", "raise: {e}", "task: {e}", "gather: [{e}]",
    "cancel: {e}", "if: {e}\n{ind}  then: [pass]", "while: {e}\n{ind}  steps: [break]",
    "for: v\n{ind}  in: {e}\n{ind}  steps: [pass]",
    "wait_for: {e}\n{ind}  timeout: {n}", "timeout: {n}\n{ind}  steps:\n{ind}    - sleep: {e}",
]


def m_inject_step(r, s, ctx):
    """Insert a step with a hostile expression where it is sure to run: the
    first step of a coroutine (so that mutations reach the evaluator, not
    only the parser)."""
    lines = s.split("\n")
    starts = [i for i, l in enumerate(lines[:-1]) if re.match(r"^\s*-\s+\S", lines[i + 1])
              and re.match(r"^\s*(main|steps|[A-Za-z_]\w*)\s*:\s*$", l)]
    if not starts:
        return s
    i = r.choice(starts) if r.random() < 0.5 else (
        next((k for k in starts if lines[k].strip() == "main:"), starts[0]))
    ind = re.match(r"^\s*", lines[i + 1]).group(0)
    if r.random() < 0.6:
        e = r.choice(BAD_EXPRESSIONS + WEIRD_NUMBERS)
    else:
        e = bad_expression(r, ctx["names"])
    if "\n" in e or (e[:1] in "[{*&!|>'\"%@`" and r.random() < 0.7):
        e = "!expr " + repr(e)
    step = r.choice(INJECT_STEPS).format(e=e, ind=ind, n=r.choice(WEIRD_NUMBERS))
    lines.insert(i + 1, ind + "- " + step)
    return "\n".join(lines)


def m_replace_word(r, s, ctx):
    idents = list(IDENT.finditer(s))
    if not idents:
        return s
    m = r.choice(idents)
    v = r.random()
    if v < 0.4:
        new = near_miss(r, m.group(0))
    elif v < 0.7:
        new = r.choice(NAMES + ctx["names"])
    else:
        new = r.choice(RANDOM_WORDS)
    return s[:m.start()] + new + s[m.end():]


def m_sleep_number(r, s, ctx):
    lines = s.split("\n")
    pat = re.compile(r"^\s*(?:-\s+)?(sleep|block|timeout|delay|wait_for)\s*:\s*\S")
    i = pick_line(r, lines, pat)
    if i is not None and r.random() < 0.6:
        m = VALUE_LINE.match(lines[i])
        if m:
            lines[i] = m.group("pre") + r.choice(WEIRD_NUMBERS)
            return "\n".join(lines)
    nums = list(NUMBER.finditer(s))
    if not nums:
        return s
    m = r.choice(nums)
    new = r.choice(WEIRD_NUMBERS)
    if new.startswith("-"):
        new = "(" + new + ")" if r.random() < 0.5 else new
    return s[:m.start()] + new + s[m.end():]


def m_swap_quoting(r, s, ctx):
    lines = s.split("\n")
    i = pick_line(r, lines, VALUE_LINE)
    if i is None:
        return s
    m = VALUE_LINE.match(lines[i])
    val = m.group("val")
    if len(val) >= 2 and val[0] in "'\"" and val[-1] == val[0]:
        inner = val[1:-1]
        new = inner if r.random() < 0.6 else ("'" if val[0] == '"' else '"') + inner + ("'" if val[0] == '"' else '"')
    else:
        q = r.choice(["'", '"'])
        new = q + val + q
    lines[i] = m.group("pre") + new
    return "\n".join(lines)


def m_unicode(r, s, ctx):
    ch = r.choice(["名前", "é", "e\u0301", "\u202e", "\u200b", "\ufeff", "😀",
                   "\u2028", "\u0085", "\u00a0", "\U0001F600" * 50, "ß", "İ",
                   "\u0000", "\x7f", "\x1b[31m"])
    p = r.randrange(len(s) + 1)
    return s[:p] + ch + s[p:]


SPECIAL_BYTES = [
    [0x00], [0xff], [0xfe], [0x80], [0xc0, 0x80], [0xc3], [0xed, 0xa0, 0x80],
    [0xef, 0xbb, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x0d],
    [0x1b], [0x0c], [0x0b], [0x07], [0xc2, 0x85], [0xf0, 0x9f, 0x98],
]


def m_random_bytes(r, s, ctx):
    b = bytearray(to_bytes(s))
    v = r.randrange(5)
    if v == 0:  # insert a special byte sequence
        p = r.randrange(len(b) + 1)
        b[p:p] = bytes(r.choice(SPECIAL_BYTES))
    elif v == 1:  # insert random bytes
        p = r.randrange(len(b) + 1)
        b[p:p] = bytes(r.randrange(256) for _ in range(r.randint(1, 20)))
    elif v == 2 and b:  # flip bytes
        for _ in range(r.randint(1, 8)):
            b[r.randrange(len(b))] = r.randrange(256)
    elif v == 3:  # line endings
        nl = r.choice([b"\r\n", b"\r", b"\n\r", b"\x00\n"])
        b = bytearray(bytes(b).replace(b"\n", nl))
    else:  # NUL at a random place, or UTF-16 BOM
        p = r.randrange(len(b) + 1)
        b[p:p] = r.choice([b"\x00", b"\x00" * 10, b"\xff\xfe", b"\xfe\xff"])
    return from_bytes(bytes(b))


def m_whole_random(r, s, ctx):
    v = r.randrange(4)
    if v == 0:
        return byte_str([r.randrange(256) for _ in range(r.randint(0, 300))])
    if v == 1:
        return "".join(r.choice(TOKENS + [" ", "\n", "  ", "- ", ": "]) for _ in range(r.randint(1, 100)))
    if v == 2:
        return r.choice(["", "\n", " ", "~", "null", "[]", "{}", "- x", "x", "coroutines:",
                         "coroutines: 1", "coroutines: []", "coroutines:\n  main:",
                         "coroutines:\n  main: []", "coroutines:\n  main: x",
                         "main: 1", "main: main()", "coroutines:\n  main:\n    - await: main()",
                         "coroutines:\n  main:\n    - while: True\n      steps: [pass]"])
    return "\x00" * r.randint(1, 50)


MUTATIONS = [
    # (weight, function)
    (6, m_delete_line), (4, m_duplicate_line), (4, m_swap_lines),
    (5, m_indentation), (3, m_tab), (4, m_truncate), (6, m_insert_char),
    (3, m_anchor_alias), (1, m_billion_laughs), (3, m_tag), (3, m_document),
    (2, m_long_line), (2, m_deep_nesting), (8, m_replace_key), (3, m_bare_word),
    (12, m_replace_value), (10, m_inject_step), (6, m_replace_word), (6, m_sleep_number),
    (5, m_swap_quoting), (2, m_unicode), (5, m_random_bytes), (1, m_whole_random),
]
_WEIGHTS = [w for w, _ in MUTATIONS]
_FUNCS = [f for _, f in MUTATIONS]


def defined_names(text):
    names = re.findall(r"^\s{2,4}([A-Za-z_]\w*)\s*:\s*$", text, re.M)
    return sorted(set(n for n in names if n not in KEYS)) or ["main"]


def make_input(seed, i, seeds):
    """The i-th input of a run: (bytes, seed path, mutation names)."""
    r = random.Random("corun-fuzz-%s-%d" % (seed, i))
    path = r.choice(seeds)
    text = from_bytes(path.read_bytes())
    ctx = {"names": defined_names(text)}
    applied = []
    for _ in range(r.choice([1, 1, 1, 2, 2, 3])):
        f = r.choices(_FUNCS, weights=_WEIGHTS)[0]
        text = f(r, text, ctx)
        applied.append(f.__name__[2:])
    return to_bytes(text), path, applied


# ---------------------------------------------------------------------------
# Running and judging
# ---------------------------------------------------------------------------

FORBIDDEN = ["terminate called", "Assertion", "AddressSanitizer", "Segmentation",
             "LeakSanitizer", "UndefinedBehaviorSanitizer", "ThreadSanitizer",
             "MemorySanitizer", "stack smashing", "double free", "free(): ",
             "malloc(): ", "corrupted size"]
UBSAN = re.compile(r"\.(?:cpp|cc|h|hpp):\d+:\d+: runtime error: ")
DIAG = re.compile(r"^[^:]+:(\d+):(\d+): error: ")


class Runner:
    def __init__(self, corun, timeout, max_steps, mem_limit_mb):
        self.corun = corun
        self.timeout = timeout
        self.max_steps = max_steps
        self.env = dict(os.environ)
        self.env.pop("CORUN_UPDATE", None)
        self.env["NO_COLOR"] = "1"
        asan = self.env.get("ASAN_OPTIONS", "")
        if "detect_leaks" not in asan:
            asan += ":detect_leaks=0"
        if "hard_rss_limit_mb" not in asan and mem_limit_mb:
            asan += ":hard_rss_limit_mb=%d" % mem_limit_mb
        self.env["ASAN_OPTIONS"] = asan.strip(":")
        ubsan = self.env.get("UBSAN_OPTIONS", "")
        if "print_stacktrace" not in ubsan:
            ubsan += ":print_stacktrace=1"
        self.env["UBSAN_OPTIONS"] = ubsan.strip(":")
        # Address-space limits break sanitizers (they reserve terabytes of
        # virtual memory); sanitized builds use hard_rss_limit_mb instead.
        self.ulimit_kb = 0
        if mem_limit_mb and not is_sanitized(corun):
            self.ulimit_kb = mem_limit_mb * 1024

    def probe_hang(self, path):
        """Tell hangs apart: while loading (`corun export` hangs too), a
        recursion the --max-depth guard stops only when set low, or a
        runaway at run time that no guard stops."""
        t = min(self.timeout, 5.0)
        status, err, _ = self.run(path, t, [self.corun, "export", str(path)])
        if status is None or status < 0 or status >= 128:
            return "hang while loading (corun export does not finish either)"
        status, err, _ = self.run(path, t, self.command(path) + ["--max-depth", "1000"])
        if status == 3:
            return "hang: the --max-depth guard stops it only when set low"
        return "hang at run time, no guard stops it"

    def command(self, path):
        return [self.corun, "run", str(path), "--max-steps", str(self.max_steps)]

    def run(self, path, timeout=None, cmd=None):
        cmd = cmd or self.command(path)
        if self.ulimit_kb:
            cmd = ["/bin/sh", "-c", 'ulimit -v %d; exec "$0" "$@"' % self.ulimit_kb] + cmd
        timeout = timeout or self.timeout
        start = time.monotonic()
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout, env=self.env)
        except subprocess.TimeoutExpired as e:
            err = e.stderr or b""
            return None, err.decode("utf-8", "replace"), time.monotonic() - start
        return p.returncode, p.stderr.decode("utf-8", "replace"), time.monotonic() - start


def is_sanitized(corun):
    try:
        with open(corun, "rb") as f:
            data = f.read()
    except OSError:
        return False
    return b"__asan_init" in data or b"__ubsan_handle" in data or b"__tsan_init" in data


def signal_name(n):
    try:
        return signal.Signals(n).name
    except ValueError:
        return "signal %d" % n


def crash_detail(err):
    """A short, input-independent description of a crash report."""
    lines = err.split("\n")
    for marker in ("SUMMARY: ", "terminate called after throwing an instance of",
                   "terminate called", ": runtime error: ", "Assertion ",
                   "ERROR: AddressSanitizer: "):
        hit = next((l for l in lines if marker in l), None)
        if hit is not None:
            text = hit.strip()[:300]
            if marker == ": runtime error: ":
                where, what = text.split(marker, 1)
                text = where.rsplit("/", 1)[-1] + marker + re.sub(r"-?\d+", "N", what)
            text = re.sub(r"0x[0-9a-f]+", "0x…", text)
            # the first frame of ours, so that distinct bugs stay distinct
            frame = re.search(r"#\d+ 0x[0-9a-f]+ in ([^\n]*?/(?:engine|cli)/[^\s:]+:\d+)", err)
            if frame and "Sanitizer" in text:
                text += " at " + re.sub(r"^.*/((?:engine|cli)/)", r"\1", frame.group(1))
            return text[:200]
    return ""


def judge(status, err, elapsed, path, data, timeout, runner=None):
    """None when the run keeps corun's promise, else (signature, explanation)."""
    if status is None:
        return (runner.probe_hang(path) if runner else "hang", "no exit within %.0f s" % timeout)
    crashed = status < 0 or status >= 128 or any(w in err for w in FORBIDDEN) or "runtime error: " in err
    detail = crash_detail(err) if crashed else ""
    if status < 0:
        return ("signal " + signal_name(-status) + (": " + detail if detail else ""),
                "killed by %s" % signal_name(-status))
    if status >= 128:
        return ("exit %d (signal %s?)" % (status, signal_name(status - 128)) + (": " + detail if detail else ""),
                "exit status %d" % status)
    for word in FORBIDDEN:
        if word in err:
            return ("stderr: " + (detail or word), "stderr contains %r" % word)
    if "runtime error: " in err and UBSAN.search(err):
        return ("stderr: " + (detail or "runtime error"), "undefined behaviour report on stderr")
    if status not in (0, 1, 2, 3):
        return ("exit %d" % status, "exit status %d not in {0, 1, 2, 3}" % status)
    if status == 2:
        first = err.split("\n", 1)[0]
        m = DIAG.match(first)
        if not m:
            if first.startswith(str(path) + ": error: "):
                return None
            return ("bad diagnostic", "status 2 but stderr's first line is %r" % first[:300])
        line, col = int(m.group(1)), int(m.group(2))
        nlines = data.count(b"\n") + 1
        if line < 1 or col < 1 or line > nlines + 1:
            return ("bad position", "error at %d:%d but the file has %d lines" % (line, col, nlines))
    return None


# ---------------------------------------------------------------------------
# Minimisation
# ---------------------------------------------------------------------------


class Minimizer:
    def __init__(self, runner, workdir, signature, timeout, budget):
        self.runner = runner
        self.signature = signature
        self.timeout = timeout
        self.deadline = time.monotonic() + budget
        self.path = workdir / "candidate.yaml"
        self.tests = 0
        self.cache = {}

    def interesting(self, data):
        if time.monotonic() > self.deadline:
            return False
        if data in self.cache:
            return self.cache[data]
        self.path.write_bytes(data)
        self.tests += 1
        status, err, elapsed = self.runner.run(self.path, self.timeout)
        verdict = judge(status, err, elapsed, self.path, data, self.timeout, self.runner)
        ok = verdict is not None and verdict[0] == self.signature
        self.cache[data] = ok
        return ok

    def ddmin(self, items, join):
        """Classic delta debugging over a list (lines or chunks)."""
        n = 2
        while len(items) >= 2 and time.monotonic() < self.deadline:
            chunk = max(1, len(items) // n)
            subsets = [items[i:i + chunk] for i in range(0, len(items), chunk)]
            reduced = False
            for k in range(len(subsets)):
                complement = [x for j, s in enumerate(subsets) if j != k for x in s]
                if complement and self.interesting(join(complement)):
                    items = complement
                    n = max(n - 1, 2)
                    reduced = True
                    break
            if not reduced:
                for k, subset in enumerate(subsets):
                    if len(subsets) > 2 and self.interesting(join(subset)):
                        items = subset
                        n = 2
                        reduced = True
                        break
            if not reduced:
                if n >= len(items):
                    break
                n = min(len(items), n * 2)
        return items

    def shrink_repeats(self, data):
        """Halve long runs of a repeated unit ("((((" -> "((") while it still fails."""
        pattern = re.compile(rb"(.{1,8}?)\1{7,}", re.S)
        changed = True
        while changed and time.monotonic() < self.deadline:
            changed = False
            for m in sorted(pattern.finditer(data), key=lambda m: -(m.end() - m.start())):
                unit = m.group(1)
                count = (m.end() - m.start()) // len(unit)
                for new in (count // 2, count * 3 // 4, count - 1):
                    if new < 1 or new == count:
                        continue
                    cand = data[:m.start()] + unit * new + data[m.start() + count * len(unit):]
                    if self.interesting(cand):
                        data = cand
                        changed = True
                        break
                if changed:
                    break
        return data

    def shrink_lines(self, data):
        """Cut characters of each line (chunks, then single characters)."""
        lines = data.split(b"\n")
        for i in range(len(lines)):
            if time.monotonic() > self.deadline:
                break
            line = lines[i]
            if len(line) <= 1:
                continue
            def join_line(chars, i=i):
                return b"\n".join(lines[:i] + [bytes(chars)] + lines[i + 1:])
            kept = self.ddmin(list(line), join_line)
            if len(kept) < len(line) and self.interesting(join_line(kept)):
                lines[i] = bytes(kept)
        return b"\n".join(lines)

    def run(self, data):
        if not self.interesting(data):
            return data  # flaky or budget exhausted: keep the original
        lines = data.split(b"\n")
        data = b"\n".join(self.ddmin(lines, lambda ls: b"\n".join(ls)))
        data = self.shrink_repeats(data)
        data = b"\n".join(self.ddmin(data.split(b"\n"), lambda ls: b"\n".join(ls)))
        if len(data) < 4000:
            data = self.shrink_lines(data)
        return data


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def default_corun():
    for cand in (REPO / "build" / "corun", Path(shutil.which("corun") or "")):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    return str(REPO / "build" / "corun")


def preview(data, limit=1500):
    text = data.decode("utf-8", "backslashreplace")
    text = text.replace("\x00", "\\x00")
    if len(text) > limit:
        text = text[:limit] + "... (%d bytes in all)" % len(data)
    return text


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corun", default=default_corun(), help="corun executable (default: build/corun)")
    ap.add_argument("--iterations", type=int, default=300, help="inputs to try (default 300)")
    ap.add_argument("--seed", default="0", help="random seed (default 0); a run is a function of it")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 2, help="parallel runs")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds before a run counts as a hang (default 10)")
    ap.add_argument("--max-steps", type=int, default=200000, help="--max-steps given to corun (default 200000)")
    ap.add_argument("--scenarios", default=str(REPO / "scenarios"), help="seed folder (default: the repo's scenarios/)")
    ap.add_argument("--out", help="folder for failing inputs (default: a new temporary folder)")
    ap.add_argument("--mem-limit", type=int, default=4096,
                    help="MiB of memory per run (ulimit -v, or hard_rss_limit_mb for sanitized builds); 0 = none")
    ap.add_argument("--minimize-timeout", type=float, default=None,
                    help="hang timeout while minimising (default: --timeout)")
    ap.add_argument("--minimize-budget", type=float, default=180.0,
                    help="seconds spent minimising each distinct failure (default 180)")
    ap.add_argument("--no-minimize", action="store_true", help="report failures as found")
    ap.add_argument("--only", type=int, action="append", help="run only this iteration number (repeatable)")
    ap.add_argument("--quiet", "-q", action="store_true")
    args = ap.parse_args(argv)

    corun = os.path.abspath(args.corun)
    if not (os.path.isfile(corun) and os.access(corun, os.X_OK)):
        print("fuzz_inputs.py: no corun executable at %s (use --corun)" % corun, file=sys.stderr)
        return 2
    seeds = sorted(Path(args.scenarios).rglob("*.yaml"))
    if not seeds:
        print("fuzz_inputs.py: no seed scenarios under %s" % args.scenarios, file=sys.stderr)
        return 2

    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="corun-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    runner = Runner(corun, args.timeout, args.max_steps, args.mem_limit)
    iterations = args.only if args.only else range(args.iterations)
    lock = threading.Lock()
    failures = []  # (i, signature, explanation, path, seed, mutations, stderr)
    passed = 0
    statuses = {}

    def one(i):
        data, seed_path, applied = make_input(args.seed, i, seeds)
        path = out / ("case-%05d.yaml" % i)
        path.write_bytes(data)
        status, err, elapsed = runner.run(path)
        verdict = judge(status, err, elapsed, path, data, args.timeout, runner)
        with lock:
            statuses[status if status is not None else "timeout"] = statuses.get(status if status is not None else "timeout", 0) + 1
        if verdict is None:
            path.unlink()
            return i, None
        return i, (verdict, path, seed_path, applied, err, data)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for i, result in pool.map(one, iterations):
            if result is None:
                passed += 1
                continue
            (signature, explanation), path, seed_path, applied, err, data = result
            failures.append((i, signature, explanation, path, seed_path, applied, err, data))
            with lock:
                print("FAIL %s: %s [%s]\n  input: %s (seed %s, mutations: %s)"
                      % (path.name, signature, explanation, path,
                         seed_path.relative_to(REPO) if seed_path.is_relative_to(REPO) else seed_path,
                         ", ".join(applied)), flush=True)
    if not args.quiet:
        print("ran %d inputs in %.1f s; exit statuses: %s" % (
            passed + len(failures), time.monotonic() - started,
            ", ".join("%s: %d" % (k, v) for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))))

    # One report (and one minimisation) per distinct failure.
    distinct = {}
    for f in failures:
        distinct.setdefault(f[1], []).append(f)
    if distinct:
        print("\n%d distinct failure(s); failing inputs are in %s" % (len(distinct), out))
    for n, (signature, group) in enumerate(sorted(distinct.items(), key=lambda kv: kv[1][0][0])):
        i, _, explanation, path, seed_path, applied, err, data = min(group, key=lambda f: len(f[7]))
        repro = path
        if not args.no_minimize:
            workdir = out / ("min-%d" % n)
            workdir.mkdir(exist_ok=True)
            mz = Minimizer(runner, workdir, signature, args.minimize_timeout or args.timeout, args.minimize_budget)
            small = mz.run(data)
            repro = out / ("minimal-%d.yaml" % n)
            repro.write_bytes(small)
            shutil.rmtree(workdir, ignore_errors=True)
            data = small
        print("\n== %s (%d input(s), e.g. iteration %d)" % (signature, len(group), i))
        print("   %s" % explanation)
        print("   reproduce: %s" % " ".join(runner.command(repro)))
        print("   %s (%d bytes):" % (repro, len(data)))
        for line in preview(data).split("\n"):
            print("   | " + line)
        tail = [l for l in err.strip().split("\n") if l][:12]
        if tail:
            print("   stderr of the original input (first lines):")
            for line in tail:
                print("   > " + line[:300])

    if not failures and not args.out:
        shutil.rmtree(out, ignore_errors=True)
    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
