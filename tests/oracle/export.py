#!/usr/bin/env python3
"""Reference exporter: scenario YAML -> the equivalent Python 3.11 program.

This is an independent, deliberately small implementation of what
`corun export x.yaml` prints (spec: /work/shared/spec/scenario-language.md),
used to produce tests/oracle/seeds/**/*.py from scenarios/seeds/**/*.yaml so
the oracle programs cannot drift from the scenarios they check.  It covers
the whole step table of the spec, but it checks only the structure (keys,
shapes), not the expressions: expressions are copied into the Python text
as they are, and CPython checks them when the program runs.

Unlike tests/oracle/vclock.py (standard library only) this tool needs PyYAML
(Debian: python3-yaml), because it must see how each scalar was written:
a plain scalar is a Python expression, a quoted one an f-string template,
`!expr` makes any scalar an expression.

Usage:
    python3 tests/oracle/export.py scenario.yaml            # to stdout
    python3 tests/oracle/export.py scenario.yaml -o out.py
Exit status 2 (with `file:line:column: message`) for a scenario it rejects.
"""

import argparse
import re
import sys
import textwrap

import yaml

INDENT = "    "
TOP_KEYS = {"name", "description", "coroutines", "functions", "exceptions",
            "classes", "main", "script", "options"}
BARE_WORDS = {"pass", "break", "continue", "raise", "return"}
AWAIT_FAMILY = {"sleep", "await", "task", "gather", "async_for", "async_with",
                "timeout", "task_group", "wait_for", "wait"}

# verb -> allowed modifier keys
STEP_KEYS = {
    "print": set(),
    "sleep": set(),
    "block": set(),
    "await": {"as"},
    "set": set(),
    "call": {"as"},
    "task": {"as", "name", "group"},
    "gather": {"as", "return_exceptions"},
    "cancel": {"msg", "as"},
    "raise": {"from"},
    "return": set(),
    "try": {"except", "else", "finally"},
    "if": {"then", "else"},
    "while": {"steps"},
    "for": {"in", "steps"},
    "async_for": {"in", "steps"},
    "async_with": {"as", "steps"},
    "timeout": {"steps"},
    "task_group": {"steps"},
    "wait_for": {"timeout", "as"},
    "wait": {"return_when", "timeout", "as"},
    "pass": set(), "break": set(), "continue": set(),
    "global": set(),
}


class ScenarioError(Exception):
    def __init__(self, node, message):
        mark = node.start_mark if node is not None else None
        where = (f"{mark.name}:{mark.line + 1}:{mark.column + 1}"
                 if mark is not None else "?")
        super().__init__(f"{where}: {message}")


def is_scalar(node):
    return isinstance(node, yaml.ScalarNode)


def mapping_items(node):
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError(node, "expected a mapping")
    seen = set()
    out = []
    for k, v in node.value:
        if not is_scalar(k):
            raise ScenarioError(k, "mapping keys must be plain words")
        if k.value in seen:
            raise ScenarioError(k, f"duplicate key `{k.value}`")
        seen.add(k.value)
        out.append((k.value, k, v))
    return out


def fstring(text, node):
    """An f-string literal whose body is the template `text`."""
    if "\\" in text:
        # Keep templates simple: a backslash would need escaping rules.
        raise ScenarioError(node, "backslashes are not supported in templates")
    if "\n" in text:
        raise ScenarioError(node, "a template must be one line")
    has_fields = "{" in text or "}" in text
    if '"' not in text:
        quote = '"'
    elif "'" not in text:
        quote = "'"
    else:
        raise ScenarioError(node, "a template cannot hold both quote kinds")
    return ("f" if has_fields else "") + quote + (
        text if has_fields else text) + quote


def plain_word(text):
    return {"true": "True", "True": "True", "false": "False",
            "False": "False", "null": "None", "~": "None"}.get(text, text)


def checked(text, node):
    """`text` if it compiles as a Python expression (no await: the
    expression language has none, await is a step)."""
    try:
        compile(text, "<scenario>", "eval")
    except SyntaxError as e:
        raise ScenarioError(node, f"not a valid expression: {e.msg}")
    return text


