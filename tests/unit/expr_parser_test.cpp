// The expression parser: Python 3.11 precedence and grammar for the subset
// corun supports, f-strings/templates, and errors with exact positions.
// Structure is checked through an S-expression dump of the tree; values that
// only Python can decide (f-string formatting) are checked by running a tiny
// scenario, with the expected text produced by CPython 3.11.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "engine/compile/code.h"
#include "engine/load/diagnostics.h"
#include "engine/load/expr.h"
#include "engine/python/bytes.h"
#include "engine/vm/interp.h"

namespace {

using corun::Expr;
using corun::ExprKind;
using corun::SourcePos;

std::string dump(const Expr* e);

std::string dump_const(const corun::Value& v) {
  using corun::VKind;
  switch (v.kind()) {
    case VKind::None: return "None";
    case VKind::Bool: return v.as_bool() ? "True" : "False";
    case VKind::Int: return std::to_string(v.as_int());
    case VKind::Float: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%gf", v.as_float());
      return buf;
    }
    case VKind::Obj:
      if (v.is(corun::ObjKind::Str)) return "'" + v.as<corun::StrObj>()->s + "'";
      if (v.is(corun::ObjKind::Bytes)) return corun::bytes_repr(corun::bytes_of(v));
      return "<obj>";
    default: return "<?>";
  }
}

const char* binop_name(corun::BinOp op) {
  switch (op) {
    case corun::BinOp::Add: return "+";
    case corun::BinOp::Sub: return "-";
    case corun::BinOp::Mul: return "*";
    case corun::BinOp::Div: return "/";
    case corun::BinOp::FloorDiv: return "//";
    case corun::BinOp::Mod: return "%";
    case corun::BinOp::Pow: return "**";
    case corun::BinOp::BitOr: return "|";
    case corun::BinOp::BitXor: return "^";
    case corun::BinOp::BitAnd: return "&";
    case corun::BinOp::LShift: return "<<";
    case corun::BinOp::RShift: return ">>";
  }
  return "?";
}

const char* cmpop_name(corun::CmpOp op) {
  switch (op) {
    case corun::CmpOp::Lt: return "<";
    case corun::CmpOp::Le: return "<=";
    case corun::CmpOp::Gt: return ">";
    case corun::CmpOp::Ge: return ">=";
    case corun::CmpOp::Eq: return "==";
    case corun::CmpOp::Ne: return "!=";
    case corun::CmpOp::In: return "in";
    case corun::CmpOp::NotIn: return "not-in";
    case corun::CmpOp::Is: return "is";
    case corun::CmpOp::IsNot: return "is-not";
  }
  return "?";
}

std::string dump_kids(const Expr* e, size_t from = 0) {
  std::string s;
  for (size_t i = from; i < e->kids.size(); ++i) s += " " + dump(e->kids[i].get());
  return s;
}

