// latentlab-cli end to end: the real binary on tiny models made here, outputs read back and
// compared with what core computes for the same inputs. Each run costs LibTorch's start-up
// (~0.6 s), so the runs are few and each checks several things.
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>

#include "core/analysis/interpolation.h"
#include "core/analysis/sampling.h"
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

constexpr int64_t kLatentDim = 3;

using Result = test::CliResult;
using test::kPad;
using test::quote;

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The same thread count as the CLI, and below the same batch shapes as the CLI uses, so the
    // floating-point results can be compared bit for bit.
    configure_threads();
    dir_ = new TempDir;
    torch::manual_seed(0);
    ConvVaeOptions o;
    o.image_shape = {3, 16, 16};
    o.channels = {4, 8};
    o.latent_dim = kLatentDim;
    VaeModel vae(o);
    save_checkpoint(dir_->file("vae.llckpt"), vae, ModelInfo{});
    DcganOptions g;
    g.latent_dim = kLatentDim;
    g.generator_width = 4;
    g.discriminator_width = 4;
    GanModel gan(g);
    save_checkpoint(dir_->file("gan.llckpt"), gan, ModelInfo{});
    // Inputs: a wide colour image and a small grey one, neither of the model's shape.
    cv::Mat colour(30, 40, CV_8UC3);
    cv::randu(colour, 0, 256);
    cv::imwrite(dir_->file("colour.png"), colour);
    cv::Mat grey(12, 12, CV_8U);
    cv::randu(grey, 0, 256);
    cv::imwrite(dir_->file("grey.png"), grey);
    write_file_atomically(dir_->file("not_an_image.png"), "hello");
    vae_ = new LoadedModel(load_model(dir_->file("vae.llckpt")));
  }
  static void TearDownTestSuite() {
    delete vae_;
    delete dir_;
  }

  static std::string file(const std::string& name) { return dir_->file(name); }

  static Result run(const std::string& args) { return test::run_cli(args, dir_->path()); }

  // Expected pixels of images in the model's range.
  static torch::Tensor pixels(const torch::Tensor& chw) {
    return to_uint8_hwc(chw, vae_->model->output_range());
  }
  static torch::Tensor png(const std::string& path) { return decode_png_bytes(read_file(path)); }
  static torch::Tensor tile(const torch::Tensor& hwc, int64_t row, int64_t col, int64_t h,
                            int64_t w) {
    return hwc.slice(0, kPad + row * (h + kPad), kPad + row * (h + kPad) + h)
        .slice(1, kPad + col * (w + kPad), kPad + col * (w + kPad) + w);
  }

  static void expect_failure(const std::string& args, const std::string& message,
                             const std::string& output) {
    const auto r = run(args);
    EXPECT_NE(r.code, 0) << args;
    ASSERT_EQ(r.err_lines.size(), 1u) << args;
    EXPECT_EQ(r.err_lines[0].rfind("latentlab-cli: error: ", 0), 0u) << r.err_lines[0];
    EXPECT_NE(r.err_lines[0].find(message), std::string::npos) << r.err_lines[0];
    EXPECT_FALSE(fs::exists(output)) << output;
  }

  static TempDir* dir_;
  static LoadedModel* vae_;
};

TempDir* CliTest::dir_ = nullptr;
LoadedModel* CliTest::vae_ = nullptr;

}  // namespace

TEST_F(CliTest, DecodeWritesWhatCoreDecodes) {
  // Two latents from JSON: a 2-column grid.
  const auto z = torch::tensor({{0.5f, -1.0f, 2.0f}, {-0.25f, 0.0f, 1.0f}});
  write_file_atomically(file("z.json"), "[[0.5, -1, 2], [-0.25, 0, 1]]");
  const auto r = run("decode " + quote(file("vae.llckpt")) + " --z " + quote(file("z.json")) +
                     " --out " + quote(file("grid.png")));
  ASSERT_EQ(r.code, 0) << (r.err_lines.empty() ? "" : r.err_lines[0]);
  EXPECT_TRUE(r.err_lines.empty());
  const auto expected = vae_->model->decode(z);
  const auto grid = png(file("grid.png"));
  ASSERT_EQ(grid.sizes(), (torch::IntArrayRef{kPad + 16 + kPad, kPad + 2 * (16 + kPad), 3}));
  EXPECT_TRUE(torch::equal(tile(grid, 0, 0, 16, 16), pixels(expected[0])));
  EXPECT_TRUE(torch::equal(tile(grid, 0, 1, 16, 16), pixels(expected[1])));

  // One latent from a seed, enlarged: one image, no grid.
  const auto s = run("decode " + quote(file("vae.llckpt")) +
                     " --seed 7 --scale 2 --device cpu --out " + quote(file("one.png")));
  ASSERT_EQ(s.code, 0);
  const auto one = png(file("one.png"));
  ASSERT_EQ(one.sizes(), (torch::IntArrayRef{32, 32, 3}));
  const auto want = pixels(vae_->model->decode(latents_from_seed(7, 1, kLatentDim))[0]);
  EXPECT_TRUE(torch::equal(one.slice(0, 0, 32, 2).slice(1, 0, 32, 2), want));
}

