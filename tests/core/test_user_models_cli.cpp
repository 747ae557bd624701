// `latentlab-cli analyse` on a user's own PyTorch model, as a new user runs it: the MLP VAE of
// pytorch/examples exported with no wrapper gets class attributes and a GMM from Fashion-MNIST,
// stored beside the .pt without a byte of it changing; every later verb finds them, and the bound
// data set, by itself.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>

#include "core/io/atomic_file.h"
#include "core/io/sha256.h"
#include "core/model/model_file.h"
#include "tests/core/temp_dir.h"
#include "tests/core/torchscript_fixtures.h"

#ifdef LATENTLAB_CLI
#include "core/data/dataset.h"
#include "tests/cli/cli_run.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kImages = 2000;

bool has_line(const std::vector<std::string>& lines, const std::string& words) {
  for (const auto& l : lines)
    if (l.find(words) != std::string::npos) return true;
  return false;
}

// The mean latent of class c minus that of the other classes, over the first kImages test images:
// the attribute vector by its definition, computed here without the fitting code.
torch::Tensor class_mean_difference(Model& model, int64_t c) {
  DatasetOptions o;
  o.image_shape = model.image_shape();
  o.limit = kImages;
  const auto data = open_dataset("fashion-mnist:test", o);
  const auto mu = model.encode(load_all_images(*data)).mean;
  const auto in_class = load_all_labels(*data) == c;
  return mu.index({in_class}).mean(0) - mu.index({~in_class}).mean(0);
}

class UserModelCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(LATENTLAB_CLI)) GTEST_SKIP() << LATENTLAB_CLI << " is not built";
    setenv("XDG_DATA_HOME", dir_.file("data-home").c_str(), 1);
    setenv("LATENTLAB_CACHE_DIR", dir_.file("cache").c_str(), 1);
    fs::create_directories(dir_.file("work"));
    model_ = dir_.file("work/mlp_vae.pt");
    fs::copy_file(fixture("mlp_vae.pt"), model_);
  }
  void TearDown() override {
    unsetenv("XDG_DATA_HOME");
    unsetenv("LATENTLAB_CACHE_DIR");
  }
  test::CliResult cli(const std::string& args) { return test::run_cli(args, dir_.path()); }

  TempDir dir_;
  std::string model_;
};

}  // namespace

TEST_F(UserModelCli, AnalyseStoresAttributesAndAGmmBesideThePt) {
  const std::string before = read_file(model_);
  const auto r = cli("analyse " + test::quote(model_) + " --data fashion-mnist:test --limit " +
                     std::to_string(kImages) + " --bic 1..3 --device cpu");
  ASSERT_EQ(r.code, 0) << (r.err_lines.empty() ? "" : r.err_lines.back());
  EXPECT_NE(r.out.find("Trouser"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<- lowest BIC"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stored 10 attribute vectors, a GMM of "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" in " + model_ + ".latentlab"), std::string::npos) << r.out;
  EXPECT_TRUE(has_line(r.err_lines, "one per class, against the rest"));
  EXPECT_EQ(read_file(model_), before) << "the model file was changed";
  EXPECT_EQ(sha256_file(model_), sha256_hex(before));

  // Reopened, the model has them; the attribute is the class mean difference.
  const auto loaded = load_model(model_);
  EXPECT_EQ(loaded.analysis_path, model_ + ".latentlab");
  ASSERT_EQ(loaded.info.attributes.size(), 10u);
  ASSERT_TRUE(loaded.info.gmm);
  EXPECT_GE(loaded.info.gmm->components, 1);
  EXPECT_LE(loaded.info.gmm->components, 3);
  EXPECT_EQ(loaded.info.datasets, std::vector<std::string>{"fashion-mnist:test"});
  const auto& trouser = loaded.info.attributes.at("Trouser");
  EXPECT_TRUE(torch::allclose(torch::tensor(trouser.direction),
                              class_mean_difference(*loaded.model, 1), 1e-4, 1e-5));
  EXPECT_GT(*trouser.accuracy, 0.8) << "a trained VAE separates trousers from the rest";

  const auto info = cli("info --json " + test::quote(model_));
  ASSERT_EQ(info.code, 0);
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j.at("attributes").size(), 10u);
  EXPECT_EQ(j.at("analysis_store"), model_ + ".latentlab");
  EXPECT_EQ(j.at("adapted").size(), 2u);
}

TEST_F(UserModelCli, VerbsUseTheBoundDataSetWhenDataIsOmitted) {
  const auto bind = cli("bind " + test::quote(model_) + " fashion-mnist:test");
  ASSERT_EQ(bind.code, 0) << (bind.err_lines.empty() ? "" : bind.err_lines.back());
  const std::string csv = dir_.file("work/map.csv");
  const auto embed = cli("embed " + test::quote(model_) + " --limit 100 --out " + test::quote(csv));
  ASSERT_EQ(embed.code, 0) << (embed.err_lines.empty() ? "" : embed.err_lines.back());
  EXPECT_TRUE(has_line(embed.err_lines, "data set bound to the model: fashion-mnist:test"));
  EXPECT_TRUE(fs::exists(csv));

  const auto none = cli("embed " + test::quote(fixture("conv_vae.pt")) + " --out " +
                        test::quote(dir_.file("x.csv")));
  EXPECT_EQ(none.code, 1);
  ASSERT_EQ(none.err_lines.size(), 1u);
  EXPECT_NE(none.err_lines[0].find("no data set is bound to"), std::string::npos);
}

TEST_F(UserModelCli, ACorruptStoreIsReportedAndKeptAside) {
  ASSERT_EQ(cli("bind " + test::quote(model_) + " fashion-mnist:test").code, 0);
  const std::string store = model_ + ".latentlab";
  std::string bytes = read_file(store);
  bytes.resize(bytes.size() / 2);
  write_file_atomically(store, bytes);

  const auto info = cli("info " + test::quote(model_));
  ASSERT_EQ(info.code, 0) << "the model still opens";
  EXPECT_NE(info.out.find("warning:       " + store + ": truncated"), std::string::npos)
      << info.out;

  const auto gmm = cli("gmm " + test::quote(model_) +
                       " --data fashion-mnist:test --limit 300 --components 2 --device cpu");
  ASSERT_EQ(gmm.code, 0) << (gmm.err_lines.empty() ? "" : gmm.err_lines.back());
  EXPECT_TRUE(has_line(gmm.err_lines, "latentlab-cli: warning: " + store + ": truncated"));
  EXPECT_TRUE(has_line(gmm.err_lines,
                       "note: the store that did not apply was renamed to " + store + ".bak"));
  EXPECT_EQ(read_file(store + ".bak"), bytes) << "the damaged store was not kept as it was";
  EXPECT_TRUE(load_model(model_).info.gmm);
}

#endif  // LATENTLAB_CLI
