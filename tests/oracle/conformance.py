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

Standard library only. Usage:
    python3 tests/oracle/conformance.py --corun build/corun [-j N] [-k] [PATH...]
(PATH: scenario files or directories; default: the repository's scenarios/.)
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
    scenarios = collect(args.paths or [ROOT / "scenarios"])
    counts = {"pass": 0, "fail": 0, "skip": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(check, corun, path, rel, args.keep) for path, rel in scenarios]
        for fut in futures:  # in file order, so the report is stable
            o = fut.result()
            counts[o.status] += 1
            if o.status == "skip":
                print(f"SKIP {o.rel}: {o.reason}")
            elif o.status == "fail":
                print(f"FAIL {o.rel}")
                for p in o.problems:
                    print(p.rstrip("\n"))
    print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
