// Latent files: JSON (an array or an array of arrays) and .npy, for a latent size taken from the
// first byte, so lengths that fit and lengths that do not are both reached.
#include "core/io/latent_io.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latentlab;
  if (size == 0) return 0;
  const int64_t dim = 1 + data[0] % 8;
  // The extension only matters for the npy-magic check; the format is told by the bytes.
  const std::string path = fuzz::write_input(data + 1, size - 1, ".json");
  fuzz::expect_only_project_errors([&] { read_latents(path, dim); });
  return 0;
}
