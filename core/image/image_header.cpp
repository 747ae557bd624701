#include "core/image/image_header.h"

#include <cctype>

#include "core/io/crc32.h"

namespace latentlab {
namespace {

constexpr size_t kPngChunkOverhead = 12;  // length, type, CRC-32
constexpr size_t kPngIhdrSize = 13;
constexpr uint64_t kPngMaxSide = 0x7FFFFFFF;  // the PNG specification's limit
constexpr size_t kJpegTailBytes = 4096;       // the end marker is looked for here (trailing junk)
constexpr size_t kBmpInfoHeader = 40;
constexpr size_t kBmpCoreHeader = 12;

uint64_t big_endian(std::string_view b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

int64_t little_endian_signed32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 4; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return int64_t(int32_t(v));
}

std::string too_large(uint64_t width, uint64_t height, int64_t max_pixels) {
  return std::to_string(width) + "x" + std::to_string(height) +
         " pixels is larger than the limit of " + std::to_string(max_pixels / 1000000) +
         " megapixels";
}

// width * height > max_pixels without overflow (sides below 2^32).
bool over_limit(uint64_t width, uint64_t height, int64_t max_pixels) {
  return width != 0 && height > uint64_t(max_pixels) / width;
}

std::string png_problem(std::string_view b, int64_t max_pixels) {
  size_t at = kPngSignature.size();
  bool first = true;
  bool has_data = false;
  while (true) {
    if (b.size() - at < kPngChunkOverhead) return "truncated PNG (it ends before its IEND chunk)";
    const uint64_t length = big_endian(b, at, 4);
    if (length > b.size() - at - kPngChunkOverhead)
      return "truncated PNG (a chunk runs past the end of the file)";
    const std::string_view type = b.substr(at + 4, 4);
    const std::string_view data = b.substr(at + 8, length);
    for (char c : type)
      if (!std::isalpha(static_cast<unsigned char>(c)))
        return "corrupt PNG (a damaged chunk header)";
    if (crc32(b.substr(at + 4, 4 + length)) != big_endian(b, at + 8 + length, 4))
      return "corrupt PNG (chunk '" + std::string(type) + "' fails its CRC-32 check)";
    if (first) {
      if (type != "IHDR" || length != kPngIhdrSize) return "corrupt PNG (no IHDR header first)";
      const uint64_t width = big_endian(data, 0, 4), height = big_endian(data, 4, 4);
      if (width == 0 || height == 0 || width > kPngMaxSide || height > kPngMaxSide)
        return "corrupt PNG (it declares " + std::to_string(width) + "x" + std::to_string(height) +
               " pixels)";
      if (over_limit(width, height, max_pixels)) return too_large(width, height, max_pixels);
      first = false;
    }
    if (type == "IDAT") has_data = true;
    if (type == "IEND") return has_data ? "" : "corrupt PNG (no image data before its IEND chunk)";
    at += kPngChunkOverhead + length;
  }
}

bool is_jpeg_frame(unsigned marker) {
  // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::string jpeg_problem(std::string_view b, int64_t max_pixels) {
  size_t at = 2;  // after SOI
  while (true) {
    if (at + 4 > b.size()) return "truncated JPEG (it ends inside its header)";
    if (static_cast<unsigned char>(b[at]) != 0xFF)
      return "corrupt JPEG (a header segment is damaged)";
    const unsigned marker = static_cast<unsigned char>(b[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      at += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA)
      return "corrupt JPEG (no frame header before its image data)";
    const uint64_t length = big_endian(b, at + 2, 2);
    if (length < 2 || at + 2 + length > b.size())
      return "truncated JPEG (it ends inside its header)";
    if (is_jpeg_frame(marker)) {
      if (length < 7) return "corrupt JPEG (a damaged frame header)";
      const uint64_t height = big_endian(b, at + 5, 2), width = big_endian(b, at + 7, 2);
      if (width == 0 || height == 0)
        return "corrupt JPEG (it declares " + std::to_string(width) + "x" + std::to_string(height) +
               " pixels)";
      if (over_limit(width, height, max_pixels)) return too_large(width, height, max_pixels);
      break;
    }
    at += 2 + length;
  }
  // libjpeg decodes a cut file to a half-grey image with only a warning on stderr.
  const size_t tail = b.size() > kJpegTailBytes ? b.size() - kJpegTailBytes : 0;
  if (b.find("\xFF\xD9", tail) == std::string_view::npos)
    return "truncated JPEG (no end-of-image marker)";
  return {};
}

std::string bmp_problem(std::string_view b, int64_t max_pixels) {
  if (b.size() < 26) return "truncated BMP (it ends inside its header)";
  const uint64_t header = uint64_t(little_endian_signed32(b, 14)) & 0xFFFFFFFF;
  int64_t width = 0, height = 0;
  if (header == kBmpCoreHeader) {
    width = static_cast<unsigned char>(b[18]) | (static_cast<unsigned char>(b[19]) << 8);
    height = static_cast<unsigned char>(b[20]) | (static_cast<unsigned char>(b[21]) << 8);
  } else if (header >= kBmpInfoHeader) {
    width = little_endian_signed32(b, 18);
    height = little_endian_signed32(b, 22);
    if (height < 0) height = -height;  // top-down rows
  } else {
    return {};  // an unusual header: left to the decoder
  }
  if (width <= 0 || height <= 0)
    return "corrupt BMP (it declares " + std::to_string(width) + "x" + std::to_string(height) +
           " pixels)";
  if (over_limit(uint64_t(width), uint64_t(height), max_pixels))
    return too_large(uint64_t(width), uint64_t(height), max_pixels);
  return {};
}

}  // namespace

std::string image_bytes_problem(std::string_view bytes, int64_t max_pixels) {
  if (bytes.substr(0, kPngSignature.size()) == kPngSignature) return png_problem(bytes, max_pixels);
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF")
    return jpeg_problem(bytes, max_pixels);
  if (bytes.size() >= 2 && bytes.substr(0, 2) == "BM") return bmp_problem(bytes, max_pixels);
  return {};
}

}  // namespace latentlab
