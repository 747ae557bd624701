// The checkpoint container (magic, header JSON, tensor table, payload CRC) and the model metadata
// inside it, from bytes: parse_checkpoint, then model_info_from_json on what it accepted.
#include <string>

#include "core/io/checkpoint_file.h"
#include "core/model/model_info.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latentlab;
  fuzz::expect_only_project_errors([&] {
    const auto file =
        parse_checkpoint(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    if (file.meta.is_object() && file.meta.contains("model"))
      model_info_from_json(file.meta["model"]);
  });
  return 0;
}
