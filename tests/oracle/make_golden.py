#!/usr/bin/env python3
"""Regenerate the oracle programs and golden files of the seed scenarios.

For every scenarios/seeds/<p>.yaml:

1. tests/oracle/export.py writes tests/oracle/seeds/<p>.py, the Python 3.11
   equivalent of the scenario (what `corun export` prints);
2. tests/oracle/vclock.py runs that program twice, with different
   PYTHONHASHSEED values; stdout, stderr and exit status must be identical;
3. golden/seeds/<p>.out gets the stdout, and golden/seeds/<p>.exit the exit
   status when it is not 0.

golden/seeds/<p>.err is NOT written: corun reports errors and warnings in
scenario terms (`file.yaml:LINE in name`), not as CPython's tracebacks, so
those files come from corun.  The last line of CPython's stderr is listed
instead, so it can be compared with corun's.

Scenarios in INVALID are deliberately not valid programs (the seed shows an
error that Python reports at compile time, e.g. `await` outside a coroutine):
they get no .py and no golden files here; the exporter must reject them.

Usage: python3 tests/oracle/make_golden.py [--check]
  --check  write nothing; exit 1 if any generated file would change.
"""

import argparse
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios" / "seeds"
ORACLE = ROOT / "tests" / "oracle" / "seeds"
GOLDEN = ROOT / "golden" / "seeds"
EXPORT = ROOT / "tests" / "oracle" / "export.py"
VCLOCK = ROOT / "tests" / "oracle" / "vclock.py"

WARNING = re.compile(r"\b(\w+Warning: .*)")

# Scenarios that must be rejected (relative to scenarios/seeds, no suffix).
INVALID = {
    "001_readme_coroutines/await_outside_async_function",
    "001_readme_coroutines/await_in_main_expression",
    "002_module01_event_loop/await_in_regular_function",
}


def run(program, hashseed):
    env = dict(os.environ, PYTHONHASHSEED=str(hashseed),
               PYTHONIOENCODING="utf-8")
    env.pop("PYTHONASYNCIODEBUG", None)
    # Run from the program's directory so that file names in stderr are
    # short and stable.
    p = subprocess.run([sys.executable, str(VCLOCK), program.name],
                       cwd=program.parent, env=env, capture_output=True,
                       timeout=600)
    return p.stdout, p.stderr, p.returncode


def update(path, data, check, changed):
    old = path.read_bytes() if path.exists() else None
    if old == data:
        return
    changed.append(path)
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


def remove(path, check, changed):
    if path.exists():
        changed.append(path)
        if not check:
            path.unlink()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    changed, problems, report = [], [], []
    seen = set()
    for yml in sorted(SCENARIOS.rglob("*.yaml")):
        rel = yml.relative_to(SCENARIOS).with_suffix("")
        key = rel.as_posix()
        seen.add(key)
        exp = subprocess.run([sys.executable, str(EXPORT), str(yml)],
                             capture_output=True, text=True)
        if key in INVALID:
            if exp.returncode == 0:
                problems.append(f"{key}: expected the exporter to reject it")
            else:
                report.append((key, "invalid", exp.stderr.strip()))
            continue
        if exp.returncode != 0:
            problems.append(f"{key}: {exp.stderr.strip()}")
            continue
        py = ORACLE / rel.with_suffix(".py")
        update(py, exp.stdout.encode(), args.check, changed)
        if args.check and not py.exists():
            continue
        out1, err1, rc1 = run(py, 1)
        out2, err2, rc2 = run(py, 2)
        if (out1, err1, rc1) != (out2, err2, rc2):
            problems.append(f"{key}: two runs differ")
        update(GOLDEN / rel.with_suffix(".out"), out1, args.check, changed)
        exit_file = GOLDEN / rel.with_suffix(".exit")
        if rc1 != 0:
            update(exit_file, f"{rc1}\n".encode(), args.check, changed)
        else:
            remove(exit_file, args.check, changed)
        if err1:
            lines = err1.decode("utf-8", "replace").splitlines()
            # Warnings (`file:line: SomeWarning: text`) and the last line.
            notes = [m.group(1) for m in map(WARNING.search, lines)
                     if m and "Enable tracemalloc" not in m.group(1)]
            notes += [ln.strip() for ln in lines[-1:]
                      if "Enable tracemalloc" not in ln
                      and not WARNING.search(ln)]
            report.append((key, f"exit {rc1}", " | ".join(notes)))

    # Files generated for scenarios that no longer exist.
    for base, suffixes in ((ORACLE, (".py",)),
                           (GOLDEN, (".out", ".exit"))):
        for f in sorted(base.rglob("*")):
            if f.suffix in suffixes:
                key = f.relative_to(base).with_suffix("").as_posix()
                if key not in seen or key in INVALID:
                    remove(f, args.check, changed)

    for key, what, last in report:
        print(f"stderr  {key} [{what}]: {last}")
    for f in changed:
        print(("would change " if args.check else "wrote ")
              + str(f.relative_to(ROOT)))
    for p in problems:
        print("PROBLEM " + p)
    print(f"{len(seen)} scenarios, {len(changed)} files "
          f"{'out of date' if args.check else 'written'}, "
          f"{len(problems)} problems")
    return 1 if problems or (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
