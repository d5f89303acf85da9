#!/usr/bin/env python3
"""Hostile inputs: every one ends promptly, with its expected exit status and
message, in bounded memory.

    tests/hostile/run_hostile.py --corun build/corun [-j N] [--time-limit S]
        [--rss-limit MB] [--generated-dir DIR] [--sanitized]
        [--expect-failures FILE] [CASE-NAME...]

A case is a file tests/hostile/cases/<area>/<name>.yaml whose leading
comment lines hold its directives:

    # expect-exit: 2              required: 0, 1, 2 or 3
    # expect-stderr: some text    optional, repeatable: a substring of stderr
    # expect-stdout: some text    optional, repeatable: a substring of stdout
    # args: --max-memory 64M      optional: flags placed before the file
    # command: run                optional: run (default), export, check, test

and runs as `corun COMMAND ARGS FILE` in a scratch directory. Inputs too big
to check in are written by tests/hostile/generate.py into --generated-dir
(the same format); inputs that are not files at all (a directory, a FIFO,
/dev/zero, a symlink loop, a missing file) are built here (SPECIAL_CASES).

A case fails when the exit status is not the expected one (death by a
signal included), stderr holds a sanitizer report or "terminate called",
the run takes longer than --time-limit seconds of wall time (default 10) or
its peak RSS exceeds --rss-limit MiB (default 1024), an expected substring
is missing, or, for exit 2, stderr's first line is not a diagnostic
(`FILE:LINE:COL: error: `, `FILE: error: ` or `corun: error: `). Each child
also runs under RLIMIT_AS (4 GiB) so a runaway cannot take the machine —
except with --sanitized (AddressSanitizer reserves terabytes of address
space), which instead multiplies the time and memory bounds.

--expect-failures FILE lists cases (one name a line, # comments) known to
fail until a fix lands elsewhere: they are reported, not counted, and one
that passes is a failure (so the list cannot go stale). Every failure is
printed with the command that reproduces it; the run ends with
`N passed, N failed` and exits 1 on any failure, 2 on a malformed case.
Python 3 standard library only.
"""

import argparse
import concurrent.futures
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"

COMMANDS = {"run", "export", "check", "test"}
DIRECTIVE = re.compile(r"^#\s*(expect-exit|expect-stderr|expect-stdout|args|command)\s*:\s?(.*)$")
# A comment line that looks like a directive but is none (`# expect-stdrr:`)
# must not silently make a case that cannot fail.
LOOKS_LIKE_DIRECTIVE = re.compile(r"^#\s*(expect\S*|args|command)\s*:", re.IGNORECASE)
DIAGNOSTIC = re.compile(r"^(.+:\d+:\d+: error: |.+: error: |corun: error: )")
CRASH_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
                 "terminate called", "Assertion", "Segmentation fault", "core dumped")
ADDRESS_SPACE_LIMIT = 4 << 30
FILE_SIZE_LIMIT = 1 << 30  # output a run may write to its stdout/stderr files
OUTPUT_READ_LIMIT = 1 << 20  # how much of each stream is kept for the checks


class CaseError(Exception):
    """A case file the runner cannot use (a bug of the test, not of corun)."""


@dataclass
class Case:
    name: str                       # "guards/busy_loop.yaml", "special/fifo"
    path: Path                      # the input given to corun
    exit: int
    stderr: list = field(default_factory=list)
    stdout: list = field(default_factory=list)
    args: list = field(default_factory=list)
    command: str = "run"


def parse_case(name: str, path: Path) -> Case:
    with open(path, "rb") as f:
        head = f.read(64 * 1024).decode("utf-8", errors="replace")
    case = Case(name=name, path=path, exit=-1)
    for line in head.splitlines():
        if not line.startswith("#"):
            break
        m = DIRECTIVE.match(line)
        if not m:
            if LOOKS_LIKE_DIRECTIVE.match(line):
                raise CaseError(f"{name}: unknown directive: {line}")
            continue
        key, value = m.group(1), m.group(2).rstrip()
        if key == "expect-exit":
            if value not in ("0", "1", "2", "3"):
                raise CaseError(f"{name}: expect-exit must be 0, 1, 2 or 3, not {value!r}")
            case.exit = int(value)
        elif key == "expect-stderr":
            case.stderr.append(value)
        elif key == "expect-stdout":
            case.stdout.append(value)
        elif key == "args":
            case.args += shlex.split(value)
        elif key == "command":
            if value not in COMMANDS:
                raise CaseError(f"{name}: command must be one of {sorted(COMMANDS)}, not {value!r}")
            case.command = value
    if case.exit < 0:
        raise CaseError(f"{name}: no '# expect-exit: N' directive in its leading comments")
    return case