std::string dump(const Expr* e) {
  if (!e) return "_";
  switch (e->kind) {
    case ExprKind::Const: return dump_const(e->value);
    case ExprKind::Name: return e->name;
    case ExprKind::Attr: return "(. " + dump(e->kids[0].get()) + " " + e->name + ")";
    case ExprKind::Call: {
      std::string s = "(call" + dump_kids(e);
      for (size_t i = 0; i < e->kwargs.size(); ++i) s += " " + e->kwnames[i] + "=" + dump(e->kwargs[i].get());
      return s + ")";
    }
    case ExprKind::Subscript: return "([]" + dump_kids(e) + ")";
    case ExprKind::Slice: return "(slice" + dump_kids(e) + ")";
    case ExprKind::Unary:
      return std::string("(") + (e->unop == corun::UnOp::Neg ? "neg" : e->unop == corun::UnOp::Pos ? "pos" : "inv") +
             dump_kids(e) + ")";
    case ExprKind::Binary: return std::string("(") + binop_name(e->binop) + dump_kids(e) + ")";
    case ExprKind::Compare: {
      std::string s = "(cmp " + dump(e->kids[0].get());
      for (size_t i = 0; i < e->cmpops.size(); ++i) s += std::string(" ") + cmpop_name(e->cmpops[i]) + " " + dump(e->kids[i + 1].get());
      return s + ")";
    }
    case ExprKind::BoolOp: return std::string(e->is_and ? "(and" : "(or") + dump_kids(e) + ")";
    case ExprKind::Not: return "(not" + dump_kids(e) + ")";
    case ExprKind::IfExp: return "(if" + dump_kids(e) + ")";  // cond body orelse
    case ExprKind::Tuple: return "(tuple" + dump_kids(e) + ")";
    case ExprKind::List: return "(list" + dump_kids(e) + ")";
    case ExprKind::Set: return std::string(e->value.as_bool() ? "(constset" : "(set") + dump_kids(e) + ")";
    case ExprKind::Dict: {
      std::string s = "(dict";
      for (size_t i = 0; i < e->kids.size(); ++i) s += " " + dump(e->kids[i].get()) + ":" + dump(e->kwargs[i].get());
      return s + ")";
    }
    case ExprKind::Comp: {
      const char* t = e->comp_type == Expr::CompType::List ? "listcomp"
                    : e->comp_type == Expr::CompType::Gen  ? "genexp"
                    : e->comp_type == Expr::CompType::Dict ? "dictcomp" : "setcomp";
      std::string s = std::string("(") + t + dump_kids(e);
      for (auto& c : e->clauses) {
        s += std::string(c.is_async ? " (async-for " : " (for ") + dump(c.target.get()) + " " + dump(c.iter.get());
        for (auto& cond : c.conds) s += " (if " + dump(cond.get()) + ")";
        s += ")";
      }
      return s + ")";
    }
    case ExprKind::FString: {
      std::string s = "(f";
      for (auto& p : e->parts) {
        if (!p.literal.empty()) s += " '" + p.literal + "'";
        if (p.expr) {
          s += " {";
          if (!p.debug_text.empty()) s += "debug='" + p.debug_text + "' ";
          s += dump(p.expr.get());
          if (p.conversion) s += std::string(" !") + p.conversion;
          if (p.format_spec) s += " :" + dump(p.format_spec.get());
          s += "}";
        }
      }
      return s + ")";
    }
    case ExprKind::Starred: return "(*" + dump_kids(e) + ")";
    case ExprKind::Await: return "(await" + dump_kids(e) + ")";
    case ExprKind::NamedExpr: return std::string(e->parenthesized ? "(:=" : "(bare:=") + dump_kids(e) + ")";
  }
  return "<?>";
}

std::string P(const std::string& text) {
  try {
    return dump(corun::parse_expression(text, SourcePos{1, 1}).get());
  } catch (const corun::ParseError& e) {
    return "ParseError " + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.col) + " " + e.message;
  }
}

std::string T(const std::string& text) {
  try {
    return dump(corun::parse_template(text, SourcePos{1, 1}).get());
  } catch (const corun::ParseError& e) {
    return "ParseError " + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.col) + " " + e.message;
  }
}

struct Err {
  int line = 0, col = 0;
  std::string message, hint;
  bool thrown = false;
};

template <class F>
Err capture(F&& f) {
  Err r;
  try {
    f();
  } catch (const corun::ParseError& e) {
    r = Err{e.pos.line, e.pos.col, e.message, e.hint, true};
  }
  return r;
}

Err expr_error(const std::string& text, SourcePos origin = {1, 1}) {
  return capture([&] { corun::parse_expression(text, origin); });
}
Err template_error(const std::string& text, SourcePos origin = {1, 1}) {
  return capture([&] { corun::parse_template(text, origin); });
}

// Runs `main` with one print step and returns stdout (or the error).
std::string print_template(const std::string& set_block, const std::string& print_scalar) {
  std::string yaml = "coroutines:\n  main:\n" + set_block + "    - print: " + print_scalar + "\n";
  try {
    auto program = corun::compile_scenario(std::make_shared<const corun::SourceFile>("t.yaml", yaml));
    std::string out, err;
    corun::RunOptions opts;
    opts.out = [&](std::string_view s) { out += s; };
    opts.err = [&](std::string_view s) { err += s; };
    int status;
    {
      corun::Interp in(*program, opts);
      status = in.run();
    }
    if (status != 0) return "status " + std::to_string(status) + ": " + err;
    return out;
  } catch (const corun::ScenarioError& e) {
    corun::SourceFile f("t.yaml", yaml);
    std::string msg;
    for (auto& d : e.diagnostics) msg += f.render(d);
    return "ScenarioError: " + msg;
  }
}

