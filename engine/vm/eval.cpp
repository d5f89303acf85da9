// Expression evaluation: a tree walk over pre-parsed, pre-resolved
// expressions. Names were bound to slots at compile time.
#include <cmath>

#include "engine/python/attrs.h"
#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/python/collections_module.h"
#include "engine/python/descriptors.h"
#include "engine/python/pyformat.h"
#include "engine/python/sets.h"
#include "engine/python/subscripts.h"
#include "engine/vm/closures.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

namespace {

// Small-vector of evaluated arguments, on the stack for the common case:
// only the values pushed are constructed (and destroyed).
class ArgBuffer {
 public:
  ArgBuffer() = default;
  ArgBuffer(const ArgBuffer&) = delete;
  ArgBuffer& operator=(const ArgBuffer&) = delete;
  ~ArgBuffer() {
    for (size_t i = 0; i < n_; ++i) data_[i].~Value();
    if (data_ != inline_values()) ::operator delete(data_);
  }
  void push(Value v) {
    if (n_ == capacity_) grow();
    new (&data_[n_++]) Value(std::move(v));
  }
  Value* ptr() { return data_; }
  size_t size() const { return n_; }

 private:
  static constexpr size_t kInline = 6;
  Value* inline_values() { return reinterpret_cast<Value*>(inline_); }
  void grow() {
    size_t capacity = capacity_ * 2;
    reserve(checked_mul(capacity, sizeof(Value)));  // as reserve_growth: MemoryError rather than growth past the limit
    auto* more = static_cast<Value*>(::operator new(capacity * sizeof(Value)));
    for (size_t i = 0; i < n_; ++i) {
      new (&more[i]) Value(std::move(data_[i]));
      data_[i].~Value();
    }
    if (data_ != inline_values()) ::operator delete(data_);
    data_ = more;
    capacity_ = capacity;
  }
  alignas(Value) unsigned char inline_[kInline * sizeof(Value)];
  Value* data_ = inline_values();
  size_t n_ = 0, capacity_ = kInline;
};

}  // namespace

namespace {
// A constant's or a bound local's value, read in place (no copy); null for
// anything that needs evaluating.
const Value* operand_in_place(const Expr& e, const Frame& f) {
  if (e.kind == ExprKind::Const) return &e.value;
  if (e.kind == ExprKind::Name && e.scope == Scope::Local && !f.slots[size_t(e.slot)].is_unbound()) return &f.slots[size_t(e.slot)];
  return nullptr;
}
}  // namespace

namespace {
// A display of constants is folded by CPython unless an operation made an
// int of more than 128 bits or a string of more than 4096 characters
// (Python/ast_opt.c: MAX_INT_SIZE, MAX_STR_SIZE): then it is built item by item.
bool folded_by_cpython(const Expr& e, const std::vector<Value>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (e.kids[i]->kind != ExprKind::Binary) continue;
    const Value& v = items[i];
    if (v.is_bigint()) {
      const auto& limbs = v.as<BigIntObj>()->v.limbs();
      if (limbs.size() > 4 || (limbs.size() == 4 && limbs.back() > 0)) {
        size_t bits = (limbs.size() - 1) * 32 + size_t(32 - __builtin_clz(limbs.back()));
        if (bits > 128) return false;
      }
    }
    if (v.is(ObjKind::Str) && str_of(v).size() > 4096) return false;
  }
  return true;
}
}  // namespace

