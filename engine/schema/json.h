// A small JSON document: built as a tree, written as text. Used where corun
// prints JSON for tools to read -- `corun schema` (scenario_schema.h) and
// `corun check --format json` -- so that what is printed always parses.
//
// Invariants: object members keep the order they were added in (a schema
// reads in the order docs/language.md does); setting a key again replaces
// its value in place; text is written as valid UTF-8 (a byte that is not is
// replaced by U+FFFD, as a decoder with errors="replace" would).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace corun {

class Json {
 public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Json() = default;  // null
  static Json boolean(bool b);
  static Json number(int64_t n);
  static Json string(std::string s);
  static Json array(std::vector<Json> items = {});
  static Json object();
  // An array of strings.
  static Json strings(const std::vector<std::string>& items);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }

  // Objects: members in insertion order.
  Json& set(const std::string& key, Json value);  // returns *this
  const Json* get(const std::string& key) const;  // null when absent (or not an object)
  const std::vector<std::pair<std::string, Json>>& members() const { return members_; }
  // Arrays.
  Json& push(Json value);  // returns *this
  const std::vector<Json>& items() const { return items_; }
  // Strings, numbers, booleans.
  const std::string& text() const { return text_; }
  int64_t as_number() const { return number_; }
  bool as_bool() const { return number_ != 0; }

  // Two-space indented text (indent < 0: on one line, with no spaces).
  std::string dump(int indent = 2) const;

 private:
  void dump_into(std::string& out, int indent, int depth) const;
  Kind kind_ = Kind::Null;
  int64_t number_ = 0;
  std::string text_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

// `s` as a JSON string literal, quotes included, valid UTF-8 (see above).
std::string json_quote(const std::string& s);

}  // namespace corun
