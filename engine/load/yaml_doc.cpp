#include "engine/load/yaml_doc.h"

#include <map>
#include <unordered_map>
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

// `params: [a, *delay]`: a plain scalar cannot start with '*', which makes
// it a YAML alias (of an anchor `&delay` nobody defined); a star parameter
// or an expression that starts with '*' is quoted. `alias` is as written.
std::string star_alias_hint(std::string_view alias) {
  std::string word(alias.size() > 1 && alias[0] == '*' ? alias : std::string_view("*rest"));
  return "YAML reads an unquoted '*' as an alias of an anchor (&NAME); for a star parameter quote it: \"" + word +
         "\" (docs/language.md, section 3)";
}

// The `*word` at or after `column` of `line`, or "".
std::string_view alias_written_at(std::string_view line, size_t column) {
  size_t at = line.find('*', std::min(column, line.size()));
  if (at == std::string_view::npos) return {};
  size_t end = line.find_first_of(" \t\r,]}", at);
  return line.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
}

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

// ---- the source text, checked before YAML sees it ---------------------------------------

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

SourcePos pos_of_offset(std::string_view text, size_t offset) {
  // Counts lines from the start: for errors only.
  SourcePos p{1, 1};
  size_t line_start = 0;
  for (size_t k = 0; k < offset; ++k)
    if (text[k] == '\n') ++p.line, line_start = k + 1;
  p.col = int(offset - line_start) + 1;
  return p;
}

