#!/usr/bin/env python3
"""Golden tests for corun's --trace log and --timeline chart.

For each scenario below, runs (from the repository root, LC_ALL=C.UTF-8)

    corun run --trace-file TMP --timeline --width 80 scenarios/<path>.yaml

and compares TMP with golden/trace/<name>.trace and stderr (the timeline,
after whatever the program itself wrote on stderr) with
golden/trace/<name>.timeline.

    check_trace_goldens.py --corun build/corun            # check
    check_trace_goldens.py --corun build/corun --update   # rewrite the goldens
"""
import argparse
import difflib
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name -> scenario, relative to the repository root
SCENARIOS = {
    "gather_concurrent": "scenarios/seeds/002_module01_event_loop/gather_concurrent.yaml",
    "blocking_vs_nonblocking": "scenarios/seeds/002_module01_event_loop/blocking_vs_nonblocking.yaml",
    "await_chain": "scenarios/seeds/002_module01_event_loop/await_chain.yaml",
    "cancel_long_running_task": "scenarios/seeds/004_coroutines_guide/cancel_long_running_task.yaml",
    "async_keyword_greet": "scenarios/seeds/003_journey_async_await/async_keyword_greet.yaml",
    # a task suspended inside corun's prelude (wait_for) is placed at the
    # scenario line that awaits, not at a line of the prelude
    "wait_for_timeout_raises": "scenarios/asyncio/timeouts/wait_for_timeout_raises.yaml",
    # who woke whom through each primitive, callbacks, a cancel, a named task
    "hand_offs": "scenarios/asyncio/trace/hand_offs.yaml",
    # a TaskGroup's abort: the cancels say by whom and why
    "taskgroup_child_fails": "scenarios/asyncio/taskgroups/child_fails_while_body_runs.yaml",
    # library awaits that return at once (a queue with room or an item, a
    # free lock or semaphore) and ones that wait, side by side
    "producer_consumer_maxsize": "scenarios/asyncio/queues/producer_consumer_maxsize.yaml",
    "semaphore_limits_concurrency": "scenarios/asyncio/locks/semaphore_limits_concurrency.yaml",
    "cancelled_tasks_at_awaits_that_do_not_wait": "scenarios/asyncio/native/cancelled_tasks_at_awaits_that_do_not_wait.yaml",
    # streams: each socket call (connect, accept, recv, send, EOF, close) as
    # an io line by the task or selector callback that made it, tasks
    # suspended on the stream call they await, and the sockets' rows
    "streams_echo": "scenarios/asyncio/streams/echo.yaml",
}


def run(corun, scenario):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "trace.log")
        env = dict(os.environ, LC_ALL="C.UTF-8", NO_COLOR="1")
        env.pop("COLUMNS", None)
        p = subprocess.run([corun, "run", "--trace-file", log, "--timeline", "--width", "80", scenario],
                           cwd=ROOT, env=env, capture_output=True, timeout=60)
        with open(log, "rb") as f:
            return f.read().decode(), p.stderr.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corun", required=True)
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    corun = os.path.abspath(args.corun)
    failed = 0
    for name, scenario in SCENARIOS.items():
        trace, timeline = run(corun, scenario)
        for ext, actual in (("trace", trace), ("timeline", timeline)):
            path = os.path.join(ROOT, "golden", "trace", f"{name}.{ext}")
            if args.update:
                if os.environ.get("CI", "").lower() not in ("", "0", "false"):  # insta's rule, as corun test
                    sys.exit("refusing to --update golden files when CI is set")
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(actual)
                continue
            try:
                with open(path, encoding="utf-8") as f:
                    expected = f.read()
            except FileNotFoundError:
                print(f"FAIL {name}.{ext}: missing {path} (run with --update)")
                failed += 1
                continue
            if expected != actual:
                failed += 1
                print(f"FAIL {name}.{ext} ({scenario})")
                sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                           f"golden/trace/{name}.{ext}", "actual"))
    if args.update:
        print(f"updated {2 * len(SCENARIOS)} golden files under golden/trace/")
        return 0
    print(f"{2 * len(SCENARIOS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
