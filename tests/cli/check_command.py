#!/usr/bin/env python3
"""`corun check` and the GitHub Actions annotations, end to end.

check: a valid file prints nothing and exits 0; an invalid one exits 2 with
every error the compiler collects as file:line:col; directories stand for
their *.yaml/*.yml; --format json prints one JSON array of
{file, line, column, severity, message, hint} (valid UTF-8 even for a file
that is not); under GITHUB_ACTIONS=true each error is also an
`::error file=,line=,col=::` workflow command with %, CR, LF (and in the
file name : and ,) escaped; `corun test` annotates a failing scenario at its
line 1. Everything runs in a temporary directory, except the last check:
`corun check scenarios` refuses exactly the scenarios whose golden exit
status is 2, with the errors their golden stderr (what `corun run` said)
holds, in order.

  tests/cli/check_command.py --corun build/corun
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what, detail=""):
    if not cond:
        FAILURES.append(f"{what}\n{detail}".rstrip())


def run(corun, *args, env=None, cwd=None):
    e = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI", "CORUN_UPDATE", "NO_COLOR")}
    e.update(env or {})
    return subprocess.run([corun, *args], capture_output=True, env=e, cwd=cwd, timeout=60)


VALID = "coroutines:\n  main:\n    - print: hi\n"
# Three errors the compiler collects in one pass, at known places.
THREE = ("coroutines:\n"
         "  main:\n"
         "    - slep: 1\n"                 # 3:7 unknown step
         "    - print: x\n"
         "      bogus: 1\n"                # 5:7 unknown key
         "  f:\n"
         "    stepz: []\n")                # 7:5 unknown key in the definition (and 'f' has no steps)
PERCENT = "coroutines:\n  main:\n    - a%b: 1\n"
WITH_HINT = "coroutines:\n  f:\n    params: [a, *delay]\n    steps: [pass]\n  main: [pass]\n"


ROOT = pathlib.Path(__file__).resolve().parents[2]
DIAGNOSTIC = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.*)$")


def agrees_with_run(corun):
    """`corun check scenarios` refuses exactly the scenarios whose golden exit
    status is 2, with the errors (line, column, message, in order) their
    golden stderr holds."""
    r = run(corun, "check", "--format", "json", "scenarios", cwd=ROOT)
    refused = {}
    for x in json.loads(r.stdout):
        refused.setdefault(x["file"], []).append((x["line"], x["column"], x["message"]))
    expected = {}
    for exit_file in sorted((ROOT / "golden").rglob("*.exit")):
        if exit_file.read_text().strip() != "2":
            continue
        rel = exit_file.relative_to(ROOT / "golden").with_suffix("")
        scenario = next((f"scenarios/{rel}{ext}" for ext in (".yaml", ".yml") if (ROOT / f"scenarios/{rel}{ext}").exists()), None)
        if scenario is None:
            continue
        err = exit_file.with_suffix(".err").read_text(encoding="utf-8", errors="replace") if exit_file.with_suffix(".err").exists() else ""
        expected[scenario] = [(int(m["line"]), int(m["col"]), m["message"])
                              for m in map(DIAGNOSTIC.match, err.splitlines()) if m]
    check(set(refused) == set(expected), "check refuses exactly the exit-2 scenarios",
          f"only check: {sorted(set(refused) - set(expected))}\nonly golden: {sorted(set(expected) - set(refused))}")
    for f in sorted(set(refused) & set(expected)):
        if expected[f]:  # a golden stderr without a positioned error (a file-level one) is not compared
            check(refused[f] == expected[f], f"{f}: check's errors are run's", f"check: {refused[f]}\nrun:   {expected[f]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corun", required=True)
    corun = str(pathlib.Path(ap.parse_args().corun).resolve())
    with tempfile.TemporaryDirectory(prefix="corun-check-") as tmp:
        d = pathlib.Path(tmp)
        (d / "valid.yaml").write_text(VALID)
        (d / "three.yaml").write_text(THREE)
        (d / "percent.yaml").write_text(PERCENT)
        (d / "odd,na:me.yaml").write_text(PERCENT)
        (d / "hint.yaml").write_text(WITH_HINT)
        tree = d / "tree"
        (tree / "sub").mkdir(parents=True)
        (tree / "a.yaml").write_text(VALID)
        (tree / "sub" / "b.yml").write_text(PERCENT)
        (tree / "notes.txt").write_text("not a scenario")

        # A valid file: silence and 0.
        r = run(corun, "check", "valid.yaml", cwd=d)
        check(r.returncode == 0 and r.stdout == b"" and r.stderr == b"", "valid file: exit 0, no output", repr(r))

        # Every error, each at file:line:col, and the count.
        r = run(corun, "check", "three.yaml", cwd=d)
        err = r.stderr.decode()
        check(r.returncode == 2, "invalid file: exit 2", err)
        for where in ("three.yaml:3:7: error: unknown step 'slep'", "three.yaml:5:7: error: unknown key 'bogus'",
                      "three.yaml:7:5: error: unknown key 'stepz'"):
            check(where in err, f"text diagnostics name {where}", err)
        check(err.rstrip().endswith("4 errors in 1 of 1 file"), "text summary counts errors and files", err)
        check(r.stdout == b"", "text format writes nothing on stdout outside GitHub Actions", r.stdout.decode())

        # Several paths: a directory's scenarios, a missing file; still every error.
        r = run(corun, "check", "valid.yaml", "tree", "missing.yaml", cwd=d)
        err = r.stderr.decode()
        check(r.returncode == 2, "several paths: exit 2", err)
        check("tree/sub/b.yml:3:7: error: unknown step 'a%b'" in err, "a directory's .yml is checked", err)
        check("missing.yaml: error: no such file" in err, "a missing file is an error", err)
        check("notes.txt" not in err, "a directory's other files are not scenarios", err)
        check(err.rstrip().endswith("2 errors in 2 of 4 files"), "summary over several paths", err)

        # JSON: one array, exactly the documented fields.
        r = run(corun, "check", "--format", "json", "three.yaml", "hint.yaml", "valid.yaml", "missing.yaml", cwd=d)
        check(r.returncode == 2, "json: exit 2", r.stderr.decode())
        check(r.stderr == b"", "json: nothing on stderr", r.stderr.decode())
        diags = json.loads(r.stdout)
        check(isinstance(diags, list) and all(set(x) == {"file", "line", "column", "severity", "message", "hint"} for x in diags),
              "json: a list of {file, line, column, severity, message, hint}", r.stdout.decode())
        first = diags[0]
        check((first["file"], first["line"], first["column"], first["severity"]) == ("three.yaml", 3, 7, "error")
              and first["message"] == "unknown step 'slep'; did you mean 'sleep'?" and first["hint"] is None,
              "json: the first diagnostic as compiled", json.dumps(first))
        check([x["file"] for x in diags].count("three.yaml") == 4, "json: every error of the file", r.stdout.decode())
        hinted = [x for x in diags if x["file"] == "hint.yaml"]
        check(len(hinted) == 1 and hinted[0]["line"] == 3 and '"*delay"' in (hinted[0]["hint"] or ""),
              "json: the *delay hint says to quote it", json.dumps(hinted))
        missing = [x for x in diags if x["file"] == "missing.yaml"]
        check(len(missing) == 1 and (missing[0]["line"], missing[0]["column"]) == (1, 1), "json: a whole-file error is at 1:1",
              json.dumps(missing))
        r = run(corun, "check", "--format", "json", "valid.yaml", cwd=d)
        check(r.returncode == 0 and json.loads(r.stdout) == [], "json: a valid file gives []", repr(r))
        # A file name that is not UTF-8 is written with U+FFFD: the output stays UTF-8 JSON.
        (d / os.fsdecode(b"caf\xe9.yaml")).write_bytes(b"coroutines:\n  main:\n    - print: caf\xe9\n")
        r = run(corun, "check", "--format", "json", os.fsdecode(b"caf\xe9.yaml"), cwd=d)
        try:
            bad = json.loads(r.stdout.decode("utf-8"))
            check(r.returncode == 2 and len(bad) == 1 and bad[0]["file"] == "caf\ufffd.yaml" and "UTF-8" in bad[0]["message"],
                  "json: a non-UTF-8 file and file name", r.stdout.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            check(False, f"json output for a non-UTF-8 file is not UTF-8 JSON: {e}", repr(r.stdout))

        # GitHub Actions: workflow commands on stdout, escaped.
        gh = {"GITHUB_ACTIONS": "true"}
        r = run(corun, "check", "three.yaml", "percent.yaml", "odd,na:me.yaml", "hint.yaml", env=gh, cwd=d)
        out = r.stdout.decode()
        lines = out.splitlines()
        check(r.returncode == 2, "github: exit 2", r.stderr.decode())
        check("::error file=three.yaml,line=3,col=7::unknown step 'slep'; did you mean 'sleep'?" in lines,
              "github: one ::error per diagnostic", out)
        check(sum(1 for l in lines if l.startswith("::error file=three.yaml,")) == 4, "github: every error annotated", out)
        check("::error file=percent.yaml,line=3,col=7::unknown step 'a%25b'" in out, "github: % in the message is %25", out)
        check("::error file=odd%2Cna%3Ame.yaml,line=3,col=7::" in out, "github: , and : in the file name are escaped", out)
        check(any(l.startswith("::error file=hint.yaml,line=3,col=") and "%0Ahint: " in l for l in lines),
              "github: the hint follows on an escaped new line", out)
        check(all(l.startswith("::error ") for l in lines), "github: nothing else on stdout", out)
        check("three.yaml:3:7: error:" in r.stderr.decode(), "github: the text diagnostics stay on stderr", r.stderr.decode())
        for value in ("false", "1", ""):
            r = run(corun, "check", "three.yaml", env={"GITHUB_ACTIONS": value}, cwd=d)
            check(r.stdout == b"", f"GITHUB_ACTIONS={value!r} is not GitHub Actions", r.stdout.decode())
        r = run(corun, "check", "--format", "json", "three.yaml", env=gh, cwd=d)
        check(isinstance(json.loads(r.stdout), list), "github + json: stdout is the JSON alone", r.stdout.decode())

        # `-` is standard input, `<stdin>` in messages: an editor's unsaved buffer.
        e = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
        r = subprocess.run([corun, "check", "--format", "json", "-"], input=THREE.encode(), capture_output=True, env=e, timeout=60)
        got = json.loads(r.stdout)
        check(r.returncode == 2 and [x["file"] for x in got] == ["<stdin>"] * 4 and got[0]["line"] == 3,
              "check - reads standard input as <stdin>", r.stdout.decode())
        r = subprocess.run([corun, "check", "-"], input=VALID.encode(), capture_output=True, env=e, timeout=60)
        check(r.returncode == 0 and r.stderr == b"", "check - of a valid scenario", repr(r))

        # Usage: no path, an unknown format.
        for args in (["check"], ["check", "--format", "xml", "valid.yaml"]):
            r = run(corun, *args, cwd=d)
            check(r.returncode == 2, f"usage error {args}: exit 2", repr(r))

        # corun test under GitHub Actions: the failing scenario, at line 1, with its diff.
        proj = d / "proj"
        (proj / "scenarios").mkdir(parents=True)
        (proj / "golden").mkdir()
        (proj / "scenarios" / "good.yaml").write_text(VALID)
        (proj / "golden" / "good.out").write_text("hi\n")
        (proj / "scenarios" / "bad.yaml").write_text(VALID)
        (proj / "golden" / "bad.out").write_text("100% different\n")
        r = run(corun, "test", "-j", "1", "scenarios", env=gh, cwd=proj)
        out = r.stdout.decode()
        ann = [l for l in out.splitlines() if l.startswith("::error ")]
        check(r.returncode == 1, "test: a failure exits 1", out)
        check(len(ann) == 1 and ann[0].startswith("::error file=scenarios/bad.yaml,line=1::golden test failed:%0A"),
              "test: the failing scenario is annotated at line 1", out)
        check(len(ann) == 1 and "-100%25 different" in ann[0] and "+hi" in ann[0] and "\x1b" not in ann[0],
              "test: the annotation carries the diff, escaped, without colour", out)
        r = run(corun, "test", "-j", "1", "scenarios", cwd=proj)
        check("::error" not in r.stdout.decode(), "test: no annotation outside GitHub Actions", r.stdout.decode())
        # A scenario whose actual stderr names one of its lines is annotated there.
        (proj / "scenarios" / "good.yaml").unlink()
        (proj / "golden" / "good.out").unlink()
        (proj / "scenarios" / "bad.yaml").write_text("coroutines:\n  main:\n    - print: hi\n    - await: f()\n"
                                                     "  f:\n    - raise: ValueError('x')\n")
        (proj / "golden" / "bad.out").write_text("hi\n")
        r = run(corun, "test", "-j", "1", "scenarios", env=gh, cwd=proj)
        ann = [l for l in r.stdout.decode().splitlines() if l.startswith("::error ")]
        check(len(ann) == 1 and ann[0].startswith("::error file=scenarios/bad.yaml,line=6::"),
              "test: the annotation points at the traceback's innermost frame", r.stdout.decode())
        (proj / "scenarios" / "bad.yaml").write_text("coroutines:\n  main:\n    - print: hi\n    - slep: 1\n")
        r = run(corun, "test", "-j", "1", "scenarios", env=gh, cwd=proj)
        ann = [l for l in r.stdout.decode().splitlines() if l.startswith("::error ")]
        check(len(ann) == 1 and ann[0].startswith("::error file=scenarios/bad.yaml,line=4::"),
              "test: the annotation points at the line of the error", r.stdout.decode())

    agrees_with_run(corun)
    for f in FAILURES:
        print("FAIL", f)
    print(f"check_command: {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
