#!/usr/bin/env python3
"""The trace files as their readers see them (issue 13, item 6).

    check_trace_format.py --corun build/corun

1. Repeatable: each scenario below, run twice with --trace-file,
   --trace-json and --timeline-svg, gives byte-identical files, no object
   address ("0x...") in any of them, and the same stdout as a run without
   tracing (a trace must not change what the program prints).
2. The JSON is a valid Chrome trace (the Trace Event Format, as Perfetto and
   chrome://tracing read it), checked by validate_trace_events() below: the
   required fields of every phase, metadata records, counters, and flow
   events that pair up (s/f with the same cat, name and id, f not before s)
   and bind to a slice on their thread at their timestamp.
3. Hand-offs: scenarios/asyncio/trace/hand_offs.yaml draws a flow from the
   waker to the woken task for each of Queue, Event, Lock, Semaphore,
   Condition and Barrier, a cancel flow and the canceller, and its
   loop.call_soon / call_later callbacks as slices on the loop's track;
   a TaskGroup's "cancel requested" says by whom and why.
4. The SVG renders: rsvg-convert (Debian's librsvg2-bin; the test fails
   without it) turns it into a PNG of the SVG's size with something drawn
   in each task row; labels fit their column; the legend names the ring
   "raised/cancelled".
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SVG = "{http://www.w3.org/2000/svg}"
HAND_OFFS = "scenarios/asyncio/trace/hand_offs.yaml"
TASKGROUP = "scenarios/asyncio/taskgroups/child_fails_while_body_runs.yaml"
REPEAT = [
    HAND_OFFS,
    TASKGROUP,
    "scenarios/asyncio/queues/producer_consumer_maxsize.yaml",
    "scenarios/asyncio/barrier/barrier.yaml",
    "scenarios/asyncio/locks/condition_notify_all.yaml",
    "scenarios/asyncio/timeouts/wait_for_timeout_raises.yaml",
    "scenarios/seeds/004_coroutines_guide/cancel_long_running_task.yaml",
]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)
    return cond


# ---- running corun ---------------------------------------------------------------------


def run(corun, scenario, traced=True):
    """(stdout, {"trace": bytes, "json": bytes, "svg": bytes}) of one run."""
    with tempfile.TemporaryDirectory() as tmp:
        files = {"trace": os.path.join(tmp, "t.log"), "json": os.path.join(tmp, "t.json"), "svg": os.path.join(tmp, "t.svg")}
        flags = ["--trace-file", files["trace"], "--trace-json", files["json"], "--timeline-svg", files["svg"]] if traced else []
        p = subprocess.run([corun, "run", *flags, scenario], cwd=ROOT, capture_output=True, timeout=120,
                           env=dict(os.environ, LC_ALL="C.UTF-8"))
        out = {}
        if traced:
            for k, path in files.items():
                with open(path, "rb") as f:
                    out[k] = f.read()
        return p.stdout, out


# ---- the Trace Event Format ------------------------------------------------------------

PHASES = set("BEXiIbneCsftPOND(M)")
METADATA = {"process_name": "name", "thread_name": "name", "process_sort_index": "sort_index",
            "thread_sort_index": "sort_index", "process_labels": "labels"}


def validate_trace_events(doc):
    """Errors (strings) in a JSON Object Format trace; [] when valid."""
    errs = []
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        return ["not an object with a traceEvents array"]
    if doc.get("displayTimeUnit", "ms") not in ("ms", "ns"):
        errs.append(f"displayTimeUnit {doc['displayTimeUnit']!r}")
    slices = {}  # (pid, tid) -> [(ts, end)]
    flows = {}   # (cat, name, id) -> {"s": [...], "f": [...]}
    for n, e in enumerate(doc["traceEvents"]):
        where = f"event {n} {e!r:.160}"
        if not isinstance(e, dict):
            errs.append(f"{where}: not an object")
            continue
        ph = e.get("ph")
        if not isinstance(ph, str) or ph not in PHASES:
            errs.append(f"{where}: ph")
            continue
        if not isinstance(e.get("name"), str):
            errs.append(f"{where}: name must be a string")
        for k in ("pid", "tid"):
            if not isinstance(e.get(k), int) or isinstance(e.get(k), bool):
                errs.append(f"{where}: {k} must be an integer")
        if "args" in e and not isinstance(e["args"], dict):
            errs.append(f"{where}: args must be an object")
        if "cat" in e and not isinstance(e["cat"], str):
            errs.append(f"{where}: cat must be a string")
        if ph == "M":
            key = METADATA.get(e.get("name"))
            if key is None or key not in e.get("args", {}):
                errs.append(f"{where}: metadata needs a known name and args.{key}")
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, float)) or isinstance(ts, bool) or ts < 0:
            errs.append(f"{where}: ts must be a number >= 0")
            continue
        if ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, (int, float)) or dur < 0:
                errs.append(f"{where}: a complete event needs dur >= 0")
            else:
                slices.setdefault((e["pid"], e["tid"]), []).append((ts, ts + dur))
        elif ph in "iI":
            if e.get("s", "t") not in ("g", "p", "t"):
                errs.append(f"{where}: instant scope s must be g, p or t")
        elif ph == "C":
            args = e.get("args")
            if not args or not all(isinstance(v, (int, float)) for v in args.values()):
                errs.append(f"{where}: a counter needs numeric args")
        elif ph in "stf":
            if not isinstance(e.get("id"), (int, str)) or not isinstance(e.get("cat"), str):
                errs.append(f"{where}: a flow event needs an id and a cat")
                continue
            if ph == "f" and e.get("bp", "n") not in ("e", "n"):
                errs.append(f"{where}: bp must be e or n")
            flows.setdefault((e["cat"], e["name"], e["id"]), {"s": [], "t": [], "f": []})[ph].append(e)

    def bound(e):  # a slice on the event's thread encloses its timestamp (to the nanosecond: ts + dur is a float sum)
        return any(a - 5e-4 <= e["ts"] <= b + 5e-4 for a, b in slices.get((e["pid"], e["tid"]), []))

    for key, f in flows.items():
        if len(f["s"]) != 1 or len(f["f"]) != 1:
            errs.append(f"flow {key}: {len(f['s'])} starts and {len(f['f'])} ends")
            continue
        s, t = f["s"][0], f["f"][0]
        if t["ts"] < s["ts"]:
            errs.append(f"flow {key}: ends at {t['ts']} before it starts at {s['ts']}")
        if not bound(s):
            errs.append(f"flow {key}: its start at {s['ts']} binds to no slice of tid {s['tid']}")
        if not bound(t):
            errs.append(f"flow {key}: its end at {t['ts']} binds to no slice of tid {t['tid']}")
    return errs


def check_validator():
    """The validator itself rejects what it should (so a pass means something)."""
    good = {"traceEvents": [
        {"ph": "X", "name": "a", "pid": 1, "tid": 1, "ts": 0, "dur": 5},
        {"ph": "X", "name": "b", "pid": 1, "tid": 2, "ts": 5, "dur": 0},
        {"ph": "s", "name": "w", "cat": "wake", "id": 1, "pid": 1, "tid": 1, "ts": 2},
        {"ph": "f", "name": "w", "cat": "wake", "id": 1, "pid": 1, "tid": 2, "ts": 5, "bp": "e"}]}
    check(validate_trace_events(good) == [], f"validator accepts a good trace: {validate_trace_events(good)}")
    bad = [
        {"ph": "X", "name": "a", "pid": 1, "tid": 1, "ts": 0},                       # no dur
        {"ph": "i", "name": "a", "pid": 1, "tid": 1},                                # no ts
        {"ph": "Q", "name": "a", "pid": 1, "tid": 1, "ts": 0},                       # no such phase
        {"ph": "s", "name": "w", "cat": "wake", "id": 9, "pid": 1, "tid": 1, "ts": 2},  # unpaired flow
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {}},          # metadata without its arg
    ]
    for e in bad:
        doc = {"traceEvents": good["traceEvents"] + [e]}
        check(validate_trace_events(doc) != [], f"validator rejects {e}")
    unbound = {"traceEvents": good["traceEvents"][:2] + [dict(good["traceEvents"][2], ts=7), dict(good["traceEvents"][3], ts=7)]}
    check(validate_trace_events(unbound) != [], "validator rejects a flow bound to no slice")


# ---- PNG ---------------------------------------------------------------------------------


def png_pixels(data):
    """(width, height, rows of RGBA bytes) of an 8-bit RGBA/RGB PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, color, _, _, interlace = ihdr
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unexpected PNG format {ihdr}"
    bpp = 4 if color == 6 else 3
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ftype == 1: line[i] = (line[i] + a) & 255
            elif ftype == 2: line[i] = (line[i] + b) & 255
            elif ftype == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(svg_bytes, name):
    rsvg = shutil.which("rsvg-convert")
    if not check(rsvg, "rsvg-convert is installed (apt-get install librsvg2-bin)"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        src, png = os.path.join(tmp, "t.svg"), os.path.join(tmp, "t.png")
        with open(src, "wb") as f:
            f.write(svg_bytes)
        p = subprocess.run([rsvg, "-o", png, src], capture_output=True, timeout=60)
        if not check(p.returncode == 0 and os.path.exists(png), f"{name}: rsvg-convert renders it: {p.stderr.decode()[:300]}"):
            return
        with open(png, "rb") as f:
            w, h, bpp, rows = png_pixels(f.read())
    svg = ET.fromstring(svg_bytes)
    check((w, h) == (int(float(svg.get("width"))), int(float(svg.get("height")))), f"{name}: PNG is the SVG's size, got {w}x{h}")
    # every task row has drawn pixels (bars, labels) that are not the background
    for g in svg.iter(SVG + "g"):
        if g.get("class") != "task":
            continue
        y = [float(r.get("y")) + float(r.get("height")) / 2 for r in g.iter(SVG + "rect") if r.get("class")]
        if not y:
            continue
        row = rows[int(y[0])]
        inked = sum(1 for x in range(0, w * bpp, bpp) if row[x:x + 3] not in (b"\xff\xff\xff", b"\xfa\xfa\xfa"))
        check(inked > 20, f"{name}: task {g.get('data-task')} drawn in the PNG ({inked} pixels inked)")


# ---- the checks ------------------------------------------------------------------------


def flows(doc):
    """(cat, from tid, to tid, awaited, by) of each flow."""
    ev = doc["traceEvents"]
    ends = {e["id"]: e for e in ev if e["ph"] == "f"}
    return [(e["cat"], e["tid"], ends[e["id"]]["tid"], e["args"]["awaited"], e["args"]["by"]) for e in ev if e["ph"] == "s"]


def check_hand_offs(doc, log):
    names = {e["tid"]: e["args"]["name"] for e in doc["traceEvents"] if e["ph"] == "M" and e["name"] == "thread_name"}
    tid = {}
    for t, n in names.items():
        tid.setdefault(n.split(" ", 1)[-1].split("(")[0] if n.startswith("Task-") else n, t)
    fl = flows(doc)
    # (waker's coroutine, woken's coroutine, what the woken task waited on)
    for waker, woken, what in [("main", "consumer", "Queue.get"), ("main", "event_waiter", "Event.wait"),
                               ("lock_holder", "lock_waiter", "Lock.__aenter__"),
                               ("sem_user", "sem_user", "Semaphore.__aenter__"), ("main", "cond_waiter", "Condition.wait"),
                               ("party", "party", "Barrier.wait")]:
        hit = [f for f in fl if f[0] == "wake" and f[3] == what and names[f[1]].split(" ", 1)[1].startswith(waker + "(")
               and names[f[2]].split(" ", 1)[1].startswith(woken + "(") and f[1] != f[2]]
        check(hit, f"hand_offs: a wake flow {waker} -> {woken} on {what}; flows: {fl}")
    sleeper = [t for t, n in names.items() if n.startswith("a sleeper")]
    check(sleeper and any(f[0] == "cancel" and f[1] == 1 and f[2] == sleeper[0] and f[4] == "Task-1" for f in fl),
          f"hand_offs: a cancel flow main -> the sleeper; flows: {fl}")
    cancelled = [e for e in doc["traceEvents"] if e["ph"] == "i" and e["name"] == "cancelled"]
    check(cancelled and cancelled[0]["args"].get("by") == "Task-1", f"hand_offs: the cancelled mark says by whom: {cancelled}")
    callbacks = [e["name"] for e in doc["traceEvents"] if e.get("cat") == "callback"]
    check(callbacks == ["callback: ping('soon', [])", "callback: ping('later', ['soon'])"], f"hand_offs: callback slices {callbacks}")
    text = log.decode()
    check("resumed     a sleeper with a long name that does not fit in its column cancelled by Task-1 during sleep" in text,
          "hand_offs: the log says the sleeper resumed cancelled, and by whom")
    check(re.search(r"callback    #2 ping\('later', \['soon'\]\) from Task-1", text), "hand_offs: the log shows the callbacks")


def check_taskgroup(doc):
    req = [e for e in doc["traceEvents"] if e["name"] == "cancel requested"]
    check(req, f"{TASKGROUP}: has cancel requests")
    for e in req:
        args = e["args"]
        check(args.get("by", "").startswith("Task-") and "TaskGroup abort" in args.get("reason", ""),
              f"{TASKGROUP}: cancel requested says by whom and why: {args}")


def check_svg(svg_bytes, name):
    svg = ET.fromstring(svg_bytes)
    legend = [t.text for g in svg.iter(SVG + "g") if g.get("class") == "legend" for t in g.iter(SVG + "text")]
    check("raised/cancelled" in legend and "raised" not in legend, f"{name}: legend names the ring raised/cancelled: {legend}")
    # a label's column ends where the bars begin (the axis's first tick)
    axis = [g for g in svg.iter(SVG + "g") if g.get("class") == "axis"][0]
    x0 = float(next(axis.iter(SVG + "line")).get("x1"))
    for g in svg.iter(SVG + "g"):
        if g.get("class") != "task":
            continue
        label = [t for t in g.iter(SVG + "text") if t.find(SVG + "title") is not None][0]
        text = "".join(label.itertext())[len(label.find(SVG + "title").text):]
        width = float(label.get("textLength")) if label.get("textLength") else len(text) * 7.2
        check(float(label.get("x")) + width <= x0, f"{name}: label {text!r} fits its column ({width:.0f}px from x={label.get('x')})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corun", required=True)
    corun = os.path.abspath(ap.parse_args().corun)
    check_validator()
    for scenario in REPEAT:
        plain, _ = run(corun, scenario, traced=False)
        out1, files1 = run(corun, scenario)
        out2, files2 = run(corun, scenario)
        check(out1 == plain and out2 == plain, f"{scenario}: tracing does not change stdout")
        for k in files1:
            check(files1[k] == files2[k], f"{scenario}: --{k} output is the same on every run")
            check(not re.search(rb"0x[0-9a-f]{6,}", files1[k]), f"{scenario}: no object address in the {k} output")
        doc = json.loads(files1["json"])
        errs = validate_trace_events(doc)
        check(not errs, f"{scenario}: valid Trace Event Format: {errs[:5]}")
        check_svg(files1["svg"], scenario)
        if scenario == HAND_OFFS:
            check_hand_offs(doc, files1["trace"])
            check_png(files1["svg"], scenario)
        if scenario == TASKGROUP:
            check_taskgroup(doc)
    # the real clock: timestamps differ from run to run, the format must hold
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "real.json")
        subprocess.run([corun, "run", "--clock", "real", "--speed", "50", "--trace-json", path, HAND_OFFS],
                       cwd=ROOT, capture_output=True, timeout=120)
        with open(path, encoding="utf-8") as f:
            errs = validate_trace_events(json.load(f))
    check(not errs, f"{HAND_OFFS} on the real clock: valid Trace Event Format: {errs[:5]}")
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
