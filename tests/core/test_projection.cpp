// PCA against torch's SVD and closed forms; two chosen dimensions; slider axes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/analysis/projection.h"
#include "core/common/error.h"

using namespace latentlab;

namespace {

// Latents with known principal axes: independent N(0, s_i^2) columns rotated by an orthonormal R.
torch::Tensor rotated_gaussian(int64_t n, const std::vector<double>& sd, torch::Tensor* rotation) {
  const int64_t d = static_cast<int64_t>(sd.size());
  auto q = std::get<0>(torch::linalg_qr(torch::randn({d, d}, torch::kFloat64)));
  if (rotation) *rotation = q;
  return torch::matmul(torch::randn({n, d}, torch::kFloat64) * torch::tensor(sd, torch::kFloat64),
                       q.t()) +
         torch::arange(d, torch::kFloat64);  // a non-zero mean
}

}  // namespace

TEST(Projection, PcaMatchesTorchSvdOfTheCentredData) {
  torch::manual_seed(0);
  const auto z = rotated_gaussian(2000, {3.0, 2.0, 1.0, 0.5, 0.1}, nullptr).to(torch::kFloat32);
  const auto p = fit_pca(z, 0);  // all components
  ASSERT_EQ(p.components.sizes(), (torch::IntArrayRef{5, 5}));
  const auto x = z.to(torch::kFloat64);
  const auto centred = x - x.mean(0);
  const auto [u, s, vh] = torch::linalg_svd(centred, /*full_matrices=*/false, c10::nullopt);
  const auto variance = s.pow(2) / (x.size(0) - 1);
  EXPECT_TRUE(torch::allclose(p.explained_variance, variance, 1e-9, 1e-12))
      << p.explained_variance << variance;
  EXPECT_TRUE(torch::allclose(p.explained_variance_ratio, variance / variance.sum(), 1e-9, 1e-12));
  EXPECT_NEAR(p.explained_variance_ratio.sum().item<double>(), 1.0, 1e-12);
  // Same directions up to sign: |<pca row, svd row>| = 1.
  const auto cosines = (p.components * vh).sum(1).abs();
  EXPECT_TRUE(torch::allclose(cosines, torch::ones({5}, torch::kFloat64), 0, 1e-8)) << cosines;
  EXPECT_TRUE(torch::allclose(torch::matmul(p.components, p.components.t()),
                              torch::eye(5, torch::kFloat64), 0, 1e-12));
}

TEST(Projection, PcaRecoversKnownAxesAndVariances) {
  torch::manual_seed(1);
  torch::Tensor rotation;
  const auto z = rotated_gaussian(20000, {4.0, 1.0, 0.25}, &rotation);
  const auto p = fit_pca(z, 2);
  EXPECT_EQ(p.size(), 2);
  EXPECT_NEAR(p.explained_variance[0].item<double>(), 16.0, 16.0 * 0.05);
  EXPECT_NEAR(p.explained_variance[1].item<double>(), 1.0, 0.05);
  EXPECT_NEAR(p.explained_variance_ratio[0].item<double>(), 16.0 / (16.0 + 1.0 + 0.0625), 0.01);
  for (int64_t i = 0; i < 2; ++i)  // the true axis i is column i of the rotation
    EXPECT_GT(std::abs(torch::dot(p.components[i], rotation.select(1, i)).item<double>()), 0.999);
  // Projected coordinates are centred, uncorrelated, with the explained variances.
  const auto y = p.project(z);
  EXPECT_LT(y.mean(0).abs().max().item<double>(), 1e-9);
  const auto cov = torch::matmul(y.t(), y) / (y.size(0) - 1);
  EXPECT_TRUE(torch::allclose(cov.diagonal(), p.explained_variance, 1e-9, 1e-9));
  EXPECT_NEAR(cov[0][1].item<double>(), 0.0, 1e-9);
}

TEST(Projection, PointsOnALineClosedForm) {
  // (t, 2t): one direction (1, 2)/sqrt(5) holds all the variance.
  const auto t = torch::tensor({-2.0, -1.0, 0.0, 1.0, 2.0}, torch::kFloat64);
  const auto z = torch::stack({t, 2 * t}, 1);
  const auto p = fit_pca(z, 2);
  const auto expected = torch::tensor({1.0, 2.0}, torch::kFloat64) / std::sqrt(5.0);
  EXPECT_TRUE(torch::allclose(p.components[0], expected, 0, 1e-12))
      << p.components;  // sign: largest > 0
  EXPECT_NEAR(p.explained_variance[0].item<double>(), 5.0 * 10.0 / 4.0, 1e-12);  // 5 * var(t)
  EXPECT_NEAR(p.explained_variance_ratio[0].item<double>(), 1.0, 1e-12);
  EXPECT_NEAR(p.explained_variance[1].item<double>(), 0.0, 1e-12);
  EXPECT_TRUE(torch::allclose(p.project(z).select(1, 0), t * std::sqrt(5.0), 0, 1e-12));
  // One latent [D] projects to [k].
  EXPECT_EQ(p.project(z[4]).sizes(), (torch::IntArrayRef{2}));
  // Slider axes: one standard deviation along each direction.
  EXPECT_TRUE(
      torch::allclose(p.axes()[0].to(torch::kFloat64), expected * std::sqrt(12.5), 1e-6, 1e-6));
}

TEST(Projection, RefittingGivesTheSameSigns) {
  torch::manual_seed(2);
  const auto z = torch::randn({300, 6});
  EXPECT_TRUE(torch::equal(fit_pca(z, 3).components, fit_pca(z.clone(), 3).components));
  EXPECT_TRUE(
      torch::allclose(fit_pca(z, 3).components.abs(), fit_pca(-z, 3).components.abs(), 0, 1e-9));
  EXPECT_TRUE(torch::allclose(fit_pca(z, 3).components, fit_pca(-z, 3).components, 0, 1e-9));
}

TEST(Projection, TwoChosenDimensions) {
  torch::manual_seed(3);
  const auto z = torch::randn({100, 5}) * torch::tensor({1.0f, 2.0f, 3.0f, 4.0f, 5.0f});
  const auto p = make_projection("dims:3,1", z);
  EXPECT_EQ(p.kind, "dims:3,1");
  const auto y = p.project(z);
  EXPECT_TRUE(torch::allclose(y.select(1, 0), z.select(1, 3).to(torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(y.select(1, 1), z.select(1, 1).to(torch::kFloat64)));
  const auto var = z.to(torch::kFloat64).var(0);
  EXPECT_NEAR(p.explained_variance_ratio[0].item<double>(), (var[3] / var.sum()).item<double>(),
              1e-12);
  EXPECT_EQ(make_projection("pca", z).kind, "pca");
}

TEST(Projection, RejectsBadInput) {
  const auto z = torch::randn({10, 3});
  EXPECT_THROW(make_projection("dims:0,3", z), InputError);
  EXPECT_THROW(make_projection("dims:0", z), InputError);
  EXPECT_THROW(make_projection("dims:a,b", z), InputError);
  EXPECT_THROW(make_projection("tsne", z), InputError);
  EXPECT_THROW(fit_pca(torch::randn({1, 3})), InputError);
  EXPECT_THROW(fit_pca(torch::full({4, 2}, NAN)), InputError);
  EXPECT_THROW(fit_pca(z).project(torch::randn({2, 4})), InputError);
}
