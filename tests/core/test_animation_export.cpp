// Frames, GIFs and MP4s read back with giflib, OpenCV's imread and VideoCapture.
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "core/common/error.h"
#include "core/image/animation_export.h"
#include "core/io/atomic_file.h"
#include "core/model/pixels.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

// Frames whose brightness rises: frame i is filled with i / (n - 1), with a dark corner pixel.
torch::Tensor ramp_frames(int64_t n, int64_t c, int64_t h, int64_t w) {
  auto frames = torch::linspace(0, 1, n).reshape({n, 1, 1, 1}).expand({n, c, h, w}).clone();
  frames.select(2, 0).select(2, 0).fill_(0.0f);
  return frames;
}

struct Gif {
  GifFileType* file = nullptr;
  explicit Gif(const std::string& path) {
    int error = 0;
    file = DGifOpenFileName(path.c_str(), &error);
    if (file && DGifSlurp(file) != GIF_OK) {
      DGifCloseFile(file, &error);
      file = nullptr;
    }
  }
  ~Gif() {
    int error = 0;
    if (file) DGifCloseFile(file, &error);
  }
  // RGB of pixel (x, y) of frame f through the global palette.
  std::array<int, 3> pixel(int f, int x, int y) const {
    const auto& image = file->SavedImages[f];
    const int index = image.RasterBits[y * image.ImageDesc.Width + x];
    const auto& c = file->SColorMap->Colors[index];
    return {c.Red, c.Green, c.Blue};
  }
  bool loops() const {
    const auto& first = file->SavedImages[0];
    for (int i = 0; i < first.ExtensionBlockCount; ++i) {
      const auto& block = first.ExtensionBlocks[i];
      if (block.Function == APPLICATION_EXT_FUNC_CODE && block.ByteCount == 11 &&
          std::memcmp(block.Bytes, "NETSCAPE2.0", 11) == 0)
        return true;
    }
    return false;
  }
};

}  // namespace

