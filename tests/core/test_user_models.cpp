// Users' own PyTorch models, as tests/fixtures/user_models.py trains and exports them (no wrapper):
// the pytorch/examples MLP VAE is adapted (flat images in and out) and reproduces PyTorch, the
// variant with one [N, 2D] encoder head is split, a conv VAE works as it is; their analysis goes
// to a store beside them without a byte of the model changing, and every bad store leaves the
// model opening with a warning that names the store.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/sha256.h"
#include "core/model/analysis_store.h"
#include "core/model/model_analysis.h"
#include "core/model/model_file.h"
#include "tests/core/read_only_folder.h"
#include "tests/core/temp_dir.h"
#include "tests/core/torchscript_fixtures.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

class UserModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("XDG_DATA_HOME", data_home_.path().c_str(), 1);
    ASSERT_NO_THROW(fixture_index()) << "fixtures missing in " << fixture_dir();
  }
  void TearDown() override { unsetenv("XDG_DATA_HOME"); }

  // A copy of a fixture in a folder of the test's own.
  std::string copy(const std::string& name, const std::string& as = "") {
    const std::string target = dir_.file(as.empty() ? name : as);
    fs::copy_file(fixture(name), target, fs::copy_options::overwrite_existing);
    return target;
  }

  // Some analysis for a model of latent size d.
  static ModelInfo analysed(const LoadedModel& loaded) {
    ModelInfo info = loaded.info;
    const int64_t d = info.latent_dim;
    info.attributes["Trouser"] = {std::vector<float>(size_t(d), 0.5f), "mean-diff",
                                  "fashion-mnist:test", 0.9};
    GaussianMixture g;
    g.components = 1;
    g.dim = d;
    g.weights = {1.0f};
    g.means.assign(size_t(d), 0.0f);
    g.covariances.assign(size_t(d * d), 0.0f);
    for (int64_t i = 0; i < d; ++i) g.covariances[size_t(i * d + i)] = 1.0f;
    info.gmm = g;
    bind_dataset(info, "fashion-mnist:test");
    return info;
  }

  TempDir dir_, data_home_;
};

}  // namespace

TEST_F(UserModelTest, MlpVaeIsAdaptedAndReproducesPyTorch) {
  auto loaded = load_model(fixture("mlp_vae.pt"));
  EXPECT_EQ(loaded.info.latent_dim, 20);
  ASSERT_EQ(loaded.info.adapted.size(), 2u);
  EXPECT_EQ(loaded.info.adapted[0], "decode() returns [N, 784]: reshaped to [N, 1, 28, 28]");
  EXPECT_EQ(loaded.info.adapted[1], "encode() takes [N, 784]: images are flattened for it");
  auto& model = *loaded.model;
  expect_parity("mlp decode", model.decode(reference("mlp_z")), reference("mlp_decoded"));
  const auto p = model.encode(reference("mlp_x"));
  expect_parity("mlp encode mu", p.mean, reference("mlp_mu"));
  expect_parity("mlp encode logvar", p.logvar, reference("mlp_logvar"));
}

TEST_F(UserModelTest, JointEncoderHeadIsSplit) {
  auto loaded = load_model(fixture("mlp_vae_joint.pt"));
  ASSERT_EQ(loaded.info.adapted.size(), 3u);
  EXPECT_EQ(loaded.info.adapted[2],
            "encode() returns one tensor [N, 40]: split into mu and logvar");
  const auto p = loaded.model->encode(reference("mlp_x"));
  expect_parity("joint encode mu", p.mean, reference("mlp_mu"));
  expect_parity("joint encode logvar", p.logvar, reference("mlp_logvar"));
}

TEST_F(UserModelTest, ConvVaeFollowsTheContractAsItIs) {
  auto loaded = load_model(fixture("conv_vae.pt"));
  EXPECT_TRUE(loaded.info.adapted.empty());
  expect_parity("conv decode", loaded.model->decode(reference("conv_z")),
                reference("conv_decoded"));
  expect_parity("conv encode mu", loaded.model->encode(reference("mlp_x")).mean,
                reference("conv_mu"));
}

TEST_F(UserModelTest, FlatOutputOfTheWrongSizeIsNamed) {
  const std::string message = load_error(fixture("mlp_wrong_size.pt"));
  for (const char* words :
       {"decode() returned shape [2, 783]", "expected [2, 1, 28, 28] or [2, 784]"})
    EXPECT_NE(message.find(words), std::string::npos) << message;
}

