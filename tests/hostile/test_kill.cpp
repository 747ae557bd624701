// No lost work: latentlab-cli train, attributes and an interpolation export are killed with
// SIGKILL at random moments, again and again, and what is left at each output path must be
// absent or load completely (the old file or the new one, never a broken one), with no more than
// one orphaned temporary per target (a killed writer leaves its temporary; the next write of the
// target removes it, see core/io/atomic_file.h).
//
// The kill points are drawn from a fixed seed over each command's measured run time, so most
// iterations land in the middle of the work; the assertions hold wherever they land.
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "core/image/image_io.h"
#include "core/io/atomic_file.h"
#include "core/model/model_file.h"
#include "core/model/vae_model.h"
#include "core/readers/idx_reader.h"
#include "tests/core/temp_dir.h"
#include "tests/hostile/child_process.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kImages = 48;
constexpr int64_t kSide = 16;
constexpr int64_t kClasses = 3;
constexpr int kIterations = 12;  // per command
constexpr int kSteps = 10;       // interpolation frames

using Clock = std::chrono::steady_clock;

// Temporaries beside path's file name (".NAME.tmp-PID-RANDOM.EXT").
int temporaries_of(const std::string& path) {
  const fs::path target(path);
  const std::string prefix = "." + target.stem().string() + ".tmp-";
  int count = 0;
  for (const auto& f : fs::directory_iterator(target.parent_path()))
    count += f.path().filename().string().rfind(prefix, 0) == 0;
  return count;
}

bool gif_loads(const std::string& path, int frames) {
  int error = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
  if (!gif) return false;
  const bool ok = DGifSlurp(gif) == GIF_OK && gif->ImageCount == frames;
  DGifCloseFile(gif, &error);
  return ok;
}

class KillTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    torch::manual_seed(0);
    auto images = torch::randint(0, 256, {kImages, kSide, kSide}).to(torch::kUInt8);
    auto labels = torch::arange(kImages).remainder(kClasses).to(torch::kUInt8);
    write_idx(dir_->file("images.idx"), images, /*gzip=*/false);
    write_idx(dir_->file("labels.idx"), labels, /*gzip=*/false);
    ConvVaeOptions o;
    o.image_shape = {1, kSide, kSide};
    o.channels = {4, 8};
    o.latent_dim = 3;
    VaeModel vae(o);
    save_checkpoint(dir_->file("base.llckpt"), vae, ModelInfo{});
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string data_spec() {
    return "idx:" + dir_->file("images.idx") + ":" + dir_->file("labels.idx");
  }

  // Runs argv to the end and returns how long it took; it must succeed.
  static double full_run(const std::vector<std::string>& argv) {
    const auto start = Clock::now();
    test::ChildProcess child(argv, dir_->path(), dir_->file("out.txt"), dir_->file("err.txt"));
    const int status = child.wait();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << test::slurp(dir_->file("err.txt"));
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  // Kills argv kIterations times at random moments within its run time; after each kill,
  // check() judges what is left. Returns how many runs were killed before they finished.
  static int kill_repeatedly(const std::vector<std::string>& argv, double seconds, uint32_t seed,
                             const std::function<void()>& check) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> when(0.0, seconds);
    int killed = 0;
    for (int i = 0; i < kIterations; ++i) {
      SCOPED_TRACE("iteration " + std::to_string(i));
      test::ChildProcess child(argv, dir_->path(), dir_->file("out.txt"), dir_->file("err.txt"));
      const auto deadline = Clock::now() + std::chrono::duration<double>(when(rng));
      while (Clock::now() < deadline && !child.finished())
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      if (!child.finished()) {
        child.kill_hard();
        ++killed;
      }
      child.wait();
      check();
    }
    return killed;
  }

  static std::string cli() { return LATENTLAB_CLI; }
  static TempDir* dir_;
};

TempDir* KillTest::dir_ = nullptr;

}  // namespace