TEST_F(CliTest, EncodeWritesPosteriorMeansAsNpyAndJson) {
  const std::vector<std::string> images{file("colour.png"), file("grey.png")};
  std::vector<torch::Tensor> converted;
  for (const auto& p : images)
    converted.push_back(read_image(p, vae_->model->image_shape(), vae_->model->output_range()));
  const auto means = vae_->model->encode(torch::stack(converted)).mean;
  for (const char* name : {"z.npy", "z_out.json"}) {
    const auto r = run("encode " + quote(file("vae.llckpt")) + " " + quote(images[0]) + " " +
                       quote(images[1]) + " --out " + quote(file(name)));
    ASSERT_EQ(r.code, 0) << name;
    EXPECT_TRUE(torch::equal(read_latents(file(name), kLatentDim), means)) << name;
  }
}

TEST_F(CliTest, ReconstructPutsOriginalsBesideReconstructions) {
  const auto r = run("reconstruct " + quote(file("vae.llckpt")) + " " + quote(file("colour.png")) +
                     " " + quote(file("grey.png")) + " --out " + quote(file("rec.png")));
  ASSERT_EQ(r.code, 0);
  const auto grid = png(file("rec.png"));
  ASSERT_EQ(grid.sizes(), (torch::IntArrayRef{kPad + 2 * (16 + kPad), kPad + 2 * (16 + kPad), 3}));
  const auto shape = vae_->model->image_shape();
  const auto range = vae_->model->output_range();
  const auto originals = torch::stack(
      {read_image(file("colour.png"), shape, range), read_image(file("grey.png"), shape, range)});
  const auto again = vae_->model->decode(vae_->model->encode(originals).mean);
  for (int row = 0; row < 2; ++row) {
    EXPECT_TRUE(torch::equal(tile(grid, row, 0, 16, 16), pixels(originals[row]))) << row;
    EXPECT_TRUE(torch::equal(tile(grid, row, 1, 16, 16), pixels(again[row]))) << row;
  }
}

TEST_F(CliTest, InterpolateWritesStripFramesGifAndVideo) {
  write_latents(file("end.npy"), torch::tensor({1.5f, -0.5f, 0.25f}));
  const auto r =
      run("interpolate " + quote(file("vae.llckpt")) + " --from " + quote(file("colour.png")) +
          " --to " + quote("z:" + file("end.npy")) + " --method slerp --out " +
          quote(file("strip.png")) + " --frames-dir " + quote(file("frames")) + " --gif " +
          quote(file("strip.gif")) + " --video " + quote(file("strip.mp4")));
  ASSERT_EQ(r.code, 0) << (r.err_lines.empty() ? "" : r.err_lines[0]);
  EXPECT_TRUE(r.err_lines.empty());
  const auto strip = png(file("strip.png"));
  ASSERT_EQ(strip.sizes(), (torch::IntArrayRef{kPad + 16 + kPad, kPad + 10 * (16 + kPad), 3}));
  const auto shape = vae_->model->image_shape();
  const auto start =
      vae_->model
          ->encode(read_image(file("colour.png"), shape, vae_->model->output_range()).unsqueeze(0))
          .mean;
  const auto end = torch::tensor({1.5f, -0.5f, 0.25f});
  const auto path = interpolate_path({start[0], end}, 10, InterpolationMethod::Spherical);
  ASSERT_TRUE(torch::equal(path[0], start[0]) && torch::equal(path[9], end));
  const auto decoded = vae_->model->decode(path);
  const auto first = pixels(decoded[0]);
  const auto last = pixels(decoded[9]);
  EXPECT_TRUE(torch::equal(tile(strip, 0, 0, 16, 16), first));
  EXPECT_TRUE(torch::equal(tile(strip, 0, 9, 16, 16), last));
  // Ten numbered frames equal to the strip's tiles.
  for (int i = 0; i < 10; ++i) {
    const auto frame = png(file("frames/frame_00" + std::to_string(i) + ".png"));
    EXPECT_TRUE(torch::equal(frame, tile(strip, 0, i, 16, 16))) << i;
  }
  EXPECT_FALSE(fs::exists(file("frames/frame_010.png")));
  // The GIF has ten frames; the video too.
  int error = 0;
  GifFileType* gif = DGifOpenFileName(file("strip.gif").c_str(), &error);
  ASSERT_NE(gif, nullptr);
  ASSERT_EQ(DGifSlurp(gif), GIF_OK);
  EXPECT_EQ(gif->ImageCount, 10);
  EXPECT_EQ(gif->SWidth, 16);
  DGifCloseFile(gif, &error);
  cv::VideoCapture video(file("strip.mp4"), cv::CAP_FFMPEG);
  ASSERT_TRUE(video.isOpened());
  int frames = 0;
  for (cv::Mat m; video.read(m);) ++frames;
  EXPECT_EQ(frames, 10);
}

