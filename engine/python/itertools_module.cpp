// The `itertools` module: every object is a lazy native iterator
// (IteratorObj::Kind::Native) that steps its source one item at a time, so
// the infinite ones (count, cycle, repeat) cost nothing until iterated, and
// each step is charged to the busy guard (Interp::iter_next), which stops
// list(itertools.count()) as it stops a `while True`.
#include "engine/python/itertools_module.h"

#include <memory>

#include "engine/python/builtins.h"
#include "engine/python/repr.h"
#include "engine/vm/budget.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

std::string NativeIterState::repr(Interp&, const void* self) {
  return "<" + type->module + "." + type->name + " object at " + fake_address(self) + ">";
}

namespace {

struct Types {
  TypeObj *count, *cycle, *repeat, *accumulate, *chain, *compress, *dropwhile, *takewhile, *filterfalse, *groupby,
      *grouper, *islice, *pairwise, *starmap, *tee, *zip_longest, *product, *permutations, *combinations, *cwr;
};
thread_local Types g_types;

Value wrap(TypeObj* t, NativeIterState* s) {
  s->type = t;
  Ref<IteratorObj> it(new IteratorObj(IteratorObj::Kind::Native));
  it->native.reset(s);
  return Value(it);
}

[[noreturn]] void type_error(Interp& in, const std::string& m) { in.raise(in.builtins().TypeError, m); }
[[noreturn]] void value_error(Interp& in, const std::string& m) { in.raise(in.builtins().ValueError, m); }

void no_kw(Interp& in, const char* fn, CallArgs& a) {
  if (a.nkw) type_error(in, std::string(fn) + "() takes no keyword arguments");
}
void exact(Interp& in, const char* fn, CallArgs& a, size_t n) {
  no_kw(in, fn, a);
  if (a.npos != n) type_error(in, std::string(fn) + " expected " + std::to_string(n) + " arguments, got " + std::to_string(a.npos));
}

// Positional-or-keyword arguments by name, CPython's argument-clinic errors.
struct Params {
  std::vector<const Value*> v;
  Params(Interp& in, const char* fn, CallArgs& a, std::initializer_list<const char*> names, size_t required) {
    std::vector<const char*> n(names);
    v.assign(n.size(), nullptr);
    if (a.npos > n.size())
      type_error(in, std::string(fn) + "() takes at most " + std::to_string(n.size()) + " argument" + (n.size() == 1 ? "" : "s") + " (" +
                         std::to_string(a.npos + a.nkw) + " given)");
    for (size_t i = 0; i < a.npos; ++i) v[i] = &a.pos[i];
    for (size_t k = 0; k < a.nkw; ++k) {
      size_t i = 0;
      while (i < n.size() && a.kwnames[k] != n[i]) ++i;
      if (i == n.size()) type_error(in, "'" + a.kwnames[k] + "' is an invalid keyword argument for " + fn + "()");
      if (v[i]) type_error(in, std::string("argument for ") + fn + "() given by name ('" + n[i] + "') and position (" + std::to_string(i + 1) + ")");
      v[i] = &a.kw[k];
    }
    for (size_t i = 0; i < required; ++i)
      if (!v[i]) type_error(in, std::string(fn) + "() missing required argument '" + n[i] + "' (pos " + std::to_string(i + 1) + ")");
  }
};

int64_t nonneg_int(Interp& in, const Value& v, const char* msg) {
  if (!v.is_integer()) type_error(in, "'" + in.type_of(v)->name + "' object cannot be interpreted as an integer");
  if (v.is_bigint()) {
    if (v.as<BigIntObj>()->v.is_negative()) value_error(in, msg);
    in.raise(in.builtins().OverflowError, "Python int too large to convert to C ssize_t");
  }
  if (v.as_int() < 0) value_error(in, msg);
  return v.as_int();
}

// ---- count, cycle, repeat ----

struct Count : NativeIterState {
  Value cur, step;
  bool next(Interp& in, Value& out) override {
    out = cur;
    cur = in.binary_op(BinOp::Add, cur, step);
    return true;
  }
  std::string repr(Interp& in, const void*) override {
    bool one = step.is_int() && step.as_int() == 1;
    return "count(" + in.repr(cur) + (one ? "" : ", " + in.repr(step)) + ")";
  }
};
Value i_count(Interp& in, const Value&, CallArgs& a) {
  if (a.npos > 2) type_error(in, "count() takes at most 2 arguments (" + std::to_string(a.npos) + " given)");
  Params p(in, "count", a, {"start", "step"}, 0);
  auto* s = new Count();
  std::unique_ptr<Count> hold(s);
  s->cur = p.v[0] ? *p.v[0] : Value::integer(0);
  s->step = p.v[1] ? *p.v[1] : Value::integer(1);
  if (!s->cur.is_number() || !s->step.is_number()) type_error(in, "a number is required");
  if (s->cur.is_bool()) s->cur = Value::integer(s->cur.as_int());
  return wrap(g_types.count, hold.release());
}

struct Cycle : NativeIterState {
  Value it;
  std::vector<Value> saved;
  bool exhausted = false;
  size_t pos = 0;
  bool next(Interp& in, Value& out) override {
    if (!exhausted) {
      if (in.iter_next(it, out)) {
        reserve_growth(saved);
        saved.push_back(out);
        return true;
      }
      exhausted = true;
      it = Value();
    }
    if (saved.empty()) return false;
    out = saved[pos];
    pos = (pos + 1) % saved.size();
    return true;
  }
};
Value i_cycle(Interp& in, const Value&, CallArgs& a) {
  no_kw(in, "cycle", a);
  if (a.npos != 1) type_error(in, "cycle expected 1 argument, got " + std::to_string(a.npos));
  auto* s = new Cycle();
  std::unique_ptr<Cycle> hold(s);
  s->it = in.get_iter(a.pos[0]);
  return wrap(g_types.cycle, hold.release());
}

struct Repeat : NativeIterState {
  Value obj;
  int64_t times = -1;  // -1: for ever
  bool next(Interp&, Value& out) override {
    if (times == 0) return false;
    if (times > 0) --times;
    out = obj;
    return true;
  }
  std::string repr(Interp& in, const void*) override {
    return "repeat(" + in.repr(obj) + (times < 0 ? "" : ", " + std::to_string(times)) + ")";
  }
};
Value i_repeat(Interp& in, const Value&, CallArgs& a) {
  Params p(in, "repeat", a, {"object", "times"}, 1);
  auto* s = new Repeat();
  std::unique_ptr<Repeat> hold(s);
  s->obj = *p.v[0];
  if (p.v[1]) {
    const Value& t = *p.v[1];
    if (!t.is_integer()) type_error(in, "'" + in.type_of(t)->name + "' object cannot be interpreted as an integer");
    if (t.is_bigint()) in.raise(in.builtins().OverflowError, "Python int too large to convert to C ssize_t");
    s->times = t.as_int() < 0 ? 0 : t.as_int();
  }
  return wrap(g_types.repeat, hold.release());
}

// ---- accumulate, chain, compress, dropwhile, takewhile, filterfalse ----

struct Accumulate : NativeIterState {
  Value it, func, total = Value::unbound(), initial = Value::unbound();
  bool next(Interp& in, Value& out) override {
    if (!initial.is_unbound()) {
      total = initial;
      initial = Value::unbound();
      out = total;
      return true;
    }
    Value x;
    if (!in.iter_next(it, x)) return false;
    if (total.is_unbound()) total = x;
    else total = func.is_none() ? in.binary_op(BinOp::Add, total, x) : in.call0(func, {total, x});
    out = total;
    return true;
  }
};
Value i_accumulate(Interp& in, const Value&, CallArgs& a) {
  Params p(in, "accumulate", a, {"iterable", "func", "initial"}, 1);
  auto* s = new Accumulate();
  std::unique_ptr<Accumulate> hold(s);
  s->it = in.get_iter(*p.v[0]);
  if (p.v[1]) s->func = *p.v[1];
  if (p.v[2] && !p.v[2]->is_none()) s->initial = *p.v[2];
  return wrap(g_types.accumulate, hold.release());
}

struct Chain : NativeIterState {
  Value sources, cur;  // an iterator of iterables; the current one's iterator
  bool next(Interp& in, Value& out) override {
    while (true) {
      if (sources.is_none()) return false;
      if (cur.is_none()) {
        Value src;
        if (!in.iter_next(sources, src)) { sources = Value(); return false; }
        cur = in.get_iter(src);
      }
      if (in.iter_next(cur, out)) return true;
      cur = Value();
    }
  }
};
Value i_chain(Interp& in, const Value&, CallArgs& a) {
  no_kw(in, "chain", a);
  auto* s = new Chain();
  std::unique_ptr<Chain> hold(s);
  s->sources = in.get_iter(make_tuple(std::vector<Value>(a.pos, a.pos + a.npos)));
  return wrap(g_types.chain, hold.release());
}
Value i_from_iterable(Interp& in, const Value&, CallArgs& a) {
  no_kw(in, "from_iterable", a);
  if (a.npos != 1) type_error(in, "chain.from_iterable() takes exactly one argument (" + std::to_string(a.npos) + " given)");
  auto* s = new Chain();
  std::unique_ptr<Chain> hold(s);
  s->sources = in.get_iter(a.pos[0]);
  return wrap(g_types.chain, hold.release());
}

struct Compress : NativeIterState {
  Value data, sel;
  bool next(Interp& in, Value& out) override {
    Value d, s;
    while (true) {
      if (!in.iter_next(data, d) || !in.iter_next(sel, s)) return false;
      if (in.truthy(s)) { out = d; return true; }
      charge_step();
    }
  }
};
Value i_compress(Interp& in, const Value&, CallArgs& a) {
  Params p(in, "compress", a, {"data", "selectors"}, 2);
  auto* s = new Compress();
  std::unique_ptr<Compress> hold(s);
  s->data = in.get_iter(*p.v[0]);
  s->sel = in.get_iter(*p.v[1]);
  return wrap(g_types.compress, hold.release());
}

struct PredIter : NativeIterState {
  enum Mode { Drop, Take, FilterFalse } mode;
  Value pred, it;
  bool done = false;  // Drop: dropping ended; Take: taking ended
  explicit PredIter(Mode m) : mode(m) {}
  bool test(Interp& in, const Value& x) { return pred.is_none() ? in.truthy(x) : in.truthy(in.call0(pred, {x})); }
  bool next(Interp& in, Value& out) override {
    if (mode == Take && done) return false;
    while (in.iter_next(it, out)) {
      switch (mode) {
        case Drop:
          if (done || !test(in, out)) { done = true; return true; }
          break;
        case Take:
          if (test(in, out)) return true;
          done = true;
          return false;
        case FilterFalse:
          if (!test(in, out)) return true;
          break;
      }
    }
    return false;
  }
};
template <PredIter::Mode M>
Value i_pred(Interp& in, const Value&, CallArgs& a) {
  const char* fn = M == PredIter::Drop ? "dropwhile" : M == PredIter::Take ? "takewhile" : "filterfalse";
  exact(in, fn, a, 2);
  auto* s = new PredIter(M);
  std::unique_ptr<PredIter> hold(s);
  s->pred = a.pos[0];
  s->it = in.get_iter(a.pos[1]);
  TypeObj* t = M == PredIter::Drop ? g_types.dropwhile : M == PredIter::Take ? g_types.takewhile : g_types.filterfalse;
  return wrap(t, hold.release());
}

// ---- groupby: the groups share the outer iterator's state; a group is
// over as soon as the outer object advances past it, as in CPython. ----

struct GroupShared {
  Value it, keyfunc;
  Value tgtkey = Value::unbound(), currkey = Value::unbound(), currvalue = Value::unbound();
  uint64_t current_group = 0;  // the id of the live group, 0 for none
  bool step(Interp& in) {
    Value v;
    if (!in.iter_next(it, v)) return false;
    Value k = keyfunc.is_none() ? v : in.call0(keyfunc, {v});
    currvalue = std::move(v);
    currkey = std::move(k);
    return true;
  }
};

struct Grouper : NativeIterState {
  std::shared_ptr<GroupShared> g;
  uint64_t id;
  Value tgtkey;
  bool next(Interp& in, Value& out) override {
    if (g->current_group != id) return false;
    if (g->currvalue.is_unbound() && !g->step(in)) return false;
    if (!in.compare(CmpOp::Eq, tgtkey, g->currkey)) return false;
    out = std::move(g->currvalue);
    g->currvalue = Value::unbound();
    return true;
  }
};

struct GroupBy : NativeIterState {
  std::shared_ptr<GroupShared> g = std::make_shared<GroupShared>();
  uint64_t next_id = 0;
  bool next(Interp& in, Value& out) override {
    g->current_group = 0;
    while (true) {
      if (!g->currkey.is_unbound()) {
        if (g->tgtkey.is_unbound()) break;
        if (!in.compare(CmpOp::Eq, g->tgtkey, g->currkey)) break;
      }
      if (!g->step(in)) return false;
      charge_step();
    }
    g->tgtkey = g->currkey;
    auto* gr = new Grouper();
    std::unique_ptr<Grouper> hold(gr);
    gr->g = g;
    gr->id = ++next_id;
    gr->tgtkey = g->tgtkey;
    g->current_group = gr->id;
    out = make_tuple({g->currkey, wrap(g_types.grouper, hold.release())});
    return true;
  }
};
Value i_groupby(Interp& in, const Value&, CallArgs& a) {
  Params p(in, "groupby", a, {"iterable", "key"}, 1);
  auto* s = new GroupBy();
  std::unique_ptr<GroupBy> hold(s);
  s->g->it = in.get_iter(*p.v[0]);
  if (p.v[1]) s->g->keyfunc = *p.v[1];
  return wrap(g_types.groupby, hold.release());
}

// ---- islice, pairwise, starmap ----

struct ISlice : NativeIterState {
  Value it;
  int64_t next_index = 0, stop = -1, step = 1, cnt = 0;
  bool next(Interp& in, Value& out) override {
    if (it.is_none()) return false;
    Value x;
    while (cnt < next_index) {
      if (!in.iter_next(it, x)) { it = Value(); return false; }
      ++cnt;
    }
    if (stop != -1 && cnt >= stop) { it = Value(); return false; }
    if (!in.iter_next(it, out)) { it = Value(); return false; }
    ++cnt;
    int64_t old = next_index;
    if (__builtin_add_overflow(next_index, step, &next_index) || next_index < old || (stop != -1 && next_index > stop)) next_index = stop;
    if (next_index == -1) { it = Value(); }
    return true;
  }
};
Value i_islice(Interp& in, const Value&, CallArgs& a) {
  no_kw(in, "islice", a);
  if (a.npos < 2) type_error(in, "islice expected at least 2 arguments, got " + std::to_string(a.npos));
  if (a.npos > 4) type_error(in, "islice expected at most 4 arguments, got " + std::to_string(a.npos));
  auto index = [&](const Value& v, int64_t dflt, const char* msg) -> int64_t {
    if (v.is_none()) return dflt;
    if (!v.is_intlike() || v.as_int() < 0) value_error(in, msg);
    return v.as_int();
  };
  const char* kStop = "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
  const char* kIdx = "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
  auto* s = new ISlice();
  std::unique_ptr<ISlice> hold(s);
  if (a.npos == 2) s->stop = index(a.pos[1], -1, kStop);
  else {
    s->next_index = index(a.pos[1], 0, kIdx);
    s->stop = index(a.pos[2], -1, kStop);
    if (a.npos == 4) {
      const Value& st = a.pos[3];
      if (!st.is_none() && (!st.is_intlike() || st.as_int() < 1)) value_error(in, "Step for islice() must be a positive integer or None.");
      if (!st.is_none()) s->step = st.as_int();
    }
  }
  s->it = in.get_iter(a.pos[0]);
  return wrap(g_types.islice, hold.release());
}

struct Pairwise : NativeIterState {
  Value it, old = Value::unbound();
  bool next(Interp& in, Value& out) override {
    if (it.is_none()) return false;
    if (old.is_unbound() && !in.iter_next(it, old)) { it = Value(); return false; }
    Value x;
    if (!in.iter_next(it, x)) { it = Value(); old = Value::unbound(); return false; }
    out = make_tuple({old, x});
    old = std::move(x);
    return true;
  }
};
Value i_pairwise(Interp& in, const Value&, CallArgs& a) {
  no_kw(in, "pairwise", a);
  if (a.npos != 1) type_error(in, "pairwise expected 1 argument, got " + std::to_string(a.npos));
  auto* s = new Pairwise();
  std::unique_ptr<Pairwise> hold(s);
  s->it = in.get_iter(a.pos[0]);
  return wrap(g_types.pairwise, hold.release());
}

struct Starmap : NativeIterState {
  Value func, it;
  bool next(Interp& in, Value& out) override {
    Value args;
    if (!in.iter_next(it, args)) return false;
    out = in.call0(func, in.to_vector(args));
    return true;
  }
};
Value i_starmap(Interp& in, const Value&, CallArgs& a) {
  exact(in, "starmap", a, 2);
  auto* s = new Starmap();
  std::unique_ptr<Starmap> hold(s);
  s->func = a.pos[0];
  s->it = in.get_iter(a.pos[1]);
  return wrap(g_types.starmap, hold.release());
}

// ---- tee: the copies share one buffer of what the source gave ----

struct TeeShared {
  Value it;
  std::vector<Value> items;
  bool done = false;
};
struct Tee : NativeIterState {
  std::shared_ptr<TeeShared> t;
  size_t pos = 0;
  bool next(Interp& in, Value& out) override {
    if (pos == t->items.size()) {
      if (t->done) return false;
      Value x;
      if (!in.iter_next(t->it, x)) { t->done = true; t->it = Value(); return false; }
      reserve_growth(t->items);
      t->items.push_back(std::move(x));
    }
    out = t->items[pos++];
    return true;
  }
};
Value i_tee(Interp& in, const Value&, CallArgs& a) {
  no_kw(in, "tee", a);
  if (a.npos < 1 || a.npos > 2)
    type_error(in, std::string("tee expected ") + (a.npos < 1 ? "at least 1 argument" : "at most 2 arguments") + ", got " + std::to_string(a.npos));
  int64_t n = 2;
  if (a.npos == 2) {
    if (!a.pos[1].is_integer()) type_error(in, "'" + in.type_of(a.pos[1])->name + "' object cannot be interpreted as an integer");
    if (a.pos[1].is_bigint()) in.raise(in.builtins().OverflowError, "Python int too large to convert to C ssize_t");
    n = a.pos[1].as_int();
    if (n < 0) value_error(in, "n must be >= 0");
  }
  auto shared = std::make_shared<TeeShared>();
  shared->it = in.get_iter(a.pos[0]);
  reserve_items(size_t(n));
  std::vector<Value> out;
  for (int64_t i = 0; i < n; ++i) {
    auto* s = new Tee();
    std::unique_ptr<Tee> hold(s);
    s->t = shared;
    out.push_back(wrap(g_types.tee, hold.release()));
  }
  return make_tuple(std::move(out));
}

// ---- zip_longest ----

struct ZipLongest : NativeIterState {
  std::vector<Value> its;  // None once exhausted
  Value fill;
  size_t active = 0;
  bool next(Interp& in, Value& out) override {
    if (its.empty() || active == 0) return false;
    std::vector<Value> row;
    row.reserve(its.size());
    for (auto& it : its) {
      Value x;
      if (it.is_none()) { row.push_back(fill); continue; }
      if (in.iter_next(it, x)) { row.push_back(std::move(x)); continue; }
      it = Value();
      if (--active == 0) { its.clear(); return false; }
      row.push_back(fill);
    }
    out = make_tuple(std::move(row));
    return true;
  }
};
Value i_zip_longest(Interp& in, const Value&, CallArgs& a) {
  auto* s = new ZipLongest();
  std::unique_ptr<ZipLongest> hold(s);
  for (size_t k = 0; k < a.nkw; ++k) {
    if (a.kwnames[k] != "fillvalue") type_error(in, "zip_longest() got an unexpected keyword argument");
    s->fill = a.kw[k];
  }
  for (size_t i = 0; i < a.npos; ++i) s->its.push_back(in.get_iter(a.pos[i]));
  s->active = s->its.size();
  return wrap(g_types.zip_longest, hold.release());
}

// ---- combinatorics: the pools are read once, the tuples made lazily ----

struct Product : NativeIterState {
  std::vector<std::vector<Value>> pools;
  std::vector<size_t> idx;
  bool first = true, done = false;
  bool next(Interp&, Value& out) override {
    if (done) return false;
    if (first) {
      first = false;
      for (auto& p : pools) if (p.empty()) { done = true; return false; }
      idx.assign(pools.size(), 0);
    } else {
      size_t i = pools.size();
      while (true) {
        if (i == 0) { done = true; return false; }
        --i;
        charge_step();
        if (++idx[i] < pools[i].size()) break;
        idx[i] = 0;
      }
    }
    reserve_items(pools.size());
    std::vector<Value> row;
    row.reserve(pools.size());
    for (size_t i = 0; i < pools.size(); ++i) row.push_back(pools[i][idx[i]]);
    out = make_tuple(std::move(row));
    return true;
  }
};
Value i_product(Interp& in, const Value&, CallArgs& a) {
  int64_t repeat = 1;
  for (size_t k = 0; k < a.nkw; ++k) {
    if (a.kwnames[k] != "repeat") type_error(in, "product() got an unexpected keyword argument '" + a.kwnames[k] + "'");
    if (!a.kw[k].is_integer()) type_error(in, "'" + in.type_of(a.kw[k])->name + "' object cannot be interpreted as an integer");
    if (a.kw[k].is_bigint()) in.raise(in.builtins().OverflowError, "Python int too large to convert to C ssize_t");
    repeat = a.kw[k].as_int();
    if (repeat < 0) value_error(in, "repeat argument cannot be negative");
  }
  auto* s = new Product();
  std::unique_ptr<Product> hold(s);
  std::vector<std::vector<Value>> pools;
  for (size_t i = 0; i < a.npos; ++i) pools.push_back(in.to_vector(a.pos[i]));
  if (repeat > 0 && !pools.empty()) {
    if (uint64_t(repeat) > (uint64_t(1) << 40) / pools.size()) in.raise(in.builtins().OverflowError, "repeat argument too large");
    reserve_items(size_t(repeat) * pools.size());
    for (int64_t r = 0; r < repeat; ++r)
      for (auto& p : pools) s->pools.push_back(p);
  }
  return wrap(g_types.product, hold.release());
}

// r-length arrangements of a pool: permutations, combinations, and
// combinations with replacement, each stepping its index vector.
struct Combinatoric : NativeIterState {
  enum Mode { Perm, Comb, CombRepl } mode;
  std::vector<Value> pool;
  size_t r = 0;
  std::vector<size_t> idx, cycles;
  bool first = true, done = false;
  explicit Combinatoric(Mode m) : mode(m) {}
  bool advance() {
    const size_t n = pool.size();
    if (mode == Comb) {
      size_t i = r;
      while (i > 0 && idx[i - 1] == i - 1 + n - r) { --i; charge_step(); }
      if (i == 0) return false;
      ++idx[i - 1];
      for (size_t j = i; j < r; ++j) idx[j] = idx[j - 1] + 1;
      return true;
    }
    if (mode == CombRepl) {
      size_t i = r;
      while (i > 0 && idx[i - 1] == n - 1) { --i; charge_step(); }
      if (i == 0) return false;
      size_t v = idx[i - 1] + 1;
      for (size_t j = i - 1; j < r; ++j) idx[j] = v;
      return true;
    }
    // permutations: the cycles walk of the lexicographic order
    for (size_t i = r; i-- > 0;) {
      charge_step();
      if (--cycles[i] == 0) {
        size_t moved = idx[i];
        idx.erase(idx.begin() + long(i));
        idx.push_back(moved);
        cycles[i] = n - i;
      } else {
        std::swap(idx[i], idx[n - cycles[i]]);
        return true;
      }
    }
    return false;
  }
  bool next(Interp&, Value& out) override {
    if (done) return false;
    const size_t n = pool.size();
    if (first) {
      first = false;
      if ((mode != CombRepl && r > n) || (mode == CombRepl && n == 0 && r > 0)) { done = true; return false; }
      if (mode == Perm) {
        idx.resize(n);
        for (size_t i = 0; i < n; ++i) idx[i] = i;
        cycles.resize(r);
        for (size_t i = 0; i < r; ++i) cycles[i] = n - i;
      } else if (mode == Comb) {
        idx.resize(r);
        for (size_t i = 0; i < r; ++i) idx[i] = i;
      } else {
        idx.assign(r, 0);
      }
    } else if (!advance()) {
      done = true;
      return false;
    }
    reserve_items(r);
    std::vector<Value> row;
    row.reserve(r);
    for (size_t i = 0; i < r; ++i) row.push_back(pool[idx[i]]);
    out = make_tuple(std::move(row));
    return true;
  }
};
template <Combinatoric::Mode M>
Value i_combinatoric(Interp& in, const Value&, CallArgs& a) {
  const char* fn = M == Combinatoric::Perm ? "permutations" : M == Combinatoric::Comb ? "combinations" : "combinations_with_replacement";
  Params p(in, fn, a, {"iterable", "r"}, M == Combinatoric::Perm ? 1 : 2);
  auto* s = new Combinatoric(M);
  std::unique_ptr<Combinatoric> hold(s);
  s->pool = in.to_vector(*p.v[0]);
  if (M == Combinatoric::Perm && p.v[1] && !p.v[1]->is_none() && !p.v[1]->is_integer()) type_error(in, "Expected int as r");
  if (p.v[1] && !(M == Combinatoric::Perm && p.v[1]->is_none())) s->r = size_t(nonneg_int(in, *p.v[1], "r must be non-negative"));
  else s->r = s->pool.size();
  if (M == Combinatoric::CombRepl) reserve_items(s->r);
  TypeObj* t = M == Combinatoric::Perm ? g_types.permutations : M == Combinatoric::Comb ? g_types.combinations : g_types.cwr;
  return wrap(t, hold.release());
}

}  // namespace