TEST_F(UserModelTest, AnalysisIsStoredBesideWithoutChangingTheModel) {
  const std::string model = copy("mlp_vae.pt");
  const std::string before = sha256_file(model);
  auto loaded = load_model(model);
  const auto saved = save_analysis(loaded, analysed(loaded));
  EXPECT_EQ(saved.path, model + ".latentlab");
  EXPECT_TRUE(saved.notes.empty());
  EXPECT_EQ(sha256_file(model), before);

  auto reopened = load_model(model);
  EXPECT_EQ(reopened.analysis_path, saved.path);
  EXPECT_TRUE(reopened.warnings.empty());
  EXPECT_EQ(reopened.info.attributes.at("Trouser").accuracy, 0.9);
  ASSERT_TRUE(reopened.info.gmm);
  EXPECT_EQ(reopened.info.gmm->components, 1);
  EXPECT_EQ(reopened.info.datasets, std::vector<std::string>{"fashion-mnist:test"});
  EXPECT_EQ(read_analysis_store(saved.path, 20).model_sha256, before);
}

TEST_F(UserModelTest, BadStoresAreReportedNotAppliedAndNeverLost) {
  const std::string model = copy("conv_vae.pt");
  const std::string store = model + ".latentlab";
  auto first = load_model(model);
  save_analysis(first, analysed(first));
  const std::string good = read_file(store);

  const auto warning_for = [&](const std::string& bytes) {
    write_file_atomically(store, bytes);
    auto loaded = load_model(model);  // opens whatever the store holds
    EXPECT_TRUE(loaded.analysis_path.empty());
    EXPECT_EQ(loaded.info.attributes.count("Trouser"), 0u);
    EXPECT_EQ(loaded.warnings.size(), 1u);
    const std::string w = loaded.warnings.empty() ? "" : loaded.warnings[0];
    EXPECT_EQ(w.rfind(store + ": ", 0), 0u) << w;
    EXPECT_NE(w.find("not applied"), std::string::npos) << w;
    return w;
  };
  EXPECT_NE(warning_for("").find("empty"), std::string::npos);
  EXPECT_NE(warning_for(good.substr(0, good.size() - 9)).find("truncated"), std::string::npos);
  std::string corrupt = good;
  corrupt[corrupt.size() - 3] ^= 0x01;
  EXPECT_NE(warning_for(corrupt).find("checksum"), std::string::npos);

  // A store that belongs to another model (here the MLP's, moved beside the conv VAE).
  const std::string mlp = copy("mlp_vae.pt");
  auto mlp_loaded = load_model(mlp);
  save_analysis(mlp_loaded, analysed(mlp_loaded));
  const std::string other = read_file(mlp + ".latentlab");
  EXPECT_NE(warning_for(other).find("Trouser"), std::string::npos) << "latent 20 against 8";
  const std::string conv_store_for_other_bytes = [&] {
    AnalysisStore s = read_analysis_store(mlp + ".latentlab", 20);
    s.model_sha256 = sha256_hex("other bytes");
    s.analysis = analysis_of(analysed(first));
    return serialize_analysis_store(s, dir_.path());
  }();
  EXPECT_NE(warning_for(conv_store_for_other_bytes).find("made for other bytes"),
            std::string::npos);

  // Storing again sets the unapplied store aside, byte for byte, before writing the new one.
  auto loaded = load_model(model);
  const auto saved = save_analysis(loaded, analysed(loaded));
  EXPECT_EQ(saved.path, store);
  ASSERT_EQ(saved.notes.size(), 1u);
  EXPECT_NE(saved.notes[0].find(store + ".bak"), std::string::npos) << saved.notes[0];
  EXPECT_EQ(read_file(store + ".bak"), conv_store_for_other_bytes);
  EXPECT_EQ(load_model(model).analysis_path, store);
}

TEST_F(UserModelTest, ReadOnlyFolderStoresPerUserAndTheModelStillOpens) {
  const std::string model = copy("mlp_vae.pt");
  const std::string before = sha256_file(model);
  ReadOnlyFolder read_only(dir_.path());
  if (!read_only.active()) GTEST_SKIP() << "cannot make a folder read-only here";
  auto loaded = load_model(model);
  const auto saved = save_analysis(loaded, analysed(loaded));
  EXPECT_EQ(saved.path, store_path_for_user(before));
  ASSERT_EQ(saved.notes.size(), 1u);
  EXPECT_NE(saved.notes[0].find(model + ".latentlab"), std::string::npos) << saved.notes[0];
  EXPECT_NE(saved.notes[0].find(saved.path), std::string::npos) << saved.notes[0];
  EXPECT_FALSE(fs::exists(model + ".latentlab"));
  auto reopened = load_model(model);
  EXPECT_EQ(reopened.analysis_path, saved.path);
  EXPECT_EQ(reopened.info.attributes.count("Trouser"), 1u);
  EXPECT_EQ(sha256_file(model), before);
  // The per-user store records where the model was, for people looking at the folder.
  EXPECT_EQ(read_analysis_store(saved.path, 20).model_file, fs::absolute(model).string());
}