def file_cases(root: Path, prefix: str = "") -> list:
    if not root.is_dir():
        return []
    return [parse_case(prefix + str(p.relative_to(root)), p) for p in sorted(root.rglob("*.yaml"))]


# ---- inputs that are not regular files -------------------------------------

def special_cases(scratch: Path) -> list:
    """Each expects exit 2, promptly, with a diagnostic: corun must refuse
    what it cannot read as a scenario rather than block, read forever or
    crash."""
    base = scratch / "special"
    base.mkdir()
    (base / "a_directory.yaml").mkdir()
    os.mkfifo(base / "fifo.yaml")
    os.symlink("loop_b.yaml", base / "loop_a.yaml")
    os.symlink("loop_a.yaml", base / "loop_b.yaml")
    inputs = {
        "directory": base / "a_directory.yaml",
        "fifo": base / "fifo.yaml",
        "dev_zero": Path("/dev/zero"),
        "symlink_loop": base / "loop_a.yaml",
        "missing_file": base / "no_such_scenario.yaml",
    }
    cases = [Case(name=f"special/{n}", path=p, exit=2) for n, p in inputs.items()]
    cases += [Case(name=f"special/export_{n}", path=inputs[n], exit=2, command="export")
              for n in ("fifo", "dev_zero", "directory")]
    cases += [Case(name=f"special/check_{n}", path=inputs[n], exit=2, command="check")
              for n in ("fifo", "dev_zero", "directory", "symlink_loop", "missing_file")]
    return cases


# ---- running one case --------------------------------------------------------

@dataclass
class Limits:
    seconds: float
    rss_mib: int
    address_space: bool  # set RLIMIT_AS (not under AddressSanitizer)


@dataclass
class Outcome:
    status: int = 0        # exit status, or -signal
    seconds: float = 0.0
    rss_mib: float = 0.0
    timed_out: bool = False
    stdout: str = ""
    stderr: str = ""


def child_limits(limits: Limits):
    def apply():
        if limits.address_space:
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def read_head(f) -> str:
    """The start and the end of a stream (a traceback's last line is at its
    end, however long it is)."""
    size = f.seek(0, os.SEEK_END)
    f.seek(0)
    head = f.read(OUTPUT_READ_LIMIT)
    if size > 2 * OUTPUT_READ_LIMIT:
        f.seek(size - OUTPUT_READ_LIMIT)
        head += b"\n[...]\n" + f.read(OUTPUT_READ_LIMIT)
    elif size > OUTPUT_READ_LIMIT:
        head += f.read()
    return head.decode("utf-8", errors="replace")


def run_child(argv: list, cwd: Path, limits: Limits) -> Outcome:
    """Runs argv, killing it (and its group) after limits.seconds; the peak
    RSS comes from wait4's rusage of that child alone."""
    out = Outcome()
    with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=so, stderr=se,
                                preexec_fn=child_limits(limits), start_new_session=True)
        deadline = start + limits.seconds
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                out.timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seconds = time.monotonic() - start
        out.status = proc.returncode
        out.rss_mib = usage.ru_maxrss / 1024.0
        out.stdout, out.stderr = read_head(so), read_head(se)
    return out


def command_line(corun: str, case: Case) -> list:
    return [corun, case.command, *case.args, str(case.path)]


def check(case: Case, out: Outcome, limits: Limits) -> list:
    """What is wrong with the outcome, as a list of reasons (empty: passed)."""
    problems = []
    if out.timed_out:
        problems.append(f"did not finish within {limits.seconds:g} s (killed)")
    elif out.status < 0:
        problems.append(f"killed by signal {signal.Signals(-out.status).name}")
    elif out.status != case.exit:
        problems.append(f"exit status {out.status}, expected {case.exit}")
    if out.rss_mib > limits.rss_mib:
        problems.append(f"peak RSS {out.rss_mib:.0f} MiB, over the {limits.rss_mib} MiB bound")
    for marker in CRASH_MARKERS:
        if marker in out.stderr:
            problems.append(f"stderr reports a crash: {marker!r}")
            break
    if case.exit == 2 and out.status == 2:
        first = out.stderr.split("\n", 1)[0]
        if not DIAGNOSTIC.match(first):
            problems.append(f"stderr's first line is not a diagnostic: {first!r}")
    for text in case.stderr:
        if text not in out.stderr:
            problems.append(f"stderr lacks {text!r}")
    for text in case.stdout:
        if text not in out.stdout:
            problems.append(f"stdout lacks {text!r}")
    return problems


