// Tracebacks in scenario terms, laid out as CPython's traceback module lays
// them out (Lib/traceback.py, TracebackException.format): the chain of
// causes and contexts first, each frame as `file.yaml:LINE in NAME`, the
// exception's own line last, and exception groups drawn as nested boxes.
#include <set>

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

constexpr int kMaxGroupWidth = 15;
constexpr int kMaxGroupDepth = 10;

class TracebackPrinter {
 public:
  TracebackPrinter(Interp& in, std::string& out) : in_(in), out_(out) {}

  // TracebackException.format: the chain oldest first, each link's message
  // before the exception it leads to.
  void format(const ExcObj* exc) {
    std::vector<std::pair<const char*, const ExcObj*>> chain;
    for (const ExcObj* e = exc; e && seen_.insert(e).second;) {
      const char* msg = nullptr;
      const ExcObj* next = nullptr;
      if (!e->cause.is_none()) {
        msg = "\nThe above exception was the direct cause of the following exception:\n\n";
        next = e->cause.as<ExcObj>();
      } else if (!e->context.is_none() && !e->suppress_context) {
        msg = "\nDuring handling of the above exception, another exception occurred:\n\n";
        next = e->context.as<ExcObj>();
      }
      chain.emplace_back(msg, e);
      e = next;
    }
    // Drop a link whose target was already seen (a cycle): its message goes too.
    if (!chain.empty() && chain.back().first) chain.back().first = nullptr;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (it->first) emit(it->first);
      format_one(it->second);
    }
  }

 private:
  Interp& in_;
  std::string& out_;
  std::set<const ExcObj*> seen_;
  int group_depth_ = 0;
  bool need_close_ = false;

  std::string indent() const { return std::string(size_t(2 * group_depth_), ' '); }

  // Every line of text gets the current margin.
  void emit(const std::string& text, char margin = '|') {
    std::string prefix = indent();
    if (group_depth_) prefix += std::string(1, margin) + " ";
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      size_t end = nl == std::string::npos ? text.size() : nl + 1;
      out_ += prefix + text.substr(start, end - start);
      start = end;
    }
  }

  std::string frames(const ExcObj* e) const {
    std::string s;
    for (size_t i = e->traceback.size(); i-- > 0;) {
      const TracebackEntry& t = e->traceback[i];
      if (!t.code->internal) s += "  " + in_.file_name() + ":" + std::to_string(t.line) + " in " + t.code->name + "\n";
    }
    return s;
  }

  std::string exception_only(const ExcObj* e) const {
    std::string text;
    try {
      text = in_.str(Value(const_cast<ExcObj*>(e)));
    } catch (PyException&) {
      text = "<exception str() failed>";  // traceback._some_str
    }
    return e->type->qualified_name() + (text.empty() ? "" : ": " + text) + "\n";
  }

  // The notes add_note() left, one per line after the exception's own line
  // (print_exception_notes): str() of each, or the repr of a __notes__
  // that is not a sequence.
  std::string notes(const ExcObj* e) const {
    if (!e->attrs.is(ObjKind::Dict)) return "";
    const Value* notes = e->attrs.as<DictObj>()->find(make_str("__notes__"));
    if (!notes) return "";
    auto text = [&](const Value& v, bool as_repr) {
      try {
        return as_repr ? in_.repr(v) : in_.str(v);
      } catch (PyException&) {
        return std::string(as_repr ? "<__notes__ repr() failed>" : "<note str() failed>");
      }
    };
    if (!notes->is(ObjKind::List) && !notes->is(ObjKind::Tuple)) return text(*notes, true) + "\n";
    std::string out;
    for (const Value& note : in_.to_vector(*notes)) out += text(note, false) + "\n";
    return out;
  }

  bool is_group(const ExcObj* e) const {
    return e->type->is_subclass_of(in_.builtins().BaseExceptionGroup) && e->args.size() == 2 &&
           e->args[1].is(ObjKind::Tuple);
  }

  void format_one(const ExcObj* e) {
    std::string stack = frames(e);
    if (!is_group(e)) {
      if (!stack.empty()) emit("Traceback (most recent call last):\n" + stack);
      emit(exception_only(e) + notes(e));
      return;
    }
    if (group_depth_ > kMaxGroupDepth) {
      emit("... (max_group_depth is " + std::to_string(kMaxGroupDepth) + ")\n");
      return;
    }
    bool top = group_depth_ == 0;
    if (top) ++group_depth_;
    if (!stack.empty()) {
      emit("Exception Group Traceback (most recent call last):\n", top ? '+' : '|');
      emit(stack);
    }
    emit(exception_only(e) + notes(e));
    const auto& members = e->args[1].as<TupleObj>()->items;
    int count = int(members.size());
    int n = count <= kMaxGroupWidth ? count : kMaxGroupWidth + 1;
    need_close_ = false;
    for (int i = 0; i < n; ++i) {
      bool last = i == n - 1;
      if (last) need_close_ = true;
      bool truncated = i >= kMaxGroupWidth;
      std::string title = truncated ? "..." : std::to_string(i + 1);
      out_ += indent() + (i == 0 ? "+-" : "  ") + "+---------------- " + title + " ----------------\n";
      ++group_depth_;
      if (!truncated) {
        format(members[size_t(i)].as<ExcObj>());
      } else {
        int remaining = count - kMaxGroupWidth;
        emit("and " + std::to_string(remaining) + " more exception" + (remaining > 1 ? "s" : "") + "\n");
      }
      if (last && need_close_) {
        out_ += indent() + "+------------------------------------\n";
        need_close_ = false;
      }
      --group_depth_;
    }
    if (top) group_depth_ = 0;
  }
};

}  // namespace

void Interp::print_traceback(const Value& exc_value) {
  std::string out;
  TracebackPrinter printer(*this, out);
  printer.format(exc_value.as<ExcObj>());
  write_err(out);
}

}  // namespace corun
