// latentlab-cli train, eval and edit end to end: the real binary on 256 Fashion-MNIST images and
// tiny models, its files read back and compared with what core computes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "core/analysis/sampling.h"
#include "core/image/image_io.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint_file.h"
#include "core/model/device.h"
#include "core/model/model_file.h"
#include "core/model/pixels.h"
#include "tests/cli/cli_run.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

using CliRun = test::CliResult;
using test::kPad;
using test::quote;

class CliTrainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    configure_threads();  // as the CLI does, so decoded pixels compare bit for bit
    dir_ = new TempDir;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string file(const std::string& name) { return dir_->file(name); }

  static CliRun run(const std::string& args) { return test::run_cli(args, dir_->path()); }
  static std::string last_error(const CliRun& r) {
    return r.err_lines.empty() ? "" : r.err_lines.back();
  }

  static TempDir* dir_;
};

TempDir* CliTrainTest::dir_ = nullptr;

const std::string kSmallVae =
    "train vae --data fashion-mnist:test --limit 256 --channels 4,8 --latent-dim 2 --batch-size 64 "
    "--seed 5 --threads 1";

}  // namespace

TEST_F(CliTrainTest, TrainResumeAndEval) {
  // 3 epochs in one go, and 2 + resume to 3: the same file contents.
  const auto straight = run(kSmallVae + " --epochs 3 --out " + quote(file("straight.llckpt")));
  ASSERT_EQ(straight.code, 0) << last_error(straight);
  EXPECT_NE(straight.out.find("wrote " + file("straight.llckpt")), std::string::npos);
  ASSERT_EQ(run(kSmallVae + " --epochs 2 --out " + quote(file("resumed.llckpt"))).code, 0);
  const auto resumed =
      run("train vae --data fashion-mnist:test --limit 256 --epochs 3 --resume --lr 0.1 "
          "--threads 1 --out " +
          quote(file("resumed.llckpt")));
  ASSERT_EQ(resumed.code, 0) << last_error(resumed);
  bool noted = false;
  for (const auto& line : resumed.err_lines)
    noted |= line.find("--lr is ignored with --resume") != std::string::npos;
  EXPECT_TRUE(noted);
  const auto a = read_checkpoint_file(file("straight.llckpt"));
  const auto b = read_checkpoint_file(file("resumed.llckpt"));
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [name, t] : a.tensors) EXPECT_TRUE(torch::equal(t, b.tensors.at(name))) << name;

  const auto loaded = load_model(file("straight.llckpt"));
  EXPECT_EQ(loaded.info.labels.size(), 10u);  // the data set's class names
  EXPECT_EQ(loaded.info.provenance.epochs, 3);
  EXPECT_EQ(loaded.info.provenance.seed, 5);
  EXPECT_EQ(loaded.info.provenance.loss_history.size(), 3u);
  EXPECT_NE(loaded.info.provenance.command.find("train vae --data fashion-mnist:test"),
            std::string::npos);
  EXPECT_EQ(loaded.info.hyper_parameters["channels"], nlohmann::json({4, 8}));

  // eval --json --store: consistent terms, stored in the checkpoint.
  const auto e = run("eval " + quote(file("straight.llckpt")) +
                     " --data fashion-mnist:test --limit 128 --iwae-samples 20 --json --store");
  ASSERT_EQ(e.code, 0) << last_error(e);
  const auto j = nlohmann::json::parse(e.out);
  EXPECT_EQ(j["images"], 128);
  EXPECT_EQ(j["likelihood"], "bernoulli");
  const double elbo = j["elbo"], rec = j["reconstruction"], kl = j["kl"], iwae = j["iwae"];
  EXPECT_NEAR(elbo, -(rec + kl), 1e-6 * std::abs(elbo));
  EXPECT_GT(kl, 0.0);
  EXPECT_GT(iwae, elbo - 3.0 * j["elbo_se"].get<double>());  // the IWAE bound is the tighter one
  EXPECT_LT(iwae, 0.0);
  const auto stored = load_model(file("straight.llckpt")).info.provenance.metrics;
  EXPECT_DOUBLE_EQ(stored["eval_elbo"].get<double>(), elbo);
  EXPECT_DOUBLE_EQ(stored["eval_iwae"].get<double>(), iwae);
  EXPECT_EQ(stored["eval_iwae_samples"], 20);
  EXPECT_TRUE(stored.contains("train_loss"));

  // Resuming a finished run without more epochs is one clear error line.
  const auto done =
      run("train vae --data fashion-mnist:test --limit 256 --epochs 3 --resume --out " +
          quote(file("straight.llckpt")));
  EXPECT_NE(done.code, 0);
  EXPECT_NE(last_error(done).find("already trained for 3 epochs"), std::string::npos)
      << last_error(done);

  // release: float16 weights equal to the trained ones rounded, the card kept, no training state.
  const auto r =
      run("release " + quote(file("straight.llckpt")) + " --out " + quote(file("release.llckpt")));
  ASSERT_EQ(r.code, 0) << last_error(r);
  const auto released = read_checkpoint_file(file("release.llckpt"));
  EXPECT_LT(released.tensors.size(), a.tensors.size());  // the Adam state is gone
  for (const auto& [name, t] : released.tensors) {
    ASSERT_TRUE(a.tensors.count(name)) << name;
    EXPECT_TRUE(torch::equal(t.to(torch::kFloat32),
                             a.tensors.at(name).to(torch::kHalf).to(torch::kFloat32)))
        << name;
  }
  const auto card = load_model(file("release.llckpt")).info;
  EXPECT_DOUBLE_EQ(card.provenance.metrics["eval_elbo"].get<double>(), elbo);
  const auto again =
      run("train vae --data fashion-mnist:test --limit 256 --epochs 4 --resume --out " +
          quote(file("release.llckpt")));
  EXPECT_NE(again.code, 0);
  EXPECT_NE(last_error(again).find("no training state"), std::string::npos) << last_error(again);
  const auto bad =
      run("release " + quote(file("missing.llckpt")) + " --out " + quote(file("x.llckpt")));
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.err_lines.size(), 1u);
  EXPECT_FALSE(fs::exists(file("x.llckpt")));
}

