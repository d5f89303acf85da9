#include "engine/yaml_doc.h"

#include <map>
#include <stdexcept>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace corun {

const char* YNode::kind_name() const {
  switch (kind) {
    case Kind::Null: return "nothing";
    case Kind::Scalar: return "a scalar";
    case Kind::Seq: return "a list";
    case Kind::Map: return "a mapping";
  }
  return "?";
}

namespace {

constexpr int kMaxDepth = 200;
// Aliases are copied into the tree; an "alias bomb" (each level repeating
// the previous one) would otherwise expand to billions of nodes.
constexpr size_t kMaxNodes = 1'000'000;

size_t subtree_size(const YNode& n) {
  size_t total = 1;
  for (auto& i : n.items) total += subtree_size(i);
  for (auto& [k, v] : n.pairs) total += subtree_size(k) + subtree_size(v);
  return total;
}

SourcePos to_pos(const YAML::Mark& m) { return SourcePos{m.line + 1, m.column + 1}; }

class TreeBuilder : public YAML::EventHandler {
 public:
  std::vector<YNode> documents;
  std::vector<Diagnostic> errors;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override {
    YNode n;
    n.kind = YNode::Kind::Null;
    n.pos = to_pos(m);
    add(std::move(n), anchor);
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it != anchors_.end()) count(to_pos(m), anchor_sizes_[anchor]);
    YNode n = it != anchors_.end() ? it->second : YNode{};
    n.pos = to_pos(m);
    add(std::move(n), 0);
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    YNode n;
    n.kind = YNode::Kind::Scalar;
    n.pos = to_pos(m);
    n.tag = tag;
    n.value = value;
    add(std::move(n), anchor);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(YNode::Kind::Seq, m, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(YNode::Kind::Map, m, tag, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YNode node;
    YAML::anchor_t anchor;
    bool have_key = false;
    YNode key;
  };
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, YNode> anchors_;
  std::map<YAML::anchor_t, size_t> anchor_sizes_;
  size_t nodes_ = 0;

  void count(SourcePos pos, size_t n) {
    nodes_ += n;
    if (nodes_ > kMaxNodes)
      throw ScenarioError(pos, "the YAML expands to more than " + std::to_string(kMaxNodes) + " nodes",
                          "aliases (*name) copy what they refer to; repeating them level after level multiplies the size");
  }

  void open(YNode::Kind kind, const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor) {
    if (int(stack_.size()) >= kMaxDepth)
      throw ScenarioError(to_pos(m), "the YAML is nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
    Open o;
    o.node.kind = kind;
    o.node.pos = to_pos(m);
    o.node.tag = tag;
    o.anchor = anchor;
    stack_.push_back(std::move(o));
  }
  void close() {
    Open o = std::move(stack_.back());
    stack_.pop_back();
    add(std::move(o.node), o.anchor);
  }
  void add(YNode n, YAML::anchor_t anchor) {
    count(n.pos, 1);
    if (anchor) {
      anchors_[anchor] = n;
      anchor_sizes_[anchor] = subtree_size(n);
    }
    if (stack_.empty()) {
      documents.push_back(std::move(n));
      return;
    }
    Open& top = stack_.back();
    if (top.node.kind == YNode::Kind::Seq) {
      top.node.items.push_back(std::move(n));
    } else if (!top.have_key) {
      if (n.kind != YNode::Kind::Scalar)
        errors.push_back({n.pos, "a mapping key must be a plain word, not " + std::string(n.kind_name()), ""});
      top.key = std::move(n);
      top.have_key = true;
    } else {
      for (auto& [k, v] : top.node.pairs) {
        if (k.value == top.key.value) {
          errors.push_back({top.key.pos,
                            "duplicate key '" + top.key.value + "' (first given at line " + std::to_string(k.pos.line) + ")",
                            "YAML keeps only one of them; remove or rename one"});
          break;
        }
      }
      top.node.pairs.emplace_back(std::move(top.key), std::move(n));
      top.have_key = false;
    }
  }
};

// Hints for the YAML mistakes the scenario language invites.
bool value_starts_with_brace(std::string_view line) {
  // "  - print: {name} started": the first ': ' is followed by '{'.
  size_t colon = line.find(": ");
  if (colon == std::string_view::npos) return false;
  size_t v = line.find_first_not_of(' ', colon + 1);
  return v != std::string_view::npos && line[v] == '{';
}

std::string hint_for(const SourceFile& file, const YAML::Mark& m, const std::string& msg) {
  std::string_view line = file.line(m.line + 1);
  size_t indent_end = line.find_first_not_of(" \t-");
  if (line.substr(0, indent_end).find('\t') != std::string_view::npos || msg.find("tab") != std::string::npos)
    return "YAML does not allow tabs for indentation; use spaces";
  if (value_starts_with_brace(line) && (msg.find("map") != std::string::npos || msg.find("flow") != std::string::npos))
    return "YAML reads a value that starts with '{' as a mapping; quote the template: "
           "print: \"{name} started\"";
  if (msg.find("illegal map value") != std::string::npos)
    return "a plain YAML scalar ends at ': '; quote it as a template (return: \"Result: {x}\") "
           "or tag the expression (!expr 'f\"Result: {x}\"')";
  return "";
}

}  // namespace

YNode load_yaml(const SourceFile& file) {
  std::istringstream in(file.text());
  TreeBuilder builder;
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
      if (builder.documents.size() > 1)
        throw ScenarioError(builder.documents[1].pos, "a scenario file holds one YAML document, found a second one");
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp's own errors, its depth guard included, end here in our format.
    std::string msg = e.msg.empty() ? std::string("malformed YAML") : "malformed YAML: " + e.msg;
    throw ScenarioError(to_pos(e.mark), msg, hint_for(file, e.mark, e.msg));
  }
  if (!builder.errors.empty()) throw ScenarioError(std::move(builder.errors));
  if (builder.documents.empty()) throw ScenarioError(SourcePos{1, 1}, "the scenario is empty", "a scenario needs at least `coroutines:` with a `main`");
  return std::move(builder.documents[0]);
}

// ---- packed trees ------------------------------------------------------------------------
// One node: a kind letter (N S Q M), line and column, its tag and value as
// length-prefixed bytes, then for collections the count of children, which
// follow (maps: key, value, key, value...).

namespace {

void pack_into(const YNode& n, std::string& out) {
  static const char kKinds[] = {'N', 'S', 'Q', 'M'};
  out += kKinds[int(n.kind)];
  out += std::to_string(n.pos.line) + ' ' + std::to_string(n.pos.col) + ' ';
  out += std::to_string(n.tag.size()) + ' ' + n.tag + std::to_string(n.value.size()) + ' ' + n.value;
  switch (n.kind) {
    case YNode::Kind::Null:
    case YNode::Kind::Scalar:
      break;
    case YNode::Kind::Seq:
      out += std::to_string(n.items.size()) + ' ';
      for (auto& item : n.items) pack_into(item, out);
      break;
    case YNode::Kind::Map:
      out += std::to_string(n.pairs.size()) + ' ';
      for (auto& [k, v] : n.pairs) {
        pack_into(k, out);
        pack_into(v, out);
      }
      break;
  }
}

struct Unpacker {
  std::string_view in;
  size_t at = 0;
  [[noreturn]] void fail() const { throw std::runtime_error("corrupt packed YAML at byte " + std::to_string(at)); }
  size_t number() {
    size_t n = 0;
    bool any = false;
    while (at < in.size() && in[at] >= '0' && in[at] <= '9') n = n * 10 + size_t(in[at++] - '0'), any = true;
    if (!any || at >= in.size() || in[at] != ' ') fail();
    ++at;
    return n;
  }
  std::string bytes() {
    size_t n = number();
    if (in.size() - at < n) fail();
    std::string s(in.substr(at, n));
    at += n;
    return s;
  }
  YNode node() {
    if (at >= in.size()) fail();
    YNode n;
    switch (in[at++]) {
      case 'N': n.kind = YNode::Kind::Null; break;
      case 'S': n.kind = YNode::Kind::Scalar; break;
      case 'Q': n.kind = YNode::Kind::Seq; break;
      case 'M': n.kind = YNode::Kind::Map; break;
      default: fail();
    }
    n.pos.line = int(number());
    n.pos.col = int(number());
    n.tag = bytes();
    n.value = bytes();
    if (n.kind == YNode::Kind::Seq) {
      size_t count = number();
      n.items.reserve(count);
      for (size_t i = 0; i < count; ++i) n.items.push_back(node());
    } else if (n.kind == YNode::Kind::Map) {
      size_t count = number();
      n.pairs.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        YNode k = node();
        n.pairs.emplace_back(std::move(k), node());
      }
    }
    return n;
  }
};

}  // namespace

std::string pack_yaml(const YNode& node) {
  std::string out;
  pack_into(node, out);
  return out;
}

YNode unpack_yaml(std::string_view packed) {
  Unpacker u{packed};
  YNode n = u.node();
  if (u.at != packed.size()) u.fail();
  return n;
}

}  // namespace corun
