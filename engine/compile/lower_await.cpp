// Lowering of `await` inside expressions into instructions; see lower_await.h.
#include "engine/compile/lower_await.h"

#include <map>
#include <unordered_set>

#include "engine/python/builtins.h"

namespace corun {

namespace {

bool any_awaits(const Expr& e, std::unordered_set<const Expr*>* marks);

// Marks every node whose evaluation awaits (when `marks` is given) and says
// whether `e` is one. Generator expressions are not lowered: an await in
// one makes it an asynchronous generator expression, which
// check_await_usage refuses, so they never count.
bool any_awaits(const Expr& e, std::unordered_set<const Expr*>* marks) {
  if (e.kind == ExprKind::Lambda) return false;  // its body runs later, in a function of its own
  bool found = e.kind == ExprKind::Await;
  for (auto& k : e.kids) if (k && any_awaits(*k, marks)) found = true;
  for (auto& k : e.kwargs) if (k && any_awaits(*k, marks)) found = true;
  for (auto& p : e.parts) {
    if (p.expr && any_awaits(*p.expr, marks)) found = true;
    if (p.format_spec && any_awaits(*p.format_spec, marks)) found = true;
  }
  for (auto& c : e.clauses) {
    if (any_awaits(*c.iter, marks)) found = true;
    for (auto& cond : c.conds) if (any_awaits(*cond, marks)) found = true;
    if (c.is_async) found = true;
  }
  if (e.kind == ExprKind::Comp && e.comp_type == Expr::CompType::Gen) {
    // The first iterable is evaluated outside the generator, at once.
    found = !e.clauses.empty() && any_awaits(*e.clauses[0].iter, nullptr);
  }
  if (found && marks) marks->insert(&e);
  return found;
}

using NameSlots = std::map<std::string, int>;

class AwaitLowering {
 public:
  AwaitLowering(LoweringHost& host, int line) : host_(host), line_(line) {}

  void mark(const Expr& e) { any_awaits(e, &awaiting_); }

  // Lowers `slots`, evaluated by Python in this order: everything before
  // the last one that awaits is evaluated (into hidden slots) before that
  // await runs; what follows it is left to the final expression.
  void lower_in_order(const std::vector<ExprPtr*>& slots) {
    int last = -1;
    for (size_t i = 0; i < slots.size(); ++i) if (has(*slots[i])) last = int(i);
    for (int i = 0; i < last; ++i) {
      if (has(*slots[size_t(i)])) lower(*slots[size_t(i)]);
      spill(*slots[size_t(i)]);
    }
    if (last >= 0) lower(*slots[size_t(last)]);
  }

  bool has(const ExprPtr& e) const { return e && awaiting_.count(e.get()); }

 private:
  LoweringHost& host_;
  int line_;
  std::unordered_set<const Expr*> awaiting_;

  // ---- small builders ----
  ExprPtr temp_ref(int slot) const {
    auto e = std::make_unique<Expr>(ExprKind::Name, SourcePos{line_, 0});
    e->scope = Scope::Local;
    e->slot = slot;
    return e;
  }
  ExprPtr builtin_ref(const char* name) const {
    auto e = std::make_unique<Expr>(ExprKind::Name, SourcePos{line_, 0});
    e->name = name;
    e->scope = Scope::Builtin;
    e->slot = builtin_index(name);
    return e;
  }
  ExprPtr call(ExprPtr fn, ExprPtr arg) const {
    auto c = std::make_unique<Expr>(ExprKind::Call, SourcePos{line_, 0});
    c->kids.push_back(std::move(fn));
    if (arg) c->kids.push_back(std::move(arg));
    return c;
  }
  size_t emit(Instr ins) { return host_.emit_lowered(ins, line_); }
  size_t emit_assign(int slot, ExprPtr value) {
    Instr ins{Op::Assign};
    ins.e = host_.keep(std::move(value));
    ins.target = host_.keep(temp_ref(slot));
    return emit(ins);
  }
  size_t emit_jump_if_false(ExprPtr test) {
    Instr ins{Op::JumpIfFalse};
    ins.e = host_.keep(std::move(test));
    return emit(ins);
  }
  void patch_a(size_t at) { host_.instr_at(at).a = host_.next_pc(); }

