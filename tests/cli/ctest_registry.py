#!/usr/bin/env python3
"""What tests/CMakeLists.txt promises about the ctest suite, checked on the
configured build (`ctest --show-only=json-v1`):

- every test has a TIMEOUT, so a hang fails one test instead of stalling CI;
- the CPython-oracle tests (and the other Python ones) are registered -- a
  configure without Python 3.11 fails instead of leaving them out -- and
  their interpreter is CPython 3.11;
- the golden test never writes golden files: its very command, pointed at a
  small project with an outdated golden file and run with CORUN_UPDATE=1,
  fails with a message and leaves the file as it was.

    ctest_registry.py --ctest ctest --build-dir build
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REQUIRED = [
    "golden_scenarios", "hostile_inputs", "hostile_runner_selftest", "oracle_goldens_match_cpython",
    "oracle_conformance", "oracle_attr_matrix", "oracle_vclock_harness", "bench_smoke", "trace_goldens",
    "trace_files", "cli_golden_writer", "cli_scenario_inputs", "cli_test_options", "fuzz_inputs_never_crash",
    "cli_check_command", "cli_schema_validates",
    "cli_literate", "literate_docs",
]

failures = []


def fail_if(name, problems):
    if problems:
        failures.append(name)
        print(f"FAIL {name}: " + "; ".join(problems))
    else:
        print(f"ok   {name}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ctest", required=True)
    ap.add_argument("--build-dir", required=True)
    args = ap.parse_args()
    shown = subprocess.run([args.ctest, "--test-dir", args.build_dir, "--show-only=json-v1"],
                           capture_output=True, text=True, timeout=60)
    if shown.returncode != 0:
        print("FAIL ctest --show-only: " + shown.stderr)
        return 1
    tests = {t["name"]: t for t in json.loads(shown.stdout)["tests"]}

    def prop(test, name):
        for p in test.get("properties", []):
            if p["name"] == name:
                return p["value"]
        return None

    fail_if("every test has a TIMEOUT",
            [n for n, t in sorted(tests.items()) if not (prop(t, "TIMEOUT") or 0) > 0])
    fail_if("the oracle and other Python tests are registered", [n for n in REQUIRED if n not in tests])

    pythons = sorted({t["command"][0] for t in tests.values() if "python" in Path(t["command"][0]).name})
    versions = []
    for py in pythons:
        v = subprocess.run([py, "-c", "import sys, platform; print(platform.python_implementation(), *sys.version_info[:2])"],
                           capture_output=True, text=True, timeout=60).stdout.split()
        if v != ["CPython", "3", "11"]:
            versions.append(f"{py} is {' '.join(v) or 'not runnable'}")
    fail_if("the Python tests run CPython 3.11", versions if pythons else ["no Python test found"])

    golden = tests.get("golden_scenarios")
    if golden is None:
        return 1
    command = golden["command"]
    problems = []
    if "--ci" not in command:
        problems.append(f"its command has no --ci: {command}")
    with tempfile.TemporaryDirectory(prefix="corun-registry-") as tmp:
        proj = Path(tmp)
        (proj / "scenarios").mkdir()
        (proj / "golden").mkdir()
        (proj / "scenarios" / "x.yaml").write_text('coroutines:\n  main:\n    steps:\n      - print: "new"\n')
        (proj / "golden" / "x.out").write_text("old\n")
        env = dict(os.environ, CORUN_UPDATE="1")
        env.pop("CI", None)
        r = subprocess.run(command[:-1] + [str(proj / "scenarios")], capture_output=True, text=True, timeout=120,
                           env=env, cwd=tmp, stdin=subprocess.DEVNULL)
        if r.returncode != 1:
            problems.append(f"with CORUN_UPDATE=1 and an outdated golden file it exits {r.returncode}, not 1")
        if "refusing to update golden files" not in r.stderr:
            problems.append(f"it does not say it refuses to update: {r.stderr!r}")
        if (proj / "golden" / "x.out").read_text() != "old\n":
            problems.append("it rewrote the golden file")
    fail_if("golden_scenarios never writes golden files, even with CORUN_UPDATE=1", problems)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
