// The orders of a task's steps (engine/asyncio/tasks.cpp, task_step: a port
// of Task.__step and __wakeup): a task cancelled before its first step never
// runs its body; one cancelled while it waits gets CancelledError at its
// await, runs its handlers and finally, and its awaiter sees the message;
// done callbacks run in the order they were added, before the awaiting task
// resumes, and one added to a finished task runs on the next iteration. The
// expected outputs are CPython 3.11's for the equivalent programs.
#include <gtest/gtest.h>

#include "tests/unit/run_scenario.h"

namespace corun {
namespace {

using testing::run_yaml;

TEST(TaskStep, CancelBeforeTheFirstStepSkipsTheBody) {
  auto r = run_yaml(R"yaml(
coroutines:
  worker:
    - print: "worker started"
    - try:
        - sleep: 1
      finally:
        - print: "worker finally"
  main:
    - task: worker()
      as: t
    - print: "cancel: {t.cancel()}"
    - print: "done: {t.done()}"
    - try:
        - await: t
      except:
        - type: asyncio.CancelledError
          steps:
            - print: "cancelled: {t.cancelled()}"
)yaml");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "cancel: True\ndone: False\ncancelled: True\n");
}

TEST(TaskStep, CancelWhileWaitingThrowsAtTheAwait) {
  auto r = run_yaml(R"yaml(
coroutines:
  worker:
    - print: "start"
    - try:
        - sleep: 10
      except:
        - type: asyncio.CancelledError
          steps:
            - print: "caught"
            - raise
      finally:
        - print: "finally"
  main:
    - task: worker()
      as: t
    - sleep: 0
    - print: "cancel {t.cancel('stop')}"
    - print: "done before {t.done()}"
    - set: {start: asyncio.get_running_loop().time()}
    - try:
        - await: t
      except:
        - type: asyncio.CancelledError
          as: e
          steps:
            - print: "main saw {e!r} {t.cancelled()}"
    - print: "waited {asyncio.get_running_loop().time() - start}"
)yaml");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "start\ncancel True\ndone before False\ncaught\nfinally\nmain saw CancelledError('stop') True\n"
            "waited 0.0\n");
}

TEST(TaskStep, DoneCallbacksRunInOrderBeforeTheAwaiterResumes) {
  auto r = run_yaml(R"yaml(
functions:
  cb:
    params: [label]
    steps:
      - return: !expr "lambda f: print(label, f.result())"
coroutines:
  work:
    params: [n]
    steps:
      - sleep: n
      - print: "work returns"
      - return: n
  main:
    - task: work(1)
      as: t
    - call: t.add_done_callback(cb("cb1"))
    - call: t.add_done_callback(cb("cb2"))
    - await: t
      as: r
    - print: "awaited {r}"
    - call: t.add_done_callback(cb("late"))
    - print: "added late"
    - sleep: 0
    - print: "end"
)yaml");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "work returns\ncb1 1\ncb2 1\nawaited 1\nadded late\nlate 1\nend\n");
}

TEST(TaskStep, RemovedDoneCallbacksDoNotRun) {
  auto r = run_yaml(R"yaml(
functions:
  shout:
    params: [f]
    steps:
      - print: "shout"
coroutines:
  work:
    - sleep: 1
  main:
    - task: work()
      as: t
    - call: t.add_done_callback(shout)
    - call: t.add_done_callback(shout)
    - print: "removed {t.remove_done_callback(shout)}"
    - await: t
    - sleep: 0
    - print: "end"
)yaml");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "removed 2\nend\n");
}

}  // namespace
}  // namespace corun
