// Encoding a data set in batches, and the on-disk cache: hits the second time, rebuilt when stale
// or corrupt, never trusted blindly.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/analysis/embedding.h"
#include "core/common/error.h"
#include "core/data/batch_reader.h"
#include "core/io/atomic_file.h"
#include "core/model/gan_model.h"
#include "core/model/model_file.h"
#include "core/model/vae_model.h"
#include "tests/core/temp_dir.h"
#include "tests/core/thread_count.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

// An in-memory labelled data set with two attributes.
class MemoryDataset : public Dataset {
 public:
  explicit MemoryDataset(int64_t n) : images_(torch::rand({n, 1, 28, 28})) {}
  std::string spec() const override { return "memory"; }
  int64_t size() const override { return images_.size(0); }
  ImageShape image_shape() const override { return {1, 28, 28}; }
  torch::Tensor image(int64_t i) const override { return images_[i]; }
  std::vector<std::string> class_names() const override { return {"even", "odd"}; }
  int64_t label(int64_t i) const override { return i % 2; }
  std::vector<std::string> attribute_names() const override { return {"Big", "Small"}; }
  std::vector<int8_t> attributes(int64_t i) const override {
    return {static_cast<int8_t>(i % 3 == 0 ? 1 : -1), static_cast<int8_t>(i < 5 ? 1 : -1)};
  }
  using Dataset::images;
  const torch::Tensor& images() const { return images_; }

 private:
  torch::Tensor images_;
};

// Counts the images decoded, can be slowed down and can fail on one image, to watch the reader.
class WatchedDataset : public MemoryDataset {
 public:
  WatchedDataset(int64_t n, int64_t broken = -1) : MemoryDataset(n), broken_(broken) {}
  torch::Tensor image(int64_t i) const override {
    if (i == broken_) throw DatasetError("memory #" + std::to_string(i) + ": broken");
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    ++decoded;
    return MemoryDataset::image(i);
  }
  int delay_us = 0;
  mutable std::atomic<int64_t> decoded{0};

 private:
  int64_t broken_;
};

// A conv VAE with batch norm whose running statistics are not the initial 0 / 1.
std::shared_ptr<VaeModel> batch_norm_vae() {
  torch::manual_seed(1);
  ConvVaeOptions o;
  o.latent_dim = 3;
  o.channels = {4, 8};
  o.batch_norm = true;
  auto model = std::make_shared<VaeModel>(o);
  torch::NoGradGuard no_grad;
  for (auto& b : model->network().named_buffers()) {
    if (b.key().find("running_mean") != std::string::npos) b.value().normal_(0.0, 0.3);
    if (b.key().find("running_var") != std::string::npos) b.value().uniform_(0.5, 2.0);
  }
  return model;
}

struct Fixture {
  TempDir dir;
  std::shared_ptr<VaeModel> model;
  std::shared_ptr<MemoryDataset> data;
  std::string checkpoint;
  int opened = 0;

  Fixture() {
    torch::manual_seed(0);
    ConvVaeOptions o;
    o.latent_dim = 3;
    model = std::make_shared<VaeModel>(o);
    data = std::make_shared<MemoryDataset>(23);
    checkpoint = dir.file("vae.ckpt");
    save_checkpoint(checkpoint, *model, ModelInfo{});
  }
  EmbeddingKey key() const { return {checkpoint, "memory", dataset_options_for(*model)}; }
  EmbeddingCache cache() const { return {true, dir.file("cache")}; }
  DatasetOpener opener() {
    return [this] {
      ++opened;
      return std::shared_ptr<const Dataset>(data);
    };
  }
  Embedding embed() {
    EmbedOptions o;
    o.batch_size = 5;
    return embed_dataset(*model, key(), opener(), o, cache());
  }
};

}  // namespace

TEST(Embedding, EncodesEveryImageInBatches) {
  Fixture f;
  std::vector<std::pair<int64_t, int64_t>> calls;
  EmbedOptions o;
  o.batch_size = 10;
  o.progress = [&](int64_t done, int64_t total) {
    calls.emplace_back(done, total);
    return true;
  };
  const auto e = encode_dataset(*f.model, *f.data, o);
  EXPECT_TRUE(torch::allclose(e.means, f.model->encode(f.data->images()).mean, 1e-5, 1e-6));
  EXPECT_TRUE(torch::equal(e.labels, torch::arange(23, torch::kInt64) % 2));
  EXPECT_EQ(e.attributes.sizes(), (torch::IntArrayRef{23, 2}));
  EXPECT_EQ(e.attributes[3][0].item<int8_t>(), 1);
  EXPECT_EQ(e.attributes[4][1].item<int8_t>(), 1);
  EXPECT_EQ(e.attributes[5][1].item<int8_t>(), -1);
  EXPECT_EQ(e.class_names, (std::vector<std::string>{"even", "odd"}));
  EXPECT_EQ(calls, (std::vector<std::pair<int64_t, int64_t>>{{10, 23}, {20, 23}, {23, 23}}));
  EXPECT_FALSE(e.from_cache);
}

