// The analysis store (core/model/analysis_store.h): SHA-256 against the FIPS 180-4 test vectors,
// the file format's round trip, and every way a store can be wrong: each refused with a
// CheckpointError that names the file and the problem.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "core/common/error.h"
#include "core/data/dataset_spec_paths.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint_file.h"
#include "core/io/sha256.h"
#include "core/model/analysis_store.h"
#include "tests/core/error_of.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kDim = 3;

AnalysisStore sample_store(const std::string& data_dir) {
  AnalysisStore s;
  s.model_file = "model.pt";
  s.model_sha256 = sha256_hex("model bytes");
  s.model_bytes = 11;
  AttributeVector smile{{0.1f, -2.5f, 3.0e-7f}, "mean-diff", "celeba:faces", 0.875};
  AttributeVector user{{1.0f, 0.0f, -1.0f}, "user", "latent map selection", std::nullopt};
  s.analysis.attributes = {{"Smiling", smile}, {"Mine / yours", user}};
  GaussianMixture g;
  g.covariance_type = "diag";
  g.components = 2;
  g.dim = kDim;
  g.weights = {0.25f, 0.75f};
  g.means = {0, 1, 2, 3, 4, 5};
  g.covariances.assign(2 * kDim * kDim, 0.0f);
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < kDim; ++i) g.covariances[size_t(k * kDim * kDim + i * kDim + i)] = 1.5f;
  s.analysis.gmm = g;
  s.analysis.datasets = {"folder:" + data_dir + "/shoes", "fashion-mnist:test",
                         "idx:/elsewhere/images.idx:/elsewhere/labels.idx"};
  return s;
}

// A store's container with its metadata or tensors edited.
std::string edited(const std::string& bytes, const std::function<void(CheckpointFile&)>& edit) {
  CheckpointFile file = parse_checkpoint(bytes, "edited");
  edit(file);
  return serialize_checkpoint(file);
}

}  // namespace

TEST(Sha256, MatchesTheFipsTestVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FileInChunksEqualsTheBytesInOnePiece) {
  TempDir dir;
  std::string bytes;
  for (int i = 0; i < 3'000'017; ++i) bytes.push_back(char((i * 2654435761u) >> 13));
  write_file_atomically(dir.file("big"), bytes);
  EXPECT_EQ(sha256_file(dir.file("big")), sha256_hex(bytes));
  Sha256 pieces;
  for (size_t at = 0; at < bytes.size(); at += 63)
    pieces.update(std::string_view(bytes).substr(at, 63));
  EXPECT_EQ(pieces.hex_digest(), sha256_hex(bytes));
  EXPECT_THROW(sha256_file(dir.file("missing")), Error);
  EXPECT_THROW(sha256_file(dir.path()), Error);
}

TEST(DatasetSpecPaths, RelativeInsideTheFolderAbsoluteOutside) {
  EXPECT_EQ(relative_dataset_spec("folder:/data/models/shoes", "/data/models"), "folder:shoes");
  EXPECT_EQ(relative_dataset_spec("celeba:/data/faces", "/data/models"), "celeba:/data/faces");
  EXPECT_EQ(relative_dataset_spec("fashion-mnist:test", "/data/models"), "fashion-mnist:test");
  EXPECT_EQ(relative_dataset_spec("faces:seed=1,count=20000", "/x"), "faces:seed=1,count=20000");
  EXPECT_EQ(resolve_dataset_spec("folder:shoes", "/data/models"), "folder:/data/models/shoes");
  EXPECT_EQ(resolve_dataset_spec("celeba:../faces", "/data/models"), "celeba:/data/faces");
  EXPECT_EQ(resolve_dataset_spec("celeba:/abs/faces", "/data/models"), "celeba:/abs/faces");
}

TEST(DatasetSpecPaths, IdxPairsSplitWhereTheImagesFileIs) {
  TempDir dir;
  fs::create_directories(dir.file("a:b"));
  write_file_atomically(dir.file("a:b/images.idx"), "x");
  // The first ':' is inside the folder name: the split is after the file that exists.
  EXPECT_EQ(resolve_dataset_spec("idx:a:b/images.idx:labels.idx", dir.path()),
            "idx:" + dir.file("a:b/images.idx") + ":" + dir.file("labels.idx"));
  EXPECT_EQ(relative_dataset_spec("idx:" + dir.file("a:b/images.idx"), dir.path()),
            "idx:a:b/images.idx");
}

TEST(AnalysisStore, RoundTripIsExact) {
  TempDir dir;
  const auto store = sample_store(dir.path());
  const std::string path = dir.file("model.pt.latentlab");
  write_analysis_store(path, store);
  const auto back = read_analysis_store(path, kDim);
  EXPECT_EQ(back.model_file, store.model_file);
  EXPECT_EQ(back.model_sha256, store.model_sha256);
  EXPECT_EQ(back.model_bytes, store.model_bytes);
  ASSERT_EQ(back.analysis.attributes.size(), 2u);
  for (const auto& [name, a] : store.analysis.attributes) {
    const auto& b = back.analysis.attributes.at(name);
    EXPECT_EQ(b.direction, a.direction) << name;  // float32 tensors: bit for bit
    EXPECT_EQ(b.method, a.method);
    EXPECT_EQ(b.source, a.source);
    EXPECT_EQ(b.accuracy, a.accuracy);
  }
  ASSERT_TRUE(back.analysis.gmm);
  EXPECT_EQ(back.analysis.gmm->covariance_type, "diag");
  EXPECT_EQ(back.analysis.gmm->weights, store.analysis.gmm->weights);
  EXPECT_EQ(back.analysis.gmm->means, store.analysis.gmm->means);
  EXPECT_EQ(back.analysis.gmm->covariances, store.analysis.gmm->covariances);
  EXPECT_EQ(back.analysis.datasets, store.analysis.datasets);
  // On disk the folder inside the store's folder is relative, so both can move together.
  const auto meta = read_checkpoint_file(path).meta;
  EXPECT_EQ(meta.at("datasets")[0], "folder:shoes");
  EXPECT_EQ(meta.at("format"), "latentlab-analysis");
}

