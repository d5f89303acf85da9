// Python's str(), repr(), format(), truth, arithmetic and comparison over
// corun's values — byte for byte as CPython prints them.
#include "engine/compile/code.h"
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"
#include "engine/python/pyformat.h"
#include "engine/python/recursion.h"
#include "engine/python/sets.h"

namespace corun {

// ---- plain data helpers (value.h) ----------------------------------------------------

Value make_str(std::string s) { return Value(new StrObj(std::move(s))); }

Value make_int(BigInt v) {
  if (v.fits_int64()) return Value::integer(v.to_int64());
  return Value(new BigIntObj(std::move(v)));
}

BigInt to_bigint(const Value& v) { return v.is_bigint() ? v.as<BigIntObj>()->v : BigInt(v.as_int()); }

double Value::as_double() const {
  if (kind_ == VKind::Float) return f_;
  if (kind_ != VKind::Obj) return double(i_);
  try {
    return as<BigIntObj>()->v.to_double();
  } catch (const std::overflow_error& e) {
    if (Interp* in = current_interp()) in->raise(in->builtins().OverflowError, e.what());
    throw;
  }
}
Value make_list(std::vector<Value> v) { return Value(new ListObj(std::move(v))); }
Value make_tuple(std::vector<Value> v) { return Value(new TupleObj(std::move(v))); }

unsigned __int128 RangeObj::length_wide() const {
  if (step > 0 && start < stop) return (unsigned __int128)(((__int128)stop - start - 1) / step + 1);
  if (step < 0 && start > stop) return (unsigned __int128)(((__int128)start - stop - 1) / -(__int128)step + 1);
  return 0;
}

int64_t RangeObj::length() const {
  unsigned __int128 n = length_wide();
  if (n > (unsigned __int128)INT64_MAX) {
    if (Interp* in = current_interp()) in->raise(in->builtins().OverflowError, "Python int too large to convert to C ssize_t");
    return INT64_MAX;
  }
  return int64_t(n);
}

void native_recursion_overflow(const char* where) {
  --g_native_depth;  // the level that failed is not entered
  std::string message = std::string("maximum recursion depth exceeded") + where;
  if (Interp* in = current_interp()) in->raise(in->builtins().RecursionError, message);
  throw std::runtime_error(message);  // no interpreter (unit tests of plain data)
}

std::string repr_for_report(Interp& in, const Value& v) {
  try {
    return in.repr(v);
  } catch (PyException&) {
    return "<repr failed: too deep>";
  }
}

// Instances and exceptions: the values whose class may define dunders.
static inline bool may_have_dunders(const Value& v) {
  return v.is(ObjKind::Instance) || v.is(ObjKind::Exception);
}
// A class written in the scenario (with methods of its own or inherited).
static bool in_user_class(const Value& v) {
  for (const TypeObj* t = current_interp()->type_of(v); t; t = t->base)
    if (!t->class_attrs.empty()) return true;
  return false;
}

bool values_equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_double() == b.as_double();
    if (a.is_intlike() && b.is_intlike()) return a.as_int() == b.as_int();
    return to_bigint(a) == to_bigint(b);
  }
  if (may_have_dunders(a) || may_have_dunders(b))
    if (has_user_dunder(a, "__eq__") || has_user_dunder(b, "__eq__")) return user_equal(*current_interp(), a, b);
  if (a.kind() != b.kind()) return false;
  if (a.is_none()) return true;
  if (!a.is_obj()) return a.same(b);
  if (a.obj() == b.obj()) return true;
  if (a.is(ObjKind::DictView) || b.is(ObjKind::DictView)) return dict_view_equal(a, b);
  if (a.obj()->okind != b.obj()->okind) return false;
  switch (a.obj()->okind) {
    case ObjKind::Str: return str_of(a) == str_of(b);
    case ObjKind::Set: return pyset::equal(a.as<SetObj>(), b.as<SetObj>());
    case ObjKind::List:
    case ObjKind::Tuple: {
      NativeRecursion guard(" in comparison", 1);
      const auto& x = a.is(ObjKind::List) ? a.as<ListObj>()->items : a.as<TupleObj>()->items;
      const auto& y = b.is(ObjKind::List) ? b.as<ListObj>()->items : b.as<TupleObj>()->items;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) if (!values_equal(x[i], y[i])) return false;
      return true;
    }
    case ObjKind::Dict: {
      NativeRecursion guard(" in comparison", 1);
      auto* x = a.as<DictObj>();
      auto* y = b.as<DictObj>();
      if (x->entries.size() != y->entries.size()) return false;
      for (auto& [k, v] : x->entries) {
        Value* w = y->find(k);
        if (!w || !values_equal(v, *w)) return false;
      }
      return true;
    }
    case ObjKind::Range: {
      auto* x = a.as<RangeObj>();
      auto* y = b.as<RangeObj>();
      return x->length() == y->length() && (x->length() == 0 || (x->start == y->start && (x->length() == 1 || x->step == y->step)));
    }
    case ObjKind::BoundMethod: {  // the same function bound to the same object (method_richcompare)
      auto* x = a.as<BoundMethodObj>();
      auto* y = b.as<BoundMethodObj>();
      return x->self.same(y->self) && x->func.same(y->func);
    }
    case ObjKind::Builtin: {  // a native method bound to the same object
      auto* x = a.as<BuiltinObj>();
      auto* y = b.as<BuiltinObj>();
      if (x->fn != y->fn || std::strcmp(x->name, y->name) != 0 || x->self.is_none() || y->self.is_none()) return false;
      if (x->self.same(y->self)) return true;
      // bind_native_method packs (receiver, name) in a tuple
      if (!x->self.is(ObjKind::Tuple) || !y->self.is(ObjKind::Tuple)) return false;
      const auto& p = x->self.as<TupleObj>()->items;
      const auto& q = y->self.as<TupleObj>()->items;
      return p.size() == 2 && q.size() == 2 && p[0].same(q[0]) && values_equal(p[1], q[1]);
    }
    default: return false;
  }
}

size_t value_hash(const Value& v) {
  if (v.is_intlike()) return std::hash<int64_t>()(v.as_int());
  if (v.is_bigint()) return v.as<BigIntObj>()->v.hash();
  if (v.is_float()) {
    double d = v.as_float();
    if (d == std::floor(d) && std::fabs(d) < 9e18) return std::hash<int64_t>()(int64_t(d));
    return std::hash<double>()(d);
  }
  if (v.is(ObjKind::Str)) return std::hash<std::string>()(str_of(v));
  if (v.is(ObjKind::Set)) {  // a frozenset key: CPython's hash, independent of order as equality is
    Interp* in = current_interp();
    return in ? size_t(py_hash(*in, v).value) : 0;
  }
  if (v.is(ObjKind::Tuple)) {
    // CPython 3.11's tuplehash does not check and crashes; corun raises.
    NativeRecursion guard("");
    size_t h = 0x345678;
    for (auto& x : v.as<TupleObj>()->items) h = h * 1000003 ^ value_hash(x);
    return h;
  }
  if (v.is(ObjKind::BoundMethod))
    return value_hash(v.as<BoundMethodObj>()->self) * 31 ^ std::hash<const void*>()(v.as<BoundMethodObj>()->func.obj());
  if (may_have_dunders(v) && in_user_class(v)) return user_hash(*current_interp(), v);
  if (v.is_obj()) return std::hash<const void*>()(v.obj());
  return 0;
}

