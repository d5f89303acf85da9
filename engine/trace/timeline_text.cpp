#include "engine/trace/timeline_text.h"

#include <algorithm>
#include <cmath>

namespace corun {

namespace {

// Display width of UTF-8 text (one column per code point; the labels are
// reprs of scenario values, so wide characters are rare).
size_t columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first `w` columns of s, ending in an ellipsis when cut.
std::string fit(const std::string& s, size_t w, bool utf8) {
  if (columns(s) <= w) return s + std::string(w - columns(s), ' ');
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0) len = 4;
    else if (c >= 0xE0) len = 3;
    else if (c >= 0xC0) len = 2;
    if (n + 1 >= w) break;
    out.append(s, i, len);
    i += len;
    ++n;
  }
  out += utf8 ? "…" : "~";
  return out + std::string(w > n + 1 ? w - n - 1 : 0, ' ');
}

}  // namespace

std::string render_timeline_text(const Timeline& tl, int width, bool utf8) {
  const bool by_iter = tl.end.ns <= 0;
  const int64_t total = by_iter ? int64_t(std::max<uint64_t>(tl.end.iter, 1)) : tl.end.ns;
  auto x_of = [&](const TimePoint& p) { return by_iter ? int64_t(p.iter) : p.ns; };

  const std::string mark_run = utf8 ? "█" : "#", mark_block = utf8 ? "▓" : "X", mark_wait = utf8 ? "─" : "-",
                    mark_ready = utf8 ? "·" : ".";
  const size_t status_w = 10;  // " cancelled"
  size_t label_w = 4;
  for (auto& t : tl.tasks) label_w = std::max(label_w, columns(t.label()));
  for (auto& k : tl.sockets) label_w = std::max(label_w, columns(k.label()));
  width = std::max(width, 40);
  label_w = std::min(label_w, size_t(std::max(12, width * 3 / 10)));
  // label, two spaces, the bar, the status; one column spare so that a
  // terminal of exactly `width` columns does not wrap.
  int bar = std::max(10, width - int(label_w) - 2 - int(status_w) - 1);
  auto col = [&](int64_t x) { return int(std::llround(double(x) * (bar - 1) / double(total))); };

  std::string out;
  // Axis: labels over ticks, at a step that leaves room for each label.
  auto step_for = [&](size_t label_cols) {
    return axis_step(double(total) * double(std::max<size_t>(label_cols + 2, 8)) / double(bar - 1), by_iter);
  };
  int64_t step = step_for(6);
  step = step_for(std::max(axis_label(total, step, by_iter).size(), axis_label(total - total % step, step, by_iter).size()));
  auto label_for = [&](int64_t x) { return axis_label(x, step, by_iter); };
  std::string labels(label_w + 2, ' ');
  labels.replace(0, 4, "Task");
  std::vector<std::string> ruler(size_t(bar), mark_wait);
  size_t used = 0;  // columns of `labels` after label_w + 2
  // Ticks counted, not stepped past the end: the clock may end near the top
  // of int64 (docs/language.md §12), where x += step would wrap.
  for (int64_t tick = 0, ticks = total / step; tick <= ticks; ++tick) {
    int64_t x = tick * step;
    int c = col(x);
    ruler[size_t(c)] = utf8 ? (x == 0 ? "├" : "┼") : "+";
    std::string l = label_for(x);
    size_t at = size_t(c);
    if (at + l.size() > size_t(bar)) at = size_t(bar) >= l.size() ? size_t(bar) - l.size() : 0;
    if (at < used + (used ? 1 : 0)) continue;
    labels += std::string(at - used, ' ') + l;
    used = at + l.size();
  }
  if (utf8) ruler.back() = ruler.back() == mark_wait ? "┤" : "┼";
  out += labels + (by_iter ? "  (loop iterations)" : "") + "\n";
  out += std::string(label_w + 2, ' ');
  for (auto& r : ruler) out += r;
  out += "\n";

  for (const TaskRow& t : tl.tasks) {
    std::vector<std::string> cells(size_t(bar), " ");
    auto paint = [&](const Span& s, const std::string& m) {
      int a = col(x_of(s.start)), b = col(x_of(s.end));
      for (int c = a; c <= b; ++c) cells[size_t(c)] = m;
    };
    for (SpanKind k : {SpanKind::Ready, SpanKind::Waiting, SpanKind::Blocking, SpanKind::Running}) {
      for (const Span& s : t.spans) {
        if (s.kind != k) continue;
        // A zero-length ready or waiting moment is not worth a mark over its neighbours.
        if ((k == SpanKind::Ready || k == SpanKind::Waiting) && x_of(s.start) == x_of(s.end)) continue;
        paint(s, k == SpanKind::Running ? mark_run : k == SpanKind::Blocking ? mark_block : k == SpanKind::Waiting ? mark_wait : mark_ready);
      }
    }
    out += fit(t.label(), label_w, utf8) + "  ";
    for (auto& c : cells) out += c;
    out += " ";
    out += task_end_name(t.end);
    out += "\n";
  }
  // Sockets below the tasks: open from socket()/accept() to close(), with
  // the columns where data went out, came in, or both.
  const std::string mark_send = utf8 ? "↑" : "^", mark_recv = utf8 ? "↓" : "v", mark_both = utf8 ? "↕" : "|";
  for (const SocketRow& k : tl.sockets) {
    std::vector<std::string> cells(size_t(bar), " ");
    for (int c = col(x_of(k.opened)), e = col(x_of(k.closed)); c <= e; ++c) cells[size_t(c)] = mark_wait;
    for (const SocketRow::Op& op : k.ops) {
      bool send = op.call == "send", recv = op.call == "recv";
      if (!(send || recv) || op.bytes <= 0) continue;
      std::string& cell = cells[size_t(col(x_of(op.at)))];
      const std::string& other = send ? mark_recv : mark_send;
      cell = cell == other || cell == mark_both ? mark_both : send ? mark_send : mark_recv;
    }
    out += fit(k.label(), label_w, utf8) + "  ";
    for (auto& c : cells) out += c;
    out += k.is_closed ? " closed\n" : " open\n";
  }
  out += mark_run + " running  " + mark_block + " blocking the loop  " + mark_wait + " waiting  " + mark_ready + " ready";
  if (!by_iter) {
    // two significant digits: "1 column ≈ 64ms"
    double per = double(total) / double(std::max(1, bar - 1));
    double p = std::pow(10.0, std::floor(std::log10(per)) - 1);
    out += std::string("   1 column ") + (utf8 ? "≈ " : "~ ") + format_duration_label(std::max<int64_t>(1000, int64_t(std::llround(per / p) * p)));
  }
  out += "\n";
  if (!tl.sockets.empty())
    out += mark_wait + " socket open  " + mark_send + " sent  " + mark_recv + " received  " + mark_both + " both\n";
  return out;
}

}  // namespace corun
