#include "mutator.h"

#include <algorithm>
#include <cstring>

namespace latentlab::fuzz {
namespace {

// Values that tend to sit on the edges of size and count checks, as libFuzzer's dictionary of
// "interesting" integers: written little- or big-endian, 1, 2, 4 or 8 bytes wide.
constexpr uint64_t kInteresting[] = {0,
                                     1,
                                     0x7f,
                                     0x80,
                                     0xff,
                                     0x100,
                                     0x7fff,
                                     0x8000,
                                     0xffff,
                                     0x10000,
                                     0x7fffffff,
                                     0x80000000,
                                     0xffffffff,
                                     0x100000000,
                                     0x7fffffffffffffff,
                                     0xffffffffffffffff};

}  // namespace

std::string Mutator::mutate(std::string input, const std::string& other, size_t max_size) {
  const size_t rounds = 1 + below(4);
  for (size_t r = 0; r < rounds; ++r) apply_one(input, other, max_size);
  if (input.size() > max_size) input.resize(max_size);
  return input;
}

void Mutator::apply_one(std::string& data, const std::string& other, size_t max_size) {
  switch (below(8)) {
    case 0:  // flip one bit
      if (!data.empty()) data[below(data.size())] ^= char(1u << below(8));
      break;
    case 1:  // set one byte
      if (!data.empty()) data[below(data.size())] = char(below(256));
      break;
    case 2: {  // insert 1-16 random bytes
      const size_t count =
          std::min<size_t>(1 + below(16), max_size - std::min(max_size, data.size()));
      std::string bytes(count, '\0');
      for (auto& b : bytes) b = char(below(256));
      data.insert(below(data.size() + 1), bytes);
      break;
    }
    case 3:  // erase a run (truncation when it reaches the end)
      if (!data.empty()) {
        const size_t at = below(data.size());
        data.erase(at, 1 + below(data.size() - at));
      }
      break;
    case 4:  // copy a chunk of the input over another place of it
      if (data.size() > 1) {
        const size_t from = below(data.size()), to = below(data.size());
        const size_t count = 1 + below(std::min(data.size() - from, data.size() - to));
        data.replace(to, count, data.substr(from, count));
      }
      break;
    case 5: {  // an interesting integer at a random place
      const size_t width = size_t(1) << below(4);
      if (data.size() < width) break;
      uint64_t value = kInteresting[below(std::size(kInteresting))];
      if (below(2)) value = __builtin_bswap64(value) >> (64 - 8 * width);
      std::memcpy(&data[below(data.size() - width + 1)], &value, width);
      break;
    }
    case 6:  // splice: a prefix of this input and a suffix of the other
      if (!other.empty())
        data = data.substr(0, below(data.size() + 1)) + other.substr(below(other.size()));
      break;
    default:  // an ASCII digit changed: text formats (JSON, attribute lists) keep parsing further
      if (!data.empty()) {
        const size_t at = below(data.size());
        if (data[at] >= '0' && data[at] <= '9')
          data[at] = char('0' + below(10));
        else
          data[at] = "0123456789-.e"[below(13)];
      }
      break;
  }
}

}  // namespace latentlab::fuzz
