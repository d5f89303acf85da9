#include "cli/size_flag.h"

#include <cctype>

namespace corun::cli {

std::optional<int64_t> parse_size(const std::string& text) {
  constexpr int64_t kMin = int64_t(16) << 20, kMax = int64_t(1) << 40;
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    n = n * 10 + (text[i] - '0');
    if (n > kMax) return std::nullopt;  // also keeps the next step from overflowing
    ++i;
  }
  if (i == 0) return std::nullopt;
  int shift = 0;
  if (i + 1 == text.size()) {
    switch (std::toupper(static_cast<unsigned char>(text[i]))) {
      case 'K': shift = 10; break;
      case 'M': shift = 20; break;
      case 'G': shift = 30; break;
      default: return std::nullopt;
    }
  } else if (i != text.size()) {
    return std::nullopt;
  }
  if (n > (kMax >> shift)) return std::nullopt;
  n <<= shift;
  if (n < kMin) return std::nullopt;
  return n;
}

}  // namespace corun::cli
