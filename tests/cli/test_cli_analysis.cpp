// latentlab-cli attributes, embed, gmm, sample --source gmm and encode on a GAN, end to end: the
// real binary on a tiny VAE and DCGAN and a few synthetic faces, outputs compared with what core
// computes for the same inputs.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <filesystem>
#include <sstream>

#include "core/analysis/attribute_axes.h"
#include "core/analysis/embedding.h"
#include "core/analysis/projection.h"
#include "core/analysis/tsne.h"
#include "core/analysis/umap.h"
#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/fitting/attributes.h"
#include "core/fitting/gmm.h"
#include "core/image/image_io.h"
#include "core/io/atomic_file.h"
#include "core/io/latent_io.h"
#include "core/model/device.h"
#include "core/model/gan_model.h"
#include "core/model/model_file.h"
#include "core/model/pixels.h"
#include "core/model/vae_model.h"
#include "tests/cli/cli_run.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kAnalysisDim = 4;
constexpr int64_t kFaces = 80;

using Result = test::CliResult;
using test::kPad;
using test::quote;

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(read_file(path));
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> cells;
    std::istringstream cols(line);
    for (std::string cell; std::getline(cols, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// DCGAN's N(0, 0.02) initial weights make nearly constant images; He initialisation makes the
// images depend on z, so matching one means something.
void spread_weights(GanModel& gan) {
  torch::NoGradGuard no_grad;
  for (auto& p : gan.net()->generator->named_parameters())
    if (p.value().dim() == 4) torch::nn::init::kaiming_normal_(p.value());
}

class CliAnalysisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    configure_threads();  // as the CLI does, so batch results agree bit for bit
    dir_ = new TempDir;
    torch::manual_seed(0);
    ConvVaeOptions o;
    o.image_shape = {3, 16, 16};
    o.channels = {4, 8};
    o.latent_dim = kAnalysisDim;
    VaeModel vae(o);
    save_checkpoint(file("vae.llckpt"), vae, ModelInfo{});
    DcganOptions g;
    g.latent_dim = kAnalysisDim;
    g.generator_width = 8;
    g.discriminator_width = 4;
    GanModel gan(g);
    spread_weights(gan);
    save_checkpoint(file("gan.llckpt"), gan, ModelInfo{});
    ASSERT_EQ(run("make-faces --out " + quote(file("faces")) + " --count " +
                  std::to_string(kFaces) + " --size 32 --seed 3")
                  .code,
              0);
    spec_ = new std::string("celeba:" + file("faces"));
    vae_ = new LoadedModel(load_model(file("vae.llckpt")));
    const auto data = open_dataset(*spec_, dataset_options_for(*vae_->model));
    reference_ = new Embedding(encode_dataset(*vae_->model, *data));
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete vae_;
    delete spec_;
    delete dir_;
  }

  static std::string file(const std::string& name) { return dir_->file(name); }
  static std::string data_args() {
    return " --data " + quote(*spec_) + " --cache-dir " + quote(file("cache"));
  }

  static Result run(const std::string& args) { return test::run_cli(args, dir_->path()); }

  static TempDir* dir_;
  static std::string* spec_;
  static LoadedModel* vae_;
  static Embedding* reference_;
};

TempDir* CliAnalysisTest::dir_ = nullptr;
std::string* CliAnalysisTest::spec_ = nullptr;
LoadedModel* CliAnalysisTest::vae_ = nullptr;
Embedding* CliAnalysisTest::reference_ = nullptr;

}  // namespace

