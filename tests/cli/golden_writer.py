#!/usr/bin/env python3
"""The golden writer (`corun test --update`) touches nothing outside the
golden tree, never removes a directory, follows no symbolic link, and says
what it refused and why; `corun test` itself never blocks on a FIFO and
names what it cannot use.

Each case builds a small project in a temporary directory:

    proj/scenarios/...   proj/golden/...   victim/...   (outside the tree)

runs corun on it, and asserts the exit status, substrings of stdout/stderr,
promptness, and that `victim/` (a full listing with file contents and link
targets) is exactly as before. Python 3 standard library only.

    golden_writer.py --corun build/corun
"""

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT = 120  # seconds: a command this long hangs (each takes well under 1 s; no time is asserted below it)

PRINT_X = 'coroutines:\n  main:\n    steps:\n      - print: "x"\n'
RAISE = 'coroutines:\n  main:\n    steps:\n      - raise: ValueError("boom")\n'

failures = []


def snapshot(root: Path):
    """Every entry below root: type, and content or link target."""
    seen = {}
    if not root.exists() and not root.is_symlink():
        return seen
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            st = p.lstat()
            if stat.S_ISLNK(st.st_mode):
                seen[rel] = ("link", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                seen[rel] = ("dir", None)
            elif stat.S_ISREG(st.st_mode):
                seen[rel] = ("file", p.read_bytes())
            else:
                seen[rel] = ("other", stat.S_IFMT(st.st_mode))
    return seen


class Project:
    def __init__(self, base: Path):
        self.base = base
        self.proj = base / "proj"
        self.victim = base / "victim"
        (self.proj / "scenarios").mkdir(parents=True)
        (self.proj / "golden").mkdir()
        self.victim.mkdir()
        for name in ("x.out", "x.err", "x.exit", "sub/x.out", "sub/x.err", "sub/x.exit"):
            f = self.victim / name
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text("victim " + name + "\n")
        (self.victim / "emptydir.err").mkdir()

    def scenario(self, rel, text=PRINT_X):
        p = self.proj / "scenarios" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p

    def golden(self, rel, text):
        p = self.proj / "golden" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p


def run(corun, args, cwd, env_extra=None):
    env = dict(os.environ)
    env.pop("CI", None)
    env.pop("CORUN_UPDATE", None)
    env.update(env_extra or {})
    try:
        r = subprocess.run([corun] + args, cwd=cwd, capture_output=True, text=True,
                           timeout=TIMEOUT, env=env, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def check(name, got, exit_code, stdout=(), stderr=(), victim_before=None, project=None,
          absent_stdout=()):
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
    if victim_before is not None and snapshot(project.victim) != victim_before:
        problems.append("the victim directory outside the golden tree changed")
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


@case
def golden_subdir_is_a_link_outside(corun, p):
    p.scenario("sub/x.yaml")
    os.symlink(p.victim, p.proj / "golden" / "sub")
    before = snapshot(p.victim)
    for args in (["test", "--update", "scenarios"], ["test", "--update", "scenarios/sub/x.yaml"],
                 ["test", "scenarios"]):
        check("golden/sub -> victim: " + " ".join(args), run(corun, args, p.proj), 1,
              stderr=["golden/sub is a symbolic link"] if "--update" in args else [],
              stdout=["0 passed, 1 failed"] + ([] if "--update" in args else ["golden/sub is a symbolic link"]),
              victim_before=before, project=p)


@case
def stray_link_in_golden_tree(corun, p):
    p.scenario("x.yaml")
    p.golden("x.out", "x\n")
    os.symlink(p.victim, p.proj / "golden" / "stray")
    before = snapshot(p.victim)
    for args in (["test", "scenarios"], ["test", "--update", "scenarios"]):
        check("golden/stray -> victim: " + " ".join(args), run(corun, args, p.proj), 1,
              stdout=["golden/stray is a symbolic link", "1 passed, 1 failed"],
              victim_before=before, project=p)


@case
def golden_root_is_a_link(corun, p):
    p.scenario("x.yaml")
    shutil.rmtree(p.proj / "golden")
    os.symlink(p.victim, p.proj / "golden")
    before = snapshot(p.victim)
    check("golden -> victim: --update", run(corun, ["test", "--update", "scenarios"], p.proj), 1,
          stderr=["golden is a symbolic link"], victim_before=before, project=p)
    check("golden -> victim: compare", run(corun, ["test", "scenarios/x.yaml"], p.proj), 1,
          stdout=["golden is a symbolic link"], victim_before=before, project=p)


@case
def golden_subdir_is_a_file(corun, p):
    p.scenario("sub/x.yaml")
    p.golden("sub", "not a directory\n")
    check("golden/sub is a file: --update", run(corun, ["test", "--update", "scenarios"], p.proj), 1,
          stderr=["golden/sub is a file, not a directory"])
    if (p.proj / "golden" / "sub").read_text() != "not a directory\n":
        failures.append("golden/sub replaced")
        print("FAIL golden/sub was replaced")


@case
def golden_file_is_a_link_inside(corun, p):
    p.scenario("x.yaml")
    p.golden("y.out", "x\n")
    os.symlink("y.out", p.proj / "golden" / "x.out")
    before = snapshot(p.proj / "golden")
    check("golden/x.out -> y.out: --update", run(corun, ["test", "--update", "scenarios/x.yaml"], p.proj), 1,
          stdout=["FAIL scenarios/x.yaml"],
          stderr=["refusing to write golden/x.out: it is a symbolic link (to 'y.out')"])
    check("golden/x.out -> y.out: compare", run(corun, ["test", "scenarios/x.yaml"], p.proj), 1,
          stdout=["cannot read golden/x.out: it is a symbolic link"])
    if snapshot(p.proj / "golden") != before:
        failures.append("golden link replaced")
        print("FAIL golden/x.out -> y.out: the link or its target changed")


@case
def golden_file_links_outside(corun, p):
    p.scenario("x.yaml", RAISE)  # writes .out, .err and .exit
    for ext in ("out", "err", "exit"):
        os.symlink(p.victim / f"x.{ext}", p.proj / "golden" / f"x.{ext}")
    before = snapshot(p.victim)
    check("golden/x.* -> victim: --update", run(corun, ["test", "--update", "scenarios"], p.proj), 1,
          stderr=["refusing to write golden/x.out", "refusing to write golden/x.err",
                  "refusing to write golden/x.exit"], victim_before=before, project=p)


@case
def stale_err_and_exit_are_links_outside(corun, p):
    # x prints and returns: .err and .exit would be removed, but they are
    # links to files outside: neither the links' targets nor the links go.
    p.scenario("x.yaml")
    os.symlink(p.victim / "x.err", p.proj / "golden" / "x.err")
    os.symlink(p.victim / "x.exit", p.proj / "golden" / "x.exit")
    before = snapshot(p.victim)
    check("stale .err/.exit links: --update", run(corun, ["test", "--update", "scenarios"], p.proj), 1,
          stderr=["refusing to remove golden/x.err: it is a symbolic link",
                  "refusing to remove golden/x.exit: it is a symbolic link"],
          victim_before=before, project=p)
    if not (p.proj / "golden" / "x.err").is_symlink():
        failures.append("link removed")
        print("FAIL stale .err link was removed")


@case
def empty_directory_named_like_a_golden_file(corun, p):
    p.scenario("x.yaml")
    (p.proj / "golden" / "x.err").mkdir()
    check("golden/x.err/ (empty dir): --update",
          run(corun, ["test", "--update", "scenarios"], p.proj), 1,
          stderr=["refusing to remove golden/x.err: it is a directory"])
    if not (p.proj / "golden" / "x.err").is_dir():
        failures.append("directory removed")
        print("FAIL golden/x.err/ was removed")


@case
def golden_out_is_a_directory(corun, p):
    p.scenario("x.yaml")
    (p.proj / "golden" / "x.out").mkdir()
    check("golden/x.out/ : compare", run(corun, ["test", "scenarios"], p.proj), 1,
          stdout=["cannot read golden/x.out: it is a directory"])
    check("golden/x.out/ : --update", run(corun, ["test", "--update", "scenarios"], p.proj), 1,
          stderr=["refusing to write golden/x.out: it is a directory"])


@case
def golden_out_is_a_fifo(corun, p):
    p.scenario("x.yaml")
    os.mkfifo(p.proj / "golden" / "x.out")
    check("golden/x.out FIFO: compare (no blocking)", run(corun, ["test", "scenarios"], p.proj), 1,
          stdout=["cannot read golden/x.out: it is a FIFO"])
    check("golden/x.out FIFO: --update", run(corun, ["test", "--update", "scenarios"], p.proj), 1,
          stderr=["refusing to write golden/x.out: it is a FIFO"])


@case
def leftover_temporary_files(corun, p):
    p.scenario("x.yaml")
    p.golden("x.out", "x\n")
    p.golden(".x.out.tmp-AbC123", "half")
    p.golden(".gone.err.tmp-XyZ789", "half")  # its scenario no longer exists
    check("leftover temporaries: compare", run(corun, ["test", "scenarios"], p.proj), 1,
          stdout=["leftover temporary file golden/.x.out.tmp-AbC123",
                  "leftover temporary file golden/.gone.err.tmp-XyZ789"])
    check("leftover temporaries: file argument", run(corun, ["test", "scenarios/x.yaml"], p.proj), 1,
          stdout=["leftover temporary file golden/.x.out.tmp-AbC123"])
    check("leftover temporaries: --update removes them",
          run(corun, ["test", "--update", "scenarios"], p.proj), 0,
          stdout=["removed leftover temporary file golden/.x.out.tmp-AbC123",
                  "removed leftover temporary file golden/.gone.err.tmp-XyZ789"])
    left = sorted(f.name for f in (p.proj / "golden").iterdir())
    if left != ["x.out"]:
        failures.append("temporaries left")
        print(f"FAIL leftover temporaries after --update: {left}")
    check("leftover temporaries: clean afterwards", run(corun, ["test", "scenarios"], p.proj), 0)


@case
def scenario_is_a_link_to_another_tree(corun, p):
    other = p.base / "other"
    (other / "scenarios").mkdir(parents=True)
    (other / "golden").mkdir()
    (other / "scenarios" / "b.yaml").write_text(PRINT_X)
    os.symlink(other / "scenarios" / "b.yaml", p.proj / "scenarios" / "a.yaml")
    before = snapshot(other)
    check("scenarios/a.yaml -> other tree: --update file",
          run(corun, ["test", "--update", "scenarios/a.yaml"], p.proj), 0, stdout=["updated golden/a.out"])
    check("scenarios/a.yaml -> other tree: --update dir",
          run(corun, ["test", "--update", "scenarios"], p.proj), 0)
    if snapshot(other) != before:
        failures.append("other tree written")
        print("FAIL the other tree's golden files changed")
    if (p.proj / "golden" / "a.out").read_text() != "x\n":
        failures.append("a.out")
        print("FAIL golden/a.out was not written")


@case
def directory_link_inside_scenarios(corun, p):
    p.scenario("x.yaml")
    other = p.base / "other" / "scenarios"
    other.mkdir(parents=True)
    (other / "y.yaml").write_text(PRINT_X)
    (other.parent / "x.yaml").write_text(PRINT_X)  # what scenarios/linked/../x.yaml really names
    os.symlink(other, p.proj / "scenarios" / "linked")
    before = snapshot(p.base / "other")
    check("scenarios/linked -> dir: walk", run(corun, ["test", "--update", "scenarios"], p.proj), 1,
          stdout=["scenarios/linked is a symbolic link to a directory; not followed"])
    check("scenarios/linked/y.yaml: file argument",
          run(corun, ["test", "--update", "scenarios/linked/y.yaml"], p.proj), 2,
          stderr=["scenarios/linked is a symbolic link"])
    check("scenarios/linked/../x.yaml: '..' through a link",
          run(corun, ["test", "--update", "scenarios/linked/../x.yaml"], p.proj), 2,
          stderr=["refusing scenarios/linked/../x.yaml"])
    if snapshot(p.base / "other") != before:
        failures.append("other written")
        print("FAIL the linked directory's tree changed")


@case
def dotdot_inside_the_tree_is_fine(corun, p):
    p.scenario("sub/x.yaml")
    check("scenarios/sub/../sub/x.yaml", run(corun, ["test", "--update", "scenarios/sub/../sub/x.yaml"], p.proj), 0,
          stdout=["updated golden/sub/x.out"])


@case
def scenarios_root_is_a_link(corun, p):
    real = p.base / "elsewhere" / "scenarios"
    real.mkdir(parents=True)
    (real / "x.yaml").write_text(PRINT_X)
    shutil.rmtree(p.proj / "scenarios")
    os.symlink(real, p.proj / "scenarios")
    check("scenarios -> elsewhere", run(corun, ["test", "--update"], p.proj), 2,
          stderr=["scenarios is a symbolic link"])
    if (p.base / "elsewhere" / "golden").exists():
        failures.append("elsewhere/golden")
        print("FAIL elsewhere/golden was created")


@case
def non_regular_scenarios_in_a_tree(corun, p):
    p.scenario("x.yaml")
    p.golden("x.out", "x\n")
    os.mkfifo(p.proj / "scenarios" / "fifo.yaml")
    os.symlink("loop.yaml", p.proj / "scenarios" / "loop.yaml")
    os.symlink("nowhere.yaml", p.proj / "scenarios" / "dangling.yaml")
    os.symlink("/dev/zero", p.proj / "scenarios" / "zero.yaml")
    check("FIFO, loop, dangling link, device in a tree", run(corun, ["test", "scenarios"], p.proj), 1,
          stdout=["scenarios/fifo.yaml is a FIFO (named pipe), not a scenario file",
                  "scenarios/loop.yaml is a symbolic link loop",
                  "scenarios/dangling.yaml is a symbolic link to nothing",
                  "scenarios/zero.yaml is a character device, not a scenario file",
                  "1 passed, 4 failed"])


@case
def bad_arguments(corun, p):
    os.symlink("l2", p.proj / "l1")
    os.symlink("l1", p.proj / "l2")
    check("test <symlink loop>", run(corun, ["test", "l1"], p.proj), 2, stderr=["l1: is a symbolic link loop"])
    os.mkfifo(p.proj / "scenarios" / "f.yaml")
    check("test <FIFO>", run(corun, ["test", "scenarios/f.yaml"], p.proj), 2,
          stderr=["is not a scenario (a *.yaml or *.yml file): it is a FIFO"])
    check("test -j 0", run(corun, ["test", "-j", "0", "scenarios"], p.proj), 2, stderr=["-j"])
    check("test --timeout nan", run(corun, ["test", "--timeout", "nan", "scenarios"], p.proj), 2,
          stderr=["--timeout"])
    check("test --timeout -1", run(corun, ["test", "--timeout", "-1", "scenarios"], p.proj), 2,
          stderr=["--timeout: -1 is not in 0..1000000"])


@case
def ci_never_writes(corun, p):
    p.scenario("x.yaml")
    check("CI=1 --update", run(corun, ["test", "--update", "scenarios"], p.proj, {"CI": "1"}), 1,
          stderr=["refusing to update golden files (--update): CI is set (CI=1)"], stdout=["missing golden file golden/x.out"])
    if any((p.proj / "golden").iterdir()):
        failures.append("CI wrote")
        print("FAIL CI=1 wrote a golden file")


def as_unprivileged(corun, args, cwd):
    """Runs corun as a user that file permissions apply to: ourselves, or
    `nobody` (through setpriv) when we are root. None when neither can."""
    if os.geteuid() != 0:
        return run(corun, args, cwd)
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    drop = ["--reuid=65534", "--regid=65534", "--clear-groups", corun]
    if run(setpriv, drop + ["--version"], cwd)[0] != 0:
        return None  # nobody may not reach the binary (a private home directory)
    return run(setpriv, drop + args, cwd)


@case
def unreadable_files(corun, p):
    p.scenario("x.yaml")
    p.scenario("locked/y.yaml")
    g = p.golden("x.out", "x\n")
    p.golden("locked/y.out", "x\n")
    for d in (p.base, p.proj, p.proj / "scenarios", p.proj / "golden"):
        d.chmod(0o755)
    (p.proj / "scenarios" / "x.yaml").chmod(0o644)
    g.chmod(0)
    got = as_unprivileged(corun, ["test", "scenarios/x.yaml"], p.proj)
    if got is None:
        print("skip unreadable files (root without setpriv)")
        return
    check("unreadable golden/x.out", got, 1, stdout=["cannot read golden/x.out: Permission denied"])
    (p.proj / "scenarios" / "locked").chmod(0)
    check("unreadable scenarios/locked/", as_unprivileged(corun, ["test", "scenarios"], p.proj), 2,
          stderr=["Permission denied"])
    (p.proj / "scenarios" / "locked").chmod(0o755)
    (p.proj / "scenarios" / "locked" / "y.yaml").chmod(0)
    check("unreadable scenario", as_unprivileged(corun, ["run", "scenarios/locked/y.yaml"], p.proj), 2,
          stderr=["scenarios/locked/y.yaml: error: cannot read the scenario: Permission denied"])


@case
def endless_output_is_cut_off(corun, p):
    # 70 MiB of output: more than any golden file may hold (64 MiB).
    p.scenario("big.yaml", "coroutines:\n  main:\n    steps:\n"
               "      - set: {s: !expr '\"x\" * 1048576'}\n"
               "      - for: i\n        in: range(70)\n        steps:\n          - print: '{s}'\n")
    check("70 MiB of stdout", run(corun, ["test", "--update", "scenarios"], p.proj), 1,
          stdout=["its stdout passed 64 MiB; it was stopped"])
    if (p.proj / "golden" / "big.out").exists():
        failures.append("big written")
        print("FAIL the cut-off output was written")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corun", required=True)
    args = ap.parse_args()
    corun = str(Path(args.corun).resolve())
    cases = [f for f in globals().values() if getattr(f, "is_case", False)]
    for fn in cases:
        with tempfile.TemporaryDirectory(prefix="corun-golden-") as tmp:
            fn(corun, Project(Path(tmp)))
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