namespace {
// x op y for two ints, when the result is an int of 64 bits (or, for /, a
// float) that binary_op (operators.cpp) would give: no overflow to BigInt, no
// ZeroDivisionError, no shift or power. Returns false for those, which
// binary_op handles.
[[gnu::always_inline]] inline bool small_int_op(BinOp op, int64_t x, int64_t y, Value& out) {
  int64_t r;
  switch (op) {
    case BinOp::Add: if (__builtin_add_overflow(x, y, &r)) return false; break;
    case BinOp::Sub: if (__builtin_sub_overflow(x, y, &r)) return false; break;
    case BinOp::Mul: if (__builtin_mul_overflow(x, y, &r)) return false; break;
    case BinOp::Div:
      if (y == 0) return false;
      out = Value::flt(double(x) / double(y));
      return true;
    case BinOp::FloorDiv:
      if (y == 0 || (x == INT64_MIN && y == -1)) return false;
      r = x / y;
      if ((x % y != 0) && ((x < 0) != (y < 0))) --r;
      break;
    case BinOp::Mod:
      if (y == 0) return false;
      if (y == -1) { r = 0; break; }
      r = x % y;
      if (r != 0 && ((r < 0) != (y < 0))) r += y;
      break;
    case BinOp::BitAnd: r = x & y; break;
    case BinOp::BitOr: r = x | y; break;
    case BinOp::BitXor: r = x ^ y; break;
    default: return false;
  }
  out = Value::integer(r);
  return true;
}

// Floats, or a float and an int: + - * and / by nonzero as binary_op
// computes them (the int converted to double, as float(int) rounds).
[[gnu::always_inline]] inline bool float_op(BinOp op, const Value& a, const Value& b, Value& out) {
  if (!((a.is_float() || a.is_int()) && (b.is_float() || b.is_int()) && (a.is_float() || b.is_float()))) return false;
  double x = a.is_float() ? a.as_float() : double(a.as_int());
  double y = b.is_float() ? b.as_float() : double(b.as_int());
  switch (op) {
    case BinOp::Add: out = Value::flt(x + y); return true;
    case BinOp::Sub: out = Value::flt(x - y); return true;
    case BinOp::Mul: out = Value::flt(x * y); return true;
    case BinOp::Div:
      if (y == 0) return false;
      out = Value::flt(x / y);
      return true;
    default: return false;
  }
}

}  // namespace

// Arithmetic and comparisons are hot in loops: kept out of eval_slow, whose
// frame is large. Two ints read in place (count + 1, i < n) are done in a
// function small enough to need no frame of its own; the rest, with copies
// of the operands, in the general one.
Value Interp::eval_binary(const Expr& e, Frame& f) {
  const Value* pa = operand_in_place(*e.kids[0], f);
  const Value* pb = pa && pa->is_int() ? operand_in_place(*e.kids[1], f) : nullptr;
  Value r;
  if (pb && pb->is_int() && small_int_op(e.binop, pa->as_int(), pb->as_int(), r)) return r;
  return eval_binary_general(e, f);
}

Value Interp::eval_binary_general(const Expr& e, Frame& f) {
  Value a = eval(*e.kids[0], f);
  Value b = eval(*e.kids[1], f);
  Value r;
  if (a.is_int() && b.is_int()) {  // int arithmetic without the general dispatch (which handles the rest)
    if (small_int_op(e.binop, a.as_int(), b.as_int(), r)) return r;
  } else if (float_op(e.binop, a, b, r)) {
    return r;
  }
  return binary_op(e.binop, a, b);
}

Value Interp::eval_compare(const Expr& e, Frame& f) { return Value::boolean(eval_compare_bool(e, f)); }

bool Interp::eval_compare_bool(const Expr& e, Frame& f) {
  if (e.cmpops.size() == 1 && e.cmpops[0] <= CmpOp::Ne) {
    const Value* pa = operand_in_place(*e.kids[0], f);
    const Value* pb = pa && pa->is_int() ? operand_in_place(*e.kids[1], f) : nullptr;
    if (pb && pb->is_int()) return int_compare(e.cmpops[0], pa->as_int(), pb->as_int());
  }
  return eval_compare_general(e, f);
}

bool Interp::eval_compare_general(const Expr& e, Frame& f) {
  Value left = eval(*e.kids[0], f);
  if (e.cmpops.size() == 1) {
    Value right = eval(*e.kids[1], f);
    if (left.is_int() && right.is_int() && e.cmpops[0] <= CmpOp::Ne) return int_compare(e.cmpops[0], left.as_int(), right.as_int());
    return compare(e.cmpops[0], left, right);
  }
  for (size_t i = 0; i < e.cmpops.size(); ++i) {
    Value right = eval(*e.kids[i + 1], f);
    if (!compare(e.cmpops[i], left, right)) return false;
    left = std::move(right);
  }
  return true;
}

Value Interp::eval_attr(const Expr& e, Frame& f) { return get_attr_at(eval(*e.kids[0], f), e); }

// Where the name `e` is bound in `f`, or null while it is unbound.
const Value* Interp::name_value(const Expr& e, Frame& f) {
  const Value* v = nullptr;
  switch (e.scope) {
    case Scope::Local: v = &f.slots[size_t(e.slot)]; break;
    case Scope::Global: v = &globals_[size_t(e.slot)]; break;
    case Scope::Builtin: return &builtins_->values[size_t(e.slot)];
    case Scope::Cell:
    case Scope::Free: v = &f.slots[size_t(e.slot)].as<CellObj>()->v; break;
    case Scope::Unresolved: return nullptr;
  }
  return v->is_unbound() ? nullptr : v;
}

