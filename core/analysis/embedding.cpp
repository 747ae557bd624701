#include "core/analysis/embedding.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"
#include "core/data/batch_reader.h"
#include "core/data/batch_workers.h"
#include "core/io/atomic_file.h"
#include "core/io/crc32.h"
#include "core/io/user_dirs.h"

namespace latentlab {
namespace {

constexpr char kEmbeddingMagic[] = "LLEMB001";  // bump the number when the layout changes
constexpr size_t kEmbeddingMagicSize = 8;
constexpr int64_t kValuesPerBatch = 2'000'000;  // input values per model call by default

std::string hex(uint64_t value, int digits) {
  std::ostringstream out;
  out << std::hex;
  out.width(digits);
  out.fill('0');
  out << value;
  return out.str();
}

// FNV-1a, 64 bits: names the cache file after the key (the key itself is verified inside).
uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

template <typename T>
void append_values(std::string& out, const torch::Tensor& t) {
  const auto c = t.contiguous();
  out.append(reinterpret_cast<const char*>(c.data_ptr<T>()), c.numel() * sizeof(T));
}

std::string path_for(const std::string& key_text, const EmbeddingCache& cache) {
  const std::string dir = cache.directory.empty() ? default_embedding_cache_dir() : cache.directory;
  return (std::filesystem::path(dir) / ("embedding-" + hex(fnv1a(key_text), 16) + ".bin")).string();
}

// Reads a cache file; returns the embedding or throws Error saying why it cannot be trusted.
Embedding read_cache(const std::string& path, const std::string& key_text) {
  const std::string bytes = read_file(path);
  const auto bad = [&](const std::string& why) { return Error("cache " + path + ": " + why); };
  if (bytes.size() < kEmbeddingMagicSize + 8 ||
      bytes.compare(0, kEmbeddingMagicSize, kEmbeddingMagic) != 0)
    throw bad("not an embedding cache");
  uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data() + kEmbeddingMagicSize, 8);
  if (header_size > bytes.size() - kEmbeddingMagicSize - 8) throw bad("truncated header");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(kEmbeddingMagicSize + 8, header_size));
  } catch (const nlohmann::json::exception&) {
    throw bad("unreadable header");
  }
  Embedding e;
  int64_t n = 0, d = 0, a = 0;
  uint32_t crc = 0;
  try {
    if (header.at("key").get<std::string>() != key_text)
      throw bad("made for another checkpoint or data set");
    n = header.at("n").get<int64_t>();
    d = header.at("d").get<int64_t>();
    a = header.at("a").get<int64_t>();
    crc = header.at("crc32").get<uint32_t>();
    e.class_names = header.at("class_names").get<std::vector<std::string>>();
    e.attribute_names = header.at("attribute_names").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    throw bad("incomplete header");
  }
  if (n < 0 || d < 1 || a < 0 || static_cast<int64_t>(e.attribute_names.size()) != a)
    throw bad("bad sizes");
  const size_t offset = kEmbeddingMagicSize + 8 + header_size;
  const size_t payload = static_cast<size_t>(n) * (d * sizeof(float) + sizeof(int64_t) + a);
  if (bytes.size() - offset != payload) throw bad("payload has the wrong size (truncated?)");
  if (crc32(std::string_view(bytes).substr(offset)) != crc)
    throw bad("checksum mismatch (corrupt)");
  const char* p = bytes.data() + offset;
  e.means = torch::empty({n, d}, torch::kFloat32);
  std::memcpy(e.means.data_ptr<float>(), p, n * d * sizeof(float));
  p += n * d * sizeof(float);
  e.labels = torch::empty({n}, torch::kInt64);
  std::memcpy(e.labels.data_ptr<int64_t>(), p, n * sizeof(int64_t));
  p += n * sizeof(int64_t);
  e.attributes = torch::empty({n, a}, torch::kInt8);
  if (n * a > 0) std::memcpy(e.attributes.data_ptr<int8_t>(), p, n * a);
  e.from_cache = true;
  e.cache_path = path;
  return e;
}

void write_cache(const std::string& path, const std::string& key_text, const Embedding& e) {
  std::string payload;
  append_values<float>(payload, e.means);
  append_values<int64_t>(payload, e.labels);
  append_values<int8_t>(payload, e.attributes);
  const nlohmann::json header = {{"key", key_text},
                                 {"n", e.means.size(0)},
                                 {"d", e.means.size(1)},
                                 {"a", e.attributes.size(1)},
                                 {"crc32", crc32(payload)},
                                 {"class_names", e.class_names},
                                 {"attribute_names", e.attribute_names}};
  const std::string text = header.dump();
  const uint64_t header_size = text.size();
  std::string bytes(kEmbeddingMagic, kEmbeddingMagicSize);
  bytes.append(reinterpret_cast<const char*>(&header_size), 8);
  bytes += text;
  bytes += payload;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_file_atomically(path, bytes);
}

}  // namespace