namespace {

constexpr size_t kDictScanMax = 8;

// Keys equal by values_equal exactly when their value_hash is equal.
bool indexable_key(const Value& k) {
  if (k.is_float()) return !(std::fabs(k.as_float()) >= 9e18);  // huge floats may equal a BigInt
  if (!k.is_obj()) return true;
  switch (k.obj()->okind) {
    case ObjKind::Str: return true;
    case ObjKind::Tuple: {
      NativeRecursion guard("");  // as value_hash, which follows
      for (auto& x : k.as<TupleObj>()->items) if (!indexable_key(x)) return false;
      return true;
    }
    case ObjKind::List: case ObjKind::Dict: case ObjKind::Range: case ObjKind::BigInt:
    case ObjKind::Deque: case ObjKind::Set: case ObjKind::DictView:
      return false;
    case ObjKind::Instance: case ObjKind::Exception:  // __eq__ and __hash__ may say otherwise
      return !in_user_class(k);
    default: return true;  // equal only to itself, hashed by identity
  }
}

}  // namespace

void DictObj::index_insert(size_t pos) const {
  size_t mask = index_.size() - 1;
  for (size_t h = value_hash(entries[pos].first) & mask;; h = (h + 1) & mask)
    if (!index_[h]) { index_[h] = uint32_t(pos + 1); return; }
}

void DictObj::rebuild_index() const {
  size_t cap = 16;
  while (cap < entries.size() * 2 + 2) cap *= 2;
  index_.assign(cap, 0);
  for (size_t i = 0; i < entries.size(); ++i) index_insert(i);
  index_stale_ = false;
}

size_t DictObj::position(const Value& key) const {
  if (entries.size() <= kDictScanMax || unindexable_keys_ || !indexable_key(key)) {
    for (size_t i = 0; i < entries.size(); ++i) if (values_equal(entries[i].first, key)) return i;
    return kAbsent;
  }
  if (index_stale_) rebuild_index();
  size_t mask = index_.size() - 1;
  for (size_t h = value_hash(key) & mask; index_[h]; h = (h + 1) & mask)
    if (values_equal(entries[index_[h] - 1].first, key)) return index_[h] - 1;
  return kAbsent;
}

Value* DictObj::find(const Value& key) {
  // A scenario class's instance: hash() it as Python does (__hash__, or
  // TypeError for a class whose __eq__ left __hash__ None).
  if (may_have_dunders(key) && in_user_class(key)) user_hash(*current_interp(), key);
  size_t i = position(key);
  return i == kAbsent ? nullptr : &entries[i].second;
}

void DictObj::set(const Value& key, Value v) {
  if (Value* slot = find(key)) { *slot = std::move(v); return; }
  if (!indexable_key(key)) ++unindexable_keys_;
  entries.emplace_back(key, std::move(v));
  if (index_stale_ || unindexable_keys_) return;
  if (index_.size() < entries.size() * 2 + 2) index_stale_ = true;  // grows at the next lookup
  else index_insert(entries.size() - 1);
}

bool DictObj::erase(const Value& key) {
  size_t i = position(key);
  if (i == kAbsent) return false;
  if (!indexable_key(entries[i].first)) --unindexable_keys_;
  entries.erase(entries.begin() + long(i));
  index_stale_ = true;  // positions after i moved
  return true;
}

void DictObj::clear() {
  entries.clear();
  index_.clear();
  index_stale_ = true;
  unindexable_keys_ = 0;
}

void DictObj::assign(const DictObj& other) {
  entries = other.entries;
  unindexable_keys_ = other.unindexable_keys_;
  index_stale_ = true;
}

// ---- types -----------------------------------------------------------------------------

TypeObj* Interp::type_of(const Value& v) const {
  const Builtins& b = *builtins_;
  switch (v.kind()) {
    case VKind::Unbound:
    case VKind::None: return b.none;
    case VKind::Bool: return b.bool_;
    case VKind::Int: return b.int_;
    case VKind::Float: return b.float_;
    case VKind::Obj: break;
  }
  switch (v.obj()->okind) {
    case ObjKind::Str: return b.str;
    case ObjKind::List: return b.list;
    case ObjKind::Deque: return b.deque;
    case ObjKind::Set: return v.as<SetObj>()->frozen ? b.frozenset : b.set;
    case ObjKind::DictView: {
      auto w = v.as<DictViewObj>()->which;
      return w == DictViewObj::Keys ? b.dict_keys : w == DictViewObj::Values ? b.dict_values : b.dict_items;
    }
    case ObjKind::Tuple: return b.tuple;
    case ObjKind::Dict: return b.dict;
    case ObjKind::Range: return b.range;
    case ObjKind::Type: return b.type;
    case ObjKind::Exception: return v.as<ExcObj>()->type;
    case ObjKind::Builtin: return b.builtin_function;
    case ObjKind::Function: return b.function;
    case ObjKind::Coroutine: {
      const CodeObject* code = v.as<CoroObj>()->frame.code;
      return code->is_async_gen ? b.async_generator : code->is_generator ? b.generator : b.coroutine;
    }
    case ObjKind::Future: return b.future;
    case ObjKind::Task: return b.task;
    case ObjKind::Module: return b.module;
    case ObjKind::BoundMethod: return b.method;
    case ObjKind::Instance: return v.as<InstanceObj>()->type;
    case ObjKind::Iterator: return v.as<IteratorObj>()->ikind == IteratorObj::Kind::Gen ? b.generator : b.iterator;
    case ObjKind::Handle: return b.handle;
    case ObjKind::Anext: return v.as<AnextObj>()->mode == AnextObj::Mode::Send ? b.agen_asend : b.agen_athrow;
    case ObjKind::Loop:
    case ObjKind::BigInt: return b.int_;
    case ObjKind::Misc: return b.object;
  }
  return b.object;
}

// ---- repr / str -------------------------------------------------------------------------

namespace {

}  // namespace

// CPython prints real addresses, which change from run to run. corun numbers
// addresses in the order they are first printed, so the same scenario prints
// the same text every run; as in CPython, an object allocated where a freed
// one was shows the same address.
std::string fake_address(const void* p) {
  static std::unordered_map<const void*, uint64_t> numbers;
  auto [it, fresh] = numbers.emplace(p, numbers.size());
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x7f%010llx", (unsigned long long)(0x1000000 + it->second * 0x50));
  (void)fresh;
  return buf;
}

namespace {

std::string join_reprs(Interp& in, const std::vector<Value>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    charge_step();  // a container of shared containers can be huge to print
    if (i) s += ", ";
    s += in.repr(items[i]);
  }
  return s;
}

std::string future_state_text(const FutureObj* f) {
  switch (f->state) {
    case FutureObj::State::Pending: return "pending";
    case FutureObj::State::Cancelled: return "cancelled";
    case FutureObj::State::Finished: return "finished";
  }
  return "";
}

}  // namespace

// <Task pending name='Task-2' coro=<worker() running at x.yaml:5>>, as base_tasks._task_repr_info.
std::string task_repr(Interp& in, const TaskObj* t) {
  std::string s = "<Task " + future_state_text(t);
  if (t->state == FutureObj::State::Pending && t->must_cancel) s = "<Task cancelling";
  s += " name=" + pyfmt::str_repr(t->name());
  const CoroObj* c = t->coro.get();
  if (c) {
    // CPython's _format_coroutine shows the task's own coroutine frame
    // (cr_frame), not the innermost frame it awaits through.
    const Frame* f = &c->frame;
    std::string where;
    if (c->state == CoroObj::State::Done || t->done())
      where = "done, defined at " + in.location(c->frame.code, c->frame.code->def_line);
    else
      where = "running at " + in.location(f->code, f->code->code.empty() ? 0 : f->code->code[size_t(f->pc)].line);
    s += " coro=<" + c->frame.code->qualname + "() " + where + ">";
  }
  if (t->state == FutureObj::State::Finished) {
    if (!t->exception.is_none()) s += " exception=" + in.repr(t->exception);
    else s += " result=" + in.repr(t->result);
  }
  return s + ">";
}

namespace {

// Containers being printed, innermost last: a container that holds itself
// prints as [...] / {...}, as Python's reprlib-style recursion guard does.
thread_local std::vector<const Object*> g_repr_stack;

struct ReprGuard {
  bool recursive = false;
  explicit ReprGuard(const Object* o) {
    for (const Object* p : g_repr_stack) if (p == o) recursive = true;
    if (!recursive) g_repr_stack.push_back(o);
  }
  ~ReprGuard() { if (!recursive) g_repr_stack.pop_back(); }
};

}  // namespace

