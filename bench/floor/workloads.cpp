// The bench workloads written by hand on the floor loop: one function per
// bench/workloads/*.yaml, doing the same work in the same order and
// printing the same checksum line (bench/run checks all three agree).
//
// Each function is the scenario read as Python (its `corun export`), step
// by step: a coroutine per `coroutines:` entry, a task where the scenario
// makes one, the same primitive at the same place. Python's try/except
// becomes a test of the Result an await gives (loop.h). Tasks are deleted
// once gathered (nothing refers to a done task whose callbacks have run).
#include "bench/floor/workloads.h"

#include <cinttypes>
#include <cstdio>

#include "bench/floor/primitives.h"

namespace floorloop {
namespace {

using Size = const std::map<std::string, int64_t>&;

void delete_all(const std::vector<Task*>& ts) {
  for (Task* t : ts) delete t;
}

int64_t sum_ok(const std::vector<Result>& rs) {
  int64_t s = 0;
  for (const Result& r : rs) s += r.value;
  return s;
}

// ---- fanout.yaml -------------------------------------------------------
Co fanout_work(int64_t i) {
  Result s = co_await sleep(double(i % 1000) / 1000);
  if (!s.ok()) co_return s;
  co_return i;
}
Co fanout_main(int64_t n) {
  std::vector<Task*> ts;
  ts.reserve(n);
  for (int64_t i = 0; i < n; ++i) ts.push_back(create_task(fanout_work(i)));
  Gather* g = gather(ts);
  FLOOR_AWAIT(g->outer);
  std::printf("%" PRId64 "\n", sum_ok(g->results));
  g->release();
  delete_all(ts);
  co_return 0;
}

// ---- pingpong.yaml -----------------------------------------------------
Co pingpong_pinger(Queue* out, Queue* back, int64_t n) {
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    FLOOR_AWAIT(queue_put(out, i));
    FLOOR_AWAIT_AS(x, queue_get(back));
    total += x.value;
  }
  co_return total;
}
Co pingpong_ponger(Queue* in, Queue* back, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    FLOOR_AWAIT_AS(x, queue_get(in));
    FLOOR_AWAIT(queue_put(back, x.value + 1));
  }
  co_return 0;
}
Co pingpong_main(int64_t n) {
  Queue a(1), b(1);
  Task* t = create_task(pingpong_ponger(&a, &b, n));
  FLOOR_AWAIT_AS(total, pingpong_pinger(&a, &b, n));
  FLOOR_AWAIT(*t);
  std::printf("%" PRId64 "\n", total.value);
  loop.defer_delete(t);
  co_return 0;
}

// ---- yieldstorm.yaml ---------------------------------------------------
Co yieldstorm_spinner(int64_t i, int64_t k) {
  int64_t count = 0;
  for (int64_t j = 0; j < k; ++j) {
    FLOOR_AWAIT(Yield{});
    count += 1;
  }
  co_return count + i;
}
Co yieldstorm_main(int64_t t, int64_t k) {
  std::vector<Task*> ts;
  for (int64_t i = 0; i < t; ++i) ts.push_back(create_task(yieldstorm_spinner(i, k)));
  Gather* g = gather(ts);
  FLOOR_AWAIT(g->outer);
  std::printf("%" PRId64 "\n", sum_ok(g->results));
  g->release();
  delete_all(ts);
  co_return 0;
}

// ---- deepchain.yaml ----------------------------------------------------
Co deepchain_chain(int64_t n) {
  if (n == 0) co_return 0;
  FLOOR_AWAIT_AS(r, deepchain_chain(n - 1));
  co_return r.value + 1;
}
Co deepchain_main(int64_t d, int64_t reps) {
  int64_t total = 0;
  for (int64_t rep = 0; rep < reps; ++rep) {
    FLOOR_AWAIT_AS(r, deepchain_chain(d));
    total += r.value;
  }
  std::printf("%" PRId64 "\n", total);
  co_return 0;
}

