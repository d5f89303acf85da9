#!/usr/bin/env python3
"""What may be given to corun as a scenario file or an output file, and the
ranges of its numeric flags: every refusal is exit 2 with a clear message,
before anything is read or run, and prompt (a FIFO never blocks, /dev/zero is
never read to the end); corun writes only the files it is told to.
"Prompt" is checked as "does not hang": a run past TIMEOUT fails, and no
wall-clock time is asserted below it (a loaded CI machine is slower by any
amount; speed is bench/'s to measure).

The inputs that cannot be checked in (a directory, a FIFO, a device, link
loops, a 17 MiB file) are made here in a temporary directory. The flags
given to a plain scenario are tests/hostile/cases/cli/. Python 3 standard
library only.

    scenario_inputs.py --corun build/corun
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT = 120  # seconds: a run this long hangs (each takes well under 1 s on an idle machine)
failures = []

HELLO = 'coroutines:\n  main:\n    steps:\n      - print: "hello"\n'
SLEEPY = 'coroutines:\n  main:\n    steps:\n      - sleep: 1000\n      - print: "woke"\n'
TASKS = ('coroutines:\n  w:\n    params: [d]\n    steps:\n      - sleep: d\n'
         '  main:\n    steps:\n      - gather: [w(1), w(2)]\n      - print: "done"\n')


def run(corun, args, cwd, env=None):
    start = time.monotonic()
    try:
        r = subprocess.run([corun] + args, cwd=cwd, capture_output=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL, env=env)
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace"), \
            time.monotonic() - start
    except subprocess.TimeoutExpired:
        return "timeout", "", "", TIMEOUT


def check(name, got, exit_code, stderr=(), stdout=()):
    code, out, err, took = got
    problems = []
    if code != exit_code:
        problems.append(f"exit {code}, expected {exit_code}" + (f" after {took:.0f} s" if code == "timeout" else ""))
    problems += [f"stderr lacks {s!r}" for s in stderr if s not in err]
    problems += [f"stdout lacks {s!r}" for s in stdout if s not in out]
    if "terminate called" in err or "bad_alloc" in err:
        problems.append("crashed")
    if problems:
        failures.append(name)
        print(f"FAIL {name}: {'; '.join(problems)}\n  stdout: {out[:500]}\n  stderr: {err[:500]}")
    else:
        print(f"ok   {name}")


def non_regular_scenarios(corun, tmp):
    (tmp / "dir.yaml").mkdir()
    os.mkfifo(tmp / "fifo.yaml")
    os.symlink("loop_b.yaml", tmp / "loop_a.yaml")
    os.symlink("loop_a.yaml", tmp / "loop_b.yaml")
    os.symlink("missing.yaml", tmp / "dangling.yaml")
    os.symlink("/dev/zero", tmp / "zero.yaml")
    cases = [
        ("dir.yaml", "dir.yaml: error: is a directory, not a scenario file"),
        ("fifo.yaml", "fifo.yaml: error: is a FIFO (named pipe), not a scenario file"),
        ("/dev/zero", "/dev/zero: error: is a character device, not a scenario file"),
        ("zero.yaml", "zero.yaml: error: is a character device, not a scenario file"),
        ("loop_a.yaml", "loop_a.yaml: error: is a symbolic link loop"),
        ("dangling.yaml", "dangling.yaml: error: is a symbolic link to 'missing.yaml', which does not exist"),
        ("nothing.yaml", "nothing.yaml: error: no such file"),
    ]
    for command in ("run", "export"):
        for path, message in cases:
            check(f"{command} {path}", run(corun, [command, path], tmp), 2, stderr=[message])
    # `corun FILE` is `corun run FILE`.
    check("corun fifo.yaml", run(corun, ["fifo.yaml"], tmp), 2, stderr=["is a FIFO"])


def sizes(corun, tmp):
    big = tmp / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(17 << 20)  # sparse: costs no disk
    for command in ("run", "export"):
        check(f"{command} 17 MiB file", run(corun, [command, "big.yaml"], tmp), 2,
              stderr=["big.yaml: error: is 17 MiB, larger than the 16 MiB limit for a scenario "
                      "(raise it with --max-file-size)"])
    # A real 17 MiB scenario runs once the limit is raised.
    padded = tmp / "padded.yaml"
    padding = ("#" + "x" * 1023 + "\n") * (17 << 10)
    padded.write_text(padding + HELLO)
    check("run 17 MiB scenario with --max-file-size 20M",
          run(corun, ["run", "--max-file-size", "20M", "padded.yaml"], tmp), 0, stdout=["hello"])
    check("run 17 MiB scenario (default limit)", run(corun, ["run", "padded.yaml"], tmp), 2,
          stderr=["larger than the 16 MiB limit"])
    # The limit is inclusive.
    exact = tmp / "exact.yaml"
    exact.write_text(HELLO)
    n = str(len(HELLO))
    check("file of exactly --max-file-size bytes", run(corun, ["run", "--max-file-size", n, "exact.yaml"], tmp),
          0, stdout=["hello"])
    check("file one byte over --max-file-size",
          run(corun, ["run", "--max-file-size", str(len(HELLO) - 1), "exact.yaml"], tmp), 2,
          stderr=[f"is {len(HELLO)} bytes, larger than the {len(HELLO) - 1} bytes limit"])
    # A file whose size stat does not tell (procfs says 0) is still read
    # only up to the limit.
    check("file that reads longer than its size", run(corun, ["run", "--max-file-size", "10", "/proc/self/maps"], tmp),
          2, stderr=["grew past the 10 bytes limit for a scenario while being read"])


def flags(corun, tmp):
    (tmp / "tasks.yaml").write_text(TASKS)
    (tmp / "sleepy.yaml").write_text(SLEEPY)
    env = dict(os.environ, COLUMNS="100000000")
    check("COLUMNS=100000000 --timeline is brought to 10000 columns",
          run(corun, ["run", "--timeline", "tasks.yaml"], tmp, env), 0, stdout=["done"])
    code, out, err, took = run(corun, ["run", "--timeline", "--width", "10000", "tasks.yaml"], tmp)
    widest = max((len(line) for line in err.splitlines()), default=0)
    check("--width 10000 draws 10000 columns", (code, out, err, took), 0, stdout=["done"])
    if widest > 10000 * 3:  # UTF-8 marks are up to 3 bytes a column
        failures.append("width")
        print(f"FAIL --width 10000 drew a line of {widest} bytes")
    # A long run's timeline keeps a bounded number of events in memory.
    (tmp / "spin.yaml").write_text('coroutines:\n  main:\n    steps:\n      - while: "True"\n'
                                   '        steps:\n          - sleep: 0\n')
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    check("--timeline of 2,000,000 loop callbacks is bounded",
          run(corun, ["run", "--max-steps", "2000000", "--timeline", "--trace-json", "spin.json", "spin.yaml"], tmp),
          3, stderr=["the timeline shows the first 500000 scheduling events only"])
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak_kib > before and peak_kib > 512 * 1024:
        failures.append("timeline memory")
        print(f"FAIL --timeline of a long run peaked at {peak_kib // 1024} MiB")
    check("--clock real --speed 1000000: a 1000 s sleep takes 1 ms",
          run(corun, ["run", "--clock", "real", "--speed", "1000000", "sleepy.yaml"], tmp), 0, stdout=["woke"])
    for args, message in [
        (["--speed", "1e-300"], "--speed: 1e-300 is not in 0.001..1000000"),
        (["--speed", "-1"], "--speed: -1 is not in 0.001..1000000"),
        (["--speed", ""], "--speed: '' is not a number"),
        (["--max-steps", "0x10"], "--max-steps: '0x10' is not a whole number"),
        (["--max-busy", "+5"], "--max-busy: '+5' is not a whole number"),
        (["--width", "99999999999999999999999"], "--width: '99999999999999999999999' is not a whole number"),
    ]:
        check("run " + " ".join(args), run(corun, ["run"] + args + ["tasks.yaml"], tmp), 2,
              stderr=["corun: error: " + message])
    check("export --max-file-size 1.5M", run(corun, ["export", "--max-file-size", "1.5M", "tasks.yaml"], tmp), 2,
          stderr=["corun: error: --max-file-size: '1.5M' is not a size"])


def outputs(corun, tmp):
    (tmp / "tasks.yaml").write_text(TASKS)
    os.mkfifo(tmp / "pipe")
    (tmp / "out").mkdir()
    check("--trace-file FIFO without a reader", run(corun, ["run", "--trace-file", "pipe", "tasks.yaml"], tmp), 2,
          stderr=["cannot write 'pipe': it is a FIFO with no reader"])
    check("--trace-json FIFO without a reader", run(corun, ["run", "--trace-json", "pipe", "tasks.yaml"], tmp), 2,
          stderr=["cannot write 'pipe': it is a FIFO with no reader"])
    check("export -o FIFO without a reader", run(corun, ["export", "-o", "pipe", "tasks.yaml"], tmp), 2,
          stderr=["cannot write 'pipe': it is a FIFO with no reader"])
    got = run(corun, ["run", "--timeline-svg", "out", "tasks.yaml"], tmp)
    check("--timeline-svg DIR is refused before the run", got, 2,
          stderr=["corun: error: --timeline-svg: 'out' is a directory"])
    if "done" in got[1]:
        failures.append("ran")
        print("FAIL --timeline-svg DIR: the scenario ran before the refusal")
    check("export -o missing/dir/x.py", run(corun, ["export", "-o", "missing/x.py", "tasks.yaml"], tmp), 2,
          stderr=["corun: error: -o: cannot write 'missing/x.py': no directory 'missing'"])
    before = (tmp / "tasks.yaml").read_text()
    check("export -o the scenario itself", run(corun, ["export", "-o", "./tasks.yaml", "tasks.yaml"], tmp), 2,
          stderr=["is the scenario itself; it would be overwritten"])
    check("--trace-file the scenario itself", run(corun, ["run", "--trace-file", "tasks.yaml", "tasks.yaml"], tmp), 2,
          stderr=["is the scenario itself"])
    if (tmp / "tasks.yaml").read_text() != before:
        failures.append("scenario overwritten")
        print("FAIL the scenario was overwritten")
    check("--trace-file and --trace-json name one file",
          run(corun, ["run", "--trace-file", "t", "--trace-json", "./t", "tasks.yaml"], tmp), 2,
          stderr=["--trace-json: './t' is also the file of --trace-file"])
    check("/dev/null may take several outputs",
          run(corun, ["run", "--trace-file", "/dev/null", "--trace-json", "/dev/null", "tasks.yaml"], tmp), 0)


def writes_only_named_files(corun, tmp):
    work = tmp / "work"
    work.mkdir()
    (work / "tasks.yaml").write_text(TASKS)
    check("run with every output file", run(corun, ["run", "--trace-file", "a.log", "--trace-json", "b.json",
                                                     "--timeline-svg", "c.svg", "--timeline", "tasks.yaml"], work), 0)
    check("export -o", run(corun, ["export", "-o", "d.py", "tasks.yaml"], work), 0)
    names = sorted(p.name for p in work.iterdir())
    if names != ["a.log", "b.json", "c.svg", "d.py", "tasks.yaml"]:
        failures.append("unnamed files")
        print(f"FAIL corun wrote files it was not told to: {names}")
    for name in ("a.log", "b.json", "c.svg", "d.py"):
        if (work / name).stat().st_size == 0:
            failures.append(name)
            print(f"FAIL {name} is empty")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corun", required=True)
    corun = str(Path(ap.parse_args().corun).resolve())
    for group in (non_regular_scenarios, sizes, flags, outputs, writes_only_named_files):
        with tempfile.TemporaryDirectory(prefix="corun-inputs-") as tmp:
            group(corun, Path(tmp))
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
