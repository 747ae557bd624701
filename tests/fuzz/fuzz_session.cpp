// GUI session files: every field of the session JSON, then the fit check against a latent size.
#include "core/io/session.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latentlab;
  const std::string path = fuzz::write_input(data, size, ".json");
  fuzz::expect_only_project_errors([&] { check_session_fits(read_session(path), 3); });
  return 0;
}