// What reading the unbound name `e` raises, with CPython's messages.
Value Interp::unbound_name_error(const Expr& e) {
  switch (e.scope) {
    case Scope::Local:
    case Scope::Cell:
      return make_exception(builtins_->UnboundLocalError,
                            "cannot access local variable '" + e.name + "' where it is not associated with a value");
    case Scope::Free:
      return make_exception(builtins_->NameError, "cannot access free variable '" + e.name +
                                                      "' where it is not associated with a value in enclosing scope");
    default:  // a module variable not yet assigned, or a name bound nowhere
      return make_exception(builtins_->NameError, "name '" + e.name + "' is not defined");
  }
}

bool Interp::name_catching(const Expr& e, Frame& f, Value& out) {
  if (const Value* v = name_value(e, f)) {
    out = *v;
    return false;
  }
  out = unbound_name_error(e);
  return true;
}

Value Interp::eval_slow(const Expr& e, Frame& f) {
  switch (e.kind) {
    case ExprKind::Const:
      return e.value;
    case ExprKind::Name: {
      const Value* v = name_value(e, f);
      if (!v) raise_value(unbound_name_error(e));
      return *v;
    }
    case ExprKind::Lambda:
      return make_function(e, f);
    case ExprKind::Attr:
      return eval_attr(e, f);
    case ExprKind::Call:
      return eval_call(e, f);
    case ExprKind::Subscript: {
      Value obj = eval(*e.kids[0], f);
      const Expr& idx = *e.kids[1];
      if (idx.kind == ExprKind::Slice) {
        Value parts[3];
        for (int i = 0; i < 3; ++i) if (idx.kids[size_t(i)]) parts[i] = eval(*idx.kids[size_t(i)], f);
        return slice_value(*this, obj, parts[0], parts[1], parts[2]);
      }
      return subscript(obj, eval(idx, f));
    }
    case ExprKind::Slice:
      raise(builtins_->TypeError, "slice outside a subscript");
    case ExprKind::Unary: {
      Value v = eval(*e.kids[0], f);
      if (v.is_bigint() || (v.is_intlike() && v.as_int() == INT64_MIN)) {
        BigInt x = to_bigint(v);
        if (e.unop == UnOp::Neg) return make_int(-x);
        if (e.unop == UnOp::Pos) return make_int(x);
        return make_int(-(x + BigInt(1)));  // ~x
      }
      if (v.is(ObjKind::Dict) && e.unop != UnOp::Invert) {
        Value r;
        if (counter_unary(*this, e.unop == UnOp::Neg ? '-' : '+', v, r)) return r;
      }
      if (e.unop == UnOp::Neg) {
        if (v.is_intlike()) return Value::integer(-v.as_int());
        if (v.is_float()) return Value::flt(-v.as_float());
        raise(builtins_->TypeError, "bad operand type for unary -: '" + type_of(v)->name + "'");
      }
      if (e.unop == UnOp::Pos) {
        if (v.is_intlike()) return Value::integer(v.as_int());
        if (v.is_float()) return v;
        raise(builtins_->TypeError, "bad operand type for unary +: '" + type_of(v)->name + "'");
      }
      if (v.is_intlike()) return Value::integer(~v.as_int());
      raise(builtins_->TypeError, "bad operand type for unary ~: '" + type_of(v)->name + "'");
    }
    case ExprKind::Binary:
      return eval_binary(e, f);
    case ExprKind::Compare:
      return eval_compare(e, f);
    case ExprKind::BoolOp: {
      Value v;
      for (auto& k : e.kids) {
        v = eval(*k, f);
        bool t = truthy(v);
        if (e.is_and ? !t : t) return v;
      }
      return v;
    }
    case ExprKind::Not:
      return Value::boolean(!truthy(eval(*e.kids[0], f)));
    case ExprKind::IfExp:
      return truthy(eval(*e.kids[0], f)) ? eval(*e.kids[1], f) : eval(*e.kids[2], f);
    case ExprKind::Tuple:
    case ExprKind::List: {
      std::vector<Value> items;
      items.reserve(e.kids.size());
      for (auto& k : e.kids) {
        if (k->kind == ExprKind::Starred) for (auto& x : to_vector(eval(*k->kids[0], f))) items.push_back(x);
        else items.push_back(eval(*k, f));
      }
      return e.kind == ExprKind::List ? make_list(std::move(items)) : make_tuple(std::move(items));
    }
    case ExprKind::Dict: {
      Ref<DictObj> d(new DictObj());
      for (size_t i = 0; i < e.kids.size(); ++i) {
        if (e.kids[i]->kind == ExprKind::Starred) {  // {**m}: DICT_UPDATE
          Value m = eval(*e.kids[i]->kids[0], f);
          if (m.is(ObjKind::Dict)) {
            for (auto& [k, v] : m.as<DictObj>()->entries) d->set(k, v);
          } else if (m.is(ObjKind::Instance)) {
            CallArgs none;
            Value it = get_iter(call_method(m, "keys", none, nullptr)), k;
            while (iter_next(it, k)) {
              charge_step();
              d->set(k, subscript(m, k));
            }
          } else {
            raise(builtins_->TypeError, "'" + type_of(m)->name + "' object is not a mapping");
          }
          continue;
        }
        Value k = eval(*e.kids[i], f);
        d->set(k, eval(*e.kwargs[i], f));
      }
      return Value(d);
    }
    case ExprKind::Set: {
      std::vector<Value> items;
      items.reserve(e.kids.size());
      for (auto& k : e.kids) {
        if (k->kind == ExprKind::Starred) for (auto& x : to_vector(eval(*k->kids[0], f))) items.push_back(x);
        else items.push_back(eval(*k, f));
      }
      return pyset::display(*this, std::move(items), e.value.as_bool() && folded_by_cpython(e, items));
    }
    case ExprKind::Comp:
      return eval_comprehension(e, f);
    case ExprKind::FString:
      return eval_fstring(e, f);
    case ExprKind::Starred:
      raise(builtins_->TypeError, "can't use starred expression here");
    case ExprKind::NamedExpr: {
      Value v = eval(*e.kids[1], f);
      assign(*e.kids[0], v, f);
      return v;
    }
    case ExprKind::Await:
      // The compiler lowers every await into Op::Await instructions
      // (engine/compile/lower_await.cpp); evaluation cannot suspend.
      raise(builtins_->RuntimeError, "corun internal error: an await was left inside an expression");
  }
  return Value();
}

