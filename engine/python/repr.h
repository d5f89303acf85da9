// repr() helpers other files use (engine/python/repr.cpp); repr and str
// themselves are Interp::repr / Interp::str.
#pragma once

#include <string>

namespace corun {

// The address object.__repr__ shows for p: numbered in the order addresses
// are first printed ("0x7f0001000000", ...), so every run prints the same.
std::string fake_address(const void* p);

}  // namespace corun
