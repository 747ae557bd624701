#pragma once
// Folder core/analysis/ (LibTorch only). Analysis of latent spaces with tensors: encoding a data
// set with its on-disk cache (this file), linear projections, nearest neighbours, interpolation
// (lerp/slerp), GAN inversion, sampling from the prior, summary statistics, Gaussian mixtures
// (gmm.h: k-means starts and batched EM, gmm_em.h), attribute axes (attribute_axes.h) and the
// non-linear maps: UMAP (umap.h), t-SNE (tsne.h) and their neighbour graphs (knn.h).
//
// Encoding a whole data set for the scatter plot, attributes and GMM: posterior means, labels and
// attributes, computed in batches on the model's device and cached on disk.
//
// The cache file is keyed by the checkpoint's content (CRC-32 and size of its bytes), the data set
// spec and the data options. It is written atomically with a header that is verified on every
// read (key, sizes, CRC-32 of the payload): a stale, truncated or corrupt file is rebuilt, never
// trusted. Layout: "LLEMB001", uint64 header length, the header (JSON), then the payload in this
// machine's byte order: means float32 [N, D], labels int64 [N], attributes int8 [N, A].
#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/model/model.h"

namespace latentlab {

struct Embedding {
  torch::Tensor means;       // [N, D] float32 on the CPU: the posterior means
  torch::Tensor labels;      // [N] int64, -1 where unlabelled
  torch::Tensor attributes;  // [N, A] int8, +1 / -1 (A = attribute_names.size(), may be 0)
  std::vector<std::string> class_names;
  std::vector<std::string> attribute_names;
  bool from_cache = false;
  std::string cache_path;  // the cache file used or written ("" when not cached)
  std::string cache_note;  // why the cache was not used or not written ("" when all went well)
};

struct EmbedOptions {
  // Images per model call; 0: about 2 million input values per batch (2048 Fashion-MNIST images,
  // 162 faces of 3x64x64), large enough to keep the convolutions efficient, small enough for
  // memory.
  int64_t batch_size = 0;
  // Called after each batch with (images done, total); returning false cancels (throws Cancelled).
  std::function<bool(int64_t, int64_t)> progress;
};

// Encodes every image of data (no cache). Throws InputError for a model without an encoder (a
// GAN) or images of the wrong shape, Cancelled when progress says so.
Embedding encode_dataset(Model& model, const Dataset& data, const EmbedOptions& options = {});

// What the cached embedding depends on.
struct EmbeddingKey {
  std::string checkpoint_path;  // its bytes are hashed
  std::string data_spec;
  DatasetOptions data_options;
};

struct EmbeddingCache {
  bool enabled = true;
  std::string directory;  // "" -> default_embedding_cache_dir()
};

// Opens the data set only when the cache misses (the GUI may hand over one it already holds).
using DatasetOpener = std::function<std::shared_ptr<const Dataset>()>;

// The cached form of encode_dataset: reads the cache file when it is valid for key, else opens
// the data set, encodes it and writes the cache (a cache that cannot be written is reported in
// cache_note, not thrown).
Embedding embed_dataset(Model& model, const EmbeddingKey& key, const DatasetOpener& open,
                        const EmbedOptions& options = {}, const EmbeddingCache& cache = {});

// user_cache_dir(): $LATENTLAB_CACHE_DIR, else $XDG_CACHE_HOME/latentlab, else ~/.cache/latentlab.
std::string default_embedding_cache_dir();
// The text identifying key (it reads and hashes the checkpoint file).
std::string embedding_cache_key(const EmbeddingKey& key);
// Where the cache file for key lives.
std::string embedding_cache_path(const EmbeddingKey& key, const EmbeddingCache& cache = {});

// Data options that give images the model accepts: its image shape and output range.
DatasetOptions dataset_options_for(const Model& model, int64_t limit = 0);

}  // namespace latentlab
