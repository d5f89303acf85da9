#!/usr/bin/env python3
"""The hostile-input runner catches what it promises to catch: a stand-in
corun misbehaves in each way (wrong status, signal, sanitizer report,
non-diagnostic first line, hang, memory, missing text) and the runner must
fail exactly those cases; a case without `expect-exit` or with a misspelt
directive is refused. Python 3 standard library only."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Acts out the last line of the scenario it is given: "act: WHAT".
FAKE_CORUN = r'''#!/usr/bin/env python3
import os, signal, sys, time
act = open(sys.argv[-1]).read().strip().splitlines()[-1].split("act: ", 1)[1]
if act == "ok": print("hello"); sys.exit(0)
if act == "diag": print(sys.argv[-1] + ":3:1: error: bad", file=sys.stderr); sys.exit(2)
if act == "not-diag": print("something went wrong", file=sys.stderr); sys.exit(2)
if act == "exit1": sys.exit(1)
if act == "segv": os.kill(os.getpid(), signal.SIGSEGV)
if act == "asan": print("==1==ERROR: AddressSanitizer: heap-use-after-free", file=sys.stderr); sys.exit(0)
if act == "terminate": print("terminate called after throwing", file=sys.stderr); sys.exit(3)
if act == "hang": time.sleep(60)
if act == "memory": b = bytearray(300 << 20); b[::4096] = b"x" * len(b[::4096]); sys.exit(0)
if act == "args": print(" ".join(sys.argv[1:-1])); sys.exit(0)
'''

CASES = {
    # name: (directives, act, should pass)
    "ok": ("# expect-exit: 0\n# expect-stdout: hello\n", "ok", True),
    "missing_stdout": ("# expect-exit: 0\n# expect-stdout: goodbye\n", "ok", False),
    "diag": ("# expect-exit: 2\n", "diag", True),
    "not_diag": ("# expect-exit: 2\n", "not-diag", False),
    "wrong_status": ("# expect-exit: 0\n", "exit1", False),
    "signal": ("# expect-exit: 0\n", "segv", False),
    "sanitizer": ("# expect-exit: 0\n", "asan", False),
    "terminate": ("# expect-exit: 3\n", "terminate", False),
    "hang": ("# expect-exit: 0\n", "hang", False),
    "memory": ("# expect-exit: 0\n", "memory", False),
    "args": ("# expect-exit: 0\n# args: --max-steps 5\n# command: export\n# expect-stdout: export --max-steps 5\n",
             "args", True),
    "xfail": ("# expect-exit: 0\n", "exit1", True),  # listed as an expected failure
}


def run_runner(corun: Path, cases: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(HERE / "run_hostile.py"), "--corun", str(corun), "--cases-dir",
                           str(cases), "--time-limit", "2", "--rss-limit", "200", *extra],
                          capture_output=True, text=True)


def main() -> int:
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corun = tmp / "fake_corun"
        corun.write_text(FAKE_CORUN)
        corun.chmod(0o755)
        cases = tmp / "cases" / "t"
        cases.mkdir(parents=True)
        for name, (directives, act, _) in CASES.items():
            (cases / f"{name}.yaml").write_text(directives + f"x: 1\n# act: {act}\n")
        xfail = tmp / "xfail.txt"
        xfail.write_text("t/xfail.yaml  # a known failure\n")
        names = [f"t/{n}.yaml" for n in CASES]
        r = run_runner(corun, tmp / "cases", "-j", "4", "--expect-failures", str(xfail), *names)
        failed = set(re.findall(r"^FAIL (\S+):", r.stdout, re.M))
        for name, (_, _, should_pass) in CASES.items():
            if (f"t/{name}.yaml" in failed) == should_pass:
                errors.append(f"{name}: expected to {'pass' if should_pass else 'fail'}")
        expected_line = f"{sum(p for *_, p in CASES.values()) - 1} passed, {sum(not p for *_, p in CASES.values())} failed"
        if r.stdout.strip().splitlines()[-1] != expected_line or r.returncode != 1:
            errors.append(f"summary {r.stdout.strip().splitlines()[-1]!r} (exit {r.returncode}), expected {expected_line!r}")
        if "reproduce: " not in r.stdout:
            errors.append("failures do not print a reproducing command")

        # A stale expected failure (the case passes now) fails the run.
        xfail.write_text("t/ok.yaml\n")
        r = run_runner(corun, tmp / "cases", "--expect-failures", str(xfail), "t/ok.yaml")
        if r.returncode != 1 or "passes now" not in r.stdout:
            errors.append("a passing expected failure is not reported")

        # Malformed cases are refused, not run.
        for text in ("# expect-stdrr: x\n# expect-exit: 0\nx: 1\n", "# no directive\nx: 1\n", "# expect-exit: 7\n"):
            bad = tmp / "bad" / "b"
            bad.mkdir(parents=True, exist_ok=True)
            (bad / "c.yaml").write_text(text)
            r = run_runner(corun, tmp / "bad")
            if r.returncode != 2 or "run_hostile: error:" not in r.stderr:
                errors.append(f"malformed case accepted: {text!r}")
    for e in errors:
        print("FAIL", e)
    print("ok" if not errors else f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