def run_case(corun: str, case: Case, limits: Limits) -> tuple:
    """Runs a case in a fresh directory, as a user would: a case that is a
    plain file is copied there and named by its bare name (so messages say
    `name.yaml:LINE`, and nothing can be written beside the checked-in file)."""
    with tempfile.TemporaryDirectory(prefix="corun-hostile-") as cwd:
        argv = command_line(corun, case)
        if case.path.is_file() and not case.path.is_symlink():
            shutil.copyfile(case.path, Path(cwd) / case.path.name)
            argv[-1] = case.path.name
        out = run_child(argv, Path(cwd), limits)
    return case, out, check(case, out, limits)


def report_failure(corun: str, case: Case, out: Outcome, problems: list, limits: Limits) -> None:
    print(f"FAIL {case.name}: " + "; ".join(problems))
    print(f"  reproduce: timeout {limits.seconds:g} " + " ".join(shlex.quote(a) for a in command_line(corun, case)))
    tail = out.stderr.strip().splitlines()[-6:]
    for line in tail:
        print(f"  stderr| {line[:300]}")


def read_expected_failures(path) -> set:
    if not path:
        return set()
    names = set()
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line)
    return names


def generate(generated_dir: Path) -> None:
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(generated_dir)], check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corun", required=True, help="the corun binary")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=10.0, help="wall seconds per case (default 10)")
    ap.add_argument("--rss-limit", type=int, default=1024, help="peak RSS per case, MiB (default 1024)")
    ap.add_argument("--generated-dir", type=Path, help="write generate.py's big cases here and run them too")
    ap.add_argument("--sanitized", action="store_true",
                    help="corun is built with sanitizers: 5x the time, 3x the memory, no RLIMIT_AS")
    ap.add_argument("--expect-failures", help="file of case names known to fail for now")
    ap.add_argument("--cases-dir", type=Path, default=CASES_DIR, help=argparse.SUPPRESS)  # the runner's own test
    ap.add_argument("names", nargs="*", help="run only these cases")
    args = ap.parse_args()

    corun = str(Path(args.corun).resolve())
    slow = 5.0 if args.sanitized else 1.0
    limits = Limits(seconds=args.time_limit * slow, rss_mib=int(args.rss_limit * (3 if args.sanitized else 1)),
                    address_space=not args.sanitized)
    expected_failures = read_expected_failures(args.expect_failures)

    with tempfile.TemporaryDirectory(prefix="corun-hostile-inputs-") as scratch:
        try:
            cases = file_cases(args.cases_dir)
            if args.generated_dir:
                generate(args.generated_dir)
                cases += file_cases(args.generated_dir, "generated/")
            cases += special_cases(Path(scratch))
        except CaseError as e:
            print(f"run_hostile: error: {e}", file=sys.stderr)
            return 2
        if args.names:
            cases = [c for c in cases if c.name in args.names]
        unknown = expected_failures - {c.name for c in cases}
        if unknown and not args.names:
            print(f"run_hostile: error: --expect-failures names unknown cases: {sorted(unknown)}", file=sys.stderr)
            return 2

        passed = failed = xfailed = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(run_case, corun, c, limits) for c in cases]
            for fut in futures:  # in case order, so the report is stable
                case, out, problems = fut.result()
                if case.name in expected_failures:
                    if problems:
                        xfailed += 1
                        print(f"expected failure {case.name}: " + "; ".join(problems))
                        continue
                    problems = ["passes now: remove it from the expected-failures list"]
                if problems:
                    failed += 1
                    report_failure(corun, case, out, problems, limits)
                else:
                    passed += 1
        if xfailed:
            print(f"{xfailed} expected failures (listed in {args.expect_failures})")
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
