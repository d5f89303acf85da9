// The floor's workloads by name (bench/floor/workloads.cpp): each runs one
// bench/workloads/*.yaml program by hand at the given sizes and prints its
// checksum line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/floor/loop.h"

namespace floorloop {

struct FloorWorkload {
  const char* name;  // the template's file stem, as bench/run names it
  Result (*run)(const std::map<std::string, int64_t>& sizes);
};

const std::vector<FloorWorkload>& floor_workloads();

}  // namespace floorloop