  // A value that no await can change needs no hidden slot.
  static bool stable(const Expr& e) {
    return e.kind == ExprKind::Const || (e.kind == ExprKind::Name && e.scope != Scope::Unresolved);
  }

  // Evaluates `e` now, into a hidden slot, and leaves a reference to it.
  void spill(ExprPtr& e) {
    if (!e || stable(*e)) return;
    if (e->kind == ExprKind::Starred) {
      // f(*xs, await y): xs is unpacked before the await.
      if (stable(*e->kids[0])) return;
      int slot = host_.temp_slot("star");
      emit_assign(slot, call(builtin_ref("tuple"), std::move(e->kids[0])));
      e->kids[0] = temp_ref(slot);
      return;
    }
    int slot = host_.temp_slot("value");
    emit_assign(slot, std::move(e));
    e = temp_ref(slot);
  }

  // ---- the rewriting, node by node (e awaits) ----
  void lower(ExprPtr& e) {
    switch (e->kind) {
      case ExprKind::Await: return lower_await(e);
      case ExprKind::BoolOp: return lower_boolop(e);
      case ExprKind::IfExp: return lower_ifexp(e);
      case ExprKind::Comp:
        if (awaits_past_first_iterable(*e)) return lower_comprehension(e);
        // [f(x) for x in await g()]: the first iterable is evaluated where
        // the comprehension is; the comprehension itself does not await.
        return lower(e->clauses[0].iter);
      case ExprKind::NamedExpr: return lower(e->kids[1]);  // the target is a name
      case ExprKind::FString: return lower_fstring(*e);
      case ExprKind::Compare:
        if (chain_awaits_lazily(*e)) {
          split_chain(e);
          return lower_boolop(e);
        }
        break;
      default: break;
    }
    std::vector<ExprPtr*> order;
    if (e->kind == ExprKind::Dict) {
      // {k1: v1, k2: v2}: k1, v1, k2, v2 (Python 3.8+).
      for (size_t i = 0; i < e->kids.size(); ++i) {
        if (e->kids[i]->kind == ExprKind::Starred) {  // {**m}: the mapping itself, merged where it stands
          order.push_back(&e->kids[i]->kids[0]);
          continue;
        }
        order.push_back(&e->kids[i]);
        order.push_back(&e->kwargs[i]);
      }
    } else {
      for (auto& k : e->kids) if (k) order.push_back(&k);
      for (auto& k : e->kwargs) if (k) order.push_back(&k);
    }
    lower_in_order(order);
  }

  bool awaits_past_first_iterable(const Expr& comp) const {
    if (comp.comp_type == Expr::CompType::Gen) return false;
    for (size_t i = 0; i < comp.clauses.size(); ++i) {
      const CompClause& c = comp.clauses[i];
      if (c.is_async || (i > 0 && has(c.iter))) return true;
      for (auto& cond : c.conds) if (has(cond)) return true;
    }
    for (auto& k : comp.kids) if (has(k)) return true;
    return false;
  }

  void lower_await(ExprPtr& e) {
    if (has(e->kids[0])) lower(e->kids[0]);
    int slot = host_.temp_slot("await");
    Instr ins{Op::Await};
    ins.e = host_.keep(std::move(e->kids[0]));
    ins.target = host_.keep(temp_ref(slot));
    emit(ins);
    e = temp_ref(slot);
  }

  // a and b and c: each operand only when the ones before did not decide.
  void lower_boolop(ExprPtr& e) {
    std::vector<ExprPtr>& kids = e->kids;
    if (kids.size() < 2 || !std::any_of(kids.begin() + 1, kids.end(), [&](const ExprPtr& k) { return has(k); })) {
      lower(kids[0]);  // only the first operand awaits: it is evaluated first anyway
      return;
    }
    int result = host_.temp_slot("boolop");
    if (has(kids[0])) lower(kids[0]);
    emit_assign(result, std::move(kids[0]));
    std::vector<size_t> to_end;
    for (size_t i = 1; i < kids.size(); ++i) {
      // `and` goes on while the result is true, `or` while it is false.
      ExprPtr test = temp_ref(result);
      if (!e->is_and) {
        auto negated = std::make_unique<Expr>(ExprKind::Not, SourcePos{line_, 0});
        negated->kids.push_back(std::move(test));
        test = std::move(negated);
      }
      to_end.push_back(emit_jump_if_false(std::move(test)));
      bool rest_awaits = false;
      for (size_t j = i; j < kids.size(); ++j) if (has(kids[j])) rest_awaits = true;
      if (!rest_awaits) {
        // The await-free rest stays one expression.
        ExprPtr rest;
        if (i + 1 == kids.size()) rest = std::move(kids[i]);
        else {
          rest = std::make_unique<Expr>(ExprKind::BoolOp, kids[i]->pos);
          rest->is_and = e->is_and;
          for (size_t j = i; j < kids.size(); ++j) rest->kids.push_back(std::move(kids[j]));
        }
        emit_assign(result, std::move(rest));
        break;
      }
      if (has(kids[i])) lower(kids[i]);
      emit_assign(result, std::move(kids[i]));
    }
    for (size_t j : to_end) patch_a(j);
    e = temp_ref(result);
  }