Value Interp::eval_fstring(const Expr& e, Frame& f) {
  std::string out;
  for (auto& part : e.parts) {
    if (!part.expr) { out += part.literal; continue; }
    out += part.literal;
    out += part.debug_text;
    Value v = eval(*part.expr, f);
    std::string spec;
    if (part.format_spec) spec = str_of(eval_fstring(*part.format_spec, f));
    if (part.conversion == 'r') v = make_str(repr(v));
    else if (part.conversion == 's') v = make_str(str(v));
    else if (part.conversion == 'a') v = make_str(ascii_of(*this, v));
    if (spec.empty() && v.is(ObjKind::Str)) append_reserved(out, str_of(v));
    else append_reserved(out, format(v, spec));
  }
  return make_str(std::move(out));
}

// Comprehensions run eagerly, including generator expressions: corun's
// consumers (gather, list, sum, ...) take the whole sequence at once, so
// the output is the same. Their variables have slots of their own.
Value Interp::eval_comprehension(const Expr& e, Frame& f) {
  if (e.code) {  // a generator expression: lazy (closures.cpp)
    return make_genexpr(*this, e, f);
  }
  // Variables a closure captured: a fresh cell for this run.
  for (int slot : e.fresh_cells) f.slots[size_t(slot)] = Value(new CellObj());
  std::vector<Value> out;
  Ref<DictObj> dict;
  Ref<SetObj> set;
  if (e.comp_type == Expr::CompType::Dict) dict = Ref<DictObj>(new DictObj());
  if (e.comp_type == Expr::CompType::Set) set = Ref<SetObj>(new SetObj());
  std::function<void(size_t)> loop = [&](size_t level) {
    if (level == e.clauses.size()) {
      if (dict) {
        Value k = eval(*e.kids[0], f);
        dict->set(k, eval(*e.kids[1], f));
      } else if (set) {
        pyset::add(*this, set.get(), eval(*e.kids[0], f));
      } else {
        reserve_growth(out);
        out.push_back(eval(*e.kids[0], f));
      }
      return;
    }
    const CompClause& c = e.clauses[level];
    Value it = get_iter(eval(*c.iter, f));
    Value item;
    while (iter_next(it, item)) {
      // Runs inside one instruction: the busy guard (and the memory guard,
      // through it) must see each iteration, or range(10**18) never ends.
      charge_step();
      assign(*c.target, item, f);
      bool ok = true;
      for (auto& cond : c.conds) if (!truthy(eval(*cond, f))) { ok = false; break; }
      if (ok) loop(level + 1);
    }
  };
  loop(0);
  if (dict) return Value(dict);
  if (set) return Value(set);
  if (e.comp_type == Expr::CompType::Gen) {
    Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Seq));
    it->items = std::move(out);
    return Value(it);
  }
  return make_list(std::move(out));
}