def value(node):
    """A YAML value as Python source text."""
    if is_scalar(node):
        if node.tag == "!expr":
            return checked(node.value.strip(), node)
        if node.style is None:
            if node.value == "":
                raise ScenarioError(node, "empty value")
            return checked(plain_word(node.value), node)
        return checked(fstring(node.value, node), node)
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(value(n) for n in node.value) + "]"
    if isinstance(node, yaml.MappingNode):
        return "{" + ", ".join(
            f"{k!r}: {value(v)}" for k, _, v in mapping_items(node)) + "}"
    raise ScenarioError(node, "unexpected value")


def template(node):
    """The print: field: always a template, quoted or not."""
    if not is_scalar(node):
        raise ScenarioError(
            node, "print takes a template; quote a template that starts "
                  "with `{`")
    return checked(fstring(str(node.value), node), node)


def target(node):
    if is_scalar(node):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return ", ".join(target(n) for n in node.value)
    raise ScenarioError(node, "a target is a name or a list of names")


def params(node):
    out = []
    for p in node.value:
        if is_scalar(p):
            out.append(p.value)
        else:
            ((name, _, default),) = mapping_items(p)
            out.append(f"{name}={value(default)}")
    return out


class Exporter:
    def __init__(self):
        self.lines = []

    def emit(self, depth, text):
        self.lines.append(INDENT * depth + text)

    # Steps ---------------------------------------------------------------

    def block(self, node, depth, in_coroutine):
        if not isinstance(node, yaml.SequenceNode):
            raise ScenarioError(node, "expected a list of steps")
        if not node.value:
            self.emit(depth, "pass")
        for step in node.value:
            self.step(step, depth, in_coroutine)

    def step(self, node, d, coro):
        if is_scalar(node) and node.style is None:
            if node.value not in BARE_WORDS:
                raise ScenarioError(node, f"unknown step `{node.value}`")
            self.emit(d, node.value)
            return
        items = mapping_items(node)
        verb, vnode, arg = items[0]
        if verb not in STEP_KEYS:
            raise ScenarioError(vnode, f"unknown step `{verb}`")
        if verb in AWAIT_FAMILY and not coro:
            raise ScenarioError(
                vnode, f"`{verb}` awaits, and this is a plain function "
                       "(Python: SyntaxError: 'await' outside async function)")
        mods = {}
        for key, knode, vnode2 in items[1:]:
            if key not in STEP_KEYS[verb]:
                raise ScenarioError(knode,
                                    f"`{verb}` has no modifier `{key}`")
            mods[key] = vnode2
        as_ = (target(mods["as"]) + " = ") if "as" in mods else ""

        if verb == "print":
            self.emit(d, f"print({template(arg)})")
        elif verb == "sleep":
            self.emit(d, f"await asyncio.sleep({value(arg)})")
        elif verb == "block":
            self.emit(d, f"time.sleep({value(arg)})")
        elif verb == "await":
            self.emit(d, f"{as_}await {value(arg)}")
        elif verb == "set":
            for name, _, v in mapping_items(arg):
                self.emit(d, f"{name} = {value(v)}")
        elif verb == "call":
            self.emit(d, f"{as_}{value(arg)}")
        elif verb == "task":
            if "group" in mods:
                fn = f"{value(mods['group'])}.create_task"
            else:
                fn = "asyncio.create_task"
            extra = f", name={value(mods['name'])}" if "name" in mods else ""
            self.emit(d, f"{as_}{fn}({value(arg)}{extra})")
        elif verb == "gather":
            if isinstance(arg, yaml.SequenceNode):
                args = [value(n) for n in arg.value]
            else:
                args = ["*" + value(arg)]
            if "return_exceptions" in mods:
                args.append(
                    f"return_exceptions={value(mods['return_exceptions'])}")
            self.emit(d, f"{as_}await asyncio.gather({', '.join(args)})")
        elif verb == "cancel":
            msg = value(mods["msg"]) if "msg" in mods else ""
            self.emit(d, f"{as_}{value(arg)}.cancel({msg})")
        elif verb == "raise":
            frm = f" from {value(mods['from'])}" if "from" in mods else ""
            self.emit(d, f"raise {value(arg)}{frm}")
        elif verb == "return":
            self.emit(d, f"return {value(arg)}")
        elif verb in ("pass", "break", "continue"):
            self.emit(d, verb)
        elif verb == "try":
            self.emit(d, "try:")
            self.block(arg, d + 1, coro)
            for h in (mods["except"].value if "except" in mods else []):
                hm = {k: v for k, _, v in mapping_items(h)}
                for k in hm:
                    if k not in ("type", "as", "steps"):
                        raise ScenarioError(h, f"a handler has no key `{k}`")
                line = "except"
                if "type" in hm:
                    t = hm["type"]
                    if isinstance(t, yaml.SequenceNode):
                        names = [self.exc_name(n.value) for n in t.value]
                        line += " (" + ", ".join(names) + ")"
                    else:
                        line += " " + self.exc_name(t.value)
                if "as" in hm:
                    line += " as " + hm["as"].value
                self.emit(d, line + ":")
                self.block(hm.get("steps", yaml.SequenceNode(
                    "tag:yaml.org,2002:seq", [])), d + 1, coro)
            if "else" in mods:
                self.emit(d, "else:")
                self.block(mods["else"], d + 1, coro)
            if "finally" in mods:
                self.emit(d, "finally:")
                self.block(mods["finally"], d + 1, coro)
        elif verb == "if":
            self.emit(d, f"if {value(arg)}:")
            self.block(mods["then"], d + 1, coro)
            if "else" in mods:
                self.emit(d, "else:")
                self.block(mods["else"], d + 1, coro)
        elif verb == "while":
            self.emit(d, f"while {value(arg)}:")
            self.block(mods["steps"], d + 1, coro)
        elif verb in ("for", "async_for"):
            kw = "for" if verb == "for" else "async for"
            self.emit(d, f"{kw} {target(arg)} in {value(mods['in'])}:")
            self.block(mods["steps"], d + 1, coro)
        elif verb == "async_with":
            asn = f" as {target(mods['as'])}" if "as" in mods else ""
            self.emit(d, f"async with {value(arg)}{asn}:")
            self.block(mods["steps"], d + 1, coro)
        elif verb == "global":
            names = [n.value for n in arg.value] if isinstance(arg, yaml.SequenceNode) else [arg.value]
            self.emit(d, "global " + ", ".join(names))
        elif verb == "timeout":
            self.emit(d, f"async with asyncio.timeout({value(arg)}):")
            self.block(mods["steps"], d + 1, coro)
        elif verb == "task_group":
            self.emit(d, f"async with asyncio.TaskGroup() as {arg.value}:")
            self.block(mods["steps"], d + 1, coro)
        elif verb == "wait_for":
            self.emit(d, f"{as_}await asyncio.wait_for({value(arg)}, "
                         f"{value(mods['timeout'])})")
        elif verb == "wait":
            if isinstance(arg, yaml.SequenceNode):
                aws = value(arg)
            else:
                aws = value(arg)
            extra = ""
            if "timeout" in mods:
                extra += f", timeout={value(mods['timeout'])}"
            if "return_when" in mods:
                extra += f", return_when={self.asyncio_name(mods['return_when'])}"
            self.emit(d, f"{as_}await asyncio.wait({aws}{extra})")

    @staticmethod
    def exc_name(name):
        if name in ("CancelledError",):
            return "asyncio." + name
        return name

    @staticmethod
    def asyncio_name(node):
        v = value(node)
        if v in ("FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"):
            return "asyncio." + v
        return v

    # Definitions ----------------------------------------------------------

    def definition(self, kw, name, node, depth, self_param=False,
                   coro=True):
        if isinstance(node, yaml.SequenceNode):
            ps, steps = [], node
        else:
            m = {k: v for k, _, v in mapping_items(node)}
            for k in m:
                if k not in ("params", "steps", "sync"):
                    raise ScenarioError(node, f"a definition has no key `{k}`")
            ps = params(m["params"]) if "params" in m else []
            steps = m["steps"]
        if self_param:
            ps = ["self"] + ps
        self.emit(depth, f"{kw} {name}({', '.join(ps)}):")
        self.block(steps, depth + 1, coro)

    def export(self, doc):
        top = {}
        for key, knode, vnode in mapping_items(doc):
            if key not in TOP_KEYS:
                hint = ""
                if key == "steps":
                    hint = (" (top-level code cannot await; put the steps "
                            "in a coroutine and name it in `main`)")
                raise ScenarioError(knode, f"unknown top-level key `{key}`"
                                           + hint)
            top[key] = vnode
        options = {k: v for k, _, v in mapping_items(top["options"])} \
            if "options" in top else {}

        name = top["name"].value if "name" in top else ""
        desc = top["description"].value if "description" in top else ""
        doc_text = name.strip()
        if desc.strip():
            doc_text += "\n\n" + "\n\n".join(
                textwrap.fill(para, 76) for para in desc.strip().split("\n\n"))
        doc_text = doc_text.replace("\\", "\\\\").replace('"""', r'\"""')
        self.emit(0, '"""' + doc_text + '\n"""')
        self.emit(0, "")
        imports_at = len(self.lines)

        for key in ("exceptions",):
            if key in top:
                for ename, _, base in mapping_items(top[key]):
                    self.emit(0, "")
                    self.emit(0, "")
                    b = base.value if base.value else "Exception"
                    self.emit(0, f"class {ename}({b}):")
                    self.emit(1, "pass")
        if "functions" in top:
            for fname, _, fnode in mapping_items(top["functions"]):
                self.emit(0, "")
                self.emit(0, "")
                self.definition("def", fname, fnode, 0, coro=False)
        if "classes" in top:
            for cname, _, cnode in mapping_items(top["classes"]):
                self.emit(0, "")
                self.emit(0, "")
                self.emit(0, f"class {cname}:")
                c = {k: v for k, _, v in mapping_items(cnode)}
                first = True
                if "fields" in c:
                    fields = mapping_items(c["fields"])
                    args = ", ".join(f"{f}={value(v)}" for f, _, v in fields)
                    self.emit(1, f"def __init__(self, {args}):")
                    for f, _, _ in fields:
                        self.emit(2, f"self.{f} = {f}")
                    first = False
                for mname, _, mnode in mapping_items(c.get(
                        "methods", yaml.MappingNode("", []))):
                    if not first:
                        self.emit(0, "")
                    first = False
                    sync = False
                    if isinstance(mnode, yaml.MappingNode):
                        sync = any(k == "sync" and v.value == "true"
                                   for k, _, v in mapping_items(mnode))
                    self.definition("def" if sync else "async def", mname,
                                    mnode, 1, self_param=True, coro=not sync)
        if "coroutines" in top:
            for cname, _, cnode in mapping_items(top["coroutines"]):
                self.emit(0, "")
                self.emit(0, "")
                self.definition("async def", cname, cnode, 0)

        self.emit(0, "")
        self.emit(0, "")
        if "seed" in options:
            self.emit(0, f"random.seed({value(options['seed'])})")
        if "script" in top:  # the module's own statements
            if "seed" in options:
                self.emit(0, f"random.seed({value(options['seed'])})")
            self.block(top["script"], 0, False)
        else:
            main = value(top["main"]) if "main" in top else "main()"
            debug = ""
            if "debug" in options and value(options["debug"]) == "True":
                debug = ", debug=True"
            self.emit(0, f"asyncio.run({main}{debug})")
        body = "\n".join(self.lines[imports_at:])
        imports = ["import asyncio"]
        if "seed" in options or re.search(r"\brandom\.", body):
            imports.append("import random")
        if re.search(r"\btime\.", body):
            imports.append("import time")
        self.lines[imports_at:imports_at] = imports
        return "\n".join(self.lines) + "\n"


class _Loader(yaml.SafeLoader):
    pass


def export_file(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.compose(f, Loader=_Loader)
    return Exporter().export(doc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("-o", "--output")
    args = ap.parse_args()
    try:
        text = export_file(args.scenario)
    except ScenarioError as e:
        sys.stderr.write(f"{e}\n")
        return 2
    except yaml.YAMLError as e:
        sys.stderr.write(f"{args.scenario}: {e}\n")
        return 2
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
