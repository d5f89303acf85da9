#!/usr/bin/env python3
"""The command line's niceties (issue 13 item 5), each against the real binary:
a mistyped command is named ("did you mean 'test'?", exit 2) unless the word
is a file; -V is --version; `-` reads the scenario from standard input
(named <stdin> in messages) for run and export; --help shows every option's
default; --speed and --allow-network without --clock real are usage errors;
`corun test --golden
DIR` reads the golden files from DIR. Python 3 standard library only.

    command_line.py --corun build/corun
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT = 30
failures = []

HELLO = 'coroutines:\n  main:\n    steps:\n      - print: "hello"\n'
BROKEN = 'coroutines:\n  main:\n    steps:\n      - print: "a"\n      - frobnicate: 1\n'
RAISES = 'coroutines:\n  main:\n    steps:\n      - raise: ValueError("boom")\n'
SLEEPY = 'coroutines:\n  main:\n    steps:\n      - sleep: 1000\n      - print: "woke"\n'


def run(corun, args, cwd, stdin=b""):
    try:
        r = subprocess.run([corun] + args, cwd=cwd, input=stdin if isinstance(stdin, bytes) else None,
                           stdin=None if isinstance(stdin, bytes) else stdin, capture_output=True,
                           timeout=TIMEOUT, env={**os.environ, "NO_COLOR": "1"})
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def check(name, got, exit_code, stdout=(), stderr=(), not_stderr=(), stdout_is=None):
    code, out, err = got
    problems = []
    if code != exit_code:
        problems.append(f"exit {code}, expected {exit_code}")
    problems += [f"stdout lacks {s!r}" for s in stdout if s not in out]
    problems += [f"stderr lacks {s!r}" for s in stderr if s not in err]
    problems += [f"stderr has {s!r}" for s in not_stderr if s in err]
    if stdout_is is not None and out != stdout_is:
        problems.append(f"stdout is {out!r}, expected {stdout_is!r}")
    if problems:
        failures.append(name)
        print(f"FAIL {name}: {'; '.join(problems)}\n  stdout: {out[:800]}\n  stderr: {err[:800]}")
    else:
        print(f"ok   {name}")


def mistyped_commands(corun, tmp):
    (tmp / "x.yaml").write_text(HELLO)
    for args, command in [(["tset"], "test"), (["rn", "x.yaml"], "run"), (["exprot", "x.yaml"], "export"),
                          (["tests"], "test"), (["hlep"], "help")]:
        check("corun " + " ".join(args) + f" suggests {command}", run(corun, args, tmp), 2,
              stderr=[f"corun: error: unknown command '{args[0]}'; did you mean '{command}'?"])
    # A word naming a file is a scenario, however close to a command.
    (tmp / "tset").write_text(HELLO)
    check("corun tset runs the file tset when there is one", run(corun, ["tset"], tmp), 0, stdout_is="hello\n")
    # A scenario name that is no near miss keeps its own message.
    check("corun missing.yaml: no such file", run(corun, ["missing.yaml"], tmp), 2,
          stderr=["missing.yaml: error: no such file"], not_stderr=["did you mean"])
    check("corun zzzzzz: no such file, no suggestion", run(corun, ["zzzzzz"], tmp), 2,
          stderr=["zzzzzz: error: no such file"], not_stderr=["did you mean"])


def version(corun, tmp):
    long = run(corun, ["--version"], tmp)
    check("-V is --version", run(corun, ["-V"], tmp), 0, stdout_is=long[1])
    check("--version prints corun and a version", long, 0, stdout=["corun "])
    if not re.fullmatch(r"corun \d+\.\d+\.\d+\n", long[1]):
        failures.append("version format")
        print(f"FAIL --version: {long[1]!r} is not 'corun X.Y.Z'")


def standard_input(corun, tmp):
    check("corun run - reads standard input", run(corun, ["run", "-"], tmp, HELLO.encode()), 0, stdout_is="hello\n")
    check("corun - is corun run -", run(corun, ["-"], tmp, HELLO.encode()), 0, stdout_is="hello\n")
    check("an invalid scenario on standard input is <stdin>:line:col", run(corun, ["run", "-"], tmp, BROKEN.encode()),
          2, stderr=["<stdin>:5:9: error:"])
    check("a traceback names <stdin>", run(corun, ["run", "-"], tmp, RAISES.encode()), 1,
          stderr=["<stdin>", "ValueError: boom"])
    check("corun export - names <stdin>", run(corun, ["export", "-"], tmp, HELLO.encode()), 0,
          stdout=["from <stdin>", 'print("hello")'])
    out = tmp / "from_stdin.py"
    check("corun export - -o FILE", run(corun, ["export", "-", "-o", str(out)], tmp, HELLO.encode()), 0)
    if not out.exists() or 'print("hello")' not in out.read_text():
        failures.append("export - -o")
        print("FAIL export - -o FILE did not write the program")
    check("standard input over --max-file-size is refused",
          run(corun, ["run", "--max-file-size", "10", "-"], tmp, HELLO.encode()), 2,
          stderr=["<stdin>: error: is larger than the 10 bytes limit"])
    directory = os.open(tmp, os.O_RDONLY | os.O_DIRECTORY)
    try:
        check("a directory as standard input is refused", run(corun, ["run", "-"], tmp, directory), 2,
              stderr=["<stdin>: error: is a directory"])
    finally:
        os.close(directory)
    with open("/dev/zero", "rb") as zero:
        check("/dev/zero as standard input stops at the size limit",
              run(corun, ["run", "--max-file-size", "1M", "-"], tmp, zero), 2,
              stderr=["<stdin>: error: is larger than the 1 MiB limit"])
    # A file named `-` is still reachable by a path.
    (tmp / "-").write_text(HELLO)
    check("./- is the file named -", run(corun, ["run", "./-"], tmp), 0, stdout_is="hello\n")


def help_defaults(corun, tmp):
    _, run_help, _ = run(corun, ["run", "--help"], tmp)
    _, test_help, _ = run(corun, ["test", "--help"], tmp)
    _, export_help, _ = run(corun, ["export", "--help"], tmp)
    # CLI11 shows a default after the option's type: `--clock TEXT:{virtual,real}=virtual`.
    expected = [
        ("run", run_help, "--clock", "=virtual"),
        ("run", run_help, "--speed", "=1"),
        ("run", run_help, "--max-steps", "=200000000"),
        ("run", run_help, "--max-depth", "=100000"),
        ("run", run_help, "--max-busy", "=100000000"),
        ("run", run_help, "--max-memory", "=1G"),
        ("run", run_help, "--max-file-size", "=16M"),
        ("run", run_help, "--max-spin", "=10000000"),
        ("run", run_help, "--width", "=auto"),
        ("test", test_help, "--jobs", "=nproc"),
        ("test", test_help, "--timeout", "=120"),
        ("test", test_help, "--golden", "=scenarios/../golden"),
        ("test", test_help, "paths", "=./scenarios"),
        ("export", export_help, "--max-file-size", "=16M"),
    ]
    for command, text, option, default in expected:
        line = next((l for l in text.splitlines() if re.match(r"\s+(-\w,)?" + re.escape(option) + r" ", l)), "")
        if line.rstrip().endswith(default) or default + " " in line:
            print(f"ok   corun {command} --help shows {option}'s default {default}")
        else:
            failures.append(f"help {command} {option}")
            print(f"FAIL corun {command} --help: {option}'s line {line!r} lacks {default}")
    # Every option that takes a value shows a default, but those naming an
    # output file (none by default).
    for command, text in [("run", run_help), ("test", test_help), ("export", export_help)]:
        for line in text.splitlines():
            m = re.match(r"\s+(?:-\w,)?(--[\w-]+) [A-Z]", line)
            if m and m.group(1) not in ("--trace-file", "--trace-json", "--timeline-svg", "--output", "--junit") \
                    and "=" not in line:
                failures.append(f"help {command} {m.group(1)} default")
                print(f"FAIL corun {command} --help: {m.group(1)} shows no default: {line!r}")


def speed(corun, tmp):
    (tmp / "sleepy.yaml").write_text(SLEEPY)
    for args in (["run", "--speed", "2", "sleepy.yaml"], ["--speed", "2", "sleepy.yaml"],
                 ["run", "--clock", "virtual", "--speed", "2", "sleepy.yaml"]):
        check(" ".join(args) + ": --speed needs --clock real", run(corun, args, tmp), 2,
              stderr=["corun: error: --speed: needs --clock real"])
    check("--clock real --speed 1000000 runs", run(corun, ["run", "--clock", "real", "--speed", "1000000",
                                                         "sleepy.yaml"], tmp), 0, stdout_is="woke\n")


def allow_network(corun, tmp):
    (tmp / "hello.yaml").write_text(HELLO)
    for args in (["run", "--allow-network", "hello.yaml"], ["--allow-network", "hello.yaml"],
                 ["run", "--clock", "virtual", "--allow-network", "hello.yaml"]):
        check(" ".join(args) + ": --allow-network needs --clock real", run(corun, args, tmp), 2,
              stderr=["corun: error: --allow-network: needs --clock real"])
    check("--clock real --allow-network runs", run(corun, ["run", "--clock", "real", "--allow-network",
                                                         "hello.yaml"], tmp), 0, stdout_is="hello\n")


def golden_option(corun, tmp):
    suite = tmp / "suite"
    (suite / "scenarios" / "sub").mkdir(parents=True)
    (suite / "scenarios" / "sub" / "hi.yaml").write_text(HELLO)
    (suite / "expected" / "sub").mkdir(parents=True)
    (suite / "expected" / "sub" / "hi.out").write_text("hello\n")
    check("--golden DIR: golden files from DIR", run(corun, ["test", "--golden", "expected", "scenarios"], suite), 0,
          stdout=["1 passed, 0 failed"])
    check("--golden DIR with one file", run(corun, ["test", "--golden", "expected", "scenarios/sub/hi.yaml"], suite),
          0, stdout=["1 passed, 0 failed"])
    check("without --golden the sibling golden/ is missing",
          run(corun, ["test", "scenarios/sub/hi.yaml"], suite), 1, stdout=["missing golden file golden/sub/hi.out"])
    (suite / "expected" / "sub" / "hi.out").write_text("bye\n")
    check("--golden DIR: a wrong golden fails with its diff",
          run(corun, ["test", "--golden", "expected", "scenarios"], suite), 1,
          stdout=["--- expected/sub/hi.out", "-bye", "+hello", "0 passed, 1 failed"])
    check("--golden under a missing directory is a usage error",
          run(corun, ["test", "--golden", "nowhere/expected", "scenarios"], suite), 2,
          stderr=["corun test: --golden nowhere/expected: its parent directory"])
    (suite / "linked").symlink_to("expected")
    check("--golden that is a symbolic link is refused",
          run(corun, ["test", "--golden", "linked", "scenarios"], suite), 1, stdout=["symbolic link"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corun", required=True)
    args = parser.parse_args()
    corun = str(Path(args.corun).resolve())
    with tempfile.TemporaryDirectory(prefix="corun-cli-") as d:
        tmp = Path(d)
        for part in (mistyped_commands, version, standard_input, help_defaults, speed, allow_network, golden_option):
            part(corun, tmp)
    if failures:
        print(f"\n{len(failures)} failed: {', '.join(failures)}")
        return 1
    print("\nall passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