  // body if cond else orelse: cond first, then one of the two.
  void lower_ifexp(ExprPtr& e) {
    ExprPtr& cond = e->kids[0];
    ExprPtr& body = e->kids[1];
    ExprPtr& orelse = e->kids[2];
    if (!has(body) && !has(orelse)) {
      lower(cond);
      return;
    }
    int result = host_.temp_slot("ifexp");
    if (has(cond)) lower(cond);
    size_t to_else = emit_jump_if_false(std::move(cond));
    if (has(body)) lower(body);
    emit_assign(result, std::move(body));
    size_t to_end = emit(Instr{Op::Jump});
    patch_a(to_else);
    if (has(orelse)) lower(orelse);
    emit_assign(result, std::move(orelse));
    patch_a(to_end);
    e = temp_ref(result);
  }

  // a < b < (await c): c is evaluated only when a < b.
  bool chain_awaits_lazily(const Expr& e) const {
    for (size_t i = 2; i < e.kids.size(); ++i) if (has(e.kids[i])) return true;
    return false;
  }

  // a < b < c  ->  (a < (t := b)) and (t < c), b evaluated once: the chain
  // Python compiles, spelled with hidden slots.
  void split_chain(ExprPtr& e) {
    auto conj = std::make_unique<Expr>(ExprKind::BoolOp, e->pos);
    conj->is_and = true;
    ExprPtr left = std::move(e->kids[0]);
    for (size_t i = 0; i < e->cmpops.size(); ++i) {
      ExprPtr right = std::move(e->kids[i + 1]);
      bool right_awaits = has(right);
      auto cmp = std::make_unique<Expr>(ExprKind::Compare, e->pos);
      cmp->cmpops.push_back(e->cmpops[i]);
      bool left_awaits = has(left);
      cmp->kids.push_back(std::move(left));
      if (i + 1 < e->cmpops.size()) {
        int slot = host_.temp_slot("cmp");
        auto named = std::make_unique<Expr>(ExprKind::NamedExpr, right->pos);
        named->parenthesized = true;
        named->kids.push_back(temp_ref(slot));
        named->kids.push_back(std::move(right));
        if (right_awaits) awaiting_.insert(named.get());
        cmp->kids.push_back(std::move(named));
        left = temp_ref(slot);
      } else {
        cmp->kids.push_back(std::move(right));
      }
      if (left_awaits || right_awaits) awaiting_.insert(cmp.get());
      conj->kids.push_back(std::move(cmp));
    }
    awaiting_.insert(conj.get());
    e = std::move(conj);
  }

  // f"{a}{await b}": each field is formatted when it is reached, so the
  // fields before an await are spilled as the text they format to.
  void lower_fstring(Expr& fs) {
    int last = -1;
    for (size_t i = 0; i < fs.parts.size(); ++i)
      if (has(fs.parts[i].expr) || has(fs.parts[i].format_spec)) last = int(i);
    for (int i = 0; i < last; ++i) {
      FStringPart& p = fs.parts[size_t(i)];
      if (!p.expr) continue;
      if (has(p.expr) || has(p.format_spec)) lower_field(p);
      if (p.expr->kind == ExprKind::Const) continue;  // formats the same later
      auto one = std::make_unique<Expr>(ExprKind::FString, p.expr->pos);
      FStringPart field;
      field.expr = std::move(p.expr);
      field.conversion = p.conversion;
      field.format_spec = std::move(p.format_spec);
      one->parts.push_back(std::move(field));
      int slot = host_.temp_slot("field");
      emit_assign(slot, std::move(one));
      p.literal += p.debug_text;
      p.debug_text.clear();
      p.conversion = 0;
      p.expr = temp_ref(slot);
    }
    if (last >= 0) lower_field(fs.parts[size_t(last)]);
  }

