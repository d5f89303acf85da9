// Freeing deep data: destruction is bounded (engine/python/pool.cpp's trashcan),
// so a chain of a million objects, each holding the next, is freed without
// a million nested destructor calls — and every object is still freed
// before the last reference's release returns.
#include <gtest/gtest.h>

#include "engine/python/objects.h"
#include "engine/python/sets.h"
#include "engine/vm/budget.h"
#include "tests/unit/run_scenario.h"

namespace {

using namespace corun;

constexpr int kDeep = 1'000'000;

// An object that holds one value and counts the live instances.
struct Counted : Object {
  static inline int64_t live = 0;
  Value next;
  explicit Counted(Value n) : Object(ObjKind::Misc), next(std::move(n)) { ++live; }
  ~Counted() override { --live; }
};

TEST(Destroy, MillionDeepChainIsFreedCompletelyAndAtOnce) {
  Value chain;
  for (int i = 0; i < kDeep; ++i) chain = Value(new Counted(std::move(chain)));
  EXPECT_EQ(Counted::live, kDeep);
  chain = Value();
  EXPECT_EQ(Counted::live, 0);  // nothing left for later
}

TEST(Destroy, MillionDeepListOfLists) {
  Value a = make_list();
  for (int i = 0; i < kDeep; ++i) a = make_list({a});
  a = Value::integer(0);
  SUCCEED();
}

// Every container kind that holds values, nested through one another:
// list, tuple, dict, exception args and __cause__ / __context__, instance
// fields, bound methods, future results, builtin receivers, boxes.
TEST(Destroy, MillionDeepChainThroughEveryHoldingKind) {
  Ref<TypeObj> exc_type(new TypeObj("E", "__main__", nullptr, TypeKind::Exception));
  Ref<TypeObj> cls(new TypeObj("K", "__main__", nullptr, TypeKind::UserClass));
  Value v;
  for (int i = 0; i < kDeep; ++i) {
    switch (i % 10) {
      case 0: v = make_list({v}); break;
      case 1: v = make_tuple({v}); break;
      case 2: {
        Ref<DictObj> d(new DictObj());
        d->set(make_str("k"), v);
        v = Value(d);
        break;
      }
      case 3: v = Value(new ExcObj(exc_type.get(), {v})); break;
      case 4: {
        Ref<ExcObj> e(new ExcObj(exc_type.get(), {}));
        (i % 20 < 10 ? e->cause : e->context) = v;
        v = Value(e);
        break;
      }
      case 5: {
        Ref<InstanceObj> inst(new InstanceObj(cls.get()));
        inst->fields.emplace_back(corun::intern_field_name("next"), v);
        v = Value(inst);
        break;
      }
      case 6: v = Value(new BoundMethodObj(v, Value())); break;
      case 7: {
        Ref<FutureObj> f(new FutureObj());
        f->state = FutureObj::State::Finished;
        f->result = v;
        v = Value(f);
        break;
      }
      case 8: v = Value(new BuiltinObj("m", nullptr, v)); break;
      case 9: v = Value(new BoxObj(v)); break;
    }
  }
  v = Value();
  SUCCEED();
}

// Deep and wide: a thousand chains, each a thousand deep, in one list.
TEST(Destroy, ManyDeepChainsInOneContainer) {
  std::vector<Value> chains;
  for (int c = 0; c < 1000; ++c) {
    Value chain;
    for (int i = 0; i < 1000; ++i) chain = Value(new Counted(std::move(chain)));
    chains.push_back(std::move(chain));
  }
  Value all = make_list(std::move(chains));
  EXPECT_EQ(Counted::live, 1'000'000);
  all = Value();
  EXPECT_EQ(Counted::live, 0);
}

// A task set (the prelude's _set) holds raw references.
TEST(Destroy, DeepChainThroughSets) {
  Value v = Value(new Counted(Value()));
  for (int i = 0; i < 200'000; ++i) {
    Ref<SetObj> s(new SetObj());
    s->others.push_back(SetObj::Entry{v, 0});  // a set's slot for an object hashed by address
    ++s->others_live;
    v = Value(new Counted(Value(s)));
  }
  v = Value();
  EXPECT_EQ(Counted::live, 0);
}

// The same from a scenario: `a = [a]` a million times, then `a = 0`.
TEST(Destroy, ScenarioDropsMillionDeepList) {
  auto r = corun::testing::run_yaml(R"(
coroutines:
  main:
    - set: {a: !expr '[]'}
    - for: i
      in: range(1000000)
      steps:
        - set: {a: !expr '[a]'}
    - set: {a: 0}
    - print: freed
)");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "freed\n");
}

// A run that ends with work pending (here a deadlock: exit 3) leaves
// reference cycles: pending tasks whose coroutines hold them, a chain of
// gathers and their children holding each other. corun has no cycle
// collector, so the interpreter empties its tasks and gathers when it goes;
// nothing of the run may stay alive for the next run in the same process
// (the fuzzer, this binary).
TEST(Destroy, CyclesLeftByAnUnfinishedRunAreFreedWithIt) {
  const char* yaml = R"(
coroutines:
  waiter:
    params: [me]
    steps:
      - await: asyncio.get_running_loop().create_future()
  main:
    - set: {a: !expr 'asyncio.get_running_loop().create_future()'}
    - for: i
      in: range(1000)
      steps:
        - set: {a: !expr 'asyncio.gather(a)'}
    - set: {t: !expr 'asyncio.create_task(waiter(None))'}
    - call: t.get_coro()
    - gather: [waiter(t), waiter(t)]
)";
  // The first run also makes what a process keeps (the compiled prelude, interned names).
  EXPECT_EQ(corun::testing::run_yaml(yaml).status, 3);
  int64_t before[kCountedKinds];
  std::copy(std::begin(g_live_objects), std::end(g_live_objects), before);
  auto r = corun::testing::run_yaml(yaml);
  EXPECT_EQ(r.status, 3) << r.err;
  for (size_t k = 0; k < kCountedKinds; ++k)
    EXPECT_EQ(g_live_objects[k], before[k]) << "objects of kind " << k << " outlived the run";
}

}  // namespace
