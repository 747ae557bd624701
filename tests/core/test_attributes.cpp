// Attribute vectors: mean difference against a hand-built case and NumPy, Gram-Schmidt, linear
// boundaries (OpenCV SVM / logistic regression) on separable clusters, conditional editing.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/fitting/attributes.h"
#include "tests/core/python_reference.h"

using namespace latentlab;

namespace {

// Two Gaussian classes in D dimensions separated by gap along a random unit direction.
struct Classes {
  torch::Tensor latents, labels, direction;
};
Classes separable(int64_t n, int64_t d, double gap) {
  auto dir = torch::randn({d}, torch::kFloat64);
  dir /= dir.norm();
  auto labels = torch::where(torch::rand({n}) < 0.4, torch::ones({n}, torch::kInt64),
                             -torch::ones({n}, torch::kInt64));
  auto z = torch::randn({n, d}, torch::kFloat64);
  z = z - torch::matmul(z, dir).unsqueeze(1) * dir;  // no spread along the separating direction
  z = z + 0.1 * torch::randn({n, 1}, torch::kFloat64) * dir +
      (0.5 * gap) * labels.to(torch::kFloat64).unsqueeze(1) * dir;
  return {z.to(torch::kFloat32), labels, dir};
}

}  // namespace

TEST(Attributes, MeanDifferenceHandBuilt) {
  const auto z =
      torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}, {0.0f, 0.0f}, {10.0f, -10.0f}, {-2.0f, 2.0f}});
  const auto y = torch::tensor({1, 1, -1, 0, -1}, torch::kInt8);  // 0: unknown, ignored
  // (2, 3) - (-1, 1) = (3, 2)
  EXPECT_TRUE(torch::allclose(mean_difference(z, y), torch::tensor({3.0f, 2.0f})));
  EXPECT_THROW(mean_difference(z, torch::tensor({1, 1, 1, 0, 1})), InputError);
  EXPECT_THROW(mean_difference(z, torch::tensor({1, -1})), InputError);
}

TEST(Attributes, MeanDifferenceMatchesNumPy) {
  torch::manual_seed(0);
  const auto z = torch::randn({257, 16}) * 3 + 1;
  const auto y = torch::randint(-1, 2, {257}, torch::kInt64);  // -1, 0, 1
  std::string error;
  const auto expected =
      run_python_reference("z, y = inputs\noutput = z[y > 0].mean(axis=0) - z[y < 0].mean(axis=0)",
                           {z.to(torch::kFloat64), y.to(torch::kFloat64)}, &error);
  ASSERT_TRUE(expected.defined()) << error;
  EXPECT_TRUE(torch::allclose(mean_difference(z, y).to(torch::kFloat64), expected, 1e-6, 1e-6));
}

TEST(Attributes, GramSchmidtIsOrthonormalAndDropsDependentDirections) {
  torch::manual_seed(1);
  const auto a = torch::randn({12}), b = torch::randn({12});
  const auto nearly = a + 1e-4f * torch::randn({12});  // nearly parallel to a
  const auto basis = orthonormal_basis({a, b, a * 2 - b * 3, nearly, torch::zeros({12})});
  ASSERT_EQ(basis.size(0), 3);  // a, b, the tiny part of nearly; 2a - 3b and 0 dropped
  EXPECT_TRUE(
      torch::allclose(torch::matmul(basis, basis.t()), torch::eye(3, torch::kFloat64), 0, 1e-12));
  // The first row is a's direction.
  EXPECT_NEAR(torch::dot(basis[0], a.to(torch::kFloat64) / a.norm().item<double>()).item<double>(),
              1.0, 1e-7);
}

TEST(Attributes, ConditioningRemovesTheHeldDirections) {
  torch::manual_seed(2);
  const auto smile = torch::randn({16}), beard = torch::randn({16}), male = torch::randn({16});
  const auto edited = condition_direction(smile, {beard, male});
  EXPECT_NEAR(torch::dot(edited, beard).item<float>(), 0.0f, 1e-4);
  EXPECT_NEAR(torch::dot(edited, male).item<float>(), 0.0f, 1e-4);
  // What is left of smile is its part outside span(beard, male): smile - edited lies in the span.
  const auto basis = orthonormal_basis({beard, male}).to(torch::kFloat32);
  const auto removed = smile - edited;
  EXPECT_TRUE(torch::allclose(torch::matmul(torch::matmul(removed, basis.t()), basis), removed,
                              1e-4, 1e-5));
  // Nothing held: unchanged. Already orthogonal: unchanged.
  EXPECT_TRUE(torch::allclose(condition_direction(smile, {}), smile));
  const auto e0 = torch::zeros({16}).index_put_({0}, 1.0f),
             e1 = torch::zeros({16}).index_put_({1}, 1.0f);
  EXPECT_TRUE(torch::allclose(condition_direction(e0, {e1}), e0));
  EXPECT_THROW(condition_direction(smile, {torch::randn({15})}), InputError);
}