// ---- timers.yaml -------------------------------------------------------
Co timers_ticker(int64_t i) {
  int64_t count = 0;
  for (int64_t j = 0; j < 10; ++j) {
    Result s = co_await sleep(double((i * 7 + j * 3) % 13 + 1) / 1000);
    if (!s.ok()) co_return s;
    count += j;
  }
  co_return count + i;
}
Co timers_main(int64_t n) {
  std::vector<Task*> ts;
  ts.reserve(n);
  for (int64_t i = 0; i < n; ++i) ts.push_back(create_task(timers_ticker(i)));
  Gather* g = gather(ts);
  FLOOR_AWAIT(g->outer);
  std::printf("%" PRId64 "\n", sum_ok(g->results));
  g->release();
  delete_all(ts);
  co_return 0;
}

// ---- mix.yaml ----------------------------------------------------------
Co mix_fetch(int64_t i) {
  Result s = co_await sleep(double((i % 7) * 10 + 5) / 1000);
  if (!s.ok()) co_return s;
  co_return i;
}
Co mix_job(int64_t i, Queue* q) {
  // try: r = await wait_for(fetch(i), 0.04); await q.put(r)
  Result exc = co_await wait_for(mix_fetch(i), 0.04);
  if (exc.ok()) {
    int64_t r = exc.value;
    exc = co_await queue_put(q, r);
    if (exc.ok()) co_return r;  // return r
  }
  if (exc.exc == Exc::timeout) {  // except TimeoutError: await q.put(-1)
    Result p = co_await queue_put(q, -1);
    if (!p.ok()) co_return p;
    co_return Result::raise(Exc::error);  // return r: UnboundLocalError
  }
  if (exc.exc == Exc::cancelled) {  // except CancelledError: put(-2); raise
    Result p = co_await queue_put(q, -2);
    if (!p.ok()) co_return p;
  }
  co_return exc;
}
Co mix_consumer(Queue* q, int64_t n, int64_t* summary) {
  int64_t total = 0, timeouts = 0, cancelled = 0;
  for (int64_t k = 0; k < n; ++k) {
    FLOOR_AWAIT_AS(v, queue_get(q));
    if (v.value == -1)
      timeouts += 1;
    else if (v.value == -2)
      cancelled += 1;
    else
      total += v.value;
  }
  summary[0] = total;
  summary[1] = timeouts;
  summary[2] = cancelled;
  co_return 0;
}
Co mix_main(int64_t n) {
  Queue q(1000);
  int64_t summary[3] = {0, 0, 0};
  Task* c = create_task(mix_consumer(&q, n, summary));
  std::vector<Task*> jobs;
  jobs.reserve(n);
  for (int64_t i = 0; i < n; ++i) jobs.push_back(create_task(mix_job(i, &q)));
  FLOOR_AWAIT(sleep(0.001));
  for (size_t k = 3; k < jobs.size(); k += 10) jobs[k]->task_cancel();
  Gather* g = gather(jobs, /*return_exceptions=*/true);
  FLOOR_AWAIT(g->outer);
  int64_t ncancelled = 0;
  for (const Result& r : g->results) ncancelled += r.exc == Exc::cancelled;
  g->release();
  FLOOR_AWAIT(*c);
  std::printf("%" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n", summary[0], summary[1],
              summary[2], ncancelled);
  delete_all(jobs);
  loop.defer_delete(c);
  co_return 0;
}

// ---- prodcons.yaml -----------------------------------------------------
Co prodcons_producer(Queue* q, int64_t n) {
  for (int64_t i = 0; i < n; ++i) FLOOR_AWAIT(queue_put(q, i));
  co_return 0;
}
Co prodcons_consumer(Queue* q, int64_t n, int64_t* out) {
  int64_t total = 0, waits = 0;
  for (int64_t k = 0; k < n; ++k) {
    if (q->empty()) waits += 1;
    FLOOR_AWAIT_AS(x, queue_get(q));
    total += x.value;
  }
  out[0] = total;
  out[1] = waits;
  co_return 0;
}
Co prodcons_main(int64_t n) {
  Queue q(100);
  int64_t r[2] = {0, 0};
  Task* c = create_task(prodcons_consumer(&q, n, r));
  FLOOR_AWAIT(prodcons_producer(&q, n));
  FLOOR_AWAIT(*c);
  std::printf("%" PRId64 " %" PRId64 "\n", r[0], r[1]);
  loop.defer_delete(c);
  co_return 0;
}

