// corun_bench_floor: the hand-written C++20 floor of bench/run.
//
//   corun_bench_floor WORKLOAD NAME=VALUE...   e.g.  fanout N=100000
//
// runs the workload's hand-written version (bench/floor/workloads.cpp) at
// those sizes (the placeholders of its bench/workloads/*.yaml template) and
// prints the same checksum line as `corun run` and CPython. Exit status 2
// for bad arguments, 1 if the program itself raised.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/floor/workloads.h"

int main(int argc, char** argv) {
  using namespace floorloop;
  auto usage = [&] {
    std::fprintf(stderr, "usage: corun_bench_floor WORKLOAD NAME=VALUE...\nworkloads:");
    for (auto& w : floor_workloads()) std::fprintf(stderr, " %s", w.name);
    std::fprintf(stderr, "\n");
    return 2;
  };
  if (argc < 2) return usage();
  const FloorWorkload* w = nullptr;
  for (auto& c : floor_workloads())
    if (std::strcmp(c.name, argv[1]) == 0) w = &c;
  if (!w) return usage();
  std::map<std::string, int64_t> sizes;
  for (int i = 2; i < argc; ++i) {
    const char* eq = std::strchr(argv[i], '=');
    char* end = nullptr;
    long long v = eq ? std::strtoll(eq + 1, &end, 10) : 0;
    if (!eq || eq == argv[i] || *end != '\0' || end == eq + 1 || v < 0) {
      std::fprintf(stderr, "corun_bench_floor: bad size '%s' (want NAME=INTEGER)\n", argv[i]);
      return 2;
    }
    sizes[std::string(argv[i], size_t(eq - argv[i]))] = v;
  }
  Result r = w->run(sizes);
  std::fflush(stdout);
  if (!r.ok()) {
    std::fprintf(stderr, "corun_bench_floor: %s raised\n", w->name);
    return 1;
  }
  return 0;
}