  // {value!c:spec}: the value, then the spec's fields.
  void lower_field(FStringPart& p) {
    if (!has(p.format_spec)) {
      lower(p.expr);
      return;
    }
    if (has(p.expr)) lower(p.expr);
    spill(p.expr);
    lower_fstring(*p.format_spec);
  }

  // ---- comprehensions ----
  // [elt for x in xs if c async for y in ys]: the loops as instructions,
  // appending to a hidden list (or dict). The first iterable is evaluated
  // where the comprehension is, as Python does; the loop variables get
  // hidden slots of their own, bound here before anything is split off.
  void lower_comprehension(ExprPtr& e) {
    if (e->comp_type != Expr::CompType::List && e->comp_type != Expr::CompType::Dict) {
      host_.report(e->pos, "corun does not support this kind of asynchronous comprehension yet",
                   "build a list with [... async for ...] and convert it");
      e = std::make_unique<Expr>(ExprKind::Const, e->pos);
      return;
    }
    std::vector<NameSlots> scopes;
    for (size_t i = 0; i < e->clauses.size(); ++i) {
      CompClause& c = e->clauses[i];
      if (i > 0) bind_free(*c.iter, scopes);
      scopes.emplace_back();
      bind_targets(*c.target, scopes.back());
      for (auto& cond : c.conds) bind_free(*cond, scopes);
    }
    for (auto& k : e->kids) bind_free(*k, scopes);

    int result = host_.temp_slot("comp");
    auto empty = std::make_unique<Expr>(e->comp_type == Expr::CompType::Dict ? ExprKind::Dict : ExprKind::List, e->pos);
    emit_assign(result, std::move(empty));
    lower_clause(*e, 0, result);
    e = temp_ref(result);
  }

  void bind_targets(Expr& t, NameSlots& scope) {
    if (t.kind == ExprKind::Name) {
      int slot = host_.temp_slot(("comp " + t.name + " ").c_str());
      scope[t.name] = slot;
      t.scope = Scope::Local;
      t.slot = slot;
      return;
    }
    for (auto& k : t.kids) if (k) bind_targets(*k, scope);
  }

  // Binds the names of `e` that are the comprehension's own variables,
  // stepping around nested comprehensions that bind the same name.
  static void bind_free(Expr& e, const std::vector<NameSlots>& scopes) {
    std::vector<std::string> shadowed;
    bind_free(e, scopes, shadowed);
  }
  static void bind_free(Expr& e, const std::vector<NameSlots>& scopes, std::vector<std::string>& shadowed) {
    switch (e.kind) {
      case ExprKind::Name: {
        if (e.scope != Scope::Unresolved) return;
        if (std::find(shadowed.begin(), shadowed.end(), e.name) != shadowed.end()) return;
        for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
          auto f = it->find(e.name);
          if (f != it->end()) {
            e.scope = Scope::Local;
            e.slot = f->second;
            return;
          }
        }
        return;
      }
      case ExprKind::NamedExpr:
        bind_free(*e.kids[1], scopes, shadowed);  // the target binds in the enclosing function
        return;
      case ExprKind::Comp: {
        size_t mark = shadowed.size();
        for (auto& c : e.clauses) {
          bind_free(*c.iter, scopes, shadowed);
          std::vector<std::string> names;
          collect_names(*c.target, names);
          shadowed.insert(shadowed.end(), names.begin(), names.end());
          for (auto& cond : c.conds) bind_free(*cond, scopes, shadowed);
        }
        for (auto& k : e.kids) bind_free(*k, scopes, shadowed);
        shadowed.resize(mark);
        return;
      }
      default:
        for (auto& k : e.kids) if (k) bind_free(*k, scopes, shadowed);
        for (auto& k : e.kwargs) if (k) bind_free(*k, scopes, shadowed);
        for (auto& p : e.parts) {
          if (p.expr) bind_free(*p.expr, scopes, shadowed);
          if (p.format_spec) bind_free(*p.format_spec, scopes, shadowed);
        }
        return;
    }
  }
  static void collect_names(const Expr& t, std::vector<std::string>& out) {
    if (t.kind == ExprKind::Name) out.push_back(t.name);
    for (auto& k : t.kids) if (k) collect_names(*k, out);
  }

