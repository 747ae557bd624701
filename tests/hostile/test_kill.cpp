// No lost work: a SIGKILL that lands in the middle of a write leaves the old file or the new one,
// never a torn one, and a later run removes the torn temporary the killed writer left behind.
//
// The kills land inside writes on purpose: the commands run with LATENTLAB_TEST_WRITE_PAUSE_MS
// (core/io/atomic_file.h), which makes every atomic write pause once half of its temporary file
// is written. The test waits until the chosen write of the chosen file is paused there (its
// temporary holds bytes), reads what the target holds at that moment, and kills the command.
// Then:
// - the target holds exactly the bytes it held before the kill (absent stays absent), and they
//   load completely;
// - the killed write's temporary is still there and does not load (it is torn: the kill really
//   interrupted the write);
// - a later run of the command, without the pause, writes the new file, which loads, and leaves
//   no temporary of the target (the orphan was removed).
// Writers killed: latentlab-cli train (its checkpoint after epoch 1 and after epoch 2),
// attributes (the checkpoint it updates), interpolate (the GIF, then the PNG strip) and core's
// session writer (write_session: File > Save Session; autosave uses the same atomic writer), run
// by this executable itself as a child process.
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint_file.h"
#include "core/io/session.h"
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
constexpr int kSteps = 10;  // interpolation frames
// Long enough that the test sees the paused write and kills it long before the pause ends, even
// on a loaded machine; each write the test lets through costs this much.
constexpr const char* kPause = "LATENTLAB_TEST_WRITE_PAUSE_MS=3000";
constexpr const char* kWriteSession = "--write-session";  // this executable as the session writer
constexpr int64_t kSessionLatent = 1000;

using Clock = std::chrono::steady_clock;

// Temporaries of path (".NAME.tmp-PID-RANDOM.EXT" beside it; strip.png and strip.gif have their
// own).
std::vector<fs::path> temporaries_of(const std::string& path) {
  const fs::path target(path);
  const std::string prefix = "." + target.stem().string() + ".tmp-";
  std::vector<fs::path> found;
  for (const auto& f : fs::directory_iterator(target.parent_path()))
    if (f.path().filename().string().rfind(prefix, 0) == 0 &&
        f.path().extension() == target.extension())
      found.push_back(f.path());
  return found;
}

std::optional<std::string> bytes_of(const std::string& path) {
  if (!fs::exists(path)) return std::nullopt;
  return read_file(path);
}

bool gif_loads(const std::string& path, int frames) {
  int error = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
  if (!gif) return false;
  const bool ok = DGifSlurp(gif) == GIF_OK && gif->ImageCount == frames;
  DGifCloseFile(gif, &error);
  return ok;
}

bool png_loads(const std::string& path) {
  try {
    return decode_png_bytes(read_file(path)).numel() > 0;
  } catch (const Error&) {
    return false;
  }
}

bool checkpoint_loads(const std::string& path) {
  try {
    load_model(path, "cpu");
    return true;
  } catch (const Error&) {
    return false;
  }
}

Session test_session(int seed) {
  Session s;
  s.model_path = "/models/killed.llckpt";
  for (int64_t i = 0; i < kSessionLatent; ++i) s.latent.push_back(float(seed) + float(i) / 7.0f);
  return s;
}

bool session_loads(const std::string& path) {
  try {
    read_session(path);
    return true;
  } catch (const Error&) {
    return false;
  }
}

