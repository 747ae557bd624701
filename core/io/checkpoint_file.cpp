#include "core/io/checkpoint_file.h"

#include <torch/torch.h>

#include <cstring>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/crc32.h"
#include "core/io/untrusted_json.h"

namespace latentlab {
namespace {

constexpr char kCheckpointMagic[8] = {'L', 'L', 'C', 'K', 'P', 'T', '0', '1'};
constexpr size_t kPrefixBytes = 16;                 // magic + header length
constexpr uint64_t kMaxHeaderBytes = 256ull << 20;  // far above any real header
constexpr size_t kAlignment = 64;

struct DtypeInfo {
  const char* name;
  torch::ScalarType type;
  size_t size;
};
constexpr DtypeInfo kDtypes[] = {
    {"float32", torch::kFloat32, 4}, {"float16", torch::kFloat16, 2}, {"int64", torch::kInt64, 8}};

const DtypeInfo& dtype_of(torch::ScalarType type, const std::string& name) {
  for (const auto& d : kDtypes)
    if (d.type == type) return d;
  throw Error("cannot store tensor '" + name + "' of dtype " + std::string(c10::toString(type)));
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t get_u64(const std::string& in, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

// One field of entry `index` of the header's tensor table; a missing or mistyped field is
// reported by entry and key (a flipped bit in a key name gives "has no 'nbytes'").
template <typename T>
T tensor_field(const nlohmann::json& entry, const char* key, size_t index,
               const std::string& source) {
  const std::string which = "corrupt metadata: tensor " + std::to_string(index) + " of the header ";
  if (!entry.is_object() || !entry.contains(key))
    fail<CheckpointError>(source, which + "has no '" + key + "'");
  try {
    return entry.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    fail<CheckpointError>(source,
                          which + "has a malformed '" + key + "' (" + json_error_text(e) + ")");
  }
}

// Reads entry `index` of the header's tensor table, checking it against the payload size.
torch::Tensor read_tensor(const nlohmann::json& entry, size_t index, const char* payload,
                          uint64_t payload_bytes, const std::string& source) {
  const auto name = tensor_field<std::string>(entry, "name", index, source);
  const auto dtype = tensor_field<std::string>(entry, "dtype", index, source);
  const auto shape = tensor_field<std::vector<int64_t>>(entry, "shape", index, source);
  const auto offset = tensor_field<uint64_t>(entry, "offset", index, source);
  const auto nbytes = tensor_field<uint64_t>(entry, "nbytes", index, source);
  const DtypeInfo* info = nullptr;
  for (const auto& d : kDtypes)
    if (dtype == d.name) info = &d;
  if (!info)
    fail<CheckpointError>(source, "tensor '" + name + "' has unknown dtype '" + dtype + "'");
  uint64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || (dim > 0 && count > payload_bytes / uint64_t(dim)))
      fail<CheckpointError>(source, "tensor '" + name + "' declares an impossible shape");
    count *= uint64_t(dim);
  }
  if (count * info->size != nbytes)
    fail<CheckpointError>(source, "tensor '" + name + "' declares " + std::to_string(nbytes) +
                                      " bytes but its shape needs " +
                                      std::to_string(count * info->size));
  if (offset > payload_bytes || nbytes > payload_bytes - offset)
    fail<CheckpointError>(
        source, "tensor '" + name + "' lies outside the data (file truncated or corrupt)");
  auto tensor = torch::empty(shape, torch::TensorOptions().dtype(info->type));
  if (nbytes) std::memcpy(tensor.data_ptr(), payload + offset, nbytes);
  return info->type == torch::kFloat16 ? tensor.to(torch::kFloat32) : tensor;
}

}  // namespace

bool looks_like_checkpoint(const std::string& first_bytes) {
  return first_bytes.size() >= sizeof(kCheckpointMagic) &&
         std::memcmp(first_bytes.data(), kCheckpointMagic, sizeof(kCheckpointMagic)) == 0;
}

std::string serialize_checkpoint(const CheckpointFile& file) {
  std::string payload;
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& [name, t] : file.tensors) {
    auto cpu = t.detach().to(torch::kCPU).contiguous();
    if (file.float16.count(name) && cpu.scalar_type() == torch::kFloat32)
      cpu = cpu.to(torch::kHalf);
    const auto& info = dtype_of(cpu.scalar_type(), name);
    payload.resize((payload.size() + kAlignment - 1) / kAlignment * kAlignment, '\0');
    const size_t nbytes = size_t(cpu.numel()) * info.size;
    entries.push_back({{"name", name},
                       {"dtype", info.name},
                       {"shape", cpu.sizes().vec()},
                       {"offset", payload.size()},
                       {"nbytes", nbytes}});
    payload.append(static_cast<const char*>(cpu.data_ptr()), nbytes);
  }
  const nlohmann::json header = {{"meta", file.meta},
                                 {"tensors", entries},
                                 {"payload_bytes", payload.size()},
                                 {"payload_crc32", crc32(payload)}};
  const std::string header_text = header.dump();
  std::string out(kCheckpointMagic, sizeof(kCheckpointMagic));
  put_u64(out, header_text.size());
  out += header_text;
  out += payload;
  return out;
}