// ---- semaphore.yaml ----------------------------------------------------
Co semaphore_worker(int64_t i, Semaphore* sem, int64_t* c) {
  Result a = co_await semaphore_acquire(sem);  // async with sem
  if (!a.ok()) co_return a;
  c[0] += 1;
  if (c[0] > c[1]) c[1] = c[0];
  Result body = co_await Yield{};
  if (body.ok()) c[0] -= 1;
  sem->release();
  if (!body.ok()) co_return body;
  co_return i;
}
Co semaphore_main(int64_t n) {
  Semaphore sem(100);
  int64_t c[2] = {0, 0};
  std::vector<Task*> ts;
  ts.reserve(n);
  for (int64_t i = 0; i < n; ++i) ts.push_back(create_task(semaphore_worker(i, &sem, c)));
  Gather* g = gather(ts);
  FLOOR_AWAIT(g->outer);
  std::printf("%" PRId64 " %" PRId64 "\n", sum_ok(g->results), c[1]);
  g->release();
  delete_all(ts);
  co_return 0;
}

// ---- waitfor.yaml and timeout.yaml ------------------------------------
double one_percent_slow(int64_t i) { return i % 100 == 0 ? 0.02 : 0.001; }

Co waitfor_fetch(int64_t i) {
  Result s = co_await sleep(one_percent_slow(i));
  if (!s.ok()) co_return s;
  co_return i;
}
Co waitfor_job(int64_t i) {
  Result r = co_await wait_for(waitfor_fetch(i), 0.01);
  if (r.exc == Exc::timeout) co_return -1;
  co_return r;
}
Co timeout_job(int64_t i) {
  Timeout cm(loop.now + 0.01);  // async with asyncio.timeout(0.01)
  cm.enter();
  Result body = co_await sleep(one_percent_slow(i));
  Result r = cm.exit(body);
  if (r.exc == Exc::timeout) co_return -1;
  if (!r.ok()) co_return r;
  co_return i;
}
Co one_percent_main(int64_t n, Co (*job)(int64_t)) {
  std::vector<Task*> ts;
  ts.reserve(n);
  for (int64_t i = 0; i < n; ++i) ts.push_back(create_task(job(i)));
  Gather* g = gather(ts);
  FLOOR_AWAIT(g->outer);
  int64_t sum = 0, timeouts = 0;
  for (const Result& r : g->results) {
    if (r.value >= 0) sum += r.value;
    timeouts += r.value == -1;
  }
  std::printf("%" PRId64 " %" PRId64 "\n", sum, timeouts);
  g->release();
  delete_all(ts);
  co_return 0;
}

// ---- taskgroup.yaml ----------------------------------------------------
Co taskgroup_child(int64_t i) {
  Result s = co_await Yield{};
  if (!s.ok()) co_return s;
  co_return i;
}
Co taskgroup_main(int64_t n) {
  std::vector<Task*> tasks;
  TaskGroup tg;
  tg.enter();
  for (int64_t i = 0; i < n; ++i) tasks.push_back(tg.create_task(taskgroup_child(i)));
  Result r = co_await taskgroup_exit(&tg, Result());
  if (!r.ok()) co_return r;
  int64_t sum = 0;
  for (Task* t : tasks) sum += t->result;
  std::printf("%" PRId64 "\n", sum);
  delete_all(tasks);
  co_return 0;
}

// ---- cancel.yaml -------------------------------------------------------
Co cancel_sleeper(int64_t* c) {
  Result s = co_await sleep(3600);  // try: ... finally: c[0] += 1
  c[0] += 1;
  co_return s;
}
Co cancel_main(int64_t n) {
  int64_t c[1] = {0};
  std::vector<Task*> ts;
  ts.reserve(n);
  for (int64_t i = 0; i < n; ++i) ts.push_back(create_task(cancel_sleeper(c)));
  FLOOR_AWAIT(Yield{});
  for (Task* t : ts) t->task_cancel();
  Gather* g = gather(ts, /*return_exceptions=*/true);
  FLOOR_AWAIT(g->outer);
  int64_t ncancelled = 0;
  for (const Result& r : g->results) ncancelled += r.exc == Exc::cancelled;
  std::printf("%" PRId64 " %" PRId64 " %" PRId64 "\n", ncancelled, c[0], int64_t(loop.now));
  g->release();
  delete_all(ts);
  co_return 0;
}

