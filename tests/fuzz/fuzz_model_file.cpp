// The whole load of a LatentLab checkpoint, from bytes: the container and every tensor it lists,
// the architecture built from the metadata under the allocation budget, the weights copied into
// it and the trial decode (load_model), then the training state (read_checkpoint_extras). Bytes
// that start like a zip take the TorchScript path's first step only, the CRC-32 check of every
// record (our zip parser); fuzz_script_model loads TorchScript files.
#include "core/io/zip_check.h"
#include "core/model/model_file.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latentlab;
  const std::string path = fuzz::write_input(data, size, ".llckpt");
  if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
    fuzz::expect_only_project_errors([&] { verify_zip_checksums(path); });
    return 0;
  }
  fuzz::expect_only_project_errors([&] { load_model(path, "cpu"); });
  fuzz::expect_only_project_errors([&] { read_checkpoint_extras(path); });
  return 0;
}