Embedding encode_dataset(Model& model, const Dataset& data, const EmbedOptions& options) {
  if (!model.can_encode())
    throw InputError("encoding a data set needs a model with an encoder (a VAE); a GAN has none");
  const int64_t n = data.size(), d = model.latent_dim();
  const int64_t batch =
      options.batch_size > 0
          ? options.batch_size
          : std::clamp<int64_t>(kValuesPerBatch / model.image_shape().numel(), 16, 2048);
  Embedding e;
  e.class_names = data.class_names();
  e.attribute_names = data.attribute_names();
  const int64_t a = static_cast<int64_t>(e.attribute_names.size());
  e.means = torch::empty({n, d}, torch::kFloat32);
  e.labels = load_all_labels(data).to(torch::kInt64).contiguous();
  e.attributes = load_all_attributes(data).to(torch::kInt8).contiguous();
  if (e.labels.numel() != n || e.attributes.sizes() != torch::IntArrayRef{n, a})
    throw DatasetError(data.spec() + ": labels or attributes do not cover every image");
  if (model.device().is_cpu()) {
    // On the CPU each core reads and encodes batches of its own (core/data/batch_workers.h).
    BatchWorkOptions work;
    work.batch_size = batch;
    work.workers = torch::get_num_threads();
    work.progress = options.progress;
    for_each_batch(data, work, [&](int64_t begin, const torch::Tensor& images) {
      e.means.slice(0, begin, begin + images.size(0)).copy_(model.encode(images).mean);
    });
    return e;
  }
  // On a GPU the next batches are decoded on the reader's thread while the model encodes this one.
  BatchReader reader(data, batch);
  for (auto b = reader.next(); b.images.defined(); b = reader.next()) {
    const int64_t end = b.begin + b.images.size(0);
    e.means.slice(0, b.begin, end).copy_(model.encode(b.images).mean);
    if (options.progress && !options.progress(end, n)) throw Cancelled();
  }
  return e;
}

std::string default_embedding_cache_dir() { return user_cache_dir(); }

std::string embedding_cache_key(const EmbeddingKey& key) {
  const std::string bytes = read_file(key.checkpoint_path);
  const auto& o = key.data_options;
  nlohmann::json j = {{"checkpoint_crc32", crc32(bytes)},
                      {"checkpoint_bytes", bytes.size()},
                      {"data", key.data_spec},
                      {"range", {o.output_range.lo, o.output_range.hi}},
                      {"data_dir", o.data_dir},
                      {"limit", o.limit}};
  if (o.image_shape) j["shape"] = to_string(*o.image_shape);
  return j.dump();
}

std::string embedding_cache_path(const EmbeddingKey& key, const EmbeddingCache& cache) {
  return path_for(embedding_cache_key(key), cache);
}

Embedding embed_dataset(Model& model, const EmbeddingKey& key, const DatasetOpener& open,
                        const EmbedOptions& options, const EmbeddingCache& cache) {
  std::string key_text, path, note;
  if (cache.enabled) {
    key_text = embedding_cache_key(key);
    path = path_for(key_text, cache);
    if (std::filesystem::exists(path)) {
      try {
        auto e = read_cache(path, key_text);
        if (e.means.size(1) == model.latent_dim()) {
          if (options.progress && !options.progress(e.means.size(0), e.means.size(0)))
            throw Cancelled();
          return e;
        }
        note = "cache " + path + ": latent size differs from the model; rebuilt";
      } catch (const Cancelled&) {
        throw;
      } catch (const Error& err) {
        note = std::string(err.what()) + "; rebuilt";
      }
    }
  }
  const auto data = open();
  if (!data) throw InputError("embedding: no data set to encode");
  auto e = encode_dataset(model, *data, options);
  e.cache_note = note;
  if (cache.enabled) {
    try {
      write_cache(path, key_text, e);
      e.cache_path = path;
    } catch (const std::exception& err) {
      e.cache_note += (e.cache_note.empty() ? "" : "; ") + std::string("not cached: ") + err.what();
    }
  }
  return e;
}

DatasetOptions dataset_options_for(const Model& model, int64_t limit) {
  DatasetOptions o;
  o.image_shape = model.image_shape();
  o.output_range = model.output_range();
  o.limit = limit;
  return o;
}

}  // namespace latentlab