// _PyObject_FunctionStr: how a call's errors name the callable --
// `__main__.f()` for what the scenario defines, `print()` for a builtin.
static std::string function_str(Interp& in, const Value& fn) {
  if (fn.is(ObjKind::BoundMethod)) return function_str(in, fn.as<BoundMethodObj>()->func);
  if (fn.is(ObjKind::Function)) {
    const CodeObject* code = fn.as<FunctionObj>()->code;
    return (code->internal ? "" : "__main__.") + code->qualname + "()";
  }
  if (fn.is(ObjKind::Type)) {
    const TypeObj* t = fn.as<TypeObj>();
    return (t->module.empty() || t->module == "builtins" ? "" : t->module + ".") + t->name + "()";
  }
  if (fn.is(ObjKind::Builtin)) return std::string(fn.as<BuiltinObj>()->name) + "()";
  return in.type_of(fn)->name + " object";
}

// The keyword arguments of a call with `**mapping` among them, in order,
// as CALL_FUNCTION_EX merges them: pushed after the positional values,
// their names returned. A mapping is a dict, or an object with keys() and
// item access; its keys must be strings and no name may come twice.
static std::vector<std::string> unpack_keywords(Interp& in, const Expr& e, const Value& fn, Frame& f, ArgBuffer& values) {
  std::vector<std::string> names;
  // Named lazily, only for an error: for obj.m(...), `fn` is obj.
  auto callee_str = [&] {
    const Expr& callee = *e.kids[0];
    return function_str(in, callee.kind == ExprKind::Attr ? in.get_attr(fn, callee.name) : fn);
  };
  auto add = [&](const Value& key, Value v) {
    if (!key.is(ObjKind::Str)) in.raise(in.builtins().TypeError, "keywords must be strings");
    std::string name = str_of(key);
    if (std::find(names.begin(), names.end(), name) != names.end())
      in.raise(in.builtins().TypeError, callee_str() + " got multiple values for keyword argument '" + name + "'");
    names.push_back(std::move(name));
    values.push(std::move(v));
  };
  for (size_t i = 0; i < e.kwargs.size(); ++i) {
    Value v = in.eval(*e.kwargs[i], f);
    if (e.kwnames[i][0] != '*') {
      add(make_str(e.kwnames[i]), std::move(v));
      continue;
    }
    if (v.is(ObjKind::Dict)) {
      for (auto& [k, x] : v.as<DictObj>()->entries) add(k, x);  // runs no Python code: the dict cannot change
    } else if (v.is(ObjKind::Instance)) {
      CallArgs none;
      Value keys = in.call_method(v, "keys", none, nullptr);
      Value it = in.get_iter(keys), k;
      while (in.iter_next(it, k)) {
        charge_step();
        add(k, in.subscript(v, k));
      }
    } else {
      in.raise(in.builtins().TypeError, callee_str() + " argument after ** must be a mapping, not " + in.type_of(v)->name);
    }
  }
  return names;
}