TEST_F(CliAnalysisTest, EmbedWritesProjectionAndLatentsAndUsesTheCache) {
  const auto r =
      run("embed " + quote(file("vae.llckpt")) + data_args() + " --out " + quote(file("e.csv")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("encoded"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("explained variance ratio"), std::string::npos) << r.out;
  const auto rows = read_csv(file("e.csv"));
  ASSERT_EQ(rows.size(), static_cast<size_t>(kFaces + 1));
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"index", "label", "x", "y", "z0", "z1", "z2", "z3"}));
  const auto& means = reference_->means;
  const auto xy = fit_pca(means, 2).project(means);
  for (int64_t i = 0; i < kFaces; ++i) {
    const auto& row = rows[i + 1];
    ASSERT_EQ(row.size(), 8u);
    EXPECT_EQ(row[0], std::to_string(i));
    EXPECT_EQ(row[1], "-1");  // CelebA has attributes, no class labels
    EXPECT_NEAR(std::stod(row[2]), xy[i][0].item<double>(), 1e-5);
    EXPECT_NEAR(std::stod(row[3]), xy[i][1].item<double>(), 1e-5);
    for (int64_t j = 0; j < kAnalysisDim; ++j)
      EXPECT_NEAR(std::stod(row[4 + j]), means[i][j].item<float>(), 1e-6);
  }
  // Again: from the cache, the same file.
  const auto again =
      run("embed " + quote(file("vae.llckpt")) + data_args() + " --out " + quote(file("f.csv")));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.err.find("read from cache"), std::string::npos) << again.err;
  EXPECT_EQ(read_file(file("e.csv")), read_file(file("f.csv")));
  // Two chosen dimensions.
  ASSERT_EQ(run("embed " + quote(file("vae.llckpt")) + data_args() +
                " --projection dims:2,0 --out " + quote(file("d.csv")))
                .code,
            0);
  const auto dims = read_csv(file("d.csv"));
  EXPECT_EQ(dims[5][2], dims[5][6]);  // x = z2
  EXPECT_EQ(dims[5][3], dims[5][4]);  // y = z0
}

// The CSV's x, y columns of embed under projection, against expected [N, 2].
void expect_coordinates(const std::vector<std::vector<std::string>>& rows,
                        const torch::Tensor& expected, const std::string& projection) {
  ASSERT_EQ(rows.size(), size_t(kFaces + 1)) << projection;
  for (int64_t i = 0; i < kFaces; ++i)
    for (int64_t c = 0; c < 2; ++c)
      ASSERT_NEAR(std::stod(rows[size_t(i + 1)][size_t(2 + c)]), expected[i][c].item<double>(),
                  1e-5 * (1.0 + std::fabs(expected[i][c].item<double>())))
          << projection << " row " << i;
}

TEST_F(CliAnalysisTest, EmbedLaysOutUmapTsneAndAttributeAxesAsCoreDoes) {
  const auto embed = [&](const std::string& options, const std::string& out) {
    const auto r = run("embed " + quote(file("vae.llckpt")) + data_args() + " " + options +
                       " --out " + quote(file(out)));
    EXPECT_EQ(r.code, 0) << r.err;
    return read_csv(file(out));
  };
  UmapOptions umap_options;
  umap_options.neighbours = 10;
  umap_options.min_dist = 0.2;
  umap_options.epochs = 60;
  umap_options.seed = 3;
  Umap umap(umap_options);
  umap.initialize(reference_->means);
  umap.step(60);
  expect_coordinates(embed("--projection umap --neighbours 10 --min-dist 0.2 --iterations 60 "
                           "--seed 3",
                           "u.csv"),
                     umap.embedding(), "umap");

  TsneOptions tsne_options;
  tsne_options.perplexity = 8.0;
  tsne_options.iterations = 300;
  tsne_options.seed = 2;
  Tsne tsne(tsne_options);
  tsne.initialize(reference_->means);
  tsne.step(300);
  expect_coordinates(embed("--projection tsne --perplexity 8 --iterations 300 --seed 2", "t.csv"),
                     tsne.embedding(), "tsne");

  // Attribute axes from the data's labels (the checkpoint stores none).
  const auto directions = attribute_directions(vae_->info, *reference_);
  const auto axes = attribute_projection("attributes:Smiling,Male", directions, reference_->means);
  expect_coordinates(embed("--projection attributes:Smiling,Male", "a.csv"),
                     axes.project(reference_->means), "attributes");

  const auto bad = run("embed " + quote(file("vae.llckpt")) + data_args() +
                       " --projection umap --neighbours 1 --out " + quote(file("x.csv")));
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("at least 2 neighbours"), std::string::npos) << bad.err;
}

