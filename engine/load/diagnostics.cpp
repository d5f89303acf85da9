#include "engine/load/diagnostics.h"

#include <algorithm>

namespace corun {

SourceFile::SourceFile(std::string display_name, std::string text)
    : name_(std::move(display_name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

std::string_view SourceFile::line(int n) const {
  if (n < 1 || size_t(n) > line_starts_.size()) return {};
  size_t start = line_starts_[n - 1];
  size_t end = text_.find('\n', start);
  if (end == std::string::npos) end = text_.size();
  std::string_view l(text_.data() + start, end - start);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  return l;
}

size_t SourceFile::line_offset(int n) const {
  if (n < 1 || size_t(n) > line_starts_.size()) return text_.size();
  return line_starts_[size_t(n) - 1];
}

// Python's UTF-8 decoder's verdict on the sequence at text[i] (Unicode
// table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF):
// its length, or 0 with the reason CPython's codec gives.
size_t utf8_sequence_length(std::string_view text, size_t i, const char*& reason) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t len = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
  if (len == 0) { reason = "invalid start byte"; return 0; }
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (lead == 0xE0) lo = 0xA0;
  else if (lead == 0xED) hi = 0x9F;
  else if (lead == 0xF0) lo = 0x90;
  else if (lead == 0xF4) hi = 0x8F;
  for (size_t k = 1; k < len; ++k) {
    if (i + k >= text.size()) { reason = "unexpected end of data"; return 0; }
    unsigned char c = byte(i + k);
    if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) { reason = "invalid continuation byte"; return 0; }
  }
  return len;
}

// A line as it can be shown: NUL and bytes that are not UTF-8 become '?'
// (one byte for one byte, so the caret stays in its column).
static std::string printable_line(std::string_view src) {
  std::string out(src);
  for (size_t i = 0; i < out.size();) {
    const char* reason = "";
    size_t len = out[i] == '\0' ? 0 : utf8_sequence_length(out, i, reason);
    if (len == 0) out[i++] = '?';
    else i += len;
  }
  return out;
}

std::string SourceFile::render(const Diagnostic& d, bool color) const {
  const char* bold = color ? "\033[1m" : "";
  const char* red = color ? "\033[1;31m" : "";
  const char* cyan = color ? "\033[1;36m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::string out = std::string(bold) + name_;
  if (d.pos.line > 0) {
    out += ":" + std::to_string(d.pos.line) + ":" + std::to_string(std::max(d.pos.col, 1));
  }
  out += std::string(": ") + reset + red + "error:" + reset + " " + bold + d.message + reset + "\n";
  std::string_view src = line(d.pos.line);
  int col = std::max(d.pos.col, 1);
  // A very long line is shown as a window around the column.
  constexpr int kWindow = 60;
  std::string prefix;
  if (src.size() > 2 * kWindow + 20) {
    // A column past the line's end (a position at its newline) still shows the line's tail.
    size_t from = col > kWindow ? std::min(size_t(col - kWindow), src.size() - kWindow) : 0;
    while (from > 0 && (static_cast<unsigned char>(src[from]) & 0xC0) == 0x80) --from;  // UTF-8 boundary
    size_t len = std::min(src.size() - from, size_t(2 * kWindow));
    while (from + len < src.size() && (static_cast<unsigned char>(src[from + len]) & 0xC0) == 0x80) ++len;
    bool cut_end = from + len < src.size();
    std::string_view shown = src.substr(from, len);
    if (from > 0) prefix = "...";
    col = col - int(from) + int(prefix.size());
    static thread_local std::string window;
    window = prefix + std::string(shown) + (cut_end ? "..." : "");
    src = window;
  }
  if (d.pos.line > 0 && !src.empty()) {
    out += "  " + printable_line(src) + "\n";
    // The caret lines up under the column; tabs are kept so it stays aligned.
    std::string pad;
    for (int i = 0; i + 1 < col && size_t(i) < src.size(); ++i) pad += src[i] == '\t' ? '\t' : ' ';
    out += "  " + pad + red + "^" + reset + "\n";
  }
  if (!d.hint.empty()) out += std::string("  ") + cyan + "hint:" + reset + " " + d.hint + "\n";
  return out;
}

// Edit distance (a transposition counts as one edit), given up as soon as it
// cannot come under `bound`: then `bound` is returned. An undefined name is
// compared with every visible name (the prelude's, the builtins', a big
// scenario's thousands of definitions), so a candidate nowhere near must cost
// a few compares, not a full table and two allocations. Both cut-offs hold
// for this recurrence: a cell is never less than the smallest cell of the row
// above, and every insertion or deletion the length difference needs costs 1.
static size_t edit_distance(std::string_view a, std::string_view b, size_t bound) {
  size_t la = a.size(), lb = b.size();
  if ((la > lb ? la - lb : lb - la) >= bound) return bound;
  constexpr size_t kInline = 64;  // names are short: rows on the stack
  size_t inline_rows[2][kInline + 1];
  std::vector<size_t> heap;
  size_t *prev = inline_rows[0], *cur = inline_rows[1];
  if (lb > kInline) {
    heap.resize(2 * (lb + 1));
    prev = heap.data(), cur = prev + lb + 1;
  }
  for (size_t j = 0; j <= lb; ++j) prev[j] = j;
  for (size_t i = 1; i <= la; ++i) {
    cur[0] = i;
    size_t row_min = i;
    for (size_t j = 1; j <= lb; ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      size_t d = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = std::min(d, prev[j - 1]);
      cur[j] = d;
      row_min = std::min(row_min, d);
    }
    if (row_min >= bound) return bound;
    std::swap(prev, cur);
  }
  return std::min(prev[lb], bound);
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  // Short words only match near-identical candidates: '5' is not 'if'.
  size_t best_d = std::max<size_t>(1, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c, best_d);
    if (d < best_d) { best_d = d; best = c; }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string m = closest_match(word, candidates);
  return m.empty() ? "" : "; did you mean '" + m + "'?";
}

}  // namespace corun
