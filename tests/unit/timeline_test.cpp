// Tracing renderers: the per-task intervals built from the engine's events,
// the --trace log, the terminal timeline at 80 and 120 columns (UTF-8 and
// ASCII), the Chrome trace JSON (parsed back) and the SVG chart.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "engine/compile/code.h"
#include "engine/load/diagnostics.h"
#include "engine/vm/interp.h"
#include "engine/trace/timeline.h"
#include "engine/trace/timeline_svg.h"
#include "engine/trace/timeline_text.h"
#include "engine/trace/trace_json.h"
#include "engine/trace/trace_log.h"

namespace corun {
namespace {

std::vector<TraceEvent> record(const std::string& yaml) {
  TraceRecorder rec;
  try {
    auto program = compile_scenario(std::make_shared<const SourceFile>("t.yaml", yaml));
    RunOptions opts;
    opts.out = [](std::string_view) {};
    opts.err = [](std::string_view) {};
    opts.tracer = &rec;
    Interp in(*program, opts);
    in.run();
  } catch (const ScenarioError&) {
    ADD_FAILURE() << "scenario did not compile";
  }
  return rec.events;
}

// The seed gather example (scenarios/seeds/002_module01_event_loop/gather_concurrent.yaml).
const char* kGather = R"(coroutines:
  task:
    params: [name, delay]
    steps:
      - print: "{name} started"
      - sleep: delay
      - print: "{name} finished"
      - return: "{name} result"
  main:
    - gather:
        - task("A", 2)
        - task("B", 1)
        - task("C", 3)
      as: results
    - print: "Results: {results}"
)";

const char* kBlocking = R"(coroutines:
  hog:
    steps:
      - block: 2
  main:
    - task: hog()
      as: t
    - sleep: 0.5
    - await: t
)";

const char* kCancel = R"(coroutines:
  forever:
    steps:
      - sleep: 10
  main:
    - task: forever()
      as: t
    - sleep: 1
    - cancel: t
    - try:
        - await: t
      except:
        - type: CancelledError
          steps:
            - print: "cancelled"
)";

const Span* find_span(const TaskRow& t, SpanKind k, size_t nth = 0) {
  for (const Span& s : t.spans)
    if (s.kind == k && nth-- == 0) return &s;
  return nullptr;
}

