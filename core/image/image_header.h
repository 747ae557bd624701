#pragma once
// A look at an image file's structure before a decoder sees it. libpng and libjpeg print their
// own complaints on stderr when OpenCV hands them a damaged file, and OpenCV allocates whatever
// size a header declares; checking here gives one clear message instead, and refuses a
// decompression bomb before anything is allocated.
#include <cstdint>
#include <string>
#include <string_view>

namespace latentlab {

// The eight bytes every PNG file starts with.
inline constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);

// What is wrong with the bytes of a PNG (every chunk inside the file and matching its CRC-32,
// IHDR first, IEND reached), JPEG (a frame header before the scan, an end-of-image marker) or
// BMP (the header's size), or a declared size over max_pixels. "" when nothing is wrong or the
// format is another one (left to the decoder). LibTorch- and OpenCV-free, for the fuzz target.
std::string image_bytes_problem(std::string_view bytes, int64_t max_pixels);

}  // namespace latentlab
