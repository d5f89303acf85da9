// Classes with behaviour and exceptions in full (engine/python/classes.cpp,
// engine/python/exceptions_full.cpp). Every expected output below is what the
// equivalent Python program (quoted) prints under CPython 3.11.
#include <gtest/gtest.h>

#include "engine/python/classes.h"
#include "tests/unit/run_scenario.h"

namespace {

using corun::testing::run_yaml;

TEST(Classes, SyncDundersAreThePlainOnes) {
  EXPECT_TRUE(corun::is_sync_dunder("__str__"));
  EXPECT_TRUE(corun::is_sync_dunder("__exit__"));
  EXPECT_FALSE(corun::is_sync_dunder("__aexit__"));
  EXPECT_FALSE(corun::is_sync_dunder("__call__"));  // may be async def
  EXPECT_FALSE(corun::is_sync_dunder("describe"));
}

// class E(Exception):
//     def __init__(self, a, b=2): self.a = a      # no super().__init__
// e = E(1, b=3); print(repr(e), e.args, e.a)
TEST(Classes, ExceptionArgsComeFromTheCallWithoutSuperInit) {
  auto r = run_yaml(R"Y(
classes:
  E:
    base: Exception
    methods:
      __init__:
        params: [a, {b: 2}]
        steps:
          - set: {self.a: a}
coroutines:
  main:
    - set:
        e: E(1, b=3)
    - print: "{e!r} {e.args} {e.a}"
)Y");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "E(1) (1,) 1\n");
}

// class A:
//     def __eq__(self, o): return NotImplemented
// class B:
//     def __eq__(self, o): return True
// print(A() == B(), B() == A(), A() == A())
TEST(Classes, NotImplementedTriesTheReflectedEqThenIdentity) {
  auto r = run_yaml(R"Y(
classes:
  A:
    methods:
      __eq__:
        params: [o]
        steps:
          - return: NotImplemented
  B:
    methods:
      __eq__:
        params: [o]
        steps:
          - return: true
coroutines:
  main:
    - set:
        a: A()
    - print: "{A() == B()} {B() == A()} {A() == A()} {a == a}"
)Y");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "True True False True\n");
}

// class H:
//     def __eq__(self, o): return True
// class K(H):
//     def __hash__(self): return 7
// print({K(): 1}); {H(): 1}  -> TypeError: unhashable type: 'H'
TEST(Classes, EqWithoutHashIsUnhashableButASubclassMayRestoreIt) {
  auto r = run_yaml(R"Y(
classes:
  H:
    methods:
      __eq__:
        params: [o]
        steps:
          - return: true
      __repr__:
        - return: "'h'"
  K:
    base: H
    methods:
      __hash__:
        - return: 7
coroutines:
  main:
    - print: !expr "len({K(): 1, K(): 2})"
    - print: !expr "{H(): 1}"
)Y");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "1\n");
  EXPECT_NE(r.err.find("TypeError: unhashable type: 'H'"), std::string::npos) << r.err;
}

// try:
//     raise ExceptionGroup("eg", [ValueError(1), TypeError(2)])
// except* ValueError:
//     raise KeyError("k")
// -> ExceptionGroup('', [KeyError('k'), ExceptionGroup('eg', [TypeError(2)])])
TEST(ExceptStar, ANewExceptionJoinsTheUnhandledRest) {
  auto r = run_yaml(R"Y(
coroutines:
  f:
    - try:
        - raise: !expr 'ExceptionGroup("eg", [ValueError(1), TypeError(2)])'
      except_star:
        - type: ValueError
          steps:
            - raise: KeyError("k")
  main:
    - try:
        - await: f()
      except:
        - type: ExceptionGroup
          as: e
          steps:
            - print: "{e!r}"
            - print: "{e.exceptions[0].__context__!r}"
)Y");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "ExceptionGroup('', [KeyError('k'), ExceptionGroup('eg', [TypeError(2)])])\n"
            "ExceptionGroup('eg', [ValueError(1)])\n");
}

// class A:
//     def __init__(self): self.x = 1; self.items = []
// class B(A):
//     def __init__(self): super().__init__(); self.y = 2; self.x = 10
// b, c, a = B(), B(), A(); b.items.append(1); b.z = 3
// print(b.__dict__, c.__dict__, a.__dict__, c.items)
// (Instances share their class's field layout: a base's fields first, a
// field declared again keeps its place, a new attribute goes last.)
TEST(Classes, FieldsOfASubclassFollowTheBasesInOneSharedLayout) {
  auto r = run_yaml(R"Y(
classes:
  A:
    fields: {x: 1, items: []}
  B:
    base: A
    fields: {y: 2, x: 10}
coroutines:
  main:
    - set: {b: B(), c: B(), a: A()}
    - call: b.items.append(1)
    - set: {b.z: 3}
    - print: "{b.__dict__} {c.__dict__} {a.__dict__} {c.items}"
)Y");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "{'x': 10, 'items': [1], 'y': 2, 'z': 3} {'x': 10, 'items': [], 'y': 2} {'x': 1, 'items': []} []\n");
}

}  // namespace
