// Reading images of any shape into the model's shape, and PNG writing.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/io/atomic_file.h"
#include "core/io/crc32.h"
#include "core/model/pixels.h"
#include "tests/core/error_of.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

std::string be32(uint32_t v) {
  return {char(v >> 24), char((v >> 16) & 0xff), char((v >> 8) & 0xff), char(v & 0xff)};
}

// A PNG signature and IHDR chunk claiming width x height, then IEND: no pixel data at all.
std::string png_header_only(uint32_t width, uint32_t height) {
  const std::string ihdr =
      "IHDR" + be32(width) + be32(height) + std::string("\x08\x00\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + ihdr + be32(crc32(ihdr)) + be32(0) +
         "IEND" + be32(crc32("IEND"));
}

}  // namespace

TEST(ImageIo, GreyImageOfTheModelSizeReadsExactly) {
  TempDir dir;
  cv::Mat grey(4, 5, CV_8U);
  for (int i = 0; i < 20; ++i) grey.data[i] = uchar(i * 13);
  ASSERT_TRUE(cv::imwrite(dir.file("g.png"), grey));
  const auto x = read_image(dir.file("g.png"), {1, 4, 5}, {0.0f, 1.0f});
  ASSERT_EQ(x.sizes(), (torch::IntArrayRef{1, 4, 5}));
  for (int i = 0; i < 20; ++i) EXPECT_FLOAT_EQ(x[0][i / 5][i % 5].item<float>(), i * 13 / 255.0f);
  // Back to 8 bits: the same pixels.
  EXPECT_TRUE(torch::equal(to_uint8_hwc(x, {0.0f, 1.0f}).squeeze(2),
                           torch::from_blob(grey.data, {4, 5}, torch::kUInt8)));
  // [-1, 1] range: 0 -> -1, 255 -> 1.
  const auto t = read_image(dir.file("g.png"), {1, 4, 5}, {-1.0f, 1.0f});
  EXPECT_FLOAT_EQ(t[0][0][0].item<float>(), -1.0f);
  EXPECT_TRUE(torch::allclose(t, x * 2 - 1, 0, 1e-6));
}