// ---- Precedence -------------------------------------------------------------------

TEST(ExprPrecedence, UnaryMinusBindsLooserThanPower) {
  EXPECT_EQ(P("-2**2"), "(neg (** 2 2))");
  EXPECT_EQ(P("2**-1"), "(** 2 -1)");
  EXPECT_EQ(P("-x**-y"), "(neg (** x (neg y)))");
}

TEST(ExprPrecedence, PowerIsRightAssociative) {
  EXPECT_EQ(P("2**3**2"), "(** 2 (** 3 2))");
}

TEST(ExprPrecedence, ArithmeticIsLeftAssociativeAndMulBindsTighter) {
  EXPECT_EQ(P("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(P("a + b * c % d // e"), "(+ a (// (% (* b c) d) e))");
  EXPECT_EQ(P("(a + b) * c"), "(* (+ a b) c)");
}

TEST(ExprPrecedence, AndBindsTighterThanOr) {
  EXPECT_EQ(P("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(P("a and b or c and d"), "(or (and a b) (and c d))");
  EXPECT_EQ(P("a or b or c"), "(or a b c)");
}

TEST(ExprPrecedence, NotBindsLooserThanComparison) {
  EXPECT_EQ(P("not a == b"), "(not (cmp a == b))");
  EXPECT_EQ(P("not not a"), "(not (not a))");
  EXPECT_EQ(P("not a and b"), "(and (not a) b)");
}

TEST(ExprPrecedence, ComparisonsChain) {
  EXPECT_EQ(P("1 < x <= 3"), "(cmp 1 < x <= 3)");
  EXPECT_EQ(P("a not in b is not c"), "(cmp a not-in b is-not c)");
  EXPECT_EQ(P("a + 1 == b * 2"), "(cmp (+ a 1) == (* b 2))");
}

TEST(ExprPrecedence, ConditionalExpressionNestsToTheRight) {
  // kids: cond, body, orelse
  EXPECT_EQ(P("x if c else y"), "(if c x y)");
  EXPECT_EQ(P("a if b else c if d else e"), "(if b a (if d c e))");
  EXPECT_EQ(P("(a if b else c) if d else e"), "(if d (if b a c) e)");
  EXPECT_EQ(P("a or b if c and d else e"), "(if (and c d) (or a b) e)");
}

// ---- Primaries and displays ----------------------------------------------------------

TEST(ExprPrimary, CallsWithPositionalStarredAndKeywordArguments) {
  EXPECT_EQ(P("f()"), "(call f)");
  EXPECT_EQ(P("f(1, *xs, k=2, name='n')"), "(call f 1 (* xs) k=2 name='n')");
  EXPECT_EQ(P("asyncio.Queue(maxsize=2)"), "(call (. asyncio Queue) maxsize=2)");
  EXPECT_EQ(P("f(a == b)"), "(call f (cmp a == b))");
}

TEST(ExprPrimary, AttributeSubscriptAndSliceChains) {
  EXPECT_EQ(P("a.b(c)[1:2].d[::2]"), "([] (. ([] (call (. a b) c) (slice 1 2 _)) d) (slice _ _ 2))");
  EXPECT_EQ(P("x[:-1]"), "([] x (slice _ -1 _))");
  EXPECT_EQ(P("x[i][j]"), "([] ([] x i) j)");
  EXPECT_EQ(P("d['k'].items()"), "(call (. ([] d 'k') items))");
}

TEST(ExprPrimary, TuplesListsAndDicts) {
  EXPECT_EQ(P("()"), "(tuple)");
  EXPECT_EQ(P("(1,)"), "(tuple 1)");
  EXPECT_EQ(P("(1)"), "1");
  EXPECT_EQ(P("1, 2"), "(tuple 1 2)");
  EXPECT_EQ(P("[1, [2, 3],]"), "(list 1 (list 2 3))");
  EXPECT_EQ(P("{}"), "(dict)");
  EXPECT_EQ(P("{'a': 1, 'b': [2]}"), "(dict 'a':1 'b':(list 2))");
}

TEST(ExprPrimary, ComprehensionsAndGeneratorArguments) {
  EXPECT_EQ(P("[x * 2 for x in xs if x if y]"), "(listcomp (* x 2) (for x xs (if x) (if y)))");
  EXPECT_EQ(P("{k: v for k, v in d.items()}"), "(dictcomp k v (for (tuple k v) (call (. d items))))");
  EXPECT_EQ(P("sum(x for x in xs)"), "(call sum (genexp x (for x xs)))");
  EXPECT_EQ(P("[(i, j) for i in a for j in b]"), "(listcomp (tuple i j) (for i a) (for j b))");
  EXPECT_EQ(P("(x for x in y)"), "(genexp x (for x y))");
}

TEST(ExprPrimary, UnparenthesizedGeneratorMustBeTheOnlyArgument) {
  Err e = expr_error("f(x for x in y, 1)");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "Generator expression must be parenthesized");
  EXPECT_EQ(e.col, 15);
}

TEST(ExprLiteral, NumbersAndConstants) {
  EXPECT_EQ(P("1_000"), "1000");
  EXPECT_EQ(P("0x1F"), "31");
  EXPECT_EQ(P("1.5e3"), "1500f");
  EXPECT_EQ(P("None"), "None");
  EXPECT_EQ(P("True and False"), "(and True False)");
}

// ---- Strings --------------------------------------------------------------------

TEST(ExprString, EscapesAndPrefixes) {
  EXPECT_EQ(P(R"("a\tb\x41\u00e9")"), "'a\tbA\xc3\xa9'");
  EXPECT_EQ(P(R"(r"\n")"), "'\\n'");
  EXPECT_EQ(P(R"('it\'s')"), "'it's'");
  EXPECT_EQ(P(R"("\q")"), "'\\q'");  // Python keeps unknown escapes
  EXPECT_EQ(P(R"(u"x")"), "'x'");
}

TEST(ExprString, ImplicitConcatenation) {
  EXPECT_EQ(P(R"("a" 'b' "c")"), "'abc'");
  EXPECT_EQ(P(R"("a" f"{x}" "c")"), "(f 'a' {x} 'c')");
}

TEST(ExprString, BytesLiterals) {
  EXPECT_EQ(P(R"(b'x')"), "b'x'");
  EXPECT_EQ(P(R"(b"a\x00\xff\n\101\777")"), "b'a\\x00\\xff\\nA\\xff'");  // hex and octal name one byte each
  EXPECT_EQ(P(R"(rb"\x41")"), "b'\\\\x41'");
  EXPECT_EQ(P(R"(b"\u0041")"), "b'\\\\u0041'");  // not an escape in bytes
  EXPECT_EQ(P(R"(b'a' B"b" Rb'c')"), "b'abc'");
}

TEST(ExprString, BytesErrorsAreSyntaxErrors) {
  Err e = expr_error("b'caf\xc3\xa9'");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "bytes can only contain ASCII literal characters");
  EXPECT_EQ(e.col, 1);
  Err mixed = expr_error("b'a' 'b'");
  ASSERT_TRUE(mixed.thrown);
  EXPECT_EQ(mixed.message, "cannot mix bytes and nonbytes literals");
  EXPECT_EQ(mixed.col, 6);
  Err hex = expr_error(R"(b"\x4")");
  ASSERT_TRUE(hex.thrown);
  EXPECT_EQ(hex.message, "(value error) invalid \\x escape at position 0");
}

// ---- f-strings and templates ----------------------------------------------------------

TEST(FString, ConversionAndFormatSpecWithNestedFields) {
  EXPECT_EQ(P(R"(f"{x!r}")"), "(f {x !r})");
  EXPECT_EQ(P(R"(f"{x!r:>{w}}")"), "(f {x !r :(f '>' {w})})");
  EXPECT_EQ(P(R"(f"{x:{w}.{p}f}")"), "(f {x :(f {w} '.' {p} 'f')})");
  EXPECT_EQ(P(R"(f"{a != b}")"), "(f {(cmp a != b)})");
  EXPECT_EQ(P(R"(f"{d['k']}")"), "(f {([] d 'k')})");
}

TEST(FString, DoubledBracesAreLiteral) {
  EXPECT_EQ(T("{{x}} {x}"), "(f '{x} ' {x})");
  EXPECT_EQ(T("{{}}"), "'{}'");
}

TEST(FString, DebugSpecifierKeepsTheTextAndDefaultsToRepr) {
  EXPECT_EQ(T("{x=}"), "(f {debug='x=' x !r})");
  EXPECT_EQ(T("{x = }"), "(f {debug='x = ' x !r})");
}

TEST(FString, TemplateWithoutFieldsIsAConstant) {
  EXPECT_EQ(T("plain text"), "'plain text'");
}

// Python: x = 3.14159; w = 8; s = "hi"
// print(f"[{x:{w}.2f}] [{s!r:>6}] [{s:^{w}}] {{lit}} {x=} {s = }")
TEST(FString, FormattingMatchesCPython) {
  EXPECT_EQ(print_template("    - set: {x: 3.14159, w: 8, s: \"hi\"}\n",
                           "\"[{x:{w}.2f}] [{s!r:>6}] [{s:^{w}}] {{lit}} {x=} {s = }\""),
            "[    3.14] [  'hi'] [   hi   ] {lit} x=3.14159 s = 'hi'\n");
}

// Python: x = 3.14159; print(f"{x=:.1f} {x=!s:>8}")
// With '=' and a format spec but no conversion, Python formats the value
// (format(x, '.1f')), not its repr.
// DIVERGENCE: corun applies repr first and fails with "ValueError: Unknown
// format code 'f' for object of type 'str'".
TEST(FString, DebugSpecifierWithFormatSpecFormatsTheValue) {
  EXPECT_EQ(print_template("    - set: {x: 3.14159}\n", "\"{x=:.1f} {x=!s:>8}\""), "x=3.1 x= 3.14159\n");
}

// Python: print(f"{'a' 'b'}|{[1, 2][-1]}|{ {'k': 1}['k'] }|{'x' if 0 else 'y'}")
TEST(FString, NestedQuotesAndBracketsInFields) {
  EXPECT_EQ(print_template("", R"('{"a" "b"}|{[1, 2][-1]}|{ {"k": 1}["k"] }|{"x" if 0 else "y"}')"),
            "ab|2|1|y\n");
}

// ---- Errors -----------------------------------------------------------------------

TEST(ExprError, UnterminatedStringPointsAtTheQuote) {
  Err e = expr_error("f(\"abc)", SourcePos{3, 10});
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "unterminated string literal");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.col, 12);
}