TEST_F(KillTest, TrainLeavesTheLastEpochOrNothing) {
  const std::string out = dir_->file("trained.llckpt");
  const std::vector<std::string> argv{
      cli(), "train",        "vae", "--data",   data_spec(), "--epochs",
      "40",  "--channels",   "4,8", "--hidden", "0",         "--latent-dim",
      "3",   "--batch-size", "16",  "--out",    out};
  const double seconds = full_run(argv);
  ASSERT_EQ(read_checkpoint_extras(out).meta.empty(), false);
  int mid_write = 0;  // kills that caught a checkpoint being written (a temporary was left)
  const int killed = kill_repeatedly(argv, seconds, 1, [&] {
    if (!fs::exists(out)) return;
    // Complete: the model loads and its training state reads back (resumable).
    EXPECT_NO_THROW(load_model(out, "cpu"));
    EXPECT_NO_THROW(read_checkpoint_extras(out));
    const int temporaries = temporaries_of(out);
    EXPECT_LE(temporaries, 1);
    mid_write += temporaries;
  });
  EXPECT_GT(killed, kIterations / 2) << "most runs should be killed mid-way";
  std::cout << "[ kill     ] train: " << killed << " of " << kIterations << " runs killed, "
            << mid_write << " while writing a checkpoint; every checkpoint left loaded\n";
}

TEST_F(KillTest, AttributesLeaveTheOldCheckpointOrTheNewOne) {
  const std::string out = dir_->file("analysed.llckpt");
  fs::copy_file(dir_->file("base.llckpt"), out, fs::copy_options::overwrite_existing);
  const std::vector<std::string> argv{cli(),       "attributes", out,        "--data",
                                      data_spec(), "--no-cache", "--device", "cpu"};
  const double seconds = full_run(argv);
  ASSERT_EQ(load_model(out, "cpu").info.attributes.size(), size_t(kClasses));
  fs::copy_file(dir_->file("base.llckpt"), out, fs::copy_options::overwrite_existing);
  const int killed = kill_repeatedly(argv, seconds, 2, [&] {
    ASSERT_TRUE(fs::exists(out)) << "the checkpoint vanished";
    const auto info = load_model(out, "cpu").info;
    // Old (no attributes) or new (one per class), never a mix or a broken file.
    EXPECT_TRUE(info.attributes.empty() || info.attributes.size() == size_t(kClasses));
    EXPECT_LE(temporaries_of(out), 1);
  });
  EXPECT_GT(killed, kIterations / 2);
  std::cout << "[ kill     ] attributes: " << killed << " of " << kIterations << " runs killed\n";
}

TEST_F(KillTest, InterpolationExportsAreWholeOrAbsent) {
  const std::string strip = dir_->file("strip.png"), gif = dir_->file("strip.gif");
  const std::vector<std::string> argv{cli(),
                                      "interpolate",
                                      dir_->file("base.llckpt"),
                                      "--from",
                                      "seed:1",
                                      "--to",
                                      "seed:2",
                                      "--steps",
                                      std::to_string(kSteps),
                                      "--scale",
                                      "8",
                                      "--device",
                                      "cpu",
                                      "--out",
                                      strip,
                                      "--gif",
                                      gif};
  const double seconds = full_run(argv);
  fs::remove(strip);
  fs::remove(gif);
  const int killed = kill_repeatedly(argv, seconds, 3, [&] {
    if (fs::exists(strip)) {
      const auto png = decode_png_bytes(read_file(strip));
      EXPECT_EQ(png.size(0), 8 * (kSide + 4));  // the strip's height with its 2-pixel border
    }
    if (fs::exists(gif)) EXPECT_TRUE(gif_loads(gif, kSteps));
    EXPECT_LE(temporaries_of(strip), 1);
    EXPECT_LE(temporaries_of(gif), 1);
  });
  EXPECT_GT(killed, kIterations / 2);
  std::cout << "[ kill     ] interpolate: " << killed << " of " << kIterations << " runs killed\n";
}