// As CPython evaluates a call: the callee (for obj.method(...), the
// object, and the method it names when the call site's cache knows it)
// first, then the arguments in order. Positional calls of scenario
// functions and methods bind in call_positional; the rest through CallArgs.
Value Interp::call_evaluated_inline(const Expr& e, const Value& fn, Frame& f, Value* raised) {
  const Expr& callee = *e.kids[0];
  const bool method = callee.kind == ExprKind::Attr;
  Value result;
  if (positional_args(e)) {
    const FunctionObj* target = nullptr;
    const Value* self = nullptr;
    if (method) {
      target = instance_method_at(fn, callee);
      self = &fn;
    } else if (fn.is(ObjKind::Function)) {
      target = fn.as<FunctionObj>();
      self = &target->bound_self;
    }
    if (target && positional_fits(target, *self, e.kids.size() - 1)) {
      if (raised && !target->code->makes_frame_object() && !target->code->native) {  // call_catching's
        result = call_plain_catching(target, *self, e, f, *raised);
        if (!raised->is_none()) return result;
      } else {
        result = call_positional(target, *self, e, f);
      }
      if (result.is(ObjKind::Coroutine)) note_creation_site(*result.as<CoroObj>(), e, f);
      return result;
    }
  }
  // Positional arguments, then the keyword arguments' values.
  ArgBuffer values;
  for (size_t i = 1; i < e.kids.size(); ++i) {
    const Expr& k = *e.kids[i];
    if (k.kind == ExprKind::Starred) {
      for (auto& x : to_vector(eval(*k.kids[0], f))) values.push(x);
    } else {
      values.push(eval(k, f));
    }
  }
  const size_t npos = values.size();
  const std::string* kwnames = e.kwnames.data();
  std::vector<std::string> unpacked;  // the names, when a `**mapping` gives some
  if (unpacks_keywords(e)) {
    unpacked = unpack_keywords(*this, e, fn, f, values);
    kwnames = unpacked.data();
  } else {
    for (auto& k : e.kwargs) values.push(eval(*k, f));
  }
  CallArgs args;
  args.pos = values.ptr();
  args.npos = npos;
  args.kwnames = kwnames;
  args.kw = values.ptr() + npos;
  args.nkw = values.size() - npos;
  // obj.method(...) dispatches without making a bound-method object.
  if (method) result = call_method_at(fn, callee, args, &e);
  else result = call(fn, args, &e);
  if (result.is(ObjKind::Coroutine)) note_creation_site(*result.as<CoroObj>(), e, f);
  return result;
}

Value Interp::eval_call(const Expr& e, Frame& f) {
  const Expr& callee = *e.kids[0];
  return call_evaluated_inline(e, eval(callee.kind == ExprKind::Attr ? *callee.kids[0] : callee, f), f);
}

Value Interp::call_evaluated(const Expr& e, const Value& fn, Frame& f) { return call_evaluated_inline(e, fn, f); }

bool Interp::call_catching(const Expr& e, Frame& f, Value& out) {
  const Expr& callee = *e.kids[0];
  Value raised;  // None unless the plain function raised (an exception is never None)
  out = call_evaluated_inline(e, eval(callee.kind == ExprKind::Attr ? *callee.kids[0] : callee, f), f, &raised);
  if (raised.is_none()) return false;
  out = std::move(raised);
  return true;
}

// Where a coroutine was made, for its "never awaited" warning: the call's
// line, or -- for builtin coroutines (asyncio.sleep(...)), which have no
// site of their own, and for coroutines corun's prelude makes on the user's
// behalf -- the user's line that led there.
void Interp::note_creation_site(CoroObj& c, const Expr& call, const Frame& f) {
  if (!f.code->internal) {
    if (c.created_line == 0) c.created_line = call.pos.line;
    return;
  }
  c.created_line = scenario_line(&f);
}

Value Interp::call(const Value& callee, CallArgs& args, const Expr* site) {
  if (callee.is(ObjKind::Function)) {
    const FunctionObj* fn = callee.as<FunctionObj>();
    if (fn->code->makes_frame_object()) return make_coroutine(fn, args, site, fn->bound_self);
    return call_function(fn, args, site, fn->bound_self);
  }
  if (callee.is(ObjKind::Builtin)) {
    const BuiltinObj* b = callee.as<BuiltinObj>();
    return b->fn(*this, b->self, args);
  }
  if (callee.is(ObjKind::BoundMethod)) {
    const BoundMethodObj* m = callee.as<BoundMethodObj>();
    if (m->func.is(ObjKind::Builtin)) {  // a decorator's wrapper bound to an instance: self goes first
      std::vector<Value> pos{m->self};
      pos.insert(pos.end(), args.pos, args.pos + args.npos);
      CallArgs with_self = args;
      with_self.pos = pos.data();
      with_self.npos = pos.size();
      const BuiltinObj* b = m->func.as<BuiltinObj>();
      return b->fn(*this, b->self, with_self);
    }
    const FunctionObj* fn = m->func.as<FunctionObj>();
    if (fn->code->makes_frame_object()) return make_coroutine(fn, args, site, m->self);
    return call_function(fn, args, site, m->self);
  }
  if (callee.is(ObjKind::Type)) {
    TypeObj* t = callee.as<TypeObj>();
    if (t->tkind == TypeKind::UserClass) {
      return instantiate_class(*this, t, args, site);
    }
    if (t->ctor) return t->ctor(*this, callee, args);
    raise(builtins_->TypeError, "cannot create '" + t->name + "' instances");
  }
  if (callee.is(ObjKind::Instance)) {  // a builtin class's __call__ (functools.partial)
    const Value* c = callee.as<InstanceObj>()->type->find_attr("__call__");
    if (c && c->is(ObjKind::Builtin)) return c->as<BuiltinObj>()->fn(*this, callee, args);
  }
  if (const FunctionObj* f = user_method_of(callee, "__call__")) {
    if (f->code->is_coroutine) return make_coroutine(f, args, site, callee);
    return call_function(f, args, site, callee);
  }
  raise(builtins_->TypeError, "'" + type_of(callee)->name + "' object is not callable");
}

