#include "engine/trace/timeline_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace corun {

namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

size_t columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first `keep` code points of s (never half a UTF-8 sequence).
std::string first_columns(const std::string& s, size_t keep) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == keep) return s.substr(0, i);
  return s;
}

const char* fill_of(SpanKind k) {
  switch (k) {
    case SpanKind::Running: return "#2e7d32";
    case SpanKind::Blocking: return "#d32f2f";
    case SpanKind::Waiting: return "#90caf9";
    case SpanKind::Ready: return "#e0e0e0";
  }
  return "#000";
}

}  // namespace

std::string render_timeline_svg(const Timeline& tl, const std::string& scenario) {
  const bool by_iter = tl.end.ns <= 0;
  const int64_t total = by_iter ? int64_t(std::max<uint64_t>(tl.end.iter, 1)) : tl.end.ns;
  auto x_of = [&](const TimePoint& p) { return by_iter ? int64_t(p.iter) : p.ns; };

  const double char_w = 7.2, pad = 16, row_h = 26, bar_h = 16, top = 64, width = 960, status_w = 72;
  size_t label_chars = 4;
  for (auto& t : tl.tasks) label_chars = std::max(label_chars, columns(t.label()));
  for (auto& k : tl.sockets) label_chars = std::max(label_chars, columns(k.label()));
  const double label_w = std::min(360.0, double(label_chars) * char_w);
  const double x0 = pad + label_w + 12, x1 = width - pad - status_w;
  auto X = [&](int64_t x) { return x0 + (x1 - x0) * double(x) / double(total); };
  auto row_y = [&](size_t i) { return top + double(i) * row_h; };
  std::vector<size_t> index_of_serial;
  auto row_of = [&](uint64_t serial) -> long {
    for (size_t i = 0; i < tl.tasks.size(); ++i)
      if (tl.tasks[i].serial == serial) return long(i);
    return -1;
  };
  const double chart_bottom = row_y(tl.tasks.size() + tl.sockets.size()) + 4;
  const double height = chart_bottom + 44 + (tl.sockets.empty() ? 0 : 20);  // sockets: a second legend line

  std::string o;
  o += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " +
       num(width) + " " + num(height) + "\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"12\">\n";
  o += "<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\">"
       "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#616161\"/></marker>"
       "<marker id=\"arrow-cancel\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\">"
       "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#c62828\"/></marker></defs>\n";
  o += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  std::string title = "corun timeline: " + scenario + " (" +
                      (by_iter ? std::to_string(total) + " loop iterations" : format_duration_label(total) + " of loop time") + ", " +
                      std::to_string(tl.tasks.size()) + (tl.tasks.size() == 1 ? " task)" : " tasks)");
  o += "<text x=\"" + num(pad) + "\" y=\"22\" font-size=\"14\" font-weight=\"bold\">" + esc(title) + "</text>\n";

  // Axis and grid.
  o += "<g class=\"axis\" stroke=\"#9e9e9e\">\n";
  int64_t step = axis_step(double(total) * 64.0 / (x1 - x0), by_iter);  // a tick every 64px or more
  o += "<line x1=\"" + num(x0) + "\" y1=\"" + num(top - 8) + "\" x2=\"" + num(x1) + "\" y2=\"" + num(top - 8) + "\"/>\n";
  for (int64_t tick = 0, ticks = total / step; tick <= ticks; ++tick) {  // counted: x += step could wrap near INT64_MAX
    int64_t x = tick * step;
    double px = X(x);
    o += "<line x1=\"" + num(px) + "\" y1=\"" + num(top - 12) + "\" x2=\"" + num(px) + "\" y2=\"" + num(chart_bottom) +
         "\" stroke=\"#eeeeee\"/>";
    o += "<line x1=\"" + num(px) + "\" y1=\"" + num(top - 12) + "\" x2=\"" + num(px) + "\" y2=\"" + num(top - 8) + "\"/>";
    o += "<text x=\"" + num(px) + "\" y=\"" + num(top - 16) + "\" text-anchor=\"middle\" stroke=\"none\" fill=\"#424242\">" +
         esc(axis_label(x, step, by_iter)) + "</text>\n";
  }
  o += "</g>\n";

  for (size_t i = 0; i < tl.tasks.size(); ++i) {
    const TaskRow& t = tl.tasks[i];
    double y = row_y(i), cy = y + row_h / 2;
    o += "<g class=\"task\" data-task=\"" + std::to_string(t.serial) + "\">\n";
    if (i % 2 == 1)
      o += "<rect x=\"" + num(pad / 2) + "\" y=\"" + num(y) + "\" width=\"" + num(width - pad) + "\" height=\"" + num(row_h) +
           "\" fill=\"#fafafa\"/>";
    // The label fits its column: cut with an ellipsis, and held to the
    // column's width whatever monospace font the viewer has.
    std::string label = t.label();
    std::string fit;
    if (double(columns(label)) * char_w > label_w) {
      label = first_columns(label, size_t(label_w / char_w) - 1) + "…";
      fit = " textLength=\"" + num(label_w) + "\" lengthAdjust=\"spacingAndGlyphs\"";
    }
    o += "<text x=\"" + num(pad) + "\" y=\"" + num(cy + 4) + "\"" + fit + "><title>" +
         esc(t.label() + " created at line " + std::to_string(t.line)) + "</title>" + esc(label) + "</text>\n";
    for (SpanKind k : {SpanKind::Ready, SpanKind::Waiting, SpanKind::Blocking, SpanKind::Running}) {
      for (const Span& s : t.spans) {
        if (s.kind != k) continue;
        double a = X(x_of(s.start)), b = X(x_of(s.end));
        if (b - a < 0.01 && (k == SpanKind::Ready || k == SpanKind::Waiting)) continue;
        if (b - a < 3) {  // a step that took no loop time: a thin bar
          a = std::max(x0 - 1.5, (a + b) / 2 - 1.5);
          b = a + 3;
        }
        std::string tip = std::string(span_kind_name(k)) + " " +
                          (by_iter ? "#" + std::to_string(x_of(s.start)) + "–#" + std::to_string(x_of(s.end))
                                   : format_duration_label(s.start.ns) + "–" + format_duration_label(s.end.ns));
        if (!s.detail.empty()) tip += (k == SpanKind::Waiting ? ": " : ", ") + s.detail;
        if (s.line > 0) tip += " (line " + std::to_string(s.line) + ")";
        double h = k == SpanKind::Ready ? bar_h / 2 : bar_h;
        o += "<rect class=\"" + std::string(span_kind_name(k)) + "\" x=\"" + num(a) + "\" y=\"" + num(cy - h / 2) + "\" width=\"" +
             num(b - a) + "\" height=\"" + num(h) + "\" fill=\"" + fill_of(k) + "\"" + (k == SpanKind::Waiting ? " rx=\"3\"" : "") +
             "><title>" + esc(tip) + "</title></rect>\n";
      }
    }
    const char* status_fill = t.end == TaskEnd::Done ? "#2e7d32" : t.end == TaskEnd::Pending ? "#757575" : "#c62828";
    std::string status_tip = t.result;
    if (t.end == TaskEnd::Cancelled) status_tip += ", cancelled by " + cause_label(tl, t.cancelled_by, t.cancelled_by_callback);
    o += "<text x=\"" + num(x1 + 10) + "\" y=\"" + num(cy + 4) + "\" fill=\"" + status_fill + "\"><title>" + esc(status_tip) +
         "</title>" + task_end_name(t.end) + "</text>\n";
    o += "</g>\n";
  }

  // Sockets, under the tasks: a line for each one's life, a triangle up
  // where it sent data, down where it received some.
  for (size_t i = 0; i < tl.sockets.size(); ++i) {
    const SocketRow& k = tl.sockets[i];
    double y = row_y(tl.tasks.size() + i), cy = y + row_h / 2;
    o += "<g class=\"socket\" data-fd=\"" + std::to_string(k.fd) + "\">\n";
    std::string tip = k.label() + ": sent " + std::to_string(k.sent) + " bytes, received " + std::to_string(k.received);
    o += "<text x=\"" + num(pad) + "\" y=\"" + num(cy + 4) + "\"><title>" + esc(tip) + "</title>" + esc(k.label()) + "</text>\n";
    double a = X(x_of(k.opened)), b = std::max(X(x_of(k.closed)), a + 2);
    o += "<line class=\"open\" x1=\"" + num(a) + "\" y1=\"" + num(cy) + "\" x2=\"" + num(b) + "\" y2=\"" + num(cy) +
         "\" stroke=\"#8d6e63\" stroke-width=\"3\"/>\n";
    for (const SocketRow::Op& op : k.ops) {
      bool send = op.call == "send";
      if (!(send || op.call == "recv") || op.bytes <= 0) continue;
      double px = X(x_of(op.at));
      std::string what = op.call + " " + op.outcome + " by " + cause_label(tl, op.task, op.callback) +
                         (by_iter ? " (#" + std::to_string(op.at.iter) + ")" : " at " + format_duration_label(op.at.ns));
      o += "<path class=\"" + op.call + "\" d=\"M" + num(px - 4) + "," + num(send ? cy - 2 : cy + 2) + " l4," +
           (send ? "-7" : "7") + " l4," + (send ? "7" : "-7") + " z\" fill=\"" + (send ? "#ef6c00" : "#00838f") + "\"><title>" +
           esc(what) + "</title></path>\n";
    }
    o += "<text x=\"" + num(x1 + 10) + "\" y=\"" + num(cy + 4) + "\" fill=\"#757575\">" + (k.is_closed ? "closed" : "open") +
         "</text>\n</g>\n";
  }

  // Callbacks (loop.call_soon, call_later, asyncio's own timers): diamonds on the axis.
  const double axis_y = top - 8;
  for (const Instant& in : tl.instants) {
    if (in.kind != Instant::Callback) continue;
    double px = X(x_of(in.at));
    std::string tip = cause_label(tl, 0, in.callback) + (in.by ? " (scheduled by " + cause_label(tl, in.by, 0) + ")" : "");
    o += "<path class=\"callback\" d=\"M" + num(px) + "," + num(axis_y - 5) + " l4,5 l-4,5 l-4,-5 z\" fill=\"#6a1b9a\"><title>" + esc(tip) +
         "</title></path>\n";
  }

  // Cancellation requests and exceptions: marks on the row.
  for (const Instant& in : tl.instants) {
    if (in.kind == Instant::TimerFired || in.kind == Instant::Callback) continue;
    long r = row_of(in.task);
    if (r < 0) continue;
    double px = X(x_of(in.at)), cy = row_y(size_t(r)) + row_h / 2;
    std::string tip = in.kind == Instant::CancelRequested ? "cancel requested" : in.kind == Instant::Raised ? "raised " : "cancelled ";
    if (in.kind != Instant::CancelRequested) tip += in.detail;
    if (in.kind != Instant::Raised) tip += " by " + cause_label(tl, in.by, in.callback);
    if (!in.reason.empty()) tip += " (" + in.reason + ")";
    o += "<g class=\"instant\"><title>" + esc(tip) + "</title>";
    if (in.kind == Instant::CancelRequested)
      o += "<path d=\"M" + num(px - 5) + "," + num(cy - 12) + " l10,10 m0,-10 l-10,10\" stroke=\"#c62828\" stroke-width=\"2\"/>";
    else
      o += "<circle cx=\"" + num(px) + "\" cy=\"" + num(cy) + "\" r=\"4.5\" fill=\"#ffffff\" stroke=\"#c62828\" stroke-width=\"2\"/>";
    o += "</g>\n";
  }

  // Hand-offs: an arrow from the task (or the callback's diamond) that
  // resolved the wait to the resumed step; red when it cancelled it.
  for (const Wake& k : tl.wakes) {
    if (k.from == 0 && k.callback == 0) continue;  // a timer
    long a = k.from ? row_of(k.from) : -1, b = row_of(k.to);
    if ((k.from && a < 0) || b < 0) continue;
    double ya = a >= 0 ? row_y(size_t(a)) + row_h / 2 : axis_y + 5, yb = row_y(size_t(b)) + row_h / 2;
    yb += ya < yb ? -bar_h / 2 : bar_h / 2;
    std::string to = tl.find(k.to) ? tl.find(k.to)->name : "";
    std::string tip = cause_label(tl, k.from, k.callback) + (k.cancel ? " cancels " : " wakes ") + to + " (it awaited " + k.what + ")";
    o += std::string("<line class=\"") + (k.cancel ? "cancel" : "wake") + "\" x1=\"" + num(X(x_of(k.from_at))) + "\" y1=\"" + num(ya) +
         "\" x2=\"" + num(X(x_of(k.at))) + "\" y2=\"" + num(yb) + "\" stroke=\"" + (k.cancel ? "#c62828" : "#616161") +
         "\" stroke-dasharray=\"3,2\" marker-end=\"url(#" + (k.cancel ? "arrow-cancel" : "arrow") + ")\"><title>" + esc(tip) + "</title></line>\n";
  }

  // Legend.
  double ly = chart_bottom + 24, lx = pad;
  o += "<g class=\"legend\">\n";
  for (SpanKind k : {SpanKind::Running, SpanKind::Waiting, SpanKind::Ready, SpanKind::Blocking}) {
    std::string name = k == SpanKind::Blocking ? "blocking the loop" : k == SpanKind::Waiting ? "waiting (await)"
                       : k == SpanKind::Ready ? "ready (queued)" : "running";
    o += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly - 10) + "\" width=\"14\" height=\"12\" fill=\"" + fill_of(k) + "\"/>";
    o += "<text x=\"" + num(lx + 20) + "\" y=\"" + num(ly) + "\">" + esc(name) + "</text>\n";
    lx += 20 + double(columns(name)) * char_w + 18;
  }
  o += "<path d=\"M" + num(lx) + "," + num(ly - 10) + " l10,10 m0,-10 l-10,10\" stroke=\"#c62828\" stroke-width=\"2\"/>";
  o += "<text x=\"" + num(lx + 16) + "\" y=\"" + num(ly) + "\">cancel</text>\n";
  lx += 16 + 6 * char_w + 18;
  o += "<circle cx=\"" + num(lx + 5) + "\" cy=\"" + num(ly - 4) + "\" r=\"4.5\" fill=\"#ffffff\" stroke=\"#c62828\" stroke-width=\"2\"/>";
  o += "<text x=\"" + num(lx + 16) + "\" y=\"" + num(ly) + "\">raised/cancelled</text>\n";
  lx += 16 + 16 * char_w + 18;
  o += "<path d=\"M" + num(lx + 5) + "," + num(ly - 9) + " l4,5 l-4,5 l-4,-5 z\" fill=\"#6a1b9a\"/>";
  o += "<text x=\"" + num(lx + 16) + "\" y=\"" + num(ly) + "\">callback</text>\n";
  lx += 16 + 8 * char_w + 18;
  o += "<line x1=\"" + num(lx) + "\" y1=\"" + num(ly - 4) + "\" x2=\"" + num(lx + 22) + "\" y2=\"" + num(ly - 4) +
       "\" stroke=\"#616161\" stroke-dasharray=\"3,2\" marker-end=\"url(#arrow)\"/>";
  o += "<text x=\"" + num(lx + 28) + "\" y=\"" + num(ly) + "\">wakes</text>\n";
  if (!tl.sockets.empty()) {
    ly += 20;
    lx = pad;
    o += "<line x1=\"" + num(lx) + "\" y1=\"" + num(ly - 4) + "\" x2=\"" + num(lx + 14) + "\" y2=\"" + num(ly - 4) +
         "\" stroke=\"#8d6e63\" stroke-width=\"3\"/>";
    o += "<text x=\"" + num(lx + 20) + "\" y=\"" + num(ly) + "\">socket open</text>\n";
    lx += 20 + 11 * char_w + 18;
    o += "<path d=\"M" + num(lx) + "," + num(ly - 2) + " l4,-7 l4,7 z\" fill=\"#ef6c00\"/>";
    o += "<text x=\"" + num(lx + 12) + "\" y=\"" + num(ly) + "\">sent</text>\n";
    lx += 12 + 4 * char_w + 18;
    o += "<path d=\"M" + num(lx) + "," + num(ly - 9) + " l4,7 l4,-7 z\" fill=\"#00838f\"/>";
    o += "<text x=\"" + num(lx + 12) + "\" y=\"" + num(ly) + "\">received</text>\n";
  }
  o += "</g>\n</svg>\n";
  return o;
}

}  // namespace corun
