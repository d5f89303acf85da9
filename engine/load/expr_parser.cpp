// Recursive-descent parser for the expression language, following the
// precedence table of Python's grammar (Grammar/python.gram):
//   ifexp < or < and < not < comparison < +,- < *,/,//,% < unary < ** < primary
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "engine/python/bytes.h"
#include "engine/load/expr.h"
#include "engine/python/objects.h"

namespace corun {
namespace {

// Brackets nest as deep as CPython's tokenizer allows (MAXLEVEL), with its
// message; every other kind of nesting (unary operators, `not`, `**`,
// conditional expressions, calls) is bounded by the recursion guard, which
// keeps the parser's stack well under a megabyte.
constexpr int kMaxBracketLevel = 200;
constexpr int kMaxDepth = 1000;
constexpr size_t kMaxIntDigits = 4300;  // sys.int_info.default_max_str_digits  // nesting guard: deeper input is an error, not a stack overflow
// Operator and trailer chains (a + b + c ..., x.a.b ..., f()()...) build
// trees as deep as they are long; evaluation recurses that deep, so length
// is bounded too.
constexpr int kMaxChain = 10000;

enum class Tok : uint8_t { End, Name, Int, BigInt, Float, String, Op };

struct Token {
  Tok type = Tok::End;
  std::string text;   // identifier, operator, or decoded string
  std::string prefix; // string prefix letters, lower-cased ("f", "r", "rf", "b", "")
  std::string raw;    // string body as written (for f-strings)
  int64_t ival = 0;
  double fval = 0;
  int offset = 0;     // byte offset in the source text
};

bool is_ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool is_ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) out += char(cp);
  else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
  else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  Parser(const std::string& text, SourcePos origin) : src_(text), origin_(origin) {
    for (size_t k = 0; k < src_.size(); ++k)
      if (src_[k] == '\n') newlines_.push_back(int(k));
  }

  ExprPtr parse_full_expression() {
    advance();
    ExprPtr e = parse_tuple_or_expr();
    expect_end();
    return e;
  }

  ExprPtr parse_full_target() {
    advance();
    ExprPtr e = parse_tuple_or_expr();
    expect_end();
    check_target(*e);
    return e;
  }

  // Template: the body of an f-string given without quotes.
  ExprPtr parse_template_body(const std::string& body, int base_offset, bool process_escapes) {
    auto node = std::make_unique<Expr>(ExprKind::FString, pos_at(base_offset));
    parse_fstring_into(*node, body, base_offset, process_escapes, 0);
    return node;
  }

 private:
  const std::string& src_;
  SourcePos origin_;
  size_t i_ = 0;
  Token tok_;
  int depth_ = 0;
  int chain_ = 0;
  int bracket_level_ = 0;  // brackets open at the tokenizer's position
  int named_count_ = 0;    // NamedExpr nodes made so far (comprehensions check theirs)
  std::vector<int> newlines_;  // offsets of '\n' in src_, for pos_at

  SourcePos pos_at(int offset) const {
    // Columns map exactly for text on one line; past a newline, lines and
    // columns count from that line's start.
    SourcePos p = origin_;
    auto it = std::lower_bound(newlines_.begin(), newlines_.end(), offset);
    int line_extra = int(it - newlines_.begin());
    if (p.line) p.line += line_extra;
    p.col = line_extra ? offset - newlines_[size_t(line_extra - 1)] : origin_.col + offset;
    return p;
  }

  // One more link in an operator or trailer chain.
  void chain_link() {
    if (++chain_ > kMaxChain) fail(tok_.offset, "expression is too long (more than " + std::to_string(kMaxChain) + " chained operations)",
                                   "split it into several `set:` steps");
  }

