#!/usr/bin/env python3
"""`corun test` for CI: selection (-k, --list), sharding (--shard K/N and
Bazel's TEST_SHARD_INDEX / TEST_TOTAL_SHARDS / TEST_SHARD_STATUS_FILE),
--junit, times and the slowest scenarios, the summary's update count, the
hint to accept new output, `.yml` scenarios, what counts as CI (insta's
rule) and --ci, FORCE_COLOR / CLICOLOR_FORCE / NO_COLOR, and the golden home
of a scenario outside any scenarios/ tree (__golden__/ beside it).

Each case builds a small project in a temporary directory, runs corun on it
and asserts the exit status, stdout/stderr and the files left behind.
Times are never asserted (they depend on the machine), only their form.
Python 3 standard library only.

    test_options.py --corun build/corun
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

TIMEOUT = 60  # seconds per corun command; each takes well under one

PRINT_X = 'coroutines:\n  main:\n    steps:\n      - print: "x"\n'
RAISE = 'coroutines:\n  main:\n    steps:\n      - raise: ValueError("boom")\n'

failures = []


def printing(text):
    return 'coroutines:\n  main:\n    steps:\n      - print: "%s"\n' % text


class Project:
    def __init__(self, base: Path):
        self.base = base
        self.proj = base / "proj"
        (self.proj / "scenarios").mkdir(parents=True)

    def file(self, rel, text):
        p = self.proj / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text)
        return p

    def scenario(self, rel, text=PRINT_X):
        return self.file("scenarios/" + rel, text)

    def golden(self, rel, text):
        return self.file("golden/" + rel, text)

    def tree(self, sub="golden"):
        """Every file below proj/sub, relative, with its content."""
        root = self.proj / sub
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(corun, args, cwd, env_extra=None, drop=()):
    env = dict(os.environ)
    for name in ("CI", "CORUN_UPDATE", "NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TEST_TOTAL_SHARDS",
                 "TEST_SHARD_INDEX", "TEST_SHARD_STATUS_FILE", "GITHUB_ACTIONS") + tuple(drop):
        env.pop(name, None)
    env.update(env_extra or {})
    try:
        r = subprocess.run([corun] + args, cwd=cwd, capture_output=True, timeout=TIMEOUT, env=env,
                           stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def check(name, got, exit_code, stdout=(), stderr=(), absent_stdout=(), absent_stderr=(), lines=None):
    """`lines`: stdout must be exactly these lines."""
    code, out, err = got
    problems = []
    if code != exit_code:
        problems.append(f"exit {code}, expected {exit_code}")
    for s in stdout:
        if s not in out:
            problems.append(f"stdout lacks {s!r}")
    for s in absent_stdout:
        if s in out:
            problems.append(f"stdout has {s!r}")
    for s in stderr:
        if s not in err:
            problems.append(f"stderr lacks {s!r}")
    for s in absent_stderr:
        if s in err:
            problems.append(f"stderr has {s!r}")
    if lines is not None and out.splitlines() != lines:
        problems.append(f"stdout is not the lines {lines!r}")
    fail_if(name, problems, out, err)
    return out


def fail_if(name, problems, out="", err=""):
    if problems:
        failures.append(name)
        print(f"FAIL {name}: " + "; ".join(problems))
        print("  stdout: " + out.replace("\n", "\n          "))
        print("  stderr: " + err.replace("\n", "\n          "))
    else:
        print(f"ok   {name}")


def case(fn):
    fn.is_case = True
    return fn


# ---------------------------------------------------------------------------
# Selection

@case
def list_and_k(corun, p):
    for rel in ("a.yaml", "b/gather.yaml", "b/c.yml", "b/d.txt"):
        p.scenario(rel)
    everything = ["scenarios/a.yaml", "scenarios/b/c.yml", "scenarios/b/gather.yaml"]
    check("--list: every scenario, sorted, nothing run", run(corun, ["test", "--list"], p.proj), 0, lines=everything)
    fail_if("--list writes no golden file", [] if not (p.proj / "golden").exists() else ["golden/ was created"])
    check("-k substring", run(corun, ["test", "--list", "-k", "gath"], p.proj), 0, lines=["scenarios/b/gather.yaml"])
    check("-k glob over a tail after /", run(corun, ["test", "--list", "-k", "b/*.yml"], p.proj), 0,
          lines=["scenarios/b/c.yml"])
    check("-k glob: * crosses /", run(corun, ["test", "--list", "-k", "scenarios*a*"], p.proj), 0,
          lines=["scenarios/a.yaml", "scenarios/b/gather.yaml"])
    check("-k glob must match a whole tail", run(corun, ["test", "--list", "-k", "gath*", "-k", "*.yml"], p.proj), 0,
          lines=["scenarios/b/c.yml", "scenarios/b/gather.yaml"])
    check("-k glob anchored at a / boundary", run(corun, ["test", "--list", "-k", "b*.yaml", "scenarios"], p.proj), 0,
          lines=["scenarios/b/gather.yaml"])
    check("-k matching nothing is a usage error", run(corun, ["test", "-k", "nope", "scenarios"], p.proj), 2,
          stderr=["no scenario matches -k nope (3 found)"])
    # -k takes one value: the path after it is a path.
    check("-k then a path", run(corun, ["test", "--list", "-k", "gather", "scenarios/b"], p.proj), 0,
          lines=["scenarios/b/gather.yaml"])
    # A run with -k runs only the selected scenario, and says how many it left out.
    p.golden("a.out", "x\n")
    check("-k runs only what it selects", run(corun, ["test", "-k", "a.yaml"], p.proj), 0,
          stdout=["1 passed, 0 failed, 2 skipped (-k)"], absent_stdout=["FAIL"])
    # Problems of the tree (here an unused golden file) are reported when -k selects their path.
    p.golden("zz.out", "x\n")
    check("-k leaves out the unused golden file of another path", run(corun, ["test", "-k", "a.yaml"], p.proj), 0,
          absent_stdout=["unused golden file"])
    check("-k keeps the unused golden file of its path", run(corun, ["test", "-k", "zz", "-k", "a.yaml"], p.proj), 1,
          stdout=["unused golden file golden/zz.out (no scenarios/zz.yaml)"])


@case
def shards(corun, p):
    names = [f"s{i}.yaml" for i in range(7)]
    for n in names:
        p.scenario(n)
    every = ["scenarios/" + n for n in names]
    got = [run(corun, ["test", "--list", "--shard", f"{k}/3"], p.proj) for k in (1, 2, 3)]
    for k, g in enumerate(got, 1):
        check(f"--shard {k}/3 --list", g, 0, lines=every[k - 1::3])
    union = sorted(sum((g[1].splitlines() for g in got), []))
    fail_if("--shard: the shards partition the suite", [] if union == every else [f"union {union}"])
    check("--shard 1/1 is everything", run(corun, ["test", "--list", "--shard", "1/1"], p.proj), 0, lines=every)
    check("more shards than scenarios: an empty shard passes",
          run(corun, ["test", "--shard", "9/9"], p.proj), 0, stdout=["0 passed, 0 failed (shard 9/9)"])
    for bad, says in (("0/3", "K must be in 1..3"), ("4/3", "K must be in 1..3"), ("1/0", "N must be in"),
                      ("x", "is not K/N"), ("1/3/4", "is not K/N"), ("-1/3", "is not K/N")):
        check(f"--shard {bad}", run(corun, ["test", "--shard", bad], p.proj), 2, stderr=["--shard", says])
    # -k first, then the shard: balanced over what -k selects.
    check("-k with --shard", run(corun, ["test", "--list", "-k", "s1", "-k", "s2", "-k", "s3", "--shard", "2/2"],
                                 p.proj), 0, lines=["scenarios/s2.yaml"])
    # Bazel: 0-based index, and the status file is touched (created, never truncated).
    status = p.base / "shard-status"
    env = {"TEST_TOTAL_SHARDS": "3", "TEST_SHARD_INDEX": "1", "TEST_SHARD_STATUS_FILE": str(status)}
    check("Bazel TEST_SHARD_INDEX=1 of 3 is --shard 2/3", run(corun, ["test", "--list"], p.proj, env), 0,
          lines=every[1::3])
    fail_if("Bazel TEST_SHARD_STATUS_FILE is created", [] if status.is_file() else ["not created"])
    status.write_text("kept\n")
    os.utime(status, (0, 0))
    run(corun, ["test", "--list"], p.proj, env)
    fail_if("Bazel TEST_SHARD_STATUS_FILE is touched, not truncated",
            [] if status.read_text() == "kept\n" and status.stat().st_mtime > 0 else ["not touched, or truncated"])
    check("--shard wins over Bazel's", run(corun, ["test", "--list", "--shard", "1/7"], p.proj, env), 0,
          lines=every[0:1])
    check("Bazel index out of range", run(corun, ["test", "--list"], p.proj, dict(env, TEST_SHARD_INDEX="3")), 2,
          stderr=["TEST_SHARD_INDEX='3' is not a shard index in 0..2"])
    check("Bazel total not a number", run(corun, ["test", "--list"], p.proj, dict(env, TEST_TOTAL_SHARDS="x")), 2,
          stderr=["TEST_TOTAL_SHARDS='x'"])
    check("Bazel status file that cannot be touched",
          run(corun, ["test", "--list"], p.proj, dict(env, TEST_SHARD_STATUS_FILE=str(p.base / "no" / "f"))), 2,
          stderr=["cannot touch TEST_SHARD_STATUS_FILE"])
    # Sharded runs report a problem of the tree once: in shard 1.
    p.golden("gone.out", "x\n")
    for k in (1, 2):
        check(f"unused golden file reported by shard 1 only ({k}/2)",
              run(corun, ["test", "--update", "--shard", f"{k}/2"], p.proj), 1 if k == 1 else 0,
              **({"stdout": ["unused golden file golden/gone.out"]} if k == 1 else
                 {"absent_stdout": ["unused golden file"]}))


# ---------------------------------------------------------------------------
# Reporting

@case
def junit(corun, p):
    p.scenario("ok.yaml")
    p.golden("ok.out", "x\n")
    p.scenario("sub/differs.yaml", printing("<b> & \\\"c\\\""))
    p.golden("sub/differs.out", b"old \x01 line\n")  # a control character XML cannot hold
    p.scenario("missing.yaml")
    p.scenario("other.yaml")
    p.golden("other.out", "x\n")
    p.golden("unused.out", "x\n")
    report = p.base / "report.xml"
    check("--junit", run(corun, ["test", "--junit", str(report), "-k", "ok", "-k", "differs", "-k", "missing",
                                 "-k", "unused"], p.proj), 1, stdout=["1 passed, 3 failed, 1 skipped (-k)"])
    try:
        root = ET.parse(report).getroot()
    except (OSError, ET.ParseError) as e:
        fail_if("--junit writes well-formed XML", [str(e)])
        return
    problems = []
    suite = root.find("testsuite")
    if root.tag != "testsuites" or suite is None:
        problems.append("not <testsuites><testsuite>")
        fail_if("--junit layout", problems)
        return
    want = {"tests": "5", "failures": "3", "errors": "0", "skipped": "1"}
    for node in (root, suite):
        for k, v in want.items():
            if node.get(k) != v:
                problems.append(f"<{node.tag}> {k}={node.get(k)!r}, expected {v!r}")
    cases = {(c.get("classname"), c.get("name")): c for c in suite.findall("testcase")}
    expected = {("scenarios", "ok.yaml"), ("scenarios.sub", "differs.yaml"), ("scenarios", "missing.yaml"),
                ("scenarios", "other.yaml"), ("corun test", "golden/unused.out")}
    if set(cases) != expected:
        problems.append(f"testcases {sorted(cases)}")
    for c in suite.findall("testcase"):
        if not re.fullmatch(r"\d+\.\d{3}", c.get("time", "")):
            problems.append(f"{c.get('name')}: time={c.get('time')!r}")
    ok = cases.get(("scenarios", "ok.yaml"))
    if ok is not None and (len(ok) != 0 or ok.get("file") != "scenarios/ok.yaml" or float(ok.get("time")) <= 0):
        problems.append("the passing testcase has children, no file or no time")
    differs = cases.get(("scenarios.sub", "differs.yaml"))
    failure = differs.find("failure") if differs is not None else None
    if failure is None:
        problems.append("no <failure> for the differing scenario")
    else:
        if "stdout differs from golden/sub/differs.out" not in failure.get("message", ""):
            problems.append(f"failure message {failure.get('message')!r}")
        text = failure.text or ""
        for s in ("--- golden/sub/differs.out", "+++ actual stdout", "-old \ufffd line", "+<b> & \"c\"",
                  "to accept the new output: corun test --update scenarios/sub/differs.yaml"):
            if s not in text:
                problems.append(f"failure text lacks {s!r}")
        if "\x1b" in text:
            problems.append("colour in the failure text")
    missing = cases.get(("scenarios", "missing.yaml"))
    if missing is None or missing.find("failure") is None or \
            "missing golden file golden/missing.out" not in missing.find("failure").get("message", ""):
        problems.append("the missing golden file is not a failure saying so")
    other = cases.get(("scenarios", "other.yaml"))
    if other is None or other.find("skipped") is None or "-k" not in other.find("skipped").get("message", ""):
        problems.append("the deselected scenario is not <skipped> by -k")
    unused = cases.get(("corun test", "golden/unused.out"))
    if unused is None or unused.find("failure") is None:
        problems.append("the unused golden file is not a failed testcase")
    fail_if("--junit content", problems)
    check("--junit into a directory", run(corun, ["test", "--junit", str(p.base)], p.proj), 2,
          stderr=["--junit", "is a directory"])
    # With colour forced, the terminal gets colour and the report does not.
    run(corun, ["test", "--junit", str(report), "scenarios/sub"], p.proj, {"FORCE_COLOR": "1"})
    fail_if("--junit without colour under FORCE_COLOR", [] if "\x1b" not in report.read_text() else ["colour"])


@case
def times_summary_and_hints(corun, p):
    p.scenario("a.yaml")
    p.scenario("b.yaml", RAISE)
    p.scenario("c.yaml", printing("new"))
    out = check("--update counts the files it changed", run(corun, ["test", "--update"], p.proj), 0,
                stdout=["updated golden/a.out", "updated golden/b.exit", "3 passed, 0 failed, 5 golden files updated"])
    check("--update with nothing to change", run(corun, ["test", "--update"], p.proj), 0,
          stdout=["3 passed, 0 failed, 0 golden files updated"], absent_stdout=["updated golden/"])
    p.golden("c.out", "old\n")
    out = check("a failure: its time, the diff, how to accept it", run(corun, ["test"], p.proj), 1,
                stdout=["-old", "+new", "to accept the new output: corun test --update scenarios/c.yaml",
                        "2 passed, 1 failed\n", "slowest:\n"])
    fail_if("FAIL line with the scenario's time",
            [] if re.search(r"^FAIL scenarios/c\.yaml \(\d+\.\d{3} s\)$", out, re.M) else ["no time"], out)
    slowest = re.findall(r"^  \d+\.\d{3} s  (scenarios/\S+)$", out, re.M)
    fail_if("slowest: the scenarios that ran, after the summary",
            [] if sorted(slowest) == ["scenarios/a.yaml", "scenarios/b.yaml", "scenarios/c.yaml"]
            and out.index("slowest:") > out.index("2 passed, 1 failed") else [f"slowest {slowest}"], out)
    out = check("-v: a PASS line with its time", run(corun, ["test", "-v", "scenarios/a.yaml"], p.proj), 0,
                absent_stdout=["slowest:"])
    fail_if("-v PASS line", [] if re.search(r"^PASS scenarios/a\.yaml \(\d+\.\d{3} s\)$", out, re.M) else ["none"], out)
    (p.proj / "golden" / "c.out").unlink()
    check("a missing golden file says how to create it", run(corun, ["test", "scenarios/c.yaml"], p.proj), 1,
          stdout=["missing golden file golden/c.out; create it with: corun test --update scenarios/c.yaml"],
          absent_stdout=["to accept the new output"])


# ---------------------------------------------------------------------------
# .yml, CI, colour

@case
def yml_scenarios(corun, p):
    p.scenario("y.yml")
    p.scenario("sub/z.yml", RAISE)
    check(".yml: --update", run(corun, ["test", "--update"], p.proj), 0,
          stdout=["updated golden/y.out", "updated golden/sub/z.exit", "2 passed, 0 failed"])
    check(".yml: compare (its golden files are not unused)", run(corun, ["test"], p.proj), 0,
          stdout=["2 passed, 0 failed"], absent_stdout=["unused"])
    check(".yml: a file argument", run(corun, ["test", "scenarios/y.yml"], p.proj), 0, stdout=["1 passed"])
    p.scenario("y.yaml", printing("other"))
    check("y.yaml and y.yml would share golden/y.*", run(corun, ["test", "--update"], p.proj), 1,
          stdout=["FAIL scenarios/y.yml\n", "scenarios/y.yml would share the golden files golden/y.* of "
                  "scenarios/y.yaml; rename one of them"])


@case
def what_counts_as_ci(corun, p):
    p.scenario("x.yaml")
    for value in ("0", "false", "FALSE", ""):
        out_file = p.proj / "golden" / "x.out"
        if out_file.exists():
            out_file.unlink()
        check(f"CI={value!r} is not CI", run(corun, ["test", "--update"], p.proj, {"CI": value}), 0,
              stdout=["updated golden/x.out"], absent_stderr=["refusing"])
    p.golden("x.out", "old\n")
    for value in ("true", "1", "yes"):
        check(f"CI={value!r} is CI", run(corun, ["test", "--update"], p.proj, {"CI": value}), 1,
              stderr=[f"refusing to update golden files (--update): CI is set (CI={value})"],
              stdout=["to accept the new output"])
    check("--ci: CORUN_UPDATE never writes", run(corun, ["test", "--ci"], p.proj, {"CORUN_UPDATE": "1"}), 1,
          stderr=["refusing to update golden files (CORUN_UPDATE=1): --ci is given"])
    check("--ci --update never writes", run(corun, ["test", "--ci", "--update"], p.proj), 1,
          stderr=["refusing to update golden files (--update): --ci is given"])
    fail_if("nothing written under CI or --ci", [] if p.tree() == {"x.out": b"old\n"} else [str(p.tree())])
    p.golden("x.out", "x\n")
    check("--ci with up-to-date golden files passes", run(corun, ["test", "--ci"], p.proj, {"CORUN_UPDATE": "1"}), 0,
          stdout=["1 passed, 0 failed"])


@case
def colour(corun, p):
    p.scenario("x.yaml")
    p.golden("x.out", "old\n")
    red = "\x1b[1;31mFAIL"
    for env, coloured in (({}, False), ({"FORCE_COLOR": "1"}, True), ({"FORCE_COLOR": ""}, False),
                          ({"FORCE_COLOR": "0"}, False), ({"FORCE_COLOR": "false"}, False),
                          ({"CLICOLOR_FORCE": "1"}, True), ({"CLICOLOR_FORCE": "0"}, False),
                          ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
                          ({"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, False)):
        name = "colour with " + (" ".join(f"{k}={v!r}" for k, v in env.items()) or "nothing set") + " off a terminal"
        check(name, run(corun, ["test"], p.proj, env), 1,
              **({"stdout": [red]} if coloured else {"absent_stdout": ["\x1b["]}))
    check("FORCE_COLOR colours run's diagnostics too", run(corun, ["run", "missing.yaml"], p.proj,
                                                            {"FORCE_COLOR": "1"}), 2, stderr=["\x1b["])


# ---------------------------------------------------------------------------
# Outside a scenarios/ tree

@case
def outside_a_scenarios_tree(corun, p):
    p.file("examples/demo.yaml", PRINT_X)
    p.file("examples/deep/fail.yml", RAISE)
    p.file("examples/proj2/scenarios/inner.yaml", PRINT_X)
    check("outside: a file without its golden file", run(corun, ["test", "examples/demo.yaml"], p.proj), 1,
          stdout=["missing golden file examples/__golden__/demo.out; create it with: "
                  "corun test --update examples/demo.yaml"])
    check("outside: --update a directory", run(corun, ["test", "--update", "examples"], p.proj), 0,
          stdout=["updated examples/__golden__/demo.out", "updated examples/deep/__golden__/fail.exit",
                  "updated examples/proj2/golden/inner.out", "3 passed, 0 failed"])
    check("outside: compare", run(corun, ["test", "examples"], p.proj), 0, stdout=["3 passed, 0 failed"])
    check("outside: from the directory itself", run(corun, ["test", "demo.yaml"], p.proj / "examples"), 0,
          stdout=["1 passed, 0 failed"])
    check("outside: --list", run(corun, ["test", "--list", "examples"], p.proj), 0,
          lines=["examples/deep/fail.yml", "examples/demo.yaml", "examples/proj2/scenarios/inner.yaml"])
    p.file("examples/__golden__/gone.out", "x\n")
    check("outside: an unused golden file in __golden__/", run(corun, ["test", "examples"], p.proj), 1,
          stdout=["unused golden file examples/__golden__/gone.out (no examples/gone.yaml)"])
    (p.proj / "examples/__golden__/gone.out").unlink()
    # The writer's rules hold there too: a __golden__ that is a link is refused, what it points at untouched.
    victim = p.base / "victim"
    victim.mkdir()
    (victim / "demo.out").write_text("victim\n")
    p.file("links/demo.yaml", printing("new"))
    os.symlink(victim, p.proj / "links" / "__golden__")
    check("outside: __golden__ -> elsewhere is refused", run(corun, ["test", "--update", "links"], p.proj), 1,
          stderr=["refusing to update the golden files of links/demo.yaml", "symbolic link"])
    fail_if("outside: the link's target is untouched", [] if (victim / "demo.out").read_text() == "victim\n"
            and sorted(os.listdir(victim)) == ["demo.out"] else ["victim changed"])
    # A path that is a link into a scenarios/ tree would give its scenarios a second golden home.
    os.symlink(p.proj / "scenarios", p.proj / "alias")
    p.scenario("s.yaml")
    check("outside: a link into a scenarios/ tree is refused", run(corun, ["test", "--update", "alias/s.yaml"], p.proj),
          2, stderr=["refusing alias/s.yaml: its real path", "is inside the scenarios tree"])
    fail_if("outside: nothing written through the link",
            [] if not (p.proj / "scenarios" / "__golden__").exists() and not (p.proj / "golden").exists()
            else ["written"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corun", required=True)
    ap.add_argument("-k", dest="only", help="run only the cases whose name contains this")
    args = ap.parse_args()
    corun = str(Path(args.corun).resolve())
    cases = [f for f in globals().values() if getattr(f, "is_case", False)]
    for fn in cases:
        if args.only and args.only not in fn.__name__:
            continue
        with tempfile.TemporaryDirectory(prefix="corun-options-") as tmp:
            fn(corun, Project(Path(tmp)))
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
