#include "engine/schema/language_docs.h"

#include <algorithm>

namespace corun {

extern const char* const kLanguageReference;  // generated: docs/language.md

namespace {

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// A table row's cells: split at '|' (not `\|`), the outer empty ones dropped.
std::vector<std::string> split_cells(std::string_view line) {
  std::vector<std::string> cells;
  std::string cell;
  line = trim(line);
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') { cell += '|'; ++i; continue; }
    if (line[i] == '|') { cells.push_back(flatten_links(trim(cell))); cell.clear(); continue; }
    cell += line[i];
  }
  if (!trim(cell).empty()) cells.push_back(flatten_links(trim(cell)));
  return cells;
}

bool is_separator_row(std::string_view line) {
  line = trim(line);
  return !line.empty() && line.find_first_not_of("|-: ") == std::string_view::npos;
}

size_t word_count(std::string_view s) {
  size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    bool space = c == ' ' || c == '\t' || c == '\n';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

}  // namespace

std::string flatten_links(std::string_view md) {
  std::string out;
  for (size_t i = 0; i < md.size(); ++i) {
    if (md[i] == '[') {
      size_t close = md.find("](", i);
      size_t end = close == std::string_view::npos ? close : md.find(')', close);
      if (close != std::string_view::npos && end != std::string_view::npos &&
          md.substr(i, close - i).find('\n') == std::string_view::npos) {
        out += md.substr(i + 1, close - i - 1);
        i = end;
        continue;
      }
    }
    out += md[i];
  }
  return out;
}

std::vector<std::string> cell_words(std::string_view cell) {
  std::vector<std::string> words;
  for (size_t i = cell.find('`'); i != std::string_view::npos; i = cell.find('`', i)) {
    size_t end = cell.find('`', i + 1);
    if (end == std::string_view::npos) break;
    std::string_view span = cell.substr(i + 1, end - i - 1);
    size_t stop = span.find_first_of(": ");
    std::string_view word = span.substr(0, stop);
    if (!word.empty()) words.emplace_back(word);
    i = end + 1;
  }
  return words;
}

LanguageDocs::LanguageDocs(std::string_view md) {
  std::vector<std::string_view> lines;
  for (size_t at = 0; at <= md.size();) {
    size_t nl = md.find('\n', at);
    if (nl == std::string_view::npos) nl = md.size();
    lines.push_back(md.substr(at, nl - at));
    at = nl + 1;
  }
  bool in_code = false;
  Section* section = nullptr;
  std::string paragraph;
  auto end_paragraph = [&] {
    if (section && section->intro.empty() && word_count(paragraph) >= 4) section->intro = flatten_links(paragraph);
    paragraph.clear();
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = trim(lines[i]);
    if (line.substr(0, 3) == "```") { end_paragraph(); in_code = !in_code; continue; }
    if (in_code) continue;
    if (line.substr(0, 1) == "#") {
      end_paragraph();
      section = nullptr;
      if (line.substr(0, 4) == "### ") {
        Section s;
        std::string_view rest = line.substr(4);
        for (size_t at = 0; at <= rest.size();) {
          size_t comma = rest.find(',', at);
          if (comma == std::string_view::npos) comma = rest.size();
          std::string_view w = trim(rest.substr(at, comma - at));
          if (!w.empty() && w.front() == '`' && w.back() == '`' && w.size() > 1) w = w.substr(1, w.size() - 2);
          if (!w.empty()) s.words.emplace_back(w);
          at = comma + 1;
        }
        sections_.push_back(std::move(s));
        section = &sections_.back();
      }
      continue;
    }
    if (line.substr(0, 1) == "|" && i + 1 < lines.size() && is_separator_row(lines[i + 1])) {
      end_paragraph();
      Table t;
      std::vector<std::string> head = split_cells(line);
      t.header = head.empty() ? "" : head[0];
      for (i += 2; i < lines.size() && trim(lines[i]).substr(0, 1) == "|"; ++i) t.rows.push_back(split_cells(lines[i]));
      --i;
      tables_.push_back(std::move(t));
      continue;
    }
    if (line.empty()) { end_paragraph(); continue; }
    if (!paragraph.empty()) paragraph += ' ';
    paragraph += line;
  }
  end_paragraph();
}

const LanguageDocs& LanguageDocs::embedded() {
  static const LanguageDocs docs(kLanguageReference);
  return docs;
}

bool LanguageDocs::has_table(std::string_view header) const {
  return std::any_of(tables_.begin(), tables_.end(), [&](const Table& t) { return t.header == header; });
}

const LanguageDocs::Row* LanguageDocs::row(std::string_view header, std::string_view word) const {
  for (const Table& t : tables_) {
    if (t.header != header) continue;
    for (const Row& r : t.rows) {
      if (r.empty()) continue;
      std::vector<std::string> words = cell_words(r[0]);
      if (std::find(words.begin(), words.end(), word) != words.end()) return &r;
    }
  }
  return nullptr;
}

std::string LanguageDocs::section_intro(std::string_view word) const {
  for (const Section& s : sections_)
    if (std::find(s.words.begin(), s.words.end(), word) != s.words.end()) return s.intro;
  return "";
}

}  // namespace corun
