// CelebA attribute files (list_attr_celeba.txt): count line, names line, one row per image.
#include "core/readers/celeba_attributes.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latentlab;
  const std::string path = fuzz::write_input(data, size, ".txt");
  fuzz::expect_only_project_errors([&] { read_celeba_attributes(path); });
  return 0;
}
