#pragma once
#include <cstdint>
#include <string_view>

namespace latentlab {

// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), to detect corrupt checkpoint payloads without
// making the LibTorch-only build depend on zlib.
uint32_t crc32(std::string_view bytes, uint32_t crc = 0);

}  // namespace latentlab
