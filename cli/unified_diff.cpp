// Line-based unified diff (see unified_diff.h).
//
// This file depends only on the standard library so that the unit tests,
// which link corun_engine but not the CLI sources, can compile it directly:
// tests/unit/unified_diff_test.cpp does `#include "cli/unified_diff.cpp"`.

#include "cli/unified_diff.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corun::cli {
namespace {

constexpr std::size_t kContext = 3;
// Above this many differing lines on both sides, skip the line matching.
constexpr std::size_t kMaxLinesForMatching = 20000;
// Upper bound on the number of V entries remembered for backtracking
// (about D*D for an edit distance D): 8M entries of 8 bytes = 64 MiB, so
// edit distances up to about 2800 lines are shown minimally.
constexpr std::size_t kMaxTraceEntries = std::size_t{8} << 20;

enum class Op : unsigned char { Equal, Delete, Insert };

// Splits into lines, each keeping its '\n' when it has one, so that a last
// line without a newline never compares equal to the same text with one.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

// Myers' O(ND) diff of a[0..n) against b[0..m). Appends the edit script to
// `ops` and returns true, or returns false (leaving `ops` untouched) when the
// work would exceed the limits above.
bool myers(const std::string_view* a, std::size_t n, const std::string_view* b, std::size_t m,
           std::vector<Op>& ops) {
  if (n > kMaxLinesForMatching && m > kMaxLinesForMatching) return false;
  const std::ptrdiff_t N = static_cast<std::ptrdiff_t>(n);
  const std::ptrdiff_t M = static_cast<std::ptrdiff_t>(m);
  const std::ptrdiff_t max_d = N + M;
  const std::ptrdiff_t off = max_d + 1;
  std::vector<std::ptrdiff_t> v(static_cast<std::size_t>(2 * max_d + 3), 0);
  // trace[d][k + d] = furthest x on diagonal k after step d, for k in [-d, d].
  std::vector<std::vector<std::ptrdiff_t>> trace;
  std::size_t stored = 0;
  std::ptrdiff_t final_d = -1;
  for (std::ptrdiff_t d = 0; d <= max_d; ++d) {
    for (std::ptrdiff_t k = -d; k <= d; k += 2) {
      std::ptrdiff_t x;
      if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) {
        x = v[off + k + 1];  // move down: insertion
      } else {
        x = v[off + k - 1] + 1;  // move right: deletion
      }
      std::ptrdiff_t y = x - k;
      while (x < N && y < M && a[x] == b[y]) {
        ++x;
        ++y;
      }
      v[off + k] = x;
      if (x >= N && y >= M) {
        final_d = d;
        break;
      }
    }
    stored += static_cast<std::size_t>(2 * d + 1);
    if (stored > kMaxTraceEntries) return false;
    trace.emplace_back(v.begin() + (off - d), v.begin() + (off + d + 1));
    if (final_d >= 0) break;
  }

  auto at = [&](std::ptrdiff_t d, std::ptrdiff_t k) { return trace[d][k + d]; };
  std::vector<Op> reversed;
  std::ptrdiff_t x = N, y = M;
  for (std::ptrdiff_t d = final_d; d > 0; --d) {
    std::ptrdiff_t k = x - y;
    bool down = k == -d || (k != d && at(d - 1, k - 1) < at(d - 1, k + 1));
    std::ptrdiff_t prev_k = down ? k + 1 : k - 1;
    std::ptrdiff_t prev_x = at(d - 1, prev_k);
    std::ptrdiff_t prev_y = prev_x - prev_k;
    std::ptrdiff_t mid_x = down ? prev_x : prev_x + 1;
    while (x > mid_x) {
      reversed.push_back(Op::Equal);
      --x;
      --y;
    }
    reversed.push_back(down ? Op::Insert : Op::Delete);
    x = prev_x;
    y = prev_y;
  }
  while (x > 0) {
    reversed.push_back(Op::Equal);
    --x;
  }
  ops.insert(ops.end(), reversed.rbegin(), reversed.rend());
  return true;
}