TEST(Embedding, CancelsWhenProgressSaysSo) {
  Fixture f;
  EmbedOptions o;
  o.batch_size = 4;
  int batches = 0;
  o.progress = [&](int64_t, int64_t) { return ++batches < 2; };
  EXPECT_THROW(encode_dataset(*f.model, *f.data, o), Cancelled);
  EXPECT_EQ(batches, 2);
}

TEST(Embedding, SecondTimeComesFromTheCacheWithoutOpeningTheData) {
  Fixture f;
  const auto first = f.embed();
  EXPECT_FALSE(first.from_cache);
  EXPECT_EQ(f.opened, 1);
  EXPECT_TRUE(first.cache_note.empty()) << first.cache_note;
  ASSERT_TRUE(fs::exists(first.cache_path));
  EXPECT_EQ(fs::path(first.cache_path).parent_path(), fs::path(f.dir.file("cache")));
  const auto second = f.embed();
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(f.opened, 1);
  EXPECT_TRUE(torch::equal(first.means, second.means));
  EXPECT_TRUE(torch::equal(first.labels, second.labels));
  EXPECT_TRUE(torch::equal(first.attributes, second.attributes));
  EXPECT_EQ(second.attribute_names, first.attribute_names);
  EXPECT_EQ(second.class_names, first.class_names);
}

TEST(Embedding, CorruptOrTruncatedCacheIsRebuilt) {
  Fixture f;
  const auto first = f.embed();
  const auto path = first.cache_path;
  auto bytes = read_file(path);
  bytes[bytes.size() - 30] ^= 0x5A;  // inside the payload
  write_file_atomically(path, bytes);
  const auto rebuilt = f.embed();
  EXPECT_FALSE(rebuilt.from_cache);
  EXPECT_EQ(f.opened, 2);
  EXPECT_NE(rebuilt.cache_note.find("checksum"), std::string::npos) << rebuilt.cache_note;
  EXPECT_TRUE(torch::equal(rebuilt.means, first.means));
  EXPECT_TRUE(f.embed().from_cache);  // the rebuilt file is good again

  fs::resize_file(path, fs::file_size(path) - 7);
  const auto again = f.embed();
  EXPECT_FALSE(again.from_cache);
  EXPECT_NE(again.cache_note.find("size"), std::string::npos) << again.cache_note;
  write_file_atomically(path, "garbage");
  EXPECT_FALSE(f.embed().from_cache);
  EXPECT_EQ(f.opened, 4);
  EXPECT_TRUE(torch::equal(f.embed().means, first.means));
}

TEST(Embedding, KeyFollowsTheCheckpointBytesAndDataOptions) {
  Fixture f;
  const auto path = embedding_cache_path(f.key(), f.cache());
  auto key = f.key();
  key.data_options.limit = 10;
  EXPECT_NE(embedding_cache_path(key, f.cache()), path);
  key = f.key();
  key.data_spec = "memory:other";
  EXPECT_NE(embedding_cache_path(key, f.cache()), path);
  f.embed();
  // Retrain (other weights, same file name): the old cache must not be used.
  ConvVaeOptions o;
  o.latent_dim = 3;
  VaeModel other(o);
  save_checkpoint(f.checkpoint, other, ModelInfo{});
  EXPECT_NE(embedding_cache_path(f.key(), f.cache()), path);
  const auto e = embed_dataset(other, f.key(), f.opener(), {}, f.cache());
  EXPECT_FALSE(e.from_cache);
  EXPECT_TRUE(torch::allclose(e.means, other.encode(f.data->images()).mean, 1e-5, 1e-6));
}

TEST(Embedding, UnwritableCacheStillEncodes) {
  Fixture f;
  std::ofstream(f.dir.file("file")) << "x";
  EmbeddingCache cache{true, f.dir.file("file")};  // a file, not a folder
  const auto e = embed_dataset(*f.model, f.key(), f.opener(), {}, cache);
  EXPECT_EQ(e.means.size(0), 23);
  EXPECT_NE(e.cache_note.find("not cached"), std::string::npos) << e.cache_note;
  const auto off = embed_dataset(*f.model, f.key(), f.opener(), {}, EmbeddingCache{false, ""});
  EXPECT_FALSE(off.from_cache);
  EXPECT_TRUE(off.cache_path.empty());
}

TEST(Embedding, GanHasNoEncoder) {
  DcganOptions o;
  o.latent_dim = 4;
  o.generator_width = 4;
  o.discriminator_width = 4;
  GanModel gan(o);
  MemoryDataset data(2);
  EXPECT_THROW(encode_dataset(gan, data), InputError);
}

TEST(Embedding, DefaultCacheDirFollowsTheEnvironment) {
  setenv("LATENTLAB_CACHE_DIR", "/tmp/somewhere", 1);
  EXPECT_EQ(default_embedding_cache_dir(), "/tmp/somewhere");
  unsetenv("LATENTLAB_CACHE_DIR");
  setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(default_embedding_cache_dir(), "/tmp/xdg/latentlab");
  unsetenv("XDG_CACHE_HOME");
}