Value make_itertools_module(Interp&, Builtins& b) {
  Ref<ModuleObj> m(new ModuleObj("itertools"));
  auto type = [&](const char* name, Builtin ctor, bool exported = true) {
    auto* t = new TypeObj(name, "itertools", b.object, TypeKind::Builtin);
    b.owned.push_back(Value(t));
    t->ctor = ctor;
    if (exported) m->attrs.emplace_back(name, Value(t));
    return t;
  };
  g_types.accumulate = type("accumulate", i_accumulate);
  g_types.chain = type("chain", i_chain);
  g_types.chain->class_attrs.emplace_back("from_iterable", Value(new BuiltinObj("from_iterable", i_from_iterable)));
  g_types.combinations = type("combinations", i_combinatoric<Combinatoric::Comb>);
  g_types.cwr = type("combinations_with_replacement", i_combinatoric<Combinatoric::CombRepl>);
  g_types.compress = type("compress", i_compress);
  g_types.count = type("count", i_count);
  g_types.cycle = type("cycle", i_cycle);
  g_types.dropwhile = type("dropwhile", i_pred<PredIter::Drop>);
  g_types.filterfalse = type("filterfalse", i_pred<PredIter::FilterFalse>);
  g_types.groupby = type("groupby", i_groupby);
  g_types.grouper = type("_grouper", nullptr, false);
  g_types.islice = type("islice", i_islice);
  g_types.pairwise = type("pairwise", i_pairwise);
  g_types.permutations = type("permutations", i_combinatoric<Combinatoric::Perm>);
  g_types.product = type("product", i_product);
  g_types.repeat = type("repeat", i_repeat);
  g_types.starmap = type("starmap", i_starmap);
  g_types.takewhile = type("takewhile", i_pred<PredIter::Take>);
  g_types.tee = type("_tee", nullptr, false);
  g_types.zip_longest = type("zip_longest", i_zip_longest);
  m->attrs.emplace_back("tee", Value(new BuiltinObj("tee", i_tee)));
  return Value(m);
}

}  // namespace corun
