#!/usr/bin/env python3
"""The bash completion (completions/corun.bash) sourced into a real bash and
asked, as bash asks it (COMP_WORDS, COMP_CWORD, then the function `complete`
registered for corun), what completes a command line: subcommands, each
subcommand's options, --clock's values, scenario files and directories. Its
lists must be exactly corun's own: the subcommands of `corun --help` and the
options of `corun COMMAND --help`, so a new option fails this test until the
script offers it. Needs bash; Python 3 standard library only.

    completion.py --corun build/corun --script completions/corun.bash
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

failures = []


def bash_complete(script, words, cwd):
    """What the completion offers for `words` (the last one being completed)."""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    program = (f"source '{script}' || exit 9\n"
               "spec=$(complete -p corun) || exit 8\n"
               "fn=$(sed -n 's/.*-F \\([^ ]*\\).*/\\1/p' <<<\"$spec\")\n"
               f"COMP_WORDS=({quoted}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n"
               "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}\n"
               "\"$fn\" corun \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
               "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], cwd=cwd, capture_output=True, text=True,
                       timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"bash failed ({r.returncode}): {r.stderr}")
    return set(line for line in r.stdout.splitlines() if line)


def expect(name, got, want):
    if got == set(want):
        print(f"ok   {name}")
    else:
        failures.append(name)
        print(f"FAIL {name}:\n  missing {sorted(set(want) - got)}\n  extra   {sorted(got - set(want))}")


def help_text(corun, *args):
    return subprocess.run([corun, *args, "--help"], capture_output=True, text=True, timeout=30).stdout


def subcommands(corun):
    """The subcommands `corun --help` lists (CLI11: a SUBCOMMANDS: section)."""
    text = help_text(corun)
    section = re.search(r"^SUBCOMMANDS:\n((?:  .*\n?)*)", text, re.M | re.I)
    if not section:
        raise RuntimeError("no SUBCOMMANDS section in corun --help:\n" + text)
    return {line.split()[0] for line in section.group(1).splitlines() if line.strip()}


def options(corun, *command):
    """Every option spelling of `corun COMMAND --help` (-j, --jobs, ...)."""
    text = help_text(corun, *command)
    section = re.search(r"^OPTIONS:\n((?:  .*\n?)*)", text, re.M | re.I)
    if not section:
        raise RuntimeError(f"no OPTIONS section in corun {' '.join(command)} --help:\n" + text)
    found = set()
    for line in section.group(1).splitlines():
        m = re.match(r"\s+(-[^\s]+)", line)
        if m:
            found.update(s for s in m.group(1).split(",") if s.startswith("-"))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corun", required=True)
    parser.add_argument("--script", required=True)
    args = parser.parse_args()
    if not shutil.which("bash"):
        print("FAIL bash is not installed (Debian: apt-get install bash)")
        return 1
    corun = str(Path(args.corun).resolve())
    script = str(Path(args.script).resolve())

    commands = subcommands(corun)
    with tempfile.TemporaryDirectory(prefix="corun-completion-") as d:
        tmp = Path(d)
        (tmp / "scenarios" / "sub").mkdir(parents=True)
        for name in ("alpha.yaml", "beta.yml", "notes.txt", "scenarios/sub/gamma.yaml"):
            (tmp / name).write_text("coroutines: {}\n")

        expect("corun <TAB>: subcommands, help, scenarios and directories", bash_complete(script, ["corun", ""], tmp),
               commands | {"help", "alpha.yaml", "beta.yml", "scenarios"})
        expect("corun t<TAB>: test", bash_complete(script, ["corun", "t"], tmp), {"test"})
        expect("corun e<TAB>: export", bash_complete(script, ["corun", "e"], tmp), {"export"})
        expect("corun help <TAB>: subcommands", bash_complete(script, ["corun", "help", ""], tmp), commands | {"help"})
        expect("corun -<TAB>: top-level flags and run's options", bash_complete(script, ["corun", "-"], tmp),
               options(corun) | options(corun, "run"))
        for command in sorted(commands):
            expect(f"corun {command} -<TAB>: exactly `corun {command} --help`'s options",
                   bash_complete(script, ["corun", command, "-"], tmp), options(corun, command))
        expect("corun run --clock <TAB>", bash_complete(script, ["corun", "run", "--clock", ""], tmp),
               {"virtual", "real"})
        expect("corun run --clock r<TAB>", bash_complete(script, ["corun", "run", "--clock", "r"], tmp), {"real"})
        expect("corun run --max-steps <TAB>: nothing (a number)",
               bash_complete(script, ["corun", "run", "--max-steps", ""], tmp), set())
        expect("corun run <TAB>: scenario files and directories", bash_complete(script, ["corun", "run", ""], tmp),
               {"alpha.yaml", "beta.yml", "scenarios"})
        expect("corun run --debug a<TAB>", bash_complete(script, ["corun", "run", "--debug", "a"], tmp),
               {"alpha.yaml"})
        expect("corun test scenarios/sub/<TAB>", bash_complete(script, ["corun", "test", "scenarios/sub/"], tmp),
               {"scenarios/sub/gamma.yaml"})
        expect("corun export alpha.yaml -o <TAB>: any file",
               bash_complete(script, ["corun", "export", "alpha.yaml", "-o", ""], tmp),
               {"alpha.yaml", "beta.yml", "notes.txt", "scenarios"})
        expect("corun --clock real <TAB> (run implied): scenarios",
               bash_complete(script, ["corun", "--clock", "real", ""], tmp), {"alpha.yaml", "beta.yml", "scenarios"})
    if failures:
        print(f"\n{len(failures)} failed")
        return 1
    print("\nall passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