TEST(Attributes, LinearSvmSeparatesSeparableClusters) {
  torch::manual_seed(3);
  const auto c = separable(600, 8, 3.0);
  LinearBoundaryOptions o;
  const auto b = fit_linear_boundary(c.latents, c.labels, o);
  EXPECT_EQ(b.test_size, 120);
  EXPECT_GE(b.accuracy, 0.99);
  EXPECT_GE(b.balanced_accuracy, 0.99);
  EXPECT_NEAR(b.normal.norm().item<float>(), 1.0f, 1e-5);
  EXPECT_GT(torch::dot(b.normal.to(torch::kFloat64), c.direction).item<double>(),
            0.9);  // towards positives
  // Logistic regression finds the same side.
  o.model = BoundaryModel::Logistic;
  const auto l = fit_linear_boundary(c.latents, c.labels, o);
  EXPECT_GE(l.accuracy, 0.99);
  EXPECT_GT(torch::dot(l.normal.to(torch::kFloat64), c.direction).item<double>(), 0.8);
}

TEST(Attributes, LinearSvmBalancesARareOverlappingClass) {
  torch::manual_seed(6);
  // 10% positives, unit spread, means 1.5 apart along the first axis: the best balanced
  // accuracy is Phi(0.75) = 0.77; calling everything negative would score 0.5.
  const int64_t n = 3000;
  const auto labels = torch::where(torch::rand({n}) < 0.1, torch::ones({n}, torch::kInt64),
                                   -torch::ones({n}, torch::kInt64));
  auto z = torch::randn({n, 4});
  z.select(1, 0).add_(0.75 * labels.to(torch::kFloat32));
  const auto b = fit_linear_boundary(z, labels);
  EXPECT_GT(b.balanced_accuracy, 0.7);
  EXPECT_GT(b.normal[0].item<float>(), 0.9f);
}

TEST(Attributes, ScaledNormalMovesTheNegativeMeanToThePositive) {
  torch::manual_seed(4);
  const auto c = separable(400, 6, 4.0);
  const auto scaled = scale_like_mean_difference(c.direction, c.latents, c.labels);
  const auto diff = mean_difference(c.latents, c.labels);
  // The classes differ only along the direction, so the scaled normal is the mean difference up
  // to the sampling noise of the other coordinates' means.
  EXPECT_NEAR(scaled.norm().item<float>(), 4.0f, 0.05f);
  EXPECT_NEAR(torch::dot(scaled, diff / diff.norm()).item<float>(), diff.norm().item<float>(),
              0.3f);
  // A flipped normal gives the same vector.
  EXPECT_TRUE(torch::allclose(scale_like_mean_difference(-c.direction, c.latents, c.labels), scaled,
                              1e-5, 1e-6));
}

TEST(Attributes, ComputeSelectsNamesAndReportsAccuracy) {
  torch::manual_seed(5);
  const auto c = separable(500, 8, 3.0);
  const auto noise = torch::where(torch::rand({500}) < 0.5, torch::ones({500}), -torch::ones({500}))
                         .to(torch::kInt8);
  const auto values = torch::stack({c.labels.to(torch::kInt8), noise}, 1);
  AttributeOptions o;
  o.source = "synthetic";
  const auto all = compute_attributes(c.latents, values, {"Smiling", "Noise"}, {}, o);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "Smiling");
  EXPECT_EQ(all[0].vector.method, "mean-diff");
  EXPECT_EQ(all[0].vector.source, "synthetic");
  EXPECT_GE(*all[0].vector.accuracy, 0.99);
  EXPECT_LT(all[1].balanced_accuracy, 0.65);  // a random label is not separable
  const auto diff = mean_difference(c.latents, c.labels);
  EXPECT_TRUE(torch::allclose(torch::tensor(all[0].vector.direction), diff));
  o.method = AttributeMethod::Linear;
  const auto linear = compute_attributes(c.latents, values, {"Smiling", "Noise"}, {"Smiling"}, o);
  ASSERT_EQ(linear.size(), 1u);
  EXPECT_EQ(linear[0].vector.method, "linear");
  EXPECT_GE(*linear[0].vector.accuracy, 0.99);
  const auto v = torch::tensor(linear[0].vector.direction);
  EXPECT_GT(torch::dot(v / v.norm(), diff / diff.norm()).item<float>(), 0.9f);
  EXPECT_THROW(compute_attributes(c.latents, values, {"Smiling", "Noise"}, {"Beard"}, o),
               InputError);
}

TEST(Attributes, UserAttributeAndOneVsRest) {
  const auto with = torch::tensor({{1.0f, 1.0f}, {3.0f, 1.0f}}),
             without = torch::tensor({{0.0f, 0.0f}});
  const auto a = user_attribute(with, without, "2 images vs 1");
  EXPECT_EQ(a.method, "user");
  EXPECT_EQ(a.direction, (std::vector<float>{2.0f, 1.0f}));
  EXPECT_THROW(user_attribute(with, torch::zeros({0, 2}), ""), InputError);
  const auto ovr = one_vs_rest(torch::tensor({0, 2, -1, 1}, torch::kInt64), 3);
  EXPECT_TRUE(torch::equal(
      ovr, torch::tensor({{1, -1, -1}, {-1, -1, 1}, {0, 0, 0}, {-1, 1, -1}}, torch::kInt8)));
}
