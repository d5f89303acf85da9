#!/usr/bin/env python3
"""corun's CMake package and .deb, used as another project uses them.

    run_package_test.py --build-dir build --source-dir . install
    run_package_test.py --build-dir build --source-dir . deb

`install`: `cmake --install` of the build tree into a temporary prefix (the
project's own install rules, on the binary already built: nothing is
rebuilt), the installed files checked, then the outside project
tests/package/outside configured against that prefix with
find_package(corun CONFIG REQUIRED) and corun_add_scenarios, and its ctest
run: every scenario passes with its right golden files (ctest -j, -L,
--output-junit); a golden file made wrong fails exactly that test, with the
diff in the JUnit XML, and is not rewritten even under CORUN_UPDATE=1; a
version the package does not offer fails find_package; corun_add_scenarios
called wrongly stops the configuration with a message; and the install-time
schema hook (cmake/install_schema.cmake) installs `corun schema`'s output
exactly when a (stand-in) binary has that command.

`deb`: `cpack -G DEB` in the build tree; the .deb holds the binary, the
CMake package and the bash completion under /usr (and the JSON Schema when
the binary has `corun schema`), its Depends name the shared libraries, and
the outside project passes against the unpacked .deb. Needs dpkg-deb, and
dpkg-shlibdeps and file (Debian: apt-get install dpkg-dev file).

Python 3 standard library only.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

failures = []
OUTSIDE_TESTS = {"scenarios/hello.yaml", "scenarios/nested/fails.yaml", "extra/sleepy.yaml", "corun_version"}


def ok(name):
    print(f"ok   {name}")


def fail(name, detail=""):
    failures.append(name)
    print(f"FAIL {name}" + (f"\n{detail}" if detail else ""))


def run(args, cwd=None, env=None, timeout=600):
    env = {**os.environ, **(env or {})}
    r = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout + r.stderr


def need(name, cond, detail=""):
    (ok if cond else lambda n: fail(n, detail))(name)
    return cond


def has_schema_command(corun):
    rc, text = run([corun, "--help"])
    return any(line.split()[:1] == ["schema"] for line in text.splitlines())


def junit_results(path):
    """{test name: (status, text)} from ctest --output-junit."""
    results = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        status = case.get("status")
        text = "".join(e.text or "" for e in case.iter() if e.tag in ("failure", "system-out", "system-err"))
        if case.find("failure") is not None:
            status = "fail"
        results[case.get("name")] = (status, text)
    return results


def outside_project(prefix, tmp, source_dir, label):
    """Configures, builds and tests tests/package/outside against `prefix`."""
    project = tmp / f"outside-{label}"
    shutil.copytree(source_dir / "tests" / "package" / "outside", project)
    build = tmp / f"outside-{label}-build"
    rc, out = run(["cmake", "-S", project, "-B", build, f"-DCMAKE_PREFIX_PATH={prefix}"])
    if not need(f"[{label}] the outside project configures with find_package(corun CONFIG REQUIRED)", rc == 0, out):
        return
    rc, out = run(["cmake", "--build", build])
    need(f"[{label}] the outside project builds", rc == 0, out)

    rc, out = run(["ctest", "--test-dir", build, "-N"])
    listed = {line.split(": ", 1)[1].strip() for line in out.splitlines() if line.strip().startswith("Test")
              and ": " in line}
    need(f"[{label}] one ctest test per scenario (and the project's own corun_version)", listed == OUTSIDE_TESTS, f"listed: {sorted(listed)}\n{out}")

    junit = tmp / f"{label}-pass.xml"
    rc, out = run(["ctest", "--test-dir", build, "-j", "2", "--output-on-failure", "--output-junit", junit])
    results = junit_results(junit) if junit.exists() else {}
    need(f"[{label}] ctest -j2 passes with the right golden files", rc == 0 and
         {n for n, (s, _) in results.items() if s == "run"} == OUTSIDE_TESTS, out)

    rc, out = run(["ctest", "--test-dir", build, "-N", "-L", "custom"])
    need(f"[{label}] ctest -L custom selects the GOLDEN suite", "extra/sleepy.yaml" in out and
         "scenarios/hello.yaml" not in out and "Total Tests: 1" in out, out)

    # A wrong golden file fails its test and only it, and ctest never
    # rewrites it, even with CORUN_UPDATE set.
    golden = project / "golden" / "hello.out"
    wrong = golden.read_text() + "a line corun does not print\n"
    golden.write_text(wrong)
    expected = project / "expected" / "sleepy.out"
    expected.write_text(expected.read_text().replace("fast", "quick"))
    junit = tmp / f"{label}-fail.xml"
    rc, out = run(["ctest", "--test-dir", build, "-j", "2", "--output-junit", junit], env={"CORUN_UPDATE": "1"})
    results = junit_results(junit) if junit.exists() else {}
    status = {n: s for n, (s, _) in results.items()}
    need(f"[{label}] wrong golden files fail exactly their tests", rc != 0 and status == {
        "scenarios/hello.yaml": "fail", "extra/sleepy.yaml": "fail", "scenarios/nested/fails.yaml": "run",
        "corun_version": "run"},
        f"statuses {status}\n{out}")
    text = results.get("scenarios/hello.yaml", ("", ""))[1]
    need(f"[{label}] the JUnit XML holds corun's diff", "-a line corun does not print" in text and
         "--- golden/hello.out" in text, text)
    need(f"[{label}] ctest did not rewrite the golden files (CORUN_UPDATE=1)",
         golden.read_text() == wrong and "quick" in expected.read_text())

    rc, out = run(["cmake", "-S", project, "-B", tmp / f"outside-{label}-v99", "-DCORUN_MIN_VERSION=99.0",
                   f"-DCMAKE_PREFIX_PATH={prefix}"])
    need(f"[{label}] find_package(corun 99.0) fails: the version file offers only this version", rc != 0 and
         'compatible with requested version "99.0"' in " ".join(out.split()), out)


MISUSES = {
    "corun_add_scenarios(DIRECTORY nowhere)": "DIRECTORY nowhere is not a directory",
    "corun_add_scenarios(LABELS x)": "DIRECTORY is required",
    "corun_add_scenarios(DIRECTORY empty)": "no scenarios (*.yaml, *.yml) under empty",
    "corun_add_scenarios(DIRECTORY empty GOLD g)": "unexpected arguments: GOLD;g",
    "corun_add_scenarios(DIRECTORY empty TIMEOUT 0)": "TIMEOUT must be a whole number of seconds above 0",
}


def misuse(prefix, tmp):
    """corun_add_scenarios called wrongly stops the configuration, saying why."""
    for n, (call, message) in enumerate(MISUSES.items()):
        project = tmp / f"misuse-{n}"
        (project / "empty").mkdir(parents=True)
        (project / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.20)\nproject(misuse NONE)\n"
                                                "find_package(corun CONFIG REQUIRED)\n" + call + "\n")
        rc, out = run(["cmake", "-S", project, "-B", project / "build", f"-DCMAKE_PREFIX_PATH={prefix}"])
        need(f"{call} fails the configuration: {message}", rc != 0 and message in " ".join(out.split()), out)


def installed_files(root, corun):
    files = ["bin/corun", "lib/cmake/corun/corunConfig.cmake", "lib/cmake/corun/corunConfigVersion.cmake",
             "lib/cmake/corun/corunTargets.cmake", "lib/cmake/corun/corunScenarios.cmake",
             "share/bash-completion/completions/corun"]
    if has_schema_command(corun):
        files.append("share/corun/corun.schema.json")
    return files


STAND_IN = """#!/bin/sh
# A corun stand-in for the schema hook: its help lists `schema` or not.
case "$1" in
  --help) printf 'Subcommands:\\n  run                         Run\\n'
          [ "$MODE" = none ] || printf '  schema                      Print a JSON Schema\\n' ;;
  schema) [ "$MODE" = broken ] && exit 2
          printf '{"$schema": "https://json-schema.org/draft/2020-12/schema"}\\n' ;;