std::string hex_byte(unsigned char c) {
  static const char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

// Python reads a source file as UTF-8 (a BOM is allowed) and refuses NUL
// bytes; so does corun, for the whole file, before any of it runs.
void check_source_text(const SourceFile& file) {
  std::string_view text = file.text();
  size_t i = text.substr(0, kUtf8Bom.size()) == kUtf8Bom ? kUtf8Bom.size() : 0;
  while (i < text.size()) {
    if (text[i] == '\0')
      throw ScenarioError(pos_of_offset(text, i), "source code cannot contain null bytes",
                          "Python refuses them too (SyntaxError: source code cannot contain null bytes)");
    const char* reason = "";
    size_t len = utf8_sequence_length(text, i, reason);
    if (len == 0) {
      std::string byte = hex_byte(static_cast<unsigned char>(text[i]));
      throw ScenarioError(pos_of_offset(text, i),
                          "the file is not valid UTF-8: byte " + byte + " here (" + reason + ")",
                          "save the scenario as UTF-8; Python refuses such a source too (SyntaxError: Non-UTF-8 code "
                          "starting with '\\x" + byte.substr(2) + "')");
    }
    i += len;
  }
}

// ---- the tree builder ---------------------------------------------------------------------

// A tag as the user wrote it: yaml-cpp expands `!!binary` to its full URI.
std::string written_tag(const std::string& tag) {
  static const std::string kYamlTags = "tag:yaml.org,2002:";
  if (tag.compare(0, kYamlTags.size(), kYamlTags) == 0) return "!!" + tag.substr(kYamlTags.size());
  return tag;
}

class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(const SourceFile& file) : file_(file) {}
  std::vector<YNode> documents;
  std::vector<SourcePos> document_starts;  // where each document begins (its `---`, if any)
  std::vector<Diagnostic> errors;

  // The innermost flow collection (`[` or `{`) still open, for errors
  // yaml-cpp reports at the end of the file.
  const YNode* open_flow_collection() const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it)
      if (it->flow) return &it->node;
    return nullptr;
  }

  void OnDocumentStart(const YAML::Mark& m) override { document_starts.push_back(to_pos(m)); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override {
    YNode n;
    n.kind = YNode::Kind::Null;
    n.pos = to_pos(m);
    add(std::move(n), anchor);
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    for (auto& o : stack_)
      if (o.anchor == anchor)
        throw ScenarioError(to_pos(m), "the alias " + written_at(m, '*') + " refers to the node that contains it (&" +
                                           written_at(m, '*').substr(1) + " at line " + std::to_string(o.node.pos.line) + ")",
                            "a recursive structure never ends; copy the steps instead");
    auto it = anchors_.find(anchor);
    if (it == anchors_.end())
      throw ScenarioError(to_pos(m), "the alias " + written_at(m, '*') + " names no anchor defined before it",
                          star_alias_hint(written_at(m, '*')));
    aliased_nodes_ += anchor_sizes_[anchor];
    count(to_pos(m), anchor_sizes_[anchor]);
    YNode n = it->second;
    n.pos = to_pos(m);
    add(std::move(n), 0);
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    YNode n;
    n.kind = YNode::Kind::Scalar;
    n.pos = to_pos(m);
    n.tag = tag;
    n.value = value;
    check_tag(n);
    // Positions point at the text itself, past any `!tag` and `&anchor`.
    size_t content = content_offset(m);
    if (content < file_.text().size()) {
      n.pos = pos_after(m, content);
      char first = file_.text()[content];
      n.quoted = first == '"' || first == '\'';
      if (n.quoted) check_quote_closed(content);
    }
    if (!stack_.empty() && stack_.back().flow) n.in_flow = stack_.back().node.kind == YNode::Kind::Map ? '{' : '[';
    add(std::move(n), anchor);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value style) override {
    open(YNode::Kind::Seq, m, tag, anchor, style);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value style) override {
    open(YNode::Kind::Map, m, tag, anchor, style);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YNode node;
    YAML::anchor_t anchor;
    bool flow = false;
    bool have_key = false;
    YNode key;
    std::unordered_map<std::string, int> key_lines;  // each key's first line: duplicates in linear time
  };
  const SourceFile& file_;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, YNode> anchors_;
  std::map<YAML::anchor_t, size_t> anchor_sizes_;
  size_t nodes_ = 0;
  size_t aliased_nodes_ = 0;   // of nodes_, how many aliases copied
  size_t anchored_nodes_ = 0;  // how many nodes the anchors keep as copies (for their aliases)

  size_t offset_of(const YAML::Mark& m) const {
    // yaml-cpp's columns are bytes, not counting a BOM.
    size_t bom = m.line == 0 && file_.text().compare(0, kUtf8Bom.size(), kUtf8Bom) == 0 ? kUtf8Bom.size() : 0;
    return file_.line_offset(m.line + 1) + bom + size_t(m.column);
  }

  // The word starting with `sigil` at the mark (an alias `*name`).
  std::string written_at(const YAML::Mark& m, char sigil) const {
    std::string_view text = file_.text();
    size_t at = offset_of(m);
    if (at >= text.size() || text[at] != sigil) return std::string(1, sigil);
    size_t end = text.find_first_of(" \t\r\n,]}", at);
    return std::string(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
  }

  // The position of `offset`, at or after the mark (cost: the distance).
  SourcePos pos_after(const YAML::Mark& m, size_t offset) const {
    SourcePos p = to_pos(m);
    for (size_t k = offset_of(m); k < offset; ++k) {
      if (file_.text()[k] == '\n') ++p.line, p.col = 1;
      else ++p.col;
    }
    return p;
  }

  // Where a scalar's text starts: yaml-cpp's mark is at the node's
  // properties (`!tag`, `&anchor`), if any.
  size_t content_offset(const YAML::Mark& m) const {
    std::string_view text = file_.text();
    size_t at = offset_of(m);
    while (at < text.size() && (text[at] == '!' || text[at] == '&')) {
      at = text.find_first_of(" \t\r\n", at);
      if (at == std::string_view::npos) return text.size();
      at = text.find_first_not_of(" \t\r\n", at);
      if (at == std::string_view::npos) return text.size();
    }
    return at;
  }

  // yaml-cpp accepts a quoted scalar that is never closed, running it to
  // the end of the file; YAML (and Python, for a string) refuse it.
  void check_quote_closed(size_t at) {
    std::string_view text = file_.text();
    char quote = text[at];
    for (size_t k = at + 1; k < text.size(); ++k) {
      if (quote == '"' && text[k] == '\\') { ++k; continue; }
      if (text[k] != quote) continue;
      if (quote == '\'' && k + 1 < text.size() && text[k + 1] == '\'') { ++k; continue; }  // '' is a quote
      return;
    }
    SourcePos pos = pos_of_offset(text, at);
    throw ScenarioError(pos, std::string(quote == '"' ? "double" : "single") + "-quoted string is never closed",
                        std::string("YAML reached the end of the file looking for the closing ") + quote);
  }

  // `!expr` marks a scalar as an expression; no other tag means anything to corun.
  void check_tag(const YNode& n) {
    if (n.tag.empty() || n.tag == "?" || n.tag == "!") return;
    if (n.tag == "!expr") {
      if (n.kind != YNode::Kind::Scalar)
        errors.push_back({n.pos, "!expr tags a scalar (an expression), not " + std::string(n.kind_name()), ""});
      return;
    }
    errors.push_back({n.pos, "unknown tag '" + written_tag(n.tag) + "'",
                      "the one tag corun knows is !expr, which marks a scalar as an expression"});
  }

  void count(SourcePos pos, size_t n) {
    nodes_ += n;
    if (nodes_ <= kMaxNodes) return;
    std::string limit = std::to_string(kMaxNodes);
    if (aliased_nodes_ * 2 > nodes_)
      throw ScenarioError(pos, "the YAML expands to more than " + limit + " nodes",
                          "aliases (*name) copy what they refer to; repeating them level after level multiplies the size");
    throw ScenarioError(pos, "the file has more than " + limit + " YAML nodes, more than corun loads",
                        "every scalar, list and mapping is a node; a scenario this big must be split or generated smaller");
  }

  void open(YNode::Kind kind, const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value style) {
    if (int(stack_.size()) >= kMaxDepth)
      throw ScenarioError(to_pos(m), "the YAML is nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
    Open o;
    o.node.kind = kind;
    o.node.pos = to_pos(m);
    o.node.tag = tag;
    o.anchor = anchor;
    o.flow = style == YAML::EmitterStyle::Flow;
    check_tag(o.node);
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
      // The copy kept for aliases costs what the node costs: it has a
      // budget of its own (anchors inside anchored nodes copy them again).
      size_t size = subtree_size(n);
      anchored_nodes_ += size;
      if (anchored_nodes_ > kMaxNodes)
        throw ScenarioError(n.pos, "the YAML's anchors keep more than " + std::to_string(kMaxNodes) + " nodes",
                            "each anchor (&name) keeps a copy of its node for the aliases; "
                            "anchors on nodes inside anchored nodes copy them again");
      anchors_[anchor] = n;
      anchor_sizes_[anchor] = size;
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
      else if (n.is_plain() && n.value == "<<")
        errors.push_back({n.pos, "YAML merge keys (<<) are not supported by corun", "write the keys out in this mapping"});
      top.key = std::move(n);
      top.have_key = true;
    } else {
      auto [first, inserted] = top.key_lines.emplace(top.key.value, top.key.pos.line);
      if (!inserted)
        errors.push_back({top.key.pos,
                          "duplicate key '" + top.key.value + "' (first given at line " + std::to_string(first->second) + ")",
                          "YAML keeps only one of them; remove or rename one"});
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

std::string hint_for(const SourceFile& file, const YAML::Mark& m, const std::string& msg, const YNode* open_flow) {
  std::string_view line = file.line(m.line + 1);
  // `lambda x: x`: the lambda's colon is YAML's ': ' (the common mistake).
  if (size_t at = line.find("lambda"); at != std::string_view::npos && at < size_t(m.column) &&
      (msg.find("map") != std::string::npos || msg.find("flow") != std::string::npos))
    return "the ': ' of `lambda ...: ` ends a plain YAML scalar; tag the whole value !expr and quote it, as in "
           "call: !expr 'loop.call_soon(lambda: print(\"hi\"))'";
  size_t indent_end = line.find_first_not_of(" \t-");
  if (line.substr(0, indent_end).find('\t') != std::string_view::npos || msg.find("tab") != std::string::npos)
    return "YAML does not allow tabs for indentation; use spaces";
  if (open_flow && open_flow->kind == YNode::Kind::Map) {
    std::string block = block_style_hint(file.line(open_flow->pos.line));
    if (!block.empty()) return block;
  }
  if (value_starts_with_brace(line) && line.find("print:") != std::string_view::npos &&
      (msg.find("map") != std::string::npos || msg.find("flow") != std::string::npos))
    return "YAML reads a value that starts with '{' as a mapping; quote the template: "
           "print: \"{name} started\"";
  if (msg.find("anchor") != std::string::npos)  // yaml-cpp: "the referenced anchor is not defined"
    return star_alias_hint(alias_written_at(line, size_t(m.column)));
  if (msg.find("illegal map value") != std::string::npos)
    return "a plain YAML scalar ends at ': '; quote it as a template (return: \"Result: {x}\") "
           "or tag the expression (!expr 'f\"Result: {x}\"')";
  return "";
}

// Splits "a: 1, b: f(x, y)" at the commas outside brackets and quotes.
std::vector<std::string_view> top_level_items(std::string_view s) {
  std::vector<std::string_view> items;
  int depth = 0;
  char quote = 0;
  size_t from = 0;
  for (size_t k = 0; k < s.size(); ++k) {
    char c = s[k];
    if (quote) { if (c == quote) quote = 0; continue; }
    if (c == '"' || c == '\'') quote = c;
    else if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ')' || c == ']' || c == '}') --depth;
    else if (c == ',' && depth == 0) { items.push_back(s.substr(from, k - from)); from = k + 1; }
  }
  items.push_back(s.substr(from));
  return items;
}

std::string_view trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool only_space_after(const SourceFile& file, const YAML::Mark& m) {
  size_t at = file.line_offset(m.line + 1) + size_t(m.column);
  return at >= file.text().size() || file.text().find_first_not_of(" \t\r\n", at) == std::string::npos;
}

}  // namespace

std::string block_style_hint(std::string_view line) {
  // "    - set: {n: state["calls"]}"  ->  "- set:" / "    n: state["calls"]"
  size_t colon = line.find(": {");
  size_t close = line.rfind('}');
  if (colon == std::string_view::npos || close == std::string_view::npos || close < colon) return "";
  std::string_view head = trimmed(line.substr(0, colon + 1));
  std::string_view body = line.substr(colon + 3, close - colon - 3);
  // The names go deeper than the verb: past "- " and two more spaces.
  std::string indent = head.substr(0, 2) == "- " ? "    " : "  ";
  std::string out = "inside a flow mapping {...}, YAML reads [ ] { } and every comma as its own punctuation; "
                    "write the mapping in block style, one name per line:\n      " + std::string(head);
  for (std::string_view item : top_level_items(body))
    if (!trimmed(item).empty()) out += "\n      " + indent + std::string(trimmed(item));
  return out;
}

YNode load_yaml(const SourceFile& file) {
  check_source_text(file);
  std::istringstream in(file.text());
  TreeBuilder builder(file);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
      if (builder.documents.size() > 1)
        throw ScenarioError(builder.document_starts.size() > 1 ? builder.document_starts[1] : builder.documents[1].pos,
                            "a scenario file holds one YAML document, found a second one",
                            "a line `---` starts a new document; remove it");
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp's own errors, its depth guard included, end here in our format.
    std::string msg = e.msg.empty() ? std::string("malformed YAML") : "malformed YAML: " + e.msg;
    const YNode* open_flow = builder.open_flow_collection();
    if (open_flow && e.msg.find("flow not found") != std::string::npos) {
      bool is_map = open_flow->kind == YNode::Kind::Map;
      if (only_space_after(file, e.mark))  // yaml-cpp gave up at the end of the file
        throw ScenarioError(open_flow->pos, std::string("this ") + (is_map ? "'{'" : "'['") + " is never closed",
                            std::string("YAML reached the end of the file looking for '") + (is_map ? "}" : "]") + "'");
      std::string_view line = file.line(e.mark.line + 1);
      if (is_map && size_t(e.mark.column) < line.size())
        msg = std::string("YAML could not read this flow mapping {...}: a plain value in it ends at [ ] { } or a comma, "
                          "and YAML cannot go on at '") + line[size_t(e.mark.column)] + "'";
    }
    throw ScenarioError(to_pos(e.mark), msg, hint_for(file, e.mark, e.msg, open_flow));
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

namespace {
void shift_lines(YNode& n, int by) {
  if (n.pos.line) n.pos.line += by;
  for (auto& item : n.items) shift_lines(item, by);
  for (auto& pair : n.pairs) {
    shift_lines(pair.first, by);
    shift_lines(pair.second, by);
  }
}
}  // namespace

std::string merge_yaml_part(YNode& into, YNode part, int lines_before) {
  shift_lines(part, lines_before);
  if (into.kind == YNode::Kind::Null) {
    into = std::move(part);
    return "";
  }
  if (part.kind == YNode::Kind::Null) return "";
  if (part.kind != YNode::Kind::Map || into.kind != YNode::Kind::Map) return "several parts must each be a mapping";
  for (auto& pair : part.pairs) {
    YNode* same = nullptr;
    for (auto& m : into.pairs) if (m.first.value == pair.first.value) same = &m.second;
    if (!same) into.pairs.push_back(std::move(pair));
    else if (same->kind != YNode::Kind::Map || pair.second.kind != YNode::Kind::Map)
      return "'" + pair.first.value + "' must be a mapping in every part";
    else for (auto& entry : pair.second.pairs) same->pairs.push_back(std::move(entry));
  }
  return "";
}

}  // namespace corun