std::vector<Op> diff_lines(const std::vector<std::string_view>& a,
                           const std::vector<std::string_view>& b) {
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::size_t n = a.size() - prefix - suffix;
  std::size_t m = b.size() - prefix - suffix;

  std::vector<Op> ops(prefix, Op::Equal);
  if (!myers(a.data() + prefix, n, b.data() + prefix, m, ops)) {
    ops.insert(ops.end(), n, Op::Delete);
    ops.insert(ops.end(), m, Op::Insert);
  }
  ops.insert(ops.end(), suffix, Op::Equal);
  return ops;
}

// "-a,b" / "+c,d" in diff -u style: an empty range names the line before it,
// and a range of one line omits the count.
std::string range_text(std::size_t start, std::size_t count) {
  if (count == 1) return std::to_string(start + 1);
  std::size_t first = count == 0 ? start : start + 1;
  return std::to_string(first) + "," + std::to_string(count);
}

void append_line(std::string& out, char marker, std::string_view line, bool color) {
  bool has_newline = !line.empty() && line.back() == '\n';
  std::string_view body = has_newline ? line.substr(0, line.size() - 1) : line;
  const char* sgr = marker == '-' ? "\033[31m" : marker == '+' ? "\033[32m" : nullptr;
  if (color && sgr) out += sgr;
  out += marker;
  out += body;
  if (color && sgr) out += "\033[0m";
  out += '\n';
  if (!has_newline) out += "\\ No newline at end of file\n";
}

}  // namespace

std::string unified_diff(std::string_view expected, std::string_view actual,
                         std::string_view expected_label, std::string_view actual_label,
                         bool color) {
  if (expected == actual) return "";
  const std::vector<std::string_view> a = split_lines(expected);
  const std::vector<std::string_view> b = split_lines(actual);
  const std::vector<Op> ops = diff_lines(a, b);

  // Runs of consecutive non-Equal ops, as [begin, end) indices into ops.
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  for (std::size_t i = 0; i < ops.size();) {
    if (ops[i] == Op::Equal) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < ops.size() && ops[j] != Op::Equal) ++j;
    runs.emplace_back(i, j);
    i = j;
  }

  // Lines of each side consumed before ops[i].
  std::vector<std::size_t> a_before(ops.size() + 1, 0), b_before(ops.size() + 1, 0);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    a_before[i + 1] = a_before[i] + (ops[i] != Op::Insert ? 1 : 0);
    b_before[i + 1] = b_before[i] + (ops[i] != Op::Delete ? 1 : 0);
  }

  std::string out;
  if (color) out += "\033[1m";
  out += "--- ";
  out += expected_label;
  if (color) out += "\033[0m";
  out += '\n';
  if (color) out += "\033[1m";
  out += "+++ ";
  out += actual_label;
  if (color) out += "\033[0m";
  out += '\n';

  for (std::size_t r = 0; r < runs.size();) {
    // Merge following runs separated by at most 2*context equal lines (diff -u).
    std::size_t last = r;
    while (last + 1 < runs.size() && runs[last + 1].first - runs[last].second <= 2 * kContext) {
      ++last;
    }
    std::size_t begin = runs[r].first >= kContext ? runs[r].first - kContext : 0;
    std::size_t end = std::min(ops.size(), runs[last].second + kContext);

    std::size_t a_start = a_before[begin], a_count = a_before[end] - a_start;
    std::size_t b_start = b_before[begin], b_count = b_before[end] - b_start;
    if (color) out += "\033[36m";
    out += "@@ -" + range_text(a_start, a_count) + " +" + range_text(b_start, b_count) + " @@";
    if (color) out += "\033[0m";
    out += '\n';

    for (std::size_t i = begin; i < end;) {
      if (ops[i] == Op::Equal) {
        append_line(out, ' ', a[a_before[i]], color);
        ++i;
        continue;
      }
      // A change: all removed lines first, then all added lines.
      std::size_t j = i;
      while (j < end && ops[j] != Op::Equal) ++j;
      for (std::size_t k = i; k < j; ++k) {
        if (ops[k] == Op::Delete) append_line(out, '-', a[a_before[k]], color);
      }
      for (std::size_t k = i; k < j; ++k) {
        if (ops[k] == Op::Insert) append_line(out, '+', b[b_before[k]], color);
      }
      i = j;
    }
    r = last + 1;
  }
  return out;
}

}  // namespace corun::cli