TEST_F(CliAnalysisTest, EmbedStopsAtAnUnreadableImageWithTheSequentialPathsError) {
  // A face in the middle damaged where only decoding finds it (its PNG end is intact).
  const auto folder = file("damaged-faces");
  fs::copy(file("faces"), folder, fs::copy_options::recursive);
  const auto options = dataset_options_for(*vae_->model);
  const std::string bad = open_dataset("celeba:" + folder, options)->item_name(kFaces / 2);
  std::string bytes = read_file(bad);
  for (size_t k = 40; k < 60; ++k) bytes[k] = char(0xA5);
  write_file_atomically(bad, bytes);
  std::string sequential;  // what reading the batch itself says (one batch of every face here)
  try {
    open_dataset("celeba:" + folder, options)->images(0, kFaces);
  } catch (const DatasetError& e) {
    sequential = e.what();
  }
  ASSERT_NE(sequential.find("1 image(s) cannot be decoded: " + bad), std::string::npos)
      << sequential;
  const auto r = run("embed " + quote(file("vae.llckpt")) + " --data " + quote("celeba:" + folder) +
                     " --no-cache --out " + quote(file("bad.csv")));
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.err, "latentlab-cli: error: " + sequential + "\n");
  EXPECT_FALSE(fs::exists(file("bad.csv")));
}

TEST_F(CliAnalysisTest, GmmIsStoredAndSampleDrawsFromIt) {
  fs::copy_file(file("vae.llckpt"), file("vae_gmm.llckpt"));
  const auto ckpt = quote(file("vae_gmm.llckpt"));
  const auto curve =
      run("gmm " + ckpt + data_args() + " --bic 1..3 --covariance diag --max-iterations 30");
  ASSERT_EQ(curve.code, 0) << curve.err;
  EXPECT_NE(curve.out.find("<- lowest BIC"), std::string::npos) << curve.out;
  const auto r = run("gmm " + ckpt + data_args() + " --components 2 --covariance diag --seed 4");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto info = load_model(file("vae_gmm.llckpt")).info;
  ASSERT_TRUE(info.gmm.has_value());
  EXPECT_EQ(info.gmm->components, 2);
  EXPECT_EQ(info.gmm->covariance_type, "diag");
  // The stored mixture is what core fits on the same latents with the same options.
  GmmFitOptions o;
  o.components = 2;
  o.covariance = CovarianceType::Diagonal;
  o.seed = 4;
  o.max_samples = 20000;
  const auto fit = fit_gmm(reference_->means, o);
  const auto stored = Gmm::from_info(*info.gmm);
  EXPECT_TRUE(torch::allclose(stored.means(), fit.model.means(), 1e-5, 1e-6));
  EXPECT_TRUE(
      torch::allclose(stored.log_likelihood(reference_->means), fit.log_likelihoods, 1e-4, 1e-4));

  const auto s =
      run("sample " + ckpt + " --source gmm:1 --count 3 --seed 5 --out " + quote(file("g.png")));
  ASSERT_EQ(s.code, 0) << s.err;
  const auto images = vae_->model->decode(stored.sample(3, 5, 1));
  const auto grid = decode_png_bytes(read_file(file("g.png")));
  // Three images make a 2-column grid: the third starts the second row.
  const auto tile =
      grid.slice(0, kPad + 16 + kPad, kPad + 16 + kPad + 16).slice(1, kPad, kPad + 16);
  EXPECT_TRUE(torch::equal(tile, to_uint8_hwc(images[2], vae_->model->output_range())));
  ASSERT_EQ(
      run("sample " + ckpt + " --source gmm --count 2 --seed 5 --out " + quote(file("h.png"))).code,
      0);
}