TEST(ImageIo, ColourIsRgbAndConvertsToGrey) {
  TempDir dir;
  // OpenCV stores BGR: this is a pure-ish orange (R 255, G 128, B 0).
  cv::Mat bgr(6, 6, CV_8UC3, cv::Scalar(0, 128, 255));
  ASSERT_TRUE(cv::imwrite(dir.file("c.png"), bgr));
  const auto rgb = read_image(dir.file("c.png"), {3, 6, 6}, {0.0f, 1.0f});
  EXPECT_FLOAT_EQ(rgb[0][2][3].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(rgb[1][2][3].item<float>(), 128 / 255.0f);
  EXPECT_FLOAT_EQ(rgb[2][2][3].item<float>(), 0.0f);
  // Grey by ITU-R BT.601 weights.
  const auto grey = read_image(dir.file("c.png"), {1, 6, 6}, {0.0f, 1.0f});
  EXPECT_NEAR(grey[0][0][0].item<float>(), (0.299f * 255 + 0.587f * 128) / 255.0f, 1e-5);
  // Grey file into an RGB model: three equal channels.
  cv::Mat g(6, 6, CV_8U, cv::Scalar(77));
  ASSERT_TRUE(cv::imwrite(dir.file("g.png"), g));
  const auto three = read_image(dir.file("g.png"), {3, 6, 6}, {0.0f, 1.0f});
  EXPECT_TRUE(torch::allclose(three, torch::full({3, 6, 6}, 77 / 255.0f)));
}

TEST(ImageIo, CentreCropsToTheAspectRatioThenResizes) {
  TempDir dir;
  // 60 wide x 20 high: black | white | black thirds. The square centre crop is all white.
  cv::Mat wide(20, 60, CV_8U, cv::Scalar(0));
  wide(cv::Rect(20, 0, 20, 20)).setTo(255);
  ASSERT_TRUE(cv::imwrite(dir.file("wide.png"), wide));
  EXPECT_TRUE(
      torch::equal(read_image(dir.file("wide.png"), {1, 10, 10}, {}), torch::ones({1, 10, 10})));
  // Tall image, 2:1 target (width 8, height 4): the crop is the middle 20x10 band.
  cv::Mat tall(40, 20, CV_8U, cv::Scalar(0));
  tall(cv::Rect(0, 15, 20, 10)).setTo(255);
  EXPECT_TRUE(cv::imwrite(dir.file("tall.png"), tall));
  EXPECT_TRUE(
      torch::equal(read_image(dir.file("tall.png"), {1, 4, 8}, {}), torch::ones({1, 4, 8})));
  // Shrinking averages (INTER_AREA): a 2x2 checkerboard of 0/255 blocks becomes mid grey.
  cv::Mat checker(8, 8, CV_8U, cv::Scalar(0));
  checker(cv::Rect(0, 0, 4, 4)).setTo(255);
  checker(cv::Rect(4, 4, 4, 4)).setTo(255);
  ASSERT_TRUE(cv::imwrite(dir.file("checker.png"), checker));
  EXPECT_TRUE(torch::allclose(read_image(dir.file("checker.png"), {1, 1, 1}, {}),
                              torch::full({1, 1, 1}, 0.5f)));
  // Enlarging a tiny image works too.
  EXPECT_EQ(read_image(dir.file("checker.png"), {1, 28, 28}, {}).sizes(),
            (torch::IntArrayRef{1, 28, 28}));
}

TEST(ImageIo, SixteenBitAndAlphaAreHandled) {
  TempDir dir;
  cv::Mat deep(3, 3, CV_16U, cv::Scalar(65535));
  deep.at<uint16_t>(1, 1) = 32768;
  ASSERT_TRUE(cv::imwrite(dir.file("deep.png"), deep));
  const auto x = read_image(dir.file("deep.png"), {1, 3, 3}, {});
  EXPECT_FLOAT_EQ(x[0][0][0].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(x[0][1][1].item<float>(), 32768 / 65535.0f);
  // BGRA with alpha 0: the colour is kept, alpha dropped.
  cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(10, 20, 30, 0));
  ASSERT_TRUE(cv::imwrite(dir.file("alpha.png"), bgra));
  const auto rgb = read_image(dir.file("alpha.png"), {3, 2, 2}, {});
  EXPECT_FLOAT_EQ(rgb[0][0][0].item<float>(), 30 / 255.0f);
  EXPECT_FLOAT_EQ(rgb[2][1][1].item<float>(), 10 / 255.0f);
  // A JPEG reads as well (lossy: a flat grey stays close).
  cv::Mat flat(16, 16, CV_8UC3, cv::Scalar(100, 100, 100));
  ASSERT_TRUE(cv::imwrite(dir.file("flat.jpg"), flat));
  EXPECT_TRUE(torch::allclose(read_image(dir.file("flat.jpg"), {1, 8, 8}, {}),
                              torch::full({1, 8, 8}, 100 / 255.0f), 0, 3 / 255.0));
}

TEST(ImageIo, BadFilesNameThePathAndTheProblem) {
  TempDir dir;
  const ImageShape shape{1, 28, 28};
  auto starts_with_path = [](const std::string& message, const std::string& path) {
    return message.find(path) != std::string::npos &&
           message.find(path) <= 1;  // "PATH" or "'PATH'"
  };
  const auto missing = error_of<ImageError>([&] { read_image(dir.file("none.png"), shape, {}); });
  EXPECT_TRUE(starts_with_path(missing, dir.file("none.png"))) << missing;
  EXPECT_NE(missing.find("no such file"), std::string::npos) << missing;

  write_file_atomically(dir.file("empty.png"), "");
  EXPECT_EQ(error_of<ImageError>([&] { read_image(dir.file("empty.png"), shape, {}); }),
            dir.file("empty.png") + ": empty file");

  write_file_atomically(dir.file("text.png"), "this is not an image");
  const auto text = error_of<ImageError>([&] { read_image(dir.file("text.png"), shape, {}); });
  EXPECT_EQ(text.rfind(dir.file("text.png") + ": not an image", 0), 0u) << text;

  // A header claiming 100000 x 100000 pixels is refused before anything is decoded.
  write_file_atomically(dir.file("bomb.png"), png_header_only(100000, 100000));
  const auto bomb = error_of<ImageError>([&] { read_image(dir.file("bomb.png"), shape, {}); });
  EXPECT_NE(bomb.find("larger than the limit"), std::string::npos) << bomb;

  // A valid header with no pixel data is still not an image.
  write_file_atomically(dir.file("hollow.png"), png_header_only(10, 10));
  EXPECT_EQ(error_of<ImageError>([&] {
              read_image(dir.file("hollow.png"), shape, {});
            }).rfind(dir.file("hollow.png"), 0),
            0u);

  const auto folder = error_of<ImageError>([&] { read_image(dir.path(), shape, {}); });
  EXPECT_NE(folder.find("folder"), std::string::npos) << folder;
  EXPECT_THROW(read_image(dir.file("x.png"), {2, 28, 28}, {}), InputError);
}

TEST(ImageIo, PngBytesAreDeterministicAndDecodeBack) {
  torch::manual_seed(0);
  const auto image = torch::rand({3, 7, 5}) * 2 - 1;
  const OutputRange range{-1.0f, 1.0f};
  const auto bytes = encode_png(image, range);
  EXPECT_EQ(bytes, encode_png(image.clone(), range));
  EXPECT_TRUE(torch::equal(decode_png_bytes(bytes), to_uint8_hwc(image, range)));
  // scale 3: each pixel becomes a 3x3 block.
  const auto big = decode_png_bytes(encode_png(image, range, 3));
  ASSERT_EQ(big.sizes(), (torch::IntArrayRef{21, 15, 3}));
  const auto small = to_uint8_hwc(image, range);
  EXPECT_TRUE(torch::equal(big.slice(0, 6, 9).slice(1, 3, 6), small[2][1].expand({3, 3, 3})));
  // Grey images stay one channel.
  EXPECT_EQ(decode_png_bytes(encode_png(torch::zeros({1, 4, 4}), {})).size(2), 1);
  EXPECT_THROW(encode_png(image, range, 0), InputError);
  EXPECT_THROW(decode_png_bytes("nope"), ImageError);
}

TEST(ImageIo, WritePngIsAtomicAndReportsBadFolders) {
  TempDir dir;
  const auto image = torch::full({1, 3, 3}, 0.5f);
  write_png(dir.file("a.png"), image, {});
  EXPECT_EQ(read_file(dir.file("a.png")), encode_png(image, {}));
  EXPECT_EQ(cv::imread(dir.file("a.png"), cv::IMREAD_UNCHANGED).at<uchar>(1, 1), 128);
  EXPECT_THROW(write_png(dir.file("missing/a.png"), image, {}), WriteError);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}
