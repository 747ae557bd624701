// Seeded latents: reproducible, equal to PyTorch's, truncation by resampling.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/analysis/sampling.h"
#include "core/common/error.h"

using namespace latentlab;

TEST(Sampling, SameSeedSameLatentsWhateverTheGlobalRng) {
  torch::manual_seed(1);
  const auto a = latents_from_seed(123, 4, 6);
  torch::manual_seed(999);
  torch::randn({100});
  const auto b = latents_from_seed(123, 4, 6);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::equal(a, latents_from_seed(124, 4, 6)));
  EXPECT_EQ(a.sizes(), (torch::IntArrayRef{4, 6}));
  EXPECT_EQ(a.scalar_type(), torch::kFloat32);
}

TEST(Sampling, EqualsPyTorchGeneratorOutput) {
  // /usr/bin/python3: torch.randn(2, 5, generator=torch.Generator().manual_seed(42)).tolist()
  const auto z = latents_from_seed(42, 2, 5);
  const auto expected =
      torch::tensor({0.33669036626815796f, 0.12880940735340118f, 0.23446236550807953f,
                     0.23033303022384644f, -1.1228563785552979f, -0.18632829189300537f,
                     2.2082014083862305f, -0.637997031211853f, 0.46165722608566284f,
                     0.2673508822917938f})
          .reshape({2, 5});
  EXPECT_TRUE(torch::allclose(z, expected, 0, 1e-7)) << z;
  // torch.randn(1, 3, generator=torch.Generator().manual_seed(7))
  EXPECT_TRUE(torch::allclose(
      latents_from_seed(7, 1, 3),
      torch::tensor({{-0.1467950940132141f, 0.7861412763595581f, 0.9468216300010681f}}), 0, 1e-7));
}

TEST(Sampling, TruncationResamplesOnlyTheValuesOutside) {
  const auto plain = latents_from_seed(5, 50, 16);
  const auto cut = latents_from_seed(5, 50, 16, 0.7);
  EXPECT_LE(cut.abs().max().item<float>(), 0.7f);
  const auto inside = plain.abs() <= 0.7f;
  EXPECT_TRUE(torch::equal(cut.masked_select(inside), plain.masked_select(inside)));
  // Resampled, not clamped: hardly any value sits exactly on the limit.
  EXPECT_LT((cut.abs() == 0.7f).sum().item<int64_t>(), 2);
  EXPECT_TRUE(torch::equal(cut, latents_from_seed(5, 50, 16, 0.7)));
}

TEST(Sampling, TinyTruncationStillEnds) {
  const auto z = latents_from_seed(1, 20, 20, 1e-4);
  EXPECT_LE(z.abs().max().item<float>(), 1e-4f);
}

TEST(Sampling, RejectsBadArguments) {
  EXPECT_THROW(latents_from_seed(0, 0, 3), InputError);
  EXPECT_THROW(latents_from_seed(0, 1, 0), InputError);
  EXPECT_THROW(latents_from_seed(0, 1, 3, -1.0), InputError);
  EXPECT_THROW(latents_from_seed(0, 1, 3, NAN), InputError);
}