// str(int) past 4300 digits raises, as CPython 3.11's integer string
// conversion limit (sys.set_int_max_str_digits) does. Like CPython, a number
// whose size alone proves it too long is refused before the (quadratic)
// conversion, so str(3**10**7) fails at once.
std::string bigint_decimal(Interp& in, const BigInt& v) {
  constexpr size_t kMaxStrDigits = 4300;
  // 4300 decimal digits need at most 4300 * log2(10) < 14286 bits.
  const bool too_long = v.bit_length() > 14286;
  std::string s = too_long ? std::string() : v.to_string();
  if (too_long || s.size() - (v.is_negative() ? 1 : 0) > kMaxStrDigits)
    in.raise(in.builtins().ValueError,
             "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit");
  return s;
}

// format(big, spec): the int presentation types, on the digits BigInt gives.
std::string format_bigint(Interp& in, const BigInt& v, std::string_view spec) {
  if (spec.empty()) return bigint_decimal(in, v);
  char type = spec.back();
  if (std::strchr("eEfFgG%", type)) return in.format(Value::flt(v.to_double()), spec);
  // Format the magnitude's digits as a string, then put the sign and padding
  // around it the way int formatting does, by formatting a small stand-in.
  std::string digits;
  std::string_view rest = spec;
  if (std::strchr("xXobd", type)) rest.remove_suffix(1);
  else if (!std::isdigit((unsigned char)type) && !std::strchr(",_<>=^+- #", type))
    in.raise(in.builtins().ValueError, std::string("Unknown format code '") + type + "' for object of type 'int'");
  BigInt mag = v.is_negative() ? -v : v;
  switch (type) {
    case 'x': digits = mag.to_hex(); break;
    case 'X': digits = mag.to_hex(); for (auto& c : digits) c = char(std::toupper((unsigned char)c)); break;
    case 'o': digits = mag.to_octal(); break;
    case 'b': digits = mag.to_binary(); break;
    default: digits = bigint_decimal(in, mag); break;
  }
  bool alt = rest.find('#') != std::string_view::npos;
  std::string prefix = !alt ? "" : type == 'x' ? "0x" : type == 'X' ? "0X" : type == 'o' ? "0o" : type == 'b' ? "0b" : "";
  char group = rest.find(',') != std::string_view::npos ? ',' : rest.find('_') != std::string_view::npos ? '_' : 0;
  if (group) {
    size_t every = (type == 'x' || type == 'X' || type == 'o' || type == 'b') ? 4 : 3;
    std::string grouped;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i && (digits.size() - i) % every == 0) grouped += group;
      grouped += digits[i];
    }
    digits = grouped;
  }
  // Sign: '-' always when negative; '+' or ' ' on request.
  std::string sign = v.is_negative() ? "-" : rest.find('+') != std::string_view::npos ? "+" : rest.find(' ') != std::string_view::npos && rest.find(' ') > 0 ? " " : "";
  // Width, fill and alignment: parse [[fill]align][sign][#][0][width].
  size_t i = 0;
  char fill = ' ', align = '>';
  if (rest.size() >= 2 && std::strchr("<>=^", rest[1])) { fill = rest[0]; align = rest[1]; i = 2; }
  else if (!rest.empty() && std::strchr("<>=^", rest[0])) { align = rest[0]; i = 1; }
  while (i < rest.size() && std::strchr("+- #", rest[i])) ++i;
  if (i < rest.size() && rest[i] == '0') { if (!(rest.size() >= 2 && std::strchr("<>=^", rest[1]))) { fill = '0'; align = '='; } ++i; }
  size_t width = 0;
  while (i < rest.size() && std::isdigit((unsigned char)rest[i])) {
    // Past PY_SSIZE_T_MAX CPython's spec parser gives up (pyformat's read_integer).
    const size_t digit = size_t(rest[i++] - '0');
    if (width > (size_t(INT64_MAX) - digit) / 10) in.raise(in.builtins().ValueError, "Too many decimal digits in format string");
    width = width * 10 + digit;
  }
  std::string body = prefix + digits;
  size_t len = sign.size() + body.size();
  if (len >= width) return sign + body;
  size_t pad = width - len;
  reserve_bytes(width);
  switch (align) {
    case '<': return sign + body + std::string(pad, fill);
    case '^': return std::string(pad / 2, fill) + sign + body + std::string(pad - pad / 2, fill);
    case '=': return sign + std::string(pad, fill) + body;
    default: return std::string(pad, fill) + sign + body;
  }
}

// Arithmetic past 64 bits (either operand a BigInt, or an int64 overflow).
Value bigint_op(Interp& in, BinOp op, const Value& a, const Value& b) {
  const Builtins& B = in.builtins();
  BigInt x = to_bigint(a), y = to_bigint(b);
  switch (op) {
    case BinOp::Add: return make_int(x + y);
    case BinOp::Sub: return make_int(x - y);
    case BinOp::Mul: return make_int(x * y);
    case BinOp::Div:
      if (y.is_zero()) in.raise(B.ZeroDivisionError, "division by zero");
      return Value::flt(a.as_double() / b.as_double());
    case BinOp::FloorDiv:
    case BinOp::Mod:
      if (y.is_zero()) in.raise(B.ZeroDivisionError, "integer division or modulo by zero");
      return make_int(op == BinOp::FloorDiv ? BigInt::floordiv(x, y) : BigInt::mod(x, y));
    case BinOp::Pow: {
      if (y.is_negative()) {
        if (x.is_zero()) in.raise(B.ZeroDivisionError, "0.0 cannot be raised to a negative power");
        return Value::flt(std::pow(a.as_double(), b.as_double()));
      }
      if (x.is_zero() || x == BigInt(1)) return make_int(x);
      if (x == BigInt(-1)) return make_int(y.is_zero() ? BigInt(1) : BigInt::mod(y, BigInt(2)).is_zero() ? BigInt(1) : x);
      // |x| >= 2 here: an exponent past 2**63 needs more than 2**63 bits,
      // which no memory holds (MemoryError, as CPython's allocation fails).
      // Below that, pow reserves the result and charges its multiplications.
      if (!y.fits_int64()) throw std::bad_alloc();
      return make_int(BigInt::pow(x, uint64_t(y.to_int64())));
    }
    default: break;
  }
  return Value();
}

// The text a __str__ or __repr__ returns, which must be a str.
static std::string dunder_text(Interp& in, const Value& v, const FunctionObj* f, const char* name) {
  NativeRecursion depth(" while getting the repr of an object");
  Value r = call_dunder(in, v, f, {});
  if (!r.is(ObjKind::Str))
    in.raise(in.builtins().TypeError, std::string(name) + " returned non-string (type " + in.type_of(r)->name + ")");
  return str_of(r);
}

std::string Interp::repr(const Value& v) {
  if (!v.is_obj()) return repr_value(v);
  NativeRecursion depth(" while getting the repr of an object");
  if (v.is(ObjKind::List) || v.is(ObjKind::Dict) || v.is(ObjKind::Tuple) || v.is(ObjKind::Deque)) {
    ReprGuard guard(v.obj());
    if (guard.recursive) return v.is(ObjKind::List) || v.is(ObjKind::Deque) ? "[...]" : v.is(ObjKind::Dict) ? "{...}" : "(...)";
    return repr_container(v);
  }
  if (v.is(ObjKind::Future) || v.is(ObjKind::Task)) {  // reprlib.recursive_repr on Future.__repr__
    ReprGuard guard(v.obj());
    if (guard.recursive) return "...";
    return repr_value(v);
  }
  return repr_value(v);
}

std::string Interp::repr_container(const Value& v) { return repr_value(v); }

