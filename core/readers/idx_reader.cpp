#include "core/readers/idx_reader.h"

#include <torch/torch.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace latentlab {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxDataBytes = uint64_t(1) << 36;  // 64 GiB: far above any IDX data set
constexpr uint64_t kMaxDeflateRatio = 1032;      // deflate never expands data by more than this
constexpr unsigned kGzipBufferBytes = 1u << 17;  // zlib's default 8 KiB buffer is slow
constexpr uint64_t kMaxReadChunk = uint64_t(1) << 30;  // gzread takes an unsigned int length

std::string hex32(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

uint32_t big_endian32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// Bytes of a plain or gzipped file. zlib reads plain files transparently, but the two need
// different size checks, so the source says which one it is.
class ByteSource {
 public:
  explicit ByteSource(const std::string& path) : path_(path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
      fail<DatasetError>(path, fs::exists(path, ec) ? "not a regular file" : "no such file");
    file_bytes_ = fs::file_size(path, ec);
    if (ec) fail<DatasetError>(path, "cannot be read: " + ec.message());
    unsigned char magic[2] = {0, 0};
    std::ifstream probe(path, std::ios::binary);
    if (!probe) fail<DatasetError>(path, std::string("cannot be opened: ") + std::strerror(errno));
    probe.read(reinterpret_cast<char*>(magic), 2);
    gzipped_ = probe.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    file_ = gzopen(path.c_str(), "rb");
    if (!file_) fail<DatasetError>(path, std::string("cannot be opened: ") + std::strerror(errno));
    gzbuffer(file_, kGzipBufferBytes);
  }
  ~ByteSource() { gzclose(file_); }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  bool gzipped() const { return gzipped_; }
  uint64_t file_bytes() const { return file_bytes_; }

  // Reads up to n bytes and returns how many were read: fewer only at the end of the data.
  // Throws for corrupt or truncated gzip data.
  uint64_t read(void* destination, uint64_t n) {
    uint64_t done = 0;
    while (done < n) {
      const auto chunk = unsigned(std::min(n - done, kMaxReadChunk));
      const int got = gzread(file_, static_cast<char*>(destination) + done, chunk);
      if (got < 0) throw_stream_error();
      done += uint64_t(got);
      if (unsigned(got) < chunk) break;
    }
    // zlib reports a gzip stream cut short only through gzerror after a short read.
    if (done < n) {
      int code = Z_OK;
      gzerror(file_, &code);
      if (code != Z_OK) throw_stream_error();
    }
    return done;
  }

 private:
  [[noreturn]] void throw_stream_error() {
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    std::string reason = code == Z_ERRNO ? std::strerror(errno) : message;
    if (reason.rfind(path_ + ": ", 0) == 0)
      reason = reason.substr(path_.size() + 2);  // zlib adds it
    if (!gzipped_) fail<DatasetError>(path_, "read error (" + reason + ")");
    fail<DatasetError>(path_, "corrupt or truncated gzip data (" + reason + ")");
  }

  std::string path_;
  gzFile file_ = nullptr;
  uint64_t file_bytes_ = 0;
  bool gzipped_ = false;
};

// "60000 images of 28x28", "60000 labels"
std::string describe(const std::vector<int64_t>& dims) {
  if (dims.size() == 1) return std::to_string(dims[0]) + " labels";
  std::string text = std::to_string(dims[0]) + " images of " + std::to_string(dims[1]);
  for (size_t i = 2; i < dims.size(); ++i) text += "x" + std::to_string(dims[i]);
  return text;
}

torch::Tensor read_idx(const std::string& path, uint32_t expected_magic) {
  const char* expected_kind = expected_magic == kIdxImagesMagic ? "images" : "labels";
  ByteSource source(path);
  unsigned char head[4];
  if (source.read(head, 4) < 4)
    fail<DatasetError>(
        path, "too short to be an IDX file (" + std::to_string(source.file_bytes()) + " bytes)");
  const uint32_t magic = big_endian32(head);
  if (magic != expected_magic) {
    const std::string expected =
        " (expected " + hex32(expected_magic) + " for " + expected_kind + ")";
    if (head[0] != 0 || head[1] != 0)
      fail<DatasetError>(path, "not an IDX file: bad magic " + hex32(magic) + expected);
    if (head[2] != 0x08)
      fail<DatasetError>(path, "IDX data type 0x" + hex32(head[2]).substr(8) +
                                   " is not supported, only unsigned bytes " + "(magic " +
                                   hex32(magic) + expected + ")");
    fail<DatasetError>(path, "holds " + std::to_string(head[3]) + "-dimensional IDX data (magic " +
                                 hex32(magic) + ") where " + expected_kind + " were expected" +
                                 expected);
  }
  const int ndims = head[3];
  std::vector<unsigned char> dim_bytes(size_t(4 * ndims));
  if (source.read(dim_bytes.data(), dim_bytes.size()) < dim_bytes.size())
    fail<DatasetError>(path, "truncated IDX header");
  std::vector<int64_t> dims;
  uint64_t count = 1;
  for (int i = 0; i < ndims; ++i) {
    const uint32_t dim = big_endian32(&dim_bytes[size_t(4 * i)]);
    if (dim == 0)
      fail<DatasetError>(path,
                         "the header declares an empty dimension (size 0) in " + hex32(magic));
    if (count > kMaxDataBytes / dim)
      fail<DatasetError>(path, "the header declares an absurd size (dimension " +
                                   std::to_string(i) + " is " + std::to_string(dim) +
                                   ", more than 64 GiB of data in all)");
    count *= dim;
    dims.push_back(int64_t(dim));
  }
  const std::string declared = describe(dims) + ", " + std::to_string(count) + " bytes";
  // Refuse sizes the file cannot hold before allocating anything.
  const uint64_t header_bytes = 4 + 4 * uint64_t(ndims);
  if (!source.gzipped()) {
    const uint64_t available = source.file_bytes() - header_bytes;
    if (available != count)
      fail<DatasetError>(path, std::string(available < count ? "truncated: " : "") +
                                   "the header declares " + declared + " but the file holds " +
                                   std::to_string(available) +
                                   " bytes of data: the counts disagree with the size");
  } else if (count / kMaxDeflateRatio > source.file_bytes()) {
    fail<DatasetError>(path, "the header declares " + declared + ", more than a " +
                                 std::to_string(source.file_bytes()) + "-byte gzip file can hold");
  }
  auto data = torch::empty(dims, torch::kUInt8);
  const uint64_t got = source.read(data.data_ptr(), count);
  if (got < count)
    fail<DatasetError>(path, "truncated: the header declares " + declared +
                                 " but the data hold only " + std::to_string(got) +
                                 " bytes: the counts disagree with the size");
  unsigned char extra = 0;
  if (source.read(&extra, 1) != 0)
    fail<DatasetError>(path, "the data are longer than the header declares (" + declared +
                                 "): the counts disagree with the size");
  return data;
}

// The whole of bytes as one gzip member.
std::string gzip_bytes(const std::string& bytes, const std::string& path) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer instead of a zlib one.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    throw WriteError(path + ": cannot start gzip compression");
  std::string out(deflateBound(&stream, uLong(bytes.size())) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = uInt(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = uInt(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const auto written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw WriteError(path + ": gzip compression failed");
  out.resize(written);
  return out;
}

}  // namespace

torch::Tensor read_idx_images(const std::string& path) { return read_idx(path, kIdxImagesMagic); }

torch::Tensor read_idx_labels(const std::string& path) { return read_idx(path, kIdxLabelsMagic); }

void write_idx(const std::string& path, const torch::Tensor& data, bool gzip) {
  if (data.scalar_type() != torch::kUInt8 || (data.dim() != 1 && data.dim() != 3))
    throw InputError("write_idx: expected a uint8 tensor [N] or [N, H, W], got " +
                     std::string(c10::toString(data.scalar_type())) + " of rank " +
                     std::to_string(data.dim()));
  if (uint64_t(data.numel()) > uint64_t(std::numeric_limits<uInt>::max()) - 64)
    throw InputError("write_idx: " + path + ": too much data for one IDX file");
  const auto contiguous = data.contiguous();
  std::string bytes;
  const uint32_t magic = data.dim() == 1 ? kIdxLabelsMagic : kIdxImagesMagic;
  auto put32 = [&bytes](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(char((v >> shift) & 0xFF));
  };
  put32(magic);
  for (int64_t dim : contiguous.sizes()) put32(uint32_t(dim));
  bytes.append(static_cast<const char*>(contiguous.data_ptr()), size_t(contiguous.numel()));
  write_file_atomically(path, gzip ? gzip_bytes(bytes, path) : bytes);
}

}  // namespace latentlab
