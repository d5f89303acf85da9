// The expression language: a Python 3.11 expression subset, parsed once when
// the scenario is loaded. Names are resolved to slots by the compiler
// (engine/compile/compiler.cpp) before anything runs, so evaluation never looks a
// name up in a map.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/python/value.h"

namespace corun {

// Where a piece of scenario text came from, 1-based; line 0 means unknown.
struct SourcePos {
  int line = 0;
  int col = 0;
};

enum class ExprKind : uint8_t {
  Const,      // value
  Name,       // name -> scope/slot after resolution
  Attr,       // a.name
  Call,       // f(args, kw=...)
  Subscript,  // a[b]
  Slice,      // a:b:c inside a subscript
  Unary,      // op a
  Binary,     // a op b
  Compare,    // a < b <= c ...
  BoolOp,     // a and b / a or b
  Not,        // not a
  IfExp,      // a if c else b
  Tuple, List, Dict,
  Set,        // {a, b}; `value` is true when CPython folds it to a frozenset constant
  Comp,       // list/dict comprehension or generator expression
  FString,    // f"..." and templates
  Starred,    // *a inside a call or a display
  Await,      // await a (kids[0]); lowered to Op::Await steps by engine/compile/lower_await.cpp
  NamedExpr,  // target := value (kids[0] = Name, kids[1] = value)
  Lambda,     // makes a function: `lambda` (kids[0] = body) and the `def` step; `code` is its code
};

enum class BinOp : uint8_t { Add, Sub, Mul, Div, FloorDiv, Mod, Pow, BitOr, BitXor, BitAnd, LShift, RShift };
enum class UnOp : uint8_t { Neg, Pos, Invert };
enum class CmpOp : uint8_t { Lt, Le, Gt, Ge, Eq, Ne, In, NotIn, Is, IsNot };
// `x op y` for two ints and an order or equality op (Lt .. Ne): what an
// int comparison is before Python's rich comparison is needed.
[[gnu::always_inline]] inline bool int_compare(CmpOp op, int64_t x, int64_t y) {
  switch (op) {
    case CmpOp::Lt: return x < y;
    case CmpOp::Le: return x <= y;
    case CmpOp::Gt: return x > y;
    case CmpOp::Ge: return x >= y;
    case CmpOp::Eq: return x == y;
    default: return x != y;
  }
}

// How a Name reads its value once resolved.
// Cell and Free slots hold a CellObj (a variable shared with closures,
// engine/compile/symtable.h); they come last so that `scope < Scope::Cell` is the
// test for a plain slot.
enum class Scope : uint8_t { Unresolved, Local, Global, Builtin, Cell, Free };

struct Expr;
struct FunctionObj;
struct CodeObject;
using ExprPtr = std::unique_ptr<Expr>;

struct FStringPart {
  std::string literal;     // text before the field (or the whole part)
  ExprPtr expr;            // null for a pure literal part
  char conversion = 0;     // 0, 'r', 's', 'a'
  ExprPtr format_spec;     // an FString itself (specs may nest fields), or null
  std::string debug_text;  // for {x=}: "x=" printed before the value
};

struct CompClause {
  ExprPtr target;               // Name or Tuple of Names
  ExprPtr iter;
  std::vector<ExprPtr> conds;   // if-clauses
  bool is_async = false;        // `async for`
};

struct Expr {
  ExprKind kind;
  SourcePos pos;
  // Const
  Value value;
  // Name / Attr: the identifier; Call: keyword names parallel to kwargs.
  std::string name;
  Scope scope = Scope::Unresolved;
  int slot = -1;  // Local: frame slot; Global: program global index
  // Operators
  BinOp binop{};
  UnOp unop{};
  bool is_and = false;  // BoolOp
  bool parenthesized = false;  // NamedExpr: written inside brackets (bare only in `if:`/`while:`)
  std::vector<CmpOp> cmpops;
  // Children: operands, call arguments, display elements ...
  std::vector<ExprPtr> kids;
  // Call keyword arguments (names in kwnames; "**" for a `**mapping`) and Dict values.
  std::vector<ExprPtr> kwargs;
  std::vector<std::string> kwnames;
  // Comprehensions: kind of result and clauses; kids[0] = element
  // (for dict comprehensions kids[0] = key, kids[1] = value).
  enum class CompType : uint8_t { List, Gen, Dict, Set } comp_type = CompType::List;
  std::vector<CompClause> clauses;
  // FString
  std::vector<FStringPart> parts;
  // Lambda: the function's code (params in kwnames, "*a" for *args, and
  // their defaults in kwargs, null where none). Comp: a generator
  // expression's own code (it runs lazily, in a frame of its own).
  const CodeObject* code = nullptr;
  // Comp: slots of its variables that closures capture: each run of the
  // comprehension gives them a fresh cell, as each call of CPython's
  // comprehension function does.
  std::vector<int> fresh_cells;
  // Attr: an inline cache for instances of one class (engine/python/attrs.cpp):
  // where `obj.name` is among their fields, or the class function it names.
  mutable uint64_t ic_type = 0;  // TypeObj::id the entry is for; 0: empty
  mutable uint32_t ic_field = 0;
  mutable const FunctionObj* ic_method = nullptr;

  Expr(ExprKind k, SourcePos p) : kind(k), pos(p) {}
};

// A call with a `**mapping` argument (kwnames "**" at its place).
inline bool unpacks_keywords(const Expr& call) {
  for (auto& k : call.kwnames) if (k[0] == '*') return true;
  return false;
}

// A call with no keyword or starred argument: each argument goes straight
// to one parameter.
inline bool positional_args(const Expr& call) {
  if (!call.kwargs.empty()) return false;
  for (size_t i = 1; i < call.kids.size(); ++i)
    if (call.kids[i]->kind == ExprKind::Starred) return false;
  return true;
}

// Thrown by the parser; the compiler turns it into file:line:col diagnostics.
struct ParseError {
  SourcePos pos;
  std::string message;
  std::string hint;
};

// Parses one expression. `origin` is where the text starts in the scenario
// file (for single-line scalars columns map exactly).
ExprPtr parse_expression(const std::string& text, SourcePos origin);
// Parses the body of an f-string/template (text without quotes).
ExprPtr parse_template(const std::string& text, SourcePos origin);
// Parses an assignment target: a name, a tuple/list of targets,
// an attribute `a.b` or a subscript `a[b]`.
ExprPtr parse_target(const std::string& text, SourcePos origin);

}  // namespace corun