TEST(ExprError, UnexpectedTokenAfterTheEnd) {
  Err e = expr_error("a b", SourcePos{2, 5});
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "unexpected 'b' after the end of the expression");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.col, 7);
}

TEST(ExprError, MissingOperand) {
  Err e = expr_error("1 +");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "expected an expression but the expression ended");
  EXPECT_EQ(e.col, 4);
}

TEST(ExprError, UnclosedCall) {
  Err e = expr_error("f(1, 2");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.col, 7);
  EXPECT_NE(e.message.find("')'"), std::string::npos) << e.message;
}

// Grammar/python.gram: power: await_primary '**' factor; await_primary: AWAIT primary.
TEST(ExprAwait, AwaitBindsTighterThanPowerAndLooserThanTrailers) {
  EXPECT_EQ(P("f(await g())"), "(call f (await (call g)))");
  EXPECT_EQ(P("await x ** 2"), "(** (await x) 2)");
  EXPECT_EQ(P("-await x"), "(neg (await x))");
  EXPECT_EQ(P("await x.y[1]()"), "(await (call ([] (. x y) 1)))");
  EXPECT_EQ(P("(await x) + 1"), "(+ (await x) 1)");
  EXPECT_EQ(P("await (await f())"), "(await (await (call f)))");
  EXPECT_EQ(P("not await x"), "(not (await x))");
}

