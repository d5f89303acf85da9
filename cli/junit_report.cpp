#include "cli/junit_report.h"

#include <cstdio>

namespace corun::cli {

namespace {

// The length of the valid UTF-8 sequence at s[i] and its code point, or 0.
std::size_t utf8_at(const std::string& s, std::size_t i, unsigned& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static const unsigned kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;  // overlong, surrogate
  return len;
}

// XML 1.0's Char production.
bool xml_char(unsigned cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         cp >= 0x10000;
}

std::string escape(const std::string& s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    unsigned cp = 0;
    std::size_t len = utf8_at(s, i, cp);
    if (len == 0 || !xml_char(cp)) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += len == 0 ? 1 : len;
      continue;
    }
    char c = s[i];
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (attribute && c == '"') out += "&quot;";
    else if (attribute && c == '\n') out += "&#10;";
    else if (attribute && c == '\t') out += "&#9;";
    else if (c == '\r') out += "&#13;";
    else out.append(s, i, len);
    i += len;
  }
  return out;
}

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", seconds < 0 ? 0.0 : seconds);
  return buf;
}

}  // namespace

void junit_names(const std::string& shown, std::string& classname, std::string& name) {
  std::size_t slash = shown.rfind('/');
  name = slash == std::string::npos ? shown : shown.substr(slash + 1);
  classname = slash == std::string::npos ? "." : shown.substr(0, slash);
  for (char& c : classname)
    if (c == '/') c = '.';
}

std::string junit_xml(const std::vector<JunitCase>& cases, double seconds, const std::string& timestamp,
                      const std::string& hostname) {
  std::size_t failures = 0, skipped = 0;
  for (const JunitCase& c : cases) {
    failures += c.kind == JunitCase::Kind::kFailed;
    skipped += c.kind == JunitCase::Kind::kSkipped;
  }
  std::string counts = "tests=\"" + std::to_string(cases.size()) + "\" failures=\"" + std::to_string(failures) +
                       "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + seconds_text(seconds) +
                       "\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"corun\" " + counts + ">\n";
  xml += "  <testsuite name=\"corun test\" " + counts + " timestamp=\"" + escape(timestamp, true) +
         "\" hostname=\"" + escape(hostname, true) + "\">\n";
  for (const JunitCase& c : cases) {
    xml += "    <testcase classname=\"" + escape(c.classname, true) + "\" name=\"" + escape(c.name, true) + "\"";
    if (!c.file.empty()) xml += " file=\"" + escape(c.file, true) + "\"";
    xml += " time=\"" + seconds_text(c.seconds) + "\"";
    if (c.kind == JunitCase::Kind::kPassed) {
      xml += "/>\n";
      continue;
    }
    xml += ">\n";
    if (c.kind == JunitCase::Kind::kSkipped) {
      xml += "      <skipped message=\"" + escape(c.message, true) + "\"/>\n";
    } else {
      xml += "      <failure message=\"" + escape(c.message, true) + "\" type=\"golden\">" + escape(c.details, false) +
             "</failure>\n";
    }
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace corun::cli
