// libFuzzer target: any bytes as a scenario file, through corun's YAML
// loader alone (yaml-cpp's event parser, positions, anchors and aliases,
// the size and depth limits, UTF-8 checks) and the rendering of its
// diagnostics. At loader speed it reaches far more inputs than
// fuzz_scenario, which also compiles and runs each one.
//
// Built with -DCORUN_FUZZ=ON (clang); run with tests/fuzz/run_fuzzer --target fuzz_yaml.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/load/diagnostics.h"
#include "engine/load/yaml_doc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  corun::SourceFile source("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  try {
    corun::YNode root = corun::load_yaml(source);
    (void)root;
  } catch (const corun::ScenarioError& e) {
    for (auto& d : e.diagnostics) (void)source.render(d);
  }
  return 0;
}
