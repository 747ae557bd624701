// The structure check run on image bytes before OpenCV decodes them (PNG chunks, JPEG markers,
// BMP header): it must never read out of bounds or throw.
#include <string_view>

#include "core/image/image_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  latentlab::image_bytes_problem(std::string_view(reinterpret_cast<const char*>(data), size),
                                 /*max_pixels=*/100 * 1000 * 1000);
  return 0;
}
