// Build-time tool: parses a YAML file once and writes a C++ source that
// embeds its tree packed (engine/load/yaml_doc.h, pack_yaml), so the binary loads
// it without running yaml-cpp's scanner at every start.
//
//   pack_yaml INPUT.yaml OUTPUT.cpp SYMBOL
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
  if (argc != 4) {
    std::cerr << "usage: pack_yaml INPUT.yaml OUTPUT.cpp SYMBOL\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) return fail(std::string("cannot read ") + argv[1]);
  std::stringstream text;
  text << in.rdbuf();
  std::string packed;
  try {
    corun::SourceFile file(argv[1], text.str());
    packed = corun::pack_yaml(corun::load_yaml(file));
  } catch (const corun::ScenarioError&) {
    return fail(std::string(argv[1]) + ": invalid YAML");
  }
  const std::string delim = "corun_packed";
  if (packed.find(")" + delim + "\"") != std::string::npos) return fail("the packed text contains the raw-string delimiter");
  std::ofstream out(argv[2], std::ios::binary);
  if (!out) return fail(std::string("cannot write ") + argv[2]);
  out << "// Generated from " << argv[1] << " by engine/tools/pack_yaml.cpp; do not edit.\n"
      << "#include <string_view>\nnamespace corun {\nextern const std::string_view " << argv[3] << ";\n"
      << "const std::string_view " << argv[3] << "(R\"" << delim << "(" << packed << ")" << delim << "\", "
      << packed.size() << ");\n}  // namespace corun\n";
  out.close();
  return out ? 0 : fail(std::string("writing ") + argv[2] + " failed");
}