TEST(AnimationExport, FramesAreNumberedPngsThatReadBack) {
  TempDir dir;
  const auto frames = ramp_frames(3, 3, 4, 6);
  const auto out = dir.file("frames/sub");
  write_frames(out, frames, {}, 2);
  for (int i = 0; i < 3; ++i) {
    const auto path = out + "/frame_00" + std::to_string(i) + ".png";
    cv::Mat image = cv::imread(path, cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(image.empty()) << path;
    EXPECT_EQ(image.cols, 12);
    EXPECT_EQ(image.rows, 8);
    const auto expected = to_uint8_hwc(frames[i], {});
    EXPECT_EQ(image.at<cv::Vec3b>(3, 5)[0], expected[1][2][2].item<uint8_t>());  // BGR vs RGB
    EXPECT_EQ(image.at<cv::Vec3b>(0, 0)[1], 0);
  }
  EXPECT_EQ(frame_file_name(7, 10), "frame_007.png");
  EXPECT_EQ(frame_file_name(7, 1500), "frame_0007.png");
  EXPECT_THROW(write_frames(dir.file("frames/sub/frame_000.png"), frames, {}), WriteError);
}

TEST(AnimationExport, GreyGifIsLosslessAndLoops) {
  TempDir dir;
  const auto frames = ramp_frames(5, 1, 6, 7);
  const auto path = dir.file("a.gif");
  write_gif(path, frames, {}, 120, 2);
  Gif gif(path);
  ASSERT_NE(gif.file, nullptr);
  ASSERT_EQ(gif.file->ImageCount, 5);
  EXPECT_EQ(gif.file->SWidth, 14);
  EXPECT_EQ(gif.file->SHeight, 12);
  EXPECT_TRUE(gif.loops());
  for (int f = 0; f < 5; ++f) {
    const int v = to_uint8_hwc(frames[f], {})[3][3][0].item<int>();
    EXPECT_EQ(gif.pixel(f, 7, 7), (std::array<int, 3>{v, v, v})) << f;
    EXPECT_EQ(gif.pixel(f, 1, 1), (std::array<int, 3>{0, 0, 0})) << f;
    GraphicsControlBlock gcb;
    ASSERT_EQ(DGifSavedExtensionToGCB(gif.file, f, &gcb), GIF_OK);
    EXPECT_EQ(gcb.DelayTime, 12);
  }
  // Same frames, same bytes; no loop extension when asked.
  const auto again = dir.file("b.gif");
  write_gif(again, frames, {}, 120, 2);
  EXPECT_EQ(read_file(path), read_file(again));
  write_gif(again, frames, {}, 120, 2, /*loop=*/false);
  EXPECT_FALSE(Gif(again).loops());
}

TEST(AnimationExport, ColourGifKeepsFewColoursExactlyAndQuantisesMany) {
  TempDir dir;
  // Few colours: red, green, blue frames in [-1, 1].
  auto few = torch::full({3, 3, 4, 4}, -1.0f);
  for (int i = 0; i < 3; ++i) few[i][i].fill_(1.0f);
  write_gif(dir.file("few.gif"), few, {-1.0f, 1.0f});
  Gif exact(dir.file("few.gif"));
  ASSERT_NE(exact.file, nullptr);
  ASSERT_EQ(exact.file->ImageCount, 3);
  EXPECT_EQ(exact.pixel(0, 2, 2), (std::array<int, 3>{255, 0, 0}));
  EXPECT_EQ(exact.pixel(1, 2, 2), (std::array<int, 3>{0, 255, 0}));
  EXPECT_EQ(exact.pixel(2, 2, 2), (std::array<int, 3>{0, 0, 255}));

  // Many colours: random noise goes through median cut; colours stay close on average.
  torch::manual_seed(0);
  const auto noise = torch::rand({4, 3, 16, 16});
  write_gif(dir.file("many.gif"), noise, {});
  Gif quantised(dir.file("many.gif"));
  ASSERT_NE(quantised.file, nullptr);
  ASSERT_EQ(quantised.file->ImageCount, 4);
  double error = 0;
  for (int f = 0; f < 4; ++f) {
    const auto expected = to_uint8_hwc(noise[f], {});
    for (int y = 0; y < 16; ++y)
      for (int x = 0; x < 16; ++x) {
        const auto p = quantised.pixel(f, x, y);
        for (int c = 0; c < 3; ++c) error += std::abs(p[size_t(c)] - expected[y][x][c].item<int>());
      }
  }
  EXPECT_LT(error / (4 * 16 * 16 * 3), 20.0);
}

TEST(AnimationExport, VideoReadsBackWithTheFrameCountAndSize) {
  TempDir dir;
  const auto frames = ramp_frames(6, 1, 7, 9);
  const auto path = dir.file("v.mp4");
  write_video(path, frames, {}, 5.0, 3);
  cv::VideoCapture capture(path, cv::CAP_FFMPEG);
  ASSERT_TRUE(capture.isOpened());
  int count = 0;
  cv::Mat frame;
  std::vector<double> brightness;
  while (capture.read(frame)) {
    ++count;
    EXPECT_EQ(frame.cols, 28);  // 27 padded to even
    EXPECT_EQ(frame.rows, 22);  // 21 padded to even
    brightness.push_back(cv::mean(frame(cv::Rect(6, 6, 15, 12)))[0]);
  }
  EXPECT_EQ(count, 6);
  // Lossy, but frame i is still about i / 5 of white.
  for (size_t i = 0; i < brightness.size(); ++i)
    EXPECT_NEAR(brightness[i], 255.0 * double(i) / 5.0, 12.0) << i;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(AnimationExport, BadArgumentsAndFoldersLeaveNothing) {
  TempDir dir;
  const auto frames = ramp_frames(2, 1, 4, 4);
  EXPECT_THROW(write_video(dir.file("v.avi"), frames, {}), InputError);
  EXPECT_THROW(write_video(dir.file("missing/v.mp4"), frames, {}), WriteError);
  EXPECT_THROW(write_gif(dir.file("missing/a.gif"), frames, {}), WriteError);
  EXPECT_THROW(write_gif(dir.file("a.gif"), torch::zeros({2, 2, 4, 4}), {}), InputError);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}
