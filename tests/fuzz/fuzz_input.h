#pragma once
// libFuzzer entry points for readers that take a path: the input is written to one file per
// process in /dev/shm (or TMPDIR), then read back by the reader under test. A reader may only
// throw latentlab::Error; anything else (another exception, a crash, a sanitizer report) is a
// finding.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/common/error.h"

namespace latentlab::fuzz {

// One path per process and extension (the corpus replay runs several targets in one process).
inline std::string input_path(const char* extension) {
  const char* dir = std::getenv("LATENTLAB_FUZZ_TMP");
  return std::string(dir ? dir : "/dev/shm") + "/latentlab-fuzz-" + std::to_string(::getpid()) +
         extension;
}

inline std::string write_input(const uint8_t* data, size_t size, const char* extension) {
  std::string path = input_path(extension);
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

// Runs the reader; the project's own errors are the expected way to refuse an input.
template <typename Reader>
void expect_only_project_errors(Reader&& reader) {
  try {
    reader();
  } catch (const Error&) {
  }
}

}  // namespace latentlab::fuzz
