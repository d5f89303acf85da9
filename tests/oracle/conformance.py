#!/usr/bin/env python3
"""Conformance: corun prints what CPython 3.11 prints, for every scenario.

For every scenarios/**/*.yaml this runs the scenario twice:

1. `corun run x.yaml`;
2. `corun export x.yaml`, then the exported program on CPython under the
   virtual-clock harness (tests/oracle/vclock.py);

and compares stdout byte for byte and the exit status.  When the Python
program exits with an uncaught exception (exit status 1), the last line of
stderr is compared too (`ValueError: boom`): corun's traceback is in
scenario terms, but its last line must be Python's.  When a golden file
golden/<p>.out exists, the exported program's stdout must also equal it.

A scenario that cannot be compared says why in its own YAML, with a
top-level `conformance: {skip: "reason"}` (read here from the text; until
the compiler knows the key such a scenario is also skipped as invalid).
Scenarios that corun rejects with exit status 2 (invalid on purpose) are
skipped with the reason "invalid scenario (exit 2): <first error line>".
Every skip is printed, never silent.

A Markdown document (PATH ending in .md) is checked block by block: `corun
export DOC.md` turns each ```yaml corun block into a ```python block (the
program's first line names `corun export`); each program runs under the
harness and must print what `corun run DOC.md --block LINE` prints, exit as
it does, and print the block's ```output block when it has one (a block
with `conformance: {skip: "reason"}` is skipped, saying so).

Standard library only. Usage:
    python3 tests/oracle/conformance.py --corun build/corun [-j N] [-k] [PATH...]
(PATH: scenario files or directories, or Markdown documents; default: the
repository's scenarios/ and its literate documents, README.md,
docs/language.md and docs/tutorial.md.)
Ends with the line `N passed, N failed, N skipped`; exits 1 on any failure.
"""

import argparse
import concurrent.futures
import difflib
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
VCLOCK = ROOT / "tests" / "oracle" / "vclock.py"
TIMEOUT = 120


class Outcome:
    def __init__(self, rel, status, problems=(), reason=""):
        self.rel = rel
        self.status = status  # "pass", "fail", "skip"
        self.problems = list(problems)
        self.reason = reason


def skip_reason(text):
    """The `conformance: {skip: "..."}` reason of a scenario, if any.

    Read from the text with a small pattern (no YAML parser in the standard
    library): a top-level `conformance:` key holding `skip:` either inline
    (`conformance: {skip: "why"}`) or on the next, indented line."""
    m = re.search(r'^conformance:\s*\{\s*skip:\s*(.+?)\s*\}\s*(#.*)?$', text, re.M)
    if not m:
        m = re.search(r'^conformance:\s*(#.*)?\n[ \t]+skip:\s*(.+?)\s*$', text, re.M)
        if not m:
            return None
        reason = m.group(2)
    else:
        reason = m.group(1)
    if len(reason) >= 2 and reason[0] == reason[-1] and reason[0] in "'\"":
        reason = reason[1:-1]
    return reason or "no reason given"


WARNING_LINE = re.compile(r"^(\S+:\d+: )?\w*Warning: |^RuntimeWarning: Enable tracemalloc")


def last_line(data):
    """The last line of stderr that is not a warning: the exception line of
    an uncaught exception.  CPython prints a never-awaited warning when the
    coroutine is collected, often after the traceback; corun prints it
    where the coroutine was created, so warnings are left out on both sides."""
    lines = [l for l in data.decode(errors="replace").splitlines()
             if l.strip() and not WARNING_LINE.match(l)]
    return lines[-1] if lines else ""


def golden_for(path):
    """golden/<p>.out for scenarios/<p>.yaml (nearest enclosing scenarios/)."""
    for parent in path.parents:
        if parent.name == "scenarios":
            rel = path.relative_to(parent).with_suffix(".out")
            return parent.parent / "golden" / rel
    return None


def diff(expected, actual, from_name, to_name):
    return "".join(difflib.unified_diff(
        expected.decode(errors="replace").splitlines(True),
        actual.decode(errors="replace").splitlines(True), from_name, to_name))


