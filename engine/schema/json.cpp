#include "engine/schema/json.h"

#include <cstdio>

#include "engine/load/diagnostics.h"

namespace corun {

Json Json::boolean(bool b) {
  Json j;
  j.kind_ = Kind::Bool;
  j.number_ = b;
  return j;
}

Json Json::number(int64_t n) {
  Json j;
  j.kind_ = Kind::Number;
  j.number_ = n;
  return j;
}

Json Json::string(std::string s) {
  Json j;
  j.kind_ = Kind::String;
  j.text_ = std::move(s);
  return j;
}

Json Json::array(std::vector<Json> items) {
  Json j;
  j.kind_ = Kind::Array;
  j.items_ = std::move(items);
  return j;
}

Json Json::object() {
  Json j;
  j.kind_ = Kind::Object;
  return j;
}

Json Json::strings(const std::vector<std::string>& items) {
  Json j = array();
  for (auto& s : items) j.items_.push_back(string(s));
  return j;
}

Json& Json::set(const std::string& key, Json value) {
  kind_ = Kind::Object;
  for (auto& [k, v] : members_)
    if (k == key) { v = std::move(value); return *this; }
  members_.emplace_back(key, std::move(value));
  return *this;
}

const Json* Json::get(const std::string& key) const {
  for (auto& [k, v] : members_)
    if (k == key) return &v;
  return nullptr;
}

Json& Json::push(Json value) {
  kind_ = Kind::Array;
  items_.push_back(std::move(value));
  return *this;
}

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const char* reason = "";
      size_t len = utf8_sequence_length(s, i, reason);
      if (len == 0) { out += "\xEF\xBF\xBD"; ++i; }  // U+FFFD
      else { out.append(s, i, len); i += len; }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_into(out, indent, 0);
  return out;
}

void Json::dump_into(std::string& out, int indent, int depth) const {
  auto newline = [&](int d) {
    if (indent < 0) return;
    out += '\n';
    out.append(size_t(indent * d), ' ');
  };
  switch (kind_) {
    case Kind::Null: out += "null"; return;
    case Kind::Bool: out += number_ ? "true" : "false"; return;
    case Kind::Number: out += std::to_string(number_); return;
    case Kind::String: out += json_quote(text_); return;
    case Kind::Array:
      if (items_.empty()) { out += "[]"; return; }
      out += '[';
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        items_[i].dump_into(out, indent, depth + 1);
      }
      newline(depth);
      out += ']';
      return;
    case Kind::Object:
      if (members_.empty()) { out += "{}"; return; }
      out += '{';
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        out += json_quote(members_[i].first);
        out += indent < 0 ? ":" : ": ";
        members_[i].second.dump_into(out, indent, depth + 1);
      }
      newline(depth);
      out += '}';
      return;
  }
}

}  // namespace corun