TEST_F(CliTest, SampleIsReproducibleFromTheSeed) {
  const auto args = [&](const std::string& seed, const std::string& out) {
    return "sample " + quote(file("vae.llckpt")) + " --count 5 --seed " + seed + " --out " +
           quote(file(out));
  };
  ASSERT_EQ(run(args("11", "a.png")).code, 0);
  ASSERT_EQ(run(args("11", "b.png")).code, 0);
  ASSERT_EQ(run(args("12", "c.png")).code, 0);
  EXPECT_EQ(read_file(file("a.png")), read_file(file("b.png")));
  EXPECT_NE(read_file(file("a.png")), read_file(file("c.png")));
  // A 3-column grid of the decoded seed-11 latents.
  const auto grid = png(file("a.png"));
  ASSERT_EQ(grid.sizes(), (torch::IntArrayRef{kPad + 2 * (16 + kPad), kPad + 3 * (16 + kPad), 3}));
  const auto images = vae_->model->decode(latents_from_seed(11, 5, kLatentDim));
  EXPECT_TRUE(torch::equal(tile(grid, 1, 1, 16, 16), pixels(images[4])));

  // A GAN ([-1, 1] images, 1x28x28) through the same path, truncated.
  ASSERT_EQ(run("sample " + quote(file("gan.llckpt")) +
                " --count 2 --seed 3 --truncation 1.5 --out " + quote(file("gan.png")))
                .code,
            0);
  const auto gan = load_model(file("gan.llckpt"));
  const auto generated = gan.model->decode(latents_from_seed(3, 2, kLatentDim, 1.5));
  const auto gan_grid = png(file("gan.png"));
  ASSERT_EQ(gan_grid.sizes(), (torch::IntArrayRef{kPad + 28 + kPad, kPad + 2 * (28 + kPad), 1}));
  EXPECT_TRUE(
      torch::equal(tile(gan_grid, 0, 1, 28, 28), to_uint8_hwc(generated[1], {-1.0f, 1.0f})));
}

TEST_F(CliTest, ErrorsGiveOneLineAndNoOutput) {
  const auto vae = quote(file("vae.llckpt"));
  const auto out = file("err.png");
  expect_failure("decode " + quote(file("missing.llckpt")) + " --seed 1 --out " + quote(out),
                 "missing.llckpt", out);
  write_file_atomically(file("short.json"), "[1, 2]");
  expect_failure("decode " + vae + " --z " + quote(file("short.json")) + " --out " + quote(out),
                 "have 2 values, the model needs 3", out);
  expect_failure(
      "reconstruct " + vae + " " + quote(file("not_an_image.png")) + " --out " + quote(out),
      "not_an_image.png: not an image", out);
  expect_failure(
      "encode " + vae + " " + quote(file("grey.png")) + " --out " + quote(file("err.csv")),
      "--out must end in .json or .npy", file("err.csv"));
  expect_failure(
      "sample " + vae + " --count 4 --seed 1 --out " + quote(file("no/such/folder/x.png")),
      "does not exist", file("no/such/folder/x.png"));
  // A bad --gif folder is found before the strip is written.
  expect_failure("interpolate " + vae + " --from seed:1 --to seed:2 --out " + quote(out) +
                     " --gif " + quote(file("nowhere/a.gif")),
                 "nowhere", out);
}
