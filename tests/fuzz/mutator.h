#pragma once
// Random mutations of fuzz inputs for `fuzz_replay --mutate`: the byte-level operators libFuzzer
// starts from (flip a bit, set a byte, insert, erase, copy a chunk, write an "interesting" value,
// splice with another input), stacked 1-4 deep, without libFuzzer's coverage feedback. It gives
// CI a bounded, seeded fuzz run in the sanitizer build that CI builds anyway (libFuzzer needs a
// clang build of core of its own, scripts/fuzz.sh).
#include <cstdint>
#include <random>
#include <string>

namespace latentlab::fuzz {

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  // input changed by 1-4 random operators; other is spliced from; the result is at most max_size
  // bytes.
  std::string mutate(std::string input, const std::string& other, size_t max_size);

 private:
  size_t below(size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }
  void apply_one(std::string& data, const std::string& other, size_t max_size);

  std::mt19937_64 rng_;
};

}  // namespace latentlab::fuzz
