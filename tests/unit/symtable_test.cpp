// The scope analysis (engine/symtable.*) on its own, then through the
// compiler: which variables become cells, which frames pass a cell on, and
// which slots stay plain (the fast path every uncaptured local keeps).
#include <gtest/gtest.h>

#include "engine/compile/code.h"
#include "engine/compile/symtable.h"
#include "tests/unit/run_scenario.h"

namespace corun {
namespace {

struct Names {
  std::vector<std::unique_ptr<Expr>> exprs;
  Expr* name(const std::string& n, int line = 1, int col = 1) {
    exprs.push_back(std::make_unique<Expr>(ExprKind::Name, SourcePos{line, col}));
    exprs.back()->name = n;
    return exprs.back().get();
  }
};

TEST(SymTable, AReadFromAnInnerFunctionMakesACellAndAFreeVariable) {
  SymTable st;
  CodeObject outer, inner;
  Names n;
  SymScope* o = st.new_root(SymScope::Kind::Function, &outer);
  int x = st.bind(o, "x", {1, 1});
  int y = st.bind(o, "y", {1, 1});
  SymScope* i = o->add_child(SymScope::Kind::Function, &inner);
  st.use(i, n.name("x"), nullptr);
  std::vector<SymError> errors;
  st.analyze(o, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(st.lookup(o, "x").kind, SymKind::Cell);
  EXPECT_EQ(st.lookup(o, "y").kind, SymKind::Local) << "an uncaptured local keeps its plain slot";
  EXPECT_EQ(st.lookup(o, "y").slot, y);
  EXPECT_EQ(st.lookup(i, "x").kind, SymKind::Free);
  EXPECT_EQ(outer.cell_slots, std::vector<int>{x});
  ASSERT_EQ(inner.closure_from.size(), 1u);
  EXPECT_EQ(inner.closure_from[0], x);
  EXPECT_EQ(st.lookup(i, "print").kind, SymKind::GlobalImplicit);
}

TEST(SymTable, AFrameInBetweenPassesTheCellOn) {
  SymTable st;
  CodeObject a, b, c;
  Names n;
  SymScope* sa = st.new_root(SymScope::Kind::Function, &a);
  st.bind(sa, "v", {1, 1});
  SymScope* sb = sa->add_child(SymScope::Kind::Function, &b);
  SymScope* sc = sb->add_child(SymScope::Kind::Lambda, &c);
  st.use(sc, n.name("v"), nullptr);
  std::vector<SymError> errors;
  st.analyze(sa, errors);
  EXPECT_EQ(st.lookup(sb, "v").kind, SymKind::Free);
  EXPECT_EQ(st.lookup(sc, "v").kind, SymKind::Free);
  ASSERT_EQ(c.closure_from.size(), 1u);
  EXPECT_EQ(c.closure_from[0], st.lookup(sb, "v").slot) << "the innermost takes its cell from the frame that made it";
}

TEST(SymTable, NonlocalRulesAreCPythons) {
  SymTable st;
  CodeObject a, b;
  Names n;
  SymScope* sa = st.new_root(SymScope::Kind::Function, &a);
  SymScope* sb = sa->add_child(SymScope::Kind::Function, &b);
  std::vector<SymError> errors;
  st.declare_nonlocal(sb, "missing", {3, 5}, errors);
  st.bind_param(sb, "p");
  st.declare_nonlocal(sb, "p", {4, 5}, errors);
  st.bind(sb, "early", {5, 1});
  st.declare_nonlocal(sb, "early", {6, 5}, errors);
  st.declare_nonlocal(sa, "top", {7, 5}, errors);
  st.analyze(sa, errors);
  std::vector<std::string> messages;
  for (auto& e : errors) messages.push_back(e.message);
  EXPECT_EQ(messages, (std::vector<std::string>{"name 'p' is parameter and nonlocal",
                                                "name 'early' is assigned to before nonlocal declaration",
                                                "no binding for nonlocal 'top' found",
                                                "no binding for nonlocal 'missing' found"}));
  EXPECT_EQ(st.bind(sb, "missing", {8, 1}), -1) << "assigning a nonlocal name makes no local";
}

TEST(SymTable, AGlobalDeclarationIsExplicit) {
  SymTable st;
  CodeObject a;
  SymScope* sa = st.new_root(SymScope::Kind::Function, &a);
  std::vector<SymError> errors;
  st.declare_global(sa, "counter", {1, 1}, errors);
  EXPECT_EQ(st.bind(sa, "counter", {2, 1}), -1);
  EXPECT_EQ(st.lookup(sa, "counter").kind, SymKind::GlobalExplicit);
}

TEST(SymTable, ComprehensionVariablesAreTheirOwnAndGetFreshCells) {
  SymTable st;
  CodeObject a, lam;
  Names n;
  Expr comp(ExprKind::Comp, {1, 1});
  SymScope* sa = st.new_root(SymScope::Kind::Function, &a);
  SymScope* sc = sa->add_child(SymScope::Kind::Comprehension, &a);
  sc->comp = &comp;
  int i = st.bind_comp(sc, "i");
  SymScope* sl = sc->add_child(SymScope::Kind::Lambda, &lam);
  st.use(sl, n.name("i"), nullptr);
  std::vector<SymError> errors;
  st.analyze(sa, errors);
  EXPECT_EQ(st.lookup(sa, "i").kind, SymKind::GlobalImplicit) << "comprehension variables do not leak";
  EXPECT_EQ(st.lookup(sc, "i").kind, SymKind::Cell);
  EXPECT_EQ(comp.fresh_cells, std::vector<int>{i});
  EXPECT_TRUE(a.cell_slots.empty()) << "a comprehension's cell is made per run, not per frame";
}

TEST(Closures, CompiledScenarioSharesCellsAndKeepsOtherLocalsPlain) {
  auto program = compile_scenario(std::make_shared<const SourceFile>("t.yaml", R"(
coroutines:
  main:
    - set: {shared: 1, alone: 2}
    - def: f
      steps:
        - return: shared
    - print: "{f()} {alone}"
)"));
  const CodeObject* main = nullptr;
  for (auto& c : program->codes) if (c->name == "main") main = c.get();
  ASSERT_TRUE(main);
  ASSERT_EQ(main->cell_slots.size(), 1u);
  EXPECT_EQ(main->slot_names[size_t(main->cell_slots[0])], "shared");
  auto r = corun::testing::run_yaml(R"(
coroutines:
  main:
    - set: {fs: !expr "[lambda: i for i in range(3)]", n: 0}
    - def: bump
      steps:
        - nonlocal: n
        - set: {n: n + 1}
    - call: bump()
    - call: bump()
    - print: "{[f() for f in fs]} {n}"
)");
  EXPECT_EQ(r.out, "[2, 2, 2] 2\n");
}

}  // namespace
}  // namespace corun