// ---- waitevent.yaml, waitlock.yaml, waitqueue.yaml --------------------
Co waitevent_waiter(Event* ev, int64_t i) {
  Result w = co_await event_wait(ev);
  if (!w.ok()) co_return w;
  co_return i;
}
Co waitevent_main(int64_t n) {
  Event ev;
  std::vector<Task*> ts;
  ts.reserve(n);
  for (int64_t i = 0; i < n; ++i) ts.push_back(create_task(waitevent_waiter(&ev, i)));
  FLOOR_AWAIT(Yield{});
  ev.set();
  Gather* g = gather(ts);
  FLOOR_AWAIT(g->outer);
  std::printf("%" PRId64 "\n", sum_ok(g->results));
  g->release();
  delete_all(ts);
  co_return 0;
}

Co waitlock_locker(Lock* lock, int64_t i, int64_t* h) {
  Result a = co_await lock_acquire(lock);  // async with lock
  if (!a.ok()) co_return a;
  h[0] = (h[0] * 31 + i) % 1000000007;
  lock->release();
  co_return 0;
}
Co waitlock_main(int64_t n) {
  Lock lock;
  int64_t h[1] = {0};
  FLOOR_AWAIT(lock_acquire(&lock));
  std::vector<Task*> ts;
  ts.reserve(n);
  for (int64_t i = 0; i < n; ++i) ts.push_back(create_task(waitlock_locker(&lock, i, h)));
  FLOOR_AWAIT(Yield{});
  lock.release();
  Gather* g = gather(ts);
  FLOOR_AWAIT(g->outer);
  std::printf("%" PRId64 "\n", h[0]);
  g->release();
  delete_all(ts);
  co_return 0;
}

Co waitqueue_getter(Queue* q) { co_return co_await queue_get(q); }
Co waitqueue_main(int64_t n) {
  Queue q;
  std::vector<Task*> ts;
  ts.reserve(n);
  for (int64_t i = 0; i < n; ++i) ts.push_back(create_task(waitqueue_getter(&q)));
  FLOOR_AWAIT(Yield{});
  for (int64_t i = 0; i < n; ++i) q.put_nowait(i);
  Gather* g = gather(ts);
  FLOOR_AWAIT(g->outer);
  int64_t sum = 0;
  for (size_t k = 0; k < g->results.size(); ++k) sum += int64_t(k) * g->results[k].value;
  std::printf("%" PRId64 "\n", sum);
  g->release();
  delete_all(ts);
  co_return 0;
}

int64_t get(Size s, const char* key) {
  auto it = s.find(key);
  if (it == s.end()) {
    std::fprintf(stderr, "corun_bench_floor: missing size %s=...\n", key);
    std::exit(2);
  }
  return it->second;
}

}  // namespace

const std::vector<FloorWorkload>& floor_workloads() {
  static const std::vector<FloorWorkload> all = {
      {"fanout", [](Size s) { return run(fanout_main(get(s, "N"))); }},
      {"pingpong", [](Size s) { return run(pingpong_main(get(s, "N"))); }},
      {"yieldstorm", [](Size s) { return run(yieldstorm_main(get(s, "T"), get(s, "K"))); }},
      {"deepchain", [](Size s) { return run(deepchain_main(get(s, "D"), get(s, "R"))); }},
      {"timers", [](Size s) { return run(timers_main(get(s, "N"))); }},
      {"mix", [](Size s) { return run(mix_main(get(s, "N"))); }},
      {"prodcons", [](Size s) { return run(prodcons_main(get(s, "N"))); }},
      {"semaphore", [](Size s) { return run(semaphore_main(get(s, "N"))); }},
      {"waitfor", [](Size s) { return run(one_percent_main(get(s, "N"), waitfor_job)); }},
      {"timeout", [](Size s) { return run(one_percent_main(get(s, "N"), timeout_job)); }},
      {"taskgroup", [](Size s) { return run(taskgroup_main(get(s, "N"))); }},
      {"cancel", [](Size s) { return run(cancel_main(get(s, "N"))); }},
      {"waitevent", [](Size s) { return run(waitevent_main(get(s, "N"))); }},
      {"waitlock", [](Size s) { return run(waitlock_main(get(s, "N"))); }},
      {"waitqueue", [](Size s) { return run(waitqueue_main(get(s, "N"))); }},
  };
  return all;
}

}  // namespace floorloop