  void lower_clause(Expr& comp, size_t level, int result) {
    if (level == comp.clauses.size()) return append_element(comp, result);
    CompClause& c = comp.clauses[level];
    if (has(c.iter)) lower(c.iter);
    int iter_slot = host_.temp_slot(c.is_async ? "aiter" : "iter");
    int top;
    size_t exhausted = 0;  // ForNext, or SetupTry around __anext__
    if (!c.is_async) {
      Instr init{Op::ForInit, iter_slot};
      init.e = host_.keep(std::move(c.iter));
      emit(init);
      top = host_.next_pc();
      Instr next{Op::ForNext, iter_slot};
      next.target = host_.keep(std::move(c.target));
      exhausted = emit(next);
    } else {
      // async for: aiter(iterable) once, then await anext() until
      // StopAsyncIteration, which only that await is protected against.
      fold_iter(*c.iter);
      emit_assign(iter_slot, call(builtin_ref("_aiter"), std::move(c.iter)));
      top = host_.next_pc();
      exhausted = emit(Instr{Op::SetupTry});
      Instr next{Op::Await};
      next.e = host_.keep(call(builtin_ref("_anext"), temp_ref(iter_slot)));
      next.target = host_.keep(std::move(c.target));
      emit(next);
      emit(Instr{Op::PopBlock});
    }
    for (auto& cond : c.conds) {
      if (has(cond)) lower(cond);
      Instr skip{Op::JumpIfFalse, top};
      skip.e = host_.keep(std::move(cond));
      emit(skip);
    }
    lower_clause(comp, level + 1, result);
    emit(Instr{Op::Jump, top});
    if (!c.is_async) {
      host_.instr_at(exhausted).b = host_.next_pc();
      return;
    }
    patch_a(exhausted);
    Instr match{Op::Match};
    match.e = host_.keep(builtin_ref("StopAsyncIteration"));
    size_t other = emit(match);
    emit(Instr{Op::PopExc});
    emit(Instr{Op::Clear, iter_slot});
    size_t done = emit(Instr{Op::Jump});
    patch_a(other);
    emit(Instr{Op::Reraise});
    patch_a(done);
  }

  void append_element(Expr& comp, int result) {
    if (comp.comp_type == Expr::CompType::Dict) {
      // result[key] = value: the key first, then the value.
      ExprPtr& key = comp.kids[0];
      ExprPtr& value = comp.kids[1];
      if (has(key)) lower(key);
      int key_slot = host_.temp_slot("key");
      emit_assign(key_slot, std::move(key));
      if (has(value)) lower(value);
      auto store = std::make_unique<Expr>(ExprKind::Subscript, SourcePos{line_, 0});
      store->kids.push_back(temp_ref(result));
      store->kids.push_back(temp_ref(key_slot));
      Instr ins{Op::Assign};
      ins.e = host_.keep(std::move(value));
      ins.target = host_.keep(std::move(store));
      emit(ins);
      return;
    }
    ExprPtr& elt = comp.kids[0];
    if (has(elt)) lower(elt);
    auto append = std::make_unique<Expr>(ExprKind::Attr, SourcePos{line_, 0});
    append->name = "append";
    append->kids.push_back(temp_ref(result));
    Instr ins{Op::Eval};
    ins.e = host_.keep(call(std::move(append), std::move(elt)));
    emit(ins);
  }
};

}  // namespace

bool contains_await(const Expr& e) { return any_awaits(e, nullptr); }

void fold_iter(Expr& iterable) {
  if (iterable.kind != ExprKind::List) return;
  for (auto& k : iterable.kids) if (k->kind == ExprKind::Starred) return;
  iterable.kind = ExprKind::Tuple;
}