TEST_F(CliTrainTest, GanTrainsAndEvalScoresDataAndSamples) {
  const auto t =
      run("train gan --data fashion-mnist:test --limit 64 --latent-dim 4 --generator-width 4 "
          "--discriminator-width 4 --batch-size 32 --epochs 1 --threads 1 --half --out " +
          quote(file("gan.llckpt")));
  ASSERT_EQ(t.code, 0) << last_error(t);
  const auto loaded = load_model(file("gan.llckpt"));
  EXPECT_EQ(loaded.info.kind, ModelKind::Gan);
  const auto e =
      run("eval " + quote(file("gan.llckpt")) + " --data fashion-mnist:test --limit 32 --json");
  ASSERT_EQ(e.code, 0) << last_error(e);
  const auto j = nlohmann::json::parse(e.out);
  for (const auto* key : {"d_data", "d_samples"}) {
    EXPECT_GT(j[key].get<double>(), 0.0) << key;
    EXPECT_LT(j[key].get<double>(), 1.0) << key;
  }
  EXPECT_EQ(j["samples"], 32);
  // --half: a release file, not resumable.
  const auto r = run("train gan --data fashion-mnist:test --limit 64 --epochs 2 --resume --out " +
                     quote(file("gan.llckpt")));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(last_error(r).find("no training state"), std::string::npos) << last_error(r);
}

// tools/latentlab_train_raw (the trainer for a machine without OpenCV) on the raw RGB bytes of
// the same PNGs `latentlab-cli train --data celeba:` reads: the same weights, bit for bit.
TEST_F(CliTrainTest, TrainRawGivesTheWeightsTheCliTrainsOnTheSamePngs) {
  const auto faces = run("make-faces --out " + quote(file("faces")) + " --count 64 --seed 1");
  ASSERT_EQ(faces.code, 0) << last_error(faces);
  {
    std::ofstream raw(file("images.u8"), std::ios::binary);
    for (int i = 1; i <= 64; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "%06d.png", i);
      cv::Mat bgr = cv::imread(file("faces/img_align_celeba/") + name, cv::IMREAD_COLOR), rgb;
      ASSERT_FALSE(bgr.empty()) << name;
      cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
      raw.write(reinterpret_cast<const char*>(rgb.data), std::streamsize(rgb.total() * 3));
    }
  }

  const std::string settings =
      " --latent-dim 4 --generator-width 4 --discriminator-width 4 --batch-size 32 --epochs 2"
      " --seed 3 --threads 1 --half --out ";
  const auto cli = run("train gan --data " + quote("celeba:" + file("faces")) + settings +
                       quote(file("from-pngs.llckpt")));
  ASSERT_EQ(cli.code, 0) << last_error(cli);
  const std::string raw = quote(LATENTLAB_TRAIN_RAW) + " gan --images " + quote(file("images.u8")) +
                          " --shape 3x64x64" + settings + quote(file("from-raw.llckpt")) + " 2>" +
                          quote(file("raw-stderr.txt"));
  ASSERT_EQ(std::system(raw.c_str()), 0) << read_file(file("raw-stderr.txt"));

  const auto a = load_model(file("from-pngs.llckpt")), b = load_model(file("from-raw.llckpt"));
  const auto z = latents_from_seed(0, 8, 4);
  EXPECT_TRUE(torch::equal(a.model->decode(z), b.model->decode(z)));
  EXPECT_EQ(b.info.image_shape, (ImageShape{3, 64, 64}));

  // A file that is not a whole number of images: one line, nothing written.
  std::ofstream(file("short.u8"), std::ios::binary) << "12345";
  const std::string bad = quote(LATENTLAB_TRAIN_RAW) + " gan --images " + quote(file("short.u8")) +
                          " --shape 1x28x28 --out " + quote(file("short.llckpt")) + " 2>" +
                          quote(file("raw-stderr.txt"));
  EXPECT_NE(std::system(bad.c_str()), 0);
  EXPECT_NE(read_file(file("raw-stderr.txt")).find("not a whole number of 1x28x28 images"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(file("short.llckpt")));
}

