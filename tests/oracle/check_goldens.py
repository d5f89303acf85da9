#!/usr/bin/env python3
"""Check that every golden file with a Python counterpart is what CPython prints.

For every tests/oracle/<p>.py (the hand-checked Python 3.11 equivalent of
scenarios/<p>.yaml) this runs the program under the virtual-clock harness
(tests/oracle/vclock.py) and compares its stdout with golden/<p>.out and its
exit status with golden/<p>.exit (absent = 0). corun's own run of the same
scenario is checked against the same golden files by `corun test`, so the
two together say: corun prints what CPython prints.

Standard library only. Usage: python3 tests/oracle/check_goldens.py [-j N]
Ends with the line `N passed, N failed`; exits 1 on any failure.
"""

import argparse
import concurrent.futures
import difflib
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
ORACLE = ROOT / "tests" / "oracle"
GOLDEN = ROOT / "golden"
VCLOCK = ORACLE / "vclock.py"
TIMEOUT = 120


def check(program: pathlib.Path):
    rel = program.relative_to(ORACLE).with_suffix("")
    out_file = GOLDEN / rel.with_suffix(".out")
    exit_file = GOLDEN / rel.with_suffix(".exit")
    if not out_file.exists():
        return rel, [f"no golden file {out_file.relative_to(ROOT)}"]
    try:
        proc = subprocess.run([sys.executable, str(VCLOCK), str(program)], capture_output=True,
                              timeout=TIMEOUT, cwd=program.parent, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return rel, [f"timed out after {TIMEOUT} s"]
    problems = []
    expected = out_file.read_bytes()
    if proc.stdout != expected:
        diff = difflib.unified_diff(expected.decode(errors="replace").splitlines(True),
                                    proc.stdout.decode(errors="replace").splitlines(True),
                                    f"golden/{rel}.out", "CPython stdout")
        problems.append("".join(diff))
    want = int(exit_file.read_text()) if exit_file.exists() else 0
    if proc.returncode != want:
        problems.append(f"exit status: golden says {want}, CPython gives {proc.returncode}\n"
                        + proc.stderr.decode(errors="replace")[-2000:])
    return rel, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    programs = sorted(p for p in ORACLE.rglob("*.py")
                      if p.parent != ORACLE and "__pycache__" not in p.parts)
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for rel, problems in pool.map(check, programs):
            if problems:
                failed += 1
                print(f"FAIL {rel}")
                for p in problems:
                    print(p.rstrip("\n"))
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