std::string Interp::repr_value(const Value& v) {
  switch (v.kind()) {
    case VKind::Unbound:
    case VKind::None: return "None";
    case VKind::Bool: return v.as_bool() ? "True" : "False";
    case VKind::Int: return pyfmt::int_str(v.as_int());
    case VKind::Float: return pyfmt::float_repr(v.as_float());
    case VKind::Obj: break;
  }
  if (v.is(ObjKind::Instance) || v.is(ObjKind::Exception))
    if (const FunctionObj* f = user_method_of(v, "__repr__")) return dunder_text(*this, v, f, "__repr__");
  return base_repr(v);
}

// The builtin types' repr: object.__repr__ and BaseException.__repr__ for
// scenario classes, whatever they override.
std::string Interp::base_repr(const Value& v) {
  if (!v.is_obj()) return repr_value(v);
  Object* o = v.obj();
  switch (o->okind) {
    case ObjKind::Str: return pyfmt::str_repr(str_of(v));
    case ObjKind::BigInt: return bigint_decimal(*this, v.as<BigIntObj>()->v);
    case ObjKind::List: return "[" + join_reprs(*this, v.as<ListObj>()->items) + "]";
    case ObjKind::Set: {
      auto* so = v.as<SetObj>();
      std::vector<Value> items = pyset::items(so);
      if (items.empty()) return so->frozen ? "frozenset()" : "set()";
      std::string body = "{" + join_reprs(*this, items) + "}";
      return so->frozen ? "frozenset(" + body + ")" : body;
    }
    case ObjKind::DictView: {
      auto* view = v.as<DictViewObj>();
      return std::string(view->type_name()) + "(" + repr(make_list(to_vector(v))) + ")";
    }
    case ObjKind::Deque: {
      const auto& d = v.as<DequeObj>()->items;
      return "deque([" + join_reprs(*this, std::vector<Value>(d.begin(), d.end())) + "])";
    }
    case ObjKind::Tuple: {
      const auto& items = v.as<TupleObj>()->items;
      return "(" + join_reprs(*this, items) + (items.size() == 1 ? ",)" : ")");
    }
    case ObjKind::Dict: {
      std::string s = "{";
      bool first = true;
      for (auto& [k, val] : v.as<DictObj>()->entries) {
        charge_step();
        if (!first) s += ", ";
        first = false;
        s += repr(k) + ": " + repr(val);
      }
      return s + "}";
    }
    case ObjKind::Range: {
      auto* r = v.as<RangeObj>();
      return "range(" + std::to_string(r->start) + ", " + std::to_string(r->stop) +
             (r->step != 1 ? ", " + std::to_string(r->step) : "") + ")";
    }
    case ObjKind::Type: {
      auto* t = v.as<TypeObj>();
      return "<class '" + (t->module == "builtins" ? t->name : t->module + "." + t->name) + "'>";
    }
    case ObjKind::Exception: {
      auto* e = v.as<ExcObj>();
      if (e->type->is_subclass_of(builtins_->BaseExceptionGroup) && e->args.size() == 2) {
        const auto& excs = e->args[1].as<TupleObj>()->items;
        if (e->group_from_tuple) return e->type->name + "(" + repr(e->args[0]) + ", " + repr(e->args[1]) + ")";
        return e->type->name + "(" + repr(e->args[0]) + ", [" + join_reprs(*this, excs) + "])";
      }
      return e->type->name + "(" + join_reprs(*this, e->args) + ")";
    }
    case ObjKind::Builtin: {
      auto* b = v.as<BuiltinObj>();
      // A method of a builtin value (s.discard) carries (receiver, name): name the receiver.
      if (b->self.is(ObjKind::Tuple) && b->self.as<TupleObj>()->items.size() == 2) {
        const auto& packed = b->self.as<TupleObj>()->items;
        if (packed[1].is(ObjKind::Str) && str_of(packed[1]) == b->name && packed[0].is_obj())
          return "<built-in method " + std::string(b->name) + " of " + type_of(packed[0])->name + " object at " +
                 fake_address(packed[0].obj()) + ">";
      }
      if (!b->self.is_none()) return "<built-in method " + std::string(b->name) + " of " + type_of(b->self)->name + " object at " + fake_address(b->self.obj()) + ">";
      return "<built-in function " + std::string(b->name) + ">";
    }
    case ObjKind::Function: return "<function " + v.as<FunctionObj>()->code->qualname + " at " + fake_address(o) + ">";
    case ObjKind::BoundMethod: {
      auto* m = v.as<BoundMethodObj>();
      if (m->func.is(ObjKind::Function))
        return "<bound method " + m->func.as<FunctionObj>()->code->qualname + " of " + repr(m->self) + ">";
      return "<bound method " + type_of(m->self)->name + "." + std::string(m->func.as<BuiltinObj>()->name) + " of " + repr(m->self) + ">";
    }
    case ObjKind::Coroutine: {
      const CodeObject* code = v.as<CoroObj>()->frame.code;
      return std::string(code->is_async_gen ? "<async_generator object " : code->is_generator ? "<generator object " : "<coroutine object ") +
             code->qualname + " at " + fake_address(o) + ">";
    }
    case ObjKind::Anext: return "<" + type_of(v)->name + " object at " + fake_address(o) + ">";
    case ObjKind::Task: return task_repr(*this, v.as<TaskObj>());
    case ObjKind::Future: {
      auto* f = v.as<FutureObj>();
      std::string s = "<Future " + future_state_text(f);
      if (f->state == FutureObj::State::Finished)
        s += !f->exception.is_none() ? " exception=" + repr(f->exception) : " result=" + repr(f->result);
      return s + ">";
    }
    case ObjKind::Module: return "<module '" + v.as<ModuleObj>()->name + "'>";
    case ObjKind::Instance: {
      if (v.same(not_implemented())) return "NotImplemented";
      auto* i = v.as<InstanceObj>();
      if (const Value* r = i->type->find_attr("__repr__"); r && r->is(ObjKind::Builtin)) {  // functools.partial
        CallArgs none;
        return str_of(r->as<BuiltinObj>()->fn(*this, v, none));
      }
      return "<" + i->type->module + "." + i->type->name + " object at " + fake_address(o) + ">";
    }
    case ObjKind::Iterator:
      if (v.as<IteratorObj>()->ikind == IteratorObj::Kind::Gen)
        return "<generator object " + v.as<IteratorObj>()->gen_code->qualname + " at " + fake_address(o) + ">";
      return "<iterator object at " + fake_address(o) + ">";
    case ObjKind::Handle: return handle_repr(*this, v);
    case ObjKind::Loop: return loop_repr(v.as<LoopObj>());
    case ObjKind::Misc: return "<object at " + fake_address(o) + ">";
  }
  return "<object>";
}

// repr() or str() of an instance: its class's __repr__ / __str__ when it
// has one (the asyncio prelude's Lock, Queue, ... port CPython's), else
// object's (str falls back to __repr__, as object.__str__ does).
// `a < b` with no order between their types: CPython's TypeError.
void Interp::raise_unorderable(CmpOp op, const Value& a, const Value& b) {
  const char* symbol = op == CmpOp::Lt ? "<" : op == CmpOp::Le ? "<=" : op == CmpOp::Gt ? ">" : op == CmpOp::Ge ? ">=" : "!=";
  raise(builtins_->TypeError, std::string("'") + symbol + "' not supported between instances of '" + type_of(a)->name +
                                  "' and '" + type_of(b)->name + "'");
}

std::string Interp::str(const Value& v) {
  if (v.is(ObjKind::Str)) return str_of(v);
  if (v.is(ObjKind::Instance) || v.is(ObjKind::Exception))
    if (const FunctionObj* f = user_method_of(v, "__str__")) return dunder_text(*this, v, f, "__str__");
  return base_str(v);
}