TEST(ExprAwait, AwaitOfAUnaryOperatorOrAnotherAwaitIsInvalidSyntax) {
  EXPECT_EQ(P("await -x"), "ParseError 1:7 invalid syntax");
  EXPECT_EQ(P("await await x"), "ParseError 1:7 invalid syntax");
  EXPECT_EQ(P("await"), "ParseError 1:6 expected an expression after 'await' but the expression ended");
}

TEST(ExprAwait, AsyncComprehensionClauses) {
  EXPECT_EQ(P("[x async for x in g()]"), "(listcomp x (async-for x (call g)))");
  EXPECT_EQ(P("{k: v async for k, v in g() if k for j in v}"),
            "(dictcomp k v (async-for (tuple k v) (call g) (if k)) (for j v))");
  EXPECT_EQ(P("[x async x in g()]"), "ParseError 1:4 expected 'for' after 'async' in a comprehension but found 'x'");
}

TEST(ExprWalrus, NamedExpressionsWherePythonTakesThem) {
  EXPECT_EQ(P("(n := len(xs)) > 3"), "(cmp (:= n (call len xs)) > 3)");
  EXPECT_EQ(P("x := 1"), "(bare:= x 1)");
  EXPECT_EQ(P("f(y := 2, z)"), "(call f (:= y 2) z)");
  EXPECT_EQ(P("[y := 5, y ** 2]"), "(list (:= y 5) (** y 2))");
  EXPECT_EQ(P("a[i := 0]"), "([] a (:= i 0))");
  EXPECT_EQ(P("[last := w for w in xs]"), "(listcomp (:= last w) (for w xs))");
  EXPECT_EQ(P("(item := await q.get()) is not None"), "(cmp (:= item (await (call (. q get)))) is-not None)");
}

