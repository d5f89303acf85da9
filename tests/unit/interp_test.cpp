// Running scenarios end to end: cancellation, task names, asyncio.run's
// shutdown, exit statuses and guards. Every expected stdout below was
// produced by the equivalent Python program (quoted in each test) run by
// CPython 3.11 under tests/oracle/vclock.py.
#include <gtest/gtest.h>

#include "tests/unit/run_scenario.h"

namespace {

using corun::testing::RunResult;

RunResult run_yaml(const std::string& yaml, uint64_t max_callbacks = 0) {
  if (max_callbacks) return corun::testing::run_yaml_guarded(yaml, max_callbacks);
  return corun::testing::run_yaml(yaml);
}

std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

// t = create_task(body()); print(t.cancel())
// try: await t
// except asyncio.CancelledError: print("caught CancelledError")
// print(t.cancelled(), t.done())
TEST(Cancel, BeforeStartTheBodyNeverRuns) {
  auto r = run_yaml(R"(
coroutines:
  body:
    - print: body ran
  main:
    - task: body()
      as: t
    - print: "{t.cancel()}"
    - try:
        - await: t
      except:
        - type: asyncio.CancelledError
          steps:
            - print: caught CancelledError
    - print: "{t.cancelled()} {t.done()}"
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "True\ncaught CancelledError\nTrue True\n");
}

// async def w():
//     try: print("start"); await asyncio.sleep(10); print("never")
//     finally: print(f"cleanup at {time.monotonic()}")
// t = create_task(w()); await sleep(1); t.cancel()
// try: await t  except CancelledError: print("main caught")
// print(t.cancelled(), time.monotonic())
TEST(Cancel, DuringSleepRunsFinallyAtCancelTime) {
  auto r = run_yaml(R"(
coroutines:
  w:
    - try:
        - print: start
        - sleep: 10
        - print: never
      finally:
        - print: "cleanup at {time.monotonic()}"
  main:
    - task: w()
      as: t
    - sleep: 1
    - cancel: t
    - try:
        - await: t
      except:
        - type: CancelledError
          steps:
            - print: main caught
    - print: "{t.cancelled()} {time.monotonic()}"
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "start\ncleanup at 1.0\nmain caught\nTrue 1.0\n");
}

// async def w():
//     try: await asyncio.sleep(10)
//     except asyncio.CancelledError: print("swallowed")
//     return "ok"
// t = create_task(w()); await sleep(0); t.cancel(); r = await t
// print(r, t.cancelled(), t.cancelling())
TEST(Cancel, CancelledErrorCaughtAndSwallowedCompletesNormally) {
  auto r = run_yaml(R"(
coroutines:
  w:
    - try:
        - sleep: 10
      except:
        - type: asyncio.CancelledError
          steps:
            - print: swallowed
    - return: "ok"
  main:
    - task: w()
      as: t
    - sleep: 0
    - call: t.cancel()
    - await: t
      as: r
    - print: "{r} {t.cancelled()} {t.cancelling()}"
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "swallowed\nok False 1\n");
}

// t = create_task(quick()); await t; print(t.cancel(), t.cancelled())
// t2 = create_task(quick()); print(t2.cancel(), t2.cancel())
TEST(Cancel, ReturnsFalseOnADoneTaskAndTrueWhilePending) {
  auto r = run_yaml(R"(
coroutines:
  quick:
    - return: 1
  main:
    - task: quick()
      as: t
    - await: t
    - print: "{t.cancel()} {t.cancelled()}"
    - task: quick()
      as: t2
    - print: "{t2.cancel()} {t2.cancel()}"
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "False False\nTrue True\n");
}

// print(current_task().get_name())                      # Task-1
// await create_task(who("t"))                           # Task-2
// await gather(who("g1"), who("g2"))                    # Task-3, Task-4
// await create_task(who("named"), name="custom")        # uses a number too
// t = create_task(who("after")); await t; print(t.get_name())   # Task-6
TEST(TaskNames, CountFromTask1IncludingGatherChildrenAndNamedTasks) {
  auto r = run_yaml(R"(
coroutines:
  who:
    params: [tag]
    steps:
      - print: "{tag} {asyncio.current_task().get_name()}"
  main:
    - print: "{asyncio.current_task().get_name()}"
    - task: who("t")
      as: t
    - await: t
    - gather: [who("g1"), who("g2")]
    - task: who("named")
      name: "custom"
      as: t
    - await: t
    - task: who("after")
      as: t
    - await: t
    - print: "{t.get_name()}"
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Task-1\nt Task-2\ng1 Task-3\ng2 Task-4\nnamed custom\nafter Task-6\nTask-6\n");
}

// async def w(n):
//     try: print(f"w{n} start"); await asyncio.sleep(10)
//     finally: print(f"w{n} cancelled at {time.monotonic()}")
// async def main(): create_task(w(1)); create_task(w(2)); await sleep(1); print("main done")
TEST(AsyncioRun, CancelsLeftoverTasksInCreationOrderAtTheEnd) {
  auto r = run_yaml(R"(
coroutines:
  w:
    params: [n]
    steps:
      - try:
          - print: "w{n} start"
          - sleep: 10
        finally:
          - print: "w{n} cancelled at {time.monotonic()}"
  main:
    - task: w(1)
    - task: w(2)
    - sleep: 1
    - print: main done
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "w1 start\nw2 start\nmain done\nw1 cancelled at 1.0\nw2 cancelled at 1.0\n");
}

// async def fail(): await asyncio.sleep(1); raise ValueError("boom")
// async def main(): print("start"); await fail()
TEST(ExitStatus, UnhandledExceptionIsStatus1WithPythonsLastLine) {
  auto r = run_yaml(R"(
coroutines:
  fail:
    - sleep: 1
    - raise: ValueError("boom")
  main:
    - print: start
    - await: fail()
)");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "start\n");
  EXPECT_EQ(r.err.rfind("Traceback (most recent call last):\n", 0), 0u) << r.err;
  EXPECT_EQ(last_line(r.err), "ValueError: boom");
  EXPECT_NE(r.err.find("t.yaml:5 in fail"), std::string::npos) << r.err;
}

// async def main(): print("waiting"); await asyncio.get_running_loop().create_future()
// (the oracle prints "deadlock" and exits 3)
TEST(Guards, AwaitingAFutureNobodyResolvesIsADeadlockStatus3) {
  auto r = run_yaml(R"(
coroutines:
  main:
    - print: waiting
    - await: asyncio.get_running_loop().create_future()
)");
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(r.out, "waiting\n");
  EXPECT_NE(r.err.find("deadlock"), std::string::npos) << r.err;
}

// Two tasks awaiting each other:
//   async def waiter(holder): await asyncio.sleep(0); await holder[0]
//   holder = []; t1 = create_task(waiter(holder)); t2 = create_task(waiter([t1]))
//   holder.append(t2); print("waiting"); await t1
TEST(Guards, TasksAwaitingEachOtherIsADeadlockStatus3) {
  auto r = run_yaml(R"(
coroutines:
  waiter:
    params: [holder]
    steps:
      - sleep: 0
      - await: holder[0]
  main:
    - set: {holder: []}
    - task: waiter(holder)
      as: t1
    - task: waiter([t1])
      as: t2
    - call: holder.append(t2)
    - print: waiting
    - await: t1
)");
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(r.out, "waiting\n");
  EXPECT_NE(r.err.find("deadlock"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("t.yaml:7"), std::string::npos) << r.err;
}

TEST(Guards, RunawaySleepZeroLoopStopsAtMaxCallbacksStatus3) {
  auto r = run_yaml(R"(
coroutines:
  main:
    - while: True
      steps:
        - sleep: 0
)", 10000);
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("10000"), std::string::npos) << r.err;
}

// try: raise ValueError("a")
// except ValueError as e: print(f"caught {e!r}")
// else: print("else") ; finally: print("finally")
// try: pass / except ...: / else: print("else runs") / finally: print("finally 2")
TEST(Exceptions, TryExceptElseFinallyOrder) {
  auto r = run_yaml(R"(
coroutines:
  main:
    - try:
        - raise: ValueError("a")
      except:
        - type: ValueError
          as: e
          steps:
            - print: "caught {e!r}"
      else:
        - print: else
      finally:
        - print: finally
    - try:
        - pass
      except:
        - steps:
            - print: never
      else:
        - print: else runs
      finally:
        - print: finally 2
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "caught ValueError('a')\nfinally\nelse runs\nfinally 2\n");
}

// results = await gather(ok(), bad(), return_exceptions=True); print(results)
TEST(Gather, ReturnExceptionsPutsTheExceptionInTheResults) {
  auto r = run_yaml(R"(
coroutines:
  ok:
    - sleep: 1
    - return: 1
  bad:
    - raise: KeyError("k")
  main:
    - gather: [ok(), bad()]
      return_exceptions: true
      as: results
    - print: "{results}"
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "[1, KeyError('k')]\n");
}

}  // namespace

namespace {

// for i in range(3): w()   -- CPython's warnings "default" action shows
// `RuntimeWarning: coroutine 'w' was never awaited` once for the line.
TEST(Warnings, ANeverAwaitedWarningIsShownOncePerLine) {
  auto r = corun::testing::run_yaml(R"(
coroutines:
  w: [pass]
  main:
    - for: i
      in: range(3)
      steps:
        - call: w()
    - call: w()
    - print: done
)");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "done\n");
  EXPECT_EQ(r.err,
            "t.yaml:8: RuntimeWarning: coroutine 'w' was never awaited\n"
            "t.yaml:9: RuntimeWarning: coroutine 'w' was never awaited\n");
}

}  // namespace
