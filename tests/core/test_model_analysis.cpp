// Where a LatentLab checkpoint's analysis goes (core/model/model_analysis.h): into the checkpoint
// as always, with bound data sets relative to it; into the per-user store, named by the
// checkpoint's SHA-256, when its folder cannot be written; back into the checkpoint, and the
// per-user store removed, once it can. (TorchScript models and their stores beside them are tested
// with real PyTorch exports in test_user_models.cpp.)
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint_file.h"
#include "core/io/sha256.h"
#include "core/model/model_analysis.h"
#include "core/model/vae_model.h"
#include "tests/core/read_only_folder.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

class ModelAnalysisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Per-user stores go to a folder of the test's own.
    setenv("XDG_DATA_HOME", data_home_.path().c_str(), 1);
    torch::manual_seed(0);
    ConvVaeOptions o;
    o.latent_dim = 2;
    VaeModel model(o);
    fs::create_directories(dir_.file("models"));
    path_ = dir_.file("models/vae.llckpt");
    save_checkpoint(path_, model, ModelInfo{});
  }
  void TearDown() override { unsetenv("XDG_DATA_HOME"); }

  ModelInfo with_analysis(const LoadedModel& loaded) const {
    ModelInfo info = loaded.info;
    info.attributes["Smiling"] = {{0.5f, -1.0f}, "user", "selection", std::nullopt};
    bind_dataset(info, "folder:" + dir_.file("models/shoes"));
    bind_dataset(info, "fashion-mnist:test");
    return info;
  }

  TempDir dir_, data_home_;
  std::string path_;
};

}  // namespace

TEST_F(ModelAnalysisTest, CheckpointKeepsItsOwnAnalysisWithRelativeDataSets) {
  auto loaded = load_model(path_);
  EXPECT_TRUE(loaded.analysis_path.empty());
  EXPECT_TRUE(loaded.sha256.empty()) << "no store anywhere: the file needs no hash";
  const auto saved = save_analysis(loaded, with_analysis(loaded));
  EXPECT_EQ(saved.path, path_);
  EXPECT_TRUE(saved.notes.empty());
  EXPECT_FALSE(fs::exists(store_path_beside(path_)));
  const auto stored = read_checkpoint_file(path_).meta.at("model").at("datasets");
  EXPECT_EQ(stored, nlohmann::json({"fashion-mnist:test", "folder:shoes"}));
  // `loaded` now describes the rewritten checkpoint: storing again needs no reopening.
  ModelInfo more = loaded.info;
  more.attributes["Second"] = {{1.0f, 1.0f}, "user", "selection", std::nullopt};
  EXPECT_EQ(save_analysis(loaded, more).path, path_);

  // Moved with its data, the checkpoint still finds it.
  fs::rename(dir_.file("models"), dir_.file("moved"));
  auto again = load_model(dir_.file("moved/vae.llckpt"));
  EXPECT_EQ(again.info.datasets,
            (std::vector<std::string>{"fashion-mnist:test", "folder:" + dir_.file("moved/shoes")}));
  EXPECT_EQ(again.info.attributes.at("Smiling").direction, (std::vector<float>{0.5f, -1.0f}));
  EXPECT_EQ(again.info.attributes.count("Second"), 1u);
}

TEST_F(ModelAnalysisTest, ReadOnlyFolderFallsBackToThePerUserStore) {
  const std::string bytes = read_file(path_);
  SavedAnalysis saved;
  {
    ReadOnlyFolder read_only(dir_.file("models"));
    if (!read_only.active()) GTEST_SKIP() << "cannot make a folder read-only here";
    auto loaded = load_model(path_);
    saved = save_analysis(loaded, with_analysis(loaded));
    EXPECT_EQ(saved.path, store_path_for_user(sha256_hex(bytes)));
    EXPECT_EQ(fs::path(saved.path).parent_path(),
              fs::path(data_home_.path()) / "latentlab/analysis");
    ASSERT_FALSE(saved.notes.empty());
    EXPECT_NE(saved.notes[0].find("cannot be written"), std::string::npos) << saved.notes[0];
    EXPECT_NE(saved.notes[0].find(saved.path), std::string::npos) << saved.notes[0];

    auto reopened = load_model(path_);
    EXPECT_EQ(reopened.analysis_path, saved.path);
    EXPECT_EQ(reopened.info.attributes.count("Smiling"), 1u);
    EXPECT_EQ(reopened.info.datasets.front(), "fashion-mnist:test");
  }
  EXPECT_EQ(read_file(path_), bytes) << "the checkpoint was changed";

  // Writable again: the next save goes into the checkpoint, which then holds everything, and
  // the per-user copy is removed so that the two never disagree.
  auto loaded = load_model(path_);
  ModelInfo info = loaded.info;
  info.attributes["Second"] = {{1.0f, 1.0f}, "user", "selection", std::nullopt};
  const auto back = save_analysis(loaded, info);
  EXPECT_EQ(back.path, path_);
  EXPECT_FALSE(fs::exists(saved.path));
  auto final_info = load_model(path_).info;
  EXPECT_EQ(final_info.attributes.size(), 2u);
  EXPECT_EQ(final_info.datasets.size(), 2u);
}

TEST_F(ModelAnalysisTest, NothingIsStoredForAFileChangedSinceItWasOpened) {
  auto loaded = load_model(path_);
  std::string bytes = read_file(path_);
  write_file_atomically(path_, bytes + "x");
  try {
    save_analysis(loaded, with_analysis(loaded));
    ADD_FAILURE() << "stored analysis for other bytes";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(path_ + ": changed on disk"), std::string::npos)
        << e.what();
  }
}

TEST_F(ModelAnalysisTest, BindingMovesASpecToTheFront) {
  ModelInfo info;
  bind_dataset(info, "a:1");
  bind_dataset(info, "b:2");
  bind_dataset(info, "a:1");
  EXPECT_EQ(info.datasets, (std::vector<std::string>{"a:1", "b:2"}));
  for (int i = 0; i < 100; ++i) bind_dataset(info, "folder:/" + std::to_string(i));
  EXPECT_EQ(info.datasets.size(), kMaxDatasets);
  EXPECT_EQ(info.datasets.front(), "folder:/99");
}