// str() as the builtin types define it (BaseException.__str__, object.__str__).
std::string Interp::base_str(const Value& v) {
  if (v.is(ObjKind::Str)) return str_of(v);
  if (v.is(ObjKind::Exception)) {
    NativeRecursion depth(" while getting the str of an object");
    auto* e = v.as<ExcObj>();
    if (e->type->is_subclass_of(builtins_->BaseExceptionGroup) && e->args.size() == 2) {
      size_t n = e->args[1].as<TupleObj>()->items.size();
      return str(e->args[0]) + " (" + std::to_string(n) + " sub-exception" + (n == 1 ? "" : "s") + ")";
    }
    if (e->args.empty()) return "";
    if (e->args.size() == 1) {
      if (e->type->is_subclass_of(builtins_->KeyError)) return repr(e->args[0]);
      return str(e->args[0]);
    }
    return repr(make_tuple(e->args));
  }
  return repr(v);
}

std::string Interp::format(const Value& v, std::string_view spec) {
  if (v.is_bigint()) return format_bigint(*this, v.as<BigIntObj>()->v, spec);
  try {
    if (v.is_bool()) return pyfmt::format_bool(v.as_bool(), spec);
    if (v.is_int()) return pyfmt::format_int(v.as_int(), spec);
    if (v.is_float()) return pyfmt::format_float(v.as_float(), spec);
    if (v.is(ObjKind::Str)) return pyfmt::format_str(str_of(v), spec);
  } catch (const pyfmt::FormatError& e) {
    raise(builtins_->ValueError, e.what());
  }
  if (may_have_dunders(v)) {
    std::string out;
    if (user_format(*this, v, spec, out)) return out;
  }
  // object.__format__: only the empty spec is allowed.
  if (!spec.empty())
    raise(builtins_->TypeError, "unsupported format string passed to " + type_of(v)->name + ".__format__");
  return str(v);
}

// bool(x) for an instance: __bool__, else __len__, else True.
static bool user_truthy(Interp& in, const Value& v) {
  if (const FunctionObj* f = user_method_of(v, "__bool__")) {
    Value r = call_dunder(in, v, f, {});
    if (!r.is_bool()) in.raise(in.builtins().TypeError, "__bool__ should return bool, returned " + in.type_of(r)->name);
    return r.as_bool();
  }
  if (const FunctionObj* f = user_method_of(v, "__len__")) {
    Value r = call_dunder(in, v, f, {});
    if (!r.is_intlike()) in.raise(in.builtins().TypeError, "'" + in.type_of(r)->name + "' object cannot be interpreted as an integer");
    if (r.as_int() < 0) in.raise(in.builtins().ValueError, "__len__() should return >= 0");
    return r.as_int() != 0;
  }
  return true;
}

bool Interp::truthy(const Value& v) {
  switch (v.kind()) {
    case VKind::Unbound:
    case VKind::None: return false;
    case VKind::Bool:
    case VKind::Int: return v.as_int() != 0;
    case VKind::Float: return v.as_float() != 0.0;
    case VKind::Obj: break;
  }
  switch (v.obj()->okind) {
    case ObjKind::BigInt: return true;  // never zero: zero fits in 64 bits
    case ObjKind::Str: return !str_of(v).empty();
    case ObjKind::List: return !v.as<ListObj>()->items.empty();
    case ObjKind::Deque: return !v.as<DequeObj>()->items.empty();
    case ObjKind::Set: return v.as<SetObj>()->size() != 0;
    case ObjKind::DictView: return !v.as<DictViewObj>()->target()->entries.empty();
    case ObjKind::Tuple: return !v.as<TupleObj>()->items.empty();
    case ObjKind::Dict: return !v.as<DictObj>()->entries.empty();
    case ObjKind::Range: return v.as<RangeObj>()->length() != 0;
    case ObjKind::Instance: return user_truthy(*this, v);
    default: return true;
  }
}

// ---- arithmetic ---------------------------------------------------------------------------

namespace {

const char* op_symbol(BinOp op) {
  switch (op) {
    case BinOp::Add: return "+";
    case BinOp::Sub: return "-";
    case BinOp::Mul: return "*";
    case BinOp::Div: return "/";
    case BinOp::FloorDiv: return "//";
    case BinOp::Mod: return "%";
    case BinOp::Pow: return "** or pow()";
    default: break;
  }
  return "?";
}

// seq * n (str, list, tuple), with CPython's size checks: a length that
// would pass PY_SSIZE_T_MAX is OverflowError for str ("repeated string is too
// long") and MemoryError for list and tuple; one that merely does not fit in
// memory is MemoryError, refused before anything is built.
Value repeat_seq(Interp& in, const Value& seq, int64_t n) {
  if (n < 0) n = 0;
  if (seq.is(ObjKind::Str)) {
    const std::string& s = str_of(seq);
    if (n == 0 || s.empty()) return make_str("");
    size_t bytes;
    if (__builtin_mul_overflow(s.size(), size_t(n), &bytes) || bytes > size_t(INT64_MAX)) {
      // CPython counts code points; UTF-8 bytes can overflow where they don't.
      if (pyfmt::utf8_length(s) > size_t(INT64_MAX / n)) in.raise(in.builtins().OverflowError, "repeated string is too long");
      throw std::bad_alloc();
    }
    reserve_bytes(bytes);
    // Doubling copies: log2(n) memcpy calls, not n appends of a short string.
    std::string out;
    out.reserve(bytes);
    out += s;
    while (out.size() * 2 <= bytes) out.append(out.data(), out.size());
    out.append(out.data(), bytes - out.size());
    return make_str(std::move(out));
  }
  const auto& items = seq.is(ObjKind::List) ? seq.as<ListObj>()->items : seq.as<TupleObj>()->items;
  if (n == 0 || items.empty()) return seq.is(ObjKind::List) ? make_list() : make_tuple();
  const size_t count = checked_mul(items.size(), size_t(n));
  reserve_items(count);
  std::vector<Value> out;
  out.reserve(count);
  for (int64_t i = 0; i < n; ++i) out.insert(out.end(), items.begin(), items.end());
  return seq.is(ObjKind::List) ? make_list(std::move(out)) : make_tuple(std::move(out));
}

// a + b for str, list, tuple: the result's size is checked before it is built.
Value concat_seq(const Value& a, const Value& b) {
  if (a.is(ObjKind::Str)) {
    const std::string &x = str_of(a), &y = str_of(b);
    const size_t bytes = checked_add(x.size(), y.size());
    reserve_bytes(bytes);
    std::string out;
    out.reserve(bytes);
    out += x;
    out += y;
    return make_str(std::move(out));
  }
  const auto& x = a.is(ObjKind::List) ? a.as<ListObj>()->items : a.as<TupleObj>()->items;
  const auto& y = b.is(ObjKind::List) ? b.as<ListObj>()->items : b.as<TupleObj>()->items;
  reserve_items(checked_add(x.size(), y.size()));
  std::vector<Value> v;
  v.reserve(x.size() + y.size());
  v.insert(v.end(), x.begin(), x.end());
  v.insert(v.end(), y.begin(), y.end());
  return a.is(ObjKind::List) ? make_list(std::move(v)) : make_tuple(std::move(v));
}

}  // namespace

Value bitwise_op(Interp& in, BinOp op, const Value& a, const Value& b);  // engine/python/bitwise.cpp

