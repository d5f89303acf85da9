// The scenario's YAML as a small tree of our own, built from yaml-cpp's
// parser events rather than YAML::Node, because corun needs what Node hides:
// duplicate keys (Node silently keeps one), whether a scalar was quoted
// (plain scalars are expressions, quoted ones strings), tags (!expr), and a
// position for every node.
#pragma once

#include <memory>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "engine/load/diagnostics.h"

namespace corun {

struct YPair;

struct YNode {
  enum class Kind { Null, Scalar, Seq, Map } kind = Kind::Null;
  SourcePos pos;
  std::string value;  // scalar text
  std::string tag;    // "?" plain, "!" quoted or block, "!expr", other explicit tags
  bool quoted = false; // the scalar's text starts with a quote (also when tagged !expr)
  char in_flow = 0;   // a scalar directly inside a flow collection: '[' or '{' (not packed: for messages)
  std::vector<YNode> items;                    // Seq
  std::vector<YPair> pairs;  // Map, in document order

  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_plain() const { return kind == Kind::Scalar && tag == "?"; }
  bool is_quoted() const { return kind == Kind::Scalar && tag == "!"; }
  bool is_expr_tag() const { return kind == Kind::Scalar && tag == "!expr"; }
  const YNode* get(std::string_view key) const;
  const char* kind_name() const;
};

// A mapping's key and value. A struct of its own rather than
// std::pair<YNode, YNode>: with clang and libstdc++, the pair of a type still
// being defined cannot be instantiated (the fuzz build uses clang).
struct YPair {
  YNode first, second;
  YPair(YNode key, YNode value) : first(std::move(key)), second(std::move(value)) {}
};

inline const YNode* YNode::get(std::string_view key) const {
  for (auto& [k, v] : pairs) if (k.value == key) return &v;
  return nullptr;
}

// Parses exactly one YAML document. Throws ScenarioError (malformed YAML,
// duplicate keys, several documents, too deep nesting).
YNode load_yaml(const SourceFile& file);

// For a line such as `- set: {n: state["calls"]}` that YAML could not read
// as a flow mapping: a hint showing the same mapping in block style ("" when
// the line has no flow mapping).
std::string block_style_hint(std::string_view line);

// A tree as compact text and back, positions included. corun's asyncio
// prelude is packed at build time: yaml-cpp's scanner took most of every
// run's start-up time on it.
std::string pack_yaml(const YNode& node);
YNode unpack_yaml(std::string_view packed);

// Several files read as one document (the asyncio prelude, one file per
// CPython module): `part`'s positions move down by `lines_before` (so they
// index the files' concatenated text), and its top-level mappings' entries
// are appended to `into`'s of the same key, in file order. An empty
// `into` takes `part` whole. Returns an error message, or "" when merged.
std::string merge_yaml_part(YNode& into, YNode part, int lines_before);

}  // namespace corun