namespace {

// The position `key` names among a list's or deque's `size` items, for an
// assignment or a deletion (list_ass_item / deque_ass_item): CPython's
// TypeError for a key that is not an int, `out_of_range` as IndexError.
size_t item_position(Interp& in, const Value& key, size_t size, bool deque, const char* out_of_range) {
  if (!key.is_intlike())
    in.raise(in.builtins().TypeError, deque ? "sequence index must be integer, not '" + in.type_of(key)->name + "'"
                                            : "list indices must be integers or slices, not " + in.type_of(key)->name);
  int64_t i = key.as_int();
  if (i < 0) i += int64_t(size);
  if (i < 0 || i >= int64_t(size)) in.raise(in.builtins().IndexError, out_of_range);
  return size_t(i);
}

}  // namespace

void Interp::assign_slow(const Expr& target, Value v, Frame& f) {
  switch (target.kind) {
    case ExprKind::Name:
      if (target.scope == Scope::Global) globals_[size_t(target.slot)] = std::move(v);  // a module variable
      else if (target.scope >= Scope::Cell) f.slots[size_t(target.slot)].as<CellObj>()->v = std::move(v);
      else f.slots[size_t(target.slot)] = std::move(v);
      return;
    case ExprKind::Tuple:
    case ExprKind::List: {
      std::vector<Value> items = to_vector(v);
      size_t star = target.kids.size();
      for (size_t i = 0; i < target.kids.size(); ++i) if (target.kids[i]->kind == ExprKind::Starred) star = i;
      if (star == target.kids.size()) {
        if (items.size() != target.kids.size()) {
          if (items.size() > target.kids.size())
            raise(builtins_->ValueError, "too many values to unpack (expected " + std::to_string(target.kids.size()) + ")");
          raise(builtins_->ValueError, "not enough values to unpack (expected " + std::to_string(target.kids.size()) +
                                           ", got " + std::to_string(items.size()) + ")");
        }
        for (size_t i = 0; i < items.size(); ++i) assign(*target.kids[i], items[i], f);
        return;
      }
      size_t after = target.kids.size() - star - 1;
      if (items.size() < star + after)
        raise(builtins_->ValueError, "not enough values to unpack (expected at least " + std::to_string(star + after) +
                                         ", got " + std::to_string(items.size()) + ")");
      for (size_t i = 0; i < star; ++i) assign(*target.kids[i], items[i], f);
      std::vector<Value> middle(items.begin() + long(star), items.end() - long(after));
      assign(*target.kids[star]->kids[0], make_list(std::move(middle)), f);
      for (size_t i = 0; i < after; ++i) assign(*target.kids[star + 1 + i], items[items.size() - after + i], f);
      return;
    }
    case ExprKind::Attr:
      set_attr_at(eval(*target.kids[0], f), target, std::move(v));
      return;
    case ExprKind::Subscript: {
      Value obj = eval(*target.kids[0], f);
      Value key = eval(*target.kids[1], f);
      if (obj.is(ObjKind::Dict)) { obj.as<DictObj>()->set(key, std::move(v)); return; }
      if (const FunctionObj* setitem = user_method_of(obj, "__setitem__")) {
        call_dunder(*this, obj, setitem, {key, std::move(v)});
        return;
      }
      if (obj.is(ObjKind::List)) {
        auto& items = obj.as<ListObj>()->items;
        items[item_position(*this, key, items.size(), false, "list assignment index out of range")] = std::move(v);
        return;
      }
      if (obj.is(ObjKind::Deque)) {  // deque_ass_item: no state change, as in CPython
        auto& items = obj.as<DequeObj>()->items;
        items[item_position(*this, key, items.size(), true, "deque assignment index out of range")] = std::move(v);
        return;
      }
      raise(builtins_->TypeError, "'" + type_of(obj)->name + "' object does not support item assignment");
    }
    default:
      raise(builtins_->TypeError, "cannot assign to this expression");
  }
}