Value Interp::binary_op(BinOp op, const Value& a, const Value& b) {
  const Builtins& B = *builtins_;
  if (op >= BinOp::BitOr) return bitwise_op(*this, op, a, b);
  if (a.is_intlike() && b.is_intlike()) {
    int64_t x = a.as_int(), y = b.as_int(), r = 0;
    // Past 64 bits Python's ints keep growing: redo the operation in BigInt.
    auto overflow = [&]() -> Value { return bigint_op(*this, op, a, b); };
    switch (op) {
      case BinOp::Add: if (__builtin_add_overflow(x, y, &r)) return overflow(); return Value::integer(r);
      case BinOp::Sub: if (__builtin_sub_overflow(x, y, &r)) return overflow(); return Value::integer(r);
      case BinOp::Mul: if (__builtin_mul_overflow(x, y, &r)) return overflow(); return Value::integer(r);
      case BinOp::Div:
        if (y == 0) raise(B.ZeroDivisionError, "division by zero");
        return Value::flt(double(x) / double(y));
      case BinOp::FloorDiv: {
        if (y == 0) raise(B.ZeroDivisionError, "integer division or modulo by zero");
        if (x == INT64_MIN && y == -1) return overflow();
        int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
        return Value::integer(q);
      }
      case BinOp::Mod: {
        if (y == 0) raise(B.ZeroDivisionError, "integer division or modulo by zero");
        if (y == -1) return Value::integer(0);
        int64_t m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        return Value::integer(m);
      }
      case BinOp::Pow: {
        if (y < 0) {
          if (x == 0) raise(B.ZeroDivisionError, "0.0 cannot be raised to a negative power");
          return Value::flt(std::pow(double(x), double(y)));
        }
        int64_t result = 1, base = x;
        int64_t e = y;
        while (e > 0) {
          if (e & 1) { if (__builtin_mul_overflow(result, base, &result)) return overflow(); }
          e >>= 1;
          if (e > 0 && __builtin_mul_overflow(base, base, &base)) return overflow();
        }
        return Value::integer(result);
      }
      default: break;
    }
  }
  if (may_have_dunders(a) || may_have_dunders(b)) {
    Value r;
    if (user_binary(*this, int(op), a, b, r)) return r;
  }

  if (a.is_integer() && b.is_integer()) return bigint_op(*this, op, a, b);
  if (a.is_number() && b.is_number()) {
    double x = a.as_double(), y = b.as_double();
    switch (op) {
      case BinOp::Add: return Value::flt(x + y);
      case BinOp::Sub: return Value::flt(x - y);
      case BinOp::Mul: return Value::flt(x * y);
      case BinOp::Div:
        if (y == 0) raise(B.ZeroDivisionError, "float division by zero");
        return Value::flt(x / y);
      case BinOp::FloorDiv: {
        if (y == 0) raise(B.ZeroDivisionError, "float floor division by zero");
        double m = std::fmod(x, y);
        double div = (x - m) / y;
        if (m != 0 && ((y < 0) != (m < 0))) div -= 1.0;
        double fl = std::floor(div);
        if (div - fl > 0.5) fl += 1.0;
        if (div == 0) fl = std::copysign(0.0, x / y);
        return Value::flt(fl);
      }
      case BinOp::Mod: {
        if (y == 0) raise(B.ZeroDivisionError, "float modulo");
        double m = std::fmod(x, y);
        if (m != 0) { if ((y < 0) != (m < 0)) m += y; }
        else m = std::copysign(0.0, y);
        return Value::flt(m);
      }
      case BinOp::Pow:
        if (x == 0 && y < 0) raise(B.ZeroDivisionError, "0.0 cannot be raised to a negative power");
        if (x < 0 && y != std::floor(y)) raise(B.ValueError, "complex results are not supported by corun");
        return Value::flt(std::pow(x, y));
      default: break;
    }
  }
  if (op == BinOp::Add) {
    if ((a.is(ObjKind::Str) && b.is(ObjKind::Str)) || (a.is(ObjKind::List) && b.is(ObjKind::List)) ||
        (a.is(ObjKind::Tuple) && b.is(ObjKind::Tuple)))
      return concat_seq(a, b);
    if (a.is(ObjKind::Str)) raise(B.TypeError, "can only concatenate str (not \"" + type_of(b)->name + "\") to str");
    if (a.is(ObjKind::List)) raise(B.TypeError, "can only concatenate list (not \"" + type_of(b)->name + "\") to list");
    if (a.is(ObjKind::Tuple)) raise(B.TypeError, "can only concatenate tuple (not \"" + type_of(b)->name + "\") to tuple");
  }
  if (op == BinOp::Mul) {
    bool seq_a = a.is(ObjKind::Str) || a.is(ObjKind::List) || a.is(ObjKind::Tuple);
    bool seq_b = b.is(ObjKind::Str) || b.is(ObjKind::List) || b.is(ObjKind::Tuple);
    if (seq_a && b.is_intlike()) return repeat_seq(*this, a, b.as_int());
    if (seq_b && a.is_intlike()) return repeat_seq(*this, b, a.as_int());
    // A count past 64 bits, either sign: CPython's index conversion refuses it.
    if ((seq_a && b.is_bigint()) || (seq_b && a.is_bigint()))
      raise(B.OverflowError, "cannot fit 'int' into an index-sized integer");
    if (seq_a || seq_b)
      raise(B.TypeError, "can't multiply sequence by non-int of type '" + type_of(seq_a ? b : a)->name + "'");
  }
  if (op == BinOp::Sub) {  // set difference
    Value out;
    if (set_binary_op(*this, '-', a, b, out)) return out;
  }
  if (op == BinOp::Mod && a.is(ObjKind::Str))
    raise(B.TypeError, "printf-style '%' formatting is not supported by corun; use an f-string");
  raise(B.TypeError, std::string("unsupported operand type(s) for ") + op_symbol(op) + ": '" + type_of(a)->name +
                         "' and '" + type_of(b)->name + "'");
}

namespace {

bool contains(Interp& in, const Value& container, const Value& item) {
  if (container.is(ObjKind::Str)) {
    if (!item.is(ObjKind::Str))
      in.raise(in.builtins().TypeError, "'in <string>' requires string as left operand, not " + in.type_of(item)->name);
    charge(str_of(container).size() / kBytesPerUnit);
    return str_of(container).find(str_of(item)) != std::string::npos;
  }
  if (container.is(ObjKind::Dict)) return container.as<DictObj>()->find(item) != nullptr;
  if (container.is(ObjKind::Set)) return pyset::contains(in, container.as<SetObj>(), item);
  if (container.is(ObjKind::DictView)) return dict_view_contains(in, container.as<DictViewObj>(), item);
  if (container.is(ObjKind::Range)) {
    auto* r = container.as<RangeObj>();
    if (!item.is_intlike()) return false;
    int64_t x = item.as_int();
    if (r->step > 0 ? (x < r->start || x >= r->stop) : (x > r->start || x <= r->stop)) return false;
    return (x - r->start) % r->step == 0;
  }
  if (container.is(ObjKind::List) || container.is(ObjKind::Tuple)) {
    const auto& items = container.is(ObjKind::List) ? container.as<ListObj>()->items : container.as<TupleObj>()->items;
    for (auto& x : items) {
      charge_step();
      if (x.same(item) || values_equal(x, item)) return true;
    }
    return false;
  }
  if (const FunctionObj* f = user_method_of(container, "__contains__"))
    return in.truthy(call_dunder(in, container, f, {item}));
  Value it = in.get_iter(container), x;
  while (in.iter_next(it, x)) {
    charge_step();
    if (x.same(item) || values_equal(x, item)) return true;
  }
  return false;
}


// -1, 0, 1 for ordered comparison; 2 when every ordered comparison is false
// (NaN); 3 or 4 when the answer is true or false itself (sets, ordered by
// inclusion); raises TypeError when unordered.
int order(Interp& in, CmpOp op, const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) {
      double x = a.as_double(), y = b.as_double();
      if (std::isnan(x) || std::isnan(y)) return 2;  // every ordered comparison is false
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.is_intlike() && b.is_intlike()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
    return to_bigint(a).compare(to_bigint(b));
  }
  if (a.is(ObjKind::Str) && b.is(ObjKind::Str)) {
    int c = str_of(a).compare(str_of(b));  // UTF-8 byte order == code point order
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  bool la = a.is(ObjKind::List), lb = b.is(ObjKind::List), ta = a.is(ObjKind::Tuple), tb = b.is(ObjKind::Tuple);
  if ((la && lb) || (ta && tb)) {
    NativeRecursion guard(" in comparison", 1);
    const auto& x = la ? a.as<ListObj>()->items : a.as<TupleObj>()->items;
    const auto& y = lb ? b.as<ListObj>()->items : b.as<TupleObj>()->items;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (values_equal(x[i], y[i])) continue;
      return order(in, op, x[i], y[i]);
    }
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  auto set_like = [](const Value& v) {
    return v.is(ObjKind::Set) || (v.is(ObjKind::DictView) && v.as<DictViewObj>()->which != DictViewObj::Values);
  };
  if (set_like(a) && set_like(b)) {  // inclusion: a partial order, answered here
    Value x = a.is(ObjKind::Set) ? a : Value(pyset::make(in, a, false));
    Value y = b.is(ObjKind::Set) ? b : Value(pyset::make(in, b, false));
    bool r = false;
    set_order(in, op == CmpOp::Lt ? '<' : op == CmpOp::Le ? 'l' : op == CmpOp::Gt ? '>' : 'g', x, y, r);
    return r ? 3 : 4;
  }
  in.raise_unorderable(op, a, b);
}

}  // namespace

