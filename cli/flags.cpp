#include "cli/flags.h"

#include "cli/scenario_file.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <limits>
#include <optional>

namespace corun::cli {

namespace {

// Decimal digits only, without overflow: "-1", "1e3", "0x10", "" are not.
std::optional<uint64_t> parse_whole(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = uint64_t(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::string range_text(uint64_t lo, uint64_t hi) { return std::to_string(lo) + ".." + std::to_string(hi); }

// A bound as a person writes it: 0.001, 1000000 (not 1e+06).
std::string number_text(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision < 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) return buf;
  }
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// "16M" -> 16 << 20; the unit is optional and binary (K, M, G, with an
// optional "iB" or "B").
std::optional<uint64_t> parse_size(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::optional<uint64_t> number = parse_whole(text.substr(0, digits));
  if (!number) return std::nullopt;
  std::string unit = text.substr(digits);
  int shift = 0;
  if (!unit.empty()) {
    char u = char(std::toupper(static_cast<unsigned char>(unit[0])));
    std::string rest = unit.substr(1);
    if (u == 'K') shift = 10;
    else if (u == 'M') shift = 20;
    else if (u == 'G') shift = 30;
    else if (u == 'B' && rest.empty()) shift = 0;
    else return std::nullopt;
    if (u != 'B' && !(rest.empty() || rest == "B" || rest == "iB")) return std::nullopt;
  }
  if (*number > (std::numeric_limits<uint64_t>::max() >> shift)) return std::nullopt;
  return *number << shift;
}

}  // namespace

CLI::Validator whole_number(uint64_t lo, uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        std::optional<uint64_t> v = parse_whole(text);
        if (!v) return "'" + text + "' is not a whole number in " + range_text(lo, hi);
        if (*v < lo || *v > hi) return text + " is not in " + range_text(lo, hi);
        text = std::to_string(*v);
        return "";
      },
      range_text(lo, hi));
}

CLI::Validator real_number(double lo, double hi) {
  std::string range = number_text(lo) + ".." + number_text(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        // strtod also reads "nan", "inf" and hexadecimal floats: only plain
        // decimal notation is a number here.
        bool plain = !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string::npos;
        char* end = nullptr;
        errno = 0;
        double v = plain ? std::strtod(text.c_str(), &end) : 0.0;
        if (!plain || end != text.c_str() + text.size() || !std::isfinite(v))
          return "'" + text + "' is not a number in " + range;
        if (v < lo || v > hi) return text + " is not in " + range;
        char exact[64];
        std::snprintf(exact, sizeof exact, "%.17g", v);
        text = exact;
        return "";
      },
      range);
}

CLI::Validator byte_size(uint64_t lo, uint64_t hi) {
  std::string range = human_size(lo) + ".." + human_size(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        std::optional<uint64_t> v = parse_size(text);
        if (!v) return "'" + text + "' is not a size (bytes, or with a unit: 64K, 16M, 1G) in " + range;
        if (*v < lo || *v > hi) return text + " is not in " + range;
        text = std::to_string(*v);
        return "";
      },
      "SIZE:" + range);
}

std::string size_text(uint64_t bytes) {
  static const char* const units[] = {"", "K", "M", "G"};
  int unit = 0;
  while (unit < 3 && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + units[unit];
}

}  // namespace corun::cli
