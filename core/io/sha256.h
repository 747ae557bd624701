#pragma once
// SHA-256 (FIPS 180-4): the content hash that ties an analysis store to the exact bytes of its
// model file. CRC-32 finds accidental damage; the store needs a hash that no edit of the model can
// keep, so that a retrained or replaced file is never shown the old file's analysis. Written here
// because the LibTorch-only build has no crypto library.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace latentlab {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // The digest as 64 lowercase hex digits. The object cannot be updated afterwards.
  std::string hex_digest();

 private:
  void compress(const unsigned char* block);

  std::array<uint32_t, 8> state_;
  std::array<unsigned char, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes hashed so far
};

// The SHA-256 of bytes, as 64 hex digits.
std::string sha256_hex(std::string_view bytes);
// The SHA-256 of a file's bytes, read in chunks. Throws Error naming the path if it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace latentlab