bool Interp::compare(CmpOp op, const Value& a, const Value& b) {
  switch (op) {
    case CmpOp::Eq: return values_equal(a, b);
    case CmpOp::Ne:
      if (may_have_dunders(a) || may_have_dunders(b)) {
        bool handled = false;
        bool r = user_compare(*this, int(op), a, b, handled);
        if (handled) return r;
      }
      return !values_equal(a, b);
    case CmpOp::Is: return a.same(b) || (a.is_none() && b.is_none());
    case CmpOp::IsNot: return !(a.same(b) || (a.is_none() && b.is_none()));
    case CmpOp::In: return contains(*this, b, a);
    case CmpOp::NotIn: return !contains(*this, b, a);
    default: break;
  }
  if (may_have_dunders(a) || may_have_dunders(b)) {
    bool handled = false;
    bool r = user_compare(*this, int(op), a, b, handled);
    if (handled) return r;
  }
  int c = order(*this, op, a, b);
  if (c == 2 || c == 4) return false;
  if (c == 3) return true;
  switch (op) {
    case CmpOp::Lt: return c < 0;
    case CmpOp::Le: return c <= 0;
    case CmpOp::Gt: return c > 0;
    case CmpOp::Ge: return c >= 0;
    default: return false;
  }
}

// ---- subscripts, slices, iteration ------------------------------------------------------------

namespace {

// Code-point boundaries of a UTF-8 string (only built for non-ASCII text).
// Linear in the string, on every index or slice of non-ASCII text: charged.
std::vector<size_t> code_points(const std::string& s) {
  reserve(checked_mul(s.size(), sizeof(size_t)));
  charge(s.size() / 4);
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  return starts;
}

bool is_ascii(const std::string& s) {
  charge(s.size() / kBytesPerUnit);
  for (unsigned char c : s) if (c >= 0x80) return false;
  return true;
}

}  // namespace

// iter(x) for an instance: its __iter__, whose result has __next__ (an
// instance, wrapped so that `for` can step it) or is a builtin iterator.
static Value user_iter(Interp& in, const Value& v) {
  const FunctionObj* f = user_method_of(v, "__iter__");
  if (!f) in.raise(in.builtins().TypeError, "'" + in.type_of(v)->name + "' object is not iterable");
  Value it = call_dunder(in, v, f, {});
  if (it.is(ObjKind::Iterator)) return it;
  if (!user_method_of(it, "__next__"))
    in.raise(in.builtins().TypeError, "iter() returned non-iterator of type '" + in.type_of(it)->name + "'");
  Ref<IteratorObj> wrapper(new IteratorObj(IteratorObj::Kind::User));
  wrapper->source = it;
  return Value(wrapper);
}

// next(it) for an instance: its __next__; StopIteration ends the loop.
static bool user_next(Interp& in, const Value& it, Value& out) {
  try {
    out = call_dunder(in, it, user_method_of(it, "__next__"), {});
    return true;
  } catch (PyException& e) {
    if (e.exc.is(ObjKind::Exception) && e.exc.as<ExcObj>()->type->is_subclass_of(in.builtins().StopIteration)) return false;
    throw;
  }
}

Value Interp::subscript(const Value& obj, const Value& index) {
  if (obj.is(ObjKind::Instance)) {
    if (const FunctionObj* f = user_method_of(obj, "__getitem__")) return call_dunder(*this, obj, f, {index});
    raise(builtins_->TypeError, "'" + type_of(obj)->name + "' object is not subscriptable");
  }
  if (obj.is(ObjKind::Dict)) {
    Value* v = obj.as<DictObj>()->find(index);
    if (!v) throw PyException{make_exception_args(builtins_->KeyError, {index})};
    return *v;
  }
  auto seq_index = [&](int64_t len, const char* what) -> size_t {
    if (index.is_bigint()) raise(builtins_->IndexError, "cannot fit 'int' into an index-sized integer");
    if (!index.is_intlike())
      raise(builtins_->TypeError, std::string(what) + " indices must be integers or slices, not " + type_of(index)->name);
    int64_t i = index.as_int();
    if (i < 0) i += len;
    if (i < 0 || i >= len) raise(builtins_->IndexError, std::string(what) + " index out of range");
    return size_t(i);
  };
  if (obj.is(ObjKind::List)) {
    auto& items = obj.as<ListObj>()->items;
    return items[seq_index(int64_t(items.size()), "list")];
  }
  if (obj.is(ObjKind::Deque)) {
    auto& items = obj.as<DequeObj>()->items;
    return items[seq_index(int64_t(items.size()), "deque")];
  }
  if (obj.is(ObjKind::Tuple)) {
    auto& items = obj.as<TupleObj>()->items;
    return items[seq_index(int64_t(items.size()), "tuple")];
  }
  if (obj.is(ObjKind::Str)) {
    const std::string& s = str_of(obj);
    if (is_ascii(s)) return make_str(std::string(1, s[seq_index(int64_t(s.size()), "string")]));
    auto cps = code_points(s);
    size_t i = seq_index(int64_t(cps.size()), "string");
    size_t end = i + 1 < cps.size() ? cps[i + 1] : s.size();
    return make_str(s.substr(cps[i], end - cps[i]));
  }
  if (obj.is(ObjKind::Range)) {
    auto* r = obj.as<RangeObj>();
    size_t i = seq_index(r->length(), "range object");
    return Value::integer(r->start + int64_t(i) * r->step);
  }
  raise(builtins_->TypeError, "'" + type_of(obj)->name + "' object is not subscriptable");
}