  [[noreturn]] void fail(int offset, std::string msg, std::string hint = "") {
    throw ParseError{pos_at(offset), std::move(msg), std::move(hint)};
  }

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > kMaxDepth) p.fail(p.tok_.offset, "expression is nested too deeply");
    }
    ~DepthGuard() { --p.depth_; }
  };

  // ---- Tokenizer --------------------------------------------------------------

  void advance() { tok_ = next_token(); }

  Token next_token() {
    while (i_ < src_.size() && (src_[i_] == ' ' || src_[i_] == '\t' || src_[i_] == '\n' || src_[i_] == '\r')) ++i_;
    Token t;
    t.offset = int(i_);
    if (i_ >= src_.size()) return t;
    unsigned char c = src_[i_];
    if (c == '#') fail(int(i_), "comments are not allowed inside an expression");
    // String with optional prefix.
    if (is_ident_start(c)) {
      size_t j = i_;
      while (j < src_.size() && is_ident_char(src_[j])) ++j;
      std::string word = src_.substr(i_, j - i_);
      if (j < src_.size() && (src_[j] == '\'' || src_[j] == '"') && word.size() <= 2) {
        std::string lower;
        for (char ch : word) lower += char(std::tolower(ch));
        if (lower == "f" || lower == "r" || lower == "rf" || lower == "fr" || lower == "b" ||
            lower == "u" || lower == "br" || lower == "rb") {
          i_ = j;
          return read_string(t, lower);
        }
      }
      i_ = j;
      t.type = Tok::Name;
      t.text = std::move(word);
      return t;
    }
    if (c == '\'' || c == '"') return read_string(t, "");
    if (std::isdigit(c) || (c == '.' && i_ + 1 < src_.size() && std::isdigit((unsigned char)src_[i_ + 1])))
      return read_number(t);
    static const char* ops3[] = {"**=", "//=", "...", nullptr};
    static const char* ops2[] = {"**", "//", "==", "!=", "<=", ">=", "->", ":=", "<<", ">>", "+=", "-=", "*=", "/=", nullptr};
    for (const char** op = ops3; *op; ++op)
      if (src_.compare(i_, 3, *op) == 0) { t.type = Tok::Op; t.text = *op; i_ += 3; return t; }
    for (const char** op = ops2; *op; ++op)
      if (src_.compare(i_, 2, *op) == 0) { t.type = Tok::Op; t.text = *op; i_ += 2; return t; }
    if (std::strchr("+-*/%<>()[]{},.:=~|&^@;!", c)) {
      t.type = Tok::Op;
      t.text = std::string(1, char(c));
      if (c == '(' || c == '[' || c == '{') {
        if (++bracket_level_ > kMaxBracketLevel) fail(int(i_), "too many nested parentheses");
      } else if ((c == ')' || c == ']' || c == '}') && bracket_level_ > 0) {
        --bracket_level_;
      }
      ++i_;
      return t;
    }
    fail(int(i_), std::string("unexpected character '") + char(c) + "' in expression");
  }

  Token read_number(Token t) {
    size_t j = i_;
    bool is_float = false;
    std::string digits;
    if (src_[j] == '0' && j + 1 < src_.size() && std::strchr("xXoObB", src_[j + 1])) {
      int base = std::tolower(src_[j + 1]) == 'x' ? 16 : std::tolower(src_[j + 1]) == 'o' ? 8 : 2;
      j += 2;
      while (j < src_.size() && (std::isxdigit((unsigned char)src_[j]) || src_[j] == '_')) {
        if (src_[j] != '_') digits += src_[j];
        ++j;
      }
      errno = 0;
      char* end = nullptr;
      unsigned long long v = std::strtoull(digits.c_str(), &end, base);
      if (digits.empty() || *end || errno || v > uint64_t(INT64_MAX))
        fail(t.offset, "invalid or too large integer literal (corun integers are 64-bit)");
      t.type = Tok::Int;
      t.ival = int64_t(v);
      i_ = j;
      return t;
    }
    while (j < src_.size()) {
      char ch = src_[j];
      if (std::isdigit((unsigned char)ch)) digits += ch;
      else if (ch == '_') {}
      else if (ch == '.' && !is_float) { is_float = true; digits += ch; }
      else if ((ch == 'e' || ch == 'E')) {
        is_float = true;
        digits += ch;
        if (j + 1 < src_.size() && (src_[j + 1] == '+' || src_[j + 1] == '-')) { digits += src_[j + 1]; ++j; }
      } else break;
      ++j;
    }
    if (j < src_.size() && is_ident_char(src_[j]))
      fail(int(j), "invalid number literal");
    i_ = j;
    if (is_float) {
      t.type = Tok::Float;
      t.fval = std::strtod(digits.c_str(), nullptr);
    } else {
      if (digits.size() > 1 && digits[0] == '0' && digits.find_first_not_of('0') != std::string::npos)
        fail(t.offset, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
      // CPython 3.11 refuses longer decimal literals when compiling (and
      // converting them is quadratic): the same limit, its message.
      if (digits.size() > kMaxIntDigits)
        fail(t.offset, "Exceeds the limit (" + std::to_string(kMaxIntDigits) + " digits) for integer string conversion: value has " +
                           std::to_string(digits.size()) + " digits; use sys.set_int_max_str_digits() to increase the limit - "
                           "Consider hexadecimal for huge integer literals to avoid decimal conversion limits.");
      errno = 0;
      unsigned long long v = std::strtoull(digits.c_str(), nullptr, 10);
      t.type = Tok::Int;
      if (errno || v > uint64_t(INT64_MAX)) {
        t.type = Tok::BigInt;  // Python ints have no size limit
        t.text = digits;
      } else {
        t.ival = int64_t(v);
      }
    }
    return t;
  }

  Token read_string(Token t, const std::string& prefix) {
    char q = src_[i_];
    bool triple = src_.compare(i_, 3, std::string(3, q)) == 0;
    size_t j = i_ + (triple ? 3 : 1);
    size_t body_start = j;
    bool raw = prefix.find('r') != std::string::npos;
    while (true) {
      if (j >= src_.size()) fail(t.offset, "unterminated string literal");
      char ch = src_[j];
      if (ch == '\\') { j += 2; continue; }
      if (!triple && ch == '\n') fail(t.offset, "unterminated string literal");
      if (ch == q && (!triple || src_.compare(j, 3, std::string(3, q)) == 0)) break;
      ++j;
    }
    t.type = Tok::String;
    t.prefix = prefix;
    t.raw = src_.substr(body_start, j - body_start);
    i_ = j + (triple ? 3 : 1);
    if (prefix.find('b') != std::string::npos) {
      for (unsigned char ch : t.raw)
        if (ch >= 0x80) fail(t.offset, "bytes can only contain ASCII literal characters");
      t.text = raw ? t.raw : decode_bytes_escapes(t.raw, int(body_start));
      t.ival = int(body_start);
      return t;
    }
    if (prefix.find('f') == std::string::npos) t.text = raw ? t.raw : decode_escapes(t.raw, int(body_start));
    t.ival = int(body_start);  // body offset, for f-string positions
    return t;
  }

  // The escapes str and bytes literals share (Python's lexer): one
  // character each, a backslash-newline for none. False for the rest.
  static bool simple_escape(char e, std::string& out) {
    switch (e) {
      case 'n': out += '\n'; return true;
      case 't': out += '\t'; return true;
      case 'r': out += '\r'; return true;
      case 'a': out += '\a'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'v': out += '\v'; return true;
      case '\\': out += '\\'; return true;
      case '\'': out += '\''; return true;
      case '"': out += '"'; return true;
      case '\n': return true;
      default: return false;
    }
  }

  // \ooo: up to three octal digits, the first at s[k]; k is left on the last.
  static unsigned octal_escape(const std::string& s, size_t& k) {
    unsigned v = unsigned(s[k] - '0');
    for (int n = 1; n < 3 && k + 1 < s.size() && s[k + 1] >= '0' && s[k + 1] <= '7'; ++n) v = v * 8 + unsigned(s[++k] - '0');
    return v;
  }

  std::string decode_escapes(const std::string& s, int base) {
    std::string out;
    for (size_t k = 0; k < s.size(); ++k) {
      char ch = s[k];
      if (ch != '\\' || k + 1 >= s.size()) { out += ch; continue; }
      char e = s[++k];
      if (simple_escape(e, out)) continue;
      switch (e) {
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
          append_utf8(out, octal_escape(s, k));  // '\101' is 'A', '\0' a NUL
          break;
        case 'x': case 'u': case 'U': {
          int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          std::string hex = s.substr(k + 1, n);
          if (int(hex.size()) != n || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            fail(base + int(k), "truncated \\" + std::string(1, e) + " escape");
          append_utf8(out, uint32_t(std::stoul(hex, nullptr, 16)));
          k += n;
          break;
        }
        default: out += '\\'; out += e; break;  // Python keeps unknown escapes
      }
    }
    return out;
  }

  // A bytes literal's escapes (Objects/bytesobject.c, _PyBytes_DecodeEscape):
  // \xhh and octal name one byte each; \u, \U and \N are not escapes here.
  std::string decode_bytes_escapes(const std::string& s, int base) {
    std::string out;
    for (size_t k = 0; k < s.size(); ++k) {
      char ch = s[k];
      if (ch != '\\' || k + 1 >= s.size()) { out += ch; continue; }
      const size_t at = k;
      char e = s[++k];
      if (simple_escape(e, out)) continue;
      switch (e) {
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
          out += char(octal_escape(s, k) & 0xFF);
          break;
        case 'x': {
          std::string hex = s.substr(k + 1, 2);
          if (hex.size() != 2 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            fail(base + int(at), "(value error) invalid \\x escape at position " + std::to_string(at));
          out += char(std::stoul(hex, nullptr, 16));
          k += 2;
          break;
        }
        default: out += '\\'; out += e; break;  // Python keeps unknown escapes
      }
    }
    return out;
  }

  // ---- f-strings ----------------------------------------------------------------

  void parse_fstring_into(Expr& node, const std::string& body, int base, bool process_escapes, int nesting) {
    if (nesting > 2) fail(base, "f-string: expressions nested too deeply");
    std::string literal;
    size_t k = 0;
    auto flush_literal = [&](void) {
      if (literal.empty()) return;
      FStringPart part;
      part.literal = process_escapes ? decode_escapes(literal, base) : literal;
      node.parts.push_back(std::move(part));
      literal.clear();
    };
    while (k < body.size()) {
      char ch = body[k];
      if (ch == '{') {
        if (k + 1 < body.size() && body[k + 1] == '{') { literal += '{'; k += 2; continue; }
        flush_literal();
        k = parse_field(node, body, k + 1, base, process_escapes, nesting);
        continue;
      }
      if (ch == '}') {
        if (k + 1 < body.size() && body[k + 1] == '}') { literal += '}'; k += 2; continue; }
        fail(base + int(k), "f-string: single '}' is not allowed", "write '}}' for a literal brace");
      }
      literal += ch;
      ++k;
    }
    flush_literal();
  }

  // Parses `expr[=][!c][:spec]}` starting at k; returns the index after '}'.
  size_t parse_field(Expr& node, const std::string& body, size_t k, int base, bool process_escapes, int nesting) {
    size_t start = k;
    int depth = 0;
    char quote = 0;
    size_t end = std::string::npos;
    for (; k < body.size(); ++k) {
      char ch = body[k];
      if (quote) { if (ch == quote) quote = 0; continue; }
      if (ch == '\'' || ch == '"') { quote = ch; continue; }
      if (ch == '(' || ch == '[' || ch == '{') { ++depth; continue; }
      if (ch == ')' || ch == ']' || ch == '}') {
        if (depth == 0 && ch == '}') { end = k; break; }
        --depth;
        continue;
      }
      if (depth == 0 && (ch == '!' || ch == ':')) {
        if (ch == '!' && k + 1 < body.size() && body[k + 1] == '=') { ++k; continue; }
        end = k;
        break;
      }
    }
    if (end == std::string::npos)
      fail(base + int(start) - 1, "f-string: expecting '}'", "write '{{' for a literal brace");
    std::string expr_text = body.substr(start, end - start);
    FStringPart part;
    // Debug form {expr=}: the text (with the '=') is printed before the value.
    {
      size_t last = expr_text.find_last_not_of(" \t");
      if (last != std::string::npos && expr_text[last] == '=' &&
          (last == 0 || std::strchr("=!<>", expr_text[last - 1]) == nullptr)) {
        part.debug_text = expr_text;
        expr_text = expr_text.substr(0, last);
        part.conversion = 'r';
      }
    }
    if (expr_text.find_first_not_of(" \t\n") == std::string::npos)
      fail(base + int(start), "f-string: empty expression not allowed", "write '{{' for a literal brace");
    {
      Parser sub(expr_text, pos_at(base + int(start)));
      sub.depth_ = depth_;
      part.expr = sub.parse_full_expression();
    }
    k = end;
    bool explicit_conversion = false;
    if (body[k] == '!') {
      explicit_conversion = true;
      if (k + 1 >= body.size() || !std::strchr("rsa", body[k + 1]))
        fail(base + int(k), "f-string: invalid conversion character: expected 's', 'r', or 'a'");
      part.conversion = body[k + 1];
      k += 2;
      if (k >= body.size() || (body[k] != ':' && body[k] != '}'))
        fail(base + int(k), "f-string: expecting '}'");
    }
    if (body[k] == ':') {
      // The spec runs to the matching '}' and may contain nested fields.
      size_t spec_start = k + 1;
      int d = 0;
      size_t j = spec_start;
      for (; j < body.size(); ++j) {
        if (body[j] == '{') ++d;
        else if (body[j] == '}') { if (d == 0) break; --d; }
      }
      if (j >= body.size()) fail(base + int(k), "f-string: expecting '}'");
      auto spec = std::make_unique<Expr>(ExprKind::FString, pos_at(base + int(spec_start)));
      parse_fstring_into(*spec, body.substr(spec_start, j - spec_start), base + int(spec_start), process_escapes, nesting + 1);
      part.format_spec = std::move(spec);
      // {x=:spec} formats the value; only a bare {x=} defaults to repr.
      if (!part.debug_text.empty() && part.conversion == 'r' && !explicit_conversion) part.conversion = 0;
      k = j;
    }
    if (k >= body.size() || body[k] != '}') fail(base + int(k), "f-string: expecting '}'");
    node.parts.push_back(std::move(part));
    return k + 1;
  }

  // ---- Grammar --------------------------------------------------------------------

  // The parser asks these at every precedence level of every token: a
  // literal's length is known, so no strlen and no general compare.
  template <size_t N>
  bool is_op(const char (&op)[N]) const { return tok_.type == Tok::Op && text_is(op); }
  template <size_t N>
  bool is_kw(const char (&kw)[N]) const { return tok_.type == Tok::Name && text_is(kw); }
  bool is_op(std::string_view op) const { return tok_.type == Tok::Op && tok_.text == op; }
  bool is_kw(std::string_view kw) const { return tok_.type == Tok::Name && tok_.text == kw; }
  template <size_t N>
  bool text_is(const char (&s)[N]) const { return tok_.text.size() == N - 1 && std::memcmp(tok_.text.data(), s, N - 1) == 0; }
  void expect_op(const char* op) {
    if (!is_op(op)) fail(tok_.offset, std::string("expected '") + op + "'" + found());
    advance();
  }
  std::string found() const {
    if (tok_.type == Tok::End) return " but the expression ended";
    return " but found '" + (tok_.type == Tok::String ? std::string("string") : tok_.text) + "'";
  }
  void expect_end() {
    if (tok_.type != Tok::End) {
      if (is_op(":")) fail(tok_.offset, "unexpected ':' in expression",
                           "plain YAML scalars end at ': '; quote the whole value or tag it with !expr");
      if (is_op("=")) fail(tok_.offset, "unexpected '=' in expression", "use '==' to compare");
      fail(tok_.offset, "unexpected '" + (tok_.type == Tok::String ? std::string("string") : tok_.text) +
                            "' after the end of the expression");
    }
  }

  ExprPtr make(ExprKind k, int offset) { return std::make_unique<Expr>(k, pos_at(offset)); }

  static bool is_reserved(std::string_view w) {
    static constexpr std::string_view kws[] = {"and", "or", "not", "if", "else", "for", "in", "is", "lambda", "await",
                                               "async", "yield", "def", "class", "return", "import", "from", "while",
                                               "with", "try", "except", "finally", "raise", "pass", "break", "continue",
                                               "global", "nonlocal", "del", "assert", "elif", "as"};
    for (std::string_view k : kws) if (w == k) return true;
    return false;
  }

  // expr ("," expr)* [","] — a bare tuple where Python allows one.
  ExprPtr parse_tuple_or_expr() {
    int start = tok_.offset;
    ExprPtr first = parse_star_or_expr();
    if (!is_op(",")) {
      if (first->kind == ExprKind::Starred) fail(start, "can't use starred expression here");
      return first;
    }
    auto tup = make(ExprKind::Tuple, start);
    tup->kids.push_back(std::move(first));
    while (is_op(",")) {
      advance();
      if (tok_.type == Tok::End || is_op(")") || is_op("]") || is_op("}")) break;
      tup->kids.push_back(parse_star_or_expr());
    }
    for (auto& k : tup->kids)
      if (k->kind == ExprKind::NamedExpr && !k->parenthesized)
        throw ParseError{k->pos, "invalid syntax", "an assignment expression in a tuple needs parentheses: (" + k->kids[0]->name + " := ...)"};
    return tup;
  }

  ExprPtr parse_star_or_expr() {
    if (is_op("*")) {
      int off = tok_.offset;
      advance();
      auto s = make(ExprKind::Starred, off);
      s->kids.push_back(parse_or());
      return s;
    }
    return parse_named();
  }

  // named_expression: NAME ':=' expression | expression. Where Python takes
  // one (call arguments, display and tuple elements, parentheses, a whole
  // `if`/`while` condition); the compiler refuses a bare one elsewhere.
  ExprPtr parse_named() {
    if (tok_.type == Tok::Name && !is_reserved(tok_.text) && next_is_walrus()) {
      DepthGuard guard(*this);
      int off = tok_.offset;
      auto e = make(ExprKind::NamedExpr, off);
      e->parenthesized = bracket_level_ > 0;
      e->kids.push_back(make(ExprKind::Name, off));
      e->kids[0]->name = tok_.text;
      advance();  // the name
      advance();  // ':='
      e->kids.push_back(parse_expr());
      ++named_count_;
      return e;
    }
    return parse_expr();
  }

  bool next_is_walrus() {
    size_t save_i = i_;
    int save_level = bracket_level_;
    Token save = tok_;
    advance();
    bool walrus = is_op(":=");
    i_ = save_i;
    bracket_level_ = save_level;
    tok_ = save;
    return walrus;
  }

  static const char* walrus_target_kind(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Attr: return "attribute";
      case ExprKind::Subscript: return "subscript";
      case ExprKind::Tuple: return "tuple";
      case ExprKind::List: return "list";
      case ExprKind::Const: return e.value.is_none() || e.value.is_bool() ? nullptr : "literal";
      case ExprKind::Call: return "function call";
      default: return nullptr;
    }
  }

  ExprPtr parse_expr() {  // conditional expression
    DepthGuard guard(*this);
    if (is_kw("lambda")) return parse_lambda();
    if (is_kw("yield")) fail(tok_.offset, "'yield' is a step, not an expression");
    int start = tok_.offset;
    ExprPtr body = parse_or();
    if (is_kw("if")) {
      advance();
      ExprPtr cond = parse_or();
      if (!is_kw("else")) fail(tok_.offset, "expected 'else' in conditional expression" + found());
      advance();
      ExprPtr orelse = parse_expr();
      auto e = make(ExprKind::IfExp, start);
      e->kids.push_back(std::move(cond));
      e->kids.push_back(std::move(body));
      e->kids.push_back(std::move(orelse));
      return e;
    }
    if (is_op(":=")) {
      const char* what = walrus_target_kind(*body);
      if (what) fail(start, std::string("cannot use assignment expressions with ") + what,
                     "the target of ':=' is a plain name");
      fail(tok_.offset, "invalid syntax", body->kind == ExprKind::Name
                                              ? "an assignment expression is allowed here only in parentheses: (" + body->name + " := ...)"
                                              : "the target of ':=' is a plain name");
    }
    return body;
  }

  // lambda [a, b=1, *rest, **kw]: body -- kwnames holds the parameters
  // ("*rest" and "**kw" for the star ones), kwargs their defaults (null
  // where none), kids[0] the body; the compiler makes its code
  // (engine/compile/resolve.cpp).
  ExprPtr parse_lambda() {
    auto e = make(ExprKind::Lambda, tok_.offset);
    advance();  // 'lambda'
    bool seen_default = false, seen_star = false, seen_starstar = false;
    auto bare = [](const std::string& k) { return k.substr(k.find_first_not_of('*')); };
    while (!is_op(":")) {
      if (tok_.type == Tok::End) break;
      int off = tok_.offset;
      if (seen_starstar) fail(off, "arguments cannot follow var-keyword argument");
      std::string stars;
      if (is_op("*")) { stars = "*"; advance(); }
      else if (is_op("**")) { stars = "**"; advance(); }
      if (tok_.type != Tok::Name || is_reserved(tok_.text)) fail(tok_.offset, "invalid syntax: expected a parameter name" + found());
      std::string name = tok_.text;
      for (auto& k : e->kwnames)
        if (bare(k) == name) fail(off, "duplicate argument '" + name + "' in function definition");
      if (seen_star && stars != "**") fail(off, "parameters after *" + bare(e->kwnames.back()) + " are not supported by corun");
      advance();
      ExprPtr dflt;
      if (stars.empty() && is_op("=")) {
        advance();
        dflt = parse_expr();
        seen_default = true;
      } else if (stars.empty() && seen_default) {
        fail(off, "non-default argument follows default argument");
      } else if (stars == "**" && is_op("=")) {
        fail(tok_.offset, "var-keyword argument cannot have default value");
      }
      if (stars == "*") seen_star = true;
      if (stars == "**") seen_starstar = true;
      e->kwnames.push_back(stars + name);
      e->kwargs.push_back(std::move(dflt));
      if (!is_op(",")) break;
      advance();
    }
    if (!is_op(":"))
      fail(tok_.offset, "expected ':' after the lambda's parameters" + found(),
           tok_.type == Tok::End ? "YAML ends a plain scalar at ': ': quote the value or tag it !expr: !expr 'lambda x: x + 1'" : "");
    advance();
    e->kids.push_back(parse_expr());
    return e;
  }

  ExprPtr parse_or() { return parse_boolop(true); }
  ExprPtr parse_boolop(bool is_or) {
    int start = tok_.offset;
    ExprPtr left = is_or ? parse_boolop(false) : parse_not();
    if (!is_kw(is_or ? "or" : "and")) return left;
    auto e = make(ExprKind::BoolOp, start);
    e->is_and = !is_or;
    e->kids.push_back(std::move(left));
    while (is_kw(is_or ? "or" : "and")) {
      chain_link();
      advance();
      e->kids.push_back(is_or ? parse_boolop(false) : parse_not());
    }
    return e;
  }

  ExprPtr parse_not() {
    if (is_kw("not")) {
      DepthGuard guard(*this);
      int off = tok_.offset;
      advance();
      auto e = make(ExprKind::Not, off);
      e->kids.push_back(parse_not());
      return e;
    }
    return parse_comparison();
  }

  bool comparison_op(CmpOp& op) {
    if (tok_.type == Tok::Op) {
      const std::string& t = tok_.text;
      if (t == "<") op = CmpOp::Lt; else if (t == "<=") op = CmpOp::Le;
      else if (t == ">") op = CmpOp::Gt; else if (t == ">=") op = CmpOp::Ge;
      else if (t == "==") op = CmpOp::Eq; else if (t == "!=") op = CmpOp::Ne;
      else return false;
      advance();
      return true;
    }
    if (is_kw("in")) { op = CmpOp::In; advance(); return true; }
    if (is_kw("is")) {
      advance();
      if (is_kw("not")) { advance(); op = CmpOp::IsNot; } else op = CmpOp::Is;
      return true;
    }
    if (is_kw("not")) {
      size_t save_i = i_;
      int save_level = bracket_level_;
      Token save = tok_;
      advance();
      if (is_kw("in")) { advance(); op = CmpOp::NotIn; return true; }
      i_ = save_i;
      bracket_level_ = save_level;
      tok_ = save;
    }
    return false;
  }

  ExprPtr parse_comparison() {
    int start = tok_.offset;
    ExprPtr left = parse_bitor();
    CmpOp op;
    if (!comparison_op(op)) return left;
    auto e = make(ExprKind::Compare, start);
    e->kids.push_back(std::move(left));
    do {
      chain_link();
      e->cmpops.push_back(op);
      e->kids.push_back(parse_bitor());
    } while (comparison_op(op));
    return e;
  }

  ExprPtr binary(BinOp op, ExprPtr l, ExprPtr r, int offset) {
    auto e = make(ExprKind::Binary, offset);
    e->binop = op;
    e->kids.push_back(std::move(l));
    e->kids.push_back(std::move(r));
    return e;
  }

  void reject_bitwise() {
    if (is_op("@")) fail(tok_.offset, "operator '@' is not supported by corun's expression language");
  }

  // Python's precedence, loosest first: | then ^ then & then << >>, all
  // between the comparisons and + -.
  ExprPtr parse_bitor() { return parse_bit_level(0); }
  ExprPtr parse_bit_level(int level) {
    if (level == 3) return parse_shift();
    static const char* const kOps[] = {"|", "^", "&"};
    static const BinOp kBinOps[] = {BinOp::BitOr, BinOp::BitXor, BinOp::BitAnd};
    ExprPtr left = parse_bit_level(level + 1);
    while (is_op(kOps[level])) {
      DepthGuard guard(*this);
      chain_link();
      int off = tok_.offset;
      advance();
      left = binary(kBinOps[level], std::move(left), parse_bit_level(level + 1), off);
    }
    return left;
  }
  ExprPtr parse_shift() {
    ExprPtr left = parse_arith();
    while (is_op("<<") || is_op(">>")) {
      DepthGuard guard(*this);
      chain_link();
      BinOp op = tok_.text == "<<" ? BinOp::LShift : BinOp::RShift;
      int off = tok_.offset;
      advance();
      left = binary(op, std::move(left), parse_arith(), off);
    }
    return left;
  }

  ExprPtr parse_arith() {
    int start = tok_.offset;
    ExprPtr left = parse_term();
    while (is_op("+") || is_op("-")) {
      DepthGuard guard(*this);
      chain_link();
      BinOp op = tok_.text == "+" ? BinOp::Add : BinOp::Sub;
      int off = tok_.offset;
      advance();
      left = binary(op, std::move(left), parse_term(), off);
    }
    reject_bitwise();
    (void)start;
    return left;
  }

  ExprPtr parse_term() {
    ExprPtr left = parse_unary();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      DepthGuard guard(*this);
      chain_link();
      BinOp op = tok_.text == "*" ? BinOp::Mul : tok_.text == "/" ? BinOp::Div
               : tok_.text == "//" ? BinOp::FloorDiv : BinOp::Mod;
      int off = tok_.offset;
      advance();
      left = binary(op, std::move(left), parse_unary(), off);
    }
    reject_bitwise();
    return left;
  }

  ExprPtr parse_unary() {
    if (is_op("-") || is_op("+") || is_op("~")) {
      DepthGuard guard(*this);
      int off = tok_.offset;
      UnOp op = tok_.text == "-" ? UnOp::Neg : tok_.text == "+" ? UnOp::Pos : UnOp::Invert;
      advance();
      ExprPtr operand = parse_unary();
      // Fold negative literals so that -5 is a constant (and -9223372036854775808 fits).
      if (op == UnOp::Neg && operand->kind == ExprKind::Const && (operand->value.is_int() || operand->value.is_float())) {
        if (operand->value.is_int()) operand->value = Value::integer(-operand->value.as_int());
        else operand->value = Value::flt(-operand->value.as_float());
        operand->pos = pos_at(off);
        return operand;
      }
      auto e = make(ExprKind::Unary, off);
      e->unop = op;
      e->kids.push_back(std::move(operand));
      return e;
    }
    return parse_power();
  }

  // power: await_primary ['**' factor]; await_primary: 'await' primary | primary.
  ExprPtr parse_power() {
    ExprPtr base;
    if (is_kw("await")) {
      DepthGuard guard(*this);
      int off = tok_.offset;
      advance();
      if (tok_.type == Tok::End) fail(tok_.offset, "expected an expression after 'await'" + found());
      if (is_op("-") || is_op("+") || is_op("~") || is_kw("not") || is_kw("await"))
        fail(tok_.offset, "invalid syntax", "'await' takes a primary: write await (" + tok_.text + "...)");
      base = make(ExprKind::Await, off);
      base->kids.push_back(parse_primary());
    } else {
      base = parse_primary();
    }
    if (is_op("**")) {
      DepthGuard guard(*this);
      int off = tok_.offset;
      advance();
      return binary(BinOp::Pow, std::move(base), parse_unary(), off);
    }
    return base;
  }

  ExprPtr parse_primary() {
    ExprPtr e = parse_atom();
    while (true) {
      if (is_op(".") || is_op("(") || is_op("[")) chain_link();
      if (is_op(".")) {
        advance();
        if (tok_.type != Tok::Name) fail(tok_.offset, "expected an attribute name after '.'" + found());
        auto a = make(ExprKind::Attr, tok_.offset);
        a->pos = e->pos;
        a->name = tok_.text;
        a->kids.push_back(std::move(e));
        advance();
        e = std::move(a);
      } else if (is_op("(")) {
        e = parse_call(std::move(e));
      } else if (is_op("[")) {
        int off = tok_.offset;
        advance();
        auto s = make(ExprKind::Subscript, off);
        s->pos = e->pos;
        s->kids.push_back(std::move(e));
        s->kids.push_back(parse_subscript());
        expect_op("]");
        e = std::move(s);
      } else {
        return e;
      }
    }
  }

  ExprPtr parse_slice_part() {
    if (is_op(":") || is_op("]") || is_op(",")) return nullptr;
    return parse_expr();
  }

  ExprPtr parse_subscript() {
    int off = tok_.offset;
    // a[x := 1] is a named expression; a slice bound never is.
    ExprPtr lower = is_op(":") || is_op("]") || is_op(",") ? nullptr : parse_named();
    if (lower && lower->kind == ExprKind::NamedExpr && is_op(":")) fail(tok_.offset, "invalid syntax", "parenthesize it: a[(x := 1):2]");
    if (!is_op(":")) {
      if (!lower) fail(tok_.offset, "expected a subscript" + found());
      if (is_op(",")) {
        auto tup = make(ExprKind::Tuple, off);
        tup->kids.push_back(std::move(lower));
        while (is_op(",")) { advance(); if (is_op("]")) break; tup->kids.push_back(parse_expr()); }
        return tup;
      }
      return lower;
    }
    auto sl = make(ExprKind::Slice, off);
    advance();
    ExprPtr upper = parse_slice_part();
    ExprPtr step;
    if (is_op(":")) { advance(); step = parse_slice_part(); }
    sl->kids.push_back(std::move(lower));
    sl->kids.push_back(std::move(upper));
    sl->kids.push_back(std::move(step));
    return sl;
  }

  ExprPtr parse_call(ExprPtr callee) {
    DepthGuard guard(*this);
    auto call = make(ExprKind::Call, tok_.offset);
    call->pos = callee->pos;
    call->kids.push_back(std::move(callee));
    advance();  // '('
    bool first = true;
    while (!is_op(")")) {
      if (tok_.type == Tok::End) fail(tok_.offset, "expected ')' to close the call" + found());
      // keyword argument?
      if (tok_.type == Tok::Name && !is_reserved(tok_.text)) {
        size_t save_i = i_;
        int save_level = bracket_level_;
        Token save = tok_;
        advance();
        if (is_op("=")) {
          advance();
          call->kwnames.push_back(save.text);
          call->kwargs.push_back(parse_expr());
          if (!is_op(",")) break;
          advance();
          first = false;
          continue;
        }
        i_ = save_i;
        bracket_level_ = save_level;
        tok_ = save;
      }
      if (is_op("**")) {
        // f(**mapping): kwnames holds "**" for it, kwargs the mapping.
        advance();
        call->kwnames.push_back("**");
        call->kwargs.push_back(parse_expr());
        if (!is_op(",")) break;
        advance();
        first = false;
        continue;
      }
      bool after_unpacking = std::find(call->kwnames.begin(), call->kwnames.end(), "**") != call->kwnames.end();
      if (after_unpacking)
        fail(tok_.offset, is_op("*") ? "iterable argument unpacking follows keyword argument unpacking"
                                     : "positional argument follows keyword argument unpacking");
      if (!call->kwnames.empty() && !is_op("*"))
        fail(tok_.offset, "positional argument follows keyword argument");
      ExprPtr arg = parse_star_or_expr();
      // A lone generator expression argument: f(x for x in y)
      if (at_comp_for()) {
        if (!first || arg->kind == ExprKind::Starred) fail(tok_.offset, "Generator expression must be parenthesized");
        SourcePos pos = arg->pos;  // read before the move: argument order is unspecified
        arg = parse_comprehension(Expr::CompType::Gen, std::move(arg), nullptr, pos);
        if (!is_op(")")) fail(tok_.offset, "Generator expression must be parenthesized");
      }
      call->kids.push_back(std::move(arg));
      first = false;
      if (!is_op(",")) break;
      advance();
    }
    expect_op(")");
    return call;
  }

  ExprPtr parse_comprehension(Expr::CompType type, ExprPtr elt, ExprPtr value, SourcePos pos) {
    auto comp = std::make_unique<Expr>(ExprKind::Comp, pos);
    comp->comp_type = type;
    comp->kids.push_back(std::move(elt));
    if (value) comp->kids.push_back(std::move(value));
    while (at_comp_for()) {
      CompClause clause;
      if (is_kw("async")) {
        clause.is_async = true;
        advance();
      }
      advance();  // 'for'
      // target: names separated by commas (stop before 'in')
      int toff = tok_.offset;
      ExprPtr first = parse_primary();
      if (is_op(",")) {
        auto tup = make(ExprKind::Tuple, toff);
        tup->kids.push_back(std::move(first));
        while (is_op(",")) { advance(); tup->kids.push_back(parse_primary()); }
        first = std::move(tup);
      }
      check_target(*first);
      clause.target = std::move(first);
      if (!is_kw("in")) fail(tok_.offset, "expected 'in' in comprehension" + found());
      advance();
      clause.iter = parse_or();
      while (is_kw("if")) {
        advance();
        clause.conds.push_back(parse_or());  // Python: disjunction, no ternary without parens
      }
      comp->clauses.push_back(std::move(clause));
    }
    if (named_count_ > 0) check_comprehension_walrus(*comp);  // (the element was parsed before)
    return comp;
  }

  bool at_comp_for() {
    if (is_kw("for")) return true;
    if (!is_kw("async")) return false;
    size_t save_i = i_;
    int save_level = bracket_level_;
    Token save = tok_;
    advance();
    if (!is_kw("for")) fail(save.offset, "expected 'for' after 'async' in a comprehension" + found());
    i_ = save_i;
    bracket_level_ = save_level;
    tok_ = save;
    return true;
  }

  // Python's two rules for ':=' in a comprehension (symtable.c): it binds in
  // the enclosing function, so it may not rebind the comprehension's own
  // iteration variable, and it may not appear in an iterable expression.
  void check_comprehension_walrus(const Expr& comp) {
    std::vector<std::string> iteration_names;
    for (auto& c : comp.clauses) collect_target_names(*c.target, iteration_names);
    for (auto& c : comp.clauses) {
      if (const Expr* w = find_walrus(*c.iter))
        throw ParseError{w->pos, "assignment expression cannot be used in a comprehension iterable expression",
                         "assign it before the comprehension"};
      for (auto& cond : c.conds) check_no_rebind(*cond, iteration_names);
    }
    for (auto& k : comp.kids) check_no_rebind(*k, iteration_names);
  }

  static void collect_target_names(const Expr& t, std::vector<std::string>& out) {
    if (t.kind == ExprKind::Name) out.push_back(t.name);
    for (auto& k : t.kids) if (k) collect_target_names(*k, out);
  }

  static const Expr* find_walrus(const Expr& e) {
    if (e.kind == ExprKind::NamedExpr) return &e;
    for (auto& k : e.kids) if (k) if (auto* w = find_walrus(*k)) return w;
    for (auto& k : e.kwargs) if (k) if (auto* w = find_walrus(*k)) return w;
    for (auto& c : e.clauses) {
      if (auto* w = find_walrus(*c.iter)) return w;
      for (auto& cond : c.conds) if (auto* w = find_walrus(*cond)) return w;
    }
    for (auto& p : e.parts) {
      if (p.expr) if (auto* w = find_walrus(*p.expr)) return w;
      if (p.format_spec) if (auto* w = find_walrus(*p.format_spec)) return w;
    }
    return nullptr;
  }

  static void check_no_rebind(const Expr& e, const std::vector<std::string>& names) {
    if (e.kind == ExprKind::NamedExpr &&
        std::find(names.begin(), names.end(), e.kids[0]->name) != names.end())
      throw ParseError{e.pos, "assignment expression cannot rebind comprehension iteration variable '" + e.kids[0]->name + "'",
                       "use another name for the assignment"};
    for (auto& k : e.kids) if (k) check_no_rebind(*k, names);
    for (auto& k : e.kwargs) if (k) check_no_rebind(*k, names);
    for (auto& c : e.clauses) {
      check_no_rebind(*c.iter, names);
      for (auto& cond : c.conds) check_no_rebind(*cond, names);
    }
    for (auto& p : e.parts) {
      if (p.expr) check_no_rebind(*p.expr, names);
      if (p.format_spec) check_no_rebind(*p.format_spec, names);
    }
  }

  void check_target(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Name: return;
      case ExprKind::Attr: case ExprKind::Subscript: return;
      case ExprKind::Tuple: case ExprKind::List:
        for (auto& k : e.kids) check_target(*k);
        return;
      case ExprKind::Starred:
        check_target(*e.kids[0]);
        return;
      default:
        throw ParseError{e.pos, "cannot assign to this expression", "a target is a name, a tuple of names, `obj.attr` or `obj[key]`"};
    }
  }

  ExprPtr parse_atom() {
    DepthGuard guard(*this);
    int off = tok_.offset;
    switch (tok_.type) {
      case Tok::End:
        fail(off, "expected an expression" + found());
      case Tok::Int: {
        auto e = make(ExprKind::Const, off);
        e->value = Value::integer(tok_.ival);
        advance();
        return e;
      }
      case Tok::BigInt: {
        auto e = make(ExprKind::Const, off);
        e->value = make_int(*BigInt::parse(tok_.text));
        advance();
        return e;
      }
      case Tok::Float: {
        auto e = make(ExprKind::Const, off);
        e->value = Value::flt(tok_.fval);
        advance();
        return e;
      }
      case Tok::String:
        return parse_strings();
      case Tok::Name: {
        const std::string& w = tok_.text;
        auto e = make(ExprKind::Const, off);
        if (w == "None") { e->value = Value::none(); advance(); return e; }
        if (w == "True") { e->value = Value::boolean(true); advance(); return e; }
        if (w == "False") { e->value = Value::boolean(false); advance(); return e; }
        if (is_reserved(w)) fail(off, "unexpected keyword '" + w + "' in expression");
        e->kind = ExprKind::Name;
        e->name = w;
        advance();
        return e;
      }
      case Tok::Op:
        break;
    }
    if (is_op("(")) {
      advance();
      if (is_op(")")) { advance(); return make(ExprKind::Tuple, off); }
      ExprPtr first = parse_star_or_expr();
      if (at_comp_for()) {
        auto g = parse_comprehension(Expr::CompType::Gen, std::move(first), nullptr, pos_at(off));
        expect_op(")");
        return g;
      }
      if (is_op(",")) {
        auto tup = make(ExprKind::Tuple, off);
        tup->kids.push_back(std::move(first));
        while (is_op(",")) {
          advance();
          if (is_op(")")) break;
          tup->kids.push_back(parse_star_or_expr());
        }
        expect_op(")");
        return tup;
      }
      expect_op(")");
      if (first->kind == ExprKind::Starred) fail(off, "can't use starred expression here");
      return first;
    }
    if (is_op("[")) {
      advance();
      auto list = make(ExprKind::List, off);
      if (is_op("]")) { advance(); return list; }
      ExprPtr first = parse_star_or_expr();
      if (at_comp_for()) {
        auto c = parse_comprehension(Expr::CompType::List, std::move(first), nullptr, pos_at(off));
        expect_op("]");
        return c;
      }
      list->kids.push_back(std::move(first));
      while (is_op(",")) {
        advance();
        if (is_op("]")) break;
        list->kids.push_back(parse_star_or_expr());
      }
      expect_op("]");
      return list;
    }
    if (is_op("{")) {
      advance();
      auto dict = make(ExprKind::Dict, off);
      if (is_op("}")) { advance(); return dict; }
      // {**m, ...}: the entry's key is a Starred node over m, its value an
      // unused None (engine/vm/eval.cpp merges m's items there).
      auto dict_unpacking = [&] {
        int at = tok_.offset;
        advance();  // '**'
        auto star = make(ExprKind::Starred, at);
        star->kids.push_back(parse_bitor());
        dict->kids.push_back(std::move(star));
        dict->kwargs.push_back(make(ExprKind::Const, at));
      };
      if (is_op("**")) {
        dict_unpacking();
        if (at_comp_for()) fail(tok_.offset, "dict unpacking cannot be used in dict comprehension");
      } else {
        ExprPtr key = parse_star_or_expr();
        if (!is_op(":") || key->kind == ExprKind::Starred) return parse_set_display(std::move(key), off);
        advance();
        ExprPtr val = parse_expr();
        if (at_comp_for()) {
          auto c = parse_comprehension(Expr::CompType::Dict, std::move(key), std::move(val), pos_at(off));
          expect_op("}");
          return c;
        }
        dict->kids.push_back(std::move(key));
        dict->kwargs.push_back(std::move(val));
      }
      while (is_op(",")) {
        advance();
        if (is_op("}")) break;
        if (is_op("**")) {
          dict_unpacking();
          continue;
        }
        dict->kids.push_back(parse_expr());
        expect_op(":");
        dict->kwargs.push_back(parse_expr());
      }
      expect_op("}");
      return dict;
    }
    fail(off, "unexpected '" + tok_.text + "' in expression");
  }

  // {a, b, *c} and {x for x in xs}, after the first element.
  ExprPtr parse_set_display(ExprPtr first, int off) {
    if (is_kw("for")) {
      if (first->kind == ExprKind::Starred) fail(off, "iterable unpacking cannot be used in comprehension");
      auto c = parse_comprehension(Expr::CompType::Set, std::move(first), nullptr, pos_at(off));
      expect_op("}");
      return c;
    }
    auto set = make(ExprKind::Set, off);
    set->kids.push_back(std::move(first));
    while (is_op(",")) {
      advance();
      if (is_op("}")) break;
      set->kids.push_back(parse_star_or_expr());
    }
    expect_op("}");
    // CPython folds a display of 3 or more constants to a frozenset constant,
    // which sizes the set's table differently (compile.c, starunpack_helper).
    bool constant = set->kids.size() > 2;
    for (auto& k : set->kids) constant = constant && is_constant(*k);
    set->value = Value::boolean(constant);
    return set;
  }

  // What CPython's AST optimizer folds to a constant: literals, and tuples,
  // unary and binary operations of constants (the evaluator checks the
  // sizes it refuses to fold, engine/vm/eval.cpp).
  static bool is_constant(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Const: return true;
      case ExprKind::Tuple: case ExprKind::Unary: case ExprKind::Not: case ExprKind::Binary:
        for (auto& k : e.kids) if (!is_constant(*k)) return false;
        return true;
      default: return false;
    }
  }

  // Adjacent string literals concatenate, as in Python; f-strings among them
  // make the whole an f-string.
  ExprPtr parse_strings() {
    int off = tok_.offset;
    auto node = make(ExprKind::FString, off);
    bool any_f = false;
    const bool bytes = tok_.prefix.find('b') != std::string::npos;
    while (tok_.type == Tok::String) {
      if ((tok_.prefix.find('b') != std::string::npos) != bytes) fail(tok_.offset, "cannot mix bytes and nonbytes literals");
      bool is_f = tok_.prefix.find('f') != std::string::npos;
      if (is_f) {
        any_f = true;
        bool raw = tok_.prefix.find('r') != std::string::npos;
        parse_fstring_into(*node, tok_.raw, int(tok_.ival), !raw, 0);
      } else {
        FStringPart part;
        part.literal = tok_.text;
        node->parts.push_back(std::move(part));
      }
      advance();
    }
    if (!any_f) {
      std::string s;
      for (auto& p : node->parts) s += p.literal;
      auto c = make(ExprKind::Const, off);
      c->value = bytes ? make_bytes(std::move(s)) : make_str(std::move(s));
      return c;
    }
    return node;
  }
};

}  // namespace

ExprPtr parse_expression(const std::string& text, SourcePos origin) {
  Parser p(text, origin);
  return p.parse_full_expression();
}

ExprPtr parse_template(const std::string& text, SourcePos origin) {
  Parser p(text, origin);
  auto node = p.parse_template_body(text, 0, /*process_escapes=*/false);
  // A template without fields is a constant string.
  bool has_field = false;
  for (auto& part : node->parts) if (part.expr) has_field = true;
  if (!has_field) {
    std::string s;
    for (auto& part : node->parts) s += part.literal;
    auto c = std::make_unique<Expr>(ExprKind::Const, origin);
    c->value = make_str(std::move(s));
    return c;
  }
  return node;
}

ExprPtr parse_target(const std::string& text, SourcePos origin) {
  Parser p(text, origin);
  return p.parse_full_target();
}

}  // namespace corun
