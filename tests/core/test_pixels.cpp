// Model images to 8-bit pixels, and grids.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"
#include "core/model/pixels.h"

using namespace latentlab;

TEST(Pixels, MapsTheRangeTo0To255WithRounding) {
  // One pixel per value, range [0, 1].
  const auto x = torch::tensor({0.0f, 1.0f, 0.5f, 0.2f, 2.0f, -3.0f, NAN}).reshape({1, 1, 7});
  const auto u = to_uint8_hwc(x, {0.0f, 1.0f});
  ASSERT_EQ(u.sizes(), (torch::IntArrayRef{1, 7, 1}));
  ASSERT_EQ(u.scalar_type(), torch::kUInt8);
  const std::vector<int> expected{0, 255, 128, 51, 255, 0, 0};  // 127.5 ties to even 128; 51.0
  for (int i = 0; i < 7; ++i) EXPECT_EQ(u[0][i][0].item<int>(), expected[size_t(i)]) << i;
}

TEST(Pixels, TanhRangeMapsMinusOneToZero) {
  const auto x = torch::tensor({-1.0f, 0.0f, 1.0f}).reshape({1, 1, 3});
  const auto u = to_uint8_hwc(x, {-1.0f, 1.0f});
  EXPECT_EQ(u[0][0][0].item<int>(), 0);
  EXPECT_EQ(u[0][1][0].item<int>(), 128);
  EXPECT_EQ(u[0][2][0].item<int>(), 255);
}

TEST(Pixels, RandomImageMatchesAnIndependentLoopAndIsHwc) {
  torch::manual_seed(0);
  const auto x = torch::rand({3, 5, 4}) * 1.4f - 0.2f;
  const auto u = to_uint8_hwc(x, {0.0f, 1.0f});
  ASSERT_EQ(u.sizes(), (torch::IntArrayRef{5, 4, 3}));
  ASSERT_TRUE(u.is_contiguous());
  const auto* p = u.data_ptr<uint8_t>();
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t y = 0; y < 5; ++y)
      for (int64_t xx = 0; xx < 4; ++xx) {
        const float v = std::clamp(x[c][y][xx].item<float>(), 0.0f, 1.0f);
        EXPECT_EQ(p[(y * 4 + xx) * 3 + c], int(std::nearbyint(v * 255.0f)));
      }
}

TEST(Pixels, RejectsOtherShapes) {
  EXPECT_THROW(to_uint8_hwc(torch::zeros({2, 4, 4}), {}), InputError);
  EXPECT_THROW(to_uint8_hwc(torch::zeros({1, 1, 4, 4}), {}), InputError);
}

TEST(Pixels, GridPlacesTilesLikeTorchvision) {
  // Three 2x3 images with values 1, 2, 3 in two columns, padding 1, pad value 9.
  const auto images =
      torch::arange(1, 4, torch::kFloat32).reshape({3, 1, 1, 1}).expand({3, 1, 2, 3});
  const auto grid = make_grid(images, 2, 1, 9.0f);
  ASSERT_EQ(grid.sizes(), (torch::IntArrayRef{1, 1 + 2 * 3, 1 + 2 * 4}));
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t y = 1 + (i / 2) * 3, x = 1 + (i % 2) * 4;
    EXPECT_TRUE(torch::equal(grid[0].narrow(0, y, 2).narrow(1, x, 3), images[i][0])) << i;
  }
  // The empty fourth cell and the borders hold the pad value.
  EXPECT_TRUE((grid[0].narrow(0, 4, 2).narrow(1, 5, 3) == 9).all().item<bool>());
  EXPECT_TRUE((grid[0][0] == 9).all().item<bool>());
  EXPECT_EQ(grid.sum().item<float>(), 6 * (1 + 2 + 3) + 9 * (7 * 9 - 18));
}

TEST(Pixels, GridWithMoreColumnsThanImagesIsOneRow) {
  const auto grid = make_grid(torch::zeros({2, 3, 4, 5}), 10, 2);
  EXPECT_EQ(grid.sizes(), (torch::IntArrayRef{3, 2 + 6, 2 + 2 * 7}));
  const auto tight = make_grid(torch::zeros({4, 1, 4, 5}), 2, 0);
  EXPECT_EQ(tight.sizes(), (torch::IntArrayRef{1, 8, 10}));
}

TEST(Pixels, SquareGridColumns) {
  EXPECT_EQ(square_grid_columns(1), 1);
  EXPECT_EQ(square_grid_columns(2), 2);
  EXPECT_EQ(square_grid_columns(4), 2);
  EXPECT_EQ(square_grid_columns(5), 3);
  EXPECT_EQ(square_grid_columns(10), 4);
  EXPECT_EQ(square_grid_columns(100), 10);
  EXPECT_EQ(square_grid_columns(101), 11);
}
