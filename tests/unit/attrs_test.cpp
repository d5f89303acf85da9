// Attributes and native methods (engine/python/attrs.cpp): every kind's
// method table (method_table.h) is looked up by name, each listed name binds
// and calls, a name a kind lacks is CPython's AttributeError, and the
// scenario-level calls of each kind reach their handlers.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "engine/compile/code.h"
#include "engine/python/attrs.h"
#include "engine/python/builtins.h"
#include "engine/python/method_table.h"
#include "engine/vm/interp.h"
#include "tests/unit/run_scenario.h"

namespace corun {
namespace {

using testing::run_yaml;

std::vector<std::string> names_of(const char* const* names) {
  std::vector<std::string> v;
  for (; names && *names; ++names) v.push_back(*names);
  return v;
}

TEST(MethodTable, FindsEveryNameItListsAndNoOther) {
  static int calls = 0;
  MethodTable t{{"one", [](Interp&, const Value&, CallArgs&) { ++calls; return Value::integer(1); }},
                {"two", [](Interp&, const Value&, CallArgs&) { return Value::integer(2); }}};
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(names_of(t.names()), (std::vector<std::string>{"one", "two"}));
  ASSERT_NE(t.find("one"), nullptr);
  EXPECT_STREQ(t.find("two")->name, "two");
  EXPECT_EQ(t.find("three"), nullptr);
  EXPECT_EQ(t.find("on"), nullptr);
  EXPECT_EQ(t.find(""), nullptr);
}

TEST(MethodTable, ANameListedTwiceIsABug) {
  auto twice = [] {
    MethodTable t{{"x", [](Interp&, const Value&, CallArgs&) { return Value(); }},
                  {"x", [](Interp&, const Value&, CallArgs&) { return Value(); }}};
  };
  EXPECT_THROW(twice(), std::logic_error);
}

class Attributes : public ::testing::Test {
 protected:
  void SetUp() override {
    program_ = compile_scenario(std::make_shared<const SourceFile>("t.yaml", "coroutines:\n  main:\n    - pass\n"));
    RunOptions opts;
    opts.out = [](std::string_view) {};
    opts.err = [](std::string_view) {};
    in_ = std::make_unique<Interp>(*program_, opts);
  }
  void TearDown() override { in_.reset(); }
  Interp& in() { return *in_; }
  // The exception type name and message get_attr raises, or "" when it does not.
  std::string attr_error(const Value& obj, const std::string& name) {
    try {
      in().get_attr(obj, name);
    } catch (PyException& e) {
      return in().type_of(e.exc)->name + ": " + in().str(e.exc);
    }
    return "";
  }
  std::unique_ptr<Program> program_;
  std::unique_ptr<Interp> in_;
};

TEST_F(Attributes, EveryKindsListedMethodsBind) {
  std::vector<std::pair<Value, std::vector<std::string>>> kinds = {
      {make_str("abc"), {"upper", "lower", "strip", "split", "join", "replace", "find", "zfill"}},
      {make_list({Value::integer(1)}), {"append", "extend", "pop", "sort", "copy"}},
      {make_tuple({Value::integer(1)}), {"count", "index"}},
      {Value(new DictObj()), {"get", "keys", "values", "items", "pop", "setdefault", "update", "copy", "clear"}},
      {Value(new DequeObj()), {"append", "appendleft", "popleft", "pop", "remove", "clear"}},
      {Value(in().create_future()), {"cancel", "done", "result", "add_done_callback", "set_result", "get_loop"}},
  };
  for (auto& [obj, expected] : kinds) {
    std::vector<std::string> listed = names_of(native_methods(obj));
    for (auto& name : expected)
      EXPECT_NE(std::find(listed.begin(), listed.end(), name), listed.end()) << in().type_of(obj)->name << "." << name;
    for (auto& name : listed) {
      Value m = in().get_attr(obj, name);
      ASSERT_TRUE(m.is(ObjKind::Builtin)) << name;
      EXPECT_EQ(std::string(m.as<BuiltinObj>()->name), name);
    }
  }
}

TEST_F(Attributes, TheKindsTablesAreTheirOwn) {
  // Future's table has no Task methods; str's no list methods.
  EXPECT_EQ(attr_error(Value(in().create_future()), "get_name"),
            "AttributeError: '_asyncio.Future' object has no attribute 'get_name'");
  EXPECT_EQ(attr_error(make_str("x"), "append"), "AttributeError: 'str' object has no attribute 'append'");
  EXPECT_EQ(attr_error(Value(new DequeObj()), "popright"),
            "AttributeError: 'collections.deque' object has no attribute 'popright'");
  EXPECT_EQ(attr_error(make_list({}), "upper"), "AttributeError: 'list' object has no attribute 'upper'");
  EXPECT_EQ(attr_error(make_str("x"), "upper"), "");
}

TEST_F(Attributes, CallMethodReachesTheHandler) {
  CallArgs none;
  EXPECT_EQ(str_of(in().call_method(make_str("abc"), "upper", none, nullptr)), "ABC");
  Value list = make_list({});
  Value one = Value::integer(7);
  CallArgs a;
  a.pos = &one;
  a.npos = 1;
  in().call_method(list, "append", a, nullptr);
  in().call_method(list, "append", a, nullptr);
  EXPECT_EQ(list.as<ListObj>()->items.size(), 2u);
  EXPECT_EQ(in().call_method(list, "count", a, nullptr).as_int(), 2);
  EXPECT_EQ(in().call_method(make_tuple({one, one, Value::integer(1)}), "count", a, nullptr).as_int(), 2);
  Value d(new DictObj());
  EXPECT_TRUE(in().call_method(d, "get", a, nullptr).is_none());
  // A bound method used as a value calls the same handler.
  Value upper = in().get_attr(make_str("xy"), "upper");
  EXPECT_EQ(str_of(in().call(upper, none)), "XY");
}

TEST_F(Attributes, WrongArgumentCountsSayCPythonsWords) {
  CallArgs none;
  try {
    in().call_method(make_list({}), "append", none, nullptr);
    ADD_FAILURE() << "no TypeError";
  } catch (PyException& e) {
    EXPECT_EQ(in().str(e.exc), "list.append() takes exactly one argument (0 given)");
  }
  try {
    in().call_method(make_str("a"), "upper", none, nullptr);
  } catch (PyException&) {
    ADD_FAILURE() << "upper() takes no arguments, and got none";
  }
}

TEST(AttributeCalls, EachKindInAScenario) {
  auto r = run_yaml(R"yaml(
coroutines:
  main:
    - set: {s: "a-b-c", l: !expr "[3, 1, 2]", d: !expr "{'k': 1}", t: !expr "(1, 1, 2)"}
    - print: "{s.split('-')} {s.upper()} {s.replace('-', '')} {s.zfill(7)} {s.center(9, '*')}"
    - call: l.sort()
    - call: l.append(4)
    - print: "{l} {l.index(2)} {l.pop()} {l}"
    - print: "{d.get('k')} {d.get('x', 0)} {list(d.items())} {d.setdefault('j', 2)} {d}"
    - print: "{t.count(1)} {t.index(2)}"
    - set: {f: asyncio.get_running_loop().create_future()}
    - call: f.set_result(5)
    - print: "{f.done()} {f.result()} {f.cancelled()}"
    - task: asyncio.sleep(0)
      as: task
      name: "sleeper"
    - print: "{task.get_name()} {task.cancelling()}"
    - await: task
    - set:
        h: asyncio.get_running_loop().call_later(1, print, "never")
    - call: h.cancel()
    - print: "{h.cancelled()}"
)yaml");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "['a', 'b', 'c'] A-B-C abc 00a-b-c **a-b-c**\n"
            "[1, 2, 3, 4] 1 4 [1, 2, 3]\n"
            "1 0 [('k', 1)] 2 {'k': 1, 'j': 2}\n"
            "2 2\n"
            "True 5 False\n"
            "sleeper 0\n"
            "True\n");
}

TEST(AttributeCalls, ExceptionRangeAndFrameObjectAttributes) {
  auto r = run_yaml(R"yaml(
functions:
  gen:
    - yield: 1
coroutines:
  agen:
    - yield: 1
  work:
    - pass
  main:
    - set: {e: !expr "ValueError('a', 2)"}
    - print: "{e.args} {e.__cause__} {e.__context__} {StopIteration(7).value}"
    - set: {g: !expr "ExceptionGroup('grp', [e])"}
    - print: "{g.message} {g.exceptions}"
    - set: {r: !expr "range(1, 10, 3)"}
    - print: "{r.start} {r.stop} {r.step}"
    - set: {c: work()}
    - print: "{c.__name__} {c.cr_running} {gen().gi_running} {agen().ag_running} {hasattr(c, 'gi_running')} {hasattr(e, 'value')}"
    - await: c
)yaml");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "('a', 2) None None 7\ngrp (ValueError('a', 2),)\n1 10 3\nwork False False False False False\n");
}

}  // namespace
}  // namespace corun
