#include "engine/trace/trace_json.h"

#include <cstdio>

#include "engine/schema/json.h"

namespace corun {

// One JSON string writer for everything corun prints as JSON
// (engine/schema/json.h): labels carry the user's strings, which must come
// out as valid UTF-8 JSON whatever bytes they hold.
std::string json_string(const std::string& s) { return json_quote(s); }

namespace {

// Microseconds: an integer when exact, else three decimals.
std::string us(int64_t ns) {
  if (ns % 1000 == 0) return std::to_string(ns / 1000);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3f", double(ns) / 1000.0);
  return buf;
}

class Writer {
 public:
  void add(const std::string& obj) {
    out_ += first_ ? "\n  " : ",\n  ";
    out_ += obj;
    first_ = false;
  }
  std::string str() { return out_; }

 private:
  std::string out_;
  bool first_ = true;
};

// Socket tracks: past any task serial a run can reach.
constexpr uint64_t kSocketTrack0 = uint64_t(1) << 40;

std::string head(const char* ph, const std::string& name, uint64_t tid, int64_t ts_ns) {
  return std::string("{\"ph\":\"") + ph + "\",\"name\":" + json_string(name) + ",\"pid\":1,\"tid\":" + std::to_string(tid) +
         ",\"ts\":" + us(ts_ns);
}

}  // namespace

std::string render_trace_json(const Timeline& tl, const std::string& scenario) {
  Writer w;
  w.add("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":" + json_string("corun " + scenario) + "}}");
  w.add("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"event loop\"}}");
  w.add("{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":0,\"args\":{\"sort_index\":0}}");
  for (const TaskRow& t : tl.tasks) {
    std::string tid = std::to_string(t.serial);
    w.add("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":" + tid + ",\"args\":{\"name\":" + json_string(t.label()) + "}}");
    w.add("{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":" + tid + ",\"args\":{\"sort_index\":" + tid + "}}");
  }
  // Sockets get tracks after the tasks' (task tracks are numbered by serial).
  auto socket_tid = [](size_t i) { return kSocketTrack0 + uint64_t(i); };
  for (size_t i = 0; i < tl.sockets.size(); ++i) {
    std::string tid = std::to_string(socket_tid(i));
    w.add("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":" + tid + ",\"args\":{\"name\":" +
          json_string("socket " + tl.sockets[i].label()) + "}}");
    w.add("{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":" + tid + ",\"args\":{\"sort_index\":" + tid + "}}");
  }
  // The ready queue, as a counter track (only its changes).
  bool have = false;
  uint64_t last = 0;
  for (const ReadySample& r : tl.ready) {
    if (have && r.ready == last) continue;
    w.add(head("C", "ready queue", 0, r.at.ns) + ",\"args\":{\"ready\":" + std::to_string(r.ready) + "}}");
    have = true;
    last = r.ready;
  }
  for (const TaskRow& t : tl.tasks) {
    for (const Span& s : t.spans) {
      std::string name = span_kind_name(s.kind);
      if (s.kind == SpanKind::Waiting && !s.detail.empty()) name += ": " + s.detail;
      std::string args = "\"task\":" + json_string(t.name) + ",\"file\":" + json_string(scenario);
      if (s.line > 0) args += ",\"line\":" + std::to_string(s.line);
      if (s.kind == SpanKind::Waiting) args += ",\"awaiting\":" + json_string(s.detail);
      else if (!s.detail.empty()) args += ",\"detail\":" + json_string(s.detail);
      w.add(head("X", name, t.serial, s.start.ns) + ",\"dur\":" + us(s.end.ns - s.start.ns) + ",\"cat\":\"" +
            span_kind_name(s.kind) + "\",\"args\":{" + args + "}}");
    }
  }
  for (const Instant& i : tl.instants) {
    std::string args;
    const char* name = "";
    switch (i.kind) {
      case Instant::CancelRequested:
        name = "cancel requested";
        args += "\"by\":" + json_string(cause_label(tl, i.by, i.callback));
        if (!i.detail.empty()) args += ",\"message\":" + json_string(i.detail);
        if (!i.reason.empty()) args += ",\"reason\":" + json_string(i.reason);
        break;
      case Instant::Raised: name = "raised"; args = "\"exception\":" + json_string(i.detail); break;
      case Instant::Cancelled:
        name = "cancelled";
        args = "\"exception\":" + json_string(i.detail) + ",\"by\":" + json_string(cause_label(tl, i.by, i.callback));
        break;
      case Instant::Callback:
        // a zero-length slice on the loop's track, for the flows it starts
        w.add(head("X", "callback: " + i.detail, 0, i.at.ns) + ",\"dur\":0,\"cat\":\"callback\",\"args\":{\"callback\":" +
              std::to_string(i.callback) + ",\"calls\":" + json_string(i.detail) +
              (i.by ? ",\"scheduled_by\":" + json_string(cause_label(tl, i.by, 0)) : std::string()) + "}}");
        continue;
      case Instant::TimerFired:
        // a zero-length slice on the loop's track, for the wake-up flow to start from
        w.add(head("X", "timer fired", 0, i.at.ns) + ",\"dur\":0,\"cat\":\"timer\",\"args\":{\"detail\":" + json_string(i.detail) +
              (i.task ? ",\"wakes\":" + json_string(tl.find(i.task) ? tl.find(i.task)->name : "") : std::string()) + "}}");
        continue;
    }
    if (i.line > 0) args += std::string(args.empty() ? "" : ",") + "\"line\":" + std::to_string(i.line);
    w.add(head("i", name, i.task, i.at.ns) + ",\"s\":\"t\",\"cat\":\"" + (i.kind == Instant::CancelRequested ? "cancel" : "exception") +
          "\",\"args\":{" + args + "}}");
  }
  // Each socket: its life as a slice, each call on it an instant.
  for (size_t i = 0; i < tl.sockets.size(); ++i) {
    const SocketRow& k = tl.sockets[i];
    std::string args = "\"fd\":" + std::to_string(k.fd) + ",\"kind\":" + json_string(k.kind) + ",\"sent\":" +
                       std::to_string(k.sent) + ",\"received\":" + std::to_string(k.received);
    if (k.listener >= 0) args += ",\"listener_fd\":" + std::to_string(k.listener);
    w.add(head("X", k.label(), socket_tid(i), k.opened.ns) + ",\"dur\":" + us(k.closed.ns - k.opened.ns) +
          ",\"cat\":\"socket\",\"args\":{" + args + "}}");
    for (const SocketRow::Op& op : k.ops) {
      std::string name = op.outcome.empty() ? op.call : op.call + ": " + op.outcome;
      w.add(head("i", name, socket_tid(i), op.at.ns) + ",\"s\":\"t\",\"cat\":\"io\",\"args\":{\"call\":" +
            json_string(op.call) + ",\"bytes\":" + std::to_string(op.bytes) +
            (op.outcome.empty() ? std::string() : ",\"outcome\":" + json_string(op.outcome)) +
            ",\"by\":" + json_string(cause_label(tl, op.task, op.callback)) + "}}");
    }
  }
  // Wake-ups: a flow from what ended the wait (a task's step, a callback or
  // a timer on the loop's track) to the step that resumes.
  uint64_t id = 0;
  for (const Wake& k : tl.wakes) {
    ++id;
    const char* name = k.cancel ? "cancel" : "wake";
    std::string ids = std::string(",\"cat\":\"") + name + "\",\"id\":" + std::to_string(id);
    w.add(head("s", name, k.from, k.from_at.ns) + ids + ",\"args\":{\"awaited\":" + json_string(k.what) +
          ",\"by\":" + json_string(cause_label(tl, k.from, k.callback)) + "}}");
    w.add(head("f", name, k.to, k.at.ns) + ids + ",\"bp\":\"e\"}");
  }
  return "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"corun\",\"clock\":\"loop time\"},\"traceEvents\":[" + w.str() +
         "\n]}\n";
}

}  // namespace corun
