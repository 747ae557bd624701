#include "core/io/zip_check.h"

#include <caffe2/serialize/inline_container.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "core/io/crc32.h"

namespace latentlab {
namespace {

// Zip record signatures and fixed sizes (PKWARE APPNOTE 6.3, sections 4.3.7-4.3.16).
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndSize = 22;
constexpr uint16_t kStored = 0;
constexpr uint16_t kDeflated = 8;
// A 16- or 32-bit field holding its maximum means the value is in a zip64 record.
constexpr uint64_t kZip64Marker16 = 0xFFFF;
constexpr uint64_t kZip64Marker32 = 0xFFFFFFFF;
constexpr size_t kChunk = size_t(1) << 20;
constexpr uint64_t kNotStored = ~uint64_t{0};  // a record's data size when it is compressed

uint64_t little_endian(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | uint8_t(p[i]);
  return v;
}

class ZipFile {
 public:
  explicit ZipFile(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) fail<CheckpointError>(path, "cannot be opened");
    in_.seekg(0, std::ios::end);
    size_ = uint64_t(in_.tellg());
  }

  uint64_t size() const { return size_; }

  std::string read(uint64_t offset, uint64_t count, const std::string& what) {
    if (offset > size_ || count > size_ - offset)
      fail<CheckpointError>(
          path_, "zip archive is truncated (" + what + " lies past the end of the file)");
    std::string bytes(size_t(count), '\0');
    in_.seekg(std::streamoff(offset));
    in_.read(bytes.data(), std::streamsize(count));
    if (uint64_t(in_.gcount()) != count) fail<CheckpointError>(path_, "cannot read the " + what);
    return bytes;
  }

  // The caller has checked that [offset, offset + count) lies in the file.
  uint32_t crc_of(uint64_t offset, uint64_t count) {
    in_.seekg(std::streamoff(offset));
    std::vector<char> buffer(size_t(std::min<uint64_t>(count, kChunk)));
    uint32_t crc = 0;
    for (uint64_t left = count; left > 0;) {
      const auto n = size_t(std::min<uint64_t>(left, buffer.size()));
      in_.read(buffer.data(), std::streamsize(n));
      if (size_t(in_.gcount()) != n) fail<CheckpointError>(path_, "cannot read a zip record");
      crc = crc32(std::string_view(buffer.data(), n), crc);
      left -= n;
    }
    return crc;
  }

 private:
  std::string path_;
  std::ifstream in_;
  uint64_t size_ = 0;
};

struct Directory {
  uint64_t entries = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  bool zip64 = false;
};

Directory find_directory(ZipFile& zip, const std::string& path) {
  // The end record sits in the last 22 + 65535 (comment) bytes.
  const uint64_t tail_size = std::min<uint64_t>(zip.size(), kEndSize + 0xFFFF);
  const uint64_t tail_start = zip.size() - tail_size;
  const std::string tail = zip.read(tail_start, tail_size, "end of the archive");
  for (size_t i = tail.size() >= kEndSize ? tail.size() - kEndSize + 1 : 0; i-- > 0;) {
    if (little_endian(&tail[i], 4) != kEndOfCentralDirectory) continue;
    const char* end = &tail[i];
    Directory d{little_endian(end + 10, 2), little_endian(end + 16, 4), little_endian(end + 12, 4)};
    d.zip64 = d.entries == kZip64Marker16 || d.offset == kZip64Marker32 || d.size == kZip64Marker32;
    return d;
  }
  fail<CheckpointError>(path,
                        "not a complete zip archive (no end of central directory: truncated?)");
}

struct CompressedRecord {
  std::string name;
  uint32_t crc;
};

// LibTorch 1.13's PyTorchStreamReader leaks its zip state (about 1.5 KB) when its constructor
// throws (found by fuzz_model_file), so what that constructor requires is checked here first: a
// format version record ("version" or ".data/version", a number from 1 to 10 when stored
// uncompressed) in the first record's folder. Returns what is missing, "" when nothing is.
std::string pytorch_layout_problem(ZipFile& zip, const std::vector<std::string>& names,
                                   const std::vector<std::pair<uint64_t, uint64_t>>& stored_at) {
  if (names.empty()) return "the zip archive is empty";
  const auto slash = names.front().find('/');
  if (slash == std::string::npos) return "its first record is not in a folder";
  const std::string folder = names.front().substr(0, slash + 1);
  for (const char* record : {"version", ".data/version"}) {
    const auto at = std::find(names.begin(), names.end(), folder + record);
    if (at == names.end()) continue;
    const auto [offset, size] = stored_at[size_t(at - names.begin())];
    if (size == kNotStored) return "";  // deflated: LibTorch reads it
    const std::string text = zip.read(offset, std::min<uint64_t>(size, 16), "format version");
    const auto digits = text.find_first_not_of(" \t\r\n");
    const bool number = digits != std::string::npos && text[digits] >= '0' && text[digits] <= '9';
    const uint64_t version = number ? std::strtoull(text.c_str() + digits, nullptr, 10) : 0;
    return version >= 1 && version <= 10 ? "" : "its format version is not a number from 1 to 10";
  }
  return "no format version record";
}

// torch.jit.save deflates the code and pickle records. Inflating is left to LibTorch's own zip
// reader (its bundled miniz does not check the CRC-32 either); the CRC is computed here.
void verify_compressed(const std::string& path, const std::vector<CompressedRecord>& records) {
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
  try {
    reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
  } catch (const std::exception&) {
    return;  // not an archive LibTorch reads (its own stoull may throw): torch::jit::load says so
  }
  for (const auto& record : records) {
    // The reader names records inside the archive's single top-level folder.
    const std::string name = record.name.substr(record.name.find('/') + 1);
    try {
      const auto [data, size] = reader->getRecord(name);
      if (crc32(std::string_view(static_cast<const char*>(data.get()), size)) != record.crc)
        fail<CheckpointError>(path,
                              "zip record '" + record.name + "' is corrupt (CRC-32 mismatch)");
    } catch (const c10::Error& e) {
      fail<CheckpointError>(
          path, "zip record '" + record.name + "' is corrupt (" + e.what_without_backtrace() + ")");
    }
  }
}

}  // namespace