TEST(ExprWalrus, PythonsErrors) {
  EXPECT_EQ(P("(a.b := 1)"), "ParseError 1:2 cannot use assignment expressions with attribute");
  EXPECT_EQ(P("(a[0] := 1)"), "ParseError 1:2 cannot use assignment expressions with subscript");
  EXPECT_EQ(P("x := 1, 2"), "ParseError 1:1 invalid syntax");
  EXPECT_EQ(P("f(a=x := 1)"), "ParseError 1:7 invalid syntax");
  EXPECT_EQ(P("{'k': x := 1}"), "ParseError 1:9 invalid syntax");
  EXPECT_EQ(P("[x := 1 for x in y]"), "ParseError 1:2 assignment expression cannot rebind comprehension iteration variable 'x'");
  EXPECT_EQ(P("[q for j in y if (j := 1)]"),
            "ParseError 1:19 assignment expression cannot rebind comprehension iteration variable 'j'");
  EXPECT_EQ(P("[[(x := 1) for y in z] for x in w]"),
            "ParseError 1:4 assignment expression cannot rebind comprehension iteration variable 'x'");
  EXPECT_EQ(P("[i for i in (j := [1])]"),
            "ParseError 1:14 assignment expression cannot be used in a comprehension iterable expression");
  EXPECT_EQ(P("[x for x in y if z := x]"), "ParseError 1:20 expected ']' but found ':='");
}

TEST(ExprError, LambdaParametersFollowPythonsRules) {
  Err dup = expr_error("lambda x, x: x");
  ASSERT_TRUE(dup.thrown);
  EXPECT_EQ(dup.message, "duplicate argument 'x' in function definition");
  Err order = expr_error("lambda x=1, y: x");
  ASSERT_TRUE(order.thrown);
  EXPECT_EQ(order.message, "non-default argument follows default argument");
  Err cut = expr_error("sorted(xs, key=lambda x");  // what YAML leaves of `lambda x: -x`
  ASSERT_TRUE(cut.thrown);
  EXPECT_NE(cut.hint.find("!expr"), std::string::npos) << cut.hint;
}

TEST(Expr, KeywordUnpackingInCallsAndDicts) {
  // f(**m): kwnames "**" holds its place among the keywords, in order.
  EXPECT_EQ(P("f(1, **m, k=2, **n)"), "(call f 1 **=m k=2 **=n)");
  EXPECT_EQ(P("f(*a, **m)"), "(call f (* a) **=m)");
  EXPECT_EQ(P("{**a, 'b': 1, **c}"), "(dict (* a):None 'b':1 (* c):None)");
  EXPECT_EQ(P("f(**m, 1)"), "ParseError 1:8 positional argument follows keyword argument unpacking");
  EXPECT_EQ(P("f(**m, *a)"), "ParseError 1:8 iterable argument unpacking follows keyword argument unpacking");
  EXPECT_EQ(P("{**a for a in b}"), "ParseError 1:6 dict unpacking cannot be used in dict comprehension");
}

