#pragma once
// SplitMix64's output function (Steele, Lea and Flood 2014): mixes a 64-bit value into an
// unrelated one, so that neighbouring seeds give unrelated random streams.
#include <cstdint>

namespace latentlab {

constexpr uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace latentlab