// What a kill during a write left.
struct Kill {
  std::optional<std::string> before;  // the target's bytes when the write was paused
  fs::path temporary;                 // the killed write's temporary file
};

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

  // Runs argv to the end, without the pause; it must succeed.
  static void run(const std::vector<std::string>& argv) {
    test::ChildProcess child(argv, dir_->path(), dir_->file("out.txt"), dir_->file("err.txt"));
    const int status = child.wait();
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << test::slurp(dir_->file("err.txt"));
  }

  // Runs argv with the write pause, waits until its nth write of target (1 = the first) is
  // paused half-way, notes what target holds then, and kills the command with SIGKILL.
  static Kill kill_during_write(const std::vector<std::string>& argv, const std::string& target,
                                size_t nth) {
    const auto orphans = temporaries_of(target);  // left by earlier kills: not this run's writes
    test::ChildProcess child(argv, dir_->path(), dir_->file("out.txt"), dir_->file("err.txt"),
                             {kPause});
    std::vector<fs::path> seen;  // this run's temporaries of target holding bytes, in order
    while (seen.size() < nth) {
      if (child.finished()) {
        ADD_FAILURE() << "the command ended before write " << nth << " of " << target << ": "
                      << test::slurp(dir_->file("err.txt"));
        return {};
      }
      for (const auto& t : temporaries_of(target)) {
        std::error_code ec;
        const auto known = [&](const std::vector<fs::path>& list) {
          return std::find(list.begin(), list.end(), t) != list.end();
        };
        if (fs::file_size(t, ec) > 0 && !ec && !known(seen) && !known(orphans)) seen.push_back(t);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    Kill kill{bytes_of(target), seen.back()};
    child.kill_hard();
    child.wait();
    // Compared as booleans: gtest would print both files' bytes.
    EXPECT_TRUE(bytes_of(target) == kill.before)
        << target << " changed: the kill was not mid-write";
    std::error_code ec;
    const auto torn_bytes = fs::file_size(kill.temporary, ec);
    EXPECT_FALSE(ec) << "the killed write left no temporary";
    std::cout << "[ kill     ] " << fs::path(target).filename().string() << ", write " << nth
              << ": killed with " << torn_bytes << " bytes in its temporary; the target "
              << (kill.before ? "held its " + std::to_string(kill.before->size()) + " old bytes"
                              : "stayed absent")
              << std::endl;
    return kill;
  }

  // After the later, complete run: nothing of target's temporaries is left.
  static void expect_no_temporaries(const std::string& target) {
    EXPECT_TRUE(temporaries_of(target).empty()) << "an orphaned temporary of " << target;
  }

  static std::string cli() { return LATENTLAB_CLI; }
  static TempDir* dir_;
};

TempDir* KillTest::dir_ = nullptr;

}  // namespace

TEST_F(KillTest, TrainKeepsTheLastFinishedEpoch) {
  const std::string out = dir_->file("trained.llckpt");
  std::vector<std::string> argv{
      cli(), "train",        "vae", "--data",   data_spec(), "--epochs",
      "2",   "--channels",   "4,8", "--hidden", "0",         "--latent-dim",
      "3",   "--batch-size", "16",  "--out",    out};
  // The first checkpoint: killed before anything existed, nothing is left.
  const Kill first = kill_during_write(argv, out, 1);
  EXPECT_FALSE(first.before.has_value());
  EXPECT_FALSE(checkpoint_loads(first.temporary.string())) << "the temporary is not torn";
  // The second: epoch 1's checkpoint stays, whole and resumable. This run's first write removed
  // the first kill's temporary.
  const Kill second = kill_during_write(argv, out, 2);
  ASSERT_TRUE(second.before.has_value());
  EXPECT_FALSE(fs::exists(first.temporary));
  EXPECT_TRUE(checkpoint_loads(out));
  EXPECT_EQ(read_checkpoint_extras(out).meta.at("train").at("epochs_done"), 1);
  EXPECT_FALSE(checkpoint_loads(second.temporary.string())) << "the temporary is not torn";
  // Resuming finishes epoch 2 and removes the killed writes' temporaries.
  argv.push_back("--resume");
  run(argv);
  EXPECT_EQ(read_checkpoint_extras(out).meta.at("train").at("epochs_done"), 2);
  EXPECT_TRUE(checkpoint_loads(out));
  expect_no_temporaries(out);
}