CheckpointFile parse_checkpoint(const std::string& bytes, const std::string& source) {
  if (bytes.empty()) fail<CheckpointError>(source, "the file is empty");
  if (bytes.size() < kPrefixBytes || !looks_like_checkpoint(bytes))
    fail<CheckpointError>(source, "not a LatentLab checkpoint (wrong magic bytes)");
  const uint64_t header_bytes = get_u64(bytes, sizeof(kCheckpointMagic));
  if (header_bytes > kMaxHeaderBytes || header_bytes > bytes.size() - kPrefixBytes)
    fail<CheckpointError>(source, "truncated or corrupt: the header declares " +
                                      std::to_string(header_bytes) + " bytes but the file has " +
                                      std::to_string(bytes.size()));
  nlohmann::json header;
  try {
    header = parse_untrusted_json(std::string_view(bytes).substr(kPrefixBytes, header_bytes));
  } catch (const nlohmann::json::exception& e) {
    fail<CheckpointError>(
        source, "corrupt metadata: the header is not valid JSON (" + json_error_text(e) + ")");
  }
  CheckpointFile file;
  try {
    const uint64_t payload_bytes = header.at("payload_bytes").get<uint64_t>();
    const uint64_t available = bytes.size() - kPrefixBytes - header_bytes;
    if (payload_bytes != available)
      fail<CheckpointError>(source, "truncated or corrupt: " + std::to_string(payload_bytes) +
                                        " bytes of tensor data declared, " +
                                        std::to_string(available) + " present");
    const std::string_view payload(bytes.data() + kPrefixBytes + header_bytes, payload_bytes);
    if (crc32(payload) != header.at("payload_crc32").get<uint32_t>())
      fail<CheckpointError>(source, "corrupt: the tensor data does not match its checksum");
    file.meta = header.at("meta");
    if (!file.meta.is_object())
      fail<CheckpointError>(source, "corrupt metadata: 'meta' is not an object");
    size_t index = 0;
    for (const auto& entry : header.at("tensors")) {
      auto tensor = read_tensor(entry, index++, payload.data(), payload_bytes, source);
      const auto name = entry.at("name").get<std::string>();
      if (!file.tensors.emplace(name, tensor).second)
        fail<CheckpointError>(source, "tensor '" + name + "' appears twice");
      if (entry.at("dtype") == "float16") file.float16.insert(name);
    }
  } catch (const nlohmann::json::exception& e) {
    fail<CheckpointError>(source, "corrupt metadata: " + json_error_text(e));
  }
  return file;
}

void write_checkpoint_file(const std::string& path, const CheckpointFile& file) {
  write_file_atomically(path, serialize_checkpoint(file));
}

CheckpointFile read_checkpoint_file(const std::string& path) {
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    throw CheckpointError(e.what());
  }
  return parse_checkpoint(bytes, path);
}

}  // namespace latentlab