TEST(ExprError, LambdaVarKeywordComesLast) {
  EXPECT_FALSE(expr_error("lambda a, *b, **k: k").thrown);
  Err after = expr_error("lambda **k, a: k");
  ASSERT_TRUE(after.thrown);
  EXPECT_EQ(after.message, "arguments cannot follow var-keyword argument");
  Err dflt = expr_error("lambda **k=1: k");
  ASSERT_TRUE(dflt.thrown);
  EXPECT_EQ(dflt.message, "var-keyword argument cannot have default value");
  Err dup = expr_error("lambda k, **k: k");
  ASSERT_TRUE(dup.thrown);
  EXPECT_EQ(dup.message, "duplicate argument 'k' in function definition");
}

TEST(ExprError, LoneClosingBraceInTemplate) {
  Err e = template_error("a } b", SourcePos{4, 14});
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "f-string: single '}' is not allowed");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.col, 16);
  EXPECT_NE(e.hint.find("}}"), std::string::npos);
}

TEST(ExprError, EmptyFieldInTemplate) {
  Err e = template_error("a {} b");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "f-string: empty expression not allowed");
  EXPECT_EQ(e.col, 4);
}

TEST(ExprError, UnclosedFieldInTemplate) {
  Err e = template_error("total {x");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "f-string: expecting '}'");
  EXPECT_EQ(e.col, 7);
}

TEST(ExprError, BadConversionCharacter) {
  Err e = template_error("{x!z}");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
  EXPECT_EQ(e.col, 3);
}

TEST(ExprError, FieldErrorPositionIsInsideTheTemplate) {
  Err e = template_error("ok {a b}", SourcePos{7, 20});
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.line, 7);
  EXPECT_EQ(e.col, 26);  // 'b' is at offset 6
}

TEST(ExprError, TrailingColonSuggestsQuotingTheYamlScalar) {
  Err e = expr_error("x: y");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "unexpected ':' in expression");
  EXPECT_EQ(e.col, 2);
  EXPECT_NE(e.hint.find("quote"), std::string::npos) << e.hint;
}

TEST(ExprError, SingleEqualsSuggestsDoubleEquals) {
  Err e = expr_error("a = b");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "unexpected '=' in expression");
  EXPECT_EQ(e.col, 3);
  EXPECT_EQ(e.hint, "use '==' to compare");
}

TEST(ExprError, CommentsAreRejected) {
  Err e = expr_error("a # b");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.col, 3);
}

TEST(Expr, SetDisplays) {
  EXPECT_EQ(P("{1, 2}"), "(set 1 2)");
  // Three or more constants: CPython folds them to a frozenset constant.
  EXPECT_EQ(P("{1, -2, (3, 'a')}"), "(constset 1 -2 (tuple 3 'a'))");
  EXPECT_EQ(P("{1, 2, x}"), "(set 1 2 x)");
  EXPECT_EQ(P("{*a, 1}"), "(set (* a) 1)");
  EXPECT_EQ(P("{x,}"), "(set x)");
  EXPECT_EQ(P("{}"), "(dict)");
}

TEST(Expr, BitwiseOperatorsHavePythonsPrecedence) {
  // | loosest, then ^, then &, then shifts, then + -; all tighter than comparisons.
  EXPECT_EQ(P("a | b ^ c & d << e + f"), "(| a (^ b (& c (<< d (+ e f)))))");
  EXPECT_EQ(P("a & b == c | d"), "(cmp (& a b) == (| c d))");
  EXPECT_EQ(P("a >> b >> c"), "(>> (>> a b) c)");
}

TEST(ExprError, MatrixMultiplyIsRejected) {
  Err e = expr_error("a @ b");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "operator '@' is not supported by corun's expression language");
}

TEST(ExprError, StarredSetComprehension) {
  Err e = expr_error("{*a for a in b}");
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "iterable unpacking cannot be used in comprehension");
}

TEST(ExprError, BadAssignmentTarget) {
  Err e = capture([] { corun::parse_target("f()", SourcePos{1, 1}); });
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "cannot assign to this expression");
  EXPECT_EQ(P("a"), "a");
  EXPECT_EQ(dump(corun::parse_target("a, b", SourcePos{1, 1}).get()), "(tuple a b)");
}