Value slice_value(Interp& in, const Value& obj, const Value& lo, const Value& hi, const Value& st) {
  // Like CPython's _PyEval_SliceIndex, an index past 64 bits is clamped.
  auto idx = [&](const Value& v) -> int64_t {
    if (v.is_bigint()) return v.as<BigIntObj>()->v.is_negative() ? INT64_MIN : INT64_MAX;
    if (!v.is_intlike()) in.raise(in.builtins().TypeError, "slice indices must be integers or None or have an __index__ method");
    return v.as_int();
  };
  int64_t step = st.is_none() ? 1 : idx(st);
  if (step == 0) in.raise(in.builtins().ValueError, "slice step cannot be zero");
  if (step < -INT64_MAX) step = -INT64_MAX;  // PySlice_Unpack: -step must not overflow
  // Indices come out of this in order; `count` of them, known before any is
  // taken, so the result is reserved first (and i never steps past int64).
  auto pick = [&](int64_t len, auto&& take) {
    int64_t start, stop;
    if (lo.is_none()) start = step > 0 ? 0 : len - 1;
    else { start = idx(lo); if (start < 0) start += len; start = step > 0 ? std::clamp<int64_t>(start, 0, len) : std::clamp<int64_t>(start, -1, len - 1); }
    if (hi.is_none()) stop = step > 0 ? len : -1;
    else { stop = idx(hi); if (stop < 0) stop += len; stop = step > 0 ? std::clamp<int64_t>(stop, 0, len) : std::clamp<int64_t>(stop, -1, len - 1); }
    const __int128 span = step > 0 ? __int128(stop) - start : __int128(start) - stop;
    const __int128 abs_step = step > 0 ? __int128(step) : -__int128(step);
    const size_t count = span <= 0 ? 0 : size_t((span + abs_step - 1) / abs_step);
    reserve_items(count);
    for (size_t k = 0; k < count; ++k) take(size_t(__int128(start) + __int128(k) * step));
    return count;
  };
  if (obj.is(ObjKind::List) || obj.is(ObjKind::Tuple)) {
    const auto& items = obj.is(ObjKind::List) ? obj.as<ListObj>()->items : obj.as<TupleObj>()->items;
    std::vector<Value> out;
    pick(int64_t(items.size()), [&](size_t i) { out.push_back(items[i]); });
    return obj.is(ObjKind::List) ? make_list(std::move(out)) : make_tuple(std::move(out));
  }
  if (obj.is(ObjKind::Str)) {
    const std::string& s = str_of(obj);
    std::string out;
    if (is_ascii(s)) {
      pick(int64_t(s.size()), [&](size_t i) { out += s[i]; });
    } else {
      auto cps = code_points(s);
      pick(int64_t(cps.size()), [&](size_t i) {
        size_t end = i + 1 < cps.size() ? cps[i + 1] : s.size();
        out += s.substr(cps[i], end - cps[i]);
      });
    }
    return make_str(std::move(out));
  }
  if (obj.is(ObjKind::Range)) {
    auto* r = obj.as<RangeObj>();
    std::vector<Value> out;
    pick(r->length(), [&](size_t i) { out.push_back(Value::integer(r->start + int64_t(i) * r->step)); });
    return make_list(std::move(out));  // corun simplification: a sliced range is a list
  }
  in.raise(in.builtins().TypeError, "'" + in.type_of(obj)->name + "' object is not subscriptable");
}

Value Interp::get_iter(const Value& v) {
  if (v.is(ObjKind::Iterator)) return v;
  if (v.is(ObjKind::Instance)) return user_iter(*this, v);
  if (v.is(ObjKind::List) || v.is(ObjKind::Deque)) {
    Ref<IteratorObj> it(new IteratorObj(v.is(ObjKind::List) ? IteratorObj::Kind::List : IteratorObj::Kind::Deque));
    it->source = v;
    return Value(it);
  }
  if (v.is(ObjKind::Set) || v.is(ObjKind::Dict) || v.is(ObjKind::DictView)) return live_iterator(v);
  if (v.is(ObjKind::Range)) {
    auto* r = v.as<RangeObj>();
    Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Range));
    it->cur = r->start;
    it->stop = r->stop;
    it->step = r->step;
    return Value(it);
  }
  if (v.is(ObjKind::Coroutine) && v.as<CoroObj>()->frame.code->is_generator) {
    // A generator is its own iterator; the wrapper keeps `for`'s fast path a kind check.
    Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Generator));
    it->source = v;
    return Value(it);
  }
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Seq));
  // These iterators copy what they walk: charged and reserved like a list.
  if (v.is(ObjKind::Tuple)) { reserve_items(v.as<TupleObj>()->items.size()); it->items = v.as<TupleObj>()->items; }
  else if (v.is(ObjKind::Str)) {
    const std::string& s = str_of(v);
    // One string object per character: about 8 instructions' work and 64 bytes each.
    reserve(checked_mul(s.size(), 64));
    charge(s.size() * 8);
    auto cps = code_points(s);
    for (size_t i = 0; i < cps.size(); ++i) {
      size_t end = i + 1 < cps.size() ? cps[i + 1] : s.size();
      it->items.push_back(make_str(s.substr(cps[i], end - cps[i])));
    }
  } else raise(builtins_->TypeError, "'" + type_of(v)->name + "' object is not iterable");
  return Value(it);
}

bool Interp::iter_next(const Value& itv, Value& out) {
  auto* it = itv.as<IteratorObj>();
  switch (it->ikind) {
    case IteratorObj::Kind::Gen: {
      extern bool genexpr_next(Interp&, IteratorObj&, Value&);
      return genexpr_next(*this, *it, out);
    }
    case IteratorObj::Kind::Seq:
      if (it->pos >= it->items.size()) return false;
      out = it->items[it->pos++];
      return true;
    case IteratorObj::Kind::List: {
      auto& items = it->source.as<ListObj>()->items;
      if (it->pos >= items.size()) return false;
      out = items[it->pos++];
      return true;
    }
    case IteratorObj::Kind::Deque: {
      auto& items = it->source.as<DequeObj>()->items;
      if (it->pos >= items.size()) return false;
      out = items[it->pos++];
      return true;
    }
    case IteratorObj::Kind::Set:
    case IteratorObj::Kind::DictKeys:
    case IteratorObj::Kind::DictValues:
    case IteratorObj::Kind::DictItems:
      return live_iter_next(*this, *it, out);
    case IteratorObj::Kind::Range:
      if (it->step > 0 ? it->cur >= it->stop : it->cur <= it->stop) return false;
      out = Value::integer(it->cur);
      it->cur += it->step;
      return true;
    case IteratorObj::Kind::User:
      return user_next(*this, it->source, out);
    case IteratorObj::Kind::Generator: {
      // next(gen), its end seen without raising StopIteration.
      CoroObj* g = it->source.as<CoroObj>();
      if (g->state == CoroObj::State::Done) return false;
      if (g->state == CoroObj::State::Running) raise(builtins_->ValueError, "generator already executing");
      bool finished = false;
      Value v = gen_resume(g, Value(), Value(), finished);
      if (finished) return false;
      out = std::move(v);
      return true;
    }
  }
  return false;
}

std::vector<Value> Interp::take_vector(const Value& v) {
  if (v.is_obj() && v.obj()->refs == 1) {
    std::vector<Value>* items = nullptr;
    if (v.is(ObjKind::List)) items = &v.as<ListObj>()->items;
    else if (v.is(ObjKind::Tuple)) items = &v.as<TupleObj>()->items;
    else if (v.is(ObjKind::Iterator) && v.as<IteratorObj>()->ikind == IteratorObj::Kind::Seq && v.as<IteratorObj>()->pos == 0)
      items = &v.as<IteratorObj>()->items;
    if (items) {
      std::vector<Value> out = std::move(*items);
      items->clear();
      return out;
    }
  }
  return to_vector(v);
}

// Materialises an iterable (list(x), sorted(x), zip, join...): sizes known
// in advance are reserved and charged first, so list(range(2**62)) raises
// MemoryError at once; others charge per item as they grow.
std::vector<Value> Interp::to_vector(const Value& v) {
  if (v.is(ObjKind::List)) { reserve_items(v.as<ListObj>()->items.size()); return v.as<ListObj>()->items; }
  if (v.is(ObjKind::Tuple)) { reserve_items(v.as<TupleObj>()->items.size()); return v.as<TupleObj>()->items; }
  if (v.is(ObjKind::Range)) {
    auto* r = v.as<RangeObj>();
    const unsigned __int128 n = r->length_wide();
    if (n > INT64_MAX) raise(builtins_->OverflowError, "Python int too large to convert to C ssize_t");
    reserve_items(size_t(n));
    std::vector<Value> out;
    out.reserve(size_t(n));
    for (size_t i = 0; i < size_t(n); ++i) out.push_back(Value::integer(int64_t(__int128(r->start) + __int128(i) * r->step)));
    return out;
  }
  std::vector<Value> out;
  Value it = get_iter(v), x;
  while (iter_next(it, x)) {
    charge_step();
    reserve_growth(out);
    out.push_back(x);
  }
  return out;
}


}  // namespace corun