TEST_F(CliTrainTest, EditAddsAttributeVectors) {
  ASSERT_EQ(run(kSmallVae + " --epochs 1 --out " + quote(file("edit.llckpt"))).code, 0);
  auto loaded = load_model(file("edit.llckpt"));
  ModelInfo info = loaded.info;
  info.attributes["Wide"].direction = {1.5f, -0.5f};
  info.attributes["Wide"].method = "user";
  info.attributes["Dark"].direction = {-1.0f, 2.0f};
  info.attributes["Dark"].method = "user";
  update_checkpoint_info(file("edit.llckpt"), info);
  loaded = load_model(file("edit.llckpt"));
  const auto range = loaded.model->output_range();
  const auto z = latents_from_seed(9, 1, 2)[0];
  const auto wide = torch::tensor({1.5f, -0.5f}), dark = torch::tensor({-1.0f, 2.0f});
  const auto png = [](const std::string& path) { return decode_png_bytes(read_file(path)); };
  const auto tile = [](const torch::Tensor& hwc, int64_t row, int64_t col) {
    return hwc.slice(0, kPad + row * 30, kPad + row * 30 + 28)
        .slice(1, kPad + col * 30, kPad + col * 30 + 28);
  };
  const auto pixels = [&](const torch::Tensor& chw) {
    auto p = to_uint8_hwc(chw, range);
    return p.size(2) == 1 ? p.expand({28, 28, 3}) : p;
  };
  const auto as_rgb = [](const torch::Tensor& hwc) {
    return hwc.size(2) == 1 ? hwc.expand({28, 28, 3}) : hwc;
  };

  // One row: decoded | Wide+2 | Dark-1 | both.
  const auto r =
      run("edit " + quote(file("edit.llckpt")) +
          " seed:9 --attribute Wide=2 --attribute Dark=-1 --out " + quote(file("edit.png")));
  ASSERT_EQ(r.code, 0) << last_error(r);
  const auto grid = png(file("edit.png"));
  ASSERT_EQ(grid.size(1), kPad + 4 * 30);
  const auto expected =
      loaded.model->decode(torch::stack({z, z + 2 * wide, z - dark, z + 2 * wide - dark}));
  for (int64_t c = 0; c < 4; ++c)
    EXPECT_TRUE(torch::equal(as_rgb(tile(grid, 0, c)), pixels(expected[c]))) << c;

  // --sweep 3: a row per attribute from -A to +A, the middle one unedited.
  const auto s =
      run("edit " + quote(file("edit.llckpt")) +
          " seed:9 --attribute Wide=2 Dark=1 --sweep 3 --out " + quote(file("sweep.png")));
  ASSERT_EQ(s.code, 0) << last_error(s);
  const auto sweep = png(file("sweep.png"));
  ASSERT_EQ(sweep.size(0), kPad + 2 * 30);
  ASSERT_EQ(sweep.size(1), kPad + 3 * 30);
  const auto rows =
      loaded.model->decode(torch::stack({z - 2 * wide, z, z + 2 * wide, z - dark, z, z + dark}));
  for (int64_t i = 0; i < 6; ++i)
    EXPECT_TRUE(torch::equal(as_rgb(tile(sweep, i / 3, i % 3)), pixels(rows[i]))) << i;

  // Several sources: their rows one after the other, each edited the same way.
  const auto m =
      run("edit " + quote(file("edit.llckpt")) +
          " seed:9 seed:4 --attribute Wide=2 Dark=1 --sweep 3 --out " + quote(file("two.png")));
  ASSERT_EQ(m.code, 0) << last_error(m);
  const auto two = png(file("two.png"));
  ASSERT_EQ(two.size(0), kPad + 4 * 30);
  ASSERT_EQ(two.size(1), kPad + 3 * 30);
  const auto z4 = latents_from_seed(4, 1, 2)[0];
  const auto second = loaded.model->decode(
      torch::stack({z4 - 2 * wide, z4, z4 + 2 * wide, z4 - dark, z4, z4 + dark}));
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_TRUE(torch::equal(as_rgb(tile(two, i / 3, i % 3)), pixels(rows[i]))) << i;
    EXPECT_TRUE(torch::equal(as_rgb(tile(two, 2 + i / 3, i % 3)), pixels(second[i]))) << i;
  }

  // An unknown name: one line that lists the known ones, and no file.
  const auto bad = run("edit " + quote(file("edit.llckpt")) +
                       " seed:9 --attribute Smiling=1 --out " + quote(file("bad.png")));
  EXPECT_NE(bad.code, 0);
  ASSERT_EQ(bad.err_lines.size(), 1u);
  EXPECT_NE(bad.err_lines[0].find("unknown attribute 'Smiling'"), std::string::npos)
      << bad.err_lines[0];
  EXPECT_NE(bad.err_lines[0].find("known: Dark Wide"), std::string::npos) << bad.err_lines[0];
  EXPECT_FALSE(fs::exists(file("bad.png")));
}