TEST(Timeline, GatherIntervals) {
  Timeline tl = build_timeline(record(kGather));
  // asyncio.run's teardown tasks (shutdown_asyncgens, ...) are left out
  ASSERT_EQ(tl.tasks.size(), 4u);
  EXPECT_EQ(tl.tasks[0].label(), "Task-1 main()");
  EXPECT_EQ(tl.tasks[1].label(), "Task-2 task('A', 2)");
  EXPECT_EQ(tl.tasks[1].line, 11);
  EXPECT_EQ(tl.tasks[1].parent, 1u);
  EXPECT_EQ(tl.end.ns, 3'000'000'000);
  const TaskRow& a = tl.tasks[1];
  EXPECT_EQ(a.end, TaskEnd::Done);
  EXPECT_EQ(a.result, "'A result'");
  EXPECT_EQ(a.ended.ns, 2'000'000'000);
  const Span* wait = find_span(a, SpanKind::Waiting);
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->start.ns, 0);
  EXPECT_EQ(wait->end.ns, 2'000'000'000);
  EXPECT_EQ(wait->detail, "sleep until 2.000");
  EXPECT_EQ(wait->line, 6);
  ASSERT_NE(find_span(a, SpanKind::Running, 1), nullptr);
  EXPECT_EQ(find_span(a, SpanKind::Running, 1)->start.ns, 2'000'000'000);
  // spans are contiguous from creation to the end
  for (const TaskRow& t : tl.tasks) {
    ASSERT_FALSE(t.spans.empty());
    EXPECT_EQ(t.spans.front().start.ns, t.created.ns);
    EXPECT_EQ(t.spans.back().end.ns, t.ended.ns);
    for (size_t i = 1; i < t.spans.size(); ++i) EXPECT_EQ(t.spans[i].start.ns, t.spans[i - 1].end.ns) << t.label();
  }
  // main waits on the gather from 0 to 3s, woken by the last child (C)
  const Span* mw = find_span(tl.tasks[0], SpanKind::Waiting);
  ASSERT_NE(mw, nullptr);
  EXPECT_EQ(mw->detail, "gather of 3");
  EXPECT_EQ(mw->end.ns, 3'000'000'000);
  bool woken_by_c = false;
  for (const Wake& w : tl.wakes) woken_by_c |= w.to == 1 && w.from == 4 && w.at.ns == 3'000'000'000;
  EXPECT_TRUE(woken_by_c);
  // every sleeper is woken by its timer
  int timer_wakes = 0;
  for (const Wake& w : tl.wakes) timer_wakes += w.from == 0;
  EXPECT_EQ(timer_wakes, 3);
}

TEST(Timeline, BlockingAndReadyIntervals) {
  Timeline tl = build_timeline(record(kBlocking));
  ASSERT_EQ(tl.tasks.size(), 2u);
  const TaskRow& hog = tl.tasks[1];
  const Span* b = find_span(hog, SpanKind::Blocking);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->start.ns, 0);
  EXPECT_EQ(b->end.ns, 2'000'000'000);
  EXPECT_EQ(b->line, 4);
  // main's 0.5s sleep is over at 0.5s, but the loop is blocked until 2s:
  // waiting until its timer fires (at 2s), never before
  const Span* w = find_span(tl.tasks[0], SpanKind::Waiting);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->end.ns, 2'000'000'000);
  EXPECT_EQ(tl.end.ns, 2'000'000'000);
}

TEST(Timeline, CancellationInstants) {
  Timeline tl = build_timeline(record(kCancel));
  ASSERT_EQ(tl.tasks.size(), 2u);
  EXPECT_EQ(tl.tasks[1].end, TaskEnd::Cancelled);
  EXPECT_EQ(tl.tasks[1].ended.ns, 1'000'000'000);
  bool requested = false, cancelled = false;
  for (const Instant& i : tl.instants) {
    if (i.kind == Instant::CancelRequested) requested = i.task == 2 && i.by == 1 && i.at.ns == 1'000'000'000;
    if (i.kind == Instant::Cancelled) cancelled = i.task == 2;
  }
  EXPECT_TRUE(requested);
  EXPECT_TRUE(cancelled);
}

TEST(Timeline, NoTimePassesMeansIterationAxis) {
  Timeline tl = build_timeline(record("coroutines:\n  main:\n    - print: hi\n"));
  ASSERT_EQ(tl.tasks.size(), 1u);
  EXPECT_EQ(tl.end.ns, 0);
  EXPECT_GE(tl.end.iter, 1u);
  std::string text = render_timeline_text(tl, 80, false);
  EXPECT_NE(text.find("(loop iterations)"), std::string::npos) << text;
}

TEST(Timeline, IncompleteRunLeavesTasksPending) {
  std::vector<TraceEvent> ev = record(kGather);
  ev.resize(12);  // cut in the middle, as when a run aborts
  Timeline tl = build_timeline(ev);
  ASSERT_FALSE(tl.tasks.empty());
  EXPECT_EQ(tl.tasks[0].end, TaskEnd::Pending);
}

TEST(Timeline, AxisLabelsUseOneUnit) {
  EXPECT_EQ(axis_step(0.4e9, false), 500'000'000);
  EXPECT_EQ(axis_step(3, true), 5);
  EXPECT_EQ(axis_label(1'500'000'000, 500'000'000, false), "1.5s");
  EXPECT_EQ(axis_label(1'000'000'000, 500'000'000, false), "1s");
  EXPECT_EQ(axis_label(250'000'000, 50'000'000, false), "250ms");
  EXPECT_EQ(format_duration_label(2'000'000'000), "2s");
}

// ---- the --trace log ---------------------------------------------------------------

TEST(TraceLogFormat, GatherLines) {
  TraceLog log(nullptr);
  std::vector<std::string> lines;
  for (const TraceEvent& e : record(kGather)) lines.push_back(log.format(e));
  auto has = [&](const std::string& l) {
    for (auto& x : lines)
      if (x == l) return true;
    return false;
  };
  EXPECT_TRUE(has("  0.000000  created     Task-1 main()"));
  EXPECT_TRUE(has("  0.000000  iteration   #1, ready 1"));
  EXPECT_TRUE(has("  0.000000  created     Task-2 task('A', 2) by Task-1 at line 11"));
  EXPECT_TRUE(has("  0.000000  suspended   Task-1 on gather of 3 at line 10"));
  EXPECT_TRUE(has("  0.000000  suspended   Task-3 on sleep until 1.000 at line 6"));
  EXPECT_TRUE(has("  1.000000  timer       sleep timer wakes Task-3"));
  EXPECT_TRUE(has("  1.000000  resumed     Task-3 after sleep until 1.000"));
  EXPECT_TRUE(has("  1.000000  finished    Task-3 -> 'B result'"));
  // the gather's last child (C, 3s) hands over
  EXPECT_TRUE(has("  3.000000  wake        Task-1 by Task-4"));
  EXPECT_TRUE(has("  3.000000  resumed     Task-1 after gather of 3, woken by Task-4"));
}

TEST(TraceLogFormat, CancelAndBlockLines) {
  TraceLog log(nullptr);
  std::vector<std::string> lines;
  for (const TraceEvent& e : record(kCancel)) lines.push_back(log.format(e));
  for (const TraceEvent& e : record(kBlocking)) lines.push_back(log.format(e));
  std::string all;
  for (auto& l : lines) all += l + "\n";
  EXPECT_NE(all.find("  1.000000  cancel      Task-2 by Task-1"), std::string::npos) << all;
  EXPECT_NE(all.find("  1.000000  cancelled   Task-2 CancelledError()"), std::string::npos) << all;
  EXPECT_NE(all.find("  0.000000  block       Task-2 for 2.000000s at line 4"), std::string::npos) << all;
}

TEST(TraceLogFormat, Seconds) {
  EXPECT_EQ(trace_seconds(0), "0.000000");
  EXPECT_EQ(trace_seconds(1'500'000'000), "1.500000");
  EXPECT_EQ(trace_seconds(1'499), "0.000001");
  EXPECT_EQ(trace_seconds(12'345'678'901), "12.345679");
}

TEST(TraceFanoutTest, EverySinkSeesEveryEvent) {
  TraceRecorder a, b;
  TraceFanout f;
  f.add(&a);
  f.add(&b);
  f.event(TraceEvent{TraceKind::Iteration});
  f.event(TraceEvent{TraceKind::TaskStarted});
  EXPECT_EQ(a.events.size(), 2u);
  EXPECT_EQ(b.events.size(), 2u);
}

// ---- the terminal timeline ------------------------------------------------------------

size_t columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t a = 0;
  for (size_t b; (b = s.find('\n', a)) != std::string::npos; a = b + 1) out.push_back(s.substr(a, b - a));
  return out;
}

// The column (in display columns) where the n-th occurrence of `mark` is.
int column_of(const std::string& line, const std::string& mark, bool last) {
  int found = -1;
  size_t col = 0;
  for (size_t i = 0; i < line.size();) {
    if (line.compare(i, mark.size(), mark) == 0) {
      found = int(col);
      if (!last) return found;
    }
    unsigned char c = static_cast<unsigned char>(line[i]);
    i += c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    ++col;
  }
  return found;
}

class TextTimeline : public ::testing::TestWithParam<std::tuple<int, bool>> {};

TEST_P(TextTimeline, FitsAndPlacesTheSeedsPicture) {
  auto [width, utf8] = GetParam();
  Timeline tl = build_timeline(record(kGather));
  std::string text = render_timeline_text(tl, width, utf8);
  auto lines = split_lines(text);
  ASSERT_EQ(lines.size(), 2 + 4 + 1u) << text;  // axis labels, ruler, 4 tasks, legend
  for (auto& l : lines) EXPECT_LT(columns(l), size_t(width)) << l;
  if (!utf8) {
    for (unsigned char c : text) ASSERT_LT(c, 0x80) << text;
  }
  const std::string run = utf8 ? "█" : "#", wait = utf8 ? "─" : "-";
  EXPECT_EQ(lines[0].rfind("Task", 0), 0u);
  EXPECT_NE(lines[0].find("0s"), std::string::npos);
  EXPECT_NE(lines[0].find("3s"), std::string::npos);
  EXPECT_EQ(lines[2].rfind("Task-1 main()", 0), 0u);
  EXPECT_EQ(lines[3].rfind("Task-2 task('A', 2)", 0), 0u);
  for (int i = 2; i < 6; ++i) EXPECT_EQ(lines[size_t(i)].substr(lines[size_t(i)].size() - 4), "done");
  // B ends at 1s, A at 2s, C and main at 3s: the last running marks are at
  // 1/3, 2/3 and the end of the bar
  // look at the bars only: the labels contain '-'
  size_t bar_at = lines[1].find(utf8 ? "├" : "+");
  for (int i = 2; i < 6; ++i) lines[size_t(i)] = lines[size_t(i)].substr(utf8 ? lines[size_t(i)].find(run) : bar_at);
  int start = column_of(lines[2], run, false);
  int end = column_of(lines[2], run, true);
  int a = column_of(lines[3], run, true), b = column_of(lines[4], run, true), c = column_of(lines[5], run, true);
  EXPECT_EQ(c, end);
  EXPECT_NEAR(double(b - start) / (end - start), 1.0 / 3, 0.02);
  EXPECT_NEAR(double(a - start) / (end - start), 2.0 / 3, 0.02);
  EXPECT_EQ(column_of(lines[4], run, false), start);
  // waiting between
  EXPECT_EQ(column_of(lines[4], wait, false), start + 1);
  EXPECT_EQ(column_of(lines[4], wait, true), b - 1);
  EXPECT_NE(lines.back().find("running"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Widths, TextTimeline,
                         ::testing::Combine(::testing::Values(80, 120), ::testing::Bool()));

TEST(TextTimelineLabels, LongLabelsAreCutAtNarrowWidths) {
  Timeline tl = build_timeline(record(kGather));
  tl.tasks[1].call = "a_very_long_coroutine_name_that_goes_on(" + std::string(40, 'x') + ")";
  auto lines = split_lines(render_timeline_text(tl, 80, false));
  EXPECT_NE(lines[3].find("~"), std::string::npos);
  for (auto& l : lines) EXPECT_LT(columns(l), 80u) << l;
}

TEST(TextTimelineLabels, BlockingMark) {
  std::string text = render_timeline_text(build_timeline(record(kBlocking)), 80, false);
  auto lines = split_lines(text);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_NE(lines[3].find("XXXX"), std::string::npos) << text;
}

// ---- the Chrome trace JSON, parsed back ------------------------------------------------

struct Json;
using JsonObject = std::map<std::string, Json>;
using JsonArray = std::vector<Json>;
struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, JsonArray, JsonObject> v;
  const Json& operator[](const std::string& k) const { return std::get<JsonObject>(v).at(k); }
  bool has(const std::string& k) const { return std::get<JsonObject>(v).count(k) > 0; }
  double num() const { return std::get<double>(v); }
  const std::string& str() const { return std::get<std::string>(v); }
  const JsonArray& arr() const { return std::get<JsonArray>(v); }
};

// A strict little JSON parser: throws on anything not JSON.
class JsonParser {
 public:
  explicit JsonParser(const std::string& s) : s_(s) {}
  Json parse() {
    Json j = value();
    ws();
    if (i_ != s_.size()) throw std::runtime_error("trailing text at " + std::to_string(i_));
    return j;
  }

 private:
  void ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  void expect(char c) {
    ws();
    if (i_ >= s_.size() || s_[i_] != c) throw std::runtime_error(std::string("expected ") + c + " at " + std::to_string(i_));
    ++i_;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (i_ >= s_.size()) throw std::runtime_error("unterminated string");
      char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) throw std::runtime_error("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = s_[i_++];
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': out += char(std::stoi(s_.substr(i_, 4), nullptr, 16)); i_ += 4; break;
        default: throw std::runtime_error("bad escape");
      }
    }
  }
  Json value() {
    ws();
    if (i_ >= s_.size()) throw std::runtime_error("unexpected end");
    char c = s_[i_];
    if (c == '{') {
      ++i_;
      JsonObject o;
      ws();
      if (s_[i_] == '}') { ++i_; return Json{o}; }
      while (true) {
        std::string k = string();
        expect(':');
        o[k] = value();
        ws();
        if (s_[i_] == ',') { ++i_; continue; }
        expect('}');
        return Json{o};
      }
    }
    if (c == '[') {
      ++i_;
      JsonArray a;
      ws();
      if (s_[i_] == ']') { ++i_; return Json{a}; }
      while (true) {
        a.push_back(value());
        ws();
        if (s_[i_] == ',') { ++i_; continue; }
        expect(']');
        return Json{a};
      }
    }
    if (c == '"') return Json{string()};
    if (s_.compare(i_, 4, "true") == 0) { i_ += 4; return Json{true}; }
    if (s_.compare(i_, 5, "false") == 0) { i_ += 5; return Json{false}; }
    if (s_.compare(i_, 4, "null") == 0) { i_ += 4; return Json{nullptr}; }
    size_t n = 0;
    double d = std::stod(s_.substr(i_), &n);
    if (n == 0) throw std::runtime_error("bad value");
    i_ += n;
    return Json{d};
  }
  const std::string& s_;
  size_t i_ = 0;
};

TEST(TraceJson, StructureAndMicroseconds) {
  Timeline tl = build_timeline(record(kGather));
  std::string text = render_trace_json(tl, "gather \"seed\".yaml");
  Json doc;
  ASSERT_NO_THROW(doc = JsonParser(text).parse()) << text;
  const JsonArray& ev = doc["traceEvents"].arr();
  std::map<double, std::string> thread_names;
  std::map<double, int> flow_starts, flow_ends;
  bool a_waits = false, main_waits = false;
  for (const Json& e : ev) {
    ASSERT_TRUE(e.has("ph") && e.has("pid") && e.has("name"));
    const std::string& ph = e["ph"].str();
    if (ph == "M" && e["name"].str() == "thread_name") thread_names[e["tid"].num()] = e["args"]["name"].str();
    if (ph == "M" && e["name"].str() == "process_name") {
      EXPECT_EQ(e["args"]["name"].str(), "corun gather \"seed\".yaml");
    }
    if (ph == "X") {
      EXPECT_GE(e["dur"].num(), 0);
      EXPECT_GE(e["ts"].num(), 0);
      EXPECT_LE(e["ts"].num() + e["dur"].num(), 3'000'000);
      if (e["tid"].num() == 2 && e["cat"].str() == "waiting") {
        a_waits = true;
        EXPECT_EQ(e["ts"].num(), 0);
        EXPECT_EQ(e["dur"].num(), 2'000'000);  // 2 s of virtual time, in microseconds
        EXPECT_EQ(e["args"]["awaiting"].str(), "sleep until 2.000");
        EXPECT_EQ(e["args"]["line"].num(), 6);
        EXPECT_EQ(e["name"].str(), "waiting: sleep until 2.000");
      }
      if (e["tid"].num() == 1 && e["cat"].str() == "waiting") {
        main_waits = true;
        EXPECT_EQ(e["dur"].num(), 3'000'000);
        EXPECT_EQ(e["args"]["line"].num(), 10);
      }
    }
    if (ph == "s") ++flow_starts[e["id"].num()];
    if (ph == "f") {
      ++flow_ends[e["id"].num()];
      EXPECT_EQ(e["bp"].str(), "e");
    }
  }
  EXPECT_TRUE(a_waits);
  EXPECT_TRUE(main_waits);
  EXPECT_EQ(thread_names.size(), 5u);  // the loop and four tasks
  EXPECT_EQ(thread_names[0], "event loop");
  EXPECT_EQ(thread_names[2], "Task-2 task('A', 2)");
  EXPECT_FALSE(flow_starts.empty());
  EXPECT_EQ(flow_starts, flow_ends);
}

TEST(TraceJson, CancellationIsAnInstant) {
  Json doc = JsonParser(render_trace_json(build_timeline(record(kCancel)), "c.yaml")).parse();
  int instants = 0;
  for (const Json& e : doc["traceEvents"].arr()) {
    if (e["ph"].str() != "i") continue;
    ++instants;
    EXPECT_EQ(e["s"].str(), "t");
    EXPECT_EQ(e["ts"].num(), 1'000'000);
    EXPECT_EQ(e["tid"].num(), 2);
    if (e["name"].str() == "cancel requested") {
      EXPECT_EQ(e["args"]["by"].str(), "Task-1");
    }
  }
  EXPECT_EQ(instants, 2);  // the request and the end
}

TEST(TraceJson, EscapesStrings) {
  EXPECT_EQ(json_string("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

// ---- the SVG chart ----------------------------------------------------------------------

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(TimelineSvg, OneRowPerTaskAxisAndLegend) {
  Timeline tl = build_timeline(record(kGather));
  std::string svg = render_timeline_svg(tl, "a<b>&.yaml");
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_EQ(count(svg, "<g class=\"task\""), 4u);
  EXPECT_NE(svg.find("a&lt;b&gt;&amp;.yaml"), std::string::npos);
  EXPECT_EQ(svg.find("a<b>"), std::string::npos);
  EXPECT_NE(svg.find("<g class=\"axis\""), std::string::npos);
  EXPECT_NE(svg.find("<g class=\"legend\""), std::string::npos);
  EXPECT_NE(svg.find(">3s</text>"), std::string::npos);
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(count(svg, "</svg>"), 1u);
  EXPECT_EQ(count(svg, "<g"), count(svg, "</g>"));
}

// Hand-offs: a consumer blocked on Queue.get is woken by the producer's
// put; a call_later callback sets an Event; main cancels a sleeper.
const char* kHandOff = R"(functions:
  fire:
    params: [ev]
    steps:
      - call: ev.set()
coroutines:
  consumer:
    params: [q]
    steps:
      - await: q.get()
  waiter:
    params: [ev]
    steps:
      - await: ev.wait()
  sleeper:
    steps:
      - sleep: 10
  main:
    - set: {q: asyncio.Queue(), ev: asyncio.Event()}
    - task: consumer(q)
    - task: waiter(ev)
    - task: sleeper()
      as: s
    - call: asyncio.get_running_loop().call_later(0.5, fire, ev)
    - sleep: 1
    - call: q.put_nowait(1)
    - call: s.cancel()
    - sleep: 0
)";

TEST(Timeline, HandOffsAreWakes) {
  Timeline tl = build_timeline(record(kHandOff));
  ASSERT_EQ(tl.tasks.size(), 4u);
  bool queue = false, event = false, cancel = false;
  for (const Wake& w : tl.wakes) {
    if (w.to == 2) queue = w.from == 1 && w.what == "Queue.get" && w.from_at.ns == 1'000'000'000 && !w.cancel;
    if (w.to == 3) event = w.from == 0 && w.callback == 1 && w.what == "Event.wait" && w.from_at.ns == 500'000'000;
    if (w.to == 4) cancel = w.from == 1 && w.cancel;
  }
  EXPECT_TRUE(queue);
  EXPECT_TRUE(event);
  EXPECT_TRUE(cancel);
  // the consumer waited until the put, not until its step began
  const Span* q = find_span(tl.tasks[1], SpanKind::Waiting);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->end.ns, 1'000'000'000);
  EXPECT_EQ(tl.tasks[3].end, TaskEnd::Cancelled);
  EXPECT_EQ(tl.tasks[3].cancelled_by, 1u);
  EXPECT_EQ(cause_label(tl, 0, 1), "callback #1 fire(<Event>)");
  EXPECT_EQ(cause_label(tl, 0, 0), "event loop");
}

TEST(TraceLogFormat, WakeCallbackAndCancelLines) {
  TraceLog log(nullptr);
  std::string all;
  for (const TraceEvent& e : record(kHandOff)) all += log.format(e) + "\n";
  for (const char* line : {"  0.000000  created     Task-2 consumer(<Queue>) by Task-1 at line 20",
                           "  0.000000  suspended   Task-2 on Queue.get at line 10",
                           "  0.500000  callback    #1 fire(<Event>) from Task-1",
                           "  0.500000  wake        Task-3 by callback #1",
                           "  0.500000  resumed     Task-3 after Event.wait, woken by callback #1",
                           "  1.000000  wake        Task-2 by Task-1",
                           "  1.000000  wake        Task-4 cancelled by Task-1",
                           "  1.000000  resumed     Task-4 cancelled by Task-1 during sleep until 10.000"})
    EXPECT_NE(all.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << all;
  EXPECT_EQ(all.find("0x"), std::string::npos) << all;
}

TEST(TraceJson, HandOffFlowsAndCallbackSlices) {
  Timeline tl = build_timeline(record(kHandOff));
  std::string json = render_trace_json(tl, "t.yaml");
  EXPECT_NE(json.find("\"name\":\"callback: fire(<Event>)\",\"pid\":1,\"tid\":0,\"ts\":500000,\"dur\":0"), std::string::npos) << json;
  EXPECT_NE(json.find("{\"ph\":\"s\",\"name\":\"wake\",\"pid\":1,\"tid\":1,\"ts\":1000000,\"cat\":\"wake\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"args\":{\"awaited\":\"Queue.get\",\"by\":\"Task-1\"}"), std::string::npos) << json;
  EXPECT_NE(json.find("{\"ph\":\"s\",\"name\":\"cancel\",\"pid\":1,\"tid\":1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\":\"cancelled\",\"pid\":1,\"tid\":4,\"ts\":1000000,\"s\":\"t\",\"cat\":\"exception\",\"args\":{\"exception\":\"CancelledError()\",\"by\":\"Task-1\"}"),
            std::string::npos) << json;
}

TEST(TimelineSvg, LegendRingIsRaisedOrCancelledAndCallbacksAreDrawn) {
  Timeline tl = build_timeline(record(kHandOff));
  std::string svg = render_timeline_svg(tl, "t.yaml");
  EXPECT_NE(svg.find(">raised/cancelled</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">raised</text>"), std::string::npos);
  EXPECT_EQ(count(svg, "<path class=\"callback\""), 1u);
  EXPECT_EQ(count(svg, "<line class=\"cancel\""), 1u);
  EXPECT_GE(count(svg, "<line class=\"wake\""), 2u);  // the queue's, the callback's
  EXPECT_NE(svg.find("CancelledError(), cancelled by Task-1"), std::string::npos);
}

TEST(TimelineSvg, LongLabelsAreCutWholeAndHeldToTheColumn) {
  const std::string name = "tâche-" + std::string(80, 'x');
  Timeline tl = build_timeline(record("coroutines:\n  w:\n    - sleep: 1\n  main:\n    - task: w()\n      name: \"" + name +
                                      "\"\n      as: t\n    - await: t\n"));
  std::string svg = render_timeline_svg(tl, "t.yaml");
  EXPECT_NE(svg.find("textLength=\"360\" lengthAdjust=\"spacingAndGlyphs\">"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">tâche-xxx"), std::string::npos);
  EXPECT_NE(svg.find("x…</text>"), std::string::npos);
}

}  // namespace
}  // namespace corun