def check(corun, path, rel, keep_dir):
    text = path.read_text(encoding="utf-8", errors="replace")
    reason = skip_reason(text)
    if reason is not None:
        return Outcome(rel, "skip", reason=reason)

    def run(cmd, cwd=None):
        try:
            return subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, cwd=cwd,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None

    # Paths as the user would write them from the repository root, so that
    # messages (and the exported program's header) name them that way.
    try:
        shown = str(path.relative_to(ROOT))
        cwd = ROOT
    except ValueError:
        shown, cwd = str(path), None
    ran = run([corun, "run", shown], cwd=cwd)
    if ran is None:
        return Outcome(rel, "fail", [f"corun run timed out after {TIMEOUT} s"])
    if ran.returncode == 2:
        first = ran.stderr.decode(errors="replace").strip().splitlines()
        return Outcome(rel, "skip", reason="invalid scenario (exit 2): " + (first[0] if first else "(no message)"))

    exported = run([corun, "export", shown], cwd=cwd)
    if exported is None or exported.returncode != 0:
        msg = "timed out" if exported is None else exported.stderr.decode(errors="replace")
        return Outcome(rel, "fail", [f"corun export failed (corun run gave exit {ran.returncode}):\n{msg}"])

    with tempfile.TemporaryDirectory(prefix="corun-conformance-") as tmp:
        program = pathlib.Path(tmp) / (path.stem + ".py")
        program.write_bytes(exported.stdout)
        if keep_dir:
            keep = pathlib.Path(keep_dir) / rel.with_suffix(".py")
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_bytes(exported.stdout)
        py = run([sys.executable, str(VCLOCK), str(program)], cwd=tmp)
    if py is None:
        return Outcome(rel, "fail", [f"CPython run of the exported program timed out after {TIMEOUT} s"])

    problems = []
    if ran.stdout != py.stdout:
        problems.append(diff(py.stdout, ran.stdout, f"CPython stdout ({rel}.py)", f"corun stdout ({rel}.yaml)"))
    if ran.returncode != py.returncode:
        problems.append(f"exit status: CPython {py.returncode}, corun {ran.returncode}\n"
                        f"  CPython stderr ends: {last_line(py.stderr)}\n"
                        f"  corun stderr ends:   {last_line(ran.stderr)}")
    elif py.returncode == 1 and last_line(py.stderr) != last_line(ran.stderr):
        problems.append("last line of stderr differs:\n"
                        f"  CPython: {last_line(py.stderr)}\n"
                        f"  corun:   {last_line(ran.stderr)}")
    golden = golden_for(path)
    if golden is not None and golden.exists() and golden.read_bytes() != py.stdout:
        problems.append(diff(golden.read_bytes(), py.stdout, f"golden/{rel}.out", f"CPython stdout ({rel}.py)"))
    return Outcome(rel, "fail" if problems else "pass", problems)


FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([^`]*?)\s*$")


def fenced_blocks(text):
    """(line of the opening fence, info string, content) of each fenced block,
    as corun reads them (tests/../cli/markdown_doc.h; CommonMark fences)."""
    lines = text.splitlines(keepends=True)
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i].rstrip("\n"))
        if not m:
            i += 1
            continue
        indent, fence, info = len(m.group(1)), m.group(2), m.group(3)
        body, j = [], i + 1
        while j < len(lines):
            c = FENCE.match(lines[j].rstrip("\n"))
            if c and c.group(2)[0] == fence[0] and len(c.group(2)) >= len(fence) and not c.group(3):
                break
            line = lines[j]
            strip = len(line) - len(line.lstrip(" "))
            body.append(line[min(indent, strip):])
            j += 1
        blocks.append((i + 1, info, "".join(body)))
        i = j + 1
    return blocks


def check_markdown(corun, path, shown):
    """One Outcome a ```yaml corun block of the document `path`."""
    def run(cmd, cwd=None):
        try:
            return subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, cwd=cwd, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None

    scenarios = []  # (line, expected stdout or None, expected exit)
    for line, info, body in fenced_blocks(path.read_text(encoding="utf-8")):
        words = info.split()
        if words[:1] in (["yaml"], ["yml"]) and "corun" in words[1:]:
            scenarios.append([line, None, 0, skip_reason(body)])
        elif words[:1] == ["output"] and scenarios and scenarios[-1][1] is None:
            scenarios[-1][1] = body
            for w in words[1:]:
                if w.startswith("exit="):
                    scenarios[-1][2] = int(w[5:])
    cwd = path.parent
    exported = run([corun, "export", path.name], cwd=cwd)
    if exported is None or exported.returncode != 0:
        msg = "timed out" if exported is None else exported.stderr.decode(errors="replace")
        return [Outcome(pathlib.Path(shown), "fail", [f"corun export {shown} failed:\n{msg}"])]
    programs = [body for _, info, body in fenced_blocks(exported.stdout.decode())
                if info == "python" and body.startswith("# Generated by `corun export`")]
    if len(programs) != len(scenarios):
        return [Outcome(pathlib.Path(shown), "fail", [f"corun export {shown}: {len(programs)} programs for "
                                                      f"{len(scenarios)} ```yaml corun blocks"])]
    outcomes = []
    for (line, expected, expected_exit, reason), program in zip(scenarios, programs):
        rel = pathlib.Path(f"{shown}:{line}")
        if reason is not None:
            outcomes.append(Outcome(rel, "skip", reason=reason))
            continue
        ran = run([corun, "run", path.name, "--block", str(line)], cwd=cwd)
        with tempfile.TemporaryDirectory(prefix="corun-conformance-") as tmp:
            (pathlib.Path(tmp) / "block.py").write_text(program)
            py = run([sys.executable, str(VCLOCK), "block.py"], cwd=tmp)
        if ran is None or py is None:
            outcomes.append(Outcome(rel, "fail", [f"timed out after {TIMEOUT} s"]))
            continue
        problems = []
        if ran.stdout != py.stdout:
            problems.append(diff(py.stdout, ran.stdout, f"CPython stdout ({rel})", f"corun stdout ({rel})"))
        if ran.returncode != py.returncode:
            problems.append(f"exit status: CPython {py.returncode}, corun {ran.returncode}")
        elif py.returncode == 1 and last_line(py.stderr) != last_line(ran.stderr):
            problems.append(f"last line of stderr differs:\n  CPython: {last_line(py.stderr)}\n"
                            f"  corun:   {last_line(ran.stderr)}")
        if expected is not None:
            out = py.stdout.decode(errors="replace")
            if out and not out.endswith("\n"):
                out += "\n"
            if out != expected:
                problems.append(diff(expected.encode(), out.encode(), f"{rel} ```output", f"CPython stdout"))
        if py.returncode != expected_exit:
            problems.append(f"exit status: the document says {expected_exit}, CPython {py.returncode}")
        outcomes.append(Outcome(rel, "fail" if problems else "pass", problems))
    return outcomes


LITERATE_DOCUMENTS = ["README.md", "docs/language.md", "docs/tutorial.md"]


def collect(paths):
    found = []
    for p in paths:
        p = pathlib.Path(p).resolve()
        if p.is_dir():
            found.extend(sorted(p.rglob("*.yaml")))
        else:
            found.append(p)
    out = []
    for f in found:
        base = next((q for q in f.parents if q.name == "scenarios"), f.parent)
        out.append((f, f.relative_to(base).with_suffix("")))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="scenario files or directories (default: scenarios/)")
    parser.add_argument("--corun", required=True, help="path to the corun binary")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", metavar="DIR", help="also write every exported program under DIR")
    args = parser.parse_args()
    corun = str(pathlib.Path(args.corun).resolve())
    given = args.paths or [ROOT / "scenarios"] + [ROOT / d for d in LITERATE_DOCUMENTS]
    documents = [pathlib.Path(p).resolve() for p in given if str(p).endswith(".md")]
    scenarios = collect([p for p in given if not str(p).endswith(".md")])
    counts = {"pass": 0, "fail": 0, "skip": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(check, corun, path, rel, args.keep) for path, rel in scenarios]
        for doc in documents:
            try:
                shown = str(doc.relative_to(ROOT))
            except ValueError:
                shown = str(doc)
            futures.append(pool.submit(check_markdown, corun, doc, shown))
        for fut in futures:  # in file order, so the report is stable
            r = fut.result()
            for o in r if isinstance(r, list) else [r]:
                counts[o.status] += 1
                if o.status == "skip":
                    print(f"SKIP {o.rel}: {o.reason}", flush=True)
                elif o.status == "fail":
                    print(f"FAIL {o.rel}")
                    for p in o.problems:
                        print(p.rstrip("\n"), flush=True)
    print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