esac
"""


def test_schema_hook(source_dir, tmp):
    """cmake/install_schema.cmake, run as the install runs it, on stand-ins."""
    fake = tmp / "fake-corun"
    fake.write_text(STAND_IN)
    fake.chmod(0o755)
    for mode, want_rc, want_file in (("schema", 0, True), ("none", 0, False), ("broken", 1, False)):
        dest = tmp / f"schema-{mode}"
        rc, out = run(["cmake", f"-DCORUN_BINARY={fake}", f"-DCORUN_SCHEMA_FILE={tmp}/schema-{mode}.json",
                       f"-DCORUN_SCHEMA_DESTINATION={dest}", "-P", source_dir / "cmake/install_schema.cmake"],
                      env={"MODE": mode})
        installed = dest / f"schema-{mode}.json"
        need(f"schema hook, a corun {'with' if mode != 'none' else 'without'} `schema`{' that fails' if mode == 'broken' else ''}: "
             f"{'installs it' if want_file else 'installs nothing'}{', and the install fails' if want_rc else ''}",
             (rc != 0) == bool(want_rc) and installed.exists() == want_file and
             (not want_file or "2020-12" in installed.read_text()), out)


def test_install(build_dir, source_dir, tmp):
    prefix = tmp / "prefix"
    rc, out = run(["cmake", "--install", build_dir, "--prefix", prefix])
    if not need("cmake --install into a temporary prefix", rc == 0, out):
        return
    corun = build_dir / "corun"
    for f in installed_files(prefix, corun):
        need(f"installs {f}", (prefix / f).is_file())
    need("the installed completion is completions/corun.bash",
         (prefix / "share/bash-completion/completions/corun").read_bytes() ==
         (source_dir / "completions/corun.bash").read_bytes())
    rc, out = run([prefix / "bin/corun", "--version"])
    need("the installed corun runs", rc == 0 and out.startswith("corun "), out)
    if has_schema_command(corun):
        import json
        try:
            schema = json.loads((prefix / "share/corun/corun.schema.json").read_text())
            need("the installed schema is corun schema's JSON", "$schema" in schema)
        except (OSError, ValueError) as e:
            fail("the installed schema is JSON", str(e))
    outside_project(prefix, tmp, source_dir, "install")
    misuse(prefix, tmp)
    test_schema_hook(source_dir, tmp)


def test_deb(build_dir, source_dir, tmp):
    for tool, package in (("dpkg-deb", "dpkg"), ("dpkg-shlibdeps", "dpkg-dev"), ("file", "file")):
        if not shutil.which(tool):
            fail(f"{tool} is not installed (Debian: apt-get install {package})")
            return
    out_dir = tmp / "deb"
    rc, out = run(["cpack", "-G", "DEB", "-B", out_dir, "--config", build_dir / "CPackConfig.cmake"], cwd=build_dir)
    debs = sorted(out_dir.glob("*.deb"))
    if not need("cpack -G DEB builds one .deb", rc == 0 and len(debs) == 1, out):
        return
    deb = debs[0]
    rc, listing = run(["dpkg-deb", "-c", deb])
    contents = {line.split()[-1].lstrip(".") for line in listing.splitlines() if line.strip()}
    for f in installed_files(None, build_dir / "corun"):
        need(f"the .deb holds /usr/{f}", "/usr/" + f in contents, listing)
    rc, fields = run(["dpkg-deb", "-f", deb, "Package", "Version", "Depends"])
    need("the .deb is corun, versioned, and depends on its libraries",
         "Package: corun" in fields and "Version: " in fields and "libyaml-cpp" in fields and "libevent" in fields,
         fields)
    root = tmp / "debroot"
    rc, out = run(["dpkg-deb", "-x", deb, root])
    need("the .deb unpacks", rc == 0, out)
    rc, out = run([root / "usr/bin/corun", "--version"])
    need("the packed corun runs", rc == 0 and out.startswith("corun "), out)
    outside_project(root / "usr", tmp, source_dir, "deb")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("mode", choices=["install", "deb"])
    args = parser.parse_args()
    build_dir = Path(args.build_dir).resolve()
    source_dir = Path(args.source_dir).resolve()
    with tempfile.TemporaryDirectory(prefix=f"corun-package-{args.mode}-") as d:
        (test_install if args.mode == "install" else test_deb)(build_dir, source_dir, Path(d))
    if failures:
        print(f"\n{len(failures)} failed")
        return 1
    print("\nall passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