TEST_F(KillTest, AttributesLeaveTheOldCheckpointOrTheNewOne) {
  const std::string out = dir_->file("analysed.llckpt");
  fs::copy_file(dir_->file("base.llckpt"), out, fs::copy_options::overwrite_existing);
  const std::vector<std::string> argv{cli(),       "attributes", out,        "--data",
                                      data_spec(), "--no-cache", "--device", "cpu"};
  const Kill kill = kill_during_write(argv, out, 1);
  EXPECT_TRUE(kill.before == read_file(dir_->file("base.llckpt")));
  EXPECT_TRUE(load_model(out, "cpu").info.attributes.empty());
  EXPECT_FALSE(checkpoint_loads(kill.temporary.string())) << "the temporary is not torn";
  run(argv);
  EXPECT_EQ(load_model(out, "cpu").info.attributes.size(), size_t(kClasses));
  expect_no_temporaries(out);
}

TEST_F(KillTest, InterpolationExportsAreOldOrNew) {
  const std::string strip = dir_->file("strip.png"), gif = dir_->file("strip.gif");
  const auto interpolate = [&](const char* from, const char* to) {
    return std::vector<std::string>{cli(),
                                    "interpolate",
                                    dir_->file("base.llckpt"),
                                    "--from",
                                    from,
                                    "--to",
                                    to,
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
  };
  run(interpolate("seed:1", "seed:2"));  // the old exports
  const std::string old_strip = read_file(strip), old_gif = read_file(gif);
  const auto argv = interpolate("seed:3", "seed:4");
  // The GIF is written first: killed while writing it, both old files stay.
  const Kill in_gif = kill_during_write(argv, gif, 1);
  EXPECT_TRUE(read_file(gif) == old_gif);
  EXPECT_TRUE(read_file(strip) == old_strip);
  EXPECT_FALSE(gif_loads(in_gif.temporary.string(), kSteps)) << "the temporary is not torn";
  // Killed while writing the strip: the new GIF is complete, the old strip stays.
  const Kill in_strip = kill_during_write(argv, strip, 1);
  EXPECT_TRUE(in_strip.before == old_strip);
  EXPECT_TRUE(read_file(gif) != old_gif);
  EXPECT_TRUE(gif_loads(gif, kSteps));
  EXPECT_TRUE(png_loads(strip));
  EXPECT_FALSE(png_loads(in_strip.temporary.string())) << "the temporary is not torn";
  EXPECT_FALSE(fs::exists(in_gif.temporary)) << "the new GIF's write left the old orphan";
  run(argv);
  EXPECT_TRUE(read_file(strip) != old_strip);
  EXPECT_TRUE(png_loads(strip));
  EXPECT_TRUE(gif_loads(gif, kSteps));
  expect_no_temporaries(strip);
  expect_no_temporaries(gif);
}

TEST_F(KillTest, SessionSaveKeepsTheOldSession) {
  const std::string path = dir_->file("session.json");
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  run({self, kWriteSession, path, "1"});
  const std::string old_session = read_file(path);
  const Kill kill = kill_during_write({self, kWriteSession, path, "2"}, path, 1);
  EXPECT_TRUE(kill.before == old_session);
  EXPECT_EQ(read_session(path).latent, test_session(1).latent);
  EXPECT_FALSE(session_loads(kill.temporary.string())) << "the temporary is not torn";
  run({self, kWriteSession, path, "2"});
  EXPECT_EQ(read_session(path).latent, test_session(2).latent);
  expect_no_temporaries(path);
}

// Also the session writer the kill test starts and kills: core's write_session, as File > Save
// Session calls it (`kill_tests --write-session PATH SEED`).
int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == kWriteSession) {
    try {
      write_session(argv[2], test_session(std::stoi(argv[3])));
      return 0;
    } catch (const Error& e) {
      std::cerr << e.what() << "\n";
      return 1;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
