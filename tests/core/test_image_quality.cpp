// SSIM against an independent implementation (SciPy's Gaussian filter, scikit-image's formula and
// crop) and the closed form for flat images.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/image/image_quality.h"
#include "tests/core/python_reference.h"

using namespace latentlab;

namespace {

// Smooth random images [C, H, W] in [0, 1]: upsampled noise, so the windows see structure.
torch::Tensor smooth_image(int64_t c, int64_t h, int64_t w, uint64_t seed) {
  torch::manual_seed(seed);
  const auto coarse = torch::rand({1, c, h / 4 + 1, w / 4 + 1}, torch::kFloat64);
  namespace F = torch::nn::functional;
  return F::interpolate(coarse, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{h, w})
                                    .mode(torch::kBilinear)
                                    .align_corners(false))[0];
}

}  // namespace

TEST(Ssim, AnImageWithItselfIsOne) {
  const auto x = smooth_image(3, 32, 32, 1);
  EXPECT_NEAR(ssim(x, x), 1.0, 1e-12);
}

TEST(Ssim, FlatImagesFollowTheClosedForm) {
  // Zero variance: the contrast-structure factor is C2 / C2, the luminance one is left.
  const double a = 0.3, b = 0.7, c1 = 0.01 * 0.01;
  const auto x = torch::full({1, 16, 16}, a, torch::kFloat64);
  const auto y = torch::full({1, 16, 16}, b, torch::kFloat64);
  EXPECT_NEAR(ssim(x, y), (2 * a * b + c1) / (a * a + b * b + c1), 1e-12);
}

TEST(Ssim, MatchesScipyOnNoisyAndBlurredImages) {
  const auto x = smooth_image(3, 40, 52, 2);
  torch::manual_seed(3);
  const auto noisy = (x + 0.1 * torch::randn_like(x)).clamp(0, 1);
  const auto darker = x * 0.6 + 0.1;
  const auto other = smooth_image(3, 40, 52, 4);
  std::string error;
  // scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5,
  // use_sample_covariance=False, data_range=1, channel_axis=0), written out with SciPy.
  const auto expected = run_python_reference(R"(
from scipy.ndimage import gaussian_filter
def ssim(a, b):
    f = lambda v: gaussian_filter(v, sigma=1.5, truncate=3.5, mode='reflect')
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    scores = []
    for x, y in zip(a, b):
        mx, my = f(x), f(y)
        vx, vy, cxy = f(x * x) - mx * mx, f(y * y) - my * my, f(x * y) - mx * my
        s = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2))
        scores.append(s[5:-5, 5:-5].mean())
    return np.mean(scores)
x, noisy, darker, other = inputs
output = [ssim(x, noisy), ssim(x, darker), ssim(x, other)]
)",
                                             {x, noisy, darker, other}, &error);
  ASSERT_TRUE(expected.defined()) << error;
  EXPECT_NEAR(ssim(x, noisy), expected[0].item<double>(), 1e-9);
  EXPECT_NEAR(ssim(x, darker), expected[1].item<double>(), 1e-9);
  EXPECT_NEAR(ssim(x, other), expected[2].item<double>(), 1e-9);
  // And the order a person would expect: noise hurts less than an unrelated image.
  EXPECT_GT(ssim(x, noisy), ssim(x, other));
  EXPECT_LT(ssim(x, noisy), 1.0);
}

TEST(Ssim, RefusesMismatchedOrTinyImages) {
  EXPECT_THROW(ssim(torch::zeros({3, 16, 16}), torch::zeros({3, 16, 17})), InputError);
  EXPECT_THROW(ssim(torch::zeros({3, 8, 8}), torch::zeros({3, 8, 8})), InputError);
  EXPECT_THROW(ssim(torch::zeros({16, 16}), torch::zeros({16, 16})), InputError);
}