TEST_F(CliAnalysisTest, AttributesAreStoredWithTheirAccuracy) {
  fs::copy_file(file("vae.llckpt"), file("vae_attr.llckpt"));
  const auto ckpt = quote(file("vae_attr.llckpt"));
  const auto r = run("attributes " + ckpt + data_args() + " --names Smiling,Eyeglasses");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Smiling"), std::string::npos) << r.out;
  auto info = load_model(file("vae_attr.llckpt")).info;
  ASSERT_EQ(info.attributes.size(), 2u);
  const auto& names = reference_->attribute_names;
  const auto column = std::find(names.begin(), names.end(), "Smiling") - names.begin();
  ASSERT_LT(column, static_cast<int64_t>(names.size()));
  const auto expected =
      mean_difference(reference_->means, reference_->attributes.select(1, column));
  const auto& smiling = info.attributes.at("Smiling");
  EXPECT_EQ(smiling.method, "mean-diff");
  EXPECT_EQ(smiling.source, *spec_);
  ASSERT_TRUE(smiling.accuracy.has_value());
  EXPECT_TRUE(torch::allclose(torch::tensor(smiling.direction), expected, 1e-5, 1e-6));

  const auto linear = run("attributes " + ckpt + data_args() + " --names Smiling --method linear");
  ASSERT_EQ(linear.code, 0) << linear.err;
  info = load_model(file("vae_attr.llckpt")).info;
  EXPECT_EQ(info.attributes.at("Smiling").method, "linear");
  EXPECT_EQ(info.attributes.at("Eyeglasses").method, "mean-diff");  // the others are kept
  const double accuracy = *info.attributes.at("Smiling").accuracy;
  EXPECT_GE(accuracy, 0.0);
  EXPECT_LE(accuracy, 1.0);
}

TEST_F(CliAnalysisTest, EncodeInvertsAGan) {
  const auto gan = load_model(file("gan.llckpt"));
  torch::manual_seed(9);
  const auto target = gan.model->decode(torch::randn({1, kAnalysisDim}));
  write_png(file("target.png"), target[0], gan.model->output_range());
  const auto r = run("encode " + quote(file("gan.llckpt")) + " " + quote(file("target.png")) +
                     " --out " + quote(file("z.json")) + " --steps 150 --restarts 3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("pixel MSE"), std::string::npos) << r.err;
  const auto z = read_latents(file("z.json"), kAnalysisDim);
  ASSERT_EQ(z.size(0), 1);
  const auto image =
      read_image(file("target.png"), gan.model->image_shape(), gan.model->output_range());
  const double error = (gan.model->decode(z)[0] - image).pow(2).mean().item<double>();
  const double baseline =
      (gan.model->decode(torch::randn({8, kAnalysisDim})) - image).pow(2).mean().item<double>();
  EXPECT_LT(error, 0.1 * baseline) << error << " vs " << baseline;
}

TEST_F(CliAnalysisTest, ErrorsSayWhatIsMissing) {
  const auto vae = quote(file("vae.llckpt"));
  auto r = run("gmm " + vae + data_args());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("give --components K"), std::string::npos) << r.err;
  r = run("sample " + vae + " --source gmm --count 2 --seed 1 --out " + quote(file("x.png")));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("has no GMM"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(file("x.png")));
  r = run("embed " + quote(file("gan.llckpt")) + data_args() + " --out " + quote(file("x.csv")));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("GAN"), std::string::npos) << r.err;
  r = run("attributes " + vae + data_args() + " --names Wings");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("unknown attribute 'Wings'"), std::string::npos) << r.err;
  r = run("embed " + vae + data_args() + " --projection dims:0,9 --out " + quote(file("x.csv")));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("outside the latent size"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(file("x.csv")));
}