// CPython 3.11: a decimal literal of more than 4300 digits is a SyntaxError.
TEST(ExprError, DecimalLiteralsPastCPythonsDigitLimit) {
  EXPECT_NO_THROW(corun::parse_expression(std::string(4300, '7'), SourcePos{1, 1}));
  Err e = expr_error("x + " + std::string(5000, '1'));
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.col, 5);
  EXPECT_EQ(e.message, "Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use "
                       "sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer "
                       "literals to avoid decimal conversion limits.");
  EXPECT_TRUE(expr_error(std::string(1'000'000, '9')).thrown);
}

// ---- Nesting guard: deep input is an error, never a stack overflow ----------------------

TEST(ExprDepth, FiveThousandNestedParenthesesIsAnError) {
  std::string text = std::string(5000, '(') + "1" + std::string(5000, ')');
  Err e = expr_error(text);
  ASSERT_TRUE(e.thrown);
  EXPECT_EQ(e.message, "too many nested parentheses");
}

// CPython 3.11's tokenizer: 200 levels of brackets are fine, the 201st is
// "SyntaxError: too many nested parentheses", at that bracket.
TEST(ExprDepth, BracketsNestTwoHundredLevelsAsInCPython) {
  for (std::string open : {"(", "[", "{1: ", "f(", "x[", "-(", "not ("}) {
    std::string close = open == "[" || open == "x[" ? "]" : open == "{1: " ? "}" : ")";
    std::string ok, too_deep;
    for (int i = 0; i < 200; ++i) ok += open;
    ok += "1";
    for (int i = 0; i < 200; ++i) ok += close;
    EXPECT_NO_THROW(corun::parse_expression(ok, SourcePos{1, 1})) << open;
    for (int i = 0; i < 201; ++i) too_deep += open;
    too_deep += "1";
    for (int i = 0; i < 201; ++i) too_deep += close;
    Err e = expr_error(too_deep);
    ASSERT_TRUE(e.thrown) << open;
    EXPECT_EQ(e.message, "too many nested parentheses") << open;
    size_t bracket = open.find_first_of("([{");
    EXPECT_EQ(e.col, int(200 * open.size() + bracket + 1)) << open;  // the 201st bracket
  }
  // A lookahead (`not in`, keyword arguments) does not count a bracket twice.
  std::string kw;
  for (int i = 0; i < 199; ++i) kw += "f(a=";
  kw += "1";
  for (int i = 0; i < 199; ++i) kw += ")";
  EXPECT_NO_THROW(corun::parse_expression(kw, SourcePos{1, 1}));
}

TEST(ExprDepth, DeepBracketsUnaryNotAndPowerAreErrors) {
  for (std::string text : {std::string(5000, '[') + std::string(5000, ']'),
                           std::string(5000, '-') + "1",
                           [] { std::string s; for (int i = 0; i < 5000; ++i) s += "not "; return s + "x"; }(),
                           [] { std::string s = "x"; for (int i = 0; i < 5000; ++i) s += "**x"; return s; }(),
                           [] { std::string s = "x"; for (int i = 0; i < 5000; ++i) s += " if c else x"; return s; }(),
                           [] { std::string s; for (int i = 0; i < 5000; ++i) s += "f("; return s + std::string(5000, ')'); }(),
                           std::string(5000, '{') + std::string(5000, '}')}) {
    Err e = expr_error(text);
    EXPECT_TRUE(e.thrown) << text.substr(0, 20);
  }
}

TEST(ExprDepth, DeeplyNestedTemplateFieldsAreAnError) {
  std::string text = "{" + std::string(3000, '(') + "x" + std::string(3000, ')') + "}";
  Err e = template_error(text);
  EXPECT_TRUE(e.thrown);
}

TEST(ExprDepth, LongFlatChainsAreFine) {
  std::string sum = "1";
  for (int i = 0; i < 300; ++i) sum += " + 1";
  EXPECT_NO_THROW(corun::parse_expression(sum, SourcePos{1, 1}));
  std::string calls = "f";
  for (int i = 0; i < 300; ++i) calls += "()";
  EXPECT_NO_THROW(corun::parse_expression(calls, SourcePos{1, 1}));
}

}  // namespace
