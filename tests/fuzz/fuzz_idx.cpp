// IDX files, plain or gzipped: the header's magic and dimensions against the data that follows.
#include "core/readers/idx_reader.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latentlab;
  const std::string path = fuzz::write_input(data, size, ".idx");
  fuzz::expect_only_project_errors([&] { read_idx_images(path); });
  fuzz::expect_only_project_errors([&] { read_idx_labels(path); });
  return 0;
}