// --- reading while encoding (core/data/batch_workers.h on the CPU, batch_reader.h for a GPU) ---

TEST(EmbeddingPipeline, LatentsEqualTheSequentialLoopBitForBit) {
  const auto model = batch_norm_vae();
  WatchedDataset data(37);
  data.delay_us = 200;  // decoding slower than encoding
  EmbedOptions o;
  o.batch_size = 8;
  // What encode_dataset did before it had workers: each batch read, then encoded, in turn, here
  // with one intra-op thread as each worker has.
  std::vector<torch::Tensor> expected;
  {
    ThreadCount one(1);
    for (int64_t start = 0; start < data.size(); start += 8)
      expected.push_back(model->encode(data.images(start, std::min<int64_t>(37, start + 8))).mean);
  }
  for (int workers : {1, 3}) {
    ThreadCount scope(workers);  // encode_dataset's workers on the CPU
    const auto e = encode_dataset(*model, data, o);
    EXPECT_TRUE(torch::equal(e.means, torch::cat(expected))) << workers << " workers";
  }
}

// Waits (up to 10 s) until count stops below `until`; returns the count it settled at.
int64_t settled(const std::atomic<int64_t>& count, int64_t until) {
  for (int i = 0; i < 1000 && count.load() < until; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // would it go further?
  return count.load();
}

TEST(EmbeddingPipeline, ReadsAtMostTwoBatchesAhead) {
  WatchedDataset data(60);
  BatchReader reader(data, 5);
  EXPECT_EQ(settled(data.decoded, 10), 10);  // two batches wait; the reader waits too
  EXPECT_EQ(reader.next().begin, 0);
  EXPECT_EQ(settled(data.decoded, 15), 15);  // one taken: one more read
  EXPECT_EQ(reader.next().begin, 5);
  EXPECT_EQ(reader.next().begin, 10);
  EXPECT_EQ(settled(data.decoded, 25), 25);

  // encode_dataset's CPU workers read at most workers + 1 batches beyond what was reported.
  const auto model = batch_norm_vae();
  WatchedDataset more(60);
  EmbedOptions o;
  o.batch_size = 5;
  const int64_t window = torch::get_num_threads() + 1;
  o.progress = [&](int64_t done, int64_t) {
    EXPECT_LE(more.decoded.load(), done + window * 5);
    return true;
  };
  encode_dataset(*model, more, o);
  EXPECT_EQ(more.decoded.load(), 60);
}

TEST(EmbeddingPipeline, CancelStopsTheWorkers) {
  const auto model = batch_norm_vae();
  WatchedDataset data(200);
  EmbedOptions o;
  o.batch_size = 5;
  std::vector<int64_t> seen;
  o.progress = [&](int64_t done, int64_t) {
    seen.push_back(done);
    return done < 15;
  };
  EXPECT_THROW(encode_dataset(*model, data, o), Cancelled);
  EXPECT_EQ(seen, (std::vector<int64_t>{5, 10, 15}));
  // encode_dataset has returned: the workers are gone, having read at most a window more.
  const int64_t decoded = data.decoded.load();
  EXPECT_LE(decoded, 15 + (torch::get_num_threads() + 1) * 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(data.decoded.load(), decoded);
}

TEST(EmbeddingPipeline, UnreadableImageGivesTheSequentialPathsErrorAfterTheBatchesBeforeIt) {
  const auto model = batch_norm_vae();
  WatchedDataset data(40, /*broken=*/22);
  std::string sequential;  // the error reading that batch by itself gives
  try {
    data.images(20, 25);
  } catch (const DatasetError& e) {
    sequential = e.what();
  }
  EXPECT_EQ(sequential, "memory: 1 image(s) cannot be decoded: memory #22: broken");
  EmbedOptions o;
  o.batch_size = 5;
  std::vector<int64_t> seen;
  o.progress = [&](int64_t done, int64_t) {
    seen.push_back(done);
    return true;
  };
  try {
    encode_dataset(*model, data, o);
    ADD_FAILURE() << "no error";
  } catch (const DatasetError& e) {
    EXPECT_EQ(std::string(e.what()), sequential);
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{5, 10, 15, 20}));
}

TEST(EmbeddingPipeline, ReaderGivesEveryBatchInOrderThenNothing) {
  WatchedDataset data(11);
  BatchReader reader(data, 4, /*ahead=*/1);
  std::vector<int64_t> begins;
  for (auto b = reader.next(); b.images.defined(); b = reader.next()) {
    EXPECT_TRUE(torch::equal(b.images, data.images().narrow(0, b.begin, b.images.size(0))));
    begins.push_back(b.begin);
  }
  EXPECT_EQ(begins, (std::vector<int64_t>{0, 4, 8}));
  EXPECT_FALSE(reader.next().images.defined());
  EXPECT_THROW(BatchReader(data, 0), InputError);
}