void lower_instruction_awaits(Op op, int a, ExprPtr& e, ExprPtr& e2, const Expr* target, int line, LoweringHost& host) {
  if (target && contains_await(*target)) {
    host.report(target->pos, "corun does not support `await` inside an assignment target",
                "await into a name first (`- await: ...` with `as: key`), then assign with it");
    return;
  }
  if (op == Op::Match) {
    // The handler's types are matched while the exception is being handled.
    host.report(e->pos, "corun does not support `await` in an exception type",
                "await the type into a name before the `try` and write that name in `type:`");
    return;
  }
  AwaitLowering lowering(host, line);
  std::vector<ExprPtr*> order;
  if (op == Op::Gather && a == 0 && e) {
    // gather: [a, b] with return_exceptions: its items are the arguments.
    for (auto& k : e->kids) {
      lowering.mark(*k);
      order.push_back(&k);
    }
  } else if (e) {
    lowering.mark(*e);
    order.push_back(&e);
  }
  if (e2) {
    lowering.mark(*e2);
    order.push_back(&e2);
  }
  lowering.lower_in_order(order);
}

namespace {

struct UsageCheck {
  AwaitContext ctx;
  const std::function<void(SourcePos, std::string, std::string)>& report;
  std::vector<const Expr*> comps;  // enclosing comprehensions, innermost last
  bool reported = false;

  void fail(SourcePos pos, std::string message, std::string hint) {
    if (reported) return;
    reported = true;
    report(pos, std::move(message), std::move(hint));
  }

  const Expr* enclosing_generator() const {
    for (const Expr* c : comps) if (c->comp_type == Expr::CompType::Gen) return c;
    return nullptr;
  }

  void async_part(SourcePos pos, bool in_comprehension) {
    if (const Expr* gen = enclosing_generator()) {
      fail(gen->pos, "corun does not support asynchronous generator expressions (an `await` or `async for` inside `(... for ...)`) yet",
           "use a list comprehension: [... async for ...]");
      return;
    }
    if (ctx == AwaitContext::Async) return;
    if (in_comprehension) {
      fail(comps.back()->pos, "asynchronous comprehension outside of an asynchronous function",
           ctx == AwaitContext::Module ? "comprehensions that await belong in a coroutine"
                                       : "make the definition a coroutine (under `coroutines:`, or a method without `sync: true`)");
      return;
    }
    if (ctx == AwaitContext::Module)
      fail(pos, "'await' outside function", "await inside a coroutine; `main:` names the coroutine asyncio.run starts");
    else
      fail(pos, "'await' outside async function",
           "make the definition a coroutine (under `coroutines:`, or a method without `sync: true`)");
  }

  void walk(const Expr& e) {
    if (reported) return;
    if (e.kind == ExprKind::Lambda) {
      // A lambda's body is a plain function's: no await there. Its defaults
      // are evaluated where it is made, but corun does not lower them.
      for (auto& d : e.kwargs)
        if (d && any_awaits(*d, nullptr))
          fail(d->pos, "corun does not support 'await' in a lambda's default value yet", "await it in a step before");
      if (e.kids.empty() || !e.kids[0]) return;
      UsageCheck body{AwaitContext::Sync, report, {}};
      body.walk(*e.kids[0]);
      reported = reported || body.reported;
      return;
    }
    if (e.kind == ExprKind::Await) async_part(e.pos, !comps.empty());
    if (e.kind == ExprKind::Comp) {
      // The first iterable is evaluated outside the comprehension.
      if (!e.clauses.empty()) walk(*e.clauses[0].iter);
      comps.push_back(&e);
      for (size_t i = 0; i < e.clauses.size(); ++i) {
        const CompClause& c = e.clauses[i];
        if (c.is_async) async_part(e.pos, true);
        if (i > 0) walk(*c.iter);
        for (auto& cond : c.conds) walk(*cond);
      }
      for (auto& k : e.kids) walk(*k);
      comps.pop_back();
      return;
    }
    for (auto& k : e.kids) if (k) walk(*k);
    for (auto& k : e.kwargs) if (k) walk(*k);
    for (auto& p : e.parts) {
      if (p.expr) walk(*p.expr);
      if (p.format_spec) walk(*p.format_spec);
    }
  }
};

}  // namespace

void check_await_usage(const Expr& root, AwaitContext ctx,
                       const std::function<void(SourcePos, std::string, std::string)>& report) {
  UsageCheck check{ctx, report, {}};
  check.walk(root);
}

}  // namespace corun
