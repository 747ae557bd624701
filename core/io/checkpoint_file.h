#pragma once
// Folder core/io/ (LibTorch only). Files and formats that are not images: the checkpoint container
// (this file), atomic writes, zip and CRC-32 checks of TorchScript archives, SHA-256 content
// hashes, JSON from untrusted files with nesting limits, latent files (.json/.npy), GUI session
// files and the per-user folders (user_dirs.h). Every writer here is atomic and every reader names
// the file in its errors.
//
// The container of a LatentLab checkpoint: one file, self-describing, checked on load.
//
//   bytes 0-7    magic "LLCKPT01"
//   bytes 8-15   header length H (uint64, little endian)
//   next H bytes header JSON: {"meta": {...}, "tensors": [{"name", "dtype", "shape", "offset",
//                "nbytes"}], "payload_bytes": P, "payload_crc32": CRC}
//   next P bytes tensor data, little endian, each tensor contiguous at its offset
//
// The reader checks every size and offset against the file before touching the data, so a
// truncated, corrupt or lying file is reported, never read out of bounds.
#include <torch/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace latentlab {

struct CheckpointFile {
  nlohmann::json meta = nlohmann::json::object();
  // Ordered so that the same content always gives the same bytes.
  std::map<std::string, torch::Tensor> tensors;
  // Tensors to store as float16 (they are float32 in memory): filled by parse_checkpoint, so a
  // file read and written back keeps its precision.
  std::set<std::string> float16;
};

// Serialises to bytes. Tensors are stored in their own dtype (float32, float16 or int64), those
// named in `float16` as float16.
std::string serialize_checkpoint(const CheckpointFile& file);
// Parses bytes; float16 tensors come back as float32. Throws CheckpointError whose message
// starts with `source` (the path) and says what is wrong.
CheckpointFile parse_checkpoint(const std::string& bytes, const std::string& source);

// Atomic write and checked read of a whole file.
void write_checkpoint_file(const std::string& path, const CheckpointFile& file);
CheckpointFile read_checkpoint_file(const std::string& path);

// True when the bytes start like a LatentLab checkpoint (as opposed to a TorchScript zip).
bool looks_like_checkpoint(const std::string& first_bytes);

}  // namespace latentlab