namespace {

[[noreturn]] void no_item_deletion(Interp& in, const Value& obj) {
  in.raise(in.builtins().TypeError, "'" + in.type_of(obj)->name + "' object doesn't support item deletion");
}

}  // namespace

// The `del` statement's target (Python/ceval.c's DELETE_FAST / _GLOBAL /
// _DEREF, DELETE_SUBSCR, DELETE_ATTR): a name must be bound (reading it
// raises the NameError / UnboundLocalError a read would, as CPython's does),
// then is unbound; an item or attribute goes from its container.
void Interp::delete_target(const Expr& target, Frame& f) {
  switch (target.kind) {
    case ExprKind::Name:
      eval(target, f);
      if (target.scope == Scope::Global) globals_[size_t(target.slot)] = Value::unbound();
      else if (target.scope >= Scope::Cell) f.slots[size_t(target.slot)].as<CellObj>()->v = Value::unbound();
      else f.slots[size_t(target.slot)] = Value::unbound();
      return;
    case ExprKind::Subscript: {
      Value obj = eval(*target.kids[0], f);
      const Expr& idx = *target.kids[1];
      if (idx.kind == ExprKind::Slice) {
        Value parts[3];
        for (int i = 0; i < 3; ++i) if (idx.kids[size_t(i)]) parts[i] = eval(*idx.kids[size_t(i)], f);
        if (!obj.is(ObjKind::List)) no_item_deletion(*this, obj);
        auto& items = obj.as<ListObj>()->items;
        const SliceIndices s = slice_indices(*this, int64_t(items.size()), parts[0], parts[1], parts[2]);
        if (s.count == 0) return;
        if (s.step == 1) {
          items.erase(items.begin() + s.start, items.begin() + s.start + int64_t(s.count));
          return;
        }
        // An extended slice: mark the picked indices, then keep the rest in order.
        std::vector<bool> drop(items.size(), false);
        for (size_t k = 0; k < s.count; ++k) drop[size_t(__int128(s.start) + __int128(k) * s.step)] = true;
        size_t out = 0;
        for (size_t i = 0; i < items.size(); ++i)
          if (!drop[i]) items[out++] = std::move(items[i]);
        items.resize(out);
        return;
      }
      Value key = eval(idx, f);
      if (obj.is(ObjKind::Dict)) {
        // Counter.__delitem__ ignores a missing key.
        if (!obj.as<DictObj>()->erase(key) && obj.as<DictObj>()->flavor != DictObj::Flavor::Counter)
          throw PyException{make_exception_args(builtins_->KeyError, {key})};
        return;
      }
      if (const FunctionObj* delitem = user_method_of(obj, "__delitem__")) {
        call_dunder(*this, obj, delitem, {key});
        return;
      }
      if (obj.is(ObjKind::List)) {
        auto& items = obj.as<ListObj>()->items;
        items.erase(items.begin() + long(item_position(*this, key, items.size(), false, "list assignment index out of range")));
        return;
      }
      if (obj.is(ObjKind::Deque)) {
        DequeObj* d = obj.as<DequeObj>();
        size_t i = item_position(*this, key, d->items.size(), true, "deque index out of range");
        ++d->state;
        d->items.erase(d->items.begin() + long(i));
        return;
      }
      no_item_deletion(*this, obj);
    }
    case ExprKind::Attr: {
      Value obj = eval(*target.kids[0], f);
      const std::string& name = target.name;
      if (obj.is(ObjKind::Instance) && obj.as<InstanceObj>()->type->tkind == TypeKind::UserClass) {
        InstanceObj* inst = obj.as<InstanceObj>();
        if (const Value* cv = inst->type->find_attr(name); cv && descriptor_delete(*this, *cv, obj, name)) return;
        for (auto it = inst->fields.begin(); it != inst->fields.end(); ++it)
          if (*it->first == name) {
            inst->fields.erase(it);
            inst->extra_fields = true;  // no longer the class's layout: inline caches pass it by
            return;
          }
        raise(builtins_->AttributeError, "'" + inst->type->name + "' object has no attribute '" + name + "'");
      }
      raise(builtins_->AttributeError, "corun does not support deleting attributes of '" + type_of(obj)->name + "' objects (deleting '" + name + "')");
    }
    default:
      raise(builtins_->TypeError, "cannot delete this expression");
  }
}

}  // namespace corun
