#!/usr/bin/env python3
"""End-to-end checks of `corun run --trace-json` and `--timeline-svg` on seed
scenarios: the JSON is a Chrome trace (traceEvents; one named track per
task; slices in microseconds of virtual time within the run), the SVG is
well-formed XML with one row (g.task) per task, and --clock real produces
both too.

    check_trace_files.py --corun build/corun
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SVG = "{http://www.w3.org/2000/svg}"

# scenario -> (tasks drawn, run length in seconds of virtual time)
CASES = {
    "scenarios/seeds/002_module01_event_loop/gather_concurrent.yaml": (4, 3.0),
    "scenarios/seeds/002_module01_event_loop/blocking_vs_nonblocking.yaml": (5, 15.0),
    "scenarios/seeds/004_coroutines_guide/cancel_long_running_task.yaml": (2, 3.0),
}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def run(corun, scenario, extra):
    with tempfile.TemporaryDirectory() as tmp:
        j, s = os.path.join(tmp, "t.json"), os.path.join(tmp, "t.svg")
        p = subprocess.run([corun, "run", *extra, "--trace-json", j, "--timeline-svg", s, scenario],
                           cwd=ROOT, capture_output=True, timeout=120)
        check(os.path.exists(j) and os.path.exists(s), f"{scenario}: files written (exit {p.returncode})")
        with open(j, encoding="utf-8") as f:
            doc = json.load(f)
        svg = ET.parse(s).getroot()
        return doc, svg


def check_json(doc, scenario, tasks, seconds, exact):
    ev = doc["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
    check(len(names) == tasks + 1, f"{scenario}: {tasks} task tracks and the loop's, got {sorted(names.values())}")
    check(all(n.startswith("Task-") for t, n in names.items() if t != 0), f"{scenario}: track names")
    end_us = seconds * 1e6
    slices = [e for e in ev if e["ph"] == "X"]
    check(slices, f"{scenario}: has slices")
    # On the real clock a loaded machine makes everything later, by any
    # amount: nothing bounds the run from above. Timers never fire early,
    # so it cannot end before its virtual length (1% for rounding).
    for e in slices:
        ok = e["ts"] >= 0 and e["dur"] >= 0
        if exact:
            ok = ok and e["ts"] + e["dur"] <= end_us
        check(ok, f"{scenario}: slice inside the run: {e}")
        check(e["cat"] in ("running", "waiting", "ready", "blocking", "timer"), f"{scenario}: slice category {e['cat']}")
        if e["cat"] == "waiting":
            check("awaiting" in e["args"] and "line" in e["args"], f"{scenario}: waiting slice args {e['args']}")
    last = max((e["ts"] + e["dur"] for e in slices), default=0)
    if exact:
        check(last == end_us, f"{scenario}: last slice ends at {end_us}us, got {last}")
    else:
        check(last >= end_us * 0.99, f"{scenario}: last slice ends at {end_us}us or later, got {last}")
    starts = sorted(e["id"] for e in ev if e["ph"] == "s")
    ends = sorted(e["id"] for e in ev if e["ph"] == "f")
    check(starts == ends, f"{scenario}: flow events pair up")


def check_svg(svg, scenario, tasks):
    check(svg.tag == SVG + "svg", f"{scenario}: root is <svg>")
    rows = [g for g in svg.iter(SVG + "g") if g.get("class") == "task"]
    check(len(rows) == tasks, f"{scenario}: {tasks} rows, got {len(rows)}")
    check(any(g.get("class") == "legend" for g in svg.iter(SVG + "g")), f"{scenario}: legend")
    check(any(g.get("class") == "axis" for g in svg.iter(SVG + "g")), f"{scenario}: axis")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corun", required=True)
    args = ap.parse_args()
    corun = os.path.abspath(args.corun)
    for scenario, (tasks, seconds) in CASES.items():
        doc, svg = run(corun, scenario, [])
        check_json(doc, scenario, tasks, seconds, exact=True)
        check_svg(svg, scenario, tasks)
    # A real-clock run: real timestamps, same structure.
    scenario = "scenarios/seeds/002_module01_event_loop/gather_concurrent.yaml"
    doc, svg = run(corun, scenario, ["--clock", "real", "--speed", "20"])
    check_json(doc, scenario + " (real clock)", 4, 3.0, exact=False)
    check_svg(svg, scenario + " (real clock)", 4)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
