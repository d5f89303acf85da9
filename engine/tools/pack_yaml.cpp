// Build-time tool: parses a YAML file once and writes a C++ source that
// embeds its tree packed (engine/load/yaml_doc.h, pack_yaml), so the binary loads
// it without running yaml-cpp's scanner at every start.
//
//   pack_yaml OUTPUT.cpp SYMBOL INPUT.yaml...
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/load/yaml_doc.h"

namespace {
int fail(const std::string& message) {
  std::cerr << "pack_yaml: " << message << "\n";
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: pack_yaml OUTPUT.cpp SYMBOL INPUT.yaml...\n"
                 "  Several inputs are one document: their top-level mappings are merged, each key's\n"
                 "  entries in file order (the asyncio prelude, one file per CPython module).\n";
    return 2;
  }
  corun::YNode merged;
  int lines_before = 0;
  for (int i = 3; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) return fail(std::string("cannot read ") + argv[i]);
    std::stringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    corun::YNode tree;
    try {
      corun::SourceFile file(argv[i], content);
      tree = corun::load_yaml(file);
    } catch (const corun::ScenarioError&) {
      return fail(std::string(argv[i]) + ": invalid YAML");
    }
    std::string error = corun::merge_yaml_part(merged, std::move(tree), lines_before);
    if (!error.empty()) return fail(std::string(argv[i]) + ": " + error);
    lines_before += int(std::count(content.begin(), content.end(), '\n'));
  }
  std::string packed = corun::pack_yaml(merged);
  const char* output = argv[1];
  const char* symbol = argv[2];
  const std::string delim = "corun_packed";
  if (packed.find(")" + delim + "\"") != std::string::npos) return fail("the packed text contains the raw-string delimiter");
  std::ofstream out(output, std::ios::binary);
  if (!out) return fail(std::string("cannot write ") + output);
  out << "// Generated from the asyncio prelude by engine/tools/pack_yaml.cpp; do not edit.\n"
      << "#include <string_view>\nnamespace corun {\nextern const std::string_view " << symbol << ";\n"
      << "const std::string_view " << symbol << "(R\"" << delim << "(" << packed << ")" << delim << "\", "
      << packed.size() << ");\n}  // namespace corun\n";
  out.close();
  return out ? 0 : fail(std::string("writing ") + output + " failed");
}
