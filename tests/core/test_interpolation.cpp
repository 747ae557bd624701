// Linear and spherical interpolation on vectors with known answers.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/analysis/interpolation.h"
#include "core/common/error.h"

using namespace latentlab;

namespace {

double angle(const torch::Tensor& a, const torch::Tensor& b) {
  const auto a64 = a.to(torch::kFloat64), b64 = b.to(torch::kFloat64);
  return std::acos(
      std::clamp((a64.dot(b64) / (a64.norm() * b64.norm())).item<double>(), -1.0, 1.0));
}

}  // namespace

TEST(Interpolation, ParsesMethodNames) {
  EXPECT_EQ(parse_interpolation_method("lerp"), InterpolationMethod::Linear);
  EXPECT_EQ(parse_interpolation_method("linear"), InterpolationMethod::Linear);
  EXPECT_EQ(parse_interpolation_method("slerp"), InterpolationMethod::Spherical);
  EXPECT_EQ(parse_interpolation_method("spherical"), InterpolationMethod::Spherical);
  EXPECT_THROW(parse_interpolation_method("cubic"), InputError);
  EXPECT_EQ(to_string(InterpolationMethod::Spherical), "slerp");
}

TEST(Interpolation, SlerpMidpointOfOrthogonalUnitVectors) {
  const auto a = torch::tensor({1.0f, 0.0f, 0.0f});
  const auto b = torch::tensor({0.0f, 1.0f, 0.0f});
  const auto m = slerp(a, b, 0.5);
  EXPECT_TRUE(torch::allclose(m, (a + b) / std::sqrt(2.0f), 0, 1e-7)) << m;
  // And a third of the way: (cos 30deg, sin 30deg, 0).
  EXPECT_TRUE(torch::allclose(slerp(a, b, 1.0 / 3.0),
                              torch::tensor({std::sqrt(3.0f) / 2, 0.5f, 0.0f}), 0, 1e-7));
}

TEST(Interpolation, SlerpKeepsEqualNormsAndMovesAtConstantAngle) {
  torch::manual_seed(0);
  auto a = torch::randn({64});
  auto b = torch::randn({64});
  b = b * (a.norm() / b.norm());
  const double omega = angle(a, b);
  for (int i = 0; i <= 10; ++i) {
    const double t = i / 10.0;
    const auto p = slerp(a, b, t);
    EXPECT_NEAR(p.norm().item<double>(), a.norm().item<double>(), 1e-5) << t;
    EXPECT_NEAR(angle(a, p), t * omega, 1e-5) << t;
    EXPECT_NEAR(angle(p, b), (1 - t) * omega, 1e-5) << t;
  }
}

TEST(Interpolation, SlerpMatchesTheClosedFormAndInterpolatesNorms) {
  torch::manual_seed(1);
  const auto a = torch::randn({8}, torch::kFloat64) * 3;
  const auto b = torch::randn({8}, torch::kFloat64);
  const double t = 0.3, na = a.norm().item<double>(), nb = b.norm().item<double>();
  const double omega = angle(a, b);
  const auto unit = (a / na) * (std::sin((1 - t) * omega) / std::sin(omega)) +
                    (b / nb) * (std::sin(t * omega) / std::sin(omega));
  const auto expected = unit * ((1 - t) * na + t * nb);
  EXPECT_TRUE(torch::allclose(slerp(a, b, t), expected, 0, 1e-12));
}

TEST(Interpolation, EndpointsAreExact) {
  torch::manual_seed(2);
  const auto a = torch::randn({10}), b = torch::randn({10});
  for (auto f : {&slerp, &lerp}) {
    EXPECT_TRUE(torch::equal(f(a, b, 0.0), a));
    EXPECT_TRUE(torch::equal(f(a, b, 1.0), b));
  }
}

TEST(Interpolation, ParallelVectorsFallBackToLerp) {
  const auto a = torch::tensor({1.0f, 2.0f, 2.0f});
  const auto p = slerp(a, a * 3, 0.5);
  EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
  EXPECT_TRUE(torch::allclose(p, a * 2, 0, 1e-6)) << p;
  EXPECT_TRUE(torch::allclose(slerp(a, a, 0.25), a, 0, 1e-6));
}

TEST(Interpolation, OppositeVectorsTakeAFiniteGreatCircle) {
  const auto a = torch::tensor({3.0f, 0.0f, 4.0f});
  const auto b = -a;
  for (int i = 1; i < 10; ++i) {
    const auto p = slerp(a, b, i / 10.0);
    ASSERT_TRUE(torch::isfinite(p).all().item<bool>()) << i;
    EXPECT_NEAR(p.norm().item<double>(), 5.0, 1e-5) << i;
    EXPECT_NEAR(angle(a, p), M_PI * i / 10.0, 1e-5) << i;
  }
  const auto mid = slerp(a, b, 0.5);
  EXPECT_NEAR(mid.dot(a).item<double>(), 0.0, 1e-5);  // perpendicular at the half
  EXPECT_TRUE(torch::equal(mid, slerp(a, b, 0.5)));   // deterministic
  // The least aligned basis vector of (0.6, 0, 0.8) is e1, which is already perpendicular.
  EXPECT_TRUE(torch::allclose(mid, torch::tensor({0.0f, 5.0f, 0.0f}), 0, 1e-5)) << mid;
}

TEST(Interpolation, DegenerateCasesStayFinite) {
  const auto zero = torch::zeros({3});
  const auto a = torch::tensor({1.0f, -2.0f, 0.5f});
  EXPECT_TRUE(torch::allclose(slerp(zero, a, 0.5), a * 0.5));
  const auto one = torch::tensor({2.0f}), minus = torch::tensor({-2.0f});
  EXPECT_TRUE(torch::allclose(slerp(one, minus, 0.25), torch::tensor({1.0f})));
  EXPECT_THROW(slerp(a, torch::zeros({4}), 0.5), InputError);
  EXPECT_THROW(slerp(a, a, NAN), InputError);
}

TEST(Interpolation, PathSharesKeyframesAndKeepsThemExact) {
  torch::manual_seed(3);
  const std::vector<torch::Tensor> keys{torch::randn({5}), torch::randn({5}), torch::randn({5})};
  for (auto method : {InterpolationMethod::Linear, InterpolationMethod::Spherical}) {
    const auto path = interpolate_path(keys, 4, method);
    ASSERT_EQ(path.sizes(), (torch::IntArrayRef{7, 5}));
    EXPECT_TRUE(torch::equal(path[0], keys[0]));
    EXPECT_TRUE(torch::equal(path[3], keys[1]));
    EXPECT_TRUE(torch::equal(path[6], keys[2]));
    EXPECT_TRUE(torch::isfinite(path).all().item<bool>());
  }
  const auto linear = interpolate_path(keys, 4, InterpolationMethod::Linear);
  EXPECT_TRUE(torch::allclose(linear[1], keys[0] + (keys[1] - keys[0]) / 3, 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(linear[5], keys[1] + (keys[2] - keys[1]) * 2 / 3, 1e-6, 1e-6));
  // Ten frames between two keyframes: the classic course strip.
  EXPECT_EQ(interpolate_path({keys[0], keys[1]}, 10, InterpolationMethod::Spherical).size(0), 10);
  EXPECT_THROW(interpolate_path({keys[0]}, 10, InterpolationMethod::Linear), InputError);
  EXPECT_THROW(interpolate_path(keys, 1, InterpolationMethod::Linear), InputError);
}