void verify_zip_checksums(const std::string& path) {
  ZipFile zip(path);
  const Directory dir = find_directory(zip, path);
  // Zip64 (archives over 4 GiB or 65535 records) is left unchecked: no model LatentLab can draw
  // interactively comes near that, and the path would go untested.
  if (dir.zip64) return;
  const std::string central = zip.read(dir.offset, dir.size, "zip central directory");
  std::vector<CompressedRecord> deflated;
  std::vector<std::string> names;
  std::vector<std::pair<uint64_t, uint64_t>> stored_at;  // data offset and size, or kNotStored
  size_t pos = 0;
  for (uint64_t e = 0; e < dir.entries; ++e) {
    if (pos + kCentralHeaderSize > central.size() ||
        little_endian(&central[pos], 4) != kCentralHeader)
      fail<CheckpointError>(path, "zip central directory is corrupt");
    const char* h = &central[pos];
    const auto method = uint16_t(little_endian(h + 10, 2));
    const auto crc = uint32_t(little_endian(h + 16, 4));
    const uint64_t compressed = little_endian(h + 20, 4);
    const uint64_t uncompressed = little_endian(h + 24, 4);
    const size_t name_length = size_t(little_endian(h + 28, 2));
    const size_t extra_length = size_t(little_endian(h + 30, 2));
    const size_t comment_length = size_t(little_endian(h + 32, 2));
    const uint64_t local = little_endian(h + 42, 4);
    if (pos + kCentralHeaderSize + name_length + extra_length + comment_length > central.size())
      fail<CheckpointError>(path, "zip central directory is corrupt");
    const std::string name(h + kCentralHeaderSize, name_length);
    if (compressed == kZip64Marker32 || uncompressed == kZip64Marker32 || local == kZip64Marker32)
      return;  // see zip64 above
    pos += kCentralHeaderSize + name_length + extra_length + comment_length;

    const std::string header = zip.read(local, kLocalHeaderSize, "local header of '" + name + "'");
    if (little_endian(header.data(), 4) != kLocalHeader)
      fail<CheckpointError>(path, "zip record '" + name + "' is corrupt (bad local header)");
    const uint64_t data = local + kLocalHeaderSize + little_endian(header.data() + 26, 2) +
                          little_endian(header.data() + 28, 2);
    if (data > zip.size() || compressed > zip.size() - data)
      fail<CheckpointError>(
          path, "zip archive is truncated (record '" + name + "' lies past the end of the file)");
    if (method == kStored && compressed == uncompressed && zip.crc_of(data, compressed) != crc)
      fail<CheckpointError>(path, "zip record '" + name + "' is corrupt (CRC-32 mismatch)");
    if (method == kDeflated) deflated.push_back({name, crc});
    names.push_back(name);
    stored_at.emplace_back(data, method == kStored ? compressed : kNotStored);
  }
  const std::string problem = pytorch_layout_problem(zip, names, stored_at);
  if (!problem.empty())
    fail<CheckpointError>(path, "cannot be read as a TorchScript module (not a PyTorch archive: " +
                                    problem + "); TorchScript files are written by torch.jit.save");
  verify_compressed(path, deflated);
}

}  // namespace latentlab
