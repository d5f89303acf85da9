// What docs/language.md says about each key and verb, for `corun schema`'s
// descriptions. The reference is embedded in the binary at build time
// (kLanguageReference, from cmake/embed_text.cmake), so the schema's text
// is the documentation's own and changes with it.
//
// The reference is read by its tables: a table is found by the first cell
// of its header row ("key", "step", "modifier", ...), and a row by the
// backticked word its first cell names (`print: TEMPLATE` names print).
// Sections are found by their `### ` heading (`### try, except, else,
// finally` names four words). Links are flattened to their text: an
// editor shows descriptions as plain text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace corun {

class LanguageDocs {
 public:
  explicit LanguageDocs(std::string_view markdown);
  static const LanguageDocs& embedded();  // docs/language.md as built in

  using Row = std::vector<std::string>;  // the cells, trimmed, links flattened

  // The row of the table headed `header` whose first cell names `word`, or null.
  const Row* row(std::string_view header, std::string_view word) const;
  // Whether a table with that header exists.
  bool has_table(std::string_view header) const;
  // The first paragraph of prose (four words or more; not code, not a
  // table) under the `###` heading that lists `word`, on one line; "" if none.
  std::string section_intro(std::string_view word) const;

 private:
  struct Table {
    std::string header;
    std::vector<Row> rows;
  };
  struct Section {
    std::vector<std::string> words;
    std::string intro;
  };
  std::vector<Table> tables_;
  std::vector<Section> sections_;
};

// Markdown links `[text](target)` replaced by their text.
std::string flatten_links(std::string_view md);

// The words a table cell names: each backticked span's leading word
// (`print: TEMPLATE` -> print, `break` -> break).
std::vector<std::string> cell_words(std::string_view cell);

}  // namespace corun