TEST(AnalysisStore, AppliedAnalysisOverridesByNameAndBindsFirst) {
  ModelInfo info;
  info.latent_dim = kDim;
  info.attributes["Smiling"] = {{9, 9, 9}, "linear", "old", std::nullopt};
  info.attributes["Old"] = {{1, 1, 1}, "mean-diff", "old", std::nullopt};
  info.datasets = {"fashion-mnist:test", "celeba:/faces"};
  apply_analysis(info, sample_store("/d").analysis);
  EXPECT_EQ(info.attributes.at("Smiling").direction, (std::vector<float>{0.1f, -2.5f, 3.0e-7f}));
  EXPECT_EQ(info.attributes.count("Old"), 1u);
  EXPECT_EQ(info.attributes.size(), 3u);
  ASSERT_TRUE(info.gmm);
  EXPECT_EQ(info.datasets,
            (std::vector<std::string>{"folder:/d/shoes", "fashion-mnist:test",
                                      "idx:/elsewhere/images.idx:/elsewhere/labels.idx",
                                      "celeba:/faces"}));
}

TEST(AnalysisStore, DamagedFilesAreRefusedNamingTheFile) {
  TempDir dir;
  const std::string path = dir.file("m.pt.latentlab");
  const std::string good = serialize_analysis_store(sample_store(dir.path()), dir.path());
  const auto message = [&](const std::string& bytes) {
    write_file_atomically(path, bytes);
    return error_of<CheckpointError>([&] { read_analysis_store(path, kDim); });
  };
  const auto expect = [&](const std::string& bytes, const std::string& words) {
    const std::string m = message(bytes);
    EXPECT_EQ(m.rfind(path + ": ", 0), 0u) << m;
    EXPECT_NE(m.find(words), std::string::npos) << m;
  };
  expect("", "empty");
  expect(good.substr(0, good.size() / 2), "truncated");
  expect(good.substr(0, 20), "truncated");
  std::string flipped = good;
  flipped[flipped.size() - 5] ^= 0x40;
  expect(flipped, "checksum");
  expect("{\"format\": \"latentlab-analysis\"}", "wrong magic");
  expect(edited(good, [](CheckpointFile& f) { f.meta["format"] = "latentlab-checkpoint"; }),
         "not a LatentLab analysis store");
  expect(edited(good, [](CheckpointFile& f) { f.meta["version"] = 2; }), "newer LatentLab");
  expect(edited(good, [](CheckpointFile& f) { f.meta["model"]["sha256"] = "cafe"; }), "sha256");
  expect(edited(good, [](CheckpointFile& f) { f.meta.erase("model"); }), "bad metadata");
  // Lies: sizes that do not fit the model, data the header does not name, values that are not
  // numbers.
  write_file_atomically(path, good);
  const std::string wider = error_of<CheckpointError>([&] { read_analysis_store(path, kDim + 1); });
  EXPECT_NE(wider.find("tensor 'attribute/"), std::string::npos) << wider;
  EXPECT_NE(wider.find("expected [" + std::to_string(kDim + 1) + "] float32"), std::string::npos)
      << wider;
  expect(edited(good, [](CheckpointFile& f) { f.tensors["attribute/Smiling"] = torch::ones({5}); }),
         "tensor 'attribute/Smiling' has shape [5]");
  expect(edited(good, [](CheckpointFile& f) { f.tensors.erase("attribute/Smiling"); }),
         "'attribute/Smiling' is missing");
  expect(edited(good, [](CheckpointFile& f) { f.tensors["extra"] = torch::ones({1}); }),
         "tensor 'extra' is not named");
  expect(edited(good, [](CheckpointFile& f) { f.meta["gmm"]["components"] = 3; }), "gmm/weights");
  expect(edited(good, [](CheckpointFile& f) { f.meta["gmm"]["components"] = 100000; }),
         "out of range");
  expect(edited(good, [](CheckpointFile& f) { f.meta["gmm"]["covariance_type"] = "tied"; }),
         "tied");
  expect(edited(good,
                [](CheckpointFile& f) {
                  f.tensors["gmm/means"] = torch::full({2, kDim}, NAN);
                }),
         "NaN");
  expect(
      edited(good,
             [](CheckpointFile& f) { f.tensors["gmm/weights"] = torch::ones({2}, torch::kInt64); }),
      "float32");
  expect(edited(good, [](CheckpointFile& f) { f.meta["datasets"] = {""}; }), "empty");
  expect(edited(good, [](CheckpointFile& f) { f.meta["datasets"] = 7; }), "bad metadata");
}
