// image_bytes_problem: whole images written by OpenCV pass; damaged, truncated or oversized PNG,
// JPEG and BMP bytes are named before a decoder sees them.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/image/image_header.h"

using namespace latentlab;

namespace {

constexpr int64_t kLimit = 1000 * 1000;

std::string encoded(const char* extension) {
  cv::Mat image(20, 30, CV_8UC3);
  cv::randu(image, 0, 256);
  std::vector<uchar> bytes;
  cv::imencode(extension, image, bytes);
  return std::string(bytes.begin(), bytes.end());
}

bool says(const std::string& problem, const char* words) {
  return problem.find(words) != std::string::npos;
}

}  // namespace

TEST(ImageHeader, WholeImagesPass) {
  for (const char* ext : {".png", ".jpg", ".bmp", ".tiff"})
    EXPECT_EQ(image_bytes_problem(encoded(ext), kLimit), "") << ext;
  EXPECT_EQ(image_bytes_problem("not an image", kLimit), "");  // left to the decoder
}

TEST(ImageHeader, DamagedPngsAreNamed) {
  const std::string png = encoded(".png");
  EXPECT_TRUE(says(image_bytes_problem(png.substr(0, png.size() / 2), kLimit), "truncated PNG"));
  EXPECT_TRUE(says(image_bytes_problem(png.substr(0, 8), kLimit), "truncated PNG"));
  std::string flipped = png;
  flipped[png.size() / 2] ^= 0x10;  // inside IDAT
  EXPECT_TRUE(says(image_bytes_problem(flipped, kLimit), "fails its CRC-32 check"));
  EXPECT_TRUE(says(image_bytes_problem(png, 100), "30x20 pixels is larger than the limit"));
}

TEST(ImageHeader, DamagedJpegsAndBmpsAreNamed) {
  const std::string jpeg = encoded(".jpg");
  EXPECT_TRUE(says(image_bytes_problem(jpeg.substr(0, jpeg.size() - 4), kLimit), "truncated JPEG"));
  EXPECT_TRUE(says(image_bytes_problem(jpeg.substr(0, 3), kLimit), "truncated JPEG"));
  EXPECT_TRUE(says(image_bytes_problem(jpeg, 100), "30x20 pixels is larger than the limit"));
  const std::string bmp = encoded(".bmp");
  EXPECT_TRUE(says(image_bytes_problem(bmp, 100), "30x20 pixels is larger than the limit"));
  EXPECT_TRUE(says(image_bytes_problem(bmp.substr(0, 20), kLimit), "truncated BMP"));
}
